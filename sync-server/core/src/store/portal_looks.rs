//! How a tenant's portal looks to its citizens (white label), an aggregate over the
//! transaction primitives: the accent colour, the imprint and privacy-policy links, the
//! contact details, and the coat of arms or logo (a PNG the server made, with its text for
//! screen readers). What is allowed (contrast, link forms, images) is
//! `services::portal_look`'s.

use rusqlite::{OptionalExtension, params};

use super::{ReadTx, StoreResult, WriteTx, now_ms};

/// A tenant's portal look; `None` parts show naper's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalLook {
    /// The accent colour, `#rrggbb`.
    pub accent: Option<String>,
    /// The imprint (Impressum).
    pub imprint_url: Option<String>,
    /// The privacy policy (Datenschutzerklärung).
    pub privacy_url: Option<String>,
    /// Where citizens write to.
    pub contact_email: Option<String>,
    /// Where citizens call, as it is dialled.
    pub contact_phone: Option<String>,
    /// The text of the coat of arms or logo, when the tenant has one ([`logo`]).
    pub logo_alt: Option<String>,
}

/// `tenant`'s look (naper's defaults when it set none).
///
/// # Errors
/// Database failures.
pub fn get(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<PortalLook> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT l.accent, l.imprint_url, l.privacy_url, l.contact_email, l.contact_phone,
                    (SELECT alt FROM portal_logos WHERE tenant = t.id)
             FROM tenants t LEFT JOIN portal_looks l ON l.tenant = t.id WHERE t.id = ?1",
        )?
        .query_row([tenant], |r| {
            Ok(PortalLook {
                accent: r.get(0)?,
                imprint_url: r.get(1)?,
                privacy_url: r.get(2)?,
                contact_email: r.get(3)?,
                contact_phone: r.get(4)?,
                logo_alt: r.get(5)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// `tenant`'s coat of arms or logo as PNG, if it has one.
///
/// # Errors
/// Database failures.
pub fn logo(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT png FROM portal_logos WHERE tenant = ?1")?
        .query_row([tenant], |r| r.get(0))
        .optional()?)
}

/// Stores `tenant`'s coat of arms or logo (`png`, made by `services::portal_look::logo_png`)
/// with its text, or with `None` removes it.
///
/// # Errors
/// Database failures (an unknown tenant among them).
pub fn set_logo(tx: &WriteTx<'_>, tenant: &str, logo: Option<(&[u8], &str)>) -> StoreResult<()> {
    match logo {
        Some((png, alt)) => {
            tx.sql()
                .prepare_cached(
                    "INSERT INTO portal_logos (tenant, png, alt, updated_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (tenant) DO UPDATE SET png = excluded.png, alt = excluded.alt,
                         updated_at = excluded.updated_at",
                )?
                .execute(params![tenant, png, alt, now_ms()])?;
        }
        None => {
            tx.sql()
                .prepare_cached("DELETE FROM portal_logos WHERE tenant = ?1")?
                .execute([tenant])?;
        }
    }
    Ok(())
}

/// Stores `tenant`'s look as given (checked by the caller).
///
/// # Errors
/// Database failures (an unknown tenant among them).
pub fn set(tx: &WriteTx<'_>, tenant: &str, look: &PortalLook) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "INSERT INTO portal_looks (tenant, accent, imprint_url, privacy_url, contact_email,
                 contact_phone, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant) DO UPDATE SET accent = excluded.accent,
                 imprint_url = excluded.imprint_url, privacy_url = excluded.privacy_url,
                 contact_email = excluded.contact_email, contact_phone = excluded.contact_phone,
                 updated_at = excluded.updated_at",
        )?
        .execute(params![
            tenant,
            look.accent,
            look.imprint_url,
            look.privacy_url,
            look.contact_email,
            look.contact_phone,
            now_ms()
        ])?;
    Ok(())
}

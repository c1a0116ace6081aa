//! Citizens' accounts on a tenant's portal, an aggregate over the transaction primitives:
//! the account (e-mail, password hash, whether the address is confirmed, the profile), its
//! sessions (only the id's SHA-256 is stored, as for staff, in a table of their own), the
//! one-time links mailed to it (address confirmation, new password; SHA-256 only), and the
//! requests sent from it, newest first, for its timeline.
//!
//! An e-mail address is stored lower-cased and trimmed: `Anna@Example.org` and
//! `anna@example.org` are one account.

use rusqlite::{OptionalExtension, Row, params};
use schema::CaseId;

use super::sql::parse_id;
use super::{ReadTx, StoreError, StoreResult, WriteTx};

/// What a citizen keeps in their profile: the values that fill the services' forms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Full name.
    pub name: String,
    /// Association or business, if the citizen acts for one.
    pub organisation: String,
    /// Street.
    pub street: String,
    /// House number.
    pub house_number: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// Phone number.
    pub phone: String,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// Its id (a UUID).
    pub id: String,
    /// The tenant whose portal it belongs to.
    pub tenant: String,
    /// The e-mail address, lower-cased.
    pub email: String,
    /// The argon2id PHC string of the password.
    pub password_hash: String,
    /// When the address was confirmed; `None` until then.
    pub verified_at: Option<i64>,
    /// The profile.
    pub profile: Profile,
    /// The language the citizen chose (`de`, `en`), which mails are written in.
    pub language: String,
    /// When it was made.
    pub created_at: i64,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Confirming the e-mail address.
    Verify,
    /// Setting a new password.
    Reset,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Verify => "verify",
            TokenPurpose::Reset => "reset",
        }
    }
}

/// A request sent from an account, for its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnRequest {
    /// Its case.
    pub case_id: CaseId,
    /// Its number.
    pub number: String,
    /// When it arrived.
    pub received_at: i64,
    /// The status its case has now, as stored (`in_review`).
    pub status: String,
    /// The case's title: the service's name and the number.
    pub title: String,
}

/// The address as accounts are keyed by.
pub fn normalized_email(email: &str) -> String {
    email.trim().to_lowercase()
}

const ACCOUNT_COLUMNS: &str = "id, tenant, email, password_hash, verified_at, name, \
    organisation, street, house_number, postal_code, city, phone, language, created_at";

fn account(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        tenant: r.get(1)?,
        email: r.get(2)?,
        password_hash: r.get(3)?,
        verified_at: r.get(4)?,
        profile: Profile {
            name: r.get(5)?,
            organisation: r.get(6)?,
            street: r.get(7)?,
            house_number: r.get(8)?,
            postal_code: r.get(9)?,
            city: r.get(10)?,
            phone: r.get(11)?,
        },
        language: r.get(12)?,
        created_at: r.get(13)?,
    })
}

/// Creates an unconfirmed account; `AlreadyExists` when the tenant has one for the address.
///
/// # Errors
/// [`StoreError::AlreadyExists`], database failures.
pub fn create(tx: &WriteTx<'_>, row: &AccountRow) -> StoreResult<()> {
    let inserted = tx
        .sql()
        .prepare_cached(&format!(
            "INSERT INTO citizen_accounts ({ACCOUNT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (tenant, email) DO NOTHING"
        ))?
        .execute(params![
            row.id,
            row.tenant,
            normalized_email(&row.email),
            row.password_hash,
            row.verified_at,
            row.profile.name,
            row.profile.organisation,
            row.profile.street,
            row.profile.house_number,
            row.profile.postal_code,
            row.profile.city,
            row.profile.phone,
            row.language,
            row.created_at,
        ])?;
    if inserted == 0 {
        return Err(StoreError::AlreadyExists(format!(
            "tenant `{}` has an account for this address",
            row.tenant
        )));
    }
    Ok(())
}

/// The tenant's account for `email`, if any.
///
/// # Errors
/// Database failures.
pub fn by_email(tx: &ReadTx<'_>, tenant: &str, email: &str) -> StoreResult<Option<AccountRow>> {
    Ok(tx
        .sql()
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM citizen_accounts WHERE tenant = ?1 AND email = ?2"
        ))?
        .query_row(params![tenant, normalized_email(email)], account)
        .optional()?)
}

/// The account `id`, if it exists.
///
/// # Errors
/// Database failures.
pub fn by_id(tx: &ReadTx<'_>, id: &str) -> StoreResult<Option<AccountRow>> {
    Ok(tx
        .sql()
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM citizen_accounts WHERE id = ?1"
        ))?
        .query_row([id], account)
        .optional()?)
}

/// Stores a one-time link's hash for `account_id`.
///
/// # Errors
/// Database failures.
pub fn add_token(
    tx: &WriteTx<'_>,
    hash: &str,
    account_id: &str,
    purpose: TokenPurpose,
    expires_at: i64,
) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "INSERT INTO citizen_tokens (hash, account_id, purpose, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![hash, account_id, purpose.as_str(), expires_at])?;
    Ok(())
}

/// Uses the one-time link with `hash` for `purpose` at `now` on `tenant`'s portal: marks it
/// used and returns its account, or `None` when it is unknown, used, expired, for another
/// purpose or another tenant's.
///
/// # Errors
/// Database failures.
pub fn use_token(
    tx: &WriteTx<'_>,
    hash: &str,
    purpose: TokenPurpose,
    tenant: &str,
    now: i64,
) -> StoreResult<Option<String>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "UPDATE citizen_tokens SET used_at = ?3
             WHERE hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3
               AND account_id IN (SELECT id FROM citizen_accounts WHERE tenant = ?4)
             RETURNING account_id",
        )?
        .query_row(params![hash, purpose.as_str(), now, tenant], |r| r.get(0))
        .optional()?)
}

/// The account of the link with `hash` if it would work for `purpose` at `now` on
/// `tenant`'s portal (the page that asks for a password, before the link is used).
///
/// # Errors
/// Database failures.
pub fn token_account(
    tx: &ReadTx<'_>,
    hash: &str,
    purpose: TokenPurpose,
    tenant: &str,
    now: i64,
) -> StoreResult<Option<AccountRow>> {
    let id: Option<String> = tx
        .sql()
        .prepare_cached(
            "SELECT t.account_id FROM citizen_tokens t
             JOIN citizen_accounts a ON a.id = t.account_id
             WHERE t.hash = ?1 AND t.purpose = ?2 AND t.used_at IS NULL AND t.expires_at > ?3
               AND a.tenant = ?4",
        )?
        .query_row(params![hash, purpose.as_str(), now, tenant], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => by_id(tx, &id),
        None => Ok(None),
    }
}

/// Gives an unconfirmed account the password of its newest registration and forgets its
/// earlier confirmation links: whoever registered the address before has no way in.
///
/// # Errors
/// Database failures.
pub fn renew_unconfirmed(tx: &WriteTx<'_>, id: &str, password_hash: &str) -> StoreResult<()> {
    let sql = tx.sql();
    sql.prepare_cached(
        "UPDATE citizen_accounts SET password_hash = ?2 WHERE id = ?1 AND verified_at IS NULL",
    )?
    .execute(params![id, password_hash])?;
    sql.prepare_cached("DELETE FROM citizen_tokens WHERE account_id = ?1 AND purpose = 'verify'")?
        .execute([id])?;
    Ok(())
}

/// Marks the account's address confirmed at `now` (kept if it was before).
///
/// # Errors
/// Database failures.
pub fn mark_verified(tx: &WriteTx<'_>, id: &str, now: i64) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "UPDATE citizen_accounts SET verified_at = COALESCE(verified_at, ?2) WHERE id = ?1",
        )?
        .execute(params![id, now])?;
    Ok(())
}

/// Sets a new password hash and ends every session and every open reset link of the
/// account: whoever knew the old password is signed out.
///
/// # Errors
/// Database failures.
pub fn set_password(tx: &WriteTx<'_>, id: &str, password_hash: &str) -> StoreResult<()> {
    let sql = tx.sql();
    sql.prepare_cached("UPDATE citizen_accounts SET password_hash = ?2 WHERE id = ?1")?
        .execute(params![id, password_hash])?;
    sql.prepare_cached("DELETE FROM citizen_sessions WHERE account_id = ?1")?
        .execute([id])?;
    sql.prepare_cached(
        "DELETE FROM citizen_tokens WHERE account_id = ?1 AND purpose = 'reset' AND used_at IS NULL",
    )?
    .execute([id])?;
    Ok(())
}

/// Replaces the account's profile and language.
///
/// # Errors
/// Database failures.
pub fn set_profile(
    tx: &WriteTx<'_>,
    id: &str,
    profile: &Profile,
    language: &str,
) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "UPDATE citizen_accounts SET name = ?2, organisation = ?3, street = ?4,
                 house_number = ?5, postal_code = ?6, city = ?7, phone = ?8, language = ?9
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            profile.name,
            profile.organisation,
            profile.street,
            profile.house_number,
            profile.postal_code,
            profile.city,
            profile.phone,
            language,
        ])?;
    Ok(())
}

/// Deletes the account with its sessions and links; its requests stay with the office, no
/// longer linked to it.
///
/// # Errors
/// Database failures.
pub fn delete(tx: &WriteTx<'_>, id: &str) -> StoreResult<bool> {
    Ok(tx
        .sql()
        .prepare_cached("DELETE FROM citizen_accounts WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// Stores a session, forgetting every expired one.
///
/// # Errors
/// Database failures.
pub fn create_session(
    tx: &WriteTx<'_>,
    id_hash: &str,
    account_id: &str,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    let sql = tx.sql();
    sql.prepare_cached("DELETE FROM citizen_sessions WHERE expires_at <= ?1")?
        .execute([now])?;
    sql.prepare_cached(
        "INSERT INTO citizen_sessions (id_hash, account_id, csrf_token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id_hash, account_id, csrf_token, now, expires_at])?;
    Ok(())
}

/// The account of the session with `id_hash` and the session's form token, if the session
/// exists at `now` and belongs to `tenant`.
///
/// # Errors
/// Database failures.
pub fn session(
    tx: &ReadTx<'_>,
    id_hash: &str,
    tenant: &str,
    now: i64,
) -> StoreResult<Option<(AccountRow, String)>> {
    let found: Option<(String, String)> = tx
        .sql()
        .prepare_cached(
            "SELECT s.account_id, s.csrf_token FROM citizen_sessions s
             JOIN citizen_accounts a ON a.id = s.account_id
             WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND a.tenant = ?3",
        )?
        .query_row(params![id_hash, now, tenant], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((account_id, csrf)) = found else {
        return Ok(None);
    };
    Ok(by_id(tx, &account_id)?.map(|row| (row, csrf)))
}

/// Ends the session with `id_hash`.
///
/// # Errors
/// Database failures.
pub fn end_session(tx: &WriteTx<'_>, id_hash: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached("DELETE FROM citizen_sessions WHERE id_hash = ?1")?
        .execute([id_hash])?;
    Ok(())
}

/// The requests sent from the account, newest first, at most `limit`.
///
/// # Errors
/// Database failures.
pub fn requests(tx: &ReadTx<'_>, account_id: &str, limit: usize) -> StoreResult<Vec<OwnRequest>> {
    let rows: Vec<(String, String, i64, String, String)> = tx
        .sql()
        .prepare_cached(
            "SELECT r.case_id, r.number, r.received_at, c.status, c.title
             FROM citizen_requests r JOIN cases c ON c.id = r.case_id
             WHERE r.account_id = ?1
             ORDER BY r.received_at DESC, r.number DESC LIMIT ?2",
        )?
        .query_map(
            params![account_id, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, number, received_at, status, title)| {
            Ok(OwnRequest {
                case_id: parse_id(&id)?,
                number,
                received_at,
                status,
                title,
            })
        })
        .collect()
}

//! Tenants (municipalities, counties, ministries): created by the admin CLI, read by
//! everything that shows or checks which office a user belongs to.

use rusqlite::{OptionalExtension, params};

use super::{ReadTx, StoreError, StoreResult, TenantRow, WriteTx, now_ms};

/// Creates tenant `id` named `name`.
///
/// # Errors
/// [`StoreError::AlreadyExists`] for a taken id.
pub fn create(tx: &WriteTx<'_>, id: &str, name: &str) -> StoreResult<()> {
    let sql = tx.sql();
    let exists: bool = sql
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM tenants WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?;
    if exists {
        return Err(StoreError::AlreadyExists(format!(
            "the tenant `{id}` exists already"
        )));
    }
    sql.prepare_cached("INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![id, name, now_ms()])?;
    Ok(())
}

/// Tenant `id`, if it exists.
///
/// # Errors
/// Database failures.
pub fn find(tx: &ReadTx<'_>, id: &str) -> StoreResult<Option<TenantRow>> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT id, name FROM tenants WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(TenantRow {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .optional()?)
}

/// Whether no tenant exists yet: a new installation, which the admin CLI sets up.
///
/// # Errors
/// Database failures.
pub fn none_yet(tx: &ReadTx<'_>) -> StoreResult<bool> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT NOT EXISTS(SELECT 1 FROM tenants)")?
        .query_row([], |r| r.get(0))?)
}

/// Sets the host name `tenant`'s portal is reached by (lower case, without a port), or
/// clears it with `None`.
///
/// # Errors
/// [`StoreError::AlreadyExists`] for a host another tenant has, [`StoreError::NotFound`] for
/// an unknown tenant; database failures.
pub fn set_portal_host(tx: &WriteTx<'_>, tenant: &str, host: Option<&str>) -> StoreResult<()> {
    let sql = tx.sql();
    if let Some(host) = host {
        let taken: Option<String> = sql
            .prepare_cached("SELECT id FROM tenants WHERE portal_host = ?1 AND id <> ?2")?
            .query_row(params![host, tenant], |r| r.get(0))
            .optional()?;
        if let Some(other) = taken {
            return Err(StoreError::AlreadyExists(format!(
                "the host `{host}` is the portal of tenant `{other}` already"
            )));
        }
    }
    let changed = sql
        .prepare_cached("UPDATE tenants SET portal_host = ?2 WHERE id = ?1")?
        .execute(params![tenant, host])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("no tenant `{tenant}`")));
    }
    Ok(())
}

/// The tenant whose portal host is `host` (lower case, without a port), if any.
///
/// # Errors
/// Database failures.
pub fn by_portal_host(tx: &ReadTx<'_>, host: &str) -> StoreResult<Option<String>> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT id FROM tenants WHERE portal_host = ?1")?
        .query_row([host], |r| r.get(0))
        .optional()?)
}

//! Permissions an admin grants a staff role of their tenant beyond the role's fixed rights
//! (`access::staff_may`), an aggregate of its own: today only [`Permission::ViewOriginals`].
//! Nothing is granted until an admin grants it; a session reads its role's grants with the
//! session itself, so a change counts from the next request on.

use rusqlite::{Connection, params};
use schema::Role;

use super::{ReadTx, StoreError, StoreResult, WriteTx};

/// What a role can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Open unredacted photo originals (every opening is audited); without it, a role sees
    /// the redacted rendering of every photo.
    ViewOriginals,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 1] = [Permission::ViewOriginals];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ViewOriginals => "view_originals",
        }
    }

    fn parse(text: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// What the role of a signed-in staff member has been granted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Grants {
    /// [`Permission::ViewOriginals`].
    pub view_originals: bool,
}

/// Grants (`granted`) or withdraws `permission` for `role` in `tenant`.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown tenant.
pub fn set(
    tx: &WriteTx<'_>,
    tenant: &str,
    role: Role,
    permission: Permission,
    granted: bool,
) -> StoreResult<()> {
    let tx = tx.sql();
    let tenant_exists: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM tenants WHERE id = ?1)")?
        .query_row([tenant], |r| r.get(0))?;
    if !tenant_exists {
        return Err(StoreError::NotFound(format!(
            "there is no tenant `{tenant}`"
        )));
    }
    if granted {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO role_grants (tenant, role, permission) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![tenant, role.as_str(), permission.as_str()])?;
    } else {
        tx.prepare_cached(
            "DELETE FROM role_grants WHERE tenant = ?1 AND role = ?2 AND permission = ?3",
        )?
        .execute(params![tenant, role.as_str(), permission.as_str()])?;
    }
    Ok(())
}

/// Every grant of `tenant`, as (role, permission); names this build does not know are
/// skipped (a newer build's permissions).
///
/// # Errors
/// Database errors.
pub fn of_tenant(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<Vec<(Role, Permission)>> {
    granted(tx.sql(), tenant)
}

fn granted(conn: &Connection, tenant: &str) -> StoreResult<Vec<(Role, Permission)>> {
    let mut statement = conn.prepare_cached(
        "SELECT role, permission FROM role_grants WHERE tenant = ?1 ORDER BY role, permission",
    )?;
    let rows = statement.query_map([tenant], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut grants = Vec::new();
    for row in rows {
        let (role, permission) = row?;
        if let (Ok(role), Some(permission)) = (role.parse::<Role>(), Permission::parse(&permission))
        {
            grants.push((role, permission));
        }
    }
    Ok(grants)
}

/// What `role` of `tenant` has been granted.
pub(super) fn of_role(conn: &Connection, tenant: &str, role: Role) -> StoreResult<Grants> {
    let all = granted(conn, tenant)?;
    Ok(Grants {
        view_originals: all.contains(&(role, Permission::ViewOriginals)),
    })
}

//! User accounts and their devices, an aggregate of their own: the writes an administrator
//! makes, each usable in a transaction shared with its audit entry ([`super::WriteTx`]).

use rusqlite::{OptionalExtension, params};
use schema::{Role, Status};

use super::{NewUser, StoreError, StoreResult, WriteTx, now_ms};

/// Creates `user` in its tenant.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown tenant, [`StoreError::AlreadyExists`] for a taken
/// user name (user names are unique across all tenants).
pub fn create_user(tx: &WriteTx<'_>, user: &NewUser) -> StoreResult<()> {
    let tx = tx.sql();
    let tenant: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM tenants WHERE id = ?1)")?
        .query_row([&user.tenant], |r| r.get(0))?;
    if !tenant {
        return Err(StoreError::NotFound(format!(
            "there is no tenant `{}`; create it first",
            user.tenant
        )));
    }
    let taken: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)")?
        .query_row([&user.username], |r| r.get(0))?;
    if taken {
        return Err(StoreError::AlreadyExists(format!(
            "the user name `{}` is taken (user names are unique across all tenants)",
            user.username
        )));
    }
    tx.prepare_cached(
        "INSERT INTO users (username, tenant, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        user.username,
        user.tenant,
        user.display_name,
        user.role.as_str(),
        user.password_hash,
        now_ms()
    ])?;
    Ok(())
}

/// Revokes a device and deletes its sync states in the same transaction: the token is refused
/// from now on, so the per-document states could never be used again; the time of its last
/// sync is kept on the device row for the device list.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown device.
pub fn revoke_device(tx: &WriteTx<'_>, device_id: &str) -> StoreResult<()> {
    let tx = tx.sql();
    let n = tx.execute(
        "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2),
             last_sync_at = coalesce(
                 (SELECT max(updated_at) FROM sync_states WHERE device_id = ?1), last_sync_at)
         WHERE id = ?1",
        params![device_id, now_ms()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "there is no device `{device_id}`; `list-devices` shows the ids"
        )));
    }
    tx.execute("DELETE FROM sync_states WHERE device_id = ?1", [device_id])?;
    Ok(())
}

fn no_user(username: &str) -> StoreError {
    StoreError::NotFound(format!("there is no user `{username}`"))
}

/// Sets the password hash (an argon2id PHC string) of `username`, and revokes the user's
/// devices: a new password is set when the old one may be known to someone else, who may
/// have enrolled a device with it.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown user.
pub fn set_password_hash(tx: &WriteTx<'_>, username: &str, hash: &str) -> StoreResult<()> {
    let n = tx
        .sql()
        .prepare_cached("UPDATE users SET password_hash = ?2 WHERE username = ?1")?
        .execute(params![username, hash])?;
    if n == 0 {
        return Err(no_user(username));
    }
    revoke_devices_of(tx, username)?;
    Ok(())
}

/// Revokes every device of `username` that is not revoked yet; returns how many.
///
/// # Errors
/// Database failures.
pub fn revoke_devices_of(tx: &WriteTx<'_>, username: &str) -> StoreResult<usize> {
    let ids: Vec<String> = tx
        .sql()
        .prepare_cached("SELECT id FROM devices WHERE username = ?1 AND revoked_at IS NULL")?
        .query_map([username], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        revoke_device(tx, id)?;
    }
    Ok(ids.len())
}

/// Ends every back-office session of `username`; returns how many.
///
/// # Errors
/// Database failures.
pub fn end_sessions(tx: &WriteTx<'_>, username: &str) -> StoreResult<usize> {
    Ok(tx
        .sql()
        .prepare_cached("DELETE FROM sessions WHERE username = ?1")?
        .execute([username])?)
}

/// Gives `username` the role `role`. A change of role revokes the user's devices: a device
/// was enrolled for what its user could do then.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown user.
pub fn set_role(tx: &WriteTx<'_>, username: &str, role: Role) -> StoreResult<()> {
    let current: Option<String> = tx
        .sql()
        .query_row(
            "SELECT role FROM users WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?;
    let Some(current) = current else {
        return Err(no_user(username));
    };
    if current != role.as_str() {
        tx.sql().execute(
            "UPDATE users SET role = ?2 WHERE username = ?1",
            params![username, role.as_str()],
        )?;
        revoke_devices_of(tx, username)?;
    }
    Ok(())
}

/// Deletes `username`, with their sessions, devices and the devices' sync states; refused
/// while a case that is not approved, rejected or closed is assigned to them (checked in the
/// deleting transaction, so no assignment slips in between).
///
/// # Errors
/// [`StoreError::StillAssigned`], [`StoreError::NotFound`].
pub fn delete_user(tx: &WriteTx<'_>, username: &str) -> StoreResult<()> {
    let open: i64 = tx.sql().query_row(
        "SELECT count(*) FROM cases c JOIN users u ON u.tenant = c.tenant
         WHERE u.username = ?1 AND c.assignee = ?1 AND c.status NOT IN (?2, ?3, ?4)",
        params![
            username,
            Status::Approved.as_str(),
            Status::Rejected.as_str(),
            Status::Closed.as_str()
        ],
        |r| r.get(0),
    )?;
    if open > 0 {
        return Err(StoreError::StillAssigned {
            username: username.to_string(),
            cases: u64::try_from(open).unwrap_or(0),
        });
    }
    // Sessions, devices and (through the devices) sync states go by their foreign keys'
    // ON DELETE CASCADE.
    let n = tx
        .sql()
        .execute("DELETE FROM users WHERE username = ?1", [username])?;
    if n == 0 {
        return Err(no_user(username));
    }
    Ok(())
}

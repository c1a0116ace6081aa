//! User accounts and their devices, an aggregate of their own: the writes an administrator
//! makes, each usable in a transaction shared with its audit entry ([`super::WriteTx`]), and
//! the reads of users and devices (a device by its token's hash on every API request).

use rusqlite::{OptionalExtension, params};
use schema::{Role, Status};

use super::sql::role_of;
use super::{
    DeviceActivity, DeviceRow, NewUser, ReadTx, StoreError, StoreResult, UserRow, WriteTx, now_ms,
};

const USER_SELECT: &str = "SELECT tenant, username, display_name, role, password_hash FROM users";

/// A row of [`USER_SELECT`] with its role still as stored; [`finish_user`] parses it.
fn user_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(UserRow, String)> {
    Ok((
        UserRow {
            tenant: r.get(0)?,
            username: r.get(1)?,
            display_name: r.get(2)?,
            role: Role::Viewer, // replaced by `finish_user`
            password_hash: r.get(4)?,
        },
        r.get(3)?,
    ))
}

fn finish_user((mut user, role): (UserRow, String)) -> StoreResult<UserRow> {
    user.role = role_of(&role)?;
    Ok(user)
}

pub(super) const DEVICE_SELECT: &str = "SELECT d.id, d.username, u.tenant, u.role, d.name, d.created_at, \
     d.revoked_at, d.last_seen_at FROM devices d JOIN users u ON u.username = d.username";

/// A row of [`DEVICE_SELECT`] with its user's role still as stored; [`finish_device`] parses it.
fn device_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(DeviceRow, String)> {
    let role: String = r.get(3)?;
    Ok((
        DeviceRow {
            id: r.get(0)?,
            username: r.get(1)?,
            tenant: r.get(2)?,
            role: Role::Viewer, // replaced by `finish_device`
            name: r.get(4)?,
            created_at: r.get(5)?,
            revoked_at: r.get(6)?,
            last_seen_at: r.get(7)?,
        },
        role,
    ))
}

fn finish_device((mut device, role): (DeviceRow, String)) -> StoreResult<DeviceRow> {
    device.role = role_of(&role)?;
    Ok(device)
}

/// User `username`, if there is one.
///
/// # Errors
/// Database failures, a stored role this build does not know.
pub fn user(tx: &ReadTx<'_>, username: &str) -> StoreResult<Option<UserRow>> {
    tx.sql()
        .prepare_cached(&format!("{USER_SELECT} WHERE username = ?1"))?
        .query_row([username], user_from)
        .optional()?
        .map(finish_user)
        .transpose()
}

/// The users of `tenant`, by user name.
///
/// # Errors
/// Database failures, a stored role this build does not know.
pub fn tenant_users(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<Vec<UserRow>> {
    let raw = tx
        .sql()
        .prepare_cached(&format!(
            "{USER_SELECT} WHERE tenant = ?1 ORDER BY username"
        ))?
        .query_map([tenant], user_from)?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(finish_user).collect()
}

/// Enrolls a device named `name` for `username`, known from now on by `token_hash` (the
/// SHA-256 of its token; the token itself is never stored).
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown user.
pub fn create_device(
    tx: &WriteTx<'_>,
    username: &str,
    name: &str,
    token_hash: &str,
) -> StoreResult<DeviceRow> {
    let id = uuid::Uuid::now_v7().to_string();
    let sql = tx.sql();
    let n = sql
        .prepare_cached(
            "INSERT INTO devices (id, username, name, token_hash, created_at)
             SELECT ?1, username, ?3, ?4, ?5 FROM users WHERE username = ?2",
        )?
        .execute(params![id, username, name, token_hash, now_ms()])?;
    if n == 0 {
        return Err(no_user(username));
    }
    let row = sql.query_row(
        &format!("{DEVICE_SELECT} WHERE d.id = ?1"),
        [&id],
        device_from,
    )?;
    finish_device(row)
}

/// The device whose token hashes to `token_hash`, revoked or not (the caller refuses a
/// revoked one with a reason).
///
/// # Errors
/// Database failures, a stored role this build does not know.
pub fn device_by_token_hash(tx: &ReadTx<'_>, token_hash: &str) -> StoreResult<Option<DeviceRow>> {
    // Every API request asks this: a cached statement, not one parsed each time.
    tx.sql()
        .prepare_cached(&format!("{DEVICE_SELECT} WHERE d.token_hash = ?1"))?
        .query_row([token_hash], device_from)
        .optional()?
        .map(finish_device)
        .transpose()
}

/// Every device of every tenant, newest first (the admin CLI's list).
///
/// # Errors
/// Database failures, a stored role this build does not know.
pub fn all_devices(tx: &ReadTx<'_>) -> StoreResult<Vec<DeviceRow>> {
    let rows = tx
        .sql()
        .prepare(&format!(
            "{DEVICE_SELECT} ORDER BY d.created_at DESC, d.id DESC"
        ))?
        .query_map([], device_from)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(finish_device).collect()
}

/// The devices of `tenant` with their last sync (the back office's device list), by user
/// and newest first.
///
/// # Errors
/// Database failures, a stored role this build does not know.
pub fn tenant_devices(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<Vec<DeviceActivity>> {
    let mut stmt = tx.sql().prepare_cached(&format!(
        "SELECT d.*, coalesce(s.last_sync, (SELECT x.last_sync_at FROM devices x
                                            WHERE x.id = d.id))
         FROM ({DEVICE_SELECT} WHERE u.tenant = ?1) d
         LEFT JOIN (SELECT device_id, max(updated_at) AS last_sync FROM sync_states
                    GROUP BY device_id) s ON s.device_id = d.id
         ORDER BY d.username, d.created_at DESC, d.id DESC"
    ))?;
    let rows = stmt
        .query_map([tenant], |r| {
            Ok((device_from(r)?, r.get::<_, Option<i64>>(8)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(device, last_sync_ms)| {
            Ok(DeviceActivity {
                device: finish_device(device)?,
                last_sync_ms,
            })
        })
        .collect()
}

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

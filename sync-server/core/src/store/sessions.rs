//! Back-office sessions, an aggregate of their own over the transaction primitives: created at
//! sign-in (forgetting every expired one), found with their user and the grants of the user's
//! role on every request, kept alive by use up to their absolute lifetime, ended at logout.
//! Only a hash of the session id is stored.

use rusqlite::{OptionalExtension, params};
use schema::Role;

use super::{NewSession, ReadTx, SessionRow, StoreError, StoreResult, WriteTx, grants};

/// Stores a new session, and forgets every expired one: they are of no use to anyone, and
/// forgetting them here keeps the table small without a background task.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown user.
pub fn create(tx: &WriteTx<'_>, session: &NewSession) -> StoreResult<()> {
    let tx = tx.sql();
    tx.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")?
        .execute([session.created_at])?;
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)")?
        .query_row([&session.username], |r| r.get(0))?;
    if !exists {
        return Err(StoreError::NotFound(format!(
            "there is no user `{}`",
            session.username
        )));
    }
    tx.prepare_cached(
        "INSERT INTO sessions (id_hash, username, csrf_token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        session.id_hash,
        session.username,
        session.csrf_token,
        session.created_at,
        session.expires_at
    ])?;
    Ok(())
}

/// The session with this id hash, with its user and the grants of the user's role, if it
/// exists and has not expired at `now_ms`.
///
/// # Errors
/// Database errors, a stored role this build does not know.
pub fn find(tx: &ReadTx<'_>, id_hash: &str, now_ms: i64) -> StoreResult<Option<SessionRow>> {
    let conn = tx.sql();
    let row = conn
        .prepare_cached(
            "SELECT u.username, u.tenant, u.display_name, u.role, s.csrf_token, s.expires_at
             FROM sessions s JOIN users u ON u.username = s.username
             WHERE s.id_hash = ?1 AND s.expires_at > ?2",
        )?
        .query_row(params![id_hash, now_ms], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })
        .optional()?;
    let Some((username, tenant, display_name, role, csrf_token, expires_at)) = row else {
        return Ok(None);
    };
    let role: Role = role
        .parse()
        .map_err(|_| StoreError::Invalid(format!("stored role `{role}` is unknown")))?;
    Ok(Some(SessionRow {
        grants: grants::of_role(conn, &tenant, role)?,
        username,
        tenant,
        display_name,
        role,
        csrf_token,
        expires_at,
    }))
}

/// Moves the expiry of a live session to `now_ms + idle_ms`, but never past its
/// `created_at + ttl_ms`: a session ends after `idle_ms` without use, and after `ttl_ms` in
/// any case. An expired or unknown session stays ended.
///
/// # Errors
/// Database errors.
pub fn extend(
    tx: &WriteTx<'_>,
    id_hash: &str,
    now_ms: i64,
    idle_ms: i64,
    ttl_ms: i64,
) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "UPDATE sessions SET expires_at = min(created_at + ?4, ?2 + ?3)
             WHERE id_hash = ?1 AND expires_at > ?2",
        )?
        .execute(params![id_hash, now_ms, idle_ms, ttl_ms])?;
    Ok(())
}

/// Ends a session (logout); unknown ids are ignored.
///
/// # Errors
/// Database errors.
pub fn end(tx: &WriteTx<'_>, id_hash: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")?
        .execute([id_hash])?;
    Ok(())
}

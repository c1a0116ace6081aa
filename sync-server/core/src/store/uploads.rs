//! Photo uploads in progress: one row per upload key (tenant and blob, `crate::blobs`'
//! `upload_key`) with its declared size and the device that began it, touched by every
//! request, so the sweep finds the abandoned ones.

use rusqlite::{OptionalExtension, params};

use super::sql::{to_i64, to_u64};
use super::{ReadTx, StoreResult, WriteTx, now_ms};

/// The declared size of upload `key`, if it is in progress.
///
/// # Errors
/// Database failures.
pub fn size(tx: &ReadTx<'_>, key: &str) -> StoreResult<Option<u64>> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT size FROM uploads WHERE upload_key = ?1")?
        .query_row([key], |r| r.get::<_, i64>(0))
        .optional()?
        .map(to_u64))
}

/// Begins or touches upload `key` of `size` bytes for device `device_id`.
///
/// # Errors
/// Database failures, a size too large to store.
pub fn put(tx: &WriteTx<'_>, key: &str, size: u64, device_id: &str) -> StoreResult<()> {
    let size = to_i64(size)?;
    tx.sql()
        .prepare_cached(
            "INSERT INTO uploads (upload_key, size, device_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(upload_key) DO UPDATE SET size = excluded.size,
                 device_id = excluded.device_id, updated_at = excluded.updated_at",
        )?
        .execute(params![key, size, device_id, now_ms()])?;
    Ok(())
}

/// Forgets upload `key` (finished or given up).
///
/// # Errors
/// Database failures.
pub fn delete(tx: &WriteTx<'_>, key: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached("DELETE FROM uploads WHERE upload_key = ?1")?
        .execute([key])?;
    Ok(())
}

/// The keys of uploads untouched since `before_ms`.
///
/// # Errors
/// Database failures.
pub fn idle(tx: &ReadTx<'_>, before_ms: i64) -> StoreResult<Vec<String>> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT upload_key FROM uploads WHERE updated_at < ?1 ORDER BY upload_key")?
        .query_map([before_ms], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Forgets upload `key` if it is still untouched since `before_ms`; whether its `.part`
/// file may go (true also when there is no row: a file nobody records).
///
/// # Errors
/// Database failures.
pub fn forget_idle(tx: &WriteTx<'_>, key: &str, before_ms: i64) -> StoreResult<bool> {
    let sql = tx.sql();
    let deleted = sql
        .prepare_cached("DELETE FROM uploads WHERE upload_key = ?1 AND updated_at < ?2")?
        .execute(params![key, before_ms])?;
    if deleted > 0 {
        return Ok(true);
    }
    // Not deleted: either there is no row (a `.part` file left alone), or it was touched
    // since, and then the upload is alive.
    let exists: bool = sql
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM uploads WHERE upload_key = ?1)")?
        .query_row([key], |r| r.get(0))?;
    Ok(!exists)
}

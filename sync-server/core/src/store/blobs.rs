//! Stored photo blobs, an aggregate of their own: the row written once a photo's bytes are
//! in place, which tenants and which users uploaded them, and what a principal may learn of
//! one (the access policy decides with these facts; the bytes are `crate::blobs`' files).

use rusqlite::{Connection, OptionalExtension, params};
use schema::CaseId;

use super::sql::{limit, parse_id, to_i64, to_u64, visibility_params, visible};
use super::{BlobFacts, BlobRow, PhotoAccess, ReadTx, StoreResult, Visibility, WriteTx, now_ms};

/// The stored blob `sha256`, if any, on a connection a read or write transaction holds.
fn row(conn: &Connection, sha256: &str) -> StoreResult<Option<BlobRow>> {
    Ok(conn
        .prepare_cached("SELECT sha256, size, mime FROM blobs WHERE sha256 = ?1")?
        .query_row([sha256], |r| {
            Ok(BlobRow {
                sha256: r.get(0)?,
                size: to_u64(r.get(1)?),
                mime: r.get(2)?,
            })
        })
        .optional()?)
}

/// Whether a case visible under `visibility` references photo `sha256`.
fn referenced(conn: &Connection, visibility: &Visibility, sha256: &str) -> StoreResult<bool> {
    let (tenant, officer) = visibility_params(visibility);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS(SELECT 1 FROM case_photos p JOIN cases c ON c.id = p.case_id
             WHERE p.sha256 = ?3 AND {})",
            visible(visibility)
        ))?
        .query_row(params![tenant, officer, sha256], |r| r.get(0))?)
}

/// The stored blob `sha256`, if any.
///
/// # Errors
/// Database failures.
pub fn find(tx: &ReadTx<'_>, sha256: &str) -> StoreResult<Option<BlobRow>> {
    row(tx.sql(), sha256)
}

/// Records `blob` as stored, unless it is already (its bytes are the same by address).
///
/// # Errors
/// Database failures, a size too large to store.
pub fn insert(tx: &WriteTx<'_>, blob: &BlobRow) -> StoreResult<()> {
    let size = to_i64(blob.size)?;
    tx.sql()
        .prepare_cached(
            "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![blob.sha256, size, blob.mime, now_ms()])?;
    Ok(())
}

/// What may be told about blob `sha256` to a principal with `visibility`: whether it is
/// stored, whether its tenant uploaded it, whether a case it sees references it.
///
/// # Errors
/// Database failures.
pub fn facts(tx: &ReadTx<'_>, visibility: &Visibility, sha256: &str) -> StoreResult<BlobFacts> {
    let (tenant, _) = visibility_params(visibility);
    let conn = tx.sql();
    let blob = row(conn, sha256)?;
    let (tenant_uploaded, referenced) = if blob.is_some() {
        let uploaded: bool = conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM blob_tenants WHERE sha256 = ?1 AND tenant = ?2)",
            )?
            .query_row(params![sha256, tenant], |r| r.get(0))?;
        (uploaded, referenced(conn, visibility, sha256)?)
    } else {
        (false, false)
    };
    Ok(BlobFacts {
        blob,
        tenant_uploaded,
        referenced,
    })
}

/// Records that the upload `key` stored `blob` for `tenant`: the blob's row (kept if another
/// tenant stored it before), the tenant, and the user whose device began the upload — the
/// one who sent the bytes the hash was checked on.
///
/// # Errors
/// Database failures, a size too large to store.
pub fn record_upload(tx: &WriteTx<'_>, key: &str, blob: &BlobRow, tenant: &str) -> StoreResult<()> {
    record_for_tenant(tx, blob, tenant)?;
    tx.sql()
        .prepare_cached(
            "INSERT OR IGNORE INTO blob_uploaders (sha256, username)
         SELECT ?1, d.username FROM uploads u JOIN devices d ON d.id = u.device_id
         WHERE u.upload_key = ?2",
        )?
        .execute(params![blob.sha256, key])?;
    Ok(())
}

/// Records `blob` as stored for `tenant` (the row kept if another tenant stored it before),
/// with no uploader: a photo the server made itself, such as a citizen's made fit to keep,
/// whose original nobody's device sent.
///
/// # Errors
/// Database failures, a size too large to store.
pub fn record_for_tenant(tx: &WriteTx<'_>, blob: &BlobRow, tenant: &str) -> StoreResult<()> {
    insert(tx, blob)?;
    tx.sql()
        .prepare_cached("INSERT OR IGNORE INTO blob_tenants (sha256, tenant) VALUES (?1, ?2)")?
        .execute(params![blob.sha256, tenant])?;
    Ok(())
}

/// Whether `username` uploaded the bytes of `sha256` (`blob_uploaders`).
///
/// # Errors
/// Database failures.
pub fn uploaded_by(tx: &ReadTx<'_>, sha256: &str, username: &str) -> StoreResult<bool> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM blob_uploaders WHERE sha256 = ?1 AND username = ?2)",
        )?
        .query_row(params![sha256, username], |r| r.get(0))?)
}

/// Whether a case visible under `visibility` references photo `sha256`, and if so whether
/// its bytes are stored.
///
/// # Errors
/// Database failures.
pub fn photo_access(
    tx: &ReadTx<'_>,
    visibility: &Visibility,
    sha256: &str,
) -> StoreResult<PhotoAccess> {
    if !referenced(tx.sql(), visibility, sha256)? {
        return Ok(PhotoAccess::NotVisible);
    }
    Ok(match find(tx, sha256)? {
        Some(blob) => PhotoAccess::Stored(blob),
        None => PhotoAccess::Missing,
    })
}

/// The cases visible under `visibility` that reference photo `sha256`, at most `max`.
///
/// # Errors
/// Database failures.
pub fn photo_cases(
    tx: &ReadTx<'_>,
    visibility: &Visibility,
    sha256: &str,
    max: usize,
) -> StoreResult<Vec<CaseId>> {
    let (tenant, officer) = visibility_params(visibility);
    let ids: Vec<String> = tx
        .sql()
        .prepare_cached(&format!(
            "SELECT p.case_id FROM case_photos p JOIN cases c ON c.id = p.case_id
             WHERE p.sha256 = ?3 AND {} ORDER BY p.case_id LIMIT ?4",
            visible(visibility)
        ))?
        .query_map(params![tenant, officer, sha256, limit(max)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

//! Sync states: per device and document, the Automerge sync state and the heads the device
//! is known to have, read at the start of a round and written with the round's merged
//! changes in one transaction (so a crash never leaves a state that claims changes the
//! documents lack), and which documents to offer a device.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use schema::CaseId;

use super::documents::{append, bytes, reproject, write_projection};
use super::sql::{limit, parse_id, visibility_params, visible};
use super::{
    DocAppend, ReadTx, StateWrite, StoreResult, StoredReplica, Visibility, WriteTx, now_ms,
};

/// What device `device_id` syncs of each of `ids`: the document, its sync state towards the
/// device and the heads the projection records, all read in the caller's one transaction.
///
/// # Errors
/// Database failures.
pub fn load(
    tx: &ReadTx<'_>,
    device_id: &str,
    ids: &[CaseId],
) -> StoreResult<HashMap<CaseId, StoredReplica>> {
    let conn = tx.sql();
    let mut out = HashMap::new();
    for id in ids {
        let doc = bytes(conn, *id)?;
        let state = conn
            .prepare_cached("SELECT state FROM sync_states WHERE device_id = ?1 AND doc_id = ?2")?
            .query_row(params![device_id, id.to_string()], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .optional()?;
        let heads = conn
            .prepare_cached("SELECT heads FROM cases WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get::<_, String>(0))
            .optional()?;
        out.insert(*id, StoredReplica { doc, state, heads });
    }
    Ok(out)
}

/// What `visibility` sees that device `device_id` does not have at the stored heads, newest
/// first, at most `max`.
///
/// # Errors
/// Database failures.
pub fn offers(
    tx: &ReadTx<'_>,
    device_id: &str,
    visibility: &Visibility,
    max: usize,
) -> StoreResult<Vec<CaseId>> {
    let (tenant, officer) = visibility_params(visibility);
    let ids = tx
        .sql()
        .prepare_cached(&offers_sql(visibility))?
        .query_map(params![tenant, officer, device_id, limit(max)], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// What `visibility` sees that device `?3` does not have at the stored heads, newest first,
/// at most `?4`.
pub(super) fn offers_sql(visibility: &Visibility) -> String {
    format!(
        "SELECT c.id FROM cases c
         LEFT JOIN sync_states s ON s.doc_id = c.id AND s.device_id = ?3
         WHERE {} AND (s.known_heads IS NULL OR s.known_heads <> c.heads)
         ORDER BY c.updated_at DESC, c.id LIMIT ?4",
        visible(visibility)
    )
}

/// Commits one sync round of device `device_id`: the merged changes with their projections
/// and receipts, and the device's new sync states; returns how many rounds of the device are
/// committed now (`SyncResponse::device_round`).
///
/// # Errors
/// Database failures, a document that cannot be projected.
pub fn commit_round(
    tx: &WriteTx<'_>,
    device_id: &str,
    appends: &[DocAppend],
    states: &[StateWrite],
) -> StoreResult<u64> {
    let tx = tx.sql();
    for appended in appends {
        let stored_heads: Option<String> = tx
            .prepare_cached("SELECT heads FROM cases WHERE id = ?1")?
            .query_row([appended.id.to_string()], |r| r.get(0))
            .optional()?;
        append(tx, appended.id, &appended.changes)?;
        match &appended.row {
            // Appending to the document the round loaded yields exactly the round's merged
            // document, so its projection is current.
            Some(row)
                if row.id == appended.id
                    && stored_heads.unwrap_or_default() == appended.base_heads =>
            {
                write_projection(tx, row)?;
            }
            _ => {
                reproject(tx, appended.id)?;
            }
        }
    }
    let now = now_ms();
    let mut receipt = tx.prepare_cached(
        "INSERT OR IGNORE INTO change_receipts
             (case_id, hash, username, device_id, received_at, stated_at)
         SELECT ?1, ?2, d.username, d.id, ?3, ?4 FROM devices d WHERE d.id = ?5",
    )?;
    for appended in appends {
        for arrived in &appended.receipts {
            receipt.execute(params![
                appended.id.to_string(),
                arrived.hash,
                now,
                arrived.stated_at_ms,
                device_id
            ])?;
        }
    }
    let mut upsert = tx.prepare_cached(
        "INSERT INTO sync_states (device_id, doc_id, state, known_heads, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(device_id, doc_id) DO UPDATE SET state = excluded.state,
             known_heads = coalesce(excluded.known_heads, sync_states.known_heads),
             updated_at = excluded.updated_at",
    )?;
    for state in states {
        upsert.execute(params![
            device_id,
            state.id.to_string(),
            state.state,
            state.known_heads,
            now
        ])?;
    }
    let rounds: i64 = tx
        .prepare_cached(
            "UPDATE devices SET sync_rounds = sync_rounds + 1, last_seen_at = ?2
             WHERE id = ?1 RETURNING sync_rounds",
        )?
        .query_row(params![device_id, now], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok(u64::try_from(rounds).unwrap_or(0))
}

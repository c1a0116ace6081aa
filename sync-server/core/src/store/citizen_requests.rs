//! Citizen requests, an aggregate over the transaction primitives: what the server keeps of a
//! request outside its case document — the number the citizen quotes, the tracking link's
//! hash and lifetime, and the address for updates (personal data that never goes into the
//! document, so tablets never receive it). A request is stored with its case in one
//! transaction (`store.write(|tx| { let number = citizen_requests::next_number(tx, …)?;
//! documents::insert(tx, …)?; citizen_requests::record(tx, …) })`).

use rusqlite::{OptionalExtension, params};

use schema::CaseId;

use super::{ReadTx, StoreError, StoreResult, WriteTx};

/// What is recorded of a new request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Its case, stored in the same transaction.
    pub case_id: CaseId,
    /// The tenant it was sent to.
    pub tenant: String,
    /// Its number, from [`next_number`].
    pub number: String,
    /// SHA-256 (hex) of the tracking link's secret.
    pub tracking_hash: String,
    /// When the tracking link stops working, milliseconds since the Unix epoch.
    pub tracking_expires_at: i64,
    /// Where updates go, if the citizen gave an address.
    pub notify_email: Option<String>,
    /// The language the citizen used (`de`, `en`), which notices are written in.
    pub language: String,
    /// When it arrived.
    pub received_at: i64,
    /// The citizen's account it was sent from, if signed in.
    pub account_id: Option<String>,
}

/// A notice owed to a citizen: their request's case took a new status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedNotice {
    /// The history row; the notice's event.
    pub id: i64,
    /// The case.
    pub case_id: CaseId,
    /// The tenant.
    pub tenant: String,
    /// The request's number.
    pub number: String,
    /// The new status, as stored (`triaged`).
    pub status: String,
    /// The status before it.
    pub previous: Option<String>,
    /// Where the notice goes; `None`: the citizen wanted none.
    pub notify_email: Option<String>,
    /// The citizen's language (`de`, `en`).
    pub language: String,
}

/// A request found by its tracking link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedRequest {
    /// Its case.
    pub case_id: CaseId,
    /// Its number.
    pub number: String,
    /// When the tracking link stops working.
    pub tracking_expires_at: i64,
    /// Where updates go.
    pub notify_email: Option<String>,
    /// When it arrived.
    pub received_at: i64,
}

/// The letters `tenant`'s request numbers start with: the tenant's own, else the first
/// three letters or digits of its id in capitals (`tgh` → `TGH`).
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown tenant; database failures.
pub fn prefix(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<String> {
    let own: Option<Option<String>> = tx
        .sql()
        .prepare_cached("SELECT request_prefix FROM tenants WHERE id = ?1")?
        .query_row([tenant], |r| r.get(0))
        .optional()?;
    match own {
        None => Err(StoreError::NotFound(format!("no tenant `{tenant}`"))),
        Some(Some(own)) => Ok(own),
        Some(None) => Ok(derived_prefix(tenant)),
    }
}

fn derived_prefix(tenant: &str) -> String {
    let letters: String = tenant
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    if letters.is_empty() {
        "REQ".into()
    } else {
        letters
    }
}

/// Sets the letters `tenant`'s request numbers start with: 2 to 6 capital letters or digits.
///
/// # Errors
/// [`StoreError::Invalid`] for another form, [`StoreError::NotFound`] for an unknown tenant.
pub fn set_prefix(tx: &WriteTx<'_>, tenant: &str, prefix: &str) -> StoreResult<()> {
    let fits = (2..=6).contains(&prefix.len())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !fits {
        return Err(StoreError::Invalid(format!(
            "`{prefix}` cannot start request numbers; use 2 to 6 capital letters or digits, e.g. TGH"
        )));
    }
    let changed = tx
        .sql()
        .prepare_cached("UPDATE tenants SET request_prefix = ?2 WHERE id = ?1")?
        .execute(params![tenant, prefix])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("no tenant `{tenant}`")));
    }
    Ok(())
}

/// The next request number of `tenant` in `year` (`TGH-2026-000123`), counted in this
/// transaction: numbers have no gaps and are never handed out twice.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown tenant; database failures.
pub fn next_number(tx: &WriteTx<'_>, tenant: &str, year: i32) -> StoreResult<String> {
    let prefix = prefix(&tx.reading(), tenant)?;
    let last: i64 = tx
        .sql()
        .prepare_cached(
            "INSERT INTO request_numbers (tenant, year, last) VALUES (?1, ?2, 1)
             ON CONFLICT (tenant, year) DO UPDATE SET last = last + 1
             RETURNING last",
        )?
        .query_row(params![tenant, year], |r| r.get(0))?;
    Ok(format!("{prefix}-{year}-{last:06}"))
}

/// Records a request whose case the same transaction stores.
///
/// # Errors
/// [`StoreError::AlreadyExists`] for a number or tracking hash in use; database failures.
pub fn record(tx: &WriteTx<'_>, request: &NewRequest) -> StoreResult<()> {
    let inserted = tx
        .sql()
        .prepare_cached(
            "INSERT INTO citizen_requests (case_id, tenant, number, tracking_hash,
                 tracking_expires_at, notify_email, language, received_at, account_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            request.case_id.to_string(),
            request.tenant,
            request.number,
            request.tracking_hash,
            request.tracking_expires_at,
            request.notify_email,
            request.language,
            request.received_at,
            request.account_id,
        ])?;
    if inserted == 0 {
        return Err(StoreError::AlreadyExists(format!(
            "request {} is recorded already",
            request.number
        )));
    }
    // Its first status; the confirmation mail is its notice.
    tx.sql()
        .prepare_cached(
            "INSERT INTO request_status_history (case_id, status, at, noticed)
             VALUES (?1, 'received', ?2, 1)",
        )?
        .execute(params![request.case_id.to_string(), request.received_at])?;
    Ok(())
}

/// Records that the case `id` took `status` at `at`, if it is a citizen's request; called in
/// the transaction of every projection write whose status differs from the one before.
pub(super) fn status_changed(
    tx: &rusqlite::Transaction<'_>,
    id: CaseId,
    status: &str,
    at: i64,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO request_status_history (case_id, status, at)
         SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM citizen_requests WHERE case_id = ?1)",
    )?
    .execute(params![id.to_string(), status, at])?;
    Ok(())
}

/// The statuses request `id` took, oldest first, with when (milliseconds).
///
/// # Errors
/// Database failures.
pub fn history(tx: &ReadTx<'_>, id: CaseId) -> StoreResult<Vec<(String, i64)>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT status, at FROM request_status_history WHERE case_id = ?1 ORDER BY id",
        )?
        .query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// Up to `limit` notices owed, oldest first.
///
/// # Errors
/// Database failures, or a stored case id that is not one.
pub fn owed_notices(tx: &ReadTx<'_>, limit: usize) -> StoreResult<Vec<OwedNotice>> {
    let mut stmt = tx.sql().prepare_cached(
        "SELECT h.id, h.case_id, r.tenant, r.number, h.status, r.notify_email, r.language,
             (SELECT p.status FROM request_status_history p
              WHERE p.case_id = h.case_id AND p.id < h.id ORDER BY p.id DESC LIMIT 1)
         FROM request_status_history h JOIN citizen_requests r ON r.case_id = h.case_id
         WHERE h.noticed = 0 ORDER BY h.id LIMIT ?1",
    )?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        let case_id: String = r.get(1)?;
        Ok((
            case_id,
            OwedNotice {
                id: r.get(0)?,
                case_id: CaseId::new(),
                tenant: r.get(2)?,
                number: r.get(3)?,
                status: r.get(4)?,
                notify_email: r.get(5)?,
                language: r.get(6)?,
                previous: r.get(7)?,
            },
        ))
    })?;
    rows.map(|row| {
        let (case_id, mut notice) = row?;
        notice.case_id = case_id
            .parse()
            .map_err(|_| StoreError::Invalid(format!("stored case id `{case_id}`")))?;
        Ok(notice)
    })
    .collect()
}

/// Marks notice `id` as queued (or as not due).
///
/// # Errors
/// Database failures.
pub fn mark_noticed(tx: &WriteTx<'_>, id: i64) -> StoreResult<()> {
    tx.sql()
        .prepare_cached("UPDATE request_status_history SET noticed = 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The request of `tenant` whose tracking link hashes to `hash`, expired or not (the caller
/// says which it is).
///
/// # Errors
/// Database failures, or a stored case id that is not one.
pub fn by_tracking(
    tx: &ReadTx<'_>,
    tenant: &str,
    hash: &str,
) -> StoreResult<Option<TrackedRequest>> {
    Ok(find(tx, "tracking_hash", hash, tenant)?.map(|(request, _)| request))
}

/// The request of `tenant` numbered `number`, with the account it was sent from.
///
/// # Errors
/// Database failures, a stored id that is no case id.
pub fn by_number(
    tx: &ReadTx<'_>,
    tenant: &str,
    number: &str,
) -> StoreResult<Option<(TrackedRequest, Option<String>)>> {
    find(tx, "number", number, tenant)
}

/// Whether case `case` began as a citizen's request.
///
/// # Errors
/// Database failures.
pub fn is_request(tx: &ReadTx<'_>, case: CaseId) -> StoreResult<bool> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM citizen_requests WHERE case_id = ?1)")?
        .query_row([case.to_string()], |r| r.get(0))?)
}

/// A request's row: case id, number, link expiry, address for updates, arrival, account.
type RequestRow = (String, String, i64, Option<String>, i64, Option<String>);

fn find(
    tx: &ReadTx<'_>,
    column: &str,
    key: &str,
    tenant: &str,
) -> StoreResult<Option<(TrackedRequest, Option<String>)>> {
    let row: Option<RequestRow> = tx
        .sql()
        .prepare_cached(&format!(
            "SELECT case_id, number, tracking_expires_at, notify_email, received_at, account_id
             FROM citizen_requests WHERE {column} = ?1 AND tenant = ?2"
        ))?
        .query_row(params![key, tenant], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    row.map(
        |(case_id, number, tracking_expires_at, notify_email, received_at, account)| {
            Ok((
                TrackedRequest {
                    case_id: case_id
                        .parse()
                        .map_err(|_| StoreError::Invalid(format!("stored case id `{case_id}`")))?,
                    number,
                    tracking_expires_at,
                    notify_email,
                    received_at,
                },
                account,
            ))
        },
    )
    .transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::{CaseStore, SqliteStore, tenants};

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("naper.db")).unwrap();
        store
            .write(|tx| {
                tenants::create(tx, "tgh", "Gemeinde Tegelhausen")?;
                tenants::create(tx, "x-1", "Amt X")
            })
            .unwrap();
        (dir, store)
    }

    #[test]
    fn numbers_count_per_tenant_and_year_with_the_tenants_letters() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let next = |tenant: &str, year| store.write(|tx| next_number(tx, tenant, year)).unwrap();
        assert_eq!(next("tgh", 2026), "TGH-2026-000001");
        assert_eq!(next("tgh", 2026), "TGH-2026-000002");
        assert_eq!(next("x-1", 2026), "X1-2026-000001");
        assert_eq!(next("tgh", 2027), "TGH-2027-000001");
        store.write(|tx| set_prefix(tx, "tgh", "TEGEL")).unwrap();
        assert_eq!(next("tgh", 2026), "TEGEL-2026-000003");
        let refused = store
            .write(|tx| set_prefix(tx, "tgh", "te gel"))
            .unwrap_err();
        assert!(
            refused.to_string().contains("2 to 6 capital letters"),
            "{refused}"
        );
        let unknown = store.write(|tx| next_number(tx, "nope", 2026)).unwrap_err();
        assert!(matches!(unknown, StoreError::NotFound(_)), "{unknown}");
    }

    #[test]
    fn a_number_rolled_back_with_its_transaction_is_handed_out_again() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let failed: StoreResult<()> = store.write(|tx| {
            next_number(tx, "tgh", 2026)?;
            Err(StoreError::Invalid(
                "the request's case could not be stored".into(),
            ))
        });
        assert!(failed.is_err());
        let number = store.write(|tx| next_number(tx, "tgh", 2026)).unwrap();
        assert_eq!(number, "TGH-2026-000001");
    }
}

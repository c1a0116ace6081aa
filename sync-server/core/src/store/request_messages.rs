//! The thread between a citizen and the office about one request, an aggregate of its own:
//! kept beside the case and never in its document (tablets hold documents whole, and what a
//! citizen writes to the office is not the officer's to carry around). A message from the
//! office owes the citizen an e-mail notice until the notice task queues it; a citizen's
//! message is noticed in the transaction that stores it.

use rusqlite::params;
use schema::CaseId;

use super::{ReadTx, StoreResult, WriteTx};

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Its row id, in the order messages were written.
    pub id: i64,
    /// Whether the office wrote it (else the citizen).
    pub from_office: bool,
    /// The staff member's user name; empty for the citizen.
    pub author: String,
    /// The text.
    pub body: String,
    /// When it was written.
    pub sent_at: i64,
}

/// A notice owed to a citizen: the office wrote about their request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedMessage {
    /// The message; the notice's event.
    pub id: i64,
    /// The tenant.
    pub tenant: String,
    /// The request's number.
    pub number: String,
    /// Where the notice goes: the address for updates, else the account's; `None`: nowhere.
    pub recipient: Option<String>,
    /// Whether the request was sent from an account (whose timeline shows the message).
    pub from_account: bool,
    /// The citizen's language (`de`, `en`).
    pub language: String,
}

/// Stores a message about case `case`; its id.
///
/// # Errors
/// Database failures (an unknown case among them).
pub fn add(
    tx: &WriteTx<'_>,
    case: CaseId,
    from_office: bool,
    author: &str,
    body: &str,
    sent_at: i64,
) -> StoreResult<i64> {
    // The citizen's own message owes the citizen nothing.
    let noticed = i64::from(!from_office);
    Ok(tx
        .sql()
        .prepare_cached(
            "INSERT INTO request_messages (case_id, from_office, author, body, sent_at, noticed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )?
        .query_row(
            params![
                case.to_string(),
                i64::from(from_office),
                author,
                body,
                sent_at,
                noticed
            ],
            |r| r.get(0),
        )?)
}

/// The messages about case `case`, oldest first.
///
/// # Errors
/// Database failures.
pub fn of_case(tx: &ReadTx<'_>, case: CaseId) -> StoreResult<Vec<Message>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT id, from_office, author, body, sent_at FROM request_messages
             WHERE case_id = ?1 ORDER BY id",
        )?
        .query_map([case.to_string()], |r| {
            Ok(Message {
                id: r.get(0)?,
                from_office: r.get::<_, i64>(1)? != 0,
                author: r.get(2)?,
                body: r.get(3)?,
                sent_at: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// The notices owed for the office's messages, oldest first, at most `limit`.
///
/// # Errors
/// Database failures.
pub fn owed_notices(tx: &ReadTx<'_>, limit: usize) -> StoreResult<Vec<OwedMessage>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT m.id, r.tenant, r.number, COALESCE(r.notify_email, a.email),
                    r.account_id IS NOT NULL, COALESCE(a.language, r.language)
             FROM request_messages m
             JOIN citizen_requests r ON r.case_id = m.case_id
             LEFT JOIN citizen_accounts a ON a.id = r.account_id
             WHERE m.noticed = 0 ORDER BY m.id LIMIT ?1",
        )?
        .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(OwedMessage {
                id: r.get(0)?,
                tenant: r.get(1)?,
                number: r.get(2)?,
                recipient: r.get(3)?,
                from_account: r.get(4)?,
                language: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// Marks the notice of message `id` as queued (or as not due).
///
/// # Errors
/// Database failures.
pub fn mark_noticed(tx: &WriteTx<'_>, id: i64) -> StoreResult<()> {
    tx.sql()
        .prepare_cached("UPDATE request_messages SET noticed = 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

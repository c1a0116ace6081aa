//! The durable e-mail outbox, an aggregate over the transaction primitives. A mail is queued
//! in the transaction of the event that causes it (`store.write(|tx| { …; outbox::enqueue(tx,
//! …) })`), so it exists exactly when the event does; `services::mail` claims what is due,
//! sends it and records the outcome. One event queues one mail: its `event_key` is unique.
//!
//! A claim is a lease: the sender that claimed a mail has it until `lease_until`. A sender
//! killed between the SMTP server's acceptance and [`mark_sent`] leaves a lapsed lease, and
//! the mail is sent once more — the one case of a mail sent twice, after a crash, never in
//! normal operation.

use rusqlite::{OptionalExtension, params};

use super::{ReadTx, StoreResult, WriteTx, sql};

/// A mail to queue. The sender builds the message from it; the store keeps it as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// The tenant on whose behalf the mail goes out.
    pub tenant: String,
    /// The event that causes the mail, unique across the outbox (e.g.
    /// `request-received:<case id>`): queueing it again queues nothing.
    pub event_key: String,
    /// The recipient's address, checked by the caller.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body, sent as the alternative to the text when given.
    pub body_html: Option<String>,
}

/// A queued mail a sender has claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    /// Row id, stable for the mail's life; the sender derives the Message-ID from it.
    pub id: i64,
    /// What was queued.
    pub mail: NewMail,
    /// When it was queued, milliseconds since the Unix epoch.
    pub queued_at: i64,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// How many mails are waiting, sent and given up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Not sent yet and not given up.
    pub waiting: u64,
    /// Accepted by the SMTP server.
    pub sent: u64,
    /// Refused for good, or still failing when the sender stopped retrying.
    pub failed: u64,
}

/// A mail the sender gave up on, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedMail {
    /// Row id.
    pub id: i64,
    /// The tenant.
    pub tenant: String,
    /// The event that caused it.
    pub event_key: String,
    /// The recipient.
    pub recipient: String,
    /// Attempts made.
    pub attempts: u32,
    /// The SMTP server's or the connection's last answer.
    pub last_error: String,
    /// When the sender gave up.
    pub failed_at: i64,
}

/// Queues `mail` at `now_ms`, due at once. Returns `false` when a mail for the same event is
/// queued (or was sent) already, and queues nothing.
///
/// # Errors
/// Database errors, an unknown tenant.
pub fn enqueue(tx: &WriteTx<'_>, mail: &NewMail, now_ms: i64) -> StoreResult<bool> {
    let queued = tx
        .sql()
        .prepare_cached(
            "INSERT INTO mail_outbox (tenant, event_key, recipient, subject, body_text, body_html,
                                      queued_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT (event_key) DO NOTHING",
        )?
        .execute(params![
            mail.tenant,
            mail.event_key,
            mail.recipient,
            mail.subject,
            mail.body_text,
            mail.body_html,
            now_ms
        ])?;
    Ok(queued == 1)
}

/// Claims up to `limit` mails due at `now_ms` whose earlier claim (if any) has lapsed, for
/// `lease_ms`, oldest due first, and counts the attempt.
///
/// # Errors
/// Database errors.
pub fn claim_due(
    tx: &WriteTx<'_>,
    now_ms: i64,
    lease_ms: i64,
    limit: usize,
) -> StoreResult<Vec<QueuedMail>> {
    let conn = tx.sql();
    let mails = conn
        .prepare_cached(
            "SELECT id, tenant, event_key, recipient, subject, body_text, body_html, queued_at,
                    attempts
             FROM mail_outbox
             WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
               AND (lease_until IS NULL OR lease_until <= ?1)
             ORDER BY next_attempt_at, id LIMIT ?2",
        )?
        .query_map(params![now_ms, sql::limit(limit)], |r| {
            Ok(QueuedMail {
                id: r.get(0)?,
                mail: NewMail {
                    tenant: r.get(1)?,
                    event_key: r.get(2)?,
                    recipient: r.get(3)?,
                    subject: r.get(4)?,
                    body_text: r.get(5)?,
                    body_html: r.get(6)?,
                },
                queued_at: r.get(7)?,
                attempts: r.get::<_, u32>(8)?.saturating_add(1),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut claim = conn.prepare_cached(
        "UPDATE mail_outbox SET lease_until = ?2, attempts = attempts + 1 WHERE id = ?1",
    )?;
    let until = now_ms.saturating_add(lease_ms);
    for mail in &mails {
        claim.execute(params![mail.id, until])?;
    }
    Ok(mails)
}

/// Records that the SMTP server accepted mail `id` at `now_ms`.
///
/// # Errors
/// Database errors.
pub fn mark_sent(tx: &WriteTx<'_>, id: i64, now_ms: i64) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "UPDATE mail_outbox SET sent_at = ?2, lease_until = NULL, last_error = NULL
             WHERE id = ?1",
        )?
        .execute(params![id, now_ms])?;
    Ok(())
}

/// Records a failed attempt at mail `id` and when to try again.
///
/// # Errors
/// Database errors.
pub fn retry_at(tx: &WriteTx<'_>, id: i64, at_ms: i64, error: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "UPDATE mail_outbox SET next_attempt_at = ?2, lease_until = NULL, last_error = ?3
             WHERE id = ?1",
        )?
        .execute(params![id, at_ms, error])?;
    Ok(())
}

/// Gives up on mail `id` at `now_ms`, for the reason `error`.
///
/// # Errors
/// Database errors.
pub fn give_up(tx: &WriteTx<'_>, id: i64, now_ms: i64, error: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "UPDATE mail_outbox SET failed_at = ?2, lease_until = NULL, last_error = ?3
             WHERE id = ?1",
        )?
        .execute(params![id, now_ms, error])?;
    Ok(())
}

/// Forgets the mails sent or given up before `before_ms`: a mail holds personal data (an
/// address, what the office wrote), kept no longer than its delivery needs to be traceable.
/// Returns how many were forgotten.
///
/// # Errors
/// Database errors.
pub fn forget_done_before(tx: &WriteTx<'_>, before_ms: i64) -> StoreResult<usize> {
    Ok(tx
        .sql()
        .prepare_cached(
            "DELETE FROM mail_outbox
             WHERE coalesce(sent_at, failed_at) IS NOT NULL AND coalesce(sent_at, failed_at) < ?1",
        )?
        .execute([before_ms])?)
}

/// When the next mail is due, if one is waiting: the sender sleeps until then.
///
/// # Errors
/// Database errors.
pub fn next_due(tx: &ReadTx<'_>) -> StoreResult<Option<i64>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT max(next_attempt_at, coalesce(lease_until, 0)) AS due FROM mail_outbox
             WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY due LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// How many mails wait, were sent, were given up.
///
/// # Errors
/// Database errors.
pub fn counts(tx: &ReadTx<'_>) -> StoreResult<OutboxCounts> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
                    count(sent_at), count(failed_at)
             FROM mail_outbox",
        )?
        .query_row([], |r| {
            Ok(OutboxCounts {
                waiting: sql::to_u64(r.get(0)?),
                sent: sql::to_u64(r.get(1)?),
                failed: sql::to_u64(r.get(2)?),
            })
        })?)
}

/// The mails given up on, newest first, at most `limit`.
///
/// # Errors
/// Database errors.
pub fn failed(tx: &ReadTx<'_>, limit: usize) -> StoreResult<Vec<FailedMail>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT id, tenant, event_key, recipient, attempts, coalesce(last_error, ''), failed_at
             FROM mail_outbox WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC
             LIMIT ?1",
        )?
        .query_map([sql::limit(limit)], |r| {
            Ok(FailedMail {
                id: r.get(0)?,
                tenant: r.get(1)?,
                event_key: r.get(2)?,
                recipient: r.get(3)?,
                attempts: r.get(4)?,
                last_error: r.get(5)?,
                failed_at: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::{CaseStore, SqliteStore, tenants};

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        let s: &dyn CaseStore = &store;
        s.write(|tx| tenants::create(tx, "t", "Stadt T")).unwrap();
        (dir, store)
    }

    fn mail(event: &str) -> NewMail {
        NewMail {
            tenant: "t".into(),
            event_key: event.into(),
            recipient: "anna@example.org".into(),
            subject: "Ihr Anliegen".into(),
            body_text: "Guten Tag".into(),
            body_html: None,
        }
    }

    #[test]
    fn one_event_queues_one_mail() {
        let (_dir, store) = store();
        let s: &dyn CaseStore = &store;
        assert!(s.write(|tx| enqueue(tx, &mail("e1"), 10)).unwrap());
        let mut again = mail("e1");
        again.subject = "anders".into();
        assert!(!s.write(|tx| enqueue(tx, &again, 20)).unwrap());
        let claimed = s.write(|tx| claim_due(tx, 30, 1_000, 10)).unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].mail, mail("e1"));
        assert_eq!(claimed[0].attempts, 1);
        assert_eq!(claimed[0].queued_at, 10);
    }

    #[test]
    fn a_claim_holds_until_its_lease_lapses() {
        let (_dir, store) = store();
        let s: &dyn CaseStore = &store;
        s.write(|tx| enqueue(tx, &mail("e1"), 0)).unwrap();
        assert_eq!(s.write(|tx| claim_due(tx, 0, 1_000, 10)).unwrap().len(), 1);
        assert!(
            s.write(|tx| claim_due(tx, 999, 1_000, 10))
                .unwrap()
                .is_empty(),
            "another sender must not take a claimed mail"
        );
        assert_eq!(s.read(next_due).unwrap(), Some(1_000));
        let again = s.write(|tx| claim_due(tx, 1_000, 1_000, 10)).unwrap();
        assert_eq!(again.len(), 1, "a lapsed claim is taken again");
        assert_eq!(again[0].attempts, 2);
    }

    #[test]
    fn sent_retried_and_failed_mails_leave_the_queue_as_they_should() {
        let (_dir, store) = store();
        let s: &dyn CaseStore = &store;
        for e in ["sent", "retry", "fail"] {
            s.write(|tx| enqueue(tx, &mail(e), 0)).unwrap();
        }
        let claimed = s.write(|tx| claim_due(tx, 0, 60_000, 10)).unwrap();
        let id = |key: &str| claimed.iter().find(|m| m.mail.event_key == key).unwrap().id;
        s.write(|tx| mark_sent(tx, id("sent"), 5)).unwrap();
        s.write(|tx| retry_at(tx, id("retry"), 500, "451 try later"))
            .unwrap();
        s.write(|tx| give_up(tx, id("fail"), 6, "550 no such user"))
            .unwrap();

        assert_eq!(
            s.read(counts).unwrap(),
            OutboxCounts {
                waiting: 1,
                sent: 1,
                failed: 1
            }
        );
        assert_eq!(s.read(next_due).unwrap(), Some(500));
        assert!(s.write(|tx| claim_due(tx, 499, 1, 10)).unwrap().is_empty());
        let retried = s.write(|tx| claim_due(tx, 500, 1, 10)).unwrap();
        assert_eq!(retried.len(), 1);
        assert_eq!(retried[0].mail.event_key, "retry");
        let failed = s.read(|tx| failed(tx, 10)).unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].last_error, "550 no such user");
        assert_eq!(failed[0].attempts, 1);

        assert_eq!(s.write(|tx| forget_done_before(tx, 6)).unwrap(), 1);
        assert_eq!(s.write(|tx| forget_done_before(tx, 7)).unwrap(), 1);
        assert_eq!(
            s.read(counts).unwrap(),
            OutboxCounts {
                waiting: 1,
                sent: 0,
                failed: 0
            }
        );
    }

    #[test]
    fn a_mail_for_an_unknown_tenant_is_refused() {
        let (_dir, store) = store();
        let s: &dyn CaseStore = &store;
        let mut m = mail("e1");
        m.tenant = "nobody".into();
        assert!(s.write(|tx| enqueue(tx, &m, 0)).is_err());
    }
}

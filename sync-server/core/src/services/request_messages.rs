//! The thread between a citizen and the office about one request (the
//! "Kommunikationskanal"): a citizen writes from the request's tracking page or from their
//! account, staff answer from the back office. The other side hears of a new message by
//! e-mail — never its content, which may hold personal data, only where to read it. A
//! citizen's message and the office's notice are stored in one transaction; the office's
//! message owes the citizen a notice, which the notice task queues in the citizen's words
//! (`citizen_requests::queue_status_notices`), each once.

use schema::CaseId;

use crate::kernel::AppError;
use crate::services::mail;
use crate::store::outbox::NewMail;
use crate::store::request_messages::{self, Message};
use crate::store::{AuditEntry, CaseStore, StoreError, audit, citizen_requests};

/// The most characters a message may have.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

/// What is wrong with a message; the surface words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MessageProblem {
    /// Nothing but white space.
    #[error("the message is empty")]
    Empty,
    /// More than [`MAX_MESSAGE_CHARS`].
    #[error("the message is longer than {MAX_MESSAGE_CHARS} characters")]
    TooLong,
}

/// The message `body` as it is kept (trimmed), or what is wrong with it.
///
/// # Errors
/// [`MessageProblem`].
pub fn checked(body: &str) -> Result<String, MessageProblem> {
    let body = body.trim();
    if body.is_empty() {
        return Err(MessageProblem::Empty);
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(MessageProblem::TooLong);
    }
    Ok(body.to_string())
}

/// The notice to the office of a citizen's message, in the surface's words: to the
/// service's responsible office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeNotice {
    /// The office's address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body_text: String,
}

/// Stores the citizen's message `body` about case `case` of `tenant` at `now`, with the
/// notice to the office if there is an address for it. Blocking.
///
/// # Errors
/// [`MessageProblem`] (`Ok(Err)`); store failures.
pub fn from_citizen(
    store: &dyn CaseStore,
    tenant: &str,
    case: CaseId,
    body: &str,
    now: i64,
    notice: Option<OfficeNotice>,
) -> Result<Result<i64, MessageProblem>, AppError> {
    let body = match checked(body) {
        Ok(body) => body,
        Err(problem) => return Ok(Err(problem)),
    };
    let id = store.write(|tx| {
        let id = request_messages::add(tx, case, false, "", &body, now)?;
        if let Some(notice) = &notice
            && mail::is_address(&notice.recipient)
        {
            mail::queue(
                tx,
                &NewMail {
                    tenant: tenant.to_string(),
                    event_key: format!("message-to-office:{id}"),
                    recipient: notice.recipient.clone(),
                    subject: notice.subject.clone(),
                    body_text: notice.body_text.clone(),
                    // The office reads German.
                    body_html: Some(mail::html_alternative(&notice.body_text, "de")),
                },
            )?;
        }
        Ok(id)
    })?;
    Ok(Ok(id))
}

/// Stores the office's message `body` about case `case`, written by `entry`'s staff member,
/// with `entry` in the audit log, in one transaction. The citizen's notice is owed from
/// then on. Blocking.
///
/// # Errors
/// [`MessageProblem`] (`Ok(Err)`); store failures.
pub fn from_office(
    store: &dyn CaseStore,
    case: CaseId,
    body: &str,
    entry: &AuditEntry,
) -> Result<Result<i64, MessageProblem>, AppError> {
    let body = match checked(body) {
        Ok(body) => body,
        Err(problem) => return Ok(Err(problem)),
    };
    let id = store.write(|tx| {
        if !citizen_requests::is_request(&tx.reading(), case)? {
            return Err(StoreError::NotFound(format!(
                "case {case} did not begin as a citizen's request; there is nobody to write to"
            )));
        }
        let id = request_messages::add(tx, case, true, &entry.username, &body, entry.at_ms)?;
        audit::append(tx, entry)?;
        Ok(id)
    })?;
    Ok(Ok(id))
}

/// The messages about case `case`, oldest first. Blocking.
///
/// # Errors
/// Store failures.
pub fn thread(store: &dyn CaseStore, case: CaseId) -> Result<Vec<Message>, AppError> {
    Ok(store.read(|tx| request_messages::of_case(tx, case))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_kept_trimmed_and_bounded() {
        assert_eq!(checked("  Guten Tag \n"), Ok("Guten Tag".into()));
        assert_eq!(checked(" \n\t "), Err(MessageProblem::Empty));
        assert_eq!(
            checked(&"ä".repeat(MAX_MESSAGE_CHARS)).map(|b| b.len()),
            Ok(2 * MAX_MESSAGE_CHARS)
        );
        assert_eq!(
            checked(&"a".repeat(MAX_MESSAGE_CHARS + 1)),
            Err(MessageProblem::TooLong)
        );
    }
}

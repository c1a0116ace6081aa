//! A queued mail as the message the SMTP server receives: From, To, Subject, a Message-ID
//! that stays the same for every attempt (so a mail sent again after a crash is recognisably
//! the same one), and the text with its HTML alternative.

use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};

use crate::store::outbox::QueuedMail;

/// Why a queued mail cannot become a message; giving it up is the only answer.
#[derive(Debug, thiserror::Error)]
pub enum UnsendableMail {
    /// The recipient is not an e-mail address.
    #[error("the recipient `{0}` is not an e-mail address")]
    Recipient(String),
    /// The message could not be put together.
    #[error("the message cannot be built: {0}")]
    Build(String),
}

/// The configured sender, checked once when the sender starts.
///
/// # Errors
/// A description of what is wrong with `from`, for the operator.
pub fn sender_mailbox(from: &str) -> Result<Mailbox, String> {
    from.parse::<Mailbox>().map_err(|e| {
        format!("the mail sender address `{from}` is not usable ({e}); give it as `Name <address@domain>`")
    })
}

/// The Message-ID of queued mail `id`: the same for every attempt at it.
pub fn message_id(from: &Mailbox, id: i64) -> String {
    format!("<naper-outbox-{id}@{}>", from.email.domain())
}

/// The message for `queued`, from `from`.
///
/// # Errors
/// [`UnsendableMail`] when the stored recipient is not an address, or the message cannot be
/// built.
pub fn build(from: &Mailbox, queued: &QueuedMail) -> Result<Message, UnsendableMail> {
    let to: Mailbox = queued
        .mail
        .recipient
        .parse()
        .map_err(|_| UnsendableMail::Recipient(queued.mail.recipient.clone()))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(queued.mail.subject.clone())
        .message_id(Some(message_id(from, queued.id)));
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(queued.mail.body_text.clone());
    let built = match &queued.mail.body_html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        ),
        None => builder.singlepart(text),
    };
    built.map_err(|e| UnsendableMail::Build(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::outbox::NewMail;

    fn queued(recipient: &str, html: Option<&str>) -> QueuedMail {
        QueuedMail {
            id: 42,
            mail: NewMail {
                tenant: "t".into(),
                event_key: "e".into(),
                recipient: recipient.into(),
                subject: "Eingangsbestätigung TGH-2026-000123".into(),
                body_text: "Guten Tag,\nwir haben Ihr Anliegen erhalten.".into(),
                body_html: html.map(str::to_string),
            },
            queued_at: 0,
            attempts: 1,
        }
    }

    #[test]
    fn a_mail_becomes_a_message_with_a_stable_id_and_its_alternative() {
        let from = sender_mailbox("Stadt Musterhausen <noreply@musterhausen.de>").unwrap();
        let message = build(&from, &queued("anna@example.org", Some("<p>Guten Tag</p>"))).unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(
            text.contains("Message-ID: <naper-outbox-42@musterhausen.de>"),
            "{text}"
        );
        assert!(text.contains("To: anna@example.org"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("text/html"), "{text}");
        // Non-ASCII subjects are encoded (RFC 2047), not sent raw.
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(!text.contains("Eingangsbestätigung"), "{text}");

        let plain = build(&from, &queued("anna@example.org", None)).unwrap();
        let plain = String::from_utf8(plain.formatted()).unwrap();
        assert!(!plain.contains("multipart"), "{plain}");
    }

    #[test]
    fn a_recipient_that_is_no_address_or_a_bad_sender_is_named() {
        let from = sender_mailbox("noreply@musterhausen.de").unwrap();
        let err = build(&from, &queued("anna at example", None)).unwrap_err();
        assert!(err.to_string().contains("`anna at example`"), "{err}");
        let err = sender_mailbox("Stadt <kein-at-zeichen>").unwrap_err();
        assert!(err.contains("Name <address@domain>"), "{err}");
    }
}

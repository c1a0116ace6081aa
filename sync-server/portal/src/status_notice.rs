//! The e-mails a citizen gets when their request takes a new status or the office writes
//! about it, in the language they used: the number, the status in their words, and where to
//! look — never the request's content, a message, or other personal data (the tracking link
//! is known only to its holder, so the mail points to the receipt, or to "Mein Rathaus" for
//! a request sent from an account).

use schema::{Language, Status};
use server_core::services::citizen_requests::StatusNotice;
use server_core::services::mail::html_alternative;
use server_core::store::citizen_requests::OwedNotice;
use server_core::store::request_messages::OwedMessage;

use crate::i18n::texts;

/// The portal's wording of status and message notices; `public_base` is where citizens
/// reach the server (`Config::public_base`).
#[derive(Debug, Clone, Default)]
pub struct StatusNotices {
    /// Scheme, host and port citizens use.
    pub public_base: String,
}

fn language(code: &str) -> Language {
    if code == "en" {
        Language::En
    } else {
        Language::De
    }
}

impl StatusNotice for StatusNotices {
    fn mail(&self, notice: &OwedNotice) -> Option<(String, String, Option<String>)> {
        let t = texts(language(&notice.language));
        let words = |status: &str| {
            status
                .parse::<Status>()
                .map_or_else(|_| status.to_string(), |s| t.citizen_status(s).to_string())
        };
        let status = words(&notice.status);
        // The office's steps behind one "in progress" are no news to the citizen.
        if notice.previous.as_deref().map(words).as_ref() == Some(&status) {
            return None;
        }
        let body = t
            .notice_body
            .replace("{number}", &notice.number)
            .replace("{status}", &status);
        let html = html_alternative(&body, &notice.language);
        Some((
            t.notice_subject.replace("{number}", &notice.number),
            body,
            Some(html),
        ))
    }

    fn message(&self, notice: &OwedMessage) -> (String, String, Option<String>) {
        let t = texts(language(&notice.language));
        let place = if notice.from_account {
            t.message_notice_account.replace(
                "{link}",
                &format!(
                    "{}{}/{}/mein-rathaus/{}",
                    self.public_base,
                    crate::BASE,
                    notice.tenant,
                    notice.number
                ),
            )
        } else {
            t.message_notice_receipt.to_string()
        };
        let body = t
            .message_notice_body
            .replace("{number}", &notice.number)
            .replace("{place}", &place);
        let html = html_alternative(&body, &notice.language);
        (
            t.message_notice_subject.replace("{number}", &notice.number),
            body,
            Some(html),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_names_the_number_and_the_status_in_the_citizens_language() {
        let notice = |status: &str, language: &str| OwedNotice {
            previous: Some("received".into()),
            id: 1,
            case_id: schema::CaseId::new(),
            tenant: "tgh".into(),
            number: "TGH-2026-000007".into(),
            status: status.into(),
            notify_email: Some("anna@example.org".into()),
            language: language.into(),
        };
        let (subject, body, _) = StatusNotices::default()
            .mail(&notice("assigned", "de"))
            .unwrap();
        assert_eq!(subject, "Neuer Stand zu Ihrem Anliegen TGH-2026-000007");
        assert!(body.contains("neuen Stand: In Bearbeitung."), "{body}");
        let (_, body, _) = StatusNotices::default()
            .mail(&notice("closed", "en"))
            .unwrap();
        assert!(body.contains("new status: Done."), "{body}");
        assert!(!body.contains("anna@example.org"));
        // From one office step to another the citizen reads "in progress" twice: no mail.
        let mut same = notice("assigned", "de");
        same.previous = Some("triaged".into());
        assert_eq!(StatusNotices::default().mail(&same), None);
    }

    #[test]
    fn a_message_notice_says_where_to_read_it_never_what_it_says() {
        let notices = StatusNotices {
            public_base: "https://rathaus.example".into(),
        };
        let mut notice = OwedMessage {
            id: 3,
            tenant: "tgh".into(),
            number: "TGH-2026-000007".into(),
            recipient: Some("anna@example.org".into()),
            from_account: true,
            language: "de".into(),
        };
        let (subject, body, _) = notices.message(&notice);
        assert_eq!(subject, "Neue Nachricht zu Ihrem Anliegen TGH-2026-000007");
        assert!(
            body.contains("https://rathaus.example/portal/tgh/mein-rathaus/TGH-2026-000007"),
            "{body}"
        );
        notice.from_account = false;
        notice.language = "en".into();
        let (_, body, _) = notices.message(&notice);
        assert!(body.contains("link in your receipt"), "{body}");
        assert!(!body.contains("mein-rathaus"));
    }
}

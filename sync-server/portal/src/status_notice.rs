//! The e-mail a citizen gets when their request takes a new status, in the language they
//! used: the number and the status in their words, and where to look — never the request's
//! content or other personal data (the tracking link is known only to its holder, so the
//! mail points to the receipt).

use schema::{Language, Status};
use server_core::services::citizen_requests::StatusNotice;
use server_core::store::citizen_requests::OwedNotice;

use crate::i18n::texts;

/// The portal's wording of status notices.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusNotices;

impl StatusNotice for StatusNotices {
    fn mail(&self, notice: &OwedNotice) -> Option<(String, String, Option<String>)> {
        let lang = if notice.language == "en" {
            Language::En
        } else {
            Language::De
        };
        let t = texts(lang);
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
        Some((
            t.notice_subject.replace("{number}", &notice.number),
            t.notice_body
                .replace("{number}", &notice.number)
                .replace("{status}", &status),
            None,
        ))
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
        let (subject, body, _) = StatusNotices.mail(&notice("assigned", "de")).unwrap();
        assert_eq!(subject, "Neuer Stand zu Ihrem Anliegen TGH-2026-000007");
        assert!(body.contains("neuen Stand: In Bearbeitung."), "{body}");
        let (_, body, _) = StatusNotices.mail(&notice("closed", "en")).unwrap();
        assert!(body.contains("new status: Done."), "{body}");
        assert!(!body.contains("anna@example.org"));
        // From one office step to another the citizen reads "in progress" twice: no mail.
        let mut same = notice("assigned", "de");
        same.previous = Some("triaged".into());
        assert_eq!(StatusNotices.mail(&same), None);
    }
}

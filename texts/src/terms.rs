//! The domain's vocabulary in German and English, the same on every surface: status and role
//! labels, yes and no, how a signature and an answer of an unknown kind read.

use schema::{Language, Role, Status};

/// The shared terms in one language ([`DE`] or [`EN`]).
#[derive(Debug)]
pub struct Terms {
    /// Status `received`.
    pub status_received: &'static str,
    /// Status `triaged`.
    pub status_triaged: &'static str,
    /// Status `assigned`.
    pub status_assigned: &'static str,
    /// Status `draft`.
    pub status_draft: &'static str,
    /// Status `submitted`.
    pub status_submitted: &'static str,
    /// Status `in_review`.
    pub status_in_review: &'static str,
    /// Status `needs_changes`.
    pub status_needs_changes: &'static str,
    /// Status `approved`.
    pub status_approved: &'static str,
    /// Status `rejected`.
    pub status_rejected: &'static str,
    /// Status `closed`.
    pub status_closed: &'static str,
    /// Role `admin`.
    pub role_admin: &'static str,
    /// Role `coordinator`.
    pub role_coordinator: &'static str,
    /// Role `case_worker`.
    pub role_case_worker: &'static str,
    /// Role `viewer`.
    pub role_viewer: &'static str,
    /// Role `officer`.
    pub role_officer: &'static str,
    /// A yes/no answer's yes.
    pub yes: &'static str,
    /// A yes/no answer's no.
    pub no: &'static str,
    /// Before the signer's name.
    pub signed_by: &'static str,
    /// An answer of a kind this build does not know (written by a newer one).
    pub unknown_kind: &'static str,
}

/// German.
pub const DE: Terms = Terms {
    status_received: "Eingegangen",
    status_triaged: "Gesichtet",
    status_assigned: "Zugewiesen",
    status_draft: "Entwurf",
    status_submitted: "Eingereicht",
    status_in_review: "In Prüfung",
    status_needs_changes: "Änderungen nötig",
    status_approved: "Genehmigt",
    status_rejected: "Abgelehnt",
    status_closed: "Abgeschlossen",
    role_admin: "Administration",
    role_coordinator: "Koordination",
    role_case_worker: "Sachbearbeitung",
    role_viewer: "Nur lesen",
    role_officer: "Außendienst",
    yes: "Ja",
    no: "Nein",
    signed_by: "Unterschrieben von",
    unknown_kind: "(Wert eines unbekannten Typs)",
};

/// English.
pub const EN: Terms = Terms {
    status_received: "Received",
    status_triaged: "Triaged",
    status_assigned: "Assigned",
    status_draft: "Draft",
    status_submitted: "Submitted",
    status_in_review: "In review",
    status_needs_changes: "Needs changes",
    status_approved: "Approved",
    status_rejected: "Rejected",
    status_closed: "Closed",
    role_admin: "Administrator",
    role_coordinator: "Coordinator",
    role_case_worker: "Case worker",
    role_viewer: "Viewer",
    role_officer: "Officer",
    yes: "Yes",
    no: "No",
    signed_by: "Signed by",
    unknown_kind: "(value of an unknown type)",
};

/// The terms of `lang`.
pub fn terms(lang: Language) -> &'static Terms {
    match lang {
        Language::De => &DE,
        Language::En => &EN,
    }
}

/// The label of a status.
pub fn status_label(status: Status, lang: Language) -> &'static str {
    let t = terms(lang);
    match status {
        Status::Received => t.status_received,
        Status::Triaged => t.status_triaged,
        Status::Assigned => t.status_assigned,
        Status::Draft => t.status_draft,
        Status::Submitted => t.status_submitted,
        Status::InReview => t.status_in_review,
        Status::NeedsChanges => t.status_needs_changes,
        Status::Approved => t.status_approved,
        Status::Rejected => t.status_rejected,
        Status::Closed => t.status_closed,
    }
}

/// The label of a status as stored (`in_review`); one this build does not know (written by
/// a newer one) as it is.
pub fn status_name_label(stored: &str, lang: Language) -> &str {
    match stored.parse() {
        Ok(status) => status_label(status, lang),
        Err(_) => stored,
    }
}

/// The label of a role.
pub fn role_label(role: Role, lang: Language) -> &'static str {
    let t = terms(lang);
    match role {
        Role::Admin => t.role_admin,
        Role::Coordinator => t.role_coordinator,
        Role::CaseWorker => t.role_case_worker,
        Role::Viewer => t.role_viewer,
        Role::Officer => t.role_officer,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_status_and_role_has_its_own_label_in_both_languages() {
        for lang in [Language::De, Language::En] {
            let statuses: HashSet<_> = Status::ALL.iter().map(|s| status_label(*s, lang)).collect();
            assert_eq!(statuses.len(), Status::ALL.len(), "{lang:?}");
            let roles: HashSet<_> = Role::ALL.iter().map(|r| role_label(*r, lang)).collect();
            assert_eq!(roles.len(), Role::ALL.len(), "{lang:?}");
            assert!(statuses.iter().chain(&roles).all(|l| !l.is_empty()));
        }
        assert_eq!(status_name_label("in_review", Language::De), "In Prüfung");
        assert_eq!(status_name_label("archived", Language::De), "archived");
    }
}

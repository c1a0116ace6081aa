//! The back office's one translation table, and how a request picks its language.
//!
//! Every string the pages show comes from [`Texts`]: one row per string with its German and
//! English text side by side, so a missing translation is a compile error, not a blank.
//! German is the default; `?lang=en` (or `?lang=de`) switches and is remembered in the
//! `naper_lang` cookie by [`remember_language`].

use axum::extract::Request;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::middleware::Next;
use axum::response::Response;
use schema::{Language, Role, Status};

use super::cookies;

/// The cookie remembering the chosen language.
const LANG_COOKIE: &str = "naper_lang";

macro_rules! texts {
    ($($key:ident: $de:literal, $en:literal;)*) => {
        /// Every UI string of the back office, in one language ([`DE`] or [`EN`]).
        #[derive(Debug)]
        pub struct Texts {
            $(#[doc = $en] pub $key: &'static str,)*
        }
        /// German (the default).
        pub const DE: Texts = Texts { $($key: $de,)* };
        /// English.
        pub const EN: Texts = Texts { $($key: $en,)* };
    };
}

texts! {
    html_lang: "de", "en";
    app_title: "naper Back Office", "naper back office";
    skip_to_content: "Zum Inhalt springen", "Skip to content";
    nav_cases: "Fälle", "Cases";
    signed_in_as: "Angemeldet als", "Signed in as";
    logout: "Abmelden", "Sign out";
    language: "Sprache", "Language";
    name_de: "Deutsch", "Deutsch";
    name_en: "English", "English";
    role_admin: "Administration", "Administrator";
    role_coordinator: "Koordination", "Coordinator";
    role_case_worker: "Sachbearbeitung", "Case worker";
    role_viewer: "Nur lesen", "Viewer";
    role_officer: "Außendienst", "Officer";
    // Login.
    login_title: "Anmeldung", "Sign in";
    username: "Benutzername", "User name";
    password: "Passwort", "Password";
    login_button: "Anmelden", "Sign in";
    login_failed: "Benutzername oder Passwort ist falsch.", "The user name or the password is wrong.";
    login_officer: "Außendienstkräfte arbeiten auf dem Tablet; das Back Office ist für die Sachbearbeitung.",
        "Officers work on their tablets; the back office is for office staff.";
    login_required: "Bitte melden Sie sich an.", "Please sign in.";
    // Errors.
    error_title: "Fehler", "Error";
    error_back: "Zur Fallliste", "Back to the cases";
    error_not_found: "Nicht gefunden.", "Not found.";
    error_forbidden: "Ihre Rolle erlaubt diese Aktion nicht.", "Your role does not allow this.";
    error_csrf: "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
        "The form has expired or is not valid. Reload the page and try again.";
    error_bad_form: "Die Eingabe ist unvollständig oder ungültig.", "The input is incomplete or not valid.";
    error_needs_comment: "Für „Änderungen nötig“ braucht die Außendienstkraft einen Kommentar.",
        "“Needs changes” needs a comment for the officer.";
    error_comment_empty: "Der Kommentar ist leer.", "The comment is empty.";
    error_field_not_editable: "Dieses Feld kann im Back Office nicht geändert werden.",
        "This field cannot be changed in the back office.";
    error_invalid_value: "Ungültiger Wert", "Invalid value";
    // Queue.
    queue_title: "Prüfliste", "Review queue";
    filters: "Filter", "Filters";
    status: "Status", "Status";
    template: "Vorlage", "Template";
    officer: "Außendienstkraft", "Officer";
    assignee: "Zugewiesen an", "Assigned to";
    created_from: "Erstellt ab", "Created from";
    created_until: "Erstellt bis", "Created until";
    search: "Suche (Titel, Adresse)", "Search (title, address)";
    apply: "Anwenden", "Apply";
    reset: "Zurücksetzen", "Reset";
    all: "Alle", "All";
    title: "Titel", "Title";
    address: "Adresse", "Address";
    created: "Erstellt", "Created";
    updated: "Geändert", "Updated";
    sort_by: "Sortieren nach", "Sort by";
    descending: "absteigend", "descending";
    ascending: "aufsteigend", "ascending";
    no_cases: "Keine Fälle gefunden.", "No cases found.";
    results: "Treffer", "results";
    page: "Seite", "Page";
    previous: "Zurück", "Previous";
    next: "Weiter", "Next";
    per_status: "Fälle je Status", "Cases per status";
    // Case page.
    case_number: "Fall", "Case";
    overview: "Übersicht", "Overview";
    answers: "Angaben", "Answers";
    other_answers: "Weitere Angaben", "Other answers";
    not_answered: "—", "—";
    yes: "Ja", "Yes";
    no: "Nein", "No";
    location: "Standort", "Location";
    created_by: "Erstellt von", "Created by";
    not_assigned: "nicht zugewiesen", "not assigned";
    photo_uploading: "Foto wird noch hochgeladen", "Photo is still being uploaded";
    photo_original: "Original", "Original";
    photo_annotated: "Mit Markierungen", "Annotated";
    photo_of: "Foto", "Photo";
    signed_by: "Unterschrieben von", "Signed by";
    unknown_kind: "(Wert eines unbekannten Typs)", "(value of an unknown type)";
    template_missing: "Die Vorlage dieses Falls ist nicht gespeichert; die Angaben erscheinen mit ihren Schlüsseln.",
        "This case's template is not stored; the answers are shown with their keys.";
    comments: "Kommentare", "Comments";
    no_comments: "Noch keine Kommentare.", "No comments yet.";
    internal: "intern", "internal";
    add_comment: "Kommentar hinzufügen", "Add comment";
    comment: "Kommentar", "Comment";
    internal_only: "Nur intern (nicht auf dem Tablet sichtbar)", "Internal only (not shown on the tablet)";
    actions: "Aktionen", "Actions";
    change_status: "Status ändern", "Change status";
    status_comment: "Kommentar an die Außendienstkraft (für „Änderungen nötig“ Pflicht)",
        "Comment for the officer (required for “needs changes”)";
    move_to: "Wechseln zu", "Move to";
    assign: "Zuweisen", "Assign";
    save: "Speichern", "Save";
    change_value: "Wert ändern", "Change value";
    history: "Verlauf", "History";
    back_to_queue: "Zurück zur Liste", "Back to the list";
    // History.
    history_title: "Änderungsverlauf", "Change history";
    when: "Zeitpunkt", "When";
    who: "Wer", "Who";
    where_made: "Wo", "Where";
    what: "Was", "What";
    before: "Vorher", "Before";
    after: "Nachher", "After";
    back_office: "Back Office", "Back office";
    device: "Gerät", "Device";
    unknown_author: "unbekannt", "unknown";
    no_visible_change: "keine sichtbare Änderung", "no visible change";
    case_created: "Fall angelegt", "Case created";
    unreadable: "nicht lesbar", "not readable";
    comment_added: "Kommentar hinzugefügt", "Comment added";
    photo_added: "Foto hinzugefügt", "Photo added";
    photo_removed: "Foto entfernt", "Photo removed";
    annotations_changed: "Markierungen geändert", "Annotations changed";
    changes_total: "Änderungen insgesamt", "changes in total";
    back_to_case: "Zurück zum Fall", "Back to the case";
    // Statuses.
    status_received: "Eingegangen", "Received";
    status_triaged: "Gesichtet", "Triaged";
    status_assigned: "Zugewiesen", "Assigned";
    status_draft: "Entwurf", "Draft";
    status_submitted: "Eingereicht", "Submitted";
    status_in_review: "In Prüfung", "In review";
    status_needs_changes: "Änderungen nötig", "Needs changes";
    status_approved: "Genehmigt", "Approved";
    status_rejected: "Abgelehnt", "Rejected";
    status_closed: "Abgeschlossen", "Closed";
}

impl Texts {
    /// The label of a status.
    pub fn status(&self, status: Status) -> &'static str {
        match status {
            Status::Received => self.status_received,
            Status::Triaged => self.status_triaged,
            Status::Assigned => self.status_assigned,
            Status::Draft => self.status_draft,
            Status::Submitted => self.status_submitted,
            Status::InReview => self.status_in_review,
            Status::NeedsChanges => self.status_needs_changes,
            Status::Approved => self.status_approved,
            Status::Rejected => self.status_rejected,
            Status::Closed => self.status_closed,
        }
    }

    /// The label of a role.
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Admin => self.role_admin,
            Role::Coordinator => self.role_coordinator,
            Role::CaseWorker => self.role_case_worker,
            Role::Viewer => self.role_viewer,
            Role::Officer => self.role_officer,
        }
    }

    /// The label of a status as stored in the projection (`in_review`); unknown ones as they
    /// are.
    pub fn status_str<'a>(&self, status: &'a str) -> &'a str {
        match parse_status(status) {
            Some(s) => self.status(s),
            None => status,
        }
    }
}

/// Every status, in workflow order.
pub const STATUSES: [Status; 10] = Status::ALL;

/// A status from its stored name (`in_review`).
pub fn parse_status(text: &str) -> Option<Status> {
    text.parse().ok()
}

/// The texts of `lang`.
pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::De => &DE,
        Language::En => &EN,
    }
}

fn parse_language(text: &str) -> Option<Language> {
    match text {
        "de" => Some(Language::De),
        "en" => Some(Language::En),
        _ => None,
    }
}

/// The `lang` query parameter, if it names a language.
fn query_language(query: Option<&str>) -> Option<Language> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "lang")
        .and_then(|(_, value)| parse_language(value))
}

/// The language of a request: `?lang=`, else the `naper_lang` cookie, else German.
pub fn language_of(uri: &Uri, headers: &HeaderMap) -> Language {
    query_language(uri.query())
        .or_else(|| cookies::get(headers, LANG_COOKIE).and_then(|v| parse_language(&v)))
        .unwrap_or_default()
}

/// Middleware: when a request chooses a language with `?lang=`, the response remembers it in
/// a cookie, so the following pages keep it without the parameter.
pub async fn remember_language(request: Request, next: Next) -> Response {
    let chosen = query_language(request.uri().query());
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let value = match lang {
            Language::De => "de",
            Language::En => "en",
        };
        let cookie = cookies::SetCookie {
            name: LANG_COOKIE,
            value,
            max_age_secs: Some(365 * 24 * 60 * 60),
            http_only: false,
            secure: false, // a language preference is no secret
        };
        if let Ok(header) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_label_in_both_languages() {
        for status in STATUSES {
            assert!(!DE.status(status).is_empty());
            assert!(!EN.status(status).is_empty());
            assert_eq!(parse_status(status.as_str()), Some(status));
        }
        assert_eq!(query_language(Some("a=1&lang=en")), Some(Language::En));
        assert_eq!(query_language(Some("lang=fr")), None);
    }
}

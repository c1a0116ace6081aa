//! The back office's one translation table, and how a request picks its language.
//!
//! Every string the pages show comes from [`Texts`]: one row per string with its German and
//! English text side by side, so a missing translation is a compile error, not a blank
//! (`texts::texts!`); the domain's terms (status and role labels, yes and no) come from the
//! `texts` crate, the same on every surface.
//! German is the default; `?lang=en` (or `?lang=de`) switches and is remembered in the
//! `naper_lang` cookie ([`LANG`], with `web::language::remember`).

use axum::http::{HeaderMap, Uri};
use schema::{Language, Role, Status};

use web::language::LanguageCookie;

/// The cookie remembering the chosen language.
pub const LANG: LanguageCookie = LanguageCookie {
    name: "naper_lang",
    path: crate::BASE,
    follow_browser: false,
};

texts::texts! {
    [shared: yes, no, signed_by, unknown_kind]
    [plural:
        results: ("Treffer", "Treffer"), ("result", "results");
        entries: ("Eintrag", "Einträge"), ("entry", "entries");
        changes_total: ("Änderung insgesamt", "Änderungen insgesamt"), ("change in total", "changes in total");
        changes_in_entry: ("Änderung", "Änderungen"), ("change", "changes");
        report_history_more: ("weitere, ältere Änderung ist im Back Office einsehbar", "weitere, ältere Änderungen sind im Back Office einsehbar"),
            ("more, earlier change can be seen in the back office", "more, earlier changes can be seen in the back office");
    ]
    html_lang: "de", "en";
    app_title: "naper Back Office", "naper back office";
    skip_to_content: "Zum Inhalt springen", "Skip to content";
    nav_cases: "Fälle", "Cases";
    signed_in_as: "Angemeldet als", "Signed in as";
    logout: "Abmelden", "Sign out";
    language: "Sprache", "Language";
    name_de: "Deutsch", "Deutsch";
    name_en: "English", "English";
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
    error_invalid_value: "Ungültige Angabe bei „{field}“: {reason}", "Invalid answer to “{field}”: {reason}";
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
    page: "Seite", "Page";
    previous: "Zurück", "Previous";
    next: "Weiter", "Next";
    per_status: "Fälle je Status", "Cases per status";
    // Case page.
    case_number: "Fall", "Case";
    overview: "Übersicht", "Overview";
    answers: "Angaben", "Answers";
    citizen_request: "Bürgeranliegen", "Citizen's request";
    citizen_requests: "Bürgeranliegen (Bürgerportal)", "Citizens' requests (portal)";
    citizen_request_service: "Leistung", "Service";
    citizen_request_channel: "Eingang über", "Received through";
    other_answers: "Weitere Angaben", "Other answers";
    not_answered: "—", "—";
    location: "Standort", "Location";
    created_by: "Erstellt von", "Created by";
    not_assigned: "nicht zugewiesen", "not assigned";
    photo_uploading: "Foto wird noch hochgeladen", "Photo is still being uploaded";
    photo_original: "Original (wird protokolliert)", "Original (logged)";
    photo_annotated: "Mit Markierungen", "Annotated";
    photo_full_size: "Volle Größe", "Full size";
    photo_of: "Foto", "Photo";
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
    refused_summary: "Die Angabe wurde nicht gespeichert", "The answer was not saved";
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
    unconfirmed: "vom Server nicht bestätigt", "not confirmed by the server";
    stated_time: "laut Gerät", "according to the device";
    history_raw: "Jede Änderung einzeln zeigen", "Show every change";
    history_grouped: "Änderungen zusammengefasst zeigen", "Show changes grouped";
    no_visible_change: "keine sichtbare Änderung", "no visible change";
    case_created: "Fall angelegt", "Case created";
    unreadable: "nicht lesbar", "not readable";
    comment_added: "Kommentar hinzugefügt", "Comment added";
    photo_added: "Foto hinzugefügt", "Photo added";
    photo_removed: "Foto entfernt", "Photo removed";
    annotations_changed: "Markierungen geändert", "Annotations changed";
    back_to_case: "Zurück zum Fall", "Back to the case";
    // PDF report, admin, audit page.
    report_download: "PDF-Bericht herunterladen", "Download PDF report";
    report_title: "Kontrollprotokoll", "Inspection report";
    report_office: "Behörde", "Office";
    version: "Version", "Version";
    report_times: "Zeiten in Ortszeit (Europe/Berlin)", "Times in local time (Europe/Berlin)";
    report_photo_missing: "Foto noch nicht hochgeladen", "Photo not uploaded yet";
    report_photo_unreadable: "Foto kann nicht dargestellt werden", "Photo cannot be shown";
    report_no_photos: "Keine Fotos", "No photos";
    report_history: "Verlauf (Zusammenfassung)", "History (summary)";
    gps_position: "GPS-Position", "GPS position";
    report_generated: "Erstellt am", "Generated on";
    report_by: "von", "by";
    report_page_of: "von", "of";
    nav_users: "Benutzer", "Users";
    nav_devices: "Geräte", "Devices";
    nav_templates: "Vorlagen", "Templates";
    nav_audit: "Audit-Protokoll", "Audit log";
    users_title: "Benutzer und Rollen", "Users and roles";
    display_name: "Name", "Full name";
    role: "Rolle", "Role";
    you: "(Sie)", "(you)";
    create_user: "Benutzer anlegen", "Create user";
    grants_title: "Rechte der Rollen", "Permissions of the roles";
    grants_originals: "Unbearbeitete Originalfotos öffnen", "Open unredacted original photos";
    grants_originals_hint: "Jede Öffnung wird protokolliert. Alle anderen Rollen sehen die Fotos mit ihren Schwärzungen.", "Every opening is logged. All other roles see the photos with their redactions.";
    grants_save: "Rechte speichern", "Save permissions";
    initial_password: "Erstes Passwort (mindestens 8 Zeichen)", "Initial password (at least 8 characters)";
    new_password: "Neues Passwort (mindestens 8 Zeichen)", "New password (at least 8 characters)";
    change_role: "Rolle ändern", "Change role";
    reset_password: "Passwort zurücksetzen", "Reset password";
    delete_user: "Benutzer löschen", "Delete user";
    delete_confirm: "Ja, löschen: Sitzungen enden, Geräte werden entfernt; Fälle und Protokoll behalten den Namen",
        "Yes, delete: sessions end, devices are removed; cases and the log keep the name";
    error_username: "Der Benutzername ist ungültig; verwenden Sie ein Wort ohne Leerzeichen.",
        "The user name is not valid; use one word without spaces.";
    error_password_short: "Das Passwort ist zu kurz; verwenden Sie mindestens 8 Zeichen.",
        "The password is too short; use at least 8 characters.";
    error_user_taken: "Dieser Benutzername ist schon vergeben (Benutzernamen gelten für alle Behörden); wählen Sie einen anderen.",
        "This user name is taken (user names are unique across all offices); choose another one.";
    error_unknown_role: "Unbekannte Rolle; wählen Sie eine aus der Liste.", "Unknown role; choose one from the list.";
    error_own_account: "Sie können sich die eigenen Administrationsrechte nicht entziehen; bitten Sie eine andere Administration darum.",
        "You cannot remove your own administration rights; ask another administrator.";
    error_confirm_delete: "Bitte bestätigen Sie das Löschen mit dem Kästchen.", "Please confirm the deletion with the checkbox.";
    error_still_assigned: "Dieser Person sind noch offene Fälle zugewiesen; weisen Sie sie zuerst jemand anderem zu (Fallliste, Filter „Zugewiesen an“). Offene Fälle:",
        "Open cases are still assigned to this person; assign them to someone else first (case list, filter “Assigned to”). Open cases:";
    devices_title: "Angemeldete Geräte", "Enrolled devices";
    device_name: "Gerätename", "Device name";
    device_id: "Geräte-ID", "Device id";
    enrolled_at: "Angemeldet am", "Enrolled";
    last_sync: "Letzte Synchronisierung", "Last sync";
    never: "nie", "never";
    state: "Zustand", "State";
    active: "aktiv", "active";
    revoked: "gesperrt", "revoked";
    revoke: "Sperren", "Revoke";
    no_devices: "Keine Geräte angemeldet.", "No devices enrolled.";
    templates_title: "Formularvorlagen", "Form templates";
    template_id: "Kennung", "Id";
    versions: "Versionen", "Versions";
    bundled: "mitgeliefert", "bundled";
    own_template: "eigene", "own";
    upload_template: "Neue Version hochladen", "Upload a new version";
    template_json: "Vorlage als JSON", "Template as JSON";
    template_hint: "Die Version muss höher sein als die aktuelle; bestehende Fälle behalten ihre Version.",
        "The version must be higher than the current one; existing cases keep their version.";
    template_problems: "Die Vorlage wurde nicht gespeichert. Probleme:", "The template was not saved. Problems:";
    template_not_newer: "die Version muss höher sein als die aktuelle Version", "the version must be higher than the current version";
    template_other_tenant: "die Vorlage ist für eine andere Behörde bestimmt", "the template is meant for another office";
    template_saved: "Gespeichert:", "Saved:";
    audit_title: "Audit-Protokoll", "Audit log";
    user: "Benutzer", "User";
    case_id: "Fall-ID", "Case id";
    action: "Aktion", "Action";
    detail: "Details", "Details";
    no_entries: "Keine Einträge.", "No entries.";
    error_case_filter: "Die Fall-ID ist keine gültige UUID; kopieren Sie sie von der Fallseite.",
        "The case id is not a valid UUID; copy it from the case page.";
    // Answer editing, rate limits, sessions.
    edit_german_time: "Deutsche Zeit (Europe/Berlin)", "German time (Europe/Berlin)";
    login_locked: "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
        "Too many failed sign-ins. Please wait a few minutes, then try again.";
    action_login: "Angemeldet", "Signed in";
    action_logout: "Abgemeldet", "Signed out";
    action_view_case: "Fall angesehen", "Viewed case";
    action_view_history: "Verlauf angesehen", "Viewed history";
    action_change_status: "Status geändert", "Changed status";
    action_edit_field: "Angabe geändert", "Changed answer";
    action_comment: "Kommentiert", "Commented";
    action_assign: "Zugewiesen", "Assigned";
    action_download_report: "Bericht heruntergeladen", "Downloaded report";
    action_create_user: "Benutzer angelegt", "Created user";
    action_change_role: "Rolle geändert", "Changed role";
    action_reset_password: "Passwort zurückgesetzt", "Reset password";
    action_delete_user: "Benutzer gelöscht", "Deleted user";
    action_revoke_device: "Gerät gesperrt", "Revoked device";
    action_upload_template: "Formularvorlage hochgeladen", "Uploaded form template";
    action_view_users: "Benutzerliste angesehen", "Viewed the user list";
    action_view_devices: "Geräteliste angesehen", "Viewed the device list";
    action_view_audit_log: "Protokoll angesehen", "Viewed the audit log";
    action_view_original: "Originalfoto geöffnet", "Opened an original photo";
    action_change_grants: "Rollenrechte geändert", "Changed role permissions";
    action_message_citizen: "Bürger/in geschrieben", "Wrote to the citizen";
    action_change_portal: "Bürgerportal geändert", "Changed the citizen portal";
    nav_portal: "Bürgerportal", "Citizen portal";
    portal_settings_title: "Bürgerportal einstellen", "Citizen portal settings";
    portal_look: "Erscheinungsbild", "Look";
    portal_look_hint: "So erkennen Bürgerinnen und Bürger das Portal als Angebot Ihrer Verwaltung. Leere Felder zeigen die Vorgaben von naper.",
        "This is how citizens recognise the portal as your office's. Empty fields show naper's defaults.";
    portal_accent: "Akzentfarbe (#rrggbb)", "Accent colour (#rrggbb)";
    portal_accent_hint: "Für Kopfzeile und Links; sie muss mit Weiß mindestens 4,5 : 1 Kontrast haben (WCAG 2.1 AA).",
        "For the header and links; it needs a contrast of at least 4.5 : 1 with white (WCAG 2.1 AA).";
    portal_imprint: "Impressum", "Imprint";
    portal_privacy: "Datenschutzerklärung", "Privacy policy";
    portal_contact_email: "Kontakt-E-Mail", "Contact e-mail";
    portal_contact_phone: "Kontakt-Telefon", "Contact phone";
    portal_save: "Speichern", "Save";
    portal_logo: "Wappen oder Logo", "Coat of arms or logo";
    portal_logo_hint: "PNG oder JPEG, höchstens 2 MB. Es wird in der Kopfzeile 48 Pixel hoch gezeigt; Transparenz bleibt erhalten.",
        "PNG or JPEG, at most 2 MB. It is shown 48 pixels high in the header; transparency is kept.";
    portal_logo_file: "Datei", "File";
    portal_logo_alt: "Beschreibung für Screenreader", "Description for screen readers";
    portal_logo_alt_default: "Wappen", "Coat of arms";
    portal_logo_current: "Derzeit gezeigt:", "Shown now:";
    portal_logo_remove: "Wappen oder Logo entfernen", "Remove the coat of arms or logo";
    portal_logo_upload: "Hochladen", "Upload";
    portal_services: "Leistungen und Suchwörter", "Services and search words";
    portal_services_hint: "Angebotene Leistungen erscheinen im Portal. Suchwörter (durch Kommas getrennt) sind die Wörter Ihrer Bürgerinnen und Bürger, z. B. „Sperrmüll, Müll am Waldrand“.",
        "Offered services appear in the portal. Search words (separated by commas) are your citizens' words, e.g. “bulky waste, rubbish in the woods”.";
    portal_offered: "angeboten", "offered";
    portal_words: "Suchwörter", "Search words";
    portal_saved_look: "Das Erscheinungsbild ist gespeichert.", "The look is saved.";
    portal_saved_logo: "Wappen oder Logo ist gespeichert.", "The coat of arms or logo is saved.";
    portal_saved_services: "Leistungen und Suchwörter sind gespeichert.", "Services and search words are saved.";
    portal_problems: "Nicht gespeichert:", "Not saved:";
    portal_error_colour: "„{colour}“ ist keine Farbe; geben Sie sie als #rrggbb an, z. B. #0b5394.", "“{colour}” is not a colour; give it as #rrggbb, e.g. #0b5394.";
    portal_error_contrast: "„{colour}“ hat mit Weiß nur {ratio} : 1 Kontrast, weniger als 4,5 : 1. Bitte wählen Sie eine dunklere Farbe.", "“{colour}” has only {ratio} : 1 contrast with white, less than 4.5 : 1. Please choose a darker colour.";
    portal_error_link: "Der Link „{link}“ ({url}) ist keine einfache https://-Adresse.", "The link “{link}” ({url}) is not a plain https:// address.";
    portal_error_email: "„{address}“ ist keine E-Mail-Adresse.", "“{address}” is not an e-mail address.";
    portal_error_phone: "„{phone}“ ist keine Telefonnummer; erlaubt sind Ziffern, Leerzeichen und + - / ( ).", "“{phone}” is not a phone number; use digits, spaces and + - / ( ).";
    portal_error_logo_kind: "Die Datei ist kein PNG- oder JPEG-Bild.", "The file is not a PNG or JPEG image.";
    portal_error_logo_large: "Die Datei ist größer als 2 MB.", "The file is larger than 2 MB.";
    portal_error_logo_unreadable: "Das Bild lässt sich nicht lesen.", "The image cannot be read.";
    portal_error_logo_missing: "Bitte wählen Sie eine Datei.", "Please choose a file.";
    messages_title: "Nachrichten mit der Bürgerin oder dem Bürger", "Messages with the citizen";
    messages_none: "Noch keine Nachrichten.", "No messages yet.";
    message_from_citizen: "Bürger/in", "Citizen";
    message_label: "Nachricht an die Bürgerin oder den Bürger", "Message to the citizen";
    message_hint: "Die Bürgerin oder der Bürger erfährt per E-Mail, dass es eine Nachricht gibt – nicht, was darin steht – und liest sie im Bürgerportal.",
        "The citizen learns by e-mail that there is a message — not what it says — and reads it in the citizen portal.";
    message_send: "Nachricht senden", "Send the message";
    message_empty: "Die Nachricht ist leer.", "The message is empty.";
    message_too_long: "Die Nachricht ist zu lang (höchstens 5.000 Zeichen).", "The message is too long (at most 5,000 characters).";
}

impl Texts {
    /// The label of a status (the same on every surface: `texts::status_label`).
    pub fn status(&self, status: Status) -> &'static str {
        texts::status_label(status, self.lang)
    }

    /// The label of a role (`texts::role_label`).
    pub fn role(&self, role: Role) -> &'static str {
        texts::role_label(role, self.lang)
    }

    /// The label of an audit log action as stored (`delete_user`); unknown ones (written by
    /// a newer version) as they are.
    pub fn action_str<'a>(&self, action: &'a str) -> &'a str {
        use crate::audit::Action;
        match Action::parse(action) {
            Some(Action::Login) => self.action_login,
            Some(Action::Logout) => self.action_logout,
            Some(Action::ViewCase) => self.action_view_case,
            Some(Action::ViewHistory) => self.action_view_history,
            Some(Action::ChangeStatus) => self.action_change_status,
            Some(Action::EditField) => self.action_edit_field,
            Some(Action::Comment) => self.action_comment,
            Some(Action::Assign) => self.action_assign,
            Some(Action::DownloadReport) => self.action_download_report,
            Some(Action::CreateUser) => self.action_create_user,
            Some(Action::ChangeRole) => self.action_change_role,
            Some(Action::ResetPassword) => self.action_reset_password,
            Some(Action::DeleteUser) => self.action_delete_user,
            Some(Action::RevokeDevice) => self.action_revoke_device,
            Some(Action::UploadTemplate) => self.action_upload_template,
            Some(Action::ViewUsers) => self.action_view_users,
            Some(Action::ViewDevices) => self.action_view_devices,
            Some(Action::ViewAuditLog) => self.action_view_audit_log,
            Some(Action::ViewOriginal) => self.action_view_original,
            Some(Action::ChangeGrants) => self.action_change_grants,
            Some(Action::MessageCitizen) => self.action_message_citizen,
            Some(Action::ChangePortal) => self.action_change_portal,
            None => action,
        }
    }

    /// The label of a status as stored in the projection (`in_review`); unknown ones as they
    /// are.
    pub fn status_str<'a>(&self, status: &'a str) -> &'a str {
        texts::status_name_label(status, self.lang)
    }
}

/// The language of a request: `?lang=`, else the `naper_lang` cookie, else German.
pub fn language_of(uri: &Uri, headers: &HeaderMap) -> Language {
    LANG.language_of(uri, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_label_in_both_languages() {
        for status in Status::ALL {
            assert!(!DE.status(status).is_empty());
            assert!(!EN.status(status).is_empty());
            assert_eq!(DE.status_str(status.as_str()), DE.status(status));
        }
        assert_eq!(texts::check::rows(ROWS), Vec::<String>::new());
        assert_eq!(EN.results.pick(1), "result");
        assert_eq!(DE.entries.fill(1), "Eintrag");
        assert_eq!(DE.changes_total.pick(2), "Änderungen insgesamt");
    }
}

//! The portal's one translation table, the words a citizen reads for where a request stands,
//! and how a request picks its language (`?lang=`, the `naper_portal_lang` cookie, the
//! browser's preference, German; the rule is `web::language`'s).

use axum::http::{HeaderMap, Uri};
use schema::{Language, Status};
use web::language::LanguageCookie;

/// The cookie remembering the chosen language, scoped to the portal.
pub const LANG: LanguageCookie = LanguageCookie {
    name: "naper_portal_lang",
    path: crate::BASE,
    follow_browser: true,
};

texts::texts! {
    [shared: yes, no]
    [plural:
        photos_sent: ("{n} Foto", "{n} Fotos"), ("{n} photo", "{n} photos");
    ]
    html_lang: "de", "en";
    portal_name: "Bürgerportal", "Citizen portal";
    service_of: "Ein Service von", "A service of";
    contact: "Kontakt", "Contact";
    legal_links: "Rechtliches", "Legal";
    imprint: "Impressum", "Imprint";
    privacy: "Datenschutz", "Privacy";
    skip_to_content: "Zum Inhalt springen", "Skip to content";
    language: "Sprache", "Language";
    name_de: "Deutsch", "Deutsch";
    name_en: "English", "English";
    // Start page and search.
    start_title: "Was möchten Sie erledigen?", "What would you like to do?";
    search_label: "Leistung suchen", "Search for a service";
    search_hint: "Zum Beispiel „Sperrmüll“, „Hausnummer“ oder „Halteverbot Umzug“.",
        "For example “bulky waste”, “house number” or “no parking for a move”.";
    search_button: "Suchen", "Search";
    search_results: "Suchergebnisse für „{query}“", "Results for “{query}”";
    search_none: "Keine Leistung passt zu „{query}“. Versuchen Sie ein anderes Wort oder wählen Sie aus der Liste.",
        "No service matches “{query}”. Try another word or choose from the list.";
    all_services: "Alle Leistungen", "All services";
    no_services: "Diese Verwaltung bietet hier noch keine Leistungen an.", "This office offers no services here yet.";
    responsible: "Zuständig", "Responsible";
    // The form.
    required_hint: "Pflichtangaben sind mit * markiert.", "Required answers are marked with *.";
    required_mark: "Pflichtangabe", "required";
    legal_hint: "Rechtliche Hinweise", "Legal notes";
    // Photos.
    photo_choose: "Fotos hinzufügen", "Add photos";
    photo_hint: "JPEG oder PNG, höchstens {size} MB je Foto und {max} Fotos je Anliegen. Kameradaten und Aufnahmeort entfernen wir, bevor jemand das Foto sieht.",
        "JPEG or PNG, at most {size} MB per photo and {max} photos per request. We remove camera data and the place it was taken before anyone sees the photo.";
    photos_kept: "Bereits beigefügt (Häkchen entfernen, um ein Foto nicht zu senden)", "Attached already (untick a photo not to send it)";
    photo_kept: "Foto {n}: {width} × {height} Pixel, {size}", "Photo {n}: {width} × {height} pixels, {size}";
    photo_kept_place: "mit Aufnahmeort", "with the place it was taken";
    share_location: "Aufnahmeort aus den Fotos übermitteln", "Send the place the photos were taken";
    share_location_hint: "Viele Telefone speichern im Foto, wo es aufgenommen wurde. Das Amt erhält diese Angabe nur, wenn Sie hier ein Häkchen setzen – sie hilft, die Stelle zu finden.",
        "Many phones store in a photo where it was taken. The office receives this only if you tick here; it helps to find the spot.";
    error_photo_kind: "„{file}“ ist kein JPEG- oder PNG-Foto.", "“{file}” is not a JPEG or PNG photo.";
    error_photo_large: "„{file}“ ist größer als {size} MB. Bitte wählen Sie eine kleinere Aufnahme.", "“{file}” is larger than {size} MB. Please choose a smaller picture.";
    error_photo_pixels: "„{file}“ hat zu viele Bildpunkte ({width} × {height}). Bitte wählen Sie eine kleinere Aufnahme.", "“{file}” has too many pixels ({width} × {height}). Please choose a smaller picture.";
    error_photo_unreadable: "„{file}“ lässt sich nicht lesen, vielleicht ist die Datei unvollständig. Bitte wählen Sie sie erneut aus.", "“{file}” cannot be read; the file may be incomplete. Please choose it again.";
    error_photo_too_many: "Mit einem Anliegen können höchstens {max} Fotos gesendet werden; „{file}“ wurde nicht übernommen.", "One request can bring at most {max} photos; “{file}” was not taken.";
    error_photos_gone: "Die zuvor gewählten Fotos liegen nicht mehr bereit. Bitte wählen Sie sie erneut aus.", "The photos chosen before are no longer held. Please choose them again.";
    choose: "Bitte wählen", "Please choose";
    notify_legend: "Benachrichtigung (freiwillig)", "Updates (optional)";
    notify_email: "E-Mail-Adresse für Nachrichten zu Ihrem Anliegen", "E-mail address for updates on your request";
    notify_hint: "Wir schreiben Ihnen, wenn sich etwas tut. Ohne Adresse verfolgen Sie Ihr Anliegen über den Link auf der Eingangsbestätigung.",
        "We write to you when something happens. Without an address, follow your request with the link on the receipt.";
    honeypot_label: "Bitte dieses Feld leer lassen", "Please leave this field empty";
    send: "Anliegen absenden", "Send request";
    errors_title: "Bitte prüfen Sie Ihre Angaben", "Please check your answers";
    error_required: "Bitte füllen Sie „{field}“ aus.", "Please fill in “{field}”.";
    error_invalid: "„{field}“: {reason}", "“{field}”: {reason}";
    error_email: "„{address}“ ist keine E-Mail-Adresse.", "“{address}” is not an e-mail address.";
    error_form_expired: "Das Formular war abgelaufen. Ihre Angaben sind erhalten; bitte senden Sie es noch einmal.",
        "The form had expired. Your answers are kept; please send it again.";
    error_not_sent: "Ihr Anliegen konnte nicht angenommen werden.", "Your request could not be accepted.";
    // Receipt and tracking.
    receipt_title: "Ihr Anliegen ist eingegangen", "Your request has arrived";
    receipt_number: "Ihre Vorgangsnummer", "Your case number";
    receipt_link: "Unter diesem Link sehen Sie jederzeit, wie weit Ihr Anliegen ist. Bewahren Sie ihn gut auf: Wer ihn kennt, kann den Stand sehen.",
        "This link shows you at any time how far your request has got. Keep it safe: anyone who knows it can see the status.";
    receipt_mail: "Eine Bestätigung ist an {address} unterwegs.", "A confirmation is on its way to {address}.";
    tracking_title: "Ihr Anliegen {number}", "Your request {number}";
    tracking_status: "Stand", "Status";
    tracking_received: "Eingegangen am", "Received on";
    tracking_service: "Leistung", "Service";
    tracking_answers: "Ihre Angaben", "Your answers";
    tracking_history: "Verlauf", "History";
    notice_subject: "Neuer Stand zu Ihrem Anliegen {number}", "News on your request {number}";
    notice_body: "Guten Tag,\n\nIhr Anliegen {number} hat einen neuen Stand: {status}.\n\nDen Verlauf sehen Sie über den Link in Ihrer Eingangsbestätigung.\n\nDiese Nachricht wurde automatisch erstellt.",
        "Hello,\n\nyour request {number} has a new status: {status}.\n\nFollow it with the link in your receipt.\n\nThis message was sent automatically.";
    receipt_pdf: "Eingangsbestätigung als PDF herunterladen", "Download the receipt as a PDF";
    receipt_pdf_title: "Eingangsbestätigung", "Receipt";
    receipt_pdf_intro: "Ihr Anliegen ist bei uns eingegangen. Bitte geben Sie bei Rückfragen die Vorgangsnummer an.",
        "Your request has arrived. Please quote the case number when you get in touch.";
    receipt_pdf_follow: "So verfolgen Sie Ihr Anliegen", "How to follow your request";
    receipt_pdf_page: "Seite", "Page";
    receipt_pdf_of: "von", "of";
    tracking_unknown: "Zu diesem Link gibt es kein Anliegen. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.",
        "There is no request for this link. Please check that you copied all of it.";
    tracking_expired: "Dieser Link ist abgelaufen. Fragen Sie bei der zuständigen Stelle mit Ihrer Vorgangsnummer nach.",
        "This link has expired. Ask the responsible office, quoting your case number.";
    // Errors.
    error_title: "Fehler", "Error";
    error_not_found: "Diese Seite gibt es nicht.", "This page does not exist.";
    error_back: "Zur Startseite", "To the start page";
    too_many: "Von Ihrem Anschluss kamen gerade sehr viele Anliegen. Bitte versuchen Sie es in einer Stunde noch einmal.",
        "Very many requests came from your connection just now. Please try again in an hour.";
    // Subjects of services.
    category_street: "Straße und öffentlicher Raum", "Streets and public spaces";
    category_building: "Bauen und Wohnen", "Building and housing";
    category_traffic: "Verkehr", "Traffic";
    category_business: "Wirtschaft und Gewerbe", "Business and trade";
    category_family: "Familie und Kinder", "Family and children";
    category_property: "Grundstücke", "Land and property";
    category_other: "Weitere Leistungen", "Other services";
    // Where a request stands, in the citizen's words.
    citizen_received: "Eingegangen", "Received";
    citizen_in_progress: "In Bearbeitung", "In progress";
    citizen_done: "Erledigt", "Done";
    citizen_declined: "Abgelehnt", "Declined";
}

impl Texts {
    /// The name of a subject services are grouped by.
    pub fn category(&self, category: &str) -> &'static str {
        match category {
            "street" => self.category_street,
            "building" => self.category_building,
            "traffic" => self.category_traffic,
            "business" => self.category_business,
            "family" => self.category_family,
            "property" => self.category_property,
            _ => self.category_other,
        }
    }

    /// Where a request in `status` stands, as a citizen reads it: the office's steps behind
    /// one "in progress".
    pub fn citizen_status(&self, status: Status) -> &'static str {
        match status {
            Status::Received => self.citizen_received,
            Status::Triaged
            | Status::Assigned
            | Status::Draft
            | Status::Submitted
            | Status::InReview
            | Status::NeedsChanges => self.citizen_in_progress,
            Status::Approved | Status::Closed => self.citizen_done,
            Status::Rejected => self.citizen_declined,
        }
    }
}

/// The language of a request.
pub fn language_of(uri: &Uri, headers: &HeaderMap) -> Language {
    LANG.language_of(uri, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_there_in_both_languages_and_every_status_has_citizen_words() {
        assert_eq!(texts::check::rows(ROWS), Vec::<String>::new());
        for status in Status::ALL {
            assert!(!DE.citizen_status(status).is_empty());
            assert!(!EN.citizen_status(status).is_empty());
        }
    }
}

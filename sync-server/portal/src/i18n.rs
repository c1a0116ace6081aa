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
    error_photos_too_many: "Ein Anliegen kann höchstens {max} Fotos bringen. Bitte entfernen Sie das Häkchen bei einigen.", "One request can bring at most {max} photos. Please untick some.";
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
    own_photos: "Ihre Fotos", "Your photos";
    own_photo: "Foto {n} herunterladen ({width} × {height} Pixel)", "Download photo {n} ({width} × {height} pixels)";
    messages_title: "Nachrichten", "Messages";
    messages_intro: "Hier schreiben Sie der Verwaltung zu diesem Anliegen, und hier lesen Sie ihre Antworten.", "Write to the office about this request here, and read its answers here.";
    messages_none: "Noch keine Nachrichten.", "No messages yet.";
    messages_you: "Sie", "You";
    messages_office: "Verwaltung", "Office";
    messages_label: "Ihre Nachricht", "Your message";
    messages_hint: "Bis zu 5.000 Zeichen. Die Verwaltung antwortet hier; per E-Mail erfahren Sie nur, dass es eine Antwort gibt.", "Up to 5,000 characters. The office answers here; by e-mail you only learn that there is an answer.";
    messages_send: "Nachricht senden", "Send the message";
    messages_sent: "Ihre Nachricht ist gesendet.", "Your message is sent.";
    messages_empty: "Bitte schreiben Sie eine Nachricht.", "Please write a message.";
    messages_too_long: "Die Nachricht ist zu lang (höchstens 5.000 Zeichen).", "The message is too long (at most 5,000 characters).";
    message_notice_subject: "Neue Nachricht zu Ihrem Anliegen {number}", "A new message on your request {number}";
    message_notice_body: "Guten Tag,\n\ndie Verwaltung hat Ihnen zu Ihrem Anliegen {number} geschrieben. {place}\n\nDiese Nachricht wurde automatisch erstellt.", "Hello,\n\nthe office wrote to you about your request {number}. {place}\n\nThis message was sent automatically.";
    message_notice_account: "Lesen Sie die Nachricht in „Mein Rathaus“: {link}", "Read it in “My town hall”: {link}";
    message_notice_receipt: "Lesen Sie die Nachricht über den Link in Ihrer Eingangsbestätigung.", "Read it with the link in your receipt.";
    office_message_subject: "Neue Nachricht zum Bürgeranliegen {number}", "New message on citizen's request {number}";
    office_message_body: "Zum Bürgeranliegen {number} hat die Bürgerin oder der Bürger eine Nachricht geschrieben. Lesen und beantworten Sie sie im Back Office:\n\n{link}\n\nDiese Nachricht wurde automatisch erstellt.", "The citizen wrote a message about request {number}. Read and answer it in the back office:\n\n{link}\n\nThis message was sent automatically.";
    tracking_unknown: "Zu diesem Link gibt es kein Anliegen. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.",
        "There is no request for this link. Please check that you copied all of it.";
    tracking_expired: "Dieser Link ist abgelaufen. Fragen Sie bei der zuständigen Stelle mit Ihrer Vorgangsnummer nach.",
        "This link has expired. Ask the responsible office, quoting your case number.";
    // Accounts.
    account_sign_in: "Anmelden", "Sign in";
    account_sign_out: "Abmelden", "Sign out";
    account_register: "Konto anlegen", "Create an account";
    account_my_town_hall: "Mein Rathaus", "My town hall";
    account_profile: "Meine Angaben", "My details";
    account_email: "E-Mail-Adresse", "E-mail address";
    account_password: "Passwort", "Password";
    account_password_hint: "Mindestens 10 Zeichen. Ein langer Satz, den Sie sich merken können, ist sicherer als ein kurzes Wort mit Sonderzeichen.",
        "At least 10 characters. A long sentence you can remember is safer than a short word with symbols.";
    account_password_repeat: "Passwort wiederholen", "Repeat the password";
    account_register_intro: "Mit einem Konto sehen Sie alle Ihre Anliegen an einem Ort, und Ihre Angaben werden in Formulare übernommen. Anliegen ohne Konto zu senden, bleibt jederzeit möglich.",
        "With an account you see all your requests in one place, and your details are filled into forms. Sending requests without an account remains possible at any time.";
    account_register_sent: "Fast geschafft: Wir haben eine E-Mail an {address} geschickt. Bitte öffnen Sie den Link darin, um Ihre Adresse zu bestätigen. Der Link gilt 48 Stunden.",
        "Almost done: we sent an e-mail to {address}. Please open the link in it to confirm your address. The link works for 48 hours.";
    account_confirm: "E-Mail-Adresse bestätigen", "Confirm your e-mail address";
    account_confirm_intro: "Geben Sie zur Bestätigung das Passwort ein, das Sie beim Anlegen des Kontos gewählt haben. Haben Sie kein Konto angelegt, schließen Sie diese Seite einfach.",
        "To confirm, enter the password you chose when you created the account. If you did not create an account, simply close this page.";
    account_wrong_password: "Das Passwort stimmt nicht.", "The password is wrong.";
    account_link_spent: "Dieser Link gilt nicht mehr: Er wurde schon benutzt oder ist abgelaufen.", "This link no longer works: it was used already or has expired.";
    account_wrong: "E-Mail-Adresse oder Passwort stimmen nicht.", "The e-mail address or the password is wrong.";
    account_unconfirmed: "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse mit dem Link, den wir Ihnen geschickt haben. Kein Link angekommen? Legen Sie das Konto einfach noch einmal an, dann schicken wir ihn erneut.",
        "Please first confirm your e-mail address with the link we sent you. No link arrived? Create the account again and we send it anew.";
    account_locked: "Zu viele Versuche. Bitte warten Sie einige Minuten.", "Too many attempts. Please wait a few minutes.";
    account_no_account: "Noch kein Konto?", "No account yet?";
    account_forgot: "Passwort vergessen?", "Forgot your password?";
    account_forgot_intro: "Geben Sie die E-Mail-Adresse Ihres Kontos an. Wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort festlegen.",
        "Enter your account's e-mail address. We send you a link to set a new password.";
    account_forgot_send: "Link anfordern", "Send the link";
    account_forgot_sent: "Wenn es zu {address} ein Konto gibt, ist eine E-Mail mit dem Link unterwegs. Er gilt eine Stunde.",
        "If there is an account for {address}, an e-mail with the link is on its way. It works for one hour.";
    account_new_password: "Neues Passwort festlegen", "Set a new password";
    account_new_password_done: "Ihr neues Passwort gilt. Alle bisherigen Anmeldungen sind beendet; bitte melden Sie sich neu an.",
        "Your new password is set. Every earlier sign-in has ended; please sign in again.";
    account_save: "Speichern", "Save";
    account_saved: "Ihre Angaben sind gespeichert.", "Your details are saved.";
    account_profile_intro: "Diese Angaben füllen wir in Formulare ein, wo sie gebraucht werden. Sie können sie dort jederzeit ändern.",
        "We fill these details into forms where they are needed. You can change them there at any time.";
    account_name: "Vor- und Nachname", "First and last name";
    account_organisation: "Verein oder Unternehmen (falls Sie für eines handeln)", "Association or business (if you act for one)";
    account_phone: "Telefon", "Phone";
    account_delete: "Konto löschen", "Delete the account";
    account_delete_intro: "Ihr Konto und Ihre gespeicherten Angaben werden gelöscht. Ihre gesendeten Anliegen bleiben bei der Verwaltung, wie es das Verwaltungsrecht verlangt, sind aber keinem Konto mehr zugeordnet. Zur Bestätigung geben Sie Ihr Passwort ein.",
        "Your account and your stored details are deleted. Requests you sent stay with the office, as administrative law requires, but belong to no account any more. To confirm, enter your password.";
    account_delete_confirm: "Konto endgültig löschen", "Delete the account for good";
    account_deleted: "Ihr Konto ist gelöscht.", "Your account is deleted.";
    account_delete_wrong: "Das Passwort stimmt nicht; das Konto wurde nicht gelöscht.", "The password is wrong; the account was not deleted.";
    account_error_email: "Bitte geben Sie eine E-Mail-Adresse an, z. B. name@example.org.", "Please enter an e-mail address, e.g. name@example.org.";
    account_error_short: "Das Passwort braucht mindestens 10 Zeichen.", "The password needs at least 10 characters.";
    account_error_long: "Das Passwort ist zu lang (höchstens 256 Zeichen).", "The password is too long (at most 256 characters).";
    account_error_repeat: "Die beiden Passwörter stimmen nicht überein.", "The two passwords differ.";
    account_signed_in_as: "Angemeldet als {name}", "Signed in as {name}";
    account_sign_in_first: "Bitte melden Sie sich an, um diese Seite zu sehen.", "Please sign in to see this page.";
    receipt_account_link: "Ihr Anliegen finden Sie jederzeit in „Mein Rathaus“, wenn Sie angemeldet sind:", "You find your request in “My town hall” at any time when you are signed in:";
    account_street: "Straße", "Street";
    account_house_number: "Hausnummer", "House number";
    account_postal_code: "Postleitzahl", "Postal code";
    account_city: "Ort", "City";
    timeline_number: "Vorgangsnummer", "Case number";
    timeline_intro: "Alle Anliegen, die Sie mit diesem Konto gesendet haben, das neueste zuerst.", "Every request you sent with this account, newest first.";
    timeline_empty: "Sie haben mit diesem Konto noch kein Anliegen gesendet.", "You have not sent a request with this account yet.";
    timeline_new_request: "Neues Anliegen", "New request";
    mail_confirm_subject: "Bitte bestätigen Sie Ihre E-Mail-Adresse", "Please confirm your e-mail address";
    mail_confirm_body: "Guten Tag,\n\nSie haben im Bürgerportal von {tenant} ein Konto angelegt. Bitte bestätigen Sie Ihre E-Mail-Adresse mit diesem Link (48 Stunden gültig):\n\n{link}\n\nWaren Sie das nicht, können Sie diese E-Mail ignorieren; ohne Bestätigung wird das Konto nicht benutzt.\n\nDiese Nachricht wurde automatisch erstellt.",
        "Hello,\n\nyou created an account on the citizen portal of {tenant}. Please confirm your e-mail address with this link (valid for 48 hours):\n\n{link}\n\nIf this was not you, ignore this e-mail; without confirmation the account is not used.\n\nThis message was sent automatically.";
    mail_exists_subject: "Ihr Konto im Bürgerportal", "Your account on the citizen portal";
    mail_exists_body: "Guten Tag,\n\njemand wollte im Bürgerportal von {tenant} ein Konto mit dieser E-Mail-Adresse anlegen. Sie haben dort schon eines. Melden Sie sich einfach an:\n\n{sign_in}\n\nPasswort vergessen? Hier legen Sie ein neues fest:\n\n{forgot}\n\nWaren Sie das nicht, müssen Sie nichts tun.\n\nDiese Nachricht wurde automatisch erstellt.",
        "Hello,\n\nsomebody tried to create an account with this e-mail address on the citizen portal of {tenant}. You have one there already. Simply sign in:\n\n{sign_in}\n\nForgot your password? Set a new one here:\n\n{forgot}\n\nIf this was not you, there is nothing to do.\n\nThis message was sent automatically.";
    mail_reset_subject: "Neues Passwort für das Bürgerportal", "A new password for the citizen portal";
    mail_reset_body: "Guten Tag,\n\nfür Ihr Konto im Bürgerportal von {tenant} wurde ein neues Passwort angefordert. Mit diesem Link legen Sie es fest (eine Stunde gültig):\n\n{link}\n\nHaben Sie nichts angefordert, können Sie diese E-Mail ignorieren; Ihr Passwort bleibt, wie es ist.\n\nDiese Nachricht wurde automatisch erstellt.",
        "Hello,\n\na new password was asked for your account on the citizen portal of {tenant}. Set it with this link (valid for one hour):\n\n{link}\n\nIf you asked for nothing, ignore this e-mail; your password stays as it is.\n\nThis message was sent automatically.";
    // Errors.
    error_title: "Fehler", "Error";
    error_not_found: "Diese Seite gibt es nicht.", "This page does not exist.";
    error_back: "Zur Startseite", "To the start page";
    too_many: "Von Ihrem Anschluss kamen gerade sehr viele Anliegen. Bitte versuchen Sie es in einer Stunde noch einmal.",
        "Very many requests came from your connection just now. Please try again in an hour.";
    // The guided path (Wegweiser).
    guide_link: "Nicht sicher, was Sie brauchen? Der Wegweiser hilft in zwei Schritten.", "Not sure what you need? The guide helps in two steps.";
    guide_title: "Wegweiser", "Guide";
    guide_first: "Worum geht es?", "What is it about?";
    guide_second: "Welche Leistung passt?", "Which service fits?";
    guide_none: "Nichts davon – ich möchte jemanden fragen", "None of these — I would like to ask someone";
    guide_contact_title: "Ansprechpersonen", "People to ask";
    guide_contact: "Hier helfen Ihnen Menschen weiter:", "These people can help you:";
    guide_back: "Zurück", "Back";
    guide_street: "Etwas im öffentlichen Raum ist kaputt, verschmutzt oder liegt herum", "Something in a public place is broken, dirty or left lying around";
    guide_traffic: "Ich brauche eine Erlaubnis für Straße oder Parken, z. B. für einen Umzug", "I need a permit for the street or parking, e.g. for a move";
    guide_building: "Ich baue oder brauche eine Hausnummer", "I am building or need a house number";
    guide_business: "Ich mache mich selbstständig oder ändere mein Gewerbe", "I am starting or changing a business";
    guide_family: "Es geht um die Betreuung meiner Kinder", "It is about childcare";
    guide_property: "Ich möchte ein Grundstück der Gemeinde kaufen", "I would like to buy a plot of the municipality";
    guide_other: "Etwas anderes", "Something else";
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
    /// The guide's question for a subject, in everyday words.
    pub fn guide_question(&self, subject: &str) -> &'static str {
        match subject {
            "street" => self.guide_street,
            "traffic" => self.guide_traffic,
            "building" => self.guide_building,
            "business" => self.guide_business,
            "family" => self.guide_family,
            "property" => self.guide_property,
            _ => self.guide_other,
        }
    }

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

//! The tablet GUI's one translation table.
//!
//! Every string a widget shows comes from [`Texts`]: one row per string with its German and
//! English text side by side, so a missing translation is a compile error, not a blank
//! (`texts::texts!`); the domain's terms (status labels) come from the `texts` crate, so the
//! tablet says "Eingereicht" where the back office and the PDF do.
//! German is the default ([`schema::Language::De`]); the officer can switch to English.
//! Widgets get the table through [`texts`] and never hold literal UI strings.

texts::texts! {
    [plural:
        cases_count: ("{n} Fall", "{n} Fälle"), ("{n} case", "{n} cases");
        photos_count: ("{n} Foto", "{n} Fotos"), ("{n} photo", "{n} photos");
        photo_annotations: ("{n} Markierung", "{n} Markierungen"), ("{n} marking", "{n} markings");
    ]
    app_title: "naper Außendienst", "naper field app";
    language: "Sprache", "Language";
    // --- App shell, enrollment, case list, forms, sync (add rows here) ---
    language_switch: "English", "Deutsch";
    high_contrast: "Hoher Kontrast", "High contrast";
    back: "Zurück", "Back";
    cancel: "Abbrechen", "Cancel";
    yes: "Ja", "Yes";
    no: "Nein", "No";
    notice_dismiss: "Ausblenden", "Dismiss";
    notice_submitted: "Der Fall wurde eingereicht und wird synchronisiert.", "The case was submitted and is being synced.";
    store_error_title: "Die Daten dieses Tablets können nicht geöffnet werden", "This tablet's data cannot be opened";
    error_offline: "Der Server ist nicht erreichbar. Ihre Arbeit bleibt auf dem Tablet und wird später synchronisiert.", "The server cannot be reached. Your work stays on the tablet and is synced later.";
    error_revoked: "Der Server nimmt dieses Tablet nicht mehr an. Ihre Fälle bleiben hier; melden Sie das Tablet neu an.", "The server no longer accepts this tablet. Your cases stay here; enroll the tablet again.";
    error_credentials: "Benutzername oder Passwort ist falsch.", "The user name or password is wrong.";
    error_other: "Das hat nicht geklappt", "That did not work";
    enroll_title: "Tablet anmelden", "Enroll this tablet";
    enroll_intro: "Einmalig mit Serveradresse, Benutzername und Passwort. Danach öffnet die App ohne Anmeldung, auch offline.", "Once, with server address, user name and password. Afterwards the app opens without signing in, offline too.";
    enroll_server: "Serveradresse", "Server address";
    enroll_username: "Benutzername", "User name";
    enroll_password: "Passwort", "Password";
    enroll_submit: "Anmelden", "Sign in";
    enroll_waiting: "Anmeldung läuft …", "Signing in …";
    enroll_device_name: "Tablet von {user}", "Tablet of {user}";
    sign_out: "Abmelden", "Sign out";
    sign_out_title: "Abmelden und Daten löschen?", "Sign out and delete the data?";
    sign_out_unsynced: "Achtung: {cases} und {photos} sind noch nicht synchronisiert und gehen verloren. Synchronisieren Sie vorher, wenn Sie sie behalten wollen.", "Warning: {cases} and {photos} are not synced yet and will be lost. Sync first if you want to keep them.";
    sign_out_all_synced: "Alles ist synchronisiert. Alle Fälle und Fotos werden von diesem Tablet gelöscht.", "Everything is synced. All cases and photos are deleted from this tablet.";
    sign_out_confirm: "Abmelden und löschen", "Sign out and delete";
    sync_now: "Jetzt synchronisieren", "Sync now";
    sync_online: "Online", "Online";
    sync_offline: "Offline", "Offline";
    sync_unknown: "Verbindung unbekannt", "Connection unknown";
    sync_running: "Synchronisiert …", "Syncing …";
    sync_pending: "Ausstehend: {cases}, {photos}", "Pending: {cases}, {photos}";
    sync_last: "Zuletzt synchronisiert: {time}", "Last synced: {time}";
    sync_never: "Noch nie synchronisiert", "Never synced";
    sync_upload: "Foto {photo} wird hochgeladen", "Uploading photo {photo}";
    tab_drafts: "Meine Entwürfe", "My drafts";
    tab_waiting: "Wartet auf Sync", "Waiting to sync";
    tab_synced: "Synchronisiert", "Synced";
    tab_assigned: "Mir zugewiesen", "Assigned to me";
    list_search: "Suche", "Search";
    list_new_case: "Neuer Fall", "New case";
    list_empty: "Keine Fälle in dieser Ansicht.", "No cases in this view.";
    list_untitled: "(ohne Titel)", "(untitled)";
    badge_synced: "synchronisiert", "synced";
    badge_waiting: "wartet auf Sync", "waiting to sync";
    badge_rejected: "vom Server abgelehnt", "refused by the server";
    status_unknown: "unbekannt", "unknown";
    picker_title: "Neuer Fall: Formular wählen", "New case: choose a form";
    picker_search: "Formular suchen", "Search forms";
    category_vehicles: "Fahrzeuge", "Vehicles";
    category_animals: "Tiere", "Animals";
    category_waste: "Abfall", "Waste";
    category_noise: "Lärm", "Noise";
    category_public_space: "Öffentlicher Raum", "Public space";
    category_trade: "Gewerbe", "Trade";
    category_traffic: "Verkehr", "Traffic";
    picker_none: "Noch keine Formulare auf dem Tablet. Synchronisieren Sie, sobald Sie online sind.", "No forms on the tablet yet. Sync as soon as you are online.";
    form_required: "(Pflichtfeld)", "(required)";
    form_refused: "Vom Server abgelehnt", "Refused by the server";
    form_request: "Bürgeranliegen", "Citizen's request";
    form_refused_kept: "Ihre Eingaben bleiben auf diesem Tablet gespeichert.",
        "What you entered stays saved on this tablet.";
    form_help: "Hilfe", "Help";
    form_submit: "Einreichen", "Submit";
    form_submit_blocked: "Noch nicht abgebbar:", "Cannot be submitted yet:";
    input_now: "Jetzt", "Now";
    gps_lat: "Breite", "Latitude";
    gps_lon: "Länge", "Longitude";
    gps_manual: "Das Gerät liefert keine Position – bitte von Hand eingeben.", "The device gives no position – please enter it by hand.";
    gps_unreachable: "GPS-Empfänger nicht erreichbar (gpsd) – Position bitte von Hand eingeben.", "GPS receiver not reachable (gpsd) – please enter the position by hand.";
    gps_no_fix: "GPS sucht noch – keine Position; von Hand eingeben oder warten.", "GPS is still searching – no position; enter it by hand or wait.";
    gps_fix: "GPS-Position verfügbar (± {m} m).", "GPS position available (± {m} m).";
    gps_fix_no_accuracy: "GPS-Position verfügbar (Genauigkeit unbekannt).", "GPS position available (accuracy unknown).";
    gps_use_fix: "Aktuelle Position übernehmen", "Use current position";
    address_street: "Straße", "Street";
    address_house_number: "Hausnummer", "House number";
    address_postal_code: "Postleitzahl", "Postal code";
    address_city: "Ort", "City";
    photo_add: "Foto hinzufügen", "Add photo";
    photo_close_camera: "Kamera schließen", "Close camera";
    photo_edit_annotations: "Einzeichnen", "Draw on photo";
    photo_delete: "Foto löschen", "Delete photo";
    photo_delete_question: "Foto mit allen Markierungen löschen?", "Delete the photo with all its markings?";
    photo_delete_confirm: "Ja, löschen", "Yes, delete";
    photo_delete_keep: "Behalten", "Keep";
    photo_thumbnail: "Foto", "Photo";
    photo_not_on_tablet: "Foto nicht auf dem Tablet", "Photo not on this tablet";
    photo_unreadable: "Das ist kein lesbares JPEG- oder PNG-Foto.", "That is not a readable JPEG or PNG photo.";

    // --- Annotation editor, signature pad, camera (add rows here) ---
    editor_canvas: "Foto-Zeichenfläche", "Photo canvas";
    editor_tool_select: "Auswählen und verschieben", "Select and move";
    editor_tool_pen: "Stift", "Pen";
    editor_tool_arrow: "Pfeil", "Arrow";
    editor_tool_line: "Linie", "Line";
    editor_tool_ellipse: "Ellipse", "Ellipse";
    editor_tool_rectangle: "Rechteck", "Rectangle";
    editor_tool_text: "Text", "Text";
    editor_tool_redaction: "Schwärzen", "Redact";
    editor_tool_face_redaction: "Gesicht schwärzen", "Redact face";
    editor_color_red: "Rot", "Red";
    editor_color_yellow: "Gelb", "Yellow";
    editor_color_green: "Grün", "Green";
    editor_color_blue: "Blau", "Blue";
    editor_color_black: "Schwarz", "Black";
    editor_color_white: "Weiß", "White";
    editor_width_thin: "Dünn", "Thin";
    editor_width_medium: "Mittel", "Medium";
    editor_width_thick: "Dick", "Thick";
    editor_undo: "Rückgängig", "Undo";
    editor_redo: "Wiederholen", "Redo";
    editor_delete: "Auswahl löschen", "Delete selection";
    editor_zoom_in: "Vergrößern", "Zoom in";
    editor_zoom_out: "Verkleinern", "Zoom out";
    editor_zoom_fit: "Ganzes Foto", "Whole photo";
    editor_text_hint: "Tippen Sie auf das Foto, wo der Text stehen soll.", "Tap the photo where the text should go.";
    editor_text_input: "Beschriftung", "Label";
    editor_text_place: "Text setzen", "Place text";
    editor_text_edit: "Text ändern", "Edit text";
    editor_text_apply: "Übernehmen", "Apply";
    editor_text_empty: "Der Text darf nicht leer sein.", "The text must not be empty.";
    editor_handle_top_left: "Ziehpunkt oben links", "Handle top left";
    editor_handle_top_right: "Ziehpunkt oben rechts", "Handle top right";
    editor_handle_bottom_left: "Ziehpunkt unten links", "Handle bottom left";
    editor_handle_bottom_right: "Ziehpunkt unten rechts", "Handle bottom right";
    editor_handle_start: "Ziehpunkt Anfang", "Handle start";
    editor_handle_end: "Ziehpunkt Ende", "Handle end";
    editor_redaction_method: "Schwärzen durch:", "Redact by:";
    editor_redaction_pixelate: "Verpixeln", "Pixelate";
    editor_redaction_blur: "Weichzeichnen", "Blur";
    editor_done: "Fertig", "Done";
    editor_cancel: "Verwerfen", "Discard";
    signature_pad: "Unterschriftsfeld", "Signature pad";
    signature_hint: "Hier mit dem Finger unterschreiben", "Sign here with your finger";
    signature_clear: "Unterschrift löschen", "Clear signature";
    camera_preview: "Kamerabild", "Camera preview";
    camera_select: "Kamera", "Camera";
    camera_starting: "Die Kamera wird gestartet …", "Starting the camera …";
    camera_capture: "Foto aufnehmen", "Take photo";
    camera_unavailable: "Keine Kamera verfügbar. Importieren Sie das Foto stattdessen aus einer Datei.", "No camera available. Import the photo from a file instead.";
    camera_retry: "Kamera erneut suchen", "Look for a camera again";
    camera_import: "Foto aus Datei importieren", "Import photo from file";
    camera_photo_files: "Fotos (JPEG, PNG)", "Photos (JPEG, PNG)";
    camera_import_failed: "Die Datei konnte nicht gelesen werden:", "The file could not be read:";

}

#[cfg(test)]
mod tests {
    use schema::Language;

    use super::*;

    #[test]
    fn every_row_is_translated_with_the_same_placeholders() {
        assert_eq!(texts::check::rows(ROWS), Vec::<String>::new());
        assert_eq!(DE.lang, Language::De);
        assert_eq!(texts(Language::En).lang, Language::En);
    }
}

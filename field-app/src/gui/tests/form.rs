//! The form: every field kind, conditions, validation messages, the blocked submit button,
//! photos by file import, and that every change is in the store at once.

use egui_kittest::kittest::Queryable;
use schema::{FieldValue, Status};

use super::fixture::*;

#[test]
fn a_new_case_is_prefilled_and_each_answer_is_on_disk_at_once() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    assert_eq!(
        h.get_by_label("Kontrollkraft").value().as_deref(),
        Some("Anna Abel"),
        "the officer's name is prefilled"
    );
    assert!(shows(
        &h,
        "Das Gerät liefert keine Position – bitte von Hand eingeben."
    ));

    type_into(&mut h, "Sachverhalt", "Sperrmüll am Waldrand");
    type_into(&mut h, "Anzahl", "3");
    type_into(&mut h, "Menge", "2,5");
    type_into(&mut h, "Tag", "23.11.2026");
    type_into(&mut h, "Uhrzeit", "14:05");
    click(&mut h, "Art: Sperrmüll");
    click(&mut h, "Merkmale: Geruch");
    click(&mut h, "Gefahr?: Nein");
    type_into(&mut h, "Standort: Breite", "52,52");
    type_into(&mut h, "Standort: Länge", "13,405");
    type_into(&mut h, "Anschrift: Straße", "Hauptstraße");
    type_into(&mut h, "Anschrift: Postleitzahl", "10115");
    type_into(&mut h, "Kennzeichen", "B-AB 1234");
    type_into(&mut h, "Interne Notizen", "Anwohner befragen");
    click(&mut h, "Zeitpunkt: Jetzt");

    let case = stored_case(dir.path());
    let f = |k: &str| case.fields.get(k).cloned();
    assert_eq!(
        f("story"),
        Some(FieldValue::LongText("Sperrmüll am Waldrand".into()))
    );
    assert_eq!(f("count"), Some(FieldValue::Integer(3)));
    assert_eq!(f("volume"), Some(FieldValue::Decimal(2.5)));
    assert_eq!(
        f("day"),
        Some(FieldValue::Date(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        ))
    );
    assert_eq!(
        f("time"),
        Some(FieldValue::Time(
            chrono::NaiveTime::from_hms_opt(14, 5, 0).unwrap()
        ))
    );
    assert_eq!(f("kind"), Some(FieldValue::Choice("bulky".into())));
    assert_eq!(
        f("flags"),
        Some(FieldValue::Choices(
            ["smell".to_string()].into_iter().collect()
        ))
    );
    assert_eq!(f("danger"), Some(FieldValue::YesNo(false)));
    match f("where") {
        Some(FieldValue::Gps(p)) => {
            assert!((p.lat - 52.52).abs() < 1e-9 && (p.lon - 13.405).abs() < 1e-9)
        }
        other => panic!("position: {other:?}"),
    }
    match f("address") {
        Some(FieldValue::Address(a)) => {
            assert_eq!(
                (a.street.as_str(), a.postal_code.as_str()),
                ("Hauptstraße", "10115")
            );
        }
        other => panic!("address: {other:?}"),
    }
    assert_eq!(f("plate"), Some(FieldValue::Plate("B-AB 1234".into())));
    assert_eq!(
        f("notes"),
        Some(FieldValue::LongText("Anwohner befragen".into()))
    );
    assert!(matches!(f("at"), Some(FieldValue::DateTime(_))));
}

#[test]
fn conditional_fields_appear_with_their_condition() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    assert!(!shows(&h, "Was sonst?"));
    click(&mut h, "Art: Sonstiges");
    assert!(shows(&h, "Was sonst?"));
    click(&mut h, "Art: Sperrmüll");
    assert!(!shows(&h, "Was sonst?"));
}

#[test]
fn wrong_answers_get_a_message_under_their_field() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    type_into(&mut h, "Anzahl", "zwölf");
    assert!(shows(&h, "Bitte eine ganze Zahl eingeben"));
    assert!(!stored_case(dir.path()).fields.contains_key("count"));

    h.get_by_label("Anzahl").focus();
    h.run_ok();
    for _ in 0.."zwölf".chars().count() {
        h.key_press(egui::Key::Backspace);
    }
    h.run_ok();
    h.get_by_label("Anzahl").type_text("11");
    h.run_ok();
    assert!(!shows(&h, "Bitte eine ganze Zahl eingeben"));
    assert!(shows(&h, "Höchstens 10"), "above the template's maximum");
    assert_eq!(
        stored_case(dir.path()).fields.get("count"),
        Some(&FieldValue::Integer(11)),
        "a draft keeps what was typed"
    );

    type_into(&mut h, "Kennzeichen", "XXXX");
    assert!(
        h.query_all_by_label_contains("Kein gültiges Kennzeichen")
            .next()
            .is_some()
    );
}

#[test]
fn help_texts_open_on_request() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    assert!(!shows(&h, "Was ist passiert?"));
    click(&mut h, "Hilfe: Sachverhalt");
    assert!(shows(&h, "Was ist passiert?"));
}

#[test]
fn submit_stays_blocked_with_its_reasons_until_the_case_is_valid() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    assert!(is_disabled(&h, "Einreichen"));
    assert!(shows(&h, "Noch nicht abgebbar:"));
    assert!(shows(&h, "• Anzahl: Bitte ausfüllen"));
    assert!(shows(&h, "• Fotos: Mindestens 1 Foto nötig"));

    type_into(&mut h, "Anzahl", "2");
    click(&mut h, "Art: Sperrmüll");
    assert!(!shows(&h, "• Anzahl: Bitte ausfüllen"));
    assert!(is_disabled(&h, "Einreichen"), "the photo is still missing");

    // A photo file dropped on the form goes to its photo field.
    h.input_mut().dropped_files.push(dropped(sample_photo()));
    h.run_ok();
    let case = stored_case(dir.path());
    assert_eq!(case.photos.len(), 1);
    assert_eq!(case.photos[0].field, "photos");
    assert!(shows(&h, "0 Markierungen"));
    assert_eq!(
        h.query_all_by_label(&format!("Foto: {}", case.photos[0].id))
            .count(),
        1,
        "its thumbnail is shown"
    );

    assert!(!is_disabled(&h, "Einreichen"));
    assert!(!shows(&h, "Noch nicht abgebbar:"));
    click(&mut h, "Einreichen");
    assert_eq!(stored_case(dir.path()).status, Status::Submitted);
    assert!(shows(
        &h,
        "Der Fall wurde eingereicht und wird synchronisiert."
    ));
}

#[test]
fn a_case_reopens_with_what_was_typed() {
    let dir = enrolled_dir();
    {
        let mut h = harness(dir.path());
        new_every_kind_case(&mut h);
        type_into(&mut h, "Sachverhalt", "Reifenstapel");
        h.input_mut().dropped_files.push(dropped(sample_photo()));
        h.run_ok();
    }
    let mut h = harness(dir.path());
    click(&mut h, "Alle Feldarten – Entwurf – wartet auf Sync");
    assert_eq!(
        h.get_by_label("Sachverhalt").value().as_deref(),
        Some("Reifenstapel")
    );
    let photo = stored_case(dir.path()).photos[0].id;
    assert_eq!(
        h.query_all_by_label(&format!("Foto: {photo}")).count(),
        1,
        "the thumbnail is back"
    );
}

#[test]
fn drawings_are_saved_as_they_are_made_and_discard_restores_the_photo() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    h.input_mut().dropped_files.push(dropped(sample_photo()));
    h.run_ok();
    let photo = stored_case(dir.path()).photos[0].id;
    let drawn = |dir: &std::path::Path| stored_case(dir).photos[0].annotations.len();

    click(&mut h, &format!("Einzeichnen: {photo}"));
    click(&mut h, "Rechteck");
    let canvas = h.get_by_label("Foto-Zeichenfläche").rect();
    let at = |x, y| canvas.lerp_inside(egui::vec2(x, y));
    drag(&mut h, at(0.2, 0.2), at(0.5, 0.6));
    assert_eq!(drawn(dir.path()), 1, "saved before the editor is closed");
    click(&mut h, "Verwerfen");
    assert_eq!(
        drawn(dir.path()),
        0,
        "discard goes back to the photo as it was"
    );
    assert!(shows(&h, "0 Markierungen"));

    click(&mut h, &format!("Einzeichnen: {photo}"));
    click(&mut h, "Rechteck");
    drag(&mut h, at(0.2, 0.2), at(0.5, 0.6));
    click(&mut h, "Fertig");
    assert_eq!(drawn(dir.path()), 1);
    assert!(shows(&h, "1 Markierung"));
}

#[test]
fn a_case_the_server_refused_says_why_and_keeps_what_was_entered() {
    let dir = enrolled_dir();
    {
        let mut h = harness(dir.path());
        new_every_kind_case(&mut h);
        type_into(&mut h, "Sachverhalt", "Reifenstapel");
        h.run_ok();
    }
    let id = stored_case(dir.path()).id;
    let reason = "The answers may be changed by the case's officer while it is assigned, \
                  draft, needs_changes";
    {
        let mut store = crate::store::LocalStore::open(dir.path()).unwrap();
        let peer = store.enrollment().unwrap().unwrap().peer();
        let refused = sync_protocol::DocRejection {
            doc: id,
            reason: sync_protocol::RejectReason::Refused,
            detail: reason.into(),
        };
        store.persist_round(&peer, [], &[refused]).unwrap();
    }
    let mut h = harness(dir.path());
    click(&mut h, "Alle Feldarten – Entwurf – vom Server abgelehnt");
    assert!(
        shows(&h, &format!("Vom Server abgelehnt: {reason}")),
        "the form says why"
    );
    assert!(shows(
        &h,
        "Ihre Eingaben bleiben auf diesem Tablet gespeichert."
    ));
    assert_eq!(
        h.get_by_label("Sachverhalt").value().as_deref(),
        Some("Reifenstapel")
    );
}

#[test]
fn typed_text_that_is_no_answer_says_why_in_the_officers_words() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    type_into(&mut h, "Tag", "30.02.2026");
    assert!(shows(&h, "Diesen Tag gibt es nicht"));
    type_into(&mut h, "Menge", "1.500");
    assert!(shows(
        &h,
        "Bitte ohne Tausenderpunkte und mit Dezimalkomma eingeben, z. B. 1500 oder 1,5"
    ));
    let case = stored_case(dir.path());
    assert!(!case.fields.contains_key("day") && !case.fields.contains_key("volume"));
}

/// A citizens' service as the server sends it with the tenant's templates.
const SERVICE: &str = r#"{"id":"maengel","version":1,"category":"street","audience":"citizen",
  "service":{"keywords":{"de":["Müll"]},
    "office":{"name":{"de":"Ordnungsamt","en":"Office"},"email":"oa@example.org"}},
  "title":{"de":"Mängelmeldung","en":"Problem report"},
  "sections":[{"key":"s","title":{"de":"Ihr Anliegen","en":"Your request"},"fields":[
    {"key":"what","type":"long_text","label":{"de":"Was ist das Problem?","en":"What is wrong?"}}]}]}"#;

#[test]
fn a_citizens_request_is_shown_above_the_form_and_services_start_no_case() {
    let dir = enrolled_dir();
    {
        let mut store = crate::store::LocalStore::open(dir.path()).unwrap();
        let service = store.put_template(SERVICE).unwrap();
        let inspection = store.template("every-kind", None).unwrap();
        let mut case = schema::InspectionCase::new_request(
            &service,
            &inspection,
            "stadt",
            "buergerin",
            schema::CitizenRequest {
                service: service.reference(),
                number: "STA-2026-000001".into(),
                channel: "portal".into(),
                answers: [(
                    "what".to_string(),
                    FieldValue::LongText("Sofa am Waldweg".into()),
                )]
                .into(),
            },
            0,
        );
        case.status = Status::Assigned;
        case.assigned_officer = Some("a.abel".into());
        let author = schema::ChangeAuthor {
            user: "buergerin".into(),
            device: None,
        };
        store
            .insert_case(&mut schema::CaseDocument::create(&case, &author).unwrap())
            .unwrap();
    }
    let mut h = harness(dir.path());
    click(&mut h, "Mir zugewiesen");
    h.get_by_label_contains("STA-2026-000001").click();
    h.run_ok();
    assert!(shows(&h, "Bürgeranliegen STA-2026-000001"));
    assert!(shows(&h, "Was ist das Problem?"), "labelled by the service");
    assert!(shows(&h, "Sofa am Waldweg"));
    assert!(
        shows(&h, "Kontrollkraft"),
        "the officer's own form below it"
    );
    // The picker offers officers' templates only.
    click(&mut h, "Zurück");
    click(&mut h, "Neuer Fall");
    assert!(shows(&h, "Alle Feldarten"));
    assert!(!shows(&h, "Mängelmeldung"));
}

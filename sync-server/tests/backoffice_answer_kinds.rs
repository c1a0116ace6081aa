//! Back office: editing the answer kinds that take more than one line of text — dates,
//! times, date-times (typed in German time), multiple choices, postal addresses and GPS
//! points — as Automerge changes by the staff user that reach the officer's tablet.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use automerge::AutoCommit;
use chrono::{NaiveDate, NaiveTime};
use common::browser::Browser;
use common::{Tablet, TestServer};
use reqwest::StatusCode;
use schema::{CaseId, ChangeAuthor, FieldValue, GpsPoint, PostalAddress, Status, Template};
use sync_server::store::{cases, documents};

const KINDS_TEMPLATE: &str = r#"{"id":"bo-kinds","version":1,"category":"waste",
  "title":{"de":"Antwortarten","en":"Answer kinds"},
  "sections":[{"key":"s1","title":{"de":"Angaben","en":"Details"},"fields":[
    {"key":"day","type":"date","label":{"de":"Tag","en":"Day"}},
    {"key":"clock","type":"time","label":{"de":"Uhrzeit","en":"Time"}},
    {"key":"seen","type":"date_time","label":{"de":"Festgestellt","en":"Found"}},
    {"key":"waste","type":"multiple_choice","label":{"de":"Abfallarten","en":"Kinds of waste"},
     "max_selected":2,"options":[
      {"value":"bulky","label":{"de":"Sperrmüll","en":"Bulky waste"}},
      {"value":"household","label":{"de":"Hausmüll","en":"Household waste"}},
      {"value":"tyres","label":{"de":"Altreifen","en":"Tyres"}}]},
    {"key":"where","type":"postal_address","label":{"de":"Anschrift","en":"Address"}},
    {"key":"spot","type":"gps_point","label":{"de":"Standort","en":"Position"}}]}]}"#;

async fn install_kinds_template(server: &TestServer) {
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        let row = sync_server::services::templates::row("bo-kinds", KINDS_TEMPLATE, None).unwrap();
        store
            .write(|tx| sync_server::store::templates::put(tx, &row))
            .unwrap();
    })
    .await
    .unwrap();
}

/// A submitted case of the kinds template, with `waste` = {bulky}, synced.
async fn kinds_case(tablet: &mut Tablet) -> CaseId {
    let id = tablet.create_with(|case| {
        case.template = Template::from_json(KINDS_TEMPLATE).unwrap().reference();
        case.fields.clear();
        case.status = Status::Submitted;
        case.fields.insert(
            "waste".into(),
            FieldValue::Choices(["bulky".to_string()].into()),
        );
    });
    assert!(tablet.sync().await.is_empty());
    id
}

async fn heads(server: &TestServer, id: CaseId) -> String {
    let store = server.store();
    tokio::task::spawn_blocking(move || store.read(|tx| cases::row(tx, id)).unwrap().unwrap().heads)
        .await
        .unwrap()
}

async fn last_author(server: &TestServer, id: CaseId) -> ChangeAuthor {
    let store = server.store();
    let bytes = tokio::task::spawn_blocking(move || {
        store
            .read(|tx| documents::document(tx, id))
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    let mut doc = AutoCommit::load(&bytes).unwrap();
    let changes = doc.get_changes(&[]);
    ChangeAuthor::from_message(changes.last().unwrap().message().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_choices_addresses_and_positions_are_edited_as_changes_that_reach_the_tablet() {
    let server = TestServer::start().await;
    install_kinds_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = kinds_case(&mut tablet).await;

    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let page = browser.case_page(id).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    for needle in [
        r#"id="edit-day" name="value" type="date""#,
        r#"id="edit-clock" name="value" type="time""#,
        r#"id="edit-seen" name="value" type="datetime-local""#,
        r#"name="choice" value="bulky" checked"#,
        r#"name="choice" value="household">"#,
        r#"id="edit-where-postal_code" name="postal_code""#,
        r#"id="edit-spot-lat" name="lat""#,
    ] {
        assert!(page.body.contains(needle), "no `{needle}` on the case page");
    }

    let path = |key: &str| format!("/backoffice/cases/{id}/fields/{key}");
    let forms: [(&str, Vec<(&str, &str)>); 6] = [
        ("day", vec![("value", "2026-11-20")]),
        ("clock", vec![("value", "07:45")]),
        // Summer time: 09:30 in Berlin is 07:30 UTC.
        ("seen", vec![("value", "2026-07-15T09:30")]),
        ("waste", vec![("choice", "household"), ("choice", "tyres")]),
        (
            "where",
            vec![
                ("street", "Lindenstraße"),
                ("house_number", "4"),
                ("postal_code", "10969"),
                ("city", "Berlin"),
            ],
        ),
        (
            "spot",
            vec![("lat", "52,5003"), ("lon", "13.3911"), ("accuracy_m", "5")],
        ),
    ];
    for (key, fields) in &forms {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let done = browser.post(&path(key), &form).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{key}: {}", done.body);
    }
    assert_eq!(
        last_author(&server, id).await,
        ChangeAuthor {
            user: "coordinator".into(),
            device: None
        }
    );

    // Answers that do not fit are refused and write nothing.
    let before = heads(&server, id).await;
    let refused: [(&str, Vec<(&str, &str)>); 7] = [
        // A day that does not exist (30 days hath November).
        ("day", vec![("value", "31.11.2026")]),
        ("clock", vec![("value", "7 Uhr")]),
        // The hour the clocks skip in spring.
        ("seen", vec![("value", "2026-03-29T02:30")]),
        ("waste", vec![("choice", "asbestos")]),
        (
            "waste",
            vec![
                ("choice", "bulky"),
                ("choice", "household"),
                ("choice", "tyres"),
            ],
        ),
        (
            "where",
            vec![("street", "Lindenstraße"), ("postal_code", "1096")],
        ),
        ("spot", vec![("lat", "52.5")]),
    ];
    for (key, fields) in &refused {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let page = browser.post(&path(key), &form).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key}: {fields:?}"
        );
        for (name, typed) in fields {
            let shown = format!("value=\"{typed}\"");
            let kept = if *name == "choice" {
                // A ticked box stays ticked; an option the field does not have has no box.
                !page.body.contains(&shown) || page.body.contains(&format!("{shown} checked"))
            } else {
                page.body.contains(&shown)
            };
            assert!(kept, "{key}: what was typed in `{name}` is kept: {typed}");
        }
    }
    assert_eq!(heads(&server, id).await, before, "nothing written");

    // The tablet gets every answer at its next sync.
    assert!(tablet.sync().await.is_empty());
    let case = tablet.case(id);
    assert_eq!(
        case.fields["day"],
        FieldValue::Date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
    );
    assert_eq!(
        case.fields["clock"],
        FieldValue::Time(NaiveTime::from_hms_opt(7, 45, 0).unwrap())
    );
    match &case.fields["seen"] {
        FieldValue::DateTime(at) => {
            assert_eq!(at.to_rfc3339(), "2026-07-15T09:30:00+02:00");
            assert_eq!(at.naive_utc().to_string(), "2026-07-15 07:30:00");
        }
        other => panic!("not a date-time: {other:?}"),
    }
    assert_eq!(
        case.fields["waste"],
        FieldValue::Choices(["household".to_string(), "tyres".to_string()].into())
    );
    assert_eq!(
        case.fields["where"],
        FieldValue::Address(PostalAddress {
            street: "Lindenstraße".into(),
            house_number: "4".into(),
            postal_code: "10969".into(),
            city: "Berlin".into(),
        })
    );
    assert_eq!(
        case.fields["spot"],
        FieldValue::Gps(GpsPoint {
            lat: 52.5003,
            lon: 13.3911,
            accuracy_m: Some(5.0),
        })
    );

    // The page shows the answers in its inputs, the date-time in German time.
    let page = browser.case_page(id).await;
    for needle in [
        r#"type="date" value="2026-11-20""#,
        r#"type="time" value="07:45""#,
        r#"type="datetime-local" value="2026-07-15T09:30""#,
        r#"name="choice" value="tyres" checked"#,
        r#"name="postal_code" value="10969""#,
        // German page, German decimal comma.
        r#"name="lat" value="52,5003""#,
    ] {
        assert!(page.body.contains(needle), "no `{needle}` on the case page");
    }

    // Ticking nothing and emptying every part clears the answers.
    for key in ["waste", "where", "spot"] {
        let done = browser.post(&path(key), &[("csrf", &csrf)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{key}");
    }
    let case = server.case(id).await.unwrap();
    for key in ["waste", "where", "spot"] {
        assert!(!case.fields.contains_key(key), "{key} still answered");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_say_what_is_wrong_in_the_pages_language() {
    let server = TestServer::start().await;
    install_kinds_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = kinds_case(&mut tablet).await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let csrf = browser.case_page(id).await.csrf();
    let path = format!("/backoffice/cases/{id}/fields/day");

    let form = [("csrf", csrf.as_str()), ("value", "30.02.2026")];
    let german = browser.post(&path, &form).await;
    assert_eq!(german.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        german
            .body
            .contains("Ungültige Angabe bei „Tag“: Diesen Tag gibt es nicht"),
        "{}",
        german.body
    );
    let english = browser.post(&format!("{path}?lang=en"), &form).await;
    assert_eq!(english.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        english
            .body
            .contains("Invalid answer to “Day”: There is no such day"),
        "{}",
        english.body
    );
    // The page comes back with the summary first, linking to the field, whose form is open
    // and still holds what was typed.
    assert!(
        english.body.contains("The answer was not saved"),
        "{}",
        english.body
    );
    assert!(
        english.body.contains(r##"<a href="#edit-day">"##)
            && english
                .body
                .contains(r#"id="edit-day" name="value" type="date" value="30.02.2026""#),
        "{}",
        english.body
    );

    // The same text is the same answer as on the tablet: a German date, a decimal comma.
    let form = [("csrf", csrf.as_str()), ("value", "20.11.2026")];
    let done = browser.post(&path, &form).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let spot = format!("/backoffice/cases/{id}/fields/spot");
    let form = [("csrf", csrf.as_str()), ("lat", "52,5"), ("lon", "13,4")];
    let done = browser.post(&spot, &form).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let case = server.case(id).await.unwrap();
    assert_eq!(
        case.fields["day"],
        FieldValue::Date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
    );
    assert_eq!(
        case.fields["spot"],
        FieldValue::Gps(GpsPoint {
            lat: 52.5,
            lon: 13.4,
            accuracy_m: None,
        })
    );
}

//! Back office: actions are Automerge changes by the staff user that merge with the officers'
//! offline edits and reach their tablets; the history and the audit log record them.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use automerge::AutoCommit;
use common::browser::{Browser, install_template, synced_case};
use common::{Tablet, TestServer};
use reqwest::StatusCode;
use schema::{CaseId, ChangeAuthor, FieldValue, Status};
use sync_server::store::{cases, documents};

async fn heads(server: &TestServer, id: CaseId) -> String {
    let store = server.store();
    let row =
        tokio::task::spawn_blocking(move || store.read(|tx| cases::row(tx, id)).unwrap().unwrap())
            .await
            .unwrap();
    row.heads
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

/// A submitted case of officer1 with `count` 3 and `note` "Anfang", synced.
async fn submitted_case(tablet: &mut Tablet) -> CaseId {
    case_in(tablet, Status::Submitted).await
}

/// A case of officer1 in `status` with `count` 3 and `note` "Anfang", synced.
async fn case_in(tablet: &mut Tablet, status: Status) -> CaseId {
    synced_case(tablet, |c| {
        c.title = "Sperrmüll".into();
        c.status = status;
        c.fields.insert("count".into(), FieldValue::Integer(3));
        c.fields
            .insert("note".into(), FieldValue::LongText("Anfang".into()));
    })
    .await
}

/// Sends the case page's form for one answer, as the back office's "change value" does.
async fn set_field(
    browser: &mut Browser,
    id: CaseId,
    csrf: &str,
    key: &str,
    value: &str,
) -> common::browser::Page {
    browser
        .post(
            &format!("/backoffice/cases/{id}/fields/{key}"),
            &[("csrf", csrf), ("value", value)],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_edit_is_a_change_by_the_user_and_merges_with_an_offline_tablet_edit() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    // A draft: the officer may still work on it (`schema::write_rules`).
    let id = case_in(&mut tablet, Status::Draft).await;

    // The officer edits offline...
    tablet.edit(id, |c| {
        c.fields
            .insert("short".into(), FieldValue::Text("vom Tablet".into()));
        if let Some(FieldValue::LongText(text)) = c.fields.get_mut("note") {
            text.push_str(" (Tablet)");
        }
    });
    // ...while the coordinator edits in the back office.
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let page = browser.case_page(id).await;
    let csrf = page.csrf();
    assert!(
        page.body
            .contains(&format!("action=\"/backoffice/cases/{id}/fields/count\""))
    );
    let done = browser
        .post(
            &format!("/backoffice/cases/{id}/fields/count"),
            &[("csrf", &csrf), ("value", "7")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.unwrap(), format!("/backoffice/cases/{id}"));
    assert_eq!(
        last_author(&server, id).await,
        ChangeAuthor {
            user: "coordinator".into(),
            device: None
        }
    );
    let done = browser
        .post(
            &format!("/backoffice/cases/{id}/fields/note"),
            &[("csrf", &csrf), ("value", "Büro: Anfang")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    for (key, value) in [("danger", "no"), ("kind", "household"), ("short", "")] {
        let done = set_field(&mut browser, id, &csrf, key, value).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{key}: {}", done.body);
    }
    // Values that do not fit the field are refused and change nothing: the case page comes
    // back with what was typed in the field's input and the reason, linked from a summary.
    let before = heads(&server, id).await;
    for (key, value) in [("count", "1000"), ("count", "viele")] {
        let refused = set_field(&mut browser, id, &csrf, key, value).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key}={value}"
        );
        assert!(
            refused.body.contains(&format!(
                "id=\"edit-{key}\" name=\"value\" type=\"number\" step=\"1\" value=\"{value}\""
            )),
            "{key}={value}: the typed text is kept: {}",
            refused.body
        );
        assert!(
            refused.body.contains(&format!("<a href=\"#edit-{key}\">")),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("<details class=\"edit\" open>"),
            "{}",
            refused.body
        );
    }
    let refused = set_field(&mut browser, id, &csrf, "kind", "toxic").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Fields the back office does not edit get an error page.
    for (key, value) in [("pictures", "x"), ("nope", "1")] {
        let refused = set_field(&mut browser, id, &csrf, key, value).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{key}={value}");
        assert!(
            refused.content_type.starts_with("text/html"),
            "an HTML error page"
        );
    }
    assert_eq!(heads(&server, id).await, before);

    // Both sides converge on both edits.
    assert!(tablet.sync().await.is_empty());
    let merged = tablet.case(id);
    assert_eq!(merged.fields["count"], FieldValue::Integer(7));
    assert_eq!(merged.fields["danger"], FieldValue::YesNo(false));
    assert_eq!(
        merged.fields["kind"],
        FieldValue::Choice("household".into())
    );
    assert_eq!(
        merged.fields["note"],
        FieldValue::LongText("Büro: Anfang (Tablet)".into()),
        "long text merges character by character"
    );
    // Clearing `short` in the office happened before the tablet's answer arrived, so it
    // removed nothing and the tablet's answer survives.
    assert_eq!(
        merged.fields["short"],
        FieldValue::Text("vom Tablet".into())
    );
    let server_case = server.case(id).await.unwrap();
    assert_eq!(server_case.fields, merged.fields);
    let page = browser.case_page(id).await;
    assert!(page.body.contains("Büro: Anfang (Tablet)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn needs_changes_requires_a_comment_that_reaches_the_tablet_with_the_status() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = submitted_case(&mut tablet).await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let page = browser.case_page(id).await;
    let csrf = page.csrf();
    assert!(
        page.body.contains("value=\"in_review\""),
        "the role's transitions are offered"
    );
    assert!(
        !page.body.contains("value=\"approved\""),
        "not from `submitted`"
    );
    let status = format!("/backoffice/cases/{id}/status");
    let done = browser
        .post(&status, &[("csrf", &csrf), ("to", "in_review")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let before = heads(&server, id).await;
    let refused = browser
        .post(
            &status,
            &[("csrf", &csrf), ("to", "needs_changes"), ("comment", "  ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .body
            .contains("braucht die Außendienstkraft einen Kommentar")
    );
    assert_eq!(heads(&server, id).await, before, "nothing written");
    // A transition the workflow does not allow from here is refused inside the write.
    let refused = browser
        .post(&status, &[("csrf", &csrf), ("to", "closed")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(heads(&server, id).await, before, "nothing written");

    let done = browser
        .post(
            &status,
            &[
                ("csrf", &csrf),
                ("to", "needs_changes"),
                ("comment", "Bitte Foto der Säcke nachreichen."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = browser.case_page(id).await;
    assert!(page.body.contains("Änderungen nötig"));
    assert!(page.body.contains("Bitte Foto der Säcke nachreichen."));

    assert!(tablet.sync().await.is_empty());
    let on_tablet = tablet.case(id);
    assert_eq!(on_tablet.status, Status::NeedsChanges);
    let comment = on_tablet.comments.last().unwrap();
    assert_eq!(comment.text, "Bitte Foto der Säcke nachreichen.");
    assert_eq!(comment.written.by, "coordinator");
    assert!(!comment.internal, "the officer sees it");

    // An internal remark is marked as such.
    let done = browser
        .post(
            &format!("/backoffice/cases/{id}/comments"),
            &[
                ("csrf", &csrf),
                ("text", "Halter ist bekannt"),
                ("internal", "on"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let empty = browser
        .post(
            &format!("/backoffice/cases/{id}/comments"),
            &[("csrf", &csrf), ("text", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    // It is kept by the server, never in the document the tablets sync.
    let case = server.case(id).await.unwrap();
    assert!(
        !case.comments.iter().any(|c| c.text == "Halter ist bekannt"),
        "{:?}",
        case.comments
    );
    let store = server.store();
    let kept = tokio::task::spawn_blocking(move || {
        store
            .read(|tx| sync_server::store::internal_comments::of_case(tx, id))
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].text.as_str(),
            kept[0].written.by.as_str(),
            kept[0].internal
        ),
        ("Halter ist bekannt", "coordinator", true)
    );
    assert!(tablet.sync().await.is_empty());
    assert!(
        !tablet
            .case(id)
            .comments
            .iter()
            .any(|c| c.internal || c.text == "Halter ist bekannt"),
        "the tablet never receives it"
    );
    let page = browser.case_page(id).await;
    assert!(page.body.contains("class=\"internal\""));
    assert!(page.body.contains("Halter ist bekannt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assigned_case_is_offered_to_the_new_officers_tablet() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = submitted_case(&mut tablet).await;
    let mut other = server.tablet("officer2").await;
    other.sync().await;
    assert!(other.docs.is_empty(), "not officer2's case yet");

    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let page = browser.case_page(id).await;
    let csrf = page.csrf();
    assert!(page.body.contains("<option value=\"officer2\""));
    assert!(
        !page.body.contains("<option value=\"viewer\""),
        "only officers"
    );
    let assign = format!("/backoffice/cases/{id}/assign");
    for wrong in ["b.officer", "viewer", "niemand"] {
        let refused = browser
            .post(&assign, &[("csrf", &csrf), ("officer", wrong)])
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{wrong}");
    }
    let done = browser
        .post(&assign, &[("csrf", &csrf), ("officer", "officer2")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(
        browser
            .case_page(id)
            .await
            .body
            .contains("<dd id=\"assignee\">officer2</dd>")
    );

    assert!(other.sync().await.is_empty());
    assert_eq!(other.case(id).assigned_officer.as_deref(), Some("officer2"));
    assert_eq!(other.case(id).title, "Sperrmüll");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_shows_who_changed_which_field_from_what_to_what_and_where() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = case_in(&mut tablet, Status::Draft).await;
    tablet.edit(id, |c| {
        c.fields.insert("danger".into(), FieldValue::YesNo(true));
    });
    assert!(tablet.sync().await.is_empty());
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let csrf = browser.csrf().await;
    browser
        .post(
            &format!("/backoffice/cases/{id}/fields/count"),
            &[("csrf", &csrf), ("value", "7")],
        )
        .await;

    let history = browser
        .get(&format!("/backoffice/cases/{id}/history"))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let body = &history.body;
    assert!(body.contains("<th scope=\"col\">Wer</th>"));
    let staff = body.find("<td>coordinator</td>").unwrap();
    let tablet_row = body
        .find(&format!("Gerät {}", tablet.enrolled.device_id))
        .unwrap();
    assert!(staff < tablet_row, "newest first");
    assert!(body.contains("<td>Back Office</td>"));
    assert!(
        body.contains("<strong>Anzahl Säcke</strong>: <del aria-label=\"Vorher\">3</del> → <ins aria-label=\"Nachher\">7</ins>"),
        "{body}"
    );
    assert!(body.contains("<strong>Gefahrstoffe</strong>: <del aria-label=\"Vorher\">—</del> → <ins aria-label=\"Nachher\">Ja</ins>"));
    assert!(body.contains("Fall angelegt"));
    assert!(body.contains("3 Änderungen insgesamt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_and_actions_are_in_the_append_only_audit_log() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = submitted_case(&mut tablet).await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let csrf = browser.case_page(id).await.csrf();
    let case = format!("/backoffice/cases/{id}");
    browser
        .post(
            &format!("{case}/status"),
            &[("csrf", &csrf), ("to", "in_review")],
        )
        .await;
    browser
        .post(
            &format!("{case}/fields/count"),
            &[("csrf", &csrf), ("value", "4")],
        )
        .await;
    browser
        .post(
            &format!("{case}/comments"),
            &[("csrf", &csrf), ("text", "ok")],
        )
        .await;
    browser
        .post(
            &format!("{case}/assign"),
            &[("csrf", &csrf), ("officer", "officer2")],
        )
        .await;
    browser.get(&format!("{case}/history")).await;

    let entries = server.audit("a", Some(id), 100).await;
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .rev()
        .map(|e| (e.action.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("view_case", ""),
            ("change_status", "submitted -> in_review"),
            ("edit_field", "count"),
            ("comment", "public"),
            ("assign", "officer2"),
            ("view_history", "page 1"),
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.username == "coordinator" && e.tenant == "a")
    );

    // The table refuses changes even to someone with the database at hand.
    let db = rusqlite::Connection::open(server.dir.path().join("naper.sqlite3")).unwrap();
    assert!(db.execute("UPDATE audit_log SET detail = 'x'", []).is_err());
    assert!(db.execute("DELETE FROM audit_log", []).is_err());
}

/// The back office follows the same write rules as the tablets: once a case is decided, its
/// answers stay as they were decided on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decided_case_refuses_corrections_from_the_office_too() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = submitted_case(&mut tablet).await;
    server
        .edit(id, "coordinator", |c| c.status = Status::InReview)
        .await;
    server
        .edit(id, "coordinator", |c| c.status = Status::Approved)
        .await;
    let before = heads(&server, id).await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let csrf = browser.csrf().await;
    let refused = browser
        .post(
            &format!("/backoffice/cases/{id}/fields/count"),
            &[("csrf", &csrf), ("value", "8")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("may be changed by"),
        "the page names the rule: {}",
        refused.body
    );
    assert_eq!(heads(&server, id).await, before, "nothing was written");
}

/// The history says who brought each change and when as the server recorded it, with the time
/// the tablet stated beside it; the many small changes of typing are one entry per burst,
/// and every single change can still be listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_is_stamped_by_the_server_and_groups_an_editing_burst() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = case_in(&mut tablet, Status::Draft).await;
    // Typing "Sperrmüll am Tor" into the short answer, a change per keystroke group; the
    // test tablet states a time in November 2023 for each.
    for typed in [
        "Sp",
        "Sperr",
        "Sperrmüll",
        "Sperrmüll am",
        "Sperrmüll am Tor",
    ] {
        tablet.edit(id, |c| {
            c.fields
                .insert("short".into(), FieldValue::Text(typed.into()));
        });
    }
    assert!(tablet.sync().await.is_empty());
    let mut browser = Browser::signed_in(&server, "coordinator").await;

    let grouped = browser
        .get(&format!("/backoffice/cases/{id}/history"))
        .await;
    let body = &grouped.body;
    assert!(body.contains("6 Änderungen insgesamt"), "{body}");
    assert!(
        body.contains(
            "<strong>Kurznotiz</strong>: <del aria-label=\"Vorher\">—</del> → <ins aria-label=\"Nachher\">Sperrmüll am Tor</ins>"
        ),
        "one line from before the burst to after it: {body}"
    );
    assert!(
        !body.contains("<ins aria-label=\"Nachher\">Sperr</ins>"),
        "{body}"
    );
    assert!(
        body.contains("6 Änderungen</span>"),
        "the entry says how many: {body}"
    );
    // The server's receipt, today, with the tablet's stated time beside it.
    let now = texts::time::instant_ms(chrono::Utc::now().timestamp_millis(), schema::Language::De);
    let today = now.get(..10).unwrap_or_default().to_string();
    assert!(
        body.contains(&format!("<td>{today}")),
        "received today: {body}"
    );
    assert!(body.contains("laut Gerät: 14.11.2023"), "{body}");
    assert!(body.contains(&format!("Gerät {}", tablet.enrolled.device_id)));

    let raw = browser
        .get(&format!("/backoffice/cases/{id}/history?raw=1"))
        .await;
    assert!(
        raw.body.contains(
            "<del aria-label=\"Vorher\">Sperr</del> → <ins aria-label=\"Nachher\">Sperrmüll</ins>"
        ),
        "every change on its own: {}",
        raw.body
    );
}

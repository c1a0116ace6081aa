//! Back office: an action and its audit log entry are written together. When the entry
//! cannot be written, the change is not written either and the answer is an error — never a
//! 500 after the change happened, never a change missing from the log.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, install_template, synced_case};
use reqwest::StatusCode;
use schema::{CaseId, FieldValue, Status};
use sync_server::store::cases;

async fn heads(server: &TestServer, id: CaseId) -> String {
    let store = server.store();
    tokio::task::spawn_blocking(move || store.read(|tx| cases::row(tx, id)).unwrap().unwrap().heads)
        .await
        .unwrap()
}

async fn audit_actions(server: &TestServer, id: CaseId) -> Vec<String> {
    let entries = server.audit("a", Some(id), 100).await;
    entries.into_iter().map(|e| e.action).collect()
}

/// Makes every insert into the audit log fail, as a full disk or a broken table would.
fn break_audit_log(server: &TestServer, broken: bool) {
    let db = sync_server::kernel::config::database_path(server.dir.path());
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    if broken {
        conn.execute_batch(
            "CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END;",
        )
        .unwrap();
    } else {
        conn.execute_batch("DROP TRIGGER audit_broken").unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_whose_audit_entry_fails_is_not_written() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = synced_case(&mut tablet, |c| {
        c.status = Status::Submitted;
        c.fields.insert("count".into(), FieldValue::Integer(3));
    })
    .await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let csrf = browser.case_page(id).await.csrf();
    let before = heads(&server, id).await;
    let case_before = server.case(id).await.unwrap();
    let logged_before = audit_actions(&server, id).await;

    break_audit_log(&server, true);
    let edit = format!("/backoffice/cases/{id}/fields/count");
    let status = format!("/backoffice/cases/{id}/status");
    let comments = format!("/backoffice/cases/{id}/comments");
    let assign = format!("/backoffice/cases/{id}/assign");
    for (path, form) in [
        (&edit, vec![("csrf", csrf.as_str()), ("value", "9")]),
        (&status, vec![("csrf", csrf.as_str()), ("to", "in_review")]),
        (&comments, vec![("csrf", csrf.as_str()), ("text", "Notiz")]),
        (
            &assign,
            vec![("csrf", csrf.as_str()), ("officer", "officer2")],
        ),
    ] {
        let page = browser.post(path, &form).await;
        assert_eq!(
            page.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path}: {}",
            page.body
        );
        assert_eq!(heads(&server, id).await, before, "{path}: nothing written");
    }
    let case = server.case(id).await.unwrap();
    assert_eq!(case, case_before);
    assert_eq!(case.fields["count"], FieldValue::Integer(3));
    assert_eq!(case.status, Status::Submitted);
    assert!(case.comments.is_empty());
    assert_ne!(case.assigned_officer.as_deref(), Some("officer2"));
    assert!(
        tablet.sync().await.is_empty(),
        "the tablet syncs without errors"
    );
    assert_eq!(tablet.case(id).fields["count"], FieldValue::Integer(3));

    // Once the log can be written again, the action is done and logged together.
    break_audit_log(&server, false);
    let page = browser
        .post(&edit, &[("csrf", &csrf), ("value", "9")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_ne!(heads(&server, id).await, before);
    let logged = audit_actions(&server, id).await;
    assert_eq!(logged.len(), logged_before.len() + 1, "{logged:?}");
    assert_eq!(logged[0], "edit_field", "newest first: {logged:?}");
}

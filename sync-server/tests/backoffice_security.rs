//! Back office security: every page and action signed out, as a viewer, as another tenant's
//! user, and every POST without or with a wrong CSRF token.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, install_template, synced_case};
use reqwest::StatusCode;
use schema::{CaseId, FieldValue, Status};
use sync_server::store::cases;

/// Every page of a case (and the queue).
fn pages(id: CaseId) -> Vec<String> {
    vec![
        "/backoffice/cases".into(),
        format!("/backoffice/cases/{id}"),
        format!("/backoffice/cases/{id}/history"),
    ]
}

/// Every action on a case with a form that would succeed for a coordinator.
fn actions(id: CaseId) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            format!("/backoffice/cases/{id}/status"),
            vec![("to", "in_review")],
        ),
        (
            format!("/backoffice/cases/{id}/fields/count"),
            vec![("value", "9")],
        ),
        (
            format!("/backoffice/cases/{id}/comments"),
            vec![("text", "Hallo")],
        ),
        (
            format!("/backoffice/cases/{id}/assign"),
            vec![("officer", "officer2")],
        ),
    ]
}

async fn setup() -> (TestServer, CaseId) {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let id = synced_case(&mut tablet, |c| {
        c.title = "Geheimer Fall".into();
        c.status = Status::Submitted;
        c.fields.insert("count".into(), FieldValue::Integer(3));
    })
    .await;
    (server, id)
}

async fn heads(server: &TestServer, id: CaseId) -> String {
    let store = server.store();
    tokio::task::spawn_blocking(move || store.read(|tx| cases::row(tx, id)).unwrap().unwrap().heads)
        .await
        .unwrap()
}

fn with_csrf<'a>(csrf: &'a str, form: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(form);
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_pages_redirect_to_login_and_actions_are_401() {
    let (server, id) = setup().await;
    let before = heads(&server, id).await;
    let mut browser = Browser::new(&server);
    for page in pages(id) {
        let answer = browser.get(&page).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
        let location = answer.location.unwrap();
        assert!(
            location.starts_with("/backoffice/login?next=%2Fbackoffice%2F"),
            "{location}"
        );
        assert!(!answer.body.contains("Geheimer Fall"));
    }
    let mut all_posts = actions(id);
    all_posts.push(("/backoffice/logout".into(), vec![]));
    for (path, form) in all_posts {
        let answer = browser.post(&path, &with_csrf("00", &form)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(answer.content_type.starts_with("text/html"));
    }
    // A forged or expired session cookie is no session.
    browser
        .cookies
        .insert("naper_session".into(), "ab".repeat(32));
    assert_eq!(
        browser.get(&pages(id)[1]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(heads(&server, id).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_see_everything_but_get_no_forms_and_their_posts_are_403() {
    let (server, id) = setup().await;
    let before = heads(&server, id).await;
    let mut viewer = Browser::signed_in(&server, "viewer").await;
    for page in pages(id) {
        let answer = viewer.get(&page).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        assert!(answer.body.contains("Geheimer Fall"), "{page}");
    }
    let page = viewer.case_page(id).await;
    // The only form is the logout form.
    assert_eq!(page.body.matches("<form").count(), 1, "{}", page.body);
    let csrf = page.csrf();
    for (path, form) in actions(id) {
        let answer = viewer.post(&path, &with_csrf(&csrf, &form)).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            answer.body
        );
        assert!(
            answer
                .body
                .contains("Ihre Rolle erlaubt diese Aktion nicht.")
        );
    }
    assert_eq!(heads(&server, id).await, before, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_case_is_indistinguishable_from_a_missing_one() {
    let (server, id) = setup().await;
    let before = heads(&server, id).await;
    let mut other = Browser::signed_in(&server, "b.coordinator").await;
    let queue = other.get("/backoffice/cases").await;
    assert!(!queue.body.contains("Geheimer Fall"));
    let csrf = queue.csrf();
    let missing = CaseId::new();
    for (page, absent) in pages(id).into_iter().zip(pages(missing)).skip(1) {
        let theirs = other.get(&page).await;
        let nothing = other.get(&absent).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{page}");
        assert_eq!(nothing.status, StatusCode::NOT_FOUND);
        assert_eq!(theirs.body, nothing.body, "the same answer");
        assert!(!theirs.body.contains("Geheimer Fall"));
    }
    let garbage = other.get("/backoffice/cases/not-a-uuid").await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND);
    for ((path, form), (absent, _)) in actions(id).into_iter().zip(actions(missing)) {
        let theirs = other.post(&path, &with_csrf(&csrf, &form)).await;
        let nothing = other.post(&absent, &with_csrf(&csrf, &form)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(theirs.body, nothing.body);
    }
    // Existence is checked before the role: a viewer's post to a missing case is a 404, so
    // a 403 never tells that a case exists.
    let mut viewer = Browser::signed_in(&server, "viewer").await;
    let csrf = viewer.csrf().await;
    let own = viewer
        .post(
            &format!("/backoffice/cases/{missing}/comments"),
            &[("csrf", &csrf), ("text", "x")],
        )
        .await;
    assert_eq!(own.status, StatusCode::NOT_FOUND);
    assert_eq!(heads(&server, id).await, before, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_without_or_with_a_wrong_csrf_token_is_403() {
    let (server, id) = setup().await;
    let before = heads(&server, id).await;
    let mut coordinator = Browser::signed_in(&server, "coordinator").await;
    let own = coordinator.csrf().await;
    let mut viewer = Browser::signed_in(&server, "viewer").await;
    let someone_elses = viewer.csrf().await;
    let mut all_posts = actions(id);
    all_posts.push(("/backoffice/logout".into(), vec![]));
    for (path, form) in &all_posts {
        let without = coordinator.post(path, form).await;
        assert_eq!(
            without.status,
            StatusCode::FORBIDDEN,
            "{path} without a token"
        );
        assert!(
            without
                .body
                .contains("Das Formular ist abgelaufen oder ungültig")
        );
        let wrong = coordinator
            .post(path, &with_csrf(&"0".repeat(64), form))
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::FORBIDDEN,
            "{path} with a wrong token"
        );
        let foreign = coordinator
            .post(path, &with_csrf(&someone_elses, form))
            .await;
        assert_eq!(
            foreign.status,
            StatusCode::FORBIDDEN,
            "{path} with another session's token"
        );
        let empty = coordinator.post(path, &with_csrf("", form)).await;
        assert_eq!(
            empty.status,
            StatusCode::FORBIDDEN,
            "{path} with an empty token"
        );
    }
    assert_eq!(heads(&server, id).await, before, "nothing written");
    // The session survived the refused logouts, and the right token works.
    let (path, form) = &all_posts[0];
    let ok = coordinator.post(path, &with_csrf(&own, form)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_protective_headers_and_errors_are_html_while_the_api_keeps_json() {
    let (server, _) = setup().await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let response = reqwest::Client::new()
        .get(server.url("/backoffice/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = browser.get("/backoffice/cases").await;
    assert_eq!(page.status, StatusCode::OK);
    let api = reqwest::Client::new()
        .get(server.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert!(
        api.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

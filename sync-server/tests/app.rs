//! The composed server as one router, asked in-process (`tower::ServiceExt::oneshot`)
//! without binding a port: every surface is reachable through `app`, and each answers its
//! errors its own way — JSON for the API, HTML pages and redirects for the back office.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{Method, Request, StatusCode};
use axum::response::Response;
use sync_server::kernel::config::Config;
use sync_server::{Prepared, app, prepare};
use tower::ServiceExt;

fn server() -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let Prepared { state, .. } = prepare(Config::for_tests(dir.path())).unwrap();
    (dir, app(state).unwrap())
}

async fn ask(router: &axum::Router, method: Method, uri: &str) -> Response {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    router.clone().oneshot(request).await.unwrap()
}

async fn text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn content_type(response: &Response) -> &str {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_health_check_answers_ok() {
    let (_dir, router) = server();
    let response = ask(&router, Method::GET, "/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "ok");
}

#[tokio::test]
async fn the_api_answers_its_errors_as_json() {
    let (_dir, router) = server();
    let response = ask(&router, Method::GET, "/api/v1/templates").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(content_type(&response).starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert!(
        body["message"].as_str().unwrap().contains("Bearer"),
        "{body}"
    );

    let response = ask(&router, Method::GET, "/no/such/path").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn the_back_office_answers_people_with_pages_and_the_way_to_sign_in() {
    let (_dir, router) = server();
    let response = ask(&router, Method::GET, "/backoffice/cases?status=submitted").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers().get(LOCATION).unwrap(),
        "/backoffice/login?next=%2Fbackoffice%2Fcases%3Fstatus%3Dsubmitted"
    );

    // A form post cannot come back after signing in: a page that says to sign in.
    let response = ask(&router, Method::POST, "/backoffice/logout").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(content_type(&response).starts_with("text/html"));
    let page = text(response).await;
    assert!(page.contains("<!DOCTYPE html>"), "{page}");

    let response = ask(&router, Method::GET, "/backoffice/no-such-page?lang=en").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&response).starts_with("text/html"));
    assert!(text(response).await.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn crafted_paths_are_refused_before_anything_is_looked_up() {
    let (_dir, router) = server();
    for uri in [
        "/api/v1/blobs/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/blobs/%00/upload",
        "/backoffice/cases/..%2Fnaper.sqlite3/photos/x/original",
        "/backoffice/cases/not-a-uuid/photos/..%2F..%2Fblobs/thumbnail",
        "/backoffice/cases/not-a-uuid",
    ] {
        let response = ask(&router, Method::GET, uri).await;
        assert!(
            matches!(
                response.status(),
                StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER | StatusCode::NOT_FOUND
            ),
            "{uri}: {}",
            response.status()
        );
    }
}

/// The backend is chosen by the database URL: an SQLite file wherever the URL puts it, and
/// a URL the server cannot serve is refused at start-up with what to use instead.
#[tokio::test]
async fn the_database_url_chooses_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("elsewhere").join("office.sqlite3");
    let mut config = Config::for_tests(dir.path().join("data"));
    config.database_url = Some(format!("sqlite://{}", db.display()));
    let Prepared { state, .. } = prepare(config).unwrap();
    assert!(db.is_file(), "the database is where the URL says");
    assert!(
        !dir.path().join("data").join("naper.sqlite3").exists(),
        "and not in the data directory"
    );
    let response = ask(&app(state).unwrap(), Method::GET, "/health").await;
    assert_eq!(response.status(), StatusCode::OK);

    let mut config = Config::for_tests(dir.path().join("data"));
    config.database_url = Some("postgres://naper@localhost/naper".into());
    let err = prepare(config).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("PostgreSQL is not supported yet"), "{err}");
}

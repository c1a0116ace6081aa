//! Enrollment: repeated wrong passwords lock the user name out at that address for a while,
//! answered 429 with a JSON `ErrorBody` and `Retry-After`, without checking the password.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::{PASSWORD, TestServer, error_body};
use reqwest::StatusCode;
use sync_protocol::http::{ENROLL, EnrollRequest};

async fn enroll(server: &TestServer, username: &str, password: &str) -> reqwest::Response {
    enroll_via(server, username, password, None).await
}

/// Enrolls with `X-Forwarded-For: forwarded_for`, as a reverse proxy would send it.
async fn enroll_via(
    server: &TestServer,
    username: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut request = server.http.post(server.url(ENROLL));
    if let Some(client) = forwarded_for {
        request = request.header("x-forwarded-for", client);
    }
    request
        .json(&EnrollRequest {
            username: username.into(),
            password: password.into(),
            device_name: "Tablet".into(),
        })
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_enrollment_out_even_for_the_right_one() {
    let server = TestServer::start().await;
    for attempt in 1..=5 {
        let (status, body) = error_body(enroll(&server, "officer1", "falsch").await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(body.error, "unauthorized");
    }
    // Locked: the right password is not even checked, and a wrong one gets the same answer.
    for (name, password) in [("officer1", PASSWORD), (" Officer1", "falsch")] {
        let response = enroll(&server, name, password).await;
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=301).contains(&retry_after), "{retry_after}");
        let (status, body) = error_body(response).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body.error, "too_many_attempts");
        assert!(body.message.contains("try again in"), "{}", body.message);
    }
    // Other users at the same address are not locked out; nor is the back office.
    server.enroll("officer2").await;
    let mut browser = common::browser::Browser::new(&server);
    let page = browser.login("coordinator", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_enrollment_forgets_earlier_failures() {
    let server = TestServer::start().await;
    for _ in 0..4 {
        let response = enroll(&server, "officer1", "falsch").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    server.enroll("officer1").await;
    for _ in 0..4 {
        let response = enroll(&server, "officer1", "falsch").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "counted anew");
    }
    server.enroll("officer1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_address_counts_on_its_own() {
    // The test client connects from 127.0.0.1, which plays the reverse proxy here.
    let server = TestServer::start_with(|config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for _ in 0..5 {
        let response = enroll_via(&server, "officer1", "falsch", Some("203.0.113.7")).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = enroll_via(&server, "officer1", PASSWORD, Some("203.0.113.7")).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not locked out by the first one's failures.
    let other = enroll_via(&server, "officer1", PASSWORD, Some("203.0.113.8")).await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_for_header_from_an_untrusted_peer_is_ignored() {
    let server = TestServer::start().await;
    for i in 0..5 {
        // A client that writes a new address into the header each time gains nothing.
        let forged = format!("198.51.100.{i}");
        let response = enroll_via(&server, "officer1", "falsch", Some(&forged)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = enroll_via(&server, "officer1", PASSWORD, Some("198.51.100.99")).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

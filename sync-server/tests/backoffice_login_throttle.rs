//! Back office: repeated failed sign-ins lock the user name out at that address for a while,
//! with a clear message, without telling whether the password was right.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::browser::Browser;
use common::{PASSWORD, TestServer};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_the_name_out_even_for_the_right_one() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(&server);
    for attempt in 1..=5 {
        let page = browser.login("coordinator", "falsch").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(page.body.contains("Benutzername oder Passwort ist falsch."));
    }
    // Locked: the right password is not even checked.
    let page = browser.login("coordinator", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.body.contains("Zu viele fehlgeschlagene Anmeldungen"),
        "{}",
        page.body
    );
    assert!(
        !page
            .set_cookies
            .iter()
            .any(|c| c.starts_with("naper_session=")),
        "no session while locked out"
    );
    // A wrong password gets the same answer as the right one while locked.
    let page = browser.login("Coordinator ", "falsch").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);

    // Colleagues at the same address are not locked out.
    let page = Browser::new(&server).login("viewer", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_sign_in_forgets_earlier_failures() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(&server);
    for _ in 0..4 {
        let page = browser.login("coordinator", "falsch").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let page = browser.login("coordinator", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    for _ in 0..4 {
        let page = Browser::new(&server).login("coordinator", "falsch").await;
        assert_eq!(
            page.status,
            StatusCode::UNAUTHORIZED,
            "the count started again"
        );
    }
    let page = Browser::new(&server).login("coordinator", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

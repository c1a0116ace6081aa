//! Back office: login, sessions, cookies, logout, language.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::Browser;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_with_a_strict_http_only_session_cookie_and_sign_out() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(&server);

    // The login page is German by default, with labelled fields.
    let form = browser.get("/backoffice/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<html lang=\"de\">"), "{}", form.body);
    assert!(
        form.body
            .contains("<label for=\"username\">Benutzername</label>")
    );
    assert!(form.content_type.starts_with("text/html"));

    let done = browser.login("coordinator", common::PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location.as_deref(), Some("/backoffice/cases"));
    let cookie = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("naper_session="))
        .unwrap();
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("naper_session=");
    assert_eq!(id.len(), 64, "256 random bits in hex");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/backoffice"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http tests run without Secure: {cookie}"
    );
    // Only the hash of the id is stored.
    let db = rusqlite::Connection::open(server.dir.path().join("naper.sqlite3")).unwrap();
    let stored: String = db
        .query_row("SELECT id_hash FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_ne!(stored, id);
    assert_eq!(stored, sync_server::identity::auth::token_hash(id));

    let queue = browser.get("/backoffice/cases").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Name of coordinator"));

    // Logout needs the token, ends the session in the database and deletes the cookie.
    let old_cookies = browser.cookies.clone();
    let csrf = queue.csrf();
    let out = browser.post("/backoffice/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    assert!(
        out.set_cookies
            .iter()
            .any(|c| c.starts_with("naper_session=;") && c.contains("Max-Age=0"))
    );
    let again = browser.get("/backoffice/cases").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    // The old cookie, replayed, is dead too.
    browser.cookies = old_cookies;
    let replay = browser.get("/backoffice/cases").await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
    assert!(
        replay
            .location
            .unwrap()
            .starts_with("/backoffice/login?next=")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_officers_and_forged_login_forms_are_refused() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(&server);
    let wrong = browser.login("coordinator", "falsch-falsch").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("Benutzername oder Passwort ist falsch.")
    );
    let nobody = browser.login("nobody", "falsch-falsch").await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong
            .body
            .replace("coordinator", "X")
            .split("name=\"csrf\"")
            .next(),
        nobody
            .body
            .replace("nobody", "X")
            .split("name=\"csrf\"")
            .next(),
        "an unknown user looks like a wrong password"
    );
    let officer = browser.login("officer1", common::PASSWORD).await;
    assert_eq!(officer.status, StatusCode::FORBIDDEN);
    assert!(
        !officer
            .set_cookies
            .iter()
            .any(|c| c.starts_with("naper_session="))
    );

    // The login form's token must match its cookie.
    let mut forger = Browser::new(&server);
    let without = forger
        .post(
            "/backoffice/login",
            &[("username", "coordinator"), ("password", common::PASSWORD)],
        )
        .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    forger.get("/backoffice/login").await;
    let mismatched = forger
        .post(
            "/backoffice/login",
            &[
                ("csrf", "00".repeat(32).as_str()),
                ("username", "coordinator"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(mismatched.status, StatusCode::FORBIDDEN);
    assert!(
        !mismatched
            .set_cookies
            .iter()
            .any(|c| c.starts_with("naper_session="))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_behind_https_and_logins_return_only_to_the_back_office() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(&server);
    let form = browser
        .get("/backoffice/login?next=/backoffice/cases%3Fstatus%3Ddraft")
        .await;
    let csrf = form.csrf();
    assert!(
        form.body
            .contains("value=\"/backoffice/cases?status=draft\""),
        "{}",
        form.body
    );
    let done = browser
        .post_with(
            "/backoffice/login",
            &[
                ("csrf", &csrf),
                ("username", "coordinator"),
                ("password", common::PASSWORD),
                ("next", "https://evil.example/"),
            ],
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert_eq!(done.location.as_deref(), Some("/backoffice/cases"));
    let cookie = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("naper_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_chosen_with_lang_and_remembered() {
    let server = TestServer::start().await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let english = browser.get("/backoffice/cases?lang=en").await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.body.contains("Review queue"));
    assert!(
        english
            .set_cookies
            .iter()
            .any(|c| c.starts_with("naper_lang=en"))
    );
    let next = browser.get("/backoffice/cases").await;
    assert!(
        next.body.contains("Review queue"),
        "the cookie keeps English"
    );
    let german = browser.get("/backoffice/cases?lang=de").await;
    assert!(german.body.contains("Prüfliste"));
}

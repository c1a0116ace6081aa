//! Back office: a session ends after 30 minutes without a request, before its absolute
//! lifetime; requests keep it alive, but never past that lifetime. The store takes the time
//! as an argument, so the rules are checked at chosen moments without waiting.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::Browser;
use reqwest::StatusCode;
use sync_server::identity::auth::token_hash;
use sync_server::store::{NewSession, sessions};

const MINUTE: i64 = 60_000;
const IDLE: i64 = 30 * MINUTE;
const TTL: i64 = 8 * 60 * MINUTE;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_when_idle_and_at_their_lifetime_whatever_the_activity() {
    let server = TestServer::start().await;
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        let t0 = 1_800_000_000_000;
        let alive = |at: i64| {
            store
                .read(|tx| sessions::find(tx, "h", at))
                .unwrap()
                .is_some()
        };
        let extend = |at: i64| {
            store
                .write(|tx| sessions::extend(tx, "h", at, IDLE, TTL))
                .unwrap();
        };
        store
            .write(|tx| {
                sessions::create(
                    tx,
                    &NewSession {
                        id_hash: "h".into(),
                        username: "coordinator".into(),
                        csrf_token: "c".into(),
                        created_at: t0,
                        expires_at: t0 + IDLE,
                    },
                )
            })
            .unwrap();
        assert!(alive(t0 + IDLE - 1));
        assert!(!alive(t0 + IDLE), "idle for 30 minutes");

        // A request after 20 minutes keeps it for another 30.
        extend(t0 + 20 * MINUTE);
        assert!(alive(t0 + 49 * MINUTE));
        assert!(!alive(t0 + 50 * MINUTE));

        // Requests every 20 minutes for hours: it still ends at the lifetime.
        let mut at = t0 + 40 * MINUTE;
        while at < t0 + TTL {
            extend(at);
            at += 20 * MINUTE;
        }
        assert!(alive(t0 + TTL - 1));
        assert!(!alive(t0 + TTL), "the absolute lifetime");

        // An ended session is not revived by a late request.
        extend(t0 + TTL + MINUTE);
        assert!(!alive(t0 + TTL + MINUTE));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_session_first_expires_after_the_idle_time() {
    let server = TestServer::start().await;
    let browser = Browser::signed_in(&server, "coordinator").await;
    let hash = token_hash(&browser.cookies["naper_session"]);
    let store = server.store();
    let row = tokio::task::spawn_blocking(move || {
        store
            .read(|tx| sessions::find(tx, &hash, sync_server::store::now_ms()))
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    let left = row.expires_at - sync_server::store::now_ms();
    assert!(
        left <= IDLE && left > IDLE - 5 * MINUTE,
        "{left} ms left, not the idle time"
    );
    // The cookie itself lives as long as the absolute lifetime allows.
    let mut browser = browser;
    assert_eq!(
        browser.get("/backoffice/cases").await.status,
        StatusCode::OK
    );
}

//! What survives: compaction keeps documents identical, a restart on the same data directory
//! keeps everything, and the real binary's demo seeding and admin CLI work across processes.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use common::{Tablet, TestServer};
use reqwest::StatusCode;
use schema::{CaseDocument, FieldValue};
use sync_protocol::http::{ENROLL, EnrollRequest, EnrollResponse, TEMPLATES};
use sync_server::services::compaction::compact_all;
use sync_server::store::{cases, documents};

fn heads(bytes: &[u8]) -> Vec<automerge::ChangeHash> {
    AutoCommit::load(bytes).unwrap().get_heads()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_keeps_the_document_identical() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let id = tablet.create("Fall");
    tablet.sync().await;
    for i in 0..12 {
        tablet.edit(id, |c| {
            c.fields.insert("count".into(), FieldValue::Integer(i));
        });
        tablet.sync().await;
    }
    let store = server.store();
    assert_eq!(
        store
            .read(|tx| documents::compaction_candidates(tx, 10))
            .unwrap(),
        vec![id]
    );
    let before = store
        .read(|tx| documents::document(tx, id))
        .unwrap()
        .unwrap();
    let case_before = CaseDocument::load(&before).unwrap().hydrate().unwrap();

    assert_eq!(compact_all(store.as_ref(), 10).unwrap(), 1);
    assert!(
        store
            .read(|tx| documents::compaction_candidates(tx, 0))
            .unwrap()
            .is_empty()
    );
    let after = store
        .read(|tx| documents::document(tx, id))
        .unwrap()
        .unwrap();
    assert!(
        after.len() < before.len(),
        "{} → {}",
        before.len(),
        after.len()
    );
    assert_eq!(heads(&after), heads(&before));
    assert_eq!(
        CaseDocument::load(&after).unwrap().hydrate().unwrap(),
        case_before
    );
    assert_eq!(
        store.read(|tx| cases::row(tx, id)).unwrap().unwrap().heads,
        sync_protocol::heads_key(&heads(&after))
    );

    // Syncing goes on as before: nothing to exchange, then a new edit.
    tablet.sync().await;
    assert_eq!(tablet.sent, vec![0]);
    tablet.edit(id, |c| c.title = "nach der Verdichtung".into());
    assert!(tablet.sync().await.is_empty());
    assert_eq!(server.case(id).await.unwrap(), tablet.case(id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_task_compacts() {
    let server = TestServer::start_with(|c| {
        c.compaction.interval = Some(Duration::from_millis(100));
        c.compaction.min_rows = 3;
    })
    .await;
    let mut tablet = server.tablet("officer1").await;
    let id = tablet.create("Fall");
    tablet.sync().await;
    for i in 0..5 {
        tablet.edit(id, |c| {
            c.fields.insert("count".into(), FieldValue::Integer(i));
        });
        tablet.sync().await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .store()
        .read(|tx| documents::compaction_candidates(tx, 3))
        .unwrap()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "not compacted in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.case(id).await.unwrap(), tablet.case(id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_cases_devices_and_sync_states() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let id = tablet.create("vor dem Neustart");
    tablet.sync().await;
    let dir = server.dir.clone();
    server.server.shutdown().await.unwrap();

    let server = TestServer::restart(dir).await;
    tablet.base = server.server.url();
    assert_eq!(server.case(id).await.unwrap(), tablet.case(id));
    assert_eq!(
        server
            .store()
            .read(|tx| cases::row(tx, id))
            .unwrap()
            .unwrap()
            .title,
        "vor dem Neustart"
    );
    // The token still works and the per-device summary survived: nothing to offer.
    tablet.sync().await;
    assert_eq!(tablet.sent, vec![0]);
    tablet.edit(id, |c| c.title = "nach dem Neustart".into());
    assert!(tablet.sync().await.is_empty());

    // The projection can be rebuilt from the documents alone.
    let store = server.store();
    assert_eq!(store.write(documents::rebuild_projection).unwrap(), 1);
    assert_eq!(
        store.read(|tx| cases::row(tx, id)).unwrap().unwrap().title,
        "nach dem Neustart"
    );
}

/// The real binary on a data directory, until dropped.
struct Process {
    child: Child,
    url: String,
    output: Vec<String>,
}

impl Process {
    fn start(dir: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sync-server"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .args(extra)
            .env("NAPER_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut output = Vec::new();
        let url = loop {
            let line = lines.next().unwrap().unwrap();
            if let Some(url) = line.strip_prefix("listening on ") {
                break url.to_string();
            }
            output.push(line);
        };
        std::thread::spawn(move || for _ in lines {});
        Self { child, url, output }
    }

    fn password(&self, username: &str) -> String {
        self.output
            .iter()
            .find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some(username)).then(|| words.next().unwrap().to_string())
            })
            .unwrap_or_else(|| panic!("no password for {username} in {:?}", self.output))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_sync-server"))
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn enroll(http: &reqwest::Client, url: &str, user: &str, password: &str) -> EnrollResponse {
    let response = http
        .post(format!("{url}{ENROLL}"))
        .json(&EnrollRequest {
            username: user.into(),
            password: password.into(),
            device_name: "Tablet 7".into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "enroll {user}");
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_seeds_the_demo_and_the_admin_cli_works_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let process = Process::start(dir.path(), &["--demo"]);
    for user in [
        "admin",
        "coordinator",
        "caseworker",
        "viewer",
        "officer1",
        "officer2",
    ] {
        assert_eq!(process.password(user).len(), 16, "{user}");
    }
    let officer = enroll(
        &http,
        &process.url,
        "officer1",
        &process.password("officer1"),
    )
    .await;
    assert_eq!(officer.tenant, "demo");

    // A case synced through the real binary.
    let mut tablet = Tablet::connect(process.url.clone(), http.clone(), officer.clone());
    let id = tablet.create("Demo-Fall");
    assert!(tablet.sync().await.is_empty());

    // The admin CLI, in another process, on the same data directory while the server runs.
    let devices = admin(dir.path(), &["list-devices"]);
    assert!(devices.contains(&officer.device_id), "{devices}");
    admin(dir.path(), &["create-tenant", "stadt-x", "Stadt X"]);
    admin(
        dir.path(),
        &[
            "create-user",
            "--tenant",
            "stadt-x",
            "--username",
            "x.officer",
            "--display-name",
            "X Officer",
            "--role",
            "officer",
            "--password",
            "passwort-x",
        ],
    );
    enroll(&http, &process.url, "x.officer", "passwort-x").await;
    admin(
        dir.path(),
        &[
            "reset-password",
            "--username",
            "officer2",
            "--password",
            "neu-und-lang",
        ],
    );
    enroll(&http, &process.url, "officer2", "neu-und-lang").await;

    admin(dir.path(), &["revoke-device", &officer.device_id]);
    let response = http
        .get(format!("{}{TEMPLATES}", process.url))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "revoked at once"
    );

    // A new process on the same data directory keeps everything and seeds nothing.
    let officer1_password = process.password("officer1");
    drop(process);
    let process = Process::start(dir.path(), &[]);
    assert!(process.output.is_empty(), "{:?}", process.output);
    enroll(&http, &process.url, "x.officer", "passwort-x").await;
    let enrolled = enroll(&http, &process.url, "officer1", &officer1_password).await;
    let mut fresh = Tablet::connect(process.url.clone(), http.clone(), enrolled);
    assert!(fresh.sync().await.is_empty());
    assert_eq!(
        fresh.case(id),
        tablet.case(id),
        "the case survived the restart"
    );
    let out = admin(dir.path(), &["rebuild-projection"]);
    assert!(out.contains("1 cases"), "{out}");
}

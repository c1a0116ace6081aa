//! The sync as officers meet it: real `sync-server` processes on loopback ports, real
//! `field-app` tablets with their own SQLite stores, the admin CLI, and raw HTTP for what a
//! hostile client might send.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::path::Path;

use naper_tests::{ServerProcess, Tablet, admin, assets_dir, free_loopback_addr};
use serde_json::Value;

const TEMPLATE: &str = "illegal-waste-dumping";

/// A server with tenant `stadt-a` (officers `o1`, `o2`, case worker `cw`, coordinator `co`)
/// and tenant `stadt-b` (officer `b1`), all with password `geheim-123-Passwort`.
fn server_with_users(dir: &Path, addr: Option<&str>) -> ServerProcess {
    let server = match addr {
        Some(addr) => ServerProcess::start_on(addr, dir, &[]),
        None => ServerProcess::start(dir, &[]),
    };
    for (tenant, name) in [("stadt-a", "Stadt A"), ("stadt-b", "Stadt B")] {
        let out = admin(dir, &["create-tenant", tenant, name]);
        assert!(
            out.status.success(),
            "create-tenant: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (tenant, user, role) in [
        ("stadt-a", "o1", "officer"),
        ("stadt-a", "o2", "officer"),
        ("stadt-a", "cw", "case_worker"),
        ("stadt-a", "co", "coordinator"),
        ("stadt-b", "b1", "officer"),
    ] {
        let out = admin(
            dir,
            &[
                "create-user",
                "--tenant",
                tenant,
                "--username",
                user,
                "--display-name",
                user,
                "--role",
                role,
                "--password",
                PASSWORD,
            ],
        );
        assert!(
            out.status.success(),
            "create-user {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    server
}

const PASSWORD: &str = "geheim-123-Passwort";

fn enrolled(dir: &Path, server: &ServerProcess, user: &str) -> Tablet {
    let tablet = Tablet::new(dir);
    tablet.ok(&[
        "enroll",
        "--server",
        &server.url,
        "--username",
        user,
        "--password",
        PASSWORD,
        "--device-name",
        dir.to_str().unwrap(),
    ]);
    tablet.ok(&["templates"]);
    tablet
}

fn field<'a>(case: &'a Value, key: &str) -> &'a Value {
    &case["fields"][key]
}

fn photo_hashes(case: &Value) -> Vec<String> {
    let mut hashes: Vec<String> = case["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sha256"].as_str().unwrap().to_string())
        .collect();
    hashes.sort();
    hashes
}

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    hex_string(&<sha2::Sha256 as sha2::Digest>::digest(&bytes))
}

#[test]
fn two_tablets_editing_one_case_offline_converge_with_the_server_in_either_order() {
    for order in [["a", "b"], ["b", "a"]] {
        let tmp = tempfile::tempdir().unwrap();
        let server = server_with_users(&tmp.path().join("server"), None);
        let a = enrolled(&tmp.path().join("a"), &server, "o1");
        let b = enrolled(&tmp.path().join("b"), &server, "o1");

        let id = a.ok(&["new-case", "--template", TEMPLATE]);
        a.ok(&[
            "set",
            &id,
            "location_description",
            "\"Waldweg hinter dem Sportplatz\"",
        ]);
        a.ok(&[
            "add-photo",
            &id,
            "photos",
            assets_dir()
                .join("photos/orientation-1.jpg")
                .to_str()
                .unwrap(),
        ]);
        a.ok(&["sync"]);
        b.ok(&["sync"]);
        assert_eq!(
            b.case(&id),
            a.case(&id),
            "the second tablet of the same officer receives the case"
        );

        // Offline on both: different fields, the same field, and a photo each.
        a.ok(&["set", &id, "volume_m3", "2.5"]);
        b.ok(&["set", &id, "officer_notes", "\"Anwohner befragt.\""]);
        a.ok(&["set", &id, "location_description", "\"Waldweg, Höhe Bank\""]);
        b.ok(&[
            "set",
            &id,
            "location_description",
            "\"Waldweg, Höhe Schranke\"",
        ]);
        a.ok(&[
            "add-photo",
            &id,
            "photos",
            assets_dir()
                .join("photos/orientation-3.jpg")
                .to_str()
                .unwrap(),
        ]);
        b.ok(&[
            "add-photo",
            &id,
            "photos",
            assets_dir()
                .join("photos/orientation-6.jpg")
                .to_str()
                .unwrap(),
        ]);

        let (first, second) = if order[0] == "a" { (&a, &b) } else { (&b, &a) };
        first.ok(&["sync"]);
        second.ok(&["sync"]);
        first.ok(&["sync"]);

        let (ca, cb) = (a.case(&id), b.case(&id));
        assert_eq!(ca, cb, "both tablets hold the same case (order {order:?})");
        assert_eq!(
            field(&ca, "volume_m3"),
            &serde_json::json!({"decimal": 2.5})
        );
        assert!(
            field(&ca, "officer_notes")
                .to_string()
                .contains("Anwohner befragt.")
        );
        let place = field(&ca, "location_description").to_string();
        assert!(
            place.contains("Bank") || place.contains("Schranke"),
            "one of the two values wins: {place}"
        );
        assert_eq!(photo_hashes(&ca).len(), 3, "all three photos survive");

        // A third device of the same officer sees exactly the server's state, photos included.
        let c = enrolled(&tmp.path().join("c"), &server, "o1");
        c.ok(&["sync"]);
        assert_eq!(c.case(&id), ca, "the server holds the converged case");
        for sha in photo_hashes(&ca) {
            let out = tmp.path().join(format!("{sha}.jpg"));
            c.ok(&["photo", &sha, "--out", out.to_str().unwrap()]);
            assert_eq!(
                sha256_hex(&out),
                sha,
                "the server keeps the photo's original bytes"
            );
        }
    }
}

#[test]
fn staff_edits_merge_with_the_officers_offline_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let server = server_with_users(&tmp.path().join("server"), None);
    let officer = enrolled(&tmp.path().join("officer"), &server, "o1");

    let id = officer.ok(&["new-case", "--template", TEMPLATE]);
    officer.ok(&["sync"]);
    // The case worker writes in the back office while the officer edits offline.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let office = BackOffice::sign_in(&server.url, "cw").await;
        let path = format!("/backoffice/cases/{id}");
        let csrf = office.csrf(&path).await;
        let done = office
            .post(
                &format!("{path}/fields/officer_notes"),
                &[
                    ("csrf", &csrf),
                    ("value", "Bitte Fotos der Zufahrt ergänzen."),
                ],
            )
            .await;
        assert_eq!(done.status().as_u16(), 303, "{:?}", done.text().await);
    });
    officer.ok(&["set", &id, "volume_m3", "4"]);
    officer.ok(&["sync"]);
    let case = officer.case(&id);
    assert!(
        field(&case, "officer_notes")
            .to_string()
            .contains("Zufahrt"),
        "the staff edit reached the tablet"
    );
    assert_eq!(
        field(&case, "volume_m3"),
        &serde_json::json!({"decimal": 4.0})
    );
    // Another device of the officer gets the same merged case.
    let second = enrolled(&tmp.path().join("second"), &server, "o1");
    second.ok(&["sync"]);
    assert_eq!(second.case(&id), case);
}

/// The officer a case is assigned to gets a photo another officer took as the rendering with
/// its redactions; the officer who took it gets the original bytes on any of their devices.
#[test]
fn a_photo_another_officer_took_reaches_the_assigned_officer_redacted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("server");
    let server = server_with_users(&dir, None);
    let taker = enrolled(&tmp.path().join("taker"), &server, "o1");
    let id = taker.ok(&["new-case", "--template", TEMPLATE]);
    let file = tmp.path().join("noise.png");
    write_noise_png(&file, 320, 240);
    let sha = sha256_hex(&file);
    let added = taker.ok(&["add-photo", &id, "photos", file.to_str().unwrap()]);
    let photo_id = added.split_whitespace().next().unwrap().to_string();
    taker.ok(&[
        "annotate",
        &id,
        &photo_id,
        r#"{"shape":{"kind":"redaction","bounds":{"min":{"x":0.0,"y":0.0},"max":{"x":1.0,"y":1.0}},"outline":"rectangle","method":"pixelate"},"style":{"color":{"r":0,"g":0,"b":0,"a":255},"width":0.01,"fill":null}}"#,
    ]);
    taker.ok(&["sync"]);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let office = BackOffice::sign_in(&server.url, "co").await;
        let path = format!("/backoffice/cases/{id}");
        let csrf = office.csrf(&path).await;
        let done = office
            .post(
                &format!("{path}/assign"),
                &[("csrf", &csrf), ("officer", "o2")],
            )
            .await;
        assert_eq!(done.status().as_u16(), 303, "{:?}", done.text().await);
    });

    let assigned = enrolled(&tmp.path().join("assigned"), &server, "o2");
    assigned.ok(&["sync"]);
    let seen = tmp.path().join("seen.jpg");
    assigned.ok(&["photo", &sha, "--out", seen.to_str().unwrap()]);
    let bytes = std::fs::read(&seen).unwrap();
    assert!(bytes.starts_with(&[0xff, 0xd8]), "a JPEG rendering");
    assert_ne!(sha256_hex(&seen), sha, "not the original");

    let again = enrolled(&tmp.path().join("again"), &server, "o1");
    again.ok(&["sync"]);
    let original = tmp.path().join("original.png");
    again.ok(&["photo", &sha, "--out", original.to_str().unwrap()]);
    assert_eq!(
        sha256_hex(&original),
        sha,
        "the officer who took it gets the original"
    );
}

/// The back office over plain HTTP, signed in as one user (the session cookie kept by hand).
struct BackOffice {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl BackOffice {
    async fn sign_in(base: &str, user: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = http
            .get(format!("{base}/backoffice/login"))
            .send()
            .await
            .unwrap();
        let mut cookie = cookies(&page);
        let csrf = hidden(&page.text().await.unwrap(), "csrf");
        let signed_in = http
            .post(format!("{base}/backoffice/login"))
            .header("cookie", &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("next", "/backoffice"),
                ("username", user),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status().as_u16(), 303, "signing in as {user}");
        let session = cookies(&signed_in);
        if !session.is_empty() {
            cookie = session;
        }
        Self {
            http,
            base: base.to_string(),
            cookie,
        }
    }

    async fn csrf(&self, path: &str) -> String {
        let page = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        assert!(page.status().is_success(), "{path}: {}", page.status());
        hidden(&page.text().await.unwrap(), "csrf")
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

/// The `name=value` pairs a response sets, as one `Cookie` header.
fn cookies(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The value of the hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

#[test]
fn isolation_revocation_and_hostile_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let server = server_with_users(&tmp.path().join("server"), None);
    let o1 = enrolled(&tmp.path().join("o1"), &server, "o1");
    let o2 = enrolled(&tmp.path().join("o2"), &server, "o2");
    let id = o1.ok(&["new-case", "--template", TEMPLATE]);
    o1.ok(&["sync"]);

    // Another officer's unassigned case stays invisible.
    o2.ok(&["sync"]);
    assert!(!o2.ok(&["list"]).contains(&id), "o2 must not see o1's case");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        // Another tenant's device naming the case id is refused and learns nothing.
        let token = enroll_over_http(&server.url, "b1").await;
        let case_id: schema::CaseId = id.parse().unwrap();
        let mut session =
            sync_protocol::SyncSession::new([case_id], sync_protocol::Limits::default());
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "title", "übernommen")
            .unwrap();
        session.load(case_id, sync_protocol::Replica::from_parts(doc, None));
        let request = session.next_request().unwrap();
        let body = http
            .post(format!("{}/api/v1/sync", server.url))
            .bearer_auth(&token)
            .header("content-type", "application/cbor")
            .body(request.encode())
            .send()
            .await
            .unwrap();
        assert!(body.status().is_success());
        let response = sync_protocol::SyncResponse::decode(
            &body.bytes().await.unwrap(),
            &sync_protocol::Limits::default(),
        )
        .unwrap();
        assert_eq!(response.rejected.len(), 1);
        assert_eq!(
            response.rejected[0].reason,
            sync_protocol::RejectReason::Forbidden
        );
        assert!(
            response.docs.iter().all(|m| m.doc != case_id),
            "nothing of the case is sent back"
        );

        // Malformed and oversized bodies get a 4xx JSON error, and the server keeps serving.
        let garbage = http
            .post(format!("{}/api/v1/sync", server.url))
            .bearer_auth(&token)
            .header("content-type", "application/cbor")
            .body(b"\xff\xfe not cbor".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(garbage.status().as_u16() / 100, 4);
        let error: Value = garbage.json().await.unwrap();
        assert!(error["message"].as_str().unwrap().len() > 10, "{error}");
        let huge = http
            .post(format!("{}/api/v1/sync", server.url))
            .bearer_auth(&token)
            .header("content-type", "application/cbor")
            .body(vec![0u8; 40 * 1024 * 1024])
            .send()
            .await;
        if let Ok(huge) = huge {
            assert_eq!(huge.status().as_u16(), 413);
        }
        let unauthenticated = http
            .post(format!("{}/api/v1/sync", server.url))
            .body(request.encode())
            .send()
            .await
            .unwrap();
        assert_eq!(unauthenticated.status().as_u16(), 401);
    });
    o1.ok(&["set", &id, "volume_m3", "1"]);
    o1.ok(&["sync"]);

    // A revoked device is refused at once and told what to do.
    let devices =
        String::from_utf8_lossy(&admin(&server.data_dir, &["list-devices"]).stdout).to_string();
    let device_id = devices
        .lines()
        .find(|l| l.contains("o2"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no device of o2 in {devices}"))
        .to_string();
    let out = admin(&server.data_dir, &["revoke-device", &device_id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let refused = o2.run(&["sync"]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr).to_lowercase();
    assert!(
        message.contains("enroll"),
        "the officer is told to enroll again: {message}"
    );
}

#[test]
fn killing_the_server_mid_sync_loses_and_duplicates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = free_loopback_addr();
    let data = tmp.path().join("server");
    let mut server = server_with_users(&data, Some(&addr));
    let tablet = enrolled(&tmp.path().join("t"), &server, "o1");
    let ids: Vec<String> = (0..40)
        .map(|i| {
            let id = tablet.ok(&["new-case", "--template", TEMPLATE]);
            tablet.ok(&["set", &id, "volume_m3", &format!("{i}")]);
            id
        })
        .collect();
    let big = tmp.path().join("big.png");
    write_noise_png(&big, 2400, 1800);
    tablet.ok(&["add-photo", &ids[0], "photos", big.to_str().unwrap()]);

    let sha = sha256_hex(&big);
    let size = std::fs::metadata(&big).unwrap().len();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let probe = rt.block_on(enroll_over_http(&server.url, "o1"));

    // Kill the server while the tablet syncs, later each time, until an upload has been cut
    // in the middle (seen as a partial upload on the server after the restart).
    let mut interrupted = 0;
    let mut saw_partial_upload = false;
    for attempt in 0..40u64 {
        let child = std::process::Command::new(naper_tests::binary("field-app"))
            .arg("--data-dir")
            .arg(&tablet.dir)
            .args(["sync", "--chunk-bytes", "65536"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10 + attempt * 40));
        server.kill9();
        if !child.wait_with_output().unwrap().status.success() {
            interrupted += 1;
        }
        server = ServerProcess::start_on(&addr, &data, &[]);
        let status: Value = rt.block_on(async {
            reqwest::Client::new()
                .get(format!("{}/api/v1/blobs/{sha}/upload", server.url))
                .bearer_auth(&probe)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        let received = status["received"].as_u64().unwrap();
        if received > 0 && received < size {
            saw_partial_upload = true;
        }
        if status["complete"] == Value::Bool(true) || (saw_partial_upload && interrupted >= 2) {
            break;
        }
    }
    assert!(
        interrupted >= 2,
        "the server must have been killed in the middle of syncs ({interrupted} interrupted)"
    );
    assert!(
        saw_partial_upload,
        "the server must have been killed in the middle of the photo upload"
    );
    tablet.ok(&["sync"]);

    let fresh = enrolled(&tmp.path().join("fresh"), &server, "o1");
    fresh.ok(&["sync"]);
    let listed = fresh.ok(&["list"]);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(
            listed.matches(id.as_str()).count(),
            1,
            "case {i} arrived exactly once"
        );
        assert_eq!(
            fresh.case(id),
            tablet.case(id),
            "case {i} is complete on the server"
        );
    }
    let out = tmp.path().join("back.png");
    fresh.ok(&["photo", &sha, "--out", out.to_str().unwrap()]);
    assert_eq!(
        sha256_hex(&out),
        sha,
        "the photo upload completed with verified bytes"
    );
}

/// A tablet sends a photo it never tried at once, without asking first. When the server has
/// it already (another tablet of the office sent it), the server answers before reading the
/// 13 MB body; however the connection ends then, the tablet ends with the photo known as
/// stored and nothing queued.
#[test]
fn a_photo_the_office_sent_already_is_not_uploaded_again() {
    let tmp = tempfile::tempdir().unwrap();
    let server = server_with_users(&tmp.path().join("server"), None);
    let big = tmp.path().join("big.png");
    write_noise_png(&big, 2400, 1800);
    let sha = sha256_hex(&big);
    let size = std::fs::metadata(&big).unwrap().len();
    let mut pending = Vec::new();
    for (user, dir) in [("o1", "t1"), ("o2", "t2")] {
        let tablet = enrolled(&tmp.path().join(dir), &server, user);
        let id = tablet.ok(&["new-case", "--template", TEMPLATE]);
        tablet.ok(&["add-photo", &id, "photos", big.to_str().unwrap()]);
        let summary = tablet.ok(&["sync"]);
        let uploaded: u64 = summary
            .rsplit("uploaded_bytes=")
            .next()
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        assert_eq!(
            uploaded, size,
            "{user}: the server has all of it ({summary})"
        );
        let listed = tablet.ok(&["list"]);
        pending.push(listed.trim().rsplit('\t').next().unwrap().to_string());
        let again = tablet.ok(&["sync"]);
        assert!(again.ends_with("uploaded_bytes=0"), "{user}: {again}");
    }
    assert_eq!(pending, ["0", "0"], "nothing left queued on either tablet");
    let fresh = enrolled(&tmp.path().join("fresh"), &server, "o1");
    let out = tmp.path().join("back.png");
    fresh.ok(&["sync"]);
    fresh.ok(&["photo", &sha, "--out", out.to_str().unwrap()]);
    assert_eq!(sha256_hex(&out), sha);
}

/// A server restored from a backup taken before the tablet's last sync has lost what it
/// acknowledged; the tablet notices at its next sync (the server's count of the device's
/// rounds went back) and sends every case and photo again.
#[test]
fn a_server_restored_from_an_older_backup_gets_back_what_it_had_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let addr = free_loopback_addr();
    let dir = tmp.path().join("server");
    let backup = tmp.path().join("backup");
    let mut server = server_with_users(&dir, Some(&addr));
    let tablet = enrolled(&tmp.path().join("t"), &server, "o1");
    let first = tablet.ok(&["new-case", "--template", TEMPLATE]);
    tablet.ok(&["sync"]);

    // The nightly backup: a copy of the data directory as a crash would leave it.
    server.kill9();
    copy_dir(&dir, &backup);
    let mut server = ServerProcess::start_on(&addr, &dir, &[]);

    // The officer goes on; the server acknowledges all of it.
    tablet.ok(&["set", &first, "volume_m3", "4.5"]);
    let second = tablet.ok(&["new-case", "--template", TEMPLATE]);
    let photo = tmp.path().join("evidence.png");
    write_noise_png(&photo, 320, 240);
    let sha = sha256_hex(&photo);
    tablet.ok(&["add-photo", &second, "photos", photo.to_str().unwrap()]);
    tablet.ok(&["sync"]);
    assert!(tablet.ok(&["sync"]).ends_with("uploaded_bytes=0"));

    // The disk fails; the backup is restored.
    server.kill9();
    std::fs::remove_dir_all(&dir).unwrap();
    copy_dir(&backup, &dir);
    let server = ServerProcess::start_on(&addr, &dir, &[]);

    let repair = tablet.run(&["sync"]);
    assert!(repair.status.success(), "{repair:?}");
    let said = String::from_utf8_lossy(&repair.stderr);
    assert!(said.contains("sent again"), "the officer is told: {said}");
    assert!(
        tablet.ok(&["sync"]).ends_with("uploaded_bytes=0"),
        "nothing left queued"
    );

    // Another device of the officer gets the edit and the photo from the server.
    let office = enrolled(&tmp.path().join("office"), &server, "o1");
    office.ok(&["sync"]);
    assert_eq!(
        field(&office.case(&first), "volume_m3"),
        &serde_json::json!({"decimal": 4.5})
    );
    assert_eq!(photo_hashes(&office.case(&second)), vec![sha.clone()]);
    let back = tmp.path().join("back.png");
    office.ok(&["photo", &sha, "--out", back.to_str().unwrap()]);
    assert_eq!(sha256_hex(&back), sha);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Which process a crash test kills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Victim {
    Server,
    Tablet,
}

/// Kills the server (or, separately, the tablet) with SIGKILL at many points during the photo
/// uploads of a multi-photo sync, each time after a different number of progress reports of
/// the run (so the kills land where the uploads are, whatever the build's speed): inside a
/// photo's bytes, right after its last byte was handed to the connection, and after the
/// server confirmed it. Afterwards, at most two syncs bring every photo across with its
/// SHA-256, leave the outbox empty, and both databases pass `PRAGMA integrity_check`.
#[test]
fn killing_the_server_or_the_tablet_during_uploads_leaves_no_photo_behind() {
    for victim in [Victim::Server, Victim::Tablet] {
        crash_during_uploads(victim);
    }
}

fn crash_during_uploads(victim: Victim) {
    let tmp = tempfile::tempdir().unwrap();
    let addr = free_loopback_addr();
    let data = tmp.path().join("server");
    let mut server = server_with_users(&data, Some(&addr));
    let tablet = enrolled(&tmp.path().join("t"), &server, "o1");
    let mut photos = Vec::new();
    for i in 0..10u64 {
        let id = tablet.ok(&["new-case", "--template", TEMPLATE]);
        let png = tmp.path().join(format!("photo-{i}.png"));
        write_noise_png_seeded(&png, 380, 380, i + 1);
        tablet.ok(&["add-photo", &id, "photos", png.to_str().unwrap()]);
        photos.push(sha256_hex(&png));
    }
    let mut kills = 0;
    for round in 0..12 {
        let mut child = std::process::Command::new(naper_tests::binary("field-app"))
            .arg("--data-dir")
            .arg(&tablet.dir)
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        // Reports per photo: a piece handed to the connection, the last byte handed to it,
        // and the server's confirmation; killing after report 1, 2, 3, … of a run walks the
        // kill across all three and across photos.
        let kill_after = 1 + round % 7;
        let mut reports = 0;
        let mut killed = false;
        for line in std::io::BufRead::lines(stderr) {
            let Ok(line) = line else { break };
            if !killed && line.starts_with("upload ") && !line.starts_with("upload failed") {
                reports += 1;
                if reports == kill_after {
                    match victim {
                        Victim::Server => server.kill9(),
                        Victim::Tablet => {
                            let _ = child.kill();
                        }
                    }
                    killed = true;
                }
            }
        }
        let _ = child.wait();
        if victim == Victim::Server && killed {
            server = ServerProcess::start_on(&addr, &data, &[]);
        }
        if killed {
            kills += 1;
        } else {
            break; // the run brought every remaining photo across before the kill point
        }
    }
    assert!(
        kills >= 5,
        "{victim:?}: the uploads must have been cut many times ({kills})"
    );

    // The tablet finds the server (again) and is done within two syncs.
    let first = tablet.run(&["sync"]);
    if !first.status.success() {
        let second = tablet.run(&["sync"]);
        assert!(
            second.status.success(),
            "{victim:?}: two syncs after the crashes must bring everything across:\n{}\n{}",
            String::from_utf8_lossy(&first.stderr),
            String::from_utf8_lossy(&second.stderr)
        );
    }
    let local = field_app::store::LocalStore::open(&tablet.dir).unwrap();
    assert_eq!(
        local.pending_uploads().unwrap().len(),
        0,
        "{victim:?}: the outbox is empty"
    );
    assert_eq!(local.integrity_check().unwrap(), ["ok"]);
    drop(local);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let probe = rt.block_on(enroll_over_http(&server.url, "o1"));
    for sha in &photos {
        let bytes = rt.block_on(async {
            let response = reqwest::Client::new()
                .get(format!("{}/api/v1/blobs/{sha}", server.url))
                .bearer_auth(&probe)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "{victim:?}: photo {sha} is on the server ({})",
                response.status()
            );
            response.bytes().await.unwrap()
        });
        let digest = <sha2::Sha256 as sha2::Digest>::digest(&bytes);
        assert_eq!(
            hex_string(&digest),
            *sha,
            "{victim:?}: the server holds the photo's bytes"
        );
    }
    server.kill9();
    let db = rusqlite::Connection::open(data.join("naper.sqlite3")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "{victim:?}: the server's database");
}

fn hex_string(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[test]
fn sync_bombs_are_refused_in_bounded_memory_while_another_tablet_keeps_syncing() {
    use sync_protocol::testing::hostile;
    let tmp = tempfile::tempdir().unwrap();
    let server = server_with_users(&tmp.path().join("server"), None);
    let honest = enrolled(&tmp.path().join("honest"), &server, "o1");
    let idle_rss = server.peak_rss_kib();

    let segment = hostile::bomb_segment();
    let mut bombs: Vec<(String, Vec<u8>)> = Vec::new();
    for mib in [1, 2, 4, 8] {
        let segments = hostile::segments_within(&segment, mib * 1024 * 1024);
        let chunk = hostile::compressed_change_chunk(&hostile::deflate_bomb(&segment, segments));
        bombs.push((
            format!("{mib} MiB inflating to {} MiB", segments),
            hostile::sync_message(&[chunk]),
        ));
    }
    let column = hostile::deflate_bomb(&segment, 1024);
    bombs.push((
        "a document column inflating to 1 GiB".into(),
        hostile::sync_message(&[hostile::document_chunk_with_deflated_column(&column)]),
    ));
    bombs.push((
        "a billion operations in one column run".into(),
        hostile::sync_message(&[hostile::run_length_change_chunk(1_000_000_000)]),
    ));
    for depth in [7_000, 200_000] {
        bombs.push((
            format!("lists nested {depth} deep"),
            hostile::sync_message(&[hostile::nested_lists_change_chunk(depth)]),
        ));
    }

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (refused, synced) = rt.block_on(async {
        let token = enroll_over_http(&server.url, "o2").await;
        let url = server.url.clone();
        let attacker = tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut refused = Vec::new();
            for (name, message) in bombs {
                // A made-up case id suffices: the message used to be applied before any check.
                let doc = schema::CaseId::new();
                let request = sync_protocol::SyncRequest {
                    protocol: sync_protocol::PROTOCOL_VERSION,
                    docs: vec![sync_protocol::DocMessage { doc, message }],
                };
                let answer = http
                    .post(format!("{url}/api/v1/sync"))
                    .bearer_auth(&token)
                    .header("content-type", "application/cbor")
                    .body(request.encode())
                    .send()
                    .await
                    .unwrap();
                assert!(answer.status().is_success(), "{name}: {}", answer.status());
                let response = sync_protocol::SyncResponse::decode(
                    &answer.bytes().await.unwrap(),
                    &sync_protocol::Limits::default(),
                )
                .unwrap();
                let rejection = response
                    .rejected
                    .iter()
                    .find(|r| r.doc == doc)
                    .unwrap_or_else(|| panic!("{name} was not refused: {response:?}"));
                assert_eq!(
                    rejection.reason,
                    sync_protocol::RejectReason::TooLarge,
                    "{name}: {}",
                    rejection.detail
                );
                refused.push(format!("{name}: {}", rejection.detail));
            }
            refused
        });
        // Meanwhile an officer's tablet records cases and syncs them, round after round.
        let tablet = tokio::task::spawn_blocking(move || {
            let mut synced = Vec::new();
            while synced.len() < 3 {
                let id = honest.ok(&["new-case", "--template", TEMPLATE]);
                honest.ok(&["sync"]);
                synced.push(id);
            }
            (honest, synced)
        });
        let refused = attacker.await.unwrap();
        let (honest, synced) = tablet.await.unwrap();
        honest.ok(&["sync"]);
        (refused, synced)
    });
    assert_eq!(refused.len(), 8, "{refused:#?}");

    // Another device of the honest officer gets every case the tablet sent.
    let office = enrolled(&tmp.path().join("office"), &server, "o1");
    office.ok(&["sync"]);
    let listed = office.ok(&["list"]);
    for id in &synced {
        assert!(listed.contains(id.as_str()), "{id} missing from {listed}");
    }

    let peak = server.peak_rss_kib();
    println!(
        "server peak RSS: {idle_rss} KiB idle, {peak} KiB after the bombs; refused: {refused:#?}"
    );
    assert!(
        peak < 300 * 1024,
        "the server's peak RSS reached {peak} KiB (idle {idle_rss} KiB)"
    );
}

/// How a slow client's request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SlowEnd {
    /// The server answered with this status.
    Status(u16),
    /// The server closed the connection without an answer.
    Closed,
}

/// A client that sends `head` and then trickles one byte every `every` (of a header line
/// that never ends when `body` is false, of the body otherwise) until the server answers or
/// closes; `started` hears when the head is out.
async fn slow_client(
    addr: String,
    head: String,
    every: std::time::Duration,
    started: tokio::sync::mpsc::Sender<()>,
) -> SlowEnd {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    started.send(()).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let trickle = async move {
        loop {
            tokio::time::sleep(every).await;
            if write.write_all(b"x").await.is_err() {
                // Refused by a closed connection: what the reader sees tells how it ended.
                std::future::pending::<()>().await;
            }
        }
    };
    let answer = async move {
        let mut buf = Vec::new();
        let _ = read.read_to_end(&mut buf).await;
        let text = String::from_utf8_lossy(&buf);
        text.strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .map_or(SlowEnd::Closed, SlowEnd::Status)
    };
    tokio::select! {
        end = answer => end,
        () = trickle => unreachable!(),
        () = tokio::time::sleep(std::time::Duration::from_secs(120)) => {
            panic!("the server held a slow client for two minutes")
        }
    }
}

/// 200 slow clients at once — request heads that never end, sync bodies and photo uploads
/// trickling a byte every two seconds from ten stolen devices, under the server's default
/// bounds — while an officer's tablet
/// records a case with a photo and syncs it. The tablet's sync goes through while they are
/// all connected; each slow client is answered or cut off once it breaks the server's
/// pace; none is held for long.
#[test]
fn two_hundred_slow_clients_do_not_keep_a_tablet_from_syncing() {
    use std::collections::HashMap;
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("server");
    // The default bounds: 30 s for a request head, a body may idle 30 s and must average
    // 1 KiB/s after 30 s of grace.
    let server = server_with_users(&dir, None);
    let honest = enrolled(&tmp.path().join("honest"), &server, "o1");
    let photo = tmp.path().join("photo.png");
    write_noise_png(&photo, 1200, 900);
    let addr = server.url.trim_start_matches("http://").to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tokens: Vec<String> = rt.block_on(async {
        let mut tokens = Vec::new();
        for _ in 0..10 {
            tokens.push(enroll_over_http(&server.url, "o2").await);
        }
        tokens
    });

    // 80 heads that never end; per device 6 sync bodies and 6 uploads announcing 1 MB each
    // (2 of each find a place, the other 4 are over the device's share).
    let every = Duration::from_secs(2);
    let (started_tx, mut started) = tokio::sync::mpsc::channel(200);
    let mut clients = Vec::new();
    let _guard = rt.enter();
    for i in 0..80 {
        let head = format!("GET /health HTTP/1.1\r\nHost: naper\r\nX-Slow-{i}: ");
        clients.push((
            "head",
            rt.spawn(slow_client(addr.clone(), head, every, started_tx.clone())),
        ));
    }
    for token in &tokens {
        for i in 0..6 {
            let head = format!(
                "POST /api/v1/sync HTTP/1.1\r\nHost: naper\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/cbor\r\nContent-Length: 1000000\r\n\r\n"
            );
            clients.push((
                "sync",
                rt.spawn(slow_client(addr.clone(), head, every, started_tx.clone())),
            ));
            let sha = hex_string(&<sha2::Sha256 as sha2::Digest>::digest(format!(
                "{token}{i}"
            )));
            let head = format!(
                "PUT /api/v1/blobs/{sha}/upload?offset=0&size=1000000 HTTP/1.1\r\nHost: naper\r\n\
                 Authorization: Bearer {token}\r\nContent-Length: 1000000\r\n\r\n"
            );
            clients.push((
                "upload",
                rt.spawn(slow_client(addr.clone(), head, every, started_tx.clone())),
            ));
        }
    }
    assert_eq!(clients.len(), 200);
    rt.block_on(async {
        for _ in 0..200 {
            started.recv().await.unwrap();
        }
    });

    // The honest officer records a case with a photo and syncs it, all while they trickle.
    let attack_began = Instant::now();
    let (threads_before, rss_before) = (server.proc_status("Threads"), server.proc_status("VmRSS"));
    let threads_under_attack = threads_before;
    let id = honest.ok(&["new-case", "--template", TEMPLATE]);
    honest.ok(&["add-photo", &id, "photos", photo.to_str().unwrap()]);
    let synced_at = Instant::now();
    let summary = honest.ok(&["sync"]);
    let sync_took = synced_at.elapsed();
    let still_connected = clients.iter().filter(|(_, c)| !c.is_finished()).count();
    let rss_under_attack = server.proc_status("VmRSS");
    assert!(summary.contains("sent=1"), "{summary}");
    assert!(!summary.ends_with("uploaded_bytes=0"), "{summary}");
    assert!(
        honest.ok(&["list"]).trim().ends_with("\t0"),
        "the photo is not queued any more"
    );

    // What the attack costs the server, sampled until every slow client has ended.
    let (mut threads, mut rss) = (threads_under_attack, rss_under_attack);
    while clients.iter().any(|(_, c)| !c.is_finished()) {
        threads = threads.max(server.proc_status("Threads"));
        rss = rss.max(server.proc_status("VmRSS"));
        std::thread::sleep(Duration::from_millis(500));
    }
    let ends: Vec<(&str, SlowEnd)> = clients
        .into_iter()
        .map(|(kind, client)| (kind, rt.block_on(client).unwrap()))
        .collect();
    let all_ended = attack_began.elapsed();
    let mut counts: HashMap<(&str, SlowEnd), usize> = HashMap::new();
    for end in &ends {
        *counts.entry(*end).or_default() += 1;
    }
    println!(
        "200 slow clients: {still_connected} still connected when the tablet's sync (documents \
         and a {} byte photo) was done after {sync_took:?}; server threads {threads_before} and \
         RSS {rss_before} KiB as the attack began, at most {threads} and {rss} KiB during it; \
         all ended after {all_ended:?}: {counts:?}",
        std::fs::metadata(&photo).unwrap().len()
    );
    // The 80 requests over their devices' share were refused at once; all others were
    // still connected and trickling when the tablet was done.
    assert_eq!(
        still_connected, 120,
        "the attack was still under way while the tablet synced"
    );
    let count = |kind, end| counts.get(&(kind, end)).copied().unwrap_or(0);
    // Heads that never end are dropped after the header timeout, with or without an answer.
    assert_eq!(
        count("head", SlowEnd::Closed) + count("head", SlowEnd::Status(408)),
        80,
        "{counts:?}"
    );
    for kind in ["sync", "upload"] {
        assert_eq!(count(kind, SlowEnd::Status(408)), 20, "{kind}: {counts:?}");
        assert_eq!(count(kind, SlowEnd::Status(429)), 40, "{kind}: {counts:?}");
    }
    // The server is free again: the tablet syncs as before.
    honest.ok(&["sync"]);
}

/// A server started without `--demo` has no demo users; the first admin is created with a
/// generated password in a file only its owner can read, an officer's password comes from
/// standard input on both CLIs, and a reset password revokes the officer's tablet.
#[test]
fn the_first_admin_and_every_password_stay_off_the_command_line() {
    use std::ffi::OsStr;
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("server");
    let server = ServerProcess::start(&dir, &[]);
    assert!(
        server
            .startup_output
            .iter()
            .any(|line| line.contains("no tenant yet") && line.contains("--password-stdin")),
        "the empty server says how to begin: {:?}",
        server.startup_output
    );
    let tablet = Tablet::new(&tmp.path().join("t"));
    let demo = tablet.run(&[
        "enroll",
        "--server",
        &server.url,
        "--username",
        "officer",
        "--password",
        "x",
    ]);
    assert!(!demo.status.success(), "no demo users without --demo");

    let out = admin(&dir, &["create-tenant", "stadt", "Stadt"]);
    assert!(out.status.success(), "{out:?}");
    let file = tmp.path().join("admin-password.txt");
    let out = admin(
        &dir,
        &[
            "create-user",
            "--tenant",
            "stadt",
            "--username",
            "chefin",
            "--display-name",
            "Chefin",
            "--role",
            "admin",
            "--generate-password",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "only the owner reads the password file");
    let generated = std::fs::read_to_string(&file).unwrap();
    assert!(generated.trim().len() >= 16);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        !printed.contains(generated.trim()),
        "the password is not printed: {printed}"
    );
    let again = admin(
        &dir,
        &[
            "create-user",
            "--tenant",
            "stadt",
            "--username",
            "zweite",
            "--display-name",
            "Zweite",
            "--role",
            "admin",
            "--generate-password",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    let none = admin(
        &dir,
        &[
            "create-user",
            "--tenant",
            "stadt",
            "--username",
            "ohne",
            "--display-name",
            "Ohne",
            "--role",
            "officer",
        ],
    );
    assert!(!none.status.success(), "a password source is required");

    let admin_args = |args: &[&str]| -> Vec<std::ffi::OsString> {
        let mut all: Vec<std::ffi::OsString> = vec!["admin".into()];
        all.extend(args.iter().map(Into::into));
        all.push("--data-dir".into());
        all.push(dir.clone().into_os_string());
        all
    };
    let args = admin_args(&[
        "create-user",
        "--tenant",
        "stadt",
        "--username",
        "o1",
        "--display-name",
        "O1",
        "--role",
        "officer",
        "--password-stdin",
    ]);
    let refs: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let out = naper_tests::run_with_stdin("sync-server", &refs, "geheim-123-Passwort\n");
    assert!(out.status.success(), "{out:?}");

    let enroll = |password: &str| {
        let args: Vec<std::ffi::OsString> = vec![
            "--data-dir".into(),
            tablet.dir.clone().into_os_string(),
            "enroll".into(),
            "--server".into(),
            server.url.clone().into(),
            "--username".into(),
            "o1".into(),
            "--password-stdin".into(),
        ];
        let refs: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        naper_tests::run_with_stdin("field-app", &refs, &format!("{password}\n"))
    };
    let out = enroll("geheim-123-Passwort");
    assert!(out.status.success(), "{out:?}");
    tablet.ok(&["sync"]);

    // A new password revokes the tablet; it enrolls again with the new one.
    let args = admin_args(&["reset-password", "--username", "o1", "--password-stdin"]);
    let refs: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let out = naper_tests::run_with_stdin("sync-server", &refs, "neues-456-Passwort\n");
    assert!(out.status.success(), "{out:?}");
    let refused = tablet.run(&["sync"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("enroll"),
        "{refused:?}"
    );
    assert!(!enroll("geheim-123-Passwort").status.success());
    assert!(enroll("neues-456-Passwort").status.success());
    tablet.ok(&["sync"]);
}

/// Enrolls a device over plain HTTP and returns its token.
async fn enroll_over_http(url: &str, user: &str) -> String {
    let enroll: Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/enroll"))
        .json(&serde_json::json!({"username": user, "password": PASSWORD, "device_name": "probe"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    enroll["token"].as_str().unwrap().to_string()
}

/// A PNG of random pixels (incompressible, so the upload takes many chunks).
fn write_noise_png(path: &Path, width: u32, height: u32) {
    write_noise_png_seeded(path, width, height, 0);
}

/// [`write_noise_png`] with other pixels for each `seed`.
fn write_noise_png_seeded(path: &Path, width: u32, height: u32, seed: u64) {
    let mut state = 0x2545_f491_4f6c_dd1du64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let image = image::RgbImage::from_raw(width, height, pixels).unwrap();
    image.save(path).unwrap();
}

//! The `field-app` binary end to end against the fake server: the scriptable surface the
//! workspace's end-to-end tests will drive.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::FakeServer;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_field-app"))
        .env("NAPER_TABLET_DIR", dir)
        .env_remove("RUST_LOG")
        .args(args)
        .output()
        .unwrap()
}

/// Runs a command that must succeed; returns its stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail with exit code 1; returns its stderr.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn the_command_line_covers_a_whole_inspection() {
    let server = FakeServer::start();
    let tablet = tempfile::tempdir().unwrap();
    let dir = tablet.path();

    let err = fails(dir, &["new-case", "--template", "check"]);
    assert!(err.contains("not enrolled"), "{err}");
    let err = fails(
        dir,
        &[
            "enroll",
            "--server",
            &server.url,
            "--username",
            "a.abel",
            "--password",
            "x",
        ],
    );
    assert!(err.contains("password"), "{err}");

    let out = ok(
        dir,
        &[
            "enroll",
            "--server",
            &server.url,
            "--username",
            "a.abel",
            "--password",
            "pw",
        ],
    );
    assert!(out.starts_with("enrolled: device=dev-"), "{out}");
    assert!(out.contains("tenant=stadt role=officer"), "{out}");

    let out = ok(dir, &["templates"]);
    assert_eq!(out, "check\t1\twaste\tKontrolle\n");

    let id = ok(dir, &["new-case", "--template", "check"])
        .trim()
        .to_string();
    assert_eq!(id.len(), 36, "just the id: {id}");

    assert_eq!(ok(dir, &["set", &id, "count", "4"]), "saved\n");
    ok(dir, &["set", &id, "note", "Sperrmüll am Gehweg"]);
    let out = run(dir, &["set", &id, "count", "\"vier\""]);
    assert_eq!(out.status.code(), Some(1));

    let photo_file = format!(
        "{}/../assets/photos/orientation-6.jpg",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = ok(dir, &["add-photo", &id, "photos", &photo_file]);
    let (photo_id, sha) = out.trim().split_once(' ').unwrap();
    assert_eq!(sha.len(), 64);
    let annotation = r#"{"shape":{"kind":"arrow","from":{"x":0.1,"y":0.1},"to":{"x":0.5,"y":0.5}},
        "style":{"color":{"r":255,"g":0,"b":0,"a":255},"width":0.01,"fill":null}}"#;
    let annotation_id = ok(dir, &["annotate", &id, photo_id, annotation]);
    assert_eq!(annotation_id.trim().len(), 36);

    let list = ok(dir, &["list"]);
    let row: Vec<&str> = list.trim().split('\t').collect();
    assert_eq!(row, vec![id.as_str(), "draft", "Kontrolle", "dirty", "1"]);

    let shown: serde_json::Value = serde_json::from_str(&ok(dir, &["show", &id])).unwrap();
    assert_eq!(shown["fields"]["count"]["integer"], 4);
    assert_eq!(shown["photos"][0]["sha256"], sha);
    assert_eq!(shown["fields"]["officer"]["text"], "Anna Abel");

    assert_eq!(ok(dir, &["submit", &id]), "submitted\n");

    let out = ok(dir, &["sync", "--chunk-bytes", "256"]);
    let last = out.lines().last().unwrap();
    let bytes = std::fs::metadata(&photo_file).unwrap().len();
    assert_eq!(
        last,
        format!("synced: sent=1 received=0 rejected=0 uploaded_bytes={bytes}")
    );
    assert_eq!(
        server.state().case(id.parse().unwrap()).status,
        schema::Status::Submitted
    );
    let list = ok(dir, &["list"]);
    assert!(
        list.trim().ends_with("submitted\tKontrolle\tsynced\t0"),
        "{list}"
    );

    // A second tablet, another officer's, gets the case and downloads the photo lazily: as
    // the rendering with its drawings, since someone else took it.
    let other = tempfile::tempdir().unwrap();
    ok(
        other.path(),
        &[
            "enroll",
            "--server",
            &server.url,
            "--username",
            "b.becker",
            "--password",
            "pw",
        ],
    );
    let out = ok(other.path(), &["sync"]);
    assert!(
        out.ends_with("synced: sent=0 received=1 rejected=0 uploaded_bytes=0\n"),
        "{out}"
    );
    let thumb = other.path().join("thumb.jpg");
    ok(
        other.path(),
        &[
            "photo",
            sha,
            "--thumbnail",
            "--out",
            thumb.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&thumb).unwrap().starts_with(&[0xff, 0xd8]));
    let full = other.path().join("full.jpg");
    ok(
        other.path(),
        &["photo", sha, "--out", full.to_str().unwrap()],
    );
    let rendering = std::fs::read(&full).unwrap();
    assert!(rendering.starts_with(&[0xff, 0xd8]), "a JPEG");
    assert_ne!(
        rendering,
        std::fs::read(&photo_file).unwrap(),
        "not the original"
    );
    // The officer who took it has the original.
    let original = dir.join("original.jpg");
    ok(dir, &["photo", sha, "--out", original.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(&original).unwrap(),
        std::fs::read(&photo_file).unwrap()
    );

    // A revoked device is told what to do.
    server.state().revoked = true;
    let err = fails(dir, &["sync"]);
    assert!(err.contains("enroll again"), "{err}");
}

#[test]
fn a_submission_of_an_incomplete_case_prints_the_report() {
    let server = FakeServer::start();
    server.state().templates = vec![
        r#"{"id":"strict","version":3,"category":"c","title":{"de":"Streng","en":"Strict"},
          "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
            {"key":"count","type":"integer","label":{"de":"C","en":"C"},"required":true}]}]}"#
            .to_string(),
    ];
    let tablet = tempfile::tempdir().unwrap();
    let dir = tablet.path();
    ok(
        dir,
        &[
            "enroll",
            "--server",
            &server.url,
            "--username",
            "a",
            "--password",
            "pw",
        ],
    );
    // Not cached yet: new-case fetches it.
    let id = ok(dir, &["new-case", "--template", "strict", "--version", "3"]);
    let err = fails(dir, &["submit", id.trim()]);
    assert!(err.contains("count: an answer is required"), "{err}");
    assert!(err.contains("not submitted"), "{err}");
    let err = fails(dir, &["show", "not-a-uuid"]);
    assert!(err.contains("is not a case id"), "{err}");
}

/// A sync that reached the server but left a photo queued exits non-zero and says which
/// photo and why, after the summary of what it did bring across.
#[test]
fn a_sync_that_leaves_a_photo_queued_fails_and_says_why() {
    let server = FakeServer::start();
    let tablet = tempfile::tempdir().unwrap();
    let dir = tablet.path();
    ok(
        dir,
        &[
            "enroll",
            "--server",
            &server.url,
            "--username",
            "a.abel",
            "--password",
            "pw",
        ],
    );
    let id = ok(dir, &["new-case", "--template", "check"])
        .trim()
        .to_string();
    let photo_file = format!(
        "{}/../assets/photos/orientation-1.jpg",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = ok(dir, &["add-photo", &id, "photos", &photo_file]);
    let (_, sha) = out.trim().split_once(' ').unwrap();
    server.state().never_finish = true;

    let out = run(dir, &["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("synced: sent=1"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("1 photo(s) could not be uploaded and stay queued"),
        "{stderr}"
    );
    assert!(stderr.contains(sha), "{stderr}");
    let list = ok(dir, &["list"]);
    assert!(list.trim().ends_with("\t1"), "still queued: {list}");

    server.state().never_finish = false;
    ok(dir, &["sync"]);
    let list = ok(dir, &["list"]);
    assert!(list.trim().ends_with("\t0"), "{list}");
}

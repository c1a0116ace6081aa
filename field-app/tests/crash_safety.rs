//! Killing the app at any moment loses no committed edit and corrupts nothing.
//!
//! The real `field-app` binary runs a loop of edits (each one transaction, reported on stdout
//! after its commit returned) and is killed with SIGKILL at a random moment, several times in a
//! row, with compaction happening often. After each kill the store must open cleanly, pass
//! `PRAGMA integrity_check`, and hold every edit that was reported — and no gap.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use field_app::LocalStore;
use field_app::actions;
use field_app::store::enrollment::Enrollment;

const TEMPLATE: &str = r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
  "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
    {"key":"note","type":"long_text","label":{"de":"N","en":"N"}}]}]}"#;

fn random(below: u64) -> u64 {
    RandomState::new().build_hasher().finish() % below.max(1)
}

/// The numbers N of the comments `edit N` in the case.
fn edits(dir: &std::path::Path, id: schema::CaseId) -> Vec<u32> {
    let store = LocalStore::open(dir).unwrap();
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
    let case = store.load_case(id).unwrap().hydrate().unwrap();
    let mut numbers: Vec<u32> = case
        .comments
        .iter()
        .filter_map(|c| c.text.strip_prefix("edit ")?.parse().ok())
        .collect();
    numbers.sort_unstable();
    numbers
}

#[test]
fn a_killed_process_loses_no_committed_edit_and_corrupts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut store = LocalStore::open(dir.path()).unwrap();
        let enrollment = Enrollment {
            server_url: "http://127.0.0.1:9".into(),
            device_id: "dev".into(),
            token: "t".into(),
            username: "a.abel".into(),
            display_name: "Anna Abel".into(),
            tenant: "stadt".into(),
            role: "officer".into(),
            enrolled_at_ms: 0,
        };
        store.save_enrollment(&enrollment).unwrap();
        let template = store.put_template(TEMPLATE).unwrap();
        actions::new_case(&mut store, &template, &enrollment).unwrap()
    };

    let mut kills = 0;
    for round in 0..4 {
        let start = edits(dir.path(), id).len() as u32 + 1;
        let mut child = Command::new(env!("CARGO_BIN_EXE_field-app"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["edit-loop", &id.to_string(), "--count", "100000"])
            .args(["--start", &start.to_string(), "--compact-after", "7"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let wait_for = 5 + random(60);
        let mut reported = Vec::new();
        for line in lines.by_ref() {
            let n: u32 = line
                .unwrap()
                .strip_prefix("committed ")
                .unwrap()
                .parse()
                .unwrap();
            reported.push(n);
            if reported.len() as u64 >= wait_for {
                break;
            }
        }
        // Somewhere inside the next edit's transaction (or between two), at random.
        std::thread::sleep(Duration::from_micros(random(4000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        // Lines printed before the kill are still in the pipe: those edits were committed too.
        for line in lines {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("committed ").and_then(|n| n.parse().ok()) {
                reported.push(n);
            }
        }

        let present = edits(dir.path(), id);
        let last = *reported.last().unwrap();
        for n in &reported {
            assert!(
                present.binary_search(n).is_ok(),
                "round {round}: edit {n} was reported committed but is missing"
            );
        }
        let expected: Vec<u32> = (1..=present.len() as u32).collect();
        assert_eq!(
            present, expected,
            "round {round}: edits are 1..=M without gaps"
        );
        assert!(present.len() as u32 >= last);
        assert!(
            present.len() as u32 <= last + 1,
            "at most the edit in flight at the kill is there unreported"
        );
    }
    assert_eq!(kills, 4);

    // The store still works normally after all that.
    let mut store = LocalStore::open(dir.path()).unwrap();
    store.compact_case(id).unwrap();
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
    let n = edits(dir.path(), id).len();
    assert!(n >= 4 * 5, "{n} edits");
}

//! A power cut while the server upgrades an old database: `sync-server` is killed with
//! SIGKILL at many points of the upgrade of a version-3 database with a thousand cases
//! (the steps to the newest version, the re-projection of every case into the new columns and the
//! search index, the pass over every document that version 10 needs). The kill points follow
//! the upgrade's progress — the growth of the database's write-ahead log, measured on an
//! uninterrupted upgrade of the same data — not a clock: at every seventh of its full size,
//! and at the full size.
//!
//! After each kill the database must be intact and at one of the two versions, never in
//! between; the next start finishes the upgrade, and the result equals the uninterrupted one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use naper_tests::{assets_dir, binary};
use rusqlite::Connection;
use schema::{CaseDocument, ChangeAuthor, FieldValue, InspectionCase, PostalAddress, Template};
use sync_server::CaseStore;
use sync_server::store::{documents, tenants};

const CASES: usize = 800;
const KILLS: u64 = 6;
const DATABASE: &str = "naper.sqlite3";

fn template() -> Template {
    let path = assets_dir().join("templates/illegal-waste-dumping.json");
    Template::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A data directory whose database version 3 wrote, holding `CASES` cases with answers.
fn seed_version_3(dir: &Path) {
    let opened = sync_server::services::admin::open(dir).unwrap();
    let store: &dyn CaseStore = &opened;
    store
        .write(|tx| tenants::create(tx, "t", "Stadt T"))
        .unwrap();
    let template = template();
    let author = ChangeAuthor {
        user: "o1".into(),
        device: Some("tablet-1".into()),
    };
    for chunk in (0..CASES).collect::<Vec<_>>().chunks(500) {
        store
            .write(|tx| {
                for &i in chunk {
                    let mut case =
                        InspectionCase::new_draft(&template, "t", "o1", 1_750_000_000_000);
                    case.title = format!("Sperrmüll Nummer {i}");
                    case.address = Some(PostalAddress {
                        street: "Lindenstraße".into(),
                        house_number: (i % 200).to_string(),
                        postal_code: "06108".into(),
                        city: "Halle (Saale)".into(),
                    });
                    case.fields.insert(
                        "location_description".into(),
                        FieldValue::Text(format!("Kühlschrank und {i} Säcke am Zaun")),
                    );
                    let bytes = CaseDocument::create(&case, &author).unwrap().save();
                    documents::insert(tx, &bytes)?;
                }
                Ok(())
            })
            .unwrap();
    }
    drop(opened);
    let conn = Connection::open(dir.join(DATABASE)).unwrap();
    conn.execute_batch(&sync_server::store::downgrade_sql(3))
        .unwrap();
    conn.execute_batch("VACUUM").unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// `sync-server admin list-devices`: the shortest command that opens, and so upgrades, the
/// database.
fn open_with_server(dir: &Path) -> Child {
    Command::new(binary("sync-server"))
        .args(["admin", "list-devices", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wal_size(dir: &Path) -> u64 {
    std::fs::metadata(dir.join(format!("{DATABASE}-wal"))).map_or(0, |m| m.len())
}

/// Runs the upgrade to its end, returning the largest write-ahead log seen on the way.
fn upgrade_to_the_end(dir: &Path) -> u64 {
    let mut child = open_with_server(dir);
    let mut largest = 0;
    loop {
        largest = largest.max(wal_size(dir));
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut stderr).unwrap();
            }
            assert!(status.success(), "the upgrade failed: {stderr}");
            return largest;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Starts the upgrade and kills the process once the log has grown to `bytes`, or when it
/// ends by itself. Returns whether the kill came before the process was done.
fn kill_when_the_log_reaches(dir: &Path, bytes: u64) -> bool {
    let mut child = open_with_server(dir);
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if wal_size(dir) >= bytes {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        assert!(Instant::now() < deadline, "the upgrade did not end");
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn user_version(conn: &Connection) -> i64 {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

/// Everything the upgrade derives, in a comparable form: the projected rows with their new
/// answers column, what the search index finds, the receipts of the version-10 pass.
fn derived_state(dir: &Path) -> (Vec<(String, String, String)>, i64, i64) {
    let conn = Connection::open(dir.join(DATABASE)).unwrap();
    let rows = conn
        .prepare("SELECT id, title, answers FROM cases ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM cases_search WHERE cases_search MATCH '\"Säcke am Zaun\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let receipts: i64 = conn
        .query_row("SELECT count(*) FROM change_receipts", [], |r| r.get(0))
        .unwrap();
    (rows, found, receipts)
}

#[test]
fn killing_the_server_while_it_upgrades_the_database_loses_nothing() {
    let root = tempfile::tempdir().unwrap();
    let seeded = root.path().join("seeded");
    seed_version_3(&seeded);

    let reference = root.path().join("reference");
    copy_dir(&seeded, &reference);
    let largest_log = upgrade_to_the_end(&reference);
    let expected = derived_state(&reference);
    assert_eq!(expected.0.len(), CASES);
    assert_eq!(
        expected.1, CASES as i64,
        "the search index holds every case"
    );
    assert!(
        largest_log > 0,
        "the upgrade wrote no write-ahead log the test could follow"
    );

    let mut before_commit = 0;
    // The last kill waits for the log's full size: the transaction has committed by then, or
    // is committing, and the next open recovers it from the log.
    for k in 1..=KILLS + 1 {
        let dir: PathBuf = root.path().join(format!("killed-{k}"));
        copy_dir(&seeded, &dir);
        let killed = kill_when_the_log_reaches(&dir, largest_log * k / (KILLS + 1));

        let conn = Connection::open(dir.join(DATABASE)).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "kill {k}: the database is damaged");
        let version = user_version(&conn);
        assert!(
            version == 3 || version == i64::from(sync_server::store::latest_version()),
            "kill {k}: the database is at version {version}, between the old and the new"
        );
        let cases: i64 = conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
            .unwrap();
        assert_eq!(cases, CASES as i64, "kill {k}: documents were lost");
        drop(conn);
        if killed && version == 3 {
            before_commit += 1;
        }
        eprintln!(
            "kill {k} at {} of {largest_log} log bytes: {}, found version {version}",
            largest_log * k / (KILLS + 1),
            if killed { "killed" } else { "ended before" }
        );

        upgrade_to_the_end(&dir);
        assert_eq!(
            derived_state(&dir),
            expected,
            "kill {k}: the finished upgrade differs from an uninterrupted one"
        );
    }
    assert!(
        before_commit > 0,
        "no kill landed inside the upgrade's transaction, so the test proved nothing"
    );
}

//! A power cut while citizens send requests: `sync-server` is killed with SIGKILL while a
//! request with a photo is on its way, at points its own progress marks — when the photo,
//! made fit to keep, appears among the held photos (the form is still being read and
//! checked); when it appears among the originals (the request's transaction is about to
//! commit, or just did); and when the answer has arrived. Between the kills, complete
//! requests keep arriving.
//!
//! After every kill the data directory must be whole: each stored request has its case, its
//! number — counted without gaps or repeats —, its confirmation mail in the outbox, and the
//! bytes of each of its photos; no case stands without its request; and every request whose
//! answer the citizen saw is still there after the restart, its tracking link working.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use naper_tests::{ServerProcess, admin};
use rusqlite::{Connection, OpenFlags};

const ROUNDS: usize = 9;
const DATABASE: &str = "naper.sqlite3";
const FORM: &str = "/portal/tgh/leistungen/maengelmeldung";

#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// The photo is held: the form is being read and checked.
    PhotoHeld,
    /// The photo is among the originals: the transaction commits about now.
    PhotoStored,
    /// The answer arrived.
    Answered,
}

/// A photo that takes the server a moment to make fit, different in every round.
fn photo(seed: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(1600, 1200, |x, y| {
        let v = x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ seed.wrapping_mul(2_654_435_761);
        image::Rgb([
            (v % 251) as u8,
            ((v >> 8) % 241) as u8,
            ((v >> 16) % 239) as u8,
        ])
    });
    annotate::photo::encode(&image, annotate::ExportFormat::Jpeg { quality: 90 }).unwrap()
}

fn files_in(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                files_in(&entry.path())
            } else {
                1
            }
        })
        .sum()
}

/// The form's token and the cookie that goes with it.
async fn form_token(http: &reqwest::Client, base: &str) -> (String, String) {
    let response = http.get(format!("{base}{FORM}")).send().await.unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("naper_portal_form="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .expect("the form sets its cookie");
    let body = response.text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker).unwrap() + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    (body[start..end].to_string(), cookie)
}

/// Sends a problem report with a photo; the tracking path on success.
async fn send(http: &reqwest::Client, base: &str, seed: u32) -> Option<String> {
    let (csrf, cookie) = form_token(http, base).await;
    let description = format!("Sperrmüll Nummer {seed}");
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("problem_type", "illegal_dumping"),
        ("location_address.street", "Hauptstraße"),
        ("location_address.house_number", "12"),
        ("location_address.postal_code", "12345"),
        ("location_address.city", "Tegelhausen"),
        ("description", description.as_str()),
        ("notify_email", "anna@example.org"),
        ("website", ""),
    ] {
        form = form.text(name, value.to_string());
    }
    form = form.part(
        "photos.photos",
        reqwest::multipart::Part::bytes(photo(seed)).file_name(format!("IMG_{seed}.jpg")),
    );
    let response = http
        .post(format!("{base}{FORM}"))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .ok()?;
    (response.status() == reqwest::StatusCode::SEE_OTHER)
        .then(|| {
            response
                .headers()
                .get("location")?
                .to_str()
                .ok()
                .map(str::to_string)
        })
        .flatten()
}

/// Checks the data directory of a stopped server; returns how many requests it holds.
fn check_whole(dir: &Path) -> usize {
    let db =
        Connection::open_with_flags(dir.join(DATABASE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut numbers: Vec<String> = db
        .prepare("SELECT number FROM citizen_requests WHERE tenant = 'tgh' ORDER BY number")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    numbers.sort();
    for (i, number) in numbers.iter().enumerate() {
        assert!(
            number.ends_with(&format!("-{:06}", i + 1)),
            "numbers count without gaps or repeats: {numbers:?}"
        );
    }
    let cases: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM cases WHERE created_by = 'buergerin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cases as usize, numbers.len(), "no case without its request");
    let unmailed: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM citizen_requests r WHERE NOT EXISTS (
               SELECT 1 FROM mail_outbox m WHERE m.event_key = 'request-received:' || r.case_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        unmailed, 0,
        "every request's confirmation is queued with it"
    );
    let photos: Vec<String> = db
        .prepare(
            "SELECT p.sha256 FROM case_photos p JOIN citizen_requests r ON r.case_id = p.case_id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(photos.len(), numbers.len(), "one photo per request");
    for sha in &photos {
        let recorded: i64 = db
            .query_row("SELECT COUNT(*) FROM blobs WHERE sha256 = ?1", [sha], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(recorded, 1, "photo {sha} is recorded");
        let bytes = std::fs::read(dir.join("blobs").join(&sha[..2]).join(&sha[2..]))
            .unwrap_or_else(|e| panic!("the bytes of photo {sha}: {e}"));
        annotate::photo::inspect(&bytes, annotate::DecodeLimits::default())
            .unwrap_or_else(|e| panic!("photo {sha} is whole: {e}"));
    }
    numbers.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_survive_a_power_cut_at_every_step_whole_or_not_at_all() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("server");
    std::fs::create_dir_all(&dir).unwrap();
    for args in [
        &["create-tenant", "tgh", "Gemeinde Tegelhausen"][..],
        &["enable-services", "--tenant", "tgh"][..],
    ] {
        let out = admin(&dir, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut answered: Vec<String> = Vec::new();
    let mut seed = 0;
    let mut kills = Vec::new();
    for round in 0..ROUNDS {
        let mut server = ServerProcess::start(&dir, &[]);
        let base = server.url.clone();
        // Every answer the citizens saw before is still there.
        for tracking in &answered {
            let page = http.get(format!("{base}{tracking}")).send().await.unwrap();
            assert_eq!(page.status(), reqwest::StatusCode::OK, "{tracking}");
        }
        // A complete request, then one that the cut meets.
        seed += 1;
        answered.push(send(&http, &base, seed).await.expect("a request arrives"));
        let at = [KillAt::PhotoHeld, KillAt::PhotoStored, KillAt::Answered][round % 3];
        let (held, stored) = (files_in(&dir.join("held")), files_in(&dir.join("blobs")));
        seed += 1;
        let request = tokio::spawn({
            let (http, base) = (http.clone(), base.clone());
            async move { send(&http, &base, seed).await }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let reached = match at {
                KillAt::PhotoHeld => files_in(&dir.join("held")) > held,
                KillAt::PhotoStored => files_in(&dir.join("blobs")) > stored,
                KillAt::Answered => request.is_finished(),
            };
            if reached || request.is_finished() {
                kills.push((at, reached));
                break;
            }
            assert!(Instant::now() < deadline, "the request made no progress");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        server.kill9();
        if let Ok(Some(tracking)) = request.await {
            answered.push(tracking);
        }
        let stored = check_whole(&dir);
        assert!(
            stored >= answered.len(),
            "{stored} stored, {} answered",
            answered.len()
        );
    }
    // The cuts met the requests where they were meant to, not only after them.
    for at in [KillAt::PhotoHeld, KillAt::PhotoStored] {
        assert!(
            kills.iter().any(|(k, reached)| std::mem::discriminant(k)
                == std::mem::discriminant(&at)
                && *reached),
            "no kill at {at:?}: {kills:?}"
        );
    }
    let server = ServerProcess::start(&dir, &[]);
    for tracking in &answered {
        let page = http
            .get(format!("{}{tracking}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), reqwest::StatusCode::OK, "{tracking}");
    }
}

//! Bürgerportal benchmarks (issue 16), figures recorded in BENCHMARKS.md (section `portal`).
//!
//! With 100,000 cases in the store (the back-office benchmark's seeded store, copied, with
//! the citizen services enabled and one citizen's account holding 50 requests):
//!
//! 1. **pages**: the service list, the largest form (the trade registration), and the
//!    timeline "Mein Rathaus" with 50 requests, each asked `SAMPLES` times one after the
//!    other; reported as p50 and p95 of the time from sending the request to the last byte
//!    of the answer over loopback (the server's time plus one round trip). Target p95 ≤ 50 ms.
//! 2. **submissions**: 50 citizens at once, each loading the problem report's form and
//!    sending it with two 3 MB phone photos (made fit on the server: decoded, turned, encoded
//!    anew); every one must arrive (303), and the run reports the wall time and requests per
//!    second.
//!
//! Not criterion: the targets are percentiles and a concurrent burst, which it does not
//! report. Run by `cargo bench` (`--bench`) at full size; any other way
//! (`cargo test --benches`) it is a smoke run with 500 cases, 20 samples and 4 citizens.

// A benchmark: a panic on an unexpected answer is a failed measurement, not a user's problem.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../schema/benches/shared/typical_case.rs"]
#[allow(dead_code)]
mod typical;

#[path = "shared/http.rs"]
mod http;

#[path = "shared/seed.rs"]
#[allow(dead_code)]
mod seed;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sync_server::kernel::config::{Config, PasswordCost};
use sync_server::services::citizen_accounts::{self, Registration};
use sync_server::services::citizen_requests::{self, Confirmation, NewCitizenRequest, Receipt};
use sync_server::services::citizen_services;
use sync_server::store::{citizen_accounts as accounts_store, offered_services};
use tokio::runtime::Runtime;

use http::{cookie_pair, csrf_of};
use seed::{TENANT, bench_data_dir, full_size, queue_data};

const EMAIL: &str = "anna@example.org";
const PASSWORD: &str = "ein langer Satz zum Merken";
const OWN_REQUESTS: usize = 50;
const SEED_VERSION: &str = "v1";

struct NoMail;

impl Confirmation for NoMail {
    fn mail(&self, receipt: &Receipt, _: &schema::Template) -> (String, String, Option<String>) {
        (receipt.number.clone(), String::new(), None)
    }
}

struct Words;

impl citizen_accounts::AccountMails for Words {
    fn confirm(&self, secret: &str) -> (String, String) {
        ("confirm".into(), secret.into())
    }
    fn already_registered(&self) -> (String, String) {
        ("exists".into(), String::new())
    }
    fn reset(&self, secret: &str) -> (String, String) {
        ("reset".into(), secret.into())
    }
}

/// The back-office store with `count` cases, copied, with the portal's data added once.
fn portal_data(count: usize) -> PathBuf {
    let dir = bench_data_dir().join(format!("portal-{count}-{SEED_VERSION}"));
    let done = dir.join("SEEDED");
    if done.exists() {
        eprintln!("portal: reusing the seeded data in {}", dir.display());
        return dir;
    }
    let queue = queue_data(count);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&queue, &dir);
    let _ = std::fs::remove_file(dir.join("SEEDED"));
    let store = sync_server::services::admin::open(&dir).unwrap();
    sync_server::services::templates::install_shared(&store, None).unwrap();
    store
        .write(|tx| {
            for service in [
                "maengelmeldung",
                "gewerbeanmeldung",
                "hausnummer-zuteilung",
                "verkehrsrechtliche-anordnung",
                "kita-vertrag-kuendigen",
                "kita-notbetreuung",
                "grundstueck-kaufanfrage",
            ] {
                offered_services::enable(tx, TENANT, service)?;
            }
            Ok(())
        })
        .unwrap();
    // A citizen with an account and 50 requests, sent through the real path.
    citizen_accounts::register(
        &store,
        &Registration {
            tenant: TENANT.into(),
            email: EMAIL.into(),
            password: PASSWORD.into(),
            language: "de".into(),
            now: 1,
        },
        PasswordCost::InsecureFast,
        &Words,
    )
    .unwrap()
    .unwrap();
    let account = store
        .read(|tx| accounts_store::by_email(tx, TENANT, EMAIL))
        .unwrap()
        .unwrap();
    store
        .write(|tx| accounts_store::mark_verified(tx, &account.id, 1))
        .unwrap();
    let service = citizen_services::find(&store, TENANT, "maengelmeldung")
        .unwrap()
        .unwrap();
    let blobs = sync_server::blobs::BlobStore::open(&dir).unwrap();
    for i in 0..OWN_REQUESTS {
        let answers = [
            (
                "problem_type",
                schema::FieldValue::Choice("illegal_dumping".into()),
            ),
            (
                "description",
                schema::FieldValue::LongText(format!("Sperrmüll Nummer {i}")),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let submitted = citizen_requests::submit(
            &store,
            &blobs,
            NewCitizenRequest {
                tenant: TENANT.into(),
                service: service.clone(),
                answers,
                photos: Vec::new(),
                account_id: Some(account.id.clone()),
                notify_email: None,
                channel: "portal",
                language: schema::Language::De,
                received_at: 1_760_000_000_000 + i as i64 * 86_400_000,
                year: 2025,
            },
            &NoMail,
        )
        .unwrap();
        assert!(matches!(
            submitted,
            citizen_requests::Submitted::Received(_)
        ));
    }
    drop(store);
    std::fs::write(&done, "seeded\n").unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A phone photo of about 3 MB: 4000 × 3000 pixels (12 MP) of a smooth scene with sensor
/// noise, JPEG quality 85; the noise is lowered until the file is at most 3.3 MB.
fn phone_photo(seed: u32) -> Vec<u8> {
    for noise in [48u32, 32, 24, 16, 12, 8, 4] {
        let image = image::RgbImage::from_fn(4000, 3000, |x, y| {
            let v = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed;
            let grain = (v ^ (v >> 13)) % noise;
            image::Rgb([
                ((x / 16 + grain) % 256) as u8,
                ((y / 12 + grain) % 256) as u8,
                (((x + y) / 28 + grain) % 256) as u8,
            ])
        });
        let jpeg =
            annotate::photo::encode(&image, annotate::ExportFormat::Jpeg { quality: 85 }).unwrap();
        if jpeg.len() <= 3_300_000 {
            return jpeg;
        }
    }
    panic!("no photo of at most 3.3 MB")
}

/// p50 and p95 of `samples`.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    (at(0.50), at(0.95))
}

async fn signed_in(http: &reqwest::Client, base: &str) -> String {
    let form = http
        .get(format!("{base}/portal/{TENANT}/konto/anmelden"))
        .send()
        .await
        .unwrap();
    let token = cookie_pair(&form, "naper_portal_form").unwrap();
    let csrf = csrf_of(&form.text().await.unwrap());
    let done = http
        .post(format!("{base}/portal/{TENANT}/konto/anmelden"))
        .header("cookie", token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([
                ("csrf", csrf.as_str()),
                ("email", EMAIL),
                ("password", PASSWORD),
            ])
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        done.status(),
        reqwest::StatusCode::SEE_OTHER,
        "sign-in failed"
    );
    cookie_pair(&done, "naper_citizen").unwrap()
}

async fn pages(http: &reqwest::Client, base: &str, samples: usize) {
    let session = signed_in(http, base).await;
    let timeline = http
        .get(format!("{base}/portal/{TENANT}/mein-rathaus"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        timeline.matches("<li>").count(),
        OWN_REQUESTS,
        "the timeline lists 50"
    );
    for (name, path, cookie) in [
        ("service list", format!("/portal/{TENANT}/"), ""),
        (
            "form (trade registration)",
            format!("/portal/{TENANT}/leistungen/gewerbeanmeldung"),
            "",
        ),
        (
            "timeline with 50 requests",
            format!("/portal/{TENANT}/mein-rathaus"),
            session.as_str(),
        ),
    ] {
        let mut times = Vec::with_capacity(samples);
        for _ in 0..samples {
            let started = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
            response.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        let (p50, p95) = percentiles(times);
        println!(
            "portal/{name}: p50 {:.2} ms, p95 {:.2} ms ({samples} requests)",
            p50.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3
        );
    }
}

/// One citizen: the form, then the report with two photos; the answer's status.
async fn citizen(http: reqwest::Client, base: String, photos: Arc<Vec<Vec<u8>>>, i: usize) -> u16 {
    let path = format!("{base}/portal/{TENANT}/leistungen/maengelmeldung");
    let form = http.get(&path).send().await.unwrap();
    let token = cookie_pair(&form, "naper_portal_form").unwrap();
    let csrf = csrf_of(&form.text().await.unwrap());
    let mut multipart = reqwest::multipart::Form::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("problem_type", "illegal_dumping"),
        ("location_address.street", "Hauptstraße"),
        ("location_address.house_number", "12"),
        ("location_address.postal_code", "10115"),
        ("location_address.city", "Berlin"),
        ("description", "Sperrmüll am Gehweg"),
        ("notify_email", ""),
        ("website", ""),
    ] {
        multipart = multipart.text(name, value.to_string());
    }
    for (n, photo) in photos.iter().skip(i * 2).take(2).enumerate() {
        multipart = multipart.part(
            "photos.photos",
            reqwest::multipart::Part::bytes(photo.clone()).file_name(format!("IMG_{i}_{n}.jpg")),
        );
    }
    http.post(&path)
        .header("cookie", token)
        .multipart(multipart)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn submissions(base: &str, citizens: usize) {
    eprintln!("portal: making {} photos …", citizens * 2);
    let photos: Vec<Vec<u8>> = (0..citizens * 2).map(|i| phone_photo(i as u32)).collect();
    let mean = photos.iter().map(Vec::len).sum::<usize>() / photos.len();
    let photos = Arc::new(photos);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let started = Instant::now();
    let runs: Vec<_> = (0..citizens)
        .map(|i| tokio::spawn(citizen(http.clone(), base.to_string(), photos.clone(), i)))
        .collect();
    let mut statuses = Vec::new();
    for run in runs {
        statuses.push(run.await.unwrap());
    }
    let elapsed = started.elapsed();
    let arrived = statuses.iter().filter(|s| **s == 303).count();
    assert_eq!(arrived, citizens, "every request arrives: {statuses:?}");
    println!(
        "portal/submissions: {citizens} citizens at once, two photos each ({:.1} MB mean), all \
         {arrived} arrived in {:.1} s: {:.2} requests/s",
        mean as f64 / 1e6,
        elapsed.as_secs_f64(),
        citizens as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    let full = full_size();
    let (count, samples, citizens) = if full {
        (100_000, 200, 50)
    } else {
        (500, 20, 4)
    };
    let dir = portal_data(count);
    let rt = Runtime::new().unwrap();
    let mut config = Config::for_tests(&dir);
    // Every citizen of the burst comes from loopback; the limit per address is not what is
    // measured.
    config.citizen_requests_per_hour = std::num::NonZeroU32::new(100_000).unwrap();
    let server = rt.block_on(sync_server::start(config)).unwrap();
    let base = server.url();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    rt.block_on(pages(&http, &base, samples));
    rt.block_on(submissions(&base, citizens));
    rt.block_on(server.shutdown()).unwrap();
}

//! Back-office benchmarks (issue 6), figures recorded in BENCHMARKS.md (section `back office`).
//!
//! 1. **queue**: the review queue (`GET /backoffice/cases` with filters) with 100,000 cases
//!    in the store, each written through `CaseStore::insert_case` so the projection is the
//!    real one. Target ≤ 100 ms server time per page.
//! 2. **case page**: a case with 10 annotated 12 MP photos: the page, the page with its 10
//!    thumbnails, and the page with its thumbnails and all 10 annotated copies, once the
//!    rendered images are cached. Target ≤ 200 ms.
//! 3. **first render**: one annotated 12 MP photo rendered with nothing cached (reported).
//!
//! The server runs in this process (`sync_server::start`, `Config::for_tests`) on its own
//! tokio runtime; requests go over loopback HTTP with a signed-in session, so each figure is
//! the server's time plus one loopback round trip. Seeding 100,000 cases takes minutes, so
//! the seeded data directory is kept under `TARGET/bench-data/` and reused by later runs
//! (delete it to seed again). Run by `cargo bench` (`--bench`) every scenario has its full
//! size; run any other way (`cargo test --benches`) it is a smoke run with 500 cases.

// A benchmark: a panic on an unexpected answer is a failed measurement, not a user's problem.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../schema/benches/shared/typical_case.rs"]
#[allow(dead_code)]
mod typical;

#[path = "shared/http.rs"]
mod http;

#[path = "shared/seed.rs"]
mod seed;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use schema::{CaseDocument, ChangeAuthor, Status};
use sync_server::RunningServer;
use sync_server::blobs::BlobStore;
use sync_server::kernel::config::Config;
use sync_server::store::{blobs, documents};
use tokio::runtime::Runtime;

use http::{cookie_pair, csrf_of};
use seed::{PASSWORD, STAFF, TENANT, bench_data_dir, full_size, officer, queue_data, seed_users};

/// A signed-in back-office session over loopback HTTP.
struct Staff {
    base: String,
    http: reqwest::Client,
    cookie: String,
}

impl Staff {
    async fn sign_in(server: &RunningServer) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let base = server.url();
        let form = http
            .get(format!("{base}/backoffice/login"))
            .send()
            .await
            .unwrap();
        let login_cookie =
            cookie_pair(&form, "naper_login").unwrap_or_else(|| panic!("no naper_login cookie"));
        let body = form.text().await.unwrap();
        let csrf = csrf_of(&body);
        let done = http
            .post(format!("{base}/backoffice/login"))
            .header("cookie", login_cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("csrf", csrf.as_str()),
                    ("username", STAFF),
                    ("password", PASSWORD),
                    ("next", "/backoffice/cases"),
                ])
                .unwrap(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            done.status(),
            reqwest::StatusCode::SEE_OTHER,
            "login failed"
        );
        let cookie = cookie_pair(&done, "naper_session")
            .unwrap_or_else(|| panic!("no naper_session cookie"));
        Self { base, http, cookie }
    }

    /// GETs a back-office path and returns the body's length (the body is read whole).
    async fn get(&self, path: &str) -> usize {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
        response.bytes().await.unwrap().len()
    }

    async fn get_text(&self, path: &str) -> String {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

fn total_of(page: &str) -> u64 {
    let marker = "<span id=\"total\">";
    let start = page.find(marker).unwrap() + marker.len();
    let end = page[start..].find('<').unwrap() + start;
    page[start..end].parse().unwrap()
}

fn start_server(rt: &Runtime, dir: &Path) -> RunningServer {
    rt.block_on(sync_server::start(Config::for_tests(dir)))
        .unwrap()
}

fn queue(c: &mut Criterion) {
    let count = if full_size() { 100_000 } else { 500 };
    let dir = queue_data(count);
    let rt = Runtime::new().unwrap();
    let server = start_server(&rt, &dir);
    let staff = rt.block_on(Staff::sign_in(&server));
    let last_page = count.div_ceil(25);
    let pages = [
        ("all, newest change first", "/backoffice/cases".to_string()),
        (
            "status submitted",
            "/backoffice/cases?status=submitted".to_string(),
        ),
        (
            "officer + created date range",
            "/backoffice/cases?officer=o07&from=2024-03-01&to=2024-08-31".to_string(),
        ),
        (
            "text search (title/address)",
            "/backoffice/cases?q=Lindenstra%C3%9Fe+1".to_string(),
        ),
        (
            "template, sorted by title",
            "/backoffice/cases?template=dog-control&sort=title&dir=asc".to_string(),
        ),
        ("last page", format!("/backoffice/cases?page={last_page}")),
    ];
    for (name, path) in &pages {
        let page = rt.block_on(staff.get_text(path));
        eprintln!("queue: {name}: {} matching cases", total_of(&page));
    }
    let mut group = c.benchmark_group(format!("queue ({count} cases)"));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(6));
    for (name, path) in &pages {
        group.bench_function(*name, |b| b.iter(|| rt.block_on(staff.get(path))));
    }
    group.finish();
    rt.block_on(server.shutdown()).unwrap();
}

/// A 4000 × 3000 photo-like JPEG (gradients and noise), different for every `seed`.
fn photo_12mp(seed: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut state = 0x9e37_79b9u32 ^ seed.wrapping_mul(0x85eb_ca6b);
    let image = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x1f) as u8;
        image::Rgb([
            ((x * 200 / w) as u8).saturating_add(noise),
            ((y * 180 / h) as u8).saturating_add(noise),
            (((x + y + seed) % 256) as u8 / 2).saturating_add(noise),
        ])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&image)
        .unwrap();
    bytes
}

/// A case with `photos` annotated 12 MP photos whose bytes are stored; returns its id and
/// photo ids.
fn case_with_photos(server: &RunningServer, dir: &Path, photos: u32) -> (String, Vec<String>) {
    let store = server.store();
    seed_users(store.as_ref());
    let blobs = BlobStore::open(dir).unwrap();
    let template = typical::template();
    let mut case = typical::typical_case(&template, TENANT, &officer(1), 7);
    let mut photo_list = Vec::new();
    for p in 0..photos {
        let bytes = photo_12mp(p);
        let sha =
            schema::Sha256::from_digest(<sha2::Sha256 as sha2::Digest>::digest(&bytes).into());
        let key = sync_server::blobs::uploads::upload_key(TENANT, &sha);
        std::fs::write(blobs.upload_path(&key), &bytes).unwrap();
        let row = blobs
            .finish_upload(&key, &sha, &sha, annotate::DecodeLimits::default())
            .unwrap();
        store.write(|tx| blobs::insert(tx, &row)).unwrap();
        let mut photo = case.photos[p as usize % case.photos.len()].clone();
        photo.id = schema::PhotoId::new();
        photo.sha256 = sha.to_string();
        photo.byte_size = row.size;
        photo.caption = format!("Ansicht {p}");
        photo_list.push(photo);
    }
    case.photos = photo_list;
    case.status = Status::Submitted;
    let author = ChangeAuthor {
        user: officer(1),
        device: Some("device-1".into()),
    };
    let row = store
        .write(|tx| documents::insert(tx, &CaseDocument::create(&case, &author).unwrap().save()))
        .unwrap();
    (
        row.id.to_string(),
        case.photos.iter().map(|p| p.id.to_string()).collect(),
    )
}

fn case_page(c: &mut Criterion) {
    let photos = if full_size() { 10 } else { 2 };
    let tmp = tempfile::Builder::new()
        .prefix("backoffice-case-")
        .tempdir_in({
            let root = bench_data_dir();
            std::fs::create_dir_all(&root).unwrap();
            root
        })
        .unwrap();
    let rt = Runtime::new().unwrap();
    let server = start_server(&rt, tmp.path());
    let (id, photo_ids) = case_with_photos(&server, tmp.path(), photos);
    let staff = rt.block_on(Staff::sign_in(&server));
    let page_path = format!("/backoffice/cases/{id}");
    let page = rt.block_on(staff.get_text(&page_path));
    let thumbnails: Vec<String> = page
        .match_indices("/thumbnail\"")
        .map(|(end, _)| {
            let start = page[..end].rfind("src=\"").unwrap() + "src=\"".len();
            format!("{}/thumbnail", &page[start..end])
        })
        .collect();
    assert_eq!(thumbnails.len(), photo_ids.len(), "a thumbnail per photo");
    let annotated: Vec<String> = photo_ids
        .iter()
        .map(|p| format!("/backoffice/cases/{id}/photos/{p}/annotated"))
        .collect();

    // First render of one annotated photo, measured by hand too (criterion's figure below).
    let cache = tmp.path().join("annotated");
    let started = Instant::now();
    let bytes = rt.block_on(staff.get(&annotated[0]));
    eprintln!(
        "case page: first render of one annotated 12 MP photo: {:.1} ms ({bytes} bytes)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    // Fill the caches (thumbnails and annotated copies) before the cached measurements.
    rt.block_on(async {
        for path in thumbnails.iter().chain(&annotated) {
            staff.get(path).await;
        }
    });

    let mut group = c.benchmark_group(format!("case page ({photos} annotated 12 MP photos)"));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(6));
    group.bench_function("page only", |b| {
        b.iter(|| rt.block_on(staff.get(&page_path)));
    });
    group.bench_function("page + thumbnails (cached)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut n = staff.get(&page_path).await;
                for path in &thumbnails {
                    n += staff.get(path).await;
                }
                n
            })
        });
    });
    group.bench_function("page + thumbnails + annotated copies (cached)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut n = staff.get(&page_path).await;
                for path in thumbnails.iter().chain(&annotated) {
                    n += staff.get(path).await;
                }
                n
            })
        });
    });
    group.finish();

    let mut group = c.benchmark_group("annotated photo, first render (12 MP, 20 annotations)");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("render + encode, nothing cached", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_dir_all(&cache);
            },
            |()| rt.block_on(staff.get(&annotated[0])),
            BatchSize::PerIteration,
        );
    });
    group.finish();
    rt.block_on(server.shutdown()).unwrap();
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    queue(&mut c);
    case_page(&mut c);
    c.final_summary();
}

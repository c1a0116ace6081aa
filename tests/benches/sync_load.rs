//! Sync under load: the benchmark scenarios of the sync issue, server and tablets on
//! loopback. Figures are recorded in BENCHMARKS.md (section `sync`).
//!
//! 1. **initial**: one real tablet (`field_app::LocalStore` on disk + `SyncClient`) with 500
//!    typical cases that the server has never seen runs `SyncClient::sync`. Target ≤ 2 s.
//! 2. **incremental**: a real tablet with 2,000 cases, all synced; one case changes, the
//!    whole `SyncClient::sync` run is measured (criterion, plus per-run percentiles).
//!    Target ≤ 50 ms.
//! 3. **concurrent**: 200 simulated tablets (each its own case, sync state and connection;
//!    `sim.rs`), each with one change, sync at the same moment. Target ≥ 1,000 merges/s with
//!    p99 of the per-tablet sync run ≤ 200 ms.
//! 4. **upload**: a 12 MB photo uploaded by the tablet's real upload path
//!    (`SyncClient::upload_pending`: status, one streamed request, server-side SHA-256 and
//!    photo check) against plain HTTP PUTs of the same bytes to bench-only routes of the same
//!    server process: one reads and discards the body, one stores it in a file, one also
//!    fsyncs it. Target ≥ 0.8 × the plain upload; every ratio is reported, and so is the CPU
//!    time tablet and server spent together on each upload (half of it is the fastest the
//!    upload could be on 2 cores).
//! 5. **memory**: the release `sync-server` binary as its own process, with the 200
//!    simulated tablets of scenario 3 connected: VmRSS and VmHWM from /proc/PID/status.
//!
//! Scenarios 1–4 run the server in this process, on its own tokio runtime; the tablets run on
//! another. `SYNC_LOAD=initial,upload` runs only the named scenarios. Run by `cargo bench`
//! (`--bench`), every scenario has its full size; run any other way (e.g.
//! `cargo test --benches`) it is a quick smoke run with tiny sizes.

// A benchmark: a panic on an unexpected answer is a failed measurement, not a user's problem.
#![allow(clippy::unwrap_used)]

// The crate root is this file, so its modules are named by path (tests/benches/sync_load/).
#[path = "sync_load/servers.rs"]
mod servers;
#[path = "sync_load/sim.rs"]
mod sim;
#[path = "sync_load/stats.rs"]
mod stats;
#[path = "../../schema/benches/shared/typical_case.rs"]
mod typical;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use field_app::LocalStore;
use field_app::sync_client::{SyncClient, UploadProgress};
use schema::{CaseDocument, ChangeAuthor, FieldValue, Template};
use sha2::{Digest, Sha256};
use sync_protocol::http::{BLOBS, UploadStatus};
use sync_server::access::Visibility;
use sync_server::store::cases;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

use crate::servers::{
    InProcess, PASSWORD, SINK, STORE, STORE_DURABLE, ServerProcess, TENANT, WithSink, officer,
};
use crate::sim::SimTablet;
use crate::stats::{Samples, ms, verdict};

/// Sizes of one run of the benchmark.
struct Plan {
    initial_cases: usize,
    initial_runs: usize,
    incremental_cases: usize,
    incremental_samples: usize,
    incremental_time: Duration,
    tablets: usize,
    bursts: usize,
    upload_runs: usize,
    photo: (u32, u32),
}

impl Plan {
    fn full() -> Self {
        Self {
            initial_cases: 500,
            initial_runs: 5,
            incremental_cases: 2000,
            incremental_samples: 20,
            incremental_time: Duration::from_secs(20),
            tablets: 200,
            bursts: 5,
            upload_runs: 7,
            photo: (4000, 3000),
        }
    }

    fn smoke() -> Self {
        Self {
            initial_cases: 5,
            initial_runs: 1,
            incremental_cases: 20,
            incremental_samples: 10,
            incremental_time: Duration::from_secs(1),
            tablets: 4,
            bursts: 1,
            upload_runs: 1,
            photo: (400, 300),
        }
    }
}

fn runtime(name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .unwrap()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// CPU time so far, in clock ticks (USER_HZ): of the whole machine (every process of the
/// kernel, also those of other users and containers) and of this process with its reaped
/// children (the release server of scenario 5).
#[derive(Clone, Copy)]
struct Cpu {
    at: Instant,
    machine_busy: u64,
    own: u64,
}

impl Cpu {
    fn now() -> Self {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        // user nice system idle iowait irq softirq steal
        let fields: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .take(8)
            .filter_map(|n| n.parse().ok())
            .collect();
        let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
        let machine_busy = fields.iter().sum::<u64>().saturating_sub(idle);
        // After "pid (comm)": state is field 3, utime/stime/cutime/cstime fields 14–17.
        let own_stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let own = own_stat
            .rsplit(')')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(11)
            .take(4)
            .filter_map(|n| n.parse::<u64>().ok())
            .sum();
        Self {
            at: Instant::now(),
            machine_busy,
            own,
        }
    }

    /// CPU used by other processes since `self`, in % of one core (100 ticks per second).
    fn others_since(self) -> f64 {
        let now = Self::now();
        let others = now.machine_busy.saturating_sub(self.machine_busy) as f64
            - now.own.saturating_sub(self.own) as f64;
        others.max(0.0) / now.at.duration_since(self.at).as_secs_f64().max(1e-3)
    }
}

/// Runs a scenario and reports how much CPU was used outside this process meanwhile: other
/// engineers' builds on a shared machine, but also kernel work for this process that is not
/// charged to it (network interrupts, writeback).
fn measured(scenario: impl FnOnce()) {
    let before = Cpu::now();
    scenario();
    println!(
        "   (meanwhile CPU outside this process — other processes, and kernel work such as \
         interrupts and writeback — averaged {:.0} % of one core)",
        before.others_since()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let plan = if full { Plan::full() } else { Plan::smoke() };
    let only = std::env::var("SYNC_LOAD").ok();
    let wants = |name: &str| {
        only.as_deref()
            .is_none_or(|list| list.split(',').any(|s| s.trim() == name))
    };
    // Checked first, so a missing binary is reported before minutes of other scenarios.
    let binary = wants("memory").then(servers::release_binary);

    println!(
        "sync_load: {} mode; {} × \"{}\"; load average at start {}; other \
         processes used {:.0} % of one core in the 3 s before",
        if full { "full" } else { "smoke (tiny sizes)" },
        std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model(),
        load_average(),
        {
            let before = Cpu::now();
            std::thread::sleep(Duration::from_secs(if full { 3 } else { 0 }));
            before.others_since()
        }
    );
    let started = Instant::now();
    let server_rt = runtime("server");
    let client_rt = runtime("tablets");
    let mut criterion = Criterion::default().configure_from_args();

    if wants("initial") {
        measured(|| initial(&plan, &server_rt, &client_rt));
    }
    if wants("incremental") {
        measured(|| incremental(&plan, &mut criterion, &server_rt, &client_rt));
    }
    if wants("concurrent") {
        measured(|| concurrent_in_process(&plan, &server_rt, &client_rt));
    }
    if wants("upload") {
        measured(|| upload(&plan, &server_rt, &client_rt));
    }
    if let Some(binary) = binary {
        measured(|| memory(&plan, &binary, &client_rt));
    }
    criterion.final_summary();
    println!(
        "\nsync_load: done in {:.0} s; load average at end {}",
        started.elapsed().as_secs_f64(),
        load_average()
    );
}

fn title(text: &str) {
    println!("\n== {text}");
}

/// Enrolls the tablet's store as `username` and returns its client.
async fn enroll(url: &str, store: &mut LocalStore, username: &str) -> SyncClient {
    let enrollment = SyncClient::new(url)
        .unwrap()
        .enroll(store, username, PASSWORD, "bench tablet")
        .await
        .unwrap();
    SyncClient::for_enrollment(&enrollment).unwrap()
}

fn no_progress() -> impl FnMut(&UploadProgress) + Send {
    |_| {}
}

/// Stores `n` new typical cases of `officer` in `store`; returns their ids and the total
/// size of the saved documents.
fn create_cases(
    store: &mut LocalStore,
    template: &Template,
    officer: &str,
    n: usize,
) -> (Vec<schema::CaseId>, usize) {
    let author = ChangeAuthor {
        user: officer.into(),
        device: Some("bench tablet".into()),
    };
    let mut ids = Vec::with_capacity(n);
    let mut bytes = 0;
    for i in 0..n {
        let case = typical::typical_case(template, TENANT, officer, i as u64);
        let mut doc = CaseDocument::create(&case, &author).unwrap();
        bytes += doc.save().len();
        ids.push(store.insert_case(&mut doc).unwrap());
    }
    (ids, bytes)
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

/// Scenario 1: the first sync of a tablet full of cases.
fn initial(plan: &Plan, server_rt: &Runtime, client_rt: &Runtime) {
    let n = plan.initial_cases;
    title(&format!(
        "1. initial sync: {n} typical cases from one tablet (LocalStore + SyncClient::sync), \
         fresh server each run"
    ));
    let template = typical::template();
    // The tablet's store is made once and copied for each run.
    let seed = servers::scratch_dir("tablet-seed-");
    let bytes = {
        let mut store = LocalStore::open(seed.path()).unwrap();
        create_cases(&mut store, &template, &officer(0), n).1
    };
    println!(
        "   data: {n} cases, {bytes} bytes of saved Automerge documents ({:.1} KB per case)",
        bytes as f64 / n as f64 / 1000.0
    );
    let mut samples = Samples::default();
    for run in 1..=plan.initial_runs {
        let server = InProcess::start(server_rt, 1);
        let dir = servers::scratch_dir("tablet-");
        copy_dir(seed.path(), dir.path());
        let mut store = LocalStore::open(dir.path()).unwrap();
        let client = client_rt.block_on(enroll(&server.url(), &mut store, &officer(0)));
        // Until every case is on the server: since the round budget of the intake (session
        // 6), a run defers what does not fit one round to the next run, so the officer's
        // initial sync may take more than one run; each is counted and reported.
        let start = Instant::now();
        let mut report = client_rt
            .block_on(client.sync(&mut store, &mut no_progress()))
            .unwrap();
        assert_eq!(report.documents.sent, n);
        let mut runs = 1;
        while !report.documents.rejected.is_empty() && runs < 10 {
            report = client_rt
                .block_on(client.sync(&mut store, &mut no_progress()))
                .unwrap();
            runs += 1;
        }
        let took = start.elapsed();
        assert!(
            report.documents.rejected.is_empty(),
            "{:?}",
            report.documents.rejected
        );
        if runs > 1 {
            println!("   run {run}: every case on the server after {runs} sync runs");
        }
        let everyone = Visibility::Tenant {
            tenant: TENANT.into(),
        };
        let stored = server
            .store()
            .read(|tx| cases::list(tx, &everyone))
            .unwrap()
            .len();
        assert_eq!(stored, n, "every case is on the server");
        println!(
            "   run {run}: {:.3} s ({} HTTP rounds, messages per round {:?})",
            took.as_secs_f64(),
            report.documents.messages_per_round.len(),
            report.documents.messages_per_round
        );
        samples.push(took);
        drop(store);
        server.stop(server_rt);
    }
    println!(
        "   RESULT initial sync of {n} cases: median {:.3} s (min {:.3}, max {:.3}) over {} runs; \
         target ≤ 2 s: {}",
        samples.median().as_secs_f64(),
        samples.min().as_secs_f64(),
        samples.max().as_secs_f64(),
        samples.len(),
        verdict(samples.median() <= Duration::from_secs(2))
    );
}

/// Scenario 2: one changed case among many (criterion).
fn incremental(plan: &Plan, c: &mut Criterion, server_rt: &Runtime, client_rt: &Runtime) {
    let n = plan.incremental_cases;
    title(&format!(
        "2. incremental sync: 1 changed case among {n} (whole SyncClient::sync run)"
    ));
    let template = typical::template();
    let server = InProcess::start(server_rt, 1);
    let dir = servers::scratch_dir("tablet-incremental-");
    let mut store = LocalStore::open(dir.path()).unwrap();
    let client = client_rt.block_on(enroll(&server.url(), &mut store, &officer(0)));
    let author = store.require_enrollment().unwrap().author();
    let (ids, _) = create_cases(&mut store, &template, &officer(0), n);
    let start = Instant::now();
    let mut report = client_rt
        .block_on(client.sync(&mut store, &mut no_progress()))
        .unwrap();
    assert_eq!(report.documents.sent, n);
    // What a run deferred for the round budget follows in the next runs.
    for _ in 0..10 {
        if report.documents.rejected.is_empty() {
            break;
        }
        report = client_rt
            .block_on(client.sync(&mut store, &mut no_progress()))
            .unwrap();
    }
    assert!(report.documents.rejected.is_empty());
    println!(
        "   setup: {n} cases synced in {:.1} s (not measured)",
        start.elapsed().as_secs_f64()
    );

    let mut samples = Samples::default();
    let mut rounds = Vec::new();
    let mut edits = 0usize;
    let mut group = c.benchmark_group("sync");
    group
        .sample_size(plan.incremental_samples)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(plan.incremental_time);
    group.bench_function(format!("incremental, 1 changed case of {n}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // Not measured: the officer's edit (a different case each time, so no case
                // collects hundreds of changes).
                let id = ids[edits % ids.len()];
                edits += 1;
                let value = i64::try_from(edits).unwrap_or_default();
                store
                    .update_case(id, |doc| {
                        doc.edit(&author, 1_763_900_000_000 + value, |case| {
                            case.fields.insert("f2".into(), FieldValue::Integer(value));
                        })?;
                        Ok(())
                    })
                    .unwrap();
                let start = Instant::now();
                let report = client_rt
                    .block_on(client.sync(&mut store, &mut no_progress()))
                    .unwrap();
                let took = start.elapsed();
                assert_eq!(report.documents.sent, 1);
                assert!(
                    report.documents.rejected.is_empty(),
                    "{:?}",
                    report.documents.rejected
                );
                rounds.push(report.documents.messages_per_round.len());
                total += took;
                samples.push(took);
            }
            total
        })
    });
    group.finish();
    rounds.sort_unstable();
    println!(
        "   every measured run (criterion's warm-up included): {} runs, median {:.1} ms, p90 \
         {:.1} ms, p99 {:.1} ms, min {:.1} ms, max {:.1} ms; HTTP rounds per run {}–{}",
        samples.len(),
        ms(samples.median()),
        ms(samples.percentile(90.0)),
        ms(samples.percentile(99.0)),
        ms(samples.min()),
        ms(samples.max()),
        rounds.first().copied().unwrap_or(0),
        rounds.last().copied().unwrap_or(0),
    );
    println!(
        "   RESULT incremental sync, 1 of {n}: median {:.1} ms; target ≤ 50 ms: {}",
        ms(samples.median()),
        verdict(samples.median() <= Duration::from_millis(50))
    );
    drop(store);
    server.stop(server_rt);
}

/// One burst: every tablet syncs its one change at the same moment.
struct Burst {
    wall: Duration,
    merges: usize,
    failed: usize,
    latencies: Samples,
}

impl Burst {
    fn merges_per_s(&self) -> f64 {
        self.merges as f64 / self.wall.as_secs_f64()
    }
}

/// Enrolls `n` simulated tablets (officer `i` each) and syncs each one's new case once.
fn setup_tablets(client_rt: &Runtime, url: &str, n: usize) -> Vec<SimTablet> {
    let template = Arc::new(typical::template());
    client_rt.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..n {
            let url = url.to_string();
            let template = template.clone();
            set.spawn(async move {
                let mut tablet = SimTablet::enroll(&url, &officer(i), &template, i as u64).await;
                let run = tablet.sync().await.unwrap();
                assert!(run.in_sync && run.sent == 1 && run.rejected == 0);
                tablet
            });
        }
        let mut tablets = Vec::with_capacity(n);
        while let Some(tablet) = set.join_next().await {
            tablets.push(tablet.unwrap());
        }
        tablets
    })
}

fn burst(client_rt: &Runtime, mut tablets: Vec<SimTablet>) -> (Burst, Vec<SimTablet>) {
    for tablet in &mut tablets {
        tablet.edit();
    }
    client_rt.block_on(async move {
        let start = Instant::now();
        let mut set = JoinSet::new();
        for mut tablet in tablets {
            set.spawn(async move {
                let run_start = Instant::now();
                let run = tablet.sync().await;
                (tablet, run_start.elapsed(), run)
            });
        }
        let mut back = Vec::new();
        let mut result = Burst {
            wall: Duration::ZERO,
            merges: 0,
            failed: 0,
            latencies: Samples::default(),
        };
        while let Some(joined) = set.join_next().await {
            let (tablet, took, run) = joined.unwrap();
            match run {
                Ok(run) if run.sent == 1 && run.in_sync && run.rejected == 0 => result.merges += 1,
                other => {
                    if result.failed == 0 {
                        println!("   a tablet's run did not merge: {other:?}");
                    }
                    result.failed += 1;
                }
            }
            result.latencies.push(took);
            back.push(tablet);
        }
        result.wall = start.elapsed();
        (result, back)
    })
}

/// Runs one unmeasured warm-up burst and `plan.bursts` measured ones; prints and returns
/// them with the tablets (still connected).
fn bursts(
    plan: &Plan,
    client_rt: &Runtime,
    tablets: Vec<SimTablet>,
) -> (Vec<Burst>, Vec<SimTablet>) {
    let (warm, mut tablets) = burst(client_rt, tablets);
    println!(
        "   warm-up burst (not counted): {} merges in {:.0} ms",
        warm.merges,
        ms(warm.wall)
    );
    let mut measured = Vec::new();
    for i in 1..=plan.bursts {
        let (b, back) = burst(client_rt, tablets);
        tablets = back;
        println!(
            "   burst {i}: {} merges ({} failed) in {:.0} ms = {:.0} merges/s; per-tablet run \
             p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            b.merges,
            b.failed,
            ms(b.wall),
            b.merges_per_s(),
            ms(b.latencies.median()),
            ms(b.latencies.percentile(99.0)),
            ms(b.latencies.max())
        );
        measured.push(b);
    }
    (measured, tablets)
}

/// The verdict over measured bursts: median throughput, and percentiles of every tablet run.
fn summarize_bursts(label: &str, n: usize, measured: &[Burst]) {
    let mut rates: Vec<f64> = measured.iter().map(Burst::merges_per_s).collect();
    rates.sort_by(f64::total_cmp);
    let median_rate = if rates.is_empty() {
        0.0
    } else if rates.len() % 2 == 1 {
        rates[rates.len() / 2]
    } else {
        (rates[rates.len() / 2 - 1] + rates[rates.len() / 2]) / 2.0
    };
    let mut all = Samples::default();
    for b in measured {
        all.extend(&b.latencies);
    }
    let failed: usize = measured.iter().map(|b| b.failed).sum();
    let p99 = all.percentile(99.0);
    println!(
        "   RESULT {label}, {n} tablets × {} bursts: median {median_rate:.0} merges/s (min {:.0}, \
         max {:.0}); per-tablet sync run over all {} runs: p50 {:.0} ms, p90 {:.0} ms, p99 \
         {:.0} ms, max {:.0} ms; {failed} failed; target ≥ 1000 merges/s: {}, p99 ≤ 200 ms: {}",
        measured.len(),
        rates.first().copied().unwrap_or(0.0),
        rates.last().copied().unwrap_or(0.0),
        all.len(),
        ms(all.median()),
        ms(all.percentile(90.0)),
        ms(p99),
        ms(all.max()),
        verdict(median_rate >= 1000.0),
        verdict(p99 <= Duration::from_millis(200))
    );
}

/// Scenario 3: many tablets at once, against the server in this process.
fn concurrent_in_process(plan: &Plan, server_rt: &Runtime, client_rt: &Runtime) {
    let n = plan.tablets;
    title(&format!(
        "3. concurrent: {n} simulated tablets sync one change each at the same moment \
         (server in this process)"
    ));
    let server = InProcess::start(server_rt, n);
    let start = Instant::now();
    let tablets = setup_tablets(client_rt, &server.url(), n);
    println!(
        "   setup: {n} tablets enrolled, each case created and synced, in {:.1} s (not measured)",
        start.elapsed().as_secs_f64()
    );
    let (measured, tablets) = bursts(plan, client_rt, tablets);
    summarize_bursts("concurrent (in-process server)", n, &measured);
    drop(tablets);
    server.stop(server_rt);
}

/// A photo-like JPEG: gradients plus sensor-like noise (±16 per channel), quality 95, so it
/// is as large as a high-quality camera photo: 11.9 MB at 4000 × 3000.
fn photo_jpeg((width, height): (u32, u32)) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 33) as f32 - 16.0
    };
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let r = 80.0 + 110.0 * fx + noise();
        let g = 120.0 + 70.0 * (fx * 5.0 + fy * 3.0).sin() + noise();
        let b = 50.0 + 140.0 * fy + noise();
        image::Rgb([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&image)
        .unwrap();
    out
}

/// The photo with a JPEG comment naming `k` right after the start marker: the same size, a
/// different SHA-256, so the server does not deduplicate it.
fn variant(jpeg: &[u8], k: usize) -> Vec<u8> {
    let text = format!("naper bench {k:08}");
    let len = u16::try_from(text.len() + 2).unwrap().to_be_bytes();
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE, len[0], len[1]]);
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Scenario 4: the tablet's photo upload against a plain upload of the same bytes.
fn upload(plan: &Plan, server_rt: &Runtime, client_rt: &Runtime) {
    title(
        "4. photo upload: SyncClient::upload_pending vs plain HTTP PUTs of the same bytes to \
         the same server process (one route discards the body, one stores it in a file)",
    );
    let jpeg = photo_jpeg(plan.photo);
    let size = variant(&jpeg, 0).len();
    println!(
        "   data: a {}×{} JPEG of {size} bytes ({:.1} MB), a new variant per upload",
        plan.photo.0,
        plan.photo.1,
        size as f64 / 1e6
    );
    let server = WithSink::start(server_rt);
    let dir = servers::scratch_dir("tablet-upload-");
    let mut store = LocalStore::open(dir.path()).unwrap();
    let client = client_rt.block_on(enroll(server.url(), &mut store, &officer(0)));
    let token = store.require_enrollment().unwrap().token;
    let http = reqwest::Client::new();
    let (mut plain, mut stored, mut durable, mut tablet, mut single) = (
        Timed::default(),
        Timed::default(),
        Timed::default(),
        Timed::default(),
        Timed::default(),
    );
    let (mut write, mut hash) = (Samples::default(), Samples::default());
    let mut k = 0;
    // Run 0 warms up connections and caches and is not counted.
    for run in 0..=plan.upload_runs {
        // Plain: one PUT, the server reads and drops the body; then one it stores in a file.
        let plain_took = plain_put(
            client_rt,
            &http,
            &format!("{}{SINK}", server.url()),
            variant(&jpeg, k),
        );
        let stored_took = plain_put(
            client_rt,
            &http,
            &format!("{}{STORE}", server.url()),
            variant(&jpeg, k + 1),
        );
        let durable_took = plain_put(
            client_rt,
            &http,
            &format!("{}{STORE_DURABLE}", server.url()),
            variant(&jpeg, k + 2),
        );
        k += 3;

        // The tablet: the photo is in its store and outbox (not measured), then the upload.
        let bytes = variant(&jpeg, k);
        k += 1;
        let sha = store.put_blob(&bytes, "image/jpeg").unwrap();
        store.enqueue_upload(&sha, None, size as u64).unwrap();
        let (report, tablet_took) = Took::of(|| {
            client_rt
                .block_on(client.upload_pending(&mut store, &mut no_progress()))
                .unwrap()
        });
        assert_eq!(report.completed, vec![sha]);
        assert_eq!(report.bytes_uploaded, size as u64);

        // The real upload endpoint in one request (no chunking): the server's own cost.
        let bytes = variant(&jpeg, k);
        k += 1;
        let sha = hex_sha256(&bytes);
        let (status, single_took) = Took::of(|| -> UploadStatus {
            client_rt.block_on(async {
                let response = http
                    .put(format!(
                        "{}{BLOBS}/{sha}/upload?offset=0&size={size}",
                        server.url()
                    ))
                    .bearer_auth(&token)
                    .body(bytes)
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                response.json().await.unwrap()
            })
        });
        assert!(status.complete);

        // What any upload that keeps and verifies the bytes must do at least, without HTTP:
        // write them to a file on the same disk (as the server does, no fsync), and SHA-256
        // them (the content address), timed separately.
        let bytes = variant(&jpeg, k);
        k += 1;
        let path = dir.path().join("floor.part");
        let start = Instant::now();
        std::fs::write(&path, &bytes).unwrap();
        let write_took = start.elapsed();
        let start = Instant::now();
        let digest = hex_sha256(&bytes);
        let hash_took = start.elapsed();
        assert_eq!(digest.len(), 64);
        std::fs::remove_file(&path).unwrap();

        println!(
            "   run {run}{}: plain {:.1} ms, plain stored {:.1} ms, plain stored durably {:.1} ms, \
             tablet upload {:.1} ms, one-request upload {:.1} ms, no HTTP: write {:.1} ms, \
             SHA-256 {:.1} ms",
            if run == 0 { " (warm-up)" } else { "" },
            ms(plain_took.wall),
            ms(stored_took.wall),
            ms(durable_took.wall),
            ms(tablet_took.wall),
            ms(single_took.wall),
            ms(write_took),
            ms(hash_took)
        );
        if run > 0 {
            plain.push(plain_took);
            stored.push(stored_took);
            durable.push(durable_took);
            tablet.push(tablet_took);
            single.push(single_took);
            write.push(write_took);
            hash.push(hash_took);
        }
    }
    let rate = |d: Duration| size as f64 / 1e6 / d.as_secs_f64();
    for (label, s) in [
        ("plain PUT to the sink", &plain),
        ("plain PUT stored to a file", &stored),
        ("plain PUT stored to a file durably", &durable),
        ("tablet upload (upload_pending)", &tablet),
        ("upload endpoint, one request", &single),
    ] {
        println!(
            "   {label}: median {:.1} ms = {:.0} MB/s (min {:.1}, max {:.1} ms; {} runs); CPU of \
             tablet and server together: median {:.1} ms",
            ms(s.wall.median()),
            rate(s.wall.median()),
            ms(s.wall.min()),
            ms(s.wall.max()),
            s.wall.len(),
            ms(s.cpu.median()),
        );
    }
    for (label, s) in [
        ("no HTTP: write the file only", &write),
        ("no HTTP: SHA-256 only", &hash),
    ] {
        println!(
            "   {label}: median {:.1} ms = {:.0} MB/s (min {:.1}, max {:.1} ms; {} runs)",
            ms(s.median()),
            rate(s.median()),
            ms(s.min()),
            ms(s.max()),
            s.len()
        );
    }
    let (plain, stored, durable, tablet, single) = (
        plain.wall,
        stored.wall,
        durable.wall,
        tablet.wall,
        single.wall,
    );
    let ratio = rate(tablet.median()) / rate(plain.median());
    let ratio_stored = rate(tablet.median()) / rate(stored.median());
    let ratio_durable = rate(tablet.median()) / rate(durable.median());
    println!(
        "   RESULT photo upload throughput: tablet {:.0} MB/s vs plain discarded {:.0} MB/s = \
         {ratio:.2} × (target ≥ 0.8 ×: {}); vs plain stored {:.0} MB/s = {ratio_stored:.2} × \
         ({}); vs plain stored durably {:.0} MB/s = {ratio_durable:.2} × ({}); one-request \
         endpoint {:.2} × discarded, {:.2} × stored durably",
        rate(tablet.median()),
        rate(plain.median()),
        verdict(ratio >= 0.8),
        rate(stored.median()),
        verdict(ratio_stored >= 0.8),
        rate(durable.median()),
        verdict(ratio_durable >= 0.8),
        rate(single.median()) / rate(plain.median()),
        rate(single.median()) / rate(durable.median()),
    );
    drop(store);
    server.stop(server_rt);
}

/// How long one plain PUT of `body` to `url` took; the route answers the bytes it got.
fn plain_put(client_rt: &Runtime, http: &reqwest::Client, url: &str, body: Vec<u8>) -> Took {
    let size = body.len();
    let (answer, took) = Took::of(|| {
        client_rt.block_on(async {
            let response = http.put(url).body(body).send().await.unwrap();
            assert!(response.status().is_success());
            response.text().await.unwrap()
        })
    });
    assert_eq!(answer, size.to_string());
    took
}

/// The wall-clock time and the CPU time of this process (tablet and server together, all
/// threads) that one upload took. On 2 cores, half the CPU time is as fast as it can go.
#[derive(Debug, Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

impl Took {
    fn of<T>(upload: impl FnOnce() -> T) -> (T, Self) {
        let (cpu, start) = (process_cpu(), Instant::now());
        let out = upload();
        let took = Self {
            wall: start.elapsed(),
            cpu: process_cpu().saturating_sub(cpu),
        };
        (out, took)
    }
}

fn process_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// [`Took`] of several uploads.
#[derive(Debug, Default)]
struct Timed {
    wall: Samples,
    cpu: Samples,
}

impl Timed {
    fn push(&mut self, took: Took) {
        self.wall.push(took.wall);
        self.cpu.push(took.cpu);
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Scenario 5: the release binary's memory with the simulated tablets connected.
fn memory(plan: &Plan, binary: &Path, client_rt: &Runtime) {
    let n = plan.tablets;
    title(&format!(
        "5. server memory: release binary {} as its own process, {n} simulated tablets",
        binary.display()
    ));
    let server = ServerProcess::start(binary, n);
    let pid = server.pid();
    let show = |when: &str| {
        let m = servers::memory(pid);
        println!(
            "   {when}: VmRSS {:.1} MiB, VmHWM {:.1} MiB, {} threads, {} established connections",
            m.rss_kib as f64 / 1024.0,
            m.hwm_kib as f64 / 1024.0,
            m.threads,
            servers::established_connections(server.port)
        );
        m
    };
    show("started, no tablet");
    let tablets = setup_tablets(client_rt, &server.url, n);
    show(&format!("{n} tablets enrolled, one case each synced"));
    let (measured, tablets) = bursts(plan, client_rt, tablets);
    let connected = servers::established_connections(server.port);
    let m = show(&format!("after the bursts, {n} tablets connected"));
    summarize_bursts("concurrent (release binary, own process)", n, &measured);
    println!(
        "   RESULT server memory with {connected} connected tablets: VmRSS {:.1} MiB, VmHWM {:.1} \
         MiB",
        m.rss_kib as f64 / 1024.0,
        m.hwm_kib as f64 / 1024.0
    );
    drop(tablets);
}

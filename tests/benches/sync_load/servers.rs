//! The servers the scenarios run against, all on loopback: the sync server in this process
//! (`sync_server::start`), the same router with bench-only plain upload routes merged in
//! (scenario 4), and the release `sync-server` binary as a separate process (scenario 5).

use std::future::poll_fn;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::routing::put;
use schema::Role;
use sync_server::identity::auth::hash_password;
use sync_server::kernel::config::{Config, PasswordCost};
use sync_server::store::{NewUser, accounts, tenants};
use sync_server::{CaseStore, RunningServer};
use tokio::io::AsyncWriteExt;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The tenant every bench user belongs to.
pub const TENANT: &str = "bench-stadt";
/// Every bench user's password.
pub const PASSWORD: &str = "bench-passwort-123";
/// The bench-only route that reads and discards a body (the "plain upload" baseline).
pub const SINK: &str = "/bench/sink";
/// The bench-only route that stores a body in a file, as a plain upload handler would: each
/// frame written as it arrives (no hash, no fsync).
pub const STORE: &str = "/bench/store";
/// As [`STORE`], then flushed to the disk (`fdatasync`) before the answer, as a plain upload
/// handler that must not lose an accepted photo would.
pub const STORE_DURABLE: &str = "/bench/store-durable";

/// The user name of officer `i`.
pub fn officer(i: usize) -> String {
    format!("officer{i:03}")
}

/// A fresh directory on the build disk (not a tmpfs), so fsyncs cost what they cost.
pub fn scratch_dir(what: &str) -> tempfile::TempDir {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sync_load");
    std::fs::create_dir_all(&base).unwrap();
    tempfile::Builder::new()
        .prefix(what)
        .tempdir_in(base)
        .unwrap()
}

/// Creates the bench tenant and `officers` officers (fast password hashes: enrollment is
/// not what is measured).
pub fn seed(store: &dyn CaseStore, officers: usize) {
    let hash = hash_password(PASSWORD, PasswordCost::InsecureFast).unwrap();
    store
        .write(|tx| {
            tenants::create(tx, TENANT, "Bench-Stadt")?;
            (0..officers).try_for_each(|i| {
                accounts::create_user(
                    tx,
                    &NewUser {
                        tenant: TENANT.into(),
                        username: officer(i),
                        display_name: format!("Officer {i}"),
                        role: Role::Officer,
                        password_hash: hash.clone(),
                    },
                )
            })
        })
        .unwrap();
}

/// The sync server in this process, on its own runtime (so its tasks do not queue behind the
/// tablets' tasks), on a fresh data directory with the bench tenant.
pub struct InProcess {
    server: Option<RunningServer>,
    _dir: tempfile::TempDir,
}

impl InProcess {
    /// Starts it with `officers` officers.
    pub fn start(rt: &Runtime, officers: usize) -> Self {
        let dir = scratch_dir("server-");
        let server = rt
            .block_on(sync_server::start(Config::for_tests(dir.path())))
            .unwrap();
        seed(server.store().as_ref(), officers);
        Self {
            server: Some(server),
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.as_ref().map(RunningServer::url).unwrap()
    }

    /// The store it serves from.
    pub fn store(&self) -> Arc<dyn CaseStore> {
        self.server.as_ref().map(RunningServer::store).unwrap()
    }

    /// Stops it and waits for the requests in flight.
    pub fn stop(mut self, rt: &Runtime) {
        if let Some(server) = self.server.take() {
            rt.block_on(server.shutdown()).unwrap();
        }
    }
}

/// The production router (`sync_server::sync_api::router`) with the bench-only [`SINK`] route
/// merged in, served in this process. The sink is not part of the production router.
pub struct WithSink {
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// Reads the whole body frame by frame, as the upload handler does, and drops it.
async fn sink(mut body: Body) -> String {
    let mut bytes = 0usize;
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        if let Ok(data) = frame.unwrap().into_data() {
            bytes += data.len();
        }
    }
    bytes.to_string()
}

/// The plain storing upload behind [`STORE`]; answers the bytes stored.
async fn store_plain(State(dir): State<PathBuf>, body: Body) -> String {
    store_streamed(&dir, body, false).await
}

/// The plain durable upload behind [`STORE_DURABLE`]; answers the bytes stored.
async fn store_durable(State(dir): State<PathBuf>, body: Body) -> String {
    store_streamed(&dir, body, true).await
}

/// Writes the body to a new file frame by frame as it arrives, as a plain upload handler
/// would (one large write of the whole body is throttled by the kernel's writeback here and
/// made the baseline slower than uploads that stream), then with `durable` flushes it to
/// the disk.
async fn store_streamed(dir: &Path, mut body: Body, durable: bool) -> String {
    let name = format!("plain-{}.jpg", STORED.fetch_add(1, Ordering::Relaxed));
    let mut file = tokio::fs::File::create(dir.join(name)).await.unwrap();
    let mut bytes = 0usize;
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        if let Ok(data) = frame.unwrap().into_data() {
            file.write_all(&data).await.unwrap();
            bytes += data.len();
        }
    }
    file.flush().await.unwrap();
    if durable {
        file.sync_data().await.unwrap();
    }
    bytes.to_string()
}

static STORED: AtomicUsize = AtomicUsize::new(0);

impl WithSink {
    /// Opens a fresh data directory with one officer and serves on a random loopback port.
    pub fn start(rt: &Runtime) -> Self {
        let dir = scratch_dir("upload-server-");
        let prepared = sync_server::prepare(Config::for_tests(dir.path())).unwrap();
        seed(prepared.state.store.as_ref(), 1);
        let plain_dir = dir.path().join("plain-uploads");
        std::fs::create_dir_all(&plain_dir).unwrap();
        let app = sync_server::app(prepared.state).unwrap().merge(
            Router::new()
                .route(SINK, put(sink))
                .route(STORE, put(store_plain))
                .route(STORE_DURABLE, put(store_durable))
                .with_state(plain_dir),
        );
        let (tx, rx) = oneshot::channel::<()>();
        let (url, task) = rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let task = tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
            });
            (url, task)
        });
        Self {
            url,
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops it.
    pub fn stop(mut self, rt: &Runtime) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            rt.block_on(task).unwrap().unwrap();
        }
    }
}

/// The release `sync-server` binary: `$CARGO_TARGET_DIR/release/sync-server`, or, without
/// `CARGO_TARGET_DIR`, next to this benchmark's own build (`<target>/release/`).
pub fn release_binary() -> PathBuf {
    let name = format!("sync-server{}", std::env::consts::EXE_SUFFIX);
    let release_dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("release"),
        // This benchmark runs as <target>/release/deps/sync_load-<hash>.
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release")),
    };
    let path = release_dir.join(name);
    if !path.is_file() {
        eprintln!(
            "\nsync_load: the release server binary {} does not exist.\n\
             Build it first with `cargo build --release --bins` (with the same CARGO_TARGET_DIR \
             as this benchmark), or run `cargo xtask bench`, which builds it and then runs every \
             benchmark.\n",
            path.display()
        );
        std::process::exit(2);
    }
    path
}

/// The release binary running as its own process on a fresh data directory with the bench
/// tenant; killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its port.
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    /// Seeds a data directory with `officers` officers (through the library, before the
    /// process opens it), starts `sync-server serve` on a random loopback port and waits
    /// until it listens.
    pub fn start(binary: &Path, officers: usize) -> Self {
        let dir = scratch_dir("server-process-");
        {
            let store = sync_server::services::admin::open(dir.path()).unwrap();
            seed(&store, officers);
        }
        let mut child = Command::new(binary)
            .args(["serve", "--addr", "127.0.0.1:0", "--log-level", "warn"])
            .arg("--data-dir")
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = loop {
            assert!(Instant::now() < deadline, "sync-server did not start");
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line.strip_prefix("listening on ") {
                        break rest.trim().to_string();
                    }
                }
                _ => panic!("sync-server exited before listening"),
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let port = url.rsplit(':').next().unwrap().parse().unwrap();
        Self {
            child,
            url,
            port,
            _dir: dir,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Memory of a process from /proc/PID/status, in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// Resident set size now.
    pub rss_kib: u64,
    /// The peak resident set size so far.
    pub hwm_kib: u64,
    /// Threads.
    pub threads: u64,
}

/// Reads VmRSS, VmHWM and Threads of `pid`.
pub fn memory(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kib: field("VmRSS:"),
        hwm_kib: field("VmHWM:"),
        threads: field("Threads:"),
    }
}

/// Established TCP connections whose local port is `port` (the server's side of each
/// tablet's connection), from /proc/net/tcp.
pub fn established_connections(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let local = format!(":{port:04X}");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            cols.len() > 3 && cols[1].ends_with(&local) && cols[3] == "01"
        })
        .count()
}

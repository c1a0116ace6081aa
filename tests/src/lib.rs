//! End-to-end tests of naper across crate boundaries: the bundled assets as the system ships
//! them, and real processes talking real HTTP — a `sync-server` on a random loopback port,
//! `field-app` tablets with their own SQLite stores, and the admin CLI on the server's data
//! directory — and a real SMTP server (aiosmtpd) that the mail outbox delivers to.
//!
//! The tests live in `tests/tests/`; this library holds what they share: locating (and if
//! needed building) the binaries, and handles on running processes.

pub mod axe;
pub mod chrome;
pub mod smtp;
pub mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository's `assets/` directory, where bundled form templates, photos and fonts live.
pub fn assets_dir() -> PathBuf {
    workspace_dir().join("assets")
}

fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The path of a workspace binary (`sync-server` or `field-app`).
///
/// `cargo xtask test` builds all binaries before running the tests (a `cargo build` from
/// inside a running `cargo test` would wait forever for cargo's lock on the build directory).
pub fn binary(name: &str) -> PathBuf {
    let path = target_dir().join("debug").join(name);
    assert!(
        path.exists(),
        "{} does not exist: run `cargo build --workspace --bins` first (cargo xtask test does)",
        path.display()
    );
    path
}

/// Cargo's build directory: `CARGO_TARGET_DIR`, or `target/` in the workspace (also where
/// `cargo xtask test` puts the tests' Python tools).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("target"))
}

/// A running `sync-server` process on a random loopback port. Killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The server's data directory.
    pub data_dir: PathBuf,
    /// Everything the server printed before it was ready (shown when it fails to start).
    pub startup_output: Vec<String>,
}

impl ServerProcess {
    /// Starts a server on `data_dir` (with `extra` arguments such as `--demo`) and waits
    /// until it listens.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_on("127.0.0.1:0", data_dir, extra)
    }

    /// Starts a server on a fixed address (e.g. to restart it where tablets expect it).
    pub fn start_on(addr: &str, data_dir: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(binary("sync-server"))
            .args(["serve", "--addr", addr, "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .env("NAPER_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start sync-server: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut startup_output = Vec::new();
        let url = loop {
            assert!(
                Instant::now() < deadline,
                "sync-server did not start: {startup_output:?}"
            );
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line.strip_prefix("listening on ") {
                        break rest.trim().to_string();
                    }
                    startup_output.push(line);
                }
                _ => panic!("sync-server exited before listening: {startup_output:?}"),
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            url,
            data_dir: data_dir.to_path_buf(),
            startup_output,
        }
    }

    /// The most memory the process has held so far (its peak resident set, `VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.proc_status("VmHWM")
    }

    /// A number from the process's `/proc/PID/status` (`Threads`, `VmRSS` in KiB, …).
    pub fn proc_status(&self, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_else(|e| panic!("cannot read the server's /proc status: {e}"));
        status
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {key} in the server's /proc status"))
    }

    /// Kills the process with SIGKILL, as a power cut or OOM kill would.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A loopback address with a port that was free a moment ago, for a server that must come
/// back on the same address after a restart.
pub fn free_loopback_addr() -> String {
    format!("127.0.0.1:{}", free_loopback_port())
}

/// A loopback port that was free a moment ago.
pub fn free_loopback_port() -> u16 {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("no free port: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("no local address: {e}"))
        .port()
}

/// Runs `sync-server admin …` on a data directory.
pub fn admin(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(binary("sync-server"))
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sync-server admin: {e}"))
}

/// Runs `binary args…` with `input` on its standard input (a password, kept off the command
/// line).
pub fn run_with_stdin(binary_name: &str, args: &[&std::ffi::OsStr], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(binary(binary_name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {binary_name}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("cannot write to {binary_name}'s stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{binary_name} did not finish: {e}"))
}

/// A tablet: a `field-app` data directory, driven through the headless command.
pub struct Tablet {
    /// The tablet's data directory.
    pub dir: PathBuf,
}

impl Tablet {
    /// A tablet with its store in `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// Runs `field-app --data-dir DIR args…`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(binary("field-app"))
            .arg("--data-dir")
            .arg(&self.dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run field-app: {e}"))
    }

    /// Runs a command that must succeed; returns its trimmed stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "field-app {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The hydrated case as JSON (`field-app show`).
    pub fn case(&self, id: &str) -> serde_json::Value {
        let json = self.ok(&["show", id]);
        serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("`show` did not print JSON ({e}): {json}"))
    }
}

/// Answers that complete a case of the bundled `illegal-waste-dumping` template, as
/// `field-app set` takes them (two photos complete it: [`Tablet::complete_waste_inspection`]).
pub const WASTE_INSPECTION_ANSWERS: &[(&str, &str)] = &[
    ("inspected_at", r#""2026-11-23T09:30:00+01:00""#),
    ("officer_name", r#""Olga Eins""#),
    ("occasion", r#""citizen_report""#),
    (
        "location_gps",
        r#"{"lat":52.52,"lon":13.405,"accuracy_m":4.0}"#,
    ),
    ("land_type", r#""green_space""#),
    ("waste_types", r#"["bulky"]"#),
    ("volume_m3", "2.5"),
    ("hazardous", "false"),
    ("polluter_clues", "false"),
    ("removal_arranged", "false"),
];

impl Tablet {
    /// Answers case `id` of `illegal-waste-dumping` completely, adds two photos of the bundled
    /// assets and submits it.
    pub fn complete_waste_inspection(&self, id: &str) {
        for (key, value) in WASTE_INSPECTION_ANSWERS {
            self.ok(&["set", id, key, value]);
        }
        for name in ["orientation-1.jpg", "orientation-6.jpg"] {
            let photo = assets_dir().join("photos").join(name);
            let photo = photo
                .to_str()
                .unwrap_or_else(|| panic!("{} is no UTF-8 path", photo.display()));
            self.ok(&["add-photo", id, "photos", photo]);
        }
        self.ok(&["submit", id]);
    }
}

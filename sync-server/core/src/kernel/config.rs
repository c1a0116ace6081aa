//! How a server instance is configured; `main.rs` fills this from flags and environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sync_protocol::Limits;

use super::body_pace::BodyPace;

/// The SQLite file inside the data directory.
pub const DATABASE_FILE: &str = "naper.sqlite3";

/// Whether to seed the demo tenant. A server that faces the public never gets demo users
/// with known passwords by accident: only `--demo` seeds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSeed {
    /// Seed it unless it exists (`--demo`).
    Always,
    /// Never (the default).
    Never,
}

/// How expensive password hashes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with the recommended parameters (19 MiB, 2 passes).
    Default,
    /// Minimal parameters, for tests only: still argon2id, much faster, not for production.
    InsecureFast,
}

/// The background maintenance task: compaction of document change rows, and the sweep of
/// abandoned partial uploads (the blobs layer's upload sweep) in the same run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    /// How often the task runs; `None` disables both compaction and the upload sweep.
    pub interval: Option<Duration>,
    /// A document is compacted when it has more change rows than this.
    pub min_rows: usize,
}

impl Default for Compaction {
    fn default() -> Self {
        Self {
            interval: Some(Duration::from_secs(60)),
            min_rows: 32,
        }
    }
}

/// The back office's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoffice {
    /// Whether session cookies always carry `Secure` (the browser sends them only over
    /// https). Cookies also get `Secure` whenever the request arrived over https
    /// (`X-Forwarded-Proto: https` from the reverse proxy that terminates TLS), whatever this
    /// says. On by default; off only for plain-http tests and local trials
    /// (`--insecure-cookies`).
    pub secure_cookies: bool,
    /// How long a session lasts after login; then the user signs in again.
    pub session_ttl: Duration,
    /// How long a session lasts without a request (a desk left alone); then the user signs
    /// in again, even before `session_ttl`.
    pub session_idle: Duration,
}

impl Default for Backoffice {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            session_ttl: Duration::from_secs(8 * 60 * 60),
            session_idle: Duration::from_secs(30 * 60),
        }
    }
}

/// How the server keeps slow and many clients in bounds: what one client may hold, and for
/// how long, so that a crowd of slow or hostile ones cannot keep a tablet from syncing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    /// Longest time for a request head (and for the next one on a kept-alive connection).
    pub header_read_timeout: Duration,
    /// How slowly a sync or upload body may arrive.
    pub body_pace: BodyPace,
    /// Photo upload requests receiving at once, in all (each holds a file, a blocking
    /// thread and a hashing thread).
    pub upload_slots: usize,
    /// Sync bodies being received at once, in all.
    pub sync_bodies: usize,
    /// Requests of each kind (sync bodies, uploads) one device may have in progress at once.
    pub per_device: usize,
    /// Bytes of sync bodies held at once, received or waiting for their round.
    pub sync_body_budget: usize,
}

impl Default for Traffic {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            body_pace: BodyPace::default(),
            upload_slots: 32,
            sync_bodies: 256,
            // A tablet syncs and uploads one request at a time; a second allows for a request
            // the tablet gave up on and the server has not noticed yet.
            per_device: 2,
            sync_body_budget: 128 * 1024 * 1024,
        }
    }
}

/// How the server sends e-mail: the SMTP server the outbox goes to, the sender address, and
/// how patiently a mail the SMTP server did not take is tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// `smtp://HOST:PORT` (plain, for a relay on the same host or network),
    /// `smtp://USER:PASSWORD@HOST:587?tls=required` (STARTTLS) or `smtps://…:465`; `None`:
    /// mails are queued and wait until a server is configured — nothing is lost.
    pub smtp_url: Option<String>,
    /// The `From` address, e.g. `Stadt Musterhausen <noreply@musterhausen.de>`.
    pub from: String,
    /// The wait after the first failed attempt; it doubles with every further one.
    pub retry_first: Duration,
    /// The longest wait between two attempts.
    pub retry_max: Duration,
    /// How long after queueing a mail the SMTP server keeps refusing for the time being is
    /// given up (a permanent refusal is given up at once).
    pub give_up_after: Duration,
    /// How long a claimed mail is the sender's alone: longer than one SMTP conversation.
    pub lease: Duration,
    /// How long a sent or given-up mail is kept before it is forgotten (it holds personal
    /// data: an address and what the office wrote).
    pub keep_done: Duration,
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "naper <noreply@localhost>".into(),
            retry_first: Duration::from_secs(60),
            retry_max: Duration::from_secs(60 * 60),
            give_up_after: Duration::from_secs(3 * 24 * 60 * 60),
            lease: Duration::from_secs(5 * 60),
            keep_done: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// Everything a server instance needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Where the database, blobs and uploads live.
    pub data_dir: PathBuf,
    /// The database, as a URL (`sqlite://PATH`); `None`: SQLite in the data directory.
    pub database_url: Option<String>,
    /// Sync size limits.
    pub limits: Limits,
    /// Largest photo in bytes (default 64 MiB).
    pub max_blob_bytes: u64,
    /// Bounds for slow and many clients.
    pub traffic: Traffic,
    /// Background compaction.
    pub compaction: Compaction,
    /// How long a partial photo upload may go without receiving bytes before the background
    /// task (run with compaction) deletes it (default 7 days: a tablet offline over a long
    /// weekend still resumes).
    pub upload_max_idle: Duration,
    /// A device token not used to sync for this long is refused, and the device must be
    /// enrolled again (default 60 days; `None`: never).
    pub device_max_idle: Option<Duration>,
    /// A directory of template JSON files to load instead of the bundled ones.
    pub templates_dir: Option<PathBuf>,
    /// When to seed the demo tenant.
    pub demo: DemoSeed,
    /// Cost of password hashes created by this instance (demo users).
    pub password_cost: PasswordCost,
    /// Back-office sessions.
    pub backoffice: Backoffice,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the sign-in
    /// throttles); empty: the peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Outgoing e-mail.
    pub mail: Mail,
    /// Where people reach this server (`https://rathaus.example.org`), for the links in
    /// e-mails; `None`: `http://` and the listening address (set by `start` once bound).
    pub public_url: Option<String>,
    /// Citizen requests one address may send per hour without an account (default 10).
    pub citizen_requests_per_hour: std::num::NonZeroU32,
}

impl Config {
    /// The defaults for `data_dir`, listening on `127.0.0.1:8080`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            database_url: None,
            limits: Limits::default(),
            max_blob_bytes: 64 * 1024 * 1024,
            traffic: Traffic::default(),
            compaction: Compaction::default(),
            upload_max_idle: Duration::from_secs(7 * 24 * 60 * 60),
            device_max_idle: Some(Duration::from_secs(60 * 24 * 60 * 60)),
            templates_dir: None,
            demo: DemoSeed::Never,
            password_cost: PasswordCost::Default,
            backoffice: Backoffice::default(),
            trusted_proxies: Vec::new(),
            mail: Mail::default(),
            public_url: None,
            citizen_requests_per_hour: std::num::NonZeroU32::MIN.saturating_add(9),
        }
    }

    /// A configuration for tests: a random loopback port, no demo seeding, fast password
    /// hashes, compaction only on demand, session cookies without `Secure` (plain http).
    pub fn for_tests(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            compaction: Compaction {
                interval: None,
                min_rows: 32,
            },
            demo: DemoSeed::Never,
            password_cost: PasswordCost::InsecureFast,
            backoffice: Backoffice {
                secure_cookies: false,
                ..Backoffice::default()
            },
            ..Self::new(data_dir)
        }
    }

    /// Where people reach this server, without a trailing `/`: the configured public URL,
    /// else `http://` and the listening address.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    /// The database file.
    pub fn database_path(&self) -> PathBuf {
        database_path(&self.data_dir)
    }
}

/// The database file inside `data_dir`.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

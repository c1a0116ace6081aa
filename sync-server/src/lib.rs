//! The naper sync server: the place where the officers' tablets and the back office meet.
//!
//! Tablets enroll once with a user name and password and get a device token; from then on
//! they sync their inspection cases (Automerge documents) over `POST /api/v1/sync`, upload
//! photos as content-addressed blobs and fetch form templates. The HTTP contract is
//! `sync_protocol::http`. Staff review, correct, decide and assign in the [`backoffice`]'s
//! server-rendered pages under `/backoffice`.
//!
//! The server is a house of crates: `naper-server-core` holds the layers, bottom first —
//! [`kernel`], [`store`], [`access`], [`identity`], [`blobs`], [`services`] — and above it
//! the surfaces are crates of their own, [`sync_api`] and [`backoffice`], which never depend
//! on each other. This crate is the binary and the one place that knows them all: [`app`]
//! composes their routers (ARCHITECTURE.md has the map). It re-exports every layer under its
//! old path, so `sync_server::store` is the core's `store`.
//!
//! # A sync request, step by step
//!
//! 1. `sync_api/principal.rs`: the bearer token's SHA-256 is looked up in the database
//!    (every request, so a revocation by the admin CLI in another process counts at once)
//!    and becomes an [`access::Device`], one kind of [`access::Principal`].
//! 2. `sync_api/sync.rs`: the CBOR body, bounded by `Limits::max_body_bytes` before it is read
//!    completely, is decoded with the protocol's limits; a bad body is a 4xx with an
//!    `ErrorBody`. The round itself is [`services::sync_round`]:
//! 3. The request's documents are checked by [`access::SyncPolicy`]; the admitted ones and
//!    the **offers** (visible documents whose heads differ from the heads the device is known
//!    to have, one SQL query) are loaded with the device's stored sync states.
//! 4. `sync_protocol::serve` applies every message in isolation (a large request's documents
//!    on all cores, through [`services::core_threads`]), asks the policy before and after, and generates replies and offers. The
//!    policy hydrates each changed case once to check it and keeps it for the projection.
//! 5. In **one transaction** ([`store::sync_states::commit_round`]): the changes of every
//!    accepted, changed document are appended and its projection row updated — from the
//!    round's hydrated case when the stored document was still at the heads the round loaded,
//!    else re-derived from the stored document (another round merged meanwhile); every loaded
//!    replica's sync state is stored, and the device's known heads move only when it reported
//!    heads in this round (recorded as the server's own heads when the heads both sides share
//!    are all of the server's: the device has everything the server has, perhaps plus changes
//!    the server refused, so the document is not offered again until the server's copy moves).
//!
//! # Invariants
//!
//! - The Automerge document is the source of truth; the `cases` projection is derived from
//!   it in the same transaction as every write and can be rebuilt
//!   ([`store::documents::rebuild_projection`]).
//! - Access is decided in [`access`] only; another tenant's case looks exactly like a case
//!   the device may not see, whether it exists or not.
//! - A failing document is never persisted and never stops the other documents of a round.
//! - Handlers are stateless; nothing of a sync run lives in memory between requests.
//! - Bytes from outside never panic the server; blocking work runs in `spawn_blocking`.
//! - Photo originals are stored once under their verified SHA-256 and never rewritten.

// The layers, bottom first (naper-server-core; ARCHITECTURE.md, and xtask's tidy test holds
// their order).
pub use server_core::{access, blobs, identity, kernel, services, store};
// The surfaces: each owns its routes and its error pages; none uses another.
pub use backoffice;
pub use sync_api;

use std::net::SocketAddr;
use std::sync::Arc;

use crate::store::tenants;
use axum::Router;
use axum::routing::get;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub use kernel::config::Config;
pub use services::ServerError;
pub use store::{CaseStore, SqliteStore, StoreError};

use crate::blobs::BlobStore;
use crate::blobs::photo_uploads::PhotoUploads;
use crate::kernel::config::DemoSeed;
use crate::kernel::connections::serve_connections;
use crate::services::demo::{self, DemoUser};
use crate::services::mail::{self, Outbox};
use crate::services::sync_bodies::SyncBodies;
use crate::services::{AppState, SyncRounds, admin, compaction, templates};

/// A server running in this process.
pub struct RunningServer {
    addr: SocketAddr,
    store: Arc<dyn CaseStore>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    compaction: Option<JoinHandle<()>>,
    mail: Option<JoinHandle<()>>,
    notices: JoinHandle<()>,
    /// The demo users seeded at this start, with their passwords.
    pub demo_users: Option<Vec<DemoUser>>,
}

impl RunningServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The store it serves from (e.g. for back-office edits in tests).
    pub fn store(&self) -> Arc<dyn CaseStore> {
        self.store.clone()
    }

    /// Stops accepting connections, finishes the requests in flight and returns.
    ///
    /// # Errors
    /// [`ServerError::Io`] when serving failed.
    pub async fn shutdown(mut self) -> Result<(), ServerError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.finish().await
    }

    async fn finish(self) -> Result<(), ServerError> {
        // The sender may be in mid-send: the mail's claim lapses and it is sent again by the
        // next start, under the same Message-ID.
        for task in [&self.compaction, &self.mail].into_iter().flatten() {
            task.abort();
        }
        // Notices not queued yet stay owed in the history and are queued after the restart.
        self.notices.abort();
        self.task
            .await
            .map_err(|e| ServerError::Io(format!("the server task failed: {e}")))
    }
}

/// The whole server as one router: every surface's routes, composed here and nowhere else.
/// Tests can send it requests in-process (`tower::ServiceExt::oneshot`) without a port.
///
/// # Errors
/// [`ServerError::Auth`] when no random key can be made for the portal's photo references.
pub fn app(state: AppState) -> Result<Router, ServerError> {
    let submissions = portal::SubmissionLimit::per_hour(state.config.citizen_requests_per_hour);
    let intake = portal::PhotoIntake::new()?;
    Ok(Router::new()
        .merge(sync_api::router())
        .nest(backoffice::BASE, backoffice::router())
        .nest(portal::BASE, portal::router(submissions, intake))
        .route("/health", get(|| async { "ok" }))
        .fallback(fallback)
        .layer(CatchPanicLayer::custom(kernel::panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}

/// What no surface routes: on a tenant's own portal host, that portal (its root above all);
/// elsewhere the API's 404.
async fn fallback(
    axum::extract::State(state): axum::extract::State<AppState>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match portal::host::redirect(&state, &method, &headers, &uri).await {
        Some(to_portal) => to_portal,
        None => sync_api::not_found().await.into_response(),
    }
}

/// A server ready to serve: its state, and the demo users seeded while preparing it.
pub struct Prepared {
    /// What every handler shares.
    pub state: AppState,
    /// The demo users seeded now, with their passwords.
    pub demo_users: Option<Vec<DemoUser>>,
}

/// Opens the data directory, installs the templates and seeds the demo tenant if
/// configured. Blocking.
///
/// # Errors
/// [`ServerError`] when the data directory or the templates are unusable.
pub fn prepare(config: Config) -> Result<Prepared, ServerError> {
    let store = admin::open_url(config.database_url.as_deref(), &config.data_dir)?;
    let blobs = BlobStore::open(&config.data_dir).map_err(|e| {
        ServerError::Io(format!(
            "cannot create the blob directories in {}: {e}",
            config.data_dir.display()
        ))
    })?;
    templates::install_shared(store.as_ref(), config.templates_dir.as_deref())?;
    let demo_users = if config.demo == DemoSeed::Always {
        demo::seed(store.as_ref(), config.password_cost)?
    } else {
        None
    };
    let blobs = Arc::new(blobs);
    let state = AppState {
        uploads: PhotoUploads::new(store.clone(), blobs.clone(), &config.traffic),
        sync_bodies: SyncBodies::new(&config.traffic, config.limits.max_body_bytes),
        store,
        blobs,
        config: Arc::new(config),
        documents: Arc::default(),
        sync_rounds: SyncRounds::default(),
        mail: Outbox::default(),
        cases: Arc::default(),
    };
    Ok(Prepared { state, demo_users })
}

/// Prepares the server ([`prepare`]), binds the address, and starts serving and the
/// background work (compaction, the upload sweep, finishing uploads a crash left whole, the
/// mail outbox's sender).
///
/// # Errors
/// [`ServerError`] when the data directory, the templates or the address are unusable.
pub async fn start(mut config: Config) -> Result<RunningServer, ServerError> {
    let addr = config.addr;
    // Bound first, so that the links in e-mails name the port a test's port 0 became;
    // connections wait in the backlog until the server is prepared.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| ServerError::Io(format!("cannot listen on {addr}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Io(format!("cannot read the bound address: {e}")))?;
    config.addr = addr;
    let Prepared { state, demo_users } = tokio::task::spawn_blocking(move || prepare(config))
        .await
        .map_err(|e| ServerError::Io(format!("start-up failed: {e}")))??;

    let store = state.store.clone();
    let sweep = state.uploads.sweep(state.config.upload_max_idle);
    let header_read_timeout = state.config.traffic.header_read_timeout;
    // Composed before any task starts, so a failure here leaves nothing running.
    let app = app(state.clone())?;
    {
        // In the background, so the server listens at once: tablets that ask about one of
        // these uploads meanwhile finish it themselves (each path claims the upload first).
        let uploads = state.uploads.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = uploads.complete_received_at_start() {
                tracing::error!("uploads left complete by a crash could not be listed: {e}");
            }
        });
    }
    let compaction = compaction::spawn(store.clone(), state.config.compaction, sweep);
    let mail = mail::spawn(store.clone(), &state.config.mail, &state.mail)
        .map_err(ServerError::Invalid)?;
    // Citizens hear of their requests' new statuses, however they were made (a tablet's sync,
    // the back office): the history rows written with each change are turned into notices.
    let notices = server_core::services::citizen_requests::spawn_status_notices(
        store.clone(),
        std::sync::Arc::new(portal::StatusNotices {
            public_base: state.config.public_base(),
        }),
        state.mail.clone(),
        std::time::Duration::from_secs(2),
    );
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The peer address reaches handlers as `ConnectInfo` (the back office's login
        // throttle counts failures per user name and address).
        serve_connections(listener, app, header_read_timeout, async {
            let _ = rx.await;
        })
        .await;
    });
    Ok(RunningServer {
        addr,
        store,
        shutdown: Some(tx),
        task,
        compaction,
        mail,
        notices,
        demo_users,
    })
}

/// Starts the server, prints any demo credentials and then `listening on http://ADDR` to
/// stdout, and serves until Ctrl-C (or SIGTERM).
///
/// # Errors
/// As [`start`], or when serving fails.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let demo_requested = config.demo == DemoSeed::Always;
    let server = start(config).await?;
    match &server.demo_users {
        Some(users) => {
            for line in demo::credential_lines(users) {
                println!("{line}");
            }
        }
        None if demo_requested => println!(
            "demo tenant `{}` exists already; its passwords were shown when it was seeded \
             (set new ones with the reset-password command)",
            demo::TENANT
        ),
        None => {}
    }
    let store = server.store();
    if tokio::task::spawn_blocking(move || store.read(tenants::none_yet))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(false)
    {
        println!(
            "no tenant yet: create one with `sync-server admin create-tenant ID NAME` and its \
             first admin with `sync-server admin create-user --tenant ID --username NAME \
             --display-name NAME --role admin --password-stdin` (or --generate-password FILE); \
             or start with --demo for a demo tenant"
        );
    }
    println!("listening on {}", server.url());
    tracing::info!(addr = %server.addr(), "sync server started");
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

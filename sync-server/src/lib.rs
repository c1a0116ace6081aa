//! The naper sync server: the place where the officers' tablets and the back office meet.
//!
//! Tablets enroll once with a user name and password and get a device token; from then on
//! they sync their inspection cases (Automerge documents) over `POST /api/v1/sync`, upload
//! photos as content-addressed blobs and fetch form templates. The HTTP contract is
//! `sync_protocol::http`. Staff review, correct, decide and assign in the [`backoffice`]'s
//! server-rendered pages under `/backoffice`.
//!
//! # A sync request, step by step
//!
//! 1. [`auth`]: the bearer token's SHA-256 is looked up in the database (every request, so a
//!    revocation by the admin CLI in another process counts at once) and becomes an
//!    [`access::Principal`].
//! 2. `http/sync.rs`: the CBOR body, bounded by `Limits::max_body_bytes` before it is read
//!    completely, is decoded with the protocol's limits; a bad body is a 4xx with an
//!    `ErrorBody`.
//! 3. The request's documents are checked by [`access::SyncPolicy`]; the admitted ones and
//!    the **offers** (visible documents whose heads differ from the heads the device is known
//!    to have, one SQL query) are loaded with the device's stored sync states.
//! 4. `sync_protocol::serve` applies every message in isolation (a large request's documents
//!    on all cores), asks the policy before and after, and generates replies and offers. The
//!    policy hydrates each changed case once to check it and keeps it for the projection.
//! 5. In **one transaction** ([`store::CaseStore::commit_sync`]): the changes of every
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
//!   ([`store::CaseStore::rebuild_projection`]).
//! - Access is decided in [`access`] only; another tenant's case looks exactly like a case
//!   the device may not see, whether it exists or not.
//! - A failing document is never persisted and never stops the other documents of a round.
//! - Handlers are stateless; nothing of a sync run lives in memory between requests.
//! - Bytes from outside never panic the server; blocking work runs in `spawn_blocking`.
//! - Photo originals are stored once under their verified SHA-256 and never rewritten.

pub mod access;
pub mod admin;
pub mod auth;
pub mod backoffice;
pub mod blobs;
pub mod compaction;
pub mod config;
pub mod demo;
pub mod doc_cache;
pub mod http;
pub mod projection;
pub mod store;
pub mod templates;
pub mod throttle;
pub mod upload_completion;
pub mod upload_sweep;
pub mod uploads;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::Config;
pub use store::{CaseStore, SqliteStore, StoreError};

use crate::blobs::BlobStore;
use crate::config::DemoSeed;
use crate::demo::DemoUser;
use crate::http::AppState;

/// What can stop the server from starting, or an admin command from working.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// File or network access failed.
    #[error("{0}")]
    Io(String),
    /// A template does not load.
    #[error("{0}")]
    Templates(String),
    /// Passwords or randomness failed.
    #[error(transparent)]
    Auth(#[from] auth::AuthError),
    /// A value given on the command line is not usable.
    #[error("{0}")]
    Invalid(String),
}

/// A server running in this process.
pub struct RunningServer {
    addr: SocketAddr,
    store: Arc<dyn CaseStore>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    compaction: Option<JoinHandle<()>>,
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
        if let Some(compaction) = &self.compaction {
            compaction.abort();
        }
        match self.task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ServerError::Io(format!("serving failed: {e}"))),
            Err(e) => Err(ServerError::Io(format!("the server task failed: {e}"))),
        }
    }
}

/// Opens the data directory, installs the templates, seeds the demo tenant if configured,
/// binds the address and starts serving in the background.
///
/// # Errors
/// [`ServerError`] when the data directory, the templates or the address are unusable.
pub async fn start(config: Config) -> Result<RunningServer, ServerError> {
    let setup = config.clone();
    let (store, blobs, demo_users) = tokio::task::spawn_blocking(move || {
        let store: Arc<dyn CaseStore> = Arc::new(admin::open(&setup.data_dir)?);
        let blobs = BlobStore::open(&setup.data_dir).map_err(|e| {
            ServerError::Io(format!(
                "cannot create the blob directories in {}: {e}",
                setup.data_dir.display()
            ))
        })?;
        templates::install_shared(store.as_ref(), setup.templates_dir.as_deref())?;
        let seed = match setup.demo {
            DemoSeed::Always => true,
            DemoSeed::IfEmpty => store.is_empty()?,
            DemoSeed::Never => false,
        };
        let demo_users = if seed {
            demo::seed(store.as_ref(), setup.password_cost)?
        } else {
            None
        };
        Ok::<_, ServerError>((store, blobs, demo_users))
    })
    .await
    .map_err(|e| ServerError::Io(format!("start-up failed: {e}")))??;

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| ServerError::Io(format!("cannot listen on {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Io(format!("cannot read the bound address: {e}")))?;

    let blobs = Arc::new(blobs);
    let uploads: Arc<uploads::Uploads> = Arc::default();
    let sweep = upload_sweep::UploadSweep {
        blobs: blobs.clone(),
        uploads: uploads.clone(),
        max_idle: config.upload_max_idle,
    };
    {
        // In the background, so the server listens at once: tablets that ask about one of
        // these uploads meanwhile finish it themselves (each path claims the upload first).
        let (store, blobs, uploads) = (store.clone(), blobs.clone(), uploads.clone());
        tokio::task::spawn_blocking(move || {
            if let Err(e) =
                upload_completion::complete_received_uploads(store.as_ref(), &blobs, &uploads)
            {
                tracing::error!("uploads left complete by a crash could not be listed: {e}");
            }
        });
    }
    let compaction = compaction::spawn(store.clone(), config.compaction, sweep);
    let state = AppState {
        store: store.clone(),
        blobs,
        config: Arc::new(config),
        uploads,
        documents: Arc::default(),
        sync_rounds: http::SyncRounds::default(),
    };
    let (tx, rx) = oneshot::channel::<()>();
    let app = http::router(state);
    let task = tokio::spawn(async move {
        // The peer address reaches handlers as `ConnectInfo` (the back office's login
        // throttle counts failures per user name and address).
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await
    });
    Ok(RunningServer {
        addr,
        store,
        shutdown: Some(tx),
        task,
        compaction,
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

//! The server's persistence: one module per aggregate, written once over two transaction
//! primitives, and the rows they read and write.
//!
//! [`CaseStore`] is only what differs between backends: a write transaction and a read
//! transaction ([`WriteTx`], [`ReadTx`]). Everything the handlers, the background tasks and
//! the admin CLI read or write is a function of its aggregate — [`tenants`], [`accounts`],
//! [`sessions`], [`grants`], [`audit`], [`templates`], [`cases`] (with [`case_query`]),
//! [`documents`], [`internal_comments`], [`sync_states`], [`blobs`], [`uploads`] — called
//! inside one of them: `store.read(|tx| accounts::user(tx, name))`, or several aggregates in
//! one transaction, `store.write(|tx| { cases::edit(tx, …)?; audit::append(tx, &entry) })`.
//! The trait is a plain synchronous one, called from `tokio::task::spawn_blocking`, and
//! object-safe: the server holds an `Arc<dyn CaseStore>`, so another backend (PostgreSQL,
//! issue 20) can stand behind it without making every handler generic; the backend is chosen
//! by the database URL ([`DatabaseUrl`]), SQLite being the only one so far.
//!
//! Every write that touches a case document (a sync merge, a back-office edit, a compaction)
//! updates the document's rows and its projection ([`crate::store::projection`]) in one
//! transaction, so the projection never disagrees with the documents a reader can see.

pub mod accounts;
mod admin;
pub mod audit;
mod backoffice;
pub mod blobs;
pub mod case_query;
pub mod cases;
pub mod citizen_accounts;
pub mod citizen_requests;
pub mod documents;
pub mod grants;
pub mod internal_comments;
pub mod offered_services;
pub mod outbox;
pub mod portal_looks;
pub mod projection;
pub mod request_messages;
pub mod sessions;
mod sql;
mod sqlite;
pub mod sync_states;
pub mod templates;
pub mod tenants;
mod tx;
pub mod uploads;
mod url;

use schema::{CaseId, Role};

/// Which cases a principal may see, as a filter the store turns into SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every case of the tenant (staff and viewers).
    Tenant {
        /// Tenant id.
        tenant: String,
    },
    /// Cases of the tenant the officer created or is assigned to.
    Officer {
        /// Tenant id.
        tenant: String,
        /// The officer's user name.
        username: String,
    },
}

pub use admin::{AuditPage, AuditQuery, DeviceActivity};
pub use backoffice::{AuditEntry, CasePage, CaseQuery, CaseSort, NewSession, SessionRow};
pub use sqlite::{SqliteStore, downgrade_sql, latest_version};
pub use tx::{ReadTx, WriteTx};
pub use url::DatabaseUrl;

use crate::kernel::AppError;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("the database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database could not be brought up to this build's layout; it was left as it was.
    #[error("the database could not be upgraded to this build's layout: {0}")]
    Migration(Box<sqlite_migrations::MigrationError<StoreError>>),
    /// A stored or written document is not a readable case.
    #[error("{0}")]
    Document(#[from] schema::Error),
    /// Reading or writing a file under the data directory failed.
    #[error("file access under the data directory failed: {0}")]
    Io(#[from] std::io::Error),
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The thing to create exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// A value that cannot be stored (e.g. an unknown role).
    #[error("{0}")]
    Invalid(String),
    /// An edit ([`cases::edit`]) refused the case as it is now stored;
    /// nothing was written.
    #[error("{0}")]
    Refused(String),
    /// A user who still has open cases assigned cannot be deleted: nobody's tablet would
    /// get those cases any more.
    #[error(
        "`{username}` still has {cases} open cases assigned; assign them to someone else \
         first"
    )]
    StillAssigned {
        /// The user.
        username: String,
        /// Cases assigned to them that are not approved, rejected or closed.
        cases: u64,
    },
    /// A template version that is not newer than every stored version of its id: published
    /// versions never change, since cases and tablets keep the version they were made with.
    #[error(
        "template `{id}` version {version} is not newer than the stored version {current}; \
         upload it with a version above {current}"
    )]
    TemplateNotNewer {
        /// The template id.
        id: String,
        /// The version that was to be stored.
        version: u32,
        /// The newest stored version of the id.
        current: u32,
    },
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// A tenant (municipality, county, ministry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRow {
    /// Id, e.g. `demo`.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Tenant id.
    pub tenant: String,
    /// User name, unique across the server.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string (made by the identity layer's `hash_password`).
    pub password_hash: String,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Tenant id.
    pub tenant: String,
    /// User name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// Device id.
    pub id: String,
    /// Owner.
    pub username: String,
    /// Tenant of the owner.
    pub tenant: String,
    /// Role of the owner.
    pub role: Role,
    /// Name given at enrollment.
    pub name: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When it last synced, if it did.
    pub last_seen_at: Option<i64>,
}

/// What access decisions need to know about a stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    /// Tenant.
    pub tenant: String,
    /// The officer who created the case (`created.by`).
    pub created_by: String,
    /// The assigned officer.
    pub assignee: Option<String>,
    /// The status as last stored; `None` when the stored text names no status.
    pub status: Option<schema::Status>,
}

/// One row of the relational projection `cases`, derived from the document.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    /// Case id.
    pub id: CaseId,
    /// Tenant.
    pub tenant: String,
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: u32,
    /// Workflow status as written in the document (`draft`, `in_review`, …).
    pub status: String,
    /// User name of the creator.
    pub created_by: String,
    /// User name of the assigned officer.
    pub assignee: Option<String>,
    /// Latitude of the inspection place.
    pub lat: Option<f64>,
    /// Longitude of the inspection place.
    pub lon: Option<f64>,
    /// The address on one line.
    pub address: Option<String>,
    /// Title.
    pub title: String,
    /// Creation time, ms since the epoch (from the document).
    pub created_at: i64,
    /// Last change, ms since the epoch (from the document).
    pub updated_at: i64,
    /// The document's heads ([`sync_protocol::heads_key`]).
    pub heads: String,
    /// The answers as text (one line per answer), for the queue's text search.
    pub answers: String,
    /// SHA-256 of every photo the case references.
    pub photos: Vec<String>,
}

impl CaseRow {
    /// The access-relevant part of the row.
    pub fn access(&self) -> CaseAccess {
        CaseAccess {
            tenant: self.tenant.clone(),
            created_by: self.created_by.clone(),
            assignee: self.assignee.clone(),
            status: self.status.parse().ok(),
        }
    }
}

/// A stored document with one device's sync state, for a sync round.
#[derive(Debug, Clone, Default)]
pub struct StoredReplica {
    /// The document's bytes (snapshot and appended changes); `None` when it is not stored.
    pub doc: Option<Vec<u8>>,
    /// The device's encoded sync state; `None` when it never synced the document.
    pub state: Option<Vec<u8>>,
    /// The document's heads as the projection records them (`None` when it is not stored).
    pub heads: Option<String>,
}

/// Changes to append to a document after a merge.
#[derive(Debug, Clone)]
pub struct DocAppend {
    /// The document.
    pub id: CaseId,
    /// Change chunks (`save_after` the heads it was loaded at).
    pub changes: Vec<u8>,
    /// The heads it was loaded at ([`sync_protocol::heads_key`] form; empty for a new case).
    pub base_heads: String,
    /// The projection of the merged document, when the round has it at hand. The store uses
    /// it only if the stored document is still at `base_heads` (no other merge came in
    /// between); otherwise it re-projects from the stored document.
    pub row: Option<CaseRow>,
    /// The changes the round added, to receipt as brought by the round's device.
    pub receipts: Vec<Arrived>,
}

/// A change a device brought, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrived {
    /// The change's hash (hex).
    pub hash: String,
    /// The time the change states, in milliseconds since the Unix epoch.
    pub stated_at_ms: i64,
}

/// The server's record of who brought a change, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReceipt {
    /// The user: the device's user, or the staff user of a back-office edit.
    pub username: String,
    /// The device, `None` for the back office.
    pub device_id: Option<String>,
    /// When the server received it, in milliseconds since the Unix epoch.
    pub received_at_ms: i64,
    /// The time the change itself states, if it was a device's.
    pub stated_at_ms: Option<i64>,
}

/// A device's sync state for one document after a round.
#[derive(Debug, Clone)]
pub struct StateWrite {
    /// The document.
    pub id: CaseId,
    /// `Replica::encode_state`.
    pub state: Vec<u8>,
    /// The heads the device reported in this round, as a heads key; `None` leaves the stored
    /// heads unchanged (the device sent nothing for the document).
    pub known_heads: Option<String>,
}

/// A template to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    /// Owning tenant; `None` for templates bundled with naper.
    pub tenant: Option<String>,
    /// Template id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// Category.
    pub category: String,
    /// German title.
    pub title_de: String,
    /// English title.
    pub title_en: String,
    /// Who fills it in.
    pub audience: schema::Audience,
    /// The template JSON.
    pub json: String,
}

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRow {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// `image/jpeg` or `image/png`.
    pub mime: String,
}

/// Whether a photo may be served to a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoAccess {
    /// No case visible to the device references it.
    NotVisible,
    /// A visible case references it, but its bytes have not arrived.
    Missing,
    /// A visible case references it and it is stored.
    Stored(BlobRow),
}

/// What may be told about a stored blob to a device that asks for it by its SHA-256
/// (the access policy's `may_know_blob` decides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobFacts {
    /// The stored blob, if the server has it (for any tenant).
    pub blob: Option<BlobRow>,
    /// Whether a device of the asking device's tenant uploaded it.
    pub tenant_uploaded: bool,
    /// Whether a case the asking device may see references it.
    pub referenced: bool,
}

/// Persistent storage of the server. See the module documentation.
pub trait CaseStore: Send + Sync {
    /// Runs `work` in one write transaction: what it writes through the aggregate modules
    /// ([`accounts`], [`audit`], …) commits together or not at all. Object-safe form of
    /// [`write`](#method.write) on `dyn CaseStore`, which callers use.
    ///
    /// # Errors
    /// What `work` fails with (nothing is written then), database failures.
    fn write_tx(&self, work: &mut dyn FnMut(&WriteTx<'_>) -> StoreResult<()>) -> StoreResult<()>;

    /// Runs `work` in one read transaction. Object-safe form of [`read`](#method.read) on
    /// `dyn CaseStore`, which callers use.
    ///
    /// # Errors
    /// What `work` fails with, database failures.
    fn read_tx(&self, work: &mut dyn FnMut(&ReadTx<'_>) -> StoreResult<()>) -> StoreResult<()>;
}

impl dyn CaseStore + '_ {
    /// Runs `work` in one read transaction (a consistent snapshot) and returns what it
    /// returns: the aggregate modules' reads, without a trait method per query.
    ///
    /// # Errors
    /// What `work` fails with, database failures.
    pub fn read<T>(&self, work: impl FnOnce(&ReadTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let mut work = Some(work);
        let mut out = None;
        self.read_tx(&mut |tx| {
            let work = work
                .take()
                .ok_or_else(|| StoreError::Invalid("a read ran its work twice".into()))?;
            out = Some(work(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| StoreError::Invalid("a read did not run its work".into()))
    }

    /// Runs `work` in one write transaction and returns what it returns: the writes of
    /// several aggregates that must happen together, e.g. an administrator's change with its
    /// audit entry.
    ///
    /// # Errors
    /// What `work` fails with (nothing is written then), database failures.
    pub fn write<T>(&self, work: impl FnOnce(&WriteTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let mut work = Some(work);
        let mut out = None;
        self.write_tx(&mut |tx| {
            let work = work.take().ok_or_else(|| {
                StoreError::Invalid("a transaction ran its work twice; nothing was written".into())
            })?;
            out = Some(work(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| StoreError::Invalid("a transaction did not run its work".into()))
    }
}

/// Loads stored document bytes (a snapshot followed by change chunks) as they are, without
/// upgrading: what the sync protocol works on. A decoder panic is reported as corruption.
///
/// # Errors
/// [`StoreError::Document`] for bytes that are not an Automerge document.
pub fn load_document(bytes: &[u8]) -> StoreResult<automerge::AutoCommit> {
    let corrupt = |reason: String| StoreError::Document(schema::Error::CorruptDocument(reason));
    std::panic::catch_unwind(|| automerge::AutoCommit::load(bytes))
        .map_err(|_| corrupt("the decoder failed on the stored bytes".into()))?
        .map_err(|e| corrupt(e.to_string()))
}

/// Milliseconds since the Unix epoch, for row timestamps.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, millis)
}

/// A duration in whole milliseconds, as the store keeps times (saturating).
pub fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Refused(m) => AppError::Conflict(m),
            e @ (StoreError::StillAssigned { .. } | StoreError::TemplateNotNewer { .. }) => {
                AppError::Conflict(e.to_string())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

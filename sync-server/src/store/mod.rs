//! The one store interface of the server, and the rows it reads and writes.
//!
//! [`CaseStore`] is everything the handlers, the background tasks and the admin CLI need from
//! persistent storage. It is a plain synchronous trait, called from
//! `tokio::task::spawn_blocking`, and object-safe: the server holds an
//! `Arc<dyn CaseStore>`, so another backend (PostgreSQL, issue 20) can stand behind it without
//! making every handler generic; the backend is chosen by the database URL ([`DatabaseUrl`]),
//! SQLite being the only one so far. Closures that run inside a
//! store transaction (`edit_case`) are passed as `&mut dyn FnMut` for the same reason.
//!
//! Every write that touches a case document (a sync merge, a back-office edit, a compaction)
//! updates the document's rows and its projection ([`crate::store::projection`]) in one
//! transaction, so the projection never disagrees with the documents a reader can see.

pub mod accounts;
mod admin;
pub mod audit;
mod backoffice;
pub mod cases;
pub mod grants;
pub mod internal_comments;
pub mod projection;
pub mod sessions;
mod sqlite;
pub mod templates;
mod tx;
mod url;

use std::collections::HashMap;

use schema::write_rules::Writer;
use schema::{CaseId, ChangeAuthor, InspectionCase, Role};

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
pub use sqlite::SqliteStore;
pub use tx::{ReadTx, WriteTx};
pub use url::DatabaseUrl;

use crate::kernel::AppError;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("the database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
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
    /// A checked edit ([`CaseStore::try_edit_case`]) refused the case as it is now stored;
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

    // --- tenants, users, devices -------------------------------------------------------

    /// Creates a tenant.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken id.
    fn create_tenant(&self, id: &str, name: &str) -> StoreResult<()>;

    /// A tenant, if it exists.
    ///
    /// # Errors
    /// Database errors.
    fn tenant(&self, id: &str) -> StoreResult<Option<TenantRow>>;

    /// Whether no tenant exists yet (a fresh data directory).
    ///
    /// # Errors
    /// Database errors.
    fn is_empty(&self) -> StoreResult<bool>;

    /// Creates a user.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken user name, [`StoreError::NotFound`] for an
    /// unknown tenant.
    fn create_user(&self, user: &NewUser) -> StoreResult<()>;

    /// A user by name.
    ///
    /// # Errors
    /// Database errors.
    fn user(&self, username: &str) -> StoreResult<Option<UserRow>>;

    /// Replaces a user's password hash.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown user.
    fn set_password_hash(&self, username: &str, hash: &str) -> StoreResult<()>;

    /// Registers a device of `username` with the SHA-256 (hex) of its token.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown user.
    fn create_device(&self, username: &str, name: &str, token_hash: &str)
    -> StoreResult<DeviceRow>;

    /// The device holding the token with this hash (revoked or not).
    ///
    /// # Errors
    /// Database errors.
    fn device_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<DeviceRow>>;

    /// Every device, newest first.
    ///
    /// # Errors
    /// Database errors.
    fn list_devices(&self) -> StoreResult<Vec<DeviceRow>>;

    /// Revokes a device; its token is refused from now on. Its sync states are deleted in the
    /// same transaction (they could never be used again); the time of its last sync is kept
    /// for [`CaseStore::tenant_devices`].
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown device.
    fn revoke_device(&self, device_id: &str) -> StoreResult<()>;

    // --- cases and sync ----------------------------------------------------------------

    /// Access information of the stored cases among `ids` (missing ids are not stored).
    ///
    /// # Errors
    /// Database errors.
    fn case_access(&self, ids: &[CaseId]) -> StoreResult<HashMap<CaseId, CaseAccess>>;

    /// The projection row of a case.
    ///
    /// # Errors
    /// Database errors.
    fn case_row(&self, id: CaseId) -> StoreResult<Option<CaseRow>>;

    /// The projection rows visible under `visibility`, newest change first.
    ///
    /// # Errors
    /// Database errors.
    fn list_cases(&self, visibility: &Visibility) -> StoreResult<Vec<CaseRow>>;

    /// A document's bytes (snapshot and appended changes), if stored.
    ///
    /// # Errors
    /// Database errors.
    fn document(&self, id: CaseId) -> StoreResult<Option<Vec<u8>>>;

    /// The server's receipts of a case's changes, by change hash (hex).
    ///
    /// # Errors
    /// Database errors.
    fn change_receipts(&self, id: CaseId) -> StoreResult<HashMap<String, ChangeReceipt>>;

    /// The documents among `ids` with `device_id`'s sync state for each.
    ///
    /// # Errors
    /// Database errors.
    fn load_replicas(
        &self,
        device_id: &str,
        ids: &[CaseId],
    ) -> StoreResult<HashMap<CaseId, StoredReplica>>;

    /// Up to `limit` cases visible under `visibility` whose current heads differ from the
    /// heads `device_id` is known to have: what the server offers the device.
    ///
    /// # Errors
    /// Database errors.
    fn offers(
        &self,
        device_id: &str,
        visibility: &Visibility,
        limit: usize,
    ) -> StoreResult<Vec<CaseId>>;

    /// Persists a sync round in one transaction: appends the changes of every merged
    /// document and updates its projection, stores every sync state, and counts the round
    /// for the device. Returns the device's count of committed rounds.
    ///
    /// # Errors
    /// Database errors or an appended document that is not a case; nothing is stored then.
    fn commit_sync(
        &self,
        device_id: &str,
        appends: &[DocAppend],
        states: &[StateWrite],
    ) -> StoreResult<u64>;

    /// Edits a stored case as `author` (the back office), `writer` being the person under
    /// the write rules ([`schema::write_rules`]): hydrates it, runs `edit`, checks the
    /// change, appends it and updates the projection in one transaction. Returns the edited
    /// case.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown case, [`StoreError::Refused`] for a change the
    /// write rules do not allow, document errors.
    fn edit_case(
        &self,
        id: CaseId,
        author: &ChangeAuthor,
        writer: &Writer,
        edit: &mut dyn FnMut(&mut InspectionCase),
    ) -> StoreResult<InspectionCase>;

    /// Like [`CaseStore::edit_case`], but `edit` may refuse the case as it finds it (e.g. a
    /// status change that is no longer allowed because someone else moved the case): then
    /// the transaction is rolled back and no change is written. The check runs inside the
    /// write transaction, so it sees the case exactly as the edit would change it.
    ///
    /// # Errors
    /// [`StoreError::Refused`] with `edit`'s reason, [`StoreError::NotFound`] for an unknown
    /// case, document errors.
    fn try_edit_case(
        &self,
        id: CaseId,
        author: &ChangeAuthor,
        writer: &Writer,
        edit: &mut dyn FnMut(&mut InspectionCase) -> Result<(), String>,
    ) -> StoreResult<InspectionCase>;

    /// Stores a new case document created on the server (e.g. a citizen request, or tests).
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] for a taken id, document errors.
    fn insert_case(&self, document: &[u8]) -> StoreResult<CaseRow>;

    /// Recomputes the whole projection from the documents; returns the number of cases.
    ///
    /// # Errors
    /// Database errors or a stored document that is not a case.
    fn rebuild_projection(&self) -> StoreResult<usize>;

    /// Documents with more than `min_rows` appended change rows.
    ///
    /// # Errors
    /// Database errors.
    fn compaction_candidates(&self, min_rows: usize) -> StoreResult<Vec<CaseId>>;

    /// Replaces a document's snapshot and change rows by one full save. Returns whether there
    /// was anything to compact.
    ///
    /// # Errors
    /// Database or document errors; the document is unchanged then.
    fn compact(&self, id: CaseId) -> StoreResult<bool>;

    // --- blobs --------------------------------------------------------------------------

    /// A stored blob.
    ///
    /// # Errors
    /// Database errors.
    fn blob(&self, sha256: &str) -> StoreResult<Option<BlobRow>>;

    /// Records a stored blob (its bytes are already on disk).
    ///
    /// # Errors
    /// Database errors.
    fn insert_blob(&self, blob: &BlobRow) -> StoreResult<()>;

    /// A stored blob with whether the tenant of `visibility` uploaded it and whether a case
    /// visible under `visibility` references it.
    ///
    /// # Errors
    /// Database errors.
    fn blob_facts(&self, visibility: &Visibility, sha256: &str) -> StoreResult<BlobFacts>;

    /// Records a verified upload `key` by a device of `tenant` in one transaction: the blob
    /// (a blob stored already keeps its row), that `tenant` uploaded it, and that the user
    /// of the device that began the upload did.
    ///
    /// # Errors
    /// Database errors.
    fn record_upload(&self, key: &str, blob: &BlobRow, tenant: &str) -> StoreResult<()>;

    /// Whether `username` uploaded the bytes of `sha256` (recorded since schema version 10;
    /// before, credited to whoever the cases said added the photo).
    ///
    /// # Errors
    /// Database errors.
    fn uploaded_by(&self, sha256: &str, username: &str) -> StoreResult<bool>;

    /// The keys of the uploads in progress (`uploads::upload_key`: per tenant and blob) whose
    /// row was last touched before `before_ms`.
    ///
    /// # Errors
    /// Database errors.
    fn idle_uploads(&self, before_ms: i64) -> StoreResult<Vec<String>>;

    /// Deletes the row of an upload unless it was touched at or after `before_ms`; returns
    /// whether no row is left (`false`: the upload is alive and was kept).
    ///
    /// # Errors
    /// Database errors.
    fn forget_idle_upload(&self, key: &str, before_ms: i64) -> StoreResult<bool>;

    /// The declared size of the upload in progress `key`.
    ///
    /// # Errors
    /// Database errors.
    fn upload_size(&self, key: &str) -> StoreResult<Option<u64>>;

    /// Records (or touches) the upload in progress `key`.
    ///
    /// # Errors
    /// Database errors.
    fn put_upload(&self, key: &str, size: u64, device_id: &str) -> StoreResult<()>;

    /// Forgets the upload in progress `key`.
    ///
    /// # Errors
    /// Database errors.
    fn delete_upload(&self, key: &str) -> StoreResult<()>;

    /// Whether a case visible under `visibility` references the photo, and whether its bytes
    /// are stored.
    ///
    /// # Errors
    /// Database errors.
    fn photo_access(&self, visibility: &Visibility, sha256: &str) -> StoreResult<PhotoAccess>;

    /// The cases visible under `visibility` that reference the photo, at most `limit`.
    ///
    /// # Errors
    /// Database errors.
    fn photo_cases(
        &self,
        visibility: &Visibility,
        sha256: &str,
        limit: usize,
    ) -> StoreResult<Vec<CaseId>>;

    // --- back office --------------------------------------------------------------------

    /// A filtered, sorted page of the projection with its counts (the review queue).
    ///
    /// # Errors
    /// Database errors.
    fn query_cases(&self, query: &CaseQuery) -> StoreResult<CasePage>;

    /// The users of a tenant, by user name.
    ///
    /// # Errors
    /// Database errors.
    fn tenant_users(&self, tenant: &str) -> StoreResult<Vec<UserRow>>;

    // --- administration ------------------------------------------------------------------

    /// Changes a user's role; their sessions and devices see the new role at their next
    /// request.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown user.
    fn set_role(&self, username: &str, role: Role) -> StoreResult<()>;

    /// Ends every back-office session of a user (after a password reset); returns how many.
    ///
    /// # Errors
    /// Database errors.
    fn end_sessions(&self, username: &str) -> StoreResult<usize>;

    /// Deletes a user with their sessions, devices and the devices' sync states. Cases, their
    /// history and the audit log keep the user name.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown user, [`StoreError::StillAssigned`] while
    /// cases that are not approved, rejected or closed are assigned to them.
    fn delete_user(&self, username: &str) -> StoreResult<()>;

    /// The devices of a tenant's users with their last sync, by user, newest enrollment
    /// first.
    ///
    /// # Errors
    /// Database errors.
    fn tenant_devices(&self, tenant: &str) -> StoreResult<Vec<DeviceActivity>>;
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
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
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

//! Photos still to upload, with how far each upload got.

use rusqlite::{Transaction, params};
use schema::CaseId;

use super::{LocalStore, from_sql_size, sql_size};
use crate::clock;
use crate::error::Result;

/// One pending upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    /// The blob's address.
    pub sha256: String,
    /// The case that added it, if known.
    pub case_id: Option<CaseId>,
    /// Size in bytes.
    pub size: u64,
    /// Bytes the server confirmed so far (the server's answer decides where to resume).
    pub uploaded: u64,
    /// The last failure, for showing.
    pub last_error: Option<String>,
}

/// Queues the upload of a stored blob (no-op when it is queued already).
pub(crate) fn enqueue(
    tx: &Transaction<'_>,
    sha256: &str,
    case_id: Option<CaseId>,
    size: u64,
) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO outbox (sha256, case_id, size, uploaded, enqueued_at_ms)
         VALUES (?1, ?2, ?3, 0, ?4)",
        params![
            sha256,
            case_id.map(|c| c.to_string()),
            sql_size(size),
            clock::now_ms()
        ],
    )?;
    Ok(())
}

impl LocalStore {
    /// The uploads still to do, oldest first.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn pending_uploads(&self) -> Result<Vec<PendingUpload>> {
        let mut stmt = self.conn().prepare(
            "SELECT sha256, case_id, size, uploaded, last_error FROM outbox
             ORDER BY enqueued_at_ms, sha256",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PendingUpload {
                sha256: r.get(0)?,
                case_id: r.get::<_, Option<String>>(1)?.and_then(|s| s.parse().ok()),
                size: from_sql_size(r.get(2)?),
                uploaded: from_sql_size(r.get(3)?),
                last_error: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Queues the upload of a blob the tablet has (e.g. to send it again).
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn enqueue_upload(
        &mut self,
        sha256: &str,
        case_id: Option<CaseId>,
        size: u64,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        enqueue(&tx, sha256, case_id, size)?;
        tx.commit()?;
        Ok(())
    }

    /// Records how many bytes the server has confirmed.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn record_upload_progress(&mut self, sha256: &str, received: u64) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET uploaded = ?2, last_error = NULL WHERE sha256 = ?1",
            params![sha256, sql_size(received)],
        )?;
        Ok(())
    }

    /// Records why an upload failed; it stays queued.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn record_upload_error(&mut self, sha256: &str, error: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET last_error = ?2 WHERE sha256 = ?1",
            params![sha256, error],
        )?;
        Ok(())
    }

    /// Removes a finished upload from the queue.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn complete_upload(&mut self, sha256: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM outbox WHERE sha256 = ?1", params![sha256])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn uploads_are_queued_tracked_and_completed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let sha = store.put_blob(b"abc", "image/png").unwrap();
        store.enqueue_upload(&sha, None, 3).unwrap();
        store.enqueue_upload(&sha, None, 3).unwrap();
        store.record_upload_progress(&sha, 2).unwrap();
        store.record_upload_error(&sha, "offline").unwrap();
        let pending = store.pending_uploads().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].uploaded, 2);
        assert_eq!(pending[0].last_error.as_deref(), Some("offline"));
        store.complete_upload(&sha).unwrap();
        assert!(store.pending_uploads().unwrap().is_empty());
        // The outbox refers to stored blobs only.
        assert!(store.enqueue_upload(&"0".repeat(64), None, 1).is_err());
    }
}

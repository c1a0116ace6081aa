//! Per server: how many of this device's sync rounds it had committed at its last answer.
//! A server that answers with a count no higher than that lost rounds it had acknowledged
//! (it was restored from a backup, or its disk lost the last writes): the tablet then forgets
//! what it believed the server had, and sends every case and photo again.

use rusqlite::{OptionalExtension, params};

use super::LocalStore;
use crate::clock;
use crate::error::Result;

impl LocalStore {
    /// Whether `round`, the count `peer` just answered with, shows that it lost rounds it had
    /// acknowledged to this device.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn server_lost_rounds(&self, peer: &str, round: u64) -> Result<bool> {
        let heard: Option<i64> = self
            .conn()
            .query_row(
                "SELECT round FROM server_rounds WHERE peer = ?1",
                [peer],
                |r| r.get(0),
            )
            .optional()?;
        Ok(heard.is_some_and(|heard| u64::try_from(heard).unwrap_or(0) >= round))
    }

    /// Remembers the count `peer` answered with.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn remember_server_round(&mut self, peer: &str, round: u64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO server_rounds (peer, round) VALUES (?1, ?2)
             ON CONFLICT(peer) DO UPDATE SET round = excluded.round",
            params![peer, i64::try_from(round).unwrap_or(i64::MAX)],
        )?;
        Ok(())
    }

    /// Forgets, in one transaction, everything the tablet believed `peer` had: every case
    /// becomes unsynced (its next run sends it whole) and every stored photo is queued again
    /// (the upload asks the server first and sends only what it lacks).
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn forget_what_the_server_had(&mut self, peer: &str) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM sync_states WHERE peer = ?1", [peer])?;
        tx.execute(
            "INSERT OR IGNORE INTO outbox (sha256, case_id, size, uploaded, enqueued_at_ms)
             SELECT sha256, NULL, size, 0, ?1 FROM blobs",
            [clock::now_ms()],
        )?;
        tx.execute("DELETE FROM server_rounds WHERE peer = ?1", [peer])?;
        tx.commit()?;
        Ok(())
    }
}

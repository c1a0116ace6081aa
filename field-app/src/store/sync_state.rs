//! Per server and document: the Automerge sync state and the heads at the last successful
//! sync. A document is dirty when its current heads differ from those, which is what lets a
//! sync run start with only the documents edited since (one SQL query, no document loaded).

use automerge::AutoCommit;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use schema::CaseId;
use sync_protocol::{DocRejection, Replica, heads_key, parse_heads_key};

use super::LocalStore;
use super::cases::{append, insert_row, raw_heads, read_bytes, stored_heads};
use crate::error::Result;

/// What persisting one round wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundWrite {
    /// Documents that received changes (or arrived new) and were stored.
    pub documents: u32,
    /// Sync states stored.
    pub states: u32,
}

impl LocalStore {
    /// Cases whose heads moved since their last successful sync with `peer` (or that were
    /// never synced with it).
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn dirty_cases(&self, peer: &str) -> Result<Vec<CaseId>> {
        let mut stmt = self.conn().prepare(
            "SELECT c.id FROM cases c
             LEFT JOIN sync_states s ON s.case_id = c.id AND s.peer = ?1
             WHERE s.synced_heads IS NOT c.heads
             ORDER BY c.id",
        )?;
        let rows = stmt.query_map(params![peer], |r| r.get::<_, String>(0))?;
        let mut ids = Vec::new();
        for row in rows {
            if let Ok(id) = row?.parse() {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Why the enrolled server refused case `id` at its last sync, while the case still
    /// holds the refused changes (`None` once it was synced, or never refused).
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn refusal(&self, id: CaseId) -> Result<Option<String>> {
        let Some(peer) = self.enrollment()?.map(|e| e.peer()) else {
            return Ok(None);
        };
        Ok(self
            .conn()
            .query_row(
                "SELECT s.rejected FROM sync_states s JOIN cases c ON c.id = s.case_id
                 WHERE s.peer = ?1 AND s.case_id = ?2 AND s.synced_heads IS NOT c.heads",
                params![peer, id.to_string()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// The replica of `id` towards `peer` for a sync run: the stored document (as stored, not
    /// upgraded) and the stored sync state, or an empty document for a case not on the tablet
    /// (one the server offers). A stored document that cannot be read becomes a failed replica,
    /// which the run neither sends nor persists.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn replica(&self, peer: &str, id: CaseId) -> Result<Replica> {
        let state: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT state FROM sync_states WHERE peer = ?1 AND case_id = ?2",
                params![peer, id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let doc = match read_bytes(self.conn(), id)? {
            None => AutoCommit::new(),
            Some(bytes) => match AutoCommit::load(&bytes) {
                Ok(doc) => doc,
                Err(e) => {
                    tracing::warn!(case = %id, error = %e, "a stored case cannot be loaded; it is left out of the sync");
                    let mut broken = Replica::new();
                    broken.failed = Some(format!("the stored case cannot be loaded: {e}"));
                    return Ok(broken);
                }
            },
        };
        Ok(Replica::from_parts(doc, state.as_deref()))
    }

    /// Persists one round in one transaction: first every replica that received changes (or
    /// arrived new), then every sync state; a replica in sync with the server is marked
    /// synced at its heads. Rejections of the run are recorded for listing. Failed replicas
    /// are skipped entirely.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Store`].
    pub fn persist_round<'a>(
        &mut self,
        peer: &str,
        replicas: impl IntoIterator<Item = (&'a CaseId, &'a mut Replica)>,
        rejected: &[DocRejection],
    ) -> Result<RoundWrite> {
        let compact_after = self.compact_after;
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut replicas: Vec<(CaseId, &mut Replica)> = replicas
            .into_iter()
            .filter(|(_, r)| r.failed.is_none())
            .map(|(id, r)| (*id, r))
            .collect();
        let mut write = RoundWrite::default();
        for (id, replica) in &mut replicas {
            if store_document(&tx, *id, replica, compact_after)? {
                write.documents += 1;
            }
        }
        for (id, replica) in &mut replicas {
            let in_sync = replica.in_sync();
            let synced = in_sync.then(|| heads_key(&replica.heads()));
            tx.execute(
                "INSERT INTO sync_states (peer, case_id, state, synced_heads, rejected)
                 VALUES (?1, ?2, ?3, ?4, NULL)
                 ON CONFLICT (peer, case_id) DO UPDATE SET state = excluded.state,
                     synced_heads = coalesce(excluded.synced_heads, synced_heads),
                     rejected = CASE WHEN excluded.synced_heads IS NULL THEN rejected END",
                params![peer, id.to_string(), replica.encode_state(), synced],
            )?;
            write.states += 1;
        }
        for r in rejected {
            tx.execute(
                "INSERT INTO sync_states (peer, case_id, state, rejected)
                 VALUES (?1, ?2, x'', ?3)
                 ON CONFLICT (peer, case_id) DO UPDATE SET rejected = excluded.rejected",
                params![peer, r.doc.to_string(), r.detail],
            )?;
        }
        tx.commit()?;
        Ok(write)
    }
}

/// Stores a replica's document if it has something the store lacks. Returns whether it wrote.
fn store_document(
    tx: &Transaction<'_>,
    id: CaseId,
    replica: &mut Replica,
    compact_after: u32,
) -> Result<bool> {
    let Some(before) = stored_heads(tx, id)? else {
        // A case new to the tablet; an offer whose changes have not arrived yet stays unstored.
        let heads = replica.heads();
        if heads.is_empty() {
            return Ok(false);
        }
        let snapshot = replica.doc.save();
        insert_row(tx, id, &snapshot, &heads_key(&heads))?;
        return Ok(true);
    };
    if !replica.changed {
        return Ok(false);
    }
    let stored = parse_heads_key(&before);
    let changes = replica.doc.save_after(&stored);
    if changes.is_empty() {
        return Ok(false);
    }
    // The new heads: the replica's, unless the officer edited the case while the sync ran (the
    // replica then lacks some stored heads and the union is computed from the bytes).
    let replica_has_all = stored
        .iter()
        .all(|h| replica.doc.get_change_by_hash(h).is_some());
    let heads = if replica_has_all {
        heads_key(&replica.heads())
    } else {
        let mut bytes = read_bytes(tx, id)?.unwrap_or_default();
        bytes.extend_from_slice(&changes);
        heads_key(&raw_heads(&bytes)?)
    };
    if heads == before {
        return Ok(false);
    }
    append(tx, id, &changes, &heads, None, compact_after)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::cases::SyncMark;
    use crate::store::cases::tests::{author, new_case};

    #[test]
    fn a_case_is_dirty_until_synced_at_its_heads() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let id = new_case(&mut store);
        let peer = "http://s dev";
        assert_eq!(store.dirty_cases(peer).unwrap(), vec![id]);

        // Pretend the server has exactly this document: the replica's shared heads are its
        // heads.
        let mut replica = store.replica(peer, id).unwrap();
        replica.state.shared_heads = replica.heads();
        let mut set = std::collections::BTreeMap::from([(id, replica)]);
        let w = store.persist_round(peer, set.iter_mut(), &[]).unwrap();
        assert_eq!(
            w,
            RoundWrite {
                documents: 0,
                states: 1
            }
        );
        assert!(store.dirty_cases(peer).unwrap().is_empty());
        assert!(store.dirty_cases("another server").unwrap().contains(&id));

        store
            .update_case(id, |doc| {
                Ok(doc.edit(&author(), 5, |c| c.title = "neu".into())?)
            })
            .unwrap();
        assert_eq!(store.dirty_cases(peer).unwrap(), vec![id]);
    }

    #[test]
    fn received_changes_are_appended_and_a_new_case_is_inserted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let id = new_case(&mut store);
        let peer = "p";
        // Another device's edit arrives as a changed replica.
        let mut other = store.load_case(id).unwrap().fork();
        other
            .edit(&author(), 9, |c| c.title = "von drüben".into())
            .unwrap();
        let mut replica = store.replica(peer, id).unwrap();
        let mut theirs = other.automerge().clone();
        replica.doc.merge(&mut theirs).unwrap();
        replica.changed = true;
        // And a case the tablet did not have.
        let fresh = {
            let dir2 = tempfile::tempdir().unwrap();
            let mut s2 = LocalStore::open(dir2.path()).unwrap();
            let fresh_id = new_case(&mut s2);
            (fresh_id, s2.case_bytes(fresh_id).unwrap().unwrap())
        };
        let mut new_replica = Replica::from_parts(AutoCommit::load(&fresh.1).unwrap(), None);
        new_replica.changed = true;
        let mut set = std::collections::BTreeMap::from([(id, replica), (fresh.0, new_replica)]);
        let rejected = [DocRejection {
            doc: id,
            reason: sync_protocol::RejectReason::Refused,
            detail: "nope".into(),
        }];
        let w = store
            .persist_round(peer, set.iter_mut(), &rejected)
            .unwrap();
        assert_eq!(w.documents, 2);
        assert_eq!(
            store.load_case(id).unwrap().hydrate().unwrap().title,
            "von drüben"
        );
        assert!(store.case_ids().unwrap().contains(&fresh.0));
        let listed = store.list_cases().unwrap();
        // Not enrolled: the list's peer is empty, so nothing shows as synced.
        assert!(listed.iter().all(|c| c.sync != SyncMark::Synced));
    }

    #[test]
    fn an_edit_made_while_a_sync_runs_is_kept_and_stays_dirty() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let id = new_case(&mut store);
        let peer = "p";
        // The sync run loads its replica ...
        let mut replica = store.replica(peer, id).unwrap();
        // ... the officer edits meanwhile ...
        store
            .update_case(id, |doc| {
                Ok(doc.edit(&author(), 3, |c| c.title = "lokal".into())?)
            })
            .unwrap();
        // ... and the server's change arrives in the replica, which is then in sync.
        let mut other = replica.doc.fork();
        {
            use automerge::transaction::Transactable;
            other
                .put(automerge::ROOT, "service_request", "SR-1")
                .unwrap();
            other.commit();
        }
        replica.doc.merge(&mut other).unwrap();
        replica.changed = true;
        replica.state.shared_heads = replica.heads();
        let mut set = std::collections::BTreeMap::from([(id, replica)]);
        store.persist_round(peer, set.iter_mut(), &[]).unwrap();

        let case = store.load_case(id).unwrap().hydrate().unwrap();
        assert_eq!(case.title, "lokal", "the local edit is kept");
        assert_eq!(
            case.service_request.as_deref(),
            Some("SR-1"),
            "the server's too"
        );
        let bytes = store.case_bytes(id).unwrap().unwrap();
        assert_eq!(
            stored_heads(store.conn(), id).unwrap().unwrap(),
            heads_key(&raw_heads(&bytes).unwrap()),
            "the stored heads are the union"
        );
        assert_eq!(
            store.dirty_cases(peer).unwrap(),
            vec![id],
            "the local edit still goes out"
        );
    }

    #[test]
    fn a_reassignment_received_in_a_sync_moves_the_listed_assignee() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let id = new_case(&mut store);
        let assignee = |store: &LocalStore| store.list_cases().unwrap()[0].assignee.clone();
        assert_eq!(assignee(&store).as_deref(), Some("a.abel"), "on insert");
        store
            .update_case(id, |doc| {
                Ok(doc.edit(&author(), 2, |c| c.assigned_officer = None)?)
            })
            .unwrap();
        assert_eq!(assignee(&store), None, "on a local edit");

        // The back office assigns the case to someone else; the change arrives merged.
        let mut other = store.load_case(id).unwrap().fork();
        other
            .edit(&author(), 9, |c| {
                c.assigned_officer = Some("b.bauer".into())
            })
            .unwrap();
        let mut replica = store.replica("p", id).unwrap();
        replica.doc.merge(&mut other.automerge().clone()).unwrap();
        replica.changed = true;
        let mut set = std::collections::BTreeMap::from([(id, replica)]);
        store.persist_round("p", set.iter_mut(), &[]).unwrap();
        assert_eq!(assignee(&store).as_deref(), Some("b.bauer"), "on a merge");
    }
}

//! One sync run of the case documents, exactly as `sync_protocol`'s crate doc describes it.

use std::collections::BTreeSet;

use schema::CaseId;
use sync_protocol::http::{CBOR, SYNC};
use sync_protocol::{DocRejection, SyncResponse, SyncSession};

use super::{SyncClient, content_type};
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;

/// What a document sync run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentReport {
    /// Documents edited on the tablet since their last sync that the run sent to the server
    /// (replies about documents the server offered do not count).
    pub sent: usize,
    /// Documents that received changes from the server (or arrived new) and were stored.
    pub received: usize,
    /// Documents the server refused; they are kept on the tablet.
    pub rejected: Vec<DocRejection>,
    /// Messages per request, round by round.
    pub messages_per_round: Vec<usize>,
    /// The server had lost rounds it acknowledged (restored from a backup): the run sent
    /// every case again, and every photo is queued again.
    pub resent_after_server_loss: bool,
}

impl DocumentReport {
    /// The refusals as errors, one per refused case, for showing.
    pub fn refusals(&self) -> Vec<FieldAppError> {
        self.rejected
            .iter()
            .map(|r| FieldAppError::Refused {
                case: r.doc,
                reason: serde_json::to_value(&r.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("{:?}", r.reason)),
                detail: r.detail.clone(),
            })
            .collect()
    }
}

impl SyncClient {
    /// One sync run of the documents with the server, for the store's `peer` (see
    /// `Enrollment::peer`): starts with the documents edited since their last successful
    /// sync, loads what the session asks for (a local copy, or an empty replica for a case the
    /// server offers), and persists each round's changed replicas and all sync states in one
    /// local transaction, until the run settles. A run broken off at any point loses nothing:
    /// the next one resumes from what was persisted.
    ///
    /// # Errors
    /// [`FieldAppError::Offline`], [`FieldAppError::DeviceRevoked`],
    /// [`FieldAppError::Server`], [`FieldAppError::Protocol`], [`FieldAppError::Sync`] (did
    /// not settle), [`FieldAppError::Store`].
    pub async fn sync_documents(
        &self,
        store: &mut LocalStore,
        peer: &str,
    ) -> Result<DocumentReport> {
        let (report, lost) = self.document_run(store, peer).await?;
        if !lost {
            return Ok(report);
        }
        tracing::warn!(
            "the server lost sync rounds it had acknowledged (restored from a backup?); \
             sending every case and photo again"
        );
        store.forget_what_the_server_had(peer)?;
        let (mut report, _) = self.document_run(store, peer).await?;
        report.resent_after_server_loss = true;
        Ok(report)
    }

    /// One run; also says whether the server answered with a round count showing that it
    /// lost rounds it had acknowledged.
    async fn document_run(
        &self,
        store: &mut LocalStore,
        peer: &str,
    ) -> Result<(DocumentReport, bool)> {
        let dirty = store.dirty_cases(peer)?;
        tracing::debug!(dirty = dirty.len(), "sync run starts");
        let mut session = SyncSession::new(dirty.iter().copied(), self.limits);
        let dirty: BTreeSet<CaseId> = dirty.into_iter().collect();
        let mut sent: BTreeSet<CaseId> = BTreeSet::new();
        let mut received: BTreeSet<CaseId> = BTreeSet::new();
        let mut report = DocumentReport::default();
        let mut lost = false;
        loop {
            load(store, peer, &mut session)?;
            let request = session.next_request()?;
            report.messages_per_round.push(request.docs.len());
            sent.extend(
                request
                    .docs
                    .iter()
                    .map(|m| m.doc)
                    .filter(|doc| dirty.contains(doc)),
            );
            let (name, value) = content_type(CBOR);
            let http = self
                .authorized(self.http.post(self.url(SYNC)))?
                .header(name, value)
                .body(request.encode());
            let response = self.send(http).await?;
            let body = self.body(response).await?;
            let response = SyncResponse::decode(&body, &self.limits)
                .map_err(|e| FieldAppError::Protocol(e.to_string()))?;
            let round = response.device_round;
            if let Some(round) = round {
                lost |= store.server_lost_rounds(peer, round)?;
            }
            let settled = session.handle_response(response);
            load(store, peer, &mut session)?;
            let rejected = session.rejected().to_vec();
            for (id, replica) in session.replicas() {
                if replica.changed && replica.failed.is_none() {
                    received.insert(*id);
                }
            }
            store.persist_round(peer, session.replicas(), &rejected)?;
            // After a loss, the count is remembered anew once everything was sent again.
            if let Some(round) = round
                && !lost
            {
                store.remember_server_round(peer, round)?;
            }
            if settled {
                break;
            }
        }
        report.sent = sent.len();
        report.received = received.len();
        report.rejected = session.rejected().to_vec();
        for r in &report.rejected {
            tracing::warn!(case = %r.doc, reason = ?r.reason, detail = %r.detail, "the server refused a case; it is kept on the tablet");
        }
        Ok((report, lost))
    }
}

fn load(store: &LocalStore, peer: &str, session: &mut SyncSession) -> Result<()> {
    for id in session.to_load() {
        let replica = store.replica(peer, id)?;
        session.load(id, replica);
    }
    Ok(())
}

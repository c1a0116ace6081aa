//! The server's half of a round.

use std::collections::BTreeSet;

use automerge::AutoCommit;
use schema::CaseId;

use crate::replica::Replicas;
use crate::wire::{
    DocMessage, DocRejection, Limits, PROTOCOL_VERSION, RejectReason, SyncRequest, SyncResponse,
};

/// What the server's adapter decides, asked by [`serve`] at the right moments.
pub trait Policy {
    /// Whether the device may sync `doc` at all. `None` means yes; otherwise the detail for
    /// the rejection. Asked before a message is applied, so a forbidden document is never
    /// touched.
    fn admit(&self, doc: CaseId) -> Option<String>;

    /// Whether the document, after applying the device's changes, is one the device may have
    /// written (e.g. still a case of the device's tenant, with the same id). `None` means yes.
    /// A refused document is not persisted and the device is told why.
    fn accept(&self, doc: CaseId, after: &AutoCommit) -> Option<String>;
}

/// Applies a request's messages to the loaded `replicas`, then generates replies, and offers
/// from `offers` (documents visible to the device that changed since it last saw them) as many
/// as fit in `limits`, skipping documents already in the request.
///
/// The adapter must have loaded a replica for every admitted document of the request (an
/// empty one for a new case) and for every offer; documents without a replica are rejected as
/// forbidden. Afterwards it persists the replicas marked `changed` whose `failed` is `None`,
/// and the sync state of every replica it loaded.
pub fn serve(
    request: &SyncRequest,
    replicas: &mut Replicas,
    offers: &[CaseId],
    policy: &impl Policy,
    limits: &Limits,
) -> SyncResponse {
    let mut response = SyncResponse {
        protocol: PROTOCOL_VERSION,
        ..SyncResponse::default()
    };
    let mut answered = BTreeSet::new();
    for DocMessage { doc, message } in &request.docs {
        answered.insert(*doc);
        let reject = |reason, detail: String| DocRejection {
            doc: *doc,
            reason,
            detail,
        };
        if let Some(detail) = policy.admit(*doc) {
            response
                .rejected
                .push(reject(RejectReason::Forbidden, detail));
            continue;
        }
        let Some(replica) = replicas.get_mut(doc) else {
            response.rejected.push(reject(
                RejectReason::Forbidden,
                "this case is not available to this device".into(),
            ));
            continue;
        };
        if let Err((reason, detail)) = replica.receive(message, limits.max_message_bytes) {
            response.rejected.push(reject(reason, detail));
            continue;
        }
        if replica.changed
            && let Some(detail) = policy.accept(*doc, &replica.doc)
        {
            replica.failed = Some(detail.clone());
            response
                .rejected
                .push(reject(RejectReason::Refused, detail));
            continue;
        }
        if let Some(reply) = replica.generate() {
            response.docs.push(DocMessage {
                doc: *doc,
                message: reply,
            });
        }
    }
    let room = limits
        .max_documents
        .saturating_sub(response.docs.len() + response.rejected.len());
    let mut pending_offers = offers.iter().filter(|doc| !answered.contains(doc));
    for doc in pending_offers.by_ref().take(room) {
        if let Some(replica) = replicas.get_mut(doc)
            && let Some(message) = replica.generate()
        {
            response.docs.push(DocMessage { doc: *doc, message });
        }
    }
    response.more = pending_offers.next().is_some();
    response
}

//! One round of the sync protocol for a device, blocking: the request decoded, the documents
//! it needs loaded with the device's stored sync states (from the document cache where it
//! holds them at the stored heads), `sync_protocol::serve` doing the work under
//! [`SyncPolicy`], and the outcome persisted in one transaction. Nothing of a round stays in
//! memory but what the cache keeps of documents that reached the store.

use std::collections::HashMap;

use schema::CaseId;
use sync_protocol::{Limits, Policy, Replica, Replicas, SyncRequest, heads_key, serve};

use crate::access::{self, Device, SyncPolicy};
use crate::kernel::AppError;
use crate::services::core_threads::CoreThreads;
use crate::services::doc_cache::DocCache;
use crate::store::projection;
use crate::store::{Arrived, CaseStore, DocAppend, StateWrite, load_document};
use crate::store::{cases, sync_states};

/// One round, blocking: decode, load, serve, persist; returns the encoded response.
///
/// # Errors
/// [`AppError::Wire`] for an unreadable request, store errors.
pub fn round(
    store: &dyn CaseStore,
    documents: &DocCache,
    principal: &Device,
    body: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, AppError> {
    let request = SyncRequest::decode(body, limits)?;
    let requested: Vec<CaseId> = request.docs.iter().map(|m| m.doc).collect();
    // Everything the round reads before it merges, it reads in one snapshot: the access
    // facts the policy decides by, the offers and the documents with their sync states.
    let (policy, offers, to_load, stored) = store.read(|tx| {
        let policy = SyncPolicy::new(principal, cases::access(tx, &requested)?);
        // Documents this round works on: the admitted ones of the request (an unknown id is
        // a new case and gets an empty replica) and the offers. A refused document gets no
        // replica and `serve` rejects it as forbidden, exactly like a non-existent one it may
        // not see.
        let mut to_load: Vec<CaseId> = requested
            .iter()
            .copied()
            .filter(|id| policy.admit(*id).is_none())
            .collect();
        let offer_limit = limits.max_documents + requested.len() + 1;
        let visibility = access::visibility(principal);
        let offers = sync_states::offers(tx, &principal.device_id, &visibility, offer_limit)?;
        for id in &offers {
            if !to_load.contains(id) {
                to_load.push(*id);
            }
        }
        let stored = sync_states::load(tx, &principal.device_id, &to_load)?;
        Ok((policy, offers, to_load, stored))
    })?;
    let mut replicas = Replicas::new();
    let mut loaded_heads = HashMap::new();
    for id in to_load {
        let entry = stored.get(&id);
        let stored_heads = entry.and_then(|e| e.heads.as_deref());
        let cached = stored_heads.and_then(|heads| documents.get(id, heads));
        let mut known_case = false;
        let mut doc = match (cached, entry.and_then(|e| e.doc.as_deref())) {
            (Some((doc, case)), _) => {
                if let (Some(case), Some(heads)) = (case, stored_heads) {
                    policy.remember(id, heads.to_string(), case);
                    known_case = true;
                }
                doc
            }
            (None, None) => automerge::AutoCommit::new(),
            (None, Some(bytes)) => match load_document(bytes) {
                Ok(doc) => doc,
                Err(e) => {
                    tracing::error!(case = %id, "stored document cannot be loaded: {e}");
                    continue;
                }
            },
        };
        // The write rules compare a device's changes with the case as stored: a stored case
        // the device writes to is read before its message is applied (then brought up to
        // date from the message's patches rather than read again).
        if !known_case
            && requested.contains(&id)
            && entry.and_then(|e| e.doc.as_deref()).is_some()
            && let Ok(case) = autosurgeon::hydrate::<_, schema::InspectionCase>(&doc)
        {
            policy.remember(id, heads_key(&doc.get_heads()), case);
            known_case = true;
        }
        loaded_heads.insert(id, doc.get_heads());
        let state = entry.and_then(|e| e.state.as_deref());
        let mut replica = Replica::from_parts(doc, state);
        replica.record_patches = known_case;
        replicas.insert(id, replica);
    }

    let mut response = serve(
        &request,
        &mut replicas,
        &offers,
        &policy,
        limits,
        &CoreThreads::default(),
    );

    let mut appends = Vec::new();
    let mut states = Vec::new();
    let mut read_cases = HashMap::new();
    for (id, replica) in &mut replicas {
        if replica.failed.is_some() {
            continue;
        }
        if replica.changed {
            let before = loaded_heads.get(id).map(Vec::as_slice).unwrap_or_default();
            let after = heads_key(&replica.heads());
            let case = policy.take_case(*id, &after);
            let row = case.as_ref().map(|case| projection::from_case(case, after));
            if let Some(case) = case {
                read_cases.insert(*id, case);
            }
            appends.push(DocAppend {
                id: *id,
                changes: replica.doc.save_after(before),
                base_heads: heads_key(before),
                row,
                receipts: replica
                    .arrived
                    .iter()
                    .map(|change| Arrived {
                        hash: change.hash.to_string(),
                        stated_at_ms: change.stated_time_s.saturating_mul(1000),
                    })
                    .collect(),
            });
        }
        // Only what the device reported in this round moves the summary (see
        // `Replica::their_heads`). When the heads both sides share are all of the server's
        // heads, the device has everything the server has (perhaps more, e.g. changes the
        // server refused): it is summarized as having the server's heads, so the document is
        // not offered again until the server's copy moves. Otherwise a device holding refused
        // changes would be offered the document in every round, for ever.
        let has_all_of_ours = replica.in_sync();
        let ours = heads_key(&replica.heads());
        let known_heads = replica.their_heads().map(|theirs| {
            if has_all_of_ours {
                ours
            } else {
                heads_key(theirs)
            }
        });
        states.push(StateWrite {
            id: *id,
            state: replica.encode_state(),
            known_heads,
        });
    }
    response.device_round = Some(
        store.write(|tx| sync_states::commit_round(tx, &principal.device_id, &appends, &states))?,
    );
    // Only what reached the store may be cached; a refused or failed replica may hold
    // changes the store does not.
    for (id, mut replica) in replicas {
        if replica.failed.is_none() {
            let heads = heads_key(&replica.heads());
            let case = read_cases
                .remove(&id)
                .or_else(|| policy.take_case(id, &heads));
            documents.put(id, heads, replica.doc, case);
        }
    }
    if !response.rejected.is_empty() {
        tracing::info!(
            device = %principal.device_id,
            rejected = response.rejected.len(),
            "sync round rejected documents"
        );
    }
    Ok(response.encode())
}

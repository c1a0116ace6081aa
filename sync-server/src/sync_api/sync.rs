//! `POST /api/v1/sync`: one round of the sync protocol for the authenticated device.
//!
//! The handler is stateless: each round loads the documents it needs with the device's stored
//! sync states, lets `sync_protocol::serve` do the work, and persists the outcome in one
//! transaction. Nothing of a round stays in memory.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use schema::CaseId;
use sync_protocol::http::CBOR;
use sync_protocol::{Limits, Policy, Replica, Replicas, SyncRequest, heads_key, serve};

use super::{AppError, AppState, blocking};
use crate::access::{self, Principal, SyncPolicy};
use crate::doc_cache::DocCache;
use crate::projection;
use crate::store::{CaseStore, DocAppend, StateWrite, load_document};

/// Runs one sync round; the body is a CBOR [`SyncRequest`], the answer a CBOR
/// `SyncResponse`. Unreadable bodies are refused with 4xx before any document is touched;
/// a bad message for one document is a rejection inside the response.
pub async fn sync(
    State(state): State<AppState>,
    principal: Principal,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let limits = state.config.limits;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge(format!(
                "the sync body is larger than the {} bytes allowed; sync fewer documents per \
                 request",
                limits.max_body_bytes
            ))
        } else {
            AppError::BadRequest(format!(
                "the sync body could not be read: {}",
                e.body_text()
            ))
        }
    })?;
    let _turn = state.sync_rounds.turn().await?;
    let store = state.store.clone();
    let documents = state.documents.clone();
    let answer =
        blocking(move || round(store.as_ref(), &documents, &principal, &body, &limits)).await?;
    Ok(([(CONTENT_TYPE, CBOR)], answer).into_response())
}

/// One round, blocking: decode, load, serve, persist; returns the encoded response.
///
/// # Errors
/// [`AppError::Wire`] for an unreadable request, store errors.
pub fn round(
    store: &dyn CaseStore,
    documents: &DocCache,
    principal: &Principal,
    body: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, AppError> {
    let request = SyncRequest::decode(body, limits)?;
    let requested: Vec<CaseId> = request.docs.iter().map(|m| m.doc).collect();
    let policy = SyncPolicy::new(principal, store.case_access(&requested)?);

    // Documents this round works on: the admitted ones of the request (an unknown id is a
    // new case and gets an empty replica) and the offers. A refused document gets no replica
    // and `serve` rejects it as forbidden, exactly like a non-existent one it may not see.
    let mut to_load: Vec<CaseId> = requested
        .iter()
        .copied()
        .filter(|id| policy.admit(*id).is_none())
        .collect();
    let offer_limit = limits.max_documents + requested.len() + 1;
    let offers = store.offers(
        &principal.device_id,
        &access::visibility(principal),
        offer_limit,
    )?;
    for id in &offers {
        if !to_load.contains(id) {
            to_load.push(*id);
        }
    }

    let stored = store.load_replicas(&principal.device_id, &to_load)?;
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
        loaded_heads.insert(id, doc.get_heads());
        let state = entry.and_then(|e| e.state.as_deref());
        let mut replica = Replica::from_parts(doc, state);
        replica.record_patches = known_case;
        replicas.insert(id, replica);
    }

    let response = serve(&request, &mut replicas, &offers, &policy, limits);

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
    store.commit_sync(&principal.device_id, &appends, &states)?;
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

//! `POST /api/v1/sync`: one round of the sync protocol for the authenticated device; the
//! body is received within the server's bounds ([`server_core::services::sync_bodies`]), then the
//! round itself is [`server_core::services::sync_round`].

use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use sync_protocol::http::CBOR;

use super::ApiError;
use crate::principal::Caller;
use server_core::kernel::blocking;
use server_core::services::AppState;
use server_core::services::sync_round::round;

/// Runs one sync round; the body is a CBOR `SyncRequest`, the answer a CBOR
/// `SyncResponse`. Unreadable bodies are refused with 4xx before any document is touched;
/// a bad message for one document is a rejection inside the response. The body is read
/// before the round waits for its turn, so a slow client holds no turn.
pub async fn sync(
    State(state): State<AppState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = state
        .sync_bodies
        .receive(&principal.device_id, declared, body)
        .await?;
    let _turn = state.sync_rounds.turn().await?;
    let store = state.store.clone();
    let documents = state.documents.clone();
    let limits = state.config.limits;
    let bytes = body.bytes.clone();
    let answer =
        blocking(move || round(store.as_ref(), &documents, &principal, &bytes, &limits)).await?;
    drop(body); // held, with its share of the budget, until the round is done
    Ok(([(CONTENT_TYPE, CBOR)], answer).into_response())
}

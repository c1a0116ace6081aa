//! `POST /api/v1/sync`: one round of the sync protocol for the authenticated device; the
//! round itself is [`crate::services::sync_round`].

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use sync_protocol::http::CBOR;

use super::ApiError;
use crate::access::Device;
use crate::kernel::{AppError, blocking};
use crate::services::AppState;
use crate::services::sync_round::round;

/// Runs one sync round; the body is a CBOR `SyncRequest`, the answer a CBOR
/// `SyncResponse`. Unreadable bodies are refused with 4xx before any document is touched;
/// a bad message for one document is a rejection inside the response.
pub async fn sync(
    State(state): State<AppState>,
    principal: Device,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
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

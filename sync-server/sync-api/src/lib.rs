//! The sync API, the surface the tablets use: enrollment, the sync round, templates and
//! photo blobs under `/api/v1` (the contract is `sync_protocol::http`). Errors are JSON
//! [`ErrorBody`](sync_protocol::http::ErrorBody)s: the surface's own [`ApiError`] maps every
//! [`AppError`] to one.
//!
//! Handlers are thin: they extract, ask `access` through the [`Device`] they get, run the
//! store and the sync core in `spawn_blocking` ([`blocking`]) and turn the outcome into a
//! response.

mod blobs;
mod case_photos;
mod enroll;
mod error;
mod principal;
mod sync;
mod templates;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use sync_protocol::http::{BLOBS, CASES, ENROLL, SYNC, TEMPLATES};
use tower_http::catch_panic::CatchPanicLayer;

#[cfg(doc)]
use server_core::access::Device;
use server_core::identity::throttle::LoginThrottle;
use server_core::kernel::AppError;
#[cfg(doc)]
use server_core::kernel::blocking;
use server_core::services::AppState;

pub use error::ApiError;

/// The answer for a path no surface has.
pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound(
        "there is no such API path; see sync_protocol::http for the API".into(),
    ))
}

/// The API's routes, for the binary's `app` to compose.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            ENROLL,
            // One throttle per router, so every server (and every test server) counts its own.
            post(enroll::enroll).layer(axum::Extension(Arc::new(LoginThrottle::default()))),
        )
        // The sync body's size, pace and memory are bounded where it is read
        // (`services::sync_bodies`).
        .route(SYNC, post(sync::sync))
        .route(TEMPLATES, get(templates::list))
        .route(
            &format!("{TEMPLATES}/{{id}}/{{version}}"),
            get(templates::get_one),
        )
        .route(&format!("{BLOBS}/{{sha}}"), get(blobs::original))
        .route(&format!("{BLOBS}/{{sha}}/thumbnail"), get(blobs::thumbnail))
        .route(
            &format!("{BLOBS}/{{sha}}/upload"),
            get(blobs::status).put(blobs::upload),
        )
        .route(
            &format!("{CASES}/{{id}}/photos/{{photo_id}}/rendering"),
            get(case_photos::rendering),
        )
        .route(
            &format!("{CASES}/{{id}}/photos/{{photo_id}}/thumbnail"),
            get(case_photos::thumbnail),
        )
        .layer(CatchPanicLayer::custom(error::panic_response))
}

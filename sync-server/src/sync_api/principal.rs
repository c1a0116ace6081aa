//! The device behind a request: its bearer token's SHA-256 looked up on every request (so a
//! revocation by the admin CLI in another process takes effect at once) and turned into an
//! [`access::Device`](Device).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use crate::access::Device;
use crate::identity::auth::token_hash;
use crate::kernel::{AppError, blocking};
use crate::services::AppState;

/// The bearer token of a request, if it carries one.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(device_of(parts, state).await?)
    }
}

/// The device whose token the request carries.
async fn device_of(parts: &Parts, state: &AppState) -> Result<Device, AppError> {
    let Some(token) = bearer(parts) else {
        return Err(AppError::Unauthorized(
            "this call needs `Authorization: Bearer <device token>`; enroll the device first"
                .into(),
        ));
    };
    let hash = token_hash(token);
    let store = state.store.clone();
    let device = blocking(move || store.device_by_token_hash(&hash)).await?;
    match device {
        None => Err(AppError::Unauthorized(
            "the device token is not known; enroll the device again".into(),
        )),
        Some(device) if device.revoked_at.is_some() => Err(AppError::Unauthorized(
            "this device was revoked; ask an administrator and enroll it again".into(),
        )),
        Some(device) => Ok(Device {
            tenant: device.tenant,
            username: device.username,
            role: device.role,
            device_id: device.id,
        }),
    }
}

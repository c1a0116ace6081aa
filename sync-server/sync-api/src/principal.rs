//! The device behind a request: its bearer token's SHA-256 looked up on every request (so a
//! revocation by the admin CLI in another process takes effect at once) and turned into an
//! [`access::Device`](Device).

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use server_core::access::{self, Device};
use server_core::identity::auth::token_hash;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::accounts;
use server_core::store::{DeviceRow, millis, now_ms};

/// The bearer token of a request, if it carries one.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The extractor of the [`Device`] a request comes from: a handler that takes a `Caller`
/// runs only for a known, unrevoked officer's device.
pub struct Caller(pub Device);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Caller(device_of(parts, state).await?))
    }
}

/// Whether `device` was last used (its last sync, or its enrollment) longer than `max_idle`
/// before `now_ms`.
fn idled_out(device: &DeviceRow, max_idle: Option<Duration>, now_ms: i64) -> bool {
    let Some(max_idle) = max_idle else {
        return false;
    };
    let last_used = device.last_seen_at.unwrap_or(device.created_at);
    let limit = millis(max_idle);
    now_ms.saturating_sub(last_used) > limit
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
    let device =
        blocking(move || store.read(|tx| accounts::device_by_token_hash(tx, &hash))).await?;
    match device {
        None => Err(AppError::Unauthorized(
            "the device token is not known; enroll the device again".into(),
        )),
        Some(device) if device.revoked_at.is_some() => Err(AppError::Unauthorized(
            "this device was revoked; ask an administrator and enroll it again".into(),
        )),
        Some(device) if !access::may_enroll(device.role) => Err(AppError::Forbidden(format!(
            "this device belongs to `{}`, who is {}; only officers sync tablets, staff work in \
             the back office",
            device.username, device.role
        ))),
        Some(device) if idled_out(&device, state.config.device_max_idle, now_ms()) => {
            Err(AppError::Unauthorized(
                "this device has not synced for too long and its token expired; enroll it again"
                    .into(),
            ))
        }
        Some(device) => Ok(Device {
            tenant: device.tenant,
            username: device.username,
            role: device.role,
            device_id: device.id,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(created_at: i64, last_seen_at: Option<i64>) -> DeviceRow {
        DeviceRow {
            id: "d".into(),
            username: "u".into(),
            tenant: "t".into(),
            role: schema::Role::Officer,
            name: "Tablet".into(),
            created_at,
            revoked_at: None,
            last_seen_at,
        }
    }

    #[test]
    fn a_token_expires_after_its_idle_period_counted_from_the_last_sync() {
        let day = 24 * 60 * 60 * 1000;
        let limit = Some(Duration::from_secs(30 * 24 * 60 * 60));
        assert!(!idled_out(&device(0, None), limit, 30 * day));
        assert!(idled_out(&device(0, None), limit, 30 * day + 1));
        assert!(!idled_out(&device(0, Some(20 * day)), limit, 45 * day));
        assert!(idled_out(&device(0, Some(20 * day)), limit, 51 * day));
        assert!(!idled_out(&device(0, None), None, 1000 * day));
    }
}

//! `POST /api/v1/enroll`: a user signs in on a device and gets the device's bearer token.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::{Extension, Json};
use sync_protocol::http::{EnrollRequest, EnrollResponse};

use super::ApiError;
use server_core::access;
use server_core::kernel::client_addr::ClientAddr;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::identity::auth::{
    new_token, password_checks, token_hash, verify_nobody, verify_password,
};
use server_core::identity::throttle::LoginThrottle;
use server_core::store::accounts;

/// Longest device name kept.
const MAX_DEVICE_NAME: usize = 200;

fn wrong_credentials() -> AppError {
    AppError::Unauthorized(
        "the user name or the password is wrong; check both and try again".into(),
    )
}

/// Checks the password (argon2id) and registers a new device with a random token, which is
/// returned once and stored only as its SHA-256. Wrong credentials answer 401 without telling
/// whether the user exists. Repeated failures for a user name from one address lock that pair
/// out for a while ([`LoginThrottle`]): 429 with `Retry-After`, the password not checked.
pub async fn enroll(
    State(state): State<AppState>,
    Extension(throttle): Extension<Arc<LoginThrottle>>,
    ClientAddr(ip): ClientAddr,
    body: Result<Json<EnrollRequest>, JsonRejection>,
) -> Result<Json<EnrollResponse>, ApiError> {
    let Json(request) = body.map_err(|e| {
        AppError::BadRequest(format!(
            "the body must be JSON with `username`, `password` and `device_name`: {}",
            e.body_text()
        ))
    })?;
    let username = request.username.trim().to_string();
    if let Some(left) = throttle.locked(&username, ip, Instant::now()) {
        tracing::warn!(user = %username, %ip, "enrollment refused: locked out after failures");
        return Err(AppError::TooManyRequests {
            message: format!(
                "too many failed sign-ins for this user name from this address; try again in \
                 {} seconds",
                left.as_secs().saturating_add(1)
            ),
            retry_after: left,
        }
        .into());
    }
    let store = state.store.clone();
    let attempted = username.clone();
    let _slot = password_checks().slot().await;
    // `None`: wrong credentials.
    let enrolled = blocking(move || -> Result<Option<EnrollResponse>, AppError> {
        let Some(user) = store.read(|tx| accounts::user(tx, &username))? else {
            verify_nobody(&request.password);
            return Ok(None);
        };
        if !verify_password(&request.password, &user.password_hash) {
            return Ok(None);
        }
        // A tablet holds every case its user may sync, offline; staff see the whole tenant
        // and work in the back office, where every opening is audited.
        if !access::may_enroll(user.role) {
            return Err(AppError::Forbidden(format!(
                "only officers enroll tablets; `{}` is {} and works in the back office",
                user.username, user.role
            )));
        }
        let mut name: String = request
            .device_name
            .trim()
            .chars()
            .take(MAX_DEVICE_NAME)
            .collect();
        if name.is_empty() {
            name = "unnamed device".into();
        }
        let token = new_token()?;
        let device = store
            .write(|tx| accounts::create_device(tx, &user.username, &name, &token_hash(&token)))?;
        tracing::info!(user = %user.username, device = %device.id, "device enrolled");
        Ok(Some(EnrollResponse {
            device_id: device.id,
            token,
            username: user.username,
            display_name: user.display_name,
            tenant: user.tenant,
            role: user.role.as_str().to_string(),
        }))
    })
    .await?;
    let Some(response) = enrolled else {
        throttle.failed(&attempted, ip, Instant::now());
        return Err(wrong_credentials().into());
    };
    throttle.succeeded(&attempted, ip);
    Ok(Json(response))
}

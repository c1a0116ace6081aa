//! `POST /api/v1/enroll`: a user signs in on a device and gets the device's bearer token.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use sync_protocol::http::{EnrollRequest, EnrollResponse};

use super::{AppError, AppState, blocking};
use crate::auth::{new_token, token_hash, verify_nobody, verify_password};

/// Longest device name kept.
const MAX_DEVICE_NAME: usize = 200;

fn wrong_credentials() -> AppError {
    AppError::Unauthorized(
        "the user name or the password is wrong; check both and try again".into(),
    )
}

/// Checks the password (argon2id) and registers a new device with a random token, which is
/// returned once and stored only as its SHA-256. Wrong credentials answer 401 without telling
/// whether the user exists.
pub async fn enroll(
    State(state): State<AppState>,
    body: Result<Json<EnrollRequest>, JsonRejection>,
) -> Result<Json<EnrollResponse>, AppError> {
    let Json(request) = body.map_err(|e| {
        AppError::BadRequest(format!(
            "the body must be JSON with `username`, `password` and `device_name`: {}",
            e.body_text()
        ))
    })?;
    let store = state.store.clone();
    let response = blocking(move || -> Result<EnrollResponse, AppError> {
        let username = request.username.trim();
        let Some(user) = store.user(username)? else {
            verify_nobody(&request.password);
            return Err(wrong_credentials());
        };
        if !verify_password(&request.password, &user.password_hash) {
            return Err(wrong_credentials());
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
        let device = store.create_device(&user.username, &name, &token_hash(&token))?;
        tracing::info!(user = %user.username, device = %device.id, "device enrolled");
        Ok(EnrollResponse {
            device_id: device.id,
            token,
            username: user.username,
            display_name: user.display_name,
            tenant: user.tenant,
            role: user.role.as_str().to_string(),
        })
    })
    .await?;
    Ok(Json(response))
}

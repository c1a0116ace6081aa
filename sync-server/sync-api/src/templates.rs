//! `GET /api/v1/templates` and `GET /api/v1/templates/{id}/{version}`: the form templates of
//! the device's tenant and the bundled ones.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use sync_protocol::http::TemplateSummary;

use super::ApiError;
use crate::principal::Caller;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

/// The tenant's and the bundled templates (a tenant's own version hides a bundled one).
pub async fn list(
    State(state): State<AppState>,
    Caller(principal): Caller,
) -> Result<Json<Vec<TemplateSummary>>, ApiError> {
    let store = state.store.clone();
    let rows = blocking(move || {
        // Citizens' services too: a tablet labels a request's answers with them, and its
        // picker starts cases from the officers' templates only.
        store.read(|tx| server_core::store::templates::of_tenant(tx, &principal.tenant, None))
    })
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| TemplateSummary {
                id: t.id,
                version: t.version,
                title_de: t.title_de,
                title_en: t.title_en,
                category: t.category,
            })
            .collect(),
    ))
}

/// One template's JSON.
pub async fn get_one(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let Ok(number) = version.parse::<u32>() else {
        return Err(AppError::BadRequest(format!(
            "`{version}` is not a template version; use a whole number such as 1"
        ))
        .into());
    };
    let store = state.store.clone();
    let key = id.clone();
    let row = blocking(move || {
        store.read(|tx| server_core::store::templates::find(tx, &principal.tenant, &key, number))
    })
    .await?;
    match row {
        Some(row) => Ok(([(CONTENT_TYPE, "application/json")], row.json).into_response()),
        None => Err(AppError::NotFound(format!(
            "there is no template `{id}` in version {number}; GET /api/v1/templates lists them"
        ))
        .into()),
    }
}

//! `GET /backoffice/admin/devices` (the tenant's enrolled tablets with their last sync) and
//! `POST /backoffice/admin/devices/{id}/revoke`: the same store operation as
//! `sync-server admin revoke-device`; the token is refused from the device's next request on,
//! because every request checks it against the database.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::views::{DeviceView, DevicesPage};
use super::{allowed, path};
use crate::audit::{self, Action};
use crate::i18n::texts;
use crate::load::denied;
use crate::session::{CsrfForm, Session};
use crate::views::{Frame, render, see_other};
use crate::{InPage, PageError};
use server_core::access::{self, OfficeAction};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::{accounts, audit as audit_log};
use texts::time::instant_ms;

/// `GET /backoffice/admin/devices`.
pub async fn page(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageDevices)?;
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        let devices =
            blocking(move || store.read(|tx| accounts::tenant_devices(tx, &tenant))).await?;
        audit::record(&state, &session.staff, Action::ViewDevices, None, "").await?;
        let frame = Frame::signed_in(&session, texts(lang).devices_title);
        let t = frame.t;
        render(&DevicesPage {
            csrf: session.csrf_token.clone(),
            devices: devices
                .into_iter()
                .map(|d| DeviceView {
                    enrolled: instant_ms(d.device.created_at, lang),
                    last_sync: d
                        .last_sync_ms
                        .map_or_else(|| t.never.to_string(), |ms| instant_ms(ms, lang)),
                    revoked: d.device.revoked_at.is_some(),
                    id: d.device.id,
                    username: d.device.username,
                    name: d.device.name,
                })
                .collect(),
            page: frame,
        })
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The revoke form has only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {}

/// `POST /backoffice/admin/devices/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm<RevokeForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageDevices)?;
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        let devices =
            blocking(move || store.read(|tx| accounts::tenant_devices(tx, &tenant))).await?;
        let device = devices.into_iter().map(|d| d.device).find(|d| d.id == id);
        access::check_device_target(&session.staff, device.as_ref())
            .map_err(|d| denied(&session, d))?;
        let store = state.store.clone();
        let owner = device.map(|d| d.username).unwrap_or_default();
        let entry = audit::entry(
            &session.staff,
            Action::RevokeDevice,
            None,
            format!("{id} ({owner})"),
        );
        // The revocation and its audit entry commit together.
        blocking(move || {
            store.write(|tx| {
                accounts::revoke_device(tx, &id)?;
                audit_log::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&path("devices")))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

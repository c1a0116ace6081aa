//! A tenant's portal under a host name of its own: a request to that host for a path no
//! surface has (its root, above all) is sent on to the tenant's portal
//! (`buergerportal.tegelhausen.de/` → `/portal/tgh/`). The binary's fallback asks here first.

use axum::http::header::{HOST, LOCATION};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use server_core::kernel::blocking;
use server_core::services::AppState;
use server_core::store::tenants;

/// Where a request for `uri` on the host `headers` name goes, when that host is a tenant's
/// portal; `None` otherwise (or for anything but GET and HEAD).
pub async fn redirect(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    uri: &Uri,
) -> Option<Response> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    let host = headers.get(HOST)?.to_str().ok()?;
    // The port is not part of the name (a proxy may pass it on).
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let store = state.store.clone();
    let tenant = blocking(move || store.read(|tx| tenants::by_portal_host(tx, &name)))
        .await
        .ok()??;
    let path = uri.path().trim_start_matches('/');
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let location = format!("{}/{tenant}/{path}{query}", crate::BASE);
    Some((StatusCode::TEMPORARY_REDIRECT, [(LOCATION, location)]).into_response())
}

//! The portal as an app on a phone's home screen, the web's counterpart of a town's app: a
//! manifest per tenant (its name, its colour, its icons), icons drawn in the tenant's accent
//! colour, and a service worker that shows an offline page when the connection is gone. All
//! of it is progressive enhancement: the pages work without any of it.

use std::io::Cursor;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use server_core::services::portal_look::rgb;

use crate::tenant::PortalTenant;

const SERVICE_WORKER: &str = include_str!("sw.js");
const REGISTER: &str = include_str!("register.js");
const OFFLINE: &str = include_str!("offline.html");

/// naper's accent colour, for tenants that chose none.
pub const DEFAULT_ACCENT: &str = "#0b5394";

/// The sizes of the icons a manifest names.
const ICON_SIZES: [u32; 2] = [192, 512];

fn text(content_type: &'static str, body: &'static str, cache: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, cache)], body).into_response()
}

/// `GET /portal/sw.js`: the service worker (scope `/portal/`); revalidated on every visit,
/// so a new one is taken up at once.
pub async fn service_worker() -> Response {
    text("text/javascript; charset=utf-8", SERVICE_WORKER, "no-cache")
}

/// `GET /portal/static/register.js`: registers the service worker.
pub async fn register() -> Response {
    text(
        "text/javascript; charset=utf-8",
        REGISTER,
        "public, max-age=3600",
    )
}

/// `GET /portal/offline.html`: what the service worker shows without a connection.
pub async fn offline() -> Response {
    text("text/html; charset=utf-8", OFFLINE, "public, max-age=3600")
}

/// The tenant's accent colour, or naper's.
fn accent(tenant: &PortalTenant) -> String {
    tenant
        .look
        .accent
        .clone()
        .unwrap_or_else(|| DEFAULT_ACCENT.into())
}

/// `GET /portal/{tenant}/manifest.webmanifest`.
pub async fn manifest(tenant: PortalTenant) -> Response {
    let base = tenant.base();
    let icons: Vec<serde_json::Value> = ICON_SIZES
        .iter()
        .map(|size| {
            serde_json::json!({
                "src": format!("{base}/icons/{size}.png"),
                "sizes": format!("{size}x{size}"),
                "type": "image/png",
                "purpose": "any maskable",
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "name": format!("{} – {}", tenant.name, tenant.t().portal_name),
        "short_name": tenant.name,
        "lang": tenant.t().html_lang,
        "start_url": format!("{base}/"),
        "scope": format!("{base}/"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": accent(&tenant),
        "icons": icons,
    });
    (
        [
            (CONTENT_TYPE, "application/manifest+json"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        manifest.to_string(),
    )
        .into_response()
}

/// `GET /portal/{tenant}/icons/{size}.png`: the icon in the tenant's colour.
pub async fn icon(tenant: PortalTenant, Path((_, file)): Path<(String, String)>) -> Response {
    let size = ICON_SIZES
        .iter()
        .copied()
        .find(|size| file == format!("{size}.png"));
    let Some(size) = size else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let colour = rgb(&accent(&tenant)).unwrap_or([0x0b, 0x53, 0x94]);
    match draw_icon(size, colour) {
        Ok(png) => (
            [
                (CONTENT_TYPE, "image/png"),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            png,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("the portal's icon could not be drawn: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A town hall in white on `colour`, filling the safe zone of a maskable icon (the middle
/// 80 %): a gable, a body with three windows, a step.
fn draw_icon(size: u32, colour: [u8; 3]) -> Result<Vec<u8>, image::ImageError> {
    let s = f64::from(size);
    let white = image::Rgb([255, 255, 255]);
    let image = image::RgbImage::from_fn(size, size, |x, y| {
        // Pixel centres, in units of the icon's side.
        let (u, v) = ((f64::from(x) + 0.5) / s, (f64::from(y) + 0.5) / s);
        let gable = (0.24..=0.40).contains(&v) && (u - 0.5).abs() <= (v - 0.24) / 0.16 * 0.28;
        let body = (0.26..=0.74).contains(&u) && (0.42..=0.72).contains(&v);
        let window = [0.33, 0.47, 0.61]
            .iter()
            .any(|left| (*left..=left + 0.06).contains(&u) && (0.48..=0.66).contains(&v));
        let step = (0.24..=0.76).contains(&u) && (0.74..=0.78).contains(&v);
        if (gable || body || step) && !window {
            white
        } else {
            image::Rgb(colour)
        }
    });
    let mut png = Vec::new();
    image.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_icon_is_the_colour_with_a_white_town_hall() {
        let png = draw_icon(192, [0x1e, 0x7b, 0x34]).unwrap();
        let image = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (192, 192));
        assert_eq!(image.get_pixel(4, 4).0, [0x1e, 0x7b, 0x34], "the corner");
        assert_eq!(
            image.get_pixel(76, 134).0,
            [255, 255, 255],
            "the body, under the windows"
        );
        assert_eq!(
            image.get_pixel(96, 110).0,
            [0x1e, 0x7b, 0x34],
            "the middle window"
        );
        assert_eq!(
            image.get_pixel(96, 40).0,
            [0x1e, 0x7b, 0x34],
            "above the gable"
        );
    }
}

//! The headers every page carries: no framing (clickjacking), no foreign sources, scripts
//! only where a surface allows its own, no caching of pages with personal data unless a
//! handler allows it, no MIME sniffing; and the end of the connection after a body that was
//! refused before it was read.

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONNECTION};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// A surface's content security policy.
#[derive(Debug, Clone, Copy)]
pub struct ContentPolicy(pub &'static str);

/// No scripts at all: the back office.
pub const NO_SCRIPTS: ContentPolicy = ContentPolicy(
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'",
);

/// The surface's own scripts and service worker, nothing inline: the portal, whose pages
/// work without them (they only make it installable and say when it is offline).
pub const OWN_SCRIPTS: ContentPolicy = ContentPolicy(
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'; script-src 'self'; \
     worker-src 'self'; connect-src 'self'",
);

/// Middleware (`axum::middleware::from_fn_with_state(policy, security_headers)`) adding the
/// security headers to every response of a page surface.
pub async fn security_headers(
    State(policy): State<ContentPolicy>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(policy.0),
    );
    let set = [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ];
    for (name, value) in set {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A body refused for its size or pace was not read to its end: the rest of it would be
    // taken for the next request on the connection, so the connection ends with the answer
    // (and a client that pooled it knows not to reuse it).
    let unread_body = matches!(
        response.status(),
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
    );
    if unread_body {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

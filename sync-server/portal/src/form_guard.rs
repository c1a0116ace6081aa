//! What keeps the portal's forms to the people who fill them in: a double-submit token
//! against cross-site posts, and a field robots fill in and people never see.
//!
//! The form carries the token of the browser's `naper_portal_form` cookie (`SameSite=Strict`,
//! scoped to the portal, unreadable to scripts), and a post is taken only when both agree and
//! the browser does not say the post came from another site (`Sec-Fetch-Site`). No session is
//! needed, so an anonymous citizen's form works the same way. A form whose token does not
//! match comes back with everything typed kept and a fresh token.

use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use server_core::identity::auth::new_token;
use server_core::kernel::AppError;
use web::cookies::{self, SetCookie};

/// The cookie holding the form token.
const FORM_COOKIE: &str = "naper_portal_form";

/// The name of the field people leave empty (hidden by the stylesheet; robots fill it).
pub const HONEYPOT: &str = "website";

/// The form token of this browser: its cookie's, or a new one with the header that sets it.
///
/// # Errors
/// [`AppError::Internal`] when no random token can be made.
pub fn token(headers: &HeaderMap, secure: bool) -> Result<(String, Option<HeaderValue>), AppError> {
    if let Some(token) = cookies::get(headers, FORM_COOKIE).filter(|t| well_formed(t)) {
        return Ok((token, None));
    }
    let token = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let cookie = SetCookie {
        path: crate::BASE,
        name: FORM_COOKIE,
        value: &token,
        max_age_secs: None,
        http_only: true,
        secure,
    };
    let header = HeaderValue::from_str(&cookie.to_string())
        .map_err(|e| AppError::Internal(format!("form cookie: {e}")))?;
    Ok((token, Some(header)))
}

/// Adds the header that sets the form cookie, when a new token was made.
pub fn set(headers: &mut HeaderMap, cookie: Option<HeaderValue>) {
    if let Some(cookie) = cookie {
        headers.append(SET_COOKIE, cookie);
    }
}

/// Whether a post can come from this portal's own form in this browser at all — it carries
/// a form cookie and the browser does not say it came from another site — before its body
/// is read (the token itself is in the body). Photos of a post that cannot are not taken in.
pub fn may_be_genuine(headers: &HeaderMap) -> bool {
    !cross_site(headers) && cookies::get(headers, FORM_COOKIE).is_some_and(|t| well_formed(&t))
}

fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site != "same-origin" && site != "none")
}

/// Whether a post with form token `sent` comes from this portal's own form in this browser.
pub fn genuine(headers: &HeaderMap, sent: &str) -> bool {
    if cross_site(headers) {
        return false;
    }
    let Some(cookie) = cookies::get(headers, FORM_COOKIE).filter(|t| well_formed(t)) else {
        return false;
    };
    same(cookie.as_bytes(), sent.as_bytes())
}

/// Tokens are 64 hex digits (`new_token`).
pub(crate) fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares without stopping at the first difference, so the time taken says nothing about
/// how much of a guess was right.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::http::header::COOKIE;

    use super::*;

    #[test]
    fn only_the_cookies_own_token_from_the_same_site_passes() {
        let (token, cookie) = token(&HeaderMap::new(), true).unwrap();
        let cookie = cookie.unwrap();
        let set = cookie.to_str().unwrap();
        assert!(set.contains("Path=/portal; SameSite=Strict"), "{set}");
        assert!(set.contains("HttpOnly") && set.contains("Secure"), "{set}");
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("{FORM_COOKIE}={token}")).unwrap(),
        );
        // The browser's cookie is kept.
        assert_eq!(super::token(&headers, true).unwrap(), (token.clone(), None));
        assert!(genuine(&headers, &token));
        assert!(!genuine(&headers, &token[..63]));
        assert!(!genuine(&headers, &"0".repeat(64)));
        assert!(!genuine(&HeaderMap::new(), &token));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(genuine(&headers, &token));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!genuine(&headers, &token));
    }
}

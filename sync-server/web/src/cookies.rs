//! Reading the `Cookie` header and writing `Set-Cookie`, for the few cookies the pages use
//! (sessions, form tokens, language), each scoped to its surface's path.

use std::fmt;

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The value of cookie `name`, if the request carries it.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
}

/// A `Set-Cookie` value for a cookie scoped to one surface's path, always `SameSite=Strict`
/// so a browser never sends it with a request started by another site.
#[derive(Debug, Clone, Copy)]
pub struct SetCookie<'a> {
    /// The path it is sent to: its surface's (`/backoffice`), so one surface's cookies never
    /// reach another.
    pub path: &'a str,
    /// Name.
    pub name: &'a str,
    /// Value (the callers' values are hex or fixed words, which need no quoting).
    pub value: &'a str,
    /// Lifetime; `Some(0)` deletes the cookie, `None` makes it end with the browser session.
    pub max_age_secs: Option<u64>,
    /// Hidden from JavaScript.
    pub http_only: bool,
    /// Sent over https only.
    pub secure: bool,
}

impl fmt::Display for SetCookie<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={}; Path={}; SameSite=Strict",
            self.name, self.value, self.path
        )?;
        if let Some(age) = self.max_age_secs {
            write!(f, "; Max-Age={age}")?;
        }
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        if self.secure {
            f.write_str("; Secure")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn cookies_are_found_among_several() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; naper_session=abc"));
        headers.append(COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(get(&headers, "naper_session").as_deref(), Some("abc"));
        assert_eq!(get(&headers, "b").as_deref(), Some("2"));
        assert_eq!(get(&headers, "c"), None);
        let cookie = SetCookie {
            path: "/backoffice",
            name: "s",
            value: "v",
            max_age_secs: Some(60),
            http_only: true,
            secure: true,
        };
        assert_eq!(
            cookie.to_string(),
            "s=v; Path=/backoffice; SameSite=Strict; Max-Age=60; HttpOnly; Secure"
        );
    }
}

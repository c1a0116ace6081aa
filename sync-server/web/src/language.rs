//! How a request picks its page language: `?lang=en` (or `?lang=de`) switches, and the
//! surface's language cookie remembers the choice for the following pages; else the
//! browser's `Accept-Language` when it asks for English before German (on the public's
//! pages); else German.

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::middleware::Next;
use axum::response::Response;
use schema::Language;

use crate::cookies;

/// A surface's language cookie.
#[derive(Debug, Clone, Copy)]
pub struct LanguageCookie {
    /// Its name.
    pub name: &'static str,
    /// The surface's path it is scoped to.
    pub path: &'static str,
    /// Whether the browser's `Accept-Language` counts when nothing was chosen: for the
    /// public's pages, not for the office's, which work in German.
    pub follow_browser: bool,
}

impl LanguageCookie {
    /// The language of a request: `?lang=`, else the cookie, else (when it follows the
    /// browser) `Accept-Language`, else German.
    pub fn language_of(&self, uri: &Uri, headers: &HeaderMap) -> Language {
        query_language(uri.query())
            .or_else(|| cookies::get(headers, self.name).and_then(|v| parse(&v)))
            .or_else(|| self.follow_browser.then(|| accepted(headers)).flatten())
            .unwrap_or_default()
    }

    /// Adds the cookie remembering the language the request chose with `?lang=`, if it did.
    pub fn remember(&self, uri: &Uri, response: &mut Response) {
        let Some(lang) = query_language(uri.query()) else {
            return;
        };
        let cookie = cookies::SetCookie {
            path: self.path,
            name: self.name,
            value: code(lang),
            max_age_secs: Some(365 * 24 * 60 * 60),
            http_only: false,
            secure: false, // a language preference is no secret
        };
        if let Ok(header) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }
}

/// Middleware (`axum::middleware::from_fn_with_state(cookie, remember)`): a language chosen
/// with `?lang=` is remembered in the surface's cookie for the following pages.
pub async fn remember(
    State(cookie): State<LanguageCookie>,
    request: Request,
    next: Next,
) -> Response {
    let uri = request.uri().clone();
    let mut response = next.run(request).await;
    cookie.remember(&uri, &mut response);
    response
}

/// The language's code (`de`, `en`), as in `?lang=` and `<html lang>`.
pub fn code(lang: Language) -> &'static str {
    match lang {
        Language::De => "de",
        Language::En => "en",
    }
}

fn parse(text: &str) -> Option<Language> {
    match text {
        "de" => Some(Language::De),
        "en" => Some(Language::En),
        _ => None,
    }
}

/// The `lang` query parameter, if it names a language.
pub fn query_language(query: Option<&str>) -> Option<Language> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "lang")
        .and_then(|(_, value)| parse(value))
}

/// English when the browser lists it before German; the first of the two it names.
fn accepted(headers: &HeaderMap) -> Option<Language> {
    let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    header
        .split(',')
        .map(|entry| entry.split(';').next().unwrap_or_default().trim())
        .find_map(|tag| parse(tag.split('-').next().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::http::header::COOKIE;

    use super::*;

    const COOKIE_NAME: LanguageCookie = LanguageCookie {
        name: "lang",
        path: "/x",
        follow_browser: true,
    };

    #[test]
    fn the_query_wins_then_the_cookie_then_the_browser() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(COOKIE_NAME.language_of(&uri("/x"), &headers), Language::De);
        headers.insert(
            ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9,de;q=0.8"),
        );
        assert_eq!(COOKIE_NAME.language_of(&uri("/x"), &headers), Language::En);
        let office = LanguageCookie {
            follow_browser: false,
            ..COOKIE_NAME
        };
        assert_eq!(office.language_of(&uri("/x"), &headers), Language::De);
        headers.insert(COOKIE, HeaderValue::from_static("lang=de"));
        assert_eq!(COOKIE_NAME.language_of(&uri("/x"), &headers), Language::De);
        assert_eq!(
            COOKIE_NAME.language_of(&uri("/x?a=1&lang=en"), &headers),
            Language::En
        );
        assert_eq!(query_language(Some("lang=fr")), None);
        let mut response = Response::default();
        COOKIE_NAME.remember(&uri("/x?lang=en"), &mut response);
        let set = response
            .headers()
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            set.starts_with("lang=en; Path=/x; SameSite=Strict"),
            "{set}"
        );
    }
}

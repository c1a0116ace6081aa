//! A minimal browser for the back-office tests: keeps cookies itself (so tests can copy,
//! drop or forge them), never follows redirects (so tests see them), and finds CSRF tokens in
//! the pages it loads.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use schema::{CaseId, Template};

use super::{PASSWORD, TestServer};

/// A template with one field of every kind the back office edits, and a photo field.
pub const BO_TEMPLATE: &str = r#"{"id":"bo-check","version":1,"category":"waste",
  "title":{"de":"Müllkontrolle","en":"Waste check"},
  "sections":[{"key":"s1","title":{"de":"Feststellungen","en":"Findings"},"fields":[
    {"key":"short","type":"short_text","label":{"de":"Kurznotiz","en":"Short note"}},
    {"key":"note","type":"long_text","label":{"de":"Beschreibung","en":"Description"}},
    {"key":"count","type":"integer","label":{"de":"Anzahl Säcke","en":"Number of bags"},"min":0,"max":100},
    {"key":"danger","type":"yes_no","label":{"de":"Gefahrstoffe","en":"Hazardous"}},
    {"key":"kind","type":"single_choice","label":{"de":"Art","en":"Kind"},"options":[
      {"value":"household","label":{"de":"Hausmüll","en":"Household waste"}},
      {"value":"bulky","label":{"de":"Sperrmüll","en":"Bulky waste"}}]},
    {"key":"pictures","type":"photos","label":{"de":"Fotos vom Ort","en":"Photos of the place"}}]}]}"#;

/// Stores [`BO_TEMPLATE`] as a shared template.
pub async fn install_template(server: &TestServer) {
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        let row = sync_server::services::templates::row("bo-check", BO_TEMPLATE, None).unwrap();
        store
            .write(|tx| sync_server::store::templates::put(tx, &row))
            .unwrap();
    })
    .await
    .unwrap();
}

/// The template's reference, to put into test cases.
pub fn bo_ref() -> schema::TemplateRef {
    Template::from_json(BO_TEMPLATE).unwrap().reference()
}

/// What a request returned.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub content_type: String,
    pub body: String,
}

impl Page {
    /// The value of the first `name="csrf"` field on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field on the page:\n{}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }
}

/// A browser session against a test server.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(server: &TestServer) -> Self {
        Self {
            base: server.server.url(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    /// Signed in as `username` (with the test password).
    pub async fn signed_in(server: &TestServer, username: &str) -> Self {
        let mut browser = Self::new(server);
        let page = browser.login(username, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login of {username}: {}",
            page.body
        );
        browser
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let set_cookies: Vec<String> = headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if cookie.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        Page {
            status,
            location: headers
                .get(LOCATION)
                .map(|v| v.to_str().unwrap().to_string()),
            set_cookies,
            content_type: headers
                .get(reqwest::header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default(),
            body: response.text().await.unwrap_or_default(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// Bytes of a GET (images).
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (
            status,
            content_type,
            response.bytes().await.unwrap().to_vec(),
        )
    }

    /// POSTs a form (fields as given; add `("csrf", token)` yourself).
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(path, form, &[]).await
    }

    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        self.finish(response).await
    }

    /// POSTs a form as `multipart/form-data`, as a browser sends one with file inputs:
    /// `fields` as text parts, `files` as (input name, file name, bytes).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text((*name).to_string(), (*value).to_string());
        }
        for (name, file_name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name((*file_name).to_string())
                .mime_str("application/octet-stream")
                .unwrap();
            form = form.part((*name).to_string(), part);
        }
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// Loads the login page and submits it.
    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/backoffice/login").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        self.post(
            "/backoffice/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/backoffice/cases"),
            ],
        )
        .await
    }

    /// The CSRF token of the signed-in session (from the case list's logout form).
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/backoffice/cases").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.csrf()
    }

    /// The case page.
    pub async fn case_page(&mut self, id: CaseId) -> Page {
        self.get(&format!("/backoffice/cases/{id}")).await
    }
}

/// A case of `bo-check` made on `tablet` with `make`, synced to the server.
pub async fn synced_case(
    tablet: &mut super::Tablet,
    make: impl FnOnce(&mut schema::InspectionCase),
) -> CaseId {
    let id = tablet.create_with(|case| {
        case.template = bo_ref();
        case.fields.clear();
        make(case);
    });
    let rejected = tablet.sync().await;
    assert!(rejected.is_empty(), "{rejected:?}");
    id
}

/// A photo of the case's `pictures` field holding `bytes` (sha256 `sha`), added by officer1,
/// with one red arrow drawn on it — what the pages and the report render annotated.
pub fn annotated_photo(sha: String, bytes: &[u8], caption: &str) -> schema::Photo {
    schema::Photo {
        id: schema::PhotoId::new(),
        field: "pictures".into(),
        sha256: sha,
        byte_size: bytes.len() as u64,
        width: 32,
        height: 48,
        mime_type: "image/jpeg".into(),
        captured_at_ms: None,
        gps: None,
        caption: caption.into(),
        added: schema::Stamp {
            by: "officer1".into(),
            at_ms: 1_700_000_000_500,
        },
        annotations: vec![annotate::Annotation::new(
            annotate::Shape::Arrow {
                from: annotate::NormPoint::new(0.1, 0.1),
                to: annotate::NormPoint::new(0.5, 0.5),
            },
            annotate::Style {
                color: annotate::Rgba::opaque(255, 0, 0),
                width: 0.01,
                fill: None,
            },
            "officer1",
            0,
        )],
    }
}

//! The thin HTTP adapter (reqwest on tokio) around `sync_protocol`'s sans-IO core.
//!
//! - [`SyncClient::enroll`]: `POST /api/v1/enroll`, stores the credentials.
//! - [`SyncClient::sync_documents`] (in `documents`): one sync run of the case documents.
//! - [`SyncClient::upload_pending`] (in `uploads`): resumable chunked photo uploads.
//! - [`SyncClient::photo`] (in `downloads`): lazy photo and thumbnail downloads.
//! - [`SyncClient::refresh_templates`] (in `templates`): the tenant's templates.
//! - [`SyncClient::sync`]: documents, then uploads — what the "sync" button does.
//!
//! Every network failure becomes [`FieldAppError::Offline`] (try again later; local work is
//! kept), a 401 becomes [`FieldAppError::DeviceRevoked`] (enroll again), and other error
//! answers become [`FieldAppError::Server`] with the server's [`ErrorBody`] message.

mod documents;
mod downloads;
mod templates;
mod uploads;

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{RequestBuilder, Response, StatusCode};
use sync_protocol::Limits;
use sync_protocol::http::{ENROLL, EnrollRequest, EnrollResponse, ErrorBody};

use crate::clock;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;

pub use documents::DocumentReport;
pub use downloads::PhotoVariant;
pub use uploads::{UploadProgress, UploadReport};

/// Default for the most bytes one upload request carries: 64 MiB, the server's default cap
/// on a photo, so a photo goes in one streamed request. A broken request loses nothing: the
/// server keeps what arrived and the tablet resumes from there.
pub const DEFAULT_CHUNK_BYTES: usize = 64 * 1024 * 1024;

/// What a whole sync (documents, then photo uploads) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The document part.
    pub documents: DocumentReport,
    /// The upload part.
    pub uploads: UploadReport,
}

impl SyncReport {
    /// The one-line summary the CLI ends with:
    /// `synced: sent=N received=M rejected=K uploaded_bytes=B`.
    pub fn summary(&self) -> String {
        format!(
            "synced: sent={} received={} rejected={} uploaded_bytes={}",
            self.documents.sent,
            self.documents.received,
            self.documents.rejected.len(),
            self.uploads.bytes_uploaded
        )
    }
}

/// An HTTP client for one server.
#[derive(Debug, Clone)]
pub struct SyncClient {
    http: reqwest::Client,
    server: String,
    token: Option<String>,
    chunk_bytes: usize,
    limits: Limits,
}

impl SyncClient {
    /// A client for `server_url` without credentials (for enrolling).
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] when the URL is not http(s) or the HTTP stack cannot start.
    pub fn new(server_url: &str) -> Result<Self> {
        let server = server_url.trim().trim_end_matches('/').to_string();
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            return Err(FieldAppError::Invalid(format!(
                "`{server_url}` is not a server address; give it as https://host[:port]"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(300))
            .user_agent(concat!("naper-field-app/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FieldAppError::Invalid(format!("the HTTP client cannot start: {e}")))?;
        Ok(Self {
            http,
            server,
            token: None,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            limits: Limits::default(),
        })
    }

    /// A client with the tablet's credentials.
    ///
    /// # Errors
    /// As [`SyncClient::new`].
    pub fn for_enrollment(enrollment: &Enrollment) -> Result<Self> {
        let mut client = Self::new(&enrollment.server_url)?;
        client.token = Some(enrollment.token.clone());
        Ok(client)
    }

    /// Sets the upload chunk size (at least 1 byte).
    pub fn with_chunk_bytes(mut self, bytes: usize) -> Self {
        self.chunk_bytes = bytes.max(1);
        self
    }

    /// The server's base URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Enrolls this tablet: signs the officer in, stores the device's credentials (replacing a
    /// previous enrollment; cases and photos stay) and returns them.
    ///
    /// # Errors
    /// [`FieldAppError::Offline`], [`FieldAppError::Server`] (e.g. wrong password),
    /// [`FieldAppError::Protocol`], [`FieldAppError::Store`].
    pub async fn enroll(
        &self,
        store: &mut LocalStore,
        username: &str,
        password: &str,
        device_name: &str,
    ) -> Result<Enrollment> {
        let request = EnrollRequest {
            username: username.to_string(),
            password: password.to_string(),
            device_name: device_name.to_string(),
        };
        let response = self
            .send(self.http.post(self.url(ENROLL)).json(&request))
            .await
            .map_err(|e| match e {
                // At enrollment a 401 means the credentials, not a revoked device.
                FieldAppError::DeviceRevoked { detail } => FieldAppError::Server {
                    status: 401,
                    code: "unauthorized".into(),
                    message: format!("{detail} (check the user name and password)"),
                },
                other => other,
            })?;
        let body = self.body(response).await?;
        let answer: EnrollResponse = serde_json::from_slice(&body)
            .map_err(|e| FieldAppError::Protocol(format!("enrollment answer: {e}")))?;
        let enrollment = Enrollment {
            server_url: self.server.clone(),
            device_id: answer.device_id,
            token: answer.token,
            username: answer.username,
            display_name: answer.display_name,
            tenant: answer.tenant,
            role: answer.role,
            enrolled_at_ms: clock::now_ms(),
        };
        store.save_enrollment(&enrollment)?;
        Ok(enrollment)
    }

    /// A whole sync: the documents, then the photo uploads (reporting each chunk to
    /// `progress`). Document rejections are in the report, not errors.
    ///
    /// # Errors
    /// The first error that stopped the run; everything persisted before it stays.
    pub async fn sync(
        &self,
        store: &mut LocalStore,
        progress: &mut (dyn FnMut(&UploadProgress) + Send),
    ) -> Result<SyncReport> {
        let enrollment = store.require_enrollment()?;
        let documents = self.sync_documents(store, &enrollment.peer()).await?;
        let uploads = self.upload_pending(store, progress).await?;
        Ok(SyncReport { documents, uploads })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server)
    }

    /// Adds the bearer token.
    fn authorized(&self, request: RequestBuilder) -> Result<RequestBuilder> {
        let token = self.token.as_deref().ok_or(FieldAppError::NotEnrolled)?;
        Ok(request.bearer_auth(token))
    }

    /// Sends a request; transport failures become [`FieldAppError::Offline`], error statuses
    /// the matching error.
    async fn send(&self, request: RequestBuilder) -> Result<Response> {
        let response = request.send().await.map_err(|e| self.offline(&e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.status_error(response).await)
    }

    /// Reads a whole answer body; a connection dropped while reading is "offline".
    async fn body(&self, response: Response) -> Result<Vec<u8>> {
        let bytes = response.bytes().await.map_err(|e| self.offline(&e))?;
        Ok(bytes.to_vec())
    }

    /// Reads a JSON answer.
    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        response: Response,
        what: &str,
    ) -> Result<T> {
        let body = self.body(response).await?;
        serde_json::from_slice(&body).map_err(|e| FieldAppError::Protocol(format!("{what}: {e}")))
    }

    fn offline(&self, e: &reqwest::Error) -> FieldAppError {
        let mut detail = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        FieldAppError::Offline {
            server: self.server.clone(),
            detail,
        }
    }

    async fn status_error(&self, response: Response) -> FieldAppError {
        let status = response.status();
        let body = response.bytes().await.unwrap_or_default();
        let (code, message) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) => (b.error, b.message),
            Err(_) => (
                "unknown".to_string(),
                String::from_utf8_lossy(&body[..body.len().min(500)]).into_owned(),
            ),
        };
        if status == StatusCode::UNAUTHORIZED {
            return FieldAppError::DeviceRevoked { detail: message };
        }
        FieldAppError::Server {
            status: status.as_u16(),
            code,
            message,
        }
    }
}

fn content_type(value: &'static str) -> (reqwest::header::HeaderName, HeaderValue) {
    (CONTENT_TYPE, HeaderValue::from_static(value))
}

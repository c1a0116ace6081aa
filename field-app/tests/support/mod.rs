//! A small fake sync server for the tablet's tests: the HTTP contract of
//! `sync_protocol::http` on axum, wrapping `sync_protocol::serve` with an in-memory store
//! exactly like `sync-protocol/tests/in_memory.rs`'s `Server`. It can revoke devices, refuse
//! cases, and drop an upload's connection once after a number of bytes.
#![allow(clippy::unwrap_used, clippy::result_large_err, dead_code)] // test support: a panic here is a failed test

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use annotate::{ContentAddress, DecodeLimits, ExportFormat, photo};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use field_app::LocalStore;
use field_app::store::enrollment::Enrollment;
use field_app::sync_client::SyncClient;
use schema::{CaseId, InspectionCase, Template};
use sync_protocol::http::{
    CBOR, EnrollRequest, EnrollResponse, ErrorBody, TemplateSummary, UploadStatus,
};
use sync_protocol::testing::MemoryServer;
use sync_protocol::{Limits, SyncRequest};

/// A template with a photo field, used by the tests.
pub const TEMPLATE: &str = r#"{"id":"check","version":1,"category":"waste",
  "title":{"de":"Kontrolle","en":"Check"},
  "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
    {"key":"officer","type":"short_text","label":{"de":"O","en":"O"},"prefill":"officer_name"},
    {"key":"count","type":"integer","label":{"de":"C","en":"C"}},
    {"key":"note","type":"long_text","label":{"de":"N","en":"N"}},
    {"key":"photos","type":"photos","label":{"de":"P","en":"P"}}]}]}"#;

/// What the fake server holds, open for the tests to look at and change.
#[derive(Default)]
pub struct ServerState {
    /// Documents, sync states and refusals: the protocol's in-memory server model.
    pub memory: MemoryServer,
    /// Token → device id.
    pub tokens: HashMap<String, String>,
    /// Every device is refused with 401.
    pub revoked: bool,
    /// Template JSON.
    pub templates: Vec<String>,
    /// Blob bytes received so far, complete or not.
    pub blobs: HashMap<String, Vec<u8>>,
    /// Blobs complete and verified.
    pub complete: BTreeSet<String>,
    /// Drop the connection of the upload that brings a blob past this many bytes (once).
    pub drop_upload_after: Option<u64>,
    /// Answer the next upload chunk with 409 (as if another attempt had moved on), once.
    pub conflict_next_put: bool,
    /// Answer this many upload chunks with 503 (no upload slot free), before reading them.
    pub busy_puts: usize,
    /// Keep the bytes of the upload that brings a blob past this many bytes up to there, and
    /// answer 408, as the real server does with a body that came too slowly (once).
    pub too_slow_after: Option<u64>,
    /// Drop the connection instead of answering the sync request with this index (once).
    pub drop_sync_request: Option<usize>,
    /// Leave the next upload that brings its last byte unfinished (every byte received, not
    /// complete), as a server stopped between the last byte and the hash check does.
    pub leave_unfinished_once: bool,
    /// Never finish an upload (a server that does not know to finish on request).
    pub never_finish: bool,
    /// Every accepted upload chunk: (offset, bytes kept).
    pub upload_log: Vec<(u64, u64)>,
    /// Status requests (`GET …/upload`).
    pub status_requests: usize,
    /// Messages per sync request, in order.
    pub sync_requests: Vec<usize>,
}

impl ServerState {
    /// The hydrated case as the server holds it.
    pub fn case(&self, id: CaseId) -> InspectionCase {
        self.memory.case(id)
    }
}

type Shared = Arc<Mutex<ServerState>>;

/// The running fake server.
pub struct FakeServer {
    /// Its base URL.
    pub url: String,
    /// Its state.
    pub state: Shared,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl FakeServer {
    /// Starts a server on a loopback port, on its own runtime, with [`TEMPLATE`].
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        // Bound here with std (callable from inside another runtime), served on our own.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state: Shared = Arc::default();
        state.lock().unwrap().templates.push(TEMPLATE.to_string());
        let app = router(state.clone());
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await
        });
        Self {
            url,
            state,
            runtime: Some(runtime),
        }
    }

    /// Locks the state.
    pub fn state(&self) -> std::sync::MutexGuard<'_, ServerState> {
        self.state.lock().unwrap()
    }
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/v1/enroll", post(enroll))
        .route("/api/v1/sync", post(sync))
        .route("/api/v1/templates", get(templates))
        .route("/api/v1/templates/{id}/{version}", get(template))
        .route(
            "/api/v1/blobs/{sha}/upload",
            get(upload_status).put(upload_chunk),
        )
        .route("/api/v1/blobs/{sha}", get(blob))
        .route("/api/v1/blobs/{sha}/thumbnail", get(thumbnail))
        .route("/api/v1/cases/{id}/photos/{photo}/{form}", get(rendering))
        .with_state(state)
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(ErrorBody {
            error: code.into(),
            message: message.into(),
        }),
    )
        .into_response()
}

fn device(state: &ServerState, headers: &HeaderMap) -> Result<String, Response> {
    let unauthorized = |m: &str| error(StatusCode::UNAUTHORIZED, "unauthorized", m);
    if state.revoked {
        return Err(unauthorized("this device was revoked by an administrator"));
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| unauthorized("no device token"))?;
    state
        .tokens
        .get(token)
        .cloned()
        .ok_or_else(|| unauthorized("unknown device token"))
}

async fn enroll(
    State(state): State<Shared>,
    axum::Json(req): axum::Json<EnrollRequest>,
) -> Response {
    if req.password != "pw" {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong user name or password",
        );
    }
    let mut s = state.lock().unwrap();
    let device_id = format!("dev-{}", s.tokens.len() + 1);
    let token = uuid::Uuid::now_v7().to_string();
    s.tokens.insert(token.clone(), device_id.clone());
    axum::Json(EnrollResponse {
        device_id,
        token,
        username: req.username,
        display_name: "Anna Abel".into(),
        tenant: "stadt".into(),
        role: "officer".into(),
    })
    .into_response()
}

async fn sync(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut s = state.lock().unwrap();
    let device = match device(&s, &headers) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let limits = Limits::default();
    let request = match SyncRequest::decode(&body, &limits) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, "malformed", &e.to_string()),
    };
    s.sync_requests.push(request.docs.len());
    if s.drop_sync_request == Some(s.sync_requests.len() - 1) {
        s.drop_sync_request = None;
        // The request is lost with the connection: nothing of it is applied.
        return broken_response();
    }
    let response = s.memory.handle(&device, &request);
    ([(header::CONTENT_TYPE, CBOR)], response.encode()).into_response()
}

async fn templates(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    let list: Vec<TemplateSummary> = s
        .templates
        .iter()
        .map(|json| {
            let t = Template::from_json(json).unwrap();
            TemplateSummary {
                id: t.id,
                version: t.version,
                title_de: t.title.de,
                title_en: t.title.en,
                category: t.category,
            }
        })
        .collect();
    axum::Json(list).into_response()
}

async fn template(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, version)): Path<(String, u32)>,
) -> Response {
    let s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    for json in &s.templates {
        let t = Template::from_json(json).unwrap();
        if t.id == id && t.version == version {
            return ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response();
        }
    }
    error(StatusCode::NOT_FOUND, "not_found", "no such template")
}

fn status_of(s: &ServerState, sha: &str) -> UploadStatus {
    UploadStatus {
        received: s.blobs.get(sha).map_or(0, |b| b.len() as u64),
        complete: s.complete.contains(sha),
    }
}

async fn upload_status(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Response {
    let mut s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    s.status_requests += 1;
    axum::Json(status_of(&s, &sha)).into_response()
}

#[derive(serde::Deserialize)]
struct UploadQuery {
    offset: u64,
    size: u64,
}

async fn upload_chunk(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(sha): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    let mut s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    if s.complete.contains(&sha) {
        return axum::Json(status_of(&s, &sha)).into_response();
    }
    let have = s.blobs.get(&sha).map_or(0, |b| b.len() as u64);
    if s.busy_puts > 0 {
        s.busy_puts -= 1;
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "server_busy",
            "the server is receiving 32 photo uploads already; try again in a moment",
        );
    }
    if std::mem::take(&mut s.conflict_next_put) || q.offset != have {
        return error(
            StatusCode::CONFLICT,
            "offset_mismatch",
            &format!("the server has {have} bytes; continue from there"),
        );
    }
    let mut keep = body.len() as u64;
    let mut drop_now = false;
    if let Some(limit) = s.drop_upload_after
        && have + keep > limit
    {
        keep = limit.saturating_sub(have);
        drop_now = true;
        s.drop_upload_after = None;
    }
    let mut too_slow = false;
    if let Some(limit) = s.too_slow_after
        && have + keep > limit
    {
        keep = limit.saturating_sub(have);
        too_slow = true;
        s.too_slow_after = None;
    }
    let kept = &body[..usize::try_from(keep).unwrap()];
    s.blobs
        .entry(sha.clone())
        .or_default()
        .extend_from_slice(kept);
    s.upload_log.push((q.offset, keep));
    if drop_now {
        return broken_response();
    }
    if too_slow {
        return error(
            StatusCode::REQUEST_TIMEOUT,
            "body_too_slow",
            "the body arrived too slowly; send it again over a better connection",
        );
    }
    let len = s.blobs[&sha].len() as u64;
    if len == q.size && (s.never_finish || std::mem::take(&mut s.leave_unfinished_once)) {
        return axum::Json(status_of(&s, &sha)).into_response();
    }
    if len == q.size {
        if ContentAddress::of(&s.blobs[&sha]).to_string() == sha {
            s.complete.insert(sha.clone());
        } else {
            s.blobs.remove(&sha);
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "hash_mismatch",
                "the bytes do not match their SHA-256; the upload was discarded",
            );
        }
    }
    axum::Json(status_of(&s, &sha)).into_response()
}

/// A response whose body fails: hyper aborts the connection, as a dropped network would.
fn broken_response() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped"))
    });
    Response::builder()
        .status(StatusCode::OK)
        .body(Body::from_stream(broken))
        .unwrap()
}

async fn blob(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Response {
    let s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    if !s.complete.contains(&sha) {
        return error(StatusCode::NOT_FOUND, "not_found", "no such photo");
    }
    s.blobs[&sha].clone().into_response()
}

async fn thumbnail(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Response {
    let s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    if !s.complete.contains(&sha) {
        return error(StatusCode::NOT_FOUND, "not_found", "no such photo");
    }
    let image = photo::thumbnail(&s.blobs[&sha], DecodeLimits::default()).unwrap();
    let jpeg = photo::encode(&image, ExportFormat::Jpeg { quality: 80 }).unwrap();
    ([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response()
}

/// `GET /api/v1/cases/{id}/photos/{photo}/rendering|thumbnail`: the photo with its
/// drawings, as the real server gives it to every device but the photographer's.
async fn rendering(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, photo_id, form)): Path<(String, String, String)>,
) -> Response {
    let s = state.lock().unwrap();
    if let Err(r) = device(&s, &headers) {
        return r;
    }
    let Some(case) = id.parse().ok().filter(|id| s.memory.docs.contains_key(id)) else {
        return error(StatusCode::NOT_FOUND, "not_found", "no such case");
    };
    let case = s.case(case);
    let Some(photo) = case.photos.iter().find(|p| p.id.to_string() == photo_id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "no such photo");
    };
    if !s.complete.contains(&photo.sha256) {
        return error(
            StatusCode::NOT_FOUND,
            "photo_still_uploading",
            "not uploaded yet",
        );
    }
    let options = annotate::FlattenOptions {
        format: ExportFormat::Jpeg { quality: 90 },
        limits: DecodeLimits::default(),
    };
    let full = annotate::flatten(&s.blobs[&photo.sha256], &photo.annotations, options).unwrap();
    let jpeg = if form == "thumbnail" {
        let image = photo::thumbnail(&full, DecodeLimits::default()).unwrap();
        photo::encode(&image, ExportFormat::Jpeg { quality: 80 }).unwrap()
    } else {
        full
    };
    ([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response()
}

/// A tablet in a test: its store, enrolled with the fake server.
pub struct Tablet {
    /// Keeps the data directory alive.
    pub dir: tempfile::TempDir,
    /// The store.
    pub store: LocalStore,
    /// The enrollment.
    pub enrollment: Enrollment,
    /// The client.
    pub client: SyncClient,
}

impl Tablet {
    /// A new tablet enrolled as `username` with the templates fetched.
    pub async fn enroll(server: &FakeServer, username: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let client = SyncClient::new(&server.url).unwrap();
        let enrollment = client
            .enroll(&mut store, username, "pw", "Tablet 7")
            .await
            .unwrap();
        let client = SyncClient::for_enrollment(&enrollment).unwrap();
        client.refresh_templates(&mut store).await.unwrap();
        Self {
            dir,
            store,
            enrollment,
            client,
        }
    }

    /// Creates a case from [`TEMPLATE`].
    pub fn create(&mut self) -> CaseId {
        let template = self.store.template("check", None).unwrap();
        field_app::actions::new_case(&mut self.store, &template, &self.enrollment).unwrap()
    }

    /// Sets a field from its JSON text.
    pub fn set(&mut self, id: CaseId, key: &str, json: &str) {
        let value = field_app::actions::parse_value_arg(json);
        field_app::actions::set_field(&mut self.store, id, key, &value, &self.enrollment).unwrap();
    }

    /// The hydrated case.
    pub fn case(&self, id: CaseId) -> InspectionCase {
        self.store.load_case(id).unwrap().hydrate().unwrap()
    }

    /// A whole sync.
    pub async fn sync(&mut self) -> field_app::Result<field_app::sync_client::SyncReport> {
        self.client.sync(&mut self.store, &mut |_| {}).await
    }
}

//! What the integration tests share: a server in this process on a random loopback port with
//! two tenants and their users, a minimal HTTP client, and a tablet that keeps its documents
//! and sync states in memory and syncs over real HTTP exactly like
//! `sync-protocol/tests/in_memory.rs` does.
#![allow(clippy::unwrap_used, dead_code)] // a test crate: a panic here is a failed test

pub mod browser;
pub mod photos;
pub mod portal;

use std::sync::Arc;

use reqwest::StatusCode;
use schema::{CaseDocument, CaseId, ChangeAuthor, InspectionCase, Role, Template};
use sync_protocol::http::{EnrollRequest, EnrollResponse, ErrorBody};
use sync_protocol::testing::MemoryTablet;
use sync_protocol::{DocRejection, Limits, SyncResponse, SyncSession};
use sync_server::identity::auth::hash_password;
use sync_server::kernel::config::{Config, PasswordCost};
use sync_server::store::NewUser;
use sync_server::store::{accounts, cases, documents, tenants};
use sync_server::{CaseStore, RunningServer};

/// Every test user's password.
pub const PASSWORD: &str = "richtig-geheim";

pub const TEMPLATE: &str = r#"{"id":"t","version":1,"category":"c","title":{"de":"Kontrolle","en":"Check"},
  "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
    {"key":"note","type":"long_text","label":{"de":"N","en":"N"}},
    {"key":"count","type":"integer","label":{"de":"C","en":"C"}}]}]}"#;

/// A server with tenants `a` (users officer1, officer2, coordinator, viewer) and `b`
/// (users b.officer, b.coordinator), and its data directory.
pub struct TestServer {
    pub server: RunningServer,
    pub dir: Arc<tempfile::TempDir>,
    pub http: reqwest::Client,
}

pub fn users() -> Vec<(&'static str, &'static str, Role)> {
    vec![
        ("a", "officer1", Role::Officer),
        ("a", "officer2", Role::Officer),
        ("a", "coordinator", Role::Coordinator),
        ("a", "viewer", Role::Viewer),
        ("b", "b.officer", Role::Officer),
        ("b", "b.coordinator", Role::Coordinator),
    ]
}

pub fn seed(store: &dyn CaseStore) {
    store
        .write(|tx| tenants::create(tx, "a", "Stadt A"))
        .unwrap();
    store
        .write(|tx| tenants::create(tx, "b", "Stadt B"))
        .unwrap();
    for (tenant, username, role) in users() {
        store
            .write(|tx| {
                accounts::create_user(
                    tx,
                    &NewUser {
                        tenant: tenant.into(),
                        username: username.into(),
                        display_name: format!("Name of {username}"),
                        role,
                        password_hash: hash_password(PASSWORD, PasswordCost::InsecureFast).unwrap(),
                    },
                )
            })
            .unwrap();
    }
}

/// Adds admin `username` to `tenant`, with the test password.
pub async fn add_admin(server: &TestServer, tenant: &str, username: &str) {
    let store = server.store();
    let (tenant, username) = (tenant.to_string(), username.to_string());
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                accounts::create_user(
                    tx,
                    &NewUser {
                        tenant: tenant.clone(),
                        display_name: format!("Name of {username}"),
                        username: username.clone(),
                        role: Role::Admin,
                        password_hash: hash_password(PASSWORD, PasswordCost::InsecureFast).unwrap(),
                    },
                )
            })
            .unwrap();
    })
    .await
    .unwrap();
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let mut config = Config::for_tests(dir.path());
        configure(&mut config);
        let server = sync_server::start(config).await.unwrap();
        let store = server.store();
        tokio::task::spawn_blocking(move || seed(store.as_ref()))
            .await
            .unwrap();
        Self {
            server,
            dir,
            http: reqwest::Client::new(),
        }
    }

    /// A server on an existing data directory (a restart).
    pub async fn restart(dir: Arc<tempfile::TempDir>) -> Self {
        let server = sync_server::start(Config::for_tests(dir.path()))
            .await
            .unwrap();
        Self {
            server,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub fn store(&self) -> Arc<dyn CaseStore> {
        self.server.store()
    }

    /// Enrolls a device of `username` and returns its credentials.
    pub async fn enroll(&self, username: &str) -> EnrollResponse {
        let response = self
            .http
            .post(self.url(sync_protocol::http::ENROLL))
            .json(&EnrollRequest {
                username: username.into(),
                password: PASSWORD.into(),
                device_name: format!("tablet of {username}"),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Tries to enroll a device of `username`; the answer's status and error body.
    pub async fn try_enroll(&self, username: &str) -> (StatusCode, ErrorBody) {
        let response = self
            .http
            .post(self.url(sync_protocol::http::ENROLL))
            .json(&EnrollRequest {
                username: username.into(),
                password: PASSWORD.into(),
                device_name: format!("tablet of {username}"),
            })
            .send()
            .await
            .unwrap();
        error_body(response).await
    }

    /// A tablet enrolled for `username`.
    pub async fn tablet(&self, username: &str) -> Tablet {
        let enrolled = self.enroll(username).await;
        Tablet::new(self, enrolled)
    }

    /// A case from the store, hydrated.
    pub async fn case(&self, id: CaseId) -> Option<InspectionCase> {
        let store = self.store();
        let bytes = tokio::task::spawn_blocking(move || {
            store.read(|tx| documents::document(tx, id)).unwrap()
        })
        .await
        .unwrap()?;
        Some(CaseDocument::load(&bytes).unwrap().hydrate().unwrap())
    }

    /// The newest `limit` audit entries of `tenant`, only those of `case` if given.
    pub async fn audit(
        &self,
        tenant: &str,
        case: Option<CaseId>,
        limit: usize,
    ) -> Vec<sync_server::store::AuditEntry> {
        let store = self.store();
        let tenant = tenant.to_string();
        tokio::task::spawn_blocking(move || {
            store
                .read(|tx| sync_server::store::audit::entries(tx, &tenant, case, limit))
                .unwrap()
        })
        .await
        .unwrap()
    }

    /// The back office edits a case, as `user`.
    pub async fn edit(
        &self,
        id: CaseId,
        user: &str,
        f: impl FnMut(&mut InspectionCase) + Send + 'static,
    ) {
        let store = self.store();
        let author = ChangeAuthor {
            user: user.into(),
            device: None,
        };
        // An admin: the write rules let admins make every change the back office offers.
        let writer = schema::write_rules::Writer {
            username: user.into(),
            role: schema::Role::Admin,
        };
        let mut f = f;
        tokio::task::spawn_blocking(move || {
            store
                .write(|tx| {
                    cases::edit(tx, id, &author, &writer, &mut |case| {
                        f(case);
                        Ok(())
                    })
                })
                .unwrap()
        })
        .await
        .unwrap();
    }
}

/// Reads an error response's JSON body.
pub async fn error_body(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not an ErrorBody ({e}): {status} {text}"));
    (status, body)
}

/// A tablet talking real HTTP to the test server; its storage is the protocol's in-memory
/// tablet model (reachable through `Deref`: `docs`, `sent`, `case`, `dirty`, …).
pub struct Tablet {
    pub base: String,
    pub http: reqwest::Client,
    pub enrolled: EnrollResponse,
    pub memory: MemoryTablet,
}

impl std::ops::Deref for Tablet {
    type Target = MemoryTablet;
    fn deref(&self) -> &MemoryTablet {
        &self.memory
    }
}

impl std::ops::DerefMut for Tablet {
    fn deref_mut(&mut self) -> &mut MemoryTablet {
        &mut self.memory
    }
}

impl Tablet {
    pub fn new(server: &TestServer, enrolled: EnrollResponse) -> Self {
        Self::connect(server.server.url(), server.http.clone(), enrolled)
    }

    /// A tablet talking to the server at `base`.
    pub fn connect(base: String, http: reqwest::Client, enrolled: EnrollResponse) -> Self {
        Self {
            base,
            http,
            enrolled,
            memory: MemoryTablet::default(),
        }
    }

    pub fn token(&self) -> &str {
        &self.enrolled.token
    }

    pub fn author(&self) -> ChangeAuthor {
        ChangeAuthor {
            user: self.enrolled.username.clone(),
            device: Some(self.enrolled.device_id.clone()),
        }
    }

    /// Stores a new case made by `make` from a fresh draft of the tablet's user.
    pub fn create_with(&mut self, make: impl FnOnce(&mut InspectionCase)) -> CaseId {
        let template = Template::from_json(TEMPLATE).unwrap();
        let mut case = InspectionCase::new_draft(
            &template,
            self.enrolled.tenant.clone(),
            self.enrolled.username.clone(),
            1_700_000_000_000,
        );
        make(&mut case);
        let mut doc = CaseDocument::create(&case, &self.author()).unwrap();
        self.docs.insert(case.id, doc.save());
        case.id
    }

    pub fn create(&mut self, title: &str) -> CaseId {
        self.create_with(|c| c.title = title.into())
    }

    pub fn edit(&mut self, id: CaseId, f: impl FnOnce(&mut InspectionCase)) {
        let mut doc = CaseDocument::load(&self.docs[&id]).unwrap();
        doc.edit(&self.author(), 1_700_000_001_000, f).unwrap();
        self.docs.insert(id, doc.save());
    }

    /// POSTs a raw sync body.
    pub async fn post_sync(&self, body: Vec<u8>) -> reqwest::Response {
        self.try_post_sync(body).await.unwrap()
    }

    /// POSTs a raw sync body; the connection may fail (a server that refused an oversized
    /// body closes it).
    pub async fn try_post_sync(&self, body: Vec<u8>) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}{}", self.base, sync_protocol::http::SYNC))
            .bearer_auth(self.token())
            .header("content-type", sync_protocol::http::CBOR)
            .body(body)
            .send()
            .await
    }

    /// One sync run until settled; returns the rejections.
    pub async fn sync(&mut self) -> Vec<DocRejection> {
        let limits = Limits::default();
        let mut session = SyncSession::new(self.dirty(), limits);
        self.sent.clear();
        loop {
            self.memory.load_into(&mut session);
            let request = session.next_request().unwrap();
            self.sent.push(request.docs.len());
            let response = self.post_sync(request.encode()).await;
            assert_eq!(response.status(), StatusCode::OK, "sync failed");
            let body = response.bytes().await.unwrap();
            let response = SyncResponse::decode(&body, &limits).unwrap();
            let settled = session.handle_response(response);
            self.memory.load_into(&mut session);
            self.memory.persist(&mut session);
            if settled {
                break;
            }
        }
        session.rejected().to_vec()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.token())
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .put(format!("{}{path}", self.base))
            .bearer_auth(self.token())
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

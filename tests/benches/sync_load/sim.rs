//! A lighter simulated tablet for the concurrency scenarios: one case held in memory, its
//! sync state towards the server, and its own HTTP client (own connection), syncing with the
//! real `sync_protocol::SyncSession` over the real HTTP contract — what
//! `sync-server/tests/common/mod.rs` does, without re-loading the document from bytes every
//! round (the client's CPU shares the two cores with the server).

use std::time::Duration;

use schema::{CaseDocument, CaseId, ChangeAuthor, FieldValue, Template};
use sync_protocol::http::{CBOR, ENROLL, EnrollRequest, EnrollResponse, SYNC};
use sync_protocol::{Limits, Replica, SyncResponse, SyncSession, heads_key};

use crate::servers::PASSWORD;
use crate::typical::typical_case;

/// One simulated tablet with one case.
pub struct SimTablet {
    http: reqwest::Client,
    base: String,
    token: String,
    author: ChangeAuthor,
    id: CaseId,
    doc: CaseDocument,
    state: Option<Vec<u8>>,
    synced_heads: Option<String>,
    edits: i64,
}

/// What one sync run did.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Documents the run sent (0 or 1).
    pub sent: usize,
    /// HTTP rounds.
    pub rounds: usize,
    /// The server confirmed it has exactly the tablet's state at the end.
    pub in_sync: bool,
    /// Documents the server refused.
    pub rejected: usize,
}

impl SimTablet {
    /// Enrolls a device of `username` at `base` and creates its typical case (not synced).
    pub async fn enroll(base: &str, username: &str, template: &Template, seed: u64) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let response = http
            .post(format!("{base}{ENROLL}"))
            .json(&EnrollRequest {
                username: username.into(),
                password: PASSWORD.into(),
                device_name: format!("simulated tablet of {username}"),
            })
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "enroll {username}");
        let enrolled: EnrollResponse = response.json().await.unwrap();
        let author = ChangeAuthor {
            user: enrolled.username.clone(),
            device: Some(enrolled.device_id.clone()),
        };
        let case = typical_case(template, &enrolled.tenant, &enrolled.username, seed);
        let doc = CaseDocument::create(&case, &author).unwrap();
        Self {
            http,
            base: base.to_string(),
            token: enrolled.token,
            author,
            id: case.id,
            doc,
            state: None,
            synced_heads: None,
            edits: 0,
        }
    }

    /// The officer changes one answer (an autosave: one Automerge change).
    pub fn edit(&mut self) {
        self.edits += 1;
        let n = self.edits;
        self.doc
            .edit(&self.author, 1_763_900_000_000 + n, |case| {
                case.fields.insert("f2".into(), FieldValue::Integer(n));
            })
            .unwrap();
    }

    fn replica(&self, id: CaseId) -> Replica {
        if id == self.id {
            Replica::from_parts(self.doc.automerge().clone(), self.state.as_deref())
        } else {
            Replica::new()
        }
    }

    /// One sync run until it settles.
    ///
    /// # Errors
    /// A description of an HTTP or protocol failure.
    pub async fn sync(&mut self) -> Result<Run, String> {
        let limits = Limits::default();
        let heads = heads_key(&self.doc.heads());
        let dirty = if self.synced_heads.as_deref() == Some(heads.as_str()) {
            Vec::new()
        } else {
            vec![self.id]
        };
        let mut session = SyncSession::new(dirty, limits);
        let mut run = Run {
            sent: 0,
            rounds: 0,
            in_sync: false,
            rejected: 0,
        };
        loop {
            for id in session.to_load() {
                let replica = self.replica(id);
                session.load(id, replica);
            }
            let request = session.next_request().map_err(|e| e.to_string())?;
            if request.docs.iter().any(|m| m.doc == self.id) {
                run.sent = 1;
            }
            run.rounds += 1;
            let response = self
                .http
                .post(format!("{}{SYNC}", self.base))
                .bearer_auth(&self.token)
                .header("content-type", CBOR)
                .body(request.encode())
                .send()
                .await
                .map_err(|e| format!("sync request failed: {e}"))?;
            let status = response.status();
            let body = response
                .bytes()
                .await
                .map_err(|e| format!("sync answer broke off: {e}"))?;
            if !status.is_success() {
                return Err(format!(
                    "sync answered {status}: {}",
                    String::from_utf8_lossy(&body)
                ));
            }
            let response = SyncResponse::decode(&body, &limits).map_err(|e| e.to_string())?;
            let settled = session.handle_response(response);
            for id in session.to_load() {
                let replica = self.replica(id);
                session.load(id, replica);
            }
            for (id, replica) in session.replicas() {
                if *id != self.id || replica.failed.is_some() {
                    continue;
                }
                if replica.changed {
                    self.doc =
                        CaseDocument::load(&replica.doc.save()).map_err(|e| e.to_string())?;
                }
                if replica.in_sync() {
                    self.synced_heads = Some(heads_key(&replica.heads()));
                }
                self.state = Some(replica.encode_state());
            }
            if settled {
                break;
            }
        }
        run.rejected = session.rejected().len();
        run.in_sync = self.synced_heads.as_deref() == Some(heads_key(&self.doc.heads()).as_str());
        Ok(run)
    }
}

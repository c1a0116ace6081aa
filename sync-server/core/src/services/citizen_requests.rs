//! A citizen's request arriving, and a citizen following it: checked against its service,
//! stored as a case the server writes on the citizen's behalf, numbered, given a tracking
//! link, and — when the citizen left an address — confirmed by e-mail through the outbox, all
//! in one transaction, with the photos the citizen sent (made fit to keep by
//! [`crate::services::citizen_photos`]) moved among the originals just before it. The portal and Open311 both send requests through here.

use std::collections::BTreeMap;
use std::time::Duration;

use schema::{
    CaseDocument, CaseId, ChangeAuthor, CitizenRequest, FieldError, FieldValue, InspectionCase,
    Mode, Template,
};

use crate::blobs::BlobStore;
use crate::identity::auth::{new_token, token_hash};
use crate::kernel::AppError;
use crate::services::citizen_photos::SentPhoto;
use crate::store::citizen_requests::{self, NewRequest, OwedNotice, TrackedRequest};
use crate::store::outbox::NewMail;
use crate::store::request_messages::{self, OwedMessage};
use crate::store::{BlobRow, CaseStore, blobs as store_blobs, documents, millis, templates};

/// Whose name the server writes a citizen's request under, in the change log and on the
/// case: the citizen is not a user of the office.
pub const CITIZEN_WRITER: &str = "buergerin";

/// How long a tracking link works after the request arrived.
pub const TRACKING_LINK_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);

/// A request as a surface received it.
#[derive(Debug, Clone)]
pub struct NewCitizenRequest {
    /// The tenant it is sent to.
    pub tenant: String,
    /// The service, as the surface showed it (the newest version the tenant offers).
    pub service: Template,
    /// The citizen's answers, read by the surface.
    pub answers: BTreeMap<String, FieldValue>,
    /// The photos the citizen sent, made fit to keep and held
    /// ([`crate::blobs::BlobStore::hold`]) by the surface.
    pub photos: Vec<SentPhoto>,
    /// The citizen's account, when signed in: the request joins its timeline.
    pub account_id: Option<String>,
    /// Where updates go, if the citizen wants them.
    pub notify_email: Option<String>,
    /// How it arrived: `portal` or `open311`.
    pub channel: &'static str,
    /// The language the citizen used, which later notices are written in.
    pub language: schema::Language,
    /// When it arrived, milliseconds since the Unix epoch.
    pub received_at: i64,
    /// The year its number counts in (the office's calendar year, which the surface knows).
    pub year: i32,
}

/// What the citizen keeps of a request that arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The case.
    pub case_id: CaseId,
    /// The number to quote (`TGH-2026-000123`).
    pub number: String,
    /// The tracking link's secret, shown once; the server keeps only its hash.
    pub tracking_secret: String,
}

/// A request that arrived, or why it did not.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// Stored.
    Received(Receipt),
    /// The answers do not satisfy the service; nothing was stored.
    Refused(Vec<FieldError>),
}

/// What the confirmation e-mail says, in the surface's words (the core knows no texts).
pub trait Confirmation {
    /// The mail for `receipt`, to the citizen's address, with the tracking link.
    fn mail(&self, receipt: &Receipt, service: &Template) -> (String, String, Option<String>);
}

/// What is wrong with `answers` and `photos` to `service`, as a request is checked before it
/// is stored (surfaces ask first, to show every problem at once).
pub fn check(
    service: &Template,
    answers: &BTreeMap<String, FieldValue>,
    photos: &[SentPhoto],
) -> Vec<FieldError> {
    let mut answered = InspectionCase::new_draft(service, "", CITIZEN_WRITER, 0);
    answered.fields = answers.clone();
    answered.photos = photos
        .iter()
        .map(|p| p.photo(p.field.clone(), CITIZEN_WRITER, 0))
        .collect();
    schema::validate(&answered, service, Mode::Submission).errors
}

/// Whether `field` of `service` takes photos.
fn is_photo_field(service: &Template, field: &str) -> bool {
    service
        .field(field)
        .is_some_and(|f| matches!(f.kind, schema::FieldKind::Photos { .. }))
}

/// Checks `request` against its service and stores it, with its confirmation mail when it
/// names an address. Blocking: call it off the async threads.
///
/// # Errors
/// Store failures; a service whose inspection template is missing; an address the outbox
/// refuses.
pub fn submit(
    store: &dyn CaseStore,
    blobs: &BlobStore,
    request: NewCitizenRequest,
    confirmation: &dyn Confirmation,
) -> Result<Submitted, AppError> {
    let service = &request.service;
    let errors = check(service, &request.answers, &request.photos);
    if !errors.is_empty() {
        return Ok(Submitted::Refused(errors));
    }
    let mut answered = InspectionCase::new_draft(service, &request.tenant, CITIZEN_WRITER, 0);
    answered.fields = request.answers.clone();
    // Answers to fields the citizen could not see (a condition not met) are not kept.
    let answers: BTreeMap<String, FieldValue> = request
        .answers
        .into_iter()
        .filter(|(key, _)| {
            service
                .field(key)
                .is_some_and(|field| schema::is_visible(field, &answered, service))
        })
        .collect();
    if request.photos.len() > crate::services::citizen_photos::MAX_PHOTOS_PER_REQUEST {
        return Err(AppError::BadRequest(format!(
            "a request brings at most {} photos",
            crate::services::citizen_photos::MAX_PHOTOS_PER_REQUEST
        )));
    }
    if let Some(stray) = request
        .photos
        .iter()
        .find(|photo| !is_photo_field(service, &photo.field))
    {
        return Err(AppError::BadRequest(format!(
            "service `{}` has no photo field `{}`; send photos only in its photo fields",
            service.id, stray.field
        )));
    }
    // Photos of a field the citizen could not see (a condition not met) are not kept either.
    let photos: Vec<SentPhoto> = request
        .photos
        .into_iter()
        .filter(|photo| {
            service
                .field(&photo.field)
                .is_some_and(|field| schema::is_visible(field, &answered, service))
        })
        .collect();
    // Among the originals before the case names them: a crash after this and before the
    // commit leaves a photo nobody references (and nobody can reach), never a case whose
    // photo is missing.
    for photo in &photos {
        blobs.adopt_held(&photo.sha256).map_err(|e| {
            AppError::Internal(format!(
                "a photo of the request could not be moved among the originals: {e}"
            ))
        })?;
    }
    let worked_with = match service
        .service
        .as_ref()
        .and_then(|s| s.handled_with.as_deref())
    {
        Some(id) => {
            let row = store
                .read(|tx| templates::newest(tx, &request.tenant, id))?
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "service `{}` is inspected with template `{id}`, which is not installed",
                        service.id
                    ))
                })?;
            Template::from_json(&row.json).map_err(|e| {
                AppError::Internal(format!("the stored template `{id}` does not load: {e}"))
            })?
        }
        None => service.clone(),
    };
    let tracking_secret = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let author = ChangeAuthor {
        user: CITIZEN_WRITER.into(),
        device: None,
    };
    let tenant = request.tenant.clone();
    let notify_email = request.notify_email.clone();
    let receipt = store.write(|tx| {
        let number = citizen_requests::next_number(tx, &tenant, request.year)?;
        let mut case = InspectionCase::new_request(
            service,
            &worked_with,
            &tenant,
            CITIZEN_WRITER,
            CitizenRequest {
                service: service.reference(),
                number: number.clone(),
                channel: request.channel.into(),
                answers: answers.clone(),
            },
            request.received_at,
        );
        for photo in &photos {
            store_blobs::record_for_tenant(
                tx,
                &BlobRow {
                    sha256: photo.sha256.as_str().to_string(),
                    size: photo.byte_size,
                    mime: photo.mime.clone(),
                },
                &tenant,
            )?;
            case.photos.push(photo.photo(
                schema::request_photo_field(&photo.field),
                CITIZEN_WRITER,
                request.received_at,
            ));
        }
        let mut document = CaseDocument::create(&case, &author)?;
        documents::insert(tx, &document.save())?;
        citizen_requests::record(
            tx,
            &NewRequest {
                case_id: case.id,
                tenant: tenant.clone(),
                number: number.clone(),
                tracking_hash: token_hash(&tracking_secret),
                tracking_expires_at: request
                    .received_at
                    .saturating_add(millis(TRACKING_LINK_LIFETIME)),
                notify_email: notify_email.clone(),
                language: match request.language {
                    schema::Language::De => "de".into(),
                    schema::Language::En => "en".into(),
                },
                received_at: request.received_at,
                account_id: request.account_id.clone(),
            },
        )?;
        let receipt = Receipt {
            case_id: case.id,
            number,
            tracking_secret: tracking_secret.clone(),
        };
        if let Some(recipient) = &notify_email {
            let (subject, body_text, body_html) = confirmation.mail(&receipt, service);
            crate::services::mail::queue(
                tx,
                &NewMail {
                    tenant: tenant.clone(),
                    event_key: format!("request-received:{}", case.id),
                    recipient: recipient.clone(),
                    subject,
                    body_text,
                    body_html,
                },
            )?;
        }
        Ok(receipt)
    })?;
    Ok(Submitted::Received(receipt))
}

/// What a notice of a new status says, in the surface's words (the core knows no texts).
pub trait StatusNotice: Send + Sync {
    /// Subject, text and HTML body of the notice that `notice`'s request has a new status,
    /// or `None` when the citizen would read no change (the office's steps behind one
    /// "in progress"). Personal data stays out: the status and the number, and where to
    /// look.
    fn mail(&self, notice: &OwedNotice) -> Option<(String, String, Option<String>)>;

    /// Subject, text and HTML body of the notice that the office wrote about `notice`'s
    /// request: the number and where to read it, never the message.
    fn message(&self, notice: &OwedMessage) -> (String, String, Option<String>);
}

/// Queues the notices owed for new statuses of requests and for the office's messages,
/// each once (its history row or message is the event), and marks them; returns how many
/// mails were queued. Blocking.
///
/// # Errors
/// Store failures.
pub fn queue_status_notices(
    store: &dyn CaseStore,
    wording: &dyn StatusNotice,
) -> Result<usize, AppError> {
    let queued = store.write(|tx| {
        let mut queued = 0;
        for notice in citizen_requests::owed_notices(&tx.reading(), 100)? {
            if let Some(recipient) = &notice.notify_email
                && let Some((subject, body_text, body_html)) = wording.mail(&notice)
            {
                let new = crate::services::mail::queue(
                    tx,
                    &NewMail {
                        tenant: notice.tenant.clone(),
                        event_key: format!("request-status:{}", notice.id),
                        recipient: recipient.clone(),
                        subject,
                        body_text,
                        body_html,
                    },
                )?;
                queued += usize::from(new);
            }
            citizen_requests::mark_noticed(tx, notice.id)?;
        }
        for notice in request_messages::owed_notices(&tx.reading(), 100)? {
            if let Some(recipient) = &notice.recipient {
                let (subject, body_text, body_html) = wording.message(&notice);
                let new = crate::services::mail::queue(
                    tx,
                    &NewMail {
                        tenant: notice.tenant.clone(),
                        event_key: format!("message-to-citizen:{}", notice.id),
                        recipient: recipient.clone(),
                        subject,
                        body_text,
                        body_html,
                    },
                )?;
                queued += usize::from(new);
            }
            request_messages::mark_noticed(tx, notice.id)?;
        }
        Ok(queued)
    })?;
    Ok(queued)
}

/// Queues owed status notices every `interval`, waking the mail sender when it did. Runs
/// until the task is aborted.
pub fn spawn_status_notices(
    store: std::sync::Arc<dyn CaseStore>,
    wording: std::sync::Arc<dyn StatusNotice>,
    outbox: crate::services::mail::Outbox,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (store, wording) = (store.clone(), wording.clone());
            match crate::kernel::blocking(move || {
                queue_status_notices(store.as_ref(), wording.as_ref())
            })
            .await
            {
                Ok(0) => {}
                Ok(_) => outbox.wake(),
                Err(e) => tracing::error!("status notices could not be queued: {e}"),
            }
        }
    })
}

/// Where a tracking link leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Tracked {
    /// The request, its case as it is now, and the statuses it took (oldest first, with
    /// when).
    Found(TrackedRequest, Box<InspectionCase>, Vec<(String, i64)>),
    /// The link worked once and no longer does.
    Expired,
    /// No request of the tenant has this link.
    Unknown,
}

/// The request numbered `number` on `citizen`'s portal, if the access policy lets the
/// citizen see it (sent from their account); `Unknown` otherwise, so another citizen's
/// request and no request look the same. Blocking.
///
/// # Errors
/// Store failures and unreadable documents.
pub fn track_own(
    store: &dyn CaseStore,
    citizen: &crate::access::Citizen,
    number: &str,
) -> Result<Tracked, AppError> {
    let found = store.read(|tx| {
        let Some((request, account)) = citizen_requests::by_number(tx, &citizen.tenant, number)?
        else {
            return Ok(None);
        };
        if !crate::access::citizen_may_see(citizen, &citizen.tenant, account.as_deref()) {
            return Ok(None);
        }
        let bytes = documents::document(tx, request.case_id)?;
        let history = citizen_requests::history(tx, request.case_id)?;
        Ok(Some((request, bytes, history)))
    })?;
    let Some((request, bytes, history)) = found else {
        return Ok(Tracked::Unknown);
    };
    found_case(request, bytes, history)
}

fn found_case(
    request: TrackedRequest,
    bytes: Option<Vec<u8>>,
    history: Vec<(String, i64)>,
) -> Result<Tracked, AppError> {
    let bytes = bytes.ok_or_else(|| {
        AppError::Internal(format!("request {} has no case document", request.number))
    })?;
    let case = CaseDocument::load(&bytes)
        .and_then(|doc| doc.hydrate())
        .map_err(|e| AppError::Internal(format!("case of request {}: {e}", request.number)))?;
    Ok(Tracked::Found(request, Box::new(case), history))
}

/// The request of `tenant` whose tracking link carries `secret`, at `now` (milliseconds).
/// Blocking.
///
/// # Errors
/// Store failures and unreadable documents.
pub fn track(
    store: &dyn CaseStore,
    tenant: &str,
    secret: &str,
    now: i64,
) -> Result<Tracked, AppError> {
    // Only the hash is compared, in the database: the secret never meets a stored secret.
    let hash = token_hash(secret);
    let found = store.read(|tx| {
        let Some(request) = citizen_requests::by_tracking(tx, tenant, &hash)? else {
            return Ok(None);
        };
        let bytes = documents::document(tx, request.case_id)?;
        let history = citizen_requests::history(tx, request.case_id)?;
        Ok(Some((request, bytes, history)))
    })?;
    let Some((request, bytes, history)) = found else {
        return Ok(Tracked::Unknown);
    };
    if request.tracking_expires_at <= now {
        return Ok(Tracked::Expired);
    }
    found_case(request, bytes, history)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use schema::{FieldProblem, Status};

    use super::*;
    use crate::services::{citizen_services, templates as bundled};
    use crate::store::{SqliteStore, cases, offered_services, outbox, tenants};

    struct Words;

    impl Confirmation for Words {
        fn mail(&self, receipt: &Receipt, service: &Template) -> (String, String, Option<String>) {
            (
                format!("Eingang {}", receipt.number),
                format!("{}: /track/{}", service.title.de, receipt.tracking_secret),
                None,
            )
        }
    }

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("naper.db")).unwrap();
        bundled::install_shared(&store, None).unwrap();
        store
            .write(|tx| {
                tenants::create(tx, "tgh", "Gemeinde Tegelhausen")?;
                tenants::create(tx, "other", "Andere Stadt")?;
                offered_services::enable(tx, "tgh", "maengelmeldung")?;
                offered_services::enable(tx, "tgh", "gewerbeanmeldung")
            })
            .unwrap();
        (dir, store)
    }

    fn report(
        store: &dyn CaseStore,
        answers: &[(&str, FieldValue)],
        email: Option<&str>,
    ) -> Submitted {
        let service = citizen_services::find(store, "tgh", "maengelmeldung")
            .unwrap()
            .unwrap();
        let blob_dir = tempfile::tempdir().unwrap();
        submit(
            store,
            &BlobStore::open(blob_dir.path()).unwrap(),
            NewCitizenRequest {
                tenant: "tgh".into(),
                service,
                answers: answers
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), v.clone()))
                    .collect(),
                notify_email: email.map(str::to_string),
                photos: Vec::new(),
                account_id: None,
                channel: "portal",
                language: schema::Language::De,
                received_at: 1_000,
                year: 2026,
            },
            &Words,
        )
        .unwrap()
    }

    fn choice(value: &str) -> FieldValue {
        FieldValue::Choice(value.into())
    }

    #[test]
    fn a_request_becomes_a_received_case_with_a_number_and_a_tracking_link() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let Submitted::Received(receipt) = report(
            store,
            &[
                ("problem_type", choice("illegal_dumping")),
                (
                    "description",
                    FieldValue::LongText("Sofa am Waldweg".into()),
                ),
                // Asked only for an abandoned vehicle: not kept.
                ("vehicle_standing_since", choice("unknown")),
            ],
            Some("anna@example.org"),
        ) else {
            panic!("refused")
        };
        assert_eq!(receipt.number, "TGH-2026-000001");
        let row = store
            .read(|tx| cases::row(tx, receipt.case_id))
            .unwrap()
            .unwrap();
        assert_eq!(row.status, "received");
        assert_eq!(row.template_id, "illegal-waste-dumping");
        let Tracked::Found(tracked, case, _) =
            track(store, "tgh", &receipt.tracking_secret, 2_000).unwrap()
        else {
            panic!("not found")
        };
        assert_eq!(tracked.number, receipt.number);
        assert_eq!(tracked.notify_email.as_deref(), Some("anna@example.org"));
        assert_eq!(case.status, Status::Received);
        let request = case.request.unwrap();
        assert_eq!(request.service.id, "maengelmeldung");
        assert!(!request.answers.contains_key("vehicle_standing_since"));
        assert_eq!(
            request.answers.get("description"),
            Some(&FieldValue::LongText("Sofa am Waldweg".into()))
        );
        // The confirmation waits in the outbox, queued with the case.
        let counts = store.read(outbox::counts).unwrap();
        assert_eq!(counts.waiting, 1);
    }

    #[test]
    fn missing_answers_store_nothing() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let Submitted::Refused(errors) =
            report(store, &[("problem_type", choice("traffic_sign"))], None)
        else {
            panic!("accepted")
        };
        let missing: Vec<&str> = errors
            .iter()
            .filter(|e| e.problem == FieldProblem::Required)
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(missing, ["sign_issue", "description"]);
        let Submitted::Received(receipt) = report(
            store,
            &[
                ("problem_type", choice("other")),
                ("description", FieldValue::LongText("Loch".into())),
            ],
            None,
        ) else {
            panic!("refused")
        };
        // The refused request used no number.
        assert_eq!(receipt.number, "TGH-2026-000001");
        assert_eq!(store.read(outbox::counts).unwrap().waiting, 0);
    }

    #[test]
    fn a_tracking_link_opens_only_its_own_request_in_its_own_tenant_until_it_expires() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let answers = [
            ("problem_type", choice("other")),
            ("description", FieldValue::LongText("Loch".into())),
        ];
        let Submitted::Received(receipt) = report(store, &answers, None) else {
            panic!("refused")
        };
        let secret = &receipt.tracking_secret;
        assert!(matches!(
            track(store, "tgh", secret, 2_000).unwrap(),
            Tracked::Found(..)
        ));
        assert_eq!(
            track(store, "other", secret, 2_000).unwrap(),
            Tracked::Unknown
        );
        let wrong = format!("{}0", &secret[..secret.len() - 1]);
        let wrong = if wrong == *secret {
            format!("{}1", &secret[..secret.len() - 1])
        } else {
            wrong
        };
        assert_eq!(
            track(store, "tgh", &wrong, 2_000).unwrap(),
            Tracked::Unknown
        );
        assert_eq!(track(store, "tgh", "", 2_000).unwrap(), Tracked::Unknown);
        let expiry = 1_000 + millis(TRACKING_LINK_LIFETIME);
        assert_eq!(
            track(store, "tgh", secret, expiry).unwrap(),
            Tracked::Expired
        );
    }

    #[test]
    fn only_enabled_services_are_offered() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let ids = |tenant| {
            citizen_services::offered(store, tenant)
                .unwrap()
                .iter()
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("tgh"), ["gewerbeanmeldung", "maengelmeldung"]);
        assert!(ids("other").is_empty());
        assert!(
            citizen_services::find(store, "other", "maengelmeldung")
                .unwrap()
                .is_none()
        );
        // An officer's template is no service, even when enabled by mistake.
        store
            .write(|tx| offered_services::enable(tx, "other", "illegal-waste-dumping"))
            .unwrap();
        assert!(ids("other").is_empty());
        assert!(
            citizen_services::find(store, "other", "illegal-waste-dumping")
                .unwrap()
                .is_none()
        );
    }

    struct Notice;

    impl StatusNotice for Notice {
        fn mail(&self, notice: &OwedNotice) -> Option<(String, String, Option<String>)> {
            // As the portal has it: a citizen reads triaged and assigned alike.
            let same = notice.previous.as_deref() == Some("triaged") && notice.status == "assigned";
            (!same).then(|| {
                (
                    format!("{} {}", notice.number, notice.status),
                    notice.language.clone(),
                    None,
                )
            })
        }

        fn message(&self, notice: &OwedMessage) -> (String, String, Option<String>) {
            (format!("Nachricht {}", notice.number), String::new(), None)
        }
    }

    #[test]
    fn a_new_status_is_kept_in_the_timeline_and_owes_one_notice() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let answers = [
            ("problem_type", choice("other")),
            ("description", FieldValue::LongText("Loch".into())),
        ];
        let Submitted::Received(with_mail) = report(store, &answers, Some("anna@example.org"))
        else {
            panic!("refused")
        };
        let Submitted::Received(without) = report(store, &answers, None) else {
            panic!("refused")
        };
        // The confirmation is the first status's notice: none is owed yet.
        assert_eq!(queue_status_notices(store, &Notice).unwrap(), 0);
        let coordinator = schema::write_rules::Writer {
            username: "k".into(),
            role: schema::Role::Coordinator,
        };
        let author = ChangeAuthor {
            user: "k".into(),
            device: None,
        };
        for id in [with_mail.case_id, without.case_id] {
            store
                .write(|tx| {
                    cases::edit(tx, id, &author, &coordinator, &mut |case| {
                        case.status = Status::Triaged;
                        Ok(())
                    })
                })
                .unwrap();
        }
        let history = store
            .read(|tx| citizen_requests::history(tx, with_mail.case_id))
            .unwrap();
        let statuses: Vec<&str> = history.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(statuses, ["received", "triaged"]);
        // One mail, for the citizen who gave an address; queued once however often asked.
        assert_eq!(queue_status_notices(store, &Notice).unwrap(), 1);
        assert_eq!(queue_status_notices(store, &Notice).unwrap(), 0);
        assert_eq!(store.read(outbox::counts).unwrap().waiting, 2);
        // A step the citizen reads as no change (assigned after triaged) owes no mail.
        store
            .write(|tx| {
                cases::edit(tx, with_mail.case_id, &author, &coordinator, &mut |case| {
                    case.status = Status::Assigned;
                    case.assigned_officer = Some("o1".into());
                    Ok(())
                })
            })
            .unwrap();
        assert_eq!(queue_status_notices(store, &Notice).unwrap(), 0);
        // An edit that leaves the status as it was owes nothing.
        store
            .write(|tx| {
                cases::edit(tx, with_mail.case_id, &author, &coordinator, &mut |case| {
                    case.assigned_officer = Some("o2".into());
                    Ok(())
                })
            })
            .unwrap();
        assert_eq!(
            store
                .read(|tx| citizen_requests::history(tx, with_mail.case_id))
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn a_tenants_own_words_find_its_services() {
        let (_dir, store) = store();
        let store: &dyn CaseStore = &store;
        let found = |query: &str| {
            let services = citizen_services::offered(store, "tgh").unwrap();
            citizen_services::search(&services, query, schema::Language::De)
                .into_iter()
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
        };
        assert!(found("Kühlschrank").is_empty());
        store
            .write(|tx| {
                offered_services::add_synonym(tx, "tgh", "maengelmeldung", "Kühlschrank am Weg")
            })
            .unwrap();
        assert_eq!(found("kuehlschrank"), ["maengelmeldung"]);
        // Only in this tenant's portal.
        let other = citizen_services::offered(store, "other").unwrap();
        assert!(citizen_services::search(&other, "Kühlschrank", schema::Language::De).is_empty());
        store
            .write(|tx| {
                offered_services::remove_synonym(tx, "tgh", "maengelmeldung", "Kühlschrank am Weg")
            })
            .unwrap();
        assert!(found("Kühlschrank").is_empty());
    }
}

//! Loading a case for a staff member, with the access check first: every case handler
//! starts here, so none can skip [`access::check_staff`].

use schema::{CaseDocument, CaseId, InspectionCase, Template};

use super::i18n::texts;
use super::session::Session;
use server_core::access::{self, StaffAction, StaffDenied};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::store::request_messages::{self, Message};
use server_core::store::{CaseRow, internal_comments, templates};
use server_core::store::{cases, documents};

/// A visible case: its projection row, document, hydrated form and template (`None` when
/// the template version is not stored).
#[derive(Debug)]
pub struct LoadedCase {
    /// The projection row.
    pub row: CaseRow,
    /// The Automerge document.
    pub doc: CaseDocument,
    /// The case as staff see it: as the document holds it now, with the internal comments
    /// the server keeps beside it merged into its comments by time.
    pub case: InspectionCase,
    /// The template version the case follows.
    pub template: Option<Template>,
    /// The service a citizen's request was sent with, in its version, for a case that began
    /// as one.
    pub service: Option<Template>,
    /// The thread with the citizen, for a case that began as a request, oldest first.
    pub messages: Vec<Message>,
}

/// The error page of a refusal: "not found" and "forbidden" in the page's words.
pub(super) fn denied(session: &Session, denied: StaffDenied) -> AppError {
    let t = texts(session.lang);
    match denied {
        StaffDenied::NotFound => AppError::NotFound(t.error_not_found.into()),
        StaffDenied::Forbidden(detail) => {
            tracing::info!(user = %session.staff.username, "refused: {detail}");
            AppError::Forbidden(t.error_forbidden.into())
        }
    }
}

/// The projection row of case `id` (as typed in the path) if `session` may do `action` with
/// it. A malformed id, a missing case and another tenant's case give the same 404.
///
/// # Errors
/// [`AppError::NotFound`] or [`AppError::Forbidden`] as [`access::check_staff`] decides.
pub async fn visible_row(
    state: &AppState,
    session: &Session,
    id: &str,
    action: StaffAction,
) -> Result<CaseRow, AppError> {
    let Ok(id) = id.parse::<CaseId>() else {
        return Err(denied(session, StaffDenied::NotFound));
    };
    let store = state.store.clone();
    let row = blocking(move || store.read(|tx| cases::row(tx, id))).await?;
    access::check_staff(
        &session.staff,
        row.as_ref().map(|r| r.access()).as_ref(),
        action,
    )
    .map_err(|d| denied(session, d))?;
    row.ok_or_else(|| denied(session, StaffDenied::NotFound))
}

/// The case `id` as its document holds it, if `session` may do `action` with it: for what
/// reads only the document (a photo and its drawings), without the template and the internal
/// comments [`load_case`] adds.
///
/// # Errors
/// As [`visible_row`], or a document that cannot be read.
pub async fn load_document(
    state: &AppState,
    session: &Session,
    id: &str,
    action: StaffAction,
) -> Result<(CaseRow, CaseDocument, InspectionCase), AppError> {
    let row = visible_row(state, session, id, action).await?;
    let store = state.store.clone();
    let not_found = denied(session, StaffDenied::NotFound);
    blocking(move || -> Result<_, AppError> {
        let bytes = store
            .read(|tx| documents::document(tx, row.id))?
            .ok_or(not_found)?;
        let doc = CaseDocument::load(&bytes)
            .map_err(|e| AppError::Internal(format!("case {} does not load: {e}", row.id)))?;
        let case = doc
            .hydrate()
            .map_err(|e| AppError::Internal(format!("case {} does not hydrate: {e}", row.id)))?;
        Ok((row, doc, case))
    })
    .await
}

/// The whole case `id` if `session` may do `action` with it.
///
/// # Errors
/// As [`visible_row`], or a document that cannot be read.
pub async fn load_case(
    state: &AppState,
    session: &Session,
    id: &str,
    action: StaffAction,
) -> Result<LoadedCase, AppError> {
    let (row, doc, mut case) = load_document(state, session, id, action).await?;
    let store = state.store.clone();
    blocking(move || -> Result<LoadedCase, AppError> {
        case.comments
            .extend(store.read(|tx| internal_comments::of_case(tx, row.id))?);
        case.comments.sort_by_key(|c| c.written.at_ms);
        let stored = |reference: &schema::TemplateRef| -> Result<Option<Template>, AppError> {
            Ok(store
                .read(|tx| templates::find(tx, &row.tenant, &reference.id, reference.version))?
                .and_then(|stored| match Template::from_json(&stored.json) {
                    Ok(template) => Some(template),
                    Err(e) => {
                        tracing::error!(template = %stored.id, "stored template does not load: {e}");
                        None
                    }
                }))
        };
        let template = stored(&case.template)?;
        let service = match &case.request {
            Some(request) => stored(&request.service)?,
            None => None,
        };
        let messages = if case.request.is_some() {
            store.read(|tx| request_messages::of_case(tx, row.id))?
        } else {
            Vec::new()
        };
        Ok(LoadedCase {
            row,
            doc,
            case,
            template,
            service,
            messages,
        })
    })
    .await
}

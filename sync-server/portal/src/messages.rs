//! The thread between the citizen and the office on a request's page: the messages, oldest
//! first, and the form to write one — from the tracking page (the form token guards it) or
//! from the citizen's own page in "Mein Rathaus" (the session's token). A message goes to
//! the store with the office's notice, an e-mail to the service's responsible office that
//! says where to read it, never what it says (`server_core::services::request_messages`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use schema::Language;
use server_core::access::Citizen;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_requests;
use server_core::services::request_messages::{self, MessageProblem, OfficeNotice};
use server_core::store::now_ms;
use server_core::store::request_messages::Message;

use crate::frame::see_other;
use crate::i18n::Texts;
use crate::page_error::PageError;
use crate::tenant::PortalTenant;
use crate::tracking::{self, Found, RECEIPT_PDF};

/// The name under a request's path that messages are sent to.
pub(crate) const MESSAGE_PATH: &str = "nachricht";

/// A message as the page shows it.
#[derive(Debug)]
pub(crate) struct MessageView {
    /// "You" or "Office".
    pub who: &'static str,
    /// Whether the office wrote it.
    pub from_office: bool,
    /// When, in German time.
    pub when: String,
    /// The text (shown with its line breaks, escaped).
    pub body: String,
}

/// The thread and its form, as the page shows them.
#[derive(Debug)]
pub(crate) struct Thread {
    /// The messages, oldest first.
    pub messages: Vec<MessageView>,
    /// Where the form is sent.
    pub action: String,
    /// The form's token: the session's, or `None` for the portal's form token.
    pub csrf: Option<String>,
    /// What the citizen typed, when the form came back.
    pub typed: String,
    /// What is wrong with it.
    pub error: Option<String>,
    /// Whether a message was just sent.
    pub sent: bool,
}

/// The messages of a request as the page shows them.
pub(crate) fn views(messages: &[Message], t: &Texts, lang: Language) -> Vec<MessageView> {
    messages
        .iter()
        .map(|m| MessageView {
            who: if m.from_office {
                t.messages_office
            } else {
                t.messages_you
            },
            from_office: m.from_office,
            when: texts::time::instant_ms(m.sent_at, lang),
            body: m.body.clone(),
        })
        .collect()
}

fn problem_text(problem: MessageProblem, t: &Texts) -> String {
    match problem {
        MessageProblem::Empty => t.messages_empty,
        MessageProblem::TooLong => t.messages_too_long,
    }
    .to_string()
}

/// Stores the citizen's message about the found request, with the notice to the office.
async fn store(
    state: &AppState,
    tenant: &PortalTenant,
    found: &Found,
    body: String,
) -> Result<Result<i64, MessageProblem>, AppError> {
    let t = crate::i18n::texts(Language::De);
    let service = tracking::service_of(state, tenant, &found.case).await?;
    let number = found.request.number.clone();
    // The office reads German.
    let notice = service
        .as_ref()
        .and_then(|s| s.service.as_ref())
        .map(|info| OfficeNotice {
            recipient: info.office.email.clone(),
            subject: t.office_message_subject.replace("{number}", &number),
            body_text: t.office_message_body.replace("{number}", &number).replace(
                "{link}",
                &format!(
                    "{}/backoffice/cases/{}",
                    state.config.public_base(),
                    found.case.id
                ),
            ),
        });
    let (store, tenant_id, case) = (state.store.clone(), tenant.id.clone(), found.case.id);
    let stored = blocking(move || {
        request_messages::from_citizen(store.as_ref(), &tenant_id, case, &body, now_ms(), notice)
    })
    .await?;
    if stored.is_ok() {
        state.mail.wake();
    }
    Ok(stored)
}

/// `POST /portal/{tenant}/anliegen/{tracking}/nachricht`: a message from the tracking page.
pub async fn from_tracking(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret, file)): Path<(String, String, String)>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let fail = |e| PageError::new(e, lang);
    if file != MESSAGE_PATH {
        return Err(fail(AppError::NotFound(t.error_not_found.into())));
    }
    let found = match tracking::find(&state, &tenant, &secret).await? {
        Ok(found) => found,
        Err(not_tracked) => return Ok(not_tracked),
    };
    let page = format!("{}/anliegen/{secret}", tenant.base());
    let body = crate::account::value(&form, "message").to_string();
    let genuine = crate::form_guard::genuine(&headers, crate::account::value(&form, "csrf"));
    let problem = if genuine {
        match store(&state, &tenant, &found, body.clone())
            .await
            .map_err(fail)?
        {
            Ok(_) => return Ok(see_other(&format!("{page}?gesendet=1#nachrichten"))),
            Err(problem) => problem_text(problem, t),
        }
    } else {
        t.error_form_expired.to_string()
    };
    let link = format!("{}{page}", state.config.public_base());
    let thread = Thread {
        messages: Vec::new(),
        action: format!("{page}/{MESSAGE_PATH}"),
        csrf: None,
        typed: body,
        error: Some(problem),
        sent: false,
    };
    let status = if genuine {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::FORBIDDEN
    };
    let shown = tracking::Shown {
        receipt: false,
        link: Some(link),
        pdf_link: format!("{page}/{RECEIPT_PDF}"),
        thread,
        status,
    };
    tracking::render(&state, &tenant, found, shown, &headers)
        .await
        .map_err(fail)
}

/// `POST /portal/{tenant}/mein-rathaus/{number}/nachricht`: a message from the citizen's own
/// page.
pub async fn from_account(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, number, file)): Path<(String, String, String)>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let fail = |e| PageError::new(e, lang);
    if file != MESSAGE_PATH {
        return Err(fail(AppError::NotFound(t.error_not_found.into())));
    }
    let page = format!("{}/mein-rathaus/{number}", tenant.base());
    let Some(citizen) = tenant.citizen.clone() else {
        return Ok(crate::account::profile::sign_in_first(&tenant, &page));
    };
    if !citizen.genuine(crate::account::value(&form, "csrf")) {
        return Err(fail(AppError::Forbidden(t.error_form_expired.into())));
    }
    let own = Citizen {
        account_id: citizen.account.id.clone(),
        tenant: tenant.id.clone(),
    };
    let store_ = state.store.clone();
    let wanted = number.clone();
    let tracked = blocking(move || citizen_requests::track_own(store_.as_ref(), &own, &wanted))
        .await
        .map_err(fail)?;
    let found = match tracking::shown(tracked, &tenant)? {
        Ok(found) => found,
        Err(not_found) => return Ok(not_found),
    };
    let body = crate::account::value(&form, "message").to_string();
    let problem = match store(&state, &tenant, &found, body.clone())
        .await
        .map_err(fail)?
    {
        Ok(_) => return Ok(see_other(&format!("{page}?gesendet=1#nachrichten"))),
        Err(problem) => problem_text(problem, t),
    };
    let shown = tracking::Shown {
        receipt: false,
        link: None,
        pdf_link: format!("{page}/{RECEIPT_PDF}"),
        thread: Thread {
            messages: Vec::new(),
            action: format!("{page}/{MESSAGE_PATH}"),
            csrf: Some(citizen.csrf.clone()),
            typed: body,
            error: Some(problem),
            sent: false,
        },
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    tracking::render(&state, &tenant, found, shown, &headers)
        .await
        .map_err(fail)
}

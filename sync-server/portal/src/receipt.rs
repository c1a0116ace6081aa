//! The receipt as a PDF (Eingangsbestätigung): what the citizen keeps of a request for their
//! files — the municipality, the number to quote, the service, when it arrived, who is
//! responsible, what the citizen sent, and the tracking link. Reached by the tracking link
//! alone, like the tracking page, and printed with the back office's page machinery (the
//! `pdf` crate) in the page's language.

use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use pdf::{Block, Metrics};
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use crate::page_error::PageError;
use crate::tenant::PortalTenant;
use crate::tracking::{self, Found};

/// `GET /portal/{tenant}/anliegen/{tracking}/eingangsbestaetigung.pdf`, and the citizen's
/// own photos beside it (`…/foto-N`).
pub async fn download(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, secret, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let fail = |e| PageError::new(e, lang);
    let found = match tracking::find(&state, &tenant, &secret).await? {
        Ok(found) => found,
        Err(not_tracked) => return Ok(not_tracked),
    };
    if file != tracking::RECEIPT_PDF {
        // The citizen's own photos live beside the receipt.
        return tracking::own_photo(&state, &tenant, &found, &file)
            .await
            .map_err(fail);
    }
    let link = format!(
        "{}{}/anliegen/{secret}",
        state.config.public_base(),
        tenant.base()
    );
    pdf(&state, &tenant, found, t.receipt_link, link)
        .await
        .map_err(fail)
}

/// The receipt of a found request as a PDF answer; `link` is the way back to it (the
/// tracking link, or the citizen's own page of it), which `note` introduces.
pub(crate) async fn pdf(
    state: &AppState,
    tenant: &PortalTenant,
    found: Found,
    note: &str,
    link: String,
) -> Result<Response, AppError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let Found { request, case, .. } = found;
    let service = tracking::service_of(state, tenant, &case).await?;
    let (service_title, answers) = tracking::answers(service.as_ref(), &case, lang);
    let row = |label: &str, value: String| Block::Row {
        label: label.to_string(),
        value,
    };
    let mut blocks = vec![
        Block::Title(t.receipt_pdf_title.to_string()),
        Block::Note(format!("{} · {}", tenant.name, t.portal_name)),
        Block::Note(t.receipt_pdf_intro.to_string()),
        row(t.receipt_number, request.number.clone()),
        row(t.tracking_service, service_title),
        row(
            t.tracking_received,
            texts::time::instant_ms(request.received_at, lang),
        ),
    ];
    if let Some(office) = service.as_ref().and_then(|s| s.service.as_ref()) {
        let mut contact = format!("{}, {}", office.office.name.get(lang), office.office.email);
        if let Some(phone) = &office.office.phone {
            contact = format!("{contact}, {phone}");
        }
        blocks.push(row(t.responsible, contact));
    }
    if !answers.is_empty() {
        blocks.push(Block::Heading(t.tracking_answers.to_string()));
        blocks.extend(answers.into_iter().map(|a| row(&a.label, a.value)));
    }
    blocks.push(Block::Heading(t.receipt_pdf_follow.to_string()));
    blocks.push(Block::Note(note.to_string()));
    blocks.push(Block::Note(link));
    let title = format!("{} {}", t.receipt_pdf_title, request.number);
    let footer = format!("{} · {title}", tenant.name);
    let bytes = blocking(move || {
        let font = annotate::embedded_font();
        let metrics = Metrics::new(font)
            .ok_or_else(|| AppError::Internal("the embedded font does not load".into()))?;
        let pages = pdf::paginate(&metrics, blocks);
        pdf::write(
            &metrics,
            pages,
            font,
            &title,
            &footer,
            t.receipt_pdf_page,
            t.receipt_pdf_of,
        )
        .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await?;
    let disposition = format!(
        "attachment; filename=\"{}-{}.pdf\"",
        match lang {
            schema::Language::De => "Eingangsbestaetigung",
            schema::Language::En => "Receipt",
        },
        request
            .number
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    );
    let mut response = ([(CONTENT_TYPE, "application/pdf")], bytes).into_response();
    let headers = response.headers_mut();
    // The citizen's alone, like the tracking page.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store, private"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

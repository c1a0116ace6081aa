//! `GET /backoffice/cases/{id}/report.pdf`: the inspection protocol of a case as a PDF, for
//! the file and for the decision letter.
//!
//! 1. The case is loaded through `load.rs` with [`StaffAction::DownloadReport`] (every
//!    back-office role may download; another tenant's case is a 404).
//! 2. The handler gathers what is not in the document: the tenant's name, each photo as a
//!    print copy of its annotated version (from the annotated-photo cache of `photos.rs`, then
//!    reduced to [`PRINT_SIDE`] pixels), and the newest [`HISTORY_LIMIT`] changes from the
//!    history code.
//! 3. `content.rs` turns it into blocks, which the `pdf` crate breaks into A4 pages and
//!    writes with krilla and the embedded DejaVu Sans.
//! 4. The download is audited.

mod content;

use std::collections::HashMap;

use annotate::photo::{downscale, encode};
use annotate::{DecodeLimits, ExportFormat};
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use schema::{Photo, Sha256};

use self::content::{ReportInput, ReportPhoto};
use super::audit::{self, Action};
use super::history::{entry, groups};
use super::i18n::texts;
use super::load::{LoadedCase, load_case};
use super::session::Session;
use crate::{InPage, PageError};
use pdf::Metrics;
use server_core::access::StaffAction;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;

use server_core::store::now_ms;
use server_core::store::{blobs, documents, tenants};

/// Long side of a photo in the report, in pixels: sharp in print at the size it is placed
/// (about 15 cm wide, ≈ 270 dpi) and a fraction of a 12 MP original's bytes.
const PRINT_SIDE: u32 = 1600;
/// JPEG quality of the print copies.
const PRINT_QUALITY: u8 = 85;
/// Changes in the history summary (each needs two forks of the document).
const HISTORY_LIMIT: usize = 30;

/// `GET /backoffice/cases/{id}/report.pdf`.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    build(&state, &session, &id)
        .await
        .map_err(|e| e.in_page(lang))
}

async fn build(state: &AppState, session: &Session, id: &str) -> Result<Response, AppError> {
    let loaded = load_case(state, session, id, StaffAction::DownloadReport).await?;
    let lang = session.lang;
    let t = texts(lang);
    let store = state.store.clone();
    let tenant = loaded.row.tenant.clone();
    let tenant_name = blocking(move || store.read(|tx| tenants::find(tx, &tenant)))
        .await?
        .map_or_else(|| loaded.row.tenant.clone(), |row| row.name);
    let mut photos = HashMap::new();
    for photo in &loaded.case.photos {
        photos.insert(photo.id, print_copy(state, photo).await?);
    }
    let (history, history_more) = history(state, &loaded, lang).await?;
    let case_id = loaded.case.id;
    let generated_by = format!(
        "{} ({})",
        session.staff.display_name, session.staff.username
    );
    let bytes = blocking(move || -> Result<Vec<u8>, AppError> {
        let input = ReportInput {
            case: &loaded.case,
            template: loaded.template.as_ref(),
            service: loaded.service.as_ref(),
            tenant_name,
            photos,
            history,
            history_more,
            generated_by,
            generated_at_ms: now_ms(),
        };
        let metrics = Metrics::new(annotate::embedded_font())
            .ok_or_else(|| AppError::Internal("the embedded report font does not load".into()))?;
        let pages = pdf::paginate(&metrics, content::blocks(&input, t, lang));
        pdf::write(
            &metrics,
            pages,
            annotate::embedded_font(),
            &format!("{}: {}", t.report_title, loaded.case.title),
            &format!("naper · {} · {}", t.report_title, loaded.case.id),
            t.page,
            t.report_page_of,
        )
        .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await?;
    audit::record(
        state,
        &session.staff,
        Action::DownloadReport,
        Some(case_id),
        "",
    )
    .await?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"naper-{case_id}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The photo as the report shows it: the annotated copy (or the original without drawings),
/// reduced for print. A photo that does not decode is reported on its page, not as a failed
/// report.
async fn print_copy(state: &AppState, photo: &Photo) -> Result<ReportPhoto, AppError> {
    // A document may name anything as a photo's address; what is no address is not stored.
    let Ok(sha) = photo.sha256.parse::<Sha256>() else {
        return Ok(ReportPhoto::Missing);
    };
    let store = state.store.clone();
    let key = sha.clone();
    if blocking(move || store.read(|tx| blobs::find(tx, key.as_str())))
        .await?
        .is_none()
    {
        return Ok(ReportPhoto::Missing);
    }
    let full = if photo.annotations.is_empty() {
        let blobs = state.blobs.clone();
        blocking(move || blobs.read(&sha)).await
    } else {
        let blobs = state.blobs.clone();
        let annotations = photo.annotations.clone();
        blocking(move || blobs.rendering(&sha, &annotations)).await
    };
    let full = match full {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(photo = %photo.sha256, "a photo of the report is left out: {e}");
            return Ok(ReportPhoto::Unreadable);
        }
    };
    let sha = photo.sha256.clone();
    blocking(move || -> Result<_, AppError> {
        let reduced = downscale(&full, PRINT_SIDE, DecodeLimits::default()).and_then(|image| {
            let jpeg = encode(
                &image,
                ExportFormat::Jpeg {
                    quality: PRINT_QUALITY,
                },
            )?;
            Ok((jpeg, image.width(), image.height()))
        });
        Ok(match reduced {
            Ok((jpeg, width, height)) => ReportPhoto::Image {
                jpeg,
                width,
                height,
            },
            Err(e) => {
                tracing::warn!(photo = %sha, "a photo of the report does not decode: {e}");
                ReportPhoto::Unreadable
            }
        })
    })
    .await
}

/// The newest history entries (each a change or an editing burst, as on the history page),
/// and how many older ones are left out.
async fn history(
    state: &AppState,
    loaded: &LoadedCase,
    lang: schema::Language,
) -> Result<(Vec<super::views::HistoryEntry>, usize), AppError> {
    let t = texts(lang);
    let mut doc = loaded.doc.automerge().clone();
    let template = loaded.template.clone();
    let store = state.store.clone();
    let case_id = loaded.case.id;
    blocking(move || -> Result<_, AppError> {
        let receipts = store.read(|tx| documents::change_receipts(tx, case_id))?;
        let changes = doc.get_changes(&[]);
        let groups = groups(&changes, &receipts, false);
        let entries = groups
            .iter()
            .rev()
            .take(HISTORY_LIMIT)
            .map(|group| {
                entry(
                    &mut doc,
                    &changes,
                    &receipts,
                    group,
                    template.as_ref(),
                    t,
                    lang,
                )
            })
            .collect();
        Ok((entries, groups.len().saturating_sub(HISTORY_LIMIT)))
    })
    .await
}

//! Commands on cases: new-case, set, add-photo, annotate, submit, list, show.

use std::path::Path;

use schema::{CaseId, GpsPoint, PhotoId, PrefillSource, Template};

use super::parse_id;
use crate::actions;
use crate::error::{FieldAppError, Result};
use crate::position::{FixState, GpsdFeed};
use crate::store::LocalStore;
use crate::sync_client::SyncClient;

/// How long `new-case` waits for gpsd's first fix: a receiver with a fix reports about once a
/// second, so this covers a fresh connection without holding a script up for long.
const GPSD_FIX_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

pub(super) async fn new_case(
    store: &mut LocalStore,
    template: &str,
    version: Option<u32>,
    gpsd: Option<&str>,
) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let cached = store.template(template, version);
    let template = match cached {
        Ok(t) => t,
        Err(FieldAppError::NotFound(missing)) => {
            // Not cached: try the server once; offline, say what is missing.
            let client = SyncClient::for_enrollment(&enrollment)?;
            let fetched = match version {
                Some(v) => client.fetch_template(store, template, v).await,
                None => match client.refresh_templates(store).await {
                    Ok(_) => store.template(template, None),
                    Err(e) => Err(e),
                },
            };
            match fetched {
                Ok(t) => t,
                Err(e) if e.is_offline() => return Err(FieldAppError::NotFound(missing)),
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let position = match gpsd {
        Some(address) => device_position(&template, address),
        None => None,
    };
    let id = actions::new_case_at(store, &template, &enrollment, position)?;
    println!("{id}");
    Ok(())
}

/// gpsd's current fix, asked only when the template prefills a field from the device
/// position; without one the fields stay empty and stderr says why.
fn device_position(template: &Template, address: &str) -> Option<GpsPoint> {
    let wanted = template
        .fields()
        .any(|f| f.prefill == Some(PrefillSource::DevicePosition));
    if !wanted {
        return None;
    }
    // Waiting blocks this thread, which is fine here: the command does nothing else meanwhile.
    let state = GpsdFeed::start(address, || {}).wait_for_fix(GPSD_FIX_WAIT);
    match &state {
        FixState::Fix(point) => Some(*point),
        FixState::Unreachable { detail, .. } => {
            eprintln!(
                "warning: gpsd at {address} is not reachable ({detail}); the position is left to type"
            );
            None
        }
        FixState::NoFix | FixState::NoSource => {
            eprintln!("warning: gpsd at {address} has no fix yet; the position is left to type");
            None
        }
    }
}

pub(super) fn set(store: &mut LocalStore, case_id: &str, key: &str, raw: &str) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let id: CaseId = parse_id(case_id, "case")?;
    let value = actions::parse_value_arg(raw);
    let report = actions::set_field(store, id, key, &value, &enrollment)?;
    for e in &report.errors {
        eprintln!(
            "warning: {}: {} (saved as a draft anyway)",
            e.field, e.problem
        );
    }
    println!("saved");
    Ok(())
}

pub(super) fn add_photo(
    store: &mut LocalStore,
    case_id: &str,
    key: &str,
    file: &Path,
) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let id: CaseId = parse_id(case_id, "case")?;
    let bytes = std::fs::read(file).map_err(|e| FieldAppError::io(file, e))?;
    let photo = actions::add_photo(store, id, key, &bytes, &enrollment)?;
    println!("{} {}", photo.id, photo.sha256);
    Ok(())
}

pub(super) fn annotate(
    store: &mut LocalStore,
    case_id: &str,
    photo_id: &str,
    json: &str,
) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let id: CaseId = parse_id(case_id, "case")?;
    let photo: PhotoId = parse_id(photo_id, "photo")?;
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| FieldAppError::Invalid(format!("the annotation is not JSON: {e}")))?;
    let annotation = actions::annotate_photo(store, id, photo, &value, &enrollment)?;
    println!("{}", annotation.id);
    Ok(())
}

pub(super) fn submit(store: &mut LocalStore, case_id: &str) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let id: CaseId = parse_id(case_id, "case")?;
    match actions::submit(store, id, &enrollment) {
        Ok(_) => {
            println!("submitted");
            Ok(())
        }
        Err(FieldAppError::Schema(e)) if matches!(*e, schema::Error::NotValid(_)) => {
            if let schema::Error::NotValid(report) = &*e {
                for problem in &report.errors {
                    eprintln!("{}: {}", problem.field, problem.problem);
                }
            }
            Err(FieldAppError::Invalid(
                "the case was not submitted: complete the fields listed above, then submit again"
                    .into(),
            ))
        }
        Err(e) => Err(e),
    }
}

pub(super) fn list(store: &LocalStore) -> Result<()> {
    for c in store.list_cases()? {
        let title: String = c
            .title
            .chars()
            .map(|ch| if ch.is_control() { ' ' } else { ch })
            .collect();
        println!(
            "{}\t{}\t{}\t{}\t{}",
            c.id,
            c.status,
            title,
            c.sync.as_str(),
            c.pending_uploads
        );
    }
    Ok(())
}

pub(super) fn show(store: &LocalStore, case_id: &str) -> Result<()> {
    let id: CaseId = parse_id(case_id, "case")?;
    let case = store.load_case(id)?.hydrate()?;
    let json = serde_json::to_string_pretty(&case)
        .map_err(|e| FieldAppError::Invalid(format!("the case cannot be shown as JSON: {e}")))?;
    println!("{json}");
    Ok(())
}

//! The form templates the server offers every tenant: the seven officer templates and the
//! seven citizen services bundled with naper, embedded
//! at compile time (so the binary is self-contained), or those of a directory given with
//! `--templates DIR`. They are checked with `schema::Template::from_json` and stored with
//! tenant `NULL` at every start, so an upgraded server offers its new templates at once.

use std::path::Path;

use schema::Template;

use crate::services::ServerError;
use crate::store::{CaseStore, TemplateRow};

/// The bundled templates: file name and JSON.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "abandoned-vehicle.json",
        include_str!("../../../../assets/templates/abandoned-vehicle.json"),
    ),
    (
        "dog-control.json",
        include_str!("../../../../assets/templates/dog-control.json"),
    ),
    (
        "illegal-waste-dumping.json",
        include_str!("../../../../assets/templates/illegal-waste-dumping.json"),
    ),
    (
        "noise-disturbance.json",
        include_str!("../../../../assets/templates/noise-disturbance.json"),
    ),
    (
        "road-obstruction.json",
        include_str!("../../../../assets/templates/road-obstruction.json"),
    ),
    (
        "trade-market-inspection.json",
        include_str!("../../../../assets/templates/trade-market-inspection.json"),
    ),
    (
        "traffic-order-check.json",
        include_str!("../../../../assets/templates/traffic-order-check.json"),
    ),
    // The citizen services (`"audience": "citizen"`), offered where a tenant enables them.
    (
        "gewerbeanmeldung.json",
        include_str!("../../../../assets/services/gewerbeanmeldung.json"),
    ),
    (
        "grundstueck-kaufanfrage.json",
        include_str!("../../../../assets/services/grundstueck-kaufanfrage.json"),
    ),
    (
        "hausnummer-zuteilung.json",
        include_str!("../../../../assets/services/hausnummer-zuteilung.json"),
    ),
    (
        "kita-notbetreuung.json",
        include_str!("../../../../assets/services/kita-notbetreuung.json"),
    ),
    (
        "kita-vertrag-kuendigen.json",
        include_str!("../../../../assets/services/kita-vertrag-kuendigen.json"),
    ),
    (
        "maengelmeldung.json",
        include_str!("../../../../assets/services/maengelmeldung.json"),
    ),
    (
        "verkehrsrechtliche-anordnung.json",
        include_str!("../../../../assets/services/verkehrsrechtliche-anordnung.json"),
    ),
];

/// The `*.json` files of `dir`, sorted by name.
///
/// # Errors
/// [`ServerError::Templates`] when the directory cannot be read.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, ServerError> {
    let fail = |e: std::io::Error| {
        ServerError::Templates(format!("cannot read templates from {}: {e}", dir.display()))
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let path = entry.map_err(fail)?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let json = std::fs::read_to_string(&path).map_err(fail)?;
            out.push((path.display().to_string(), json));
        }
    }
    out.sort();
    Ok(out)
}

/// The row of a template JSON for `tenant` (`None`: bundled).
///
/// # Errors
/// [`ServerError::Templates`] naming the file and every problem.
pub fn row(name: &str, json: &str, tenant: Option<&str>) -> Result<TemplateRow, ServerError> {
    let template = Template::from_json(json)
        .map_err(|e| ServerError::Templates(format!("template {name} does not load:\n{e}")))?;
    Ok(TemplateRow {
        tenant: tenant.map(str::to_string),
        id: template.id,
        version: template.version,
        category: template.category,
        title_de: template.title.de,
        title_en: template.title.en,
        audience: template.audience,
        json: json.to_string(),
    })
}

/// Checks and stores the templates offered to every tenant; returns how many.
///
/// # Errors
/// [`ServerError::Templates`] for a template that does not load (nothing is stored then),
/// store errors.
pub fn install_shared(store: &dyn CaseStore, dir: Option<&Path>) -> Result<usize, ServerError> {
    let sources = match dir {
        Some(dir) => read_dir(dir)?,
        None => BUNDLED
            .iter()
            .map(|(name, json)| ((*name).to_string(), (*json).to_string()))
            .collect(),
    };
    let rows = sources
        .iter()
        .map(|(name, json)| row(name, json, None))
        .collect::<Result<Vec<_>, _>>()?;
    for row in &rows {
        store.write(|tx| crate::store::templates::put(tx, row))?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_bundled_template_loads() {
        assert_eq!(BUNDLED.len(), 14);
        let mut citizen = 0;
        for (name, json) in BUNDLED {
            let row = row(name, json, None).unwrap();
            if row.audience == schema::Audience::Citizen {
                citizen += 1;
                let template = Template::from_json(json).unwrap();
                // A service inspected on the tablet names an officer template bundled here.
                if let Some(inspection) = template.service.and_then(|s| s.handled_with) {
                    assert!(
                        BUNDLED
                            .iter()
                            .any(|(other, _)| *other == format!("{inspection}.json")),
                        "{name} is handled with {inspection}, which is not bundled"
                    );
                }
            }
        }
        assert_eq!(citizen, 7);
    }
}

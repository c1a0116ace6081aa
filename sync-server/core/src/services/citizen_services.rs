//! The citizen services a tenant offers, and finding the right one: what the portal lists and
//! searches and Open311 describes. A service is a template for citizens
//! (`schema::Audience::Citizen`) in its newest version, offered where the tenant enabled it.

use std::sync::Arc;

use schema::{Audience, Language, Template};

use crate::kernel::AppError;
use crate::store::{CaseStore, offered_services, templates};

/// The services `tenant` offers, in their newest versions, by German title, with the
/// tenant's own search words added to each service's.
///
/// # Errors
/// Store failures; a stored template that no longer loads is an internal error naming it.
pub fn offered(store: &dyn CaseStore, tenant: &str) -> Result<Vec<Arc<Template>>, AppError> {
    let (enabled, rows, mut synonyms) = store.read(|tx| {
        Ok((
            offered_services::enabled(tx, tenant)?,
            templates::of_tenant(tx, tenant, Some(Audience::Citizen))?,
            offered_services::synonyms(tx, tenant)?,
        ))
    })?;
    let mut services: Vec<Arc<Template>> = Vec::new();
    for id in &enabled {
        // `of_tenant` lists by id and version: the last of an id is its newest.
        if let Some(row) = rows.iter().rev().find(|row| &row.id == id) {
            let mut service = load(&row.json, id)?;
            if let (Some(info), Some(words)) = (service.service.as_mut(), synonyms.remove(id)) {
                // The tenant's words are its citizens' German, whatever the page's language.
                info.keywords.de.extend(words);
            }
            services.push(Arc::new(service));
        }
    }
    services.sort_by(|a, b| a.title.de.cmp(&b.title.de));
    Ok(services)
}

/// Service `id` if `tenant` offers it, in its newest version.
///
/// # Errors
/// Store failures, or a stored template that no longer loads.
pub fn find(store: &dyn CaseStore, tenant: &str, id: &str) -> Result<Option<Template>, AppError> {
    let row = store.read(|tx| {
        if !offered_services::enabled(tx, tenant)?
            .iter()
            .any(|s| s == id)
        {
            return Ok(None);
        }
        templates::newest(tx, tenant, id)
    })?;
    match row {
        Some(row) if row.audience == Audience::Citizen => Ok(Some(load(&row.json, id)?)),
        _ => Ok(None),
    }
}

fn load(json: &str, id: &str) -> Result<Template, AppError> {
    Template::from_json(json)
        .map_err(|e| AppError::Internal(format!("the stored service `{id}` does not load: {e}")))
}

/// The services among `services` that match every word of `query`, best first: a word in
/// the title counts most, then a search word, then the description. Case, umlauts written
/// out (`ue` for `ü`) and `ß`/`ss` do not matter, and a word matches the beginning of a
/// longer one ("Hund" finds "Hundesteuer").
pub fn search<'a>(
    services: &'a [Arc<Template>],
    query: &str,
    lang: Language,
) -> Vec<&'a Arc<Template>> {
    let words: Vec<String> = query.split_whitespace().map(fold).collect();
    if words.is_empty() {
        return services.iter().collect();
    }
    let mut scored: Vec<(u32, &Arc<Template>)> = services
        .iter()
        .filter_map(|service| score(service, &words, lang).map(|s| (s, service)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.title.de.cmp(&b.1.title.de)));
    scored.into_iter().map(|(_, service)| service).collect()
}

/// How well `service` matches: `None` unless every word is found somewhere.
fn score(service: &Template, words: &[String], lang: Language) -> Option<u32> {
    let title = format!("{} {}", service.title.de, service.title.en);
    let keywords = service.service.as_ref().map_or_else(String::new, |info| {
        // Both languages: a German page finds "bulky waste", an English one "Sperrmüll".
        let first = info.keywords.get(lang).join(" ");
        let other = match lang {
            Language::De => info.keywords.en.join(" "),
            Language::En => info.keywords.de.join(" "),
        };
        format!("{first} {other}")
    });
    let description = service
        .description
        .as_ref()
        .map_or_else(String::new, |d| format!("{} {}", d.de, d.en));
    let places = [
        (8, fold(&title)),
        (4, fold(&keywords)),
        (1, fold(&description)),
    ];
    let mut total = 0;
    for word in words {
        let best = places
            .iter()
            .filter(|(_, text)| text.split(' ').any(|w| w.starts_with(word.as_str())))
            .map(|(weight, _)| *weight)
            .max()?;
        total += best;
    }
    Some(total)
}

/// Lower case, umlauts written out, `ß` as `ss`, punctuation as spaces.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::services::templates::BUNDLED;

    fn services() -> Vec<Arc<Template>> {
        BUNDLED
            .iter()
            .map(|(_, json)| Template::from_json(json).unwrap())
            .filter(|t| t.audience == Audience::Citizen)
            .map(Arc::new)
            .collect()
    }

    fn found(query: &str, lang: Language) -> Vec<String> {
        let services = services();
        search(&services, query, lang)
            .into_iter()
            .map(|t| t.id.clone())
            .collect()
    }

    #[test]
    fn everyday_words_find_the_service() {
        assert_eq!(found("Sperrmüll", Language::De)[0], "maengelmeldung");
        assert_eq!(found("sperrmuell", Language::De)[0], "maengelmeldung");
        assert_eq!(found("Hausnummer", Language::De)[0], "hausnummer-zuteilung");
        assert_eq!(
            found("halteverbot umzug", Language::De)[0],
            "verkehrsrechtliche-anordnung"
        );
        assert_eq!(found("Gewerbe", Language::De)[0], "gewerbeanmeldung");
        assert_eq!(found("bulky", Language::De), found("bulky", Language::En));
        assert!(found("Kita", Language::De).len() >= 2);
    }

    #[test]
    fn every_word_must_match_and_an_empty_query_lists_all() {
        assert!(found("Hausnummer Kita", Language::De).is_empty());
        assert!(found("xylophon", Language::De).is_empty());
        assert_eq!(found("  ", Language::De).len(), services().len());
    }
}

//! The start page: the services the tenant offers, by subject, and the search over their
//! names and everyday words (`?q=`), which works without JavaScript.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use server_core::kernel::blocking;
use server_core::services::AppState;
use server_core::services::citizen_services;

use crate::frame::{Frame, render};
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

/// A service as a link on the start page.
#[derive(Debug)]
pub struct ServiceLink {
    /// Where its form is.
    pub href: String,
    /// Its title.
    pub title: String,
    /// What it is for.
    pub description: String,
    /// Who answers.
    pub office: String,
}

/// Services of one subject.
#[derive(Debug)]
pub struct Group {
    /// The subject.
    pub title: &'static str,
    /// Its services.
    pub services: Vec<ServiceLink>,
}

#[derive(Template)]
#[template(path = "portal/start.html")]
struct StartPage {
    page: Frame,
    query: String,
    /// The heading of the results, when searched.
    results: Option<String>,
    /// Said when a search found nothing.
    none_found: Option<String>,
    groups: Vec<Group>,
    empty: bool,
    guide: String,
}

/// The start page's query.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    /// What was searched for.
    #[serde(default)]
    q: String,
}

/// `GET /portal/{tenant}/`.
pub async fn start(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let store = state.store.clone();
    let id = tenant.id.clone();
    let offered = blocking(move || citizen_services::offered(store.as_ref(), &id))
        .await
        .map_err(|e| PageError::new(e, lang))?;
    let query = search.q.trim().chars().take(200).collect::<String>();
    let link = |service: &Arc<schema::Template>| ServiceLink {
        href: format!("{}/leistungen/{}", tenant.base(), service.id),
        title: service.title.get(lang).to_string(),
        description: service
            .description
            .as_ref()
            .map(|d| d.get(lang).to_string())
            .unwrap_or_default(),
        office: service
            .service
            .as_ref()
            .map(|s| s.office.name.get(lang).to_string())
            .unwrap_or_default(),
    };
    let (groups, results, none_found) = if query.is_empty() {
        let mut groups: Vec<Group> = Vec::new();
        for service in &offered {
            let title = t.category(&service.category);
            match groups.iter_mut().find(|g| g.title == title) {
                Some(group) => group.services.push(link(service)),
                None => groups.push(Group {
                    title,
                    services: vec![link(service)],
                }),
            }
        }
        groups.sort_by(|a, b| a.title.cmp(b.title));
        (groups, None, None)
    } else {
        let found: Vec<ServiceLink> = citizen_services::search(&offered, &query, lang)
            .into_iter()
            .map(link)
            .collect();
        let none_found = found
            .is_empty()
            .then(|| t.search_none.replace("{query}", &query));
        let groups = if found.is_empty() {
            Vec::new()
        } else {
            vec![Group {
                title: t.all_services,
                services: found,
            }]
        };
        (
            groups,
            Some(t.search_results.replace("{query}", &query)),
            none_found,
        )
    };
    let page = StartPage {
        page: Frame::of(&tenant, t.start_title),
        query,
        results,
        none_found,
        empty: offered.is_empty(),
        groups,
        guide: format!("{}/wegweiser", tenant.base()),
    };
    render(&page).map_err(|e| PageError::new(e, lang))
}

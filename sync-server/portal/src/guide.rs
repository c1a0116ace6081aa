//! The "Wegweiser": a short guided path to the right service for citizens who do not know
//! its name — first what their concern is about, in everyday words (one question per subject
//! the tenant offers services in), then the services of that subject with what each is for
//! and who answers it, with their e-mail and phone; and for "none of these", the people to
//! ask: the town hall's contact and every responsible office. Plain links, no scripts.

use std::collections::BTreeSet;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use schema::Template as Service;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::citizen_services;

use crate::frame::{Frame, render};
use crate::page_error::PageError;
use crate::tenant::PortalTenant;

/// The path of the contact step.
const CONTACT: &str = "kontakt";

/// A choice on a step: where it leads and what it says.
#[derive(Debug)]
struct Choice {
    href: String,
    label: String,
    detail: Option<String>,
}

/// An office to ask.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Contact {
    name: String,
    email: String,
    phone: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/guide.html")]
struct GuidePage {
    page: Frame,
    question: String,
    choices: Vec<Choice>,
    contacts: Vec<Contact>,
    back: Option<String>,
}

async fn offered(state: &AppState, tenant: &PortalTenant) -> Result<Vec<Arc<Service>>, PageError> {
    let store = state.store.clone();
    let id = tenant.id.clone();
    blocking(move || citizen_services::offered(store.as_ref(), &id))
        .await
        .map_err(|e| PageError::new(e, tenant.lang))
}

fn base(tenant: &PortalTenant) -> String {
    format!("{}/wegweiser", tenant.base())
}

/// `GET /portal/{tenant}/wegweiser`: what the concern is about.
pub async fn start(
    State(state): State<AppState>,
    tenant: PortalTenant,
) -> Result<Response, PageError> {
    let t = tenant.t();
    let services = offered(&state, &tenant).await?;
    // The subjects the tenant offers services in, in a fixed order.
    let subjects: BTreeSet<&str> = services.iter().map(|s| s.category.as_str()).collect();
    let mut choices: Vec<Choice> = [
        "street", "traffic", "building", "business", "family", "property",
    ]
    .into_iter()
    .filter(|subject| subjects.contains(subject))
    .chain(
        subjects
            .iter()
            .copied()
            .filter(|s| {
                ![
                    "street", "traffic", "building", "business", "family", "property",
                ]
                .contains(s)
            })
            .take(1)
            .map(|_| "other"),
    )
    .map(|subject| Choice {
        href: format!("{}/{subject}", base(&tenant)),
        label: t.guide_question(subject).to_string(),
        detail: None,
    })
    .collect();
    choices.push(Choice {
        href: format!("{}/{CONTACT}", base(&tenant)),
        label: t.guide_none.to_string(),
        detail: None,
    });
    let page = GuidePage {
        page: Frame::of(&tenant, t.guide_title),
        question: t.guide_first.to_string(),
        choices,
        contacts: Vec::new(),
        back: Some(format!("{}/", tenant.base())),
    };
    render(&page).map_err(|e| PageError::new(e, tenant.lang))
}

/// `GET /portal/{tenant}/wegweiser/{subject}`: the services of a subject, or the people to
/// ask.
pub async fn step(
    State(state): State<AppState>,
    tenant: PortalTenant,
    Path((_, subject)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = tenant.lang;
    let t = tenant.t();
    let services = offered(&state, &tenant).await?;
    let office_of = |service: &Service| {
        service.service.as_ref().map(|info| Contact {
            name: info.office.name.get(lang).to_string(),
            email: info.office.email.clone(),
            phone: info.office.phone.clone(),
        })
    };
    let known = [
        "street", "traffic", "building", "business", "family", "property",
    ];
    let page = if subject == CONTACT {
        let mut contacts: Vec<Contact> = services.iter().filter_map(|s| office_of(s)).collect();
        contacts.sort();
        contacts.dedup();
        if let Some(email) = &tenant.look.contact_email {
            contacts.insert(
                0,
                Contact {
                    name: tenant.name.clone(),
                    email: email.clone(),
                    phone: tenant.look.contact_phone.clone(),
                },
            );
        }
        GuidePage {
            page: Frame::of(&tenant, t.guide_contact_title),
            question: t.guide_contact.to_string(),
            choices: Vec::new(),
            contacts,
            back: Some(base(&tenant)),
        }
    } else {
        let matches = |service: &Service| {
            if subject == "other" {
                !known.contains(&service.category.as_str())
            } else {
                service.category == subject
            }
        };
        let choices: Vec<Choice> = services
            .iter()
            .filter(|s| matches(s))
            .map(|service| Choice {
                href: format!("{}/leistungen/{}", tenant.base(), service.id),
                label: service.title.get(lang).to_string(),
                detail: Some(
                    [
                        service
                            .description
                            .as_ref()
                            .map(|d| d.get(lang).to_string()),
                        office_of(service).map(|o| {
                            let mut line = format!("{}: {} · {}", t.responsible, o.name, o.email);
                            if let Some(phone) = o.phone {
                                line = format!("{line} · {phone}");
                            }
                            line
                        }),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" — "),
                ),
            })
            .collect();
        if choices.is_empty() {
            return Err(PageError::new(
                AppError::NotFound(t.error_not_found.into()),
                lang,
            ));
        }
        GuidePage {
            page: Frame::of(&tenant, t.guide_title),
            question: t.guide_second.to_string(),
            choices,
            contacts: Vec::new(),
            back: Some(base(&tenant)),
        }
    };
    render(&page).map_err(|e| PageError::new(e, lang))
}

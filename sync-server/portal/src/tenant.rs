//! Which municipality's portal a request is for: the tenant the path names (`/portal/tgh/…`),
//! with the page's language. An unknown tenant is a 404 page, like an unknown path.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use schema::Language;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::portal_looks::{self, PortalLook};
use server_core::store::tenants;

use crate::i18n::{self, Texts};
use crate::page_error::PageError;

/// The tenant whose portal is asked for, and the page's language.
#[derive(Debug, Clone)]
pub struct PortalTenant {
    /// Its id, as in the path.
    pub id: String,
    /// Its name, shown on every page ("a service of …").
    pub name: String,
    /// How its portal looks (white label).
    pub look: PortalLook,
    /// The page's language.
    pub lang: Language,
}

impl PortalTenant {
    /// The page's texts.
    pub fn t(&self) -> &'static Texts {
        i18n::texts(self.lang)
    }

    /// The tenant's portal path, without a trailing `/`.
    pub fn base(&self) -> String {
        format!("{}/{}", crate::BASE, self.id)
    }
}

impl FromRequestParts<AppState> for PortalTenant {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = i18n::language_of(&parts.uri, &parts.headers);
        let not_found = || {
            PageError::new(
                AppError::NotFound(i18n::texts(lang).error_not_found.into()),
                lang,
            )
        };
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        let Some(id) = params
            .iter()
            .find(|(name, _)| *name == "tenant")
            .map(|(_, value)| value.to_string())
        else {
            return Err(not_found());
        };
        let store = state.store.clone();
        let key = id.clone();
        let found = blocking(move || {
            store.read(|tx| {
                let Some(tenant) = tenants::find(tx, &key)? else {
                    return Ok(None);
                };
                Ok(Some((tenant, portal_looks::get(tx, &key)?)))
            })
        })
        .await
        .map_err(|e| PageError::new(e, lang))?;
        match found {
            Some((tenant, look)) => Ok(PortalTenant {
                id,
                name: tenant.name,
                look,
                lang,
            }),
            None => Err(not_found()),
        }
    }
}

//! Which municipality's portal a request is for: the tenant the path names (`/portal/tgh/…`),
//! with the page's language and the citizen signed in on it, if any (the session cookie of
//! that portal, `crate::account`). An unknown tenant is a 404 page, like an unknown path.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use schema::Language;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::store::portal_looks::{self, PortalLook};
use server_core::store::tenants;

use server_core::services::citizen_accounts;
use server_core::store::now_ms;
use web::cookies;

use crate::account::{SESSION_COOKIE, SignedIn};
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
    /// The citizen signed in on this portal, if any.
    pub citizen: Option<SignedIn>,
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
        // Only a cookie that can be a session id is looked up.
        let session_id = cookies::get(&parts.headers, SESSION_COOKIE)
            .filter(|id| crate::form_guard::well_formed(id));
        let store = state.store.clone();
        let key = id.clone();
        let found = blocking(move || {
            let Some((tenant, look)) = store.read(|tx| {
                let Some(tenant) = tenants::find(tx, &key)? else {
                    return Ok(None);
                };
                Ok(Some((tenant, portal_looks::get(tx, &key)?)))
            })?
            else {
                return Ok(None);
            };
            let citizen = match session_id {
                Some(session_id) => {
                    citizen_accounts::session(store.as_ref(), &key, &session_id, now_ms())?.map(
                        |(account, csrf)| SignedIn {
                            account,
                            session_id,
                            csrf,
                        },
                    )
                }
                None => None,
            };
            Ok::<_, AppError>(Some((tenant, look, citizen)))
        })
        .await
        .map_err(|e| PageError::new(e, lang))?;
        match found {
            Some((tenant, look, citizen)) => Ok(PortalTenant {
                id,
                name: tenant.name,
                look,
                lang,
                citizen,
            }),
            None => Err(not_found()),
        }
    }
}

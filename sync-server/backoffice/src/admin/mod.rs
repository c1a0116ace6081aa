//! The administration pages (admins only): users and roles, enrolled devices, form templates,
//! the citizens' portal (its look, coat of arms, services and search words).
//!
//! Every handler first asks [`server_core::access`] ([`access::check_office`], and for a user or
//! device named in the path [`access::check_user_target`] / [`access::check_device_target`],
//! which answer another tenant's like a missing one). Every POST is a CSRF-checked
//! [`crate::session::CsrfForm`], every change is audited, and the page is shown
//! again after a redirect (post/redirect/get).

mod devices;
mod portal;
mod templates;
mod users;
mod views;

pub use devices::{page as devices_page, revoke};
pub use portal::{page as portal_page, save_logo, save_look, save_services};
pub use templates::{page as templates_page, upload};
pub use users::{change_grants, change_role, create, delete, page as users_page, reset_password};

use super::load::denied;
use super::session::Session;
use server_core::access::{self, OfficeAction};
use server_core::kernel::AppError;

/// Refuses `session` unless its role may do `action`.
fn allowed(session: &Session, action: OfficeAction) -> Result<(), AppError> {
    access::check_office(&session.staff, action).map_err(|d| denied(session, d))
}

/// The path of an administration page.
fn path(page: &str) -> String {
    format!("{}/admin/{page}", super::BASE)
}

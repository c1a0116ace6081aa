//! The administration pages' templates and view models.

use askama::Template;

use crate::views::{Frame, OptionView};

/// A user in the list.
#[derive(Debug)]
pub struct UserView {
    /// User name (the path of its forms).
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Role label.
    pub role: &'static str,
    /// The role choices, the current one selected.
    pub roles: Vec<OptionView>,
    /// The signed-in admin themself (no delete form).
    pub is_self: bool,
}

/// `GET /backoffice/admin/users`.
#[derive(Template)]
#[template(path = "backoffice/admin_users.html")]
pub struct UsersPage {
    /// Frame.
    pub page: Frame,
    /// The session's CSRF token.
    pub csrf: String,
    /// The tenant's users by name.
    pub users: Vec<UserView>,
    /// The role choices of the create form.
    pub roles: Vec<OptionView>,
    /// The staff roles, ticked where they may open originals.
    pub originals: Vec<GrantView>,
}

/// A role's box in the permissions form.
#[derive(Debug)]
pub struct GrantView {
    /// The form field's name.
    pub name: String,
    /// The role's label.
    pub label: &'static str,
    /// Granted now.
    pub granted: bool,
}

/// A device in the list.
#[derive(Debug)]
pub struct DeviceView {
    /// Device id (the path of its form).
    pub id: String,
    /// Owner.
    pub username: String,
    /// Name given at enrollment.
    pub name: String,
    /// Enrollment time.
    pub enrolled: String,
    /// Last sync, or "never".
    pub last_sync: String,
    /// Revoked already.
    pub revoked: bool,
}

/// `GET /backoffice/admin/devices`.
#[derive(Template)]
#[template(path = "backoffice/admin_devices.html")]
pub struct DevicesPage {
    /// Frame.
    pub page: Frame,
    /// The session's CSRF token.
    pub csrf: String,
    /// The tenant's devices by officer, newest first.
    pub devices: Vec<DeviceView>,
}

/// A template id with its versions.
#[derive(Debug)]
pub struct TemplateView {
    /// Template id.
    pub id: String,
    /// Title of the newest version.
    pub title: String,
    /// Category.
    pub category: String,
    /// Versions, oldest first: `(version, bundled)`.
    pub versions: Vec<(u32, bool)>,
}

/// `GET /backoffice/admin/templates`, and the upload form shown again with its problems.
#[derive(Template)]
#[template(path = "backoffice/admin_templates.html")]
pub struct TemplatesPage {
    /// Frame.
    pub page: Frame,
    /// The session's CSRF token.
    pub csrf: String,
    /// The templates by id.
    pub templates: Vec<TemplateView>,
    /// The JSON typed into the form (kept after a refused upload).
    pub json: String,
    /// Why the upload was refused: `(JSON path, reason)`.
    pub problems: Vec<(String, String)>,
    /// What was stored by the last upload (`id v2`).
    pub saved: Option<String>,
}

/// A citizen service on the portal settings page.
#[derive(Debug)]
pub struct ServiceSetting {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the tenant offers it.
    pub offered: bool,
    /// The words it is also found by, comma-separated.
    pub words: String,
}

/// `GET /backoffice/admin/portal`.
#[derive(Template)]
#[template(path = "backoffice/admin_portal.html")]
pub struct PortalPage {
    /// Frame.
    pub page: Frame,
    /// The session's CSRF token.
    pub csrf: String,
    /// The tenant, whose portal serves the logo.
    pub tenant: String,
    /// The look as stored, or as typed when it was refused.
    pub look: server_core::store::portal_looks::PortalLook,
    /// Why the look was refused.
    pub look_problems: Vec<String>,
    /// Whether a logo is stored.
    pub has_logo: bool,
    /// Why the logo was refused.
    pub logo_problem: Option<String>,
    /// The installed citizen services.
    pub services: Vec<ServiceSetting>,
    /// What the last change saved.
    pub saved: Option<String>,
}

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

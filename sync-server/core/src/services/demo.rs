//! The demo tenant: seeded with `--demo`, and on the first start on an empty data directory,
//! so a fresh server can be tried at once. Passwords are generated, stored as argon2id
//! hashes and printed once.

use schema::Role;

use crate::identity::auth::{hash_password, random_password};
use crate::kernel::config::PasswordCost;
use crate::services::ServerError;
use crate::store::{CaseStore, NewUser};
use crate::store::{accounts, offered_services, tenants};

/// The demo tenant's id.
pub const TENANT: &str = "demo";

/// The demo users: user name, full name, role.
pub const USERS: &[(&str, &str, Role)] = &[
    ("admin", "Andrea Admin", Role::Admin),
    ("coordinator", "Conrad Koordinator", Role::Coordinator),
    ("caseworker", "Clara Sachbearbeiterin", Role::CaseWorker),
    ("viewer", "Viktor Leser", Role::Viewer),
    ("officer1", "Olga Außendienst", Role::Officer),
    ("officer2", "Otto Außendienst", Role::Officer),
];

/// A seeded user with the password generated for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    /// User name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The generated password (not stored anywhere).
    pub password: String,
}

/// Seeds the demo tenant and its users; `None` when the tenant exists already.
///
/// # Errors
/// Store or randomness errors.
pub fn seed(
    store: &dyn CaseStore,
    cost: PasswordCost,
) -> Result<Option<Vec<DemoUser>>, ServerError> {
    if store.read(|tx| tenants::find(tx, TENANT))?.is_some() {
        return Ok(None);
    }
    let mut users = Vec::new();
    let mut rows = Vec::new();
    for (username, display_name, role) in USERS {
        let password = random_password()?;
        rows.push(NewUser {
            tenant: TENANT.into(),
            username: (*username).into(),
            display_name: (*display_name).into(),
            role: *role,
            password_hash: hash_password(&password, cost)?,
        });
        users.push(DemoUser {
            username: (*username).into(),
            display_name: (*display_name).into(),
            role: *role,
            password,
        });
    }
    // One transaction: a seed cut short leaves no tenant without its users (which would
    // keep the next start from seeding again).
    let services: Vec<String> = crate::services::templates::BUNDLED
        .iter()
        .filter_map(|(_, json)| schema::Template::from_json(json).ok())
        .filter(|template| template.audience == schema::Audience::Citizen)
        .map(|template| template.id)
        .collect();
    store.write(|tx| {
        tenants::create(tx, TENANT, "Demo-Ordnungsamt")?;
        rows.iter()
            .try_for_each(|user| accounts::create_user(tx, user))?;
        // The demo's portal offers every bundled citizen service.
        services
            .iter()
            .try_for_each(|id| offered_services::enable(tx, TENANT, id))
    })?;
    Ok(Some(users))
}

/// The lines printed once after seeding: one per user, `username password (role, name)`.
pub fn credential_lines(users: &[DemoUser]) -> Vec<String> {
    let mut lines = vec![format!(
        "demo tenant `{TENANT}` seeded; these passwords are shown only now:"
    )];
    for user in users {
        lines.push(format!(
            "  {:<12} {}  ({}, {})",
            user.username,
            user.password,
            user.role.as_str(),
            user.display_name
        ));
    }
    lines
}

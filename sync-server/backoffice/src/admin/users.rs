//! `GET /backoffice/admin/users` and its forms: create a user with a role and an initial
//! password, change a role, set a new password, delete a user, and what each staff role is
//! granted (opening originals).

use axum::extract::{Path, State};
use axum::response::Response;
use schema::Role;
use serde::Deserialize;

use super::views::{GrantView, UserView, UsersPage};
use super::{allowed, path};
use crate::audit::{self, Action};
use crate::i18n::{Texts, texts};
use crate::load::denied;
use crate::session::{CsrfForm, Session};
use crate::views::{Frame, OptionView, render, see_other};
use crate::{InPage, PageError};
use server_core::access::{self, OfficeAction, StaffDenied};
use server_core::identity::auth::hash_password;
use server_core::kernel::{AppError, blocking};
use server_core::services::AppState;
use server_core::services::admin::{is_long_enough, is_username};
use server_core::store::grants::{self, Permission};
use server_core::store::{accounts, audit as audit_log};

use server_core::store::{NewUser, StoreError, UserRow};

fn role_options(t: &Texts, current: Role) -> Vec<OptionView> {
    Role::ALL
        .iter()
        .map(|role| OptionView {
            value: role.as_str().to_string(),
            label: t.role(*role).to_string(),
            selected: current == *role,
        })
        .collect()
}

/// `GET /backoffice/admin/users`.
pub async fn page(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageUsers)?;
        let store = state.store.clone();
        let tenant = session.staff.tenant.clone();
        let (users, granted) = blocking(move || -> Result<_, AppError> {
            let granted = store.read(|tx| grants::of_tenant(tx, &tenant))?;
            Ok((
                store.read(|tx| accounts::tenant_users(tx, &tenant))?,
                granted,
            ))
        })
        .await?;
        audit::record(&state, &session.staff, Action::ViewUsers, None, "").await?;
        let frame = Frame::signed_in(&session, texts(lang).users_title);
        let t = frame.t;
        render(&UsersPage {
            csrf: session.csrf_token.clone(),
            users: users
                .into_iter()
                .map(|u| UserView {
                    is_self: u.username == session.staff.username,
                    role: t.role(u.role),
                    roles: role_options(t, u.role),
                    username: u.username,
                    display_name: u.display_name,
                })
                .collect(),
            // The least rights by default: a slip of the hand must not create an admin.
            roles: role_options(t, Role::Viewer),
            originals: staff_roles()
                .map(|role| GrantView {
                    name: originals_field(role),
                    label: t.role(role),
                    granted: granted.contains(&(role, Permission::ViewOriginals)),
                })
                .collect(),
            page: frame,
        })
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The roles that sign in to the back office, and so can be granted what staff may do.
fn staff_roles() -> impl Iterator<Item = Role> {
    Role::ALL
        .into_iter()
        .filter(|role| access::may_use_backoffice(*role))
}

/// The name of a role's box in the permissions form.
fn originals_field(role: Role) -> String {
    format!("originals_{role}")
}

/// `POST /backoffice/admin/roles`: which staff roles may open originals; a ticked box
/// grants, an unticked one withdraws. The changes and their audit entry commit together.
pub async fn change_grants(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageUsers)?;
        let ticked = |role: Role| {
            let name = originals_field(role);
            form.iter()
                .any(|(key, value)| *key == name && value == "on")
        };
        let wanted: Vec<(Role, bool)> = staff_roles().map(|r| (r, ticked(r))).collect();
        let detail = wanted
            .iter()
            .map(|(role, on)| format!("{}={role}:{}", Permission::ViewOriginals.as_str(), on))
            .collect::<Vec<_>>()
            .join(" ");
        let entry = audit::entry(&session.staff, Action::ChangeGrants, None, detail);
        let tenant = session.staff.tenant.clone();
        let store = state.store.clone();
        blocking(move || {
            store.write(|tx| {
                for (role, on) in &wanted {
                    grants::set(tx, &tenant, *role, Permission::ViewOriginals, *on)?;
                }
                audit_log::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&path("users")))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The user named in the path, if the admin may change them.
async fn target(state: &AppState, session: &Session, name: &str) -> Result<UserRow, AppError> {
    let store = state.store.clone();
    let key = name.to_string();
    let user = blocking(move || store.read(|tx| accounts::user(tx, &key))).await?;
    access::check_user_target(&session.staff, user.as_ref()).map_err(|d| denied(session, d))?;
    user.ok_or_else(|| denied(session, StaffDenied::NotFound))
}

fn parse_role_field(text: &str, t: &Texts) -> Result<Role, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::BadRequest(t.error_unknown_role.into()))
}

async fn hash(state: &AppState, password: String) -> Result<String, AppError> {
    let cost = state.config.password_cost;
    blocking(move || hash_password(&password, cost)).await
}

/// The create form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// `POST /backoffice/admin/users`: a new user of the admin's tenant.
pub async fn create(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm<CreateForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        allowed(&session, OfficeAction::ManageUsers)?;
        let t = texts(lang);
        let username = form.username.trim().to_string();
        if !is_username(&username) {
            return Err(AppError::BadRequest(t.error_username.into()));
        }
        if !is_long_enough(&form.password) {
            return Err(AppError::BadRequest(t.error_password_short.into()));
        }
        let role = parse_role_field(&form.role, t)?;
        let user = NewUser {
            tenant: session.staff.tenant.clone(),
            username: username.clone(),
            display_name: match form.display_name.trim() {
                "" => username.clone(),
                name => name.to_string(),
            },
            role,
            password_hash: hash(&state, form.password).await?,
        };
        let store = state.store.clone();
        let entry = audit::entry(
            &session.staff,
            Action::CreateUser,
            None,
            format!("{username} ({role})"),
        );
        // A taken name is the admin's to fix, not a server failure.
        let taken = blocking(move || {
            let created = store.write(|tx| {
                accounts::create_user(tx, &user)?;
                audit_log::append(tx, &entry)
            });
            match created {
                Ok(()) => Ok(false),
                Err(StoreError::AlreadyExists(_)) => Ok(true),
                Err(e) => Err(e),
            }
        })
        .await?;
        if taken {
            return Err(AppError::BadRequest(t.error_user_taken.into()));
        }
        Ok(see_other(&path("users")))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /backoffice/admin/users/{username}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CsrfForm { session, form }: CsrfForm<RoleForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let t = texts(lang);
        let user = target(&state, &session, &name).await?;
        let role = parse_role_field(&form.role, t)?;
        access::check_own_account(&session.staff, &user, Some(role))
            .map_err(|_| AppError::BadRequest(t.error_own_account.into()))?;
        let store = state.store.clone();
        let key = user.username.clone();
        let entry = audit::entry(
            &session.staff,
            Action::ChangeRole,
            None,
            format!("{}: {} -> {role}", user.username, user.role),
        );
        // The change and its audit entry commit together.
        blocking(move || {
            store.write(|tx| {
                accounts::set_role(tx, &key, role)?;
                audit_log::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&path("users")))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// `POST /backoffice/admin/users/{username}/password`: a new password, and every session of
/// the user ends.
pub async fn reset_password(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CsrfForm { session, form }: CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let user = target(&state, &session, &name).await?;
        if !is_long_enough(&form.password) {
            return Err(AppError::BadRequest(
                texts(lang).error_password_short.into(),
            ));
        }
        let hashed = hash(&state, form.password).await?;
        let store = state.store.clone();
        let key = user.username.clone();
        let entry = audit::entry(&session.staff, Action::ResetPassword, None, user.username);
        // The old password may be why it is reset: whoever signed in with it is signed out,
        // in the same transaction as the new password and its audit entry.
        blocking(move || {
            store.write(|tx| {
                accounts::set_password_hash(tx, &key, &hashed)?;
                accounts::end_sessions(tx, &key)?;
                audit_log::append(tx, &entry)
            })
        })
        .await?;
        Ok(see_other(&path("users")))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

/// The delete form: a checkbox confirms.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /backoffice/admin/users/{username}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CsrfForm { session, form }: CsrfForm<DeleteForm>,
) -> Result<Response, PageError> {
    let lang = session.lang;
    async {
        let t = texts(lang);
        let user = target(&state, &session, &name).await?;
        access::check_own_account(&session.staff, &user, None)
            .map_err(|_| AppError::BadRequest(t.error_own_account.into()))?;
        if form.confirm.is_none() {
            return Err(AppError::BadRequest(t.error_confirm_delete.into()));
        }
        let store = state.store.clone();
        let key = user.username.clone();
        let entry = audit::entry(
            &session.staff,
            Action::DeleteUser,
            None,
            format!("{} ({})", user.username, user.role),
        );
        let deleted = blocking(move || {
            Ok::<_, AppError>(store.write(|tx| {
                accounts::delete_user(tx, &key)?;
                audit_log::append(tx, &entry)
            }))
        })
        .await?;
        if let Err(StoreError::StillAssigned { cases, .. }) = deleted {
            return Err(AppError::BadRequest(format!(
                "{} {cases}",
                t.error_still_assigned
            )));
        }
        deleted?;
        Ok(see_other(&path("users")))
    }
    .await
    .map_err(|e: AppError| e.in_page(lang))
}

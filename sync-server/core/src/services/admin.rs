//! The administration commands of `sync-server admin …`, on a data directory (or the
//! database a URL names). They open the same SQLite database as a running server (WAL mode
//! and a busy timeout make that safe), so e.g. a revoked device is refused by the running
//! server from its next request on.

use std::path::Path;
use std::sync::Arc;

use schema::Role;

use crate::identity::auth::{hash_password, random_password};
use crate::kernel::config::{PasswordCost, database_path};
use crate::services::ServerError;
use crate::store::portal_looks::{self, PortalLook};
use crate::store::{CaseStore, DatabaseUrl, NewUser, SqliteStore};
use crate::store::{accounts, documents, offered_services, outbox, templates, tenants};

/// Opens (creating if needed) the store `database_url` names (`sqlite://PATH`), or without
/// one the SQLite database in `data_dir`: the backend is chosen by the URL.
///
/// # Errors
/// An unusable URL (with what is accepted), or a database that cannot be opened.
pub fn open_url(
    database_url: Option<&str>,
    data_dir: &Path,
) -> Result<Arc<dyn CaseStore>, ServerError> {
    let Some(url) = database_url else {
        return Ok(Arc::new(open(data_dir)?));
    };
    match DatabaseUrl::parse(url)? {
        DatabaseUrl::Sqlite(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    ServerError::Io(format!(
                        "cannot create the database's directory {}: {e}",
                        parent.display()
                    ))
                })?;
            }
            Ok(Arc::new(SqliteStore::open(&path)?))
        }
    }
}

/// Opens (creating if needed) the store of a data directory.
///
/// # Errors
/// When the directory or database cannot be created or opened.
pub fn open(data_dir: &Path) -> Result<SqliteStore, ServerError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        ServerError::Io(format!(
            "cannot create the data directory {}: {e}",
            data_dir.display()
        ))
    })?;
    Ok(SqliteStore::open(&database_path(data_dir))?)
}

/// Creates a tenant.
///
/// # Errors
/// A taken id, store errors.
pub fn create_tenant(store: &dyn CaseStore, id: &str, name: &str) -> Result<String, ServerError> {
    let id = id.trim();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ServerError::Invalid(format!(
            "`{id}` is not a tenant id; use letters, digits, `-` and `_`"
        )));
    }
    store.write(|tx| tenants::create(tx, id, name.trim()))?;
    Ok(format!("created tenant `{id}` ({})", name.trim()))
}

/// Creates a user with an argon2id hash of `password`.
///
/// # Errors
/// An unknown role or tenant, a taken user name, store errors.
pub fn create_user(
    store: &dyn CaseStore,
    tenant: &str,
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<String, ServerError> {
    let role: Role = role
        .trim()
        .parse()
        .map_err(|e: schema::UnknownRole| ServerError::Invalid(e.to_string()))?;
    let username = username.trim();
    if !is_username(username) {
        return Err(ServerError::Invalid(format!(
            "`{username}` is not a user name; use one word without spaces"
        )));
    }
    check_password(password)?;
    let user = NewUser {
        tenant: tenant.trim().into(),
        username: username.into(),
        display_name: display_name.trim().into(),
        role,
        password_hash: hash_password(password, PasswordCost::Default)?,
    };
    store.write(|tx| accounts::create_user(tx, &user))?;
    Ok(format!(
        "created user `{username}` ({role}) in tenant `{}`",
        tenant.trim()
    ))
}

/// Whether `username` (trimmed) can be a user name: one word without spaces. The CLI and the
/// back office's user administration apply the same rule.
pub fn is_username(username: &str) -> bool {
    !username.is_empty() && !username.chars().any(char::is_whitespace)
}

/// Whether `password` is long enough (at least 8 characters), for the CLI and the back office.
pub fn is_long_enough(password: &str) -> bool {
    password.chars().count() >= 8
}

fn check_password(password: &str) -> Result<(), ServerError> {
    if !is_long_enough(password) {
        return Err(ServerError::Invalid(
            "the password is too short; use at least 8 characters".into(),
        ));
    }
    Ok(())
}

/// Sets a new password.
///
/// # Errors
/// An unknown user, store errors.
pub fn reset_password(
    store: &dyn CaseStore,
    username: &str,
    password: &str,
) -> Result<String, ServerError> {
    check_password(password)?;
    let hash = hash_password(password, PasswordCost::Default)?;
    store.write(|tx| accounts::set_password_hash(tx, username.trim(), &hash))?;
    Ok(format!("set a new password for `{}`", username.trim()))
}

/// Generates a random password ([`random_password`]) and writes it to the new file `path`,
/// readable and writable only by its owner; returns it.
///
/// # Errors
/// [`ServerError::Io`] when the file exists already or cannot be written.
pub fn generate_password_file(path: &std::path::Path) -> Result<String, ServerError> {
    use std::io::Write;
    let password = random_password()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let cannot = |e: std::io::Error| {
        ServerError::Io(format!(
            "cannot write the password to {} (it must not exist yet): {e}",
            path.display()
        ))
    };
    let mut file = options.open(path).map_err(cannot)?;
    writeln!(file, "{password}").map_err(cannot)?;
    file.sync_all().map_err(cannot)?;
    Ok(password)
}

/// Every device as a table.
///
/// # Errors
/// Store errors.
pub fn list_devices(store: &dyn CaseStore) -> Result<String, ServerError> {
    let devices = store.read(accounts::all_devices)?;
    let mut out = format!(
        "{:<36}  {:<16}  {:<10}  {:<12}  {}\n",
        "DEVICE", "USER", "TENANT", "STATE", "NAME"
    );
    for d in devices {
        let state = if d.revoked_at.is_some() {
            "revoked"
        } else {
            "active"
        };
        out.push_str(&format!(
            "{:<36}  {:<16}  {:<10}  {:<12}  {}\n",
            d.id, d.username, d.tenant, state, d.name
        ));
    }
    Ok(out)
}

/// The e-mail outbox for the operator: counts, and the last mails given up with the reason.
///
/// # Errors
/// Store errors.
pub fn mail_outbox(store: &dyn CaseStore) -> Result<String, ServerError> {
    let (counts, failed) = store.read(|tx| Ok((outbox::counts(tx)?, outbox::failed(tx, 20)?)))?;
    let mut out = format!(
        "{} waiting, {} sent, {} given up\n",
        counts.waiting, counts.sent, counts.failed
    );
    for f in failed {
        out.push_str(&format!(
            "given up: mail {} to {} ({}, tenant {}) after {} attempts: {}\n",
            f.id, f.recipient, f.event_key, f.tenant, f.attempts, f.last_error
        ));
    }
    Ok(out)
}

/// Offers citizen services in `tenant`'s portal: those named, or with none named every
/// citizen service installed.
///
/// # Errors
/// An unknown tenant, a name that is no installed citizen service (the message lists them),
/// store errors.
pub fn enable_services(
    store: &dyn CaseStore,
    tenant: &str,
    services: &[String],
) -> Result<String, ServerError> {
    let tenant = tenant.trim();
    // The bundled services are installed at every start; an operator setting a tenant up
    // before the first start finds them here too (installing is idempotent).
    crate::services::templates::install_shared(store, None)?;
    let (found, rows) = store.read(|tx| {
        Ok((
            tenants::find(tx, tenant)?,
            templates::of_tenant(tx, tenant, Some(schema::Audience::Citizen))?,
        ))
    })?;
    if found.is_none() {
        return Err(ServerError::Invalid(format!(
            "there is no tenant `{tenant}`"
        )));
    }
    let mut available: Vec<String> = rows.into_iter().map(|row| row.id).collect();
    available.dedup();
    let chosen: Vec<String> = if services.is_empty() {
        available.clone()
    } else {
        services.iter().map(|s| s.trim().to_string()).collect()
    };
    if let Some(unknown) = chosen.iter().find(|id| !available.contains(id)) {
        return Err(ServerError::Invalid(format!(
            "`{unknown}` is no citizen service; installed are: {}",
            available.join(", ")
        )));
    }
    store.write(|tx| {
        chosen
            .iter()
            .try_for_each(|id| offered_services::enable(tx, tenant, id))
    })?;
    Ok(format!(
        "tenant `{tenant}` offers: {}",
        store
            .read(|tx| offered_services::enabled(tx, tenant))?
            .join(", ")
    ))
}

/// Sets how `tenant`'s portal looks: the parts given change, the others stay; an empty
/// text clears its part.
///
/// # Errors
/// An unknown tenant; every problem with the look (`services::portal_look`), nothing stored.
pub fn set_portal_look(
    store: &dyn CaseStore,
    tenant: &str,
    changes: &PortalLook,
) -> Result<String, ServerError> {
    let tenant = tenant.trim();
    if store.read(|tx| tenants::find(tx, tenant))?.is_none() {
        return Err(ServerError::Invalid(format!(
            "there is no tenant `{tenant}`"
        )));
    }
    let mut look = store.read(|tx| portal_looks::get(tx, tenant))?;
    let merge = |current: &mut Option<String>, given: &Option<String>| {
        if let Some(given) = given {
            let given = given.trim();
            *current = (!given.is_empty()).then(|| given.to_string());
        }
    };
    merge(&mut look.accent, &changes.accent);
    merge(&mut look.imprint_url, &changes.imprint_url);
    merge(&mut look.privacy_url, &changes.privacy_url);
    merge(&mut look.contact_email, &changes.contact_email);
    merge(&mut look.contact_phone, &changes.contact_phone);
    let problems = crate::services::portal_look::problems(&look);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(ServerError::Invalid(lines.join("\n")));
    }
    store.write(|tx| portal_looks::set(tx, tenant, &look))?;
    let shown = |part: &Option<String>| part.clone().unwrap_or_else(|| "naper's default".into());
    Ok(format!(
        "tenant `{tenant}`'s portal: accent {}, imprint {}, privacy {}, e-mail {}, phone {}",
        shown(&look.accent),
        shown(&look.imprint_url),
        shown(&look.privacy_url),
        shown(&look.contact_email),
        shown(&look.contact_phone)
    ))
}

/// Stops offering `services` in `tenant`'s portal; requests already sent stay, and so do
/// their cases.
///
/// # Errors
/// An unknown tenant, a service it does not offer, store errors.
pub fn disable_services(
    store: &dyn CaseStore,
    tenant: &str,
    services: &[String],
) -> Result<String, ServerError> {
    let tenant = tenant.trim();
    if store.read(|tx| tenants::find(tx, tenant))?.is_none() {
        return Err(ServerError::Invalid(format!(
            "there is no tenant `{tenant}`"
        )));
    }
    let offered = store.read(|tx| offered_services::enabled(tx, tenant))?;
    if let Some(unknown) = services
        .iter()
        .find(|s| !offered.contains(&s.trim().to_string()))
    {
        return Err(ServerError::Invalid(format!(
            "tenant `{tenant}` does not offer `{unknown}`; it offers: {}",
            offered.join(", ")
        )));
    }
    store.write(|tx| {
        services
            .iter()
            .try_for_each(|id| offered_services::disable(tx, tenant, id.trim()))
    })?;
    Ok(format!(
        "tenant `{tenant}` offers: {}",
        store
            .read(|tx| offered_services::enabled(tx, tenant))?
            .join(", ")
    ))
}

/// Sets the letters `tenant`'s request numbers start with (`TGH` in `TGH-2026-000123`); the
/// numbers already handed out keep theirs.
///
/// # Errors
/// A prefix that is not 2 to 6 capital letters or digits, an unknown tenant, store errors.
pub fn set_request_prefix(
    store: &dyn CaseStore,
    tenant: &str,
    prefix: &str,
) -> Result<String, ServerError> {
    let (tenant, prefix) = (tenant.trim(), prefix.trim());
    store.write(|tx| crate::store::citizen_requests::set_prefix(tx, tenant, prefix))?;
    Ok(format!(
        "requests to `{tenant}` are numbered {prefix}-YEAR-NNNNNN from now on"
    ))
}

/// Adds `words` to what `tenant`'s citizens find `service` by (`remove`: takes them away).
///
/// # Errors
/// A service the tenant does not offer, an empty word, store errors.
pub fn service_words(
    store: &dyn CaseStore,
    tenant: &str,
    service: &str,
    words: &[String],
    remove: bool,
) -> Result<String, ServerError> {
    let (tenant, service) = (tenant.trim(), service.trim());
    if !store
        .read(|tx| offered_services::enabled(tx, tenant))?
        .iter()
        .any(|id| id == service)
    {
        return Err(ServerError::Invalid(format!(
            "tenant `{tenant}` does not offer `{service}`; enable it first (enable-services)"
        )));
    }
    let words: Vec<&str> = words.iter().map(|w| w.trim()).collect();
    if words
        .iter()
        .any(|w| w.is_empty() || w.chars().count() > 100)
    {
        return Err(ServerError::Invalid(
            "a search word must have 1 to 100 characters".into(),
        ));
    }
    store.write(|tx| {
        words.iter().try_for_each(|word| {
            if remove {
                offered_services::remove_synonym(tx, tenant, service, word)
            } else {
                offered_services::add_synonym(tx, tenant, service, word)
            }
        })
    })?;
    let now = store.read(|tx| offered_services::synonyms(tx, tenant))?;
    Ok(format!(
        "`{service}` in `{tenant}` is also found by: {}",
        now.get(service).map(|w| w.join(", ")).unwrap_or_default()
    ))
}

/// Sets the host name `tenant`'s portal is reached by (`buergerportal.tegelhausen.de`); an
/// empty one clears it.
///
/// # Errors
/// A name that is no host name, one another tenant has, an unknown tenant, store errors.
pub fn set_portal_host(
    store: &dyn CaseStore,
    tenant: &str,
    host: &str,
) -> Result<String, ServerError> {
    let host = host.trim().to_ascii_lowercase();
    let valid = host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !host.is_empty() && (!valid || host.len() > 253) {
        return Err(ServerError::Invalid(format!(
            "`{host}` is not a host name like buergerportal.tegelhausen.de (no scheme, port or path)"
        )));
    }
    let host = (!host.is_empty()).then_some(host);
    store.write(|tx| tenants::set_portal_host(tx, tenant.trim(), host.as_deref()))?;
    Ok(match host {
        Some(host) => format!(
            "the portal of `{}` is also at http(s)://{host}/",
            tenant.trim()
        ),
        None => format!(
            "the portal of `{}` has no host name of its own",
            tenant.trim()
        ),
    })
}

/// Revokes a device.
///
/// # Errors
/// An unknown device, store errors.
pub fn revoke_device(store: &dyn CaseStore, device_id: &str) -> Result<String, ServerError> {
    store.write(|tx| accounts::revoke_device(tx, device_id.trim()))?;
    Ok(format!(
        "revoked device {}; its token is refused from now on and its sync states are deleted",
        device_id.trim()
    ))
}

/// Recomputes the projection from the documents.
///
/// # Errors
/// Store errors.
pub fn rebuild_projection(store: &dyn CaseStore) -> Result<String, ServerError> {
    let n = store.write(documents::rebuild_projection)?;
    Ok(format!("rebuilt the projection of {n} cases"))
}

/// Compacts every document with change rows.
///
/// # Errors
/// Store errors.
pub fn compact(store: &dyn CaseStore) -> Result<String, ServerError> {
    let n = crate::services::compaction::compact_all(store, 0)?;
    Ok(format!("compacted {n} documents"))
}

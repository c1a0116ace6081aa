//! Citizens' accounts: registering with an e-mail address and a password (argon2id), the
//! address confirmed by a mailed link before the first sign-in, signing in and out, a new
//! password by a mailed link, the profile that fills the services' forms, and deleting the
//! account. Every mail goes through the outbox in the transaction of what causes it.
//!
//! Nobody learns from these answers whether an address has an account: registering an
//! address that has one, and asking for a new password for an address that has none, look
//! the same to whoever asks. The owner of a registered address is told by mail instead.
//!
//! Blocking functions: call them off the async threads.

use std::time::Duration;

use crate::identity::auth::{hash_password, new_token, token_hash, verify_nobody, verify_password};
use crate::kernel::AppError;
use crate::kernel::config::PasswordCost;
use crate::services::mail;
use crate::store::citizen_accounts::{self, AccountRow, OwnRequest, Profile, TokenPurpose};
use crate::store::outbox::NewMail;
use crate::store::{CaseStore, StoreError, millis};

/// How long a session lasts after signing in.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(14 * 24 * 60 * 60);
/// How long the link that confirms an address works.
pub const VERIFY_LINK_LIFETIME: Duration = Duration::from_secs(48 * 60 * 60);
/// How long the link to a new password works.
pub const RESET_LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The most bytes a password may have (the hash reads all of them).
pub const MAX_PASSWORD_BYTES: usize = 256;

/// What the mails of an account say, in the surface's words (the core knows no texts). Each
/// gets the secret of its link; the surface makes the link.
pub trait AccountMails {
    /// Subject and text of the mail with the link that confirms the address.
    fn confirm(&self, secret: &str) -> (String, String);
    /// Subject and text of the mail telling the owner of a confirmed address that somebody
    /// tried to register it again (with the way to a new password).
    fn already_registered(&self) -> (String, String);
    /// Subject and text of the mail with the link to a new password.
    fn reset(&self, secret: &str) -> (String, String);
}

/// What is wrong with what a citizen typed; the surface words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountProblem {
    /// The e-mail address is none.
    #[error("not an e-mail address")]
    NotAnAddress,
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("the password has fewer than {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    /// More than [`MAX_PASSWORD_BYTES`] bytes.
    #[error("the password is longer than {MAX_PASSWORD_BYTES} bytes")]
    PasswordTooLong,
}

/// Whether `password` may be a citizen's password.
///
/// # Errors
/// [`AccountProblem::PasswordTooShort`], [`AccountProblem::PasswordTooLong`].
pub fn check_password(password: &str) -> Result<(), AccountProblem> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountProblem::PasswordTooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountProblem::PasswordTooLong);
    }
    Ok(())
}

/// A registration as the surface received it.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The tenant whose portal it is.
    pub tenant: String,
    /// The e-mail address.
    pub email: String,
    /// The password.
    pub password: String,
    /// The language of the pages (`de`, `en`), which mails are written in.
    pub language: String,
    /// Now, milliseconds since the Unix epoch.
    pub now: i64,
}

/// Queues a mail of the account in `language`, as text and HTML.
fn queue(
    tx: &crate::store::WriteTx<'_>,
    (tenant, language): (&str, &str),
    event_key: String,
    recipient: &str,
    (subject, body_text): (String, String),
) -> Result<(), StoreError> {
    let body_html = Some(mail::html_alternative(&body_text, language));
    mail::queue(
        tx,
        &NewMail {
            tenant: tenant.to_string(),
            event_key,
            recipient: recipient.to_string(),
            subject,
            body_text,
            body_html,
        },
    )?;
    Ok(())
}

/// Registers an account, or — for an address the tenant has an account for — mails its
/// owner: the confirmation link again while it is unconfirmed, else a note that somebody
/// tried. The answer is the same either way.
///
/// # Errors
/// [`AccountProblem`] (`Ok(Err)`) for what the citizen typed; store and randomness failures.
pub fn register(
    store: &dyn CaseStore,
    registration: &Registration,
    cost: PasswordCost,
    mails: &dyn AccountMails,
) -> Result<Result<(), AccountProblem>, AppError> {
    let email = citizen_accounts::normalized_email(&registration.email);
    if !mail::is_address(&email) {
        return Ok(Err(AccountProblem::NotAnAddress));
    }
    if let Err(problem) = check_password(&registration.password) {
        return Ok(Err(problem));
    }
    // Hashed whether or not the address is new: the answer takes the same time.
    let password_hash = hash_password(&registration.password, cost)?;
    let secret = new_token()?;
    let tenant = registration.tenant.as_str();
    let now = registration.now;
    store.write(|tx| {
        let existing = citizen_accounts::by_email(&tx.reading(), tenant, &email)?;
        let account_id = match existing {
            Some(account) if account.verified_at.is_some() => {
                return queue(
                    tx,
                    (tenant, &account.language),
                    format!("account-exists:{}:{now}", account.id),
                    &email,
                    mails.already_registered(),
                );
            }
            Some(account) => {
                // The newest registration's password counts: whoever registered the address
                // before (perhaps not its owner) has no way in.
                citizen_accounts::renew_unconfirmed(tx, &account.id, &password_hash)?;
                account.id
            }
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                citizen_accounts::create(
                    tx,
                    &AccountRow {
                        id: id.clone(),
                        tenant: tenant.to_string(),
                        email: email.clone(),
                        password_hash,
                        verified_at: None,
                        profile: Profile::default(),
                        language: registration.language.clone(),
                        created_at: now,
                    },
                )?;
                id
            }
        };
        let hash = token_hash(&secret);
        citizen_accounts::add_token(
            tx,
            &hash,
            &account_id,
            TokenPurpose::Verify,
            now.saturating_add(millis(VERIFY_LINK_LIFETIME)),
        )?;
        queue(
            tx,
            (tenant, &registration.language),
            format!("account-confirm:{hash}"),
            &email,
            mails.confirm(&secret),
        )
    })?;
    Ok(Ok(()))
}

/// What became of a confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The address is confirmed.
    Done(Box<AccountRow>),
    /// The password is not the account's; the link still works.
    WrongPassword,
    /// The link is unknown, used, expired or another tenant's.
    LinkSpent,
}

/// Whether the confirmation link carrying `secret` works on `tenant`'s portal at `now`.
///
/// # Errors
/// Store failures.
pub fn confirm_link_works(
    store: &dyn CaseStore,
    tenant: &str,
    secret: &str,
    now: i64,
) -> Result<bool, AppError> {
    let hash = token_hash(secret);
    Ok(store
        .read(|tx| citizen_accounts::token_account(tx, &hash, TokenPurpose::Verify, tenant, now))?
        .is_some())
}

/// Confirms the address of the account whose link carries `secret`, when `password` is the
/// account's: the link alone (which a mail scanner may open) confirms nothing, so an
/// account registered by somebody else with another's address stays unconfirmed.
///
/// # Errors
/// Store failures.
pub fn confirm(
    store: &dyn CaseStore,
    tenant: &str,
    secret: &str,
    password: &str,
    now: i64,
) -> Result<Confirmed, AppError> {
    let hash = token_hash(secret);
    let Some(account) = store
        .read(|tx| citizen_accounts::token_account(tx, &hash, TokenPurpose::Verify, tenant, now))?
    else {
        return Ok(Confirmed::LinkSpent);
    };
    if password.len() > MAX_PASSWORD_BYTES || !verify_password(password, &account.password_hash) {
        return Ok(Confirmed::WrongPassword);
    }
    Ok(store.write(|tx| {
        let Some(id) = citizen_accounts::use_token(tx, &hash, TokenPurpose::Verify, tenant, now)?
        else {
            return Ok(Confirmed::LinkSpent);
        };
        citizen_accounts::mark_verified(tx, &id, now)?;
        Ok(match citizen_accounts::by_id(&tx.reading(), &id)? {
            Some(account) => Confirmed::Done(Box::new(account)),
            None => Confirmed::LinkSpent,
        })
    })?)
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    /// No such account, or the wrong password (the two are not told apart).
    WrongCredentials,
    /// The password is right, but the address is not confirmed yet.
    Unconfirmed,
}

/// The tenant's account for `email` if `password` is its password. Takes the time of one
/// password check whether the account exists or not.
///
/// # Errors
/// Store failures.
pub fn check_sign_in(
    store: &dyn CaseStore,
    tenant: &str,
    email: &str,
    password: &str,
) -> Result<Result<AccountRow, SignInRefused>, AppError> {
    if password.len() > MAX_PASSWORD_BYTES {
        // The same time as any other refusal.
        verify_nobody(password);
        return Ok(Err(SignInRefused::WrongCredentials));
    }
    let account = store.read(|tx| citizen_accounts::by_email(tx, tenant, email))?;
    let Some(account) = account else {
        verify_nobody(password);
        return Ok(Err(SignInRefused::WrongCredentials));
    };
    if password.len() > MAX_PASSWORD_BYTES || !verify_password(password, &account.password_hash) {
        return Ok(Err(SignInRefused::WrongCredentials));
    }
    if account.verified_at.is_none() {
        return Ok(Err(SignInRefused::Unconfirmed));
    }
    Ok(Ok(account))
}

/// A new session of `account_id` at `now`: its id (for the cookie; only its hash is stored)
/// and its form token.
///
/// # Errors
/// Store and randomness failures.
pub fn start_session(
    store: &dyn CaseStore,
    account_id: &str,
    now: i64,
) -> Result<(String, String), AppError> {
    let id = new_token()?;
    let csrf = new_token()?;
    store.write(|tx| {
        citizen_accounts::create_session(
            tx,
            &token_hash(&id),
            account_id,
            &csrf,
            now,
            now.saturating_add(millis(SESSION_LIFETIME)),
        )
    })?;
    Ok((id, csrf))
}

/// The account and form token of session `id` on `tenant`'s portal at `now`, if it lives.
///
/// # Errors
/// Store failures.
pub fn session(
    store: &dyn CaseStore,
    tenant: &str,
    id: &str,
    now: i64,
) -> Result<Option<(AccountRow, String)>, AppError> {
    let hash = token_hash(id);
    Ok(store.read(|tx| citizen_accounts::session(tx, &hash, tenant, now))?)
}

/// Ends session `id`.
///
/// # Errors
/// Store failures.
pub fn end_session(store: &dyn CaseStore, id: &str) -> Result<(), AppError> {
    let hash = token_hash(id);
    Ok(store.write(|tx| citizen_accounts::end_session(tx, &hash))?)
}

/// Mails a link to a new password to the tenant's account for `email`, if there is one;
/// the answer is the same when there is none.
///
/// # Errors
/// Store and randomness failures.
pub fn request_reset(
    store: &dyn CaseStore,
    tenant: &str,
    email: &str,
    now: i64,
    mails: &dyn AccountMails,
) -> Result<(), AppError> {
    let secret = new_token()?;
    let hash = token_hash(&secret);
    store.write(|tx| {
        let Some(account) = citizen_accounts::by_email(&tx.reading(), tenant, email)? else {
            return Ok(());
        };
        citizen_accounts::add_token(
            tx,
            &hash,
            &account.id,
            TokenPurpose::Reset,
            now.saturating_add(millis(RESET_LINK_LIFETIME)),
        )?;
        queue(
            tx,
            (tenant, &account.language),
            format!("account-reset:{hash}"),
            &account.email,
            mails.reset(&secret),
        )
    })?;
    Ok(())
}

/// Whether the link to a new password carrying `secret` works on `tenant`'s portal at `now`.
///
/// # Errors
/// Store failures.
pub fn reset_link_works(
    store: &dyn CaseStore,
    tenant: &str,
    secret: &str,
    now: i64,
) -> Result<bool, AppError> {
    let hash = token_hash(secret);
    Ok(store
        .read(|tx| citizen_accounts::token_account(tx, &hash, TokenPurpose::Reset, tenant, now))?
        .is_some())
}

/// What became of a new password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reset {
    /// Set; every session of the account ended. The account's address counts as confirmed:
    /// its owner read the mail.
    Done(Box<AccountRow>),
    /// The link is unknown, used or expired.
    LinkSpent,
    /// The password is not acceptable; the link still works.
    Refused(AccountProblem),
}

/// Sets `password` for the account whose reset link carries `secret`.
///
/// # Errors
/// Store, randomness and hashing failures.
pub fn reset_password(
    store: &dyn CaseStore,
    tenant: &str,
    secret: &str,
    password: &str,
    cost: PasswordCost,
    now: i64,
) -> Result<Reset, AppError> {
    if let Err(problem) = check_password(password) {
        return Ok(Reset::Refused(problem));
    }
    let password_hash = hash_password(password, cost)?;
    let hash = token_hash(secret);
    Ok(store.write(|tx| {
        let Some(id) = citizen_accounts::use_token(tx, &hash, TokenPurpose::Reset, tenant, now)?
        else {
            return Ok(Reset::LinkSpent);
        };
        citizen_accounts::set_password(tx, &id, &password_hash)?;
        citizen_accounts::mark_verified(tx, &id, now)?;
        Ok(match citizen_accounts::by_id(&tx.reading(), &id)? {
            Some(account) => Reset::Done(Box::new(account)),
            None => Reset::LinkSpent,
        })
    })?)
}

/// Replaces the profile of `account_id`.
///
/// # Errors
/// Store failures.
pub fn save_profile(
    store: &dyn CaseStore,
    account_id: &str,
    profile: &Profile,
    language: &str,
) -> Result<(), AppError> {
    Ok(store.write(|tx| citizen_accounts::set_profile(tx, account_id, profile, language))?)
}

/// Deletes the account `account_id` after checking `password`; `false` for a wrong one.
/// Its requests stay with the office, no longer linked to it.
///
/// # Errors
/// Store failures.
pub fn delete_account(
    store: &dyn CaseStore,
    account: &AccountRow,
    password: &str,
) -> Result<bool, AppError> {
    if password.len() > MAX_PASSWORD_BYTES || !verify_password(password, &account.password_hash) {
        return Ok(false);
    }
    Ok(store.write(|tx| citizen_accounts::delete(tx, &account.id))?)
}

/// The requests sent from `account_id`, newest first.
///
/// # Errors
/// Store failures.
pub fn timeline(
    store: &dyn CaseStore,
    account_id: &str,
    limit: usize,
) -> Result<Vec<OwnRequest>, AppError> {
    Ok(store.read(|tx| citizen_accounts::requests(tx, account_id, limit))?)
}

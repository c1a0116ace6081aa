//! Authentication: argon2id password hashes for enrollment and random device tokens stored
//! only as their SHA-256 (the sync API's `Device` extractor looks the hash up on every
//! request, so a revocation by the admin CLI in another process takes effect at once).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

use crate::kernel::AppError;
use crate::kernel::config::PasswordCost;

/// Something about passwords or randomness failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The system's random number generator failed.
    #[error("the system's random number generator failed: {0}")]
    Random(String),
    /// Hashing failed (bad parameters).
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

fn argon2(cost: PasswordCost) -> Result<Argon2<'static>, AuthError> {
    let params = match cost {
        PasswordCost::Default => Params::default(),
        PasswordCost::InsecureFast => {
            Params::new(256, 1, 1, None).map_err(|e| AuthError::Hash(e.to_string()))?
        }
    };
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(bytes)
}

/// The argon2id PHC string of `password` with a random salt.
///
/// # Errors
/// [`AuthError`] when randomness or hashing fails.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    argon2(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (with the parameters stored in it).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the time of one verification for a user name that does not exist, so the answer
/// time does not tell whether a user exists.
pub fn verify_nobody(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(hash) =
        DUMMY.get_or_init(|| hash_password("naper-nobody", PasswordCost::Default).ok())
    {
        let _ = verify_password(password, hash);
    }
}

/// How many password checks run at once. An argon2id check takes about 19 MiB and tens of
/// milliseconds of one core; unbounded, a flood of sign-ins would hold hundreds of them on the
/// blocking pool at once and exhaust memory. Sign-ins beyond the slots wait their turn.
#[derive(Debug)]
pub struct PasswordChecks {
    slots: tokio::sync::Semaphore,
}

impl PasswordChecks {
    /// `slots` checks at once.
    pub fn new(slots: usize) -> Self {
        Self {
            slots: tokio::sync::Semaphore::new(slots.max(1)),
        }
    }

    /// Waits for a slot; the check runs while the permit is held.
    pub async fn slot(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.slots.acquire().await.ok()
    }

    /// A slot if one is free now.
    pub fn try_slot(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.slots.try_acquire().ok()
    }
}

/// The process's password checks: one slot per core, shared by enrollment and the back
/// office's sign-in.
pub fn password_checks() -> &'static PasswordChecks {
    static CHECKS: OnceLock<PasswordChecks> = OnceLock::new();
    CHECKS.get_or_init(|| {
        PasswordChecks::new(std::thread::available_parallelism().map_or(2, usize::from))
    })
}

/// A new device token: 256 random bits, hex.
///
/// # Errors
/// [`AuthError::Random`].
pub fn new_token() -> Result<String, AuthError> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// The SHA-256 (hex) of a token: what the database stores.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A random password of 16 letters and digits (about 95 bits), for demo users and the
/// admin commands' `--generate-password`.
///
/// # Errors
/// [`AuthError::Random`].
pub fn random_password() -> Result<String, AuthError> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut out = String::with_capacity(16);
    while out.len() < 16 {
        for byte in random_bytes::<32>()? {
            // Rejection sampling keeps every character equally likely.
            let limit = 256 - 256 % ALPHABET.len();
            if usize::from(byte) < limit && out.len() < 16 {
                out.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        AppError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let hash = hash_password("geheim123", PasswordCost::InsecureFast).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("geheim123", &hash));
        assert!(!verify_password("geheim124", &hash));
        assert!(!verify_password("geheim123", "not a hash"));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        let password = random_password().unwrap();
        assert_eq!(password.len(), 16);
        assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    #[test]
    fn password_checks_beyond_the_slots_wait() {
        let checks = PasswordChecks::new(2);
        let first = checks.try_slot();
        let second = checks.try_slot();
        assert!(first.is_some() && second.is_some());
        assert!(checks.try_slot().is_none(), "a third check waits");
        drop(first);
        assert!(checks.try_slot().is_some());
    }
}

//! Who the tablet belongs to and how it reaches its server.

use rusqlite::{OptionalExtension, params};
use schema::{ChangeAuthor, Role};
use serde::{Deserialize, Serialize};

use super::LocalStore;
use crate::error::{FieldAppError, Result};

/// The tablet's enrollment, as returned by the server once and kept locally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// Base URL of the sync server, without a trailing `/`.
    pub server_url: String,
    /// The device id the server assigned.
    pub device_id: String,
    /// The bearer token (shown once by the server; kept only here).
    pub token: String,
    /// The officer's user name.
    pub username: String,
    /// The officer's full name, for prefilling forms.
    pub display_name: String,
    /// The officer's tenant.
    pub tenant: String,
    /// The officer's role as the server spells it (`officer`, …).
    pub role: String,
    /// When the tablet was enrolled, ms since the epoch.
    pub enrolled_at_ms: i64,
}

impl Enrollment {
    /// The peer key of sync states: server and device. A new enrollment (new device id) starts
    /// with fresh sync states, so every case is offered to the server again once.
    pub fn peer(&self) -> String {
        format!("{} {}", self.server_url, self.device_id)
    }

    /// The author of changes made on this tablet.
    pub fn author(&self) -> ChangeAuthor {
        ChangeAuthor {
            user: self.username.clone(),
            device: Some(self.device_id.clone()),
        }
    }

    /// The officer's role.
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] for a role this build does not know.
    pub fn role(&self) -> Result<Role> {
        self.role.parse().map_err(|_| {
            FieldAppError::Invalid(format!(
                "the server gave this tablet the role `{}`, which this app does not know; update the app",
                self.role
            ))
        })
    }
}

impl LocalStore {
    /// The enrollment, if the tablet is enrolled.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn enrollment(&self) -> Result<Option<Enrollment>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT server_url, device_id, token, username, display_name, tenant, role,
                        enrolled_at_ms FROM enrollment WHERE id = 1",
                [],
                |r| {
                    Ok(Enrollment {
                        server_url: r.get(0)?,
                        device_id: r.get(1)?,
                        token: r.get(2)?,
                        username: r.get(3)?,
                        display_name: r.get(4)?,
                        tenant: r.get(5)?,
                        role: r.get(6)?,
                        enrolled_at_ms: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }

    /// The enrollment, or [`FieldAppError::NotEnrolled`].
    ///
    /// # Errors
    /// [`FieldAppError::NotEnrolled`], [`FieldAppError::Store`].
    pub fn require_enrollment(&self) -> Result<Enrollment> {
        self.enrollment()?.ok_or(FieldAppError::NotEnrolled)
    }

    /// Stores (or replaces) the enrollment. Cases, photos and the outbox are kept: an officer
    /// who enrolls again after a revocation loses nothing.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn save_enrollment(&mut self, e: &Enrollment) -> Result<()> {
        self.conn().execute(
            "INSERT INTO enrollment (id, server_url, device_id, token, username, display_name,
                                     tenant, role, enrolled_at_ms)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url,
                 device_id = excluded.device_id, token = excluded.token,
                 username = excluded.username, display_name = excluded.display_name,
                 tenant = excluded.tenant, role = excluded.role,
                 enrolled_at_ms = excluded.enrolled_at_ms",
            params![
                e.server_url,
                e.device_id,
                e.token,
                e.username,
                e.display_name,
                e.tenant,
                e.role,
                e.enrolled_at_ms
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    pub(crate) fn sample() -> Enrollment {
        Enrollment {
            server_url: "http://127.0.0.1:1".into(),
            device_id: "dev-1".into(),
            token: "secret".into(),
            username: "a.abel".into(),
            display_name: "Anna Abel".into(),
            tenant: "stadt".into(),
            role: "officer".into(),
            enrolled_at_ms: 1,
        }
    }

    #[test]
    fn enrollment_round_trips_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        assert!(store.enrollment().unwrap().is_none());
        assert!(matches!(
            store.require_enrollment(),
            Err(FieldAppError::NotEnrolled)
        ));
        let mut e = sample();
        store.save_enrollment(&e).unwrap();
        assert_eq!(store.enrollment().unwrap(), Some(e.clone()));
        e.device_id = "dev-2".into();
        store.save_enrollment(&e).unwrap();
        assert_eq!(store.require_enrollment().unwrap().device_id, "dev-2");
        assert_eq!(e.role().unwrap(), Role::Officer);
    }
}

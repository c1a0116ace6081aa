//! The administration's SQL: devices with their last sync (the writes to accounts are
//! `store::accounts`, the audit log `store::audit`).

use rusqlite::Connection;

use super::{DEVICE_SELECT, device_from, finish_device};
use crate::store::{DeviceActivity, StoreResult};

pub(super) fn tenant_devices(conn: &Connection, tenant: &str) -> StoreResult<Vec<DeviceActivity>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.*, coalesce(s.last_sync, (SELECT x.last_sync_at FROM devices x
                                            WHERE x.id = d.id))
         FROM ({DEVICE_SELECT} WHERE u.tenant = ?1) d
         LEFT JOIN (SELECT device_id, max(updated_at) AS last_sync FROM sync_states
                    GROUP BY device_id) s ON s.device_id = d.id
         ORDER BY d.username, d.created_at DESC, d.id DESC"
    ))?;
    let rows = stmt
        .query_map([tenant], |r| {
            Ok((device_from(r)?, r.get::<_, Option<i64>>(7)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(device, last_sync_ms)| {
            Ok(DeviceActivity {
                device: finish_device(device)?,
                last_sync_ms,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use schema::CaseId;

    use super::super::SqliteStore;
    use crate::store::{CaseStore, StateWrite};

    #[test]
    fn revoking_a_device_deletes_its_sync_states_but_keeps_its_last_sync() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        store.create_tenant("a", "A").unwrap();
        store
            .create_user(&super::super::test_officer("a", "u"))
            .unwrap();
        let revoked = store.create_device("u", "Tablet 1", "h1").unwrap();
        let kept = store.create_device("u", "Tablet 2", "h2").unwrap();
        let id = CaseId::new();
        let state = |id| StateWrite {
            id,
            state: vec![1, 2, 3],
            known_heads: Some("heads".into()),
        };
        assert_eq!(
            store.commit_sync(&revoked.id, &[], &[state(id)]).unwrap(),
            1
        );
        assert_eq!(store.commit_sync(&kept.id, &[], &[state(id)]).unwrap(), 1);
        assert_eq!(
            store.commit_sync(&kept.id, &[], &[]).unwrap(),
            2,
            "each device counts its own committed rounds"
        );

        store.revoke_device(&revoked.id).unwrap();
        let replicas = store.load_replicas(&revoked.id, &[id]).unwrap();
        assert!(replicas.get(&id).is_none_or(|r| r.state.is_none()));
        let replicas = store.load_replicas(&kept.id, &[id]).unwrap();
        assert!(replicas[&id].state.is_some(), "other devices keep theirs");
        let devices = store.tenant_devices("a").unwrap();
        assert!(
            devices.iter().all(|d| d.last_sync_ms.is_some()),
            "{devices:?}"
        );

        // Revoking again changes nothing and is no error.
        store.revoke_device(&revoked.id).unwrap();
        let devices = store.tenant_devices("a").unwrap();
        assert!(devices.iter().all(|d| d.last_sync_ms.is_some()));
    }
}

#[cfg(test)]
mod credential_tests {
    #![allow(clippy::unwrap_used)]

    use schema::Role;

    use super::super::SqliteStore;
    use crate::store::CaseStore;

    fn revoked(store: &SqliteStore, id: &str) -> bool {
        store
            .list_devices()
            .unwrap()
            .iter()
            .any(|d| d.id == id && d.revoked_at.is_some())
    }

    #[test]
    fn a_new_password_or_another_role_revokes_the_users_devices() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        store.create_tenant("a", "A").unwrap();
        for user in ["u", "v"] {
            store
                .create_user(&super::super::test_officer("a", user))
                .unwrap();
        }
        let first = store.create_device("u", "Tablet 1", "h1").unwrap();
        let colleague = store.create_device("v", "Tablet 2", "h2").unwrap();
        let seen = |id: &str| {
            store
                .list_devices()
                .unwrap()
                .into_iter()
                .find(|d| d.id == id)
                .unwrap()
                .last_seen_at
        };
        assert_eq!(seen(&first.id), None);
        store.commit_sync(&first.id, &[], &[]).unwrap();
        assert!(seen(&first.id).is_some(), "a sync counts as use");

        // The same role again changes nothing.
        store.set_role("u", Role::Officer).unwrap();
        assert!(!revoked(&store, &first.id));

        store.set_password_hash("u", "new-hash").unwrap();
        assert!(revoked(&store, &first.id), "a reset password revokes");
        assert!(!revoked(&store, &colleague.id), "only the user's devices");

        let second = store.create_device("u", "Tablet 3", "h3").unwrap();
        store.set_role("u", Role::CaseWorker).unwrap();
        assert!(revoked(&store, &second.id), "a new role revokes");
        assert!(!revoked(&store, &colleague.id));
    }
}

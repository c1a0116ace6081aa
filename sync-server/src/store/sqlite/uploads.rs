//! The SQL of photo uploads beyond single rows: what a device may be told about a stored
//! blob, recording which tenant uploaded it, and finding and forgetting abandoned uploads.

use rusqlite::{Connection, Transaction, params};

use super::{blob_row, to_i64, visibility_params, visible};
use crate::store::Visibility;
use crate::store::{BlobFacts, BlobRow, StoreResult, now_ms};

pub(super) fn blob_facts(
    conn: &Connection,
    visibility: &Visibility,
    sha256: &str,
) -> StoreResult<BlobFacts> {
    let (tenant, officer) = visibility_params(visibility);
    let visible = visible(visibility);
    // One read transaction, so the three answers describe the same moment.
    let tx = conn.unchecked_transaction()?;
    let blob = blob_row(&tx, sha256)?;
    let (tenant_uploaded, referenced) = if blob.is_some() {
        let uploaded: bool = tx
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM blob_tenants WHERE sha256 = ?1 AND tenant = ?2)",
            )?
            .query_row(params![sha256, tenant], |r| r.get(0))?;
        let referenced: bool = tx
            .prepare_cached(&format!(
                "SELECT EXISTS(SELECT 1 FROM case_photos p JOIN cases c ON c.id = p.case_id
                 WHERE p.sha256 = ?3 AND {visible})"
            ))?
            .query_row(params![tenant, officer, sha256], |r| r.get(0))?;
        (uploaded, referenced)
    } else {
        (false, false)
    };
    tx.commit()?;
    Ok(BlobFacts {
        blob,
        tenant_uploaded,
        referenced,
    })
}

pub(super) fn record_upload(
    tx: &Transaction<'_>,
    key: &str,
    blob: &BlobRow,
    tenant: &str,
) -> StoreResult<()> {
    let size = to_i64(blob.size)?;
    // A blob stored before (by another tenant) keeps its row; only the tenant is added.
    tx.prepare_cached(
        "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![blob.sha256, size, blob.mime, now_ms()])?;
    tx.prepare_cached("INSERT OR IGNORE INTO blob_tenants (sha256, tenant) VALUES (?1, ?2)")?
        .execute(params![blob.sha256, tenant])?;
    // The user whose device began the upload sent the bytes the hash was checked on.
    tx.prepare_cached(
        "INSERT OR IGNORE INTO blob_uploaders (sha256, username)
         SELECT ?1, d.username FROM uploads u JOIN devices d ON d.id = u.device_id
         WHERE u.upload_key = ?2",
    )?
    .execute(params![blob.sha256, key])?;
    Ok(())
}

/// Whether `username` uploaded the bytes of `sha256` (`blob_uploaders`).
pub(super) fn uploaded_by(conn: &Connection, sha256: &str, username: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM blob_uploaders WHERE sha256 = ?1 AND username = ?2)",
        )?
        .query_row(params![sha256, username], |r| r.get(0))?)
}

pub(super) fn idle_uploads(conn: &Connection, before_ms: i64) -> StoreResult<Vec<String>> {
    Ok(conn
        .prepare_cached("SELECT upload_key FROM uploads WHERE updated_at < ?1 ORDER BY upload_key")?
        .query_map([before_ms], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

pub(super) fn forget_idle_upload(
    tx: &Transaction<'_>,
    key: &str,
    before_ms: i64,
) -> StoreResult<bool> {
    let deleted = tx
        .prepare_cached("DELETE FROM uploads WHERE upload_key = ?1 AND updated_at < ?2")?
        .execute(params![key, before_ms])?;
    if deleted > 0 {
        return Ok(true);
    }
    // Not deleted: either there is no row (a `.part` file left alone), or it was touched
    // since, and then the upload is alive.
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM uploads WHERE upload_key = ?1)")?
        .query_row([key], |r| r.get(0))?;
    Ok(!exists)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::SqliteStore;
    use crate::access::Visibility;
    use crate::store::{BlobRow, CaseStore};

    fn blob(sha: &str) -> BlobRow {
        BlobRow {
            sha256: sha.into(),
            size: 3,
            mime: "image/jpeg".into(),
        }
    }

    #[test]
    fn a_blob_is_known_to_the_tenants_that_uploaded_it_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        for tenant in ["a", "b"] {
            store.create_tenant(tenant, tenant).unwrap();
        }
        store
            .create_user(&super::super::test_officer("a", "u"))
            .unwrap();
        let a = Visibility::Tenant { tenant: "a".into() };
        let b = Visibility::Tenant { tenant: "b".into() };
        let sha = "ab".repeat(32);

        let facts = store.blob_facts(&a, &sha).unwrap();
        assert!(facts.blob.is_none() && !facts.tenant_uploaded && !facts.referenced);

        store.record_upload("k", &blob(&sha), "a").unwrap();
        let facts = store.blob_facts(&a, &sha).unwrap();
        assert_eq!(facts.blob, Some(blob(&sha)));
        assert!(facts.tenant_uploaded && !facts.referenced);
        let facts = store.blob_facts(&b, &sha).unwrap();
        assert!(facts.blob.is_some() && !facts.tenant_uploaded && !facts.referenced);

        // Tenant b uploads the same bytes: the blob row stays as it was, b now knows it.
        let mut again = blob(&sha);
        again.size = 99;
        store.record_upload("k", &again, "b").unwrap();
        let facts = store.blob_facts(&b, &sha).unwrap();
        assert_eq!(facts.blob, Some(blob(&sha)));
        assert!(facts.tenant_uploaded);
    }

    /// A database of version 5 records for its stored blobs the tenants whose cases reference
    /// them, so their devices keep being told those photos are here.
    #[test]
    fn upgrading_from_version_5_credits_referenced_blobs_to_the_cases_tenants() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        store.create_tenant("a", "A").unwrap();
        let template = schema::Template::from_json(
            r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
            "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
            {"key":"n","type":"integer","label":{"de":"N","en":"N"}}]}]}"#,
        )
        .unwrap();
        let (referenced, unreferenced) = ("ab".repeat(32), "cd".repeat(32));
        let mut case = schema::InspectionCase::new_draft(&template, "a", "u", 0);
        case.photos.push(schema::Photo {
            id: schema::PhotoId::new(),
            field: "photos".into(),
            sha256: referenced.clone(),
            byte_size: 3,
            width: 1,
            height: 1,
            mime_type: "image/jpeg".into(),
            captured_at_ms: None,
            gps: None,
            caption: String::new(),
            added: schema::Stamp {
                by: "u".into(),
                at_ms: 0,
            },
            annotations: vec![],
        });
        let author = schema::ChangeAuthor {
            user: "u".into(),
            device: None,
        };
        let mut doc = schema::CaseDocument::create(&case, &author).unwrap();
        store.insert_case(&doc.save()).unwrap();
        store.insert_blob(&blob(&referenced)).unwrap();
        store.insert_blob(&blob(&unreferenced)).unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE blob_tenants; ALTER TABLE devices DROP COLUMN last_sync_at;
             ALTER TABLE devices DROP COLUMN sync_rounds; ALTER TABLE devices DROP COLUMN last_seen_at;
             DROP TABLE change_receipts; DROP TABLE role_grants; DROP TABLE internal_comments;
             DROP TABLE blob_uploaders;
             PRAGMA user_version = 5;",
        )
        .unwrap();
        drop(conn);

        let store = SqliteStore::open(&path).unwrap();
        let stranger = Visibility::Officer {
            tenant: "a".into(),
            username: "v".into(),
        };
        assert!(
            store
                .blob_facts(&stranger, &referenced)
                .unwrap()
                .tenant_uploaded
        );
        assert!(
            !store
                .blob_facts(&stranger, &unreferenced)
                .unwrap()
                .tenant_uploaded
        );
    }

    #[test]
    fn only_uploads_untouched_since_the_cutoff_are_idle_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        let (old, young) = ("aa".repeat(32), "bb".repeat(32));
        store.put_upload(&old, 10, "d").unwrap();
        let cutoff = crate::store::now_ms() + 1;
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.put_upload(&young, 10, "d").unwrap();

        assert_eq!(store.idle_uploads(cutoff).unwrap(), vec![old.clone()]);
        assert!(!store.forget_idle_upload(&young, cutoff).unwrap(), "alive");
        assert!(store.forget_idle_upload(&old, cutoff).unwrap());
        assert_eq!(store.upload_size(&old).unwrap(), None);
        assert_eq!(store.upload_size(&young).unwrap(), Some(10));
        assert!(
            store.forget_idle_upload(&old, cutoff).unwrap(),
            "no row left: nothing keeps it"
        );
    }
}

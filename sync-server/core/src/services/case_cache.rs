//! Hydrated cases kept by the heads they were read at, for surfaces that read one case many
//! times between its changes: a back-office case page asks for each of its photos' renderings
//! separately, and each request needs the photo's drawings — ten loads and hydrations of the
//! same document for one page, without this cache.
//!
//! An entry is used only when the projection, read in the same snapshot, records the heads the
//! entry was read at (the projection is written in the transaction of every document write),
//! so an entry can be outdated, and then it is not used, but it is never wrong — as the sync
//! round's document cache ([`super::doc_cache`]).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;
use schema::{CaseDocument, CaseId, InspectionCase};

use crate::store::{CaseStore, StoreError, StoreResult, cases, documents};

/// How many hydrated cases stay: the cases a few dozen staff have open at once.
pub const DEFAULT_CAPACITY: usize = 128;

/// Hydrated cases by id, each with the heads ([`sync_protocol::heads_key`] form) it was read
/// at.
#[derive(Debug)]
pub struct CaseCache {
    cases: Mutex<LruCache<CaseId, (String, Arc<InspectionCase>)>>,
}

/// What one read of the store found for a case.
enum Read {
    NoCase,
    Cached(Arc<InspectionCase>),
    Document { heads: String, bytes: Vec<u8> },
}

impl Default for CaseCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl CaseCache {
    /// A cache holding at most `capacity` cases (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            cases: Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// Case `id` as its document stands now, `None` when there is no such case. Blocking.
    ///
    /// # Errors
    /// Database errors; [`StoreError::Invalid`] for a document that does not load.
    pub fn case(
        &self,
        store: &dyn CaseStore,
        id: CaseId,
    ) -> StoreResult<Option<Arc<InspectionCase>>> {
        // The heads and the bytes from one snapshot, so the bytes are the document at the
        // heads they are cached under.
        let read = store.read(|tx| {
            let Some(heads) = cases::heads(tx, id)? else {
                return Ok(Read::NoCase);
            };
            if let Some(case) = self.cached(id, &heads) {
                return Ok(Read::Cached(case));
            }
            Ok(match documents::document(tx, id)? {
                Some(bytes) => Read::Document { heads, bytes },
                None => Read::NoCase,
            })
        })?;
        let (heads, bytes) = match read {
            Read::NoCase => return Ok(None),
            Read::Cached(case) => return Ok(Some(case)),
            Read::Document { heads, bytes } => (heads, bytes),
        };
        let case = CaseDocument::load(&bytes)
            .and_then(|doc| doc.hydrate())
            .map_err(|e| StoreError::Invalid(format!("case {id} does not load: {e}")))?;
        let case = Arc::new(case);
        if let Ok(mut cases) = self.cases.lock() {
            cases.put(id, (heads, case.clone()));
        }
        Ok(Some(case))
    }

    fn cached(&self, id: CaseId, heads: &str) -> Option<Arc<InspectionCase>> {
        // A poisoned lock only means a thread panicked while holding it; not using the cache
        // is as correct.
        let mut cases = self.cases.lock().ok()?;
        match cases.get(&id) {
            Some((at, case)) if at == heads => Some(case.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use schema::{ChangeAuthor, Template};

    use super::*;
    use crate::store::{SqliteStore, tenants};

    fn template() -> Template {
        Template::from_json(include_str!(
            "../../../../assets/templates/dog-control.json"
        ))
        .unwrap()
    }

    #[test]
    fn a_cached_case_is_used_only_while_the_document_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
        let store: &dyn CaseStore = &store;
        store.write(|tx| tenants::create(tx, "t", "T")).unwrap();
        let mut case = InspectionCase::new_draft(&template(), "t", "o1", 1);
        case.title = "erst".into();
        let author = ChangeAuthor {
            user: "o1".into(),
            device: None,
        };
        let bytes = CaseDocument::create(&case, &author).unwrap().save();
        store.write(|tx| documents::insert(tx, &bytes)).unwrap();

        let cache = CaseCache::new(4);
        let first = cache.case(store, case.id).unwrap().unwrap();
        assert_eq!(first.title, "erst");
        let again = cache.case(store, case.id).unwrap().unwrap();
        assert!(Arc::ptr_eq(&first, &again), "unchanged: the cached case");

        let admin = schema::write_rules::Writer {
            username: "admin".into(),
            role: schema::Role::Admin,
        };
        store
            .write(|tx| {
                cases::edit(tx, case.id, &author, &admin, &mut |c| {
                    c.title = "dann".into();
                    Ok(())
                })
            })
            .unwrap();
        let changed = cache.case(store, case.id).unwrap().unwrap();
        assert_eq!(changed.title, "dann", "a changed document is read anew");
        assert!(cache.case(store, CaseId::new()).unwrap().is_none());
    }
}

//! Recently synced case documents, kept loaded between sync rounds.
//!
//! A tablet's sync run takes several rounds and each needs the document loaded; loading a
//! case with `AutoCommit::load` costs more than the rest of a small round. The cache maps a
//! document to its loaded form at exactly the heads it had when cached. A round takes an
//! entry only when those heads are the heads the store has for the document (the projection
//! records them in the same transaction as every write), so a document that another round or
//! the back office changed meanwhile is loaded from the store: an entry can be outdated, and
//! then it is not used, but it is never wrong.
//!
//! With a document the cache keeps its hydrated case when the round read one at the same
//! heads, so the next round that merges into the document brings that case up to date from
//! the merge's patches ([`schema::rehydrate_case`]) instead of hydrating it whole.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use automerge::AutoCommit;
use lru::LruCache;
use schema::{CaseId, InspectionCase};

/// How many documents stay loaded. A typical case takes a few hundred KiB loaded; this bounds
/// the cache to well under 100 MiB and covers the documents of a few hundred tablets syncing
/// at the same time.
pub const DEFAULT_CAPACITY: usize = 256;

/// Loaded documents by id, each with the heads ([`sync_protocol::heads_key`] form) it is at
/// and, if known, its case hydrated at those heads.
#[derive(Debug)]
pub struct DocCache {
    docs: Mutex<LruCache<CaseId, Cached>>,
}

#[derive(Debug)]
struct Cached {
    heads: String,
    doc: AutoCommit,
    case: Option<InspectionCase>,
}

impl Default for DocCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl DocCache {
    /// A cache holding at most `capacity` documents (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            docs: Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// A copy of document `id`, with its case if known, if it is cached at exactly `heads`.
    pub fn get(&self, id: CaseId, heads: &str) -> Option<(AutoCommit, Option<InspectionCase>)> {
        // A poisoned lock only means a round panicked while holding it; the map itself is
        // consistent after every call, but not using it is as correct and simpler.
        let mut docs = self.docs.lock().ok()?;
        match docs.get(&id) {
            Some(cached) if cached.heads == heads => {
                Some((cached.doc.clone(), cached.case.clone()))
            }
            _ => None,
        }
    }

    /// Remembers `doc`, which is at `heads`, and `case`, which must be read from `doc` at
    /// those heads.
    pub fn put(&self, id: CaseId, heads: String, doc: AutoCommit, case: Option<InspectionCase>) {
        if let Ok(mut docs) = self.docs.lock() {
            docs.put(id, Cached { heads, doc, case });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use automerge::transaction::Transactable;
    use sync_protocol::heads_key;

    use super::*;

    #[test]
    fn an_entry_is_used_only_at_its_heads_and_the_oldest_goes_first() {
        let cache = DocCache::new(2);
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "n", 1).unwrap();
        let at_one = heads_key(&doc.get_heads());
        let (a, b, c) = (CaseId::new(), CaseId::new(), CaseId::new());
        cache.put(a, at_one.clone(), doc.clone(), None);
        let (mut copy, _) = cache.get(a, &at_one).unwrap();
        assert_eq!(heads_key(&copy.get_heads()), at_one);
        doc.put(automerge::ROOT, "n", 2).unwrap();
        let at_two = heads_key(&doc.get_heads());
        assert!(cache.get(a, &at_two).is_none(), "the store moved on");
        assert!(cache.get(b, &at_one).is_none(), "another document");

        cache.put(b, at_one.clone(), AutoCommit::new(), None);
        cache.put(c, at_one.clone(), AutoCommit::new(), None);
        assert!(
            cache.get(a, &at_one).is_none(),
            "evicted as the least recently used"
        );
        assert!(cache.get(c, &at_one).is_some());
    }
}

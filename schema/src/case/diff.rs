//! Writing only what changed between two versions of a case.
//!
//! A full reconcile walks the whole case and visits every stored value, which for a case with
//! a hundred annotations costs milliseconds — too much for an autosave on every keystroke on
//! a tablet. When the document is known to hold exactly `prev` (the document keeps that case
//! together with the heads it belongs to), writing `next` only needs the parts that differ:
//! changed top-level values, changed answers, and changed, added or removed photos and
//! comments. The result is the same document state a full reconcile would produce.

use std::collections::{BTreeMap, HashMap};

use autosurgeon::reconcile::{MapReconciler, NoKey};
use autosurgeon::{Reconcile, Reconciler};

use super::keyed::Keyed;
use super::{Comment, InspectionCase, Photo};
use crate::value::FieldValue;

/// The change from `prev` to `next`, reconciled at the document root.
pub(crate) struct CaseChange<'a> {
    pub prev: &'a InspectionCase,
    pub next: &'a InspectionCase,
}

impl Reconcile for CaseChange<'_> {
    type Key<'k> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let prev = self.prev;
        // Destructured exhaustively: a new field of `InspectionCase` fails to compile here
        // until it is written below.
        let InspectionCase {
            schema_version,
            id,
            tenant,
            template,
            status,
            title,
            created,
            updated,
            assigned_officer,
            location,
            address,
            fields,
            photos,
            comments,
            service_request,
            request,
        } = self.next;
        let mut root = reconciler.map()?;
        macro_rules! changed {
            ($($name:ident),*) => {$(
                if prev.$name != *$name {
                    root.put(stringify!($name), $name)?;
                }
            )*};
        }
        changed!(
            schema_version,
            id,
            tenant,
            template,
            status,
            title,
            created,
            updated,
            assigned_officer,
            location,
            address,
            service_request,
            request
        );
        if prev.fields != *fields {
            root.put(
                "fields",
                AnswersChange {
                    prev: &prev.fields,
                    next: fields,
                },
            )?;
        }
        if prev.photos != *photos {
            root.put(
                "photos",
                KeyedChange::<Photo> {
                    prev: &prev.photos,
                    next: photos,
                },
            )?;
        }
        if prev.comments != *comments {
            root.put(
                "comments",
                KeyedChange::<Comment> {
                    prev: &prev.comments,
                    next: comments,
                },
            )?;
        }
        Ok(())
    }
}

struct AnswersChange<'a> {
    prev: &'a BTreeMap<String, FieldValue>,
    next: &'a BTreeMap<String, FieldValue>,
}

impl Reconcile for AnswersChange<'_> {
    type Key<'k> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut map = reconciler.map()?;
        for key in self.prev.keys().filter(|k| !self.next.contains_key(*k)) {
            map.delete(key)?;
        }
        for (key, value) in self.next {
            if self.prev.get(key) != Some(value) {
                map.put(key, value)?;
            }
        }
        Ok(())
    }
}

struct KeyedChange<'a, T> {
    prev: &'a [T],
    next: &'a [T],
}

impl<T: Keyed + Reconcile + PartialEq> Reconcile for KeyedChange<'_, T> {
    type Key<'k> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut map = reconciler.map()?;
        let prev: HashMap<String, &T> = self
            .prev
            .iter()
            .map(|item| (Keyed::key(item), item))
            .collect();
        let next: HashMap<String, &T> = self
            .next
            .iter()
            .map(|item| (Keyed::key(item), item))
            .collect();
        for key in prev.keys().filter(|k| !next.contains_key(*k)) {
            map.delete(key)?;
        }
        for (key, item) in &next {
            if prev.get(key) != Some(item) {
                map.put(key, *item)?;
            }
        }
        Ok(())
    }
}

//! Lists whose items two devices may add at once, stored as maps keyed by the items' ids.
//!
//! An Automerge list would keep both concurrent additions too, but reconciling a Rust `Vec`
//! into a list matches items by position, so an insertion on one device and an edit on the
//! other get mixed up. A map keyed by a stable id makes identity explicit: additions with
//! different ids always both survive, edits to one item touch only its entry, and a deletion
//! removes exactly that item. Order is not stored; it is derived from the items ([`Keyed`]).
//! Entries this version cannot read (written by a newer one) are kept untouched.

use autosurgeon::reconcile::MapReconciler;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};

/// An item of a list stored as a map.
pub trait Keyed {
    /// The item's stable id, the key in the map.
    fn key(&self) -> String;
    /// Orders the hydrated list; ties are broken by key.
    fn order(&self) -> i64;
}

/// Writes `items` into the map at `reconciler`, deleting entries whose item was removed.
pub fn reconcile<T: Keyed + Reconcile, R: Reconciler>(
    items: &[T],
    mut reconciler: R,
) -> Result<(), R::Error> {
    let mut map = reconciler.map()?;
    let wanted: std::collections::HashSet<String> = items.iter().map(Keyed::key).collect();
    let stale: Vec<String> = map
        .entries()
        .map(|(k, _)| k.to_string())
        .filter(|k| !wanted.contains(k))
        .collect();
    for key in stale {
        map.delete(key)?;
    }
    for item in items {
        map.put(Keyed::key(item), item)?;
    }
    Ok(())
}

/// Reads the map at `prop` into a list ordered by [`Keyed::order`], then by key.
///
/// The entries are visited in one pass over the map, each item hydrated from the object the
/// pass yields; looking every key up again, as a hydrated `BTreeMap` does, cost a second
/// search per item.
pub fn hydrate<D: ReadDoc, T: Keyed + Hydrate>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
) -> Result<Vec<T>, HydrateError> {
    let map = super::single_pass::map_at(doc, obj, prop)?;
    let mut items = Vec::new();
    for (key, item) in super::single_pass::entries::<D, T>(doc, &map)? {
        items.push(stored_under(&key, item)?);
    }
    sort(&mut items);
    Ok(items)
}

/// `item`, read from the entry `key`, if that is its own key. [`reconcile`] never writes an
/// item anywhere else, and the rule lets [`rehydrate_entries`] find an entry's item by key.
fn stored_under<T: Keyed>(key: &str, item: T) -> Result<T, HydrateError> {
    if item.key() == key {
        Ok(item)
    } else {
        Err(HydrateError::unexpected(
            format!("an item stored under its own id `{key}`"),
            format!("the item `{}`", item.key()),
        ))
    }
}

fn sort<T: Keyed>(items: &mut [T]) {
    items.sort_by(|a, b| {
        a.order()
            .cmp(&b.order())
            .then_with(|| a.key().cmp(&b.key()))
    });
}

/// Brings `items`, hydrated by [`hydrate`] from the map at `prop`, up to date after the
/// entries `keys` of that map changed: each is read again or, when gone, dropped. The result
/// is what [`hydrate`] returns for the whole map.
pub fn rehydrate_entries<'k, D: ReadDoc, T: Keyed + Hydrate>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
    items: &mut Vec<T>,
    keys: impl IntoIterator<Item = &'k String>,
) -> Result<(), HydrateError> {
    let map = super::single_pass::map_at(doc, obj, prop)?;
    for key in keys {
        items.retain(|item| item.key() != *key);
        if doc.get(&map, key.as_str())?.is_some() {
            let item: T = autosurgeon::hydrate_prop(doc, &map, key.as_str())?;
            items.push(stored_under(key, item)?);
        }
    }
    sort(items);
    Ok(())
}

/// Orders `items` as [`hydrate`] returns them, keeping the last of items sharing a key (the
/// one [`reconcile`] writes last).
pub fn normalize<T: Keyed>(items: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<T> = items
        .drain(..)
        .rev()
        .filter(|item| seen.insert(item.key()))
        .collect();
    sort(&mut kept);
    *items = kept;
}

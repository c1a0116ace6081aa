//! Hydrating maps in one pass over their entries.
//!
//! autosurgeon's derived and built-in hydration looks up every property of a map on its own
//! (and a hydrated `BTreeMap` looks up every entry again after listing the keys). In the
//! columnar op set of automerge each lookup is a search, and a case holds hundreds of small
//! maps (annotations, answers), so those lookups were most of the time it took to hydrate a
//! case. These read a map's entries once and hydrate from what the pass yields, with
//! autosurgeon's rules for each scalar.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc};

/// The scalar properties of one map, read in one pass; a property holding an object is
/// recorded as such and refused where a scalar is expected.
pub(crate) struct ScalarProps<'a>(Vec<(std::borrow::Cow<'a, str>, automerge::ValueRef<'a>)>);

impl<'a> ScalarProps<'a> {
    pub(crate) fn read<D: ReadDoc>(doc: &'a D, obj: &automerge::ObjId) -> Self {
        Self(
            doc.map_range(obj, ..)
                .map(|entry| (entry.key, entry.value))
                .collect(),
        )
    }

    pub(crate) fn value(&self, key: &str) -> Option<&automerge::ValueRef<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The property `key` as a `T`, hydrated as autosurgeon hydrates a scalar.
    pub(crate) fn get<T: Hydrate>(&self, key: &str) -> Result<T, HydrateError> {
        match self.value(key) {
            None => T::hydrate_none(),
            Some(automerge::ValueRef::Scalar(scalar)) => hydrate_scalar(scalar),
            Some(automerge::ValueRef::Object(kind)) => Err(HydrateError::unexpected(
                format!("a scalar at `{key}`"),
                format!("a {kind:?} object"),
            )),
        }
    }

    /// As [`ScalarProps::get`] for an `Option<T>`: null is `None`, a missing key an error
    /// (as autosurgeon has it).
    pub(crate) fn get_optional<T: Hydrate>(&self, key: &str) -> Result<Option<T>, HydrateError> {
        match self.value(key) {
            Some(automerge::ValueRef::Scalar(automerge::ScalarValueRef::Null)) => Ok(None),
            None => Err(HydrateError::unexpected(
                format!("a value or null at `{key}`"),
                "nothing at all".into(),
            )),
            Some(_) => self.get(key).map(Some),
        }
    }
}

fn hydrate_scalar<T: Hydrate>(value: &automerge::ScalarValueRef<'_>) -> Result<T, HydrateError> {
    use automerge::ScalarValueRef as S;
    match value {
        S::Null => T::hydrate_none(),
        S::Boolean(b) => T::hydrate_bool(*b),
        S::Bytes(b) => T::hydrate_bytes(b),
        S::Counter(c) => T::hydrate_counter(*c),
        S::F64(f) => T::hydrate_f64(*f),
        S::Int(i) => T::hydrate_int(*i),
        S::Uint(u) => T::hydrate_uint(*u),
        S::Str(s) => T::hydrate_string(s),
        S::Timestamp(t) => T::hydrate_timestamp(*t),
        S::Unknown { type_code, bytes } => T::hydrate_unknown(*type_code, bytes),
    }
}

/// `#[autosurgeon(hydrate = "single_pass::map")]` for a `BTreeMap<String, T>`: the map at
/// `prop`, each entry hydrated from the object the pass yields.
pub(crate) fn map<D: ReadDoc, T: Hydrate>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
) -> Result<BTreeMap<String, T>, HydrateError> {
    Ok(entries(doc, &map_at(doc, obj, prop)?)?
        .into_iter()
        .collect())
}

/// The id of the map at `prop` of `obj`.
pub(crate) fn map_at<D: ReadDoc>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
) -> Result<automerge::ObjId, HydrateError> {
    match doc.get(obj, &prop)? {
        Some((automerge::Value::Object(automerge::ObjType::Map), id)) => Ok(id),
        Some((other, _)) => Err(HydrateError::unexpected("a map", format!("{other:?}"))),
        None => Err(HydrateError::unexpected("a map", "nothing at all".into())),
    }
}

/// The entries of the map `map`, each hydrated as a `T`.
pub(crate) fn entries<D: ReadDoc, T: Hydrate>(
    doc: &D,
    map: &automerge::ObjId,
) -> Result<Vec<(String, T)>, HydrateError> {
    doc.map_range(map, ..)
        .map(|entry| {
            let value = match &entry.value {
                automerge::ValueRef::Object(
                    automerge::ObjType::Map | automerge::ObjType::Table,
                ) => T::hydrate_map(doc, &entry.id()),
                automerge::ValueRef::Object(automerge::ObjType::List) => {
                    T::hydrate_seq(doc, &entry.id())
                }
                automerge::ValueRef::Object(automerge::ObjType::Text) => {
                    T::hydrate_text(doc, &entry.id())
                }
                automerge::ValueRef::Scalar(scalar) => hydrate_scalar(scalar),
            }?;
            Ok((entry.key.into_owned(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT, ScalarValue};

    use super::*;

    fn doc_with_map() -> (AutoCommit, automerge::ObjId) {
        let mut doc = AutoCommit::new();
        let map = doc.put_object(ROOT, "m", ObjType::Map).unwrap();
        doc.put(&map, "text", "hallo").unwrap();
        doc.put(&map, "count", 7_u64).unwrap();
        doc.put(&map, "none", ScalarValue::Null).unwrap();
        doc.put_object(&map, "nested", ObjType::Map).unwrap();
        (doc, map)
    }

    #[test]
    fn scalars_hydrate_with_autosurgeons_rules() {
        let (doc, map) = doc_with_map();
        let props = ScalarProps::read(&doc, &map);
        assert_eq!(props.get::<String>("text").unwrap(), "hallo");
        assert_eq!(props.get::<u64>("count").unwrap(), 7);
        assert_eq!(props.get_optional::<u64>("none").unwrap(), None);
        assert_eq!(props.get_optional::<u64>("count").unwrap(), Some(7));
        // As autosurgeon has it: a wrong type, a missing key and an object are errors.
        assert!(props.get::<String>("count").is_err());
        assert!(props.get::<String>("missing").is_err());
        assert!(props.get_optional::<u64>("missing").is_err());
        assert!(props.get::<u64>("nested").is_err());
    }

    #[test]
    fn a_map_hydrates_like_autosurgeons_btreemap() {
        let mut doc = AutoCommit::new();
        let map = doc.put_object(ROOT, "m", ObjType::Map).unwrap();
        for (k, v) in [("b", 2_u64), ("a", 1), ("c", 3)] {
            doc.put(&map, k, v).unwrap();
        }
        let ours: BTreeMap<String, u64> = map_at(&doc, "m").unwrap();
        let theirs: BTreeMap<String, u64> = autosurgeon::hydrate_prop(&doc, ROOT, "m").unwrap();
        assert_eq!(ours, theirs);
        doc.put(&map, "d", "not a number").unwrap();
        assert!(map_at::<u64>(&doc, "m").is_err());
        assert!(map_at::<u64>(&doc, "absent").is_err());
    }

    fn map_at<T: Hydrate>(
        doc: &AutoCommit,
        key: &str,
    ) -> Result<BTreeMap<String, T>, HydrateError> {
        map(doc, &ROOT, Prop::Key(key.to_string().into()))
    }
}

//! How answers are stored in the Automerge document.
//!
//! Each answer is a map with one key naming its kind (`{"text": "…"}`, `{"long_text": Text}`,
//! `{"choices": {"a": true}}`, …). Long texts are Automerge text objects so that concurrent
//! edits merge character by character; multiple choices are a map used as a set so that two
//! devices selecting the same option do not select it twice. A map with no kind this version
//! knows hydrates to [`FieldValue::Unknown`] and is left untouched on reconcile, which is
//! how a newer app's answers survive an older app's edit.

use std::collections::BTreeSet;

use autosurgeon::reconcile::{MapReconciler, NoKey, TextReconciler};
use autosurgeon::{Hydrate, HydrateError, ReadDoc, Reconcile, Reconciler, hydrate_prop};
use chrono::{DateTime, NaiveDate, NaiveTime};

use super::{FieldValue, Signature};

const TEXT: &str = "text";
const LONG_TEXT: &str = "long_text";
const INTEGER: &str = "integer";
const DECIMAL: &str = "decimal";
const DATE: &str = "date";
const TIME: &str = "time";
const DATE_TIME: &str = "date_time";
const CHOICE: &str = "choice";
const CHOICES: &str = "choices";
const YES_NO: &str = "yes_no";
const GPS: &str = "gps";
const ADDRESS: &str = "address";
const PLATE: &str = "plate";
const SIGNATURE: &str = "signature";

/// Every kind this version knows, in the order hydration prefers them when a concurrent
/// change of kind left two in one map.
const KINDS: &[&str] = &[
    TEXT, LONG_TEXT, INTEGER, DECIMAL, DATE, TIME, DATE_TIME, CHOICE, CHOICES, YES_NO, GPS,
    ADDRESS, PLATE, SIGNATURE,
];

impl FieldValue {
    fn kind_key(&self) -> Option<&'static str> {
        Some(match self {
            FieldValue::Text(_) => TEXT,
            FieldValue::LongText(_) => LONG_TEXT,
            FieldValue::Integer(_) => INTEGER,
            FieldValue::Decimal(_) => DECIMAL,
            FieldValue::Date(_) => DATE,
            FieldValue::Time(_) => TIME,
            FieldValue::DateTime(_) => DATE_TIME,
            FieldValue::Choice(_) => CHOICE,
            FieldValue::Choices(_) => CHOICES,
            FieldValue::YesNo(_) => YES_NO,
            FieldValue::Gps(_) => GPS,
            FieldValue::Address(_) => ADDRESS,
            FieldValue::Plate(_) => PLATE,
            FieldValue::Signature(_) => SIGNATURE,
            FieldValue::Unknown { .. } => return None,
        })
    }
}

/// A string reconciled as an Automerge text object (character-wise merge).
struct CollaborativeText<'a>(&'a str);

impl Reconcile for CollaborativeText<'_> {
    type Key<'k> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.text()?.update(self.0)
    }
}

/// A set of strings reconciled as a map from member to `true`.
struct StringSet<'a>(&'a BTreeSet<String>);

impl Reconcile for StringSet<'_> {
    type Key<'k> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut map = reconciler.map()?;
        let stale: Vec<String> = map
            .entries()
            .map(|(k, _)| k.to_string())
            .filter(|k| !self.0.contains(k))
            .collect();
        for key in stale {
            map.delete(key)?;
        }
        for member in self.0 {
            map.put(member, true)?;
        }
        Ok(())
    }
}

impl Reconcile for FieldValue {
    type Key<'k> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let Some(kind) = self.kind_key() else {
            // A newer app's value: leave whatever the document holds.
            return Ok(());
        };
        let mut map = reconciler.map()?;
        // Only the keys of *other known* kinds go: a newer app may keep extra keys here.
        for other in KINDS.iter().filter(|k| **k != kind) {
            if map.entry(other).is_some() {
                map.delete(other)?;
            }
        }
        match self {
            FieldValue::Text(s) | FieldValue::Choice(s) | FieldValue::Plate(s) => {
                map.put(kind, s)?
            }
            FieldValue::LongText(s) => map.put(kind, CollaborativeText(s))?,
            FieldValue::Integer(n) => map.put(kind, *n)?,
            FieldValue::Decimal(n) => map.put(kind, *n)?,
            FieldValue::Date(d) => map.put(kind, d.format("%Y-%m-%d").to_string())?,
            FieldValue::Time(t) => map.put(kind, t.format("%H:%M:%S%.f").to_string())?,
            FieldValue::DateTime(t) => map.put(kind, t.to_rfc3339())?,
            FieldValue::Choices(set) => map.put(kind, StringSet(set))?,
            FieldValue::YesNo(b) => map.put(kind, *b)?,
            FieldValue::Gps(g) => map.put(kind, g)?,
            FieldValue::Address(a) => map.put(kind, a)?,
            FieldValue::Signature(sig) => map.put(kind, StoredSignature(sig))?,
            FieldValue::Unknown { .. } => {}
        }
        Ok(())
    }
}

impl Hydrate for FieldValue {
    fn hydrate_map<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        // One pass over the (usually one) keys instead of a lookup per known kind.
        let keys: Vec<String> = doc
            .map_range(obj, ..)
            .map(|item| item.key.into_owned())
            .collect();
        let Some(kind) = KINDS
            .iter()
            .copied()
            .find(|k| keys.iter().any(|key| key == k))
        else {
            let first = keys.into_iter().next().unwrap_or_default();
            return Ok(FieldValue::Unknown { kind: first });
        };
        let string = || hydrate_prop::<_, String, _, _>(doc, obj, kind);
        let parse_err =
            |what: &str, s: &str| HydrateError::unexpected(what, format!("the text `{s}`"));
        Ok(match kind {
            TEXT => FieldValue::Text(string()?),
            CHOICE => FieldValue::Choice(string()?),
            PLATE => FieldValue::Plate(string()?),
            LONG_TEXT => FieldValue::LongText(
                hydrate_prop::<_, autosurgeon::Text, _, _>(doc, obj, kind)?
                    .as_str()
                    .to_owned(),
            ),
            INTEGER => FieldValue::Integer(hydrate_prop(doc, obj, kind)?),
            DECIMAL => FieldValue::Decimal(hydrate_prop(doc, obj, kind)?),
            DATE => {
                let s = string()?;
                FieldValue::Date(
                    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                        .map_err(|_| parse_err("a date", &s))?,
                )
            }
            TIME => {
                let s = string()?;
                FieldValue::Time(
                    NaiveTime::parse_from_str(&s, "%H:%M:%S%.f")
                        .map_err(|_| parse_err("a time", &s))?,
                )
            }
            DATE_TIME => {
                let s = string()?;
                FieldValue::DateTime(
                    DateTime::parse_from_rfc3339(&s)
                        .map_err(|_| parse_err("an RFC 3339 date-time", &s))?,
                )
            }
            CHOICES => {
                let set: std::collections::HashMap<String, bool> = hydrate_prop(doc, obj, kind)?;
                FieldValue::Choices(
                    set.into_iter()
                        .filter(|(_, on)| *on)
                        .map(|(k, _)| k)
                        .collect(),
                )
            }
            YES_NO => FieldValue::YesNo(hydrate_prop(doc, obj, kind)?),
            GPS => FieldValue::Gps(hydrate_prop(doc, obj, kind)?),
            ADDRESS => FieldValue::Address(hydrate_prop(doc, obj, kind)?),
            SIGNATURE => {
                FieldValue::Signature(hydrate_prop::<_, HydratedSignature, _, _>(doc, obj, kind)?.0)
            }
            other => FieldValue::Unknown {
                kind: other.to_owned(),
            },
        })
    }
}

/// A signature's strokes are stored as one JSON string: they are written once, never edited
/// point by point, and hundreds of points as separate list items would bloat the document.
struct StoredSignature<'a>(&'a Signature);

impl Reconcile for StoredSignature<'_> {
    type Key<'k> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut map = reconciler.map()?;
        map.put("signer", &self.0.signer)?;
        map.put("signed_at_ms", self.0.signed_at_ms)?;
        map.put(
            "strokes",
            serde_json::to_string(&self.0.strokes).unwrap_or_default(),
        )?;
        Ok(())
    }
}

struct HydratedSignature(Signature);

impl Hydrate for HydratedSignature {
    fn hydrate_map<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        let strokes: String = hydrate_prop(doc, obj, "strokes")?;
        let strokes = serde_json::from_str(&strokes)
            .map_err(|e| HydrateError::unexpected("signature strokes as JSON", e.to_string()))?;
        Ok(HydratedSignature(Signature {
            strokes,
            signer: hydrate_prop(doc, obj, "signer")?,
            signed_at_ms: hydrate_prop(doc, obj, "signed_at_ms")?,
        }))
    }
}

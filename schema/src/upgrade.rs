//! Bringing documents written by older versions of naper up to the current layout.
//!
//! Every document carries `schema_version`. On load, a document older than
//! [`CURRENT_SCHEMA_VERSION`] runs the [`MIGRATIONS`] from its version upwards, each one an
//! ordinary Automerge change, so the upgrade syncs like any edit. Migrations must be
//! deterministic and idempotent in effect: two devices may upgrade the same document
//! concurrently, and after merging, both upgrades' writes must agree.
//!
//! A document *newer* than this build is not changed on load. This build reads the parts it
//! knows; what it does not know (keys, answer kinds, list entries) is left untouched when it
//! edits the case, and its `schema_version` is never lowered.
//!
//! Version 1 is the first layout, so the table is empty today; the mechanism is tested with
//! migrations defined in the tests.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ROOT, ReadDoc, ScalarValue, Value};

use crate::case::CURRENT_SCHEMA_VERSION;
use crate::error::Error;

/// One upgrade step from `from` to `from + 1`.
pub struct Migration {
    /// The version this step upgrades from.
    pub from: u64,
    /// What the step changes, recorded as the commit message.
    pub describe: &'static str,
    /// The step itself, applied to the document's root.
    pub apply: fn(&mut AutoCommit) -> Result<(), automerge::AutomergeError>,
}

/// Every migration, in order. Empty while version 1 is the only layout.
pub const MIGRATIONS: &[Migration] = &[];

/// The `schema_version` stored in `doc`.
///
/// # Errors
/// [`Error::NotACaseDocument`] when the document has none.
pub fn stored_version(doc: &AutoCommit) -> Result<u64, Error> {
    match doc.get(ROOT, "schema_version") {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Uint(v) => Ok(*v),
            ScalarValue::Int(v) if *v >= 0 => Ok(*v as u64),
            other => Err(Error::NotACaseDocument(format!(
                "its schema_version is {other}, not a version number"
            ))),
        },
        _ => Err(Error::NotACaseDocument("it has no schema_version".into())),
    }
}

/// Runs `migrations` on `doc` until it reaches `target`; returns the version it ends at
/// (higher than `target` for documents written by a newer build).
///
/// # Errors
/// [`Error::NotACaseDocument`] without a version; [`Error::Upgrade`] when a step is missing
/// or fails.
pub fn upgrade(doc: &mut AutoCommit, migrations: &[Migration], target: u64) -> Result<u64, Error> {
    let mut version = stored_version(doc)?;
    while version < target {
        let step = migrations
            .iter()
            .find(|m| m.from == version)
            .ok_or_else(|| Error::Upgrade {
                from: version,
                reason: format!("this build has no migration from version {version}; update naper"),
            })?;
        (step.apply)(doc).map_err(|e| Error::Upgrade {
            from: version,
            reason: format!("{}: {e}", step.describe),
        })?;
        version += 1;
        doc.put(ROOT, "schema_version", version)
            .map_err(|e| Error::Upgrade {
                from: version - 1,
                reason: e.to_string(),
            })?;
        doc.commit_with(CommitOptions::default().with_message(format!(
            "{{\"upgrade\":{},\"describe\":{}}}",
            version,
            serde_json::Value::from(step.describe)
        )));
    }
    Ok(version)
}

/// Upgrades with this build's [`MIGRATIONS`] to [`CURRENT_SCHEMA_VERSION`].
pub(crate) fn upgrade_to_current(doc: &mut AutoCommit) -> Result<u64, Error> {
    upgrade(doc, MIGRATIONS, CURRENT_SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up step for testing the mechanism: version 2 renames `title` to `headline`.
    fn rename_title(doc: &mut AutoCommit) -> Result<(), automerge::AutomergeError> {
        if let Some((Value::Scalar(title), _)) = doc.get(ROOT, "title")? {
            let title = title.into_owned();
            doc.put(ROOT, "headline", title)?;
            doc.delete(ROOT, "title")?;
        }
        Ok(())
    }

    const TEST_STEPS: &[Migration] = &[Migration {
        from: 1,
        describe: "rename title to headline",
        apply: rename_title,
    }];

    fn v1_doc() -> AutoCommit {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "schema_version", 1_u64).unwrap();
        doc.put(ROOT, "title", "Sperrmüll").unwrap();
        doc.commit();
        doc
    }

    #[test]
    fn an_old_document_is_upgraded_step_by_step() {
        let mut doc = v1_doc();
        assert_eq!(upgrade(&mut doc, TEST_STEPS, 2).unwrap(), 2);
        assert_eq!(stored_version(&doc).unwrap(), 2);
        let headline: String = autosurgeon::hydrate_prop(&doc, ROOT, "headline").unwrap();
        assert_eq!(headline, "Sperrmüll");
        assert!(doc.get(ROOT, "title").unwrap().is_none());
    }

    #[test]
    fn concurrent_upgrades_of_the_same_document_agree() {
        let mut a = v1_doc();
        let mut b = a.fork();
        upgrade(&mut a, TEST_STEPS, 2).unwrap();
        upgrade(&mut b, TEST_STEPS, 2).unwrap();
        a.merge(&mut b).unwrap();
        assert_eq!(stored_version(&a).unwrap(), 2);
        let headline: String = autosurgeon::hydrate_prop(&a, ROOT, "headline").unwrap();
        assert_eq!(headline, "Sperrmüll");
    }

    #[test]
    fn a_newer_document_is_left_alone() {
        let mut doc = v1_doc();
        doc.put(ROOT, "schema_version", 7_u64).unwrap();
        let heads = doc.get_heads();
        assert_eq!(upgrade(&mut doc, TEST_STEPS, 2).unwrap(), 7);
        assert_eq!(doc.get_heads(), heads);
    }

    #[test]
    fn a_missing_step_is_an_error_naming_the_version() {
        let mut doc = v1_doc();
        let err = upgrade(&mut doc, &[], 2).unwrap_err();
        assert!(err.to_string().contains("version 1"), "{err}");
    }

    #[test]
    fn a_document_without_a_version_is_not_a_case() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "foo", 1).unwrap();
        assert!(matches!(
            upgrade(&mut doc, &[], 1),
            Err(Error::NotACaseDocument(_))
        ));
    }
}

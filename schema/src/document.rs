//! The case as an Automerge document: create, load, edit, save, merge.
//!
//! [`CaseDocument`] is the source of truth for a case on every device and on the server. An
//! edit hydrates the [`InspectionCase`], changes it in memory and reconciles it back, which
//! turns the difference into Automerge operations; those merge with concurrent edits from
//! other devices without conflict dialogs. Each edit is one commit whose message names the
//! user and device ([`ChangeAuthor`]), which the back office's history reads.

use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, ChangeHash};
use serde::{Deserialize, Serialize};

use crate::case::{CURRENT_SCHEMA_VERSION, InspectionCase, Stamp};
use crate::error::Error;
use crate::template::Template;
use crate::validate::{Mode, validate};
use crate::workflow::{Role, Status};

/// Who makes a change, recorded in its commit message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeAuthor {
    /// User name.
    pub user: String,
    /// Device id for changes made on a tablet; `None` in the back office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

impl ChangeAuthor {
    /// The commit message form of the author.
    fn message(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the author back from a commit message; `None` for commits not made by naper.
    pub fn from_message(message: &str) -> Option<Self> {
        serde_json::from_str(message).ok()
    }
}

/// One case's Automerge document.
#[derive(Debug, Clone)]
pub struct CaseDocument {
    doc: AutoCommit,
    /// The case as the document holds it at these heads, so edits need not hydrate the whole
    /// document and can write only what changed (see `case::diff`). Valid only while the
    /// document's heads equal the stored ones.
    known: Option<(Vec<ChangeHash>, InspectionCase)>,
}

impl CaseDocument {
    /// A new document holding `case`.
    ///
    /// # Errors
    /// [`Error::Write`] if the case cannot be written (it always can for a well-formed case).
    pub fn create(case: &InspectionCase, author: &ChangeAuthor) -> Result<Self, Error> {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, case)?;
        doc.commit_with(commit_options(author, case.created.at_ms));
        let heads = doc.get_heads();
        Ok(Self {
            doc,
            known: Some((heads, case.clone())),
        })
    }

    /// Loads a saved document (full or a concatenation of incremental saves) and upgrades it
    /// to this build's layout.
    ///
    /// # Errors
    /// [`Error::CorruptDocument`] for bytes that are not an Automerge document,
    /// [`Error::NotACaseDocument`] for one that is not a case, [`Error::Upgrade`] when it
    /// cannot be upgraded.
    pub fn load(bytes: &[u8]) -> Result<Self, Error> {
        // Bytes come from disk and the network: a bug in the decoder must not take the whole
        // process down, so a panic is caught and reported like any corrupt input.
        let loaded = catch_unwind(|| AutoCommit::load(bytes))
            .map_err(|_| Error::CorruptDocument("the decoder failed on these bytes".into()))?
            .map_err(|e| Error::CorruptDocument(e.to_string()))?;
        let mut doc = Self {
            doc: loaded,
            known: None,
        };
        crate::upgrade::upgrade_to_current(&mut doc.doc)?;
        Ok(doc)
    }

    /// Applies changes from an incremental save or another device's change bytes.
    ///
    /// # Errors
    /// [`Error::CorruptDocument`]; the document is unchanged then.
    pub fn apply_bytes(&mut self, bytes: &[u8]) -> Result<(), Error> {
        // `load_incremental` skips chunks it cannot parse. A strict load of this document's
        // state followed by the new bytes (so their dependencies are present) turns garbage
        // into an error instead of a silent no-op. Cases are small; the copy is cheap.
        let mut strict = self.doc.clone().save();
        strict.extend_from_slice(bytes);
        catch_unwind(|| AutoCommit::load(&strict))
            .map_err(|_| Error::CorruptDocument("the decoder failed on these bytes".into()))?
            .map_err(|e| Error::CorruptDocument(e.to_string()))?;
        let mut next = self.doc.clone();
        catch_unwind(AssertUnwindSafe(|| next.load_incremental(bytes)))
            .map_err(|_| Error::CorruptDocument("the decoder failed on these bytes".into()))?
            .map_err(|e| Error::CorruptDocument(e.to_string()))?;
        self.doc = next;
        self.known = None;
        Ok(())
    }

    /// The case as this document holds it now.
    ///
    /// # Errors
    /// [`Error::Layout`] when the document does not have the case layout.
    pub fn hydrate(&self) -> Result<InspectionCase, Error> {
        match &self.known {
            Some((heads, case)) if *heads == autosurgeon::ReadDoc::get_heads(&self.doc) => {
                Ok(case.clone())
            }
            _ => Ok(autosurgeon::hydrate(&self.doc)?),
        }
    }

    /// The case at the current heads, hydrated at most once per state.
    fn current(&mut self) -> Result<&InspectionCase, Error> {
        let heads = self.doc.get_heads();
        let case = match self.known.take() {
            Some((known, case)) if known == heads => case,
            _ => autosurgeon::hydrate(&self.doc)?,
        };
        Ok(&self.known.insert((heads, case)).1)
    }

    /// Writes `case` into the document as one change by `author` at `now_ms`. Only what
    /// differs from the document becomes operations; keys this build does not know are kept.
    /// Returns the case as now stored (photos, comments and annotations in stored order).
    ///
    /// # Errors
    /// [`Error::Write`] when the case cannot be written.
    pub fn update(
        &mut self,
        case: &InspectionCase,
        author: &ChangeAuthor,
        now_ms: i64,
    ) -> Result<InspectionCase, Error> {
        let mut case = case.clone();
        case.normalize_order();
        let heads = self.doc.get_heads();
        let result = match self.known.take() {
            Some((known_heads, prev)) if known_heads == heads => autosurgeon::reconcile(
                &mut self.doc,
                crate::case::diff::CaseChange {
                    prev: &prev,
                    next: &case,
                },
            ),
            _ => autosurgeon::reconcile(&mut self.doc, &case),
        };
        if let Err(e) = result {
            // A half-written change must not become part of the document.
            self.doc.rollback();
            return Err(e.into());
        }
        self.doc.commit_with(commit_options(author, now_ms));
        self.known = Some((self.doc.get_heads(), case.clone()));
        Ok(case)
    }

    /// Hydrates the case, lets `edit` change it, stamps it as updated by `author` at `now_ms`
    /// and writes it back as one change. Returns the edited case.
    ///
    /// # Errors
    /// [`Error::Layout`] or [`Error::Write`].
    pub fn edit(
        &mut self,
        author: &ChangeAuthor,
        now_ms: i64,
        edit: impl FnOnce(&mut InspectionCase),
    ) -> Result<InspectionCase, Error> {
        let mut case = self.current()?.clone();
        edit(&mut case);
        case.updated = Stamp {
            by: author.user.clone(),
            at_ms: now_ms,
        };
        self.update(&case, author, now_ms)
    }

    /// Moves the case to `to` as `role`. Submitting checks the case against `template` first.
    ///
    /// # Errors
    /// [`Error::Transition`] for a change the workflow forbids, [`Error::NotValid`] for a
    /// submission of an incomplete case, [`Error::TemplateMismatch`] for the wrong template.
    pub fn change_status(
        &mut self,
        to: Status,
        role: Role,
        template: &Template,
        author: &ChangeAuthor,
        now_ms: i64,
    ) -> Result<InspectionCase, Error> {
        let case = self.current()?;
        case.status.check_transition(to, role)?;
        if to == Status::Submitted {
            check_template(case, template)?;
            let report = validate(case, template, Mode::Submission);
            if !report.is_valid() {
                return Err(Error::NotValid(report));
            }
        }
        self.edit(author, now_ms, |case| case.status = to)
    }

    /// The whole document in Automerge's compact format.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes since the last `save` or `save_incremental`, to append to a store.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// Merges another replica of the same case into this one.
    ///
    /// # Errors
    /// [`Error::Automerge`] when the other replica's changes cannot be applied.
    pub fn merge(&mut self, other: &mut CaseDocument) -> Result<(), Error> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// The case hydrated from the document itself, bypassing what this replica remembers;
    /// for checks that the remembered case and the document agree.
    pub fn hydrate_uncached(&self) -> Result<InspectionCase, Error> {
        Ok(autosurgeon::hydrate(&self.doc)?)
    }

    /// A replica for another device, with its own actor id.
    pub fn fork(&mut self) -> CaseDocument {
        CaseDocument {
            doc: self.doc.fork(),
            known: None,
        }
    }

    /// Sets the actor id this replica writes changes as.
    pub fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    /// The current heads: the hashes identifying exactly this state.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// The layout version stored in the document.
    ///
    /// # Errors
    /// [`Error::NotACaseDocument`] when it has none.
    pub fn schema_version(&self) -> Result<u64, Error> {
        crate::upgrade::stored_version(&self.doc)
    }

    /// Whether this build wrote, or fully understands, the document's layout.
    pub fn is_current_layout(&self) -> bool {
        self.schema_version()
            .is_ok_and(|v| v <= CURRENT_SCHEMA_VERSION)
    }

    /// The underlying Automerge document, for the sync protocol and history.
    pub fn automerge(&self) -> &AutoCommit {
        &self.doc
    }

    /// The underlying Automerge document, mutably, for the sync protocol.
    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        // The caller may open a transaction, which does not move the heads; forget the case.
        self.known = None;
        &mut self.doc
    }
}

/// Checks that `template` is the one `case` follows.
///
/// # Errors
/// [`Error::TemplateMismatch`].
pub fn check_template(case: &InspectionCase, template: &Template) -> Result<(), Error> {
    if case.template.id == template.id && case.template.version == template.version {
        Ok(())
    } else {
        Err(Error::TemplateMismatch {
            case_template: case.template.id.clone(),
            case_version: case.template.version,
            given_template: template.id.clone(),
            given_version: template.version,
        })
    }
}

fn commit_options(author: &ChangeAuthor, now_ms: i64) -> CommitOptions {
    CommitOptions::default()
        .with_message(author.message())
        .with_time(now_ms.div_euclid(1000))
}

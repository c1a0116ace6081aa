//! A test helper for the crash-safety test: many edits, each reported after its commit.

use std::io::Write;

use schema::{CaseId, ChangeAuthor, Comment, CommentId, Stamp};

use super::parse_id;
use crate::clock;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;

/// Adds `count` comments `edit N` (N from `start`) to a case, one transaction each, and
/// prints `committed N` (flushed) after each commit returned.
pub(super) fn edit_loop(
    store: &mut LocalStore,
    case_id: &str,
    start: u32,
    count: u32,
    compact_after: Option<u32>,
) -> Result<()> {
    let id: CaseId = parse_id(case_id, "case")?;
    if let Some(n) = compact_after {
        store.set_compact_after(n);
    }
    let author = store
        .enrollment()?
        .map(|e| e.author())
        .unwrap_or(ChangeAuthor {
            user: "stress".into(),
            device: None,
        });
    let mut out = std::io::stdout().lock();
    for i in start..start.saturating_add(count) {
        let now = clock::now_ms();
        store.update_case(id, |doc| {
            doc.edit(&author, now, |case| {
                case.comments.push(Comment {
                    id: CommentId::new(),
                    written: Stamp {
                        by: author.user.clone(),
                        at_ms: now,
                    },
                    text: format!("edit {i}"),
                    internal: false,
                });
            })?;
            Ok(())
        })?;
        writeln!(out, "committed {i}")
            .and_then(|()| out.flush())
            .map_err(|e| FieldAppError::io("stdout", e))?;
    }
    Ok(())
}

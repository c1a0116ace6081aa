//! How deeply the objects a message created nest, read from its changes' operations.
//!
//! Runs after Automerge applied a message (which costs time and memory in proportion to the
//! operations, already bounded by [`super::inspect`]) and before anything walks the document
//! or computes patches, whose cost grows with the square of the nesting depth.

use std::collections::HashMap;

use automerge::legacy::{ObjectId, OpId, OpType};
use automerge::{AutoCommit, Change, ObjId, ReadDoc};

use super::IntakeError;

/// Refuses `changes` (just applied to `doc`, in causal order) if any object they create lies
/// more than `max_depth` levels below the document's root (a property of the root is level 1).
///
/// # Errors
/// [`IntakeError::TooDeep`].
pub(crate) fn check(
    doc: &AutoCommit,
    changes: &[Change],
    max_depth: usize,
) -> Result<(), IntakeError> {
    // Depths of the objects these changes create. Changes come in causal order, so a parent
    // made by the same message is known here before its children, and nothing walks a long
    // chain of ancestors twice.
    let mut created: HashMap<OpId, usize> = HashMap::new();
    for change in changes {
        let expanded = change.decode();
        let start = expanded.start_op.get();
        for (index, op) in expanded.operations.iter().enumerate() {
            if !matches!(op.action, OpType::Make(_)) {
                continue;
            }
            let parent = match &op.obj {
                ObjectId::Root => 0,
                ObjectId::Id(id) => match created.get(id) {
                    Some(depth) => *depth,
                    None => depth_in(doc, id, max_depth),
                },
            };
            let depth = parent + 1;
            if depth > max_depth {
                return Err(IntakeError::TooDeep { limit: max_depth });
            }
            let counter = start.saturating_add(index as u64);
            created.insert(OpId(counter, expanded.actor_id.clone()), depth);
        }
    }
    Ok(())
}

/// The depth of an object the document had before, counting at most `max_depth + 1` levels.
/// An object the document does not know (it cannot be a parent of applied operations) counts
/// as the root.
fn depth_in(doc: &AutoCommit, id: &OpId, max_depth: usize) -> usize {
    // The actor index is only a hint; Automerge looks the actor up when it does not match.
    let obj = ObjId::Id(id.counter(), id.actor().clone(), usize::MAX);
    doc.parents(&obj)
        .map(|parents| parents.take(max_depth + 1).count())
        .unwrap_or(0)
}

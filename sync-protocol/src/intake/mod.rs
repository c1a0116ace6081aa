//! What a received sync message may cost, checked before Automerge reads its changes.
//!
//! A sync message is small on the wire but need not be small in memory: Automerge inflates
//! compressed chunks without a cap, expands run-length encoded columns into one operation per
//! row, and computes a path for every patch, which grows with the square of how deeply
//! objects nest. A hostile peer (a stolen tablet, or a server that is not ours) can so make
//! the other side run out of memory, which aborts the process where no `catch_unwind`
//! reaches. Both ends therefore measure every message first ([`inspect`]): what it inflates
//! to and how many column cells it decodes to, against the [`Limits`] of one message and,
//! through a [`RoundBudget`], of one whole round. After the changes are applied and before
//! anyone reads the document or its patches, [`depth::check`] refuses objects nested deeper
//! than a case ever nests.

mod chunks;
pub(crate) mod depth;

use automerge::sync;

use crate::wire::{Limits, RejectReason};

/// What a message decodes to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Bytes of chunk data after inflating.
    pub inflated_bytes: usize,
    /// Rows of all columns after run-length decoding: a bound on the operations, changes and
    /// predecessors Automerge will hold in memory.
    pub cells: usize,
}

/// Why a message was refused before it was applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    /// The bytes are not what Automerge would read.
    #[error("not a readable Automerge sync message: {0}")]
    Malformed(String),
    /// A kind of chunk this protocol never sends.
    #[error("the sync message holds {0}")]
    Unsupported(&'static str),
    /// Inflating the message would take more memory than allowed.
    #[error("the sync message inflates to more than {limit} bytes; sync the case in smaller steps")]
    InflatesTooMuch {
        /// The allowance in bytes.
        limit: usize,
    },
    /// The message's columns decode to more rows than allowed.
    #[error(
        "the sync message decodes to more than {limit} column cells; sync the case in smaller steps"
    )]
    TooManyCells {
        /// The allowance in cells.
        limit: usize,
    },
    /// The round as a whole would take more memory than allowed.
    #[error("this round has no room left for the case ({0}); it follows in the next sync")]
    RoundFull(String),
    /// The changes nest objects deeper than any case does.
    #[error("the changes nest objects more than {limit} levels deep, deeper than any case")]
    TooDeep {
        /// The deepest level allowed.
        limit: usize,
    },
}

impl IntakeError {
    /// The reason sent back to the peer.
    pub fn reason(&self) -> RejectReason {
        match self {
            Self::Malformed(_) | Self::Unsupported(_) => RejectReason::Malformed,
            Self::InflatesTooMuch { .. }
            | Self::TooManyCells { .. }
            | Self::RoundFull(_)
            | Self::TooDeep { .. } => RejectReason::TooLarge,
        }
    }
}

/// Measures one encoded sync message against the per-message limits, without inflating more
/// than they allow.
///
/// # Errors
/// An [`IntakeError`] naming the limit the message breaks or what is wrong with its bytes.
pub fn inspect(message: &[u8], limits: &Limits) -> Result<Cost, IntakeError> {
    if message.len() > limits.max_message_bytes {
        return Err(IntakeError::Malformed(format!(
            "the message has {} bytes, more than the {} allowed",
            message.len(),
            limits.max_message_bytes
        )));
    }
    // Decoding the envelope copies the change list's bytes and reads nothing inside them.
    let decoded = sync::Message::decode(message)
        .map_err(|e| IntakeError::Malformed(format!("not an Automerge sync message: {e}")))?;
    let allowance = chunks::Allowance {
        inflated_bytes: limits.max_inflated_bytes_per_message,
        cells: limits.max_cells_per_message,
    };
    let mut cost = Cost::default();
    for entry in decoded.changes.iter() {
        chunks::measure(entry, allowance, &mut cost)?;
    }
    Ok(cost)
}

/// What the messages of one round have cost so far, against the per-round limits.
#[derive(Debug, Clone)]
pub struct RoundBudget {
    limits: Limits,
    spent: Cost,
}

impl RoundBudget {
    /// A fresh budget for a round under `limits`.
    pub fn new(limits: &Limits) -> Self {
        Self {
            limits: *limits,
            spent: Cost::default(),
        }
    }

    /// What the admitted messages cost together.
    pub fn spent(&self) -> Cost {
        self.spent
    }

    /// Inspects a message and takes its cost from the round's budget; a message that does not
    /// fit is refused and costs nothing.
    ///
    /// # Errors
    /// What [`inspect`] finds, or [`IntakeError::RoundFull`].
    pub fn admit(&mut self, message: &[u8]) -> Result<Cost, IntakeError> {
        let cost = inspect(message, &self.limits)?;
        let bytes = self
            .spent
            .inflated_bytes
            .saturating_add(cost.inflated_bytes);
        let cells = self.spent.cells.saturating_add(cost.cells);
        if bytes > self.limits.max_inflated_bytes_per_round {
            return Err(IntakeError::RoundFull(format!(
                "more than {} inflated bytes in one round",
                self.limits.max_inflated_bytes_per_round
            )));
        }
        if cells > self.limits.max_cells_per_round {
            return Err(IntakeError::RoundFull(format!(
                "more than {} column cells in one round",
                self.limits.max_cells_per_round
            )));
        }
        self.spent = Cost {
            inflated_bytes: bytes,
            cells,
        };
        Ok(cost)
    }
}

#[cfg(test)]
mod tests;

//! One step of a layout, and the version a list of them reaches.

use rusqlite::Transaction;

/// One step of a layout: plain SQL, or code where SQL cannot do it (a new column derived
/// from stored documents that only the program can read). `E` is the error a code step
/// fails with, the program's own.
pub enum Step<E> {
    /// SQL statements run as one batch; without `BEGIN` or `COMMIT`, which would end the
    /// caller's transaction.
    Sql(&'static str),
    /// Code run in the caller's transaction, after every earlier step.
    Code(fn(&Transaction<'_>) -> Result<(), E>),
}

/// The version `steps` bring a database to: their number, since step `i` leads to `i + 1`.
///
/// SQLite keeps the version in a 32-bit field, so no list comes anywhere near [`u32::MAX`];
/// a longer one would saturate there.
pub fn latest<E>(steps: &[Step<E>]) -> u32 {
    u32::try_from(steps.len()).unwrap_or(u32::MAX)
}

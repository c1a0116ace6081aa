//! The transaction primitive the aggregate modules ([`super::accounts`], [`super::audit`])
//! are written over: [`WriteTx`], one write transaction of the backend the store runs on
//! (SQLite today). A caller that must change several aggregates together does so in one
//! transaction — `store.write(|tx| { accounts::set_role(tx, …)?; audit::append(tx, &entry) })`
//! — instead of a one-off store method per combination.

use rusqlite::Transaction;

/// One write transaction; everything written through it commits together or not at all.
pub struct WriteTx<'a> {
    sqlite: &'a Transaction<'a>,
}

impl<'a> WriteTx<'a> {
    /// The SQLite transaction `tx`.
    pub(super) fn sqlite(tx: &'a Transaction<'a>) -> Self {
        Self { sqlite: tx }
    }

    /// The SQLite transaction underneath, for the aggregate modules' statements.
    pub(super) fn sql(&self) -> &Transaction<'a> {
        self.sqlite
    }
}

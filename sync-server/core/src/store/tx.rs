//! The transaction primitives the aggregate modules ([`super::accounts`], [`super::audit`],
//! …) are written over: [`WriteTx`], one write transaction of the backend the store runs on
//! (SQLite today), and [`ReadTx`], one consistent read. A caller that must change several
//! aggregates together does so in one transaction — `store.write(|tx| {
//! accounts::set_role(tx, …)?; audit::append(tx, &entry) })` — instead of a one-off store
//! method per combination, and reads as `store.read(|tx| grants::of_tenant(tx, …))` instead
//! of a trait method per query.

use rusqlite::{Connection, Transaction};

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

    /// The same transaction, for reads inside it.
    pub fn reading(&self) -> ReadTx<'_> {
        ReadTx {
            sqlite: self.sqlite,
        }
    }
}

/// One consistent read: everything read through it sees the same state of the store.
pub struct ReadTx<'a> {
    sqlite: &'a Connection,
}

impl<'a> ReadTx<'a> {
    /// A read on the SQLite connection `conn`, inside a transaction the caller holds.
    pub(super) fn sqlite(conn: &'a Connection) -> Self {
        Self { sqlite: conn }
    }

    /// The SQLite connection underneath, for the aggregate modules' statements.
    pub(super) fn sql(&self) -> &Connection {
        self.sqlite
    }
}

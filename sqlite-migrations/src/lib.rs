//! Numbered migrations of a SQLite database's layout, the one mechanism the tablet's local
//! store and the server's SQLite backend both bring their files up to date with.
//!
//! A layout is a list of [`Step`]s; step `i` (counting from 0) takes the database from
//! version `i` to `i + 1`, and the version reached is kept in `PRAGMA user_version` (0 for a
//! new file). [`run_pending`] runs the steps the database has not had yet, all inside one
//! transaction **the caller owns**, and says what it did ([`Migrated`]). So:
//!
//! - an upgrade is atomic: a step that fails, or a crash half way, leaves the database at the
//!   version it had, with none of the earlier steps kept (the caller drops the transaction);
//! - the caller can do more in the same transaction after the steps — the server re-derives
//!   its projection from the stored documents when the upgrade started below a given version,
//!   which has to see the newest layout, so it cannot be a step of its own in the middle;
//! - a database written by a newer build is refused with both versions named
//!   ([`MigrationError::TooNew`]) and left untouched: this build cannot know what the newer
//!   layout means. Each program wraps that in its own advice ("update the app").
//!
//! Steps are SQL ([`Step::Sql`]) or code ([`Step::Code`]) for what SQL cannot do, such as
//! filling a new column from the Automerge documents; a code step sees every table the
//! steps before it made. SQL steps must not hold `BEGIN`/`COMMIT`: they would end the
//! caller's transaction. Open it with `TransactionBehavior::Immediate`, so two processes
//! opening the same file at once take turns instead of both reading the old version.
//!
//! The steps of each program stay with that program (the server keeps them per backend).
//! The crate `rusqlite_migration` does the same job, but its releases pin an older rusqlite
//! than the workspace's, and the bundled SQLite can be linked only once; this is small
//! enough to own.
//!
//! ```
//! use rusqlite::{Connection, Transaction, TransactionBehavior};
//! use sqlite_migrations::{Migrated, Step, run_pending};
//!
//! fn fill_titles(tx: &Transaction<'_>) -> rusqlite::Result<()> {
//!     tx.execute("UPDATE notes SET title = substr(body, 1, 10)", [])?;
//!     Ok(())
//! }
//!
//! const STEPS: &[Step<rusqlite::Error>] = &[
//!     Step::Sql("CREATE TABLE notes (body TEXT NOT NULL);"),
//!     Step::Sql("ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';"),
//!     Step::Code(fill_titles),
//! ];
//!
//! let mut conn = Connection::open_in_memory()?;
//! let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
//! let done = run_pending(&tx, STEPS)?;
//! tx.commit()?;
//! assert_eq!(done, Migrated::Upgraded { from: 0, to: 3 });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod run;
mod step;

pub use error::MigrationError;
pub use run::{Migrated, run_pending};
pub use step::{Step, latest};

//! Running the steps a database has not had yet.

use rusqlite::Transaction;

use crate::error::MigrationError;
use crate::step::{Step, latest};

/// What [`run_pending`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrated {
    /// The database was at the newest version already; nothing was written.
    AlreadyCurrent {
        /// Its version.
        version: u32,
    },
    /// The steps from `from` up to `to` ran. `from` is 0 for a new database; the caller
    /// reads it to decide what else an upgrade from there needs (e.g. re-deriving a column
    /// an older step added from data only the program can read).
    Upgraded {
        /// The version the database had.
        from: u32,
        /// The version it has now, the newest of `steps`.
        to: u32,
    },
}

/// Runs in `tx` the steps of `steps` the database has not had yet, in order, and records the
/// newest version in `PRAGMA user_version`. Nothing is committed: the caller commits `tx`,
/// after whatever else the upgrade needs, or drops it on an error, which undoes every step.
///
/// # Errors
/// [`MigrationError::TooNew`] for a database past the last step (written by a newer build),
/// [`MigrationError::UnknownVersion`] for a negative version, [`MigrationError::Sql`] or
/// [`MigrationError::Code`] naming the version whose step failed, and
/// [`MigrationError::Version`] when the version cannot be read or written.
pub fn run_pending<E>(
    tx: &Transaction<'_>,
    steps: &[Step<E>],
) -> Result<Migrated, MigrationError<E>> {
    let latest = latest(steps);
    let found: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(MigrationError::Version)?;
    let from = u32::try_from(found).map_err(|_| MigrationError::UnknownVersion { found })?;
    if from > latest {
        return Err(MigrationError::TooNew {
            found: from,
            latest,
        });
    }
    if from == latest {
        return Ok(Migrated::AlreadyCurrent { version: from });
    }
    for (step, version) in steps.iter().zip(1..).filter(|(_, v)| *v > from) {
        match step {
            Step::Sql(sql) => tx
                .execute_batch(sql)
                .map_err(|source| MigrationError::Sql { version, source })?,
            Step::Code(run) => {
                run(tx).map_err(|source| MigrationError::Code { version, source })?
            }
        }
    }
    tx.pragma_update(None, "user_version", latest)
        .map_err(MigrationError::Version)?;
    Ok(Migrated::Upgraded { from, to: latest })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use rusqlite::{Connection, TransactionBehavior};

    use super::*;

    fn count_notes(tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let notes: i64 = tx.query_row("SELECT count(*) FROM notes", [], |r| r.get(0))?;
        tx.execute("INSERT INTO counts (notes) VALUES (?1)", [notes])?;
        Ok(())
    }

    fn fail(tx: &Transaction<'_>) -> rusqlite::Result<()> {
        tx.execute_batch("INSERT INTO no_such_table VALUES (1)")
    }

    const NOTES: &str = "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('a'), ('b');";
    const COUNTS: &str = "CREATE TABLE counts (notes INTEGER NOT NULL);";

    /// Notes, a count table, then a code step counting the notes the first step wrote.
    const STEPS: &[Step<rusqlite::Error>] =
        &[Step::Sql(NOTES), Step::Sql(COUNTS), Step::Code(count_notes)];

    fn run(conn: &mut Connection, steps: &[Step<rusqlite::Error>]) -> Migrated {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let done = run_pending(&tx, steps).unwrap();
        tx.commit().unwrap();
        done
    }

    fn run_failing(
        conn: &mut Connection,
        steps: &[Step<rusqlite::Error>],
    ) -> MigrationError<rusqlite::Error> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        run_pending(&tx, steps).unwrap_err()
    }

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    fn tables(conn: &Connection) -> Vec<String> {
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_new_database_gets_every_step_and_the_newest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(run(&mut conn, STEPS), Migrated::Upgraded { from: 0, to: 3 });
        assert_eq!(version(&conn), 3);
        assert_eq!(tables(&conn), ["counts", "notes"]);
    }

    #[test]
    fn running_again_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn, STEPS);
        assert_eq!(
            run(&mut conn, STEPS),
            Migrated::AlreadyCurrent { version: 3 }
        );
        let counted: i64 = conn
            .query_row("SELECT count(*) FROM counts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(counted, 1, "the code step ran once");
    }

    #[test]
    fn an_older_database_gets_only_the_steps_it_lacks() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn, &STEPS[..1]);
        conn.execute("INSERT INTO notes VALUES ('c')", []).unwrap();
        assert_eq!(run(&mut conn, STEPS), Migrated::Upgraded { from: 1, to: 3 });
        let notes: i64 = conn
            .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(notes, 3, "step 1 did not run again");
    }

    #[test]
    fn a_code_step_sees_the_tables_of_the_steps_before_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn, STEPS);
        let counted: i64 = conn
            .query_row("SELECT notes FROM counts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(counted, 2);
    }

    #[test]
    fn a_newer_database_is_refused_with_both_versions_and_left_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 7).unwrap();
        let err = run_failing(&mut conn, STEPS);
        assert!(
            matches!(
                err,
                MigrationError::TooNew {
                    found: 7,
                    latest: 3
                }
            ),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("version 7") && text.contains("version 3"),
            "{text}"
        );
        assert_eq!(version(&conn), 7);
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn a_negative_version_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        let err = run_failing(&mut conn, STEPS);
        assert!(
            matches!(err, MigrationError::UnknownVersion { found: -1 }),
            "{err:?}"
        );
    }

    #[test]
    fn a_failing_sql_step_undoes_the_steps_before_it_and_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps: &[Step<rusqlite::Error>] = &[
            Step::Sql(NOTES),
            Step::Sql(COUNTS),
            Step::Sql("INSERT INTO no_such_table VALUES (1);"),
        ];
        let err = run_failing(&mut conn, steps);
        assert!(
            matches!(err, MigrationError::Sql { version: 3, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("layout version 3"), "{err}");
        assert_eq!(version(&conn), 0);
        assert!(tables(&conn).is_empty(), "{:?}", tables(&conn));
    }

    #[test]
    fn a_failing_code_step_undoes_the_steps_before_it_and_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn, &STEPS[..1]);
        let steps: &[Step<rusqlite::Error>] =
            &[Step::Sql(NOTES), Step::Sql(COUNTS), Step::Code(fail)];
        let err = run_failing(&mut conn, steps);
        assert!(
            matches!(err, MigrationError::Code { version: 3, .. }),
            "{err:?}"
        );
        assert_eq!(version(&conn), 1);
        assert_eq!(tables(&conn), ["notes"]);
    }
}

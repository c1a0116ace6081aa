//! Background compaction: a document's appended change rows are replaced by one full save
//! once there are more than `min_rows` of them, so loading a document stays one read of a
//! compact snapshot plus a few recent changes. The document's state (heads, content) is
//! unchanged; the store checks that before replacing anything. The same periodic task deletes
//! abandoned partial photo uploads ([`crate::blobs::upload_sweep`]).

use std::sync::Arc;
use std::time::SystemTime;

use tokio::task::JoinHandle;

use crate::blobs::upload_sweep::UploadSweep;
use crate::kernel::config::Compaction;
use crate::store::documents;
use crate::store::{CaseStore, StoreResult};

/// Compacts every document with more than `min_rows` change rows; returns how many were
/// compacted. A document that fails is logged and left as it is.
///
/// # Errors
/// When the candidates cannot be listed.
pub fn compact_all(store: &dyn CaseStore, min_rows: usize) -> StoreResult<usize> {
    let mut done = 0;
    for id in store.read(|tx| documents::compaction_candidates(tx, min_rows))? {
        match store.write(|tx| documents::compact(tx, id)) {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(case = %id, "compaction failed, kept the change rows: {e}"),
        }
    }
    Ok(done)
}

/// Starts the periodic compaction task, if an interval is configured; each run also deletes
/// the abandoned uploads `sweep` finds.
pub fn spawn(
    store: Arc<dyn CaseStore>,
    config: Compaction,
    sweep: UploadSweep,
) -> Option<JoinHandle<()>> {
    let period = config.interval?;
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is immediate; start one period after start-up
        loop {
            ticks.tick().await;
            let store = store.clone();
            let sweep = sweep.clone();
            let run = tokio::task::spawn_blocking(move || {
                let compacted = compact_all(store.as_ref(), config.min_rows);
                let swept = sweep.run(store.as_ref(), SystemTime::now());
                (compacted, swept)
            });
            let Ok((compacted, swept)) = run.await.inspect_err(|e| {
                tracing::error!("compaction task failed: {e}");
            }) else {
                continue;
            };
            match compacted {
                Ok(0) => {}
                Ok(n) => tracing::info!(documents = n, "compacted"),
                Err(e) => tracing::error!("compaction failed: {e}"),
            }
            match swept {
                Ok(0) => {}
                Ok(n) => tracing::info!(uploads = n, "deleted abandoned partial uploads"),
                Err(e) => tracing::error!("looking for abandoned uploads failed: {e}"),
            }
        }
    }))
}

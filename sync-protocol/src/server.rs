//! The server's half of a round.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::AutoCommit;
use schema::CaseId;

use crate::intake::RoundBudget;
use crate::replica::{Arrival, Received, Replica, Replicas};
use crate::wire::{
    DocMessage, DocRejection, Limits, PROTOCOL_VERSION, RejectReason, SyncRequest, SyncResponse,
};

/// What the server's adapter decides, asked by [`serve`] at the right moments.
pub trait Policy {
    /// Whether the device may sync `doc` at all. `None` means yes; otherwise the detail for
    /// the rejection. Asked before a message is applied, so a forbidden document is never
    /// touched.
    fn admit(&self, doc: CaseId) -> Option<String>;

    /// Whether the document, after applying the device's changes, is one the device may have
    /// written (e.g. still a case of the device's tenant, with the same id). `None` means yes.
    /// A refused document is not persisted and the device is told why. `received` says what
    /// the message changed when the replica records patches ([`Replica::record_patches`]);
    /// `arrived` lists the changes it added.
    fn accept(
        &self,
        doc: CaseId,
        after: &AutoCommit,
        received: Option<&Received>,
        arrived: &[Arrival],
    ) -> Option<String>;
}

/// One piece of a round's work, for [`Workers::run`].
pub type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// How the adapter runs independent pieces of a round's work. The core starts no threads:
/// it cuts a large request into pieces and hands them here, so the server can spread them
/// over its cores while tests run them one after the other.
pub trait Workers: Sync {
    /// How many pieces are worth making: the threads the adapter can run them on.
    fn count(&self) -> usize;

    /// Runs every job and returns their results in the jobs' order. A job that panics may
    /// fail the whole call, as it would in one thread.
    fn run<'a, T: Send + 'a>(&self, jobs: Vec<Job<'a, T>>) -> Vec<T>;
}

/// Applies a request's messages to the loaded `replicas`, then generates replies, and offers
/// from `offers` (documents visible to the device that changed since it last saw them) as many
/// as fit in `limits`, skipping documents already in the request.
///
/// The adapter must have loaded a replica for every admitted document of the request (an
/// empty one for a new case) and for every offer; documents without a replica are rejected as
/// forbidden. Afterwards it persists the replicas marked `changed` whose `failed` is `None`,
/// and the sync state of every replica it loaded.
///
/// Documents are independent, so a large request (an initial sync) is cut into as many
/// pieces as `workers` has threads; the response lists the outcomes in request order either
/// way.
pub fn serve(
    request: &SyncRequest,
    replicas: &mut Replicas,
    offers: &[CaseId],
    policy: &(impl Policy + Sync),
    limits: &Limits,
    workers: &impl Workers,
) -> SyncResponse {
    let mut response = SyncResponse {
        protocol: PROTOCOL_VERSION,
        ..SyncResponse::default()
    };
    // Each document's messages in request order (a repeated document keeps its order).
    let mut by_doc: BTreeMap<CaseId, Vec<(usize, &[u8])>> = BTreeMap::new();
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(request.docs.len());
    // Every message is measured before any is applied, so the round's memory is bounded
    // whatever the workers run at once.
    let mut budget = RoundBudget::new(limits);
    for (index, DocMessage { doc, message }) in request.docs.iter().enumerate() {
        if let Some(detail) = policy.admit(*doc) {
            outcomes.push(Some(Outcome::Rejected(RejectReason::Forbidden, detail)));
        } else if !replicas.contains_key(doc) {
            outcomes.push(Some(Outcome::Rejected(
                RejectReason::Forbidden,
                "this case is not available to this device".into(),
            )));
        } else if let Err(refused) = budget.admit(message) {
            outcomes.push(Some(Outcome::Rejected(
                refused.reason(),
                refused.to_string(),
            )));
        } else {
            outcomes.push(None);
            by_doc.entry(*doc).or_default().push((index, message));
        }
    }
    let work: Vec<DocWork<'_>> = replicas
        .iter_mut()
        .filter_map(|(doc, replica)| by_doc.remove(doc).map(|m| (*doc, replica, m)))
        .collect();
    for (index, outcome) in apply_all(work, policy, limits, workers) {
        if let Some(slot) = outcomes.get_mut(index) {
            *slot = Some(outcome);
        }
    }
    for (DocMessage { doc, .. }, outcome) in request.docs.iter().zip(outcomes) {
        match outcome {
            Some(Outcome::Reply(message)) => response.docs.push(DocMessage { doc: *doc, message }),
            Some(Outcome::Rejected(reason, detail)) => response.rejected.push(DocRejection {
                doc: *doc,
                reason,
                detail,
            }),
            Some(Outcome::Quiet) | None => {}
        }
    }
    let answered: BTreeSet<CaseId> = request.docs.iter().map(|m| m.doc).collect();
    let room = limits
        .max_documents
        .saturating_sub(response.docs.len() + response.rejected.len());
    let mut pending_offers = offers.iter().filter(|doc| !answered.contains(doc));
    for doc in pending_offers.by_ref().take(room) {
        if let Some(replica) = replicas.get_mut(doc)
            && let Some(message) = replica.generate()
        {
            response.docs.push(DocMessage { doc: *doc, message });
        }
    }
    response.more = pending_offers.next().is_some();
    response
}

/// One document's replica with its messages, each with its index in the request.
type DocWork<'a> = (CaseId, &'a mut Replica, Vec<(usize, &'a [u8])>);

/// What one message of the request came to.
enum Outcome {
    /// Applied; the reply for the device.
    Reply(Vec<u8>),
    /// Applied; nothing to say back.
    Quiet,
    /// Not applied, with the reason and a plain explanation.
    Rejected(RejectReason, String),
}

/// Below this many documents a request is worked on in the calling thread: starting threads
/// costs more than it saves, and small rounds of many devices already keep the cores busy.
const PARALLEL_FROM_DOCS: usize = 32;

/// Applies every document's messages, cut into one piece per worker for a large request;
/// returns each message's outcome by its index in the request.
fn apply_all(
    work: Vec<DocWork<'_>>,
    policy: &(impl Policy + Sync),
    limits: &Limits,
    workers: &impl Workers,
) -> Vec<(usize, Outcome)> {
    let pieces = workers.count();
    if pieces < 2 || work.len() < PARALLEL_FROM_DOCS {
        return apply_docs(work, policy, limits);
    }
    let per_piece = work.len().div_ceil(pieces);
    let mut jobs: Vec<Job<'_, Vec<(usize, Outcome)>>> = Vec::with_capacity(pieces);
    let mut work = work.into_iter().peekable();
    while work.peek().is_some() {
        let chunk: Vec<_> = work.by_ref().take(per_piece).collect();
        jobs.push(Box::new(move || apply_docs(chunk, policy, limits)));
    }
    workers.run(jobs).into_iter().flatten().collect()
}

fn apply_docs(
    work: Vec<DocWork<'_>>,
    policy: &impl Policy,
    limits: &Limits,
) -> Vec<(usize, Outcome)> {
    let mut outcomes = Vec::new();
    for (doc, replica, messages) in work {
        for (index, message) in messages {
            outcomes.push((index, apply_one(doc, replica, message, policy, limits)));
        }
    }
    outcomes
}

fn apply_one(
    doc: CaseId,
    replica: &mut Replica,
    message: &[u8],
    policy: &impl Policy,
    limits: &Limits,
) -> Outcome {
    if let Err((reason, detail)) = replica.apply_inspected(message, limits.max_depth) {
        return Outcome::Rejected(reason, detail);
    }
    if replica.changed {
        let verdict = catch_unwind(AssertUnwindSafe(|| {
            policy.accept(
                doc,
                &replica.doc,
                replica.received.as_ref(),
                &replica.arrived,
            )
        }))
        .unwrap_or_else(|_| Some("checking the changed case failed inside the server".into()));
        if let Some(detail) = verdict {
            replica.failed = Some(detail.clone());
            return Outcome::Rejected(RejectReason::Refused, detail);
        }
    }
    replica.generate().map_or(Outcome::Quiet, Outcome::Reply)
}

//! [`SyncBodies`]: sync request bodies on their way in, kept within bounds before their round
//! takes a turn ([`super::state::SyncRounds`]).
//!
//! A body is up to `Limits::max_body_bytes` (32 MiB). Read whole before any limit applied,
//! a crowd of clients that each announce that much and trickle it would hold the server's
//! memory and tasks for as long as they like. So a body is received only with a place
//! (`kernel::admission`: so many bodies at once, two per device), under the pace every body
//! keeps (`kernel::body_pace`), and its bytes are counted against one budget for all bodies
//! held — received or waiting for their round — as they arrive, never reserved in advance
//! from what a client announces. A body that finds the budget spent is refused (503, try
//! again) rather than queued: what it holds is given back at once.

use std::sync::Arc;

use axum::body::{Bytes, HttpBody};
use bytes::BytesMut;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::kernel::AppError;
use crate::kernel::admission::{Admission, Place, RETRY_AFTER};
use crate::kernel::body_pace::{BodyPace, PacedBody};
use crate::kernel::config::Traffic;

/// Sync bodies being received and held (see the module documentation).
#[derive(Clone, Debug)]
pub struct SyncBodies {
    places: Admission,
    budget: Arc<Semaphore>,
    budget_bytes: usize,
    pace: BodyPace,
    max_body: usize,
}

/// A whole sync body, holding its place and its share of the budget until it is dropped.
#[derive(Debug)]
pub struct SyncBody {
    /// The body's bytes.
    pub bytes: Bytes,
    _place: Place,
    _budget: Option<OwnedSemaphorePermit>,
}

impl SyncBodies {
    /// Bodies of at most `max_body` bytes, within the bounds of `traffic`.
    pub fn new(traffic: &Traffic, max_body: usize) -> Self {
        let budget_bytes = traffic.sync_body_budget.min(Semaphore::MAX_PERMITS);
        Self {
            places: Admission::new("sync requests", traffic.sync_bodies, traffic.per_device),
            budget: Arc::new(Semaphore::new(budget_bytes)),
            budget_bytes,
            pace: traffic.body_pace,
            max_body,
        }
    }

    /// Receives the body of a sync request from `device`, which announced `declared` bytes
    /// (its `Content-Length`, if any).
    ///
    /// # Errors
    /// [`AppError::PayloadTooLarge`] for a body over the limit (before reading, when it says
    /// so); [`AppError::ClientBusy`] or [`AppError::ServerBusy`] without a place or when the
    /// budget is spent; [`AppError::BodyTooSlow`] and [`AppError::BadRequest`] from reading.
    pub async fn receive<B>(
        &self,
        device: &str,
        declared: Option<u64>,
        body: B,
    ) -> Result<SyncBody, AppError>
    where
        B: HttpBody<Data = Bytes> + Unpin,
        B::Error: std::fmt::Display,
    {
        if declared.is_some_and(|n| n > self.max_body as u64) {
            return Err(self.too_large());
        }
        let place = self.places.admit(device)?;
        let mut body = PacedBody::new(body, self.pace);
        let mut bytes = BytesMut::new();
        let mut budget: Option<OwnedSemaphorePermit> = None;
        while let Some(data) = body.next_data().await? {
            if bytes.len().saturating_add(data.len()) > self.max_body {
                return Err(self.too_large());
            }
            let share = u32::try_from(data.len())
                .ok()
                .and_then(|n| self.budget.clone().try_acquire_many_owned(n).ok())
                .ok_or_else(|| self.spent())?;
            match &mut budget {
                Some(held) => held.merge(share),
                None => budget = Some(share),
            }
            bytes.extend_from_slice(&data);
        }
        Ok(SyncBody {
            bytes: bytes.freeze(),
            _place: place,
            _budget: budget,
        })
    }

    /// Bytes of the budget held now.
    pub fn held_bytes(&self) -> usize {
        self.budget_bytes
            .saturating_sub(self.budget.available_permits())
    }

    fn too_large(&self) -> AppError {
        AppError::PayloadTooLarge(format!(
            "the sync body is larger than the {} bytes allowed; sync fewer documents per request",
            self.max_body
        ))
    }

    fn spent(&self) -> AppError {
        AppError::ServerBusy {
            message: format!(
                "the server holds {} bytes of sync requests already, all it may; sync again in a \
                 moment",
                self.held_bytes()
            ),
            retry_after: RETRY_AFTER,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn bodies(budget: usize, max_body: usize) -> SyncBodies {
        let traffic = Traffic {
            sync_body_budget: budget,
            ..Traffic::default()
        };
        SyncBodies::new(&traffic, max_body)
    }

    #[tokio::test]
    async fn bodies_count_against_the_budget_while_held_and_give_it_back() {
        let bodies = bodies(1000, 800);
        let first = bodies
            .receive("a", None, Body::from(vec![1u8; 600]))
            .await
            .ok();
        assert_eq!(bodies.held_bytes(), 600);
        let refused = bodies.receive("b", None, Body::from(vec![2u8; 500])).await;
        assert!(
            matches!(&refused, Err(AppError::ServerBusy { message, .. }) if message.contains("600 bytes")),
            "{refused:?}"
        );
        assert_eq!(bodies.held_bytes(), 600, "a refused body holds nothing");
        drop(first);
        let second = bodies.receive("b", None, Body::from(vec![2u8; 500])).await;
        assert_eq!(second.ok().map(|b| b.bytes.len()), Some(500));
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_announced_or_not() {
        let bodies = bodies(10_000, 800);
        let announced = bodies.receive("a", Some(801), Body::empty()).await;
        assert!(matches!(announced, Err(AppError::PayloadTooLarge(_))));
        let unannounced = bodies.receive("a", None, Body::from(vec![0u8; 801])).await;
        assert!(matches!(unannounced, Err(AppError::PayloadTooLarge(_))));
        assert_eq!(bodies.held_bytes(), 0);
    }
}

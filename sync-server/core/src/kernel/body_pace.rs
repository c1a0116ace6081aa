//! [`BodyPace`]: how slowly a request body may arrive before the server stops waiting for it,
//! and [`PacedBody`], a body read under that pace.
//!
//! A client that opens a request and then trickles its body (or sends nothing) holds a
//! connection, a task and whatever the handler reserved for it — an upload slot, a part of
//! the sync body budget — for as long as it likes. Two bounds end that: nothing may arrive
//! for `idle`, and after a `grace` period the body must keep up an average of `min_rate`
//! bytes per second. A tablet on a poor mobile connection is far above both; an upload cut
//! off resumes where it broke off.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use axum::body::{Bytes, HttpBody};
use tokio::time::Instant;

use super::AppError;

/// A deadline that does not come in practice (a year), for bounds too long for the clock.
const NEVER: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// How slowly a body may arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyPace {
    /// Longest wait for the next bytes.
    pub idle: Duration,
    /// Bytes per second the body must average once `grace` has passed.
    pub min_rate: u64,
    /// Time at the start of a body in which no rate is asked for (a connection that is
    /// still opening up, a radio waking).
    pub grace: Duration,
}

impl Default for BodyPace {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30),
            min_rate: 1024,
            grace: Duration::from_secs(30),
        }
    }
}

impl BodyPace {
    /// When a body that began at `start` and has brought `received` bytes must have brought
    /// its next ones: the earlier of the idle bound and the moment its average falls below
    /// `min_rate` (counted after `grace`).
    fn deadline(&self, start: Instant, last: Instant, received: u64) -> Instant {
        // Checked throughout: a configured or earned time too long for the clock means "no
        // bound from this side", never a panic.
        let never = last + NEVER;
        let idle = last.checked_add(self.idle).unwrap_or(never);
        if self.min_rate == 0 {
            return idle;
        }
        let earned = Duration::try_from_secs_f64(received as f64 / self.min_rate as f64)
            .unwrap_or(Duration::MAX);
        let behind = start
            .checked_add(self.grace.saturating_add(earned))
            .unwrap_or(never);
        idle.min(behind)
    }
}

/// A request body read frame by frame under a [`BodyPace`].
pub struct PacedBody<B> {
    body: B,
    pace: BodyPace,
    start: Instant,
    last: Instant,
    received: u64,
}

impl<B> PacedBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    /// Starts the clock for `body`.
    pub fn new(body: B, pace: BodyPace) -> Self {
        let now = Instant::now();
        Self {
            body,
            pace,
            start: now,
            last: now,
            received: 0,
        }
    }

    /// Bytes read so far.
    #[cfg(test)]
    fn received(&self) -> u64 {
        self.received
    }

    /// The next bytes of the body, `None` at its end (trailers are skipped).
    ///
    /// # Errors
    /// [`AppError::BodyTooSlow`] when the pace is not kept, [`AppError::BadRequest`] when
    /// the body breaks off.
    pub async fn next_data(&mut self) -> Result<Option<Bytes>, AppError> {
        loop {
            let deadline = self.pace.deadline(self.start, self.last, self.received);
            let frame = tokio::time::timeout_at(
                deadline,
                poll_fn(|cx| Pin::new(&mut self.body).poll_frame(cx)),
            )
            .await
            .map_err(|_| self.too_slow())?;
            let Some(frame) = frame else {
                return Ok(None);
            };
            let frame = frame.map_err(|e| {
                AppError::BadRequest(format!(
                    "the body broke off after {} bytes: {e}",
                    self.received
                ))
            })?;
            let Ok(data) = frame.into_data() else {
                continue; // trailers
            };
            self.last = Instant::now();
            self.received = self
                .received
                .saturating_add(u64::try_from(data.len()).unwrap_or(u64::MAX));
            return Ok(Some(data));
        }
    }

    fn too_slow(&self) -> AppError {
        let now = Instant::now();
        if now.duration_since(self.last) >= self.pace.idle {
            AppError::BodyTooSlow(format!(
                "nothing of the body arrived for {} s after {} bytes; send it again over a better \
                 connection",
                self.pace.idle.as_secs(),
                self.received
            ))
        } else {
            AppError::BodyTooSlow(format!(
                "the body arrived too slowly: {} bytes in {} s, the server needs {} bytes per \
                 second; send it again over a better connection",
                self.received,
                now.duration_since(self.start).as_secs(),
                self.pace.min_rate
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::task::{Context, Poll, ready};

    use hyper::body::Frame;

    /// A body that yields `piece` every `every`, `left` times.
    struct Trickle {
        piece: &'static [u8],
        every: Duration,
        left: usize,
        sleep: Pin<Box<tokio::time::Sleep>>,
    }

    fn trickle(piece: &'static [u8], every: Duration, left: usize) -> Trickle {
        Trickle {
            piece,
            every,
            left,
            sleep: Box::pin(tokio::time::sleep(every)),
        }
    }

    impl HttpBody for Trickle {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            if self.left == 0 {
                return Poll::Ready(None);
            }
            ready!(self.sleep.as_mut().poll(cx));
            self.left -= 1;
            let next = Instant::now() + self.every;
            self.sleep.as_mut().reset(next);
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(self.piece)))))
        }
    }

    fn pace() -> BodyPace {
        BodyPace {
            idle: Duration::from_secs(10),
            min_rate: 100,
            grace: Duration::from_secs(5),
        }
    }

    async fn read_all(body: Trickle, pace: BodyPace) -> Result<u64, AppError> {
        let mut paced = PacedBody::new(body, pace);
        while paced.next_data().await?.is_some() {}
        Ok(paced.received())
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_keeps_the_pace_is_read_whole() {
        // 200 bytes per second, for a minute.
        let body = trickle(&[7; 200], Duration::from_secs(1), 60);
        assert_eq!(read_all(body, pace()).await.ok(), Some(12_000));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_stops_is_cut_off_after_the_idle_time() {
        // Within the grace, where only the idle bound applies.
        let pace = BodyPace {
            idle: Duration::from_secs(3),
            ..pace()
        };
        let body = trickle(&[7; 10_000], Duration::from_secs(4), 2);
        let err = read_all(body, pace).await.err();
        assert!(
            matches!(&err, Some(AppError::BodyTooSlow(m)) if m.contains("nothing of the body arrived for 3 s after 0 bytes")),
            "{err:?}"
        );
    }

    #[test]
    fn bounds_too_long_for_the_clock_are_no_bounds_not_a_panic() {
        let pace = BodyPace {
            idle: Duration::MAX,
            min_rate: 1,
            grace: Duration::MAX,
        };
        let now = Instant::now();
        let deadline = pace.deadline(now, now, u64::MAX);
        assert!(deadline >= now + NEVER);
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickle_is_cut_off_once_its_average_falls_below_the_rate() {
        // 10 bytes every second: within the idle time, but a tenth of the rate.
        let body = trickle(&[7; 10], Duration::from_secs(1), 1000);
        let started = Instant::now();
        let err = read_all(body, pace()).await.err();
        assert!(
            matches!(&err, Some(AppError::BodyTooSlow(m)) if m.contains("too slowly")),
            "{err:?}"
        );
        // After the grace, 10 bytes/s earns a tenth of a second each: cut off at about 5.6 s.
        let took = started.elapsed();
        assert!(
            took > Duration::from_secs(5) && took < Duration::from_secs(7),
            "{took:?}"
        );
    }
}

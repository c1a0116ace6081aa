//! Where the tablet is: the device position for the forms' position fields.
//!
//! Officers' Linux tablets with a GNSS module run gpsd, which owns the receiver and serves its
//! reports as JSON lines over TCP. [`GpsdFeed`] follows them on a thread of its own and keeps
//! the latest [`FixState`]; the UI only reads that (a mutex held for a copy), so a missing,
//! slow or hung gpsd never blocks a frame. Without a fix the officer types the position.

mod gpsd;

pub use gpsd::GpsdFeed;

use schema::GpsPoint;

/// Where gpsd listens unless told otherwise (its standard port on the local machine).
pub const DEFAULT_GPSD: &str = "127.0.0.1:2947";

/// What the tablet knows about its position right now.
#[derive(Debug, Clone, PartialEq)]
pub enum FixState {
    /// No position source is configured (tests, a desktop without gpsd configured).
    NoSource,
    /// gpsd cannot be reached (not running, wrong address); retried in the background.
    Unreachable {
        /// The address tried.
        address: String,
        /// What the connection attempt reported.
        detail: String,
    },
    /// gpsd answers but the receiver has no (recent) 2D or 3D fix: under a roof, just
    /// switched on, or the receiver unplugged.
    NoFix,
    /// A 2D or 3D fix, with the error estimate gpsd gave, if any.
    Fix(GpsPoint),
}

impl FixState {
    /// The position to prefill, when there is a fix.
    pub fn point(&self) -> Option<GpsPoint> {
        match self {
            FixState::Fix(p) => Some(*p),
            _ => None,
        }
    }
}

//! Following gpsd: connect, ask for JSON reports with `?WATCH`, read them line by line and
//! keep what the TPV (time-position-velocity) reports say. gpsd's report types come from the
//! `gpsd_proto` crate; the connection is a plain blocking socket on a thread of its own.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use gpsd_proto::{Mode, Tpv};
use schema::GpsPoint;

use super::FixState;

/// How long a connection attempt may take; gpsd runs on the tablet itself, so this is short.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a waiting read wakes up to see whether the feed was dropped.
const READ_TICK: Duration = Duration::from_millis(250);
/// The pause before connecting again after gpsd went away or could not be reached.
const RETRY_AFTER: Duration = Duration::from_secs(3);
/// A fix older than this no longer counts: gpsd reports about once a second while it has a
/// fix, so silence means the receiver is gone, and an old position would be prefilled as the
/// place of a new inspection.
const FIX_MAX_AGE: Duration = Duration::from_secs(10);
/// The longest report line accepted; gpsd's longest (a SKY report with many satellites) are a
/// few kilobytes, so anything far beyond is not gpsd and the connection is dropped.
const MAX_LINE: usize = 64 * 1024;
/// Asks gpsd to stream its reports as JSON objects, one a line.
const WATCH: &[u8] = b"?WATCH={\"enable\":true,\"json\":true};\n";

/// The latest state, shared between the feed's thread and its readers.
#[derive(Debug)]
struct Shared {
    state: FixState,
    /// When the last fix arrived (for [`FIX_MAX_AGE`]).
    fix_at: Option<Instant>,
}

/// The device position as gpsd reports it, followed on a background thread that reconnects
/// on its own. Dropping the feed ends the thread within a fraction of a second.
#[derive(Debug)]
pub struct GpsdFeed {
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
}

impl GpsdFeed {
    /// Starts following gpsd at `address` (`host:port`, e.g. [`super::DEFAULT_GPSD`]).
    /// `wake` is called from the feed's thread whenever the state changes (the GUI passes its
    /// repaint request). Never blocks: the connection is made on the thread.
    pub fn start(address: &str, wake: impl Fn() + Send + 'static) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            state: FixState::NoFix,
            fix_at: None,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let feed = Self {
            shared: Arc::clone(&shared),
            stop: Arc::clone(&stop),
        };
        let thread_address = address.to_string();
        let started = std::thread::Builder::new()
            .name("gpsd".into())
            .spawn(move || follow(&thread_address, &shared, &stop, &wake));
        if let Err(e) = started {
            lock(&feed.shared).state = FixState::Unreachable {
                address: address.to_string(),
                detail: format!("the gpsd thread cannot start: {e}"),
            };
        }
        feed
    }

    /// The state now; a fix older than [`FIX_MAX_AGE`] counts as none.
    pub fn current(&self) -> FixState {
        let shared = lock(&self.shared);
        match (&shared.state, shared.fix_at) {
            (FixState::Fix(_), Some(at)) if at.elapsed() > FIX_MAX_AGE => FixState::NoFix,
            (state, _) => state.clone(),
        }
    }
}

impl GpsdFeed {
    /// Waits up to `timeout` for a fix (for the headless commands, which have no frames to
    /// wait in); returns the state at the end, or at once when gpsd cannot be reached (a
    /// script should not wait for a daemon that is not there). Polls, so it never waits much
    /// past `timeout`.
    pub fn wait_for_fix(&self, timeout: Duration) -> FixState {
        let deadline = Instant::now() + timeout;
        loop {
            let state = self.current();
            let settled = matches!(state, FixState::Fix(_) | FixState::Unreachable { .. });
            if settled || Instant::now() >= deadline {
                return state;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for GpsdFeed {
    fn drop(&mut self) {
        // Not joined: the thread may be inside a connection attempt, and the UI thread must
        // not wait for it. It sees the flag at its next tick and ends.
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A poisoned lock only means a panic elsewhere; the state inside is still a whole value.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The feed's thread: one connection after another until the feed is dropped.
fn follow(address: &str, shared: &Mutex<Shared>, stop: &AtomicBool, wake: &dyn Fn()) {
    while !stop.load(Ordering::Relaxed) {
        if let Err(detail) = session(address, shared, stop, wake) {
            tracing::debug!(%address, %detail, "gpsd not available");
            let state = FixState::Unreachable {
                address: address.to_string(),
                detail,
            };
            set(shared, wake, state);
        }
        let until = Instant::now() + RETRY_AFTER;
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(READ_TICK);
        }
    }
}

/// One connection to gpsd, read until it ends (`Err` with why) or the feed is dropped.
fn session(
    address: &str,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
    wake: &dyn Fn(),
) -> Result<(), String> {
    let mut stream = connect(address)?;
    stream
        .set_read_timeout(Some(READ_TICK))
        .map_err(|e| e.to_string())?;
    stream.write_all(WATCH).map_err(|e| e.to_string())?;
    // Connected: no fix until a report says otherwise.
    set(shared, wake, FixState::NoFix);
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        // A read that times out keeps the bytes it got in `line`; the next one goes on.
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return Err("gpsd closed the connection".into()),
            Ok(_) if line.ends_with(b"\n") => {
                if let Some(state) = fix_from_tpv_line(&line) {
                    set(shared, wake, state);
                }
                line.clear();
            }
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
        if line.len() > MAX_LINE {
            return Err(format!(
                "a report line longer than {MAX_LINE} bytes; is {address} really gpsd?"
            ));
        }
    }
    Ok(())
}

fn connect(address: &str) -> Result<TcpStream, String> {
    let mut last = format!("{address} resolves to no address");
    for addr in address.to_socket_addrs().map_err(|e| e.to_string())? {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// Records `state` and wakes the reader when it changed.
fn set(shared: &Mutex<Shared>, wake: &dyn Fn(), state: FixState) {
    let mut s = lock(shared);
    if matches!(state, FixState::Fix(_)) {
        s.fix_at = Some(Instant::now());
    }
    if s.state != state {
        s.state = state;
        drop(s);
        wake();
    }
}

/// What one report line says about the fix: `None` for other reports (VERSION, DEVICES,
/// WATCH, SKY, …) and for lines that are not JSON, which are skipped.
fn fix_from_tpv_line(line: &[u8]) -> Option<FixState> {
    #[derive(serde::Deserialize)]
    struct Class {
        class: String,
    }
    let class: Class = serde_json::from_slice(line).ok()?;
    if class.class != "TPV" {
        return None;
    }
    match serde_json::from_slice::<Tpv>(line) {
        Ok(tpv) => Some(fix_from_tpv(&tpv)),
        // A TPV without a readable mode says nothing about the fix.
        Err(_) => None,
    }
}

/// A TPV report as a fix: mode 2 (2D) or 3 (3D) with a position in range.
fn fix_from_tpv(tpv: &Tpv) -> FixState {
    if matches!(tpv.mode, Mode::NoFix) {
        return FixState::NoFix;
    }
    let (Some(lat), Some(lon)) = (tpv.lat, tpv.lon) else {
        return FixState::NoFix;
    };
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return FixState::NoFix;
    }
    // gpsd's horizontal error estimate, else the larger of its per-axis (95 %) estimates. Both
    // are at least the 68 % radius the schema asks for, so the accuracy shown errs on the
    // cautious side. Rounded to centimetres: gpsd_proto reads them as f32, and 7.2 should not
    // be stored as 7.199999809265137.
    let accuracy_m = tpv
        .eph
        .or_else(|| match (tpv.epx, tpv.epy) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        })
        .map(|m| (f64::from(m) * 100.0).round() / 100.0)
        .filter(|m| m.is_finite() && *m >= 0.0);
    FixState::Fix(GpsPoint {
        lat,
        lon,
        accuracy_m,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Read;
    use std::net::TcpListener;
    use std::sync::mpsc;

    use super::*;

    const VERSION: &str =
        r#"{"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14}"#;
    const NO_FIX: &str = r#"{"class":"TPV","device":"/dev/ttyACM0","mode":1}"#;
    const FIX_3D: &str = r#"{"class":"TPV","device":"/dev/ttyACM0","status":2,"mode":3,"time":"2026-11-23T18:00:00.000Z","ept":0.005,"lat":52.520008,"lon":13.404954,"altHAE":80.1,"epx":4.1,"epy":5.2,"eph":6.5,"speed":0.0}"#;

    #[test]
    fn tpv_reports_become_fix_states() {
        assert_eq!(fix_from_tpv_line(VERSION.as_bytes()), None);
        assert_eq!(fix_from_tpv_line(b"not json\n"), None);
        assert_eq!(fix_from_tpv_line(br#"{"class":"TPV"}"#), None, "no mode");
        assert_eq!(fix_from_tpv_line(NO_FIX.as_bytes()), Some(FixState::NoFix));
        assert_eq!(
            fix_from_tpv_line(FIX_3D.as_bytes()),
            Some(FixState::Fix(GpsPoint {
                lat: 52.520008,
                lon: 13.404954,
                accuracy_m: Some(6.5)
            }))
        );
        let fix_2d = br#"{"class":"TPV","mode":2,"lat":48.1,"lon":11.5,"epx":3.0,"epy":7.0}"#;
        assert_eq!(
            fix_from_tpv_line(fix_2d),
            Some(FixState::Fix(GpsPoint {
                lat: 48.1,
                lon: 11.5,
                accuracy_m: Some(7.0)
            }))
        );
        let no_error = br#"{"class":"TPV","mode":2,"lat":48.1,"lon":11.5}"#;
        assert_eq!(
            fix_from_tpv_line(no_error).and_then(|s| s.point()),
            Some(GpsPoint {
                lat: 48.1,
                lon: 11.5,
                accuracy_m: None
            })
        );
        let out_of_range = br#"{"class":"TPV","mode":3,"lat":123.0,"lon":11.5}"#;
        assert_eq!(fix_from_tpv_line(out_of_range), Some(FixState::NoFix));
        let mode_without_position = br#"{"class":"TPV","mode":3}"#;
        assert_eq!(
            fix_from_tpv_line(mode_without_position),
            Some(FixState::NoFix)
        );
    }

    /// Waits until the feed reports what `wanted` accepts (the thread works on its own time).
    fn wait_for(feed: &GpsdFeed, wanted: impl Fn(&FixState) -> bool) -> FixState {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let state = feed.current();
            if wanted(&state) {
                return state;
            }
            assert!(Instant::now() < deadline, "still {state:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn the_feed_watches_a_fake_gpsd_and_follows_its_fix() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let (commands, command) = mpsc::channel();
        let (go_on, proceed) = mpsc::channel::<()>();
        let gpsd = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            socket.write_all(format!("{VERSION}\n").as_bytes()).unwrap();
            let mut watch = [0u8; 64];
            let n = socket.read(&mut watch).unwrap();
            commands
                .send(String::from_utf8_lossy(&watch[..n]).into_owned())
                .unwrap();
            socket.write_all(format!("{NO_FIX}\n").as_bytes()).unwrap();
            proceed.recv().unwrap();
            // A report split over two writes, as TCP may deliver it.
            let (a, b) = FIX_3D.split_at(40);
            socket.write_all(a.as_bytes()).unwrap();
            socket.flush().unwrap();
            std::thread::sleep(READ_TICK * 2);
            socket.write_all(format!("{b}\n").as_bytes()).unwrap();
            proceed.recv().unwrap();
        });
        let (woken, wakes) = mpsc::channel();
        let feed = GpsdFeed::start(&address, move || {
            let _ = woken.send(());
        });
        let watch = command.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(
            watch.starts_with(r#"?WATCH={"enable":true,"json":true}"#),
            "{watch}"
        );
        wait_for(&feed, |s| *s == FixState::NoFix);
        go_on.send(()).unwrap();
        let fix = wait_for(&feed, |s| matches!(s, FixState::Fix(_)));
        assert_eq!(
            fix.point(),
            Some(GpsPoint {
                lat: 52.520008,
                lon: 13.404954,
                accuracy_m: Some(6.5)
            })
        );
        assert!(wakes.try_recv().is_ok(), "the UI was woken");
        // gpsd goes away: the feed says so and stops offering the old position.
        go_on.send(()).unwrap();
        gpsd.join().unwrap();
        let gone = wait_for(&feed, |s| matches!(s, FixState::Unreachable { .. }));
        assert_eq!(gone.point(), None);
    }

    #[test]
    fn an_unreachable_gpsd_is_reported_and_never_blocks_the_caller() {
        // A port nobody listens on: bound, then released.
        let address = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().to_string()
        };
        let started = Instant::now();
        let feed = GpsdFeed::start(&address, || {});
        let _ = feed.current();
        assert!(started.elapsed() < Duration::from_millis(500));
        match wait_for(&feed, |s| matches!(s, FixState::Unreachable { .. })) {
            FixState::Unreachable { address: a, .. } => assert_eq!(a, address),
            other => panic!("{other:?}"),
        }
    }
}

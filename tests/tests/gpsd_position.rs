//! The device position from a real gpsd: gpsd reads NMEA sentences of a simulated GNSS
//! receiver (a TCP listener of this test, what `gpsd tcp://HOST:PORT` reads like a serial
//! device), and the tablet library's feed and the `field-app new-case` command take its fix.
//!
//! The test runs the real `gpsd` (Debian package `gpsd`; `cargo xtask test` installs it). It
//! looks for it in `NAPER_GPSD_BIN`, then on `PATH`, then in `/usr/sbin` (where Debian puts
//! it, outside a normal user's `PATH`), and fails with that advice when it is not there.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use field_app::LocalStore;
use field_app::position::{FixState, GpsdFeed};
use field_app::store::enrollment::Enrollment;
use naper_tests::{Tablet, free_loopback_addr};
use schema::FieldValue;

/// The simulated receiver's position: 52° 30.978' N, 13° 22.662' E.
const LAT: f64 = 52.5163;
const LON: f64 = 13.3777;

const TEMPLATE: &str = r#"{"id":"where","version":1,"category":"test",
  "title":{"de":"Ort","en":"Place"},
  "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
    {"key":"at","type":"gps_point","label":{"de":"Standort","en":"Position"},"prefill":"device_position"}]}]}"#;

/// The gpsd binary, or a failure that says how to get it (never a silent skip).
fn gpsd_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NAPER_GPSD_BIN") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join("gpsd"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "gpsd is not installed, and this test runs the real gpsd: install the Debian \
                 package `gpsd` (`cargo xtask test` does), or set NAPER_GPSD_BIN to its binary"
            )
        })
}

/// A running process, killed when the test ends however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One NMEA sentence with its checksum (XOR of the bytes between `$` and `*`).
fn sentence(body: &str) -> String {
    let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
    format!("${body}*{sum:02X}\r\n")
}

/// A simulated receiver with a 3D fix, five cycles a second, for whoever connects (gpsd).
/// Returns its address.
fn nmea_receiver() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || stream_fix(stream));
        }
    });
    address
}

fn stream_fix(mut stream: TcpStream) {
    loop {
        // gpsd checks the receiver's clock: the sentences carry the time now.
        let now = chrono::Utc::now();
        let time = now.format("%H%M%S.%3f").to_string();
        let date = now.format("%d%m%y").to_string();
        let cycle = [
            sentence(&format!(
                "GPGGA,{time},5230.9780,N,01322.6620,E,1,08,0.9,45.0,M,39.0,M,,"
            )),
            sentence(&format!(
                "GPRMC,{time},A,5230.9780,N,01322.6620,E,0.0,0.0,{date},,,A"
            )),
            sentence("GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.8,0.9,1.5"),
        ]
        .concat();
        if stream.write_all(cycle.as_bytes()).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Starts gpsd in the foreground on a loopback port, reading the simulated receiver at once
/// (`-n`, without waiting for a client). Returns the process and gpsd's address.
fn start_gpsd(receiver: &str) -> (Killed, String) {
    let address = free_loopback_addr();
    let port = address.rsplit(':').next().unwrap().to_string();
    let binary = gpsd_binary();
    let child = Command::new(&binary)
        .args(["-N", "-n", "-S", &port])
        .arg(format!("tcp://{receiver}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "gpsd ({}) cannot start: {e}; install the Debian package `gpsd`",
                binary.display()
            )
        });
    let gpsd = Killed(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&address).is_err() {
        assert!(
            Instant::now() < deadline,
            "gpsd does not listen on {address}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (gpsd, address)
}

fn assert_at_the_receiver(state: &FixState) {
    let point = state
        .point()
        .unwrap_or_else(|| panic!("no fix from gpsd: {state:?}"));
    assert!((point.lat - LAT).abs() < 1e-6, "{point:?}");
    assert!((point.lon - LON).abs() < 1e-6, "{point:?}");
    assert!(
        point.accuracy_m.is_some_and(|m| m > 0.0),
        "gpsd's error estimate is kept: {point:?}"
    );
}

#[test]
fn the_fix_of_a_real_gpsd_prefills_a_new_case() {
    let (_gpsd, address) = start_gpsd(&nmea_receiver());

    // The library's feed (what the window runs) follows gpsd to the receiver's fix.
    let feed = GpsdFeed::start(&address, || {});
    assert_at_the_receiver(&feed.wait_for_fix(Duration::from_secs(20)));

    // The headless command asks gpsd when told where it listens.
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = LocalStore::open(dir.path()).unwrap();
        store
            .save_enrollment(&Enrollment {
                server_url: "http://127.0.0.1:9".into(),
                device_id: "dev-1".into(),
                token: "t".into(),
                username: "o1".into(),
                display_name: "Olga Eins".into(),
                tenant: "stadt-a".into(),
                role: "officer".into(),
                enrolled_at_ms: 0,
            })
            .unwrap();
        store.put_template(TEMPLATE).unwrap();
    }
    let tablet = Tablet::new(dir.path());
    let id = tablet.ok(&["--gpsd", &address, "new-case", "--template", "where"]);
    let store = LocalStore::open(dir.path()).unwrap();
    let case = store
        .load_case(id.parse().unwrap())
        .unwrap()
        .hydrate()
        .unwrap();
    match case.fields.get("at") {
        Some(FieldValue::Gps(point)) => assert_at_the_receiver(&FixState::Fix(*point)),
        other => panic!("the position was not prefilled: {other:?}"),
    }

    // Without `--gpsd` the command does not ask, and the position is left to type.
    let id = tablet.ok(&["new-case", "--template", "where"]);
    let case = store
        .load_case(id.parse().unwrap())
        .unwrap()
        .hydrate()
        .unwrap();
    assert_eq!(case.fields.get("at"), None);
}

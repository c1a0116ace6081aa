//! Headless Chromium for the real-browser tests: a `chromedriver` process on a free loopback
//! port, and the capabilities that start Debian's `chromium` so that it works on a machine
//! without network access.
//!
//! chromedriver starts Chromium (and Chromium its helpers) as children. All of them run in a
//! process group of their own, and [`ChromeDriver`]'s `Drop` kills that whole group, so a
//! failing test leaves no browser behind.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's `chromium` package puts the browser.
const CHROMIUM: &str = "/usr/bin/chromium";
/// Where Debian's `chromium-driver` package puts chromedriver.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn installed(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.exists(),
        "{} does not exist: the browser tests need Debian's `chromium` and `chromium-driver` \
         (`cargo xtask test` installs them; by hand: apt-get install chromium chromium-driver; \
         or point {env} at another binary)",
        path.display()
    );
    path
}

/// A running chromedriver, killed with everything it started when dropped.
pub struct ChromeDriver {
    child: Child,
    /// `http://127.0.0.1:PORT`, the WebDriver endpoint.
    pub url: String,
    chromium: PathBuf,
    profile: tempfile::TempDir,
}

impl ChromeDriver {
    /// Starts chromedriver and waits until it accepts connections. Panics (does not skip)
    /// when Chromium or chromedriver is not installed.
    pub fn start() -> Self {
        let chromium = installed("NAPER_CHROMIUM", CHROMIUM);
        let driver = installed("NAPER_CHROMEDRIVER", CHROMEDRIVER);
        let addr = crate::free_loopback_addr();
        let port = addr.rsplit(':').next().unwrap_or_default().to_string();
        let mut command = Command::new(&driver);
        command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
        let mut this = Self {
            child,
            url: format!("http://{addr}"),
            chromium,
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&addr).is_err() {
            if let Ok(Some(status)) = this.child.try_wait() {
                panic!("chromedriver exited before listening ({status})");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {addr} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        this.url = format!("http://{addr}");
        this
    }

    /// The WebDriver capabilities of a headless Chromium with a fresh profile and no
    /// background connections (a closed network makes those hang or fail by the dozen).
    pub fn capabilities(&self) -> serde_json::Map<String, serde_json::Value> {
        let profile = self.profile.path().join("profile");
        let json = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": path_text(&self.chromium),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--no-first-run",
                    "--window-size=1280,1024",
                    format!("--user-data-dir={}", path_text(&profile)),
                ],
            },
        });
        match json {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The negative pid names the process group: chromedriver, Chromium and its helpers.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

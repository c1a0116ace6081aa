//! A real SMTP server for the mail tests: Python's aiosmtpd (from PyPI, installed by
//! `cargo xtask test` into `TARGET/test-tools/python`), on a loopback port, storing what it
//! accepts in a Maildir the tests read. Recipients at `refused.example` are refused for good
//! (550) and those at `later.example` for the time being (451), as real servers answer. A
//! server can be made to take its time over each message, as a busy one does.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_loopback_port, target_dir};

/// The handler: aiosmtpd's Maildir handler, with the two refusing domains.
const HANDLER: &str = r#"
import asyncio, os
from aiosmtpd.handlers import Mailbox

DELAY = int(os.environ.get("NAPER_SMTP_DELAY_MS", "0")) / 1000

class RefusingMailbox(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(DELAY)
        return await super().handle_DATA(server, session, envelope)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 mailbox unavailable"
        if address.endswith("@later.example"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
"#;

fn python() -> PathBuf {
    let target = target_dir();
    let python = target.join("test-tools/python/bin/python");
    assert!(
        python.exists(),
        "{} does not exist: the mail tests run aiosmtpd from PyPI (`cargo xtask test` installs \
         it; by hand: /usr/bin/python3 -m venv {venv} && {venv}/bin/pip install -r \
         tests/python-requirements.txt)",
        python.display(),
        venv = target.join("test-tools/python").display(),
    );
    python
}

/// A running aiosmtpd, killed when dropped.
pub struct SmtpServer {
    child: Child,
    /// The port it listens on, at 127.0.0.1.
    pub port: u16,
    /// The Maildir of what it accepted.
    pub maildir: PathBuf,
}

impl SmtpServer {
    /// Starts one in `dir` on a free port.
    pub fn start(dir: &Path) -> Self {
        Self::start_with(dir, free_loopback_port(), Duration::ZERO)
    }

    /// Starts one in `dir` on `port` (e.g. where a server was told one would be).
    pub fn start_on(dir: &Path, port: u16) -> Self {
        Self::start_with(dir, port, Duration::ZERO)
    }

    /// Starts one in `dir` that takes `delay` over each message it accepts.
    pub fn start_slow(dir: &Path, delay: Duration) -> Self {
        Self::start_with(dir, free_loopback_port(), delay)
    }

    /// Starts one and waits until it accepts connections.
    fn start_with(dir: &Path, port: u16, delay: Duration) -> Self {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {dir:?}: {e}"));
        std::fs::write(dir.join("naper_test_smtp.py"), HANDLER)
            .unwrap_or_else(|e| panic!("cannot write the SMTP handler: {e}"));
        let maildir = dir.join("maildir");
        let mut child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "naper_test_smtp.RefusingMailbox"])
            .arg(&maildir)
            .env("PYTHONPATH", dir)
            .env("NAPER_SMTP_DELAY_MS", delay.as_millis().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd: {e}"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("aiosmtpd exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child,
            port,
            maildir,
        }
    }

    /// `smtp://127.0.0.1:PORT`, for `--smtp-url`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far, as received (headers and body).
    pub fn received(&self) -> Vec<String> {
        let mut messages = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    messages.push(text);
                }
            }
        }
        messages
    }

    /// Waits until at least `count` messages have arrived, or fails after `limit`.
    pub fn wait_for(&self, count: usize, limit: Duration) -> Vec<String> {
        let deadline = Instant::now() + limit;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "the SMTP server received {} of {count} messages",
                received.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of header `name` in a received message (unfolded; encoded words as sent).
pub fn header(message: &str, name: &str) -> Option<String> {
    let mut lines = message.lines().take_while(|l| !l.is_empty()).peekable();
    while let Some(line) = lines.next() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.eq_ignore_ascii_case(name) {
            let mut value = value.trim().to_string();
            while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                value.push(' ');
                value.push_str(next.trim());
                lines.next();
            }
            return Some(value);
        }
    }
    None
}

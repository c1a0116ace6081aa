//! `cargo xtask screenshot`: the README's picture of the tablet app, taken from the real
//! window under Xvfb. A throwaway server gets a tenant and an officer, a throwaway tablet is
//! enrolled and given two cases through the headless commands, then the window opens on that
//! tablet and saves `docs/field-app.png`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::{cargo, ensure_debian_packages, run, step, workspace_root};

/// What the screenshot needs besides the build: the virtual X server.
const SCREENSHOT_DEBIAN_PACKAGES: &[&str] = &["xvfb"];

const PASSWORD: &str = "screenshot-Passwort-1";

/// Kills the server when the command ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Takes the screenshot.
pub fn screenshot() -> Result<(), String> {
    ensure_debian_packages(SCREENSHOT_DEBIAN_PACKAGES)?;
    let root = workspace_root();
    step("cargo build --bins");
    cargo(
        &root,
        &[
            "build",
            "-p",
            "naper-sync-server",
            "-p",
            "naper-field-app",
            "--bins",
        ],
    )?;
    let target = super::target_dir(&root).join("debug");
    let work = std::env::temp_dir().join(format!("naper-screenshot-{}", std::process::id()));
    let (server_dir, tablet_dir) = (work.join("server"), work.join("tablet"));
    let result = take(&root, &target, &server_dir, &tablet_dir);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn take(root: &Path, bin: &Path, server_dir: &Path, tablet_dir: &Path) -> Result<(), String> {
    step("a server with an officer, a tablet with two cases");
    let server_bin = bin.join("sync-server");
    let (server, url) = start_server(&server_bin, server_dir)?;
    let admin = |args: &[&str]| {
        run(Command::new(&server_bin)
            .arg("admin")
            .args(args)
            .arg("--data-dir")
            .arg(server_dir))
    };
    admin(&["create-tenant", "stadt-a", "Stadt A"])?;
    admin(&[
        "create-user",
        "--tenant",
        "stadt-a",
        "--username",
        "o1",
        "--display-name",
        "Olga Eins",
        "--role",
        "officer",
        "--password",
        PASSWORD,
    ])?;
    let tablet = |args: &[&str]| -> Result<String, String> {
        let out = Command::new(bin.join("field-app"))
            .arg("--data-dir")
            .arg(tablet_dir)
            .args(args)
            .output()
            .map_err(|e| format!("could not run field-app: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "field-app {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    tablet(&[
        "enroll",
        "--server",
        &url,
        "--username",
        "o1",
        "--password",
        PASSWORD,
    ])?;
    tablet(&["templates"])?;
    let photo = root.join("assets/photos/orientation-1.jpg");
    let photo = photo.to_string_lossy();
    tablet(&["new-case", "--template", "abandoned-vehicle"])?;
    tablet(&["sync"])?;
    let draft = tablet(&["new-case", "--template", "illegal-waste-dumping"])?;
    tablet(&["set", &draft, "volume_m3", "2.5"])?;
    tablet(&["add-photo", &draft, "photos", &photo])?;
    step("the window under Xvfb → docs/field-app.png");
    let out = root.join("docs/field-app.png");
    std::fs::create_dir_all(root.join("docs")).map_err(|e| format!("docs/: {e}"))?;
    run(Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(bin.join("field-app"))
        .arg("--data-dir")
        .arg(tablet_dir)
        .arg("--screenshot")
        .arg(&out))?;
    drop(server);
    if out.exists() {
        Ok(())
    } else {
        Err(format!("{} was not written", out.display()))
    }
}

/// Starts `sync-server serve` on a free loopback port and returns it with its URL.
fn start_server(bin: &Path, data_dir: &Path) -> Result<(Server, String), String> {
    let mut child = Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start sync-server: {e}"))?;
    let stdout = child.stdout.take().ok_or("sync-server has no stdout")?;
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.map_err(|e| format!("reading sync-server's output: {e}"))?;
        if let Some(url) = line.strip_prefix("listening on ") {
            let url = url.trim().to_string();
            // Keep draining so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return Ok((server, url));
        }
    }
    Err("sync-server exited before listening".into())
}

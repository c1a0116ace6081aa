//! Developer commands, as plain Rust (matklad's cargo-xtask pattern), so that a newcomer runs
//! exactly what CI runs:
//!
//! - `cargo xtask demo` runs the sync server on its embedded defaults with a demo tenant.
//! - `cargo xtask test` runs every check: formatting, clippy with warnings as errors, and
//!   every test of the workspace.
//! - `cargo xtask bench` builds the release binaries and runs every benchmark (the figures of
//!   BENCHMARKS.md).
//! - `cargo xtask fuzz` builds the coverage-guided fuzz targets of `fuzz/` (libFuzzer, stable
//!   toolchain) and runs each for a bounded time (FUZZING.md).
//! - `cargo xtask screenshot` takes the README's picture of the tablet app under Xvfb.
//!
//! Each command first installs what it needs and does not find (toolchain components, and
//! Debian packages once the system needs them).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod fuzz;
mod node_tools;
mod python_tools;
mod screenshot;
#[cfg(test)]
mod tidy;

/// Debian packages `cargo xtask test` needs: the back office's real-browser tests drive
/// headless Chromium through chromedriver (`tests/tests/backoffice_browser.rs`); the field
/// app's camera (`nokhwa` → `v4l2-sys-mit`) generates its V4L2 bindings with bindgen, which
/// needs libclang and the kernel's `linux/videodev2.h`; the device position test runs the
/// real gpsd (`tests/tests/gpsd_position.rs`); Debian's Python holds the tests' Python tools
/// (`python_tools.rs`: the SMTP server of `tests/tests/mail_outbox.rs`); Node.js and npm
/// install axe-core for the portal's browser test (`node_tools.rs`, which asks for them).
const TEST_DEBIAN_PACKAGES: &[&str] = &[
    "chromium",
    "chromium-driver",
    "gpsd",
    "libclang-dev",
    "linux-libc-dev",
    "python3",
    "python3-venv",
];

/// Debian packages `cargo xtask demo` needs: building the field app's camera support (see
/// [`TEST_DEBIAN_PACKAGES`]).
const DEMO_DEBIAN_PACKAGES: &[&str] = &["libclang-dev", "linux-libc-dev"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("screenshot") => screenshot::screenshot(),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  demo   run naper on its embedded defaults\n  test   run formatting, clippy and every test, as CI does\n         (--screenshot: then retake docs/field-app.png)\n  bench  build the release binaries and run every benchmark (see BENCHMARKS.md)\n  fuzz   run every fuzz target for a bounded time (--seconds N, default 60; or name targets)\n  screenshot  the README's picture of the tablet app (docs/field-app.png, under Xvfb)"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn demo(extra: &[String]) -> Result<(), String> {
    ensure_debian_packages(DEMO_DEBIAN_PACKAGES)?;
    let root = workspace_root();
    // The sync server on its embedded defaults: SQLite and blobs under ./naper-data, the
    // bundled templates, and a demo tenant whose users' passwords are printed at first start.
    let mut args: Vec<String> = [
        "run",
        "--quiet",
        "--package",
        "naper-sync-server",
        "--bin",
        "sync-server",
        "--",
        "serve",
        "--demo",
        "--data-dir",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    args.push(root.join("naper-data").display().to_string());
    args.extend(extra.iter().cloned());
    cargo(&root, &args)
}

fn test(extra: &[String]) -> Result<(), String> {
    let retake_screenshot = match extra {
        [] => false,
        [flag] if flag == "--screenshot" => true,
        _ => {
            return Err(format!(
                "unknown test options {extra:?}; the only one is --screenshot"
            ));
        }
    };
    ensure_debian_packages(TEST_DEBIAN_PACKAGES)?;
    ensure_rustup_components(&["rustfmt", "clippy"])?;
    let root = workspace_root();
    python_tools::ensure(&root, &target_dir(&root))?;
    node_tools::ensure(&root, &target_dir(&root))?;
    step("cargo fmt --check");
    cargo(&root, &["fmt", "--all", "--", "--check"])?;
    step("cargo clippy (warnings are errors)");
    cargo(
        &root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The library and the binary only: the tests' dev-dependencies (egui_kittest) would pull
    // the GUI stack back in and rebuild it with other features, minutes for nothing checked.
    step(
        "cargo clippy -p naper-field-app --no-default-features (the tablet's core without its GUI)",
    );
    cargo(
        &root,
        &[
            "clippy",
            "-p",
            "naper-field-app",
            "--no-default-features",
            "--lib",
            "--bins",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The fuzz targets are a workspace of their own (fuzz/): they must keep compiling and stay
    // formatted, though only `cargo xtask fuzz` builds them instrumented and runs them.
    step("cargo fmt --check and cargo check the fuzz targets");
    cargo(
        &root,
        &["fmt", "--manifest-path", "fuzz/Cargo.toml", "--", "--check"],
    )?;
    cargo(
        &root,
        &[
            "check",
            "--manifest-path",
            "fuzz/Cargo.toml",
            "--locked",
            "--bins",
        ],
    )?;
    step("cargo build --bins (the end-to-end tests run the real binaries)");
    cargo(&root, &["build", "--workspace", "--bins"])?;
    step("cargo test");
    cargo(&root, &["test", "--workspace"])?;
    if retake_screenshot {
        // Only on request: CI must not rewrite a committed file.
        screenshot::screenshot()?;
    }
    Ok(())
}

fn bench() -> Result<(), String> {
    let root = workspace_root();
    step("cargo build --release --bins (the sync benchmark starts the release sync-server)");
    cargo(&root, &["build", "--release", "--workspace", "--bins"])?;
    step("cargo bench -p naper-tests --bench sync_load (sync under load)");
    cargo(
        &root,
        &["bench", "-p", "naper-tests", "--bench", "sync_load"],
    )?;
    step(
        "cargo bench -p naper-sync-server --bench backoffice (queue, case page, annotated photos)",
    );
    cargo(
        &root,
        &["bench", "-p", "naper-sync-server", "--bench", "backoffice"],
    )?;
    step("cargo bench -p naper-sync-server --bench portal (portal pages, 50 citizens at once)");
    cargo(
        &root,
        &["bench", "-p", "naper-sync-server", "--bench", "portal"],
    )?;
    step("cargo bench -p naper-schema (case documents)");
    cargo(&root, &["bench", "-p", "naper-schema"])?;
    step("cargo bench -p naper-annotate (photo export and previews)");
    cargo(&root, &["bench", "-p", "naper-annotate"])?;
    step("cargo bench -p naper-field-app --bench annotation_frame (drawing frame time)");
    cargo(
        &root,
        &[
            "bench",
            "-p",
            "naper-field-app",
            "--bench",
            "annotation_frame",
        ],
    )?;
    step(
        "cargo bench -p naper-field-app --bench gui_open (start with 5,000 cases, open 10 photos)",
    );
    cargo(
        &root,
        &["bench", "-p", "naper-field-app", "--bench", "gui_open"],
    )?;
    Ok(())
}

fn step(name: &str) {
    eprintln!("\n== {name}");
}

/// Cargo's build directory: `CARGO_TARGET_DIR`, or `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo<S: AsRef<std::ffi::OsStr>>(root: &Path, args: &[S]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo).current_dir(root).args(args))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Installs the toolchain components that are missing, via rustup.
fn ensure_rustup_components(components: &[&str]) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["component", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let missing: Vec<&str> = components
        .iter()
        .copied()
        .filter(|c| !installed.lines().any(|l| l.starts_with(c)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("installing toolchain components: {}", missing.join(" "));
    run(Command::new("rustup")
        .args(["component", "add"])
        .args(&missing))
}

/// Installs the Debian packages that are missing, with apt-get (as root, or through sudo).
fn ensure_debian_packages(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("installing Debian packages: {}", missing.join(" "));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if is_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        run(&mut command)
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install).map_err(|e| {
        format!(
            "{e}\ninstall them by hand: sudo apt-get install {}",
            missing.join(" ")
        )
    })
}

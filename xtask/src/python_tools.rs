//! The Python tools the end-to-end tests start as real servers — aiosmtpd, an SMTP server the
//! mail outbox delivers to — installed from PyPI, at the versions `tests/python-requirements.txt`
//! pins, into a virtual environment of Debian's Python under `TARGET/test-tools/python`
//! (where `naper_tests::smtp` looks for it). Installed again when the pins change.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::run;

/// Debian's Python, from the packages `python3` and `python3-venv` (`TEST_DEBIAN_PACKAGES`).
const PYTHON: &str = "/usr/bin/python3";

/// The virtual environment's directory for the build directory `target`.
fn venv_dir(target: &Path) -> PathBuf {
    target.join("test-tools").join("python")
}

/// Creates the virtual environment and installs the pinned tools, unless it holds them at
/// these pins already.
pub fn ensure(root: &Path, target: &Path) -> Result<(), String> {
    let requirements = root.join("tests").join("python-requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let venv = venv_dir(target);
    let installed = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&installed).is_ok_and(|have| have == wanted) {
        return Ok(());
    }
    eprintln!("installing the tests' Python tools into {}", venv.display());
    let _ = std::fs::remove_dir_all(&venv);
    run(Command::new(PYTHON).args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(venv.join("bin").join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(&installed, wanted)
        .map_err(|e| format!("cannot write {}: {e}", installed.display()))
}

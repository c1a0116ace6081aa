//! The JavaScript the browser tests inject into Chromium — axe-core, which checks every portal
//! page for accessibility problems — installed from the npm registry with `npm ci`, at the
//! versions `tests/node/package-lock.json` pins, into `TARGET/test-tools/node` (where
//! `naper_tests::axe` looks for it). Installed again when the lock changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{ensure_debian_packages, run};

/// The install's directory for the build directory `target`.
fn install_dir(target: &Path) -> PathBuf {
    target.join("test-tools").join("node")
}

/// Installs the pinned packages, unless they are installed at these pins already. Debian's
/// `nodejs` brings Node.js; npm comes with it on some installations and as Debian's `npm`
/// package on others, which is installed only when no `npm` answers.
pub fn ensure(root: &Path, target: &Path) -> Result<(), String> {
    ensure_debian_packages(&["nodejs"])?;
    let npm_answers = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !npm_answers {
        ensure_debian_packages(&["npm"])?;
    }
    let source = root.join("tests").join("node");
    let read = |name: &str| {
        let path = source.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let (manifest, lock) = (read("package.json")?, read("package-lock.json")?);
    let dir = install_dir(target);
    let installed = dir.join("installed-lock.json");
    if std::fs::read_to_string(&installed).is_ok_and(|have| have == lock) {
        return Ok(());
    }
    eprintln!(
        "installing the tests' JavaScript tools into {}",
        dir.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("package.json", &manifest)?;
    write("package-lock.json", &lock)?;
    run(Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--quiet",
        ])
        .current_dir(&dir))?;
    write("installed-lock.json", &lock)
}

//! `cargo xtask fuzz [--seconds N] [TARGET…]`: builds the fuzz targets of `fuzz/` with
//! libFuzzer and SanitizerCoverage on the stable toolchain, runs each for a bounded time on
//! its corpus, and prints executions and crashes per target (FUZZING.md).
//!
//! No nightly: the coverage instrumentation is LLVM's `sancov-module` pass with the options
//! `cargo fuzz` passes, which stable rustc accepts; only AddressSanitizer would need nightly,
//! so memory errors in `unsafe` code show as plain crashes. `--target` keeps the flags off
//! build scripts and proc-macros.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{step, workspace_root};

mod seeds;

/// Every fuzz target (a `[[bin]]` of `fuzz/Cargo.toml`).
const TARGETS: &[&str] = &[
    "sync_message",
    "template_json",
    "photo_decode",
    "annotations",
    "backoffice_form",
];

/// The instrumentation `cargo fuzz build --sanitizer none` asks of rustc.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    -Cllvm-args=-sanitizer-coverage-stack-depth \
    -Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
    --cfg fuzzing -Cdebug-assertions -Ccodegen-units=1";

const TRIPLE: &str = "x86_64-unknown-linux-gnu";

/// What one target's run did.
struct Run {
    target: &'static str,
    executions: u64,
    /// Coverage points (edges and counters) reached at the end, libFuzzer's `cov:`.
    coverage: u64,
    seconds: u64,
    corpus: usize,
    crash: Option<PathBuf>,
}

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut chosen = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--seconds needs a number of seconds per target")?;
            }
            name => match TARGETS.iter().find(|t| **t == name) {
                Some(target) => chosen.push(*target),
                None => {
                    return Err(format!(
                        "`{name}` is no fuzz target; the targets are {}",
                        TARGETS.join(", ")
                    ));
                }
            },
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.to_vec();
    }
    let root = workspace_root();
    let fuzz_dir = root.join("fuzz");
    step("cargo build the fuzz targets (release, SanitizerCoverage, libFuzzer)");
    let mut build = Command::new(env!("CARGO"));
    build
        .current_dir(&fuzz_dir)
        .env("RUSTFLAGS", RUSTFLAGS)
        .args(["build", "--release", "--locked", "--target", TRIPLE]);
    for target in &chosen {
        build.args(["--bin", target]);
    }
    run(&mut build)?;

    let mut runs = Vec::new();
    for target in chosen {
        step(&format!("fuzz {target} for {seconds} s"));
        runs.push(fuzz_one(&fuzz_dir, target, seconds)?);
    }
    println!("\ntarget            executions   coverage   seconds   corpus   crash");
    for r in &runs {
        println!(
            "{:<16} {:>11} {:>10} {:>9} {:>8}   {}",
            r.target,
            r.executions,
            r.coverage,
            r.seconds,
            r.corpus,
            r.crash
                .as_ref()
                .map_or("none".into(), |p| p.display().to_string())
        );
    }
    let crashed: Vec<&str> = runs
        .iter()
        .filter(|r| r.crash.is_some())
        .map(|r| r.target)
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: make each a regression test (FUZZING.md)",
            crashed.join(", ")
        ))
    }
}

/// Runs one target on its corpus (`fuzz/corpus/TARGET`, seeded from `fuzz/seeds/TARGET` and
/// the assets) for `seconds`.
fn fuzz_one(fuzz_dir: &Path, target: &'static str, seconds: u64) -> Result<Run, String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut seeds = vec![fuzz_dir.join("seeds").join(target)];
    let assets = workspace_root().join("assets");
    match target {
        "template_json" => seeds.push(assets.join("templates")),
        "photo_decode" => seeds.push(assets.join("photos")),
        "sync_message" => {
            let generated = fuzz_dir.join("corpus").join("sync_message-seeds");
            seeds::sync_seeds(&generated)?;
            seeds.push(generated);
        }
        _ => {}
    }
    let binary = fuzz_dir
        .join("target")
        .join(TRIPLE)
        .join("release")
        .join(target);
    let mut command = Command::new(&binary);
    command
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        // Well above what an input of these targets needs; a leak or a bomb trips it.
        .arg("-rss_limit_mb=2048")
        .arg(&corpus);
    for seed in seeds.iter().filter(|s| s.is_dir()) {
        command.arg(seed);
    }
    let before = list(&artifacts);
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let stat = |name: &str| -> Option<u64> {
        log.lines()
            .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
            .and_then(|v| v.trim().parse().ok())
    };
    let executions = stat("number_of_executed_units")
        .ok_or_else(|| format!("{target} printed no statistics:\n{log}"))?;
    // The last status line, `#N DONE cov: C ft: …` (or the last `#N … cov: C` before a crash).
    let coverage = log
        .lines()
        .rev()
        .find_map(|l| l.split_once(" cov: "))
        .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("{target} reported no coverage; is it instrumented?\n{log}"))?;
    let crash = list(&artifacts).into_iter().find(|p| !before.contains(p));
    if crash.is_none() && !output.status.success() {
        return Err(format!("{target} failed without leaving a crash:\n{log}"));
    }
    if crash.is_some() {
        eprintln!("{log}");
    }
    Ok(Run {
        target,
        executions,
        coverage,
        seconds,
        corpus: list(&corpus).len(),
        crash,
    })
}

fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}

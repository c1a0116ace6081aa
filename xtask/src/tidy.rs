//! Tidy tests: the invariants ARCHITECTURE.md states, checked against `cargo metadata` and the
//! sources, as rust-analyzer's `xtask/src/tidy.rs` does. Many invariants are absences ("the
//! kernel knows no HTML"), which no compiler error reports; these tests fail instead, naming
//! the file and line, the rule, and what to do. They run with `cargo test --workspace`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::workspace_root;

/// The crates that each serve one kind of client. The portal and Open311 are listed before
/// they exist, so the rule holds from their first line on; names not in the workspace are
/// skipped.
const SURFACE_CRATES: &[&str] = &[
    "naper-sync-api",
    "naper-backoffice",
    "naper-portal",
    "naper-open311",
];

/// The names of the server's layers, indexed by the numbers in [`SERVER_LAYERS`].
const LAYER_NAMES: &[&str] = &[
    "kernel",
    "persistence",
    "access policy",
    "identity",
    "blobs",
    "services",
];

/// Where the server's core crate is, whose modules are the layers below the surfaces.
const SERVER_CORE: &str = "sync-server/core/src";

/// The layer of each path under [`SERVER_CORE`] (the longest matching prefix wins). A module
/// may use modules of its own layer or below, never above; the surfaces above are crates of
/// their own (`SURFACE_CRATES`, held apart by the crate graph).
#[rustfmt::skip] // One line per layer, so that the table reads as the layering.
const SERVER_LAYERS: &[(&str, u8)] = &[
    ("kernel/", 0),
    ("store/", 1),
    ("access.rs", 2),
    ("identity/", 3),
    ("blobs/", 4),
    ("services/", 5), ("lib.rs", 5),
];

/// The source directories of the server's crates.
const SERVER_SOURCES: &[&str] = &[
    "sync-server/src",
    "sync-server/core/src",
    "sync-server/sync-api/src",
    "sync-server/backoffice/src",
    "sync-server/portal/src",
    "sync-server/web/src",
];

/// The opening line of ARCHITECTURE.md's crate graph: `package: dep dep …` per line.
const CRATE_GRAPH_FENCE: &str = "```text crate-graph";

/// Workspace members and, for each, its normal dependencies (not dev or build).
type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn crate_graph_matches_architecture_md() {
    let actual = internal_graph(workspace_dependencies());
    let expected_block = render_crate_graph(&actual);
    let text = read(&workspace_root().join("ARCHITECTURE.md"));
    let (start, documented) = documented_crate_graph(&text).unwrap_or_else(|problem| {
        panic!("{problem}\nAdd this block to ARCHITECTURE.md's code map:\n{expected_block}")
    });
    let diff = graph_diff(&documented, &actual);
    assert!(
        diff.is_empty(),
        "ARCHITECTURE.md:{start}: the crate-graph block does not match `cargo metadata` (normal \
         dependencies between workspace members):\n{}\nIf the change to the graph is intended, \
         update ARCHITECTURE.md's crate-graph block (and its code map) to:\n{expected_block}\n\
         otherwise remove the dependency from the Cargo.toml.",
        diff.join("\n")
    );
}

#[test]
fn no_surface_crate_depends_on_another() {
    let mut problems = Vec::new();
    for (package, deps) in workspace_dependencies() {
        if !SURFACE_CRATES.contains(&package.as_str()) {
            continue;
        }
        for dep in deps.iter().filter(|d| SURFACE_CRATES.contains(&d.as_str())) {
            problems.push(format!("{package} depends on the surface crate {dep}"));
        }
    }
    assert!(
        problems.is_empty(),
        "surface crates never depend on each other (ARCHITECTURE.md; SURFACE_CRATES in \
         xtask/src/tidy.rs):\n{}\nMove what both need into a service or kernel crate and drop \
         the dependency from the Cargo.toml.",
        problems.join("\n")
    );
}

#[test]
fn layers_inside_the_server_core_point_down() {
    let src = workspace_root().join(SERVER_CORE);
    let mut problems = Vec::new();
    for file in source_files(&src, &["rs"]) {
        let from = relative(&src, &file);
        let Some(from_layer) = layer_of(&from) else {
            problems.push(format!(
                "{SERVER_CORE}/{from}: in no layer; add it to SERVER_LAYERS in \
                 xtask/src/tidy.rs and to ARCHITECTURE.md"
            ));
            continue;
        };
        let text = read(&file);
        for (line, name) in crate_references(&code_lines(&text)) {
            if let Some(problem) = reference_problem(&src, &name, from_layer) {
                problems.push(format!("{SERVER_CORE}/{from}:{line}: {problem}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the server core's modules use only their own layer or lower ones (SERVER_LAYERS in \
         xtask/src/tidy.rs):\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_html_in_the_kernel() {
    let tokens = "Html text/html askama <!DOCTYPE";
    let uses = token_uses(&format!("{SERVER_CORE}/kernel"), tokens, &[]);
    assert!(
        uses.is_empty(),
        "the kernel knows no HTML (ARCHITECTURE.md):\n{}\nMove the HTML \
         into the surface that renders it; the kernel's errors carry codes, not pages.",
        uses.join("\n")
    );
}

#[test]
fn no_http_client_outside_the_tablet_sync() {
    let mut problems: Vec<String> = workspace_dependencies()
        .into_iter()
        .filter(|(package, deps)| package != "naper-field-app" && deps.contains("reqwest"))
        .map(|(package, _)| format!("{package} has reqwest in its [dependencies]"))
        .collect();
    // The GUI's sync worker drives the sync client; only the client itself names reqwest.
    problems.extend(token_uses("field-app/src", "reqwest", &["sync_client/"]));
    assert!(
        problems.is_empty(),
        "only the tablet's sync client (field-app/src/sync_client/) is an HTTP client \
         (ARCHITECTURE.md):\n{}\nGo through field_app::sync_client, or make reqwest a \
         [dev-dependencies] entry if only tests need it.",
        problems.join("\n")
    );
}

#[test]
fn sync_protocol_does_no_io_or_threads() {
    let tokens = "std::fs std::net tokio reqwest SystemTime::now Instant::now std::thread \
                  thread::scope thread::spawn";
    // `testing.rs` holds the in-memory adapters of the tests, outside the core.
    let uses = token_uses("sync-protocol/src", tokens, &["testing.rs"]);
    assert!(
        uses.is_empty(),
        "sync-protocol does no IO: no sockets, files, threads or clock (ARCHITECTURE.md):\n{}\n\
         Move it into the adapters (field-app's sync client, the server) and let them pass in \
         what the core needs.",
        uses.join("\n")
    );
}

#[test]
fn no_io_in_schema() {
    let tokens = "std::fs std::net tokio rusqlite reqwest SystemTime::now std::thread";
    let uses = token_uses("schema/src", tokens, &[]);
    assert!(
        uses.is_empty(),
        "schema does no IO: no files, network, clock or runtime (ARCHITECTURE.md):\n{}\n\
         Move it into the crate that owns the IO and pass the result in.",
        uses.join("\n")
    );
}

#[test]
fn people_read_and_type_one_time_zone() {
    // German time for everything people read or type is `texts::time`'s to decide; only the
    // tablet's clock module reads the device's zone (a photo's capture time).
    let tokens = "chrono_tz Local:: Local. Local, Local}";
    let mut uses: Vec<String> = SERVER_SOURCES
        .iter()
        .flat_map(|dir| token_uses(dir, tokens, &[]))
        .collect();
    uses.extend(token_uses("field-app/src", tokens, &["clock.rs"]));
    assert!(
        uses.is_empty(),
        "times people read or type are German time from `texts::time` (ARCHITECTURE.md):\n{}",
        uses.join("\n")
    );
}

#[test]
fn texts_does_no_io_and_reads_no_clock() {
    let tokens = "std::fs std::net tokio rusqlite reqwest SystemTime::now Utc::now Local::now \
                  chrono::Local std::thread";
    let uses = token_uses("texts/src", tokens, &[]);
    assert!(
        uses.is_empty(),
        "texts does no IO and reads no clock: callers pass the instants (ARCHITECTURE.md):\n{}",
        uses.join("\n")
    );
}

/// Every workspace member with its normal dependencies (all of them, by package name), read
/// once from `cargo metadata` and shared by the tests that need it.
#[test]
fn schema_embeds_annotations_without_pixels() {
    // The domain model embeds annotation types; decoding and rasterizing photos belong to
    // annotate's `raster` feature, which only the tablet and the server ask for.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args([
            "tree",
            "-p",
            "naper-schema",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("could not run `{cargo} tree`: {e}"));
    assert!(
        output.status.success(),
        "`{cargo} tree` failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8_lossy(&output.stdout);
    let pixels: Vec<&str> = tree
        .lines()
        .filter(|line| {
            [
                "image ",
                "tiny-skia ",
                "ab_glyph ",
                "kamadak-exif ",
                "jpeg-decoder ",
            ]
            .iter()
            .any(|name| line.starts_with(name))
        })
        .collect();
    assert!(
        pixels.is_empty(),
        "naper-schema pulls in image decoding or rasterizing: {pixels:?}; depend on annotate \
         without its `raster` feature (ARCHITECTURE.md, `schema/`)"
    );
}

fn workspace_dependencies() -> Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(read_workspace_dependencies).clone()
}

fn read_workspace_dependencies() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("could not run `{cargo} metadata`: {e}"));
    assert!(
        output.status.success(),
        "`{cargo} metadata` failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("`{cargo} metadata` printed no JSON: {e}"));
    let members = &metadata["workspace_members"];
    let packages = metadata["packages"]
        .as_array()
        .expect("`cargo metadata` has a `packages` list");
    packages
        .iter()
        .filter(|package| {
            members
                .as_array()
                .is_some_and(|m| m.contains(&package["id"]))
        })
        .map(|package| {
            let deps = package["dependencies"].as_array().into_iter().flatten();
            // `kind` is null for [dependencies]; "dev" and "build" do not shape the graph.
            let normal = deps.filter(|dep| dep["kind"].is_null());
            (
                string(&package["name"]),
                normal.map(|dep| string(&dep["name"])).collect(),
            )
        })
        .collect()
}

fn string(value: &serde_json::Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("`cargo metadata`: expected a string, found {value}"))
        .to_string()
}

/// The graph between workspace members only: dependencies outside the workspace dropped.
fn internal_graph(all: Graph) -> Graph {
    let members: BTreeSet<String> = all.keys().cloned().collect();
    all.into_iter()
        .map(|(package, deps)| (package, &deps & &members))
        .collect()
}

fn render_crate_graph(graph: &Graph) -> String {
    let lines: Vec<String> = graph
        .iter()
        .map(|(package, deps)| graph_line(package, deps))
        .collect();
    format!("{CRATE_GRAPH_FENCE}\n{}\n```", lines.join("\n"))
}

fn graph_line(package: &str, deps: &BTreeSet<String>) -> String {
    let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
    format!("{package}: {}", deps.join(" "))
        .trim_end()
        .to_string()
}

/// The graph of ARCHITECTURE.md's crate-graph block, with the line number of its fence.
fn documented_crate_graph(text: &str) -> Result<(usize, Graph), String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()));
    let (start, _) = lines
        .by_ref()
        .find(|&(_, line)| line == CRATE_GRAPH_FENCE)
        .ok_or_else(|| {
            format!("ARCHITECTURE.md has no block opening with the line \"{CRATE_GRAPH_FENCE}\"")
        })?;
    let mut graph = Graph::new();
    for (number, line) in lines {
        if line == "```" {
            return Ok((start, graph));
        }
        if line.is_empty() {
            continue;
        }
        let (package, deps) = line.split_once(':').ok_or_else(|| {
            format!("ARCHITECTURE.md:{number}: `{line}` is not `package: dep dep …`")
        })?;
        let deps = deps.split_whitespace().map(String::from).collect();
        if graph.insert(package.trim().to_string(), deps).is_some() {
            return Err(format!(
                "ARCHITECTURE.md:{number}: `{package}` is listed twice"
            ));
        }
    }
    Err(format!(
        "ARCHITECTURE.md:{start}: the crate-graph block is not closed with ```"
    ))
}

/// What to add to and remove from the documented graph to make it the actual one.
fn graph_diff(documented: &Graph, actual: &Graph) -> Vec<String> {
    let mut diff = Vec::new();
    for (package, deps) in actual {
        let Some(written) = documented.get(package) else {
            diff.push(format!("+ add the line `{}`", graph_line(package, deps)));
            continue;
        };
        for dep in deps.difference(written) {
            diff.push(format!("+ add {dep} to the line of {package}"));
        }
        for dep in written.difference(deps) {
            diff.push(format!("- remove {dep} from the line of {package}"));
        }
    }
    for package in documented.keys().filter(|p| !actual.contains_key(*p)) {
        diff.push(format!(
            "- remove the line of {package}: no workspace member has that name"
        ));
    }
    diff
}

/// The layer of a path under [`SERVER_CORE`]: the entry with the longest matching prefix.
fn layer_of(path: &str) -> Option<u8> {
    SERVER_LAYERS
        .iter()
        .filter(|(prefix, _)| path.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|&(_, layer)| layer)
}

fn layer_name(layer: u8) -> &'static str {
    LAYER_NAMES
        .get(usize::from(layer))
        .copied()
        .unwrap_or("unnamed")
}

/// Why a file in `from_layer` may not use `crate::name`, if it may not.
fn reference_problem(src: &Path, name: &str, from_layer: u8) -> Option<String> {
    let target = module_path(src, name);
    // A target in no layer is a file of its own, reported as such.
    let to_layer = layer_of(&target)?;
    (to_layer > from_layer).then(|| {
        format!(
            "crate::{name} ({target}, layer {to_layer} {}) is above this file's layer \
             {from_layer} {}; layers point down only: move what this needs to layer \
             {from_layer} or below",
            layer_name(to_layer),
            layer_name(from_layer)
        )
    })
}

/// The file or directory of the module `crate::name`; a name that is no module is an item of
/// the crate root, `lib.rs`.
fn module_path(src: &Path, name: &str) -> String {
    if src.join(format!("{name}.rs")).is_file() {
        format!("{name}.rs")
    } else if src.join(name).is_dir() {
        format!("{name}/")
    } else {
        "lib.rs".to_string()
    }
}

/// The modules named right after `crate::` in the code, with their line numbers: `a` in
/// `crate::a::B`, and `a` and `b` in a group `crate::{a::B, b}` (which may span lines).
/// `super::` is not followed: it stays inside its module.
fn crate_references(code: &[(usize, &str)]) -> Vec<(usize, String)> {
    let text = code
        .iter()
        .map(|&(_, line)| line)
        .collect::<Vec<_>>()
        .join("\n");
    let line_of = |offset: usize| code[text[..offset].matches('\n').count()].0;
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        // `my_crate::` is another crate; `$crate::` in a macro is this one.
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = at + "crate::".len();
        let heads = if text[after..].starts_with('{') {
            group_heads(&text, after)
        } else {
            identifier_at(&text, after)
                .map(|n| (after, n))
                .into_iter()
                .collect()
        };
        for (offset, name) in heads.into_iter().filter(|(_, name)| name != "self") {
            found.push((line_of(offset), name));
        }
    }
    // One report per module and line, however often the line names it.
    found.sort();
    found.dedup();
    found
}

/// The first segment of each path in the `{…}` group that opens at `open`.
fn group_heads(text: &str, open: usize) -> Vec<(usize, String)> {
    let mut heads = Vec::new();
    let (mut depth, mut path_starts) = (0usize, false);
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => {
                depth += 1;
                path_starts = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' => path_starts = depth == 1,
            c if c.is_whitespace() => {}
            _ => {
                if path_starts && let Some(name) = identifier_at(text, open + i) {
                    heads.push((open + i, name));
                }
                path_starts = false;
            }
        }
    }
    heads
}

fn identifier_at(text: &str, at: usize) -> Option<String> {
    let name: String = text[at..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    name.starts_with(|c: char| !c.is_ascii_digit())
        .then_some(name)
}

/// Where the code under `dir` (relative to the workspace root) names one of `tokens`
/// (separated by spaces), as `path:line: tokens in: code`, except in the paths under `dir`
/// that start with one of `except`. A crate's Cargo.toml is read too: a dependency on, say,
/// askama says as much as a `use`.
fn token_uses(dir: &str, tokens: &str, except: &[&str]) -> Vec<String> {
    let root = workspace_root().join(dir);
    let mut uses = Vec::new();
    for file in source_files(&root, &["rs", "toml"]) {
        let path = relative(&root, &file);
        if except.iter().any(|prefix| path.starts_with(prefix)) {
            continue;
        }
        for (line, code) in code_lines(&read(&file)) {
            let named: Vec<String> = tokens
                .split_whitespace()
                .filter(|token| code.contains(token))
                .map(|token| format!("`{token}`"))
                .collect();
            if !named.is_empty() {
                uses.push(format!(
                    "{dir}/{path}:{line}: {} in: {}",
                    named.join(", "),
                    code.trim()
                ));
            }
        }
    }
    uses
}

/// The lines of a file that are code, numbered from 1. Comment lines are left out (a doc
/// comment may well name what the code must not use), and so is the `#[cfg(test)] mod tests`
/// module with everything after it: tests may reach across layers and use real IO.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut code = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let opens_tests = lines.get(i + 1).is_some_and(|next| {
            let next = next.trim();
            next.trim_start_matches("pub(crate) ")
                .starts_with("mod tests")
                && !next.ends_with(';')
        });
        if line.trim() == "#[cfg(test)]" && opens_tests {
            break;
        }
        if !line.trim_start().starts_with("//") {
            code.push((i + 1, *line));
        }
    }
    code
}

/// The files under `dir` with one of the extensions, sorted; none if `dir` does not exist. A
/// `tests.rs` is left out: it is the body of a `#[cfg(test)] mod tests;`.
fn source_files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            files.extend(source_files(&path, exts));
        } else if path
            .extension()
            .is_some_and(|ext| exts.iter().any(|e| ext == *e))
            && !path.ends_with("tests.rs")
        {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `path` under `dir`, with `/` between its parts (as in the tables above).
fn relative(dir: &Path, path: &Path) -> String {
    let under = path.strip_prefix(dir).unwrap_or(path);
    under
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

//! axe-core, the accessibility checker, run in Chromium on the page a WebDriver session shows:
//! the WCAG 2.0/2.1 A and AA rules (what BITV 2.0 asks of public web pages). The script comes
//! from the npm registry, at the version `tests/node/package-lock.json` pins, installed by
//! `cargo xtask test` into `TARGET/test-tools/node`; it is injected over WebDriver, so a page's
//! content security policy (no scripts at all, on the portal) does not keep it out.

use fantoccini::Client;
use serde_json::Value;

/// The rule sets run: WCAG 2.0 and 2.1, levels A and AA.
const TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// axe-core's script.
///
/// # Panics
/// When it is not installed (run `cargo xtask test`, which installs it).
pub fn script() -> String {
    let path = crate::target_dir()
        .join("test-tools")
        .join("node")
        .join("node_modules")
        .join("axe-core")
        .join("axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed at {} ({e}); `cargo xtask test` installs it",
            path.display()
        )
    })
}

/// The violations axe-core finds on the page `client` shows, each as a line naming the rule,
/// its impact and the elements (empty when there are none).
///
/// # Panics
/// When axe-core cannot be injected or run.
pub async fn violations(client: &Client, script: &str) -> Vec<String> {
    client
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("axe-core could not be injected: {e}"));
    let run = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {tags} }} }})
            .then(result => done(result.violations))
            .catch(error => done({{ error: String(error) }}));",
        tags = serde_json::to_string(TAGS).unwrap_or_default()
    );
    let result = client
        .execute_async(&run, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("axe-core did not run: {e}"));
    if let Some(error) = result.get("error") {
        panic!("axe-core failed: {error}");
    }
    let Value::Array(violations) = result else {
        panic!("axe-core answered {result}");
    };
    violations
        .iter()
        .map(|v| {
            let targets: Vec<String> = v["nodes"]
                .as_array()
                .map(|nodes| nodes.iter().map(|n| n["target"].to_string()).collect())
                .unwrap_or_default();
            format!(
                "{} ({}): {} — {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                targets.join(", ")
            )
        })
        .collect()
}

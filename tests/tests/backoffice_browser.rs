//! The back office in a real browser: headless Chromium driven over WebDriver (chromedriver)
//! against a real `sync-server` process, with a case synced from a real `field-app` tablet.
//! A reviewer logs in, filters the queue, opens the case, corrects an answer, sends it back
//! with a comment, approves the corrected report and downloads its PDF; the tablet sees each
//! step at its next sync.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`cargo xtask test` installs them); without
//! them the test fails, it does not skip.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::path::Path;

use fantoccini::{Client, Locator};
use naper_tests::chrome::ChromeDriver;
use naper_tests::webdriver::{
    WAIT as PAGE_WAIT, click_transition, drive, sign_in, text_of, wait_for_status,
};
use naper_tests::{ServerProcess, Tablet, admin};
use serde_json::Value;

const PASSWORD: &str = "geheim-123-Passwort";
const TEMPLATE: &str = "illegal-waste-dumping";

/// A server with tenant `stadt-a`: officer `o1` and coordinator `koordination`.
fn server(dir: &Path) -> ServerProcess {
    let server = ServerProcess::start(dir, &[]);
    let out = admin(dir, &["create-tenant", "stadt-a", "Stadt A"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (user, role) in [("o1", "officer"), ("koordination", "coordinator")] {
        let out = admin(
            dir,
            &[
                "create-user",
                "--tenant",
                "stadt-a",
                "--username",
                user,
                "--display-name",
                &format!("Name von {user}"),
                "--role",
                role,
                "--password",
                PASSWORD,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    server
}

/// A case answered completely enough to submit, with two photos.
fn complete_case(tablet: &Tablet) -> String {
    let id = tablet.ok(&["new-case", "--template", TEMPLATE]);
    tablet.complete_waste_inspection(&id);
    id
}

fn field<'a>(case: &'a Value, key: &str) -> &'a Value {
    &case["fields"][key]
}

/// Everything the browser test does, in a function of its own, so that its processes are
/// dropped (killed) however it ends.
async fn review_in_the_browser(client: &Client, url: &str, tablet: &Tablet, id: &str, draft: &str) {
    // Log in through the form.
    sign_in(client, url, "koordination", PASSWORD).await;
    assert_eq!(
        text_of(client, "#total").await,
        "2",
        "the queue lists the submitted case and the draft"
    );
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/backoffice/cases")
    );

    // Filter the queue by status.
    client
        .find(Locator::Id("f-status"))
        .await
        .unwrap()
        .select_by_value("submitted")
        .await
        .unwrap();
    client
        .find(Locator::Css("form.filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(PAGE_WAIT)
        .for_element(Locator::Css("#f-status option[value=submitted][selected]"))
        .await
        .unwrap();
    assert_eq!(text_of(client, "#total").await, "1");
    let links = client
        .find_all(Locator::Css("table.cases tbody a"))
        .await
        .unwrap();
    assert_eq!(links.len(), 1, "only the submitted case is listed");
    let href = links[0].attr("href").await.unwrap().unwrap_or_default();
    assert!(href.ends_with(id), "{href} is not the submitted case {id}");
    assert!(!href.ends_with(draft));

    // Open the case.
    links[0].click().await.unwrap();
    wait_for_status(client, "submitted").await;
    assert!(client.current_url().await.unwrap().path().ends_with(id));

    // Correct an answer: the volume, typed with a German decimal comma.
    client
        .find(Locator::Css(
            "dd[data-field=volume_m3] details.edit summary",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let input = client.find(Locator::Id("edit-volume_m3")).await.unwrap();
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some("2,5"));
    input.clear().await.unwrap();
    input.send_keys("3,75").await.unwrap();
    client
        .find(Locator::Css(
            "dd[data-field=volume_m3] form button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(PAGE_WAIT)
        .for_element(Locator::Css("#edit-volume_m3[value='3,75']"))
        .await
        .unwrap_or_else(|e| panic!("the corrected volume is not shown: {e}"));

    // Review, then ask for changes: first without the required comment.
    click_transition(client, "in_review").await;
    wait_for_status(client, "in_review").await;
    click_transition(client, "needs_changes").await;
    // The refusal's own alert: `main` is on the case page too, and reading it while the
    // answer replaces the page found a stale element (seen once in CI).
    let refusal = text_of(client, "p.error[role=alert]").await;
    assert!(
        refusal.contains("Kommentar"),
        "the refusal asks for a comment: {refusal}"
    );
    client.back().await.unwrap();
    client.refresh().await.unwrap();
    wait_for_status(client, "in_review").await;
    client
        .find(Locator::Id("status-comment"))
        .await
        .unwrap()
        .send_keys("Bitte die Menge vor Ort nachmessen.")
        .await
        .unwrap();
    click_transition(client, "needs_changes").await;
    wait_for_status(client, "needs_changes").await;
    assert!(
        text_of(client, "ol.comments")
            .await
            .contains("Bitte die Menge vor Ort nachmessen.")
    );

    // The officer's tablet gets the correction, the status and the comment, and submits again.
    tablet.ok(&["sync"]);
    let case = tablet.case(id);
    assert_eq!(case["status"], "needs_changes");
    assert_eq!(
        field(&case, "volume_m3"),
        &serde_json::json!({"decimal": 3.75})
    );
    let comments = case["comments"].to_string();
    assert!(
        comments.contains("Bitte die Menge vor Ort nachmessen."),
        "{comments}"
    );
    tablet.ok(&[
        "set",
        id,
        "location_description",
        r#""hinter dem Spielplatz""#,
    ]);
    tablet.ok(&["submit", id]);
    tablet.ok(&["sync"]);

    // Approve the resubmitted report.
    client.refresh().await.unwrap();
    wait_for_status(client, "submitted").await;
    assert!(
        text_of(client, "dd[data-field=location_description]")
            .await
            .contains("hinter dem Spielplatz")
    );
    click_transition(client, "in_review").await;
    wait_for_status(client, "in_review").await;
    click_transition(client, "approved").await;
    wait_for_status(client, "approved").await;
    tablet.ok(&["sync"]);
    assert_eq!(tablet.case(id)["status"], "approved");

    // Download the PDF report with the browser's session.
    let link = client
        .find(Locator::Css("a[href$='/report.pdf']"))
        .await
        .unwrap_or_else(|e| panic!("the case page has no link to the PDF report: {e}"));
    let href = link.attr("href").await.unwrap().unwrap_or_default();
    assert_eq!(href, format!("/backoffice/cases/{id}/report.pdf"));
    let cookie = client.get_named_cookie("naper_session").await.unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}{href}", url))
        .header("cookie", format!("naper_session={}", cookie.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/pdf"),
        "{content_type}"
    );
    let pdf = response.bytes().await.unwrap();
    assert!(
        pdf.starts_with(b"%PDF"),
        "not a PDF: {:?}",
        &pdf[..pdf.len().min(16)]
    );
    // Without the session the report is not handed out.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{href}", url))
        .send()
        .await
        .unwrap();
    assert!(!anonymous.status().is_success(), "{}", anonymous.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_corrects_sends_back_approves_and_prints_a_case_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let server = server(&tmp.path().join("server"));
    let tablet = Tablet::new(&tmp.path().join("tablet"));
    tablet.ok(&[
        "enroll",
        "--server",
        &server.url,
        "--username",
        "o1",
        "--password",
        PASSWORD,
        "--device-name",
        "Tablet 1",
    ]);
    tablet.ok(&["templates"]);
    let id = complete_case(&tablet);
    let draft = tablet.ok(&["new-case", "--template", TEMPLATE]);
    tablet.ok(&["sync"]);

    let (url, dir) = (server.url.clone(), tablet.dir.clone());
    drive(ChromeDriver::start(), |client| async move {
        review_in_the_browser(&client, &url, &Tablet::new(&dir), &id, &draft).await;
    })
    .await;
}

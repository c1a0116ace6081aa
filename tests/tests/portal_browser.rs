//! The Bürgerportal in a real browser: headless Chromium over WebDriver against a real
//! `sync-server` process whose confirmations go to a real SMTP server (aiosmtpd). A citizen
//! finds the problem report by searching, fills the form with the keyboard alone, is sent back
//! by the error summary, sends the report, keeps the receipt, and opens the tracking link the
//! confirmation mail brings. axe-core checks every page (WCAG 2.1 A and AA, German and
//! English) and must find nothing.
//!
//! Needs Chromium, chromedriver, aiosmtpd and axe-core (`cargo xtask test` installs them);
//! without them the test fails, it does not skip.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::path::Path;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use naper_tests::chrome::ChromeDriver;
use naper_tests::smtp::SmtpServer;
use naper_tests::{ServerProcess, admin, axe};

/// How long to wait for a page or a mail.
const WAIT: Duration = Duration::from_secs(20);
const TAB: char = '\u{e004}';
const ENTER: char = '\u{e007}';

fn server(dir: &Path, smtp: &SmtpServer) -> ServerProcess {
    let server = ServerProcess::start(dir, &["--smtp-url", &smtp.url(), "--mail-retry-secs", "1"]);
    for args in [
        &["create-tenant", "tgh", "Gemeinde Tegelhausen"][..],
        &["enable-services", "--tenant", "tgh"][..],
    ] {
        let out = admin(dir, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    server
}

async fn browser(driver: &ChromeDriver) -> Client {
    ClientBuilder::new(HttpConnector::new())
        .capabilities(driver.capabilities())
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("no WebDriver session with Chromium: {e}"))
}

/// Presses keys as a person at the keyboard would.
async fn keys(client: &Client, text: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in text.chars() {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    client.perform_actions(actions).await.unwrap();
}

/// Presses Tab until the element with `id` has the focus: it is reachable by keyboard.
async fn tab_to(client: &Client, id: &str) {
    for _ in 0..120 {
        let focused = client.active_element().await.unwrap();
        if focused.attr("id").await.unwrap().as_deref() == Some(id) {
            return;
        }
        keys(client, &TAB.to_string()).await;
    }
    let source = client.source().await.unwrap_or_default();
    panic!("Tab never reached #{id}:\n{source}");
}

async fn wait_for(client: &Client, css: &str) {
    if let Err(e) = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
    {
        let source = client.source().await.unwrap_or_default();
        panic!("no `{css}` on the page ({e}):\n{source}");
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, css).await;
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// axe-core finds nothing on the page shown.
async fn accessible(client: &Client, script: &str, what: &str) {
    let found = axe::violations(client, script).await;
    assert!(
        found.is_empty(),
        "axe-core on {what} ({}):\n{}",
        client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default(),
        found.join("\n")
    );
}

async fn citizen(client: &Client, base: &str, smtp: &SmtpServer) {
    let script = axe::script();
    // The checker finds what it should: a page without a language and an image without text.
    client
        .goto("data:text/html,<html><body><img src='x.png'></body></html>")
        .await
        .unwrap();
    let found = axe::violations(client, &script).await.join("\n");
    assert!(
        found.contains("image-alt") && found.contains("html-has-lang"),
        "{found}"
    );

    // The browser asks for English (Chromium's default here): the portal answers in it, and
    // the citizen switches to German with the keyboard; the choice is remembered.
    client.goto(&format!("{base}/portal/tgh/")).await.unwrap();
    assert_eq!(text_of(client, "h1").await, "What would you like to do?");
    accessible(client, &script, "the English start page").await;
    tab_to(client, "lang-de").await;
    keys(client, &ENTER.to_string()).await;
    wait_for(client, "html[lang=de]").await;
    assert_eq!(text_of(client, "h1").await, "Was möchten Sie erledigen?");
    accessible(client, &script, "the start page").await;

    // Search with the keyboard: the first Tab reaches the skip link, later ones the search.
    tab_to(client, "q").await;
    keys(client, &format!("Sperrmüll{ENTER}")).await;
    wait_for(client, "a[href$='/leistungen/maengelmeldung']").await;
    accessible(client, &script, "the search results").await;
    client
        .find(Locator::Css("a[href$='/leistungen/maengelmeldung']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "#f-problem_type").await;
    accessible(client, &script, "the problem report's form").await;

    // Fill it with the keyboard, forgetting the description.
    tab_to(client, "f-problem_type").await;
    keys(client, "W").await; // the first option starting with W: "Wilder Müll …"
    tab_to(client, "f-location_address-street").await;
    keys(
        client,
        &format!("Am Waldweg{TAB}3{TAB}12345{TAB}Tegelhausen"),
    )
    .await;
    tab_to(client, "notify-email").await;
    keys(client, "anna@example.org").await;
    tab_to(client, "send").await;
    keys(client, &ENTER.to_string()).await;
    wait_for(client, ".error-summary a[href='#f-description']").await;
    accessible(client, &script, "the form with its error summary").await;
    let street = client
        .find(Locator::Id("f-location_address-street"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        street.as_deref(),
        Some("Am Waldweg"),
        "what was typed is kept"
    );

    tab_to(client, "f-description").await;
    keys(client, "Ein Sofa und Farbeimer neben dem Weg.").await;
    tab_to(client, "send").await;
    keys(client, &ENTER.to_string()).await;
    let number = text_of(client, ".receipt .number").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(number, format!("TGH-{year}-000001"));
    accessible(client, &script, "the receipt").await;
    let link = text_of(client, ".receipt .link a").await;

    // The confirmation brings the same link, which opens the request's status.
    let mails = smtp.wait_for(1, WAIT);
    let mail = &mails[0];
    assert!(mail.contains(&number), "{mail}");
    let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
    assert!(
        unfolded.contains(&link),
        "the mail has the receipt's link:\n{mail}"
    );
    client.goto(&link).await.unwrap();
    assert_eq!(text_of(client, ".status").await, "Eingegangen");
    accessible(client, &script, "the tracking page").await;

    // More pages in English.
    client
        .goto(&format!("{base}/portal/tgh/?lang=en"))
        .await
        .unwrap();
    assert_eq!(text_of(client, "h1").await, "What would you like to do?");
    client
        .goto(&format!("{base}/portal/tgh/leistungen/gewerbeanmeldung"))
        .await
        .unwrap();
    wait_for(client, "#send").await;
    accessible(client, &script, "the English trade registration form").await;
    client
        .goto(&format!("{base}/portal/tgh/nichts"))
        .await
        .unwrap();
    accessible(client, &script, "a page that does not exist").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_sends_a_report_with_the_keyboard_and_follows_it_by_the_mailed_link() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("smtp"));
    let server = server(&dir.path().join("server"), &smtp);
    let driver = ChromeDriver::start();
    let client = browser(&driver).await;
    // The steps run in a task so that a failed assertion still lets the browser session end.
    let steps = {
        let (client, url) = (client.clone(), server.url.clone());
        tokio::spawn(async move {
            citizen(&client, &url, &smtp).await;
        })
    };
    let outcome = steps.await;
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(()) => {}
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the browser steps did not finish: {e}"),
    }
}

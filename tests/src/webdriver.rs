//! What the browser tests do with a WebDriver session, written once: connect to a
//! [`ChromeDriver`](crate::chrome::ChromeDriver), wait for an element, read it, click it, and
//! move a back-office case page along its workflow. Each waits up to [`WAIT`] and panics with
//! the page's source when the page never shows what was expected.

use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::chrome::ChromeDriver;

/// How long to wait for a page after a click.
pub const WAIT: Duration = Duration::from_secs(20);

/// A WebDriver session with `driver`'s Chromium.
pub async fn connect(driver: &ChromeDriver) -> Client {
    ClientBuilder::new(HttpConnector::new())
        .capabilities(driver.capabilities())
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("no WebDriver session with Chromium: {e}"))
}

/// Waits until the page shows an element matching `css`.
pub async fn wait_for(client: &Client, css: &str) {
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

/// The text of the element matching `css`, once the page shows it.
pub async fn text_of(client: &Client, css: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        match client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => match element.text().await {
                Ok(text) => return text,
                // Replaced by the next page between finding and reading: find it again.
                Err(_) if Instant::now() < deadline => {}
                Err(e) => panic!("`{css}` could not be read: {e}"),
            },
            Err(e) => {
                let source = client.source().await.unwrap_or_default();
                panic!("no `{css}` on the page ({e}):\n{source}");
            }
        }
    }
}

/// Clicks the element matching `css`, once the page shows it.
pub async fn click(client: &Client, css: &str) {
    wait_for(client, css).await;
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("`{css}` went away before the click: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("`{css}` could not be clicked: {e}"));
}

/// Clicks the back-office case page's button that moves the case to `to`.
pub async fn click_transition(client: &Client, to: &str) {
    click(client, &format!("button[name=to][value={to}]")).await;
}

/// Waits until the back-office case page shows `status` (after the redirect of a change).
pub async fn wait_for_status(client: &Client, status: &str) {
    wait_for(client, &format!("#status.status-{status}")).await;
}

/// Signs `username` in to the back office at `base` through its login form.
pub async fn sign_in(client: &Client, base: &str, username: &str, password: &str) {
    client
        .goto(&format!("{base}/backoffice/login"))
        .await
        .unwrap_or_else(|e| panic!("the login page did not load: {e}"));
    for (id, text) in [("username", username), ("password", password)] {
        wait_for(client, &format!("#{id}")).await;
        client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no #{id} on the login page: {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("#{id} takes no text: {e}"));
    }
    click(client, "form.login button[type=submit]").await;
}

/// Runs `steps` with a new WebDriver session of `driver`'s Chromium, in a task of their own,
/// so that a failed assertion still ends the session (and `driver` kills the browser) before
/// the failure is passed on.
///
/// # Panics
/// With the steps' panic, or when they did not finish.
pub async fn drive<F, Fut>(driver: ChromeDriver, steps: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let client = connect(&driver).await;
    let outcome = tokio::spawn(steps(client.clone())).await;
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(()) => {}
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the browser steps did not finish: {e}"),
    }
}

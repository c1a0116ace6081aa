//! What the portal's tests share: a server whose tenants offer some services, the problem
//! report's fields, and the mails the outbox holds.

use reqwest::StatusCode;
use sync_server::store::offered_services;
use sync_server::store::outbox::{self, NewMail};

use super::TestServer;
use super::browser::Browser;

/// The problem report's form on tenant `a`'s portal.
pub const REPORT: &str = "/portal/a/leistungen/maengelmeldung";

/// A server whose tenants offer `services` (`(tenant, service id)`).
pub async fn offering(services: &[(&str, &str)]) -> TestServer {
    offering_with(services, |_| {}).await
}

/// A server configured by `configure` whose tenants offer `services`.
pub async fn offering_with(
    services: &[(&str, &str)],
    configure: impl FnOnce(&mut sync_server::kernel::config::Config),
) -> TestServer {
    let server = TestServer::start_with(configure).await;
    let store = server.store();
    let services: Vec<(String, String)> = services
        .iter()
        .map(|(t, s)| ((*t).to_string(), (*s).to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                services
                    .iter()
                    .try_for_each(|(tenant, service)| offered_services::enable(tx, tenant, service))
            })
            .unwrap();
    })
    .await
    .unwrap();
    server
}

/// A complete problem report's fields, with the form's token and the address for updates.
pub fn report_fields<'a>(
    csrf: &'a str,
    description: &'a str,
    notify: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("problem_type", "illegal_dumping"),
        ("location_address.street", "Hauptstraße"),
        ("location_address.house_number", "12"),
        ("location_address.postal_code", "12345"),
        ("location_address.city", "Tegelhausen"),
        ("description", description),
        ("notify_email", notify),
        ("website", ""),
    ]
}

/// Sends a problem report from `citizen`'s browser; its tracking path (without `?neu=1`).
pub async fn send_report(citizen: &mut Browser, description: &str, notify: &str) -> String {
    let csrf = citizen.get(REPORT).await.csrf();
    let sent = citizen
        .post(REPORT, &report_fields(&csrf, description, notify))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location
        .unwrap()
        .trim_end_matches("?neu=1")
        .to_string()
}

/// The request's number on its receipt page.
pub async fn number_of(citizen: &mut Browser, tracking: &str) -> String {
    let receipt = citizen.get(&format!("{tracking}?neu=1")).await;
    let marker = "class=\"number\">";
    let start = receipt.body.find(marker).unwrap() + marker.len();
    let end = receipt.body[start..].find('<').unwrap() + start;
    receipt.body[start..end].to_string()
}

/// The mails queued since the last call (marked sent, as no SMTP server takes them here).
pub async fn new_mails(server: &TestServer) -> Vec<NewMail> {
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                let now = sync_server::store::now_ms() + 10_000_000;
                let claimed = outbox::claim_due(tx, now, 1_000_000_000, 100)?;
                for mail in &claimed {
                    outbox::mark_sent(tx, mail.id, now)?;
                }
                Ok(claimed.into_iter().map(|m| m.mail).collect())
            })
            .unwrap()
    })
    .await
    .unwrap()
}

/// The path of the link in `mail` that starts with `prefix`, with its 64-digit secret.
pub fn link(mail: &NewMail, prefix: &str) -> String {
    let start = mail
        .body_text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in: {}", mail.body_text));
    mail.body_text[start..start + prefix.len() + 64].to_string()
}

/// Opens the mailed confirmation link `path` and confirms it with `password`.
pub async fn confirm_address(
    citizen: &mut Browser,
    path: &str,
    password: &str,
) -> super::browser::Page {
    let page = citizen.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    citizen
        .post(path, &[("csrf", &csrf), ("password", password)])
        .await
}

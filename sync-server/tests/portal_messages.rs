//! The thread between a citizen and the office over real HTTP: a citizen writes from the
//! tracking page or from "Mein Rathaus", the office reads it on the case page and answers;
//! each side hears of a new message by e-mail that says where to read it, never what it
//! says. And the thread as an attacker meets it: another's request, forged forms, empty and
//! oversized messages, markup, a case that is no request.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use common::browser::{Browser, Page};
use common::portal::{confirm_address, new_mails, number_of, offering, send_report};
use reqwest::StatusCode;
use sync_server::store::outbox::NewMail;

const PASSWORD: &str = "ein langer Satz zum Merken";

async fn server() -> TestServer {
    offering(&[("a", "maengelmeldung")]).await
}

/// Waits for a mail whose event key starts with `event` (the notice task runs every 2 s).
async fn mail_for(server: &TestServer, event: &str) -> NewMail {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(mail) = new_mails(server)
            .await
            .into_iter()
            .find(|m| m.event_key.starts_with(event))
        {
            return mail;
        }
        assert!(Instant::now() < deadline, "no {event} mail");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A confirmed account of `email`, signed in.
async fn signed_up(server: &TestServer, email: &str) -> Browser {
    let mut citizen = Browser::new(server);
    let csrf = citizen.get("/portal/a/konto/registrieren").await.csrf();
    citizen
        .post(
            "/portal/a/konto/registrieren",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", PASSWORD),
                ("password_repeat", PASSWORD),
            ],
        )
        .await;
    let confirm = mail_for(server, "account-confirm:").await.body_text;
    let prefix = "/portal/a/konto/bestaetigen/";
    let start = confirm.find(prefix).unwrap();
    let confirmed = confirm_address(
        &mut citizen,
        &confirm[start..start + prefix.len() + 64],
        PASSWORD,
    )
    .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    citizen
}

/// Sends a problem report; its tracking page's path.
async fn report(citizen: &mut Browser, notify: &str) -> String {
    send_report(citizen, "Sofa am Waldweg", notify).await
}

fn case_id(page: &Page, number: &str) -> String {
    let marker = "href=\"/backoffice/cases/";
    page.body
        .match_indices(marker)
        .map(|(i, _)| {
            let start = i + marker.len();
            let end = page.body[start..].find('"').unwrap() + start;
            (
                page.body[start..end].to_string(),
                page.body[end..].to_string(),
            )
        })
        .find(|(_, rest)| rest[..rest.find("</a>").unwrap_or(0)].contains(number))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("{number} not in the queue:\n{}", page.body))
}

#[tokio::test]
async fn a_citizen_and_the_office_write_to_each_other_and_hear_only_that_they_did() {
    let server = server().await;
    let mut anna = Browser::new(&server);
    let tracking = report(&mut anna, "anna@example.org").await;
    let number = number_of(&mut anna, &tracking).await;
    new_mails(&server).await; // the confirmation

    // The citizen writes from the tracking page.
    let page = anna.get(&tracking).await;
    assert!(
        page.body.contains("Noch keine Nachrichten"),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let sent = anna
        .post(
            &format!("{tracking}/nachricht"),
            &[
                ("csrf", &csrf),
                (
                    "message",
                    "Das Sofa steht seit Montag dort.\nBitte schnell.",
                ),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{tracking}?gesendet=1#nachrichten").as_str())
    );
    let page = anna.get(sent.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Ihre Nachricht ist gesendet"));
    assert!(page.body.contains("Das Sofa steht seit Montag dort."));
    // The office hears of it at the service's office, without its content.
    let to_office = mail_for(&server, "message-to-office:").await;
    assert_eq!(to_office.recipient, "ordnungsamt@example.org");
    assert!(to_office.body_text.contains(&number));
    assert!(
        !to_office.body_text.contains("Sofa"),
        "{}",
        to_office.body_text
    );

    // The office reads and answers on the case page.
    let mut office = Browser::signed_in(&server, "coordinator").await;
    let queue = office.get("/backoffice/cases?officer=buergerin").await;
    let id = case_id(&queue, &number);
    let case_page = office.get(&format!("/backoffice/cases/{id}")).await;
    assert!(
        case_page.body.contains("Das Sofa steht seit Montag dort."),
        "{}",
        case_page.body
    );
    let csrf = case_page.csrf();
    let answered = office
        .post(
            &format!("/backoffice/cases/{id}/messages"),
            &[
                ("csrf", &csrf),
                ("message", "Danke, wir holen es am Donnerstag ab."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let to_citizen = mail_for(&server, "message-to-citizen:").await;
    assert_eq!(to_citizen.recipient, "anna@example.org");
    assert!(to_citizen.body_text.contains(&number));
    assert!(
        !to_citizen.body_text.contains("Donnerstag"),
        "{}",
        to_citizen.body_text
    );
    assert!(to_citizen.body_text.contains("Eingangsbestätigung"));
    let page = anna.get(&tracking).await;
    assert!(page.body.contains("Danke, wir holen es am Donnerstag ab."));
    assert!(page.body.contains("Verwaltung"));
    let audit = server.audit("a", None, 5).await;
    assert!(
        audit.iter().any(|e| e.action == "message_citizen"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_citizen_with_an_account_writes_from_mein_rathaus_and_is_told_where_to_read() {
    let server = server().await;
    let mut bert = signed_up(&server, "bert@example.org").await;
    let tracking = report(&mut bert, "bert@example.org").await;
    let number = number_of(&mut bert, &tracking).await;
    new_mails(&server).await;
    let own = format!("/portal/a/mein-rathaus/{number}");
    let page = bert.get(&own).await;
    let csrf = page.csrf();
    let sent = bert
        .post(
            &format!("{own}/nachricht"),
            &[("csrf", &csrf), ("message", "Frage zum Termin")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(bert.get(&own).await.body.contains("Frage zum Termin"));

    let mut office = Browser::signed_in(&server, "coordinator").await;
    let queue = office.get("/backoffice/cases?officer=buergerin").await;
    let id = case_id(&queue, &number);
    let csrf = office.get(&format!("/backoffice/cases/{id}")).await.csrf();
    office
        .post(
            &format!("/backoffice/cases/{id}/messages"),
            &[("csrf", &csrf), ("message", "Termin ist am 5.")],
        )
        .await;
    let notice = mail_for(&server, "message-to-citizen:").await;
    assert!(
        notice
            .body_text
            .contains(&format!("/portal/a/mein-rathaus/{number}")),
        "{}",
        notice.body_text
    );
    assert!(!notice.body_text.contains("Termin ist"));
}

#[tokio::test]
async fn nobody_writes_into_anothers_thread_and_bad_messages_come_back() {
    let server = server().await;
    let mut anna = Browser::new(&server);
    let tracking = report(&mut anna, "").await;
    let page = anna.get(&tracking).await;
    let csrf = page.csrf();
    // A guessed link, another tenant, the wrong path.
    let guessed = format!("/portal/a/anliegen/{}/nachricht", "0".repeat(64));
    let answer = anna
        .post(&guessed, &[("csrf", &csrf), ("message", "Hallo")])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let other_tenant = format!("{}/nachricht", tracking.replace("/portal/a/", "/portal/b/"));
    let answer = anna
        .post(&other_tenant, &[("csrf", &csrf), ("message", "Hallo")])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = anna
        .post(
            &format!("{tracking}/etwas"),
            &[("csrf", &csrf), ("message", "Hallo")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    // Without the form token: kept, not stored.
    let mut stranger = Browser::new(&server);
    let forged = stranger
        .post(
            &format!("{tracking}/nachricht"),
            &[("csrf", &csrf), ("message", "Untergeschoben")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        forged.body.contains("Untergeschoben"),
        "what was typed is kept"
    );
    // Empty, too long.
    let empty = anna
        .post(
            &format!("{tracking}/nachricht"),
            &[("csrf", &csrf), ("message", "  \n ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Bitte schreiben Sie eine Nachricht"));
    let long = "x".repeat(5_001);
    let too_long = anna
        .post(
            &format!("{tracking}/nachricht"),
            &[("csrf", &csrf), ("message", &long)],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains(&long), "kept to shorten");
    // Markup is text, on both sides.
    anna.post(
        &format!("{tracking}/nachricht"),
        &[("csrf", &csrf), ("message", "<img src=x onerror=alert(1)>")],
    )
    .await;
    let page = anna.get(&tracking).await;
    assert!(!page.body.contains("<img src=x"), "{}", page.body);
    assert!(!page.body.contains("Untergeschoben"));
    let mut office = Browser::signed_in(&server, "coordinator").await;
    let number = number_of(&mut anna, &tracking).await;
    let queue = office.get("/backoffice/cases?officer=buergerin").await;
    let id = case_id(&queue, &number);
    let case_page = office.get(&format!("/backoffice/cases/{id}")).await;
    assert!(!case_page.body.contains("<img src=x"));
    // Another citizen's account page of it is nothing.
    let mut carla = signed_up(&server, "carla@example.org").await;
    let csrf = carla.get("/portal/a/konto").await.csrf();
    let foreign = carla
        .post(
            &format!("/portal/a/mein-rathaus/{number}/nachricht"),
            &[("csrf", &csrf), ("message", "Hallo")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    // The office cannot write where there is no citizen.
    let mut tablet = server.tablet("officer1").await;
    let own = tablet.create("Eigene Kontrolle");
    tablet.sync().await;
    let csrf = office.get(&format!("/backoffice/cases/{own}")).await.csrf();
    let nobody = office
        .post(
            &format!("/backoffice/cases/{own}/messages"),
            &[("csrf", &csrf), ("message", "Hallo")],
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{}", nobody.body);
}

//! The Wegweiser over real HTTP: from the start page, two questions to the right service —
//! only subjects the tenant offers services in —, each service with who answers it, and for
//! "none of these" the people to ask.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::Browser;
use reqwest::StatusCode;
use sync_server::store::offered_services;

#[tokio::test]
async fn the_guide_leads_in_two_steps_to_a_service_or_to_the_people_to_ask() {
    let server = TestServer::start().await;
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                offered_services::enable(tx, "a", "maengelmeldung")?;
                offered_services::enable(tx, "a", "kita-notbetreuung")?;
                offered_services::enable(tx, "a", "kita-vertrag-kuendigen")
            })
            .unwrap();
        sync_server::services::admin::set_portal_look(
            store.as_ref(),
            "a",
            &sync_server::store::portal_looks::PortalLook {
                contact_email: Some("rathaus@stadt-a.example".into()),
                contact_phone: Some("+49 30 1234-0".into()),
                ..Default::default()
            },
        )
        .unwrap();
    })
    .await
    .unwrap();
    let mut citizen = Browser::new(&server);
    let start = citizen.get("/portal/a/").await;
    assert!(
        start.body.contains("href=\"/portal/a/wegweiser\""),
        "{}",
        start.body
    );

    let first = citizen.get("/portal/a/wegweiser").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Worum geht es?"));
    assert!(first.body.contains("href=\"/portal/a/wegweiser/street\""));
    assert!(first.body.contains("href=\"/portal/a/wegweiser/family\""));
    assert!(
        !first.body.contains("/wegweiser/business"),
        "no subject without an offered service"
    );
    assert!(first.body.contains("href=\"/portal/a/wegweiser/kontakt\""));

    let family = citizen.get("/portal/a/wegweiser/family").await;
    assert_eq!(family.status, StatusCode::OK);
    assert!(
        family
            .body
            .contains("/portal/a/leistungen/kita-notbetreuung")
    );
    assert!(
        family
            .body
            .contains("/portal/a/leistungen/kita-vertrag-kuendigen")
    );
    assert!(!family.body.contains("/leistungen/maengelmeldung"));
    assert!(
        family.body.contains("Zuständig:"),
        "who answers: {}",
        family.body
    );

    let people = citizen.get("/portal/a/wegweiser/kontakt").await;
    assert_eq!(people.status, StatusCode::OK);
    assert!(people.body.contains("mailto:rathaus@stadt-a.example"));
    assert!(people.body.contains("tel:+49 30 1234-0"));
    assert!(people.body.contains("mailto:ordnungsamt@example.org"));
    assert_eq!(
        people
            .body
            .matches("mailto:ordnungsamt@example.org")
            .count(),
        1,
        "an office once"
    );

    for unknown in ["business", "nichts", "%3Cscript%3E"] {
        let page = citizen.get(&format!("/portal/a/wegweiser/{unknown}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{unknown}");
    }
    let english = citizen.get("/portal/a/wegweiser?lang=en").await;
    assert!(english.body.contains("What is it about?"));
}

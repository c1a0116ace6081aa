//! The Bürgerportal over real HTTP: finding a service, sending a request, following it; a
//! refused form keeping what was typed; and the portal as an attacker meets it — forms from
//! elsewhere, robots, floods, guessed and foreign tracking links, markup in answers.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, Page};
use common::portal::{REPORT, offering, offering_with, report_fields};
use reqwest::StatusCode;
use schema::{FieldValue, Status};
use sync_server::store::{cases, outbox};

/// The problem report (both tenants) and the trade registration (`a`).
const OFFERED: &[(&str, &str)] = &[
    ("a", "maengelmeldung"),
    ("a", "gewerbeanmeldung"),
    ("b", "maengelmeldung"),
];

async fn server_with(
    configure: impl FnOnce(&mut sync_server::kernel::config::Config),
) -> TestServer {
    offering_with(OFFERED, configure).await
}

async fn server() -> TestServer {
    offering(OFFERED).await
}

const FORM: &str = REPORT;

/// A complete problem report, with the form's token.
fn report<'a>(csrf: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    report_fields(csrf, description, "")
}

async fn requests(server: &TestServer) -> Vec<sync_server::store::CaseRow> {
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        store
            .read(|tx| {
                cases::list(
                    tx,
                    &sync_server::store::Visibility::Tenant { tenant: "a".into() },
                )
            })
            .unwrap()
    })
    .await
    .unwrap()
}

fn tracking_path(page: &Page) -> String {
    let location = page
        .location
        .clone()
        .unwrap_or_else(|| panic!("no redirect: {}", page.body));
    assert!(location.starts_with("/portal/a/anliegen/"), "{location}");
    assert!(location.ends_with("?neu=1"), "{location}");
    location
}

#[tokio::test]
async fn a_citizen_finds_a_service_sends_a_request_and_follows_it() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let start = citizen.get("/portal/a/").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("Stadt A"), "{}", start.body);
    assert!(start.body.contains("Mängelmeldung"));
    assert!(start.body.contains("Gewerbe anmelden"));
    let found = citizen.get("/portal/a/?q=sperrm%C3%BCll").await;
    assert!(found.body.contains(FORM), "{}", found.body);
    assert!(!found.body.contains("/leistungen/gewerbeanmeldung"));
    let nothing = citizen.get("/portal/a/?q=xylophon").await;
    assert!(
        nothing.body.contains("Keine Leistung passt zu „xylophon“"),
        "{}",
        nothing.body
    );

    let form = citizen.get(FORM).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Was ist das Problem?") || form.body.contains("name=\"problem_type\"")
    );
    let cookie = form.set_cookies.join("\n");
    assert!(
        cookie.contains("naper_portal_form=") && cookie.contains("Path=/portal"),
        "{cookie}"
    );
    let csrf = form.csrf();
    let mut sent = report(&csrf, "Ein Sofa und Farbeimer am Waldweg");
    sent.retain(|(k, _)| *k != "notify_email");
    sent.push(("notify_email", "anna@example.org"));
    let answer = citizen.post(FORM, &sent).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let tracking = tracking_path(&answer);

    let receipt = citizen.get(&tracking).await;
    assert_eq!(receipt.status, StatusCode::OK);
    let year = chrono::Utc::now().format("%Y").to_string();
    let number = format!("A-{year}-000001");
    assert!(receipt.body.contains(&number), "{}", receipt.body);
    assert!(receipt.body.contains("Eingegangen"));
    assert!(receipt.body.contains("anna@example.org"));
    assert!(receipt.body.contains("Ein Sofa und Farbeimer am Waldweg"));
    // Without `?neu=1` the page is the status alone, for later visits.
    let later = citizen.get(tracking.trim_end_matches("?neu=1")).await;
    assert!(later.body.contains(&number));
    assert!(!later.body.contains("anna@example.org"));

    // The request is a case of the office, received, worked with the inspection template,
    // and its confirmation waits in the outbox.
    let rows = requests(&server).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "received");
    assert_eq!(rows[0].template_id, "illegal-waste-dumping");
    assert!(rows[0].title.contains(&number));
    let case = server.case(rows[0].id).await.unwrap();
    assert_eq!(case.status, Status::Received);
    let request = case.request.unwrap();
    assert_eq!(
        request.answers.get("description"),
        Some(&FieldValue::LongText(
            "Ein Sofa und Farbeimer am Waldweg".into()
        ))
    );
    let store = server.store();
    let waiting = tokio::task::spawn_blocking(move || store.read(outbox::counts).unwrap().waiting)
        .await
        .unwrap();
    assert_eq!(waiting, 1);

    // The coordinator sees it in the back office's queue.
    let mut coordinator = Browser::signed_in(&server, "coordinator").await;
    let queue = coordinator.get("/backoffice/cases").await;
    assert!(queue.body.contains(&number), "{}", queue.body);
    // "Created by: citizens' requests" finds it.
    let filtered = coordinator.get("/backoffice/cases?officer=buergerin").await;
    assert!(filtered.body.contains(&number), "{}", filtered.body);
    assert!(filtered.body.contains("Bürgeranliegen (Bürgerportal)"));
    // Its page shows what the citizen sent, read-only, above the inspection's own answers.
    let page = coordinator
        .get(&format!("/backoffice/cases/{}", rows[0].id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let sent = page.body.find("Bürgeranliegen").unwrap();
    let own = page.body.find("id=\"answers\"").unwrap();
    assert!(sent < own, "the request comes first");
    assert!(
        page.body.contains(&format!("Bürgeranliegen {number}")),
        "{}",
        page.body
    );
    assert!(page.body[sent..own].contains("Ein Sofa und Farbeimer am Waldweg"));
    assert!(page.body[sent..own].contains("Wilder Müll (illegal abgelagerte Abfälle)"));
    assert!(
        !page.body[sent..own].contains("/fields/"),
        "the request is read-only (its only form writes to the citizen)"
    );

    // The coordinator takes it on: the citizen's page says so, with the way it went, and
    // the citizen is told by mail (once, and without what they wrote).
    let moved = coordinator
        .post(
            &format!("/backoffice/cases/{}/status", rows[0].id),
            &[("csrf", &page.csrf()), ("to", "triaged")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let store = server.store();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let store = store.clone();
        let waiting =
            tokio::task::spawn_blocking(move || store.read(outbox::counts).unwrap().waiting)
                .await
                .unwrap();
        if waiting == 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no notice was queued ({waiting} waiting)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let later = citizen.get(tracking.trim_end_matches("?neu=1")).await;
    assert!(
        later
            .body
            .contains("<dd class=\"status\">In Bearbeitung</dd>"),
        "{}",
        later.body
    );
    let steps = later.body.split("class=\"timeline\"").nth(1).unwrap();
    assert!(steps.find("Eingegangen").unwrap() < steps.find("In Bearbeitung").unwrap());
}

#[tokio::test]
async fn a_refused_form_comes_back_with_everything_typed_and_a_summary_linking_the_fields() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let mut sent = report(&csrf, "");
    sent.retain(|(k, _)| !matches!(*k, "problem_type" | "notify_email"));
    sent.push(("problem_type", "traffic_sign"));
    sent.push(("notify_email", "kein-at-zeichen"));
    let refused = citizen.post(FORM, &sent).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    for expected in [
        "href=\"#f-description\"",
        "href=\"#f-sign_issue\"",
        "href=\"#notify-email\"",
        "value=\"Hauptstraße\"",
        "value=\"kein-at-zeichen\"",
        "<option value=\"traffic_sign\" selected>",
    ] {
        assert!(
            refused.body.contains(expected),
            "{expected} missing:\n{}",
            refused.body
        );
    }
    assert!(requests(&server).await.is_empty());
    // Typed in a field that does not apply (a vehicle's plate for a sign): no problem, not kept.
    let csrf = refused.csrf();
    let mut sent = report(&csrf, "Schild liegt auf dem Gehweg");
    sent.push(("vehicle_standing_since", "gibt-es-nicht"));
    let accepted = citizen.post(FORM, &sent).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    // English pages speak English, errors included.
    let csrf = citizen.get(&format!("{FORM}?lang=en")).await.csrf();
    let refused = citizen.post(FORM, &report(&csrf, "")).await;
    assert!(refused.body.contains("Please fill in"), "{}", refused.body);
}

#[tokio::test]
async fn forms_from_elsewhere_and_from_robots_store_nothing() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    // No token, a wrong token, and the right token from another site.
    let mut wrong = report("0000", "Müll");
    let refused = citizen.post(FORM, &wrong).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("value=\"Hauptstraße\""),
        "answers are kept"
    );
    wrong.retain(|(k, _)| *k != "csrf");
    assert_eq!(
        citizen.post(FORM, &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    let cross = citizen
        .post_with(
            FORM,
            &report(&csrf, "Müll"),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let mut stranger = Browser::new(&server);
    assert_eq!(
        stranger.post(FORM, &report(&csrf, "Müll")).await.status,
        StatusCode::FORBIDDEN,
        "a token without its cookie"
    );
    // The field people never see, filled.
    let mut robot = report(&csrf, "Müll");
    robot.retain(|(k, _)| *k != "website");
    robot.push(("website", "http://spam.example"));
    assert_eq!(
        citizen.post(FORM, &robot).await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn the_limit_per_address_keeps_what_was_typed() {
    let server = server_with(|config| {
        config.citizen_requests_per_hour = std::num::NonZeroU32::new(2).unwrap();
    })
    .await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    for _ in 0..2 {
        let sent = citizen.post(FORM, &report(&csrf, "Müll")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    let third = citizen.post(FORM, &report(&csrf, "Noch mehr Müll")).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.body.contains("Noch mehr Müll"));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_tracking_link_opens_only_its_own_request() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let sent = citizen.post(FORM, &report(&csrf, "Müll")).await;
    let tracking = tracking_path(&sent);
    let secret = tracking
        .trim_start_matches("/portal/a/anliegen/")
        .trim_end_matches("?neu=1")
        .to_string();
    let mut other = Browser::new(&server);
    assert_eq!(
        other.get(&tracking).await.status,
        StatusCode::OK,
        "the link is the key"
    );
    // The same link under another tenant, a changed link, a cut one, junk.
    let mut changed = secret.clone().into_bytes();
    changed[0] = if changed[0] == b'a' { b'b' } else { b'a' };
    let changed = String::from_utf8(changed).unwrap();
    for path in [
        format!("/portal/b/anliegen/{secret}"),
        format!("/portal/a/anliegen/{changed}"),
        format!("/portal/a/anliegen/{}", &secret[..32]),
        "/portal/a/anliegen/%3Cscript%3E".to_string(),
        format!("/portal/a/anliegen/{secret}{secret}"),
    ] {
        let page = other.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("Müll"), "{path}");
    }
    // A back-office session is no key to the portal.
    let mut staff = Browser::signed_in(&server, "b.coordinator").await;
    assert_eq!(
        staff
            .get(&format!("/portal/b/anliegen/{secret}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The portal's page is kept by no cache.
    let page = other.get(&tracking).await;
    assert!(page.body.contains("Müll"));
}

#[tokio::test]
async fn markup_in_answers_is_shown_as_text() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let attack = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let sent = citizen.post(FORM, &report(&csrf, attack)).await;
    let page = citizen.get(&tracking_path(&sent)).await;
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(page.body.contains("alert(1)"), "{}", page.body);
    let mut coordinator = Browser::signed_in(&server, "coordinator").await;
    let id = requests(&server).await[0].id;
    let case_page = coordinator.get(&format!("/backoffice/cases/{id}")).await;
    assert_eq!(case_page.status, StatusCode::OK);
    assert!(!case_page.body.contains("<script>alert"));
}

#[tokio::test]
async fn unknown_tenants_services_and_paths_are_pages_not_errors_of_the_server() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    for path in [
        "/portal/nowhere/",
        "/portal/nowhere/leistungen/maengelmeldung",
        "/portal/b/leistungen/gewerbeanmeldung", // offered by `a` only
        "/portal/a/leistungen/illegal-waste-dumping", // an officer's template
        "/portal/a/leistungen/..%2F..%2Fetc",
        "/portal/a/nichts",
    ] {
        let page = citizen.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.content_type.starts_with("text/html"), "{path}");
        assert!(page.body.contains("<html lang=\"de\">"), "{path}");
    }
    // Headers every page carries, and a portal that sets no cookie for the back office.
    let response = reqwest::get(server.url(FORM)).await.unwrap();
    let headers = response.headers();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    for cookie in headers.get_all("set-cookie") {
        assert!(
            cookie.to_str().unwrap().contains("Path=/portal"),
            "{cookie:?}"
        );
    }
    // A form too large or not a form.
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = reqwest::Client::new()
        .post(server.url(FORM))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("description={huge}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Refused unread: the connection ends, so the rest is not taken for a request.
    assert_eq!(
        response
            .headers()
            .get("connection")
            .and_then(|v| v.to_str().ok()),
        Some("close")
    );
    let response = reqwest::Client::new()
        .post(server.url(FORM))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_tenants_portal_wears_its_colour_and_links() {
    let server = server().await;
    let store = server.store();
    let set = |look: sync_server::store::portal_looks::PortalLook| {
        let store = store.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                sync_server::services::admin::set_portal_look(store.as_ref(), "a", &look)
            })
            .await
            .unwrap()
        }
    };
    // A colour white text does not read on is refused, and nothing changes.
    let pale = set(sync_server::store::portal_looks::PortalLook {
        accent: Some("#ffd700".into()),
        ..Default::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(pale.contains("4.5 : 1"), "{pale}");
    let mut citizen = Browser::new(&server);
    let plain = citizen.get("/portal/a/").await;
    assert!(!plain.body.contains("/portal/a/theme.css"));
    assert!(!plain.body.contains("Impressum"));

    set(sync_server::store::portal_looks::PortalLook {
        accent: Some("#1e7b34".into()),
        imprint_url: Some("https://stadt-a.example/impressum".into()),
        privacy_url: Some("https://stadt-a.example/datenschutz".into()),
        contact_email: Some("buergerbuero@stadt-a.example".into()),
        contact_phone: Some("+49 30 1234-0".into()),
        logo_alt: None,
    })
    .await
    .unwrap();
    let page = citizen.get(FORM).await;
    for expected in [
        "<link rel=\"stylesheet\" href=\"/portal/a/theme.css\">",
        "href=\"https://stadt-a.example/impressum\">Impressum</a>",
        "href=\"https://stadt-a.example/datenschutz\">Datenschutz</a>",
        "mailto:buergerbuero@stadt-a.example",
    ] {
        assert!(
            page.body.contains(expected),
            "{expected} missing:\n{}",
            page.body
        );
    }
    let theme = citizen.get("/portal/a/theme.css").await;
    assert_eq!(theme.status, StatusCode::OK);
    assert!(theme.content_type.starts_with("text/css"));
    assert_eq!(theme.body, ":root { --accent: #1e7b34; }\n");
    // Another tenant keeps naper's look.
    let other = citizen.get("/portal/b/").await;
    assert!(!other.body.contains("theme.css") && !other.body.contains("stadt-a.example"));
}

#[tokio::test]
async fn a_portal_has_a_host_name_of_its_own_and_a_tenants_own_search_words() {
    let server = server().await;
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        use sync_server::services::admin;
        admin::set_portal_host(store.as_ref(), "a", "Buergerportal.Stadt-A.example").unwrap();
        let taken = admin::set_portal_host(store.as_ref(), "b", "buergerportal.stadt-a.example");
        assert!(taken.unwrap_err().to_string().contains("already"));
        let bad = admin::set_portal_host(store.as_ref(), "b", "https://x.example/");
        assert!(bad.unwrap_err().to_string().contains("not a host name"));
        admin::service_words(
            store.as_ref(),
            "a",
            "maengelmeldung",
            &["Kühlschrank".to_string()],
            false,
        )
        .unwrap();
        let not_offered = admin::service_words(
            store.as_ref(),
            "b",
            "gewerbeanmeldung",
            &["x".into()],
            false,
        );
        assert!(
            not_offered
                .unwrap_err()
                .to_string()
                .contains("does not offer")
        );
        // Tenant b stops offering its problem report, and a's numbers get its letters.
        admin::disable_services(store.as_ref(), "b", &["maengelmeldung".into()]).unwrap();
        let again = admin::disable_services(store.as_ref(), "b", &["maengelmeldung".into()]);
        assert!(again.unwrap_err().to_string().contains("does not offer"));
        admin::set_request_prefix(store.as_ref(), "a", "STA").unwrap();
        let bad = admin::set_request_prefix(store.as_ref(), "a", "sta a");
        assert!(bad.unwrap_err().to_string().contains("capital letters"));
    })
    .await
    .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str, host: &str| client.get(server.url(path)).header("host", host).send();
    let root = get("/", "buergerportal.stadt-a.example:443").await.unwrap();
    assert_eq!(root.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(root.headers()["location"], "/portal/a/");
    let deep = get("/?q=k%C3%BChlschrank", "BUERGERPORTAL.stadt-a.example")
        .await
        .unwrap();
    assert_eq!(deep.headers()["location"], "/portal/a/?q=k%C3%BChlschrank");
    // Any other host keeps the API's answer, and the surfaces' own paths stay theirs.
    let elsewhere = get("/", "other.example").await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    assert!(
        elsewhere.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("json")
    );
    let health = get("/health", "buergerportal.stadt-a.example")
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // The tenant's own word finds its service.
    let mut citizen = Browser::new(&server);
    let found = citizen.get("/portal/a/?q=K%C3%BChlschrank").await;
    assert!(found.body.contains(FORM), "{}", found.body);
    let elsewhere = citizen.get("/portal/b/?q=K%C3%BChlschrank").await;
    assert!(!elsewhere.body.contains("/leistungen/maengelmeldung"));
    // A service no longer offered is gone from its portal; the numbers carry the new letters.
    let gone = citizen.get("/portal/b/leistungen/maengelmeldung").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let csrf = citizen.get(FORM).await.csrf();
    let sent = citizen.post(FORM, &report(&csrf, "Müll")).await;
    let receipt = citizen.get(&tracking_path(&sent)).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        receipt.body.contains(&format!("STA-{year}-000001")),
        "{}",
        receipt.body
    );
}

#[tokio::test]
async fn the_portal_installs_on_a_phone_in_the_towns_colour() {
    let server = server().await;
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        sync_server::services::admin::set_portal_look(
            store.as_ref(),
            "a",
            &sync_server::store::portal_looks::PortalLook {
                accent: Some("#1e7b34".into()),
                ..Default::default()
            },
        )
        .unwrap();
    })
    .await
    .unwrap();
    let mut citizen = Browser::new(&server);
    let page = citizen.get("/portal/a/").await;
    assert!(
        page.body
            .contains("<link rel=\"manifest\" href=\"/portal/a/manifest.webmanifest\">")
    );
    assert!(
        page.body
            .contains("<meta name=\"theme-color\" content=\"#1e7b34\">")
    );
    let manifest = citizen.get("/portal/a/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert!(
        manifest
            .content_type
            .starts_with("application/manifest+json")
    );
    let json: serde_json::Value = serde_json::from_str(&manifest.body).unwrap();
    assert_eq!(json["name"], "Stadt A – Bürgerportal");
    assert_eq!(json["start_url"], "/portal/a/");
    assert_eq!(json["scope"], "/portal/a/");
    assert_eq!(json["display"], "standalone");
    assert_eq!(json["theme_color"], "#1e7b34");
    for (icon, size) in json["icons"].as_array().unwrap().iter().zip([192u32, 512]) {
        let (status, content_type, bytes) = citizen.get_bytes(icon["src"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "image/png");
        let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (size, size));
        assert_eq!(
            image.get_pixel(2, 2).0,
            [0x1e, 0x7b, 0x34],
            "in the town's colour"
        );
    }
    assert_eq!(
        citizen.get("/portal/a/icons/64.png").await.status,
        StatusCode::NOT_FOUND
    );
    // Another town keeps naper's colour.
    let other: serde_json::Value =
        serde_json::from_str(&citizen.get("/portal/b/manifest.webmanifest").await.body).unwrap();
    assert_eq!(other["theme_color"], "#0b5394");
    // The service worker and its offline page, and the one script the pages may load.
    let worker = citizen.get("/portal/sw.js").await;
    assert!(worker.content_type.starts_with("text/javascript"));
    assert!(worker.body.contains("/portal/offline.html"));
    let offline = citizen.get("/portal/offline.html").await;
    assert!(offline.body.contains("Keine Verbindung"));
    let response = reqwest::get(server.url("/portal/a/")).await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let backoffice = reqwest::get(server.url("/backoffice/login")).await.unwrap();
    let csp = backoffice.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        !csp.contains("script-src"),
        "the back office runs no scripts: {csp}"
    );
}

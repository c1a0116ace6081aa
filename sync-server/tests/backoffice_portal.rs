//! The portal's settings in the back office over real HTTP: an admin sets the look (a pale
//! colour is refused in German with the contrast it has), uploads a coat of arms (stored as
//! a PNG at the header's height, its transparency kept; what is no image refused), and
//! chooses the services offered and their search words — and the citizens' portal shows
//! each at once. Other roles, another tenant and forged forms change nothing.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::browser::Browser;
use common::{PASSWORD, TestServer, add_admin};
use reqwest::StatusCode;
use sync_server::store::offered_services;

const SETTINGS: &str = "/backoffice/admin/portal";

async fn setup() -> TestServer {
    let server = TestServer::start().await;
    add_admin(&server, "a", "admin").await;
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                offered_services::enable(tx, "a", "maengelmeldung")?;
                offered_services::enable(tx, "a", "gewerbeanmeldung")
            })
            .unwrap();
    })
    .await
    .unwrap();
    server
}

fn arms_png() -> Vec<u8> {
    let arms = image::RgbaImage::from_fn(300, 360, |x, y| {
        let inside = (x as i32 - 150).pow(2) + (y as i32 - 180).pow(2) < 140 * 140;
        image::Rgba([180, 20, 30, if inside { 255 } else { 0 }])
    });
    let mut png = Vec::new();
    arms.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

#[tokio::test]
async fn an_admin_sets_the_portals_look_arms_and_services_and_citizens_see_them() {
    let server = setup().await;
    let mut admin = Browser::signed_in(&server, "admin").await;
    let page = admin.get(SETTINGS).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Mängelmeldung") && page.body.contains("Hausnummer"));
    let csrf = page.csrf();

    // A colour white text does not read on is refused with its contrast, in German.
    let pale = admin
        .post(
            &format!("{SETTINGS}/look"),
            &[("csrf", &csrf), ("accent", "#FFCC00"), ("imprint_url", "")],
        )
        .await;
    assert_eq!(pale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(pale.body.contains("weniger als 4,5 : 1"), "{}", pale.body);
    assert!(pale.body.contains("#ffcc00"), "what was typed is shown");
    let evil = admin
        .post(
            &format!("{SETTINGS}/look"),
            &[("csrf", &csrf), ("imprint_url", "javascript:alert(1)")],
        )
        .await;
    assert_eq!(evil.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = admin
        .post(
            &format!("{SETTINGS}/look"),
            &[
                ("csrf", &csrf),
                ("accent", "#1e7b34"),
                ("imprint_url", "https://stadt-a.example/impressum"),
                ("privacy_url", "https://stadt-a.example/datenschutz"),
                ("contact_email", "rathaus@stadt-a.example"),
                ("contact_phone", "+49 30 1234-0"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let mut citizen = Browser::new(&server);
    let start = citizen.get("/portal/a/").await;
    assert!(start.body.contains("/portal/a/theme.css"));
    assert!(start.body.contains("https://stadt-a.example/impressum"));

    // The coat of arms: an image of another kind is refused, a PNG is made fit.
    let gif = admin
        .post_multipart(
            &format!("{SETTINGS}/logo"),
            &[("csrf", &csrf), ("alt", "Wappen")],
            &[("logo", "wappen.png", b"GIF89a\x01\x00\x01\x00".to_vec())],
        )
        .await;
    assert_eq!(gif.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        gif.body.contains("kein PNG- oder JPEG-Bild"),
        "{}",
        gif.body
    );
    let forged = admin
        .post_multipart(
            &format!("{SETTINGS}/logo"),
            &[("csrf", "0"), ("alt", "Wappen")],
            &[("logo", "wappen.png", arms_png())],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let uploaded = admin
        .post_multipart(
            &format!("{SETTINGS}/logo"),
            &[("csrf", &csrf), ("alt", "Wappen der Stadt A")],
            &[("logo", "wappen.png", arms_png())],
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let start = citizen.get("/portal/a/").await;
    assert!(
        start
            .body
            .contains(r#"src="/portal/a/logo.png" alt="Wappen der Stadt A""#),
        "{}",
        start.body
    );
    let (status, content_type, png) = citizen.get_bytes("/portal/a/logo.png").await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "image/png")
    );
    let logo = image::load_from_memory(&png).unwrap().to_rgba8();
    assert_eq!((logo.width(), logo.height()), (80, 96));
    assert_eq!(logo.get_pixel(0, 0)[3], 0, "transparency kept");
    assert_eq!(
        citizen.get("/portal/b/logo.png").await.status,
        StatusCode::NOT_FOUND,
        "another tenant has none"
    );
    let removed = admin
        .post_multipart(
            &format!("{SETTINGS}/logo"),
            &[("csrf", &csrf), ("remove", "1")],
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(!citizen.get("/portal/a/").await.body.contains("logo.png"));

    // Services and words.
    let changed = admin
        .post(
            &format!("{SETTINGS}/services"),
            &[
                ("csrf", &csrf),
                ("offered", "maengelmeldung"),
                ("offered", "hausnummer-zuteilung"),
                ("words.maengelmeldung", "Schrottrad, Müll am Waldrand"),
                ("words.hausnummer-zuteilung", ""),
                ("words.gewerbeanmeldung", "Laden"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let start = citizen.get("/portal/a/").await;
    assert!(start.body.contains("/leistungen/hausnummer-zuteilung"));
    assert!(
        !start.body.contains("/leistungen/gewerbeanmeldung"),
        "no longer offered"
    );
    let found = citizen.get("/portal/a/?q=schrottrad").await;
    assert!(
        found.body.contains("/leistungen/maengelmeldung"),
        "{}",
        found.body
    );
    let page = admin.get(SETTINGS).await;
    assert!(
        page.body.contains("Schrottrad") && page.body.contains("Müll am Waldrand"),
        "{}",
        page.body
    );
    let audit = server.audit("a", None, 10).await;
    assert!(
        audit.iter().filter(|e| e.action == "change_portal").count() >= 4,
        "{audit:?}"
    );
}

#[tokio::test]
async fn only_the_tenants_admins_change_its_portal() {
    let server = setup().await;
    for user in ["coordinator", "viewer"] {
        let mut staff = Browser::signed_in(&server, user).await;
        assert_eq!(
            staff.get(SETTINGS).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let csrf = staff.get("/backoffice/cases").await.csrf();
        let tried = staff
            .post(
                &format!("{SETTINGS}/look"),
                &[("csrf", &csrf), ("accent", "#000000")],
            )
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{user}");
    }
    // Another tenant's admin changes their own portal only.
    add_admin(&server, "b", "b.admin").await;
    let mut other = Browser::new(&server);
    let login = other.login("b.admin", PASSWORD).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let csrf = other.get(SETTINGS).await.csrf();
    other
        .post(
            &format!("{SETTINGS}/look"),
            &[("csrf", &csrf), ("accent", "#000000")],
        )
        .await;
    let mut citizen = Browser::new(&server);
    assert!(!citizen.get("/portal/a/").await.body.contains("theme.css"));
    assert!(citizen.get("/portal/b/").await.body.contains("theme.css"));
    // Without the session's token nothing changes.
    let mut admin = Browser::signed_in(&server, "admin").await;
    let forged = admin
        .post(
            &format!("{SETTINGS}/look"),
            &[("csrf", "x"), ("accent", "#000000")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!citizen.get("/portal/a/").await.body.contains("theme.css"));
}

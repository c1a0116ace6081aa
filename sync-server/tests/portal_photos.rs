//! Photos in the Bürgerportal over real HTTP: a citizen's photo arrives without its camera
//! data, upright, with the place it was taken only when the citizen shares it; a form that
//! comes back keeps its photos, and only its own browser can send them on; files that are no
//! photos, too large or too many are refused by their bytes with the rest of the form kept;
//! the office sees the photos in the request, and nobody can take them out of it.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, Page};
use common::portal::{REPORT, offering, report_fields};
use reqwest::StatusCode;
use schema::{CaseId, InspectionCase};
use sync_server::store::cases;

const FORM: &str = REPORT;

async fn server() -> TestServer {
    offering(&[("a", "maengelmeldung")]).await
}

/// The committed phone photo: stored 32×48, turned by EXIF orientation 6 to 48×32, taken in
/// Berlin (52° 31' 12.36" N, 13° 24' 18" E) at a recorded time.
fn phone_photo() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/photos/orientation-6.jpg"),
    )
    .unwrap()
}

/// A complete problem report's text fields, with the form's token.
fn report<'a>(csrf: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    report_fields(csrf, description, "")
}

fn photo(name: &str, bytes: Vec<u8>) -> (&'static str, String, Vec<u8>) {
    ("photos.photos", name.to_string(), bytes)
}

async fn send(
    citizen: &mut Browser,
    fields: &[(&str, &str)],
    photos: Vec<(&'static str, String, Vec<u8>)>,
) -> Page {
    let files: Vec<(&str, &str, Vec<u8>)> = photos
        .iter()
        .map(|(input, name, bytes)| (*input, name.as_str(), bytes.clone()))
        .collect();
    citizen.post_multipart(FORM, fields, &files).await
}

/// The newest request's case.
async fn newest_request(server: &TestServer) -> InspectionCase {
    let store = server.store();
    let rows = tokio::task::spawn_blocking(move || {
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
    .unwrap();
    let id: CaseId = rows
        .iter()
        .filter(|row| row.created_by == "buergerin")
        .max_by_key(|row| row.title.clone()) // the numbers count up, zero-padded
        .map(|row| row.id)
        .expect("a request was stored");
    server.case(id).await.unwrap()
}

async fn request_count(server: &TestServer) -> usize {
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
            .iter()
            .filter(|row| row.created_by == "buergerin")
            .count()
    })
    .await
    .unwrap()
}

fn stored_bytes(server: &TestServer, sha256: &str) -> Vec<u8> {
    let path = server
        .dir
        .path()
        .join("blobs")
        .join(&sha256[..2])
        .join(&sha256[2..]);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn held_files(server: &TestServer) -> usize {
    std::fs::read_dir(server.dir.path().join("held"))
        .unwrap()
        .count()
}

#[tokio::test]
async fn a_photo_arrives_upright_without_camera_data_and_with_the_place_only_if_shared() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let form = citizen.get(FORM).await;
    assert!(
        form.body.contains(r#"enctype="multipart/form-data""#),
        "{}",
        form.body
    );
    assert!(form.body.contains(r#"name="photos.photos""#));
    assert!(form.body.contains(r#"name="share_location""#));
    let csrf = form.csrf();
    let original = phone_photo();
    assert!(
        annotate::photo::inspect(&original, Default::default())
            .unwrap()
            .gps
            .is_some()
    );

    // Not shared: no place anywhere.
    let answer = send(
        &mut citizen,
        &report(&csrf, "Sofa am Waldweg"),
        vec![photo("IMG_0001.jpg", original.clone())],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let case = newest_request(&server).await;
    let photos: Vec<_> = case.request_photos("photos").collect();
    assert_eq!(photos.len(), 1, "{case:?}");
    let sent = photos[0];
    assert_eq!(sent.field, "request.photos");
    assert_eq!(sent.added.by, "buergerin");
    assert_eq!(sent.gps, None);
    assert_eq!(sent.captured_at_ms, None);
    assert_eq!((sent.width, sent.height), (48, 32), "upright");
    let stored = stored_bytes(&server, &sent.sha256);
    assert_ne!(stored, original, "encoded anew");
    let info = annotate::photo::inspect(&stored, Default::default()).unwrap();
    assert_eq!(info.orientation, 1);
    assert_eq!(info.gps, None);
    assert_eq!(info.captured_at, None);
    assert!(!stored.windows(6).any(|w| w == b"Exif\0\0"), "no EXIF left");
    assert_eq!(held_files(&server), 0, "nothing is left held");

    // Shared: the place goes into the case's description of the photo, not into its bytes.
    let mut fields = report(&csrf, "Noch ein Sofa");
    fields.push(("share_location", "yes"));
    let answer = send(&mut citizen, &fields, vec![photo("IMG_0002.jpg", original)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let case = newest_request(&server).await;
    let sent = case.request_photos("photos").next().unwrap();
    let gps = sent.gps.expect("the shared place");
    assert!(
        (gps.lat - 52.5201).abs() < 1e-3 && (gps.lon - 13.405).abs() < 1e-3,
        "{gps:?}"
    );
    let stored = stored_bytes(&server, &sent.sha256);
    assert_eq!(
        annotate::photo::inspect(&stored, Default::default())
            .unwrap()
            .gps,
        None
    );

    // The office sees it in the request, and its thumbnail.
    let mut office = Browser::signed_in(&server, "coordinator").await;
    let page = office.case_page(case.id).await;
    assert_eq!(page.status, StatusCode::OK);
    let thumbnail = format!("/backoffice/cases/{}/photos/{}/thumbnail", case.id, sent.id);
    let request_part = page.body.split("id=\"answers\"").next().unwrap();
    assert!(request_part.contains(&thumbnail), "{}", page.body);
    let (status, content_type, bytes) = office.get_bytes(&thumbnail).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "image/jpeg");
    annotate::photo::inspect(&bytes, Default::default()).unwrap();
}

#[tokio::test]
async fn a_form_that_comes_back_keeps_its_photos_for_its_own_browser_only() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    // The description is missing: the form comes back with the photo listed.
    let answer = send(
        &mut citizen,
        &report(&csrf, ""),
        vec![photo("IMG_0001.jpg", phone_photo())],
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("Foto 1: 48 × 32 Pixel"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("mit Aufnahmeort"), "{}", answer.body);
    let reference = value_of(&answer.body, "name=\"kept_photo\" value=\"");
    assert_eq!(held_files(&server), 1);
    assert_eq!(request_count(&server).await, 0);

    // Another browser cannot send it (its form token differs), nor can a forged reference.
    let mut stranger = Browser::new(&server);
    let their_csrf = stranger.get(FORM).await.csrf();
    let mut fields = report(&their_csrf, "Fremdes Foto");
    fields.push(("kept_photo", &reference));
    let answer = stranger.post(FORM, &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(newest_request(&server).await.photos.len(), 0);
    let forged = reference.replacen("~photos~", "~other~", 1);
    let mut fields = report(&csrf, "Gefälscht");
    fields.push(("kept_photo", &forged));
    let answer = citizen.post(FORM, &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(newest_request(&server).await.photos.len(), 0);
    assert_eq!(held_files(&server), 1, "still held for its form");

    // Its own browser sends it on, without choosing it again (a form without files comes
    // urlencoded too).
    let mut fields = report(&csrf, "Sofa am Waldweg");
    fields.push(("kept_photo", &reference));
    let answer = citizen.post(FORM, &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let case = newest_request(&server).await;
    assert_eq!(case.request_photos("photos").count(), 1);
    assert_eq!(held_files(&server), 0);
    // Sent once more from the same browser, the same photo (stored once) goes with a second
    // request.
    let first = case.request_photos("photos").next().unwrap().sha256.clone();
    let mut fields = report(&csrf, "Noch einmal");
    fields.push(("kept_photo", &reference));
    let answer = citizen.post(FORM, &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let again = newest_request(&server).await;
    assert_ne!(again.id, case.id);
    assert_eq!(again.request_photos("photos").next().unwrap().sha256, first);
}

fn value_of(body: &str, marker: &str) -> String {
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in:\n{body}"))
        + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_string()
}

#[tokio::test]
async fn files_that_are_no_photos_too_large_or_too_many_come_back_with_the_form_kept() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n".to_vec();
    let answer = send(
        &mut citizen,
        &report(&csrf, "Sofa am Waldweg"),
        vec![photo("foto.jpg", pdf)],
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains("„foto.jpg“ ist kein JPEG- oder PNG-Foto"),
        "judged by its bytes, not its name: {}",
        answer.body
    );
    assert!(
        answer.body.contains("href=\"#f-photos\""),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("Sofa am Waldweg"),
        "what was typed is kept"
    );

    let mut cut = phone_photo();
    cut.truncate(cut.len() / 2);
    let too_large = vec![0xFF; 12 * 1024 * 1024 + 1];
    let answer = send(
        &mut citizen,
        &report(&csrf, "Sofa am Waldweg"),
        vec![photo("halb.jpg", cut), photo("riesig.jpg", too_large)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.body.contains("„halb.jpg“ lässt sich nicht lesen"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("„riesig.jpg“ ist größer als 12 MB"),
        "{}",
        answer.body
    );

    // The service takes at most five photos: six come back, every one listed to untick.
    let six = (1..=6)
        .map(|i| photo(&format!("IMG_{i}.jpg"), distinct_photo(i)))
        .collect();
    let answer = send(&mut citizen, &report(&csrf, "Sofa am Waldweg"), six).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body.matches("name=\"kept_photo\"").count(), 6);
    assert!(answer.body.contains("Höchstens 5 Fotos"), "{}", answer.body);

    // More than a request may bring at all: the eleventh file is not even taken in.
    let eleven = (1..=11)
        .map(|i| photo(&format!("IMG_{i}.jpg"), distinct_photo(i)))
        .collect();
    let answer = send(&mut citizen, &report(&csrf, "Sofa am Waldweg"), eleven).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.body.contains("„IMG_11.jpg“ wurde nicht übernommen"),
        "{}",
        answer.body
    );
    assert_eq!(request_count(&server).await, 0, "nothing was stored");

    // A body that is no form at all.
    let response = reqwest::Client::new()
        .post(server.url(FORM))
        .header("content-type", "multipart/form-data; boundary=xyz")
        .header("cookie", format!("naper_portal_form={csrf}"))
        .body("--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response.text().await.unwrap().contains("<html"),
        "a page, not a crash"
    );
}

/// A small photo whose bytes differ with `n`.
fn distinct_photo(n: u8) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([n.wrapping_mul(20), 40, 60]));
    annotate::photo::encode(&image, annotate::ExportFormat::Jpeg { quality: 90 }).unwrap()
}

/// The receipt as a PDF: reached by the tracking link alone, with the number, the answers,
/// how many photos, who is responsible, and the link; nothing under another link.
#[tokio::test]
async fn the_receipt_comes_as_a_pdf_by_the_tracking_link_alone() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let answer = send(
        &mut citizen,
        &report(&csrf, "Sofa am Waldweg"),
        vec![
            photo("IMG_0001.jpg", phone_photo()),
            photo("IMG_0002.jpg", distinct_photo(9)),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let tracking = answer.location.unwrap();
    let receipt = citizen.get(&tracking).await;
    let pdf_path = format!(
        "{}/eingangsbestaetigung.pdf",
        tracking.trim_end_matches("?neu=1")
    );
    assert!(receipt.body.contains(&pdf_path), "{}", receipt.body);
    assert!(receipt.body.contains("2 Fotos"), "{}", receipt.body);

    let (status, content_type, pdf) = Browser::new(&server).get_bytes(&pdf_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/pdf");
    let text = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let year = chrono::Utc::now().format("%Y").to_string();
    for expected in [
        "Eingangsbestätigung".to_string(),
        format!("Ihre Vorgangsnummer A-{year}-000001"),
        "Mängelmeldung".to_string(),
        "Sofa am Waldweg".to_string(),
        "2 Fotos".to_string(),
        "Stadt A".to_string(),
        tracking.trim_end_matches("?neu=1").to_string(),
        "Seite 1 von 1".to_string(),
    ] {
        assert!(text.contains(&expected), "no {expected:?} in: {text}");
    }

    // Another link, or another file under the link, finds nothing.
    let other = format!(
        "/portal/a/anliegen/{}/eingangsbestaetigung.pdf",
        "0".repeat(64)
    );
    assert_eq!(
        Browser::new(&server).get(&other).await.status,
        StatusCode::NOT_FOUND
    );
    let wrong_file = pdf_path.replace("eingangsbestaetigung.pdf", "etc.pdf");
    assert_eq!(
        Browser::new(&server).get(&wrong_file).await.status,
        StatusCode::NOT_FOUND
    );
    let other_tenant = pdf_path.replace("/portal/a/", "/portal/b/");
    assert_eq!(
        Browser::new(&server).get(&other_tenant).await.status,
        StatusCode::NOT_FOUND
    );
}

/// The citizen downloads their own photos from the request's page, as the server keeps
/// them; nobody else does.
#[tokio::test]
async fn the_citizen_downloads_their_own_photos_by_the_tracking_link() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let answer = send(
        &mut citizen,
        &report(&csrf, "Sofa am Waldweg"),
        vec![photo("IMG_0001.jpg", phone_photo())],
    )
    .await;
    let tracking = answer
        .location
        .unwrap()
        .trim_end_matches("?neu=1")
        .to_string();
    let page = citizen.get(&tracking).await;
    assert!(page.body.contains("Ihre Fotos"), "{}", page.body);
    assert!(
        page.body.contains(&format!("{tracking}/foto-1")),
        "{}",
        page.body
    );
    let case = newest_request(&server).await;
    let sent = case.request_photos("photos").next().unwrap();
    let (status, content_type, bytes) = citizen.get_bytes(&format!("{tracking}/foto-1")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "image/jpeg")
    );
    assert_eq!(
        bytes,
        stored_bytes(&server, &sent.sha256),
        "as the server keeps it"
    );
    for missing in ["foto-2", "foto-0", "foto-x", "foto-18446744073709551616"] {
        assert_eq!(
            citizen.get(&format!("{tracking}/{missing}")).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let other = format!("/portal/a/anliegen/{}/foto-1", "0".repeat(64));
    assert_eq!(citizen.get(&other).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn nobody_takes_a_citizens_photo_out_of_the_request() {
    let server = server().await;
    let mut citizen = Browser::new(&server);
    let csrf = citizen.get(FORM).await.csrf();
    let answer = send(
        &mut citizen,
        &report(&csrf, "Sofa am Waldweg"),
        vec![photo("IMG_0001.jpg", phone_photo())],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let case = newest_request(&server).await;
    let before = case.clone();
    let mut after = case.clone();
    after.photos.clear();
    let writer = schema::write_rules::Writer {
        username: "admin".into(),
        role: schema::Role::Admin,
    };
    let refused = schema::write_rules::check_change(&writer, &before, &after).unwrap_err();
    assert!(
        refused.to_string().contains("cannot be removed"),
        "{refused}"
    );
}

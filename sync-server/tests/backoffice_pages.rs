//! Back office: the review queue and the case page.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use common::browser::{Browser, annotated_photo, install_template, synced_case};
use reqwest::StatusCode;
use schema::{FieldValue, PostalAddress, Status};

const JPEG: &[u8] = include_bytes!("../../assets/photos/orientation-6.jpg");

fn address(street: &str) -> Option<PostalAddress> {
    Some(PostalAddress {
        street: street.into(),
        house_number: "1".into(),
        postal_code: "10115".into(),
        city: "Berlin".into(),
    })
}

/// The number shown for a status in the queue's count bar.
fn count(body: &str, label: &str) -> u64 {
    let start = body
        .find(&format!("{label} <span class=\"count\">"))
        .unwrap_or_else(|| panic!("no count for {label}"));
    let rest = &body[start + label.len() + " <span class=\"count\">".len()..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

fn total(body: &str) -> u64 {
    let start = body.find("<span id=\"total\">").unwrap() + "<span id=\"total\">".len();
    body[start..start + body[start..].find('<').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_filters_sorts_pages_and_counts_and_sees_new_syncs_at_once() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut o1 = server.tablet("officer1").await;
    let mut o2 = server.tablet("officer2").await;
    synced_case(&mut o1, |c| {
        c.title = "Sperrmüll Hauptstraße".into();
        c.address = address("Hauptstraße");
        c.status = Status::Submitted;
    })
    .await;
    synced_case(&mut o1, |c| {
        c.title = "Hausmüll Parkweg".into();
        c.address = address("Parkweg");
    })
    .await;
    synced_case(&mut o2, |c| {
        c.title = "Altreifen".into();
        c.address = address("Hauptstraße");
        c.status = Status::Submitted;
    })
    .await;
    // Another tenant's case never shows.
    let mut b = server.tablet("b.officer").await;
    synced_case(&mut b, |c| c.title = "Fremder Fall Hauptstraße".into()).await;

    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let all = browser.get("/backoffice/cases").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(total(&all.body), 3);
    assert!(!all.body.contains("Fremder Fall"));
    assert_eq!(count(&all.body, "Eingereicht"), 2);
    assert_eq!(count(&all.body, "Entwurf"), 1);
    assert!(
        all.body.contains("<th scope=\"col\">Titel</th>"),
        "table headers"
    );
    assert!(all.body.contains("Müllkontrolle"), "the template's title");

    let submitted = browser.get("/backoffice/cases?status=submitted").await;
    assert_eq!(total(&submitted.body), 2);
    assert!(!submitted.body.contains("Hausmüll Parkweg"));
    // Counts per status ignore the status filter, so every status stays reachable.
    assert_eq!(count(&submitted.body, "Entwurf"), 1);

    let by_officer = browser.get("/backoffice/cases?officer=officer2").await;
    assert_eq!(total(&by_officer.body), 1);
    assert!(by_officer.body.contains("Altreifen"));
    let assigned = browser.get("/backoffice/cases?assignee=officer1").await;
    assert_eq!(total(&assigned.body), 2);

    let search = browser.get("/backoffice/cases?q=hauptstra%C3%9Fe").await;
    assert_eq!(
        total(&search.body),
        2,
        "title or address, ignoring ASCII case"
    );
    let search = browser.get("/backoffice/cases?q=100%25").await;
    assert_eq!(total(&search.body), 0, "`%` is a literal, not a wildcard");
    let combined = browser
        .get("/backoffice/cases?status=submitted&officer=officer1&template=bo-check")
        .await;
    assert_eq!(total(&combined.body), 1);
    assert!(combined.body.contains("Sperrmüll Hauptstraße"));

    // The tablet cases were created at 2023-11-14 (their `created.at_ms`).
    let dated = browser
        .get("/backoffice/cases?from=2023-11-14&to=2023-11-14")
        .await;
    assert_eq!(total(&dated.body), 3);
    let later = browser.get("/backoffice/cases?from=2023-11-15").await;
    assert_eq!(total(&later.body), 0);

    let sorted = browser.get("/backoffice/cases?sort=title&dir=asc").await;
    let a = sorted.body.find("Altreifen").unwrap();
    let h = sorted.body.find("Hausmüll Parkweg").unwrap();
    let s = sorted.body.find("Sperrmüll Hauptstraße").unwrap();
    assert!(a < h && h < s, "sorted by title");

    // Garbage in the query shows the unfiltered list, not an error.
    let garbage = browser
        .get("/backoffice/cases?from=gestern&page=-3&sort=%27")
        .await;
    assert_eq!(garbage.status, StatusCode::OK);
    assert_eq!(total(&garbage.body), 3);

    // A case synced now is in the list on the next request.
    synced_case(&mut o2, |c| c.title = "Neu eingegangen".into()).await;
    let fresh = browser.get("/backoffice/cases").await;
    assert_eq!(total(&fresh.body), 4);
    assert!(fresh.body.contains("Neu eingegangen"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_pages_through_many_cases() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut o1 = server.tablet("officer1").await;
    for i in 0..27 {
        o1.create_with(|c| {
            c.template = common::browser::bo_ref();
            c.title = format!("Fall {i:02}");
        });
    }
    assert!(o1.sync().await.is_empty());
    let mut browser = Browser::signed_in(&server, "viewer").await;
    let first = browser.get("/backoffice/cases?sort=title&dir=asc").await;
    assert_eq!(total(&first.body), 27);
    assert!(first.body.contains("Fall 24") && !first.body.contains("Fall 25"));
    assert!(first.body.contains("Seite 1 / 2"));
    assert!(first.body.contains("rel=\"next\""));
    let second = browser
        .get("/backoffice/cases?sort=title&dir=asc&page=2")
        .await;
    assert!(second.body.contains("Fall 25") && second.body.contains("Fall 26"));
    assert!(!second.body.contains("Fall 24"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_page_shows_labels_values_photos_and_comments_in_template_order() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(JPEG));
    let photo_sha = sha.clone();
    let id = synced_case(&mut tablet, move |c| {
        c.title = "Müll <am> Weg".into();
        c.fields.insert("count".into(), FieldValue::Integer(3));
        c.fields.insert("danger".into(), FieldValue::YesNo(true));
        c.fields
            .insert("kind".into(), FieldValue::Choice("bulky".into()));
        c.fields.insert(
            "note".into(),
            FieldValue::LongText("Säcke <script>alert(1)</script>".into()),
        );
        c.fields.insert(
            "choices_unknown_to_template".into(),
            FieldValue::Choices(BTreeSet::from(["x".to_string()])),
        );
        c.photos
            .push(annotated_photo(photo_sha, JPEG, "Vorderseite"));
    })
    .await;
    let photo_id = tablet.case(id).photos[0].id;

    let mut browser = Browser::signed_in(&server, "coordinator").await;
    let page = browser.case_page(id).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    // Labels in template order, with values as people read them.
    let order: Vec<usize> = [
        "Beschreibung",
        "Anzahl Säcke",
        "Gefahrstoffe",
        "Art",
        "Fotos vom Ort",
    ]
    .iter()
    .map(|label| {
        body.find(&format!(">{label}</dt>"))
            .unwrap_or_else(|| panic!("{label}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(body.contains("<span class=\"value\">3</span>"));
    assert!(body.contains("<span class=\"value\">Ja</span>"));
    assert!(body.contains("<span class=\"value\">Sperrmüll</span>"));
    // Everything from the document is escaped.
    assert!(
        body.contains("Säcke &#60;script&#62;alert(1)&#60;/script&#62;"),
        "{body}"
    );
    assert!(!body.contains("<script>"));
    assert!(body.contains("Müll &#60;am&#62; Weg"));
    // Answers the template does not know are still shown, by key.
    assert!(body.contains("choices_unknown_to_template"));
    assert!(body.contains("Entwurf"));
    // The photo's bytes have not arrived.
    assert!(body.contains("Foto wird noch hochgeladen"));
    let thumb = format!("/backoffice/cases/{id}/photos/{photo_id}/thumbnail");
    let (status, _, _) = browser.get_bytes(&thumb).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // After the upload: thumbnail and annotated copy, by the staff session (the original is
    // a permission of its own: backoffice_originals.rs).
    let upload = format!("/api/v1/blobs/{sha}/upload?offset=0&size={}", JPEG.len());
    assert_eq!(
        tablet.put(&upload, JPEG.to_vec()).await.status(),
        StatusCode::OK
    );
    let page = browser.case_page(id).await;
    assert!(!page.body.contains("Foto wird noch hochgeladen"));
    assert!(page.body.contains(&format!("src=\"{thumb}\"")));
    assert!(page.body.contains("alt=\"Foto 1: Vorderseite\""));
    let (status, kind, bytes) = browser.get_bytes(&thumb).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/jpeg"));
    assert!(bytes.starts_with(&[0xff, 0xd8]));
    let annotated = format!("/backoffice/cases/{id}/photos/{photo_id}/annotated");
    assert!(page.body.contains(&annotated));
    let (status, kind, first) = browser.get_bytes(&annotated).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/jpeg"));
    assert_ne!(first, JPEG);
    let cached: Vec<_> = walk(&server.dir.path().join("annotated"));
    assert_eq!(
        cached.len(),
        2,
        "the copy and its thumbnail, cached once: {cached:?}"
    );
    let (_, _, second) = browser.get_bytes(&annotated).await;
    assert_eq!(first, second);

    // Without a session, photos are not served.
    let mut stranger = Browser::new(&server);
    let (status, _, _) = stranger.get_bytes(&thumb).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Nor to another tenant.
    let mut other = Browser::signed_in(&server, "b.coordinator").await;
    for path in [
        thumb.clone(),
        format!("/backoffice/cases/{id}/photos/{photo_id}/original"),
        annotated.clone(),
    ] {
        let (status, _, _) = other.get_bytes(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

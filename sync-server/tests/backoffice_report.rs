//! Back office: the PDF report of a case (`GET /backoffice/cases/{id}/report.pdf`) — its
//! content read back with a PDF text extractor, and who may download it.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, annotated_photo, install_template, synced_case};
use reqwest::StatusCode;
use schema::{CaseId, Comment, CommentId, FieldValue, PostalAddress, Signature, Stamp, Status};

const JPEG: &[u8] = include_bytes!("../../assets/photos/orientation-6.jpg");

fn report_path(id: CaseId) -> String {
    format!("/backoffice/cases/{id}/report.pdf")
}

/// The text of a PDF, with runs of whitespace made single spaces (extractors differ in how
/// they space words).
fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn comment(text: &str, internal: bool) -> Comment {
    Comment {
        id: CommentId::new(),
        written: Stamp {
            by: "coordinator".into(),
            at_ms: 1_700_000_002_000,
        },
        text: text.into(),
        internal,
    }
}

async fn case_with_photo(server: &TestServer, tablet: &mut common::Tablet) -> (CaseId, String) {
    install_template(server).await;
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(JPEG));
    let photo_sha = sha.clone();
    let id = synced_case(tablet, move |c| {
        c.title = "Ablagerung Königstraße".into();
        c.status = Status::Submitted;
        c.address = Some(PostalAddress {
            street: "Königstraße".into(),
            house_number: "12a".into(),
            postal_code: "70173".into(),
            city: "Stuttgart".into(),
        });
        c.fields
            .insert("short".into(), FieldValue::Text("Größere Menge".into()));
        c.fields.insert("count".into(), FieldValue::Integer(17));
        c.fields
            .insert("kind".into(), FieldValue::Choice("bulky".into()));
        c.fields.insert(
            "zeuge_unterschrift".into(),
            FieldValue::Signature(Signature {
                strokes: vec![vec![
                    annotate::NormPoint::new(0.1, 0.8),
                    annotate::NormPoint::new(0.4, 0.2),
                    annotate::NormPoint::new(0.9, 0.7),
                ]],
                signer: "Jürgen Weiß".into(),
                signed_at_ms: 1_700_000_001_000,
            }),
        );
        c.photos.push(annotated_photo(photo_sha, JPEG, "Gehweg"));
    })
    .await;
    // The coordinator's comments are written in the office: a tablet may write comments
    // under its own user's name only (`schema::write_rules`).
    server
        .edit(id, "coordinator", |c| {
            c.comments.push(comment("Bitte Halter ermitteln", false));
        })
        .await;
    // An internal one is kept by the server, beside the document.
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                sync_server::store::internal_comments::add(
                    tx,
                    id,
                    &comment("Nur für die Akte", true),
                )
            })
            .unwrap();
    })
    .await
    .unwrap();
    (id, sha)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_holds_labels_values_umlauts_photos_comments_signature_and_history() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let (id, sha) = case_with_photo(&server, &mut tablet).await;
    let mut browser = Browser::signed_in(&server, "coordinator").await;

    // The case page links to the report.
    let page = browser.case_page(id).await;
    assert!(page.body.contains(&format!("href=\"{}\"", report_path(id))));

    let (status, kind, before) = browser.get_bytes(&report_path(id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    assert!(before.starts_with(b"%PDF-"));
    let text = text_of(&before);
    for expected in [
        "Kontrollprotokoll",
        "Ablagerung Königstraße",
        "Stadt A",
        "Müllkontrolle (Version 1)",
        &id.to_string(),
        "Eingereicht",
        "Kurznotiz",
        "Größere Menge",
        "Anzahl Säcke",
        "17",
        "Sperrmüll",
        "Fotos vom Ort",
        "Foto 1: Gehweg: Foto noch nicht hochgeladen",
        "Königstraße 12a",
        "Unterschrieben von Jürgen Weiß",
        "Bitte Halter ermitteln",
        "Nur für die Akte",
        "[intern]",
        "Verlauf (Zusammenfassung)",
        "Fall angelegt",
        "Seite 1 von",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Unanswered fields of the template are listed with their label too.
    assert!(text.contains("Gefahrstoffe"), "{text}");

    // Once the photo has arrived, its annotated copy is in the report instead of the note.
    let upload = format!("/api/v1/blobs/{sha}/upload?offset=0&size={}", JPEG.len());
    assert_eq!(
        tablet.put(&upload, JPEG.to_vec()).await.status(),
        StatusCode::OK
    );
    let (status, _, after) = browser.get_bytes(&report_path(id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = text_of(&after);
    assert!(!text.contains("noch nicht hochgeladen"), "{text}");
    assert!(text.contains("Foto 1: Gehweg"), "{text}");
    assert!(
        after.windows(b"/Image".len()).any(|w| w == b"/Image"),
        "an image is embedded"
    );
    assert!(after.len() > before.len() + 1000);
    // The annotated copy came from (and went into) the cache the case page uses.
    assert!(server.dir.path().join("annotated").exists());

    // In English on request.
    let (_, _, english) = browser
        .get_bytes(&format!("{}?lang=en", report_path(id)))
        .await;
    let text = text_of(&english);
    assert!(text.contains("Inspection report") && text.contains("Number of bags"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_case_breaks_onto_more_a4_pages() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let long = "Am Straßenrand liegen Säcke, Möbel und Bauschutt. ".repeat(120);
    let id = synced_case(&mut tablet, move |c| {
        c.title = "Langer Bericht".into();
        c.fields.insert("note".into(), FieldValue::LongText(long));
    })
    .await;
    let mut browser = Browser::signed_in(&server, "viewer").await;
    let (status, _, pdf) = browser.get_bytes(&report_path(id)).await;
    assert_eq!(status, StatusCode::OK);
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let text = text_of(&pdf);
    assert!(
        text.contains(&format!("Seite 2 von {}", pages.len())),
        "{text}"
    );
    assert_eq!(text.matches("Bauschutt").count(), 120);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_download_other_tenants_get_404_and_signed_out_users_the_login() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let (id, _) = case_with_photo(&server, &mut tablet).await;

    let mut viewer = Browser::signed_in(&server, "viewer").await;
    let (status, kind, _) = viewer.get_bytes(&report_path(id)).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));

    let mut other = Browser::signed_in(&server, "b.coordinator").await;
    let theirs = other.get(&report_path(id)).await;
    let missing = other.get(&report_path(CaseId::new())).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        theirs.body, missing.body,
        "indistinguishable from a missing case"
    );
    assert!(!theirs.body.contains("Königstraße"));
    let garbage = other.get("/backoffice/cases/nonsense/report.pdf").await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND);

    let mut nobody = Browser::new(&server);
    let answer = nobody.get(&report_path(id)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        answer
            .location
            .unwrap()
            .starts_with("/backoffice/login?next=%2Fbackoffice%2Fcases%2F")
    );

    // Downloads are audited, refusals are not downloads.
    let entries = server.audit("a", Some(id), 100).await;
    let downloads: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "download_report")
        .collect();
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].username, "viewer");
    let theirs = server.audit("b", None, 100).await;
    assert!(theirs.iter().all(|e| e.action != "download_report"));
}

//! Back office: photo originals are a permission. Everyone who may see a case sees its
//! photos as the rendering with their redactions — thumbnails included; the unredacted
//! original opens only for a role the tenant's admin granted it, and every opening is in the
//! audit log.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, install_template, synced_case};
use common::photos::{checkerboard, redacted_photo, spread};
use reqwest::StatusCode;
use schema::Role;
use sync_server::identity::auth::hash_password;
use sync_server::kernel::config::PasswordCost;
use sync_server::store::NewUser;
use sync_server::store::accounts;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originals_open_only_for_granted_roles_and_every_opening_is_audited() {
    let server = TestServer::start().await;
    install_template(&server).await;
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        store
            .write(|tx| {
                accounts::create_user(
                    tx,
                    &NewUser {
                        tenant: "a".into(),
                        username: "admin".into(),
                        display_name: "Admin".into(),
                        role: Role::Admin,
                        password_hash: hash_password(common::PASSWORD, PasswordCost::InsecureFast)
                            .unwrap(),
                    },
                )
            })
            .unwrap();
    })
    .await
    .unwrap();
    let png = checkerboard();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&png));
    let mut tablet = server.tablet("officer1").await;
    let photo_sha = sha.clone();
    let photo_png = png.clone();
    let id = synced_case(&mut tablet, move |c| {
        c.photos
            .push(redacted_photo(photo_sha, &photo_png, "pictures"));
    })
    .await;
    let upload = format!("/api/v1/blobs/{sha}/upload?offset=0&size={}", png.len());
    assert_eq!(
        tablet.put(&upload, png.clone()).await.status(),
        StatusCode::OK
    );
    let photo_id = tablet.case(id).photos[0].id;
    let base = format!("/backoffice/cases/{id}/photos/{photo_id}");
    let (thumbnail, rendering, original) = (
        format!("{base}/thumbnail"),
        format!("{base}/annotated"),
        format!("{base}/original"),
    );

    // Nothing granted: thumbnail and full size are the redacted rendering, the original is
    // neither linked nor served, to any role.
    let mut coordinator = Browser::signed_in(&server, "coordinator").await;
    let mut viewer = Browser::signed_in(&server, "viewer").await;
    for browser in [&mut coordinator, &mut viewer] {
        let page = browser.case_page(id).await;
        assert!(
            page.body.contains(&format!("src=\"{thumbnail}\"")),
            "{}",
            page.body
        );
        assert!(!page.body.contains(&original));
        let (status, kind, thumb) = browser.get_bytes(&thumbnail).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/jpeg"));
        let (status, _, full) = browser.get_bytes(&rendering).await;
        assert_eq!(status, StatusCode::OK);
        // The checkerboard spreads over the whole grey range (variance about 16,000);
        // pixelated, it is nearly one grey.
        assert!(
            spread(&thumb) < 2_000.0,
            "thumbnail spread {}",
            spread(&thumb)
        );
        assert!(
            spread(&full) < 2_000.0,
            "rendering spread {}",
            spread(&full)
        );
        let (status, _, bytes) = browser.get_bytes(&original).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_ne!(bytes, png);
    }

    // The admin grants coordinators the originals: the link appears, the bytes are the
    // upload's, and the opening is logged with the case and the photo.
    let mut admin = Browser::signed_in(&server, "admin").await;
    let csrf = admin.csrf().await;
    let granted = admin
        .post(
            "/backoffice/admin/roles",
            &[("csrf", &csrf), ("originals_coordinator", "on")],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    let page = coordinator.case_page(id).await;
    assert!(page.body.contains(&original), "{}", page.body);
    let (status, kind, bytes) = coordinator.get_bytes(&original).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(bytes, png, "the original, untouched");
    assert!(spread(&bytes) > 10_000.0);
    let (status, _, _) = viewer.get_bytes(&original).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "viewers were not granted it");

    let entries = server.audit("a", Some(id), 100).await;
    let openings: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "view_original")
        .collect();
    assert_eq!(openings.len(), 1, "{entries:?}");
    assert_eq!(openings[0].username, "coordinator");
    assert!(openings[0].detail.contains(&sha), "{}", openings[0].detail);
    let log = server.audit("a", None, 100).await;
    assert!(
        log.iter()
            .any(|e| e.action == "change_grants" && e.detail.contains("coordinator:true")),
        "{log:?}"
    );

    // Withdrawn: refused again from the next request on.
    let csrf = admin.csrf().await;
    admin
        .post("/backoffice/admin/roles", &[("csrf", &csrf)])
        .await;
    let (status, _, _) = coordinator.get_bytes(&original).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

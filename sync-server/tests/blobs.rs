//! Photo uploads (resumable, verified, deduplicated) and downloads over real HTTP.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use std::time::{Duration, Instant};

use common::{Tablet, TestServer, error_body};
use reqwest::StatusCode;
use schema::{Photo, PhotoId, Stamp};
use sha2::{Digest, Sha256};
use sync_protocol::http::UploadStatus;
use sync_server::store::{blobs, cases, uploads};
use tokio::io::AsyncWriteExt;

const JPEG: &[u8] = include_bytes!("../../assets/photos/orientation-6.jpg");

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn upload_path(sha: &str, offset: usize, size: usize) -> String {
    format!("/api/v1/blobs/{sha}/upload?offset={offset}&size={size}")
}

async fn status(tablet: &Tablet, sha: &str) -> UploadStatus {
    let response = tablet.get(&format!("/api/v1/blobs/{sha}/upload")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Sends the head of an upload and `part` of its body, then drops the connection.
async fn broken_upload(server: &TestServer, tablet: &Tablet, sha: &str, part: &[u8], size: usize) {
    let mut socket = tokio::net::TcpStream::connect(server.server.addr())
        .await
        .unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nContent-Length: {size}\r\n\r\n",
        upload_path(sha, 0, size),
        tablet.token()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(part).await.unwrap();
    socket.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(socket); // the connection breaks
}

/// A tablet that goes away right after its last byte (here: the chunked body's bytes all
/// sent, its end never) must not leave the photo received but unfinished: the server
/// finishes it without being asked again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_tablet_leaves_after_the_last_byte_is_finished_all_the_same() {
    let server = TestServer::start().await;
    let tablet = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let mut socket = tokio::net::TcpStream::connect(server.server.addr())
        .await
        .unwrap();
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        upload_path(&sha, 0, JPEG.len()),
        tablet.token()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    for piece in JPEG.chunks(400) {
        socket
            .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
            .await
            .unwrap();
        socket.write_all(piece).await.unwrap();
        socket.write_all(b"\r\n").await.unwrap();
    }
    socket.flush().await.unwrap();
    // Gone before the final empty chunk: the request never ends properly.
    drop(socket);

    let store = server.store();
    let deadline = Instant::now() + Duration::from_secs(10);
    let stored = loop {
        let blob = store.read(|tx| blobs::find(tx, &sha)).unwrap();
        if blob.is_some() || Instant::now() > deadline {
            break blob;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        stored.map(|b| b.size),
        Some(JPEG.len() as u64),
        "stored without another request"
    );
    assert_eq!(
        status(&tablet, &sha).await,
        UploadStatus {
            received: JPEG.len() as u64,
            complete: true
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_upload_resumes_and_is_stored_once() {
    let server = TestServer::start().await;
    let tablet = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let half = JPEG.len() / 2;

    assert_eq!(
        status(&tablet, &sha).await,
        UploadStatus {
            received: 0,
            complete: false
        }
    );

    // The connection breaks after the first half; what arrived is kept.
    broken_upload(&server, &tablet, &sha, &JPEG[..half], JPEG.len()).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let received = loop {
        let now = status(&tablet, &sha).await;
        if now.received == half as u64 || Instant::now() > deadline {
            break now.received;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(received, half as u64);

    // Sending from the wrong offset is a conflict that says where to resume.
    let response = tablet
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG.to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "upload_offset_mismatch");
    assert_eq!(body["received"], half as u64);
    assert_eq!(body["complete"], false);

    // Resume from `received`.
    let response = tablet
        .put(&upload_path(&sha, half, JPEG.len()), JPEG[half..].to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let done: UploadStatus = response.json().await.unwrap();
    assert_eq!(
        done,
        UploadStatus {
            received: JPEG.len() as u64,
            complete: true
        }
    );
    let blob = server
        .store()
        .read(|tx| blobs::find(tx, &sha))
        .unwrap()
        .unwrap();
    assert_eq!(blob.mime, "image/jpeg");
    assert_eq!(blob.size, JPEG.len() as u64);

    // Deduplicated: another device uploading the same photo is done at once.
    let other = server.tablet("officer2").await;
    let response = other
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG.to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<UploadStatus>().await.unwrap().complete);
    assert!(status(&other, &sha).await.complete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_upload_in_two_requests_completes() {
    let server = TestServer::start().await;
    let tablet = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let cut = 300;
    let first: UploadStatus = tablet
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG[..cut].to_vec())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        first,
        UploadStatus {
            received: cut as u64,
            complete: false
        }
    );
    let second: UploadStatus = tablet
        .put(&upload_path(&sha, cut, JPEG.len()), JPEG[cut..].to_vec())
        .await
        .json()
        .await
        .unwrap();
    assert!(second.complete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_bytes_are_refused_and_nothing_is_stored() {
    let server = TestServer::start_with(|c| c.max_blob_bytes = 4096).await;
    let tablet = server.tablet("officer1").await;

    // The bytes do not match the address.
    let claimed = sha(b"something else");
    let response = tablet
        .put(&upload_path(&claimed, 0, JPEG.len()), JPEG.to_vec())
        .await;
    let (status_code, body) = error_body(response).await;
    assert_eq!(status_code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body.error, "hash_mismatch");
    assert!(
        server
            .store()
            .read(|tx| blobs::find(tx, &claimed))
            .unwrap()
            .is_none()
    );
    assert_eq!(status(&tablet, &claimed).await.received, 0, "discarded");

    // Not an image.
    let text = b"this is not a photo at all".to_vec();
    let address = sha(&text);
    let response = tablet
        .put(&upload_path(&address, 0, text.len()), text.clone())
        .await;
    let (status_code, body) = error_body(response).await;
    assert_eq!(status_code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body.error, "not_an_image");
    assert!(
        server
            .store()
            .read(|tx| blobs::find(tx, &address))
            .unwrap()
            .is_none()
    );
    assert_eq!(status(&tablet, &address).await.received, 0);

    // Too large for the configured cap: refused before anything is read.
    let response = tablet
        .put(&upload_path(&sha(JPEG), 0, 5000), JPEG.to_vec())
        .await;
    let (status_code, body) = error_body(response).await;
    assert_eq!(status_code, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body.error, "payload_too_large");

    // More bytes than declared.
    let response = tablet
        .put(&upload_path(&sha(JPEG), 0, 10), JPEG.to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Not an address; viewers have no devices to upload with.
    let response = tablet
        .put(&upload_path("not-a-sha256", 0, 1), vec![0])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, _) = server.try_enroll("viewer").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_served_to_devices_that_see_the_case() {
    let server = TestServer::start().await;
    let mut tablet = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let photo_sha = sha.clone();
    let id = tablet.create_with(move |c| {
        c.photos.push(Photo {
            id: PhotoId::new(),
            field: "photos".into(),
            sha256: photo_sha,
            byte_size: JPEG.len() as u64,
            width: 32,
            height: 48,
            mime_type: "image/jpeg".into(),
            captured_at_ms: None,
            gps: None,
            caption: "Ablagerung".into(),
            added: Stamp {
                by: "officer1".into(),
                at_ms: 1_700_000_000_500,
            },
            annotations: vec![],
        });
    });
    assert!(tablet.sync().await.is_empty());
    assert_eq!(
        server
            .store()
            .read(|tx| cases::row(tx, id))
            .unwrap()
            .unwrap()
            .photos,
        vec![sha.clone()]
    );

    // The case arrived before the photo.
    let (code, body) = error_body(tablet.get(&format!("/api/v1/blobs/{sha}")).await).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!(body.error, "photo_still_uploading");
    let (_, body) = error_body(tablet.get(&format!("/api/v1/blobs/{sha}/thumbnail")).await).await;
    assert_eq!(body.error, "photo_still_uploading");

    let response = tablet
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG.to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = tablet.get(&format!("/api/v1/blobs/{sha}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.bytes().await.unwrap().as_ref(), JPEG);

    for _ in 0..2 {
        // The second time from the cache.
        let response = tablet.get(&format!("/api/v1/blobs/{sha}/thumbnail")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let thumb = response.bytes().await.unwrap();
        let info = annotate::photo::inspect(&thumb, annotate::DecodeLimits::default()).unwrap();
        assert_eq!(info.format, annotate::PhotoFormat::Jpeg);
        assert!(info.stored_size.width <= 320 && info.stored_size.height <= 320);
    }

    // Devices that may not see the case get a plain "not found", like for any unknown photo.
    for user in ["officer2", "b.officer"] {
        let other = server.tablet(user).await;
        let (code, body) = error_body(other.get(&format!("/api/v1/blobs/{sha}")).await).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{user}");
        assert_eq!(body.error, "not_found", "{user}");
    }
    // Another device of the case's officer may.
    let second = server.tablet(&tablet.enrolled.username).await;
    assert_eq!(
        second.get(&format!("/api/v1/blobs/{sha}")).await.status(),
        StatusCode::OK
    );
}

fn photo_of(sha: &str, by: &str) -> Photo {
    Photo {
        id: PhotoId::new(),
        field: "photos".into(),
        sha256: sha.into(),
        byte_size: JPEG.len() as u64,
        width: 32,
        height: 48,
        mime_type: "image/jpeg".into(),
        captured_at_ms: None,
        gps: None,
        caption: String::new(),
        added: Stamp {
            by: by.into(),
            at_ms: 1_700_000_000_500,
        },
        annotations: vec![],
    }
}

/// A device of another tenant cannot learn from the upload status whether the server holds a
/// photo: it is told nothing is there, uploads it, and the stored blob is kept as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_photo_looks_absent_and_is_uploaded_again() {
    let server = TestServer::start().await;
    let owner = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let response = owner
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG.to_vec())
        .await;
    assert!(response.json::<UploadStatus>().await.unwrap().complete);
    let stored = server
        .store()
        .read(|tx| blobs::find(tx, &sha))
        .unwrap()
        .unwrap();
    assert!(status(&owner, &sha).await.complete);
    let colleague = server.tablet("officer2").await;
    assert!(status(&colleague, &sha).await.complete, "same tenant");

    let stranger = server.tablet("b.officer").await;
    let nothing = UploadStatus {
        received: 0,
        complete: false,
    };
    assert_eq!(status(&stranger, &sha).await, nothing);
    // Other bytes under the stored photo's address are refused as for any upload.
    let mut tampered = JPEG.to_vec();
    tampered[200] ^= 0xff;
    let (code, body) = error_body(
        stranger
            .put(&upload_path(&sha, 0, JPEG.len()), tampered)
            .await,
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body.error, "hash_mismatch");
    assert_eq!(status(&stranger, &sha).await, nothing);
    // A chunk is taken like for a new photo, not answered "complete" at once.
    let response = stranger
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG[..100].to_vec())
        .await;
    assert_eq!(
        response.json::<UploadStatus>().await.unwrap(),
        UploadStatus {
            received: 100,
            complete: false
        }
    );
    let response = stranger
        .put(&upload_path(&sha, 100, JPEG.len()), JPEG[100..].to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<UploadStatus>().await.unwrap().complete);
    assert!(
        status(&stranger, &sha).await.complete,
        "now tenant b has it too"
    );
    assert_eq!(
        server
            .store()
            .read(|tx| blobs::find(tx, &sha))
            .unwrap()
            .unwrap(),
        stored
    );
    let path = server
        .dir
        .path()
        .join("blobs")
        .join(&sha[..2])
        .join(&sha[2..]);
    assert_eq!(
        std::fs::read(path).unwrap(),
        JPEG,
        "the stored original is kept"
    );
    let left = std::fs::read_dir(server.dir.path().join("uploads")).unwrap();
    assert_eq!(left.count(), 0, "the second copy is not kept");
}

/// An upload in progress belongs to its tenant: a colleague's device resumes it, another
/// tenant's device sees nothing of it and uploads its own copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_upload_is_shared_within_its_tenant_only() {
    let server = TestServer::start().await;
    let first = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let response = first
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG[..300].to_vec())
        .await;
    assert_eq!(response.json::<UploadStatus>().await.unwrap().received, 300);

    let stranger = server.tablet("b.officer").await;
    let nothing = UploadStatus {
        received: 0,
        complete: false,
    };
    assert_eq!(status(&stranger, &sha).await, nothing);
    // Resuming the other tenant's upload is refused as starting at the wrong offset.
    let response = stranger
        .put(&upload_path(&sha, 300, JPEG.len()), JPEG[300..].to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(status(&stranger, &sha).await, nothing);
    let response = stranger
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG[..100].to_vec())
        .await;
    assert_eq!(response.json::<UploadStatus>().await.unwrap().received, 100);
    assert_eq!(status(&first, &sha).await.received, 300, "untouched");

    let colleague = server.tablet("officer2").await;
    assert_eq!(status(&colleague, &sha).await.received, 300);
    let response = colleague
        .put(&upload_path(&sha, 300, JPEG.len()), JPEG[300..].to_vec())
        .await;
    assert!(response.json::<UploadStatus>().await.unwrap().complete);
    assert!(status(&first, &sha).await.complete);
    assert_eq!(
        status(&stranger, &sha).await,
        UploadStatus {
            received: 100,
            complete: false
        },
        "still its own upload"
    );
    let response = stranger
        .put(&upload_path(&sha, 100, JPEG.len()), JPEG[100..].to_vec())
        .await;
    assert!(response.json::<UploadStatus>().await.unwrap().complete);
    let left = std::fs::read_dir(server.dir.path().join("uploads")).unwrap();
    assert_eq!(left.count(), 0, "no partial upload is left");
}

/// A device that may see a case referencing a photo is told the server has it, whichever
/// tenant uploaded it; a device of the same tenant that may not see the case is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_known_to_devices_that_see_a_case_referencing_it() {
    let server = TestServer::start().await;
    let sha = sha(JPEG);
    let uploader = server.tablet("b.officer").await;
    let response = uploader
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG.to_vec())
        .await;
    assert!(response.json::<UploadStatus>().await.unwrap().complete);

    let mut officer = server.tablet("officer1").await;
    assert!(!status(&officer, &sha).await.complete);
    let photo = photo_of(&sha, "officer1");
    let case = officer.create_with(move |c| c.photos.push(photo));
    assert!(officer.sync().await.is_empty());
    assert!(status(&officer, &sha).await.complete, "its own case");
    let colleague = server.tablet("officer2").await;
    assert!(!status(&colleague, &sha).await.complete, "not their case");
    server
        .edit(case, "coordinator", |c| {
            c.assigned_officer = Some("officer2".into());
        })
        .await;
    assert!(status(&colleague, &sha).await.complete, "assigned to them");
}

/// A partial upload that stops receiving bytes is deleted by the background task after
/// `upload_max_idle`; the tablet then uploads the photo from the start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_partial_upload_is_deleted_in_the_background() {
    let server = TestServer::start_with(|c| {
        c.compaction.interval = Some(Duration::from_millis(100));
        c.upload_max_idle = Duration::from_secs(1);
    })
    .await;
    let tablet = server.tablet("officer1").await;
    let sha = sha(JPEG);
    let response = tablet
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG[..300].to_vec())
        .await;
    assert_eq!(response.json::<UploadStatus>().await.unwrap().received, 300);
    let key = sync_server::blobs::uploads::upload_key("a", &sha.parse().unwrap());
    let part = server
        .dir
        .path()
        .join("uploads")
        .join(format!("{key}.part"));
    assert!(part.exists());

    let deadline = Instant::now() + Duration::from_secs(10);
    while status(&tablet, &sha).await.received != 0 {
        assert!(
            Instant::now() < deadline,
            "the partial upload was not deleted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!part.exists());
    assert_eq!(
        server.store().read(|tx| uploads::size(tx, &key)).unwrap(),
        None
    );

    let response = tablet
        .put(&upload_path(&sha, 0, JPEG.len()), JPEG.to_vec())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<UploadStatus>().await.unwrap().complete);
}

/// The original and its thumbnail are for the devices of the officer who took the photo, and
/// each opening of the original is audited; the officer the case is assigned to gets the
/// rendering with the redactions, through the case; others get nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originals_are_for_the_photographer_and_other_devices_get_the_redacted_rendering() {
    use common::photos::{checkerboard, redacted_photo, spread};
    let server = TestServer::start().await;
    let mut taker = server.tablet("officer1").await;
    let png = checkerboard();
    let sha = sha(&png);
    let (photo_sha, photo_png) = (sha.clone(), png.clone());
    let id = taker.create_with(move |c| {
        c.photos
            .push(redacted_photo(photo_sha, &photo_png, "photos"))
    });
    assert!(taker.sync().await.is_empty());
    let response = taker
        .put(&upload_path(&sha, 0, png.len()), png.clone())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    server
        .edit(id, "coordinator", |c| {
            c.assigned_officer = Some("officer2".into())
        })
        .await;
    let photo_id = taker.case(id).photos[0].id;
    let rendering = format!("/api/v1/cases/{id}/photos/{photo_id}/rendering");
    let thumbnail = format!("/api/v1/cases/{id}/photos/{photo_id}/thumbnail");

    // The assigned officer: the case's rendering, never the original.
    let assigned = server.tablet("officer2").await;
    for path in [
        format!("/api/v1/blobs/{sha}"),
        format!("/api/v1/blobs/{sha}/thumbnail"),
    ] {
        let (code, body) = error_body(assigned.get(&path).await).await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{path}");
        assert!(body.message.contains(&rendering), "{}", body.message);
    }
    for path in [&rendering, &thumbnail] {
        let response = assigned.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        let bytes = response.bytes().await.unwrap();
        assert!(
            spread(&bytes) < 2_000.0,
            "{path}: spread {}",
            spread(&bytes)
        );
    }

    // The officer who took it: the original, untouched, and the opening is in the audit log.
    let response = taker.get(&format!("/api/v1/blobs/{sha}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), png.as_slice());
    let entries = server.audit("a", Some(id), 100).await;
    let openings: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "view_original")
        .collect();
    assert_eq!(openings.len(), 1, "{entries:?}");
    assert_eq!(openings[0].username, "officer1");
    assert!(openings[0].detail.contains(&taker.enrolled.device_id));

    // Naming the address in a case of one's own, as its adder, proves nothing: the server
    // knows whose device sent the bytes.
    let mut claimer = server.tablet("officer2").await;
    let (claimed_sha, claimed_png) = (sha.clone(), png.clone());
    claimer.create_with(move |c| {
        let mut photo = redacted_photo(claimed_sha, &claimed_png, "photos");
        photo.added.by = "officer2".into();
        photo.annotations.clear();
        c.photos.push(photo);
    });
    assert!(claimer.sync().await.is_empty());
    let (code, _) = error_body(claimer.get(&format!("/api/v1/blobs/{sha}")).await).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "a claimed photo");

    // Another tenant, a crafted case id or an unknown photo: nothing.
    let other = server.tablet("b.officer").await;
    for (tablet, path) in [
        (&other, rendering.clone()),
        (&other, format!("/api/v1/blobs/{sha}")),
        (
            &assigned,
            format!("/api/v1/cases/..%2F{id}/photos/{photo_id}/rendering"),
        ),
        (
            &assigned,
            format!("/api/v1/cases/{id}/photos/{}/rendering", PhotoId::new()),
        ),
    ] {
        let (code, _) = error_body(tablet.get(&path).await).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{path}");
    }
}

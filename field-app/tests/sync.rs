//! The sync client against a fake server that wraps `sync_protocol::serve`: enrollment,
//! sync runs, convergence, rejections, revocation, resumable uploads, lazy downloads.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod support;

use field_app::FieldAppError;
use field_app::store::cases::SyncMark;
use field_app::sync_client::{PhotoVariant, SyncClient, UploadProgress};
use schema::{CaseId, FieldValue};
use support::{FakeServer, Tablet};

fn jpeg(n: u8) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../assets/photos/orientation-{n}.jpg",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[tokio::test]
async fn a_case_made_offline_reaches_the_server_and_another_tablet() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    a.set(id, "count", "3");
    a.set(id, "note", "Sperrmüll am Gehweg");
    assert_eq!(
        a.case(id).fields.get("officer"),
        Some(&FieldValue::Text("Anna Abel".into()))
    );
    assert_eq!(a.store.list_cases().unwrap()[0].sync, SyncMark::Dirty);

    let report = a.sync().await.unwrap();
    assert_eq!(report.documents.sent, 1);
    assert!(report.documents.rejected.is_empty());
    assert_eq!(server.state().case(id), a.case(id));
    assert_eq!(a.store.list_cases().unwrap()[0].sync, SyncMark::Synced);
    assert!(
        a.store
            .dirty_cases(&a.enrollment.peer())
            .unwrap()
            .is_empty()
    );
    assert!(
        report
            .summary()
            .starts_with("synced: sent=1 received=0 rejected=0")
    );

    // A second tablet (a case newly assigned to it, as far as it knows) receives the case.
    let mut b = Tablet::enroll(&server, "b.becker").await;
    let report = b.sync().await.unwrap();
    assert_eq!(report.documents.received, 1);
    assert_eq!(b.case(id), a.case(id));
    assert_eq!(b.store.list_cases().unwrap()[0].sync, SyncMark::Synced);
    // Nothing left to do on either side.
    let again = b.sync().await.unwrap();
    assert_eq!((again.documents.sent, again.documents.received), (0, 0));
}

async fn converge(order_a_first: bool) {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let mut b = Tablet::enroll(&server, "b.becker").await;
    let id = a.create();
    a.sync().await.unwrap();
    b.sync().await.unwrap();

    // Both edit offline: different fields, and the same long text (merged by character).
    a.set(id, "count", "7");
    a.set(id, "note", "Erster Befund.");
    b.set(id, "officer", "Bernd Becker");
    let photo =
        field_app::actions::add_photo(&mut b.store, id, "photos", &jpeg(1), &b.enrollment).unwrap();

    let (first, second) = if order_a_first {
        (&mut a, &mut b)
    } else {
        (&mut b, &mut a)
    };
    first.sync().await.unwrap();
    second.sync().await.unwrap();
    first.sync().await.unwrap();

    let (ca, cb, cs) = (a.case(id), b.case(id), server.state().case(id));
    assert_eq!(ca, cs);
    assert_eq!(cb, cs);
    assert_eq!(cs.fields.get("count"), Some(&FieldValue::Integer(7)));
    assert_eq!(
        cs.fields.get("officer"),
        Some(&FieldValue::Text("Bernd Becker".into()))
    );
    assert_eq!(
        cs.fields.get("note"),
        Some(&FieldValue::LongText("Erster Befund.".into()))
    );
    assert_eq!(cs.photos, vec![photo.clone()]);
    assert!(server.state().complete.contains(&photo.sha256));
    for t in [&a, &b] {
        assert!(
            t.store
                .dirty_cases(&t.enrollment.peer())
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn concurrent_offline_edits_converge_when_a_syncs_first() {
    converge(true).await;
}

#[tokio::test]
async fn concurrent_offline_edits_converge_when_b_syncs_first() {
    converge(false).await;
}

#[tokio::test]
async fn an_incremental_sync_sends_only_the_changed_case() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let ids: Vec<CaseId> = (0..40).map(|_| a.create()).collect();
    let first = a.sync().await.unwrap();
    assert_eq!(first.documents.sent, 40);
    assert!(
        a.store
            .dirty_cases(&a.enrollment.peer())
            .unwrap()
            .is_empty()
    );

    a.set(ids[17], "count", "9");
    let rounds_before = server.state().sync_requests.len();
    let report = a.sync().await.unwrap();
    assert_eq!(report.documents.messages_per_round[0], 1, "{report:?}");
    assert_eq!(server.state().sync_requests[rounds_before], 1);
    let total: usize = report.documents.messages_per_round.iter().sum();
    assert!(total <= 3, "{:?}", report.documents.messages_per_round);
    assert_eq!(report.documents.sent, 1);
    assert_eq!(
        server.state().case(ids[17]).fields.get("count"),
        Some(&FieldValue::Integer(9))
    );
}

#[tokio::test]
async fn a_back_office_edit_flows_back_and_merges() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    a.sync().await.unwrap();
    {
        let mut s = server.state();
        let mut staff = schema::CaseDocument::load(&s.memory.docs[&id]).unwrap();
        let author = schema::ChangeAuthor {
            user: "s.schmidt".into(),
            device: None,
        };
        staff
            .edit(&author, 5, |c| c.assigned_officer = Some("b.becker".into()))
            .unwrap();
        s.memory.docs.insert(id, staff.save());
    }
    a.set(id, "note", "Vor Ort");
    let report = a.sync().await.unwrap();
    assert_eq!(report.documents.received, 1);
    let case = a.case(id);
    assert_eq!(case.assigned_officer.as_deref(), Some("b.becker"));
    assert_eq!(
        case.fields.get("note"),
        Some(&FieldValue::LongText("Vor Ort".into()))
    );
    assert_eq!(server.state().case(id), case);
    assert_eq!(a.store.list_cases().unwrap()[0].sync, SyncMark::Synced);
}

#[tokio::test]
async fn a_refused_case_is_kept_and_reported() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let ok = a.create();
    let refused = a.create();
    server.state().memory.forbidden.insert(refused);
    let report = a.sync().await.unwrap();
    assert_eq!(report.documents.rejected.len(), 1);
    assert_eq!(report.documents.rejected[0].doc, refused);
    assert!(
        report.documents.rejected[0]
            .detail
            .contains("not available")
    );
    assert!(server.state().memory.docs.contains_key(&ok));
    assert!(!server.state().memory.docs.contains_key(&refused));
    let listed = a.store.list_cases().unwrap();
    let row = listed.iter().find(|c| c.id == refused).unwrap();
    assert!(matches!(&row.sync, SyncMark::Rejected(why) if why.contains("not available")));
    // Kept locally, still editable, and offered again at the next sync.
    a.set(refused, "count", "1");
    assert!(
        a.store
            .dirty_cases(&a.enrollment.peer())
            .unwrap()
            .contains(&refused)
    );
}

#[tokio::test]
async fn a_revoked_device_is_told_to_enroll_again_and_keeps_its_work() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    server.state().revoked = true;
    let err = a.sync().await.unwrap_err();
    assert!(matches!(err, FieldAppError::DeviceRevoked { .. }), "{err}");
    assert!(err.to_string().contains("enroll again"), "{err}");
    assert!(err.to_string().contains("revoked"), "{err}");
    assert_eq!(a.case(id).id, id);

    // Enrolling again (a new device id) lets the kept case through.
    server.state().revoked = false;
    let client = SyncClient::new(&server.url).unwrap();
    let e = client
        .enroll(&mut a.store, "a.abel", "pw", "Tablet 7")
        .await
        .unwrap();
    a.client = SyncClient::for_enrollment(&e).unwrap();
    a.enrollment = e;
    let report = a.sync().await.unwrap();
    assert_eq!(report.documents.sent, 1);
    assert_eq!(server.state().case(id), a.case(id));

    // A wrong password at enrollment is not a "revoked device".
    let err = client
        .enroll(&mut a.store, "a.abel", "nope", "T")
        .await
        .unwrap_err();
    assert!(
        matches!(err, FieldAppError::Server { status: 401, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_offline_and_loses_nothing() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let url = server.url.clone();
    drop(server);
    // Nothing listens there any more.
    let err = a.sync().await.unwrap_err();
    assert!(err.is_offline(), "{err}");
    assert!(err.to_string().contains(&url));
    assert!(
        a.store
            .dirty_cases(&a.enrollment.peer())
            .unwrap()
            .contains(&id)
    );
}

#[tokio::test]
async fn an_interrupted_upload_resumes_and_sends_only_the_rest() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    a.client = a.client.clone().with_chunk_bytes(128);
    let id = a.create();
    let bytes = jpeg(6);
    assert!(bytes.len() > 3 * 128, "the photo spans several chunks");
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    let cut = 128 + 50;
    server.state().drop_upload_after = Some(cut);

    let mut seen: Vec<UploadProgress> = Vec::new();
    let report = a
        .client
        .sync(&mut a.store, &mut |p: &UploadProgress| seen.push(p.clone()))
        .await
        .unwrap();
    let s = server.state();
    assert!(s.complete.contains(&photo.sha256));
    assert_eq!(s.blobs[&photo.sha256], bytes);
    // Every byte crossed once: the chunk after the drop starts where the server stopped.
    let offsets: Vec<u64> = s.upload_log.iter().map(|(o, _)| *o).collect();
    assert_eq!(&offsets[..3], &[0, 128, cut]);
    let total: u64 = s.upload_log.iter().map(|(_, n)| n).sum();
    assert_eq!(total, bytes.len() as u64);
    assert_eq!(
        s.status_requests, 1,
        "asked after the drop only: a photo never tried starts at once"
    );
    assert_eq!(report.uploads.bytes_uploaded, bytes.len() as u64);
    assert_eq!(report.uploads.completed, vec![photo.sha256.clone()]);
    // Progress went up to the whole photo.
    assert_eq!(seen.last().unwrap().received, bytes.len() as u64);
    assert!(seen.windows(2).all(|w| w[0].received <= w[1].received));
    drop(s);
    assert!(a.store.pending_uploads().unwrap().is_empty());
    assert_eq!(a.store.list_cases().unwrap()[0].pending_uploads, 0);
}

#[tokio::test]
async fn an_upload_broken_off_by_going_offline_resumes_at_the_next_sync() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    a.client = a.client.clone().with_chunk_bytes(128);
    let id = a.create();
    let bytes = jpeg(3);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    // The server already has the first 500 bytes from an earlier attempt.
    server
        .state()
        .blobs
        .insert(photo.sha256.clone(), bytes[..500].to_vec());
    let report = a.sync().await.unwrap();
    let s = server.state();
    assert_eq!(s.upload_log[0].0, 500, "continues from what the server has");
    assert_eq!(report.uploads.bytes_uploaded, bytes.len() as u64 - 500);
    assert!(s.complete.contains(&photo.sha256));
}

#[tokio::test]
async fn a_photo_never_tried_is_sent_at_once_and_one_tried_before_asks_first() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let (first, second, third) = (jpeg(2), jpeg(3), jpeg(4));
    let add = |a: &mut Tablet, bytes: &[u8]| {
        field_app::actions::add_photo(&mut a.store, id, "photos", bytes, &a.enrollment).unwrap()
    };
    let (first, second, third) = (
        add(&mut a, &first),
        add(&mut a, &second),
        add(&mut a, &third),
    );
    // The server has the second photo already (another tablet of the office sent it).
    {
        let mut s = server.state();
        s.blobs.insert(second.sha256.clone(), jpeg(3));
        s.complete.insert(second.sha256.clone());
    }
    // The third failed in an earlier run, after the server had its first 700 bytes.
    a.store
        .record_upload_error(&third.sha256, "the network went away")
        .unwrap();
    server
        .state()
        .blobs
        .insert(third.sha256.clone(), jpeg(4)[..700].to_vec());

    let report = a.sync().await.unwrap();
    let s = server.state();
    assert_eq!(
        s.status_requests, 1,
        "only the photo tried before asks first"
    );
    for photo in [&first, &second, &third] {
        assert!(s.complete.contains(&photo.sha256));
    }
    let offsets: Vec<u64> = s.upload_log.iter().map(|(o, _)| *o).collect();
    assert_eq!(
        offsets,
        [0, 700],
        "the second is not sent, the third only from 700"
    );
    assert_eq!(report.uploads.completed.len(), 3);
    drop(s);
    assert!(a.store.pending_uploads().unwrap().is_empty());
}

#[tokio::test]
async fn a_photo_damaged_on_the_tablet_is_reported_as_damaged_and_stays_queued() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let bytes = jpeg(2);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    // The tablet does not re-hash before sending; the server's check catches the damage and
    // the tablet then names its own copy as the cause.
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    std::fs::write(a.store.blob_path(&photo.sha256), &damaged).unwrap();

    let report = a.sync().await.unwrap();
    assert!(report.uploads.completed.is_empty());
    let [(sha, reason)] = report.uploads.failed.as_slice() else {
        panic!(
            "one failed upload expected, got {:?}",
            report.uploads.failed
        );
    };
    assert_eq!(sha, &photo.sha256);
    assert!(reason.contains("is damaged"), "{reason}");
    assert!(!server.state().complete.contains(&photo.sha256));
    assert_eq!(a.store.pending_uploads().unwrap().len(), 1);
}

#[tokio::test]
async fn a_photo_file_cut_short_on_the_tablet_is_reported_as_damaged_and_stays_queued() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let bytes = jpeg(3);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    // The upload streams the file as it is now: half of it, which is not the photo.
    std::fs::write(a.store.blob_path(&photo.sha256), &bytes[..bytes.len() / 2]).unwrap();

    let report = a.sync().await.unwrap();
    assert!(report.uploads.completed.is_empty());
    assert_eq!(
        report.uploads.failed.len(),
        1,
        "{:?}",
        report.uploads.failed
    );
    assert!(
        report.uploads.failed[0].1.contains("is damaged"),
        "{:?}",
        report.uploads.failed
    );
    assert!(!server.state().complete.contains(&photo.sha256));
    assert_eq!(a.store.pending_uploads().unwrap().len(), 1);
}

#[tokio::test]
async fn photos_of_others_are_downloaded_lazily() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let bytes = jpeg(1);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    a.sync().await.unwrap();

    let mut b = Tablet::enroll(&server, "b.becker").await;
    b.sync().await.unwrap();
    assert_eq!(b.case(id).photos, vec![photo.clone()]);
    assert!(
        !b.store.has_blob(&photo.sha256).unwrap(),
        "nothing downloaded yet"
    );

    let thumb = b
        .client
        .photo(&mut b.store, &photo.sha256, PhotoVariant::Thumbnail)
        .await
        .unwrap();
    assert!(thumb.starts_with(&[0xff, 0xd8]), "a JPEG");
    assert!(
        !b.store.has_blob(&photo.sha256).unwrap(),
        "a thumbnail is not the original"
    );
    assert_eq!(b.store.thumbnail(&photo.sha256).unwrap(), Some(thumb));

    let original = b
        .client
        .photo(&mut b.store, &photo.sha256, PhotoVariant::Original)
        .await
        .unwrap();
    assert_eq!(original, bytes);
    assert!(b.store.has_blob(&photo.sha256).unwrap());

    let missing = "0".repeat(64);
    let err = b
        .client
        .photo(&mut b.store, &missing, PhotoVariant::Original)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FieldAppError::Server { status: 404, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_sync_run_broken_off_midway_resumes_with_the_next_one() {
    let server = FakeServer::start();
    // A case from the officer's other tablet, which the server offers in the first round's
    // answer: the tablet asks for it in a second round.
    let mut other = Tablet::enroll(&server, "a.abel").await;
    let offered = other.create();
    other.sync().await.unwrap();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let ids: Vec<CaseId> = (0..5).map(|_| a.create()).collect();
    // The second round's connection drops (the first round's answer was persisted).
    let rounds_before = server.state().sync_requests.len();
    server.state().drop_sync_request = Some(rounds_before + 1);
    let err = a.sync().await.unwrap_err();
    assert!(err.is_offline(), "{err}");
    a.set(ids[2], "count", "2");
    a.sync().await.unwrap();
    for id in ids.iter().chain([&offered]) {
        assert_eq!(server.state().case(*id), a.case(*id));
    }
    assert!(
        a.store
            .dirty_cases(&a.enrollment.peer())
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_upload_answered_with_a_conflict_asks_again_and_continues() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    a.client = a.client.clone().with_chunk_bytes(300);
    let id = a.create();
    let bytes = jpeg(2);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    server.state().conflict_next_put = true;
    let report = a.sync().await.unwrap();
    let s = server.state();
    assert!(s.complete.contains(&photo.sha256));
    assert_eq!(s.status_requests, 1, "asked after the 409");
    assert_eq!(report.uploads.bytes_uploaded, bytes.len() as u64);
}

/// A server without a free upload slot (503) refuses the first photo; the tablet does not
/// try the others in this run, keeps all of them queued, and sends them at the next sync.
#[tokio::test]
async fn a_busy_server_leaves_every_photo_queued_for_the_next_sync() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let photos: Vec<_> = (2..4)
        .map(|n| {
            field_app::actions::add_photo(&mut a.store, id, "photos", &jpeg(n), &a.enrollment)
                .unwrap()
        })
        .collect();
    server.state().busy_puts = 1;
    let report = a.sync().await.unwrap();
    assert_eq!(report.documents.sent, 1, "the case itself went through");
    let [(_, reason)] = report.uploads.failed.as_slice() else {
        panic!("one refused upload expected: {:?}", report.uploads);
    };
    assert!(reason.contains("try again in a moment"), "{reason}");
    assert!(
        server.state().upload_log.is_empty(),
        "no other photo was tried"
    );
    assert_eq!(a.store.pending_uploads().unwrap().len(), 2);

    let report = a.sync().await.unwrap();
    let mut completed = report.uploads.completed.clone();
    completed.sort();
    let mut expected: Vec<String> = photos.iter().map(|p| p.sha256.clone()).collect();
    expected.sort();
    assert_eq!(completed, expected);
    assert!(a.store.pending_uploads().unwrap().is_empty());
}

/// The server cut off an upload whose body came too slowly (408) and kept what arrived: the
/// tablet asks what the server has and sends the rest in the same run.
#[tokio::test]
async fn an_upload_cut_off_as_too_slow_resumes_from_what_arrived() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let bytes = jpeg(2);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    server.state().too_slow_after = Some(100);
    let report = a.sync().await.unwrap();
    assert_eq!(report.uploads.completed, vec![photo.sha256.clone()]);
    let s = server.state();
    assert_eq!(s.status_requests, 1, "asked once after the 408");
    assert_eq!(s.upload_log.first(), Some(&(0, 100)));
    assert_eq!(report.uploads.bytes_uploaded, bytes.len() as u64);
}

#[test]
fn a_sync_can_run_on_a_multi_threaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let mut store = field_app::LocalStore::open(dir.path()).unwrap();
    let client = SyncClient::new("http://127.0.0.1:9").unwrap();
    let mut progress = |_: &UploadProgress| {};
    let future = client.sync(&mut store, &mut progress);
    assert_send(&future);
}

/// A server stopped between an upload's last byte and its hash check (or a connection broken
/// right there) leaves every byte received and the photo not complete. The tablet asks it to
/// finish with an empty request at the end instead of giving up.
#[tokio::test]
async fn a_fully_received_upload_the_server_left_unfinished_is_finished_on_request() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let bytes = jpeg(2);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    server.state().leave_unfinished_once = true;
    let report = a.sync().await.unwrap();
    assert_eq!(report.uploads.completed, vec![photo.sha256.clone()]);
    assert!(report.uploads.failed.is_empty(), "{:?}", report.uploads);
    let s = server.state();
    assert!(s.complete.contains(&photo.sha256));
    let size = bytes.len() as u64;
    assert_eq!(
        s.upload_log.last(),
        Some(&(size, 0)),
        "the last request is an empty one at the end: {:?}",
        s.upload_log
    );
    drop(s);
    assert!(a.store.pending_uploads().unwrap().is_empty());
}

/// A server that never finishes is asked once per run; the photo stays queued with a reason
/// that says what the server holds, and the next run tries again.
#[tokio::test]
async fn a_server_that_never_finishes_an_upload_leaves_the_photo_queued_with_the_reason() {
    let server = FakeServer::start();
    let mut a = Tablet::enroll(&server, "a.abel").await;
    let id = a.create();
    let bytes = jpeg(2);
    let photo =
        field_app::actions::add_photo(&mut a.store, id, "photos", &bytes, &a.enrollment).unwrap();
    server.state().never_finish = true;
    let report = a.sync().await.unwrap();
    let [(sha, reason)] = report.uploads.failed.as_slice() else {
        panic!("one failed upload expected: {:?}", report.uploads);
    };
    assert_eq!(sha, &photo.sha256);
    assert!(reason.contains("has not finished storing it"), "{reason}");
    assert_eq!(a.store.pending_uploads().unwrap().len(), 1);
    let empty_requests = |log: &[(u64, u64)]| log.iter().filter(|(_, kept)| *kept == 0).count();
    assert_eq!(empty_requests(&server.state().upload_log), 1);

    server.state().never_finish = false;
    let report = a.sync().await.unwrap();
    assert_eq!(report.uploads.completed, vec![photo.sha256.clone()]);
    assert!(a.store.pending_uploads().unwrap().is_empty());
}

//! Commands that talk to the server: enroll, templates, sync, photo.

use std::path::Path;

use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::sync_client::{PhotoVariant, SyncClient, UploadProgress};

pub(super) async fn enroll(
    store: &mut LocalStore,
    server: &str,
    username: &str,
    password: &str,
    device_name: Option<String>,
) -> Result<()> {
    let device_name = device_name.unwrap_or_else(|| format!("Tablet of {username}"));
    let client = SyncClient::new(server)?;
    let e = client
        .enroll(store, username, password, &device_name)
        .await?;
    println!(
        "enrolled: device={} user={} tenant={} role={}",
        e.device_id, e.username, e.tenant, e.role
    );
    Ok(())
}

pub(super) async fn templates(store: &mut LocalStore) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let fetched = SyncClient::for_enrollment(&enrollment)?
        .refresh_templates(store)
        .await;
    // The cached list is printed either way: offline, it is what the tablet can use.
    for t in store.templates()? {
        println!("{}\t{}\t{}\t{}", t.id, t.version, t.category, t.title_de);
    }
    fetched.map(|_| ())
}

pub(super) async fn sync(store: &mut LocalStore, chunk_bytes: usize) -> Result<()> {
    let enrollment = store.require_enrollment()?;
    let client = SyncClient::for_enrollment(&enrollment)?.with_chunk_bytes(chunk_bytes);
    let mut progress = |p: &UploadProgress| {
        eprintln!("upload {} {}/{}", p.sha256, p.received, p.size);
    };
    let report = client.sync(store, &mut progress).await?;
    if report.documents.resent_after_server_loss {
        eprintln!(
            "the server had lost sync rounds it acknowledged (restored from a backup?); \
             every case and photo was sent again"
        );
    }
    for refusal in report.documents.refusals() {
        eprintln!("rejected: {refusal}");
    }
    for (sha, why) in &report.uploads.failed {
        eprintln!("upload failed: {sha}: {why} — it stays queued");
    }
    println!("{}", report.summary());
    // The server was reached, yet photos stay queued: a script (or the officer) must learn
    // that this run did not bring everything across.
    match report.uploads.failed.as_slice() {
        [] => Ok(()),
        [(sha, why), ..] => Err(FieldAppError::UploadsQueued {
            count: report.uploads.failed.len(),
            first: format!("{sha}: {why}"),
        }),
    }
}

/// The case and photo under which `sha256` is on the tablet, when `user` did not take it.
fn taken_by_another(
    store: &LocalStore,
    sha256: &str,
    user: &str,
) -> Result<Option<(schema::CaseId, schema::PhotoId)>> {
    for id in store.case_ids()? {
        let case = store.load_case(id)?.hydrate()?;
        if let Some(photo) = case.photos.iter().find(|p| p.sha256 == sha256) {
            return Ok((photo.added.by != user).then_some((id, photo.id)));
        }
    }
    Ok(None)
}

pub(super) async fn photo(
    store: &mut LocalStore,
    sha256: &str,
    thumbnail: bool,
    out: &Path,
) -> Result<()> {
    let variant = if thumbnail {
        PhotoVariant::Thumbnail
    } else {
        PhotoVariant::Original
    };
    let bytes = match store.enrollment()? {
        Some(e) => {
            let client = SyncClient::for_enrollment(&e)?;
            // A photo someone else took: its rendering with the redactions, through its case.
            let theirs = if store.has_blob(sha256)? {
                None
            } else {
                taken_by_another(store, sha256, &e.username)?
            };
            match theirs {
                Some((case, photo)) => client.rendering(case, photo, thumbnail).await?,
                None => client.photo(store, sha256, variant).await?,
            }
        }
        // Not enrolled: only what the tablet has.
        None if !thumbnail => store.read_blob(sha256)?,
        None => return Err(FieldAppError::NotEnrolled),
    };
    std::fs::write(out, &bytes).map_err(|e| FieldAppError::io(out, e))?;
    eprintln!("wrote {} bytes to {}", bytes.len(), out.display());
    Ok(())
}

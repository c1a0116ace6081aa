//! Lazy downloads of photos: the thumbnail when a case is shown, the original only on request
//! — and only of photos the tablet's officer took. A photo someone else took comes as the
//! server's rendering with its drawings and redactions, through its case
//! ([`SyncClient::rendering`]).

use annotate::{ContentAddress, DecodeLimits, ExportFormat, photo};
use schema::{CaseId, PhotoId};
use sync_protocol::http::{BLOBS, CASES};

use super::SyncClient;
use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::blobs::address;

/// Which form of a photo to get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoVariant {
    /// The original bytes (checked against their SHA-256).
    Original,
    /// A JPEG of at most 320 px.
    Thumbnail,
}

impl SyncClient {
    /// The photo `sha256` in the asked form: from the tablet when it has it, otherwise
    /// downloaded once and kept. A thumbnail of a photo the tablet has is made locally.
    ///
    /// # Errors
    /// [`FieldAppError::Invalid`] for a malformed address, [`FieldAppError::Offline`],
    /// [`FieldAppError::Server`] (e.g. 404), [`FieldAppError::Protocol`] when the original
    /// does not match its address, [`FieldAppError::Store`], [`FieldAppError::Io`].
    pub async fn photo(
        &self,
        store: &mut LocalStore,
        sha256: &str,
        variant: PhotoVariant,
    ) -> Result<Vec<u8>> {
        address(sha256)?;
        match variant {
            PhotoVariant::Original => {
                if store.has_blob(sha256)? {
                    return store.read_blob(sha256);
                }
                let bytes = self.download(&format!("{BLOBS}/{sha256}")).await?;
                if ContentAddress::of(&bytes).to_string() != sha256 {
                    return Err(FieldAppError::Protocol(format!(
                        "the server sent bytes for photo {sha256} that do not match its SHA-256"
                    )));
                }
                let mime = match photo::sniff_format(&bytes) {
                    Ok(annotate::PhotoFormat::Png) => "image/png",
                    _ => "image/jpeg",
                };
                store.put_blob(&bytes, mime)?;
                Ok(bytes)
            }
            PhotoVariant::Thumbnail => {
                if let Some(bytes) = store.thumbnail(sha256)? {
                    return Ok(bytes);
                }
                let bytes = if store.has_blob(sha256)? {
                    let original = store.read_blob(sha256)?;
                    let image = photo::thumbnail(&original, DecodeLimits::default())?;
                    photo::encode(&image, ExportFormat::Jpeg { quality: 85 })?
                } else {
                    self.download(&format!("{BLOBS}/{sha256}/thumbnail"))
                        .await?
                };
                store.put_thumbnail(sha256, &bytes)?;
                Ok(bytes)
            }
        }
    }

    /// The photo `photo` of case `case` as every device that sees the case gets it: the
    /// rendering with its drawings, redactions first (a JPEG; `thumbnail`: at most 320 px).
    /// Not kept: the drawings may change.
    ///
    /// # Errors
    /// [`FieldAppError::Offline`], [`FieldAppError::Server`] (e.g. 404).
    pub async fn rendering(
        &self,
        case: CaseId,
        photo: PhotoId,
        thumbnail: bool,
    ) -> Result<Vec<u8>> {
        let form = if thumbnail { "thumbnail" } else { "rendering" };
        self.download(&format!("{CASES}/{case}/photos/{photo}/{form}"))
            .await
    }

    async fn download(&self, path: &str) -> Result<Vec<u8>> {
        let response = self
            .send(self.authorized(self.http.get(self.url(path)))?)
            .await?;
        self.body(response).await
    }
}

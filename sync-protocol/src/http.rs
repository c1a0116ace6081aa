//! The HTTP contract between the tablet and the server: paths and the JSON bodies around the
//! CBOR sync rounds. Shared types, so both ends cannot drift apart.
//!
//! Every call except enrollment carries `Authorization: Bearer <device token>`. Errors are
//! answered with a 4xx/5xx status and an [`ErrorBody`] in JSON.
//!
//! | method and path | body in | body out |
//! | --- | --- | --- |
//! | `POST /api/v1/enroll` | [`EnrollRequest`] (JSON) | [`EnrollResponse`] (JSON) |
//! | `POST /api/v1/sync` | [`crate::SyncRequest`] (CBOR) | [`crate::SyncResponse`] (CBOR) |
//! | `GET /api/v1/templates` | – | `Vec<`[`TemplateSummary`]`>` (JSON) |
//! | `GET /api/v1/templates/{id}/{version}` | – | the template JSON |
//! | `GET /api/v1/blobs/{sha256}/upload` | – | [`UploadStatus`] (JSON) |
//! | `PUT /api/v1/blobs/{sha256}/upload?offset=N&size=S` | the bytes from `N` | [`UploadStatus`] |
//! | `GET /api/v1/blobs/{sha256}` | – | the original bytes |
//! | `GET /api/v1/blobs/{sha256}/thumbnail` | – | a JPEG of at most 320 px |
//!
//! Uploads are resumable: after a broken connection the tablet asks for the
//! [`UploadStatus`] and sends only the bytes from `received` on. When all `size` bytes have
//! arrived, the server checks the SHA-256 and that the bytes are an image, and keeps the blob
//! (`complete: true`); a mismatch discards the partial upload and answers 422.

use serde::{Deserialize, Serialize};

/// Path of enrollment.
pub const ENROLL: &str = "/api/v1/enroll";
/// Path of a sync round.
pub const SYNC: &str = "/api/v1/sync";
/// Path of the template list.
pub const TEMPLATES: &str = "/api/v1/templates";
/// Prefix of blob paths: `{BLOBS}/{sha256}`, `{BLOBS}/{sha256}/upload`, `…/thumbnail`. The
/// original and its thumbnail are for the devices of the officer who took the photo.
pub const BLOBS: &str = "/api/v1/blobs";
/// Prefix of a case's photo renderings, with the drawings and redactions, for every device
/// that sees the case: `{CASES}/{case_id}/photos/{photo_id}/rendering` (full size, JPEG) and
/// `…/thumbnail`.
pub const CASES: &str = "/api/v1/cases";
/// Content type of sync bodies.
pub const CBOR: &str = "application/cbor";

/// An officer signs in on a tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// A name for the device, shown to admins (e.g. "Tablet 7, Streife Nord").
    pub device_name: String,
}

/// A device's credentials, returned once at enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// The device's id.
    pub device_id: String,
    /// The bearer token; the server keeps only its hash, so it cannot be shown again.
    pub token: String,
    /// The user name.
    pub username: String,
    /// The user's full name, for prefilling forms.
    pub display_name: String,
    /// The tenant the user belongs to.
    pub tenant: String,
    /// The user's role (`officer`, `case_worker`, …).
    pub role: String,
}

/// A template available to the device's tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    /// Template id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// German title.
    pub title_de: String,
    /// English title.
    pub title_en: String,
    /// Category.
    pub category: String,
}

/// How much of a blob the server has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
    /// Bytes received so far (all of them when complete).
    pub received: u64,
    /// The blob is stored and verified.
    pub complete: bool,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `unauthorized`, `payload_too_large`.
    pub error: String,
    /// What went wrong and what to do, for people.
    pub message: String,
}

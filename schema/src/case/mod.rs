//! The inspection document: one case, as officers and staff edit it.

mod annotations;
pub(crate) mod diff;
mod ids;
mod keyed;
mod rehydrate;
mod request;
mod single_pass;

use std::collections::BTreeMap;

use annotate::Annotation;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::value::{FieldValue, GpsPoint, PostalAddress};
use crate::workflow::Status;

pub use ids::{CaseId, CommentId, InvalidSha256, PhotoId, Sha256};
use keyed::Keyed;
pub use rehydrate::rehydrate_case;
pub use request::{CitizenRequest, REQUEST_PHOTO_PREFIX, request_photo_field};

/// The version of the document layout this build writes. See `upgrade` for how older
/// documents are brought up to it and how newer ones are handled.
pub const CURRENT_SCHEMA_VERSION: u64 = 1;

/// Which template, in which version, a case follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct TemplateRef {
    /// Template id.
    pub id: String,
    /// Template version.
    pub version: u32,
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Stamp {
    /// User name of the person.
    pub by: String,
    /// Milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
}

/// An inspection case — the "nomic-naper" an officer fills on the tablet.
///
/// The Automerge document ([`crate::CaseDocument`]) is the source of truth; this is its
/// hydrated form, edited in memory and reconciled back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct InspectionCase {
    /// Layout version of the document this case was read from or will be written as.
    pub schema_version: u64,
    /// The case's id (UUIDv7).
    pub id: CaseId,
    /// The tenant (municipality, county, ministry) the case belongs to.
    pub tenant: String,
    /// The template the form follows.
    pub template: TemplateRef,
    /// Where the case is in its workflow.
    pub status: Status,
    /// A short title for lists, e.g. "Müllablagerung Hauptstraße 12".
    pub title: String,
    /// Who created the case, when.
    pub created: Stamp,
    /// Who changed it last, when.
    pub updated: Stamp,
    /// User name of the officer the case is assigned to.
    pub assigned_officer: Option<String>,
    /// Where the inspection took place.
    pub location: Option<GpsPoint>,
    /// The address of the place.
    pub address: Option<PostalAddress>,
    /// Answers, keyed by the template's field keys.
    #[autosurgeon(hydrate = "single_pass::map")]
    pub fields: BTreeMap<String, FieldValue>,
    /// Photos of all photo fields, oldest first.
    #[autosurgeon(with = "keyed")]
    pub photos: Vec<Photo>,
    /// The comment thread, oldest first.
    #[autosurgeon(with = "keyed")]
    pub comments: Vec<Comment>,
    /// The citizen service request this inspection answers, if any (its number).
    pub service_request: Option<String>,
    /// What the citizen sent, for a case that began as a citizen's request; never changed
    /// after it arrived.
    #[autosurgeon(missing = "request::missing")]
    pub request: Option<CitizenRequest>,
}

/// A photo of the scene. The bytes live in the blob store under `sha256`; the document holds
/// only their description and the drawings on top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Photo {
    /// Stable id within the case.
    pub id: PhotoId,
    /// Key of the photo field it belongs to.
    pub field: String,
    /// SHA-256 of the original bytes, lower-case hex: the blob's address.
    pub sha256: String,
    /// Size of the original file in bytes.
    pub byte_size: u64,
    /// Width in pixels after EXIF orientation.
    pub width: u32,
    /// Height in pixels after EXIF orientation.
    pub height: u32,
    /// `image/jpeg` or `image/png`.
    pub mime_type: String,
    /// When the photo was taken (EXIF), milliseconds since the Unix epoch.
    pub captured_at_ms: Option<i64>,
    /// Where the photo was taken (EXIF GPS), if known.
    pub gps: Option<GpsPoint>,
    /// Caption.
    pub caption: String,
    /// Who added the photo, when.
    pub added: Stamp,
    /// Drawings on the photo, bottom first.
    #[autosurgeon(with = "annotations::annotation_list")]
    pub annotations: Vec<Annotation>,
}

/// A comment on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Comment {
    /// Stable id within the case.
    pub id: CommentId,
    /// Who wrote it, when.
    pub written: Stamp,
    /// The text.
    pub text: String,
    /// Internal back-office remark, not shown on the officer's tablet.
    pub internal: bool,
}

impl Keyed for Photo {
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn order(&self) -> i64 {
        self.added.at_ms
    }
}

impl Keyed for Comment {
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn order(&self) -> i64 {
        self.written.at_ms
    }
}

impl InspectionCase {
    /// A new draft case for `template`, created by `officer` at `now_ms`, with the template's
    /// default answers filled in.
    pub fn new_draft(
        template: &crate::Template,
        tenant: impl Into<String>,
        officer: impl Into<String>,
        now_ms: i64,
    ) -> Self {
        let officer = officer.into();
        let stamp = Stamp {
            by: officer.clone(),
            at_ms: now_ms,
        };
        let fields = template
            .fields()
            .filter_map(|f| f.default_value().map(|v| (f.key.clone(), v)))
            .collect();
        InspectionCase {
            schema_version: CURRENT_SCHEMA_VERSION,
            id: CaseId::new(),
            tenant: tenant.into(),
            template: template.reference(),
            status: Status::Draft,
            title: template.title.de.clone(),
            created: stamp.clone(),
            updated: stamp,
            assigned_officer: Some(officer),
            location: None,
            address: None,
            fields,
            photos: Vec::new(),
            comments: Vec::new(),
            service_request: None,
            request: None,
        }
    }

    /// The photos attached to photo field `field`.
    pub fn photos_of<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Photo> + 'a {
        self.photos.iter().filter(move |p| p.field == field)
    }
}

impl InspectionCase {
    /// Puts photos, comments and annotations in the order hydration returns them (by time or
    /// z-order, then id) and keeps the last of any items sharing an id, as storing them does.
    /// Then an edited case equals the case read back from its document.
    pub(crate) fn normalize_order(&mut self) {
        keyed::normalize(&mut self.photos);
        keyed::normalize(&mut self.comments);
        for photo in &mut self.photos {
            annotations::normalize(&mut photo.annotations);
        }
    }
}

//! naper's domain model, shared by the tablet, the server and the web pages.
//!
//! - [`Template`]: a versioned form template, loaded from JSON and fully checked
//!   ([`Template::from_json`] reports every problem with its JSON path).
//! - [`InspectionCase`]: one case — answers, photos with their [`annotate`] drawings,
//!   comments — and [`CaseDocument`], its Automerge document, which is the source of truth
//!   and merges edits from several devices without conflicts.
//! - [`validate()`]: a case checked against its template, field by field.
//! - [`Status`] and [`Role`]: the workflow and who may move a case along it;
//!   [`write_rules`]: who may change which part of a case in which status.
//! - [`upgrade`]: how documents of older layouts are brought up to date.
//!
//! The crate does no IO: it reads and writes bytes and values, and the tablet app and the
//! server decide where they are stored and how they travel.

mod case;
mod document;
mod error;
mod localized;
pub mod template;
pub mod upgrade;
mod validate;
mod value;
mod workflow;
pub mod write_rules;

pub use case::{
    CURRENT_SCHEMA_VERSION, CaseId, CitizenRequest, Comment, CommentId, InspectionCase,
    InvalidSha256, Photo, PhotoId, REQUEST_PHOTO_PREFIX, Sha256, Stamp, TemplateRef,
    rehydrate_case, request_photo_field,
};
pub use document::{CaseDocument, ChangeAuthor, check_template};
pub use error::Error;
pub use localized::{Language, LocalizedText};
pub use template::{
    Audience, ChoiceOption, Condition, ConditionValue, Field, FieldKind, Keywords, Office,
    PrefillSource, Section, ServiceInfo, Template, TemplateError, TemplateProblem,
};
pub use validate::{
    FieldError, FieldProblem, Mode, ValidationReport, check_value, is_visible, validate,
};
pub use value::{FieldValue, GpsPoint, PlateError, PostalAddress, Signature, VehiclePlate};
pub use workflow::{Role, Status, TRANSITIONS, TransitionError, UnknownRole, UnknownStatus};

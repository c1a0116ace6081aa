//! Who may change which part of a case, in which status — the one table the server applies
//! to every change set a device sends and to every back-office edit.
//!
//! [`TRANSITIONS`](crate::TRANSITIONS) says who may move a case from one status to another;
//! [`WRITE_RULES`] says who may change its content. A change set is compared part by part
//! ([`changed_parts`]): each part it touches needs a rule that lets the writer change it in
//! the status the case had before. What no rule allows — rewriting the record's identity,
//! another person's comment, a comment under another name — nobody may do.

use std::collections::BTreeMap;
use std::fmt;

use crate::case::{Comment, InspectionCase, Photo};
use crate::workflow::{Role, Status};

/// A part of a case that a change can touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The answers, the place (position and address) and the title.
    Answers,
    /// Photos added, removed, or their description changed.
    Photos,
    /// The drawings on a photo.
    Annotations,
    /// A new comment shown to everyone, written under the writer's own name.
    Comment,
    /// A comment the writer wrote earlier, edited or deleted (its author and its being
    /// internal stay as they are).
    OwnComment,
    /// The officer the case is assigned to.
    Assignee,
}

impl Part {
    /// The part in words, for refusals.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Answers => "the answers",
            Self::Photos => "the photos",
            Self::Annotations => "the drawings on photos",
            Self::Comment => "a new comment",
            Self::OwnComment => "one's own comments",
            Self::Assignee => "the assigned officer",
        }
    }
}

/// Who a rule lets write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// An officer who created the case or is assigned to it.
    CaseOfficer,
    /// Staff of these roles.
    Staff(&'static [Role]),
}

/// One line of the table: `who` may change `part` while the case is in one of `statuses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteRule {
    /// The part.
    pub part: Part,
    /// Who.
    pub who: Who,
    /// The statuses (before the change) in which it is allowed.
    pub statuses: &'static [Status],
}

use Role::{Admin, CaseWorker, Coordinator};
use Status::*;

/// Where the officer works on the report: before handing it in, and when it came back.
const OFFICER_WORKS: &[Status] = &[Assigned, Draft, NeedsChanges];
/// Where the office may still correct the report: until it is decided.
const OFFICE_CORRECTS: &[Status] = &[
    Received,
    Triaged,
    Assigned,
    Draft,
    Submitted,
    InReview,
    NeedsChanges,
];
/// Every status but the last.
const OPEN: &[Status] = &[
    Received,
    Triaged,
    Assigned,
    Draft,
    Submitted,
    InReview,
    NeedsChanges,
    Approved,
    Rejected,
];
const OFFICE: &[Role] = &[Admin, Coordinator, CaseWorker];

/// Every change of a case's content that is allowed, and who may make it in which status.
pub const WRITE_RULES: &[WriteRule] = &[
    rule(Part::Answers, Who::CaseOfficer, OFFICER_WORKS),
    rule(Part::Answers, Who::Staff(OFFICE), OFFICE_CORRECTS),
    rule(Part::Photos, Who::CaseOfficer, OFFICER_WORKS),
    rule(Part::Photos, Who::Staff(OFFICE), OFFICE_CORRECTS),
    rule(Part::Annotations, Who::CaseOfficer, OFFICER_WORKS),
    rule(Part::Annotations, Who::Staff(OFFICE), OFFICE_CORRECTS),
    rule(Part::Comment, Who::CaseOfficer, OPEN),
    rule(Part::Comment, Who::Staff(OFFICE), OPEN),
    rule(Part::OwnComment, Who::CaseOfficer, OPEN),
    rule(Part::OwnComment, Who::Staff(OFFICE), OPEN),
    rule(Part::Assignee, Who::Staff(&[Admin, Coordinator]), OPEN),
];

const fn rule(part: Part, who: Who, statuses: &'static [Status]) -> WriteRule {
    WriteRule {
        part,
        who,
        statuses,
    }
}

/// The person making a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    /// Their user name.
    pub username: String,
    /// Their role.
    pub role: Role,
}

/// A change no rule allows, with what it touched and why, for the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBroken(String);

impl fmt::Display for RuleBroken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleBroken {}

/// Checks the change from `before` (the case as stored) to `after` (the case with the
/// writer's changes) against [`WRITE_RULES`]. Status changes are checked against
/// [`crate::TRANSITIONS`] separately.
///
/// # Errors
/// The first rule the change breaks.
pub fn check_change(
    writer: &Writer,
    before: &InspectionCase,
    after: &InspectionCase,
) -> Result<(), RuleBroken> {
    check_record(before, after)?;
    let case_officer = writer.role == Role::Officer
        && (before.created.by == writer.username
            || before.assigned_officer.as_deref() == Some(writer.username.as_str()));
    for part in changed_parts(writer, before, after)? {
        let allowed = WRITE_RULES.iter().any(|r| {
            r.part == part
                && r.statuses.contains(&before.status)
                && match r.who {
                    Who::CaseOfficer => case_officer,
                    Who::Staff(roles) => roles.contains(&writer.role),
                }
        });
        if !allowed {
            return Err(RuleBroken(refusal(writer, part, before.status)));
        }
    }
    Ok(())
}

/// Why no internal comment may enter a case document: tablets hold the document whole.
pub const INTERNAL_COMMENTS_STAY_ON_THE_SERVER: &str = "an internal comment is kept by the \
    server, never in the case document that tablets sync; the back office writes it there";

/// Checks a case as its creator first sends it: its comments are the creator's own, and none
/// is internal ([`INTERNAL_COMMENTS_STAY_ON_THE_SERVER`]).
///
/// # Errors
/// The rule the new case breaks.
pub fn check_new(writer: &Writer, case: &InspectionCase) -> Result<(), RuleBroken> {
    // The server writes a citizen's request itself, without these rules; whoever else sends
    // one would speak for a citizen.
    if case.request.is_some() || case.photos.iter().any(Photo::is_from_request) {
        return Err(RuleBroken(
            "only the server writes a citizen's request; a new case cannot bring one".into(),
        ));
    }
    check_photo_stamps(writer, &[], &case.photos)?;
    for comment in &case.comments {
        check_authored(writer, comment)?;
        if comment.internal {
            return Err(RuleBroken(INTERNAL_COMMENTS_STAY_ON_THE_SERVER.into()));
        }
    }
    Ok(())
}

/// The parts a change touches. A comment under another name, or a change to somebody
/// else's comment, is refused here: no rule could allow it.
///
/// # Errors
/// A forged or foreign comment.
pub fn changed_parts(
    writer: &Writer,
    before: &InspectionCase,
    after: &InspectionCase,
) -> Result<Vec<Part>, RuleBroken> {
    let mut parts = Vec::new();
    if before.fields != after.fields
        || before.location != after.location
        || before.address != after.address
        || before.title != after.title
    {
        parts.push(Part::Answers);
    }
    check_photo_stamps(writer, &before.photos, &after.photos)?;
    check_request_photos(&before.photos, &after.photos)?;
    let (photos, annotations) = photo_changes(&before.photos, &after.photos);
    if photos {
        parts.push(Part::Photos);
    }
    if annotations {
        parts.push(Part::Annotations);
    }
    if before.assigned_officer != after.assigned_officer {
        parts.push(Part::Assignee);
    }
    let earlier: BTreeMap<_, &Comment> = before.comments.iter().map(|c| (c.id, c)).collect();
    let later: BTreeMap<_, &Comment> = after.comments.iter().map(|c| (c.id, c)).collect();
    for (id, comment) in &later {
        match earlier.get(id) {
            None => {
                check_authored(writer, comment)?;
                if comment.internal {
                    return Err(RuleBroken(INTERNAL_COMMENTS_STAY_ON_THE_SERVER.into()));
                }
                parts.push(Part::Comment);
            }
            Some(old) if old != comment => {
                check_own(writer, old)?;
                if old.written.by != comment.written.by || old.internal != comment.internal {
                    return Err(RuleBroken(
                        "a comment keeps its author and whether it is internal".into(),
                    ));
                }
                parts.push(Part::OwnComment);
            }
            Some(_) => {}
        }
    }
    for (id, old) in &earlier {
        if !later.contains_key(id) {
            check_own(writer, old)?;
            parts.push(Part::OwnComment);
        }
    }
    parts.sort_unstable();
    parts.dedup();
    Ok(parts)
}

/// Whether photos were added, removed or redescribed, and whether drawings changed.
/// A new photo is added under the writer's own name, and a photo keeps who added it and when:
/// the server gives a photo's original back only to whoever uploaded its bytes, but the case
/// page and the PDF show the stamp as the photo's record.
fn check_photo_stamps(
    writer: &Writer,
    before: &[Photo],
    after: &[Photo],
) -> Result<(), RuleBroken> {
    let earlier: BTreeMap<_, &Photo> = before.iter().map(|p| (p.id, p)).collect();
    for photo in after {
        match earlier.get(&photo.id) {
            None if photo.added.by != writer.username => {
                return Err(RuleBroken(format!(
                    "a new photo must be added under the writer's own name `{}`, not `{}`",
                    writer.username, photo.added.by
                )));
            }
            Some(old) if old.added != photo.added => {
                return Err(RuleBroken("a photo keeps who added it and when".into()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The photos a citizen sent stay as they arrived: none is added to the request afterwards,
/// none removed, none redescribed. Drawings on them are the office's (a face blacked out).
fn check_request_photos(before: &[Photo], after: &[Photo]) -> Result<(), RuleBroken> {
    let later: BTreeMap<_, &Photo> = after.iter().map(|p| (p.id, p)).collect();
    for old in before.iter().filter(|p| p.is_from_request()) {
        let Some(new) = later.get(&old.id) else {
            return Err(RuleBroken(
                "a photo the citizen sent with the request cannot be removed".into(),
            ));
        };
        let mut described = old.clone();
        described.annotations.clone_from(&new.annotations);
        if described != **new {
            return Err(RuleBroken(
                "a photo the citizen sent with the request keeps its description".into(),
            ));
        }
    }
    let earlier: BTreeMap<_, &Photo> = before.iter().map(|p| (p.id, p)).collect();
    // Neither a new photo nor one of the office's becomes the citizen's.
    if after
        .iter()
        .any(|p| p.is_from_request() && earlier.get(&p.id).is_none_or(|old| !old.is_from_request()))
    {
        return Err(RuleBroken(
            "only the citizen's request itself brings photos of the request".into(),
        ));
    }
    Ok(())
}

fn photo_changes(before: &[Photo], after: &[Photo]) -> (bool, bool) {
    let earlier: BTreeMap<_, &Photo> = before.iter().map(|p| (p.id, p)).collect();
    let mut photos = before.len() != after.len();
    let mut annotations = false;
    for photo in after {
        match earlier.get(&photo.id) {
            None => photos = true,
            Some(old) => {
                if old.annotations != photo.annotations {
                    annotations = true;
                }
                let mut described = (*old).clone();
                described.annotations.clone_from(&photo.annotations);
                if described != *photo {
                    photos = true;
                }
            }
        }
    }
    (photos, annotations)
}

/// The record's identity never changes, and its layout version never goes down.
fn check_record(before: &InspectionCase, after: &InspectionCase) -> Result<(), RuleBroken> {
    let changed = if before.id != after.id {
        Some("id")
    } else if before.tenant != after.tenant {
        Some("tenant")
    } else if before.template != after.template {
        Some("template")
    } else if before.created != after.created {
        Some("creation stamp")
    } else if before.service_request != after.service_request {
        Some("service request")
    } else if before.request != after.request {
        Some("citizen's request")
    } else if after.schema_version < before.schema_version {
        Some("layout version")
    } else {
        None
    };
    match changed {
        Some(what) => Err(RuleBroken(format!(
            "the case's {what} cannot be changed by anyone"
        ))),
        None => Ok(()),
    }
}

fn check_authored(writer: &Writer, comment: &Comment) -> Result<(), RuleBroken> {
    if comment.written.by == writer.username {
        Ok(())
    } else {
        Err(RuleBroken(format!(
            "a new comment must be written under the writer's own name `{}`, not `{}`",
            writer.username, comment.written.by
        )))
    }
}

fn check_own(writer: &Writer, comment: &Comment) -> Result<(), RuleBroken> {
    if comment.written.by == writer.username {
        Ok(())
    } else {
        Err(RuleBroken(format!(
            "only `{}` may edit or delete the comment they wrote",
            comment.written.by
        )))
    }
}

/// The refusal for `part`, naming every rule that would have allowed it.
fn refusal(writer: &Writer, part: Part, status: Status) -> String {
    let allowed: Vec<String> = WRITE_RULES
        .iter()
        .filter(|r| r.part == part)
        .map(|r| {
            let who = match r.who {
                Who::CaseOfficer => "the case's officer".to_string(),
                Who::Staff(roles) => roles
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let statuses: Vec<String> = r.statuses.iter().map(ToString::to_string).collect();
            format!("{who} while it is {}", statuses.join(", "))
        })
        .collect();
    let rule = if allowed.is_empty() {
        "nobody".to_string()
    } else {
        allowed.join("; ")
    };
    format!(
        "{} may be changed by {rule}. This case is `{status}` and `{}` is {}",
        capitalized(part.describe()),
        writer.username,
        match writer.role {
            Role::Officer => "an officer".to_string(),
            role => format!("`{role}`"),
        }
    )
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;

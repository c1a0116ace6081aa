#![allow(clippy::unwrap_used)]

use annotate::{Annotation, NormPoint, Rgba, Shape, Style};

use super::*;
use crate::{CommentId, FieldValue, PhotoId, Stamp, Template};

fn writer(username: &str, role: Role) -> Writer {
    Writer {
        username: username.into(),
        role,
    }
}

fn officer() -> Writer {
    writer("o1", Role::Officer)
}

fn comment(by: &str, internal: bool) -> Comment {
    Comment {
        id: CommentId::new(),
        written: Stamp {
            by: by.into(),
            at_ms: 1,
        },
        text: "Bitte Foto nachreichen.".into(),
        internal,
    }
}

fn arrow() -> Annotation {
    Annotation::new(
        Shape::Arrow {
            from: NormPoint::new(0.1, 0.1),
            to: NormPoint::new(0.5, 0.5),
        },
        Style {
            color: Rgba::opaque(230, 30, 30),
            width: 0.01,
            fill: None,
        },
        "o1",
        0,
    )
}

/// A case of officer `o1` in `status`, with an answer, a drawn-on photo, a comment of the
/// officer's and an internal comment of case worker `cw`.
fn case(status: Status) -> InspectionCase {
    let template = Template::from_json(
        r#"{"id":"t","version":1,"category":"c","title":{"de":"T","en":"T"},
        "sections":[{"key":"s","title":{"de":"S","en":"S"},"fields":[
        {"key":"n","type":"integer","label":{"de":"N","en":"N"}}]}]}"#,
    )
    .unwrap();
    let mut case = InspectionCase::new_draft(&template, "stadt", "o1", 0);
    case.status = status;
    case.fields.insert("n".into(), FieldValue::Integer(1));
    case.photos.push(Photo {
        id: PhotoId::new(),
        field: "scene".into(),
        sha256: "ab".repeat(32),
        byte_size: 10,
        width: 4,
        height: 3,
        mime_type: "image/jpeg".into(),
        captured_at_ms: None,
        gps: None,
        caption: String::new(),
        added: Stamp {
            by: "o1".into(),
            at_ms: 0,
        },
        annotations: vec![arrow()],
    });
    case.comments.push(comment("o1", false));
    case.comments.push(comment("cw", true));
    case
}

fn check(
    who: &Writer,
    status: Status,
    change: impl FnOnce(&mut InspectionCase),
) -> Result<(), RuleBroken> {
    let before = case(status);
    let mut after = before.clone();
    change(&mut after);
    check_change(who, &before, &after)
}

#[test]
fn the_officer_works_on_the_report_until_it_is_handed_in_and_when_it_comes_back() {
    for status in [Status::Assigned, Status::Draft, Status::NeedsChanges] {
        check(&officer(), status, |c| {
            c.fields.insert("n".into(), FieldValue::Integer(2));
            c.photos[0].annotations.push(arrow());
            c.photos[0].caption = "Ansicht von Süden".into();
        })
        .unwrap();
    }
    // An officer assigned to another officer's case may work on it too.
    let mut before = case(Status::Draft);
    before.assigned_officer = Some("o2".into());
    let mut after = before.clone();
    after.fields.clear();
    check_change(&writer("o2", Role::Officer), &before, &after).unwrap();
    // Any other officer may not.
    check_change(&writer("o3", Role::Officer), &before, &after).unwrap_err();
}

#[test]
fn after_handing_in_the_officers_report_is_the_offices() {
    for status in [
        Status::Submitted,
        Status::InReview,
        Status::Approved,
        Status::Closed,
    ] {
        let answers = check(&officer(), status, |c| {
            c.fields.insert("n".into(), FieldValue::Integer(2));
        })
        .unwrap_err();
        assert!(
            answers
                .to_string()
                .contains("The answers may be changed by"),
            "{answers}"
        );
        assert!(
            answers.to_string().contains(&format!("`{status}`")),
            "{answers}"
        );
        check(&officer(), status, |c| c.photos.clear()).unwrap_err();
        check(&officer(), status, |c| c.photos[0].annotations.clear()).unwrap_err();
    }
    // The office corrects until it decides, and not after.
    let worker = writer("cw", Role::CaseWorker);
    check(&worker, Status::InReview, |c| c.fields.clear()).unwrap();
    let error = check(&worker, Status::Approved, |c| c.fields.clear()).unwrap_err();
    assert!(error.to_string().contains("`approved`"), "{error}");
    check(&writer("v", Role::Viewer), Status::InReview, |c| {
        c.fields.clear()
    })
    .unwrap_err();
}

#[test]
fn comments_are_written_under_ones_own_name_and_changed_only_by_their_author() {
    // Adding one's own comment is fine in any status but closed.
    check(&officer(), Status::Approved, |c| {
        c.comments.push(comment("o1", false));
    })
    .unwrap();
    let forged = check(&officer(), Status::Draft, |c| {
        c.comments.push(comment("cw", false));
    })
    .unwrap_err();
    assert!(forged.to_string().contains("own name"), "{forged}");
    let internal = check(&officer(), Status::Draft, |c| {
        c.comments.push(comment("o1", true));
    })
    .unwrap_err();
    assert!(internal.to_string().contains("internal"), "{internal}");

    // The case worker's internal comment: neither edited nor deleted by the officer.
    check(&officer(), Status::Draft, |c| {
        c.comments[1].text = "weg".into()
    })
    .unwrap_err();
    check(&officer(), Status::Draft, |c| {
        c.comments.remove(1);
    })
    .unwrap_err();
    // Nor handed to another author by its own.
    let worker = writer("cw", Role::CaseWorker);
    check(&worker, Status::InReview, |c| {
        c.comments[1].written.by = "o1".into()
    })
    .unwrap_err();
    // Its author may edit it.
    check(&worker, Status::InReview, |c| {
        c.comments[1].text = "erledigt".into()
    })
    .unwrap();
    check(&officer(), Status::Draft, |c| {
        c.comments.remove(0);
    })
    .unwrap();
    check(&officer(), Status::Closed, |c| {
        c.comments.push(comment("o1", false));
    })
    .unwrap_err();
}

#[test]
fn only_coordinators_and_admins_assign_and_nobody_rewrites_the_record() {
    for who in [officer(), writer("cw", Role::CaseWorker)] {
        check(&who, Status::Draft, |c| {
            c.assigned_officer = Some("o2".into())
        })
        .unwrap_err();
    }
    check(&writer("k", Role::Coordinator), Status::Triaged, |c| {
        c.assigned_officer = Some("o2".into());
    })
    .unwrap();
    for change in [
        (|c: &mut InspectionCase| c.tenant = "andere-stadt".into()) as fn(&mut InspectionCase),
        |c| c.created.by = "o2".into(),
        |c| c.template.version = 2,
        |c| c.service_request = Some("sr-1".into()),
        |c| {
            c.request = Some(crate::CitizenRequest {
                service: c.template.clone(),
                number: "TGH-2026-000001".into(),
                channel: "portal".into(),
                answers: Default::default(),
            })
        },
    ] {
        let error = check(&writer("a", Role::Admin), Status::Draft, change).unwrap_err();
        assert!(
            error.to_string().contains("cannot be changed by anyone"),
            "{error}"
        );
    }
}

#[test]
fn a_new_case_carries_only_its_creators_comments_and_none_internal() {
    let mut new = case(Status::Draft);
    new.comments.retain(|c| c.written.by == "o1");
    check_new(&officer(), &new).unwrap();
    check_new(&officer(), &case(Status::Draft)).unwrap_err();
    new.comments[0].internal = true;
    let refused = check_new(&officer(), &new).unwrap_err();
    assert_eq!(refused.to_string(), INTERNAL_COMMENTS_STAY_ON_THE_SERVER);
}

/// A photo is added under the writer's own name and keeps its stamp, as a comment does.
#[test]
fn a_photo_is_added_under_ones_own_name_and_keeps_its_stamp() {
    let forged = check(&officer(), Status::Draft, |c| {
        let mut photo = c.photos[0].clone();
        photo.id = schema_photo_id();
        photo.added.by = "o2".into();
        c.photos.push(photo);
    })
    .unwrap_err();
    assert!(
        forged.to_string().contains("own name `o1`, not `o2`"),
        "{forged}"
    );
    let restamped = check(&officer(), Status::Draft, |c| {
        c.photos[0].added.by = "o2".into();
    })
    .unwrap_err();
    assert!(
        restamped.to_string().contains("keeps who added it"),
        "{restamped}"
    );
    let mut new = case(Status::Draft);
    new.comments.retain(|c| c.written.by == "o1");
    new.photos[0].added.by = "o2".into();
    check_new(&officer(), &new).unwrap_err();
}

/// The photos a citizen sent stay as they came; the office may draw on them (a face blacked
/// out) and nothing else, and nobody brings a request, or a photo of one, in a new case.
#[test]
fn a_citizens_photos_stay_as_they_came_but_may_be_drawn_on() {
    let with_request_photo = |status| {
        let mut case = case(status);
        let mut photo = case.photos[0].clone();
        photo.id = schema_photo_id();
        photo.field = crate::request_photo_field("fotos");
        photo.added.by = "buergerin".into();
        photo.annotations.clear();
        case.photos.push(photo);
        case
    };
    let staff = writer("cw", Role::CaseWorker);
    let change = |change: &dyn Fn(&mut InspectionCase)| {
        let before = with_request_photo(Status::InReview);
        let mut after = before.clone();
        change(&mut after);
        check_change(&staff, &before, &after)
    };
    change(&|c| c.photos[1].annotations.push(arrow())).unwrap();
    let removed = change(&|c| {
        c.photos.remove(1);
    })
    .unwrap_err();
    assert!(
        removed.to_string().contains("cannot be removed"),
        "{removed}"
    );
    let recaptioned = change(&|c| c.photos[1].caption = "anders".into()).unwrap_err();
    assert!(
        recaptioned.to_string().contains("keeps its description"),
        "{recaptioned}"
    );
    let added = change(&|c| {
        let mut photo = c.photos[1].clone();
        photo.id = schema_photo_id();
        photo.added.by = "cw".into();
        c.photos.push(photo);
    })
    .unwrap_err();
    assert!(
        added.to_string().contains("only the citizen's request"),
        "{added}"
    );
    // The office's own photo does not become the citizen's (which the tracking link shows).
    let relabelled =
        change(&|c| c.photos[0].field = crate::request_photo_field("fotos")).unwrap_err();
    assert!(
        relabelled
            .to_string()
            .contains("only the citizen's request"),
        "{relabelled}"
    );
    // A tablet cannot make a case up as a citizen's request.
    let mut forged = with_request_photo(Status::Draft);
    forged.comments.retain(|c| c.written.by == "o1");
    forged.photos[1].added.by = "o1".into();
    let refused = check_new(&officer(), &forged).unwrap_err();
    assert!(refused.to_string().contains("only the server"), "{refused}");
}

fn schema_photo_id() -> crate::PhotoId {
    crate::PhotoId::new()
}

/// Internal comments are kept by the server: not even the office writes one into a
/// document, which every tablet of the case would receive whole.
#[test]
fn no_internal_comment_enters_a_document_whoever_writes_it() {
    for role in [Role::Admin, Role::Coordinator, Role::CaseWorker] {
        let staff = writer("cw", role);
        let refused = check(&staff, Status::InReview, |c| {
            c.comments.push(comment("cw", true));
        })
        .unwrap_err();
        assert_eq!(
            refused.to_string(),
            INTERNAL_COMMENTS_STAY_ON_THE_SERVER,
            "{role}"
        );
        check(&staff, Status::InReview, |c| {
            c.comments.push(comment("cw", false));
        })
        .unwrap();
    }
}

#[test]
fn every_rule_names_a_part_a_change_can_touch_and_each_part_has_a_rule_or_none_by_design() {
    for rule in WRITE_RULES {
        assert!(!rule.statuses.is_empty(), "{rule:?}");
        if let Who::Staff(roles) = rule.who {
            assert!(
                !roles.contains(&Role::Viewer),
                "viewers never write: {rule:?}"
            );
            assert!(
                !roles.contains(&Role::Officer),
                "officers write as the case's officer"
            );
        }
    }
}

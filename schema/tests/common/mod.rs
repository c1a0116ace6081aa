//! Shared fixtures and generators for the `schema` integration tests.
#![allow(dead_code)]

use std::collections::BTreeSet;

use annotate::{
    Annotation, AnnotationId, NormPoint, NormRect, RedactionMethod, RedactionOutline, Rgba, Shape,
    Style,
};
use chrono::{DateTime, NaiveDate, NaiveTime};
use proptest::prelude::*;
use schema::{
    CaseDocument, ChangeAuthor, Comment, CommentId, FieldValue, GpsPoint, InspectionCase, Photo,
    PhotoId, PostalAddress, Signature, Stamp, Template,
};
use uuid::Uuid;

pub const EVERY_KIND: &str = include_str!("every_kind.json");

pub fn template() -> Template {
    Template::from_json(EVERY_KIND).expect("the fixture template loads")
}

pub fn officer() -> ChangeAuthor {
    ChangeAuthor {
        user: "m.mueller".into(),
        device: Some("tablet-7".into()),
    }
}

pub fn staff() -> ChangeAuthor {
    ChangeAuthor {
        user: "s.schmidt".into(),
        device: None,
    }
}

/// A valid, complete case of the fixture template.
pub fn complete_case() -> InspectionCase {
    let t = template();
    let mut case =
        InspectionCase::new_draft(&t, "stadt-musterstadt", "m.mueller", 1_763_900_000_000);
    let f = &mut case.fields;
    f.insert("officer".into(), FieldValue::Text("Maria Müller".into()));
    f.insert(
        "description".into(),
        FieldValue::LongText("Sperrmüll am Straßenrand, ca. 3 m³.".into()),
    );
    f.insert(
        "seen_at".into(),
        FieldValue::DateTime(DateTime::parse_from_rfc3339("2026-11-23T09:15:00+01:00").unwrap()),
    );
    f.insert("waste".into(), FieldValue::Choice("bulky".into()));
    f.insert(
        "position".into(),
        FieldValue::Gps(GpsPoint {
            lat: 52.52,
            lon: 13.405,
            accuracy_m: Some(8.0),
        }),
    );
    case.photos = vec![photo("scene", 1), photo("scene", 2)];
    case
}

pub fn photo(field: &str, n: u8) -> Photo {
    Photo {
        id: PhotoId::new(),
        field: field.into(),
        sha256: format!("{n:02x}").repeat(32),
        byte_size: 3_500_000,
        width: 4000,
        height: 3000,
        mime_type: "image/jpeg".into(),
        captured_at_ms: Some(1_763_900_000_000 + i64::from(n)),
        gps: None,
        caption: String::new(),
        added: Stamp {
            by: "m.mueller".into(),
            at_ms: 1_763_900_000_000 + i64::from(n),
        },
        annotations: Vec::new(),
    }
}

pub fn circle(author: &str, z: i64) -> Annotation {
    Annotation {
        id: AnnotationId::new(),
        shape: Shape::Ellipse {
            bounds: NormRect {
                min: NormPoint::new(0.2, 0.2),
                max: NormPoint::new(0.6, 0.5),
            },
        },
        style: Style {
            color: Rgba::opaque(230, 0, 0),
            width: 0.005,
            fill: None,
        },
        author: author.into(),
        created_at_ms: 1_763_900_000_000,
        z,
    }
}

pub fn document(case: &InspectionCase) -> CaseDocument {
    CaseDocument::create(case, &officer()).expect("a case can always be written")
}

// ---- generators -------------------------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9äöüÄÖÜß ,.!?-]{0,40}"
}

fn norm() -> impl Strategy<Value = f32> {
    (0u32..=1000).prop_map(|n| n as f32 / 1000.0)
}

fn point() -> impl Strategy<Value = NormPoint> {
    (norm(), norm()).prop_map(|(x, y)| NormPoint::new(x, y))
}

fn rect() -> impl Strategy<Value = NormRect> {
    (point(), point()).prop_map(|(a, b)| NormRect {
        min: NormPoint::new(a.x.min(b.x), a.y.min(b.y)),
        max: NormPoint::new(a.x.max(b.x), a.y.max(b.y)),
    })
}

fn color() -> impl Strategy<Value = Rgba> {
    any::<[u8; 4]>().prop_map(|[r, g, b, a]| Rgba { r, g, b, a })
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        (prop::collection::vec(point(), 1..30), any::<bool>()).prop_map(|(points, pressure)| {
            let pressure = if pressure {
                points.iter().map(|p| p.x).collect()
            } else {
                Vec::new()
            };
            Shape::Freehand { points, pressure }
        }),
        (point(), point()).prop_map(|(from, to)| Shape::Arrow { from, to }),
        (point(), point()).prop_map(|(from, to)| Shape::Line { from, to }),
        rect().prop_map(|bounds| Shape::Ellipse { bounds }),
        rect().prop_map(|bounds| Shape::Rectangle { bounds }),
        (point(), text(), norm()).prop_map(|(anchor, text, size)| Shape::Text {
            anchor,
            text,
            size
        }),
        (rect(), any::<bool>(), any::<bool>()).prop_map(|(bounds, ellipse, blur)| {
            Shape::Redaction {
                bounds,
                outline: if ellipse {
                    RedactionOutline::Ellipse
                } else {
                    RedactionOutline::Rectangle
                },
                method: if blur {
                    RedactionMethod::Blur
                } else {
                    RedactionMethod::Pixelate
                },
            }
        }),
    ]
}

pub fn annotation() -> impl Strategy<Value = Annotation> {
    (
        any::<u128>(),
        shape(),
        color(),
        prop::option::of(color()),
        norm(),
        text(),
        any::<i64>(),
        -50i64..50,
    )
        .prop_map(
            |(id, shape, color, fill, width, author, created_at_ms, z)| Annotation {
                id: AnnotationId(Uuid::from_u128(id)),
                shape,
                style: Style { color, width, fill },
                author,
                created_at_ms,
                z,
            },
        )
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (text(), any::<i64>()).prop_map(|(by, at_ms)| Stamp { by, at_ms })
}

fn gps() -> impl Strategy<Value = GpsPoint> {
    (
        -90.0f64..90.0,
        -180.0f64..180.0,
        prop::option::of(0.0f64..100.0),
    )
        .prop_map(|(lat, lon, accuracy_m)| GpsPoint {
            lat,
            lon,
            accuracy_m,
        })
}

fn address() -> impl Strategy<Value = PostalAddress> {
    (
        "[A-ZÄÖÜ][a-zäöüß]{1,20}straße",
        "[1-9][0-9]{0,2}[a-c]?",
        "[0-9]{5}",
        "[A-ZÄÖÜ][a-zäöüß]{1,20}",
    )
        .prop_map(|(street, house_number, postal_code, city)| PostalAddress {
            street,
            house_number,
            postal_code,
            city,
        })
}

pub fn generated_photo() -> impl Strategy<Value = Photo> {
    (
        any::<u128>(),
        "[0-9a-f]{64}",
        any::<u64>(),
        (1u32..10_000, 1u32..10_000),
        prop::option::of(any::<i64>()),
        prop::option::of(gps()),
        text(),
        stamp(),
        prop::collection::vec(annotation(), 0..6),
    )
        .prop_map(
            |(
                id,
                sha256,
                byte_size,
                (width, height),
                captured_at_ms,
                gps,
                caption,
                added,
                annotations,
            )| {
                let mut annotations = annotations;
                // Hydration returns annotations by z, then id; generate them in that order.
                annotations.sort_by(|a, b| {
                    a.z.cmp(&b.z)
                        .then_with(|| a.id.to_string().cmp(&b.id.to_string()))
                });
                annotations.dedup_by(|a, b| a.id == b.id);
                Photo {
                    id: PhotoId(Uuid::from_u128(id)),
                    field: "scene".into(),
                    sha256,
                    byte_size,
                    width,
                    height,
                    mime_type: "image/jpeg".into(),
                    captured_at_ms,
                    gps,
                    caption,
                    added,
                    annotations,
                }
            },
        )
}

/// Answers for the fixture template: each present or absent, each of the right kind and
/// within its constraints (so the case is template-valid as a draft).
fn answers() -> impl Strategy<Value = Vec<(String, FieldValue)>> {
    let date = (2000i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| FieldValue::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
    let time = (0u32..24, 0u32..60, 0u32..60)
        .prop_map(|(h, m, s)| FieldValue::Time(NaiveTime::from_hms_opt(h, m, s).unwrap()));
    let date_time = (0i64..4_000_000_000, -12i32..=14).prop_map(|(secs, off)| {
        let offset = chrono::FixedOffset::east_opt(off * 3600).unwrap();
        FieldValue::DateTime(
            DateTime::from_timestamp(secs, 0)
                .unwrap()
                .with_timezone(&offset),
        )
    });
    let hazards =
        prop::sample::subsequence(vec!["leaking", "smell", "sharp"], 0..=2).prop_map(|v| {
            FieldValue::Choices(v.into_iter().map(String::from).collect::<BTreeSet<_>>())
        });
    let signature = (
        prop::collection::vec(prop::collection::vec(point(), 1..20), 0..4),
        text(),
        any::<i64>(),
    )
        .prop_map(|(strokes, signer, signed_at_ms)| {
            FieldValue::Signature(Signature {
                strokes,
                signer,
                signed_at_ms,
            })
        });
    let entries: Vec<BoxedStrategy<Option<(String, FieldValue)>>> = vec![
        opt("officer", text().prop_map(FieldValue::Text)),
        opt("ref", "[A-Z]{2}-[0-9]{4}".prop_map(FieldValue::Text)),
        opt(
            "description",
            "[a-zA-Zäöüß \n]{0,200}".prop_map(FieldValue::LongText),
        ),
        opt("count", (0i64..=500).prop_map(FieldValue::Integer)),
        opt("volume", (0.0f64..=100.0).prop_map(FieldValue::Decimal)),
        opt("day", date),
        opt("clock", time),
        opt("seen_at", date_time),
        opt(
            "waste",
            prop::sample::select(vec!["bulky", "hazardous", "green"])
                .prop_map(|s| FieldValue::Choice(s.into())),
        ),
        opt("hazards", hazards),
        opt("fire_brigade", any::<bool>().prop_map(FieldValue::YesNo)),
        opt("polluter_known", any::<bool>().prop_map(FieldValue::YesNo)),
        opt("polluter_address", address().prop_map(FieldValue::Address)),
        opt(
            "position",
            gps().prop_map(|mut g| {
                g.accuracy_m = g.accuracy_m.map(|a| a.min(50.0));
                FieldValue::Gps(g)
            }),
        ),
        opt(
            "plate",
            prop::sample::select(vec!["B-AB 1234", "M-X 77E", "HH-ZZ 9"])
                .prop_map(|s| FieldValue::Plate(s.into())),
        ),
        opt("signature", signature),
        opt("notes", "[a-zA-Z \n]{0,100}".prop_map(FieldValue::LongText)),
    ];
    entries.prop_map(|v| v.into_iter().flatten().collect())
}

fn opt(
    key: &'static str,
    value: impl Strategy<Value = FieldValue> + 'static,
) -> BoxedStrategy<Option<(String, FieldValue)>> {
    prop::option::of(value.prop_map(move |v| (key.to_string(), v))).boxed()
}

/// A template-valid case of the fixture template (valid as a draft: no wrong answers).
pub fn generated_case() -> impl Strategy<Value = InspectionCase> {
    (
        answers(),
        prop::collection::vec(generated_photo(), 0..4),
        prop::collection::vec((any::<u128>(), stamp(), text(), any::<bool>()), 0..4),
        prop::option::of(gps()),
        prop::option::of(address()),
        prop::option::of(text()),
        text(),
    )
        .prop_map(
            |(answers, photos, comments, location, address, service_request, title)| {
                let mut case = InspectionCase::new_draft(
                    &template(),
                    "stadt-musterstadt",
                    "m.mueller",
                    1_763_900_000_000,
                );
                case.fields.extend(answers);
                case.photos = sorted_by(photos, |p| (p.added.at_ms, p.id.to_string()));
                case.photos.dedup_by(|a, b| a.id == b.id);
                case.comments = sorted_by(
                    comments
                        .into_iter()
                        .map(|(id, written, text, internal)| Comment {
                            id: CommentId(Uuid::from_u128(id)),
                            written,
                            text,
                            internal,
                        })
                        .collect(),
                    |c| (c.written.at_ms, c.id.to_string()),
                );
                case.comments.dedup_by(|a, b| a.id == b.id);
                case.location = location;
                case.address = address;
                case.service_request = service_request;
                case.title = title;
                case
            },
        )
}

fn sorted_by<T, K: Ord>(mut items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    items.sort_by_key(|i| key(i));
    items
}

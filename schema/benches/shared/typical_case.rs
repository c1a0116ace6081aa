//! The "typical case" every benchmark measures: 30 answered fields, 5 photo references with
//! 20 annotations each, every stroke different. One file, included by the schema benchmark
//! (`case_document.rs`) and, by path, by the sync load benchmark (`tests/benches`), since a
//! bench target cannot import another bench.

use annotate::{Annotation, AnnotationId, NormPoint, NormRect, Rgba, Shape, Style};
use schema::{
    FieldValue, GpsPoint, InspectionCase, Photo, PhotoId, PostalAddress, Stamp, Template,
};

/// The template of the typical case: 27 scalar fields of six kinds, an address, a position,
/// a plate and a photo field.
pub fn template() -> Template {
    let kinds = [
        r#""type":"short_text","max_length":200"#,
        r#""type":"long_text""#,
        r#""type":"integer","min":0,"max":1000"#,
        r#""type":"decimal","min":0,"max":100"#,
        r#""type":"date""#,
        r#""type":"yes_no""#,
    ];
    let mut fields: Vec<String> = (0..27)
        .map(|i| {
            format!(
                r#"{{"key":"f{i}",{},"label":{{"de":"Feld {i}","en":"Field {i}"}}}}"#,
                kinds[i % kinds.len()]
            )
        })
        .collect();
    fields.push(
        r#"{"key":"address","type":"postal_address","label":{"de":"Anschrift","en":"Address"}}"#
            .into(),
    );
    fields.push(
        r#"{"key":"position","type":"gps_point","label":{"de":"Standort","en":"Position"}}"#.into(),
    );
    fields.push(
        r#"{"key":"plate","type":"vehicle_plate","label":{"de":"Kennzeichen","en":"Plate"}}"#
            .into(),
    );
    fields.push(
        r#"{"key":"scene","type":"photos","label":{"de":"Fotos","en":"Photos"},"min_count":1}"#
            .into(),
    );
    let json = format!(
        r#"{{"id":"bench","version":1,"category":"bench","title":{{"de":"Bank","en":"Bench"}},
        "sections":[{{"key":"s","title":{{"de":"S","en":"S"}},"fields":[{}]}}]}}"#,
        fields.join(",")
    );
    Template::from_json(&json).unwrap()
}

/// A small deterministic generator, so every stroke differs like real input does.
struct Jitter(u64);

impl Jitter {
    fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

fn annotation(i: usize, author: &str, jitter: &mut Jitter) -> Annotation {
    let f = jitter.next();
    let shape = match i % 4 {
        0 => Shape::Freehand {
            points: (0..40)
                .map(|k| {
                    NormPoint::new(
                        f * 0.5 + k as f32 * 0.01 + jitter.next() * 0.003,
                        0.3 + jitter.next() * 0.1,
                    )
                })
                .collect(),
            pressure: Vec::new(),
        },
        1 => Shape::Arrow {
            from: NormPoint::new(0.1, f),
            to: NormPoint::new(0.4, f + 0.1),
        },
        2 => Shape::Ellipse {
            bounds: NormRect {
                min: NormPoint::new(f * 0.3, 0.2),
                max: NormPoint::new(f * 0.3 + 0.2, 0.4),
            },
        },
        _ => Shape::Text {
            anchor: NormPoint::new(0.5, f),
            text: "Reifenspuren, frisch".into(),
            size: 0.04,
        },
    };
    Annotation {
        id: AnnotationId::new(),
        shape,
        style: Style {
            color: Rgba::opaque(230, 30, 30),
            width: 0.006,
            fill: None,
        },
        author: author.into(),
        created_at_ms: 1_763_900_000_000 + i as i64,
        z: i as i64,
    }
}

/// A typical case of `tenant`, created by (and assigned to) `officer`. `seed` varies the
/// strokes between cases.
pub fn typical_case(t: &Template, tenant: &str, officer: &str, seed: u64) -> InspectionCase {
    let mut case = InspectionCase::new_draft(t, tenant, officer, 1_763_900_000_000);
    for (i, field) in t.fields().enumerate() {
        let value = match field.kind.name() {
            "short_text" => FieldValue::Text(format!("Angabe Nummer {i} zur Kontrolle")),
            "long_text" => FieldValue::LongText(
                "Am Straßenrand wurden mehrere Säcke Hausmüll und ein alter Kühlschrank \
                 abgestellt. Anwohner befragt."
                    .into(),
            ),
            "integer" => FieldValue::Integer(i as i64 * 7),
            "decimal" => FieldValue::Decimal(i as f64 * 1.25),
            "date" => {
                FieldValue::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default())
            }
            "yes_no" => FieldValue::YesNo(i % 2 == 0),
            "postal_address" => FieldValue::Address(PostalAddress {
                street: "Hauptstraße".into(),
                house_number: "12a".into(),
                postal_code: "10115".into(),
                city: "Berlin".into(),
            }),
            "gps_point" => FieldValue::Gps(GpsPoint {
                lat: 52.52,
                lon: 13.405,
                accuracy_m: Some(6.0),
            }),
            "vehicle_plate" => FieldValue::Plate("B-AB 1234".into()),
            _ => continue,
        };
        case.fields.insert(field.key.clone(), value);
    }
    case.photos = (0..5u64)
        .map(|p| Photo {
            id: PhotoId::new(),
            field: "scene".into(),
            // A photo reference; the bytes travel separately (scenario 4 measures that).
            sha256: format!("{p:02x}").repeat(32),
            byte_size: 3_800_000,
            width: 4000,
            height: 3000,
            mime_type: "image/jpeg".into(),
            captured_at_ms: Some(1_763_900_000_000 + p as i64),
            gps: Some(GpsPoint {
                lat: 52.52,
                lon: 13.405,
                accuracy_m: Some(6.0),
            }),
            caption: format!("Ansicht {p}"),
            added: Stamp {
                by: officer.into(),
                at_ms: 1_763_900_000_000 + p as i64,
            },
            annotations: {
                let mut jitter = Jitter(seed.wrapping_mul(31).wrapping_add(p + 1));
                (0..20)
                    .map(|i| annotation(i, officer, &mut jitter))
                    .collect()
            },
        })
        .collect();
    assert_eq!(case.fields.len(), 30, "the typical case answers 30 fields");
    case
}

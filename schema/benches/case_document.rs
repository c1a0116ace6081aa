//! A typical case — 30 answered fields, 5 photos with 20 annotations each — written into its
//! Automerge document and saved, compared in the same run with serializing the same case as
//! JSON. Targets (issue 2): reconcile + save ≤ 1 ms; saved size ≤ 2 × the JSON.

#![allow(clippy::unwrap_used)] // a benchmark: a panic here is a failed measurement

#[path = "shared/typical_case.rs"]
mod typical_case;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use schema::{CaseDocument, ChangeAuthor, FieldValue};

fn bench(c: &mut Criterion) {
    let t = typical_case::template();
    // Seed 0: the strokes the figures in BENCHMARKS.md were measured with.
    let case = typical_case::typical_case(&t, "stadt-musterstadt", "m.mueller", 0);
    let author = ChangeAuthor {
        user: "m.mueller".into(),
        device: Some("tablet-7".into()),
    };
    assert_eq!(case.fields.len(), 30, "the typical case answers 30 fields");

    let json = serde_json::to_vec(&case).unwrap_or_default();
    let saved = CaseDocument::create(&case, &author)
        .map(|mut d| d.save())
        .unwrap_or_default();
    eprintln!(
        "sizes: automerge {} bytes, json {} bytes, ratio {:.2}",
        saved.len(),
        json.len(),
        saved.len() as f64 / json.len() as f64
    );

    let mut group = c.benchmark_group("typical case");
    group.bench_function("reconcile + save (new document)", |b| {
        b.iter(|| {
            let mut doc = CaseDocument::create(black_box(&case), &author).ok();
            black_box(doc.as_mut().map(CaseDocument::save))
        })
    });
    group.bench_function("reconcile only (new document)", |b| {
        b.iter(|| black_box(CaseDocument::create(black_box(&case), &author).ok()))
    });
    group.bench_function("serde_json::to_vec", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&case))))
    });

    // What every keystroke-debounced autosave costs on the tablet: one field changes.
    let mut doc = CaseDocument::create(&case, &author).ok();
    let mut edited = case.clone();
    let mut n = 0i64;
    group.bench_function("reconcile one changed field + save_incremental", |b| {
        b.iter(|| {
            n += 1;
            edited.fields.insert("f2".into(), FieldValue::Integer(n));
            if let Some(doc) = doc.as_mut() {
                doc.update(&edited, &author, n).ok();
                black_box(doc.save_incremental());
            }
        })
    });
    group.bench_function("load + hydrate", |b| {
        b.iter(|| {
            black_box(
                CaseDocument::load(black_box(&saved))
                    .and_then(|d| d.hydrate())
                    .ok(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

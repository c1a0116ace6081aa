//! Seeds for the sync target: real sync traffic of a tablet that records a case, edits it and
//! syncs twice, produced by the protocol's in-memory adapters. libFuzzer finds its way
//! from well-formed CBOR and Automerge chunks far sooner than from nothing.

use std::path::Path;

use schema::{CaseDocument, ChangeAuthor, FieldValue, InspectionCase, Template};
use sync_protocol::testing::{MemoryServer, MemoryTablet};

/// Writes the request and response bodies, and the sync messages inside them, into `dir`.
pub fn sync_seeds(dir: &Path) -> Result<usize, String> {
    let template = Template::from_json(include_str!(
        "../../../assets/templates/illegal-waste-dumping.json"
    ))
    .map_err(|e| format!("the bundled template does not read: {e:?}"))?;
    let author = ChangeAuthor {
        user: "officer".into(),
        device: None,
    };
    let case = InspectionCase::new_draft(&template, "stadt", "officer", 0);
    let id = case.id;
    let mut doc = CaseDocument::create(&case, &author).map_err(|e| e.to_string())?;
    let mut tablet = MemoryTablet::default();
    tablet.docs.insert(id, doc.save());
    let mut server = MemoryServer::default();
    let mut bodies = Vec::new();
    for round in 0..2 {
        if round == 1 {
            let mut doc = CaseDocument::load(&tablet.docs[&id]).map_err(|e| e.to_string())?;
            doc.edit(&author, 1, |case| {
                case.fields.insert(
                    "officer_name".into(),
                    FieldValue::Text("Erika Mustermann".into()),
                );
            })
            .map_err(|e| e.to_string())?;
            tablet.docs.insert(id, doc.save());
        }
        tablet.sync(|body| {
            let answer = server.handle_bytes("tablet", body).ok()?;
            bodies.push(body.to_vec());
            bodies.push(answer.clone());
            Some(answer)
        });
    }
    let limits = sync_protocol::Limits::default();
    let mut seeds = bodies.clone();
    for body in &bodies {
        if let Ok(request) = sync_protocol::SyncRequest::decode(body, &limits) {
            seeds.extend(request.docs.into_iter().map(|m| m.message));
        }
        if let Ok(response) = sync_protocol::SyncResponse::decode(body, &limits) {
            seeds.extend(response.docs.into_iter().map(|m| m.message));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (i, seed) in seeds.iter().enumerate() {
        let path = dir.join(format!("seed-{i}"));
        std::fs::write(&path, seed).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(seeds.len())
}

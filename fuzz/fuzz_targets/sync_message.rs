//! The sync wire format and a replica applying what arrives, as the server meets a tablet's
//! request (and a tablet the server's answer): decoded within the limits, each message
//! measured by the intake and applied to a new replica, the result read as a case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sync_protocol::{Limits, Replica, SyncRequest, SyncResponse};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let mut messages = Vec::new();
    if let Ok(request) = SyncRequest::decode(data, &limits) {
        messages.extend(request.docs.into_iter().map(|m| m.message));
    }
    if let Ok(response) = SyncResponse::decode(data, &limits) {
        messages.extend(response.docs.into_iter().map(|m| m.message));
    }
    // A bare message too, so the fuzzer need not find the CBOR envelope first.
    messages.push(data.to_vec());
    for message in messages {
        let mut replica = Replica::new();
        if replica.receive(&message, &limits).is_ok() && replica.changed {
            let bytes = replica.doc.save();
            if let Ok(document) = schema::CaseDocument::load(&bytes) {
                let _ = document.hydrate();
            }
        }
    }
});

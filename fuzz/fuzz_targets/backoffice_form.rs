//! An answer form as a browser posts it (`application/x-www-form-urlencoded`: the back
//! office's edit form, a field of the portal's service form),
//! typed into the answer of one field of the bundled templates: an answer or a plain
//! refusal, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use schema::{FieldKind, Language};
use web::form_input::{Typed, parse};

/// The kinds of every field of the bundled templates.
fn kinds() -> &'static [FieldKind] {
    static KINDS: OnceLock<Vec<FieldKind>> = OnceLock::new();
    KINDS.get_or_init(|| {
        server_core::services::templates::BUNDLED
            .iter()
            .filter_map(|(_, json)| schema::Template::from_json(json).ok())
            .flat_map(|template| {
                template
                    .fields()
                    .map(|field| field.kind.clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, form)) = data.split_first() else {
        return;
    };
    let kinds = kinds();
    let Some(kind) = kinds.get(usize::from(which) % kinds.len().max(1)) else {
        return;
    };
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(form) else {
        return;
    };
    let typed = Typed::new(pairs);
    // Both languages: German pages read decimal commas, English ones points.
    for lang in [Language::De, Language::En] {
        let _ = parse(kind, &typed, lang);
    }
});

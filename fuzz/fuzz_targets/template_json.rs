//! Template JSON as an administrator uploads it: every problem reported, never a panic; a
//! template that reads back is written and read again to the same template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use schema::Template;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(template) = Template::from_json(text) {
        let again = Template::from_json(&template.to_json());
        assert_eq!(again.as_ref().ok(), Some(&template), "{again:?}");
    }
});

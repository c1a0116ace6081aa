//! The tablet GUI's one translation table.
//!
//! Every string a widget shows comes from [`Texts`]: one row per string with its German and
//! English text side by side, so a missing translation is a compile error, not a blank.
//! German is the default ([`schema::Language::De`]); the officer can switch to English.
//! Widgets get the table through [`texts`] and never hold literal UI strings.

use schema::Language;

macro_rules! texts {
    ($($key:ident: $de:literal, $en:literal;)*) => {
        /// Every UI string of the tablet app, in one language ([`DE`] or [`EN`]).
        #[derive(Debug)]
        pub struct Texts {
            $(#[doc = $en] pub $key: &'static str,)*
        }
        /// German (the default).
        pub const DE: Texts = Texts { $($key: $de,)* };
        /// English.
        pub const EN: Texts = Texts { $($key: $en,)* };
    };
}

/// The table for `language`.
pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::De => &DE,
        Language::En => &EN,
    }
}

texts! {
    app_title: "naper Außendienst", "naper field app";
    language: "Sprache", "Language";
    // --- App shell, enrollment, case list, forms, sync (add rows here) ---

    // --- Annotation editor, signature pad, camera (add rows here) ---

}

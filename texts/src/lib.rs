//! What people read, written once for every screen: the tablet, the back office's pages,
//! the PDF protocol, and the citizen pages to come.
//!
//! - [`terms`]: the domain's vocabulary in German and English — status and role labels,
//!   yes and no, how a signature and an unknown answer read — so every surface says
//!   "Eingereicht" for the same status.
//! - [`answer`]: an answer ([`schema::FieldValue`]) as text, with its field's option labels
//!   and units; [`time`]: instants in the office's time zone (Europe/Berlin), marked CET or
//!   CEST; [`number`]: decimals with the language's separator.
//! - [`typed`]: answers typed as text — numbers with either language's decimal separator,
//!   dates, times, German wall times, positions — read the same on the tablet and in the
//!   back office, and the text an input shows for an answer, which reads back as the same
//!   answer; [`problem`]: what is wrong with typed text or an answer, in both languages.
//! - [`Plural`]: "1 Fall", "2 Fälle".
//! - [`texts!`]: the macro each surface writes its own table with (one row per string, German
//!   and English side by side, so a missing translation is a compile error), taking the
//!   shared terms by name; [`check`] finds empty texts and rows whose placeholders differ
//!   between the languages.
//!
//! The crate does no IO and reads no clock: callers pass the instants.

pub mod answer;
pub mod check;
pub mod number;
mod plural;
pub mod problem;
pub mod terms;
pub mod time;
pub mod typed;

pub use plural::Plural;
pub use schema::Language;
pub use terms::{Terms, role_label, status_label, status_name_label, terms};

/// Writes a surface's table of texts: `pub struct Texts` with one `&'static str` per row,
/// the consts `DE` and `EN`, `texts(lang)` choosing between them, and `ROWS` for
/// [`check::rows`]. An optional first line
/// `[shared: yes, no, …]` takes rows from [`terms`] by name, so a surface's templates can
/// use them like its own; an optional `[plural: …]` block writes [`Plural`] rows, each with
/// its German and its English pair of forms.
///
/// ```text
/// texts::texts! {
///     [shared: yes, no]
///     [plural:
///         cases: ("{n} Fall", "{n} Fälle"), ("{n} case", "{n} cases");
///     ]
///     app_title: "naper Back Office", "naper back office";
/// }
/// ```
#[macro_export]
macro_rules! texts {
    (
        $([shared: $($shared:ident),* $(,)?])?
        $([plural: $($plural:ident: ($de_one:literal, $de_other:literal), ($en_one:literal, $en_other:literal);)*])?
        $($key:ident: $de:literal, $en:literal;)*
    ) => {
        /// Every string of this surface in one language ([`DE`] or [`EN`]).
        #[derive(Debug)]
        pub struct Texts {
            /// The language of these texts.
            pub lang: $crate::Language,
            $($(
                #[doc = "Shared by every surface (`texts::Terms`)."]
                pub $shared: &'static str,
            )*)?
            $($(
                #[doc = $en_other]
                pub $plural: $crate::Plural,
            )*)?
            $(#[doc = $en] pub $key: &'static str,)*
        }
        /// German (the default).
        pub const DE: Texts = Texts {
            lang: $crate::Language::De,
            $($($shared: $crate::terms::DE.$shared,)*)?
            $($($plural: $crate::Plural { one: $de_one, other: $de_other },)*)?
            $($key: $de,)*
        };
        /// English.
        pub const EN: Texts = Texts {
            lang: $crate::Language::En,
            $($($shared: $crate::terms::EN.$shared,)*)?
            $($($plural: $crate::Plural { one: $en_one, other: $en_other },)*)?
            $($key: $en,)*
        };
        /// Every row of this table: its name, the German and the English text (a plural row
        /// once per form).
        pub const ROWS: &[(&str, &str, &str)] = &[
            $($(
                (concat!(stringify!($plural), " (one)"), $de_one, $en_one),
                (concat!(stringify!($plural), " (other)"), $de_other, $en_other),
            )*)?
            $((stringify!($key), $de, $en),)*
        ];
        /// The table in `lang`.
        pub fn texts(lang: $crate::Language) -> &'static Texts {
            match lang {
                $crate::Language::De => &DE,
                $crate::Language::En => &EN,
            }
        }
    };
}

#[cfg(test)]
mod tests {
    mod table {
        crate::texts! {
            [shared: yes]
            [plural:
                cases: ("{n} Fall", "{n} Fälle"), ("{n} case", "{n} cases");
            ]
            title: "Titel", "Title";
        }
    }

    #[test]
    fn a_table_takes_shared_terms_plurals_and_its_own_rows() {
        use table::{DE, EN, ROWS, texts};
        assert_eq!((DE.yes, EN.yes), ("Ja", "Yes"));
        assert_eq!(texts(crate::Language::En).title, EN.title);
        assert_eq!(DE.cases.fill(1), "1 Fall");
        assert_eq!(EN.cases.fill(3), "3 cases");
        assert_eq!((DE.title, DE.lang), ("Titel", crate::Language::De));
        assert_eq!(
            ROWS.iter().map(|(name, _, _)| *name).collect::<Vec<_>>(),
            ["cases (one)", "cases (other)", "title"]
        );
        assert!(crate::check::rows(ROWS).is_empty());
    }
}

//! Numbers as people read them.

use schema::Language;

/// A decimal number with the language's decimal separator (a comma in German), in its
/// shortest form that reads back as the same number; no digit grouping, so what is shown can
/// be typed back.
pub fn decimal(n: f64, lang: Language) -> String {
    let text = n.to_string();
    match lang {
        Language::De => text.replace('.', ","),
        Language::En => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_use_the_languages_separator() {
        assert_eq!(decimal(1.5, Language::De), "1,5");
        assert_eq!(decimal(1.5, Language::En), "1.5");
        assert_eq!(decimal(2.0, Language::De), "2");
        assert_eq!(decimal(-0.25, Language::De), "-0,25");
    }
}

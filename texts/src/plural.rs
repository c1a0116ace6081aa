//! Plural forms: "1 Fall", "2 Fälle".

/// A count's noun in its two forms, each with `{n}` where the number goes (or without it,
/// for a page that shows the number apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plural {
    /// For exactly one.
    pub one: &'static str,
    /// For every other count, zero included.
    pub other: &'static str,
}

impl Plural {
    /// The form for `n` as written.
    pub fn pick(&self, n: u64) -> &'static str {
        // German and English agree: the singular for exactly one. Languages with more forms
        // (the citizen pages may bring some) get their own rule here.
        if n == 1 { self.one } else { self.other }
    }

    /// The form for `n` with `{n}` replaced by the number.
    pub fn fill(&self, n: u64) -> String {
        self.pick(n).replace("{n}", &n.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        let cases = Plural {
            one: "{n} Fall",
            other: "{n} Fälle",
        };
        assert_eq!(cases.fill(0), "0 Fälle");
        assert_eq!(cases.fill(1), "1 Fall");
        assert_eq!(cases.fill(2), "2 Fälle");
        assert_eq!(cases.pick(1), "{n} Fall");
    }
}

//! Checks of a table of texts ([`crate::texts!`]'s `ROWS`), for each table's tests: no empty
//! text, and the same `{placeholders}` in both languages.

/// What is wrong with `rows` (name, German, English), one line per problem.
pub fn rows(rows: &[(&str, &str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, de, en) in rows {
        if de.trim().is_empty() || en.trim().is_empty() {
            problems.push(format!("`{name}` has an empty text"));
        }
        let (de_holes, en_holes) = (placeholders(de), placeholders(en));
        if de_holes != en_holes {
            problems.push(format!(
                "`{name}` has placeholders {de_holes:?} in German but {en_holes:?} in English"
            ));
        }
    }
    problems
}

/// The `{name}` placeholders of `text`, sorted.
fn placeholders(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_texts_and_differing_placeholders_are_found() {
        assert!(rows(&[("ok", "{n} Fälle", "{n} cases")]).is_empty());
        let problems = rows(&[
            ("empty", "", "Cases"),
            ("holes", "{n} Fälle von {user}", "{n} cases"),
        ]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].contains("`holes`"), "{problems:?}");
    }
}

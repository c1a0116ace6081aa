//! The HTML alternative of a mail, made from its plain text: every mail goes out as both
//! (`multipart/alternative`), so a mail program that shows HTML shows the same words with
//! working links and the right language for screen readers, and one that does not shows the
//! text. One rule for every mail, so no surface writes HTML by hand: paragraphs at blank
//! lines, line breaks kept, `http(s)://` addresses as links, everything else escaped.

/// The HTML document of `text` in language `lang` (`de`, `en`).
pub fn html_alternative(text: &str, lang: &str) -> String {
    let lang = if lang == "en" { "en" } else { "de" };
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|paragraph| {
            let lines: Vec<String> = paragraph.lines().map(linked).collect();
            format!("<p>{}</p>", lines.join("<br>\n"))
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"></head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5\">\n{}\n</body>\n</html>\n",
        paragraphs.join("\n")
    )
}

/// One line, escaped, its web addresses as links.
fn linked(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let is_link = (word.starts_with("https://") || word.starts_with("http://"))
                && word.len() > "https://".len();
            if is_link {
                let href = escape(word);
                format!("<a href=\"{href}\">{href}</a>")
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_becomes_paragraphs_with_links_and_nothing_else() {
        let html = html_alternative(
            "Guten Tag,\n\nIhr Anliegen <TGH-1> & mehr:\nhttps://rathaus.example/a?x=1&y=\"2\"\n\nEnde",
            "de",
        );
        assert!(html.contains("<html lang=\"de\">"), "{html}");
        assert!(html.contains("<p>Guten Tag,</p>"));
        assert!(
            html.contains("Ihr Anliegen &lt;TGH-1&gt; &amp; mehr:<br>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<a href=\"https://rathaus.example/a?x=1&amp;y=&quot;2&quot;\">https://rathaus.example/a?x=1&amp;y=&quot;2&quot;</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<p>Ende</p>"));
        assert!(html_alternative("x", "en").contains("lang=\"en\""));
        assert!(
            html_alternative("javascript:alert(1)", "de").contains("<p>javascript:alert(1)</p>")
        );
        assert!(!html_alternative("https://", "de").contains("<a "));
    }
}

//! What a tenant may set for its portal's look, checked before it is stored: an accent colour
//! that white text on it and it on white both read at WCAG 2.1's 4.5 : 1 (the portal uses it
//! for the header and for links), links that are plain http(s) addresses, an e-mail address
//! the outbox could send to.

use crate::store::portal_looks::PortalLook;

/// The contrast WCAG 2.1 AA asks of normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// What is wrong with `look`, one sentence per problem; empty when it can be stored.
pub fn problems(look: &PortalLook) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(accent) = &look.accent {
        match rgb(accent) {
            None => problems.push(format!(
                "`{accent}` is not a colour; give it as #rrggbb, e.g. #0b5394"
            )),
            Some(colour) => {
                let ratio = contrast_with_white(colour);
                if ratio < MIN_CONTRAST {
                    problems.push(format!(
                        "`{accent}` and white contrast {ratio:.2} : 1, less than the {MIN_CONTRAST} : 1 \
                         white text on it and it as link text need; choose a darker colour"
                    ));
                }
            }
        }
    }
    for (what, url) in [
        ("imprint", &look.imprint_url),
        ("privacy policy", &look.privacy_url),
    ] {
        if let Some(url) = url
            && !plain_link(url)
        {
            problems.push(format!(
                "the {what} link `{url}` is not a plain https:// or http:// address"
            ));
        }
    }
    if let Some(email) = &look.contact_email
        && !crate::services::mail::is_address(email)
    {
        problems.push(format!("`{email}` is not an e-mail address"));
    }
    if let Some(phone) = &look.contact_phone
        && (phone.trim().is_empty()
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-/()".contains(c)))
    {
        problems.push(format!(
            "`{phone}` is not a phone number; use digits, spaces and + - / ( )"
        ));
    }
    problems
}

fn plain_link(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !url.contains(|c: char| c.is_whitespace() || "\"'<>`\\".contains(c))
    })
}

/// `#rrggbb` as three channels.
pub fn rgb(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// The contrast ratio of `colour` with white, as WCAG 2.1 defines it.
pub fn contrast_with_white(colour: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance =
        0.2126 * linear(colour[0]) + 0.7152 * linear(colour[1]) + 0.0722 * linear(colour[2]);
    1.05 / (luminance + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(accent: &str) -> PortalLook {
        PortalLook {
            accent: Some(accent.into()),
            ..PortalLook::default()
        }
    }

    #[test]
    fn a_colour_must_read_against_white() {
        assert!(problems(&look("#0b5394")).is_empty(), "naper's own blue");
        assert!(problems(&look("#1E7B34")).is_empty(), "upper case digits");
        let pale = problems(&look("#ffcc00"));
        assert!(pale[0].contains("less than the 4.5 : 1"), "{pale:?}");
        assert!(problems(&look("#777777"))[0].contains("4.48"), "just under");
        assert!(problems(&look("red"))[0].contains("#rrggbb"));
        assert!(problems(&look("#12345"))[0].contains("#rrggbb"));
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn links_addresses_and_numbers_are_checked() {
        let bad = PortalLook {
            imprint_url: Some("javascript:alert(1)".into()),
            privacy_url: Some("https://x.example/\"><script>".into()),
            contact_email: Some("rathaus".into()),
            contact_phone: Some("call us".into()),
            ..PortalLook::default()
        };
        assert_eq!(problems(&bad).len(), 4, "{:?}", problems(&bad));
        let good = PortalLook {
            imprint_url: Some("https://tegelhausen.de/impressum".into()),
            privacy_url: Some("https://tegelhausen.de/datenschutz".into()),
            contact_email: Some("buergerbuero@tegelhausen.de".into()),
            contact_phone: Some("+49 3321 4567-0".into()),
            accent: Some("#1e7b34".into()),
        };
        assert!(problems(&good).is_empty(), "{:?}", problems(&good));
    }
}

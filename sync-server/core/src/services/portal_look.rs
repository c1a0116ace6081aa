//! What a tenant may set for its portal's look, checked before it is stored: an accent colour
//! that white text on it and it on white both read at WCAG 2.1's 4.5 : 1 (the portal uses it
//! for the header and for links), links that are plain http(s) addresses, an e-mail address
//! the outbox could send to; and the coat of arms or logo, made fit to show
//! ([`logo_png`]).

use crate::store::portal_looks::PortalLook;

/// The contrast WCAG 2.1 AA asks of normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// Which of the look's links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// The imprint.
    Imprint,
    /// The privacy policy.
    Privacy,
}

/// What is wrong with a look; surfaces word it (`Display` is the admin command's English).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LookProblem {
    /// The accent is no `#rrggbb`.
    #[error("`{0}` is not a colour; give it as #rrggbb, e.g. #0b5394")]
    NotAColour(String),
    /// The accent and white contrast less than [`MIN_CONTRAST`].
    #[error(
        "`{colour}` and white contrast {ratio:.2} : 1, less than the {MIN_CONTRAST} : 1 white \
         text on it and it as link text need; choose a darker colour"
    )]
    TooLittleContrast {
        /// The colour given.
        colour: String,
        /// Its contrast with white.
        ratio: f64,
    },
    /// A link that is no plain http(s) address.
    #[error("the {} link `{url}` is not a plain https:// or http:// address", match .kind {
        LinkKind::Imprint => "imprint",
        LinkKind::Privacy => "privacy policy",
    })]
    NotALink {
        /// Which link.
        kind: LinkKind,
        /// What was given.
        url: String,
    },
    /// The contact address is none.
    #[error("`{0}` is not an e-mail address")]
    NotAnAddress(String),
    /// The phone number has other characters than a number has.
    #[error("`{0}` is not a phone number; use digits, spaces and + - / ( )")]
    NotAPhone(String),
}

/// What is wrong with `look`; empty when it can be stored.
pub fn problems(look: &PortalLook) -> Vec<LookProblem> {
    let mut problems = Vec::new();
    if let Some(accent) = &look.accent {
        match rgb(accent) {
            None => problems.push(LookProblem::NotAColour(accent.clone())),
            Some(colour) => {
                let ratio = contrast_with_white(colour);
                if ratio < MIN_CONTRAST {
                    problems.push(LookProblem::TooLittleContrast {
                        colour: accent.clone(),
                        ratio,
                    });
                }
            }
        }
    }
    for (kind, url) in [
        (LinkKind::Imprint, &look.imprint_url),
        (LinkKind::Privacy, &look.privacy_url),
    ] {
        if let Some(url) = url
            && !plain_link(url)
        {
            problems.push(LookProblem::NotALink {
                kind,
                url: url.clone(),
            });
        }
    }
    if let Some(email) = &look.contact_email
        && !crate::services::mail::is_address(email)
    {
        problems.push(LookProblem::NotAnAddress(email.clone()));
    }
    if let Some(phone) = &look.contact_phone
        && (phone.trim().is_empty()
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-/()".contains(c)))
    {
        problems.push(LookProblem::NotAPhone(phone.clone()));
    }
    problems
}

/// The most bytes a logo file may have.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
/// The height a logo is stored at (twice the header's, for sharp screens); wider ones keep
/// their proportions up to [`LOGO_MAX_WIDTH`].
pub const LOGO_HEIGHT: u32 = 96;
/// The widest a stored logo may be.
pub const LOGO_MAX_WIDTH: u32 = 384;

/// Why a logo file was not taken; surfaces word it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoProblem {
    /// Its first bytes are not a PNG's or a JPEG's.
    #[error("the file is not a PNG or JPEG image")]
    NotAnImage,
    /// More than [`MAX_LOGO_BYTES`].
    #[error("the file is larger than {MAX_LOGO_BYTES} bytes")]
    TooLarge,
    /// It cannot be decoded.
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
}

/// A coat of arms or logo as the portal shows it: judged by its bytes, decoded under a cap,
/// scaled to [`LOGO_HEIGHT`] (transparency kept) and stored as PNG, so nothing but pixels
/// reaches the citizens' browsers.
///
/// # Errors
/// [`LogoProblem`].
pub fn logo_png(bytes: &[u8]) -> Result<Vec<u8>, LogoProblem> {
    use image::{ImageFormat, ImageReader, Limits};
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoProblem::TooLarge);
    }
    let format = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg)) => format,
        _ => return Err(LogoProblem::NotAnImage),
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(8_000);
    limits.max_image_height = Some(8_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| LogoProblem::Unreadable(e.to_string()))?;
    let scaled = image.resize(
        LOGO_MAX_WIDTH,
        LOGO_HEIGHT,
        image::imageops::FilterType::Lanczos3,
    );
    let mut out = Vec::new();
    scaled
        .to_rgba8()
        .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| LogoProblem::Unreadable(e.to_string()))?;
    Ok(out)
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
        assert!(
            pale[0].to_string().contains("less than the 4.5 : 1"),
            "{pale:?}"
        );
        assert!(
            problems(&look("#777777"))[0].to_string().contains("4.48"),
            "just under"
        );
        assert_eq!(
            problems(&look("red")),
            [LookProblem::NotAColour("red".into())]
        );
        assert!(problems(&look("#12345"))[0].to_string().contains("#rrggbb"));
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
            logo_alt: None,
        };
        assert!(problems(&good).is_empty(), "{:?}", problems(&good));
    }

    #[test]
    fn a_logo_is_stored_as_pixels_at_the_headers_height_with_its_transparency() {
        let arms = image::RgbaImage::from_fn(400, 480, |x, y| {
            let inside = (x as i32 - 200).pow(2) + (y as i32 - 240).pow(2) < 180 * 180;
            image::Rgba([200, 20, 20, if inside { 255 } else { 0 }])
        });
        let mut png = Vec::new();
        arms.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let stored = logo_png(&png).unwrap();
        let read = image::load_from_memory(&stored).unwrap().to_rgba8();
        assert_eq!(read.height(), LOGO_HEIGHT);
        assert_eq!(read.width(), 80, "proportions kept");
        assert_eq!(read.get_pixel(0, 0)[3], 0, "transparent corners stay so");
        assert_eq!(logo_png(b"GIF89a...."), Err(LogoProblem::NotAnImage));
        assert_eq!(
            logo_png(b"<svg onload=alert(1)>"),
            Err(LogoProblem::NotAnImage)
        );
        assert_eq!(
            logo_png(&vec![0x89; MAX_LOGO_BYTES + 1]),
            Err(LogoProblem::TooLarge)
        );
        assert!(matches!(
            logo_png(&png[..png.len() / 2]),
            Err(LogoProblem::Unreadable(_))
        ));
    }
}

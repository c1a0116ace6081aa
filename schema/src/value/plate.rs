//! German vehicle registration plates (Fahrzeug-Zulassungsverordnung, Anlage 4).

use std::fmt;

/// A German registration plate of the common civil format: district code (1–3 letters),
/// recognition letters (1–2), a number (1–4 digits, no leading zero), and an optional `E`
/// (electric) or `H` (historic) suffix; at most 8 letters and digits in all.
///
/// Special series (Bundeswehr `Y`, diplomatic `0`) are not of this format and are reported as
/// such, so the officer can note them in a text field instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VehiclePlate {
    /// District code (Unterscheidungszeichen), e.g. `B`, `M`, `HH`, `LÖ`.
    pub district: String,
    /// Recognition letters, e.g. `AB`.
    pub letters: String,
    /// The number, 1..=9999.
    pub number: u16,
    /// `E` for electric, `H` for historic vehicles.
    pub suffix: Option<char>,
}

/// Why a text is not a German registration plate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlateError {
    /// Nothing was given.
    #[error("the plate is empty")]
    Empty,
    /// The district code is not separated from the letters.
    #[error("separate the district code from the letters with `-` or a space, as in `B-AB 1234`")]
    NoSeparator,
    /// The district code has the wrong length or characters.
    #[error("`{0}` is not a district code: 1 to 3 letters, e.g. `B`, `HH`, `LÖ`")]
    District(String),
    /// The recognition letters have the wrong length or characters.
    #[error("`{0}` is not a valid letter group: 1 or 2 letters A–Z after the district code")]
    Letters(String),
    /// The number is missing, too long or starts with 0.
    #[error("`{0}` is not a valid number: 1 to 4 digits, not starting with 0")]
    Number(String),
    /// Too many characters in all.
    #[error("a plate has at most 8 letters and digits, `{0}` has {1}")]
    TooLong(String, usize),
}

impl VehiclePlate {
    /// Reads a plate as officers type it: any case, `-`, `:` or spaces between the parts.
    ///
    /// # Errors
    /// A [`PlateError`] saying which part does not fit.
    pub fn parse(text: &str) -> Result<Self, PlateError> {
        let upper = text.trim().to_uppercase();
        if upper.is_empty() {
            return Err(PlateError::Empty);
        }
        let (district, rest) = upper
            .split_once(['-', ' ', ':'])
            .ok_or(PlateError::NoSeparator)?;
        let district = district.trim();
        if !(1..=3).contains(&district.chars().count()) || !district.chars().all(is_plate_letter) {
            return Err(PlateError::District(district.to_owned()));
        }
        let rest: String = rest
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | ':'))
            .collect();
        let letters: String = rest
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        if !(1..=2).contains(&letters.len()) {
            return Err(PlateError::Letters(letters));
        }
        let tail = &rest[letters.len()..];
        let (digits, suffix) = match tail.chars().last() {
            Some(c @ ('E' | 'H')) => (&tail[..tail.len() - 1], Some(c)),
            _ => (tail, None),
        };
        if !(1..=4).contains(&digits.len())
            || !digits.chars().all(|c| c.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(PlateError::Number(tail.to_owned()));
        }
        let number: u16 = digits
            .parse()
            .map_err(|_| PlateError::Number(digits.to_owned()))?;
        let total = district.chars().count() + letters.len() + digits.len();
        if total > 8 {
            return Err(PlateError::TooLong(upper.clone(), total));
        }
        Ok(Self {
            district: district.to_owned(),
            letters,
            number,
            suffix,
        })
    }
}

fn is_plate_letter(c: char) -> bool {
    c.is_ascii_uppercase() || matches!(c, 'Ä' | 'Ö' | 'Ü')
}

impl fmt::Display for VehiclePlate {
    /// The normalized form, `B-AB 1234` or `M-X 77E`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{} {}", self.district, self.letters, self.number)?;
        if let Some(s) = self.suffix {
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms_parse_and_normalize() {
        for (input, normalized) in [
            ("B-AB 1234", "B-AB 1234"),
            ("b ab 1234", "B-AB 1234"),
            ("HH:X 1", "HH-X 1"),
            ("LÖ-AB 12E", "LÖ-AB 12E"),
            ("m-xy 77h", "M-XY 77H"),
        ] {
            let plate = VehiclePlate::parse(input).unwrap();
            assert_eq!(plate.to_string(), normalized, "{input}");
        }
    }

    #[test]
    fn broken_plates_name_the_part() {
        assert_eq!(VehiclePlate::parse("  "), Err(PlateError::Empty));
        assert_eq!(VehiclePlate::parse("BAB1234"), Err(PlateError::NoSeparator));
        assert!(matches!(
            VehiclePlate::parse("ABCD-X 1"),
            Err(PlateError::District(_))
        ));
        assert!(matches!(
            VehiclePlate::parse("B-ABC 1"),
            Err(PlateError::Letters(_))
        ));
        assert!(matches!(
            VehiclePlate::parse("B-AB 0123"),
            Err(PlateError::Number(_))
        ));
        assert!(matches!(
            VehiclePlate::parse("B-AB 12345"),
            Err(PlateError::Number(_))
        ));
        assert!(matches!(
            VehiclePlate::parse("ABC-DE 1234"),
            Err(PlateError::TooLong(_, 9))
        ));
    }
}

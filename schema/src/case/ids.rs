//! Typed identifiers, so a photo id cannot be passed where a case id is meant.

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new, time-ordered id (UUIDv7), so ids sort by creation.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'k> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
                self.0.reconcile(reconciler)
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_bytes(bytes: &[u8]) -> Result<Self, autosurgeon::HydrateError> {
                uuid::Uuid::hydrate_bytes(bytes).map(Self)
            }
        }
    };
}

uuid_id!(
    /// The id of a case (an inspection document), also the id of its Automerge document.
    CaseId
);
uuid_id!(
    /// The id of a photo within a case.
    PhotoId
);
uuid_id!(
    /// The id of a comment within a case.
    CommentId
);

/// The SHA-256 of a photo's bytes in lower-case hex (64 digits): the address under which
/// tablets and the server store, upload and serve a photo. Parsed once where a text arrives
/// (a URL, a file name, a stored document), so everything past that point holds an address
/// that is safe as a file name and a URL path segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Sha256(String);

/// A text that is not a SHA-256 address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a SHA-256; photos are addressed by 64 lower-case hex digits")]
pub struct InvalidSha256(pub String);

impl Sha256 {
    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of `digest`, the 32 bytes of a SHA-256.
    pub fn from_digest(digest: [u8; 32]) -> Self {
        use std::fmt::Write;
        let mut text = String::with_capacity(64);
        for byte in digest {
            // Writing to a String cannot fail.
            let _ = write!(text, "{byte:02x}");
        }
        Self(text)
    }
}

impl std::str::FromStr for Sha256 {
    type Err = InvalidSha256;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let valid = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidSha256(text.to_owned()))
        }
    }
}

impl TryFrom<String> for Sha256 {
    type Error = InvalidSha256;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl<'de> serde::Deserialize<'de> for Sha256 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Sha256 {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Sha256 {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_sha256_is_64_lower_case_hex_digits() {
        let sha = "ab".repeat(32);
        assert_eq!(sha.parse::<Sha256>().unwrap().as_str(), sha);
        for bad in [
            sha.to_uppercase(),
            "ab".repeat(31),
            format!("{sha}0"),
            "../etc/passwd".into(),
            String::new(),
            format!("{}g", &sha[..63]),
        ] {
            let err = bad.parse::<Sha256>().unwrap_err();
            assert!(err.to_string().contains("is not a SHA-256"), "{err}");
        }
        let from_json: Result<Sha256, _> = serde_json::from_str("\"nope\"");
        assert!(from_json.is_err());
        let back: Sha256 = serde_json::from_str(&format!("\"{sha}\"")).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), format!("\"{sha}\""));
        assert_eq!(Sha256::from_digest([0xab; 32]).as_str(), sha);
    }
}

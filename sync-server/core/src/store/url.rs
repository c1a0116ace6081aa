//! The backend is chosen by a database URL: `sqlite://PATH` (a relative path, or an absolute
//! one as `sqlite:///var/lib/naper/naper.sqlite3`). PostgreSQL (`postgres://…`) comes with
//! the scale-out work and is refused with a message that says so until then.

use std::path::PathBuf;

use super::{StoreError, StoreResult};

/// Where a store lives, as a database URL names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Reads a database URL.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming what is wrong and what is accepted.
    pub fn parse(url: &str) -> StoreResult<Self> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(StoreError::Invalid(format!(
                "`{url}` is not a database URL; use sqlite://PATH (e.g. \
                 sqlite://naper-data/naper.sqlite3)"
            )));
        };
        match scheme {
            "sqlite" if !rest.is_empty() => Ok(Self::Sqlite(PathBuf::from(rest))),
            "sqlite" => Err(StoreError::Invalid(
                "the database URL `sqlite://` names no file; use sqlite://PATH".into(),
            )),
            "postgres" | "postgresql" => Err(StoreError::Invalid(
                "PostgreSQL is not supported yet (it comes with the scale-out work); use \
                 sqlite://PATH for now"
                    .into(),
            )),
            other => Err(StoreError::Invalid(format!(
                "the database URL scheme `{other}` is not known; use sqlite://PATH"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file_and_everything_else_is_refused_with_a_reason() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://naper-data/naper.sqlite3").ok(),
            Some(DatabaseUrl::Sqlite("naper-data/naper.sqlite3".into()))
        );
        assert_eq!(
            DatabaseUrl::parse(" sqlite:///var/lib/naper/db.sqlite3 ").ok(),
            Some(DatabaseUrl::Sqlite("/var/lib/naper/db.sqlite3".into()))
        );
        for (url, says) in [
            (
                "postgres://naper@db/naper",
                "PostgreSQL is not supported yet",
            ),
            ("sqlite://", "names no file"),
            ("mysql://x/y", "scheme `mysql` is not known"),
            ("naper.sqlite3", "is not a database URL"),
        ] {
            let err = DatabaseUrl::parse(url).map(|_| ()).err();
            let text = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(text.contains(says), "{url}: {text}");
        }
    }
}

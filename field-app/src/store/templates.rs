//! Templates fetched from the server, cached by id and version.

use rusqlite::{OptionalExtension, params};
use schema::Template;

use super::LocalStore;
use crate::clock;
use crate::error::{FieldAppError, Result};

/// A cached template, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTemplate {
    /// Template id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// German title.
    pub title_de: String,
    /// Category.
    pub category: String,
}

impl LocalStore {
    /// Checks a template's JSON and caches it. Returns the loaded template.
    ///
    /// # Errors
    /// [`FieldAppError::Schema`] when the JSON is not a valid template, [`FieldAppError::Store`].
    pub fn put_template(&mut self, json: &str) -> Result<Template> {
        let template = Template::from_json(json).map_err(schema::Error::from)?;
        self.conn().execute(
            "INSERT INTO templates (id, version, json, title_de, category, fetched_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id, version) DO UPDATE SET json = excluded.json,
                 title_de = excluded.title_de, category = excluded.category,
                 fetched_at_ms = excluded.fetched_at_ms",
            params![
                template.id,
                template.version,
                json,
                template.title.de,
                template.category,
                clock::now_ms()
            ],
        )?;
        Ok(template)
    }

    /// The cached template `id` in `version`, or in its highest cached version.
    ///
    /// # Errors
    /// [`FieldAppError::NotFound`] when it is not cached, [`FieldAppError::Store`],
    /// [`FieldAppError::Schema`] when the cached JSON no longer loads.
    pub fn template(&self, id: &str, version: Option<u32>) -> Result<Template> {
        let json: Option<String> = match version {
            Some(v) => self
                .conn()
                .query_row(
                    "SELECT json FROM templates WHERE id = ?1 AND version = ?2",
                    params![id, v],
                    |r| r.get(0),
                )
                .optional()?,
            None => self
                .conn()
                .query_row(
                    "SELECT json FROM templates WHERE id = ?1 ORDER BY version DESC LIMIT 1",
                    params![id],
                    |r| r.get(0),
                )
                .optional()?,
        };
        let json = json.ok_or_else(|| {
            let which = version.map_or_else(|| id.to_string(), |v| format!("{id} v{v}"));
            FieldAppError::NotFound(format!(
                "the template {which} is not on this tablet; run `field-app templates` while online to fetch it"
            ))
        })?;
        Ok(Template::from_json(&json).map_err(schema::Error::from)?)
    }

    /// Whether the template version is cached.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn has_template(&self, id: &str, version: u32) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM templates WHERE id = ?1 AND version = ?2",
                params![id, version],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Every cached template, by id and version.
    ///
    /// # Errors
    /// [`FieldAppError::Store`].
    pub fn templates(&self) -> Result<Vec<CachedTemplate>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, version, title_de, category FROM templates ORDER BY id, version",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CachedTemplate {
                id: r.get(0)?,
                version: r.get(1)?,
                title_de: r.get(2)?,
                category: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn templates_are_cached_by_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open(dir.path()).unwrap();
        let json = include_str!("../../../assets/templates/dog-control.json");
        let t = store.put_template(json).unwrap();
        assert!(store.has_template(&t.id, t.version).unwrap());
        assert_eq!(store.template(&t.id, None).unwrap(), t);
        assert_eq!(store.template(&t.id, Some(t.version)).unwrap(), t);
        assert!(matches!(
            store.template("nope", None),
            Err(FieldAppError::NotFound(_))
        ));
        assert_eq!(store.templates().unwrap().len(), 1);
        assert!(store.put_template("{}").is_err());
    }
}

//! The tenant's templates, fetched from the server and cached.

use schema::Template;
use sync_protocol::http::{TEMPLATES, TemplateSummary};

use super::SyncClient;
use crate::error::Result;
use crate::store::LocalStore;

impl SyncClient {
    /// Lists the server's templates and caches every version the tablet does not have yet.
    /// Returns the server's list.
    ///
    /// # Errors
    /// [`crate::FieldAppError::Offline`], [`crate::FieldAppError::DeviceRevoked`],
    /// [`crate::FieldAppError::Server`], [`crate::FieldAppError::Protocol`],
    /// [`crate::FieldAppError::Schema`] for a template that does not load,
    /// [`crate::FieldAppError::Store`].
    pub async fn refresh_templates(&self, store: &mut LocalStore) -> Result<Vec<TemplateSummary>> {
        let response = self
            .send(self.authorized(self.http.get(self.url(TEMPLATES)))?)
            .await?;
        let list: Vec<TemplateSummary> = self.json(response, "template list").await?;
        for t in &list {
            if !store.has_template(&t.id, t.version)? {
                self.fetch_template(store, &t.id, t.version).await?;
            }
        }
        Ok(list)
    }

    /// Fetches and caches one template version.
    ///
    /// # Errors
    /// As [`SyncClient::refresh_templates`].
    pub async fn fetch_template(
        &self,
        store: &mut LocalStore,
        id: &str,
        version: u32,
    ) -> Result<Template> {
        let path = format!("{TEMPLATES}/{id}/{version}");
        let response = self
            .send(self.authorized(self.http.get(self.url(&path)))?)
            .await?;
        let body = self.body(response).await?;
        let json = String::from_utf8_lossy(&body);
        store.put_template(&json)
    }
}

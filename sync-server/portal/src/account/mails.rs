//! The account's mails in the portal's words, with links to the tenant's portal.

use schema::Language;
use server_core::services::citizen_accounts::AccountMails;

use crate::i18n::texts;

/// The mails of one tenant's portal, in one language.
pub struct Mails {
    /// The language.
    pub lang: Language,
    /// The tenant's name.
    pub tenant: String,
    /// The tenant's portal as the citizen reaches it (`https://…/portal/tgh`).
    pub base: String,
}

impl AccountMails for Mails {
    fn confirm(&self, secret: &str) -> (String, String) {
        let t = texts(self.lang);
        let link = format!("{}/konto/bestaetigen/{secret}", self.base);
        (
            t.mail_confirm_subject.to_string(),
            t.mail_confirm_body
                .replace("{tenant}", &self.tenant)
                .replace("{link}", &link),
        )
    }

    fn already_registered(&self) -> (String, String) {
        let t = texts(self.lang);
        (
            t.mail_exists_subject.to_string(),
            t.mail_exists_body
                .replace("{tenant}", &self.tenant)
                .replace("{sign_in}", &format!("{}/konto/anmelden", self.base))
                .replace(
                    "{forgot}",
                    &format!("{}/konto/passwort-vergessen", self.base),
                ),
        )
    }

    fn reset(&self, secret: &str) -> (String, String) {
        let t = texts(self.lang);
        let link = format!("{}/konto/neues-passwort/{secret}", self.base);
        (
            t.mail_reset_subject.to_string(),
            t.mail_reset_body
                .replace("{tenant}", &self.tenant)
                .replace("{link}", &link),
        )
    }
}

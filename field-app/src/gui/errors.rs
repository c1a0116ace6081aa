//! Errors of the library as the officer reads them: the common ones in the UI language with
//! what to do, the rare ones with the library's (English) explanation appended.

use super::i18n::Texts;
use crate::error::FieldAppError;

/// The message for `error` in the language of `texts`.
pub fn error_text(error: &FieldAppError, texts: &Texts) -> String {
    match error {
        FieldAppError::Offline { .. } => texts.error_offline.to_string(),
        FieldAppError::DeviceRevoked { .. } => texts.error_revoked.to_string(),
        FieldAppError::Server { status: 401, .. } | FieldAppError::Server { status: 403, .. } => {
            texts.error_credentials.to_string()
        }
        other => format!("{} ({other})", texts.error_other),
    }
}

//! Photos arriving with a form: made fit to keep a few at a time, held until the form is
//! sent, and carried through a form that comes back by a signed reference.
//!
//! Making a photo fit (`server_core::services::citizen_photos`) decodes and encodes it, which
//! costs a core for a moment and up to 150 MB; so only as many run at once as the machine
//! has cores, and the rest of the forms wait their turn.
//!
//! A form that comes back (a field to correct) lists the photos it brought, each with a
//! reference the browser sends again: what the server knows of the photo, signed with a key
//! of this server process and bound to the browser's form token (`form_guard`), so that
//! nobody can name a photo they did not send from this browser — not another citizen's, not
//! one of the office's. After a restart the references no longer verify and the citizen is
//! asked to choose the photos again.

use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use schema::{GpsPoint, Sha256};
use server_core::blobs::BlobStore;
use server_core::identity::auth::new_token;
use server_core::kernel::{AppError, blocking};
use server_core::services::ServerError;
use server_core::services::citizen_photos::{self, FitPhoto, PhotoRefused, SentPhoto};
use tokio::sync::Semaphore;

/// Photos made fit, and their references.
pub struct PhotoIntake {
    /// Keyed with this process's key; cloned for each reference.
    keyed: Signer,
    turns: Arc<Semaphore>,
}

impl std::fmt::Debug for PhotoIntake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoIntake")
            .field("turns", &self.turns.available_permits())
            .finish_non_exhaustive()
    }
}

/// A photo taken in, for field `field`, with the position the phone recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct TakenPhoto {
    /// The description, without a shared position (the form decides when it is sent).
    pub sent: SentPhoto,
    /// The position the phone recorded, if any.
    pub recorded_gps: Option<GpsPoint>,
}

impl TakenPhoto {
    /// The description to store, with the position when the citizen shares it.
    pub fn shared(&self, share_location: bool) -> SentPhoto {
        SentPhoto {
            gps: self.recorded_gps.filter(|_| share_location),
            ..self.sent.clone()
        }
    }
}

type Signer = Hmac<sha2::Sha256>;

impl PhotoIntake {
    /// An intake with a fresh key, letting as many photos be made fit at once as there are
    /// cores.
    ///
    /// # Errors
    /// When no random key can be made.
    pub fn new() -> Result<Self, ServerError> {
        let key = new_token()?;
        let keyed = Signer::new_from_slice(key.as_bytes())
            .map_err(|e| ServerError::Invalid(format!("photo reference key: {e}")))?;
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Ok(Self {
            keyed,
            turns: Arc::new(Semaphore::new(cores)),
        })
    }

    /// Makes `bytes` fit and holds them under `blobs`, as a photo of `field`.
    ///
    /// # Errors
    /// `Ok(Err(_))` for a file that is no usable photo (the citizen's to mend); `Err` when
    /// the server failed.
    pub async fn take(
        &self,
        blobs: &Arc<BlobStore>,
        field: &str,
        bytes: Vec<u8>,
    ) -> Result<Result<TakenPhoto, PhotoRefused>, AppError> {
        let _turn = self
            .turns
            .acquire()
            .await
            .map_err(|e| AppError::Internal(format!("photo intake closed: {e}")))?;
        let blobs = blobs.clone();
        let fit: Result<FitPhoto, PhotoRefused> = blocking(move || {
            let fit = citizen_photos::make_fit(&bytes);
            if let Ok(fit) = &fit {
                blobs.hold(&fit.sha256, &fit.bytes).map_err(|e| {
                    AppError::Internal(format!("a citizen's photo could not be held: {e}"))
                })?;
            }
            Ok::<_, AppError>(fit)
        })
        .await?;
        Ok(fit.map(|fit| TakenPhoto {
            sent: fit.sent_in(field, false),
            recorded_gps: fit.recorded_gps,
        }))
    }

    fn signer(&self, form_token: &str) -> Signer {
        let mut signer = self.keyed.clone();
        signer.update(form_token.as_bytes());
        signer.update(b"\n");
        signer
    }

    /// The reference a form carries for `photo`, valid with the browser's `form_token`.
    pub fn reference(&self, form_token: &str, photo: &TakenPhoto) -> String {
        let sent = &photo.sent;
        let (lat, lon) = photo
            .recorded_gps
            .as_ref()
            .map_or((String::new(), String::new()), |g| {
                (g.lat.to_string(), g.lon.to_string())
            });
        let payload = format!(
            "1~{}~{}~{}~{}~{}~{}~{lat}~{lon}",
            sent.field, sent.sha256, sent.byte_size, sent.width, sent.height, sent.mime
        );
        let mut signer = self.signer(form_token);
        signer.update(payload.as_bytes());
        let tag = signer.finalize().into_bytes();
        format!("{payload}~{}", hex::encode(tag))
    }

    /// The photo a reference names, if this process signed it for `form_token`.
    pub fn referenced(&self, form_token: &str, reference: &str) -> Option<TakenPhoto> {
        let (payload, tag) = reference.rsplit_once('~')?;
        let tag = hex::decode(tag).ok()?;
        let mut signer = self.signer(form_token);
        signer.update(payload.as_bytes());
        signer.verify_slice(&tag).ok()?;
        let parts: Vec<&str> = payload.split('~').collect();
        let ["1", field, sha256, byte_size, width, height, mime, lat, lon] = parts.as_slice()
        else {
            return None;
        };
        let recorded_gps = match (lat.parse(), lon.parse()) {
            (Ok(lat), Ok(lon)) => Some(GpsPoint {
                lat,
                lon,
                accuracy_m: None,
            }),
            _ => None,
        };
        Some(TakenPhoto {
            sent: SentPhoto {
                field: (*field).to_string(),
                sha256: sha256.parse::<Sha256>().ok()?,
                byte_size: byte_size.parse().ok()?,
                width: width.parse().ok()?,
                height: height.parse().ok()?,
                mime: (*mime).to_string(),
                gps: None,
            },
            recorded_gps,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn photo() -> TakenPhoto {
        TakenPhoto {
            sent: SentPhoto {
                field: "fotos".into(),
                sha256: "ab".repeat(32).parse().unwrap(),
                byte_size: 1234,
                width: 20,
                height: 40,
                mime: "image/jpeg".into(),
                gps: None,
            },
            recorded_gps: Some(GpsPoint {
                lat: 48.5166,
                lon: 9.05,
                accuracy_m: None,
            }),
        }
    }

    #[test]
    fn a_reference_names_its_photo_only_for_its_browser_and_its_process() {
        let intake = PhotoIntake::new().unwrap();
        let reference = intake.reference("token-a", &photo());
        assert_eq!(intake.referenced("token-a", &reference), Some(photo()));
        // Another browser's form token, another process's key.
        assert_eq!(intake.referenced("token-b", &reference), None);
        assert_eq!(
            PhotoIntake::new()
                .unwrap()
                .referenced("token-a", &reference),
            None
        );
        // Any change to what it says.
        let other = "cd".repeat(32);
        let forged = reference.replace(&"ab".repeat(32), &other);
        assert_eq!(intake.referenced("token-a", &forged), None);
        assert_eq!(intake.referenced("token-a", "1~fotos~x"), None);
        assert_eq!(intake.referenced("token-a", ""), None);
        // Without a recorded position too.
        let mut plain = photo();
        plain.recorded_gps = None;
        let reference = intake.reference("token-a", &plain);
        assert_eq!(intake.referenced("token-a", &reference), Some(plain));
    }

    #[test]
    fn the_position_goes_with_the_photo_only_when_shared() {
        assert_eq!(photo().shared(false).gps, None);
        assert_eq!(photo().shared(true).gps, photo().recorded_gps);
    }
}

//! Outgoing e-mail through the durable outbox. A surface queues a mail in the transaction of
//! the event that causes it ([`queue`], over [`crate::store::outbox`]) and, once that has
//! committed, wakes the sender ([`Outbox::wake`]); the sender ([`sender::MailSender`],
//! started with the server by [`spawn`]) hands it to the SMTP server, tries again with
//! backoff ([`retry`]) and gives up only on a permanent refusal or after
//! [`Mail::give_up_after`]. Nothing queued is lost on a restart; nothing is sent twice for
//! one event in normal operation (see [`crate::store::outbox`] for the one exception, a
//! crash in mid-send).

mod html;
pub mod message;
pub mod retry;
pub mod sender;

use std::sync::Arc;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::kernel::config::Mail;
use crate::store::outbox::{self, NewMail};
use crate::store::{CaseStore, StoreError, StoreResult, WriteTx, now_ms};
use sender::{MailSender, Smtp};

pub use html::html_alternative;

/// What surfaces hold of the outbox: the bell that wakes the sender after a mail was queued.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// Tells the sender a mail was queued (call it after the transaction committed). A wake
    /// before the sender waits is kept, so none is missed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Whether `text` is an e-mail address the outbox can send to (the one check the surfaces
/// ask before they queue, so a citizen hears about a typo at once).
pub fn is_address(text: &str) -> bool {
    text.parse::<lettre::Address>().is_ok()
}

/// Queues `mail` in `tx`, once per event: `false` when its event queued a mail already.
///
/// # Errors
/// [`StoreError::Invalid`] naming a recipient that is not an e-mail address; database errors.
pub fn queue(tx: &WriteTx<'_>, mail: &NewMail) -> StoreResult<bool> {
    if !is_address(&mail.recipient) {
        return Err(StoreError::Invalid(format!(
            "`{}` is not an e-mail address",
            mail.recipient
        )));
    }
    outbox::enqueue(tx, mail, now_ms())
}

/// Starts the sender for `config`'s SMTP server. Without a server configured, mails wait in
/// the outbox (and `None` is returned).
///
/// # Errors
/// What is wrong with the SMTP URL or the sender address.
pub fn spawn(
    store: Arc<dyn CaseStore>,
    config: &Mail,
    outbox: &Outbox,
) -> Result<Option<JoinHandle<()>>, String> {
    let Some(url) = &config.smtp_url else {
        tracing::info!("no SMTP server configured (--smtp-url): mails wait in the outbox");
        return Ok(None);
    };
    let sender = MailSender::new(store, Smtp::from_url(url)?, config, outbox.wake.clone())?;
    Ok(Some(tokio::spawn(sender.run())))
}

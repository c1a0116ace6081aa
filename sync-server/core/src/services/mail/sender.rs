//! The outbox's sender: claims the mails that are due, hands each to the SMTP server and
//! records what became of it — sent, tried again later, or given up — each in a transaction
//! of its own, so that a crash loses at most the record of the one mail in flight (which is
//! then sent once more, under the same Message-ID, when its claim lapses).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use super::message::{self, sender_mailbox};
use super::retry::{AfterFailure, after_failure};
use crate::kernel::config::Mail;
use crate::store::outbox::{self, QueuedMail};
use crate::store::{CaseStore, StoreError, StoreResult, millis, now_ms};

/// Mails claimed at once: small, so a slow SMTP server does not hold many claims.
const BATCH: usize = 16;
/// The longest sleep when nothing is due, in case a mail was queued by another process.
const IDLE_POLL: Duration = Duration::from_secs(60);

/// An attempt the SMTP server (or the way to it) did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// The server refused the mail for good (5xx): sending it again cannot help.
    pub permanent: bool,
    /// What went wrong, as the operator reads it.
    pub message: String,
}

/// Where messages go: the SMTP server, or a stand-in in unit tests.
pub trait MailTransport: Send + Sync + 'static {
    /// Hands `message` over; `Ok` once the server has accepted it.
    fn send(&self, message: Message) -> impl Future<Output = Result<(), SendFailure>> + Send;
}

/// The SMTP server of [`Mail::smtp_url`].
#[derive(Clone)]
pub struct Smtp(AsyncSmtpTransport<Tokio1Executor>);

impl Smtp {
    /// A client for the SMTP server at `url`.
    ///
    /// # Errors
    /// What is wrong with the URL, for the operator (the URL itself is not repeated: it may
    /// hold a password).
    pub fn from_url(url: &str) -> Result<Self, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|builder| Self(builder.build()))
            .map_err(|e| {
                format!(
                    "the SMTP URL is not usable ({e}); give it as smtp://HOST:PORT, \
                     smtp://USER:PASSWORD@HOST:587?tls=required or smtps://USER:PASSWORD@HOST:465"
                )
            })
    }
}

impl MailTransport for Smtp {
    async fn send(&self, message: Message) -> Result<(), SendFailure> {
        self.0
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendFailure {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }
}

/// The sending side of the outbox.
pub struct MailSender<T> {
    store: Arc<dyn CaseStore>,
    transport: T,
    from: Mailbox,
    config: Mail,
    wake: Arc<Notify>,
}

impl<T: MailTransport> MailSender<T> {
    /// A sender of `store`'s outbox through `transport`, woken early by `wake`.
    ///
    /// # Errors
    /// When [`Mail::from`] is not a usable address.
    pub fn new(
        store: Arc<dyn CaseStore>,
        transport: T,
        config: &Mail,
        wake: Arc<Notify>,
    ) -> Result<Self, String> {
        Ok(Self {
            from: sender_mailbox(&config.from)?,
            store,
            transport,
            config: config.clone(),
            wake,
        })
    }

    /// Sends what is due now; returns how many mails were attempted.
    ///
    /// # Errors
    /// When the store fails; the mails claimed so far are tried again when their claims
    /// lapse.
    pub async fn send_due(&self) -> StoreResult<usize> {
        let lease = millis(self.config.lease);
        let due = self
            .in_pool(move |store| store.write(|tx| outbox::claim_due(tx, now_ms(), lease, BATCH)))
            .await?;
        for mail in &due {
            self.attempt(mail).await?;
        }
        Ok(due.len())
    }

    async fn attempt(&self, queued: &QueuedMail) -> StoreResult<()> {
        let id = queued.id;
        let failure = match message::build(&self.from, queued) {
            Ok(message) => match self.transport.send(message).await {
                Ok(()) => {
                    tracing::info!(mail = id, tenant = %queued.mail.tenant, "mail sent");
                    return self
                        .in_pool(move |store| store.write(|tx| outbox::mark_sent(tx, id, now_ms())))
                        .await;
                }
                Err(failure) => failure,
            },
            Err(unsendable) => SendFailure {
                permanent: true,
                message: unsendable.to_string(),
            },
        };
        let now = now_ms();
        let next = after_failure(
            &self.config,
            queued.attempts,
            queued.queued_at,
            now,
            failure.permanent,
        );
        let error = failure.message;
        match next {
            AfterFailure::RetryAt(at) => {
                tracing::warn!(
                    mail = id,
                    attempts = queued.attempts,
                    "mail not sent, trying again later: {error}"
                );
                self.in_pool(move |store| store.write(|tx| outbox::retry_at(tx, id, at, &error)))
                    .await
            }
            AfterFailure::GiveUp => {
                tracing::error!(
                    mail = id,
                    attempts = queued.attempts,
                    "mail given up: {error}"
                );
                self.in_pool(move |store| store.write(|tx| outbox::give_up(tx, id, now, &error)))
                    .await
            }
        }
    }

    /// Sends until the task is stopped: what is due, then sleeps until the next mail is due,
    /// a mail is queued (`wake`), or [`IDLE_POLL`] passes. Forgets done mails older than
    /// [`Mail::keep_done`] on the way.
    pub async fn run(self) {
        let mut last_forget = None::<tokio::time::Instant>;
        loop {
            if last_forget.is_none_or(|t| t.elapsed() > Duration::from_secs(3_600)) {
                let before = now_ms().saturating_sub(millis(self.config.keep_done));
                match self
                    .in_pool(move |store| store.write(|tx| outbox::forget_done_before(tx, before)))
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("forgot {n} mails sent or given up long ago"),
                    Err(e) => tracing::error!("old mails could not be forgotten: {e}"),
                }
                last_forget = Some(tokio::time::Instant::now());
            }
            match self.send_due().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!("the mail outbox cannot be read: {e}"),
            }
            let sleep = match self.in_pool(|store| store.read(outbox::next_due)).await {
                Ok(Some(at)) => {
                    Duration::from_millis(u64::try_from(at.saturating_sub(now_ms())).unwrap_or(0))
                        .min(IDLE_POLL)
                }
                Ok(None) | Err(_) => IDLE_POLL,
            };
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    async fn in_pool<R: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn CaseStore) -> StoreResult<R> + Send + 'static,
    ) -> StoreResult<R> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(store.as_ref()))
            .await
            .map_err(|e| StoreError::Invalid(format!("the mail sender's store work failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use super::*;
    use crate::store::outbox::{NewMail, OutboxCounts};
    use crate::store::{SqliteStore, tenants};

    /// A stand-in for the SMTP server: answers from a script, remembers what it accepted.
    #[derive(Default)]
    struct Script {
        answers: Mutex<Vec<Result<(), SendFailure>>>,
        accepted: Mutex<Vec<String>>,
    }

    impl MailTransport for Arc<Script> {
        async fn send(&self, message: Message) -> Result<(), SendFailure> {
            let answer = self.answers.lock().unwrap().pop().unwrap_or(Ok(()));
            if answer.is_ok() {
                let text = String::from_utf8(message.formatted()).unwrap();
                self.accepted.lock().unwrap().push(text);
            }
            answer
        }
    }

    fn sender(
        answers: Vec<Result<(), SendFailure>>,
    ) -> (tempfile::TempDir, MailSender<Arc<Script>>, Arc<Script>) {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn CaseStore> =
            Arc::new(SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap());
        store
            .write(|tx| tenants::create(tx, "t", "Stadt T"))
            .unwrap();
        for (i, recipient) in ["anna@example.org", "ben@example.org"].iter().enumerate() {
            let mail = NewMail {
                tenant: "t".into(),
                event_key: format!("e{i}"),
                recipient: (*recipient).into(),
                subject: "Ihr Anliegen".into(),
                body_text: "Guten Tag".into(),
                body_html: None,
            };
            store.write(|tx| super::super::queue(tx, &mail)).unwrap();
        }
        let script = Arc::new(Script {
            answers: Mutex::new(answers),
            ..Script::default()
        });
        let config = Mail {
            from: "Stadt T <noreply@t.example>".into(),
            ..Mail::default()
        };
        let sender = MailSender::new(store, script.clone(), &config, Arc::default()).unwrap();
        (dir, sender, script)
    }

    fn counts(sender: &MailSender<Arc<Script>>) -> OutboxCounts {
        sender.store.read(outbox::counts).unwrap()
    }

    #[tokio::test]
    async fn due_mails_are_sent_once() {
        let (_dir, sender, script) = sender(Vec::new());
        assert_eq!(sender.send_due().await.unwrap(), 2);
        assert_eq!(
            sender.send_due().await.unwrap(),
            0,
            "a sent mail is not sent again"
        );
        let accepted = script.accepted.lock().unwrap().clone();
        assert_eq!(accepted.len(), 2);
        assert!(accepted[0].contains("To: anna@example.org"));
        assert_eq!(
            counts(&sender),
            OutboxCounts {
                waiting: 0,
                sent: 2,
                failed: 0
            }
        );
    }

    #[tokio::test]
    async fn a_refusal_for_the_time_being_is_retried_and_one_for_good_given_up() {
        // Answers are popped from the end: the first mail is refused for now, the second
        // for good.
        let (_dir, sender, script) = sender(vec![
            Err(SendFailure {
                permanent: true,
                message: "550 5.1.1 no such mailbox".into(),
            }),
            Err(SendFailure {
                permanent: false,
                message: "451 4.3.0 try again later".into(),
            }),
        ]);
        assert_eq!(sender.send_due().await.unwrap(), 2);
        assert!(script.accepted.lock().unwrap().is_empty());
        assert_eq!(
            counts(&sender),
            OutboxCounts {
                waiting: 1,
                sent: 0,
                failed: 1
            }
        );
        let failed = sender.store.read(|tx| outbox::failed(tx, 10)).unwrap();
        assert_eq!(failed[0].recipient, "ben@example.org");
        assert!(failed[0].last_error.contains("550"));
        assert_eq!(
            sender.send_due().await.unwrap(),
            0,
            "the retry waits for its time"
        );
        let due = sender.store.read(outbox::next_due).unwrap().unwrap();
        assert!(
            due > now_ms() + 50_000,
            "the first retry waits about a minute"
        );
    }

    #[test]
    fn queueing_refuses_a_recipient_that_is_no_address() {
        let (_dir, sender, _script) = sender(Vec::new());
        let mail = NewMail {
            tenant: "t".into(),
            event_key: "bad".into(),
            recipient: "anna at example".into(),
            subject: "s".into(),
            body_text: "b".into(),
            body_html: None,
        };
        let err = sender
            .store
            .write(|tx| super::super::queue(tx, &mail))
            .unwrap_err();
        assert!(err.to_string().contains("`anna at example`"), "{err}");
    }
}

//! Network work off the UI thread: one background thread with its own tokio runtime and its
//! own connection to the local store, talking to the UI only through channels.
//!
//! The UI sends [`SyncCommand`]s and never waits; the worker answers with [`SyncEvent`]s and
//! asks the UI to repaint after each one. Between commands the worker syncs on its own every
//! [`SyncWorker::PERIOD`] while the tablet is enrolled, so work reaches the server whenever it
//! is reachable without anyone pressing a button. SQLite (WAL, busy timeout) lets both
//! connections write the same store.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::{FieldAppError, Result};
use crate::store::LocalStore;
use crate::store::enrollment::Enrollment;
use crate::sync_client::{SyncClient, SyncReport, UploadProgress};

/// What the UI asks the worker to do.
#[derive(Debug)]
pub enum SyncCommand {
    /// Sign in and store the device token.
    Enroll {
        /// Server base URL.
        server: String,
        /// User name.
        username: String,
        /// Password (held only for this request).
        password: String,
        /// Name of the device shown to admins.
        device_name: String,
    },
    /// Sync documents and photos now, then refresh the templates.
    SyncNow,
}

/// What the worker reports back.
#[derive(Debug)]
pub enum SyncEvent {
    /// The enrollment finished.
    Enrolled(Result<Enrollment>),
    /// A sync run started.
    Started,
    /// A photo upload moved on.
    Upload(UploadProgress),
    /// A sync run ended.
    Finished(Result<SyncReport>),
}

/// The handle the UI keeps on the worker thread. Dropping it ends the thread after its
/// current request; [`SyncWorker::stop`] also waits for that.
#[derive(Debug)]
pub struct SyncWorker {
    commands: Option<Sender<SyncCommand>>,
    events: Receiver<SyncEvent>,
    thread: Option<JoinHandle<()>>,
}

impl SyncWorker {
    /// How often the worker syncs on its own.
    pub const PERIOD: Duration = Duration::from_secs(60);

    /// Starts the worker on the store in `data_dir`; `repaint` is called after every event so
    /// the UI wakes up to show it.
    ///
    /// # Errors
    /// [`FieldAppError::Io`] when the thread cannot be started.
    pub fn start(data_dir: &Path, repaint: impl Fn() + Send + Sync + 'static) -> Result<Self> {
        let (command_tx, command_rx) = mpsc::channel();
        let (event_tx, event_rx) = mpsc::channel();
        let dir = data_dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("naper-sync".into())
            .spawn(move || {
                let outbox = Outbox {
                    events: event_tx,
                    repaint: Box::new(repaint),
                };
                run(&dir, &command_rx, &outbox);
            })
            .map_err(|e| FieldAppError::io(data_dir, e))?;
        Ok(Self {
            commands: Some(command_tx),
            events: event_rx,
            thread: Some(thread),
        })
    }

    /// Queues a command; a worker that ended (it only ends when dropped) ignores it.
    pub fn send(&self, command: SyncCommand) {
        if let Some(tx) = &self.commands {
            let _ = tx.send(command);
        }
    }

    /// The events that arrived since the last call, without waiting.
    pub fn events(&self) -> Vec<SyncEvent> {
        self.events.try_iter().collect()
    }

    /// Ends the worker and waits until its store connection is closed (before the data is
    /// wiped at sign-out).
    pub fn stop(&mut self) {
        self.commands = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SyncWorker {
    fn drop(&mut self) {
        // Closing the channel is enough; the window should not wait for a slow network.
        self.commands = None;
    }
}

struct Outbox {
    events: Sender<SyncEvent>,
    repaint: Box<dyn Fn() + Send + Sync>,
}

impl Outbox {
    fn send(&self, event: SyncEvent) {
        let _ = self.events.send(event);
        (self.repaint)();
    }
}

fn run(dir: &Path, commands: &Receiver<SyncCommand>, outbox: &Outbox) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            outbox.send(SyncEvent::Finished(Err(FieldAppError::io(dir, e))));
            return;
        }
    };
    let mut store = match LocalStore::open(dir) {
        Ok(store) => store,
        Err(e) => {
            outbox.send(SyncEvent::Finished(Err(e)));
            return;
        }
    };
    loop {
        let command = match commands.recv_timeout(SyncWorker::PERIOD) {
            Ok(command) => command,
            Err(RecvTimeoutError::Timeout) => SyncCommand::SyncNow,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        match command {
            SyncCommand::Enroll {
                server,
                username,
                password,
                device_name,
            } => {
                let result = runtime.block_on(enroll(
                    &mut store,
                    &server,
                    &username,
                    &password,
                    &device_name,
                ));
                let enrolled = result.is_ok();
                outbox.send(SyncEvent::Enrolled(result));
                if enrolled {
                    sync(&runtime, &mut store, outbox);
                }
            }
            SyncCommand::SyncNow => {
                if matches!(store.enrollment(), Ok(Some(_))) {
                    sync(&runtime, &mut store, outbox);
                }
            }
        }
    }
}

async fn enroll(
    store: &mut LocalStore,
    server: &str,
    username: &str,
    password: &str,
    device_name: &str,
) -> Result<Enrollment> {
    let client = SyncClient::new(server)?;
    let enrollment = client
        .enroll(store, username, password, device_name)
        .await?;
    // Templates right away, so a case can be opened offline from the first minute on.
    SyncClient::for_enrollment(&enrollment)?
        .refresh_templates(store)
        .await?;
    Ok(enrollment)
}

fn sync(runtime: &tokio::runtime::Runtime, store: &mut LocalStore, outbox: &Outbox) {
    outbox.send(SyncEvent::Started);
    let result = runtime.block_on(async {
        let enrollment = store.require_enrollment()?;
        let client = SyncClient::for_enrollment(&enrollment)?;
        let mut progress = |p: &UploadProgress| outbox.send(SyncEvent::Upload(p.clone()));
        let report = client.sync(store, &mut progress).await?;
        // A template the back office published since is needed before a new case of it.
        client.refresh_templates(store).await?;
        Ok(report)
    });
    outbox.send(SyncEvent::Finished(result));
}

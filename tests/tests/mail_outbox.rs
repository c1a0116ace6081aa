//! The durable e-mail outbox against a real SMTP server (aiosmtpd, `naper_tests::smtp`) and a
//! real `sync-server` process: queued mails arrive as proper messages, refusals are recorded
//! as the SMTP server meant them, mails queued while the SMTP server is down go out once it
//! is up, and killing the server with SIGKILL while it sends — at points chosen by how many
//! mails have arrived — loses none.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use naper_tests::smtp::{SmtpServer, header};
use naper_tests::{ServerProcess, free_loopback_port};
use rusqlite::Connection;
use sync_server::CaseStore;
use sync_server::services::mail;
use sync_server::store::outbox::NewMail;
use sync_server::store::tenants;

const FROM: &str = "Stadt Musterhausen <noreply@musterhausen.example>";

fn mail_to(recipient: &str, event: &str) -> NewMail {
    NewMail {
        tenant: "t".into(),
        event_key: event.into(),
        recipient: recipient.into(),
        subject: format!("Eingangsbestätigung {event}"),
        body_text: format!("Guten Tag,\n\nIhr Anliegen {event} ist eingegangen.\n"),
        body_html: Some(format!(
            "<p>Guten Tag,</p><p>Ihr Anliegen {event} ist eingegangen.</p>"
        )),
    }
}

/// A data directory whose outbox holds `mails`, queued before the server starts.
fn queue(data_dir: &Path, mails: &[NewMail]) {
    let store = sync_server::services::admin::open(data_dir).unwrap();
    let store: &dyn CaseStore = &store;
    if store.read(tenants::none_yet).unwrap() {
        store
            .write(|tx| tenants::create(tx, "t", "Musterhausen"))
            .unwrap();
    }
    store
        .write(|tx| {
            for m in mails {
                mail::queue(tx, m)?;
            }
            Ok(())
        })
        .unwrap();
}

fn serve(data_dir: &Path, smtp_url: &str, extra: &[&str]) -> ServerProcess {
    let mut args = vec![
        "--smtp-url",
        smtp_url,
        "--mail-from",
        FROM,
        "--mail-retry-secs",
        "1",
    ];
    args.extend(extra);
    ServerProcess::start(data_dir, &args)
}

/// Per outbox row: (attempts, sent, given up, last error).
fn outbox_rows(data_dir: &Path) -> BTreeMap<String, (i64, bool, bool, Option<String>)> {
    let conn = Connection::open(data_dir.join("naper.sqlite3")).unwrap();
    conn.prepare(
        "SELECT recipient, attempts, sent_at IS NOT NULL, failed_at IS NOT NULL, last_error
         FROM mail_outbox",
    )
    .unwrap()
    .query_map([], |r| {
        Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn queued_mails_arrive_and_refusals_are_recorded_as_the_smtp_server_meant_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    queue(
        &data,
        &[
            mail_to("anna@example.org", "TGH-2026-000001"),
            mail_to("niemand@refused.example", "TGH-2026-000002"),
            mail_to("spaeter@later.example", "TGH-2026-000003"),
        ],
    );
    let smtp = SmtpServer::start(&dir.path().join("smtp"));
    let _server = serve(&data, &smtp.url(), &[]);

    let received = smtp.wait_for(1, Duration::from_secs(30));
    let message = &received[0];
    assert_eq!(header(message, "To").as_deref(), Some("anna@example.org"));
    assert_eq!(
        header(message, "From").as_deref(),
        Some("\"Stadt Musterhausen\" <noreply@musterhausen.example>")
    );
    let id = header(message, "Message-ID").unwrap();
    assert!(id.ends_with("@musterhausen.example>"), "{id}");
    let subject = header(message, "Subject").unwrap();
    assert!(
        subject.starts_with("=?utf-8?"),
        "a non-ASCII subject is encoded: {subject}"
    );
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("text/html"), "{message}");

    wait_until("the refusals are recorded", Duration::from_secs(30), || {
        let rows = outbox_rows(&data);
        rows["niemand@refused.example"].2 && rows["spaeter@later.example"].0 >= 2
    });
    let rows = outbox_rows(&data);
    let (_, sent, failed, error) = &rows["anna@example.org"];
    assert!(*sent && !*failed && error.is_none());
    let (attempts, sent, failed, error) = &rows["niemand@refused.example"];
    assert_eq!(
        (*attempts, *sent, *failed),
        (1, false, true),
        "a 550 is given up at once"
    );
    assert!(error.as_deref().unwrap_or("").contains("550"), "{error:?}");
    let (_, sent, failed, error) = &rows["spaeter@later.example"];
    assert!(!*sent && !*failed, "a 451 is tried again, not given up");
    assert!(error.as_deref().unwrap_or("").contains("451"), "{error:?}");
    assert_eq!(smtp.received().len(), 1, "nothing was sent twice");

    let shown = naper_tests::admin(&data, &["mail-outbox"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("1 waiting, 1 sent, 1 given up"), "{shown}");
    assert!(shown.contains("niemand@refused.example"), "{shown}");
}

#[test]
fn mails_queued_while_the_smtp_server_is_down_go_out_once_it_is_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mails: Vec<NewMail> = (0..5)
        .map(|i| mail_to(&format!("buerger{i}@example.org"), &format!("E-{i}")))
        .collect();
    queue(&data, &mails);
    // Nothing listens on this port yet.
    let port = free_loopback_port();
    let mut server = serve(&data, &format!("smtp://127.0.0.1:{port}"), &[]);
    wait_until(
        "a failed attempt at each mail is recorded",
        Duration::from_secs(30),
        || {
            outbox_rows(&data)
                .values()
                .all(|(.., error)| error.is_some())
        },
    );
    assert!(
        outbox_rows(&data)
            .values()
            .all(|(_, sent, failed, _)| !sent && !failed)
    );
    // A restart while the SMTP server is away keeps every mail.
    server.kill9();
    let _server = serve(&data, &format!("smtp://127.0.0.1:{port}"), &[]);

    let smtp = SmtpServer::start_on(&dir.path().join("smtp"), port);
    let received = smtp.wait_for(mails.len(), Duration::from_secs(60));
    assert_eq!(received.len(), mails.len());
    wait_until(
        "every mail is recorded as sent",
        Duration::from_secs(30),
        || outbox_rows(&data).values().all(|(_, sent, ..)| *sent),
    );
}

#[test]
fn killing_the_server_while_it_sends_loses_no_mail() {
    const MAILS: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mails: Vec<NewMail> = (0..MAILS)
        .map(|i| mail_to(&format!("buerger{i}@example.org"), &format!("K-{i}")))
        .collect();
    queue(&data, &mails);
    // 50 ms per message, so the kills land while mails are going out.
    let smtp = SmtpServer::start_slow(&dir.path().join("smtp"), Duration::from_millis(50));

    let kill_points = [3, 11, 19, 27, 35];
    for at in kill_points {
        let mut server = serve(&data, &smtp.url(), &["--mail-lease-secs", "1"]);
        smtp.wait_for(at, Duration::from_secs(60));
        server.kill9();
        assert!(
            smtp.received().len() < MAILS,
            "the kill at {at} came after the last mail, so it tested nothing"
        );
    }
    let _server = serve(&data, &smtp.url(), &["--mail-lease-secs", "1"]);
    wait_until(
        "every mail is recorded as sent",
        Duration::from_secs(60),
        || outbox_rows(&data).values().all(|(_, sent, ..)| *sent),
    );

    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for message in smtp.received() {
        let to = header(&message, "To").unwrap();
        let id = header(&message, "Message-ID").unwrap();
        *copies.entry(format!("{to} {id}")).or_default() += 1;
    }
    assert_eq!(copies.len(), MAILS, "every mail arrived: {copies:?}");
    let twice: Vec<_> = copies.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.len() <= kill_points.len() && twice.iter().all(|(_, n)| **n == 2),
        "only the mail in flight at a kill may arrive twice: {twice:?}"
    );
}

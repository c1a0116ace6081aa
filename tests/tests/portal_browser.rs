//! The loop of a citizen's request through the town hall, with real processes: headless
//! Chromium over WebDriver as the citizen and as the coordinator in the back office, a
//! headless `field-app` as the officer, a real `sync-server` whose mails go to a real SMTP
//! server (aiosmtpd). The citizen finds the problem report by searching, fills the form with
//! the keyboard alone and a photo from the phone, is sent back by the error summary (the
//! photo kept), sends the report and keeps the receipt; the coordinator takes it on and
//! dispatches it to the officer, whose tablet gets the citizen's description and photo
//! (upright, without camera data, the shared place in the case); the officer inspects and hands in; the office approves and
//! closes it; the citizen, by the link of the confirmation mail, sees the way it went, and is
//! told by mail when it was taken on and when it was done. axe-core checks every portal page
//! (WCAG 2.1 A and AA, German and English) and must find nothing.
//!
//! Needs Chromium, chromedriver, aiosmtpd and axe-core (`cargo xtask test` installs them);
//! without them the test fails, it does not skip.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

use std::path::Path;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, Locator};
use naper_tests::chrome::ChromeDriver;
use naper_tests::smtp::SmtpServer;
use naper_tests::webdriver::{
    WAIT, click, click_transition, drive, sign_in, text_of, wait_for, wait_for_status,
};
use naper_tests::{ServerProcess, Tablet, admin, axe};

const PASSWORD: &str = "geheim-123-Passwort";
const TAB: char = '\u{e004}';
const ENTER: char = '\u{e007}';

fn server(dir: &Path, smtp: &SmtpServer) -> ServerProcess {
    let server = ServerProcess::start(dir, &["--smtp-url", &smtp.url(), "--mail-retry-secs", "1"]);
    let user = |name: &'static str, role: &'static str| {
        [
            "create-user",
            "--tenant",
            "tgh",
            "--username",
            name,
            "--display-name",
            name,
            "--role",
            role,
            "--password",
            PASSWORD,
        ]
    };
    for args in [
        &["create-tenant", "tgh", "Gemeinde Tegelhausen"][..],
        &["enable-services", "--tenant", "tgh"][..],
        &user("o1", "officer")[..],
        &user("koordination", "coordinator")[..],
        // The town's own colour and links: axe-core checks the contrast of the real page.
        &[
            "portal-look",
            "--tenant",
            "tgh",
            "--accent",
            "#1e7b34",
            "--imprint-url",
            "https://tegelhausen.example/impressum",
            "--privacy-url",
            "https://tegelhausen.example/datenschutz",
            "--contact-email",
            "buergerbuero@tegelhausen.example",
        ][..],
    ] {
        let out = admin(dir, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    server
}

/// Presses keys as a person at the keyboard would.
async fn keys(client: &Client, text: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in text.chars() {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    client.perform_actions(actions).await.unwrap();
}

/// Presses Tab until the element with `id` has the focus: it is reachable by keyboard.
async fn tab_to(client: &Client, id: &str) {
    for _ in 0..120 {
        let focused = client.active_element().await.unwrap();
        if focused.attr("id").await.unwrap().as_deref() == Some(id) {
            return;
        }
        keys(client, &TAB.to_string()).await;
    }
    let source = client.source().await.unwrap_or_default();
    panic!("Tab never reached #{id}:\n{source}");
}

/// axe-core finds nothing on the page shown.
async fn accessible(client: &Client, script: &str, what: &str) {
    let found = axe::violations(client, script).await;
    assert!(
        found.is_empty(),
        "axe-core on {what} ({}):\n{}",
        client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default(),
        found.join("\n")
    );
}

/// The citizen's part; returns the request's number and its tracking link.
async fn citizen(client: &Client, base: &str, smtp: &SmtpServer) -> (String, String) {
    let script = axe::script();
    // The checker finds what it should: a page without a language and an image without text.
    client
        .goto("data:text/html,<html><body><img src='x.png'></body></html>")
        .await
        .unwrap();
    let found = axe::violations(client, &script).await.join("\n");
    assert!(
        found.contains("image-alt") && found.contains("html-has-lang"),
        "{found}"
    );

    // The browser asks for English (Chromium's default here): the portal answers in it, and
    // the citizen switches to German with the keyboard; the choice is remembered.
    client.goto(&format!("{base}/portal/tgh/")).await.unwrap();
    assert_eq!(text_of(client, "h1").await, "What would you like to do?");
    assert_eq!(
        text_of(client, "footer a[href$='/impressum']").await,
        "Imprint",
        "the town's own links"
    );
    accessible(client, &script, "the English start page").await;
    tab_to(client, "lang-de").await;
    keys(client, &ENTER.to_string()).await;
    wait_for(client, "html[lang=de]").await;
    assert_eq!(text_of(client, "h1").await, "Was möchten Sie erledigen?");
    accessible(client, &script, "the start page").await;

    // Search with the keyboard: the first Tab reaches the skip link, later ones the search.
    tab_to(client, "q").await;
    keys(client, &format!("Sperrmüll{ENTER}")).await;
    wait_for(client, "a[href$='/leistungen/maengelmeldung']").await;
    accessible(client, &script, "the search results").await;
    client
        .find(Locator::Css("a[href$='/leistungen/maengelmeldung']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "#f-problem_type").await;
    accessible(client, &script, "the problem report's form").await;

    // Fill it with the keyboard, forgetting the description.
    tab_to(client, "f-problem_type").await;
    keys(client, "W").await; // the first option starting with W: "Wilder Müll …"
    tab_to(client, "f-location_address-street").await;
    keys(
        client,
        &format!("Am Waldweg{TAB}3{TAB}12345{TAB}Tegelhausen"),
    )
    .await;
    // A photo from the phone, with the place it was taken shared (ticked with the space bar).
    let photo = naper_tests::assets_dir()
        .join("photos/orientation-6.jpg")
        .canonicalize()
        .unwrap();
    client
        .find(Locator::Id("f-photos"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    tab_to(client, "share-location").await;
    keys(client, " ").await;
    tab_to(client, "notify-email").await;
    keys(client, "anna@example.org").await;
    tab_to(client, "send").await;
    keys(client, &ENTER.to_string()).await;
    wait_for(client, ".error-summary a[href='#f-description']").await;
    // The photo came back with the form: listed, ticked, not to be chosen again.
    let kept = text_of(client, "fieldset.photos label.check").await;
    assert!(kept.contains("Foto 1: 48 × 32 Pixel"), "{kept}");
    assert!(
        client
            .find(Locator::Css("input[name=kept_photo]"))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap()
            .as_deref()
            == Some("true")
    );
    accessible(client, &script, "the form with its error summary").await;
    let street = client
        .find(Locator::Id("f-location_address-street"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        street.as_deref(),
        Some("Am Waldweg"),
        "what was typed is kept"
    );

    tab_to(client, "f-description").await;
    keys(client, "Ein Sofa und Farbeimer neben dem Weg.").await;
    tab_to(client, "send").await;
    keys(client, &ENTER.to_string()).await;
    let number = text_of(client, ".receipt .number").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(number, format!("TGH-{year}-000001"));
    accessible(client, &script, "the receipt").await;
    let link = text_of(client, ".receipt .link a").await;

    // The confirmation brings the same link, which opens the request's status.
    let mails = smtp.wait_for(1, WAIT);
    let mail = &mails[0];
    assert!(mail.contains(&number), "{mail}");
    let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
    assert!(
        unfolded.contains(&link),
        "the mail has the receipt's link:\n{mail}"
    );
    // As text and as HTML, the link a link in the HTML.
    assert!(
        unfolded.contains("multipart/alternative") && unfolded.contains("text/html"),
        "{mail}"
    );
    assert!(unfolded.contains("<html lang=3D\"de\">"), "{mail}");
    client.goto(&link).await.unwrap();
    assert_eq!(text_of(client, ".status").await, "Eingegangen");
    accessible(client, &script, "the tracking page").await;

    // More pages in English.
    client
        .goto(&format!("{base}/portal/tgh/?lang=en"))
        .await
        .unwrap();
    assert_eq!(text_of(client, "h1").await, "What would you like to do?");
    client
        .goto(&format!("{base}/portal/tgh/leistungen/gewerbeanmeldung"))
        .await
        .unwrap();
    wait_for(client, "#send").await;
    accessible(client, &script, "the English trade registration form").await;
    client
        .goto(&format!("{base}/portal/tgh/nichts"))
        .await
        .unwrap();
    accessible(client, &script, "a page that does not exist").await;
    // The guide, in two steps and to the people to ask.
    for (path, what) in [
        ("wegweiser", "the guide's first question"),
        ("wegweiser/family", "the guide's services of a subject"),
        ("wegweiser/kontakt", "the guide's people to ask"),
    ] {
        client
            .goto(&format!("{base}/portal/tgh/{path}"))
            .await
            .unwrap();
        wait_for(client, "h2").await;
        accessible(client, &script, what).await;
    }
    (number, link)
}

/// The coordinator signs in, finds the request among the citizens' requests, takes it on
/// and dispatches it to officer `o1`; returns the case id.
async fn coordinator_dispatches(client: &Client, base: &str, number: &str) -> String {
    sign_in(client, base, "koordination", PASSWORD).await;
    wait_for(client, "#f-officer").await;
    client
        .goto(&format!("{base}/backoffice/cases?officer=buergerin"))
        .await
        .unwrap();
    let link = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!("//a[contains(., '{number}')]")))
        .await
        .unwrap_or_else(|e| panic!("the queue does not list {number}: {e}"));
    let href = link.attr("href").await.unwrap().unwrap_or_default();
    let id = href.trim_start_matches("/backoffice/cases/").to_string();
    link.click().await.unwrap();
    assert!(
        text_of(client, "#citizen-request + p")
            .await
            .contains("Mängelmeldung"),
        "the case page shows the citizen's request"
    );
    // With the citizen's photo, shown to the office.
    wait_for(client, ".citizen-request ul.photos img").await;
    // -1 while it is still loading.
    let mut width = serde_json::Value::Null;
    for _ in 0..100 {
        width = client
            .execute(
                "const img = document.querySelector('.citizen-request ul.photos img'); \
                 return img.complete ? img.naturalWidth : -1;",
                vec![],
            )
            .await
            .unwrap();
        if width.as_i64() != Some(-1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        width.as_i64().is_some_and(|w| w > 0),
        "the thumbnail loads: {width}"
    );
    click_transition(client, "triaged").await;
    wait_for_status(client, "triaged").await;
    client
        .find(Locator::Id("assign-officer"))
        .await
        .unwrap()
        .select_by_value("o1")
        .await
        .unwrap();
    click(client, "form[action$='/assign'] button[type=submit]").await;
    wait_for(client, "button[name=to][value=assigned]").await;
    click_transition(client, "assigned").await;
    wait_for_status(client, "assigned").await;
    id
}

/// The officer's tablet gets the case with the citizen's description, and the officer
/// inspects and hands in.
fn officer_inspects(tablet: &Tablet, base: &str, id: &str) {
    tablet.ok(&[
        "enroll",
        "--server",
        base,
        "--username",
        "o1",
        "--password",
        PASSWORD,
        "--device-name",
        "Tablet 1",
    ]);
    tablet.ok(&["templates"]);
    tablet.ok(&["sync"]);
    let case = tablet.case(id);
    assert_eq!(case["status"], "assigned", "{case}");
    assert_eq!(
        case["request"]["answers"]["description"]["long_text"],
        "Ein Sofa und Farbeimer neben dem Weg.",
        "the officer reads what the citizen wrote: {case}"
    );
    // And gets the citizen's photo, with the shared place, without any camera data.
    let photos = case["photos"].as_array().unwrap();
    let sent = photos
        .iter()
        .find(|p| p["field"] == "request.photos")
        .unwrap_or_else(|| panic!("no citizen's photo on the tablet: {case}"));
    assert!(
        (sent["gps"]["lat"].as_f64().unwrap() - 52.52).abs() < 0.01,
        "{sent}"
    );
    let out = tablet.dir.join("citizen-photo.jpg");
    tablet.ok(&[
        "photo",
        sent["sha256"].as_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&out).unwrap();
    let info = annotate::photo::inspect(&bytes, annotate::DecodeLimits::default()).unwrap();
    assert_eq!(
        (info.display_size().width, info.display_size().height),
        (48, 32)
    );
    assert_eq!(info.gps, None, "the place is in the case, not in the photo");
    tablet.complete_waste_inspection(id);
    tablet.ok(&["sync"]);
}

/// The office reviews, approves and closes the inspected case.
async fn office_closes(client: &Client, base: &str, id: &str) {
    client
        .goto(&format!("{base}/backoffice/cases/{id}"))
        .await
        .unwrap();
    wait_for(client, "#status.status-submitted").await;
    for to in ["in_review", "approved", "closed"] {
        click_transition(client, to).await;
        wait_for_status(client, to).await;
    }
}

async fn loop_through_the_town_hall(
    client: &Client,
    base: &str,
    smtp: &SmtpServer,
    tablet: &Tablet,
) {
    let (number, link) = citizen(client, base, smtp).await;
    let id = coordinator_dispatches(client, base, &number).await;
    let (tablet_dir, url, case) = (tablet.dir.clone(), base.to_string(), id.clone());
    tokio::task::spawn_blocking(move || officer_inspects(&Tablet::new(&tablet_dir), &url, &case))
        .await
        .unwrap();
    office_closes(client, base, &id).await;

    // The citizen follows the link again (in German, after the English pages): done, and
    // the way it went.
    client.goto(&format!("{link}?lang=de")).await.unwrap();
    assert_eq!(text_of(client, ".status").await, "Erledigt");
    let steps = text_of(client, "ol.timeline").await;
    let order: Vec<usize> = ["Eingegangen", "In Bearbeitung", "Erledigt"]
        .iter()
        .map(|step| {
            steps
                .find(step)
                .unwrap_or_else(|| panic!("no {step} in {steps}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{steps}");
    assert_eq!(steps.matches("In Bearbeitung").count(), 1, "{steps}");
    accessible(
        client,
        &axe::script(),
        "the tracking page of a closed request",
    )
    .await;
    // Three mails: the confirmation, "in progress" when it was taken on, "done" when it was
    // approved — the office's other steps are no news to the citizen.
    let mails = smtp.wait_for(3, WAIT);
    let with = |words: &str| -> Vec<&String> {
        mails.iter().filter(|mail| mail.contains(words)).collect()
    };
    assert_eq!(with("Ihr Anliegen ist eingegangen").len(), 1, "{mails:?}");
    let notices = [
        with("neuen Stand: In Bearbeitung"),
        with("neuen Stand: Erledigt"),
    ];
    for notice in notices {
        assert_eq!(notice.len(), 1, "one notice each: {mails:?}");
        assert!(notice[0].contains(&number));
        assert!(
            !notice[0].contains("Sofa"),
            "a notice carries no content: {}",
            notice[0]
        );
    }
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(smtp.received().len(), 3, "no more mails than news");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizens_report_goes_to_the_officer_and_back_and_the_citizen_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("smtp"));
    let server = server(&dir.path().join("server"), &smtp);
    let tablet = Tablet::new(&dir.path().join("tablet"));
    let url = server.url.clone();
    drive(ChromeDriver::start(), |client| async move {
        loop_through_the_town_hall(&client, &url, &smtp, &tablet).await;
    })
    .await;
}

async fn offline_page(client: &Client, base: &str, server: &mut ServerProcess) {
    let script = axe::script();
    client.goto(&format!("{base}/portal/tgh/")).await.unwrap();
    wait_for(client, "h1").await;
    // The page's one script registers the service worker; wait until it is in charge.
    let ready = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(ready, serde_json::Value::Bool(true), "{ready}");
    // The connection is gone: the server is dead.
    server.kill9();
    client
        .goto(&format!("{base}/portal/tgh/leistungen/maengelmeldung"))
        .await
        .unwrap();
    assert_eq!(text_of(client, "h1").await, "Keine Verbindung");
    accessible(client, &script, "the offline page").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_connection_the_installed_portal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, &[]);
    for args in [
        &["create-tenant", "tgh", "Gemeinde Tegelhausen"][..],
        &["enable-services", "--tenant", "tgh"][..],
    ] {
        let out = admin(&data, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let url = server.url.clone();
    drive(ChromeDriver::start(), |client| async move {
        offline_page(&client, &url, &mut server).await;
    })
    .await;
}

/// The link in the last mail received that starts with `prefix` (quoted-printable lines
/// unfolded).
fn mailed_link(smtp: &SmtpServer, count: usize, prefix: &str) -> String {
    let mails = smtp.wait_for(count, WAIT);
    let mail = mails
        .iter()
        .find(|mail| {
            mail.replace("=\r\n", "")
                .replace("=\n", "")
                .contains(prefix)
        })
        .unwrap_or_else(|| panic!("no mail with {prefix}: {mails:?}"))
        .replace("=\r\n", "")
        .replace("=\n", "");
    let start = mail.find(prefix).unwrap();
    mail[start..start + prefix.len() + 64].to_string()
}

async fn account_pages(client: &Client, base: &str, smtp: &SmtpServer) {
    let script = axe::script();
    let portal = format!("{base}/portal/tgh");
    // Registering, with the keyboard.
    client.goto(&format!("{portal}/?lang=de")).await.unwrap();
    wait_for(client, "nav.account a").await;
    client
        .find(Locator::Css("nav.account a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "#f-email").await;
    accessible(client, &script, "the sign-in page").await;
    client
        .goto(&format!("{portal}/konto/registrieren"))
        .await
        .unwrap();
    wait_for(client, "#f-password_repeat").await;
    accessible(client, &script, "the registration page").await;
    tab_to(client, "f-email").await;
    let password = "mein Rathaus im Netz 2026";
    keys(
        client,
        &format!("carla@example.org{TAB}{password}{TAB}{password}{ENTER}"),
    )
    .await;
    wait_for(client, "p.notice").await;
    assert!(
        text_of(client, "p.notice")
            .await
            .contains("carla@example.org")
    );
    accessible(client, &script, "the registration's answer").await;

    // The mailed link confirms the address.
    let confirm = mailed_link(smtp, 1, "/portal/tgh/konto/bestaetigen/");
    client.goto(&format!("{base}{confirm}")).await.unwrap();
    wait_for(client, "#f-password").await;
    accessible(client, &script, "the confirmation page").await;
    tab_to(client, "f-password").await;
    keys(client, &format!("{password}{ENTER}")).await;
    // Confirmed with the password, and signed in.
    wait_for(client, "ol.own-requests, p.lead").await;
    assert_eq!(text_of(client, "h1").await, "Mein Rathaus");
    accessible(client, &script, "an empty timeline").await;

    // Signing out and in again, with the keyboard.
    click(client, "nav.account button").await;
    wait_for(client, "nav.account a[href$='/konto/anmelden']").await;
    client
        .goto(&format!("{portal}/konto/anmelden"))
        .await
        .unwrap();
    tab_to(client, "f-email").await;
    keys(client, &format!("carla@example.org{TAB}{password}{ENTER}")).await;
    wait_for(client, "ol.own-requests, p.lead").await;
    assert_eq!(text_of(client, "h1").await, "Mein Rathaus");

    // The profile, then a form it fills.
    client.goto(&format!("{portal}/konto")).await.unwrap();
    wait_for(client, "#f-name").await;
    accessible(client, &script, "the profile page").await;
    tab_to(client, "f-name").await;
    keys(client, "Carla Muster").await;
    tab_to(client, "f-phone").await;
    keys(client, &format!("0170 7654321{ENTER}")).await;
    wait_for(client, "p.notice").await;
    assert!(
        text_of(client, "nav.account .who")
            .await
            .contains("Carla Muster")
    );
    client
        .goto(&format!("{portal}/leistungen/hausnummer-zuteilung"))
        .await
        .unwrap();
    let name = client
        .find(Locator::Id("f-applicant_name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        name.as_deref(),
        Some("Carla Muster"),
        "the profile fills the form"
    );
    accessible(client, &script, "a form filled from the profile").await;

    // A request sent signed in is in the timeline, with its own page.
    client
        .goto(&format!("{portal}/leistungen/maengelmeldung"))
        .await
        .unwrap();
    tab_to(client, "f-problem_type").await;
    keys(client, "W").await;
    tab_to(client, "f-location_address-street").await;
    keys(
        client,
        &format!("Am Waldweg{TAB}3{TAB}12345{TAB}Tegelhausen"),
    )
    .await;
    tab_to(client, "f-description").await;
    keys(client, "Reifen im Graben").await;
    tab_to(client, "send").await;
    keys(client, &ENTER.to_string()).await;
    let number = text_of(client, ".receipt .number").await;
    client
        .goto(&format!("{portal}/mein-rathaus"))
        .await
        .unwrap();
    wait_for(client, "ol.own-requests").await;
    assert!(text_of(client, "ol.own-requests").await.contains(&number));
    accessible(client, &script, "the timeline").await;
    client
        .find(Locator::Css("ol.own-requests a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, ".status").await;
    assert!(
        text_of(client, "dl.answers")
            .await
            .contains("Reifen im Graben")
    );
    accessible(client, &script, "the citizen's own request").await;
    // A message to the office, with the keyboard; the office's mailbox hears of it.
    tab_to(client, "f-message").await;
    keys(client, "Die Reifen liegen links vom Weg.").await;
    tab_to(client, "send-message").await;
    keys(client, &ENTER.to_string()).await;
    wait_for(client, "ol.thread .message").await;
    assert!(text_of(client, "ol.thread").await.contains("links vom Weg"));
    accessible(client, &script, "a request with a message").await;
    // The confirmation of the address, of the request, and the office's notice.
    let mails = smtp.wait_for(3, WAIT);
    let to_office: Vec<_> = mails
        .iter()
        .filter(|m| m.contains("To: ordnungsamt@example.org"))
        .collect();
    assert_eq!(to_office.len(), 1, "{mails:?}");
    assert!(!to_office[0].contains("links vom Weg"), "{}", to_office[0]);

    // Signing out from the header.
    click(client, "nav.account button").await;
    wait_for(client, "nav.account a[href$='/konto/anmelden']").await;
    client
        .goto(&format!("{portal}/mein-rathaus"))
        .await
        .unwrap();
    wait_for(client, "#f-email").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_with_an_account_registers_signs_in_and_finds_their_requests() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(&dir.path().join("smtp"));
    let server = server(&dir.path().join("server"), &smtp);
    let url = server.url.clone();
    drive(ChromeDriver::start(), |client| async move {
        account_pages(&client, &url, &smtp).await;
    })
    .await;
}

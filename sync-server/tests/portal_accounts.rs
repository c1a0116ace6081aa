//! Citizens' accounts over real HTTP: registering, the mailed confirmation, signing in and
//! out, the profile filling the services' forms, "Mein Rathaus" with the account's own
//! requests, a forgotten password, deleting the account — and the account as an attacker
//! meets it: another citizen's requests, another tenant's portal, a staff session, forged
//! forms, guessed passwords, a way out to another site.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::TestServer;
use common::browser::{Browser, Page};
use common::portal::{confirm_address, link, new_mails, number_of, offering, send_report};
use reqwest::StatusCode;

const PASSWORD: &str = "ein langer Satz zum Merken";

async fn server() -> TestServer {
    offering(&[
        ("a", "maengelmeldung"),
        ("a", "hausnummer-zuteilung"),
        ("b", "maengelmeldung"),
    ])
    .await
}

async fn register(citizen: &mut Browser, email: &str, password: &str) -> Page {
    let csrf = citizen.get("/portal/a/konto/registrieren").await.csrf();
    citizen
        .post(
            "/portal/a/konto/registrieren",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", password),
                ("password_repeat", password),
            ],
        )
        .await
}

async fn sign_in(citizen: &mut Browser, email: &str, password: &str) -> Page {
    let csrf = citizen.get("/portal/a/konto/anmelden").await.csrf();
    citizen
        .post(
            "/portal/a/konto/anmelden",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
}

/// A confirmed account of `email`, signed in.
async fn citizen(server: &TestServer, email: &str) -> Browser {
    let mut citizen = Browser::new(server);
    assert_eq!(
        register(&mut citizen, email, PASSWORD).await.status,
        StatusCode::OK
    );
    let mails = new_mails(server).await;
    let confirm = link(&mails[0], "/portal/a/konto/bestaetigen/");
    // Confirming with the password signs in.
    let confirmed = confirm_address(&mut citizen, &confirm, PASSWORD).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert!(citizen.cookies.contains_key("naper_citizen"));
    citizen
}

/// Sends a problem report; its number.
async fn report(citizen: &mut Browser, description: &str) -> String {
    let tracking = send_report(citizen, description, "").await;
    number_of(citizen, &tracking).await
}

fn value_of(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in:\n{body}"));
    let tag_end = body[start..].find('>').unwrap() + start;
    let tag = &body[start..tag_end];
    tag.find("value=\"").map_or(String::new(), |v| {
        let rest = &tag[v + 7..];
        rest[..rest.find('"').unwrap()].to_string()
    })
}

#[tokio::test]
async fn a_citizen_registers_confirms_signs_in_and_finds_their_requests() {
    let server = server().await;
    let mut anna = Browser::new(&server);
    let page = anna.get("/portal/a/konto/registrieren").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("autocomplete=\"new-password\""),
        "{}",
        page.body
    );
    let registered = register(&mut anna, "Anna@Example.org", PASSWORD).await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    assert!(
        registered.body.contains("Fast geschafft"),
        "{}",
        registered.body
    );
    let mails = new_mails(&server).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipient, "anna@example.org");
    let confirm = link(&mails[0], "/portal/a/konto/bestaetigen/");

    // Not before the address is confirmed.
    let early = sign_in(&mut anna, "anna@example.org", PASSWORD).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN);
    assert!(
        early.body.contains("bestätigen Sie zuerst"),
        "{}",
        early.body
    );
    // Opening the link confirms nothing (a mail scanner may open it): the password does.
    let asked = anna.get(&confirm).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert_eq!(
        sign_in(&mut anna, "anna@example.org", PASSWORD)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let csrf = asked.csrf();
    let wrong = anna
        .post(
            &confirm,
            &[("csrf", &csrf), ("password", "ein falscher Satz dazu")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let confirmed = confirm_address(&mut anna, &confirm, PASSWORD).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(
        confirmed.location.as_deref(),
        Some("/portal/a/mein-rathaus"),
        "signed in at once"
    );
    assert_eq!(
        anna.get(&confirm).await.status,
        StatusCode::GONE,
        "a link works once"
    );
    // Signed out again, to sign in by hand.
    anna.cookies.remove("naper_citizen");

    let wrong = sign_in(
        &mut anna,
        "anna@example.org",
        "ein falscher Satz zum Merken",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let signed_in = sign_in(&mut anna, "ANNA@example.org ", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(
        signed_in.location.as_deref(),
        Some("/portal/a/mein-rathaus")
    );
    let cookie = signed_in
        .set_cookies
        .iter()
        .find(|c| c.starts_with("naper_citizen="))
        .unwrap();
    assert!(
        cookie.contains("Path=/portal/a;") && cookie.contains("HttpOnly"),
        "scoped to this portal: {cookie}"
    );

    let town_hall = anna.get("/portal/a/mein-rathaus").await;
    assert_eq!(town_hall.status, StatusCode::OK);
    assert!(
        town_hall.body.contains("noch kein Anliegen"),
        "{}",
        town_hall.body
    );
    assert!(town_hall.body.contains("Angemeldet als anna@example.org"));

    // The profile fills the forms.
    let profile = anna.get("/portal/a/konto").await;
    let csrf = profile.csrf();
    let saved = anna
        .post(
            "/portal/a/konto",
            &[
                ("csrf", &csrf),
                ("name", "Anna Beispiel"),
                ("organisation", ""),
                ("street", "Lindenweg"),
                ("house_number", "4a"),
                ("postal_code", "12345"),
                ("city", "Tegelhausen"),
                ("phone", "0170 1234567"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("gespeichert"));
    assert!(saved.body.contains("Angemeldet als Anna Beispiel"));
    let form = anna.get("/portal/a/leistungen/hausnummer-zuteilung").await;
    assert_eq!(value_of(&form.body, "f-applicant_name"), "Anna Beispiel");
    assert_eq!(
        value_of(&form.body, "f-applicant_address-street"),
        "Lindenweg"
    );
    assert_eq!(
        value_of(&form.body, "f-applicant_address-house_number"),
        "4a"
    );
    assert_eq!(value_of(&form.body, "notify-email"), "anna@example.org");

    // A request sent signed in joins the timeline.
    let number = report(&mut anna, "Sofa am Waldweg").await;
    let town_hall = anna.get("/portal/a/mein-rathaus").await;
    assert!(town_hall.body.contains(&number), "{}", town_hall.body);
    assert!(town_hall.body.contains("Eingegangen"));
    let own = anna.get(&format!("/portal/a/mein-rathaus/{number}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Sofa am Waldweg"), "{}", own.body);
    let (status, content_type, pdf) = anna
        .get_bytes(&format!(
            "/portal/a/mein-rathaus/{number}/eingangsbestaetigung.pdf"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/pdf");
    let text = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains(&number) && text.contains("Mein Rathaus"),
        "{text}"
    );

    // Signing out ends the session.
    let csrf = value_of(&own.body, "sign-out-csrf");
    let out = anna
        .post("/portal/a/konto/abmelden", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.set_cookies.iter().any(|c| c.contains("Max-Age=0")));
    let after = anna.get("/portal/a/mein-rathaus").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(
        after
            .location
            .unwrap()
            .starts_with("/portal/a/konto/anmelden?weiter=")
    );
}

#[tokio::test]
async fn a_citizen_sees_only_their_own_requests_on_their_own_portal() {
    let server = server().await;
    let mut anna = citizen(&server, "anna@example.org").await;
    let mut bert = citizen(&server, "bert@example.org").await;
    let number = report(&mut anna, "Annas Sofa").await;
    // Sent without an account: nobody's timeline.
    let anonymous_number = report(&mut Browser::new(&server), "Ohne Konto").await;

    let own = format!("/portal/a/mein-rathaus/{number}");
    assert_eq!(anna.get(&own).await.status, StatusCode::OK);
    // Another citizen: as if there were no such request.
    assert_eq!(bert.get(&own).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        bert.get(&format!("{own}/eingangsbestaetigung.pdf"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anna.get(&format!("/portal/a/mein-rathaus/{anonymous_number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let berts = bert.get("/portal/a/mein-rathaus").await;
    assert!(!berts.body.contains(&number) && !berts.body.contains(&anonymous_number));
    let annas = anna.get("/portal/a/mein-rathaus").await;
    assert!(annas.body.contains(&number) && !annas.body.contains(&anonymous_number));
    // Nobody signed in: the way to sign in, nothing else.
    let stranger = Browser::new(&server).get(&own).await;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
    assert!(!stranger.body.contains("Annas Sofa"));

    // Anna's session on another tenant's portal is nobody there.
    let elsewhere = anna.get("/portal/b/mein-rathaus").await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
    assert!(
        elsewhere
            .location
            .unwrap()
            .starts_with("/portal/b/konto/anmelden")
    );
    // A back-office session means nothing on the portal, and the citizen's nothing in the
    // back office.
    let mut staff = Browser::signed_in(&server, "coordinator").await;
    let portal = staff.get("/portal/a/mein-rathaus").await;
    assert_eq!(portal.status, StatusCode::SEE_OTHER);
    let session = anna.cookies.get("naper_citizen").cloned().unwrap();
    let mut forged = Browser::new(&server);
    forged.cookies.insert("naper_session".into(), session);
    let backoffice = forged.get("/backoffice/cases").await;
    assert_eq!(
        backoffice.status,
        StatusCode::SEE_OTHER,
        "to the staff login"
    );
    assert!(
        backoffice
            .location
            .unwrap()
            .starts_with("/backoffice/login")
    );
}

#[tokio::test]
async fn forgotten_passwords_and_deleted_accounts() {
    let server = server().await;
    let mut anna = citizen(&server, "anna@example.org").await;
    let number = report(&mut anna, "Annas Sofa").await;
    let mut other = Browser::new(&server);
    let server_ref = &server;
    let forgot = |address: &'static str| async move {
        let mut browser = Browser::new(server_ref);
        let csrf = browser
            .get("/portal/a/konto/passwort-vergessen")
            .await
            .csrf();
        browser
            .post(
                "/portal/a/konto/passwort-vergessen",
                &[("csrf", &csrf), ("email", address)],
            )
            .await
    };
    // An address without an account: the same answer, no mail.
    let unknown = forgot("niemand@example.org").await;
    let known = forgot("anna@example.org").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(
        unknown.body.replace("niemand@example.org", "X"),
        known.body.replace("anna@example.org", "X"),
        "the answer does not tell whether an account exists"
    );
    let mails = new_mails(&server).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let reset = link(&mails[0], "/portal/a/konto/neues-passwort/");
    let page = other.get(&reset).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let differ = other
        .post(
            &reset,
            &[
                ("csrf", &csrf),
                ("password", "ein neuer langer Satz"),
                ("password_repeat", "ein anderer Satz"),
            ],
        )
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    let short = other
        .post(
            &reset,
            &[
                ("csrf", &csrf),
                ("password", "kurz"),
                ("password_repeat", "kurz"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("mindestens 10 Zeichen"),
        "{}",
        short.body
    );
    let new_password = "ein neuer langer Satz";
    let done = other
        .post(
            &reset,
            &[
                ("csrf", &csrf),
                ("password", new_password),
                ("password_repeat", new_password),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(other.get(&reset).await.status, StatusCode::GONE, "spent");
    // Anna's old session ended with the old password.
    assert_eq!(
        anna.get("/portal/a/mein-rathaus").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&mut anna, "anna@example.org", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&mut anna, "anna@example.org", new_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Registering the address again makes no second account; its owner is told.
    let again = register(
        &mut Browser::new(&server),
        "anna@example.org",
        "noch ein Satz dazu",
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    let mails = new_mails(&server).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].body_text.contains("schon eines"),
        "{}",
        mails[0].body_text
    );
    assert_eq!(
        sign_in(
            &mut Browser::new(&server),
            "anna@example.org",
            "noch ein Satz dazu"
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );

    // Deleting needs the password; the request stays with the office.
    let profile = anna.get("/portal/a/konto").await;
    let csrf = profile.csrf();
    let wrong = anna
        .post(
            "/portal/a/konto/loeschen",
            &[("csrf", &csrf), ("delete_password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let deleted = anna
        .post(
            "/portal/a/konto/loeschen",
            &[("csrf", &csrf), ("delete_password", new_password)],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(deleted.body.contains("Konto ist gelöscht"));
    assert_eq!(
        sign_in(&mut anna, "anna@example.org", new_password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let mut office = Browser::signed_in(&server, "coordinator").await;
    let queue = office.get("/backoffice/cases?officer=buergerin").await;
    assert!(
        queue.body.contains(&number),
        "the request stays: {}",
        queue.body
    );
}

#[tokio::test]
async fn forged_forms_guessed_passwords_and_ways_out_are_refused() {
    let server = server().await;
    let mut anna = citizen(&server, "anna@example.org").await;
    // Forms of the session need the session's token.
    let out = anna
        .post("/portal/a/konto/abmelden", &[("csrf", &"0".repeat(64))])
        .await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    let profile = anna
        .post("/portal/a/konto", &[("csrf", ""), ("name", "Mallory")])
        .await;
    assert_eq!(profile.status, StatusCode::FORBIDDEN);
    let delete = anna
        .post(
            "/portal/a/konto/loeschen",
            &[("csrf", "x"), ("delete_password", PASSWORD)],
        )
        .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    assert_eq!(
        anna.get("/portal/a/mein-rathaus").await.status,
        StatusCode::OK
    );
    // Forms before signing in need the form token.
    let mut mallory = Browser::new(&server);
    let refused = mallory
        .post(
            "/portal/a/konto/anmelden",
            &[("email", "anna@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Guessing locks the pair out for a while.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let page = sign_in(
            &mut mallory,
            "anna@example.org",
            &format!("geraten Nummer {i}"),
        )
        .await;
        statuses.push(page.status);
    }
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // After signing in, only the own portal's pages: never another site.
    let mut bert = Browser::new(&server);
    let _ = register(&mut bert, "bert@example.org", PASSWORD).await;
    let mails = new_mails(&server).await;
    confirm_address(
        &mut bert,
        &link(&mails[0], "/portal/a/konto/bestaetigen/"),
        PASSWORD,
    )
    .await;
    bert.cookies.remove("naper_citizen");
    let csrf = bert
        .get("/portal/a/konto/anmelden?weiter=https%3A%2F%2Fevil.example%2F")
        .await
        .csrf();
    let signed_in = bert
        .post(
            "/portal/a/konto/anmelden?weiter=https%3A%2F%2Fevil.example%2F",
            &[
                ("csrf", &csrf),
                ("email", "bert@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        signed_in.location.as_deref(),
        Some("/portal/a/mein-rathaus")
    );
    // Markup in a profile is text.
    let csrf = bert.get("/portal/a/konto").await.csrf();
    bert.post(
        "/portal/a/konto",
        &[("csrf", &csrf), ("name", "<script>alert(1)</script>")],
    )
    .await;
    let page = bert.get("/portal/a/mein-rathaus").await;
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(
        page.body.contains("alert(1)"),
        "shown as text: {}",
        page.body
    );
}

/// Somebody who registers another's address first gets no way in: the owner's own
/// registration replaces the password, and a confirmation needs the password.
#[tokio::test]
async fn registering_anothers_address_first_gives_no_way_in() {
    let server = server().await;
    let mut mallory = Browser::new(&server);
    register(&mut mallory, "anna@example.org", "das Passwort von Mallory").await;
    let planted = link(&new_mails(&server).await[0], "/portal/a/konto/bestaetigen/");
    // Anna registers herself; Mallory's link and password are gone.
    let mut anna = Browser::new(&server);
    register(&mut anna, "anna@example.org", PASSWORD).await;
    let own = link(&new_mails(&server).await[0], "/portal/a/konto/bestaetigen/");
    assert_eq!(mallory.get(&planted).await.status, StatusCode::GONE);
    // A mail scanner opens Anna's link: nothing is confirmed.
    assert_eq!(Browser::new(&server).get(&own).await.status, StatusCode::OK);
    let csrf = mallory.get(&own).await.csrf();
    let tried = mallory
        .post(
            &own,
            &[("csrf", &csrf), ("password", "das Passwort von Mallory")],
        )
        .await;
    assert_eq!(tried.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sign_in(&mut mallory, "anna@example.org", "das Passwort von Mallory")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // On another tenant's portal the link is nothing.
    let elsewhere = own.replace("/portal/a/", "/portal/b/");
    assert_eq!(anna.get(&elsewhere).await.status, StatusCode::GONE);
    assert_eq!(
        confirm_address(&mut anna, &own, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

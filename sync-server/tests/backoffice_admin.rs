//! Back office administration (users, devices, templates) and the audit log page: what an
//! admin can do, and that every other role, another tenant's admin, a signed-out browser and
//! a form without the right CSRF token are refused.
#![allow(clippy::unwrap_used)] // a test crate: a panic here is a failed test

mod common;

use common::browser::{BO_TEMPLATE, Browser, install_template, synced_case};
use common::{TestServer, add_admin};
use reqwest::StatusCode;
use schema::{CaseId, FieldValue};
use sync_server::store::{accounts, sync_states};

/// Adds an admin to tenant `a` (`admin`) and to tenant `b` (`b.admin`).
async fn with_admins(server: &TestServer) {
    add_admin(server, "a", "admin").await;
    add_admin(server, "b", "b.admin").await;
}

async fn setup() -> TestServer {
    let server = TestServer::start().await;
    with_admins(&server).await;
    server
}

fn admin_pages() -> Vec<&'static str> {
    vec![
        "/backoffice/admin/users",
        "/backoffice/admin/devices",
        "/backoffice/admin/templates",
    ]
}

/// Every admin action with a form that would succeed for tenant `a`'s admin, on `device`.
fn admin_actions(device: &str) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/backoffice/admin/users".into(),
            vec![
                ("username", "neu"),
                ("display_name", "Neu"),
                ("role", "viewer"),
                ("password", "langes-passwort"),
            ],
        ),
        (
            "/backoffice/admin/users/officer2/role".into(),
            vec![("role", "viewer")],
        ),
        (
            "/backoffice/admin/users/officer2/password".into(),
            vec![("password", "ganz-neues-passwort")],
        ),
        (
            "/backoffice/admin/users/officer2/delete".into(),
            vec![("confirm", "on")],
        ),
        (format!("/backoffice/admin/devices/{device}/revoke"), vec![]),
        (
            "/backoffice/admin/roles".into(),
            vec![("originals_viewer", "on")],
        ),
        (
            "/backoffice/admin/templates".into(),
            vec![("json", BO_TEMPLATE)],
        ),
    ]
}

fn with_csrf<'a>(csrf: &'a str, form: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(form);
    all
}

/// What the refused actions could have changed: users, devices, templates, role grants.
async fn snapshot(server: &TestServer) -> String {
    let store = server.store();
    tokio::task::spawn_blocking(move || {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}",
            store.read(|tx| accounts::tenant_users(tx, "a")).unwrap(),
            store.read(|tx| accounts::tenant_devices(tx, "a")).unwrap(),
            store
                .read(|tx| sync_server::store::templates::of_tenant(tx, "a", None))
                .unwrap(),
            store
                .read(|tx| sync_server::store::grants::of_tenant(tx, "a"))
                .unwrap()
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_pages_and_actions_refuse_other_roles_tenants_signed_out_users_and_bad_tokens() {
    let server = setup().await;
    let tablet = server.tablet("officer1").await;
    let device = tablet.enrolled.device_id.clone();
    let before = snapshot(&server).await;

    // Signed out: pages go to the login, forms are 401.
    let mut nobody = Browser::new(&server);
    for page in admin_pages().into_iter().chain(["/backoffice/audit"]) {
        let answer = nobody.get(page).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
        assert!(
            answer
                .location
                .unwrap()
                .starts_with("/backoffice/login?next=")
        );
    }
    for (path, form) in admin_actions(&device) {
        let answer = nobody.post(&path, &with_csrf("00", &form)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
    }

    // Lower roles: 403 on every admin page and action; the audit log is for coordinators
    // too, not for viewers.
    for (user, audit) in [
        ("coordinator", StatusCode::OK),
        ("viewer", StatusCode::FORBIDDEN),
    ] {
        let mut browser = Browser::signed_in(&server, user).await;
        let csrf = browser.csrf().await;
        for page in admin_pages() {
            let answer = browser.get(page).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{user} {page}");
            assert!(
                answer
                    .body
                    .contains("Ihre Rolle erlaubt diese Aktion nicht.")
            );
        }
        assert_eq!(
            browser.get("/backoffice/audit").await.status,
            audit,
            "{user}"
        );
        for (path, form) in admin_actions(&device) {
            let answer = browser.post(&path, &with_csrf(&csrf, &form)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{user} {path}");
        }
        // Their pages offer no admin links.
        let queue = browser.get("/backoffice/cases").await;
        assert!(!queue.body.contains("/backoffice/admin/"));
    }

    // Another tenant's admin: tenant a's users and devices do not exist for them.
    let mut other = Browser::signed_in(&server, "b.admin").await;
    let csrf = other.csrf().await;
    let users = other.get("/backoffice/admin/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("b.officer") && !users.body.contains("officer2"));
    let devices = other.get("/backoffice/admin/devices").await;
    assert!(!devices.body.contains(&device));
    for (path, form) in admin_actions(&device).into_iter().skip(1).take(4) {
        let theirs = other.post(&path, &with_csrf(&csrf, &form)).await;
        let missing_path = path
            .replace("officer2", "nobody-here")
            .replace(&device, "no-such-device");
        let missing = other.post(&missing_path, &with_csrf(&csrf, &form)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(theirs.body, missing.body, "{path}: like a missing one");
    }

    // The admin without or with a wrong token.
    let mut admin = Browser::signed_in(&server, "admin").await;
    let someone_elses = csrf;
    for (path, form) in admin_actions(&device) {
        for token in [None, Some("0".repeat(64)), Some(someone_elses.clone())] {
            let body = match &token {
                Some(token) => with_csrf(token, &form),
                None => form.clone(),
            };
            let answer = admin.post(&path, &body).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} {token:?}");
            assert!(answer.body.contains("Das Formular ist abgelaufen"));
        }
    }
    assert_eq!(snapshot(&server).await, before, "nothing changed");
    // The device still syncs.
    assert_eq!(
        tablet.get("/api/v1/templates").await.status(),
        StatusCode::OK
    );
}

/// An officer with open cases assigned is not deleted: nobody's tablet would get those
/// cases any more. Once they are assigned to someone else, the deletion goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_with_open_assigned_cases_is_not_deleted() {
    let server = setup().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let case = synced_case(&mut tablet, |_| {}).await;
    let mut admin = Browser::signed_in(&server, "admin").await;
    let csrf = admin.get("/backoffice/admin/users").await.csrf();
    let delete = [("csrf", csrf.as_str()), ("confirm", "on")];

    let refused = admin
        .post("/backoffice/admin/users/officer1/delete", &delete)
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("noch offene Fälle zugewiesen") && refused.body.contains(": 1"),
        "{}",
        refused.body
    );
    assert!(
        server
            .store()
            .read(|tx| accounts::user(tx, "officer1"))
            .unwrap()
            .is_some()
    );

    server
        .edit(case, "coordinator", |c| {
            c.assigned_officer = Some("officer2".into());
        })
        .await;
    let deleted = admin
        .post("/backoffice/admin/users/officer1/delete", &delete)
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(
        server
            .store()
            .read(|tx| accounts::user(tx, "officer1"))
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_a_user_changes_the_role_resets_the_password_and_deletes_them() {
    let server = setup().await;
    let mut admin = Browser::signed_in(&server, "admin").await;
    let page = admin.get("/backoffice/admin/users").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("officer1") && !page.body.contains("b.officer"));
    assert!(
        page.body.contains("/backoffice/admin/templates"),
        "nav links"
    );
    let csrf = page.csrf();

    let create = |name: &'static str, password: &'static str| {
        vec![
            ("username", name),
            ("display_name", "Jörg Müßig"),
            ("role", "viewer"),
            ("password", password),
        ]
    };
    let short = admin
        .post(
            "/backoffice/admin/users",
            &with_csrf(&csrf, &create("joerg", "kurz")),
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.body.contains("mindestens 8 Zeichen"));
    let spaced = admin
        .post(
            "/backoffice/admin/users",
            &with_csrf(&csrf, &create("j m", "lang-genug-1")),
        )
        .await;
    assert_eq!(spaced.status, StatusCode::BAD_REQUEST);
    let created = admin
        .post(
            "/backoffice/admin/users",
            &with_csrf(&csrf, &create("joerg", "lang-genug-1")),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    // User names are unique across tenants: b's officer cannot be created again in a.
    let taken = admin
        .post(
            "/backoffice/admin/users",
            &with_csrf(&csrf, &create("b.officer", "lang-genug-1")),
        )
        .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(taken.body.contains("schon vergeben"));
    let page = admin.get("/backoffice/admin/users").await;
    assert!(page.body.contains("Jörg Müßig"));

    let mut joerg = Browser::new(&server);
    assert_eq!(
        joerg.login("joerg", "lang-genug-1").await.status,
        StatusCode::SEE_OTHER
    );
    let csrf_joerg = joerg.csrf().await;
    // A viewer may not comment …
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let case = synced_case(&mut tablet, |c| c.title = "Fall".into()).await;
    let comment = format!("/backoffice/cases/{case}/comments");
    let refused = joerg
        .post(&comment, &[("csrf", &csrf_joerg), ("text", "x")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // … and as a case worker, in the same session, may.
    let role = admin
        .post(
            "/backoffice/admin/users/joerg/role",
            &[("csrf", &csrf), ("role", "case_worker")],
        )
        .await;
    assert_eq!(role.status, StatusCode::SEE_OTHER, "{}", role.body);
    let allowed = joerg
        .post(&comment, &[("csrf", &csrf_joerg), ("text", "x")])
        .await;
    assert_eq!(allowed.status, StatusCode::SEE_OTHER, "{}", allowed.body);
    let unknown = admin
        .post(
            "/backoffice/admin/users/joerg/role",
            &[("csrf", &csrf), ("role", "king")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);

    // A new password replaces the old one.
    let reset = admin
        .post(
            "/backoffice/admin/users/joerg/password",
            &[("csrf", &csrf), ("password", "noch-laenger-2")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(
        joerg.get("/backoffice/cases").await.status,
        StatusCode::SEE_OTHER,
        "signed out by the reset"
    );
    let mut again = Browser::new(&server);
    assert_eq!(
        again.login("joerg", "lang-genug-1").await.status,
        StatusCode::UNAUTHORIZED,
        "the old password is refused"
    );
    assert_eq!(
        again.login("joerg", "noch-laenger-2").await.status,
        StatusCode::SEE_OTHER
    );

    // An admin cannot take their own rights away.
    for (path, form) in [
        ("/backoffice/admin/users/admin/role", ("role", "viewer")),
        ("/backoffice/admin/users/admin/delete", ("confirm", "on")),
    ] {
        let answer = admin.post(path, &[("csrf", &csrf), form]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(answer.body.contains("eigenen Administrationsrechte"));
    }
    // Deleting needs the confirmation, then ends the user's session at once.
    let mut joerg = again;
    let unconfirmed = admin
        .post("/backoffice/admin/users/joerg/delete", &[("csrf", &csrf)])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
    let deleted = admin
        .post(
            "/backoffice/admin/users/joerg/delete",
            &[("csrf", &csrf), ("confirm", "on")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        joerg.get("/backoffice/cases").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        Browser::new(&server)
            .login("joerg", "noch-laenger-2")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Every change is in the audit log, newest first.
    let log = admin.get("/backoffice/audit?user=admin").await;
    assert_eq!(log.status, StatusCode::OK);
    let order: Vec<usize> = [
        "delete_user",
        "reset_password",
        "change_role",
        "create_user",
    ]
    .iter()
    .map(|action| {
        log.body
            .find(&format!("<td class=\"action\" data-action=\"{action}\">"))
            .unwrap_or_else(|| panic!("{action} missing:\n{}", log.body))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_at_once_and_listed_with_its_last_sync() {
    let server = setup().await;
    let mut tablet = server.tablet("officer1").await;
    let other = server.tablet("officer2").await;
    let device = tablet.enrolled.device_id.clone();
    let mut admin = Browser::signed_in(&server, "admin").await;
    let page = admin.get("/backoffice/admin/devices").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&device) && page.body.contains("tablet of officer1"));
    assert!(page.body.contains("nie"), "never synced yet");

    install_template(&server).await;
    let case = synced_case(&mut tablet, |c| c.title = "Fall".into()).await;
    let device_row = |body: &str| {
        let start = body.find(&format!("id=\"device-{device}\"")).unwrap();
        body[start..start + body[start..].find("</tr>").unwrap()].to_string()
    };
    let page = admin.get("/backoffice/admin/devices").await;
    let row = device_row(&page.body);
    assert!(
        !row.contains("nie") && (row.contains("CET") || row.contains("CEST")),
        "{row}"
    );

    let csrf = page.csrf();
    let revoked = admin
        .post(
            &format!("/backoffice/admin/devices/{device}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(
        tablet.get("/api/v1/templates").await.status(),
        StatusCode::UNAUTHORIZED,
        "the very next request is refused"
    );
    assert_eq!(
        other.get("/api/v1/templates").await.status(),
        StatusCode::OK,
        "other devices keep working"
    );
    let page = admin.get("/backoffice/admin/devices").await;
    assert!(page.body.contains("gesperrt"));
    // Its sync states went with the revocation; its last sync is still listed.
    let row = device_row(&page.body);
    assert!(row.contains("CET") || row.contains("CEST"), "{row}");
    let store = server.store();
    let key = device.clone();
    let replicas =
        tokio::task::spawn_blocking(move || store.read(|tx| sync_states::load(tx, &key, &[case])))
            .await
            .unwrap()
            .unwrap();
    assert!(replicas[&case].state.is_none(), "sync state deleted");
    let entries = server.audit("a", None, 10).await;
    assert!(
        entries
            .iter()
            .any(|e| e.action == "revoke_device" && e.detail.contains(&device))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_checked_with_paths_versions_only_grow_and_cases_keep_their_version() {
    let server = setup().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let case = synced_case(&mut tablet, |c| {
        c.title = "Alter Fall".into();
        c.fields.insert("count".into(), FieldValue::Integer(4));
    })
    .await;
    let mut admin = Browser::signed_in(&server, "admin").await;
    let page = admin.get("/backoffice/admin/templates").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("bo-check") && page.body.contains("illegal-waste-dumping"));
    let csrf = page.csrf();
    let before = snapshot(&server).await;

    // Broken: every problem with its JSON path, the JSON kept in the form, nothing stored.
    let broken = BO_TEMPLATE
        .replace("\"version\":1", "\"version\":2")
        .replace("\"min\":0,\"max\":100", "\"min\":5,\"max\":1")
        .replace(
            "\"type\":\"photos\",",
            "\"type\":\"photos\",\"max_count\":0,",
        );
    let answer = admin
        .post(
            "/backoffice/admin/templates",
            &[("csrf", &csrf), ("json", &broken)],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("$.sections[0].fields[2].min"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("$.sections[0].fields[5].max_count"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("Anzahl Säcke"),
        "the JSON stays in the form"
    );
    let not_json = admin
        .post(
            "/backoffice/admin/templates",
            &[("csrf", &csrf), ("json", "{\"id\": ")],
        )
        .await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_json.body.contains("<code>$</code>"),
        "{}",
        not_json.body
    );
    // Not newer than the stored version, or meant for another tenant.
    let same = admin
        .post(
            "/backoffice/admin/templates",
            &[("csrf", &csrf), ("json", BO_TEMPLATE)],
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.body.contains("$.version"), "{}", same.body);
    let foreign = BO_TEMPLATE.replace("\"version\":1,", "\"version\":2,\"tenant\":\"b\",");
    let foreign = admin
        .post(
            "/backoffice/admin/templates",
            &[("csrf", &csrf), ("json", &foreign)],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.body.contains("$.tenant"), "{}", foreign.body);
    assert_eq!(snapshot(&server).await, before, "nothing stored");

    // A newer version is stored for this tenant only.
    let newer = BO_TEMPLATE
        .replace("\"version\":1", "\"version\":2")
        .replace("Anzahl Säcke", "Anzahl Beutel");
    let saved = admin
        .post(
            "/backoffice/admin/templates",
            &[("csrf", &csrf), ("json", &newer)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let list = admin.get(saved.location.as_deref().unwrap()).await;
    assert!(
        list.body.contains("Gespeichert: bo-check v2"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("v1 (mitgeliefert), v2 (eigene)"),
        "{}",
        list.body
    );
    assert_eq!(
        tablet.get("/api/v1/templates/bo-check/2").await.status(),
        StatusCode::OK
    );
    let mut other = Browser::signed_in(&server, "b.admin").await;
    let theirs = other.get("/backoffice/admin/templates").await;
    assert!(!theirs.body.contains("v2 (eigene)"));

    // The existing case keeps version 1 and its labels.
    let page = admin.case_page(case).await;
    assert!(page.body.contains("Anzahl Säcke"), "{}", page.body);
    assert!(!page.body.contains("Anzahl Beutel"));
    let stored = server.case(case).await.unwrap();
    assert_eq!(stored.template.version, 1);
}

/// Two admins upload the same new version at the same moment: both pass the form's check,
/// which reads the stored versions before either is written, so the store decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_uploads_of_one_version_at_once_one_is_stored_and_the_other_refused() {
    let server = setup().await;
    install_template(&server).await;
    let mut first = Browser::signed_in(&server, "admin").await;
    let mut second = Browser::signed_in(&server, "admin").await;
    let first_csrf = first.get("/backoffice/admin/templates").await.csrf();
    let second_csrf = second.get("/backoffice/admin/templates").await.csrf();
    for version in 2..7u32 {
        let labelled = |label: &str| {
            BO_TEMPLATE
                .replace("\"version\":1", &format!("\"version\":{version}"))
                .replace("Anzahl Säcke", label)
        };
        let (a, b) = (labelled("Anzahl A"), labelled("Anzahl B"));
        let a_form = [("csrf", first_csrf.as_str()), ("json", a.as_str())];
        let b_form = [("csrf", second_csrf.as_str()), ("json", b.as_str())];
        let (a_answer, b_answer) = tokio::join!(
            first.post("/backoffice/admin/templates", &a_form),
            second.post("/backoffice/admin/templates", &b_form),
        );
        let (stored_label, refused) = match (a_answer.status, b_answer.status) {
            (StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY) => ("Anzahl A", b_answer),
            (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::SEE_OTHER) => ("Anzahl B", a_answer),
            other => panic!("version {version}: one upload must be stored, got {other:?}"),
        };
        assert!(refused.body.contains("$.version"), "{}", refused.body);
        let store = server.store();
        let row = tokio::task::spawn_blocking(move || {
            store.read(|tx| sync_server::store::templates::find(tx, "a", "bo-check", version))
        })
        .await
        .unwrap()
        .unwrap()
        .unwrap();
        assert!(
            row.json.contains(stored_label),
            "version {version} holds what was answered as stored"
        );
    }
}

/// The lists of users and devices and the audit log show personal data, so opening them is
/// logged like opening a case; a refused opening shows nothing and is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_the_users_devices_and_audit_log_is_logged() {
    let server = setup().await;
    let mut viewer = Browser::signed_in(&server, "viewer").await;
    for path in ["/backoffice/admin/users", "/backoffice/admin/devices"] {
        assert_eq!(viewer.get(path).await.status, StatusCode::FORBIDDEN);
    }
    let mut admin = Browser::signed_in(&server, "admin").await;
    for path in [
        "/backoffice/admin/users",
        "/backoffice/admin/devices",
        "/backoffice/audit?user=viewer&page=1",
    ] {
        assert_eq!(admin.get(path).await.status, StatusCode::OK, "{path}");
    }
    let entries = server.audit("a", None, 20).await;
    let mut views: Vec<(String, String, String)> = entries
        .into_iter()
        .filter(|e| e.action.starts_with("view_"))
        .map(|e| (e.username, e.action, e.detail))
        .collect();
    views.sort();
    let expected = [
        ("admin", "view_audit_log", "user=viewer page=1"),
        ("admin", "view_devices", ""),
        ("admin", "view_users", ""),
    ]
    .map(|(u, a, d)| (u.to_string(), a.to_string(), d.to_string()));
    assert_eq!(views, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_shows_the_tenants_entries_newest_first_paged_and_filtered() {
    let server = setup().await;
    install_template(&server).await;
    let mut tablet = server.tablet("officer1").await;
    let first = synced_case(&mut tablet, |c| c.title = "Erster".into()).await;
    let second = synced_case(&mut tablet, |c| c.title = "Zweiter".into()).await;
    let mut viewer = Browser::signed_in(&server, "viewer").await;
    for _ in 0..52 {
        assert_eq!(viewer.case_page(first).await.status, StatusCode::OK);
    }
    viewer.case_page(second).await;
    let mut other = Browser::signed_in(&server, "b.coordinator").await;
    other.get("/backoffice/cases").await;

    let mut coordinator = Browser::signed_in(&server, "coordinator").await;
    let page = coordinator.get("/backoffice/audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // 52 + 1 views and 2 logins of tenant a; b's login is not there.
    assert!(
        page.body.contains("<span id=\"total\">55</span>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("b.coordinator"));
    assert!(page.body.contains("Seite 1 / 2"));
    // Newest first: the coordinator's own login, then the view of the second case.
    // Actions are shown in the page's language, the stored name kept beside.
    let login = page
        .body
        .find("<td class=\"action\" data-action=\"login\">Angemeldet</td>")
        .unwrap();
    assert!(page.body.contains(">Fall angesehen</td>"));
    let view_second = page.body.find(&second.to_string()).unwrap();
    assert!(login < view_second);
    assert!(page.body.contains("rel=\"next\""));
    // Opening the log is logged too, after its page was read: the first opening is now
    // the 56th entry.
    let older = coordinator.get("/backoffice/audit?page=2").await;
    assert_eq!(
        older.body.matches("<tr>").count(),
        56 - 50 + 1,
        "the header row and 6 entries"
    );

    let by_case = coordinator
        .get(&format!("/backoffice/audit?case={second}"))
        .await;
    assert!(
        by_case.body.contains("<span id=\"total\">1</span>"),
        "{}",
        by_case.body
    );
    let by_user = coordinator.get("/backoffice/audit?user=coordinator").await;
    assert!(
        by_user.body.contains("<span id=\"total\">4</span>"),
        "the login and three openings of the log: {}",
        by_user.body
    );
    assert!(
        by_user.body.contains(&format!("case={second} page=1")),
        "an opening's entry names its filters: {}",
        by_user.body
    );
    assert!(by_user.body.contains(">Protokoll angesehen</td>"));
    let bad = coordinator.get("/backoffice/audit?case=kein-fall").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("keine gültige UUID"));
    let unknown = coordinator
        .get(&format!("/backoffice/audit?case={}", CaseId::new()))
        .await;
    assert!(unknown.body.contains("<span id=\"total\">0</span>"));
}

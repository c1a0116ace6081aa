//! The case store the server benchmarks run against: 100,000 cases of one tenant (seven
//! templates, 50 officers, a year's mix of statuses), seeded once under
//! `TARGET/bench-data/` and reused by later runs (delete it to seed again). Shared by the
//! back-office and the portal benchmarks (`#[path]`-included by each).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use schema::{CaseDocument, ChangeAuthor, PostalAddress, Role, Stamp, Status};
use sync_server::CaseStore;
use sync_server::identity::auth::hash_password;
use sync_server::kernel::config::PasswordCost;
use sync_server::store::NewUser;
use sync_server::store::{accounts, documents, tenants};

use super::typical;

pub const TENANT: &str = "stadt";
pub const STAFF: &str = "koordination";
pub const PASSWORD: &str = "bench-passwort";
const OFFICERS: usize = 50;
/// Bump when the seeded data changes, so an old cached directory is not reused.
const SEED_VERSION: &str = "v1";

const STREETS: [&str; 20] = [
    "Hauptstraße",
    "Lindenstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Dorfstraße",
    "Bergstraße",
    "Kirchstraße",
    "Waldstraße",
    "Ringstraße",
    "Am Markt",
    "Friedhofsweg",
    "Mühlenweg",
    "Parkstraße",
    "Rosenweg",
    "Birkenweg",
    "Goethestraße",
    "Schillerstraße",
    "Feldweg",
    "Am Sportplatz",
];
const TEMPLATES: [(&str, &str); 7] = [
    ("illegal-waste-dumping", "Illegale Müllablagerung"),
    ("abandoned-vehicle", "Abgestelltes Fahrzeug"),
    ("dog-control", "Hundekontrolle"),
    ("noise-disturbance", "Ruhestörung"),
    ("road-obstruction", "Behinderung im Straßenraum"),
    ("trade-market-inspection", "Marktkontrolle"),
    ("traffic-order-check", "Verkehrskontrolle"),
];

pub fn full_size() -> bool {
    std::env::args().any(|a| a == "--bench")
}

pub fn bench_data_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
            PathBuf::from,
        )
        .join("bench-data")
}

pub fn officer(i: usize) -> String {
    format!("o{:02}", i % OFFICERS)
}

pub fn seed_users(store: &dyn CaseStore) {
    store
        .write(|tx| tenants::create(tx, TENANT, "Stadt Bank"))
        .unwrap();
    let hash = hash_password(PASSWORD, PasswordCost::InsecureFast).unwrap();
    let mut users = vec![(STAFF.to_string(), Role::Coordinator)];
    users.extend((0..OFFICERS).map(|i| (officer(i), Role::Officer)));
    for (username, role) in users {
        store
            .write(|tx| {
                accounts::create_user(
                    tx,
                    &NewUser {
                        tenant: TENANT.into(),
                        display_name: format!("Name von {username}"),
                        username,
                        role,
                        password_hash: hash.clone(),
                    },
                )
            })
            .unwrap();
    }
}

/// Case `i` of the queue: one of seven templates, one of 50 officers, a status mix like a
/// year of work (most closed, some waiting for review), an address, spread over two years.
pub fn queue_case(template: &schema::Template, i: usize) -> Vec<u8> {
    const START_MS: i64 = 1_700_000_000_000; // 2023-11-14
    const TWO_YEARS_MS: i64 = 2 * 365 * 24 * 3600 * 1000;
    let by = officer(i * 7 + i / 50);
    let created = START_MS + (i as i64 * TWO_YEARS_MS) / 100_000;
    let mut case = typical::typical_case(template, TENANT, &by, i as u64);
    let (template_id, title) = TEMPLATES[i % TEMPLATES.len()];
    let street = STREETS[(i / 7) % STREETS.len()];
    case.template.id = template_id.into();
    case.title = format!("{title}, {street}");
    case.created = Stamp {
        by: by.clone(),
        at_ms: created,
    };
    case.updated = Stamp {
        by: by.clone(),
        at_ms: created + (i as i64 % 72) * 3_600_000,
    };
    case.status = match i % 20 {
        0..=11 => Status::Closed,
        12..=14 => Status::Approved,
        15 => Status::Rejected,
        16 => Status::Submitted,
        17 => Status::InReview,
        18 => Status::NeedsChanges,
        _ => Status::Draft,
    };
    case.assigned_officer = (i % 10 < 7).then(|| by.clone());
    case.address = Some(PostalAddress {
        street: street.into(),
        house_number: format!("{}", 1 + i % 180),
        postal_code: format!("{}", 10115 + (i % 9) * 100),
        city: "Berlin".into(),
    });
    // The queue reads the projection; photo references without their annotations keep the
    // 100,000 documents (and the seeding) to a realistic size for the case store.
    case.photos.truncate(2);
    for photo in &mut case.photos {
        photo.annotations.clear();
    }
    let author = ChangeAuthor {
        user: by,
        device: Some(format!("device-{}", i % OFFICERS)),
    };
    CaseDocument::create(&case, &author).unwrap().save()
}

/// The queue's data directory with `count` cases, seeded once and reused.
pub fn queue_data(count: usize) -> PathBuf {
    let dir = bench_data_dir().join(format!("backoffice-queue-{count}-{SEED_VERSION}"));
    let done = dir.join("SEEDED");
    if done.exists() {
        eprintln!("queue: reusing the seeded data in {}", dir.display());
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    eprintln!("queue: seeding {count} cases into {} …", dir.display());
    let started = Instant::now();
    let store: Arc<dyn CaseStore> = Arc::new(sync_server::services::admin::open(&dir).unwrap());
    seed_users(store.as_ref());
    let template = typical::template();
    // Two threads: building documents overlaps with the other thread's SQLite write.
    std::thread::scope(|scope| {
        for half in 0..2 {
            let (store, template) = (store.clone(), &template);
            scope.spawn(move || {
                for i in (half..count).step_by(2) {
                    store
                        .write(|tx| documents::insert(tx, &queue_case(template, i)))
                        .unwrap();
                    if i % 10_000 == 0 {
                        eprintln!("  {i} cases, {:.0} s", started.elapsed().as_secs_f64());
                    }
                }
            });
        }
    });
    drop(store);
    std::fs::write(&done, format!("{count} cases\n")).unwrap();
    eprintln!(
        "queue: seeded {count} cases in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    dir
}

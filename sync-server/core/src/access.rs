//! Who may do what: the server's one authorization layer.
//!
//! Handlers never decide access themselves; they ask here. The rules:
//!
//! - **Tenant isolation**: a device sees and writes only cases of its user's tenant. A case
//!   of another tenant is answered exactly like any other case the device may not see
//!   ([`FORBIDDEN_DETAIL`]), never offered, and its photos are "not found".
//! - **Only officers enroll and sync tablets** ([`may_enroll`]): a tablet keeps offline every
//!   case its user may sync, and staff, who see the whole tenant, work in the back office,
//!   where every opening is audited. A staff device enrolled before this rule is refused.
//! - **Officers** see and change only cases they created (`created.by`) or are assigned to
//!   (`assigned_officer`), and after their changes the case must still be theirs. Which part
//!   of a case they may change in which status is `schema::write_rules`' table, and each
//!   change they bring must name them as its author ([`check_authors`]).
//! - A **new case** from a device must belong to the device's tenant and be created by the
//!   device's user.
//! - A device learns that the server holds a photo only if its tenant uploaded it or it may see
//!   a case referencing it ([`may_know_blob`]).
//!
//! The same rules reach the database as a [`Visibility`] filter, so the offers query and the
//! photo check apply exactly what [`may_see`] decides for a single case.
//!
//! # The back office
//!
//! - Only **staff** roles (admin, coordinator, case worker, viewer) sign in to the back office
//!   ([`may_use_backoffice`]); officers work on their tablets.
//! - A [`Staff`] member sees every case of their tenant and nothing else: another tenant's case
//!   is [`StaffDenied::NotFound`], exactly like a case that does not exist.
//! - **Viewers** see everything but change nothing ([`StaffDenied::Forbidden`] for every
//!   action); the pages hide the forms using [`permissions`], which asks the same rules.
//! - Status changes follow `schema::TRANSITIONS` for the user's role; assigning a case is for
//!   admins and coordinators, and only to an officer of the same tenant.
//! - Every role downloads a case's PDF report ([`StaffAction::DownloadReport`]).
//! - The administration (users, devices, templates) is for **admins**, the audit log for
//!   admins and **coordinators** ([`OfficeAction`]); users and devices of another tenant do not
//!   exist for them ([`check_user_target`], [`check_device_target`]), and an admin cannot
//!   remove their own rights ([`check_own_account`]).

use std::collections::HashMap;
use std::sync::Mutex;

use automerge::AutoCommit;
use schema::{CaseId, ChangeAuthor, InspectionCase, Role, Status, write_rules};
use sync_protocol::{Arrival, Policy, Received, heads_key};

pub use crate::store::Visibility;
use crate::store::grants::Grants;
use crate::store::{BlobFacts, CaseAccess, DeviceRow, UserRow};

/// The rejection detail for every case a device may not see, existing or not, of its tenant or
/// another: the same words as `sync_protocol::serve` uses, so nothing tells them apart.
pub const FORBIDDEN_DETAIL: &str = "this case is not available to this device";

/// An authenticated device and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The user's tenant.
    pub tenant: String,
    /// The user name.
    pub username: String,
    /// The user's role.
    pub role: Role,
    /// The device id.
    pub device_id: String,
}

/// A citizen signed in to a tenant's portal with an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    /// The account.
    pub account_id: String,
    /// The tenant whose portal it is.
    pub tenant: String,
}

/// Whether `citizen` may see a request of `tenant` sent from the account `sent_from` (if
/// any): only the requests of their own account, on their own tenant's portal. A request
/// sent without an account is reached by its tracking link alone.
pub fn citizen_may_see(citizen: &Citizen, tenant: &str, sent_from: Option<&str>) -> bool {
    citizen.tenant == tenant && sent_from == Some(citizen.account_id.as_str())
}

/// Who is asking among the office's own: a tablet through the sync API, a staff member
/// signed in to the back office. Rules that hold for every such kind take a `Principal`;
/// rules for one kind take that kind. A citizen signed in to the portal is a kind apart
/// ([`Citizen`]): no user of the office, no role, and rules of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An enrolled device and its user.
    Device(Device),
    /// A staff member signed in to the back office.
    Staff(Staff),
}

impl Principal {
    /// The tenant the principal acts in.
    pub fn tenant(&self) -> &str {
        match self {
            Principal::Device(d) => &d.tenant,
            Principal::Staff(s) => &s.tenant,
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        match self {
            Principal::Device(d) => &d.username,
            Principal::Staff(s) => &s.username,
        }
    }

    /// The user's role.
    pub fn role(&self) -> Role {
        match self {
            Principal::Device(d) => d.role,
            Principal::Staff(s) => s.role,
        }
    }

    /// Whom the Automerge changes the principal makes are attributed to: the user, and the
    /// device when there is one.
    pub fn change_author(&self) -> ChangeAuthor {
        ChangeAuthor {
            user: self.username().to_string(),
            device: match self {
                Principal::Device(d) => Some(d.device_id.clone()),
                Principal::Staff(_) => None,
            },
        }
    }

    /// The cases the principal may see ([`visibility_of`]).
    pub fn visibility(&self) -> Visibility {
        visibility_of(self.tenant(), self.username(), self.role())
    }
}

/// The cases a user may see: an officer those they created or are assigned, every other
/// role every case of the tenant. The one rule for every kind of principal.
fn visibility_of(tenant: &str, username: &str, role: Role) -> Visibility {
    match role {
        Role::Officer => Visibility::Officer {
            tenant: tenant.to_string(),
            username: username.to_string(),
        },
        Role::Admin | Role::Coordinator | Role::CaseWorker | Role::Viewer => Visibility::Tenant {
            tenant: tenant.to_string(),
        },
    }
}

/// The cases `device` may see ([`Principal::visibility`]).
pub fn visibility(device: &Device) -> Visibility {
    visibility_of(&device.tenant, &device.username, device.role)
}

/// Whether `principal` may see (and sync) the stored case.
pub fn may_see(principal: &Device, case: &CaseAccess) -> bool {
    match visibility(principal) {
        Visibility::Tenant { tenant } => case.tenant == tenant,
        Visibility::Officer { tenant, username } => {
            case.tenant == tenant
                && (case.created_by == username || case.assignee.as_deref() == Some(&username))
        }
    }
}

/// Whether `principal` may sync the stored case (read it, and send changes if allowed).
pub fn may_sync(principal: &Device, case: &CaseAccess) -> bool {
    may_see(principal, case)
}

/// Whether `principal` may change anything at all (documents, photos).
pub fn may_write(principal: &Device) -> bool {
    principal.role != Role::Viewer
}

/// Whether `principal` may upload photos.
pub fn may_upload(principal: &Device) -> bool {
    may_write(principal)
}

/// Whether a device may be told that the server holds a blob (an upload's status answers
/// "complete"): when a device of its tenant uploaded it, or a case it may see references it
/// (`facts` were read under [`visibility`]). Otherwise the server answers as if it did not
/// have the blob, so a device cannot probe whether a photo exists in another tenant's cases.
pub fn may_know_blob(facts: &BlobFacts) -> bool {
    facts.blob.is_some() && (facts.tenant_uploaded || facts.referenced)
}

/// Checks a case as it is after `principal`'s changes were applied. `stored` is the stored
/// case's access information with the case as stored (when it could be read), `None` for a
/// new case. Every part the changes touch must be one the write rules
/// ([`schema::write_rules`]) let the device's user change in the stored status.
///
/// # Errors
/// Why the changes are refused, for the device: the rule they break.
pub fn check_written(
    principal: &Device,
    doc: CaseId,
    stored: Option<(&CaseAccess, Option<&InspectionCase>)>,
    after: &InspectionCase,
) -> Result<(), String> {
    let before = stored.map(|(access, _)| access);
    if !may_write(principal) {
        return Err(format!(
            "the role `{}` may not change cases; discard the local changes",
            principal.role
        ));
    }
    if after.id != doc {
        return Err(format!(
            "the document {doc} holds case {}; a case must keep its own id",
            after.id
        ));
    }
    if after.tenant != principal.tenant {
        return Err(format!(
            "the case belongs to tenant `{}`, but this device is enrolled for `{}`",
            after.tenant, principal.tenant
        ));
    }
    match before {
        None if after.created.by != principal.username => {
            return Err(format!(
                "a new case must be created by this device's user `{}`, not `{}`",
                principal.username, after.created.by
            ));
        }
        Some(stored) if stored.created_by != after.created.by => {
            return Err(format!(
                "the creator of a case cannot change (from `{}` to `{}`)",
                stored.created_by, after.created.by
            ));
        }
        _ => {}
    }
    // Status changes follow the workflow table, in as many allowed steps as the device may
    // have taken offline; a new case starts as a draft.
    let from = match before {
        None => Some(Status::Draft),
        Some(stored) => stored.status,
    };
    if let Some(from) = from
        && !from.can_reach(after.status, principal.role)
    {
        return Err(format!(
            "the role `{}` may not move a case from `{from}` to `{}`; the status change was not \
             accepted",
            principal.role, after.status
        ));
    }
    let now = CaseAccess {
        tenant: after.tenant.clone(),
        created_by: after.created.by.clone(),
        assignee: after.assigned_officer.clone(),
        status: Some(after.status),
    };
    if !may_see(principal, &now) {
        return Err(
            "after these changes the case would no longer be yours; an officer cannot hand a case \
             over, ask a coordinator"
                .into(),
        );
    }
    let writer = write_rules::Writer {
        username: principal.username.clone(),
        role: principal.role,
    };
    match stored {
        None => write_rules::check_new(&writer, after),
        Some((_, Some(prior))) => write_rules::check_change(&writer, prior, after),
        Some((_, None)) => {
            return Err(
                "the stored case could not be read to compare the changes with; they were not \
                 accepted"
                    .into(),
            );
        }
    }
    .map_err(|broken| format!("{broken}; the changes were not accepted"))
}

/// Checks that every change a device brought names the device's user as its author: the
/// server records who brought each change, and a change claiming somebody else would put
/// words in their mouth in the history and the report.
///
/// # Errors
/// The first change that names another author, or none.
pub fn check_authors(principal: &Device, arrived: &[Arrival]) -> Result<(), String> {
    for change in arrived {
        match change
            .message
            .as_deref()
            .and_then(ChangeAuthor::from_message)
        {
            Some(author) if author.user == principal.username => {}
            Some(author) => {
                return Err(format!(
                    "change {} names `{}` as its author, but this device syncs for `{}`; the \
                     changes were not accepted",
                    change.hash, author.user, principal.username
                ));
            }
            None => {
                return Err(format!(
                    "change {} does not name its author; the changes were not accepted",
                    change.hash
                ));
            }
        }
    }
    Ok(())
}

/// Whether `device` may have a photo's unredacted original (and the thumbnail made from
/// it): only the devices of the officer who took it (`uploaded_it`: the server recorded its
/// user as the one whose device sent the bytes — a case naming the user as the photo's
/// adder proves nothing, since any device may name any address). Every other device gets the
/// rendering with the drawings and redactions, through the case.
pub fn may_open_original(device: &Device, uploaded_it: bool) -> bool {
    uploaded_it && device.role == Role::Officer
}

/// Whether a user of `role` may enroll and sync a tablet: officers only. A tablet keeps every
/// case its user may sync offline; staff, who may see the whole tenant, work in the back
/// office, where every opening of a case is audited.
pub fn may_enroll(role: Role) -> bool {
    role == Role::Officer
}

/// A user signed in to the back office (from a session checked against the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    /// The user's tenant.
    pub tenant: String,
    /// The user name.
    pub username: String,
    /// The user's full name.
    pub display_name: String,
    /// The user's role (never [`Role::Officer`]: see [`may_use_backoffice`]).
    pub role: Role,
    /// What the tenant's admins have granted the role beyond its fixed rights.
    pub grants: Grants,
}

/// What a staff member does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Look at the case, its photos and its history.
    View,
    /// Move it to another status.
    ChangeStatus,
    /// Change an answer.
    EditField,
    /// Add a comment.
    Comment,
    /// Assign it to an officer.
    Assign,
    /// Download its PDF report (the inspection protocol).
    DownloadReport,
    /// Open a photo's unredacted original (granted per role; audited).
    ViewOriginal,
}

/// Why a staff member may not do something with a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffDenied {
    /// The case does not exist or belongs to another tenant; the two look the same.
    NotFound,
    /// The case is visible, but the role may not do this.
    Forbidden(String),
}

/// Whether a user of `role` may sign in to the back office.
pub fn may_use_backoffice(role: Role) -> bool {
    match role {
        Role::Admin | Role::Coordinator | Role::CaseWorker | Role::Viewer => true,
        Role::Officer => false,
    }
}

/// The cases a staff member may see ([`visibility_of`]; staff never hold the officer's role,
/// so every case of the tenant).
pub fn staff_visibility(staff: &Staff) -> Visibility {
    visibility_of(&staff.tenant, &staff.username, staff.role)
}

/// Whether the role of `staff` allows `action` at all (on a visible case).
pub fn staff_may(staff: &Staff, action: StaffAction) -> bool {
    match action {
        StaffAction::View | StaffAction::DownloadReport => may_use_backoffice(staff.role),
        StaffAction::ChangeStatus | StaffAction::EditField | StaffAction::Comment => matches!(
            staff.role,
            Role::Admin | Role::Coordinator | Role::CaseWorker
        ),
        StaffAction::Assign => matches!(staff.role, Role::Admin | Role::Coordinator),
        StaffAction::ViewOriginal => may_use_backoffice(staff.role) && staff.grants.view_originals,
    }
}

/// Checks that `staff` may do `action` with the stored case `case` (`None`: not stored).
///
/// # Errors
/// [`StaffDenied::NotFound`] for a missing case or one of another tenant (checked first, so a
/// viewer's action on another tenant's case is "not found" too), else
/// [`StaffDenied::Forbidden`] when the role may not do it.
pub fn check_staff(
    staff: &Staff,
    case: Option<&CaseAccess>,
    action: StaffAction,
) -> Result<(), StaffDenied> {
    match case {
        Some(case) if case.tenant == staff.tenant => {}
        _ => return Err(StaffDenied::NotFound),
    }
    if staff_may(staff, action) {
        Ok(())
    } else {
        Err(StaffDenied::Forbidden(format!(
            "the role `{}` may not do this",
            staff.role
        )))
    }
}

/// Checks a status change by `staff` against the workflow table.
///
/// # Errors
/// The workflow's reason.
pub fn check_status_change(staff: &Staff, from: Status, to: Status) -> Result<(), String> {
    if !staff_may(staff, StaffAction::ChangeStatus) {
        return Err(format!("the role `{}` may not change a status", staff.role));
    }
    from.check_transition(to, staff.role)
        .map_err(|e| e.to_string())
}

/// Checks that a case may be assigned to `user` (looked up by the name the form sent).
///
/// # Errors
/// The same reason for an unknown user and one of another tenant.
pub fn check_assignee(staff: &Staff, user: Option<&UserRow>) -> Result<(), String> {
    match user {
        Some(user) if user.tenant == staff.tenant && user.role == Role::Officer => Ok(()),
        _ => Err("a case can only be assigned to an officer of this office".into()),
    }
}

/// What staff do in the back office apart from cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeAction {
    /// List, create, change and delete the tenant's users.
    ManageUsers,
    /// List and revoke the tenant's enrolled devices.
    ManageDevices,
    /// List the tenant's templates and upload new versions.
    ManageTemplates,
    /// Read the tenant's audit log.
    ReadAuditLog,
    /// Set how the tenant's portal looks and which services it offers.
    ManagePortal,
}

/// Whether the role of `staff` allows `action`: administration is for admins; the audit log
/// is also for coordinators, who answer for their team's work.
pub fn office_may(staff: &Staff, action: OfficeAction) -> bool {
    match action {
        OfficeAction::ManageUsers
        | OfficeAction::ManageDevices
        | OfficeAction::ManageTemplates
        | OfficeAction::ManagePortal => staff.role == Role::Admin,
        OfficeAction::ReadAuditLog => matches!(staff.role, Role::Admin | Role::Coordinator),
    }
}

/// Checks that `staff` may do `action`.
///
/// # Errors
/// [`StaffDenied::Forbidden`] when the role may not.
pub fn check_office(staff: &Staff, action: OfficeAction) -> Result<(), StaffDenied> {
    if office_may(staff, action) {
        Ok(())
    } else {
        Err(StaffDenied::Forbidden(format!(
            "the role `{}` may not do {action:?}",
            staff.role
        )))
    }
}

/// Checks that an admin may change the user `target` (looked up by the name in the path):
/// only users of the admin's own tenant exist for them.
///
/// # Errors
/// [`StaffDenied::NotFound`] for an unknown user and one of another tenant alike;
/// [`StaffDenied::Forbidden`] for a role that may not manage users.
pub fn check_user_target(staff: &Staff, target: Option<&UserRow>) -> Result<(), StaffDenied> {
    check_office(staff, OfficeAction::ManageUsers)?;
    match target {
        Some(user) if user.tenant == staff.tenant => Ok(()),
        _ => Err(StaffDenied::NotFound),
    }
}

/// Checks that an admin may revoke the device `device`, which must belong to a user of the
/// admin's tenant.
///
/// # Errors
/// As [`check_user_target`].
pub fn check_device_target(staff: &Staff, device: Option<&DeviceRow>) -> Result<(), StaffDenied> {
    check_office(staff, OfficeAction::ManageDevices)?;
    match device {
        Some(device) if device.tenant == staff.tenant => Ok(()),
        _ => Err(StaffDenied::NotFound),
    }
}

/// Checks that `staff` may give `target` the role `role` or delete them (`role` `None`): an
/// admin cannot demote or delete themselves, so a tenant is never left without anyone able
/// to administer it by a slip of the hand.
///
/// # Errors
/// The reason, for the page.
pub fn check_own_account(
    staff: &Staff,
    target: &UserRow,
    role: Option<Role>,
) -> Result<(), String> {
    if target.username == staff.username && role != Some(Role::Admin) {
        return Err(
            "you cannot remove your own administration rights; ask another administrator".into(),
        );
    }
    Ok(())
}

/// What the case page offers `staff` for a visible case in `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    /// Change answers.
    pub edit_fields: bool,
    /// Add comments.
    pub comment: bool,
    /// Assign the case.
    pub assign: bool,
    /// Open the photos' unredacted originals.
    pub view_originals: bool,
    /// The statuses the case may be moved to.
    pub transitions: Vec<Status>,
}

/// The actions to offer `staff` on a visible case in `status`; the same rules as
/// [`check_staff`] and [`check_status_change`], which the actions enforce.
pub fn permissions(staff: &Staff, status: Status) -> Permissions {
    let change = staff_may(staff, StaffAction::ChangeStatus);
    Permissions {
        edit_fields: staff_may(staff, StaffAction::EditField),
        comment: staff_may(staff, StaffAction::Comment),
        assign: staff_may(staff, StaffAction::Assign),
        view_originals: staff_may(staff, StaffAction::ViewOriginal),
        transitions: if change {
            status.next_for(staff.role)
        } else {
            Vec::new()
        },
    }
}

/// The [`Policy`] of one sync round: `known` holds the access information of the request's
/// documents that are stored.
///
/// Checking a written document needs its case read, and so does its projection: the policy
/// keeps each document's case with the heads it was read at, so the round projects and
/// caches it without reading it again ([`SyncPolicy::take_case`]). Given the case a document
/// had before a merge ([`SyncPolicy::remember`]) and the merge's patches, it reads only what
/// the merge changed ([`schema::rehydrate_case`]).
#[derive(Debug)]
pub struct SyncPolicy<'a> {
    principal: &'a Device,
    known: HashMap<CaseId, CaseAccess>,
    cases: Mutex<HashMap<CaseId, (String, InspectionCase)>>,
}

impl<'a> SyncPolicy<'a> {
    /// The policy for `principal`, with the stored cases among the request's documents.
    pub fn new(principal: &'a Device, known: HashMap<CaseId, CaseAccess>) -> Self {
        Self {
            principal,
            known,
            cases: Mutex::default(),
        }
    }

    /// Tells the policy that document `doc` at `heads` ([`sync_protocol::heads_key`] form)
    /// reads as `case`.
    pub fn remember(&self, doc: CaseId, heads: String, case: InspectionCase) {
        if let Ok(mut cases) = self.cases.lock() {
            cases.insert(doc, (heads, case));
        }
    }

    /// The case `doc` as last read or remembered in this round, if it was read at `heads`,
    /// i.e. nothing changed the document since.
    pub fn take_case(&self, doc: CaseId, heads: &str) -> Option<InspectionCase> {
        let (read_at, case) = self.cases.lock().ok()?.remove(&doc)?;
        (read_at == heads).then_some(case)
    }
}

impl Policy for SyncPolicy<'_> {
    fn admit(&self, doc: CaseId) -> Option<String> {
        match self.known.get(&doc) {
            Some(case) if !may_sync(self.principal, case) => Some(FORBIDDEN_DETAIL.into()),
            // A stored case the device may sync, or an unknown id: a new case.
            _ => None,
        }
    }

    fn accept(
        &self,
        doc: CaseId,
        after: &AutoCommit,
        received: Option<&Received>,
        arrived: &[Arrival],
    ) -> Option<String> {
        if let Err(refusal) = check_authors(self.principal, arrived) {
            return Some(refusal);
        }
        let before = self
            .cases
            .lock()
            .ok()
            .and_then(|mut cases| cases.remove(&doc));
        // The case as stored, for the write rules: the one read before the message, if it
        // was read at the heads the message was applied to.
        let prior = match (&before, received) {
            (Some((read_at, case)), Some(received)) if *read_at == heads_key(&received.before) => {
                Some(case.clone())
            }
            _ => None,
        };
        let read = match (before, received) {
            (Some((read_at, case)), Some(received)) if read_at == heads_key(&received.before) => {
                schema::rehydrate_case(case, after, &received.patches)
            }
            _ => autosurgeon::hydrate(after),
        };
        let case: InspectionCase = match read {
            Ok(case) => case,
            Err(e) => return Some(format!("the document is not a readable case: {e}")),
        };
        if let Err(refusal) = check_written(
            self.principal,
            doc,
            self.known.get(&doc).map(|access| (access, prior.as_ref())),
            &case,
        ) {
            return Some(refusal);
        }
        let heads = heads_key(&autosurgeon::ReadDoc::get_heads(after));
        // A poisoned map only costs the round a second hydrate (the store re-projects).
        self.remember(doc, heads, case);
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn principal(role: Role, user: &str) -> Device {
        Device {
            tenant: "t".into(),
            username: user.into(),
            role,
            device_id: "d".into(),
        }
    }

    fn case(tenant: &str, by: &str, assignee: Option<&str>) -> CaseAccess {
        CaseAccess {
            status: Some(Status::Draft),
            tenant: tenant.into(),
            created_by: by.into(),
            assignee: assignee.map(Into::into),
        }
    }

    #[test]
    fn a_citizen_sees_only_the_requests_of_their_own_account_on_their_own_portal() {
        let anna = Citizen {
            account_id: "acc-anna".into(),
            tenant: "tgh".into(),
        };
        assert!(citizen_may_see(&anna, "tgh", Some("acc-anna")));
        assert!(!citizen_may_see(&anna, "tgh", Some("acc-bert")));
        assert!(
            !citizen_may_see(&anna, "tgh", None),
            "sent without an account"
        );
        assert!(!citizen_may_see(&anna, "other", Some("acc-anna")));
    }

    #[test]
    fn a_stored_blob_is_known_only_through_the_tenant_or_a_visible_case() {
        let facts = |stored: bool, tenant_uploaded: bool, referenced: bool| BlobFacts {
            blob: stored.then(|| crate::store::BlobRow {
                sha256: "s".into(),
                size: 1,
                mime: "image/jpeg".into(),
            }),
            tenant_uploaded,
            referenced,
        };
        assert!(
            !may_know_blob(&facts(true, false, false)),
            "another tenant's"
        );
        assert!(may_know_blob(&facts(true, true, false)));
        assert!(may_know_blob(&facts(true, false, true)));
        assert!(!may_know_blob(&facts(false, true, true)), "not stored");
    }

    #[test]
    fn officers_see_their_own_and_assigned_cases_only() {
        let o = principal(Role::Officer, "o1");
        assert!(may_see(&o, &case("t", "o1", None)));
        assert!(may_see(&o, &case("t", "o2", Some("o1"))));
        assert!(!may_see(&o, &case("t", "o2", None)));
        assert!(!may_see(&o, &case("t", "o2", Some("o3"))));
        assert!(!may_see(&o, &case("other", "o1", Some("o1"))));
    }

    #[test]
    fn staff_see_their_tenant_and_viewers_write_nothing() {
        let c = principal(Role::Coordinator, "c");
        assert!(may_see(&c, &case("t", "o2", None)));
        assert!(!may_see(&c, &case("other", "o2", None)));
        assert!(may_write(&c));
        let v = principal(Role::Viewer, "v");
        assert!(may_see(&v, &case("t", "o2", None)));
        assert!(!may_write(&v));
        assert!(!may_upload(&v));
    }

    fn staff(role: Role) -> Staff {
        Staff {
            tenant: "t".into(),
            username: "s".into(),
            display_name: "S".into(),
            role,
            grants: Grants::default(),
        }
    }

    #[test]
    fn every_kind_of_principal_sees_by_the_same_rule_and_signs_its_changes() {
        let device = Principal::Device(principal(Role::Officer, "o"));
        assert_eq!(
            device.visibility(),
            Visibility::Officer {
                tenant: "t".into(),
                username: "o".into()
            }
        );
        let viewer = Principal::Device(principal(Role::Viewer, "v"));
        assert_eq!(
            viewer.visibility(),
            Visibility::Tenant { tenant: "t".into() }
        );
        let member = staff(Role::CaseWorker);
        let staff = Principal::Staff(member.clone());
        assert_eq!(staff.visibility(), staff_visibility(&member));
        assert_eq!(
            staff.visibility(),
            Visibility::Tenant { tenant: "t".into() }
        );
        assert_eq!(
            device.change_author(),
            ChangeAuthor {
                user: "o".into(),
                device: Some("d".into())
            }
        );
        assert_eq!(
            staff.change_author(),
            ChangeAuthor {
                user: "s".into(),
                device: None
            }
        );
        assert_eq!((staff.tenant(), staff.role()), ("t", Role::CaseWorker));
    }

    #[test]
    fn staff_see_their_tenant_only_and_viewers_act_on_nothing() {
        let own = case("t", "o1", None);
        let other = case("other", "o1", None);
        for role in [
            Role::Admin,
            Role::Coordinator,
            Role::CaseWorker,
            Role::Viewer,
        ] {
            let s = staff(role);
            assert_eq!(check_staff(&s, Some(&own), StaffAction::View), Ok(()));
            for action in [StaffAction::View, StaffAction::Comment, StaffAction::Assign] {
                assert_eq!(
                    check_staff(&s, Some(&other), action),
                    Err(StaffDenied::NotFound)
                );
                assert_eq!(check_staff(&s, None, action), Err(StaffDenied::NotFound));
            }
        }
        let viewer = staff(Role::Viewer);
        for action in [
            StaffAction::ChangeStatus,
            StaffAction::EditField,
            StaffAction::Comment,
            StaffAction::Assign,
        ] {
            assert!(matches!(
                check_staff(&viewer, Some(&own), action),
                Err(StaffDenied::Forbidden(_))
            ));
        }
        assert_eq!(
            permissions(&viewer, Status::InReview),
            Permissions {
                edit_fields: false,
                comment: false,
                assign: false,
                view_originals: false,
                transitions: vec![]
            }
        );
        assert!(!may_use_backoffice(Role::Officer));
    }

    #[test]
    fn originals_are_for_roles_granted_them_whatever_else_they_may() {
        for role in [
            Role::Admin,
            Role::Coordinator,
            Role::CaseWorker,
            Role::Viewer,
        ] {
            let mut s = staff(role);
            assert!(
                !staff_may(&s, StaffAction::ViewOriginal),
                "{role} by default"
            );
            s.grants.view_originals = true;
            assert!(staff_may(&s, StaffAction::ViewOriginal), "{role} granted");
            assert!(permissions(&s, Status::Approved).view_originals);
        }
        let mut officer = staff(Role::Officer);
        officer.grants.view_originals = true;
        assert!(
            !staff_may(&officer, StaffAction::ViewOriginal),
            "officers are never staff"
        );
    }

    #[test]
    fn case_workers_decide_and_coordinators_assign() {
        let worker = staff(Role::CaseWorker);
        assert!(check_status_change(&worker, Status::InReview, Status::Approved).is_ok());
        assert!(check_status_change(&worker, Status::Draft, Status::Submitted).is_err());
        assert!(!permissions(&worker, Status::InReview).assign);
        let coordinator = staff(Role::Coordinator);
        let officer = |tenant: &str, role| UserRow {
            tenant: tenant.into(),
            username: "o".into(),
            display_name: "O".into(),
            role,
            password_hash: String::new(),
        };
        assert!(check_assignee(&coordinator, Some(&officer("t", Role::Officer))).is_ok());
        assert!(check_assignee(&coordinator, Some(&officer("x", Role::Officer))).is_err());
        assert!(check_assignee(&coordinator, Some(&officer("t", Role::Viewer))).is_err());
        assert!(check_assignee(&coordinator, None).is_err());
    }

    #[test]
    fn administration_is_for_admins_the_audit_log_also_for_coordinators() {
        for role in [Role::Coordinator, Role::CaseWorker, Role::Viewer] {
            let s = staff(role);
            for action in [
                OfficeAction::ManageUsers,
                OfficeAction::ManageDevices,
                OfficeAction::ManageTemplates,
            ] {
                assert!(matches!(
                    check_office(&s, action),
                    Err(StaffDenied::Forbidden(_))
                ));
            }
            assert_eq!(
                office_may(&s, OfficeAction::ReadAuditLog),
                role == Role::Coordinator
            );
        }
        let admin = staff(Role::Admin);
        let user = |tenant: &str, name: &str| UserRow {
            tenant: tenant.into(),
            username: name.into(),
            display_name: String::new(),
            role: Role::Officer,
            password_hash: String::new(),
        };
        assert_eq!(check_user_target(&admin, Some(&user("t", "o"))), Ok(()));
        assert_eq!(
            check_user_target(&admin, Some(&user("x", "o"))),
            Err(StaffDenied::NotFound)
        );
        assert_eq!(check_user_target(&admin, None), Err(StaffDenied::NotFound));
        // The admin (`s`) keeps their own rights; others may be demoted or deleted.
        assert!(check_own_account(&admin, &user("t", "s"), Some(Role::Viewer)).is_err());
        assert!(check_own_account(&admin, &user("t", "s"), None).is_err());
        assert!(check_own_account(&admin, &user("t", "s"), Some(Role::Admin)).is_ok());
        assert!(check_own_account(&admin, &user("t", "o"), None).is_ok());
        assert!(staff_may(&staff(Role::Viewer), StaffAction::DownloadReport));
    }

    #[test]
    fn another_tenants_case_is_answered_like_any_invisible_case() {
        let o = principal(Role::Officer, "o1");
        let id = CaseId::new();
        let mut known = HashMap::new();
        known.insert(id, case("other", "o1", None));
        let policy = SyncPolicy::new(&o, known);
        assert_eq!(policy.admit(id).as_deref(), Some(FORBIDDEN_DETAIL));
        assert_eq!(
            policy.admit(CaseId::new()),
            None,
            "an unknown id is a new case"
        );
    }
}

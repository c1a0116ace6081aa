//! Where a case is in its life, and who may move it on.
//!
//! ```text
//!  citizen request:  received ─▶ triaged ─▶ assigned ─┐
//!                         │          └──▶ rejected     │ (officer submits)
//!                         └──▶ rejected               ▼
//!  inspection:       draft ─────────────────────▶ submitted ─▶ in_review ─┬─▶ approved ─▶ closed
//!                                                    ▲                    ├─▶ rejected ─▶ closed
//!                                                    └──── needs_changes ◀┘
//! ```
//!
//! The table in [`TRANSITIONS`] is the whole rule set: the server checks every status change
//! against it in one place, and the tablet and web pages offer only what it allows.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// The status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A citizen's service request has arrived.
    #[autosurgeon(rename = "received")]
    Received,
    /// Staff have looked at the request and decided it needs an inspection.
    #[autosurgeon(rename = "triaged")]
    Triaged,
    /// An officer has been given the inspection.
    #[autosurgeon(rename = "assigned")]
    Assigned,
    /// The officer is filling in the form.
    #[autosurgeon(rename = "draft")]
    Draft,
    /// The officer has handed the report in.
    #[autosurgeon(rename = "submitted")]
    Submitted,
    /// A case worker is reviewing the report.
    #[autosurgeon(rename = "in_review")]
    InReview,
    /// The reviewer sent the report back to the officer with a comment.
    #[autosurgeon(rename = "needs_changes")]
    NeedsChanges,
    /// The report was accepted.
    #[autosurgeon(rename = "approved")]
    Approved,
    /// The report or request was turned down.
    #[autosurgeon(rename = "rejected")]
    Rejected,
    /// Nothing more will happen.
    #[autosurgeon(rename = "closed")]
    Closed,
}

/// What a user is allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the tenant's users, devices and templates; may do what a coordinator does.
    Admin,
    /// Leads a team: triages, assigns and decides.
    Coordinator,
    /// Reviews reports and decides.
    CaseWorker,
    /// Reads, never changes.
    Viewer,
    /// Enforcement officer in the field, working on the tablet.
    Officer,
}

use Role::{Admin, CaseWorker, Coordinator, Officer};
use Status::*;

/// Every allowed status change and the roles that may make it.
pub const TRANSITIONS: &[(Status, Status, &[Role])] = &[
    (Received, Triaged, &[Admin, Coordinator, CaseWorker]),
    (Received, Rejected, &[Admin, Coordinator, CaseWorker]),
    (Triaged, Assigned, &[Admin, Coordinator]),
    (Triaged, Rejected, &[Admin, Coordinator, CaseWorker]),
    (Assigned, Draft, &[Officer]),
    (Assigned, Submitted, &[Officer]),
    (Draft, Submitted, &[Officer]),
    (Submitted, InReview, &[Admin, Coordinator, CaseWorker]),
    (InReview, NeedsChanges, &[Admin, Coordinator, CaseWorker]),
    (NeedsChanges, Submitted, &[Officer]),
    (InReview, Approved, &[Admin, Coordinator, CaseWorker]),
    (InReview, Rejected, &[Admin, Coordinator, CaseWorker]),
    (Approved, Closed, &[Admin, Coordinator, CaseWorker]),
    (Rejected, Closed, &[Admin, Coordinator, CaseWorker]),
];

/// A status change that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// No one may make this change.
    #[error("a case cannot go from `{from}` to `{to}`; from `{from}` it can go to: {}", list(.allowed))]
    NoSuchTransition {
        /// Current status.
        from: Status,
        /// Requested status.
        to: Status,
        /// Where it can go instead.
        allowed: Vec<Status>,
    },
    /// Someone may make this change, but not this role.
    #[error("the role `{role}` may not move a case from `{from}` to `{to}`; that is for: {}", list(.permitted))]
    RoleNotPermitted {
        /// Current status.
        from: Status,
        /// Requested status.
        to: Status,
        /// The acting user's role.
        role: Role,
        /// The roles that may.
        permitted: Vec<Role>,
    },
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "nowhere".into();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 10] = [
        Received,
        Triaged,
        Assigned,
        Draft,
        Submitted,
        InReview,
        NeedsChanges,
        Approved,
        Rejected,
        Closed,
    ];

    /// Whether `role` can bring a case from `self` to `to` in one or more allowed steps — what a
    /// device may have done offline between two syncs (e.g. assigned → draft → submitted).
    /// A status is always reachable from itself.
    pub fn can_reach(self, to: Status, role: Role) -> bool {
        let mut seen = vec![self];
        let mut frontier = vec![self];
        while let Some(from) = frontier.pop() {
            if from == to {
                return true;
            }
            for next in from.next_for(role) {
                if !seen.contains(&next) {
                    seen.push(next);
                    frontier.push(next);
                }
            }
        }
        false
    }

    /// Checks that `role` may move a case from `self` to `to`.
    ///
    /// # Errors
    /// A [`TransitionError`] naming both states and the role.
    pub fn check_transition(self, to: Status, role: Role) -> Result<(), TransitionError> {
        let Some((_, _, roles)) = TRANSITIONS.iter().find(|(f, t, _)| *f == self && *t == to)
        else {
            return Err(TransitionError::NoSuchTransition {
                from: self,
                to,
                allowed: TRANSITIONS
                    .iter()
                    .filter(|(f, _, _)| *f == self)
                    .map(|(_, t, _)| *t)
                    .collect(),
            });
        };
        if roles.contains(&role) {
            Ok(())
        } else {
            Err(TransitionError::RoleNotPermitted {
                from: self,
                to,
                role,
                permitted: roles.to_vec(),
            })
        }
    }

    /// The statuses `role` may move a case to from `self`, for offering actions.
    pub fn next_for(self, role: Role) -> Vec<Status> {
        TRANSITIONS
            .iter()
            .filter(|(f, _, roles)| *f == self && roles.contains(&role))
            .map(|(_, t, _)| *t)
            .collect()
    }

    /// The status as written in JSON and the document, e.g. `in_review`.
    pub fn as_str(self) -> &'static str {
        match self {
            Received => "received",
            Triaged => "triaged",
            Assigned => "assigned",
            Draft => "draft",
            Submitted => "submitted",
            InReview => "in_review",
            NeedsChanges => "needs_changes",
            Approved => "approved",
            Rejected => "rejected",
            Closed => "closed",
        }
    }
}

/// A text that names no status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a case status; use one of: received, triaged, assigned, draft, submitted, in_review, needs_changes, approved, rejected, closed"
)]
pub struct UnknownStatus(pub String);

impl std::str::FromStr for Status {
    type Err = UnknownStatus;

    /// Reads the stored name (`in_review`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| UnknownStatus(text.to_owned()))
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Role {
    /// Every role, from the most to the least rights in the office.
    pub const ALL: [Role; 5] = [Admin, Coordinator, CaseWorker, Role::Viewer, Officer];

    /// The role as written in JSON, e.g. `case_worker`.
    pub fn as_str(self) -> &'static str {
        match self {
            Admin => "admin",
            Coordinator => "coordinator",
            CaseWorker => "case_worker",
            Role::Viewer => "viewer",
            Officer => "officer",
        }
    }
}

/// A text that names no role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role; use one of: admin, coordinator, case_worker, viewer, officer")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    /// Reads the stored name (`case_worker`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| UnknownRole(text.to_owned()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_name_and_nothing_else_is_a_role() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        let err = "Officer".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("is not a role"), "{err}");
    }

    #[test]
    fn the_inspection_round_trip_is_allowed_for_the_right_roles() {
        let steps = [
            (Draft, Submitted, Officer),
            (Submitted, InReview, CaseWorker),
            (InReview, NeedsChanges, CaseWorker),
            (NeedsChanges, Submitted, Officer),
            (Submitted, InReview, Coordinator),
            (InReview, Approved, CaseWorker),
            (Approved, Closed, Admin),
        ];
        for (from, to, role) in steps {
            assert_eq!(
                from.check_transition(to, role),
                Ok(()),
                "{from} → {to} as {role}"
            );
        }
    }

    #[test]
    fn a_citizen_request_is_triaged_then_assigned() {
        assert_eq!(Received.check_transition(Triaged, CaseWorker), Ok(()));
        assert_eq!(Triaged.check_transition(Assigned, Coordinator), Ok(()));
        assert_eq!(Assigned.check_transition(Submitted, Officer), Ok(()));
    }

    #[test]
    fn a_forbidden_transition_names_the_states() {
        let err = Draft.check_transition(Approved, Officer).unwrap_err();
        assert_eq!(
            err,
            TransitionError::NoSuchTransition {
                from: Draft,
                to: Approved,
                allowed: vec![Submitted]
            }
        );
        assert!(err.to_string().contains("`draft` to `approved`"), "{err}");
    }

    #[test]
    fn a_wrong_role_names_the_role() {
        let err = InReview.check_transition(Approved, Officer).unwrap_err();
        assert!(matches!(
            err,
            TransitionError::RoleNotPermitted { role: Officer, .. }
        ));
        assert!(err.to_string().contains("`officer`"), "{err}");
        assert!(Submitted.check_transition(InReview, Role::Viewer).is_err());
        assert!(Draft.check_transition(Submitted, CaseWorker).is_err());
    }

    #[test]
    fn several_offline_steps_are_reachable_but_skipping_a_role_is_not() {
        assert!(Assigned.can_reach(Submitted, Officer));
        assert!(NeedsChanges.can_reach(Submitted, Officer));
        assert!(Draft.can_reach(Draft, Officer));
        assert!(
            !Draft.can_reach(Approved, Officer),
            "an officer cannot approve"
        );
        assert!(!Submitted.can_reach(Draft, Officer));
        assert!(Submitted.can_reach(Closed, CaseWorker));
    }

    #[test]
    fn statuses_read_back_from_their_names() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
        let err = "done".parse::<Status>().unwrap_err();
        assert!(err.to_string().contains("in_review"), "{err}");
    }

    #[test]
    fn viewers_can_do_nothing() {
        for (from, ..) in TRANSITIONS {
            assert!(from.next_for(Role::Viewer).is_empty());
        }
    }
}

//! The small pieces of SQL and value conversion that several aggregates share: stored ids and
//! numbers read back, and the visibility filter a principal's view becomes.

use schema::CaseId;

use super::{StoreError, StoreResult, Visibility};

/// A stored case id, read back.
pub(super) fn parse_id(text: &str) -> StoreResult<CaseId> {
    text.parse()
        .map_err(|e| StoreError::Invalid(format!("stored case id `{text}` is not a UUID: {e}")))
}

/// A size or count to store (SQLite's integers are signed).
pub(super) fn to_i64(n: u64) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is too large to store")))
}

/// A stored size or count; never negative, since only [`to_i64`] values are stored.
pub(super) fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A limit for `LIMIT ?`.
pub(super) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored role, read back.
pub(super) fn role_of(text: &str) -> StoreResult<schema::Role> {
    text.parse()
        .map_err(|_| StoreError::Invalid(format!("stored role `{text}` is unknown")))
}

/// `(tenant, officer)` parameters of the visibility filter [`visible`].
pub(super) fn visibility_params(visibility: &Visibility) -> (&str, Option<&str>) {
    match visibility {
        Visibility::Tenant { tenant } => (tenant, None),
        Visibility::Officer { tenant, username } => (tenant, Some(username)),
    }
}

/// The condition on `cases c` of what `visibility` sees, over the parameters of
/// [`visibility_params`] (`?1` tenant, `?2` officer or NULL).
///
/// An officer's cases are found through the creator and assignee indexes, so a sync costs
/// what the officer's cases cost, not what the tenant's do: one condition for both kinds,
/// `?2 IS NULL OR created_by = ?2 OR …`, made SQLite walk every case of the tenant.
pub(super) fn visible(visibility: &Visibility) -> &'static str {
    match visibility {
        // `?2` stays in the text so both variants take the same parameters.
        Visibility::Tenant { .. } => "c.tenant = ?1 AND ?2 IS NULL",
        Visibility::Officer { .. } => {
            // `rowid`, which the two indexes hold, so neither subquery reads the table and
            // the planner does not prefer the queue's covering index (a walk of the tenant);
            // no tenant condition outside, or the planner walks the tenant to sort.
            "c.rowid IN (
                 SELECT rowid FROM cases WHERE tenant = ?1 AND created_by = ?2
                 UNION SELECT rowid FROM cases WHERE tenant = ?1 AND assignee = ?2)"
        }
    }
}

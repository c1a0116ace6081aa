//! The review queue's filtered, sorted pages of cases with their total and counts per
//! status, from the projection.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::cases::{CASE_COLUMNS, case_row_from};
use super::sql::{to_u64, visibility_params};
use super::{CasePage, CaseQuery, CaseSort, ReadTx, StoreResult};

/// The `WHERE` clause of `query` with its values (anonymous `?` placeholders, in order).
/// `with_status` false leaves the status filter out, for the counts per status.
fn filters(query: &CaseQuery, with_status: bool) -> (String, Vec<Value>) {
    let (tenant, officer) = visibility_params(&query.visibility);
    let officer = officer.map_or(Value::Null, |o| Value::Text(o.to_string()));
    // The rule of the store's `visible`, with anonymous placeholders (the back office's
    // staff see the whole tenant, so the officer's index path does not matter here).
    let mut clauses =
        vec!["c.tenant = ? AND (? IS NULL OR c.created_by = ? OR c.assignee = ?)".to_string()];
    let mut values = vec![
        Value::Text(tenant.to_string()),
        officer.clone(),
        officer.clone(),
        officer,
    ];
    let mut equal = |column: &str, value: &Option<String>| {
        if let Some(value) = value {
            clauses.push(format!("{column} = ?"));
            values.push(Value::Text(value.clone()));
        }
    };
    if with_status {
        equal("c.status", &query.status);
    }
    equal("c.template_id", &query.template_id);
    equal("c.created_by", &query.created_by);
    equal("c.assignee", &query.assignee);
    if let Some(from) = query.created_from_ms {
        clauses.push("c.created_at >= ?".into());
        values.push(Value::Integer(from));
    }
    if let Some(before) = query.created_before_ms {
        clauses.push("c.created_at < ?".into());
        values.push(Value::Integer(before));
    }
    if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
        if text.chars().count() >= 3 {
            // The trigram index matches a quoted phrase as a case-insensitive substring.
            clauses.push(
                "c.rowid IN (SELECT rowid FROM cases_search WHERE cases_search MATCH ?)".into(),
            );
            values.push(Value::Text(format!("\"{}\"", text.replace('"', "\"\""))));
        } else {
            // Shorter than a trigram: the index cannot help, scan the columns, with the
            // wildcards of the user's text escaped, so `5%` means "5%".
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = Value::Text(format!("%{escaped}%"));
            clauses.push(
                "(c.title LIKE ? ESCAPE '\\' OR ifnull(c.address, '') LIKE ? ESCAPE '\\' \
                 OR c.answers LIKE ? ESCAPE '\\')"
                    .into(),
            );
            values.push(pattern.clone());
            values.push(pattern.clone());
            values.push(pattern);
        }
    }
    (clauses.join(" AND "), values)
}

fn order_by(query: &CaseQuery) -> String {
    let column = match query.sort {
        CaseSort::Updated => "c.updated_at",
        CaseSort::Created => "c.created_at",
        CaseSort::Title => "c.title COLLATE NOCASE",
        CaseSort::Status => "c.status",
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    format!("{column} {direction}, c.id {direction}")
}

/// The page of cases `query` asks for, with the total and the counts per status of every
/// case its filters match (all read in the caller's one transaction, so they describe the
/// same moment).
///
/// # Errors
/// Database failures.
pub fn page(tx: &ReadTx<'_>, query: &CaseQuery) -> StoreResult<CasePage> {
    let tx = tx.sql();
    let (clause, mut values) = filters(query, true);
    let total: i64 = tx.query_row(
        &format!("SELECT count(*) FROM cases c WHERE {clause}"),
        params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    let columns = CASE_COLUMNS.replace(", ", ", c.");
    values.push(Value::Integer(
        i64::try_from(query.limit).unwrap_or(i64::MAX),
    ));
    values.push(Value::Integer(
        i64::try_from(query.offset).unwrap_or(i64::MAX),
    ));
    let mut rows = Vec::new();
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT c.{columns} FROM cases c WHERE {clause} ORDER BY {} LIMIT ? OFFSET ?",
            order_by(query)
        ))?;
        let mut cursor = stmt.query(params_from_iter(values.iter()))?;
        while let Some(r) = cursor.next()? {
            rows.push(case_row_from(tx, r)?);
        }
    }
    let (clause, values) = filters(query, false);
    let status_counts = {
        let mut stmt = tx.prepare(&format!(
            "SELECT c.status, count(*) FROM cases c WHERE {clause} GROUP BY c.status \
             ORDER BY c.status"
        ))?;
        stmt.query_map(params_from_iter(values.iter()), |r| {
            Ok((r.get::<_, String>(0)?, to_u64(r.get::<_, i64>(1)?)))
        })?
        .collect::<Result<Vec<_>, _>>()?
    };
    Ok(CasePage {
        rows,
        total: to_u64(total),
        status_counts,
    })
}

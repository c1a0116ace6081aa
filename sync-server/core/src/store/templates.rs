//! Form templates, an aggregate of their own over the transaction primitives: the ones
//! bundled with naper (tenant `NULL`, installed anew at every start) and the versions a
//! tenant publishes, which never change once stored.

use rusqlite::{OptionalExtension, params};
use schema::Audience;

use super::{ReadTx, StoreError, StoreResult, TemplateRow, WriteTx, now_ms};

/// Stores a template, replacing one with the same tenant, id and version: for the
/// templates bundled with naper, installed anew at every start.
///
/// # Errors
/// Database errors.
pub fn put(tx: &WriteTx<'_>, template: &TemplateRow) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "DELETE FROM templates WHERE ifnull(tenant, '') = ifnull(?1, '') AND id = ?2
             AND version = ?3",
        )?
        .execute(params![template.tenant, template.id, template.version])?;
    insert(tx, template)
}

/// Publishes a new version of a tenant's template: stored only when it is newer than every
/// stored version of its id, the tenant's and the shared ones, checked in the writing
/// transaction, so of two uploads of the same version at the same moment one is refused and
/// a published version never changes.
///
/// # Errors
/// [`StoreError::TemplateNotNewer`], database errors.
pub fn publish(tx: &WriteTx<'_>, template: &TemplateRow) -> StoreResult<()> {
    let current: Option<u32> = tx
        .sql()
        .prepare_cached(
            "SELECT max(version) FROM templates WHERE id = ?1 AND (tenant = ?2 OR tenant IS NULL)",
        )?
        .query_row(params![template.id, template.tenant], |r| r.get(0))?;
    if let Some(current) = current.filter(|&current| current >= template.version) {
        return Err(StoreError::TemplateNotNewer {
            id: template.id.clone(),
            version: template.version,
            current,
        });
    }
    insert(tx, template)
}

/// The tenant's and the bundled templates (of one audience, or all), by id and version; the tenant's own version of a
/// template hides the bundled one.
///
/// # Errors
/// Database errors.
pub fn of_tenant(
    tx: &ReadTx<'_>,
    tenant: &str,
    audience: Option<Audience>,
) -> StoreResult<Vec<TemplateRow>> {
    let mut stmt = tx.sql().prepare_cached(
        "SELECT tenant, id, version, category, title_de, title_en, json, audience FROM templates
         WHERE (tenant = ?1 OR tenant IS NULL) AND ifnull(?2, audience) = audience
         ORDER BY id, version, tenant IS NULL",
    )?;
    let rows = stmt
        .query_map(params![tenant, audience.map(audience_name)], row_from)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out: Vec<TemplateRow> = Vec::with_capacity(rows.len());
    for row in rows {
        if !out
            .last()
            .is_some_and(|last| last.id == row.id && last.version == row.version)
        {
            out.push(row);
        }
    }
    Ok(out)
}

/// The newest version of template `id` the tenant has (its own or bundled).
///
/// # Errors
/// Database errors.
pub fn newest(tx: &ReadTx<'_>, tenant: &str, id: &str) -> StoreResult<Option<TemplateRow>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT tenant, id, version, category, title_de, title_en, json, audience
             FROM templates WHERE (tenant = ?1 OR tenant IS NULL) AND id = ?2
             ORDER BY version DESC, tenant IS NULL LIMIT 1",
        )?
        .query_row(params![tenant, id], row_from)
        .optional()?)
}

/// One template of the tenant or bundled (the tenant's wins).
///
/// # Errors
/// Database errors.
pub fn find(
    tx: &ReadTx<'_>,
    tenant: &str,
    id: &str,
    version: u32,
) -> StoreResult<Option<TemplateRow>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT tenant, id, version, category, title_de, title_en, json, audience
             FROM templates WHERE (tenant = ?1 OR tenant IS NULL) AND id = ?2 AND version = ?3
             ORDER BY tenant IS NULL LIMIT 1",
        )?
        .query_row(params![tenant, id, version], row_from)
        .optional()?)
}

fn insert(tx: &WriteTx<'_>, template: &TemplateRow) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "INSERT INTO templates (tenant, id, version, category, title_de, title_en, json,
                 created_at, audience) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            template.tenant,
            template.id,
            template.version,
            template.category,
            template.title_de,
            template.title_en,
            template.json,
            now_ms(),
            audience_name(template.audience),
        ])?;
    Ok(())
}

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<TemplateRow> {
    Ok(TemplateRow {
        tenant: r.get(0)?,
        id: r.get(1)?,
        version: r.get(2)?,
        category: r.get(3)?,
        title_de: r.get(4)?,
        title_en: r.get(5)?,
        json: r.get(6)?,
        audience: match r.get_ref(7)?.as_str()? {
            "citizen" => Audience::Citizen,
            _ => Audience::Officer,
        },
    })
}

fn audience_name(audience: Audience) -> &'static str {
    match audience {
        Audience::Officer => "officer",
        Audience::Citizen => "citizen",
    }
}

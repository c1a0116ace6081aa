//! Which citizen services a tenant offers, an aggregate over the transaction primitives: a
//! service (a template for citizens) is offered only where its tenant enabled it; and the
//! everyday words the tenant adds to a service for its citizens' searches.

use std::collections::BTreeMap;

use rusqlite::params;

use super::{ReadTx, StoreResult, WriteTx, now_ms};

/// Offers service `service_id` in `tenant`'s portal; enabling it again changes nothing.
///
/// # Errors
/// Database failures (an unknown tenant among them).
pub fn enable(tx: &WriteTx<'_>, tenant: &str, service_id: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "INSERT INTO tenant_services (tenant, service_id, enabled_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![tenant, service_id, now_ms()])?;
    Ok(())
}

/// Stops offering service `service_id` in `tenant`'s portal; requests already sent stay.
///
/// # Errors
/// Database failures.
pub fn disable(tx: &WriteTx<'_>, tenant: &str, service_id: &str) -> StoreResult<()> {
    tx.sql()
        .prepare_cached("DELETE FROM tenant_services WHERE tenant = ?1 AND service_id = ?2")?
        .execute(params![tenant, service_id])?;
    Ok(())
}

/// The ids of the services `tenant` offers, sorted.
///
/// # Errors
/// Database failures.
pub fn enabled(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<Vec<String>> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT service_id FROM tenant_services WHERE tenant = ?1 ORDER BY service_id",
        )?
        .query_map([tenant], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Adds `word` to the words `tenant`'s citizens find `service_id` by; adding it again
/// changes nothing.
///
/// # Errors
/// Database failures (an unknown tenant among them).
pub fn add_synonym(
    tx: &WriteTx<'_>,
    tenant: &str,
    service_id: &str,
    word: &str,
) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "INSERT INTO service_synonyms (tenant, service_id, word) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![tenant, service_id, word])?;
    Ok(())
}

/// Removes `word` from `service_id`'s words in `tenant`.
///
/// # Errors
/// Database failures.
pub fn remove_synonym(
    tx: &WriteTx<'_>,
    tenant: &str,
    service_id: &str,
    word: &str,
) -> StoreResult<()> {
    tx.sql()
        .prepare_cached(
            "DELETE FROM service_synonyms WHERE tenant = ?1 AND service_id = ?2 AND word = ?3",
        )?
        .execute(params![tenant, service_id, word])?;
    Ok(())
}

/// `tenant`'s own words, by service id.
///
/// # Errors
/// Database failures.
pub fn synonyms(tx: &ReadTx<'_>, tenant: &str) -> StoreResult<BTreeMap<String, Vec<String>>> {
    let mut words: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut stmt = tx.sql().prepare_cached(
        "SELECT service_id, word FROM service_synonyms WHERE tenant = ?1 ORDER BY service_id, word",
    )?;
    let rows = stmt.query_map([tenant], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (service, word) = row?;
        words.entry(service).or_default().push(word);
    }
    Ok(words)
}

//! The audit trail on PostgreSQL.
use chrono::{DateTime, Utc};
use rapport_domain::{PartyId, StaffId};
use rapport_store::audit::{AuditEntry, NewAuditEntry, link};
use rapport_store::{AuditFilter, Page, PageRequest, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

use super::{db_err, parse_col};

const COLUMNS: &str = "seq, at, actor_staff_id, actor_username, actor_role, source_ip, action, party_id, \
                       fields_unmasked, reason, detail, prev_hash, hash";

fn entry_from_row(row: &PgRow) -> StoreResult<AuditEntry> {
    let role: Option<String> = row.try_get("actor_role").map_err(db_err)?;
    let action: String = row.try_get("action").map_err(db_err)?;
    let fields: String = row.try_get("fields_unmasked").map_err(db_err)?;
    Ok(AuditEntry {
        seq: row.try_get("seq").map_err(db_err)?,
        entry: NewAuditEntry {
            at: row.try_get::<DateTime<Utc>, _>("at").map_err(db_err)?,
            actor_staff_id: row
                .try_get::<Option<i64>, _>("actor_staff_id")
                .map_err(db_err)?
                .map(StaffId),
            actor_username: row.try_get("actor_username").map_err(db_err)?,
            actor_role: role
                .map(|r| parse_col("audit_log.actor_role", &r))
                .transpose()?,
            source_ip: row.try_get("source_ip").map_err(db_err)?,
            action: parse_col("audit_log.action", &action)?,
            party_id: row
                .try_get::<Option<i64>, _>("party_id")
                .map_err(db_err)?
                .map(PartyId),
            fields_unmasked: fields
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
            reason: row.try_get("reason").map_err(db_err)?,
            detail: row.try_get("detail").map_err(db_err)?,
        },
        prev_hash: row.try_get("prev_hash").map_err(db_err)?,
        hash: row.try_get("hash").map_err(db_err)?,
    })
}

fn col<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

pub async fn append(pool: &PgPool, entries: &[NewAuditEntry]) -> StoreResult<Vec<AuditEntry>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = pool.begin().await.map_err(db_err)?;
    // The row lock on the head serialises appenders, also across application nodes.
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
    let linked = link(seq, &hash, entries);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_staff_id, actor_username, actor_role, source_ip, action, \
           party_id, fields_unmasked, reason, detail, prev_hash, hash) \
         SELECT * FROM UNNEST($1::bigint[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[], \
           $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])",
    )
    .bind(col(&linked, |e| e.seq))
    .bind(col(&linked, |e| e.entry.at))
    .bind(col(&linked, |e| e.entry.actor_staff_id.map(|s| s.0)))
    .bind(col(&linked, |e| e.entry.actor_username.clone()))
    .bind(col(&linked, |e| e.entry.actor_role.map(|r| r.as_str().to_owned())))
    .bind(col(&linked, |e| e.entry.source_ip.clone()))
    .bind(col(&linked, |e| e.entry.action.as_str().to_owned()))
    .bind(col(&linked, |e| e.entry.party_id.map(|p| p.0)))
    .bind(col(&linked, |e| e.entry.fields_unmasked.join(",")))
    .bind(col(&linked, |e| e.entry.reason.clone()))
    .bind(col(&linked, |e| e.entry.detail.clone()))
    .bind(col(&linked, |e| e.prev_hash.clone()))
    .bind(col(&linked, |e| e.hash.clone()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if let Some(last) = linked.last() {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(last.seq)
            .bind(last.hash.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(linked)
}

pub async fn entries_after(pool: &PgPool, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(entry_from_row).collect()
}

pub async fn head(pool: &PgPool) -> StoreResult<(i64, String)> {
    sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await
        .map_err(db_err)
}

pub async fn search(
    pool: &PgPool,
    f: &AuditFilter,
    page: PageRequest,
) -> StoreResult<Page<AuditEntry>> {
    // Absent filters bind NULL and match everything: one statement, no string building.
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log \
         WHERE ($1::text IS NULL OR actor_username = $1) AND ($2::bigint IS NULL OR party_id = $2) \
           AND ($3::text IS NULL OR action = $3) AND ($4::timestamptz IS NULL OR at >= $4) \
           AND ($5::timestamptz IS NULL OR at < $5) \
         ORDER BY seq DESC LIMIT $6 OFFSET $7"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(f.actor_username.as_deref())
        .bind(f.party_id.map(|p| p.0))
        .bind(f.action.map(|a| a.as_str()))
        .bind(f.from)
        .bind(f.to)
        .bind(page.fetch_limit())
        .bind(page.offset())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    let items = rows
        .iter()
        .map(entry_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, page))
}

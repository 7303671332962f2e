//! The audit trail: a hash-chained, append-only log.
use async_trait::async_trait;
use rapport_domain::{PartyId, StaffId};
use rapport_store::audit::{AuditEntry, NewAuditEntry, link};
use rapport_store::{AuditFilter, AuditStore, Page, PageRequest, StoreResult};
use sqlx::Row;

use super::columns::{ints, texts, times};
use super::dialect::{
    DbRow, FOR_UPDATE, Time, begin_write, from_time, insert_columns, numbered, time,
};
use super::pages::ReadRows;
use super::pages::fetch_page;
use super::{db_err, parse_col};

const COLUMNS: &str = "seq, at, actor_staff_id, actor_username, actor_role, source_ip, action, party_id, \
                       fields_unmasked, reason, detail, prev_hash, hash";

fn entry_from_row(row: &DbRow) -> StoreResult<AuditEntry> {
    let at: Time = row.try_get("at").map_err(db_err)?;
    let role: Option<String> = row.try_get("actor_role").map_err(db_err)?;
    let action: String = row.try_get("action").map_err(db_err)?;
    let fields: String = row.try_get("fields_unmasked").map_err(db_err)?;
    Ok(AuditEntry {
        seq: row.try_get("seq").map_err(db_err)?,
        entry: NewAuditEntry {
            at: from_time(&at)?,
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

#[async_trait]
impl AuditStore for super::Backend {
    async fn append_audit(&self, entries: &[NewAuditEntry]) -> StoreResult<Vec<AuditEntry>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        // The write transaction (SQLite) or the row lock on the head (PostgreSQL) serialises
        // appenders, also across application nodes: no other appender can read the same head.
        let mut tx = begin_write(&self.pool).await?;
        let (seq, hash): (i64, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT seq, hash FROM audit_head WHERE id = 1{FOR_UPDATE}"
        )))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let linked = link(seq, &hash, entries);
        let fields: Vec<String> = linked
            .iter()
            .map(|e| e.entry.fields_unmasked.join(","))
            .collect();
        insert_columns(
            &mut tx,
            "INSERT INTO audit_log (seq, at, actor_staff_id, actor_username, actor_role, source_ip, action, \
             party_id, fields_unmasked, reason, detail, prev_hash, hash)",
            &[
                ints(&linked, |e| e.seq),
                times(&linked, |e| e.entry.at),
                ints(&linked, |e| e.entry.actor_staff_id.map(|s| s.0)),
                texts(&linked, |e| e.entry.actor_username.as_str()),
                texts(&linked, |e| e.entry.actor_role.map(|r| r.as_str())),
                texts(&linked, |e| e.entry.source_ip.as_deref()),
                texts(&linked, |e| e.entry.action.as_str()),
                ints(&linked, |e| e.entry.party_id.map(|p| p.0)),
                texts(&fields, String::as_str),
                texts(&linked, |e| e.entry.reason.as_deref()),
                texts(&linked, |e| e.entry.detail.as_deref()),
                texts(&linked, |e| e.prev_hash.as_str()),
                texts(&linked, |e| e.hash.as_str()),
            ],
            "",
        )
        .await?;
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

    async fn audit_entries_after(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .bind(limit)
            .fetch_rows(&self.pool, entry_from_row)
            .await
    }

    async fn audit_head(&self) -> StoreResult<(i64, String)> {
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn search_audit(
        &self,
        f: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        let mut conditions = vec!["1 = 1".to_owned()];
        if f.actor_username.is_some() {
            conditions.push("actor_username = ?".into());
        }
        if f.party_id.is_some() {
            conditions.push("party_id = ?".into());
        }
        if f.action.is_some() {
            conditions.push("action = ?".into());
        }
        if f.from.is_some() {
            conditions.push("at >= ?".into());
        }
        if f.to.is_some() {
            conditions.push("at < ?".into());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {} ORDER BY seq DESC LIMIT ? OFFSET ?",
            conditions.join(" AND ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
        if let Some(u) = &f.actor_username {
            q = q.bind(u.as_str());
        }
        if let Some(p) = f.party_id {
            q = q.bind(p.0);
        }
        if let Some(a) = f.action {
            q = q.bind(a.as_str());
        }
        if let Some(t) = f.from {
            q = q.bind(time(t));
        }
        if let Some(t) = f.to {
            q = q.bind(time(t));
        }
        fetch_page(q, &self.pool, page, entry_from_row).await
    }
}

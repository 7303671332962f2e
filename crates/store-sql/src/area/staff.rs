//! Staff accounts, login throttling and sessions.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::{BranchId, StaffId, Username};
use rapport_store::{
    NewStaff, Session, SessionKind, SessionSummary, StaffAccount, StaffStore,
    StaffUpdate, StoreError, StoreResult,
};
use sqlx::Row;

use super::dialect::{DbRow, begin_write};
use super::pages::ReadRows;
use super::{db_err, parse_col};

const STAFF_COLUMNS: &str = "s.id, s.username, s.display_name, s.role, s.branch_id, s.password_hash, \
     s.disabled, s.must_change_password";

fn staff_from_row(row: &DbRow) -> StoreResult<StaffAccount> {
    let username: String = row.try_get("username").map_err(db_err)?;
    let role: String = row.try_get("role").map_err(db_err)?;
    Ok(StaffAccount {
        id: StaffId(row.try_get("id").map_err(db_err)?),
        username: Username::parse(&username).map_err(|_| {
            StoreError::Database("column staff.username holds an invalid name".into())
        })?,
        display_name: row.try_get("display_name").map_err(db_err)?,
        role: parse_col("staff.role", &role)?,
        branch_id: row
            .try_get::<Option<i64>, _>("branch_id")
            .map_err(db_err)?
            .map(BranchId),
        password_hash: row.try_get("password_hash").map_err(db_err)?,
        disabled: row.try_get("disabled").map_err(db_err)?,
        must_change_password: row.try_get("must_change_password").map_err(db_err)?,
    })
}

#[async_trait]
impl StaffStore for super::Backend {
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<StaffId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff (username, display_name, role, branch_id, password_hash, created_at, \
             must_change_password) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(staff.username.as_str())
        .bind(&staff.display_name)
        .bind(staff.role.as_str())
        .bind(staff.branch_id.map(|b| b.0))
        .bind(&staff.password_hash)
        .bind(Utc::now())
        .bind(staff.must_change_password)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("username {} is taken", staff.username))
            }
            other => other,
        })?;
        Ok(StaffId(id))
    }

    async fn set_password(&self, staff_id: StaffId, hash: &str) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE staff SET password_hash = $1, \
             must_change_password = $3 WHERE id = $2",
        )
        .bind(hash)
        .bind(staff_id.0)
        .bind(false)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("staff member {}", staff_id.0)));
        }
        Ok(())
    }

    async fn reset_password(
        &self,
        staff_id: StaffId,
        hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE staff SET password_hash = $1, must_change_password = $2 \
             WHERE id = $3",
        )
        .bind(hash)
        .bind(must_change)
        .bind(staff_id.0)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("staff member {}", staff_id.0)));
        }
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(staff_id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn update_staff(
        &self,
        username: &Username,
        u: &StaffUpdate,
    ) -> StoreResult<StaffAccount> {
        let done = sqlx::query(
            "UPDATE staff SET display_name = COALESCE($1, display_name), role = COALESCE($2, role), \
             branch_id = CASE WHEN $3 THEN $4 ELSE branch_id END WHERE username = $5",
        )
        .bind(u.display_name.as_deref())
        .bind(u.role.map(|r| r.as_str()))
        .bind(u.branch_id.is_some())
        .bind(u.branch_id.flatten().map(|b| b.0))
        .bind(username.as_str())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("staff member {username}")));
        }
        self.staff_by_username(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("staff member {username}")))
    }

    async fn list_sessions(
        &self,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionSummary>> {
        let rows = sqlx::query(
            "SELECT x.token_hash, x.staff_id, s.username, x.kind, x.name, x.created_at, x.idle_expires_at, \
                    x.absolute_expires_at \
             FROM sessions x JOIN staff s ON s.id = x.staff_id \
             WHERE ($1 IS NULL OR x.staff_id = $1) ORDER BY x.created_at DESC",
        )
        .bind(staff.map(|s| s.0))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let kind = SessionKind::parse(&r.try_get::<String, _>("kind").map_err(db_err)?);
            let idle: DateTime<Utc> = r.try_get("idle_expires_at").map_err(db_err)?;
            let absolute: DateTime<Utc> = r.try_get("absolute_expires_at").map_err(db_err)?;
            if now >= absolute || (kind == SessionKind::Browser && now >= idle) {
                continue;
            }
            let hash: String = r.try_get("token_hash").map_err(db_err)?;
            out.push(SessionSummary {
                id: hash.chars().take(16).collect(),
                staff_id: StaffId(r.try_get("staff_id").map_err(db_err)?),
                username: r.try_get("username").map_err(db_err)?,
                kind,
                name: r.try_get("name").map_err(db_err)?,
                created_at: r.try_get("created_at").map_err(db_err)?,
                idle_expires_at: idle,
                absolute_expires_at: absolute,
            });
        }
        Ok(out)
    }

    async fn revoke_session(&self, id: &str) -> StoreResult<bool> {
        if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Invalid(
                "a session id is 16 hexadecimal digits".into(),
            ));
        }
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash LIKE $1")
            .bind(format!("{}%", id.to_ascii_lowercase()))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_disabled(&self, username: &Username, disabled: bool) -> StoreResult<()> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query("UPDATE staff SET disabled = $1 WHERE username = $2")
            .bind(disabled)
            .bind(username.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("staff member {username}")));
        }
        if disabled {
            // A disabled account loses its sessions at once.
            sqlx::query(
                "DELETE FROM sessions WHERE staff_id = (SELECT id FROM staff WHERE username = $1)",
            )
            .bind(username.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn staff_by_username(&self, username: &Username) -> StoreResult<Option<StaffAccount>> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff s WHERE s.username = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.as_str())
            .fetch_row(&self.pool, staff_from_row)
            .await
    }

    async fn staff_by_id(&self, staff_id: StaffId) -> StoreResult<Option<StaffAccount>> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff s WHERE s.id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(staff_id.0)
            .fetch_row(&self.pool, staff_from_row)
            .await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff s ORDER BY s.id");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_rows(&self.pool, staff_from_row)
            .await
    }

    /// [`rapport_store::throttle`]'s statements, as they are.
    async fn throttle_hit(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        use rapport_store::throttle::{HIT, PRUNE, bucket_name, window_start};
        let (bucket, start) = (bucket_name(bucket), window_start(now, window_secs));
        let hits: i64 = sqlx::query_scalar(HIT)
            .bind(&bucket)
            .bind(start)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        sqlx::query(PRUNE)
            .bind(&bucket)
            .bind(start)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(hits)
    }

    async fn throttle_hits(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        use rapport_store::throttle::{HITS, bucket_name, window_start};
        let hits: Option<i64> = sqlx::query_scalar(HITS)
            .bind(bucket_name(bucket))
            .bind(window_start(now, window_secs))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(hits.unwrap_or(0))
    }

    async fn create_session(&self, s: &Session) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at, idle_expires_at, absolute_expires_at, \
             kind, name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&s.token_hash)
        .bind(s.staff_id.0)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.idle_expires_at)
        .bind(s.absolute_expires_at)
        .bind(s.kind.as_str())
        .bind(s.name.as_deref())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_timeout: chrono::Duration,
    ) -> StoreResult<Option<(Session, StaffAccount)>> {
        let sql = format!(
            "SELECT x.token_hash, x.staff_id AS session_staff_id, x.csrf_token, x.created_at, \
                    x.idle_expires_at, x.absolute_expires_at, x.kind, x.name, {STAFF_COLUMNS} \
             FROM sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = $1"
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        let staff = staff_from_row(&row)?;
        let mut session = Session {
            token_hash: row.try_get("token_hash").map_err(db_err)?,
            staff_id: StaffId(row.try_get("session_staff_id").map_err(db_err)?),
            csrf_token: row.try_get("csrf_token").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
            idle_expires_at: row.try_get("idle_expires_at").map_err(db_err)?,
            absolute_expires_at: row.try_get("absolute_expires_at").map_err(db_err)?,
            kind: SessionKind::parse(&row.try_get::<String, _>("kind").map_err(db_err)?),
            name: row.try_get("name").map_err(db_err)?,
        };
        // A token has no idle deadline, only its absolute one.
        let idle_expired = session.kind == SessionKind::Browser && now >= session.idle_expires_at;
        if staff.disabled || idle_expired || now >= session.absolute_expires_at {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        let refreshed = (now + idle_timeout).min(session.absolute_expires_at);
        // Write at most once a minute per session: reads dominate, and each write is a WAL record.
        if session.kind == SessionKind::Browser
            && refreshed - session.idle_expires_at > chrono::Duration::seconds(60)
        {
            sqlx::query("UPDATE sessions SET idle_expires_at = $1 WHERE token_hash = $2")
                .bind(refreshed)
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
            session.idle_expires_at = refreshed;
        }
        Ok(Some((session, staff)))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

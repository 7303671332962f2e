//! Staff changes awaiting a second administrator (`rapport_store::staff_changes`).
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use rapport_domain::{BranchId, Role, StaffId, Username};
use rapport_store::staff_changes::{
    IssuedCredential, NewStaffChange, RequestedVia, StaffChange, StaffChangeApplied,
    StaffChangeDecision, StaffChangeRow, StaffChangeStatus, check_credential, check_decision,
};
use rapport_store::{StaffChangeStore, StoreError, StoreResult};
use sqlx::Row;

use super::db_err;
use super::dialect::{DbRow, FOR_UPDATE, Tx, begin_write, lock_table};
use super::pages::ReadRows;

const COLUMNS: &str = "id, detail, requested_by, requested_via, requested_at, status, decided_by, \
     decided_at";

fn from_row(row: &DbRow) -> StoreResult<StaffChangeRow> {
    let detail: String = row.try_get("detail").map_err(db_err)?;
    Ok(StaffChangeRow {
        id: row.try_get("id").map_err(db_err)?,
        change: serde_json::from_str(&detail).map_err(|_| {
            StoreError::Database(
                "column pending_staff_changes.detail holds an unknown change".into(),
            )
        })?,
        requested_by: row
            .try_get::<Option<i64>, _>("requested_by")
            .map_err(db_err)?
            .map(StaffId),
        requested_via: RequestedVia::parse(
            &row.try_get::<String, _>("requested_via").map_err(db_err)?,
        )?,
        requested_at: row.try_get("requested_at").map_err(db_err)?,
        status: StaffChangeStatus::parse(&row.try_get::<String, _>("status").map_err(db_err)?)?,
        decided_by: row
            .try_get::<Option<i64>, _>("decided_by")
            .map_err(db_err)?
            .map(StaffId),
        decided_at: row.try_get("decided_at").map_err(db_err)?,
    })
}

#[async_trait]
impl StaffChangeStore for super::Backend {
    async fn request_staff_change(&self, new: &NewStaffChange) -> StoreResult<StaffChangeRow> {
        let detail = serde_json::to_string(&new.change)
            .map_err(|e| StoreError::Invalid(format!("staff change: {e}")))?;
        let username = new.change.username()?;
        // The table lock makes max(id) + 1 this writer's alone (requests are rare: no contention
        // worth a sequence).
        let mut tx = begin_write(&self.pool).await?;
        lock_table(&mut tx, "pending_staff_changes").await?;
        let sql = format!(
            "INSERT INTO pending_staff_changes (id, kind, username, detail, requested_by, requested_via, \
             requested_at) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM pending_staff_changes), \
             $1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(new.change.kind())
            .bind(username.as_str())
            .bind(detail)
            .bind(new.requested_by.map(|s| s.0))
            .bind(new.requested_via.as_str())
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let row = from_row(&row)?;
        tx.commit().await.map_err(db_err)?;
        Ok(row)
    }

    async fn pending_staff_changes(&self) -> StoreResult<Vec<StaffChangeRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM pending_staff_changes WHERE status = 'pending' ORDER BY id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_rows(&self.pool, from_row)
            .await
    }

    async fn staff_change(&self, id: i64) -> StoreResult<Option<StaffChangeRow>> {
        let sql = format!("SELECT {COLUMNS} FROM pending_staff_changes WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_row(&self.pool, from_row)
            .await
    }

    async fn approve_staff_change(
        &self,
        d: &StaffChangeDecision,
        credential: &IssuedCredential,
    ) -> StoreResult<StaffChangeApplied> {
        let mut tx = begin_write(&self.pool).await?;
        let row = decidable(&mut tx, d).await?;
        check_credential(&row.change, credential)?;
        let staff_id = apply(&mut tx, &row.change, credential, d).await?;
        let row = mark(&mut tx, d, StaffChangeStatus::Approved).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(StaffChangeApplied { row, staff_id })
    }

    async fn reject_staff_change(&self, d: &StaffChangeDecision) -> StoreResult<StaffChangeRow> {
        let mut tx = begin_write(&self.pool).await?;
        decidable(&mut tx, d).await?;
        let row = mark(&mut tx, d, StaffChangeStatus::Rejected).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(row)
    }
}

/// The change, locked for the decision (a concurrent decision waits, then finds it decided).
async fn decidable(tx: &mut Tx<'_>, d: &StaffChangeDecision) -> StoreResult<StaffChangeRow> {
    let sql = format!("SELECT {COLUMNS} FROM pending_staff_changes WHERE id = $1{FOR_UPDATE}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(d.id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| StoreError::NotFound(format!("staff change {}", d.id)))?;
    let row = from_row(&row)?;
    check_decision(&row, d.decided_by)?;
    Ok(row)
}

async fn mark(
    tx: &mut Tx<'_>,
    d: &StaffChangeDecision,
    status: StaffChangeStatus,
) -> StoreResult<StaffChangeRow> {
    let sql = format!(
        "UPDATE pending_staff_changes SET status = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND status = 'pending' RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status.as_str())
        .bind(d.decided_by.0)
        .bind(d.at)
        .bind(d.id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| {
            StoreError::Conflict(format!("staff change {} was decided already", d.id))
        })?;
    from_row(&row)
}

/// A login that is gone since the request: the change cannot be applied (409, not 404: the
/// change itself exists).
fn gone(username: &impl std::fmt::Display) -> StoreError {
    StoreError::Conflict(format!("staff member {username} no longer exists"))
}

fn taken(e: sqlx::Error, username: &impl std::fmt::Display) -> StoreError {
    match db_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("username {username} is taken")),
        other => other,
    }
}

async fn staff_id_of(tx: &mut Tx<'_>, username: &str) -> StoreResult<StaffId> {
    sqlx::query_scalar::<_, i64>("SELECT id FROM staff WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .map(StaffId)
        .ok_or_else(|| gone(&username))
}

/// Applies an approved change with the credential issued for it; the login it made or changed.
async fn apply(
    tx: &mut Tx<'_>,
    change: &StaffChange,
    credential: &IssuedCredential,
    d: &StaffChangeDecision,
) -> StoreResult<StaffId> {
    match (change, credential) {
        (
            StaffChange::CreateLogin {
                username,
                display_name,
                role,
                branch_id,
            },
            IssuedCredential::Password { hash },
        ) => {
            let login = NewLogin {
                username: username.as_str(),
                display_name,
                role: *role,
                branch_id: *branch_id,
                password_hash: hash,
                must_change_password: true,
            };
            insert_login(tx, &login, d)
                .await
                .map_err(|e| taken(e, username))
        }
        (
            StaffChange::ChangeAccess {
                username,
                role,
                set_branch,
                branch_id,
            },
            IssuedCredential::Nothing,
        ) => change_access(tx, username, *role, *set_branch, *branch_id).await,
        (StaffChange::Enable { username }, IssuedCredential::Nothing) => enable(tx, username).await,
        (StaffChange::ResetPassword { username }, IssuedCredential::Password { hash }) => {
            reset_password(tx, username, hash).await
        }
        (
            StaffChange::CreateToken {
                name,
                role,
                branch_id,
                days,
            },
            IssuedCredential::Token {
                account_password_hash,
                token_hash,
                csrf_token,
            },
        ) => {
            let account = change.username()?;
            let display_name = format!("API token {name}");
            let login = NewLogin {
                username: account.as_str(),
                display_name: &display_name,
                role: *role,
                branch_id: *branch_id,
                password_hash: account_password_hash,
                must_change_password: false,
            };
            let id = insert_login(tx, &login, d)
                .await
                .map_err(|e| taken(e, &account))?;
            let session = TokenSession {
                token_hash,
                csrf_token,
                name,
                expires: d.at + Duration::days(*days),
            };
            open_token_session(tx, id, &session, d).await?;
            Ok(id)
        }
        _ => Err(StoreError::Invalid(format!(
            "a {} change needs a different credential",
            change.kind()
        ))),
    }
}

/// A login to add to `staff`: a person's, or the service account an API token acts as.
struct NewLogin<'a> {
    username: &'a str,
    display_name: &'a str,
    role: Role,
    branch_id: Option<BranchId>,
    password_hash: &'a str,
    must_change_password: bool,
}

/// Inserts the login, created when the change is decided; the driver's error is left to the
/// caller, which names a taken username.
async fn insert_login(
    tx: &mut Tx<'_>,
    login: &NewLogin<'_>,
    d: &StaffChangeDecision,
) -> Result<StaffId, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO staff (username, display_name, role, branch_id, password_hash, \
         created_at, must_change_password) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(login.username)
    .bind(login.display_name)
    .bind(login.role.as_str())
    .bind(login.branch_id.map(|b| b.0))
    .bind(login.password_hash)
    .bind(d.at)
    .bind(login.must_change_password)
    .fetch_one(&mut **tx)
    .await?;
    Ok(StaffId(id))
}

/// A new role (`None` keeps it) and, when `set_branch`, the branch `branch_id`.
async fn change_access(
    tx: &mut Tx<'_>,
    username: &Username,
    role: Option<Role>,
    set_branch: bool,
    branch_id: Option<BranchId>,
) -> StoreResult<StaffId> {
    let id = staff_id_of(tx, username.as_str()).await?;
    sqlx::query(
        "UPDATE staff SET role = COALESCE($1, role), \
         branch_id = CASE WHEN $2 THEN $3 ELSE branch_id END WHERE id = $4",
    )
    .bind(role.map(|r| r.as_str()))
    .bind(set_branch)
    .bind(branch_id.map(|b| b.0))
    .bind(id.0)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(id)
}

async fn enable(tx: &mut Tx<'_>, username: &Username) -> StoreResult<StaffId> {
    let id = staff_id_of(tx, username.as_str()).await?;
    sqlx::query("UPDATE staff SET disabled = $1 WHERE id = $2")
        .bind(false)
        .bind(id.0)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(id)
}

/// Sets a temporary password (changed at the next login) and ends the login's sessions.
async fn reset_password(tx: &mut Tx<'_>, username: &Username, hash: &str) -> StoreResult<StaffId> {
    let id = staff_id_of(tx, username.as_str()).await?;
    sqlx::query("UPDATE staff SET password_hash = $1, must_change_password = $2 WHERE id = $3")
        .bind(hash)
        .bind(true)
        .bind(id.0)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(id)
}

/// An API token's session, as issued at approval.
struct TokenSession<'a> {
    token_hash: &'a str,
    csrf_token: &'a str,
    name: &'a str,
    /// Both its idle and its absolute expiry: a token is not refreshed by use.
    expires: DateTime<Utc>,
}

async fn open_token_session(
    tx: &mut Tx<'_>,
    id: StaffId,
    session: &TokenSession<'_>,
    d: &StaffChangeDecision,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at, \
         idle_expires_at, absolute_expires_at, kind, name) \
         VALUES ($1, $2, $3, $4, $5, $5, 'token', $6)",
    )
    .bind(session.token_hash)
    .bind(id.0)
    .bind(session.csrf_token)
    .bind(d.at)
    .bind(session.expires)
    .bind(session.name)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

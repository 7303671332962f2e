//! Source extracts into `source_records` / `source_accounts`: one transaction per batch, upserts
//! keyed on (source system, source key) and decided by the content hash, so a re-run of the same
//! file writes nothing new and a run killed half-way is completed by running it again.
use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::SourceSystem;
use rapport_store::ingest::{
    BatchOutcome, ImportEnd, ImportKind, ImportRun, NewImportRun, RowProblem, RunStatus,
    SourceAccountRow, SourceRecordRow, UpsertCounts,
};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::ACCOUNT;
use rapport_store::{IngestStore, StoreError, StoreResult};
use sqlx::Row;

use super::columns::{bools, dates, ints, texts, times};
use super::dialect::{
    Connection, DbRow, Time, begin_write, from_time, insert_columns, numbered, time,
};
use super::pages::ReadRows;
use super::{db_err, parse_col};

/// Keys per `IN (…)` list, below SQLite's bound-parameter limit.
const IN_CHUNK: usize = 5_000;

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

#[async_trait]
impl IngestStore for super::Backend {
    async fn begin_import(&self, run: &NewImportRun) -> StoreResult<i64> {
        let mut tx = begin_write(&self.pool).await?;
        // A run of the same file still marked running was cut off (a re-run is how a killed load
        // completes); two live imports of one file are not supported.
        sqlx::query(sqlx::AssertSqlSafe(numbered(
            "UPDATE import_runs SET status = 'interrupted', finished_at = ? \
             WHERE status = 'running' AND source_system = ? AND file_sha256 = ?",
        )))
        .bind(time(run.started_at))
        .bind(run.source_system.as_str())
        .bind(&run.file_sha256)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let id = sqlx::query_scalar(sqlx::AssertSqlSafe(numbered(
            "INSERT INTO import_runs (source_system, kind, mode, file_name, file_sha256, started_by, \
             started_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'running') RETURNING id",
        )))
        .bind(run.source_system.as_str())
        .bind(run.kind.as_str())
        .bind(run.mode.as_str())
        .bind(&run.file_name)
        .bind(&run.file_sha256)
        .bind(&run.started_by)
        .bind(time(run.started_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn import_source_records(
        &self,
        run_id: i64,
        system: SourceSystem,
        rows: &[SourceRecordRow],
        now: DateTime<Utc>,
    ) -> StoreResult<BatchOutcome> {
        let sealed: Vec<SealedRecord> = rows
            .iter()
            .map(|r| seal_record(&self.protect, system, r))
            .collect::<StoreResult<_>>()?;
        let loaded_at = time(now);
        let mut tx = begin_write(&self.pool).await?;
        let keys: Vec<&str> = rows.iter().map(|r| r.source_key.as_str()).collect();
        let found = existing(
            &mut tx,
            "SELECT id, source_key, content_hash FROM source_records WHERE source_system = ? AND source_key",
            system,
            &keys,
        )
        .await?;
        let mut counts = UpsertCounts::default();
        let mut fresh = Vec::new();
        let mut same = Vec::new();
        for s in &sealed {
            match found.get(&s.row.source_key) {
                None => fresh.push(s),
                Some((_, hash)) if *hash == s.row.content_hash => {
                    same.push(s.row.source_key.as_str())
                }
                Some((id, _)) => {
                    update_record(&mut tx, *id, s, run_id, &loaded_at).await?;
                    counts.updated += 1;
                }
            }
        }
        counts.inserted = fresh.len() as i64;
        counts.unchanged = same.len() as i64;
        insert_records(&mut tx, system, run_id, now, &fresh).await?;
        // Only a full load needs to know which records it saw (to close the others); a delta
        // leaves unchanged rows untouched, so re-running a file writes nothing.
        let full: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(numbered(
            "SELECT mode = 'full' FROM import_runs WHERE id = ?",
        )))
        .bind(run_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if full {
            touch(
                &mut tx,
                "source_records",
                "source_key",
                run_id,
                system,
                &same,
            )
            .await?;
        }
        count_batch(&mut tx, run_id, counts, 0).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(BatchOutcome {
            counts,
            problems: Vec::new(),
        })
    }

    async fn import_source_accounts(
        &self,
        run_id: i64,
        system: SourceSystem,
        rows: &[SourceAccountRow],
    ) -> StoreResult<BatchOutcome> {
        let mut tx = begin_write(&self.pool).await?;
        let known = account_references(&mut tx, system, rows).await?;
        let (writes, problems) = account_writes(&self.protect, system, rows, &known)?;
        let keys: Vec<&str> = writes.iter().map(|w| w.key.as_str()).collect();
        let found = existing(
            &mut tx,
            "SELECT CAST(0 AS BIGINT), account_key, content_hash FROM source_accounts WHERE source_system = ? AND account_key",
            system,
            &keys,
        )
        .await?;
        let mut counts = UpsertCounts::default();
        let mut fresh = Vec::new();
        let mut same = Vec::new();
        for w in &writes {
            match found.get(&w.key) {
                None => fresh.push(w),
                Some((_, hash)) if *hash == w.row.content_hash => same.push(w.key.as_str()),
                Some(_) => {
                    update_account(&mut tx, system, w, run_id).await?;
                    counts.updated += 1;
                }
            }
        }
        counts.inserted = fresh.len() as i64;
        counts.unchanged = same.len() as i64;
        insert_accounts(&mut tx, system, run_id, &fresh).await?;
        // Accounts close through their status, not by absence: unchanged rows stay untouched.
        let record_ids: Vec<i64> = writes
            .iter()
            .filter_map(|w| known.owners.get(&w.row.owner_key).map(|(id, _)| *id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        follow_records(&mut tx, &record_ids).await?;
        count_batch(&mut tx, run_id, counts, problems.len()).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(BatchOutcome { counts, problems })
    }

    async fn finish_import(&self, run_id: i64, end: &ImportEnd) -> StoreResult<ImportRun> {
        let mut tx = begin_write(&self.pool).await?;
        let run = run_by_id(&mut tx, run_id).await?;
        let mut closed = 0;
        // Only customer records close: an account's closing comes with its status.
        if end.close_unseen
            && end.status == RunStatus::Finished
            && run.kind == ImportKind::Customers
        {
            closed = sqlx::query(sqlx::AssertSqlSafe(numbered(
                "UPDATE source_records SET closed_at = ?, needs_resolution = TRUE \
                 WHERE source_system = ? AND last_run_id <> ? AND closed_at IS NULL",
            )))
            .bind(time(end.at))
            .bind(run.source_system.as_str())
            .bind(run_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected() as i64;
        }
        sqlx::query(sqlx::AssertSqlSafe(numbered(
            "UPDATE import_runs SET status = ?, finished_at = ?, rejected = rejected + ?, closed = ? \
             WHERE id = ?",
        )))
        .bind(end.status.as_str())
        .bind(time(end.at))
        .bind(end.rejected)
        .bind(closed)
        .bind(run_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let run = run_by_id(&mut tx, run_id).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(run)
    }

    async fn import_runs(&self, limit: i64) -> StoreResult<Vec<ImportRun>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM import_runs ORDER BY id DESC LIMIT ?");
        sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
            .bind(limit)
            .fetch_rows(&self.pool, run_from_row)
            .await
    }
}

/// `key → (id, content hash)` of the rows of `table` with these keys.
async fn existing(
    conn: &mut Connection,
    sql_head: &str,
    system: SourceSystem,
    keys: &[&str],
) -> StoreResult<HashMap<String, (i64, String)>> {
    let mut found = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(IN_CHUNK) {
        let sql = format!("{sql_head} IN ({})", placeholders(chunk.len()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql))).bind(system.as_str());
        for k in chunk {
            q = q.bind(*k);
        }
        for row in q.fetch_all(&mut *conn).await.map_err(db_err)? {
            found.insert(
                row.try_get::<String, _>(1).map_err(db_err)?,
                (
                    row.try_get::<i64, _>(0).map_err(db_err)?,
                    row.try_get::<String, _>(2).map_err(db_err)?,
                ),
            );
        }
    }
    Ok(found)
}

async fn touch(
    conn: &mut Connection,
    table: &str,
    key_column: &str,
    run_id: i64,
    system: SourceSystem,
    keys: &[&str],
) -> StoreResult<()> {
    for chunk in keys.chunks(IN_CHUNK) {
        let sql = format!(
            "UPDATE {table} SET last_run_id = ? WHERE source_system = ? AND {key_column} IN ({})",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
            .bind(run_id)
            .bind(system.as_str());
        for k in chunk {
            q = q.bind(*k);
        }
        q.execute(&mut *conn).await.map_err(db_err)?;
    }
    Ok(())
}

async fn count_batch(
    conn: &mut Connection,
    run_id: i64,
    counts: UpsertCounts,
    problems: usize,
) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(numbered(
        "UPDATE import_runs SET batches = batches + 1, inserted = inserted + ?, \
         updated = updated + ?, unchanged = unchanged + ?, rejected = rejected + ? WHERE id = ?",
    )))
    .bind(counts.inserted)
    .bind(counts.updated)
    .bind(counts.unchanged)
    .bind(problems as i64)
    .bind(run_id)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

struct SealedRecord<'a> {
    row: &'a SourceRecordRow,
    resident_id: Option<String>,
    mobile: Option<String>,
}

fn seal_record<'a>(
    p: &Protector,
    system: SourceSystem,
    row: &'a SourceRecordRow,
) -> StoreResult<SealedRecord<'a>> {
    let at = Protector::source_row(system, &row.source_key);
    Ok(SealedRecord {
        row,
        resident_id: row
            .resident_id
            .as_deref()
            .map(|v| p.seal(Field::SourceResidentId, &at, v))
            .transpose()?,
        mobile: row
            .mobile
            .as_deref()
            .map(|v| p.seal(Field::SourceMobile, &at, v))
            .transpose()?,
    })
}

async fn update_record(
    conn: &mut Connection,
    id: i64,
    s: &SealedRecord<'_>,
    run_id: i64,
    loaded_at: &Time,
) -> StoreResult<()> {
    let r = s.row;
    sqlx::query(sqlx::AssertSqlSafe(numbered(
        "UPDATE source_records SET kind = ?, name = ?, gender = ?, birth_date = ?, resident_id = ?, \
         resident_id_valid = ?, uscc = ?, mobile = ?, address = ?, email = ?, branch_code = ?, \
         rm_username = ?, source_updated_on = ?, content_hash = ?, last_run_id = ?, loaded_at = ?, \
         closed_at = NULL, needs_resolution = TRUE WHERE id = ?",
    )))
    .bind(r.kind.as_str())
    .bind(&r.name)
    .bind(r.gender.map(|g| g.as_str()))
    .bind(r.birth_date)
    .bind(&s.resident_id)
    .bind(r.resident_id_valid)
    .bind(r.uscc.as_ref().map(|u| u.as_str()))
    .bind(&s.mobile)
    .bind(&r.address)
    .bind(&r.email)
    .bind(&r.branch_code)
    .bind(&r.rm_username)
    .bind(r.updated_on)
    .bind(&r.content_hash)
    .bind(run_id)
    .bind(loaded_at)
    .bind(id)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Codes that exist in `table` among `codes`, with their id column (or the code itself).
async fn known_codes(
    conn: &mut Connection,
    sql_head: &str,
    codes: &HashSet<&str>,
) -> StoreResult<HashMap<String, i64>> {
    let codes: Vec<&str> = codes.iter().copied().collect();
    let mut out = HashMap::new();
    for chunk in codes.chunks(IN_CHUNK) {
        let sql = format!("{sql_head} IN ({})", placeholders(chunk.len()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
        for c in chunk {
            q = q.bind(*c);
        }
        for row in q.fetch_all(&mut *conn).await.map_err(db_err)? {
            out.insert(
                row.try_get::<String, _>(0).map_err(db_err)?,
                row.try_get::<i64, _>(1).map_err(db_err)?,
            );
        }
    }
    Ok(out)
}

struct AccountWrite<'a> {
    row: &'a SourceAccountRow,
    key: String,
    sealed: String,
    balance: i64,
    limit: Option<i64>,
    branch_id: i64,
}

/// Inserts the records not seen before, each to be resolved.
async fn insert_records(
    conn: &mut Connection,
    system: SourceSystem,
    run_id: i64,
    now: DateTime<Utc>,
    fresh: &[&SealedRecord<'_>],
) -> StoreResult<()> {
    insert_columns(
        conn,
        "INSERT INTO source_records (source_system, source_key, kind, name, gender, birth_date, \
         resident_id, resident_id_valid, uscc, mobile, address, email, branch_code, rm_username, \
         source_updated_on, content_hash, last_run_id, loaded_at, needs_resolution)",
        &[
            texts(fresh, |_| system.as_str()),
            texts(fresh, |s| s.row.source_key.as_str()),
            texts(fresh, |s| s.row.kind.as_str()),
            texts(fresh, |s| s.row.name.as_str()),
            texts(fresh, |s| s.row.gender.map(|g| g.as_str())),
            dates(fresh, |s| s.row.birth_date),
            texts(fresh, |s| s.resident_id.as_deref()),
            bools(fresh, |s| s.row.resident_id_valid),
            texts(fresh, |s| s.row.uscc.as_ref().map(|u| u.as_str())),
            texts(fresh, |s| s.mobile.as_deref()),
            texts(fresh, |s| s.row.address.as_deref()),
            texts(fresh, |s| s.row.email.as_deref()),
            texts(fresh, |s| s.row.branch_code.as_deref()),
            texts(fresh, |s| s.row.rm_username.as_deref()),
            dates(fresh, |s| s.row.updated_on),
            texts(fresh, |s| s.row.content_hash.as_str()),
            ints(fresh, |_| run_id),
            times(fresh, |_| now),
            bools(fresh, |_| true),
        ],
        "",
    )
    .await
}

/// What a batch of accounts refers to, as far as it exists: the owners' customer records
/// (`key → (id, content hash)`), the products and the branches (`code → id`).
struct AccountReferences {
    owners: HashMap<String, (i64, String)>,
    products: HashMap<String, i64>,
    branches: HashMap<String, i64>,
}

async fn account_references(
    conn: &mut Connection,
    system: SourceSystem,
    rows: &[SourceAccountRow],
) -> StoreResult<AccountReferences> {
    let owners: HashSet<&str> = rows.iter().map(|r| r.owner_key.as_str()).collect();
    let owner_keys: Vec<&str> = owners.iter().copied().collect();
    let owners = existing(
        conn,
        "SELECT id, source_key, content_hash FROM source_records WHERE source_system = ? AND source_key",
        system,
        &owner_keys,
    )
    .await?;
    let products = known_codes(
        conn,
        "SELECT code, CAST(0 AS BIGINT) FROM products WHERE code",
        &rows.iter().map(|r| r.product_code.as_str()).collect(),
    )
    .await?;
    let branches = known_codes(
        conn,
        "SELECT code, id FROM branches WHERE code",
        &rows.iter().map(|r| r.branch_code.as_str()).collect(),
    )
    .await?;
    Ok(AccountReferences {
        owners,
        products,
        branches,
    })
}

/// The accounts to write, their amounts in minor units and their numbers sealed; a row whose
/// owner, product or branch is unknown is a problem instead.
fn account_writes<'a>(
    p: &Protector,
    system: SourceSystem,
    rows: &'a [SourceAccountRow],
    known: &AccountReferences,
) -> StoreResult<(Vec<AccountWrite<'a>>, Vec<RowProblem>)> {
    let mut problems = Vec::new();
    let mut writes = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let problem = |field: &'static str, reason: String| RowProblem {
            index,
            field,
            reason,
        };
        if !known.owners.contains_key(&row.owner_key) {
            problems.push(problem(
                "source_key",
                format!("no {} customer record has this key", system.as_str()),
            ));
            continue;
        }
        if !known.products.contains_key(&row.product_code) {
            problems.push(problem("product_code", "unknown product code".into()));
            continue;
        }
        let Some(&branch_id) = known.branches.get(&row.branch_code) else {
            problems.push(problem("branch_code", "unknown branch code".into()));
            continue;
        };
        let balance = row
            .balance
            .to_minor_units()
            .map_err(|e| StoreError::Invalid(format!("balance: {e}")))?;
        let limit = row
            .limit
            .map(|l| l.to_minor_units())
            .transpose()
            .map_err(|e| StoreError::Invalid(format!("limit: {e}")))?;
        let key = p.account_key(&row.account_number);
        // Sealed to the same row as in `accounts`, so following a record copies it as it is.
        let sealed = p.seal(Field::AccountNumber, &key, &row.account_number)?;
        writes.push(AccountWrite {
            row,
            key,
            sealed,
            balance,
            limit,
            branch_id,
        });
    }
    Ok((writes, problems))
}

/// Inserts the source accounts not seen before.
async fn insert_accounts(
    conn: &mut Connection,
    system: SourceSystem,
    run_id: i64,
    fresh: &[&AccountWrite<'_>],
) -> StoreResult<()> {
    insert_columns(
        conn,
        "INSERT INTO source_accounts (source_system, account_key, account_number_enc, source_key, \
         product_code, family, currency, balance_minor, limit_minor, opened_on, matures_on, status, \
         branch_id, content_hash, last_run_id, closed_on)",
        &[
            texts(fresh, |_| system.as_str()),
            texts(fresh, |w| w.key.as_str()),
            texts(fresh, |w| w.sealed.as_str()),
            texts(fresh, |w| w.row.owner_key.as_str()),
            texts(fresh, |w| w.row.product_code.as_str()),
            texts(fresh, |w| w.row.family.as_str()),
            texts(fresh, |w| w.row.balance.currency.code()),
            ints(fresh, |w| w.balance),
            ints(fresh, |w| w.limit),
            dates(fresh, |w| w.row.opened_on),
            dates(fresh, |w| w.row.matures_on),
            texts(fresh, |w| w.row.status.as_str()),
            ints(fresh, |w| w.branch_id),
            texts(fresh, |w| w.row.content_hash.as_str()),
            ints(fresh, |_| run_id),
            dates(fresh, |w| w.row.closed_on),
        ],
        "",
    )
    .await
}

async fn update_account(
    conn: &mut Connection,
    system: SourceSystem,
    w: &AccountWrite<'_>,
    run_id: i64,
) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(numbered(
        "UPDATE source_accounts SET account_number_enc = ?, source_key = ?, product_code = ?, \
         family = ?, currency = ?, balance_minor = ?, limit_minor = ?, opened_on = ?, matures_on = ?, \
         status = ?, branch_id = ?, content_hash = ?, last_run_id = ?, closed_on = ? \
         WHERE source_system = ? AND account_key = ?",
    )))
    .bind(&w.sealed)
    .bind(&w.row.owner_key)
    .bind(&w.row.product_code)
    .bind(w.row.family.as_str())
    .bind(w.row.balance.currency.code())
    .bind(w.balance)
    .bind(w.limit)
    .bind(w.row.opened_on)
    .bind(w.row.matures_on)
    .bind(w.row.status.as_str())
    .bind(w.branch_id)
    .bind(&w.row.content_hash)
    .bind(run_id)
    .bind(w.row.closed_on)
    .bind(system.as_str())
    .bind(&w.key)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Makes `accounts` (and the account search keys) follow these source records: each account
/// of a resolved record belongs to the record's party, with the source's current balance.
pub(crate) async fn follow_records(conn: &mut Connection, record_ids: &[i64]) -> StoreResult<()> {
    for chunk in record_ids.chunks(IN_CHUNK) {
        let list = placeholders(chunk.len());
        let statements = [
            format!(
                "INSERT INTO accounts (account_number, party_id, product_code, family, currency, \
                 balance_minor, limit_minor, opened_on, matures_on, status, source_system, branch_id, \
                 account_number_enc, source_record_id, closed_on) \
                 SELECT sa.account_key, sr.party_id, sa.product_code, sa.family, sa.currency, \
                 sa.balance_minor, sa.limit_minor, sa.opened_on, sa.matures_on, sa.status, \
                 sa.source_system, sa.branch_id, sa.account_number_enc, sr.id, sa.closed_on \
                 FROM source_accounts sa JOIN source_records sr \
                   ON sr.source_system = sa.source_system AND sr.source_key = sa.source_key \
                 WHERE sr.id IN ({list}) AND sr.party_id IS NOT NULL \
                 ON CONFLICT (account_number) DO UPDATE SET party_id = excluded.party_id, \
                 product_code = excluded.product_code, family = excluded.family, \
                 currency = excluded.currency, balance_minor = excluded.balance_minor, \
                 limit_minor = excluded.limit_minor, opened_on = excluded.opened_on, \
                 matures_on = excluded.matures_on, status = excluded.status, \
                 branch_id = excluded.branch_id, account_number_enc = excluded.account_number_enc, \
                 source_record_id = excluded.source_record_id, closed_on = excluded.closed_on"
            ),
            format!(
                "DELETE FROM party_search_keys WHERE key IN \
                 (SELECT '{ACCOUNT}' || a.account_number FROM accounts a WHERE a.source_record_id IN ({list}))"
            ),
            format!(
                "INSERT INTO party_search_keys (key, party_id) \
                 SELECT '{ACCOUNT}' || a.account_number, a.party_id FROM accounts a \
                 WHERE a.source_record_id IN ({list}) ON CONFLICT DO NOTHING"
            ),
        ];
        for sql in statements {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
        }
    }
    Ok(())
}

const RUN_COLUMNS: &str = "id, source_system, kind, mode, file_name, file_sha256, started_by, \
    started_at, finished_at, status, batches, inserted, updated, unchanged, rejected, closed";

async fn run_by_id(conn: &mut Connection, run_id: i64) -> StoreResult<ImportRun> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM import_runs WHERE id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
        .bind(run_id)
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .ok_or_else(|| StoreError::NotFound(format!("import run {run_id}")))?;
    run_from_row(&row)
}

fn run_from_row(row: &DbRow) -> StoreResult<ImportRun> {
    let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
    let get_i = |c: &str| row.try_get::<i64, _>(c).map_err(db_err);
    let finished: Option<Time> = row.try_get("finished_at").map_err(db_err)?;
    Ok(ImportRun {
        id: get_i("id")?,
        source_system: parse_col("source_system", &get_s("source_system")?)?,
        kind: parse_col("kind", &get_s("kind")?)?,
        mode: parse_col("mode", &get_s("mode")?)?,
        file_name: get_s("file_name")?,
        file_sha256: get_s("file_sha256")?,
        started_by: get_s("started_by")?,
        started_at: from_time(&row.try_get::<Time, _>("started_at").map_err(db_err)?)?,
        finished_at: finished.map(|t| from_time(&t)).transpose()?,
        status: parse_col("status", &get_s("status")?)?,
        batches: get_i("batches")?,
        counts: UpsertCounts {
            inserted: get_i("inserted")?,
            updated: get_i("updated")?,
            unchanged: get_i("unchanged")?,
        },
        rejected: get_i("rejected")?,
        closed: get_i("closed")?,
    })
}

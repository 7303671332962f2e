//! Source extracts into `source_records` / `source_accounts`: one transaction per batch, upserts
//! keyed on (source system, source key) and decided by the content hash, so a re-run of the same
//! file writes nothing new and a run killed half-way is completed by running it again.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rapport_domain::SourceSystem;
use rapport_store::ingest::{
    BatchOutcome, ImportEnd, ImportKind, ImportRun, NewImportRun, RowProblem, RunStatus,
    SourceAccountRow, SourceRecordRow, UpsertCounts,
};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::ACCOUNT;
use rapport_store::{StoreError, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};

use super::{db_err, parse_col};
use sqlx::postgres::{PgArguments, Postgres};

/// Rows per statement: big enough to amortise a round trip, small enough to keep messages and
/// the server's memory for one statement modest.
const CHUNK_ROWS: usize = 10_000;

pub(crate) type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// Runs `sql` (an `INSERT … SELECT * FROM UNNEST(…)`) once per chunk of `rows`; `bind` binds
/// a chunk's column arrays in order. A unique violation names the statement's table.
pub(crate) async fn insert_chunks<'r, T>(
    conn: &mut PgConnection,
    sql: &'static str,
    rows: &'r [T],
    bind: impl Fn(PgQuery<'static>, &'r [T]) -> PgQuery<'static>,
) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK_ROWS) {
        bind(sqlx::query(sql), chunk)
            .execute(&mut *conn)
            .await
            .map_err(|e| match db_err(e) {
                StoreError::Conflict(m) => StoreError::Conflict(format!("{}: {m}", table_of(sql))),
                other => other,
            })?;
    }
    Ok(())
}

/// `INSERT INTO parties (…)` of an insert statement, for error messages.
fn table_of(sql: &str) -> &str {
    sql.split_once(" (").map_or(sql, |(table, _)| table)
}

/// One column of `rows` as a vector, ready to bind as an array.
pub(crate) fn col<'a, T, U>(rows: &'a [T], f: impl Fn(&'a T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

pub async fn begin_import(pool: &PgPool, run: &NewImportRun) -> StoreResult<i64> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    // A run of the same file still marked running was cut off (a re-run is how a killed load
    // completes); two live imports of one file are not supported.
    sqlx::query(
        "UPDATE import_runs SET status = 'interrupted', finished_at = $1 \
         WHERE status = 'running' AND source_system = $2 AND file_sha256 = $3",
    )
    .bind(run.started_at)
    .bind(run.source_system.as_str())
    .bind(&run.file_sha256)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let id = sqlx::query_scalar(
        "INSERT INTO import_runs (source_system, kind, mode, file_name, file_sha256, started_by, \
         started_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running') RETURNING id",
    )
    .bind(run.source_system.as_str())
    .bind(run.kind.as_str())
    .bind(run.mode.as_str())
    .bind(&run.file_name)
    .bind(&run.file_sha256)
    .bind(&run.started_by)
    .bind(run.started_at)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(id)
}

/// `key → (id, content hash)` of the rows with these keys (`sql` takes `$1` system, `$2` keys).
async fn existing(
    conn: &mut PgConnection,
    sql: &'static str,
    system: SourceSystem,
    keys: &[&str],
) -> StoreResult<HashMap<String, (i64, String)>> {
    let rows = sqlx::query(sql)
        .bind(system.as_str())
        .bind(keys)
        .fetch_all(conn)
        .await
        .map_err(db_err)?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        found.insert(
            row.try_get::<String, _>(1).map_err(db_err)?,
            (
                row.try_get::<i64, _>(0).map_err(db_err)?,
                row.try_get::<String, _>(2).map_err(db_err)?,
            ),
        );
    }
    Ok(found)
}

async fn count_batch(
    conn: &mut PgConnection,
    run_id: i64,
    counts: UpsertCounts,
    problems: usize,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE import_runs SET batches = batches + 1, inserted = inserted + $1, \
         updated = updated + $2, unchanged = unchanged + $3, rejected = rejected + $4 WHERE id = $5",
    )
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

const RECORD_ARRAYS: &str = "$1::text[], $2::text[], $3::text[], $4::text[], $5::date[], \
    $6::text[], $7::bool[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
    $13::text[], $14::date[], $15::text[]";

fn bind_records<'q>(q: PgQuery<'q>, rows: &[&SealedRecord]) -> PgQuery<'q> {
    q.bind(col(rows, |s| s.row.source_key.clone()))
        .bind(col(rows, |s| s.row.kind.as_str()))
        .bind(col(rows, |s| s.row.name.clone()))
        .bind(col(rows, |s| s.row.gender.map(|g| g.as_str())))
        .bind(col(rows, |s| s.row.birth_date))
        .bind(col(rows, |s| s.resident_id.clone()))
        .bind(col(rows, |s| s.row.resident_id_valid))
        .bind(col(rows, |s| {
            s.row.uscc.as_ref().map(|u| u.as_str().to_owned())
        }))
        .bind(col(rows, |s| s.mobile.clone()))
        .bind(col(rows, |s| s.row.address.clone()))
        .bind(col(rows, |s| s.row.email.clone()))
        .bind(col(rows, |s| s.row.branch_code.clone()))
        .bind(col(rows, |s| s.row.rm_username.clone()))
        .bind(col(rows, |s| s.row.updated_on))
        .bind(col(rows, |s| s.row.content_hash.clone()))
}

pub async fn import_source_records(
    p: &Protector,
    pool: &PgPool,
    run_id: i64,
    system: SourceSystem,
    rows: &[SourceRecordRow],
    now: DateTime<Utc>,
) -> StoreResult<BatchOutcome> {
    let sealed: Vec<SealedRecord> = rows
        .iter()
        .map(|r| seal_record(p, system, r))
        .collect::<StoreResult<_>>()?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    let keys: Vec<&str> = rows.iter().map(|r| r.source_key.as_str()).collect();
    let found = existing(
        &mut tx,
        "SELECT id, source_key, content_hash FROM source_records \
         WHERE source_system = $1 AND source_key = ANY($2)",
        system,
        &keys,
    )
    .await?;
    let mut fresh = Vec::new();
    let mut changed = Vec::new();
    let mut same = Vec::new();
    for s in &sealed {
        match found.get(&s.row.source_key) {
            None => fresh.push(s),
            Some((_, hash)) if *hash == s.row.content_hash => same.push(s.row.source_key.as_str()),
            Some(_) => changed.push(s),
        }
    }
    let counts = UpsertCounts {
        inserted: fresh.len() as i64,
        updated: changed.len() as i64,
        unchanged: same.len() as i64,
    };
    let system_name = system.as_str();
    for chunk in fresh.chunks(10_000) {
        let sql = format!(
            "INSERT INTO source_records (source_key, kind, name, gender, birth_date, resident_id, \
             resident_id_valid, uscc, mobile, address, email, branch_code, rm_username, \
             source_updated_on, content_hash, source_system, last_run_id, loaded_at, needs_resolution) \
             SELECT u.*, $16, $17, $18, TRUE FROM UNNEST({RECORD_ARRAYS}) AS u"
        );
        bind_records(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk)
            .bind(system_name)
            .bind(run_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    for chunk in changed.chunks(10_000) {
        let sql = format!(
            "UPDATE source_records r SET kind = u.kind, name = u.name, gender = u.gender, \
             birth_date = u.birth_date, resident_id = u.resident_id, \
             resident_id_valid = u.resident_id_valid, uscc = u.uscc, mobile = u.mobile, \
             address = u.address, email = u.email, branch_code = u.branch_code, \
             rm_username = u.rm_username, source_updated_on = u.source_updated_on, \
             content_hash = u.content_hash, last_run_id = $17, loaded_at = $18, closed_at = NULL, \
             needs_resolution = TRUE \
             FROM UNNEST({RECORD_ARRAYS}) AS u(source_key, kind, name, gender, birth_date, \
               resident_id, resident_id_valid, uscc, mobile, address, email, branch_code, \
               rm_username, source_updated_on, content_hash) \
             WHERE r.source_system = $16 AND r.source_key = u.source_key"
        );
        bind_records(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk)
            .bind(system_name)
            .bind(run_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    // Only a full load needs to know which records it saw (to close the others); a delta
    // leaves unchanged rows untouched, so re-running a file writes nothing.
    let full: bool = sqlx::query_scalar("SELECT mode = 'full' FROM import_runs WHERE id = $1")
        .bind(run_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
    if full {
        sqlx::query(
            "UPDATE source_records SET last_run_id = $1 WHERE source_system = $2 AND source_key = ANY($3)",
        )
        .bind(run_id)
        .bind(system_name)
        .bind(&same)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    count_batch(&mut tx, run_id, counts, 0).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(BatchOutcome {
        counts,
        problems: Vec::new(),
    })
}

/// `code → id` (or 0) of the codes `sql` (taking `$1` codes) finds.
async fn known_codes(
    conn: &mut PgConnection,
    sql: &'static str,
    codes: &HashSet<&str>,
) -> StoreResult<HashMap<String, i64>> {
    let codes: Vec<&str> = codes.iter().copied().collect();
    let rows = sqlx::query(sql)
        .bind(&codes)
        .fetch_all(conn)
        .await
        .map_err(db_err)?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        out.insert(
            row.try_get::<String, _>(0).map_err(db_err)?,
            row.try_get::<i64, _>(1).map_err(db_err)?,
        );
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

pub async fn import_source_accounts(
    p: &Protector,
    pool: &PgPool,
    run_id: i64,
    system: SourceSystem,
    rows: &[SourceAccountRow],
) -> StoreResult<BatchOutcome> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let owner_keys: Vec<&str> = rows
        .iter()
        .map(|r| r.owner_key.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let owners = existing(
        &mut tx,
        "SELECT id, source_key, content_hash FROM source_records \
         WHERE source_system = $1 AND source_key = ANY($2)",
        system,
        &owner_keys,
    )
    .await?;
    let products = known_codes(
        &mut tx,
        "SELECT code, 0::bigint FROM products WHERE code = ANY($1)",
        &rows.iter().map(|r| r.product_code.as_str()).collect(),
    )
    .await?;
    let branches = known_codes(
        &mut tx,
        "SELECT code, id FROM branches WHERE code = ANY($1)",
        &rows.iter().map(|r| r.branch_code.as_str()).collect(),
    )
    .await?;
    let mut problems = Vec::new();
    let mut writes = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let problem = |field: &'static str, reason: String| RowProblem {
            index,
            field,
            reason,
        };
        if !owners.contains_key(&row.owner_key) {
            problems.push(problem(
                "source_key",
                format!("no {} customer record has this key", system.as_str()),
            ));
            continue;
        }
        if !products.contains_key(&row.product_code) {
            problems.push(problem("product_code", "unknown product code".into()));
            continue;
        }
        let Some(&branch_id) = branches.get(&row.branch_code) else {
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
    let keys: Vec<&str> = writes.iter().map(|w| w.key.as_str()).collect();
    let found = existing(
        &mut tx,
        "SELECT 0::bigint, account_key, content_hash FROM source_accounts \
         WHERE source_system = $1 AND account_key = ANY($2)",
        system,
        &keys,
    )
    .await?;
    let mut upserts = Vec::new();
    let mut counts = UpsertCounts::default();
    for w in &writes {
        match found.get(&w.key) {
            None => {
                counts.inserted += 1;
                upserts.push(w);
            }
            Some((_, hash)) if *hash == w.row.content_hash => counts.unchanged += 1,
            Some(_) => {
                counts.updated += 1;
                upserts.push(w);
            }
        }
    }
    let system_name = system.as_str();
    insert_chunks(
        &mut tx,
        "INSERT INTO source_accounts (account_key, account_number_enc, source_key, product_code, \
         family, currency, balance_minor, limit_minor, opened_on, matures_on, status, branch_id, \
         content_hash, source_system, last_run_id) \
         SELECT u.*, $14, $15 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
           $6::text[], $7::bigint[], $8::bigint[], $9::date[], $10::date[], $11::text[], \
           $12::bigint[], $13::text[]) AS u \
         ON CONFLICT (source_system, account_key) DO UPDATE SET \
           account_number_enc = excluded.account_number_enc, source_key = excluded.source_key, \
           product_code = excluded.product_code, family = excluded.family, \
           currency = excluded.currency, balance_minor = excluded.balance_minor, \
           limit_minor = excluded.limit_minor, opened_on = excluded.opened_on, \
           matures_on = excluded.matures_on, status = excluded.status, \
           branch_id = excluded.branch_id, content_hash = excluded.content_hash, \
           last_run_id = excluded.last_run_id",
        &upserts,
        |q, rows| {
            q.bind(col(rows, |w| w.key.clone()))
                .bind(col(rows, |w| w.sealed.clone()))
                .bind(col(rows, |w| w.row.owner_key.clone()))
                .bind(col(rows, |w| w.row.product_code.clone()))
                .bind(col(rows, |w| w.row.family.as_str()))
                .bind(col(rows, |w| w.row.balance.currency.code()))
                .bind(col(rows, |w| w.balance))
                .bind(col(rows, |w| w.limit))
                .bind(col(rows, |w| w.row.opened_on))
                .bind(col(rows, |w| w.row.matures_on))
                .bind(col(rows, |w| w.row.status.as_str()))
                .bind(col(rows, |w| w.branch_id))
                .bind(col(rows, |w| w.row.content_hash.clone()))
                .bind(system_name)
                .bind(run_id)
        },
    )
    .await?;
    // Accounts close through their status, not by absence: unchanged rows stay untouched.
    let record_ids: Vec<i64> = writes
        .iter()
        .filter_map(|w| owners.get(&w.row.owner_key).map(|(id, _)| *id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    follow_records(&mut tx, &record_ids).await?;
    count_batch(&mut tx, run_id, counts, problems.len()).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(BatchOutcome { counts, problems })
}

/// Makes `accounts` (and the account search keys) follow these source records: each account
/// of a resolved record belongs to the record's party, with the source's current balance.
pub(crate) async fn follow_records(conn: &mut PgConnection, record_ids: &[i64]) -> StoreResult<()> {
    let statements = [
        "INSERT INTO accounts (account_number, party_id, product_code, family, currency, \
         balance_minor, limit_minor, opened_on, matures_on, status, source_system, branch_id, \
         account_number_enc, source_record_id) \
         SELECT sa.account_key, sr.party_id, sa.product_code, sa.family, sa.currency, \
         sa.balance_minor, sa.limit_minor, sa.opened_on, sa.matures_on, sa.status, \
         sa.source_system, sa.branch_id, sa.account_number_enc, sr.id \
         FROM source_accounts sa JOIN source_records sr \
           ON sr.source_system = sa.source_system AND sr.source_key = sa.source_key \
         WHERE sr.id = ANY($1) AND sr.party_id IS NOT NULL \
         ON CONFLICT (account_number) DO UPDATE SET party_id = excluded.party_id, \
         product_code = excluded.product_code, family = excluded.family, \
         currency = excluded.currency, balance_minor = excluded.balance_minor, \
         limit_minor = excluded.limit_minor, opened_on = excluded.opened_on, \
         matures_on = excluded.matures_on, status = excluded.status, \
         branch_id = excluded.branch_id, account_number_enc = excluded.account_number_enc, \
         source_record_id = excluded.source_record_id",
        "DELETE FROM party_search_keys WHERE key IN \
         (SELECT 'a:' || a.account_number FROM accounts a WHERE a.source_record_id = ANY($1))",
        "INSERT INTO party_search_keys (key, party_id) \
         SELECT 'a:' || a.account_number, a.party_id FROM accounts a \
         WHERE a.source_record_id = ANY($1) ON CONFLICT DO NOTHING",
    ];
    debug_assert_eq!(ACCOUNT, "a:");
    for sql in statements {
        sqlx::query(sql)
            .bind(record_ids)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

pub async fn finish_import(pool: &PgPool, run_id: i64, end: &ImportEnd) -> StoreResult<ImportRun> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let run = run_by_id(&mut tx, run_id).await?;
    let mut closed = 0;
    // Only customer records close: an account's closing comes with its status.
    if end.close_unseen && end.status == RunStatus::Finished && run.kind == ImportKind::Customers {
        closed = sqlx::query(
            "UPDATE source_records SET closed_at = $1, needs_resolution = TRUE \
             WHERE source_system = $2 AND last_run_id <> $3 AND closed_at IS NULL",
        )
        .bind(end.at)
        .bind(run.source_system.as_str())
        .bind(run_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected() as i64;
    }
    sqlx::query(
        "UPDATE import_runs SET status = $1, finished_at = $2, rejected = rejected + $3, closed = $4 \
         WHERE id = $5",
    )
    .bind(end.status.as_str())
    .bind(end.at)
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

const RUN_COLUMNS: &str = "id, source_system, kind, mode, file_name, file_sha256, started_by, \
    started_at, finished_at, status, batches, inserted, updated, unchanged, rejected, closed";

async fn run_by_id(conn: &mut PgConnection, run_id: i64) -> StoreResult<ImportRun> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM import_runs WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(run_id)
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .ok_or_else(|| StoreError::NotFound(format!("import run {run_id}")))?;
    run_from_row(&row)
}

pub async fn import_runs(pool: &PgPool, limit: i64) -> StoreResult<Vec<ImportRun>> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM import_runs ORDER BY id DESC LIMIT $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(run_from_row)
        .collect()
}

fn run_from_row(row: &PgRow) -> StoreResult<ImportRun> {
    let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
    let get_i = |c: &str| row.try_get::<i64, _>(c).map_err(db_err);
    Ok(ImportRun {
        id: get_i("id")?,
        source_system: parse_col("source_system", &get_s("source_system")?)?,
        kind: parse_col("kind", &get_s("kind")?)?,
        mode: parse_col("mode", &get_s("mode")?)?,
        file_name: get_s("file_name")?,
        file_sha256: get_s("file_sha256")?,
        started_by: get_s("started_by")?,
        started_at: row.try_get("started_at").map_err(db_err)?,
        finished_at: row.try_get("finished_at").map_err(db_err)?,
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

//! Bulk loading: one transaction per batch; each table filled by one
//! `INSERT … SELECT * FROM UNNEST($1::bigint[], $2::text[], …)` per chunk, binding one array per
//! column, so a statement carries thousands of rows in a handful of parameters.
use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_domain::records::{CustomerBatch, ReferenceData};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::{account_keys, party_keys};
use rapport_store::{StoreCounts, StoreError, StoreResult};
use sqlx::postgres::{PgArguments, Postgres};
use sqlx::{PgConnection, PgPool};

use super::db_err;

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

pub async fn load_reference(pool: &PgPool, data: &ReferenceData) -> StoreResult<()> {
    let mut paths: HashMap<i64, String> = HashMap::new();
    let mut branch_rows = Vec::with_capacity(data.branches.len());
    for b in &data.branches {
        let path = match b.parent {
            None => format!("/{}/", b.id.0),
            Some(p) => {
                let parent = paths.get(&p.0).ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "branch {} is listed before its parent {}",
                        b.code, p.0
                    ))
                })?;
                format!("{parent}{}/", b.id.0)
            }
        };
        paths.insert(b.id.0, path.clone());
        branch_rows.push((b, path));
    }
    let mut tx = pool.begin().await.map_err(db_err)?;
    // Foreign keys are checked at the end of each statement, so a chunk may hold a parent and
    // its children in any order.
    insert_chunks(
        &mut tx,
        "INSERT INTO branches (id, parent_id, level, code, name_zh, name_en, path) \
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
           $7::text[]) \
         ON CONFLICT DO NOTHING",
        &branch_rows,
        |q, rows| {
            q.bind(col(rows, |(b, _)| b.id.0))
                .bind(col(rows, |(b, _)| b.parent.map(|p| p.0)))
                .bind(col(rows, |(b, _)| b.level.as_str()))
                .bind(col(rows, |(b, _)| b.code.as_str()))
                .bind(col(rows, |(b, _)| b.name_zh.as_str()))
                .bind(col(rows, |(b, _)| b.name_en.as_str()))
                .bind(col(rows, |(_, path)| path.as_str()))
        },
    )
    .await?;
    let now = chrono::Utc::now();
    insert_chunks(
        &mut tx,
        "INSERT INTO staff (id, username, display_name, role, branch_id, created_at) \
         SELECT *, $6::timestamptz FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[]) \
         ON CONFLICT DO NOTHING",
        &data.staff,
        |q, rows| {
            q.bind(col(rows, |s| s.id.0))
                .bind(col(rows, |s| s.username.as_str()))
                .bind(col(rows, |s| s.display_name.as_str()))
                .bind(col(rows, |s| s.role.as_str()))
                .bind(col(rows, |s| s.branch_id.map(|b| b.0)))
                .bind(now)
        },
    )
    .await?;
    // Staff ids above were given explicitly; move the identity past them so `create_staff`
    // never draws one that is taken.
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('staff', 'id'), (SELECT MAX(id) FROM staff))",
    )
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    insert_chunks(
        &mut tx,
        "INSERT INTO products (code, family, name_zh, name_en) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) \
         ON CONFLICT DO NOTHING",
        &data.products,
        |q, rows| {
            q.bind(col(rows, |p| p.code.as_str()))
                .bind(col(rows, |p| p.family.as_str()))
                .bind(col(rows, |p| p.name_zh.as_str()))
                .bind(col(rows, |p| p.name_en.as_str()))
        },
    )
    .await?;
    tx.commit().await.map_err(db_err)
}

pub async fn load_customers(
    pr: &Protector,
    pool: &PgPool,
    batch: &CustomerBatch,
) -> StoreResult<()> {
    let mut keys: Vec<(String, i64)> = Vec::with_capacity(batch.parties.len() * 12);
    for p in &batch.parties {
        keys.extend(
            party_keys(p)
                .into_iter()
                .map(|k| (pr.search_key(k), p.id.0)),
        );
    }
    for a in &batch.accounts {
        keys.extend(
            account_keys(a)
                .into_iter()
                .map(|k| (pr.search_key(k), a.party_id.0)),
        );
    }
    // Identifiers are sealed to their row before they reach the database.
    let mut parties = Vec::with_capacity(batch.parties.len());
    for p in &batch.parties {
        let row = p.id.0.to_string();
        let rid = p
            .resident_id
            .as_ref()
            .map(|r| pr.seal(Field::ResidentId, &row, r.as_str()))
            .transpose()?;
        let mobile = p
            .mobile
            .as_ref()
            .map(|m| pr.seal(Field::Mobile, &row, m.as_str()))
            .transpose()?;
        parties.push((p, rid, mobile));
    }
    let mut aum = Vec::with_capacity(batch.monthly_aum.len());
    for m in &batch.monthly_aum {
        aum.push((
            m,
            m.aum
                .to_minor_units()
                .map_err(|e| StoreError::Invalid(format!("monthly AUM: {e}")))?,
        ));
    }
    let mut accounts = Vec::with_capacity(batch.accounts.len());
    for a in &batch.accounts {
        let balance = a
            .balance
            .to_minor_units()
            .map_err(|e| StoreError::Invalid(format!("account balance: {e}")))?;
        let limit = a
            .limit
            .map(|l| l.to_minor_units())
            .transpose()
            .map_err(|e| StoreError::Invalid(format!("account limit: {e}")))?;
        let key = pr.account_key(&a.account_number);
        let number = pr.seal(Field::AccountNumber, &key, &a.account_number)?;
        accounts.push((a, (balance, limit), (key, number)));
    }

    let mut tx = pool.begin().await.map_err(db_err)?;
    insert_chunks(
        &mut tx,
        "INSERT INTO parties (id, customer_number, kind, name, gender, birth_date, resident_id, uscc, \
         mobile, email, address, occupation, income_band, home_branch_id, onboarded_on) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], \
           $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], \
           $14::bigint[], $15::date[])",
        &parties,
        |q, rows| {
            q.bind(col(rows, |(p, _, _)| p.id.0))
                .bind(col(rows, |(p, _, _)| p.customer_number.as_str()))
                .bind(col(rows, |(p, _, _)| p.kind.as_str()))
                .bind(col(rows, |(p, _, _)| p.name.as_str()))
                .bind(col(rows, |(p, _, _)| p.gender.map(|g| g.as_str())))
                .bind(col(rows, |(p, _, _)| p.birth_date))
                .bind(col(rows, |(_, rid, _)| rid.as_deref()))
                .bind(col(rows, |(p, _, _)| p.uscc.as_ref().map(|u| u.as_str())))
                .bind(col(rows, |(_, _, mobile)| mobile.as_deref()))
                .bind(col(rows, |(p, _, _)| p.email.as_deref()))
                .bind(col(rows, |(p, _, _)| p.address.as_deref()))
                .bind(col(rows, |(p, _, _)| p.occupation.as_deref()))
                .bind(col(rows, |(p, _, _)| p.income_band.as_deref()))
                .bind(col(rows, |(p, _, _)| p.home_branch.0))
                .bind(col(rows, |(p, _, _)| p.onboarded_on))
        },
    )
    .await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO party_relationships (from_party_id, to_party_id, kind, since) \
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::date[])",
        &batch.relationships,
        |q, rows| {
            q.bind(col(rows, |r| r.from.0))
                .bind(col(rows, |r| r.to.0))
                .bind(col(rows, |r| r.kind.as_str()))
                .bind(col(rows, |r| r.since))
        },
    )
    .await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO accounts (account_number, account_number_enc, party_id, product_code, family, currency, \
         balance_minor, limit_minor, opened_on, matures_on, status, source_system, branch_id) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], \
           $7::bigint[], $8::bigint[], $9::date[], $10::date[], $11::text[], $12::text[], $13::bigint[])",
        &accounts,
        |q, rows| {
            q.bind(col(rows, |(_, _, (key, _))| key.as_str()))
                .bind(col(rows, |(_, _, (_, number))| number.as_str()))
                .bind(col(rows, |(a, _, _)| a.party_id.0))
                .bind(col(rows, |(a, _, _)| a.product_code.as_str()))
                .bind(col(rows, |(a, _, _)| a.family.as_str()))
                .bind(col(rows, |(a, _, _)| a.balance.currency.code()))
                .bind(col(rows, |(_, (balance, _), _)| *balance))
                .bind(col(rows, |(_, (_, limit), _)| *limit))
                .bind(col(rows, |(a, _, _)| a.opened_on))
                .bind(col(rows, |(a, _, _)| a.matures_on))
                .bind(col(rows, |(a, _, _)| a.status.as_str()))
                .bind(col(rows, |(a, _, _)| a.source_system.as_str()))
                .bind(col(rows, |(a, _, _)| a.branch_id.0))
        },
    )
    .await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO party_monthly_aum (party_id, month, currency, aum_minor) \
         SELECT * FROM UNNEST($1::bigint[], $2::date[], $3::text[], $4::bigint[])",
        &aum,
        |q, rows| {
            q.bind(col(rows, |(m, _)| m.party_id.0))
                .bind(col(rows, |(m, _)| m.month))
                .bind(col(rows, |(m, _)| m.aum.currency.code()))
                .bind(col(rows, |(_, minor)| *minor))
        },
    )
    .await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from, effective_to) \
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::boolean[], $4::date[], $5::date[])",
        &batch.rm_assignments,
        |q, rows| {
            q.bind(col(rows, |a| a.party_id.0))
                .bind(col(rows, |a| a.staff_id.0))
                .bind(col(rows, |a| a.primary))
                .bind(col(rows, |a| a.effective_from))
                .bind(col::<_, Option<NaiveDate>>(rows, |a| a.effective_to))
        },
    )
    .await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO party_search_keys (key, party_id) \
         SELECT * FROM UNNEST($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING",
        &keys,
        |q, rows| {
            q.bind(col(rows, |(k, _)| k.as_str()))
                .bind(col(rows, |(_, id)| *id))
        },
    )
    .await?;
    tx.commit().await.map_err(db_err)
}

pub async fn counts(pool: &PgPool) -> StoreResult<StoreCounts> {
    let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM branches), (SELECT COUNT(*) FROM staff), \
                (SELECT COUNT(*) FROM parties), (SELECT COUNT(*) FROM party_relationships), \
                (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM party_monthly_aum), \
                (SELECT COUNT(*) FROM rm_assignments)",
    )
    .fetch_one(pool)
    .await
    .map_err(db_err)?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(StoreCounts {
        branches: n(row.0),
        staff: n(row.1),
        parties: n(row.2),
        relationships: n(row.3),
        accounts: n(row.4),
        monthly_aum: n(row.5),
        rm_assignments: n(row.6),
    })
}

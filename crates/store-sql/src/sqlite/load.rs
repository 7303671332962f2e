//! Bulk loading: one transaction per batch, multi-row INSERTs.
use std::collections::HashMap;

use rapport_domain::records::{CustomerBatch, ReferenceData};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::{account_keys, party_keys};
use rapport_store::{StoreCounts, StoreError, StoreResult};
use sqlx::SqlitePool;

use super::db_err;

pub(crate) use super::rows::insert_rows;

pub async fn load_reference(pool: &SqlitePool, data: &ReferenceData) -> StoreResult<()> {
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
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    insert_rows(
        &mut tx,
        "INSERT OR IGNORE INTO branches (id, parent_id, level, code, name_zh, name_en, path)",
        7,
        &branch_rows,
        |q, (b, path)| {
            q.bind(b.id.0)
                .bind(b.parent.map(|p| p.0))
                .bind(b.level.as_str())
                .bind(b.code.as_str())
                .bind(b.name_zh.as_str())
                .bind(b.name_en.as_str())
                .bind(path.as_str())
        },
    )
    .await?;
    let now = chrono::Utc::now();
    insert_rows(
        &mut tx,
        "INSERT OR IGNORE INTO staff (id, username, display_name, role, branch_id, created_at)",
        6,
        &data.staff,
        |q, s| {
            q.bind(s.id.0)
                .bind(s.username.as_str())
                .bind(s.display_name.as_str())
                .bind(s.role.as_str())
                .bind(s.branch_id.map(|b| b.0))
                .bind(now)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT OR IGNORE INTO products (code, family, name_zh, name_en)",
        4,
        &data.products,
        |q, p| {
            q.bind(p.code.as_str())
                .bind(p.family.as_str())
                .bind(p.name_zh.as_str())
                .bind(p.name_en.as_str())
        },
    )
    .await?;
    tx.commit().await.map_err(db_err)
}

pub async fn load_customers(
    p: &Protector,
    pool: &SqlitePool,
    batch: &CustomerBatch,
) -> StoreResult<()> {
    let mut keys: Vec<(String, i64)> = Vec::with_capacity(batch.parties.len() * 12);
    for party in &batch.parties {
        keys.extend(
            party_keys(party)
                .into_iter()
                .map(|k| (p.search_key(k), party.id.0)),
        );
    }
    for a in &batch.accounts {
        keys.extend(
            account_keys(a)
                .into_iter()
                .map(|k| (p.search_key(k), a.party_id.0)),
        );
    }
    // Identifiers are sealed to their row before they reach the database.
    let mut sealed = Vec::with_capacity(batch.parties.len());
    for party in &batch.parties {
        let row = party.id.0.to_string();
        let rid = party
            .resident_id
            .as_ref()
            .map(|r| p.seal(Field::ResidentId, &row, r.as_str()))
            .transpose()?;
        let mobile = party
            .mobile
            .as_ref()
            .map(|m| p.seal(Field::Mobile, &row, m.as_str()))
            .transpose()?;
        sealed.push((party, rid, mobile));
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
        let key = p.account_key(&a.account_number);
        let number = p.seal(Field::AccountNumber, &key, &a.account_number)?;
        accounts.push((a, balance, limit, key, number));
    }

    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    insert_rows(
        &mut tx,
        "INSERT INTO parties (id, customer_number, kind, name, gender, birth_date, resident_id, uscc, \
         mobile, email, address, occupation, income_band, home_branch_id, onboarded_on)",
        15,
        &sealed,
        |q, (p, rid, mobile)| {
            q.bind(p.id.0)
                .bind(p.customer_number.as_str())
                .bind(p.kind.as_str())
                .bind(p.name.as_str())
                .bind(p.gender.map(|g| g.as_str()))
                .bind(p.birth_date)
                .bind(rid.as_deref())
                .bind(p.uscc.as_ref().map(|u| u.as_str()))
                .bind(mobile.as_deref())
                .bind(p.email.as_deref())
                .bind(p.address.as_deref())
                .bind(p.occupation.as_deref())
                .bind(p.income_band.as_deref())
                .bind(p.home_branch.0)
                .bind(p.onboarded_on)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO party_relationships (from_party_id, to_party_id, kind, since)",
        4,
        &batch.relationships,
        |q, r| {
            q.bind(r.from.0)
                .bind(r.to.0)
                .bind(r.kind.as_str())
                .bind(r.since)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO accounts (account_number, account_number_enc, party_id, product_code, family, currency, \
         balance_minor, limit_minor, opened_on, matures_on, status, source_system, branch_id)",
        13,
        &accounts,
        |q, (a, balance, limit, key, number)| {
            q.bind(key.as_str())
                .bind(number.as_str())
                .bind(a.party_id.0)
                .bind(a.product_code.as_str())
                .bind(a.family.as_str())
                .bind(a.balance.currency.code())
                .bind(*balance)
                .bind(*limit)
                .bind(a.opened_on)
                .bind(a.matures_on)
                .bind(a.status.as_str())
                .bind(a.source_system.as_str())
                .bind(a.branch_id.0)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO party_monthly_aum (party_id, month, currency, aum_minor)",
        4,
        &aum,
        |q, (m, minor)| {
            q.bind(m.party_id.0)
                .bind(m.month)
                .bind(m.aum.currency.code())
                .bind(*minor)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from, effective_to)",
        5,
        &batch.rm_assignments,
        |q, a| {
            q.bind(a.party_id.0)
                .bind(a.staff_id.0)
                .bind(a.primary)
                .bind(a.effective_from)
                .bind(a.effective_to)
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT OR IGNORE INTO party_search_keys (key, party_id)",
        2,
        &keys,
        |q, (k, id)| q.bind(k.as_str()).bind(*id),
    )
    .await?;
    tx.commit().await.map_err(db_err)
}

pub async fn counts(pool: &SqlitePool) -> StoreResult<StoreCounts> {
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

//! Bulk loading: one transaction per batch, each table filled column by column
//! (`dialect::insert_columns`: multi-row `VALUES` on SQLite, `UNNEST` arrays on PostgreSQL).
use std::collections::HashMap;

use async_trait::async_trait;
use rapport_domain::records::{
    AccountRecord, CustomerBatch, MonthlyAumRecord, PartyRecord, ReferenceData,
};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::{account_keys, party_keys};
use rapport_store::{BulkLoadStore, StoreCounts, StoreError, StoreResult};

use super::columns::{bools, dates, ints, stamps, texts};
use super::db_err;
use super::dialect::{Connection, begin_write, insert_columns, resync_ids};

#[async_trait]
impl BulkLoadStore for super::Backend {
    async fn load_reference(&self, data: &ReferenceData) -> StoreResult<()> {
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
        let mut tx = begin_write(&self.pool).await?;
        // Foreign keys are checked at the end of each statement, so a chunk may hold a parent and
        // its children in any order.
        insert_columns(
            &mut tx,
            "INSERT INTO branches (id, parent_id, level, code, name_zh, name_en, path)",
            &[
                ints(&branch_rows, |(b, _)| b.id.0),
                ints(&branch_rows, |(b, _)| b.parent.map(|p| p.0)),
                texts(&branch_rows, |(b, _)| b.level.as_str()),
                texts(&branch_rows, |(b, _)| b.code.as_str()),
                texts(&branch_rows, |(b, _)| b.name_zh.as_str()),
                texts(&branch_rows, |(b, _)| b.name_en.as_str()),
                texts(&branch_rows, |(_, path)| path.as_str()),
            ],
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        let now = chrono::Utc::now();
        insert_columns(
            &mut tx,
            "INSERT INTO staff (id, username, display_name, role, branch_id, created_at)",
            &[
                ints(&data.staff, |s| s.id.0),
                texts(&data.staff, |s| s.username.as_str()),
                texts(&data.staff, |s| s.display_name.as_str()),
                texts(&data.staff, |s| s.role.as_str()),
                ints(&data.staff, |s| s.branch_id.map(|b| b.0)),
                stamps(&data.staff, |_| now),
            ],
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        // Staff ids above were given explicitly; move the identity past them so `create_staff`
        // never draws one that is taken.
        resync_ids(&mut tx, "staff").await?;
        insert_columns(
            &mut tx,
            "INSERT INTO products (code, family, name_zh, name_en)",
            &[
                texts(&data.products, |p| p.code.as_str()),
                texts(&data.products, |p| p.family.as_str()),
                texts(&data.products, |p| p.name_zh.as_str()),
                texts(&data.products, |p| p.name_en.as_str()),
            ],
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        tx.commit().await.map_err(db_err)
    }

    async fn load_customers(&self, batch: &CustomerBatch) -> StoreResult<()> {
        let keys = search_keys(&self.protect, batch);
        let parties = sealed_parties(&self.protect, batch)?;
        let aum = aum_in_minor_units(batch)?;
        let accounts = account_rows(&self.protect, batch)?;

        let mut tx = begin_write(&self.pool).await?;
        insert_parties(&mut tx, &parties).await?;
        insert_columns(
            &mut tx,
            "INSERT INTO party_relationships (from_party_id, to_party_id, kind, since)",
            &[
                ints(&batch.relationships, |r| r.from.0),
                ints(&batch.relationships, |r| r.to.0),
                texts(&batch.relationships, |r| r.kind.as_str()),
                dates(&batch.relationships, |r| r.since),
            ],
            "",
        )
        .await?;
        insert_accounts(&mut tx, &accounts).await?;
        insert_columns(
            &mut tx,
            "INSERT INTO party_monthly_aum (party_id, month, currency, aum_minor)",
            &[
                ints(&aum, |(m, _)| m.party_id.0),
                dates(&aum, |(m, _)| m.month),
                texts(&aum, |(m, _)| m.aum.currency.code()),
                ints(&aum, |(_, minor)| *minor),
            ],
            "",
        )
        .await?;
        insert_columns(
            &mut tx,
            "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from, effective_to)",
            &[
                ints(&batch.rm_assignments, |a| a.party_id.0),
                ints(&batch.rm_assignments, |a| a.staff_id.0),
                bools(&batch.rm_assignments, |a| a.primary),
                dates(&batch.rm_assignments, |a| a.effective_from),
                dates(&batch.rm_assignments, |a| a.effective_to),
            ],
            "",
        )
        .await?;
        insert_columns(
            &mut tx,
            "INSERT INTO party_search_keys (key, party_id)",
            &[
                texts(&keys, |(k, _)| k.as_str()),
                ints(&keys, |(_, id)| *id),
            ],
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        tx.commit().await.map_err(db_err)
    }

    async fn counts(&self) -> StoreResult<StoreCounts> {
        let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM branches), (SELECT COUNT(*) FROM staff), \
                    (SELECT COUNT(*) FROM parties), (SELECT COUNT(*) FROM party_relationships), \
                    (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM party_monthly_aum), \
                    (SELECT COUNT(*) FROM rm_assignments)",
        )
        .fetch_one(&self.pool)
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
}

/// A party with its resident id and mobile sealed to its row.
type SealedParty<'a> = (&'a PartyRecord, Option<String>, Option<String>);

/// An account with its balance and limit in minor units, and its key and sealed number.
type AccountRow<'a> = (&'a AccountRecord, (i64, Option<i64>), (String, String));

/// The batch's blind search keys, `(key, party id)`: its parties' and its accounts'.
fn search_keys(p: &Protector, batch: &CustomerBatch) -> Vec<(String, i64)> {
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
    keys
}

/// The batch's parties, their identifiers sealed to their row before they reach the database.
fn sealed_parties<'a>(
    p: &Protector,
    batch: &'a CustomerBatch,
) -> StoreResult<Vec<SealedParty<'a>>> {
    let mut parties = Vec::with_capacity(batch.parties.len());
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
        parties.push((party, rid, mobile));
    }
    Ok(parties)
}

/// The batch's monthly AUM points, each with its amount in minor units.
fn aum_in_minor_units(batch: &CustomerBatch) -> StoreResult<Vec<(&MonthlyAumRecord, i64)>> {
    let mut aum = Vec::with_capacity(batch.monthly_aum.len());
    for m in &batch.monthly_aum {
        aum.push((
            m,
            m.aum
                .to_minor_units()
                .map_err(|e| StoreError::Invalid(format!("monthly AUM: {e}")))?,
        ));
    }
    Ok(aum)
}

/// The batch's accounts, amounts in minor units, numbers keyed and sealed to their key.
fn account_rows<'a>(p: &Protector, batch: &'a CustomerBatch) -> StoreResult<Vec<AccountRow<'a>>> {
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
        accounts.push((a, (balance, limit), (key, number)));
    }
    Ok(accounts)
}

async fn insert_parties(conn: &mut Connection, parties: &[SealedParty<'_>]) -> StoreResult<()> {
    insert_columns(
        conn,
        "INSERT INTO parties (id, customer_number, kind, name, gender, birth_date, resident_id, uscc, \
         mobile, email, address, occupation, income_band, home_branch_id, onboarded_on)",
        &[
            ints(parties, |(p, _, _)| p.id.0),
            texts(parties, |(p, _, _)| p.customer_number.as_str()),
            texts(parties, |(p, _, _)| p.kind.as_str()),
            texts(parties, |(p, _, _)| p.name.as_str()),
            texts(parties, |(p, _, _)| p.gender.map(|g| g.as_str())),
            dates(parties, |(p, _, _)| p.birth_date),
            texts(parties, |(_, rid, _)| rid.as_deref()),
            texts(parties, |(p, _, _)| p.uscc.as_ref().map(|u| u.as_str())),
            texts(parties, |(_, _, mobile)| mobile.as_deref()),
            texts(parties, |(p, _, _)| p.email.as_deref()),
            texts(parties, |(p, _, _)| p.address.as_deref()),
            texts(parties, |(p, _, _)| p.occupation.as_deref()),
            texts(parties, |(p, _, _)| p.income_band.as_deref()),
            ints(parties, |(p, _, _)| p.home_branch.0),
            dates(parties, |(p, _, _)| p.onboarded_on),
        ],
        "",
    )
    .await
}

async fn insert_accounts(conn: &mut Connection, accounts: &[AccountRow<'_>]) -> StoreResult<()> {
    insert_columns(
        conn,
        "INSERT INTO accounts (account_number, account_number_enc, party_id, product_code, family, currency, \
         balance_minor, limit_minor, opened_on, matures_on, status, source_system, branch_id, \
         closed_on)",
        &[
            texts(accounts, |(_, _, (key, _))| key.as_str()),
            texts(accounts, |(_, _, (_, number))| number.as_str()),
            ints(accounts, |(a, _, _)| a.party_id.0),
            texts(accounts, |(a, _, _)| a.product_code.as_str()),
            texts(accounts, |(a, _, _)| a.family.as_str()),
            texts(accounts, |(a, _, _)| a.balance.currency.code()),
            ints(accounts, |(_, (balance, _), _)| *balance),
            ints(accounts, |(_, (_, limit), _)| *limit),
            dates(accounts, |(a, _, _)| a.opened_on),
            dates(accounts, |(a, _, _)| a.matures_on),
            texts(accounts, |(a, _, _)| a.status.as_str()),
            texts(accounts, |(a, _, _)| a.source_system.as_str()),
            ints(accounts, |(a, _, _)| a.branch_id.0),
            dates(accounts, |(a, _, _)| a.closed_on),
        ],
        "",
    )
    .await
}

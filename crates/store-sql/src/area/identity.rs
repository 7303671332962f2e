//! Golden records: the resolver's input, and writing its result — parties created or updated
//! with history, records moved (accounts follow), absorbed parties merged with a snapshot.
use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use rapport_domain::records::PartyRecord;
use rapport_domain::{BranchId, CustomerNumber, PartyId, ProductFamily, SourceSystem};
use rapport_store::identity::{
    GoldenRecord, MergeSnapshot, PairDecision, PartyFields, ResolutionApplied, ResolutionRecord,
    ResolvedParty,
};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::{ACCOUNT, party_keys};
use rapport_store::{ChangeAuthor, IdentityStore, StoreError, StoreResult};
use sqlx::Row;

use super::changes::record_change;
use super::columns::{dates, ints, texts};
use super::dialect::{Connection, DbRow, JSONB, begin_write, insert_columns, numbered, time};
use super::ingest::follow_records;
use super::{db_err, parse_col};

const INPUT_COLUMNS: &str = "r.id, r.source_system, r.source_key, r.party_id, r.kind, r.name, \
    r.gender, r.birth_date, r.resident_id, r.resident_id_valid, r.uscc, r.mobile, r.address, r.email, \
    r.branch_code, r.rm_username, r.source_updated_on, r.closed_at IS NOT NULL AS closed, \
    r.needs_resolution, (SELECT MIN(sa.opened_on) FROM source_accounts sa \
    WHERE sa.source_system = r.source_system AND sa.source_key = r.source_key) AS first_opened";

/// Ids per `IN (…)` list (well under SQLite's variable limit).
const IDS_PER_STATEMENT: usize = 5_000;

#[async_trait]
impl IdentityStore for super::Backend {
    async fn resolution_input(&self, after: i64, limit: i64) -> StoreResult<Vec<ResolutionRecord>> {
        let sql = format!(
            "SELECT {INPUT_COLUMNS} FROM source_records r WHERE r.id > $1 ORDER BY r.id LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        input_rows(&self.protect, &rows)
    }

    async fn resolution_records_of(
        &self,
        parties: &[PartyId],
    ) -> StoreResult<Vec<ResolutionRecord>> {
        let mut out = Vec::new();
        for chunk in parties.chunks(IDS_PER_STATEMENT) {
            let sql = format!(
                "SELECT {INPUT_COLUMNS} FROM source_records r WHERE r.party_id IN ({}) ORDER BY r.id",
                crate::placeholders(chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
            for party in chunk {
                q = q.bind(party.0);
            }
            out.extend(input_rows(
                &self.protect,
                &q.fetch_all(&self.pool).await.map_err(db_err)?,
            )?);
        }
        out.sort_by_key(|r| r.id);
        Ok(out)
    }

    async fn pair_decisions(&self) -> StoreResult<Vec<PairDecision>> {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT record_a, record_b, status FROM identity_reviews \
             WHERE status IN ('approved', 'rejected') ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(a, b, s)| PairDecision {
                record_a: a,
                record_b: b,
                same_person: s == "approved",
            })
            .collect())
    }

    async fn apply_resolution(
        &self,
        parties: &[ResolvedParty],
        author: &ChangeAuthor,
    ) -> StoreResult<ResolutionApplied> {
        let mut tx = begin_write(&self.pool).await?;
        let look = lookups(&mut tx, parties).await?;
        let mut next_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM parties")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let today = author.at.date_naive();
        let run = Resolution {
            protect: &self.protect,
            look,
            author,
            today,
            month: today.with_day(1).unwrap_or(today),
            assets: asset_families(),
        };
        let mut applied = ResolutionApplied::default();
        for item in parties {
            apply_party(&run, &mut tx, item, &mut next_id, &mut applied).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(applied)
    }

    async fn account_owners(&self) -> StoreResult<Vec<(String, PartyId)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT account_number, party_id FROM accounts")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(rows.into_iter().map(|(k, p)| (k, PartyId(p))).collect())
    }

    async fn upsert_monthly_aum(
        &self,
        points: &[rapport_domain::records::MonthlyAumRecord],
    ) -> StoreResult<()> {
        let mut rows = Vec::with_capacity(points.len());
        for m in points {
            let minor = m
                .aum
                .to_minor_units()
                .map_err(|e| StoreError::Invalid(format!("monthly AUM: {e}")))?;
            rows.push((m, minor));
        }
        let mut tx = begin_write(&self.pool).await?;
        insert_columns(
            &mut tx,
            "INSERT INTO party_monthly_aum (party_id, month, currency, aum_minor)",
            &[
                ints(&rows, |(m, _)| m.party_id.0),
                dates(&rows, |(m, _)| m.month),
                texts(&rows, |(m, _)| m.aum.currency.code()),
                ints(&rows, |(_, minor)| *minor),
            ],
            "ON CONFLICT (party_id, month) DO UPDATE SET currency = excluded.currency, \
             aum_minor = excluded.aum_minor",
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }
}

/// What writing one chunk of golden records shares.
struct Resolution<'a> {
    protect: &'a Protector,
    look: Lookups,
    author: &'a ChangeAuthor,
    today: NaiveDate,
    /// The month whose AUM point the written parties get.
    month: NaiveDate,
    /// The asset families, quoted for an `IN (…)` list.
    assets: String,
}

/// A golden record being written, with its home branch and its sources as stored (JSON).
struct Golden<'a> {
    golden: &'a GoldenRecord,
    branch: i64,
    sources: String,
}

/// Writes one resolved party: the party itself (new, updated or unchanged), the parties it
/// absorbs, its records and their accounts, its primary RM when it has none, its AUM point.
async fn apply_party(
    run: &Resolution<'_>,
    conn: &mut Connection,
    item: &ResolvedParty,
    next_id: &mut i64,
    applied: &mut ResolutionApplied,
) -> StoreResult<()> {
    let branch = item
        .golden
        .home_branch_code
        .as_deref()
        .and_then(|c| run.look.branches.get(c).copied())
        .unwrap_or(run.look.head_office);
    let g = Golden {
        golden: &item.golden,
        branch,
        sources: serde_json::to_string(&item.golden.sources)
            .map_err(|e| StoreError::Database(format!("golden sources: {e}")))?,
    };
    let existing = match item.party_id {
        Some(id) => stored_fields(run.protect, conn, id.0)
            .await?
            .map(|f| (id.0, f)),
        None => None,
    };
    let id = match existing {
        None => {
            let id = *next_id;
            *next_id += 1;
            create_party(run, conn, &g, id).await?;
            applied.created += 1;
            id
        }
        Some((id, stored)) => {
            if update_party(run, conn, &g, id, &stored).await? {
                applied.updated += 1;
            } else {
                applied.unchanged += 1;
            }
            id
        }
    };
    applied.parties.push(PartyId(id));
    for absorbed in &item.absorbed {
        if absorbed.0 != id {
            merge_into(conn, id, absorbed.0, run.today, run.author).await?;
            applied.merged += 1;
            applied.parties.push(*absorbed);
        }
    }
    attach_records(conn, id, &item.record_ids).await?;
    if let Some(staff) = item
        .golden
        .rm_username
        .as_deref()
        .and_then(|u| run.look.staff.get(u))
    {
        assign_if_unassigned(conn, id, *staff, run.today).await?;
    }
    record_month_aum(conn, id, run.month, &run.assets).await
}

/// Inserts a new party from its golden record, with its history's first entry and its keys.
async fn create_party(
    run: &Resolution<'_>,
    conn: &mut Connection,
    g: &Golden<'_>,
    id: i64,
) -> StoreResult<()> {
    let record = g.golden.to_party_record(
        PartyId(id),
        CustomerNumber::from_sequence(id as u64),
        BranchId(g.branch),
    );
    let (rid, mobile) = sealed_party(run.protect, id, g.golden)?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO parties (id, customer_number, kind, name, gender, birth_date, resident_id, \
         uscc, mobile, email, address, home_branch_id, onboarded_on, version, golden_sources) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14{JSONB})",
    )))
    .bind(id)
    .bind(record.customer_number.as_str())
    .bind(record.kind.as_str())
    .bind(&record.name)
    .bind(record.gender.map(|g| g.as_str()))
    .bind(record.birth_date)
    .bind(rid)
    .bind(record.uscc.as_ref().map(|u| u.as_str()))
    .bind(mobile)
    .bind(&record.email)
    .bind(&record.address)
    .bind(g.branch)
    .bind(record.onboarded_on)
    .bind(&g.sources)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    record_change(conn, id, 1, run.author, "created", None, None).await?;
    replace_keys(run.protect, conn, &record).await
}

/// Brings an existing party to its golden record; whether any field changed (a new version
/// with its history) or only its sources did.
async fn update_party(
    run: &Resolution<'_>,
    conn: &mut Connection,
    g: &Golden<'_>,
    id: i64,
    stored: &StoredParty,
) -> StoreResult<bool> {
    let changes = stored.fields.diff(&g.golden.fields(g.branch));
    let customer_number: String =
        sqlx::query_scalar("SELECT customer_number FROM parties WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
    let record = g.golden.to_party_record(
        PartyId(id),
        CustomerNumber::parse(&customer_number)
            .map_err(|e| StoreError::Database(format!("customer number: {e}")))?,
        BranchId(g.branch),
    );
    if changes.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE parties SET golden_sources = $1{JSONB}, merged_into = NULL WHERE id = $2"
        )))
        .bind(&g.sources)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    } else {
        rewrite_party(run, conn, g, &record, stored, &changes).await?;
    }
    // A merge may have taken its keys: put them back.
    replace_keys(run.protect, conn, &record).await?;
    Ok(!changes.is_empty())
}

/// Writes a party's changed fields as its next version, each change in its history.
async fn rewrite_party(
    run: &Resolution<'_>,
    conn: &mut Connection,
    g: &Golden<'_>,
    record: &PartyRecord,
    stored: &StoredParty,
    changes: &[(&'static str, Option<String>, Option<String>)],
) -> StoreResult<()> {
    let id = record.id.0;
    let (rid, mobile) = sealed_party(run.protect, id, g.golden)?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE parties SET kind = $1, name = $2, gender = $3, birth_date = $4, resident_id = $5, \
         uscc = $6, mobile = $7, email = $8, address = $9, home_branch_id = $10, \
         golden_sources = $11{JSONB}, merged_into = NULL, version = version + 1 WHERE id = $12",
    )))
    .bind(record.kind.as_str())
    .bind(&record.name)
    .bind(record.gender.map(|g| g.as_str()))
    .bind(record.birth_date)
    .bind(&rid)
    .bind(record.uscc.as_ref().map(|u| u.as_str()))
    .bind(&mobile)
    .bind(&record.email)
    .bind(&record.address)
    .bind(g.branch)
    .bind(&g.sources)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    for (field, old, new) in changes {
        // History holds identifiers sealed, like the party row.
        let (old, new) = match *field {
            "resident_id" => (stored.sealed_resident_id.clone(), rid.clone()),
            "mobile" => (stored.sealed_mobile.clone(), mobile.clone()),
            _ => (old.clone(), new.clone()),
        };
        record_change(
            conn,
            id,
            stored.version + 1,
            run.author,
            field,
            old.as_deref(),
            new.as_deref(),
        )
        .await?;
    }
    Ok(())
}

/// Points the records at their party (resolved), and the records' accounts with them.
async fn attach_records(conn: &mut Connection, id: i64, record_ids: &[i64]) -> StoreResult<()> {
    for chunk in record_ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE source_records SET party_id = ?, needs_resolution = FALSE WHERE id IN ({})",
            crate::placeholders(chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql))).bind(id);
        for r in chunk {
            q = q.bind(*r);
        }
        q.execute(&mut *conn).await.map_err(db_err)?;
    }
    follow_records(conn, record_ids).await
}

/// Makes `staff` the party's primary RM from `today`, unless it has one already.
async fn assign_if_unassigned(
    conn: &mut Connection,
    id: i64,
    staff: i64,
    today: NaiveDate,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) \
         SELECT $1, $2, TRUE, $3 WHERE NOT EXISTS (SELECT 1 FROM rm_assignments \
         WHERE party_id = $4 AND is_primary AND effective_to IS NULL)",
    )
    .bind(id)
    .bind(staff)
    .bind(today)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The month's AUM point from the current balances (history comes from the warehouse).
async fn record_month_aum(
    conn: &mut Connection,
    id: i64,
    month: NaiveDate,
    assets: &str,
) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO party_monthly_aum (party_id, month, currency, aum_minor) \
         SELECT $1, $2, 'CNY', CAST(COALESCE(SUM(balance_minor), 0) AS BIGINT) FROM accounts \
         WHERE party_id = $3 AND currency = 'CNY' AND status <> 'closed' AND family IN ({assets}) \
         ON CONFLICT (party_id, month) DO UPDATE SET aum_minor = excluded.aum_minor"
    )))
    .bind(id)
    .bind(month)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

fn input_rows(p: &Protector, rows: &[DbRow]) -> StoreResult<Vec<ResolutionRecord>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let get = |c: &str| row.try_get::<Option<String>, _>(c).map_err(db_err);
        let system: SourceSystem = parse_col(
            "source_system",
            &row.try_get::<String, _>("source_system").map_err(db_err)?,
        )?;
        let key: String = row.try_get("source_key").map_err(db_err)?;
        let at = Protector::source_row(system, &key);
        out.push(ResolutionRecord {
            id: row.try_get("id").map_err(db_err)?,
            source_system: system,
            party_id: row
                .try_get::<Option<i64>, _>("party_id")
                .map_err(db_err)?
                .map(PartyId),
            kind: parse_col("kind", &row.try_get::<String, _>("kind").map_err(db_err)?)?,
            name: row.try_get("name").map_err(db_err)?,
            gender: get("gender")?
                .map(|g| parse_col("gender", &g))
                .transpose()?,
            birth_date: row.try_get("birth_date").map_err(db_err)?,
            resident_id: p.open_opt(Field::SourceResidentId, &at, get("resident_id")?)?,
            resident_id_valid: row.try_get("resident_id_valid").map_err(db_err)?,
            uscc: get("uscc")?,
            mobile: p.open_opt(Field::SourceMobile, &at, get("mobile")?)?,
            address: get("address")?,
            email: get("email")?,
            branch_code: get("branch_code")?,
            rm_username: get("rm_username")?,
            updated_on: row.try_get("source_updated_on").map_err(db_err)?,
            first_opened_on: row.try_get("first_opened").map_err(db_err)?,
            closed: row.try_get("closed").map_err(db_err)?,
            needs_resolution: row.try_get("needs_resolution").map_err(db_err)?,
            source_key: key,
        });
    }
    Ok(out)
}

/// Reference lookups for a chunk of golden records.
struct Lookups {
    head_office: i64,
    branches: HashMap<String, i64>,
    staff: HashMap<String, i64>,
}

async fn lookups(conn: &mut Connection, parties: &[ResolvedParty]) -> StoreResult<Lookups> {
    let head_office: Option<i64> =
        sqlx::query_scalar("SELECT id FROM branches WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?;
    let head_office = head_office.ok_or_else(|| {
        StoreError::Invalid("no branches: load the bank's reference data first".into())
    })?;
    let codes: HashSet<&str> = parties
        .iter()
        .filter_map(|p| p.golden.home_branch_code.as_deref())
        .collect();
    let users: HashSet<&str> = parties
        .iter()
        .filter_map(|p| p.golden.rm_username.as_deref())
        .collect();
    let mut branches = HashMap::new();
    for (code, id) in sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM branches")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?
    {
        if codes.contains(code.as_str()) {
            branches.insert(code, id);
        }
    }
    let mut staff = HashMap::new();
    for (name, id) in sqlx::query_as::<_, (String, i64)>(
        "SELECT username, id FROM staff WHERE NOT disabled AND role = $1",
    )
    .bind(rapport_domain::Role::Rm.as_str())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?
    {
        if users.contains(name.as_str()) {
            staff.insert(name, id);
        }
    }
    Ok(Lookups {
        head_office,
        branches,
        staff,
    })
}

fn sealed_party(
    p: &Protector,
    id: i64,
    golden: &GoldenRecord,
) -> StoreResult<(Option<String>, Option<String>)> {
    let row = id.to_string();
    Ok((
        golden
            .resident_id
            .as_ref()
            .map(|r| p.seal(Field::ResidentId, &row, r.as_str()))
            .transpose()?,
        golden
            .mobile
            .as_ref()
            .map(|m| p.seal(Field::Mobile, &row, m.as_str()))
            .transpose()?,
    ))
}

async fn stored_fields(
    p: &Protector,
    conn: &mut Connection,
    id: i64,
) -> StoreResult<Option<StoredParty>> {
    let row = sqlx::query(
        "SELECT kind, name, gender, CAST(birth_date AS TEXT) AS birth_date, resident_id, uscc, mobile, email, address, \
         home_branch_id, version FROM parties WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let get = |c: &str| row.try_get::<Option<String>, _>(c).map_err(db_err);
    let at = id.to_string();
    Ok(Some(StoredParty {
        fields: PartyFields {
            kind: row.try_get("kind").map_err(db_err)?,
            name: row.try_get("name").map_err(db_err)?,
            gender: get("gender")?,
            birth_date: get("birth_date")?,
            resident_id: p.open_opt(Field::ResidentId, &at, get("resident_id")?)?,
            uscc: get("uscc")?,
            mobile: p.open_opt(Field::Mobile, &at, get("mobile")?)?,
            email: get("email")?,
            address: get("address")?,
            home_branch: row
                .try_get::<i64, _>("home_branch_id")
                .map_err(db_err)?
                .to_string(),
        },
        version: row.try_get("version").map_err(db_err)?,
        sealed_resident_id: get("resident_id")?,
        sealed_mobile: get("mobile")?,
    }))
}

/// A party as stored: its fields in clear, and its identifiers as sealed (for the history).
struct StoredParty {
    fields: PartyFields,
    version: i64,
    sealed_resident_id: Option<String>,
    sealed_mobile: Option<String>,
}

/// Search keys of a party: name, pinyin, identifiers (blinded); account keys are kept.
async fn replace_keys(
    p: &Protector,
    conn: &mut Connection,
    record: &PartyRecord,
) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM party_search_keys WHERE party_id = $1 AND key NOT LIKE '{ACCOUNT}%'"
    )))
    .bind(record.id.0)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    let keys: Vec<String> = party_keys(record)
        .into_iter()
        .map(|k| p.search_key(k))
        .collect();
    insert_columns(
        conn,
        "INSERT INTO party_search_keys (key, party_id)",
        &[texts(&keys, String::as_str), ints(&keys, |_| record.id.0)],
        "ON CONFLICT DO NOTHING",
    )
    .await
}

async fn merge_into(
    conn: &mut Connection,
    keep: i64,
    absorbed: i64,
    today: NaiveDate,
    author: &ChangeAuthor,
) -> StoreResult<MergeSnapshot> {
    let records: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, party_id FROM source_records WHERE party_id = $1")
            .bind(absorbed)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
    let assignments: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT id, staff_id, is_primary FROM rm_assignments WHERE party_id = $1 AND effective_to IS NULL",
    )
    .bind(absorbed)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "UPDATE rm_assignments SET effective_to = $1 WHERE party_id = $2 AND effective_to IS NULL",
    )
    .bind(today)
    .bind(absorbed)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut snapshot = MergeSnapshot {
        records,
        ended_assignments: assignments.iter().map(|a| a.0).collect(),
        opened_assignments: Vec::new(),
    };
    // The absorbed party's RM keeps the customer when the kept party has none.
    let kept_has_primary: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM rm_assignments WHERE party_id = $1 AND is_primary AND effective_to IS NULL)",
    )
    .bind(keep)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    if !kept_has_primary && let Some((_, staff, _)) = assignments.iter().find(|a| a.2) {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) VALUES ($1, $2, TRUE, $3) RETURNING id",
        )
        .bind(keep)
        .bind(staff)
        .bind(today)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
        snapshot.opened_assignments.push(id);
    }
    sqlx::query("UPDATE parties SET merged_into = $1 WHERE id = $2")
        .bind(keep)
        .bind(absorbed)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM party_search_keys WHERE party_id = $1 AND key NOT LIKE '{ACCOUNT}%'"
    )))
    .bind(absorbed)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    let json = serde_json::to_string(&snapshot)
        .map_err(|e| StoreError::Database(format!("merge snapshot: {e}")))?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO identity_events (kind, party_id, other_party_id, snapshot, reason, decided_by, staff_id, at) \
         VALUES ('merge', $1, $2, $3{JSONB}, NULL, $4, $5, $6)",
    )))
    .bind(keep)
    .bind(absorbed)
    .bind(json)
    .bind(author.username.as_str())
    .bind(author.staff_id.map(|s| s.0))
    .bind(time(author.at))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(snapshot)
}

fn asset_families() -> String {
    ProductFamily::ALL
        .iter()
        .filter(|f| f.is_asset())
        .map(|f| format!("'{}'", f.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

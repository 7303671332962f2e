//! Customer reads. Every query carries the viewer's scope as a SQL condition built here, in
//! one place: there is no unscoped customer read in this crate.
use async_trait::async_trait;
use chrono::NaiveDate;
use rapport_domain::{BranchId, Currency, DataScope, Money, PartyId, StaffId, Viewer};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::{Drive, KeyMatch, SearchQuery, drive};
use rapport_store::{
    AccountDetail, AssignedRm, AumPoint, BranchRef, Customer360, CustomerStore, CustomerSummary,
    Direction, Page, PageRequest, PartyDetail, RelatedParty, StoreResult,
};
use sqlx::Row;

use super::dialect::{Query, COLLATE_C, LATEST_AUM_COLUMNS, LATEST_AUM_JOIN, DbRow, Pool};

use super::pages::fetch_page;
use super::scoped::{party_in_scope, scope_at};
use super::{db_err, parse_col};

/// Related parties shown in a 360 view, per direction (an employer may have thousands).
const MAX_RELATED: i64 = 200;

/// The columns of a customer-list row (with `dialect::LATEST_AUM_COLUMNS`), read by
/// `summary_from_row`: the customer list, search and a segment's members.
pub(crate) const SUMMARY_COLUMNS: &str = "p.id, p.customer_number, p.kind, p.name, p.mobile, p.resident_id, \
    b.id AS branch_id, b.code AS branch_code, b.name_zh AS branch_name_zh, b.name_en AS branch_name_en, \
    (SELECT s.display_name FROM rm_assignments ra JOIN staff s ON s.id = ra.staff_id \
       WHERE ra.party_id = p.id AND ra.is_primary AND ra.effective_to IS NULL LIMIT 1) AS primary_rm";

fn branch_from_row(row: &DbRow) -> StoreResult<BranchRef> {
    Ok(BranchRef {
        id: BranchId(row.try_get("branch_id").map_err(db_err)?),
        code: row.try_get("branch_code").map_err(db_err)?,
        name_zh: row.try_get("branch_name_zh").map_err(db_err)?,
        name_en: row.try_get("branch_name_en").map_err(db_err)?,
    })
}

fn money(minor: i64, currency: &str) -> StoreResult<Money> {
    Ok(Money::from_minor_units(
        minor,
        parse_col::<Currency>("currency", currency)?,
    ))
}

pub(crate) fn summary_from_row(p: &Protector, row: &DbRow) -> StoreResult<CustomerSummary> {
    let id: i64 = row.try_get("id").map_err(db_err)?;
    let row_key = id.to_string();
    let kind: String = row.try_get("kind").map_err(db_err)?;
    let aum_minor: Option<i64> = row.try_get("aum_minor").map_err(db_err)?;
    let aum_currency: Option<String> = row.try_get("aum_currency").map_err(db_err)?;
    Ok(CustomerSummary {
        party_id: PartyId(row.try_get("id").map_err(db_err)?),
        customer_number: row.try_get("customer_number").map_err(db_err)?,
        kind: parse_col("parties.kind", &kind)?,
        name: row.try_get("name").map_err(db_err)?,
        mobile: p.open_opt(
            Field::Mobile,
            &row_key,
            row.try_get("mobile").map_err(db_err)?,
        )?,
        resident_id: p.open_opt(
            Field::ResidentId,
            &row_key,
            row.try_get("resident_id").map_err(db_err)?,
        )?,
        home_branch: branch_from_row(row)?,
        primary_rm: row.try_get("primary_rm").map_err(db_err)?,
        latest_aum: match (aum_minor, aum_currency) {
            (Some(m), Some(c)) => Some(money(m, &c)?),
            _ => None,
        },
    })
}

#[async_trait]
impl CustomerStore for super::Backend {
    async fn list_customers(
        &self,
        viewer: &Viewer,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>> {
        rapport_store::scope::operation("list_customers", async {
            let (scope, scope_value) = scope_at(rapport_store::scope::data_scope(viewer), "p", 1);
            // Page the party ids first, then compute the summary columns for that page only.
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS}, {LATEST_AUM_COLUMNS} FROM \
                   (SELECT p.id FROM parties p WHERE {scope} ORDER BY p.id LIMIT $2 OFFSET $3) pg \
                 JOIN parties p ON p.id = pg.id JOIN branches b ON b.id = p.home_branch_id {LATEST_AUM_JOIN} \
                 ORDER BY p.id"
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope_value);
            fetch_page(query, &self.pool, page, |r| summary_from_row(&self.protect, r)).await
        })
        .await
    }

    async fn search_customers(
        &self,
        viewer: &Viewer,
        query: &SearchQuery,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>> {
        rapport_store::scope::operation("search_customers", async {
            // One-typo spellings only when the exact ones do not fill the page.
            if let Some(exact) = query.without_typos() {
                let found = search_once(&self.protect, &self.pool, viewer, &exact, page).await?;
                if found.has_more || found.items.len() == page.page_size as usize {
                    return Ok(found);
                }
            }
            search_once(&self.protect, &self.pool, viewer, query, page).await
        })
        .await
    }

    async fn customer_360(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Customer360>> {
        rapport_store::scope::operation("customer_360", async {
            let scope = rapport_store::scope::data_scope(viewer);
            let (cond, value) = scope_at(scope, "p", 2);
            let sql = format!(
                "SELECT p.*, CAST(p.golden_sources AS TEXT) AS golden_sources_text, b.id AS branch_id, b.code AS branch_code, b.name_zh AS branch_name_zh, \
                        b.name_en AS branch_name_en \
                 FROM parties p JOIN branches b ON b.id = p.home_branch_id WHERE p.id = $1 AND {cond}"
            );
            let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(party_id.0)
                .bind(value)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
            else {
                return Ok(None);
            };
            let party = party_from_row(&self.protect, &row)?;
            Ok(Some(Customer360 {
                party,
                relationships: relationships(&self.pool, scope, party_id).await?,
                accounts: accounts(&self.protect, &self.pool, party_id).await?,
                monthly_aum: monthly_aum(&self.pool, party_id).await?,
                rms: rms(&self.pool, party_id).await?,
            }))
        })
        .await
    }

    async fn customer_in_scope(
        &self,
        viewer: &Viewer,
        party: PartyId,
    ) -> StoreResult<Option<rapport_store::scope::InScope>> {
        rapport_store::scope::operation("customer_in_scope", async {
            let found = party_in_scope(&self.pool, viewer, party).await?;
            #[allow(clippy::disallowed_methods)] // this is the store's scope check
            Ok(found.then(|| rapport_store::scope::InScope::checked_by_the_store(viewer, party)))
        })
        .await
    }
}

async fn search_once(
    p: &Protector,
    pool: &Pool,
    viewer: &Viewer,
    query: &SearchQuery,
    page: PageRequest,
) -> StoreResult<Page<CustomerSummary>> {
    let protected = p.protect_query(query);
    let query = &protected;
    if query.is_empty() {
        return Ok(Page::from_rows(Vec::new(), page));
    }
    let mut arms = Vec::new();
    let mut n = 0;
    for m in &query.matches {
        let driven = drive(rapport_store::scope::data_scope(viewer), m);
        let staff_param = if matches!(driven, Drive::Portfolio(_) | Drive::Branch(_)) {
            n += 1;
            n
        } else {
            0
        };
        let (rank, condition) = match m {
            KeyMatch::Exact { rank, keys } => {
                let first = n + 1;
                n += keys.len();
                let list: Vec<String> = (first..=n).map(|i| format!("${i}")).collect();
                (rank, format!("k.key IN ({})", list.join(", ")))
            }
            KeyMatch::Prefix { rank, .. } => {
                n += 2;
                (rank, format!("k.key >= ${} AND k.key < ${n}", n - 1))
            }
        };
        arms.push(match driven {
            Drive::Portfolio(_) => format!(
                "SELECT k.party_id, {rank} AS rank FROM rm_assignments ra \
                 JOIN party_search_keys k ON k.party_id = ra.party_id \
                 WHERE ra.staff_id = ${staff_param} AND ra.effective_to IS NULL AND {condition}"
            ),
            Drive::Branch(_) => format!(
                "SELECT k.party_id, {rank} AS rank FROM parties bp \
                 JOIN party_search_keys k ON k.party_id = bp.id \
                 WHERE bp.home_branch_id IN (SELECT sb.id FROM branches sb WHERE sb.path LIKE \
                   (SELECT bb.path FROM branches bb WHERE bb.id = ${staff_param}) || '%') AND {condition}"
            ),
            Drive::Keys { cap } => format!(
                "SELECT c.party_id, {rank} AS rank FROM \
                 (SELECT k.party_id FROM party_search_keys k WHERE {condition} LIMIT {cap}) c"
            ),
        });
    }
    let (scope, scope_value) = scope_at(rapport_store::scope::data_scope(viewer), "p", n + 1);
    let sql = format!(
        "WITH hits AS (SELECT party_id, MIN(rank) AS rank FROM ({}) k GROUP BY party_id), \
         page AS (SELECT h.party_id, h.rank FROM hits h JOIN parties p ON p.id = h.party_id \
                  WHERE {scope} ORDER BY h.rank, p.id LIMIT ${} OFFSET ${}) \
         SELECT {SUMMARY_COLUMNS}, {LATEST_AUM_COLUMNS} FROM page h JOIN parties p ON p.id = h.party_id \
         JOIN branches b ON b.id = p.home_branch_id {LATEST_AUM_JOIN} \
         ORDER BY h.rank, p.id",
        arms.join(" UNION ALL "),
        n + 2,
        n + 3
    );
    let mut q: Query<'_> = sqlx::query(sqlx::AssertSqlSafe(sql));
    for m in &query.matches {
        match drive(rapport_store::scope::data_scope(viewer), m) {
            Drive::Portfolio(staff) => q = q.bind(staff.0),
            Drive::Branch(branch) => q = q.bind(branch.0),
            Drive::Keys { .. } => {}
        }
        match m {
            KeyMatch::Exact { keys, .. } => {
                for k in keys {
                    q = q.bind(k.as_str());
                }
            }
            KeyMatch::Prefix { low, high, .. } => q = q.bind(low.as_str()).bind(high.as_str()),
        }
    }
    fetch_page(q.bind(scope_value), pool, page, |r| summary_from_row(p, r)).await
}

fn party_from_row(p: &Protector, row: &DbRow) -> StoreResult<PartyDetail> {
    let id: i64 = row.try_get("id").map_err(db_err)?;
    let row_key = id.to_string();
    let kind: String = row.try_get("kind").map_err(db_err)?;
    let gender: Option<String> = row.try_get("gender").map_err(db_err)?;
    Ok(PartyDetail {
        party_id: PartyId(row.try_get("id").map_err(db_err)?),
        customer_number: row.try_get("customer_number").map_err(db_err)?,
        kind: parse_col("parties.kind", &kind)?,
        name: row.try_get("name").map_err(db_err)?,
        gender: gender
            .map(|g| parse_col("parties.gender", &g))
            .transpose()?,
        birth_date: row.try_get("birth_date").map_err(db_err)?,
        resident_id: p.open_opt(
            Field::ResidentId,
            &row_key,
            row.try_get("resident_id").map_err(db_err)?,
        )?,
        uscc: row.try_get("uscc").map_err(db_err)?,
        mobile: p.open_opt(
            Field::Mobile,
            &row_key,
            row.try_get("mobile").map_err(db_err)?,
        )?,
        email: row.try_get("email").map_err(db_err)?,
        address: row.try_get("address").map_err(db_err)?,
        occupation: row.try_get("occupation").map_err(db_err)?,
        income_band: row.try_get("income_band").map_err(db_err)?,
        home_branch: branch_from_row(row)?,
        onboarded_on: row.try_get("onboarded_on").map_err(db_err)?,
        preferred_channel: row.try_get("preferred_channel").map_err(db_err)?,
        version: row.try_get("version").map_err(db_err)?,
        field_sources: row
            .try_get::<Option<String>, _>("golden_sources_text")
            .map_err(db_err)?
            .map(|j| serde_json::from_str(&j))
            .transpose()
            .map_err(|e| {
                rapport_store::StoreError::Database(format!("parties.golden_sources: {e}"))
            })?
            .unwrap_or_default(),
    })
}

async fn relationships(
    pool: &Pool,
    scope: DataScope,
    party_id: PartyId,
) -> StoreResult<Vec<RelatedParty>> {
    // One scope placeholder ($1) serves both arms.
    let (in_scope, value) = scope_at(scope, "o", 1);
    let sql = format!(
        "SELECT * FROM (SELECT r.kind, 'outgoing' AS direction, o.id, o.kind AS party_kind, o.name, r.since, \
                ({in_scope}) AS in_scope \
           FROM party_relationships r JOIN parties o ON o.id = r.to_party_id \
           WHERE r.from_party_id = $2 ORDER BY o.id LIMIT $3) outgoing \
         UNION ALL \
         SELECT * FROM (SELECT r.kind, 'incoming', o.id, o.kind, o.name, r.since, ({in_scope}) \
           FROM party_relationships r JOIN parties o ON o.id = r.from_party_id \
           WHERE r.to_party_id = $2 ORDER BY o.id LIMIT $3) incoming"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .bind(party_id.0)
        .bind(MAX_RELATED)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get(0).map_err(db_err)?;
            let direction: String = row.try_get(1).map_err(db_err)?;
            let party_kind: String = row.try_get(3).map_err(db_err)?;
            Ok(RelatedParty {
                kind: parse_col("party_relationships.kind", &kind)?,
                direction: if direction == "outgoing" {
                    Direction::Outgoing
                } else {
                    Direction::Incoming
                },
                party_id: PartyId(row.try_get(2).map_err(db_err)?),
                party_kind: parse_col("parties.kind", &party_kind)?,
                name: row.try_get(4).map_err(db_err)?,
                since: row.try_get::<Option<NaiveDate>, _>(5).map_err(db_err)?,
                in_scope: row.try_get(6).map_err(db_err)?,
            })
        })
        .collect()
}

async fn accounts(
    p: &Protector,
    pool: &Pool,
    party_id: PartyId,
) -> StoreResult<Vec<AccountDetail>> {
    // Text ordered in code-point order, as SQLite's BINARY collation does.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT a.*, pr.name_zh, pr.name_en FROM accounts a JOIN products pr ON pr.code = a.product_code \
         WHERE a.party_id = $1 ORDER BY a.family{COLLATE_C}, a.opened_on, a.account_number{COLLATE_C}",
    )))
    .bind(party_id.0)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let currency: String = row.try_get("currency").map_err(db_err)?;
            let family: String = row.try_get("family").map_err(db_err)?;
            let status: String = row.try_get("status").map_err(db_err)?;
            let source: String = row.try_get("source_system").map_err(db_err)?;
            let limit: Option<i64> = row.try_get("limit_minor").map_err(db_err)?;
            Ok(AccountDetail {
                account_number: {
                    let key: String = row.try_get("account_number").map_err(db_err)?;
                    let sealed: Option<String> =
                        row.try_get("account_number_enc").map_err(db_err)?;
                    match sealed {
                        Some(s) => p.open(Field::AccountNumber, &key, &s)?,
                        // Written before encryption: the key column still holds the number.
                        None => key,
                    }
                },
                product_code: row.try_get("product_code").map_err(db_err)?,
                product_name_zh: row.try_get("name_zh").map_err(db_err)?,
                product_name_en: row.try_get("name_en").map_err(db_err)?,
                family: parse_col("accounts.family", &family)?,
                balance: money(row.try_get("balance_minor").map_err(db_err)?, &currency)?,
                limit: limit.map(|l| money(l, &currency)).transpose()?,
                opened_on: row.try_get("opened_on").map_err(db_err)?,
                matures_on: row.try_get("matures_on").map_err(db_err)?,
                status: parse_col("accounts.status", &status)?,
                source_system: parse_col("accounts.source_system", &source)?,
            })
        })
        .collect()
}

async fn monthly_aum(pool: &Pool, party_id: PartyId) -> StoreResult<Vec<AumPoint>> {
    let rows = sqlx::query(
        "SELECT month, currency, aum_minor FROM party_monthly_aum WHERE party_id = $1 ORDER BY month",
    )
    .bind(party_id.0)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let currency: String = row.try_get("currency").map_err(db_err)?;
            Ok(AumPoint {
                month: row.try_get("month").map_err(db_err)?,
                aum: money(row.try_get("aum_minor").map_err(db_err)?, &currency)?,
            })
        })
        .collect()
}

async fn rms(pool: &Pool, party_id: PartyId) -> StoreResult<Vec<AssignedRm>> {
    rms_in_force(pool, party_id, None).await
}

/// The assignments in force on `on` (an assignment ended on a day no longer holds that day),
/// or the current ones.
pub(crate) async fn rms_in_force(
    pool: &Pool,
    party_id: PartyId,
    on: Option<chrono::NaiveDate>,
) -> StoreResult<Vec<AssignedRm>> {
    let rows = sqlx::query(
        "SELECT ra.staff_id, s.display_name, ra.is_primary, ra.effective_from FROM rm_assignments ra \
         JOIN staff s ON s.id = ra.staff_id WHERE ra.party_id = $1 AND CASE WHEN $2 IS NULL \
         THEN ra.effective_to IS NULL ELSE ra.effective_from <= $2 AND \
         (ra.effective_to IS NULL OR ra.effective_to > $2) END \
         ORDER BY ra.is_primary DESC, ra.effective_from",
    )
    .bind(party_id.0)
    .bind(on)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(AssignedRm {
                staff_id: StaffId(row.try_get("staff_id").map_err(db_err)?),
                display_name: row.try_get("display_name").map_err(db_err)?,
                primary: row.try_get("is_primary").map_err(db_err)?,
                effective_from: row.try_get("effective_from").map_err(db_err)?,
            })
        })
        .collect()
}

//! Prospects and contact changes with their history (R1.5), optimistic concurrency.
use async_trait::async_trait;
use rapport_domain::records::PartyRecord;
use rapport_domain::{CustomerNumber, Mobile, PartyId, PartyKind, Viewer};
use rapport_store::protect::{Field, Protector};
use rapport_store::search::party_keys;
use rapport_store::{
    ChangeAuthor, ContactChanges, CustomerChangeStore, NewProspect, PartyChange, StoreError,
    StoreResult,
};
use sqlx::Row;

use super::db_err;
use super::dialect::{Connection, FOR_UPDATE, Time, begin_write, from_time, lock_key, time};
use super::scoped::scope_at;

/// The lock key of picking the next party id for a prospect.
const PROSPECT_IDS: i64 = 7001;

#[async_trait]
impl CustomerChangeStore for super::Backend {
    async fn create_prospect(
        &self,
        n: &NewProspect,
        author: &ChangeAuthor,
    ) -> StoreResult<PartyId> {
        let mut tx = begin_write(&self.pool).await?;
        // Prospect creation is rare: one at a time picks the next id.
        lock_key(&mut tx, PROSPECT_IDS).await?;
        let id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM parties")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let record = prospect_record(id, n, author);
        insert_prospect(&self.protect, &mut tx, &record).await?;
        insert_search_keys(&self.protect, &mut tx, &record).await?;
        if let Some(rm) = n.primary_rm {
            sqlx::query("INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) VALUES ($1, $2, TRUE, $3)")
                .bind(id)
                .bind(rm.0)
                .bind(record.onboarded_on)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        record_change(&mut tx, id, 1, author, "created", None, None).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(PartyId(id))
    }

    async fn update_contact(
        &self,
        viewer: &Viewer,
        id: PartyId,
        expected: i64,
        c: &ContactChanges,
        author: &ChangeAuthor,
    ) -> StoreResult<i64> {
        rapport_store::scope::operation("update_contact", async {
            let mut tx = begin_write(&self.pool).await?;
            let (version, mut stored) = locked_contact(&mut tx, viewer, id, expected).await?;
            let key = id.0.to_string();
            let [(_, old_mobile), ..] = &stored;
            let plain_old_mobile =
                self.protect
                    .open_opt(Field::Mobile, &key, old_mobile.clone())?;
            let changes = change_contact(&self.protect, &key, &mut stored, &plain_old_mobile, c)?;
            if changes.is_empty() {
                return Ok(version);
            }
            let new_version = version + 1;
            write_contact(&mut tx, id, &stored, version).await?;
            for change in &changes {
                record_change(
                    &mut tx,
                    id.0,
                    new_version,
                    author,
                    change.column,
                    change.old.as_deref(),
                    change.new.as_deref(),
                )
                .await?;
            }
            if changes.iter().any(|change| change.column == "mobile") {
                let new_mobile = c.mobile.as_ref().and_then(Option::as_ref);
                move_mobile_keys(
                    &self.protect,
                    &mut tx,
                    id,
                    plain_old_mobile.as_deref(),
                    new_mobile,
                )
                .await?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(new_version)
        })
        .await
    }

    async fn party_changes(
        &self,
        viewer: &Viewer,
        id: PartyId,
    ) -> StoreResult<Option<Vec<PartyChange>>> {
        rapport_store::scope::operation("party_changes", async {
            let (scope, value) = scope_at(rapport_store::scope::data_scope(viewer), "p", 2);
            let sql = format!("SELECT 1 FROM parties p WHERE p.id = $1 AND {scope}");
            if sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .bind(value)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                .is_none()
            {
                return Ok(None);
            }
            let rows = sqlx::query(
                "SELECT version, changed_at, changed_by, source, field, old_value, new_value FROM party_changes \
                 WHERE party_id = $1 ORDER BY id",
            )
            .bind(id.0)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
            let key = id.0.to_string();
            let open = |field: &str, v: Option<String>| -> StoreResult<Option<String>> {
                if field == "mobile" {
                    self.protect.open_opt(Field::Mobile, &key, v)
                } else {
                    Ok(v)
                }
            };
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let field: String = r.try_get("field").map_err(db_err)?;
                out.push(PartyChange {
                    version: r.try_get("version").map_err(db_err)?,
                    changed_at: from_time(&r.try_get::<Time, _>("changed_at").map_err(db_err)?)?,
                    changed_by: r.try_get("changed_by").map_err(db_err)?,
                    source: r.try_get("source").map_err(db_err)?,
                    old_value: open(&field, r.try_get("old_value").map_err(db_err)?)?,
                    new_value: open(&field, r.try_get("new_value").map_err(db_err)?)?,
                    field,
                });
            }
            Ok(Some(out))
        })
        .await
    }
}

/// A new prospect's party row: the next customer number, onboarded the day it is created.
fn prospect_record(id: i64, n: &NewProspect, author: &ChangeAuthor) -> PartyRecord {
    PartyRecord {
        id: PartyId(id),
        customer_number: CustomerNumber::from_sequence(id as u64),
        kind: PartyKind::Prospect,
        name: n.name.clone(),
        gender: n.gender,
        birth_date: n.birth_date,
        resident_id: n.resident_id.clone(),
        uscc: None,
        mobile: n.mobile.clone(),
        email: n.email.clone(),
        address: n.address.clone(),
        occupation: None,
        income_band: None,
        home_branch: n.home_branch,
        onboarded_on: author.at.date_naive(),
    }
}

/// Inserts a prospect's party row at version 1, its identifiers sealed to the row.
async fn insert_prospect(
    p: &Protector,
    conn: &mut Connection,
    record: &PartyRecord,
) -> StoreResult<()> {
    let row = record.id.0.to_string();
    let rid = record
        .resident_id
        .as_ref()
        .map(|r| p.seal(Field::ResidentId, &row, r.as_str()))
        .transpose()?;
    let mobile = record
        .mobile
        .as_ref()
        .map(|m| p.seal(Field::Mobile, &row, m.as_str()))
        .transpose()?;
    sqlx::query(
        "INSERT INTO parties (id, customer_number, kind, name, gender, birth_date, resident_id, mobile, email, \
         address, home_branch_id, onboarded_on, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
    )
    .bind(record.id.0)
    .bind(record.customer_number.as_str())
    .bind(record.kind.as_str())
    .bind(record.name.as_str())
    .bind(record.gender.map(|g| g.as_str()))
    .bind(record.birth_date)
    .bind(rid.as_deref())
    .bind(mobile.as_deref())
    .bind(record.email.as_deref())
    .bind(record.address.as_deref())
    .bind(record.home_branch.0)
    .bind(record.onboarded_on)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Adds a party's blind search keys (name, pinyin, identifiers).
async fn insert_search_keys(
    p: &Protector,
    conn: &mut Connection,
    record: &PartyRecord,
) -> StoreResult<()> {
    let keys: Vec<String> = party_keys(record)
        .into_iter()
        .map(|k| p.search_key(k))
        .collect();
    for key in &keys {
        sqlx::query(
            "INSERT INTO party_search_keys (key, party_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(record.id.0)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// A party's contact columns as stored (the mobile sealed): mobile, email, address, channel.
type ContactColumns = [(&'static str, Option<String>); 4];

/// One contact column an update changes, with its stored value before and after.
struct ContactChange {
    column: &'static str,
    old: Option<String>,
    new: Option<String>,
}

/// The party's version and contact columns, locked for the update; not found out of the
/// viewer's scope, a conflict when someone else changed it since `expected`.
async fn locked_contact(
    conn: &mut Connection,
    viewer: &Viewer,
    id: PartyId,
    expected: i64,
) -> StoreResult<(i64, ContactColumns)> {
    let (scope, value) = scope_at(rapport_store::scope::data_scope(viewer), "p", 2);
    let sql = format!(
        "SELECT p.version, p.mobile, p.email, p.address, p.preferred_channel FROM parties p \
         WHERE p.id = $1 AND {scope}{FOR_UPDATE}"
    );
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .bind(value)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
    else {
        return Err(StoreError::NotFound(format!("customer {}", id.0)));
    };
    let version: i64 = row.try_get("version").map_err(db_err)?;
    if version != expected {
        return Err(StoreError::Conflict(format!(
            "customer {} was changed by someone else since version {expected} (now {version}): reload and try again",
            id.0
        )));
    }
    Ok((
        version,
        [
            ("mobile", row.try_get("mobile").map_err(db_err)?),
            ("email", row.try_get("email").map_err(db_err)?),
            ("address", row.try_get("address").map_err(db_err)?),
            (
                "preferred_channel",
                row.try_get("preferred_channel").map_err(db_err)?,
            ),
        ],
    ))
}

/// Puts each requested value that differs from the current one into `stored` (the mobile is
/// compared in clear and stored sealed), returning the changes in column order.
fn change_contact(
    p: &Protector,
    key: &str,
    stored: &mut ContactColumns,
    plain_old_mobile: &Option<String>,
    c: &ContactChanges,
) -> StoreResult<Vec<ContactChange>> {
    let new_values: [Option<Option<String>>; 4] = [
        c.mobile
            .as_ref()
            .map(|m| m.as_ref().map(|m| m.as_str().to_owned())),
        c.email.clone(),
        c.address.clone(),
        c.preferred_channel.clone(),
    ];
    let mut changes = Vec::new();
    for (i, (slot, new)) in stored.iter_mut().zip(&new_values).enumerate() {
        let Some(new) = new else { continue };
        let old_plain = if i == 0 {
            plain_old_mobile.clone()
        } else {
            slot.1.clone()
        };
        if &old_plain == new {
            continue;
        }
        let old = slot.1.clone();
        slot.1 = match (i, new) {
            (0, Some(m)) => Some(p.seal(Field::Mobile, key, m)?),
            (_, v) => v.clone(),
        };
        changes.push(ContactChange {
            column: slot.0,
            old,
            new: slot.1.clone(),
        });
    }
    Ok(changes)
}

/// Writes the contact columns, moving the party from `version` to the next.
async fn write_contact(
    conn: &mut Connection,
    id: PartyId,
    stored: &ContactColumns,
    version: i64,
) -> StoreResult<()> {
    let [mobile, email, address, channel] = stored;
    sqlx::query("UPDATE parties SET mobile = $1, email = $2, address = $3, preferred_channel = $4, version = $5 WHERE id = $6 AND version = $7")
        .bind(mobile.1.as_deref())
        .bind(email.1.as_deref())
        .bind(address.1.as_deref())
        .bind(channel.1.as_deref())
        .bind(version + 1)
        .bind(id.0)
        .bind(version)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The mobile's blind search keys follow it: the old number's go, the new number's come.
async fn move_mobile_keys(
    p: &Protector,
    conn: &mut Connection,
    id: PartyId,
    old: Option<&str>,
    new: Option<&Mobile>,
) -> StoreResult<()> {
    if let Some(m) = old {
        for k in [format!("m:{m}"), format!("l:{}", last_chars(m, 4))] {
            sqlx::query("DELETE FROM party_search_keys WHERE party_id = $1 AND key = $2")
                .bind(id.0)
                .bind(p.search_key(k))
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
        }
    }
    if let Some(m) = new {
        for k in [format!("m:{}", m.as_str()), format!("l:{}", m.last4())] {
            sqlx::query("INSERT INTO party_search_keys (key, party_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(p.search_key(k))
                .bind(id.0)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
        }
    }
    Ok(())
}

pub(crate) async fn record_change(
    conn: &mut Connection,
    party: i64,
    version: i64,
    a: &ChangeAuthor,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO party_changes (party_id, version, changed_at, changed_by_staff_id, changed_by, source, field, \
         old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(party)
    .bind(version)
    .bind(time(a.at))
    .bind(a.staff_id.map(|s| s.0))
    .bind(a.username.as_str())
    .bind(a.source.as_str())
    .bind(field)
    .bind(old)
    .bind(new)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The last `n` characters of `s` (all of it when shorter), never splitting a character.
fn last_chars(s: &str, n: usize) -> &str {
    match n.checked_sub(1) {
        Some(back) => s
            .char_indices()
            .rev()
            .nth(back)
            .map_or(s, |(start, _)| s.get(start..).unwrap_or(s)),
        None => "",
    }
}

//! Key rotation: re-sealing identifiers under the active field key, batch by batch.
use async_trait::async_trait;
use rapport_store::protect::{Field, Protector};
use rapport_store::{KeyRotationStore, StoreResult};
use sqlx::Row;

use super::db_err;
use super::dialect::{Connection, DbRow, begin_write};

#[async_trait]
impl KeyRotationStore for super::Backend {
    async fn reseal_batch(&self, after: i64, limit: i64) -> StoreResult<(Option<i64>, u64)> {
        let mut tx = begin_write(&self.pool).await?;
        let parties = sqlx::query(
            "SELECT id, resident_id, mobile FROM parties WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(last) = parties
            .last()
            .map(|r| r.try_get::<i64, _>("id"))
            .transpose()
            .map_err(db_err)?
        else {
            return Ok((None, 0));
        };
        let mut rewritten = reseal_parties(&self.protect, &mut tx, &parties).await?;
        rewritten += reseal_accounts(&self.protect, &mut tx, after, last).await?;
        rewritten += reseal_mobile_history(&self.protect, &mut tx, after, last).await?;
        tx.commit().await.map_err(db_err)?;
        Ok((Some(last), rewritten))
    }

    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM store_meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

/// `v` sealed anew under the active key, or `None` when it is empty or sealed under it already.
fn reseal(p: &Protector, field: Field, row: &str, v: &str) -> StoreResult<Option<String>> {
    if v.is_empty() || !p.needs_work(v) {
        return Ok(None);
    }
    let plain = p.open(field, row, v)?;
    p.seal(field, row, &plain).map(Some)
}

/// [`reseal`] of a value that may be missing.
fn reseal_opt(
    p: &Protector,
    field: Field,
    row: &str,
    v: Option<&str>,
) -> StoreResult<Option<String>> {
    Ok(v.map(|v| reseal(p, field, row, v)).transpose()?.flatten())
}

/// Re-seals the parties' resident ids and mobiles; how many values it rewrote.
async fn reseal_parties(
    p: &Protector,
    conn: &mut Connection,
    parties: &[DbRow],
) -> StoreResult<u64> {
    let mut rewritten = 0;
    for r in parties {
        let id: i64 = r.try_get("id").map_err(db_err)?;
        let row = id.to_string();
        let rid: Option<String> = r.try_get("resident_id").map_err(db_err)?;
        let mobile: Option<String> = r.try_get("mobile").map_err(db_err)?;
        let new_rid = reseal_opt(p, Field::ResidentId, &row, rid.as_deref())?;
        let new_mobile = reseal_opt(p, Field::Mobile, &row, mobile.as_deref())?;
        if new_rid.is_some() || new_mobile.is_some() {
            sqlx::query("UPDATE parties SET resident_id = COALESCE($1, resident_id), mobile = COALESCE($2, mobile) WHERE id = $3")
                .bind(new_rid.as_deref())
                .bind(new_mobile.as_deref())
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            rewritten += u64::from(new_rid.is_some()) + u64::from(new_mobile.is_some());
        }
    }
    Ok(rewritten)
}

/// Re-seals the account numbers of the parties after `after` up to `last`; how many it rewrote.
async fn reseal_accounts(
    p: &Protector,
    conn: &mut Connection,
    after: i64,
    last: i64,
) -> StoreResult<u64> {
    let accounts = sqlx::query(
        "SELECT account_number, account_number_enc FROM accounts WHERE party_id > $1 AND party_id <= $2 \
         AND account_number_enc IS NOT NULL",
    )
    .bind(after)
    .bind(last)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut rewritten = 0;
    for a in &accounts {
        let key: String = a.try_get("account_number").map_err(db_err)?;
        let enc: String = a.try_get("account_number_enc").map_err(db_err)?;
        if let Some(new) = reseal(p, Field::AccountNumber, &key, &enc)? {
            sqlx::query("UPDATE accounts SET account_number_enc = $1 WHERE account_number = $2")
                .bind(new)
                .bind(&key)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// Re-seals the mobiles in the history of the parties after `after` up to `last`; how many
/// values it rewrote.
async fn reseal_mobile_history(
    p: &Protector,
    conn: &mut Connection,
    after: i64,
    last: i64,
) -> StoreResult<u64> {
    let changes = sqlx::query(
        "SELECT id, party_id, old_value, new_value FROM party_changes WHERE party_id > $1 AND party_id <= $2 AND field = 'mobile'",
    )
    .bind(after)
    .bind(last)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut rewritten = 0;
    for c in &changes {
        let row = c.try_get::<i64, _>("party_id").map_err(db_err)?.to_string();
        let old: Option<String> = c.try_get("old_value").map_err(db_err)?;
        let new: Option<String> = c.try_get("new_value").map_err(db_err)?;
        let old2 = reseal_opt(p, Field::Mobile, &row, old.as_deref())?;
        let new2 = reseal_opt(p, Field::Mobile, &row, new.as_deref())?;
        if old2.is_some() || new2.is_some() {
            sqlx::query("UPDATE party_changes SET old_value = COALESCE($1, old_value), new_value = COALESCE($2, new_value) WHERE id = $3")
                .bind(old2.as_deref())
                .bind(new2.as_deref())
                .bind(c.try_get::<i64, _>("id").map_err(db_err)?)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            rewritten += u64::from(old2.is_some()) + u64::from(new2.is_some());
        }
    }
    Ok(rewritten)
}

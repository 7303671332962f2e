//! The data steward's side (R2.5): the review queue, the records behind a party, merge history
//! and unmerge. Every read is scoped through the parties the records belong to.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::{PartyId, SourceSystem, Viewer};
use rapport_store::identity::{
    FieldWeight, IdentityEvent, MergeSnapshot, ReviewCandidate, ReviewItem, ReviewPair,
    ReviewStatus, SourceRecordView,
};
use rapport_store::protect::{Field, Protector};
use rapport_store::{ChangeAuthor, Page, PageRequest, ReviewStore, StoreError, StoreResult};
use sqlx::Row;

use super::dialect::{Connection, DbRow, JSONB, Time, begin_write, from_time, numbered, time};
use super::ingest::follow_records;
use super::pages::fetch_page;
use super::scoped::{customer_rows, party_in_scope, scope_at};
use super::{db_err, parse_col};

/// Record ids per superseding statement (each bound twice, well under SQLite's variable limit).
const IDS_PER_STATEMENT: usize = 400;

#[async_trait]
impl ReviewStore for super::Backend {
    async fn replace_pending_reviews(
        &self,
        pairs: &[ReviewCandidate],
        touching: Option<&[i64]>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut rows = Vec::with_capacity(pairs.len());
        for c in pairs {
            let explanation = serde_json::to_string(&c.explanation)
                .map_err(|e| StoreError::Database(format!("explanation: {e}")))?;
            rows.push((c, explanation));
        }
        let mut tx = begin_write(&self.pool).await?;
        match touching {
            None => {
                sqlx::query(
                    "UPDATE identity_reviews SET status = 'superseded' WHERE status = 'pending'",
                )
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            Some(ids) => {
                for chunk in ids.chunks(IDS_PER_STATEMENT) {
                    let list = crate::placeholders(chunk.len());
                    let sql = format!(
                        "UPDATE identity_reviews SET status = 'superseded' WHERE status = 'pending' \
                         AND (record_a IN ({list}) OR record_b IN ({list}))"
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
                    for id in chunk.iter().chain(chunk) {
                        q = q.bind(id);
                    }
                    q.execute(&mut *tx).await.map_err(db_err)?;
                }
            }
        }

        // A pair seen before is re-opened only when nobody has decided it.
        for (c, explanation) in &rows {
            sqlx::query(
                sqlx::AssertSqlSafe(format!("INSERT INTO identity_reviews (record_a, record_b, probability, weight, explanation, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5{JSONB}, 'pending', $6) \
                 ON CONFLICT (record_a, record_b) DO UPDATE SET probability = excluded.probability, \
                 weight = excluded.weight, explanation = excluded.explanation, status = 'pending' \
                 WHERE identity_reviews.status = 'superseded'")),
            )
            .bind(c.record_a.min(c.record_b))
            .bind(c.record_a.max(c.record_b))
            .bind(c.probability)
            .bind(c.weight)
            .bind(explanation.as_str())
            .bind(time(at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM identity_reviews WHERE status = 'pending'")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(pending as u64)
    }

    async fn list_reviews(
        &self,
        viewer: &Viewer,
        status: ReviewStatus,
        page: PageRequest,
    ) -> StoreResult<Page<ReviewItem>> {
        rapport_store::scope::operation("list_reviews", async {
            let (from, a, b) = scoped_reviews(viewer);
            let sql = format!(
                "SELECT {REVIEW_COLUMNS} {from} AND v.status = $3 \
                 ORDER BY v.probability DESC, v.id LIMIT $4 OFFSET $5"
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(a)
                .bind(b)
                .bind(status.as_str());
            fetch_page(query, &self.pool, page, review_from_row).await
        })
        .await
    }

    async fn review(&self, viewer: &Viewer, id: i64) -> StoreResult<Option<ReviewPair>> {
        rapport_store::scope::operation("review", async {
            let mut conn = self.pool.acquire().await.map_err(db_err)?;
            let Some(item) = scoped_review(&mut conn, viewer, id).await? else {
                return Ok(None);
            };
            let a = record_by_id(&self.protect, &mut conn, item.candidate.record_a).await?;
            let b = record_by_id(&self.protect, &mut conn, item.candidate.record_b).await?;
            Ok(Some((item, a, b)))
        })
        .await
    }

    async fn decide_review(
        &self,
        viewer: &Viewer,
        id: i64,
        status: ReviewStatus,
        note: Option<&str>,
        author: &ChangeAuthor,
    ) -> StoreResult<ReviewPair> {
        rapport_store::scope::operation("decide_review", async {
            let mut tx = begin_write(&self.pool).await?;
            let item = scoped_review(&mut tx, viewer, id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("review {id}")))?;
            if item.status != ReviewStatus::Pending {
                return Err(StoreError::Conflict(format!(
                    "review {id} is already {}",
                    item.status.as_str()
                )));
            }
            sqlx::query(
                "UPDATE identity_reviews SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5",
            )
            .bind(status.as_str())
            .bind(author.staff_id.map(|s| s.0))
            .bind(time(author.at))
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            let item = scoped_review(&mut tx, viewer, id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("review {id}")))?;
            let a = record_by_id(&self.protect, &mut tx, item.candidate.record_a).await?;
            let b = record_by_id(&self.protect, &mut tx, item.candidate.record_b).await?;
            tx.commit().await.map_err(db_err)?;
            Ok((item, a, b))
        })
        .await
    }

    async fn party_source_records(
        &self,
        customer: &rapport_store::scope::InScope,
    ) -> StoreResult<Option<Vec<SourceRecordView>>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM source_records r WHERE r.party_id = ? \
             ORDER BY r.source_system, r.source_key"
        );
        let read = |r: &DbRow| record_from_row(&self.protect, r);
        customer_rows(&self.pool, customer, &sql, 1, None, read).await
    }

    async fn identity_events(
        &self,
        customer: &rapport_store::scope::InScope,
    ) -> StoreResult<Option<Vec<IdentityEvent>>> {
        let sql = "SELECT id, kind, party_id, other_party_id, decided_by, reason, at, undone_by \
                   FROM identity_events WHERE party_id = ? OR other_party_id = ? ORDER BY id DESC";
        customer_rows(&self.pool, customer, sql, 2, None, event_from_row).await
    }

    async fn undo_merge(
        &self,
        viewer: &Viewer,
        event_id: i64,
        author: &ChangeAuthor,
    ) -> StoreResult<(PartyId, PartyId)> {
        rapport_store::scope::operation("undo_merge", async {
            let mut tx = begin_write(&self.pool).await?;
            let (keep, restored, snapshot) = undoable_merge(&mut tx, viewer, event_id).await?;
            let moved = restore_absorbed(&mut tx, restored, &snapshot).await?;
            let undo: i64 = sqlx::query_scalar(
                "INSERT INTO identity_events (kind, party_id, other_party_id, snapshot, reason, decided_by, staff_id, at) \
                 VALUES ('unmerge', $1, $2, '{}', NULL, $3, $4, $5) RETURNING id",
            )
            .bind(keep.0)
            .bind(restored.0)
            .bind(author.username.as_str())
            .bind(author.staff_id.map(|s| s.0))
            .bind(time(author.at))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            keep_apart(&mut tx, keep, &moved, author).await?;
            sqlx::query("UPDATE identity_events SET undone_by = $1 WHERE id = $2")
                .bind(undo)
                .bind(event_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            Ok((keep, restored))
        })
        .await
    }
}

/// A merge not undone yet, with the party it kept, the party it absorbed and its snapshot;
/// not found when it is no merge or the kept party is out of the viewer's scope.
async fn undoable_merge(
    conn: &mut Connection,
    viewer: &Viewer,
    event_id: i64,
) -> StoreResult<(PartyId, PartyId, MergeSnapshot)> {
    let row = sqlx::query(
        "SELECT kind, party_id, other_party_id, CAST(snapshot AS TEXT) AS snapshot, undone_by FROM identity_events WHERE id = $1",
    )
    .bind(event_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or_else(|| StoreError::NotFound(format!("merge {event_id}")))?;
    let kind: String = row.try_get("kind").map_err(db_err)?;
    let keep = PartyId(row.try_get("party_id").map_err(db_err)?);
    let restored: Option<i64> = row.try_get("other_party_id").map_err(db_err)?;
    let (Some(restored), "merge") = (restored.map(PartyId), kind.as_str()) else {
        return Err(StoreError::NotFound(format!("merge {event_id}")));
    };
    if !party_in_scope(&mut *conn, viewer, keep).await? {
        return Err(StoreError::NotFound(format!("merge {event_id}")));
    }
    if row
        .try_get::<Option<i64>, _>("undone_by")
        .map_err(db_err)?
        .is_some()
    {
        return Err(StoreError::Conflict(format!(
            "merge {event_id} was already undone"
        )));
    }
    let snapshot: MergeSnapshot =
        serde_json::from_str(&row.try_get::<String, _>("snapshot").map_err(db_err)?)
            .map_err(|e| StoreError::Database(format!("merge snapshot: {e}")))?;
    Ok((keep, restored, snapshot))
}

/// Brings the absorbed party back as the snapshot had it: its records (and their accounts) and
/// its RM assignments; the records moved back.
async fn restore_absorbed(
    conn: &mut Connection,
    restored: PartyId,
    snapshot: &MergeSnapshot,
) -> StoreResult<Vec<i64>> {
    sqlx::query("UPDATE parties SET merged_into = NULL WHERE id = $1")
        .bind(restored.0)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let mut moved = Vec::with_capacity(snapshot.records.len());
    for (record, party) in &snapshot.records {
        sqlx::query(
            "UPDATE source_records SET party_id = $1, needs_resolution = FALSE WHERE id = $2",
        )
        .bind(party)
        .bind(record)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
        moved.push(*record);
    }
    follow_records(conn, &moved).await?;
    for id in &snapshot.opened_assignments {
        sqlx::query("DELETE FROM rm_assignments WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    for id in &snapshot.ended_assignments {
        sqlx::query("UPDATE rm_assignments SET effective_to = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    Ok(moved)
}

/// Later resolutions must keep the two apart: a rejected pair between one record of each.
async fn keep_apart(
    conn: &mut Connection,
    keep: PartyId,
    moved: &[i64],
    author: &ChangeAuthor,
) -> StoreResult<()> {
    let kept_record: Option<i64> =
        sqlx::query_scalar("SELECT MIN(id) FROM source_records WHERE party_id = $1")
            .bind(keep.0)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
    if let (Some(a), Some(b)) = (kept_record, moved.iter().min().copied()) {
        sqlx::query(
            "INSERT INTO identity_reviews (record_a, record_b, probability, weight, explanation, status, \
             created_at, decided_by, decided_at, note) VALUES ($1, $2, 0, 0, '[]', 'rejected', $3, $4, $5, 'unmerged') \
             ON CONFLICT (record_a, record_b) DO UPDATE SET status = 'rejected', \
             decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = 'unmerged'",
        )
        .bind(a.min(b))
        .bind(a.max(b))
        .bind(time(author.at))
        .bind(author.staff_id.map(|s| s.0))
        .bind(time(author.at))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

const REVIEW_COLUMNS: &str = "v.id, v.record_a, v.record_b, v.probability, v.weight, CAST(v.explanation AS TEXT) AS explanation, \
    v.status, v.created_at, v.decided_at, v.note, \
    (SELECT s.username FROM staff s WHERE s.id = v.decided_by) AS decided_by";

/// The join that puts both records' parties in the viewer's scope.
fn scoped_reviews(viewer: &Viewer) -> (String, i64, i64) {
    let (a, arg_a) = scope_at(rapport_store::scope::data_scope(viewer), "pa", 1);
    let (b, arg_b) = scope_at(rapport_store::scope::data_scope(viewer), "pb", 2);
    (
        format!(
            "FROM identity_reviews v \
             JOIN source_records ra ON ra.id = v.record_a JOIN parties pa ON pa.id = ra.party_id \
             JOIN source_records rb ON rb.id = v.record_b JOIN parties pb ON pb.id = rb.party_id \
             WHERE {a} AND {b}"
        ),
        arg_a,
        arg_b,
    )
}

fn review_from_row(row: &DbRow) -> StoreResult<ReviewItem> {
    let explanation: String = row.try_get("explanation").map_err(db_err)?;
    let explanation: Vec<FieldWeight> = serde_json::from_str(&explanation)
        .map_err(|e| StoreError::Database(format!("review explanation: {e}")))?;
    Ok(ReviewItem {
        id: row.try_get("id").map_err(db_err)?,
        candidate: ReviewCandidate {
            record_a: row.try_get("record_a").map_err(db_err)?,
            record_b: row.try_get("record_b").map_err(db_err)?,
            probability: row.try_get("probability").map_err(db_err)?,
            weight: row.try_get("weight").map_err(db_err)?,
            explanation,
        },
        status: parse_col(
            "status",
            &row.try_get::<String, _>("status").map_err(db_err)?,
        )?,
        created_at: from_time(&row.try_get::<Time, _>("created_at").map_err(db_err)?)?,
        decided_by: row.try_get("decided_by").map_err(db_err)?,
        decided_at: row
            .try_get::<Option<Time>, _>("decided_at")
            .map_err(db_err)?
            .map(|t| from_time(&t))
            .transpose()?,
        note: row.try_get("note").map_err(db_err)?,
    })
}

async fn scoped_review(
    conn: &mut Connection,
    viewer: &Viewer,
    id: i64,
) -> StoreResult<Option<ReviewItem>> {
    let (from, a, b) = scoped_reviews(viewer);
    let sql = format!("SELECT {REVIEW_COLUMNS} {from} AND v.id = $3");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(a)
        .bind(b)
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(review_from_row)
        .transpose()
}

const RECORD_COLUMNS: &str = "r.id, r.source_system, r.source_key, r.party_id, r.name, r.gender, \
    r.birth_date, r.resident_id, r.resident_id_valid, r.mobile, r.address, r.email, r.branch_code, \
    r.source_updated_on";

fn record_from_row(p: &Protector, row: &DbRow) -> StoreResult<SourceRecordView> {
    let get = |c: &str| row.try_get::<Option<String>, _>(c).map_err(db_err);
    let system: SourceSystem = parse_col(
        "source_system",
        &row.try_get::<String, _>("source_system").map_err(db_err)?,
    )?;
    let key: String = row.try_get("source_key").map_err(db_err)?;
    let at = Protector::source_row(system, &key);
    Ok(SourceRecordView {
        id: row.try_get("id").map_err(db_err)?,
        source_system: system,
        party_id: row
            .try_get::<Option<i64>, _>("party_id")
            .map_err(db_err)?
            .map(PartyId),
        name: row.try_get("name").map_err(db_err)?,
        gender: get("gender")?
            .map(|g| parse_col("gender", &g))
            .transpose()?,
        birth_date: row.try_get("birth_date").map_err(db_err)?,
        resident_id: p.open_opt(Field::SourceResidentId, &at, get("resident_id")?)?,
        resident_id_valid: row.try_get("resident_id_valid").map_err(db_err)?,
        mobile: p.open_opt(Field::SourceMobile, &at, get("mobile")?)?,
        address: get("address")?,
        email: get("email")?,
        branch_code: get("branch_code")?,
        updated_on: row.try_get("source_updated_on").map_err(db_err)?,
        source_key: key,
    })
}

async fn record_by_id(
    p: &Protector,
    conn: &mut Connection,
    id: i64,
) -> StoreResult<SourceRecordView> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM source_records r WHERE r.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(conn)
        .await
        .map_err(db_err)?;
    record_from_row(p, &row)
}

fn event_from_row(row: &DbRow) -> StoreResult<IdentityEvent> {
    Ok(IdentityEvent {
        id: row.try_get("id").map_err(db_err)?,
        kind: parse_col("kind", &row.try_get::<String, _>("kind").map_err(db_err)?)?,
        party_id: PartyId(row.try_get("party_id").map_err(db_err)?),
        other_party_id: row
            .try_get::<Option<i64>, _>("other_party_id")
            .map_err(db_err)?
            .map(PartyId),
        decided_by: row.try_get("decided_by").map_err(db_err)?,
        reason: row.try_get("reason").map_err(db_err)?,
        at: from_time(&row.try_get::<Time, _>("at").map_err(db_err)?)?,
        undone_by: row.try_get("undone_by").map_err(db_err)?,
    })
}

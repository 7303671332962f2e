//! Saved segments and their members (R3.3). Counts and member lists carry the viewer's scope
//! (`customers::scope_condition`); the member page itself is read by `customers`.
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{PartyId, StaffId, Viewer};
use rapport_store::segments::{
    NewSegment, SegmentDefinition, SegmentRef, SegmentRow, distinct_members,
};
use rapport_store::{StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use super::db_err;
use super::dialect::{from_time as parse_time, time as time_text};
use super::scoped::scope_condition;

/// Member rows per INSERT statement (3 values each, well under SQLite's variable limit).
const MEMBERS_PER_INSERT: usize = 500;

pub async fn create_segment(pool: &SqlitePool, s: &NewSegment) -> StoreResult<i64> {
    sqlx::query_scalar(
        "INSERT INTO segments (name, expression, description, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&s.name)
    .bind(&s.expression)
    .bind(&s.description)
    .bind(s.created_by.0)
    .bind(time_text(s.created_at))
    .fetch_one(pool)
    .await
    .map_err(|e| match db_err(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("a segment named {:?} already exists", s.name))
        }
        other => other,
    })
}

/// The segment columns and its in-scope member count at its latest evaluation (one
/// placeholder: the scope's).
fn select(scope: &str) -> String {
    format!(
        "SELECT s.id, s.name, s.expression, s.description, s.created_by, st.username, \
           s.created_at, s.latest_as_of, \
           (SELECT count(*) FROM segment_members m JOIN parties p ON p.id = m.party_id \
              WHERE m.segment_id = s.id AND m.as_of = s.latest_as_of AND {scope}) AS members \
         FROM segments s JOIN staff st ON st.id = s.created_by WHERE s.deleted_at IS NULL"
    )
}

fn segment_row(r: &SqliteRow) -> StoreResult<SegmentRow> {
    let created: String = r.try_get(6).map_err(db_err)?;
    Ok(SegmentRow {
        id: r.try_get(0).map_err(db_err)?,
        name: r.try_get(1).map_err(db_err)?,
        expression: r.try_get(2).map_err(db_err)?,
        description: r.try_get(3).map_err(db_err)?,
        created_by: StaffId(r.try_get(4).map_err(db_err)?),
        created_by_username: r.try_get(5).map_err(db_err)?,
        created_at: parse_time(&created)?,
        as_of: r.try_get(7).map_err(db_err)?,
        members: r.try_get(8).map_err(db_err)?,
    })
}

pub async fn list_segments(pool: &SqlitePool, viewer: &Viewer) -> StoreResult<Vec<SegmentRow>> {
    let (scope, arg) = scope_condition(rapport_store::scope::data_scope(viewer), "p");
    let sql = format!("{} ORDER BY s.name, s.id", select(&scope));
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(arg)
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(segment_row)
        .collect()
}

pub async fn segment(
    pool: &SqlitePool,
    viewer: &Viewer,
    id: i64,
) -> StoreResult<Option<SegmentRow>> {
    let (scope, arg) = scope_condition(rapport_store::scope::data_scope(viewer), "p");
    let sql = format!("{} AND s.id = ?", select(&scope));
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(arg)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(segment_row)
        .transpose()
}

pub async fn segment_definitions(pool: &SqlitePool) -> StoreResult<Vec<SegmentDefinition>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, expression FROM segments WHERE deleted_at IS NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, expression)| SegmentDefinition {
            id,
            name,
            expression,
        })
        .collect())
}

pub async fn delete_segment(pool: &SqlitePool, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
    let done =
        sqlx::query("UPDATE segments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")
            .bind(time_text(at))
            .bind(id)
            .execute(pool)
            .await
            .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

pub async fn replace_segment_members(
    pool: &SqlitePool,
    id: i64,
    as_of: NaiveDate,
    parties: &[PartyId],
) -> StoreResult<()> {
    let ids = distinct_members(parties);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    // Text dates in ISO order compare as dates.
    let updated = sqlx::query(
        "UPDATE segments SET latest_as_of = CASE WHEN latest_as_of IS NULL OR latest_as_of < ? \
         THEN ? ELSE latest_as_of END WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(as_of)
    .bind(as_of)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("segment {id}")));
    }
    sqlx::query("DELETE FROM segment_members WHERE segment_id = ? AND as_of = ?")
        .bind(id)
        .bind(as_of)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    for chunk in ids.chunks(MEMBERS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO segment_members (segment_id, as_of, party_id) VALUES {}",
            vec!["(?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for party in chunk {
            q = q.bind(id).bind(as_of).bind(party);
        }
        q.execute(&mut *tx).await.map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)
}

pub async fn party_segments(
    pool: &SqlitePool,
    viewer: &Viewer,
    party: PartyId,
) -> StoreResult<Option<Vec<SegmentRef>>> {
    if !super::scores::in_scope(pool, viewer, party).await? {
        return Ok(None);
    }
    let rows: Vec<(i64, String, NaiveDate)> = sqlx::query_as(
        "SELECT s.id, s.name, m.as_of FROM segment_members m \
         JOIN segments s ON s.id = m.segment_id AND m.as_of = s.latest_as_of \
         WHERE m.party_id = ? AND s.deleted_at IS NULL ORDER BY s.name, s.id",
    )
    .bind(party.0)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(Some(
        rows.into_iter()
            .map(|(id, name, as_of)| SegmentRef { id, name, as_of })
            .collect(),
    ))
}

//! Saved segments and their members (R3.3). Counts and member lists carry the viewer's scope
//! (`customers::scope_condition`); the member page is read as `customers` reads its list, with
//! its summary columns and row.
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{PartyId, StaffId, Viewer};
use rapport_store::segments::{
    NewSegment, SegmentDefinition, SegmentRef, SegmentRow, distinct_members,
};
use rapport_store::{CustomerSummary, Page, PageRequest, SegmentStore, StoreError, StoreResult};
use sqlx::Row;

use super::customers::{SUMMARY_COLUMNS, summary_from_row};
use super::db_err;
use super::dialect::{
    DbRow, LATEST_AUM_COLUMNS, LATEST_AUM_JOIN, Time, begin_write, from_time, numbered, time,
};
use super::pages::ReadRows;
use super::pages::fetch_page;
use super::scoped::scope_at;

/// Member rows per INSERT statement (3 values each, well under SQLite's variable limit).
const MEMBERS_PER_INSERT: usize = 500;

#[async_trait]
impl SegmentStore for super::Backend {
    async fn create_segment(&self, s: &NewSegment) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO segments (name, expression, description, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&s.name)
        .bind(&s.expression)
        .bind(&s.description)
        .bind(s.created_by.0)
        .bind(time(s.created_at))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("a segment named {:?} already exists", s.name))
            }
            other => other,
        })
    }

    async fn list_segments(&self, viewer: &Viewer) -> StoreResult<Vec<SegmentRow>> {
        rapport_store::scope::operation("list_segments", async {
            let (scope, arg) = scope_at(rapport_store::scope::data_scope(viewer), "p", 1);
            let sql = format!("{} ORDER BY s.name, s.id", select(&scope));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(arg)
                .fetch_rows(&self.pool, segment_row)
                .await
        })
        .await
    }

    async fn segment(&self, viewer: &Viewer, id: i64) -> StoreResult<Option<SegmentRow>> {
        rapport_store::scope::operation("segment", async {
            let (scope, arg) = scope_at(rapport_store::scope::data_scope(viewer), "p", 1);
            let sql = format!("{} AND s.id = $2", select(&scope));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(arg)
                .bind(id)
                .fetch_row(&self.pool, segment_row)
                .await
        })
        .await
    }

    async fn segment_definitions(&self) -> StoreResult<Vec<SegmentDefinition>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, name, expression FROM segments WHERE deleted_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
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

    async fn delete_segment(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE segments SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL")
                .bind(time(at))
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn replace_segment_members(
        &self,
        id: i64,
        as_of: NaiveDate,
        parties: &[PartyId],
    ) -> StoreResult<()> {
        let ids = distinct_members(parties);
        let mut tx = begin_write(&self.pool).await?;
        // The update's row lock also orders concurrent re-evaluations of the same segment. Dates
        // compare as dates (SQLite: ISO text, in date order).
        let updated = sqlx::query(
            "UPDATE segments SET latest_as_of = CASE WHEN latest_as_of IS NULL OR latest_as_of < $1 \
             THEN $1 ELSE latest_as_of END WHERE id = $2 AND deleted_at IS NULL",
        )
        .bind(as_of)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("segment {id}")));
        }
        sqlx::query("DELETE FROM segment_members WHERE segment_id = $1 AND as_of = $2")
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
            let mut q = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
            for party in chunk {
                q = q.bind(id).bind(as_of).bind(party);
            }
            q.execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    /// A page of a segment's members at `as_of` that are in the viewer's scope, by party id.
    async fn segment_members(
        &self,
        viewer: &Viewer,
        segment_id: i64,
        as_of: NaiveDate,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>> {
        rapport_store::scope::operation("segment_members", async {
            let (scope, scope_value) = scope_at(rapport_store::scope::data_scope(viewer), "p", 3);
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS}, {LATEST_AUM_COLUMNS} FROM \
                   (SELECT p.id FROM segment_members sm JOIN parties p ON p.id = sm.party_id \
                    WHERE sm.segment_id = $1 AND sm.as_of = $2 AND {scope} ORDER BY p.id LIMIT $4 OFFSET $5) pg \
                 JOIN parties p ON p.id = pg.id JOIN branches b ON b.id = p.home_branch_id {LATEST_AUM_JOIN} \
                 ORDER BY p.id"
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(segment_id)
                .bind(as_of)
                .bind(scope_value);
            fetch_page(query, &self.pool, page, |r| summary_from_row(&self.protect, r)).await
        })
        .await
    }

    async fn party_segments(
        &self,
        customer: &rapport_store::scope::InScope,
    ) -> StoreResult<Option<Vec<SegmentRef>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        let (scope, arg) = scope_at(rapport_store::scope::data_scope(viewer), "p", 2);
        let sql = format!("SELECT count(*) FROM parties p WHERE p.id = $1 AND {scope}");
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(party.0)
            .bind(arg)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        if n == 0 {
            return Ok(None);
        }
        let rows: Vec<(i64, String, NaiveDate)> = sqlx::query_as(
            "SELECT s.id, s.name, m.as_of FROM segment_members m \
             JOIN segments s ON s.id = m.segment_id AND m.as_of = s.latest_as_of \
             WHERE m.party_id = $1 AND s.deleted_at IS NULL ORDER BY s.name, s.id",
        )
        .bind(party.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(Some(
            rows.into_iter()
                .map(|(id, name, as_of)| SegmentRef { id, name, as_of })
                .collect(),
        ))
    }
}

/// The segment columns and its in-scope member count at its latest evaluation; the scope's
/// placeholder is `$1`.
fn select(scope: &str) -> String {
    format!(
        "SELECT s.id, s.name, s.expression, s.description, s.created_by, st.username, \
           s.created_at, s.latest_as_of, \
           (SELECT count(*) FROM segment_members m JOIN parties p ON p.id = m.party_id \
              WHERE m.segment_id = s.id AND m.as_of = s.latest_as_of AND {scope}) AS members \
         FROM segments s JOIN staff st ON st.id = s.created_by WHERE s.deleted_at IS NULL"
    )
}

fn segment_row(r: &DbRow) -> StoreResult<SegmentRow> {
    Ok(SegmentRow {
        id: r.try_get(0).map_err(db_err)?,
        name: r.try_get(1).map_err(db_err)?,
        expression: r.try_get(2).map_err(db_err)?,
        description: r.try_get(3).map_err(db_err)?,
        created_by: StaffId(r.try_get(4).map_err(db_err)?),
        created_by_username: r.try_get(5).map_err(db_err)?,
        created_at: from_time(&r.try_get::<Time, _>(6).map_err(db_err)?)?,
        as_of: r.try_get(7).map_err(db_err)?,
        members: r.try_get(8).map_err(db_err)?,
    })
}

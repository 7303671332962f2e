//! Tasks and the interactions log (issue 6). Every read and write of a customer's tasks or
//! contacts checks the viewer's scope first (`customers::scope_condition`); a task is
//! completed only by its owner.
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{PartyId, StaffId, Tier, Viewer};
use rapport_store::work::{
    AlertNeedingTask, ContactPlan, InteractionRow, MaturityRow, NewContactPlan, NewInteraction,
    NewTask, PartyWorkFacts, TaskBind, TaskCompletion, TaskCounts, TaskQuery, TaskRow, TaskStatus,
    WorkApplied, WorkPlan,
};
use rapport_store::work::{reason_of_column, reason_to_column};
use rapport_store::scores::NewAlert;
use rapport_store::{StoreError, StoreResult, WorkStore};
use sqlx::Row;

use super::coded::coded_opt;
use super::dialect::{DbRow, FOR_UPDATE, Time, Tx, begin_write, from_time, numbered, time};
use super::pages::ReadRows;
use super::scoped::{customer_rows, party_in_scope, row_scope_condition};
use super::scores::insert_alert;
use super::{db_err, parse_col};

const TASK_COLUMNS: &str = "t.id, t.party_id, p.name, t.owner_staff_id, t.kind, t.reason, \
    t.alert_id, t.due_on, t.status, t.outcome, t.created_by, t.created_at, t.completed_at, \
    t.interaction_id, t.reason_detail";
const INTERACTION_COLUMNS: &str = "i.id, i.party_id, i.staff_id, i.channel, i.direction, \
    i.purpose, i.occurred_at, i.notes, i.outcome, i.task_id, i.alert_id";

fn task_row(r: &DbRow) -> StoreResult<TaskRow> {
    Ok(TaskRow {
        id: r.try_get(0).map_err(db_err)?,
        party_id: PartyId(r.try_get(1).map_err(db_err)?),
        party_name: r.try_get(2).map_err(db_err)?,
        owner: StaffId(r.try_get(3).map_err(db_err)?),
        kind: parse_col("tasks.kind", &r.try_get::<String, _>(4).map_err(db_err)?)?,
        reason: r.try_get(5).map_err(db_err)?,
        alert_id: r.try_get(6).map_err(db_err)?,
        due_on: r.try_get(7).map_err(db_err)?,
        status: parse_col("tasks.status", &r.try_get::<String, _>(8).map_err(db_err)?)?,
        outcome: r.try_get(9).map_err(db_err)?,
        created_by: r
            .try_get::<Option<i64>, _>(10)
            .map_err(db_err)?
            .map(StaffId),
        created_at: from_time(&r.try_get::<Time, _>(11).map_err(db_err)?)?,
        completed_at: r
            .try_get::<Option<Time>, _>(12)
            .map_err(db_err)?
            .map(|t| from_time(&t))
            .transpose()?,
        interaction_id: r.try_get(13).map_err(db_err)?,
        detail: reason_of_column(r.try_get(14).map_err(db_err)?),
    })
}

fn interaction_row(r: &DbRow) -> StoreResult<InteractionRow> {
    let purpose: Option<String> = r.try_get(5).map_err(db_err)?;
    Ok(InteractionRow {
        id: r.try_get(0).map_err(db_err)?,
        interaction: NewInteraction {
            party_id: PartyId(r.try_get(1).map_err(db_err)?),
            staff_id: StaffId(r.try_get(2).map_err(db_err)?),
            channel: parse_col(
                "interactions.channel",
                &r.try_get::<String, _>(3).map_err(db_err)?,
            )?,
            direction: parse_col(
                "interactions.direction",
                &r.try_get::<String, _>(4).map_err(db_err)?,
            )?,
            purpose: purpose
                .map(|p| parse_col("interactions.purpose", &p))
                .transpose()?,
            occurred_at: from_time(&r.try_get::<Time, _>(6).map_err(db_err)?)?,
            notes: r.try_get(7).map_err(db_err)?,
            outcome: r.try_get(8).map_err(db_err)?,
            task_id: r.try_get(9).map_err(db_err)?,
            alert_id: r.try_get(10).map_err(db_err)?,
        },
    })
}

async fn task_by_id(tx: &mut Tx<'_>, id: i64) -> StoreResult<TaskRow> {
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN parties p ON p.id = t.party_id WHERE t.id = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    task_row(&row)
}

async fn insert_interaction(tx: &mut Tx<'_>, i: &NewInteraction) -> StoreResult<InteractionRow> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO interactions (party_id, staff_id, channel, direction, purpose, occurred_at, \
         notes, outcome, task_id, alert_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
    )
    .bind(i.party_id.0)
    .bind(i.staff_id.0)
    .bind(i.channel.as_str())
    .bind(i.direction.as_str())
    .bind(i.purpose.map(|p| p.as_str()))
    .bind(time(i.occurred_at))
    .bind(&i.notes)
    .bind(&i.outcome)
    .bind(i.task_id)
    .bind(i.alert_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    let sql = format!("SELECT {INTERACTION_COLUMNS} FROM interactions i WHERE i.id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    interaction_row(&row)
}

#[async_trait]
impl WorkStore for super::Backend {
    async fn create_task(&self, viewer: &Viewer, t: &NewTask) -> StoreResult<Option<TaskRow>> {
        rapport_store::scope::operation("create_task", async {
            let mut tx = begin_write(&self.pool).await?;
            if !party_in_scope(&mut *tx, viewer, t.party_id).await? {
                return Ok(None);
            }
            let enabled: i64 =
                sqlx::query_scalar("SELECT count(*) FROM staff WHERE id = $1 AND NOT disabled")
                    .bind(t.owner.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if enabled == 0 {
                return Err(StoreError::Invalid(format!(
                    "owner: staff {} is unknown or disabled",
                    t.owner.0
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO tasks (party_id, owner_staff_id, kind, reason, alert_id, due_on, status, \
                 created_by, created_at, reason_detail) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9) \
                 RETURNING id",
            )
            .bind(t.party_id.0)
            .bind(t.owner.0)
            .bind(t.kind.as_str())
            .bind(&t.reason)
            .bind(t.alert_id)
            .bind(t.due_on)
            .bind(t.created_by.map(|s| s.0))
            .bind(time(t.created_at))
            .bind(reason_to_column(t.detail.as_ref()))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            let row = task_by_id(&mut tx, id).await?;
            tx.commit().await.map_err(db_err)?;
            Ok(Some(row))
        })
        .await
    }

    async fn my_tasks(&self, viewer: &Viewer, q: &TaskQuery) -> StoreResult<Vec<TaskRow>> {
        rapport_store::scope::operation("my_tasks", async {
            // The owner's tasks, and only those whose customer is still in the owner's scope: a
            // customer reassigned away takes its tasks' visibility with it.
            let (scope, arg) = row_scope_condition(rapport_store::scope::data_scope(viewer), "p");
            let mut sql = format!(
                "SELECT {TASK_COLUMNS} FROM tasks t JOIN parties p ON p.id = t.party_id \
                 WHERE t.owner_staff_id = ? AND {scope}"
            );
            let conditions = q.conditions();
            for (condition, _) in &conditions {
                sql.push_str(condition);
            }
            sql.push_str(" ORDER BY t.due_on, t.id LIMIT ? OFFSET ?");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
                .bind(viewer.staff_id.0)
                .bind(arg);
            for (_, value) in conditions {
                query = match value {
                    TaskBind::Text(text) => query.bind(text),
                    TaskBind::Date(date) => query.bind(date),
                };
            }
            let rows = query
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
            rows.iter().map(task_row).collect()
        })
        .await
    }

    /// Counted in one pass over the owner's open tasks (the `tasks_owner` index), each checked
    /// against the viewer's scope like `my_tasks`.
    async fn task_counts(
        &self,
        viewer: &Viewer,
        today: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<TaskCounts> {
        rapport_store::scope::operation("task_counts", async {
            let (scope, arg) = row_scope_condition(rapport_store::scope::data_scope(viewer), "p");
            let sql = format!(
                "SELECT t.kind, count(*) FILTER (WHERE t.due_on < ?), \
                 count(*) FILTER (WHERE t.due_on = ?), count(*) FILTER (WHERE t.due_on > ?) \
                 FROM tasks t JOIN parties p ON p.id = t.party_id \
                 WHERE t.owner_staff_id = ? AND t.status = 'open' AND t.due_on <= ? AND {scope} \
                 GROUP BY t.kind ORDER BY t.kind"
            );
            let rows: Vec<(String, i64, i64, i64)> =
                sqlx::query_as(sqlx::AssertSqlSafe(numbered(&sql)))
                    .bind(today)
                    .bind(today)
                    .bind(today)
                    .bind(viewer.staff_id.0)
                    .bind(until)
                    .bind(arg)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
            let mut counts = TaskCounts::default();
            for (kind, overdue, due_today, upcoming) in rows {
                counts.overdue += overdue;
                counts.due_today += due_today;
                counts.upcoming += upcoming;
                counts.by_kind.push((kind, overdue + due_today + upcoming));
            }
            Ok(counts)
        })
        .await
    }

    async fn complete_task(
        &self,
        viewer: &Viewer,
        task_id: i64,
        done: &TaskCompletion,
    ) -> StoreResult<Option<(TaskRow, InteractionRow)>> {
        rapport_store::scope::operation("complete_task", async {
            let mut tx = begin_write(&self.pool).await?;
            let found: Option<(i64, String, i64, Option<i64>, String)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT party_id, kind, owner_staff_id, alert_id, status FROM tasks WHERE id = $1 \
                {FOR_UPDATE}"
                )))
                .bind(task_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some((party, kind, owner, alert_id, status)) = found else {
                return Ok(None);
            };
            if !rapport_store::scope::owns(viewer, StaffId(owner))
                || status != TaskStatus::Open.as_str()
                || !party_in_scope(&mut *tx, viewer, PartyId(party)).await?
            {
                return Ok(None);
            }
            let interaction = insert_interaction(
                &mut tx,
                &NewInteraction {
                    party_id: PartyId(party),
                    staff_id: viewer.staff_id,
                    channel: done.channel,
                    direction: done.direction,
                    purpose: Some(parse_col("tasks.kind", &kind)?),
                    occurred_at: done.at,
                    notes: done.notes.clone(),
                    outcome: done.outcome.clone(),
                    task_id: Some(task_id),
                    alert_id,
                },
            )
            .await?;
            sqlx::query(
                "UPDATE tasks SET status = 'done', outcome = $1, completed_at = $2, interaction_id = $3 \
                 WHERE id = $4",
            )
            .bind(&done.outcome)
            .bind(time(done.at))
            .bind(interaction.id)
            .bind(task_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            if let Some(alert) = alert_id {
                sqlx::query("UPDATE alerts SET status = 'done' WHERE id = $1 AND status = 'open'")
                    .bind(alert)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            let task = task_by_id(&mut tx, task_id).await?;
            tx.commit().await.map_err(db_err)?;
            Ok(Some((task, interaction)))
        })
        .await
    }

    async fn log_interaction(
        &self,
        viewer: &Viewer,
        i: &NewInteraction,
    ) -> StoreResult<Option<InteractionRow>> {
        rapport_store::scope::operation("log_interaction", async {
            let mut tx = begin_write(&self.pool).await?;
            if !party_in_scope(&mut *tx, viewer, i.party_id).await? {
                return Ok(None);
            }
            let row = insert_interaction(
                &mut tx,
                &NewInteraction {
                    staff_id: viewer.staff_id,
                    ..i.clone()
                },
            )
            .await?;
            tx.commit().await.map_err(db_err)?;
            Ok(Some(row))
        })
        .await
    }

    async fn party_interactions(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<InteractionRow>>> {
        let sql = format!(
            "SELECT {INTERACTION_COLUMNS} FROM interactions i WHERE i.party_id = ? \
             ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?"
        );
        customer_rows(&self.pool, customer, &sql, 1, Some(limit), interaction_row).await
    }

    async fn party_tasks(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<TaskRow>>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t JOIN parties p ON p.id = t.party_id \
             WHERE t.party_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT ?"
        );
        customer_rows(&self.pool, customer, &sql, 1, Some(limit), task_row).await
    }

    async fn work_facts(
        &self,
        after: i64,
        limit: i64,
        today: NaiveDate,
        maturity_until: NaiveDate,
    ) -> StoreResult<Vec<PartyWorkFacts>> {
        let rows = sqlx::query(
            "SELECT p.id, p.kind, p.birth_date, p.birthday_calendar, p.onboarded_on, \
             (SELECT ra.staff_id FROM rm_assignments ra WHERE ra.party_id = p.id \
              AND ra.is_primary AND ra.effective_to IS NULL LIMIT 1), \
             EXISTS (SELECT 1 FROM interactions i WHERE i.party_id = p.id \
              AND i.occurred_at >= p.onboarded_on), \
             (SELECT max(c) FROM (SELECT max(i.occurred_at) AS c FROM interactions i \
               WHERE i.party_id = p.id AND i.purpose = 'care' \
              UNION ALL SELECT max(t.created_at) FROM tasks t \
               WHERE t.party_id = p.id AND t.kind = 'care') AS cares), \
             (SELECT max(i.occurred_at) FROM interactions i WHERE i.party_id = p.id), \
             (SELECT s.tier FROM party_scores s WHERE s.party_id = p.id ORDER BY s.as_of DESC LIMIT 1) \
             FROM parties p WHERE p.id > $1 AND p.merged_into IS NULL AND p.kind <> 'prospect' \
             ORDER BY p.id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(PartyWorkFacts {
                party_id: PartyId(r.try_get(0).map_err(db_err)?),
                is_person: r.try_get::<String, _>(1).map_err(db_err)? == "individual",
                birth_date: r.try_get(2).map_err(db_err)?,
                birthday_calendar: r.try_get(3).map_err(db_err)?,
                onboarded_on: r.try_get(4).map_err(db_err)?,
                primary_rm: r.try_get::<Option<i64>, _>(5).map_err(db_err)?.map(StaffId),
                contacted_since_onboarding: r.try_get(6).map_err(db_err)?,
                last_care: r
                    .try_get::<Option<Time>, _>(7)
                    .map_err(db_err)?
                    .map(|t| from_time(&t))
                    .transpose()?,
                last_contact: r
                    .try_get::<Option<Time>, _>(8)
                    .map_err(db_err)?
                    .map(|t| from_time(&t))
                    .transpose()?,
                tier: coded_opt(r, 9, "party_scores.tier")?,
                maturities: Vec::new(),
            });
        }
        let (Some(first), Some(last)) = (out.first(), out.last()) else {
            return Ok(out);
        };
        let sql = format!(
            "SELECT a.party_id, a.account_number, a.family, a.matures_on, a.balance_minor \
             FROM accounts a WHERE a.party_id BETWEEN ? AND ? AND a.status = 'active' \
             AND a.family IN ({MATURING_FAMILIES}) AND a.matures_on BETWEEN ? AND ? \
             ORDER BY a.party_id, a.matures_on"
        );
        let maturing = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
            .bind(first.party_id.0)
            .bind(last.party_id.0)
            .bind(today)
            .bind(maturity_until)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let index: std::collections::HashMap<i64, usize> = out
            .iter()
            .enumerate()
            .map(|(i, f)| (f.party_id.0, i))
            .collect();
        for r in &maturing {
            let party: i64 = r.try_get(0).map_err(db_err)?;
            if let Some(f) = index.get(&party).and_then(|i| out.get_mut(*i)) {
                f.maturities.push(MaturityRow {
                    account_key: r.try_get(1).map_err(db_err)?,
                    family: r.try_get(2).map_err(db_err)?,
                    matures_on: r.try_get(3).map_err(db_err)?,
                    balance_minor: r.try_get(4).map_err(db_err)?,
                });
            }
        }
        Ok(out)
    }

    async fn alerts_needing_tasks(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<AlertNeedingTask>> {
        let rows = sqlx::query(
            "SELECT al.id, al.party_id, al.kind, al.severity, al.reason, al.as_of, al.dedup_key, \
             al.reason_detail \
             FROM alerts al WHERE al.id > $1 AND al.status = 'open' \
             AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.alert_id = al.id) \
             ORDER BY al.id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(AlertNeedingTask {
                    alert_id: r.try_get(0).map_err(db_err)?,
                    alert: NewAlert {
                        party_id: PartyId(r.try_get(1).map_err(db_err)?),
                        kind: parse_col("alerts.kind", &r.try_get::<String, _>(2).map_err(db_err)?)?,
                        severity: parse_col(
                            "alerts.severity",
                            &r.try_get::<String, _>(3).map_err(db_err)?,
                        )?,
                        reason: r.try_get(4).map_err(db_err)?,
                        as_of: r.try_get(5).map_err(db_err)?,
                        dedup_key: r.try_get(6).map_err(db_err)?,
                        detail: reason_of_column(r.try_get(7).map_err(db_err)?),
                    },
                })
            })
            .collect()
    }

    async fn apply_work_plans(
        &self,
        plans: &[WorkPlan],
        at: DateTime<Utc>,
    ) -> StoreResult<WorkApplied> {
        let mut tx = begin_write(&self.pool).await?;
        let mut applied = WorkApplied::default();
        for p in plans {
            applied.alerts += u64::from(insert_alert(&mut tx, &p.alert, at).await?);
            let Some((kind, due_on)) = p.task else {
                continue;
            };
            // For the current primary RM, if enabled; once per alert.
            let made = sqlx::query(
                "INSERT INTO tasks (party_id, owner_staff_id, kind, reason, alert_id, due_on, status, \
                 created_by, created_at, reason_detail) \
                 SELECT al.party_id, ra.staff_id, $1, al.reason, al.id, $2, 'open', NULL, $3, \
                 al.reason_detail \
                 FROM alerts al \
                 JOIN rm_assignments ra ON ra.party_id = al.party_id AND ra.is_primary \
                  AND ra.effective_to IS NULL \
                 JOIN staff st ON st.id = ra.staff_id AND NOT st.disabled \
                 WHERE al.dedup_key = $4 AND al.status = 'open' \
                 AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.alert_id = al.id)",
            )
            .bind(kind.as_str())
            .bind(due_on)
            .bind(time(at))
            .bind(&p.alert.dedup_key)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            applied.tasks += made.rows_affected();
        }
        tx.commit().await.map_err(db_err)?;
        Ok(applied)
    }

    async fn set_contact_plan(
        &self,
        viewer: &Viewer,
        plan: &NewContactPlan,
    ) -> StoreResult<Option<ContactPlan>> {
        rapport_store::scope::operation("set_contact_plan", async {
            let mut tx = begin_write(&self.pool).await?;
            if let Some(party) = plan.party_id
                && !party_in_scope(&mut *tx, viewer, party).await?
            {
                return Ok(None);
            }
            sqlx::query("DELETE FROM contact_plans WHERE tier = $1 OR party_id = $2")
                .bind(plan.tier.map(Tier::as_str))
                .bind(plan.party_id.map(|p| p.0))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            let row = sqlx::query(
                "INSERT INTO contact_plans (tier, party_id, cadence_days, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, tier, party_id, cadence_days, created_by, created_at",
            )
            .bind(plan.tier.map(Tier::as_str))
            .bind(plan.party_id.map(|p| p.0))
            .bind(plan.cadence_days)
            .bind(plan.created_by.0)
            .bind(time(plan.created_at))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            let out = plan_row(&row)?;
            tx.commit().await.map_err(db_err)?;
            Ok(Some(out))
        })
        .await
    }

    async fn contact_plans(&self) -> StoreResult<Vec<ContactPlan>> {
        sqlx::query(
            "SELECT id, tier, party_id, cadence_days, created_by, created_at FROM contact_plans \
             ORDER BY tier NULLS LAST, party_id",
        )
        .fetch_rows(&self.pool, plan_row)
        .await
    }
}

/// The family codes whose accounts mature into money the customer may move elsewhere.
pub(crate) const MATURING_FAMILIES: &str =
    "'time_deposit', 'wealth_management', 'fund', 'insurance'";

fn plan_row(r: &DbRow) -> StoreResult<ContactPlan> {
    Ok(ContactPlan {
        id: r.try_get(0).map_err(db_err)?,
        tier: coded_opt(r, 1, "contact_plans.tier")?,
        party_id: r.try_get::<Option<i64>, _>(2).map_err(db_err)?.map(PartyId),
        cadence_days: r.try_get(3).map_err(db_err)?,
        created_by: StaffId(r.try_get(4).map_err(db_err)?),
        created_at: from_time(&r.try_get::<Time, _>(5).map_err(db_err)?)?,
    })
}

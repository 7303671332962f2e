//! The RM's alert job (R4.2), run by `rapport alerts` and meant for the scheduler: first the
//! dedicated-RM rule (R4.1: customers of the rule's tiers without a primary RM get the least
//! loaded RM of their branch), then maturities, birthdays, contact plans and new-customer
//! revisits from the store's facts, then a task for every open alert that has none (scoring's
//! churn and tier alerts included) — all by `rapport-work`'s rules, for the customers' primary
//! RMs. Nothing here reads files or prints: the caller gives the rules and shows the report.
use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, Utc};
use chrono_tz::Tz;
use rapport_domain::{AlertKind, PartyId, StaffId, Tier};
use rapport_store::scores::NewAlert;
use rapport_store::work::{PartyWorkFacts, WorkPlan};
use rapport_store::{Store, StoreError};
use rapport_work::{
    BirthdayCalendar, Maturity, PartyFacts, PlannedAlert, RmLoad, UnservedCustomer, WorkRules,
    plan_alerts, plan_dedicated_rms, task_for_alert,
};

/// Customers (or alerts) read from the store at a time.
const PAGE: i64 = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum AlertJobError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertJobReport {
    /// Customers the dedicated-RM rule gave an RM.
    pub dedicated_assigned: u64,
    /// Customers it could not place (their branch has no enabled RM), for a branch manager.
    pub dedicated_unplaced: Vec<i64>,
    /// New alerts by kind.
    pub alerts_by_kind: BTreeMap<AlertKind, u64>,
    pub alerts: u64,
    pub tasks: u64,
}

/// Runs the job for the bank's date `today` in `tz`.
pub async fn run(
    store: &dyn Store,
    rules: &WorkRules,
    tz: Tz,
    today: NaiveDate,
) -> Result<AlertJobReport, AlertJobError> {
    let mut report = AlertJobReport::default();
    assign_dedicated_rms(store, rules, today, &mut report).await?;
    raise_alerts(store, rules, tz, today, &mut report).await?;
    make_tasks_for_open_alerts(store, rules, today, &mut report).await?;
    Ok(report)
}

/// The dedicated-RM rule, before the alerts so that the customers it serves get their tasks.
async fn assign_dedicated_rms(
    store: &dyn Store,
    rules: &WorkRules,
    today: NaiveDate,
    report: &mut AlertJobReport,
) -> Result<(), AlertJobError> {
    let tiers = &rules.dedicated_rm_tiers;
    if tiers.is_empty() {
        return Ok(());
    }
    let unserved: Vec<UnservedCustomer> = store
        .unserved_customers(tiers)
        .await?
        .into_iter()
        .map(|(p, b)| UnservedCustomer {
            party_id: p.0,
            branch_id: b.0,
        })
        .collect();
    let rms: Vec<RmLoad> = store
        .rm_loads()
        .await?
        .into_iter()
        .map(|(s, b, n)| RmLoad {
            staff_id: s.0,
            branch_id: b.0,
            primary_customers: n,
        })
        .collect();
    let plan = plan_dedicated_rms(&unserved, &rms);
    let pairs: Vec<(PartyId, StaffId)> = plan
        .assign
        .iter()
        .map(|(p, s)| (PartyId(*p), StaffId(*s)))
        .collect();
    report.dedicated_assigned = store.assign_primary_rms(&pairs, today).await?;
    report.dedicated_unplaced = plan.unplaced;
    Ok(())
}

/// Maturities, birthdays, contact plans and revisits from the store's facts, a page of
/// customers at a time.
async fn raise_alerts(
    store: &dyn Store,
    rules: &WorkRules,
    tz: Tz,
    today: NaiveDate,
    report: &mut AlertJobReport,
) -> Result<(), AlertJobError> {
    let until = today
        .checked_add_days(Days::new(u64::from(rules.maturity_days)))
        .unwrap_or(today);
    let cadences = Cadences::read(store).await?;
    let mut after = 0;
    loop {
        let page = store.work_facts(after, PAGE, today, until).await?;
        let Some(last) = page.last() else { break };
        after = last.party_id.0;
        let mut plans = Vec::new();
        for f in page {
            for p in plan_alerts(&facts(f, &cadences), today, tz, rules) {
                plans.push(to_plan(p, today)?);
            }
        }
        let done = store.apply_work_plans(&plans, Utc::now()).await?;
        for p in &plans {
            *report.alerts_by_kind.entry(p.alert.kind).or_default() += 1;
        }
        report.alerts += done.alerts;
        report.tasks += done.tasks;
    }
    Ok(())
}

/// Alerts raised elsewhere (scoring) get their tasks here.
async fn make_tasks_for_open_alerts(
    store: &dyn Store,
    rules: &WorkRules,
    today: NaiveDate,
    report: &mut AlertJobReport,
) -> Result<(), AlertJobError> {
    let mut after = 0;
    loop {
        let page = store.alerts_needing_tasks(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.alert_id;
        let mut plans = Vec::new();
        for a in page {
            if let Some(t) = task_for_alert(a.alert.kind, a.alert.severity, today, rules) {
                plans.push(WorkPlan {
                    alert: a.alert,
                    task: Some((t.kind, t.due_on)),
                });
            }
        }
        report.tasks += store.apply_work_plans(&plans, Utc::now()).await?.tasks;
    }
    Ok(())
}

/// Each customer's contact cadence: its own plan, else its tier's.
struct Cadences {
    by_party: HashMap<i64, u32>,
    by_tier: HashMap<Tier, u32>,
}

impl Cadences {
    async fn read(store: &dyn Store) -> Result<Self, StoreError> {
        let mut cadences = Self {
            by_party: HashMap::new(),
            by_tier: HashMap::new(),
        };
        for p in store.contact_plans().await? {
            let days = u32::try_from(p.cadence_days).unwrap_or(0);
            match (p.party_id, p.tier) {
                (Some(party), _) => {
                    cadences.by_party.insert(party.0, days);
                }
                (None, Some(tier)) => {
                    cadences.by_tier.insert(tier, days);
                }
                (None, None) => {}
            }
        }
        Ok(cadences)
    }

    fn of(&self, f: &PartyWorkFacts) -> Option<u32> {
        self.by_party
            .get(&f.party_id.0)
            .copied()
            .or_else(|| f.tier.as_ref().and_then(|t| self.by_tier.get(t).copied()))
    }
}

fn facts(f: PartyWorkFacts, cadences: &Cadences) -> PartyFacts {
    let cadence_days = cadences.of(&f);
    PartyFacts {
        party_id: f.party_id.0,
        is_person: f.is_person,
        birth_date: f.birth_date,
        birthday_calendar: if f.birthday_calendar == "lunar" {
            BirthdayCalendar::Lunar
        } else {
            BirthdayCalendar::Solar
        },
        onboarded_on: f.onboarded_on,
        maturities: f
            .maturities
            .into_iter()
            .map(|m| Maturity {
                account_ref: m.account_key.chars().take(16).collect(),
                family: m.family,
                matures_on: m.matures_on,
                balance_minor: m.balance_minor,
            })
            .collect(),
        contacted_since_onboarding: f.contacted_since_onboarding,
        last_care: f.last_care,
        last_contact: f.last_contact,
        cadence_days,
    }
}

fn to_plan(p: PlannedAlert, today: NaiveDate) -> Result<WorkPlan, AlertJobError> {
    Ok(WorkPlan {
        alert: NewAlert {
            party_id: PartyId(p.party_id),
            kind: p.kind,
            severity: p.severity,
            reason: p.reason.english(),
            detail: Some(p.reason),
            as_of: today,
            dedup_key: p.dedup_key,
        },
        task: p.task.as_ref().map(|t| (t.kind, t.due_on)),
    })
}

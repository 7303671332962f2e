//! `rapport alerts`: the RM's alert job (R4.2) — first the dedicated-RM rule (R4.1: customers of
//! the rule's tiers without a primary RM get the least loaded RM of their branch), then
//! maturities, birthdays and new-customer revisits from the store's facts, tasks for every open
//! alert that has none (scoring's churn and tier alerts included), all by `rapport-work`'s
//! rules, for the customers' primary RMs.
use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{Days, NaiveDate};
use rapport_domain::{PartyId, StaffId};
use rapport_store::scores::NewAlert;
use rapport_store::work::{PartyWorkFacts, TaskKind, WorkPlan};
use rapport_work::{
    BirthdayCalendar, Maturity, PartyFacts, PlannedAlert, PlannedTask, RmLoad, UnservedCustomer,
    WorkRules, local_date, plan_alerts, plan_dedicated_rms, task_for_alert,
};

use crate::open::Opened;

#[derive(Debug, clap::Args)]
pub struct AlertArgs {
    /// The bank's date to plan for (default: today in the bank's time zone).
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Alert and task rules (TOML; default `<data-dir>/work.toml` when present, else built-in).
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

const PAGE: i64 = 5_000;

fn load_rules(ctx: &Opened, path: Option<&PathBuf>) -> anyhow::Result<WorkRules> {
    let default_path = ctx.data_dir.join("work.toml");
    let path = match path {
        Some(p) => Some(p.clone()),
        None => default_path.exists().then_some(default_path),
    };
    let Some(p) = path else {
        return Ok(WorkRules::default());
    };
    let text = std::fs::read_to_string(&p)
        .with_context(|| format!("reading the alert rules {}", p.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("alert rules {}: {e}", p.display()))
}

fn task_kind(t: &PlannedTask) -> anyhow::Result<TaskKind> {
    t.kind
        .as_str()
        .parse()
        .map_err(|e| anyhow::anyhow!("task kind: {e}"))
}

fn to_plan(p: PlannedAlert, today: NaiveDate) -> anyhow::Result<WorkPlan> {
    Ok(WorkPlan {
        alert: NewAlert {
            party_id: rapport_domain::PartyId(p.party_id),
            kind: p.kind,
            severity: p.severity,
            reason: p.reason.english(),
            detail: Some(p.reason),
            as_of: today,
            dedup_key: p.dedup_key,
        },
        task: p
            .task
            .as_ref()
            .map(|t| task_kind(t).map(|k| (k, t.due_on)))
            .transpose()?,
    })
}

/// Each customer's cadence: its own plan, else its tier's.
struct Cadences {
    by_party: std::collections::HashMap<i64, u32>,
    by_tier: std::collections::HashMap<String, u32>,
}

impl Cadences {
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

/// The dedicated-RM rule, before the alerts so that the customers it serves get their tasks.
async fn assign_dedicated_rms(
    ctx: &Opened,
    rules: &WorkRules,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let tiers = &rules.dedicated_rm_tiers;
    if tiers.is_empty() {
        return Ok(());
    }
    for t in tiers {
        t.parse::<rapport_scoring::Tier>()
            .map_err(|e| anyhow::anyhow!("alert rules: dedicated_rm_tiers: {e}"))?;
    }
    let unserved: Vec<UnservedCustomer> = ctx
        .store
        .unserved_customers(tiers)
        .await?
        .into_iter()
        .map(|(p, b)| UnservedCustomer {
            party_id: p.0,
            branch_id: b.0,
        })
        .collect();
    let rms: Vec<RmLoad> = ctx
        .store
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
    let made = ctx.store.assign_primary_rms(&pairs, today).await?;
    eprintln!(
        "dedicated RMs ({}): {made} customers given the least loaded RM of their branch{}",
        tiers.join(", "),
        if plan.unplaced.is_empty() {
            String::new()
        } else {
            let shown: Vec<String> = plan.unplaced.iter().take(10).map(i64::to_string).collect();
            format!(
                "; {} left for a branch manager, their branch having no enabled RM (customers {}{})",
                plan.unplaced.len(),
                shown.join(", "),
                if plan.unplaced.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            )
        }
    );
    Ok(())
}

pub async fn run(ctx: &Opened, args: &AlertArgs) -> anyhow::Result<()> {
    let rules = load_rules(ctx, args.rules.as_ref())?;
    let tz = ctx.config.bank.time_zone;
    let today = args
        .today
        .unwrap_or_else(|| local_date(chrono::Utc::now(), tz));
    let until = today
        .checked_add_days(Days::new(u64::from(rules.maturity_days)))
        .unwrap_or(today);
    let started = std::time::Instant::now();
    assign_dedicated_rms(ctx, &rules, today).await?;
    let mut by_kind: BTreeMap<rapport_domain::AlertKind, u64> = BTreeMap::new();
    let (mut alerts, mut tasks) = (0u64, 0u64);

    let mut cadences = Cadences {
        by_party: std::collections::HashMap::new(),
        by_tier: std::collections::HashMap::new(),
    };
    for p in ctx.store.contact_plans().await? {
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
    let mut after = 0;
    loop {
        let page = ctx.store.work_facts(after, PAGE, today, until).await?;
        let Some(last) = page.last() else { break };
        after = last.party_id.0;
        let mut plans = Vec::new();
        for f in page {
            for p in plan_alerts(&facts(f, &cadences), today, tz, &rules) {
                plans.push(to_plan(p, today)?);
            }
        }
        let done = ctx
            .store
            .apply_work_plans(&plans, chrono::Utc::now())
            .await?;
        for p in &plans {
            *by_kind.entry(p.alert.kind).or_default() += 1;
        }
        alerts += done.alerts;
        tasks += done.tasks;
    }

    // Alerts raised elsewhere (scoring) get their tasks here.
    let mut after = 0;
    loop {
        let page = ctx.store.alerts_needing_tasks(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.alert_id;
        let mut plans = Vec::new();
        for a in page {
            if let Some(t) = task_for_alert(a.kind, a.severity, today, &rules) {
                plans.push(WorkPlan {
                    alert: NewAlert {
                        party_id: a.party_id,
                        kind: a.kind,
                        severity: a.severity,
                        reason: a.reason,
                        detail: a.detail,
                        as_of: a.as_of,
                        dedup_key: a.dedup_key,
                    },
                    task: Some((task_kind(&t)?, t.due_on)),
                });
            }
        }
        tasks += ctx
            .store
            .apply_work_plans(&plans, chrono::Utc::now())
            .await?
            .tasks;
    }
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "alerts for {today}: {alerts} new alerts (due: {}), {tasks} new tasks, in {:.1} s",
        if kinds.is_empty() {
            "none due".to_owned()
        } else {
            kinds.join(", ")
        },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

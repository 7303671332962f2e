//! Which alerts a customer's facts raise today, and which task each alert makes (R4.2, R7.2):
//! deposit and wealth-product maturities (到期提醒), birthdays by the customer's calendar,
//! the new-customer revisit, and tasks for the alerts scoring raised (churn risk, tier
//! changes). Care is not repeated: a customer contacted for care, or given a care task, gets
//! no second care task for `care_quiet_days` days in the bank's time zone.
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use rapport_domain::{AlertKind, AlertSeverity, Reason, TaskKind, Tier};
use serde::{Deserialize, Serialize};

use crate::birthday::{BirthdayCalendar, next_birthday};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkRules {
    /// Alert this many days before a deposit or wealth product matures.
    pub maturity_days: u32,
    /// Alert this many days before a birthday.
    pub birthday_days: u32,
    /// A new customer is revisited (回访) once, from this many days after onboarding…
    pub revisit_after_days: u32,
    /// …until this many days after onboarding (3 months, R7.2).
    pub revisit_within_days: u32,
    /// After a care contact or care task, no new care task for this many days.
    pub care_quiet_days: u32,
    /// Days to the due date of a retention task, by the alert's severity.
    pub retention_due_days_high: u32,
    pub retention_due_days_medium: u32,
    pub retention_due_days_low: u32,
    /// Days to the due date of a follow-up on a tier change.
    pub tier_change_due_days: u32,
    /// Tiers whose customers are each served by a dedicated RM: one without a primary RM gets
    /// the least loaded RM of their home branch (R4.1). Empty: none are assigned by rule.
    pub dedicated_rm_tiers: Vec<Tier>,
}

impl Default for WorkRules {
    fn default() -> Self {
        Self {
            maturity_days: 30,
            birthday_days: 7,
            revisit_after_days: 30,
            revisit_within_days: 90,
            care_quiet_days: 7,
            retention_due_days_high: 2,
            retention_due_days_medium: 5,
            retention_due_days_low: 10,
            tier_change_due_days: 7,
            dedicated_rm_tiers: vec![Tier::PrivateBanking, Tier::Diamond],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    pub kind: TaskKind,
    pub due_on: NaiveDate,
}

/// An alert to raise (once: `dedup_key`) and the task it makes, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAlert {
    pub party_id: i64,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    /// The rule and its numbers; no identifiers.
    pub reason: Reason,
    pub dedup_key: String,
    pub task: Option<PlannedTask>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maturity {
    /// A stable reference to the account that is not its number (the store's blind key).
    pub account_ref: String,
    /// The product family's code (`time_deposit`, `wealth_management` …).
    pub family: String,
    pub matures_on: NaiveDate,
    /// Minor units of the base currency.
    pub balance_minor: i64,
}

/// What the rules need to know of one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyFacts {
    pub party_id: i64,
    pub is_person: bool,
    pub birth_date: Option<NaiveDate>,
    pub birthday_calendar: BirthdayCalendar,
    pub onboarded_on: NaiveDate,
    /// Deposits and wealth products maturing soon (the store gives those within the window).
    pub maturities: Vec<Maturity>,
    /// Any contact logged since onboarding.
    pub contacted_since_onboarding: bool,
    /// The latest care contact or care task.
    pub last_care: Option<DateTime<Utc>>,
    /// The latest contact of any kind, by anyone (it resets the contact plan).
    pub last_contact: Option<DateTime<Utc>>,
    /// Days between contacts the customer's plan asks for (its own plan, else its tier's).
    pub cadence_days: Option<u32>,
}

/// The bank's local date of an instant.
pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

fn plus(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(days))).unwrap_or(d)
}

fn minus(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(days))).unwrap_or(d)
}

/// Within the care quiet period after `last_care`?
pub fn care_is_quiet(
    last_care: Option<DateTime<Utc>>,
    today: NaiveDate,
    tz: Tz,
    r: &WorkRules,
) -> bool {
    last_care.is_some_and(|at| {
        let day = local_date(at, tz);
        day <= today && today <= plus(day, r.care_quiet_days)
    })
}

/// The alerts one customer's facts raise on `today` (the bank's local date).
pub fn plan_alerts(f: &PartyFacts, today: NaiveDate, tz: Tz, r: &WorkRules) -> Vec<PlannedAlert> {
    let mut out: Vec<PlannedAlert> = f
        .maturities
        .iter()
        .filter_map(|m| maturity_alert(f.party_id, m, today, r))
        .collect();
    out.extend(birthday_alert(f, today, tz, r));
    out.extend(contact_due_alert(f, today, tz));
    out.extend(revisit_alert(f, today, r));
    out
}

/// A product maturing within `maturity_days`: high in its last week.
fn maturity_alert(
    party_id: i64,
    m: &Maturity,
    today: NaiveDate,
    r: &WorkRules,
) -> Option<PlannedAlert> {
    let days = (m.matures_on - today).num_days();
    if days < 0 || days > i64::from(r.maturity_days) {
        return None;
    }
    Some(PlannedAlert {
        party_id,
        kind: AlertKind::Maturity,
        severity: if days <= 7 {
            AlertSeverity::High
        } else {
            AlertSeverity::Medium
        },
        reason: Reason::Maturity {
            family: m.family.clone(),
            matures_on: m.matures_on,
            days,
            balance_minor: m.balance_minor,
        },
        dedup_key: format!("maturity:{}:{}", m.account_ref, m.matures_on),
        // Call a week ahead so the money can be rolled over before it leaves.
        task: Some(PlannedTask {
            kind: TaskKind::Call,
            due_on: minus(m.matures_on, 7).max(today),
        }),
    })
}

/// A person's birthday within `birthday_days`; its care task waits out the quiet period.
fn birthday_alert(f: &PartyFacts, today: NaiveDate, tz: Tz, r: &WorkRules) -> Option<PlannedAlert> {
    if !f.is_person {
        return None;
    }
    let next = next_birthday(f.birth_date?, today, f.birthday_calendar)?;
    if (next - today).num_days() > i64::from(r.birthday_days) {
        return None;
    }
    let task = (!care_is_quiet(f.last_care, today, tz, r)).then_some(PlannedTask {
        kind: TaskKind::Care,
        due_on: next,
    });
    Some(PlannedAlert {
        party_id: f.party_id,
        kind: AlertKind::Birthday,
        severity: AlertSeverity::Low,
        reason: Reason::Birthday {
            on: next,
            lunar: f.birthday_calendar == BirthdayCalendar::Lunar,
        },
        dedup_key: format!("birthday:{}:{next}", f.party_id),
        task,
    })
}

/// The contact plan's cadence passed since the last contact (or onboarding): high once it is
/// a whole cadence overdue.
fn contact_due_alert(f: &PartyFacts, today: NaiveDate, tz: Tz) -> Option<PlannedAlert> {
    let cadence = f.cadence_days?;
    let last_contact = f.last_contact.map(|at| local_date(at, tz));
    let since = last_contact.unwrap_or(f.onboarded_on);
    let due = plus(since, cadence);
    if due > today {
        return None;
    }
    Some(PlannedAlert {
        party_id: f.party_id,
        kind: AlertKind::ContactDue,
        severity: if (today - due).num_days() > i64::from(cadence) {
            AlertSeverity::High
        } else {
            AlertSeverity::Medium
        },
        reason: Reason::ContactDue {
            cadence_days: cadence,
            last_contact,
            onboarded_on: f.onboarded_on,
            due,
        },
        dedup_key: format!("contact_due:{}:{since}", f.party_id),
        task: Some(PlannedTask {
            kind: TaskKind::Call,
            due_on: today,
        }),
    })
}

/// A new customer not contacted yet, between `revisit_after_days` and `revisit_within_days`
/// after onboarding (R7.2).
fn revisit_alert(f: &PartyFacts, today: NaiveDate, r: &WorkRules) -> Option<PlannedAlert> {
    let age = (today - f.onboarded_on).num_days();
    if f.contacted_since_onboarding
        || age < i64::from(r.revisit_after_days)
        || age > i64::from(r.revisit_within_days)
    {
        return None;
    }
    let due = plus(f.onboarded_on, r.revisit_within_days);
    Some(PlannedAlert {
        party_id: f.party_id,
        kind: AlertKind::RevisitDue,
        severity: AlertSeverity::Medium,
        reason: Reason::Revisit {
            onboarded_on: f.onboarded_on,
            due,
        },
        dedup_key: format!("revisit:{}", f.party_id),
        task: Some(PlannedTask {
            kind: TaskKind::Revisit,
            due_on: due.min(plus(today, 7)),
        }),
    })
}

/// The task an alert raised elsewhere (by scoring) makes, if any.
pub fn task_for_alert(
    kind: AlertKind,
    severity: AlertSeverity,
    today: NaiveDate,
    r: &WorkRules,
) -> Option<PlannedTask> {
    match kind {
        AlertKind::ChurnRisk | AlertKind::LargeOutflow => Some(PlannedTask {
            kind: TaskKind::Retention,
            due_on: plus(
                today,
                match severity {
                    AlertSeverity::High => r.retention_due_days_high,
                    AlertSeverity::Medium => r.retention_due_days_medium,
                    AlertSeverity::Low => r.retention_due_days_low,
                },
            ),
        }),
        AlertKind::TierUpgrade | AlertKind::TierDowngrade => Some(PlannedTask {
            kind: TaskKind::FollowUp,
            due_on: plus(today, r.tier_change_due_days),
        }),
        AlertKind::Maturity
        | AlertKind::Birthday
        | AlertKind::ContactDue
        | AlertKind::RevisitDue => None,
    }
}

//! The alert and task rules, one rule at a time, with fixed dates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use rapport_domain::{AlertKind, AlertSeverity, TaskKind};
use rapport_work::{
    BirthdayCalendar, Maturity, PartyFacts, WorkRules, care_is_quiet, next_birthday, plan_alerts,
    task_for_alert,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn person() -> PartyFacts {
    PartyFacts {
        party_id: 7,
        is_person: true,
        birth_date: Some(day(1980, 7, 10)),
        birthday_calendar: BirthdayCalendar::Solar,
        onboarded_on: day(2015, 3, 1),
        maturities: vec![],
        contacted_since_onboarding: true,
        last_care: None,
        last_contact: None,
        cadence_days: None,
    }
}

#[test]
fn solar_birthdays_come_round_each_year_and_29_february_on_the_28th() {
    let born = day(1980, 7, 10);
    assert_eq!(
        next_birthday(born, day(2026, 7, 1), BirthdayCalendar::Solar),
        Some(day(2026, 7, 10))
    );
    assert_eq!(
        next_birthday(born, day(2026, 7, 10), BirthdayCalendar::Solar),
        Some(day(2026, 7, 10))
    );
    assert_eq!(
        next_birthday(born, day(2026, 7, 11), BirthdayCalendar::Solar),
        Some(day(2027, 7, 10))
    );
    let leap = day(1988, 2, 29);
    assert_eq!(
        next_birthday(leap, day(2026, 2, 1), BirthdayCalendar::Solar),
        Some(day(2026, 2, 28))
    );
    assert_eq!(
        next_birthday(leap, day(2028, 2, 1), BirthdayCalendar::Solar),
        Some(day(2028, 2, 29))
    );
}

#[test]
fn lunar_birthdays_follow_the_lunar_calendar() {
    // Born on 2024-02-10, the first day of the first lunar month (Spring Festival 2024).
    // Spring Festival 2025 is 2025-01-29, 2026 is 2026-02-17.
    let born = day(2024, 2, 10);
    assert_eq!(
        next_birthday(born, day(2024, 12, 1), BirthdayCalendar::Lunar),
        Some(day(2025, 1, 29))
    );
    assert_eq!(
        next_birthday(born, day(2025, 6, 1), BirthdayCalendar::Lunar),
        Some(day(2026, 2, 17))
    );
    // Mid-Autumn (8th month, 15th day): 2025-10-06 and 2026-09-25.
    let mid_autumn = day(2025, 10, 6);
    assert_eq!(
        next_birthday(mid_autumn, day(2026, 6, 30), BirthdayCalendar::Lunar),
        Some(day(2026, 9, 25))
    );
}

#[test]
fn a_birthday_within_the_window_raises_one_care_task_on_the_day() {
    let r = WorkRules::default();
    let plans = plan_alerts(&person(), day(2026, 7, 5), Shanghai, &r);
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(
        (p.kind, p.dedup_key.as_str()),
        (AlertKind::Birthday, "birthday:7:2026-07-10")
    );
    let task = p.task.as_ref().unwrap();
    assert_eq!((task.kind, task.due_on), (TaskKind::Care, day(2026, 7, 10)));
    assert!(
        plan_alerts(&person(), day(2026, 7, 2), Shanghai, &r).is_empty(),
        "8 days ahead"
    );
    let organisation = PartyFacts {
        is_person: false,
        ..person()
    };
    assert!(plan_alerts(&organisation, day(2026, 7, 5), Shanghai, &r).is_empty());
}

#[test]
fn a_care_contact_keeps_care_tasks_away_for_seven_days_in_the_banks_time_zone() {
    let r = WorkRules::default();
    // Contacted at 23:30 on 2026-07-02 in Shanghai (15:30 UTC): the quiet period runs through
    // 2026-07-09 local, whatever the UTC date says.
    let contacted = Utc.with_ymd_and_hms(2026, 7, 2, 15, 30, 0).unwrap();
    let facts = PartyFacts {
        last_care: Some(contacted),
        ..person()
    };
    for today in [day(2026, 7, 3), day(2026, 7, 5), day(2026, 7, 9)] {
        assert!(
            care_is_quiet(facts.last_care, today, Shanghai, &r),
            "{today}"
        );
        let plans = plan_alerts(&facts, today, Shanghai, &r);
        assert!(plans.iter().all(|p| p.task.is_none()), "{today}: {plans:?}");
    }
    assert!(!care_is_quiet(
        facts.last_care,
        day(2026, 7, 10),
        Shanghai,
        &r
    ));
    let plans = plan_alerts(&facts, day(2026, 7, 10), Shanghai, &r);
    assert_eq!(plans[0].task.as_ref().unwrap().kind, TaskKind::Care);
    // In UTC the contact was on the 2nd as well, but at 16:30 UTC it is the 3rd in Shanghai.
    let late = Utc.with_ymd_and_hms(2026, 7, 2, 16, 30, 0).unwrap();
    assert!(care_is_quiet(Some(late), day(2026, 7, 10), Shanghai, &r));
}

#[test]
fn maturities_within_thirty_days_make_a_call_a_week_ahead() {
    let r = WorkRules::default();
    let facts = PartyFacts {
        birth_date: None,
        maturities: vec![
            Maturity {
                account_ref: "a11".into(),
                family: "time_deposit".into(),
                matures_on: day(2026, 7, 20),
                balance_minor: 5_000_000,
            },
            Maturity {
                account_ref: "a12".into(),
                family: "wealth_management".into(),
                matures_on: day(2026, 8, 30),
                balance_minor: 1,
            },
            Maturity {
                account_ref: "a13".into(),
                family: "time_deposit".into(),
                matures_on: day(2026, 7, 3),
                balance_minor: 1,
            },
        ],
        ..person()
    };
    let plans = plan_alerts(&facts, day(2026, 7, 1), Shanghai, &r);
    let keys: Vec<&str> = plans.iter().map(|p| p.dedup_key.as_str()).collect();
    assert_eq!(keys, ["maturity:a11:2026-07-20", "maturity:a13:2026-07-03"]);
    assert_eq!(plans[0].task.as_ref().unwrap().due_on, day(2026, 7, 13));
    assert_eq!(
        plans[1].task.as_ref().unwrap().due_on,
        day(2026, 7, 1),
        "not in the past"
    );
    assert_eq!(plans[1].severity, AlertSeverity::High);
    assert_eq!(
        plans[0].reason,
        rapport_domain::Reason::Maturity {
            family: "time_deposit".into(),
            matures_on: day(2026, 7, 20),
            days: 19,
            balance_minor: 5_000_000,
        }
    );
    assert!(plans[0].reason.english().contains("50,000 yuan"));
}

#[test]
fn a_new_customer_not_yet_contacted_is_due_a_revisit_within_three_months() {
    let r = WorkRules::default();
    let new = PartyFacts {
        birth_date: None,
        onboarded_on: day(2026, 5, 1),
        contacted_since_onboarding: false,
        ..person()
    };
    assert!(
        plan_alerts(&new, day(2026, 5, 20), Shanghai, &r).is_empty(),
        "too early"
    );
    let plans = plan_alerts(&new, day(2026, 6, 5), Shanghai, &r);
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].kind, AlertKind::RevisitDue);
    assert_eq!(plans[0].task.as_ref().unwrap().kind, TaskKind::Revisit);
    assert!(
        plan_alerts(&new, day(2026, 8, 5), Shanghai, &r).is_empty(),
        "past 3 months"
    );
    let contacted = PartyFacts {
        contacted_since_onboarding: true,
        ..new
    };
    assert!(plan_alerts(&contacted, day(2026, 6, 5), Shanghai, &r).is_empty());
}

#[test]
fn scoring_alerts_become_retention_and_follow_up_tasks() {
    let r = WorkRules::default();
    let today = day(2026, 7, 1);
    let t = task_for_alert(AlertKind::ChurnRisk, AlertSeverity::High, today, &r).unwrap();
    assert_eq!((t.kind, t.due_on), (TaskKind::Retention, day(2026, 7, 3)));
    let t = task_for_alert(AlertKind::TierUpgrade, AlertSeverity::Medium, today, &r).unwrap();
    assert_eq!(t.kind, TaskKind::FollowUp);
    assert!(task_for_alert(AlertKind::Birthday, AlertSeverity::Low, today, &r).is_none());
}

#[test]
fn a_contact_plan_flags_a_customer_not_contacted_in_time_and_any_contact_resets_it() {
    let r = WorkRules::default();
    let planned = PartyFacts {
        birth_date: None,
        cadence_days: Some(30),
        last_contact: Some(Utc.with_ymd_and_hms(2026, 5, 20, 2, 0, 0).unwrap()),
        ..person()
    };
    assert!(
        plan_alerts(&planned, day(2026, 6, 18), Shanghai, &r).is_empty(),
        "not yet due"
    );
    let plans = plan_alerts(&planned, day(2026, 6, 19), Shanghai, &r);
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].kind, plans[0].dedup_key.as_str()),
        (AlertKind::ContactDue, "contact_due:7:2026-05-20")
    );
    assert_eq!(plans[0].task.as_ref().unwrap().kind, TaskKind::Call);
    // A contact by anyone on the 19th starts a new cycle: nothing due until 30 days later.
    let contacted = PartyFacts {
        last_contact: Some(Utc.with_ymd_and_hms(2026, 6, 19, 3, 0, 0).unwrap()),
        ..planned.clone()
    };
    assert!(plan_alerts(&contacted, day(2026, 7, 1), Shanghai, &r).is_empty());
    let unplanned = PartyFacts {
        cadence_days: None,
        ..planned
    };
    assert!(plan_alerts(&unplanned, day(2026, 6, 19), Shanghai, &r).is_empty());
}

#[test]
fn a_dedicated_rm_tier_that_does_not_exist_is_named_when_the_rules_are_read() {
    let err = toml::from_str::<WorkRules>("dedicated_rm_tiers = [\"diamond\", \"titanium\"]")
        .unwrap_err()
        .to_string();
    assert!(err.contains("dedicated_rm_tiers"), "{err}");
    assert!(err.contains("'titanium' is not a valid Tier"), "{err}");
    let rules: WorkRules = toml::from_str("dedicated_rm_tiers = [\"diamond\"]").unwrap();
    assert_eq!(
        rules.dedicated_rm_tiers,
        vec![rapport_domain::Tier::Diamond]
    );
}

//! The alert job on a real store (SQLite, and PostgreSQL when configured): what it reports is
//! what it wrote, and a second run on the same day raises nothing new.
#![allow(clippy::unwrap_used, clippy::panic)]

mod staff;

use chrono::NaiveDate;
use rapport_services::alert_job;
use rapport_store_contract::{TestStore, fixture};
use rapport_work::WorkRules;

#[tokio::test]
async fn the_alert_job_reports_what_it_wrote_and_raises_each_alert_once() {
    // The fixture's time deposits mature on 2026-12-31: within the 30 days the rules look ahead.
    let today = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
    let tz = chrono_tz::Asia::Shanghai;
    for t in TestStore::each().await {
        let s = t.store.as_ref();
        s.load_reference(&fixture::reference()).await.unwrap();
        s.load_customers(&fixture::customers()).await.unwrap();
        let rules = WorkRules::default();
        let first = alert_job::run(s, &rules, tz, today).await.unwrap();
        println!("{}: {first:?}", t.name);
        assert!(first.alerts > 0, "{}: {first:?}", t.name);
        assert_eq!(
            first.alerts,
            first.alerts_by_kind.values().sum::<u64>(),
            "{}",
            t.name
        );
        assert_eq!(
            t.raw.count("SELECT count(*) FROM alerts").await.unwrap() as u64,
            first.alerts
        );
        assert_eq!(
            t.raw.count("SELECT count(*) FROM tasks").await.unwrap() as u64,
            first.tasks
        );
        let again = alert_job::run(s, &rules, tz, today).await.unwrap();
        assert_eq!((again.alerts, again.tasks), (0, 0), "{}: {again:?}", t.name);
    }
}

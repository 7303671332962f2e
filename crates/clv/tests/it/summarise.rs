//! From transactions to summaries.

use chrono::NaiveDate;
use rapport_clv::{
    DatedTransaction, Resolution, Summary, TimeUnit, Transaction, summarise, summarise_dates,
};

fn tx(customer: u32, time: f64, amount: f64) -> Transaction<u32> {
    Transaction {
        customer,
        time,
        amount,
    }
}

#[test]
fn counts_repeat_periods_and_averages_repeat_spend() {
    let log = vec![
        tx(2, 3.0, 5.0),
        tx(1, 1.0, 10.0),
        tx(1, 4.0, 20.0),
        tx(1, 4.0, 6.0), // same time: merges with the previous purchase, amounts add
        tx(1, 7.5, 30.0),
        tx(1, 11.0, 99.0), // after the end: dropped
        tx(3, 12.0, 1.0),  // customer only after the end: absent
    ];
    let out = summarise(&log, 10.0, Resolution::Exact).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].0, 1);
    assert_eq!(
        out[0].1,
        Summary {
            frequency: 2,
            recency: 6.5,
            age: 9.0,
            monetary: Some(28.0)
        }
    );
    assert_eq!(
        out[1].1,
        Summary {
            frequency: 0,
            recency: 0.0,
            age: 7.0,
            monetary: None
        }
    );
}

#[test]
fn day_resolution_in_weeks_floors_like_lifetimes() {
    // Purchases at day 0.2, day 0.9 (same day) and day 9.5, observed until day 20.7.
    let w = |days: f64| days / 7.0;
    let log = vec![tx(1, w(0.2), 1.0), tx(1, w(0.9), 2.0), tx(1, w(9.5), 4.0)];
    let out = summarise(&log, w(20.7), Resolution::PeriodsPerUnit(7.0)).unwrap();
    let s = out[0].1;
    assert_eq!(s.frequency, 1);
    assert_eq!(s.recency, 9.0 / 7.0);
    assert_eq!(s.age, 20.0 / 7.0);
    assert_eq!(s.monetary, Some(4.0));
}

#[test]
fn same_day_purchases_merge_with_dates() {
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(1997, m, day).unwrap();
    let log = vec![
        DatedTransaction {
            customer: "a",
            date: d(1, 1),
            amount: 10.0,
        },
        DatedTransaction {
            customer: "a",
            date: d(1, 15),
            amount: 7.0,
        },
        DatedTransaction {
            customer: "a",
            date: d(1, 15),
            amount: 3.0,
        },
    ];
    let out = summarise_dates(&log, d(1, 29), TimeUnit::Weeks).unwrap();
    let s = out[0].1;
    assert_eq!(s.frequency, 1);
    assert!((s.recency - 2.0).abs() < 1e-12);
    assert!((s.age - 4.0).abs() < 1e-12);
    assert_eq!(s.monetary, Some(10.0));
}

//! Segments: what the checker lets through, what it refuses and why, and evaluation over the
//! stored features.
use rapport_scoring::Features;
use rapport_warehouse::WarehouseError;
use rapport_warehouse::segments::{SegmentError, SegmentExpr};

use crate::features::date;
use crate::*;

fn row(party_id: i64, aum: i64, wealth: bool, digital: f64, last_tx: Option<u32>) -> Features {
    let mut families = vec!["current_deposit".to_owned()];
    if wealth {
        families.push("wealth_management".into());
    }
    Features {
        party_id,
        as_of: date("2025-06-30"),
        branch_id: Some(party_id % 3),
        aum: [aum; 12],
        families_held: families,
        digital_share: digital,
        days_since_last_tx: last_tx,
        ..Features::default()
    }
}

fn stored() -> (tempfile::TempDir, rapport_warehouse::Warehouse) {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let rows = vec![
        row(5, 60_000_000, false, 0.8, Some(3)),
        row(1, 60_000_000, true, 0.9, Some(1)),
        row(3, 10_000_000, false, 0.9, None),
        row(2, 90_000_000, false, 0.2, Some(200)),
        row(4, 50_000_000, false, 0.6, Some(30)),
    ];
    w.write_features(date("2025-06-30"), &rows).unwrap();
    (dir, w)
}

fn eval(w: &rapport_warehouse::Warehouse, text: &str) -> Vec<i64> {
    let seg = SegmentExpr::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    w.evaluate_segment(date("2025-06-30"), &seg).unwrap()
}

#[test]
fn segments_select_parties_from_the_stored_features() {
    let (_dir, w) = stored();
    assert_eq!(w.feature_dates().unwrap(), [date("2025-06-30")]);
    assert_eq!(
        eval(
            &w,
            "aum_m0 >= 50000000 AND holds_wealth_management = false AND digital_share > 0.5"
        ),
        [4, 5]
    );
    assert_eq!(
        eval(&w, "aum_m0 >= yuan(500000) AND NOT holds_wealth_management"),
        [2, 4, 5]
    );
    assert_eq!(
        eval(&w, "days_since_last_tx > 25"),
        [2, 4],
        "unknown is not selected"
    );
    assert_eq!(
        eval(&w, "coalesce(days_since_last_tx, 9999) > 25"),
        [2, 3, 4]
    );
    assert_eq!(eval(&w, "days_since_last_tx IS NULL"), [3]);
    assert_eq!(eval(&w, "branch_id BETWEEN 2 AND 2"), [2, 5]);
    assert_eq!(
        eval(&w, "families_held = 'current_deposit,wealth_management'"),
        [1]
    );
    assert_eq!(
        eval(&w, "greatest(aum_m0, aum_m1) - least(aum_m0, 1) > abs(-1)"),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(
        eval(&w, "HOLDS_CURRENT_DEPOSIT IS TRUE AND tx_count_m0 = 0"),
        [1, 2, 3, 4, 5]
    );
    assert!(eval(&w, "aum_m0 * 2 < 0").is_empty());

    // Written again for the same date: replaced, not added to.
    w.write_features(date("2025-06-30"), &[row(7, 1, false, 0.0, None)])
        .unwrap();
    assert_eq!(eval(&w, "aum_m0 > 0"), [7]);
    let none = SegmentExpr::parse("aum_m0 > 0").unwrap();
    assert!(matches!(
        w.evaluate_segment(date("2025-05-31"), &none),
        Err(WarehouseError::NoFeatures(_))
    ));
}

/// Whether a query fails must not depend on the data: a division by a column that is zero for
/// one customer, or arithmetic that overflows for one, evaluates to unknown or infinity for
/// that row instead of failing the query (which would tell the author about that row).
#[test]
fn no_row_can_make_an_evaluation_fail() {
    let (_dir, w) = stored();
    for text in [
        "aum_m0 / tx_count_m0 > 1",
        "aum_m0 / (aum_m0 - aum_m0) > 1",
        "aum_m0 % (aum_m1 - aum_m1) = 0",
        "aum_m0 * 9223372036854775807 * 9223372036854775807 > 0",
        "abs(aum_m0 - 9223372036854775807 - 9223372036854775807) > 0",
        "1 / 0 > 0",
    ] {
        let seg = SegmentExpr::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(
            w.evaluate_segment(date("2025-06-30"), &seg).is_ok(),
            "{text} → {}",
            seg.runnable_sql()
        );
    }
    // A division by zero is unknown: the row is not selected, whatever the other side.
    assert!(eval(&w, "aum_m0 / (aum_m0 - aum_m0) > 0").is_empty());
    assert!(eval(&w, "aum_m0 / (aum_m0 - aum_m0) IS NULL").len() == 5);
}

#[test]
fn yuan_is_a_hundred_fen_in_the_sql_that_runs() {
    let s = SegmentExpr::parse("aum_m0 >= yuan(500000)").unwrap();
    assert_eq!(s.as_sql(), "aum_m0 >= (500000 * 100)");
}

#[test]
fn segments_refuse_anything_but_conditions_over_feature_columns() {
    let refused = |text: &str| match SegmentExpr::parse(text) {
        Ok(s) => panic!("{text:?} accepted as {s}"),
        Err(e) => e,
    };
    let e = refused("aum_m0 > 1 AND aum_now > 2");
    match &e {
        SegmentError::UnknownColumn { name, valid } => {
            assert_eq!(name, "aum_now");
            assert!(valid.iter().any(|c| c == "aum_m0"));
            assert!(!valid.iter().any(|c| c == "as_of"));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("holds_wealth_management"), "{e}");
    for (text, says) in [
        ("aum_m0 > (SELECT max(aum_m0) FROM features)", "subquery"),
        ("EXISTS (SELECT 1)", "subquery"),
        ("aum_m0 IN (SELECT aum_m0 FROM features)", "subquery"),
        ("party_id = 1", "unknown column `party_id`"),
        ("PARTY_ID > 0 AND aum_m0 > 0", "unknown column `party_id`"),
        ("aum_m0 > 1; DROP TABLE features", "`;`"),
        ("aum_m0 > 1 -- and more", "comment"),
        ("aum_m0 > /* x */ 1", "comment"),
        ("features.aum_m0 > 1", "qualified"),
        ("families_held LIKE '%fund%'", "LIKE"),
        ("aum_m0 > 1 OR families_held || 'x' = 'y'", "operator"),
        ("CAST(aum_m0 AS TEXT) = '1'", "CAST"),
        ("count(DISTINCT aum_m0) > 1", "unknown function `count`"),
        ("abs(DISTINCT aum_m0) > 1", "DISTINCT"),
        ("abs(aum_m0) OVER () > 1", "OVER ()` is not allowed"),
    ] {
        let e = refused(text);
        assert!(e.to_string().contains(says), "{text:?}: {e}");
    }
    assert!(matches!(
        refused("pg_sleep(10) > 1"),
        SegmentError::UnknownFunction { name } if name == "pg_sleep"
    ));
    assert!(matches!(
        refused("now() > 1"),
        SegmentError::UnknownFunction { .. }
    ));
    for (text, says) in [
        ("aum_m0 + 1", "condition"),
        ("aum_m0 > 'rich'", "compares"),
        ("holds_fund AND aum_m0", "needs true/false"),
        ("NOT aum_m0", "needs true/false"),
        ("families_held * 2 > 1", "needs a number"),
        ("least(aum_m0) > 1", "two or more"),
        ("coalesce(aum_m0, 'x') > 1", "compares"),
    ] {
        let e = refused(text);
        assert!(matches!(e, SegmentError::Type(_)), "{text:?}: {e:?}");
        assert!(e.to_string().contains(says), "{text:?}: {e}");
    }
    assert!(matches!(refused("   "), SegmentError::Empty));
    assert!(matches!(refused("aum_m0 >"), SegmentError::Syntax(_)));
    assert!(matches!(
        refused("aum_m0 > 1 aum_m1"),
        SegmentError::Syntax(_)
    ));
    assert!(matches!(refused(&"x".repeat(5000)), SegmentError::TooLong));
    assert!(matches!(refused("$1 > 0"), SegmentError::NotAllowed(_)));
}

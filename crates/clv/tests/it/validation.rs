//! Bad input is refused with an error naming the field and row, never a panic.

use rapport_clv::{
    BgNbd, BgNbdParams, ClvError, ClvHorizon, GammaGamma, Pattern, Patterns, Resolution, Spend,
    Summary, TimeUnit, Transaction, summarise,
};

fn row_field(e: ClvError) -> (usize, &'static str) {
    match e {
        ClvError::InvalidRow { row, field, .. } => (row, field),
        other => panic!("expected a row error, got {other:?}"),
    }
}

#[test]
fn summaries_reject_impossible_values() {
    let ok = (1, 2.0, 5.0);
    let bad = [
        ((1, -1.0, 5.0), "recency"),
        ((1, f64::NAN, 5.0), "recency"),
        ((1, 2.0, f64::INFINITY), "age"),
        ((1, 2.0, -5.0), "age"),
        ((1, 6.0, 5.0), "recency"),
        ((1, 0.0, 5.0), "recency"),
        ((0, 1.0, 5.0), "recency"),
    ];
    for (row, field) in bad {
        let e = Patterns::from_rfm([ok, ok, row]).unwrap_err();
        let msg = e.to_string();
        assert_eq!(row_field(e), (2, field), "{row:?}: {msg}");
        assert!(msg.starts_with("row 2: "), "{msg}");
    }
    let e = Summary::new(2, 7.0, 5.0, Some(1.0)).unwrap_err();
    assert!(e.to_string().contains("larger than age"), "{e}");
    assert!(Summary::new(0, 0.0, 5.0, Some(3.0)).is_err());
    assert!(Summary::new(2, 1.0, 5.0, Some(-3.0)).is_err());
    assert!(Summary::new(2, 1.0, 5.0, Some(f64::NAN)).is_err());
}

#[test]
fn empty_inputs_are_errors() {
    assert!(matches!(
        Patterns::from_summaries(&[]),
        Err(ClvError::Empty { .. })
    ));
    assert!(matches!(
        Patterns::from_weighted(vec![]),
        Err(ClvError::Empty { .. })
    ));
    assert!(matches!(
        summarise::<u32>(&[], 1.0, Resolution::Exact),
        Err(ClvError::Empty { .. })
    ));
    assert!(matches!(
        GammaGamma::fit(&[], None),
        Err(ClvError::NoRepeatCustomers)
    ));
}

#[test]
fn transactions_reject_bad_times_and_amounts() {
    let t = |time: f64, amount: f64| Transaction {
        customer: 1u8,
        time,
        amount,
    };
    let e = summarise(&[t(1.0, 1.0), t(f64::NAN, 1.0)], 5.0, Resolution::Exact).unwrap_err();
    assert_eq!(row_field(e), (1, "time"));
    let e = summarise(&[t(1.0, -1.0)], 5.0, Resolution::Exact).unwrap_err();
    assert_eq!(row_field(e), (0, "amount"));
    assert!(summarise(&[t(1.0, 1.0)], f64::NAN, Resolution::Exact).is_err());
    assert!(summarise(&[t(1.0, 1.0)], 5.0, Resolution::PeriodsPerUnit(0.0)).is_err());
}

#[test]
fn gamma_gamma_needs_repeat_customers_with_positive_spend() {
    let only_new = [Summary::new(0, 0.0, 3.0, None).unwrap()];
    assert_eq!(
        GammaGamma::fit_summaries(&only_new).unwrap_err(),
        ClvError::NoRepeatCustomers
    );
    let spend = |frequency, mean_spend| Spend {
        frequency,
        mean_spend,
    };
    let e = GammaGamma::fit(&[spend(1, 3.0), spend(0, 3.0)], None).unwrap_err();
    assert_eq!(row_field(e), (1, "frequency"));
    let e = GammaGamma::fit(&[spend(1, 3.0), spend(2, 0.0)], None).unwrap_err();
    assert_eq!(row_field(e), (1, "mean_spend"));
    let e = GammaGamma::fit(&[spend(1, 3.0)], Some(&[-1.0])).unwrap_err();
    assert_eq!(row_field(e), (0, "weight"));
    assert!(GammaGamma::fit(&[spend(1, 3.0)], Some(&[1.0, 2.0])).is_err());
}

#[test]
fn weighted_patterns_reject_bad_weights() {
    let p = |weight| Pattern {
        frequency: 1,
        recency: 1.0,
        age: 2.0,
        weight,
    };
    for w in [0.0, -1.0, f64::NAN] {
        let e = Patterns::from_weighted(vec![p(1.0), p(w)]).unwrap_err();
        assert_eq!(row_field(e), (1, "weight"));
    }
}

#[test]
fn bgnbd_without_repeat_purchases_is_an_error() {
    let p = Patterns::from_rfm([(0, 0.0, 5.0), (0, 0.0, 3.0)]).unwrap();
    assert!(matches!(
        BgNbd::fit(&p, TimeUnit::Weeks),
        Err(ClvError::FitFailed { .. })
    ));
}

#[test]
fn predictions_reject_bad_arguments() {
    let params = BgNbdParams {
        r: 0.24,
        alpha: 4.4,
        a: 0.79,
        b: 2.4,
    };
    assert!(BgNbd::new(BgNbdParams { r: -1.0, ..params }, TimeUnit::Weeks).is_err());
    assert!(
        BgNbd::new(
            BgNbdParams {
                a: f64::NAN,
                ..params
            },
            TimeUnit::Weeks
        )
        .is_err()
    );
    let m = BgNbd::new(params, TimeUnit::Weeks).unwrap();
    assert!(matches!(
        m.p_alive(2, 40.0, 38.0),
        Err(ClvError::InvalidArgument {
            field: "recency",
            ..
        })
    ));
    assert!(m.expected_purchases(-1.0, 2, 3.0, 38.0).is_err());
    assert!(m.expected_purchases(f64::NAN, 2, 3.0, 38.0).is_err());
    assert!(m.expected_purchases_unconditional(f64::INFINITY).is_err());
    assert!(m.probability_of_purchases(1, -2.0).is_err());
    assert!(ClvHorizon::new(0, 0.01).is_err());
    assert!(ClvHorizon::new(12, -0.5).is_err());
    assert!(
        ClvHorizon::new(12, 0.01)
            .unwrap()
            .with_month_days(0.0)
            .is_err()
    );
}

//! The CDNOW sample against lifetimes 0.11.3 (and the published Fader-Hardie-Lee estimates).

use rapport_clv::{
    BgNbd, BgNbdParams, ClvHorizon, FittedBgNbd, FittedGammaGamma, GammaGamma,
    LIFETIMES_WEEKS_PER_MONTH, Pattern, Patterns, Summary, TimeUnit, clv, clv_with,
};

pub fn cdnow() -> Vec<Summary> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow_summary.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            let num = |i: usize| rec[i].parse::<f64>().unwrap();
            let x = num(1) as u32;
            let monetary = (x > 0).then(|| num(4));
            Summary::new(x, num(2), num(3), monetary).unwrap()
        })
        .collect()
}

pub const LIFETIMES: BgNbdParams = BgNbdParams {
    r: 0.242593,
    alpha: 4.413532,
    a: 0.792886,
    b: 2.425752,
};

const PUBLISHED: BgNbdParams = BgNbdParams {
    r: 0.243,
    alpha: 4.414,
    a: 0.793,
    b: 2.426,
};

fn rel(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

#[test]
fn bgnbd_fit_matches_lifetimes() {
    let summaries = cdnow();
    assert_eq!(summaries.len(), 2357);
    let patterns = Patterns::from_summaries(&summaries).unwrap();
    let fit = BgNbd::fit(&patterns, TimeUnit::Weeks).unwrap();
    let p = fit.params();
    eprintln!(
        "BG/NBD r={:.6} alpha={:.6} a={:.6} b={:.6} LL={:.4} iterations={} patterns={}",
        p.r,
        p.alpha,
        p.a,
        p.b,
        fit.log_likelihood,
        fit.iterations,
        patterns.len()
    );
    assert!((p.r - LIFETIMES.r).abs() < 5e-4, "r {}", p.r);
    assert!(
        (p.alpha - LIFETIMES.alpha).abs() < 5e-3,
        "alpha {}",
        p.alpha
    );
    assert!((p.a - LIFETIMES.a).abs() < 5e-4, "a {}", p.a);
    assert!((p.b - LIFETIMES.b).abs() < 5e-3, "b {}", p.b);
    assert!(fit.log_likelihood >= -9582.43, "LL {}", fit.log_likelihood);
    assert_eq!(fit.unit(), TimeUnit::Weeks);
    let at_lifetimes = BgNbd::new(LIFETIMES, TimeUnit::Weeks).unwrap();
    assert!((at_lifetimes.log_likelihood(&patterns) + 9582.4256).abs() < 1e-3);
}

#[test]
fn compressed_fit_equals_per_customer_fit() {
    let summaries = cdnow();
    let compressed = Patterns::from_summaries(&summaries).unwrap();
    let rows = Patterns::from_weighted(
        summaries
            .iter()
            .map(|s| Pattern {
                frequency: s.frequency,
                recency: s.recency,
                age: s.age,
                weight: 1.0,
            })
            .collect(),
    )
    .unwrap();
    assert!(compressed.len() < rows.len());
    let a = BgNbd::fit(&compressed, TimeUnit::Weeks).unwrap();
    let b = BgNbd::fit(&rows, TimeUnit::Weeks).unwrap();
    let (pa, pb) = (a.params(), b.params());
    for (x, y) in [
        (pa.r, pb.r),
        (pa.alpha, pb.alpha),
        (pa.a, pb.a),
        (pa.b, pb.b),
    ] {
        assert!(rel(x, y) < 1e-6, "{x} vs {y}");
    }
    assert!((a.log_likelihood - b.log_likelihood).abs() < 1e-6);
}

#[test]
fn gamma_gamma_fit_matches_lifetimes() {
    let fit = GammaGamma::fit_summaries(&cdnow()).unwrap();
    let p = fit.params();
    eprintln!(
        "Gamma-Gamma p={:.6} q={:.6} gamma={:.6} LL={:.4} iterations={}",
        p.p, p.q, p.gamma, fit.log_likelihood, fit.iterations
    );
    assert!((p.p - 6.248802).abs() < 1e-2, "p {}", p.p);
    assert!((p.q - 3.744588).abs() < 1e-2, "q {}", p.q);
    assert!((p.gamma - 15.447748).abs() < 1e-2, "gamma {}", p.gamma);
}

#[test]
fn conditional_predictions_at_lifetimes_params() {
    let m = BgNbd::new(LIFETIMES, TimeUnit::Weeks).unwrap();
    let e = m.expected_purchases(39.0, 2, 30.43, 38.86).unwrap();
    let alive = m.p_alive(2, 30.43, 38.86).unwrap();
    eprintln!("E[X(39)|2,30.43,38.86]={e:.9} P(alive)={alive:.9}");
    assert!(rel(e, 1.2259104) < 1e-6, "{e}");
    assert!(rel(alive, 0.7266091) < 1e-6, "{alive}");
    assert_eq!(m.p_alive(0, 0.0, 38.86).unwrap(), 1.0);
}

#[test]
fn unconditional_expectation() {
    let m = BgNbd::new(LIFETIMES, TimeUnit::Weeks).unwrap();
    for (t, want) in [
        (1.0, 0.0531847),
        (3.0, 0.1506319),
        (32.0, 1.0437372),
        (78.0, 1.8579717),
    ] {
        let got = m.expected_purchases_unconditional(t).unwrap();
        eprintln!("E[X({t})]={got:.7}");
        assert!((got - want).abs() < 1e-3, "t={t}: {got} vs {want}");
    }
}

#[test]
fn probability_of_purchases_at_published_params() {
    let m = BgNbd::new(PUBLISHED, TimeUnit::Weeks).unwrap();
    let p0 = m.probability_of_purchases(0, 39.0).unwrap();
    let p10 = m.probability_of_purchases(10, 2.0).unwrap();
    eprintln!("P(X(39)=0)={p0:.9} P(X(2)=10)={p10:.9e}");
    assert!(rel(p0, 0.5737864) < 1e-6, "{p0}");
    assert!(rel(p10, 1.07869e-07) < 1e-6, "{p10}");
    // The distribution sums to one over a long enough range of counts.
    let total: f64 = (0..400)
        .map(|n| m.probability_of_purchases(n, 39.0).unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
}

/// Both models fitted to the CDNOW summaries in weeks, as lifetimes fits them.
fn fitted_weekly(summaries: &[Summary]) -> (FittedBgNbd, FittedGammaGamma) {
    let patterns = Patterns::from_summaries(summaries).unwrap();
    let bg = BgNbd::fit(&patterns, TimeUnit::Weeks).unwrap();
    (bg, GammaGamma::fit_summaries(summaries).unwrap())
}

#[test]
fn clv_of_customer_one_matches_lifetimes() {
    let summaries = cdnow();
    let (bg, gg) = fitted_weekly(&summaries);
    let lifetimes_month = ClvHorizon::new(12, 0.01)
        .unwrap()
        .with_month_days(LIFETIMES_WEEKS_PER_MONTH * 7.0)
        .unwrap();
    let got = clv_with(&bg, &gg, &summaries[0], &lifetimes_month).unwrap();
    let calendar = clv(&bg, &gg, &summaries[0], 12, 0.01).unwrap();
    eprintln!("CLV customer 1: {got:.7} (4.345-week months), {calendar:.7} (calendar months)");
    assert!(rel(got, 36.2784958) < 1e-4, "{got}");
    assert!(calendar > got);
}

/// lifetimes' default `freq="D"` on weekly data takes each "month" as 30 weeks: labelling a
/// weekly model as daily reproduces that ~7-year horizon, which the carried unit prevents.
#[test]
fn mislabelled_unit_reproduces_the_seven_year_horizon() {
    let summaries = cdnow();
    let (bg, gg) = fitted_weekly(&summaries);
    let wrong = BgNbd::new(bg.params(), TimeUnit::Days).unwrap();
    let thirty = ClvHorizon::new(12, 0.01)
        .unwrap()
        .with_month_days(30.0)
        .unwrap();
    let got = clv_with(&wrong, &gg, &summaries[0], &thirty).unwrap();
    eprintln!("CLV customer 1 with weeks read as days: {got:.4}");
    assert!((got - 140.10).abs() < 0.01, "{got}");
}

#[test]
fn book_predictions_equal_per_customer_predictions() {
    let summaries = cdnow();
    let patterns = Patterns::from_summaries(&summaries).unwrap();
    let bg = BgNbd::fit(&patterns, TimeUnit::Weeks).unwrap();
    let horizon = ClvHorizon::new(12, 0.01).unwrap();
    let book = rapport_clv::predict_patterns(&bg, &patterns, 39.0, &horizon).unwrap();
    let per_customer = patterns.expand(&book).unwrap();
    for (s, p) in summaries.iter().zip(&per_customer) {
        let (x, t_x, age) = (s.frequency, s.recency, s.age);
        let alive = bg.p_alive(x, t_x, age).unwrap();
        let expected = bg.expected_purchases(39.0, x, t_x, age).unwrap();
        let discounted =
            rapport_clv::discounted_expected_purchases(&bg, x, t_x, age, &horizon).unwrap();
        assert!((p.p_alive - alive).abs() < 1e-12);
        assert!((p.expected_purchases - expected).abs() < 1e-12 * expected.max(1.0));
        assert!((p.discounted_purchases - discounted).abs() < 1e-12 * discounted.max(1.0));
    }
}

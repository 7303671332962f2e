//! Properties over the whole input space rather than reference points.

use proptest::prelude::*;
use rapport_clv::{BgNbd, BgNbdParams, TimeUnit};

fn customer() -> impl Strategy<Value = (u32, f64, f64)> {
    (0u32..200, 0.0f64..1.0, 0.01f64..200.0).prop_map(|(x, share, age)| {
        let t_x = if x == 0 { 0.0 } else { (share * age).max(1e-6) };
        (x, t_x, age)
    })
}

fn model() -> impl Strategy<Value = BgNbd> {
    (0.01f64..5.0, 0.1f64..50.0, 0.05f64..5.0, 0.05f64..10.0).prop_map(|(r, alpha, a, b)| {
        BgNbd::new(BgNbdParams { r, alpha, a, b }, TimeUnit::Weeks).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn p_alive_is_a_probability(m in model(), (x, t_x, age) in customer()) {
        let p = m.p_alive(x, t_x, age).unwrap();
        prop_assert!((0.0..=1.0).contains(&p), "{p}");
    }

    #[test]
    fn expected_purchases_non_negative_and_monotone(
        m in model(),
        (x, t_x, age) in customer(),
        t1 in 0.0f64..100.0,
        dt in 0.0f64..100.0,
    ) {
        let e1 = m.expected_purchases(t1, x, t_x, age).unwrap();
        let e2 = m.expected_purchases(t1 + dt, x, t_x, age).unwrap();
        prop_assert!(e1 >= 0.0, "{e1}");
        prop_assert!(e2 >= e1 - 1e-9 * e2.abs().max(1.0), "{e1} > {e2}");
        let u = m.expected_purchases_unconditional(t1).unwrap();
        prop_assert!(u >= 0.0, "{u}");
    }
}

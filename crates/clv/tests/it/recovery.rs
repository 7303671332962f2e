//! Fitting data simulated from known parameters gets them back.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapport_clv::{BgNbd, GammaGamma, Patterns, Spend, Summary, TimeUnit};

use crate::sim::{CDNOW, simulate};

#[test]
fn recovers_simulated_parameters() {
    let mut rng = ChaCha8Rng::seed_from_u64(20_050_101);
    let mut summaries = Vec::new();
    let mut spends = Vec::new();
    for _ in 0..60_000 {
        // Births staggered over the first 12 weeks of a 39-week window, as in CDNOW.
        let age = 39.0 - 12.0 * rng.random::<f64>();
        let c = simulate(&mut rng, &CDNOW, age);
        let x = c.repeats.len() as u32;
        let recency = c.repeats.last().copied().unwrap_or(0.0);
        let mean = (x > 0).then(|| c.spends[1..].iter().sum::<f64>() / f64::from(x));
        summaries.push(Summary::new(x, recency, age, mean).unwrap());
        if let Some(m) = mean {
            spends.push(Spend {
                frequency: x,
                mean_spend: m,
            });
        }
    }
    let bg = BgNbd::fit(
        &Patterns::from_summaries(&summaries).unwrap(),
        TimeUnit::Weeks,
    )
    .unwrap();
    let p = bg.params();
    eprintln!(
        "recovered r={:.4} alpha={:.4} a={:.4} b={:.4}",
        p.r, p.alpha, p.a, p.b
    );
    let close = |got: f64, want: f64, tol: f64| ((got - want) / want).abs() < tol;
    assert!(close(p.r, CDNOW.r, 0.05), "r {}", p.r);
    assert!(close(p.alpha, CDNOW.alpha, 0.08), "alpha {}", p.alpha);
    assert!(close(p.a, CDNOW.a, 0.15), "a {}", p.a);
    assert!(close(p.b, CDNOW.b, 0.20), "b {}", p.b);

    let gg = GammaGamma::fit(&spends, None).unwrap();
    let g = gg.params();
    eprintln!("recovered p={:.4} q={:.4} gamma={:.4}", g.p, g.q, g.gamma);
    assert!(close(g.p, CDNOW.p, 0.10), "p {}", g.p);
    assert!(close(g.q, CDNOW.q, 0.10), "q {}", g.q);
    assert!(close(g.gamma, CDNOW.gamma, 0.15), "gamma {}", g.gamma);
}

//! Seeding, stateless hashing and small sampling helpers.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// SplitMix64 finaliser: a good 64-bit mixer.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A stream-specific hash of `(seed, stream, n)`.
pub fn hash3(seed: u64, stream: u64, n: u64) -> u64 {
    mix(mix(seed ^ mix(stream)) ^ n)
}

/// A uniform value in `[0, 1)` from a hash.
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// An independent RNG for `(seed, stream, index)`.
pub fn rng_for(seed: u64, stream: u64, index: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(hash3(seed, stream, index))
}

pub mod stream {
    pub const REFERENCE: u64 = 1;
    pub const BATCH: u64 = 2;
    pub const KIND: u64 = 3;
    pub const TRANSACTIONS: u64 = 4;
    pub const SOURCES: u64 = 5;
    pub const MISSED_REPAYMENTS: u64 = 6;
    pub const CHURN: u64 = 7;
    pub const CLOSURES: u64 = 8;
    pub const BALANCES: u64 = 9;
}

/// A bijection on `[0, 10^digits)` that scatters consecutive numbers (affine map, digit
/// rotation, affine map). Used to make identifiers unique by construction without looking
/// sequential.
pub fn scramble(x: u64, digits: u32, salt: u64) -> u64 {
    let m = 10u64.pow(digits);
    // Multipliers coprime with 10 keep the affine maps bijective.
    let a = (mix(salt) % (m / 10)) * 10 + 3;
    let b = mix(salt ^ 0xABCD) % m;
    let c = (mix(salt ^ 0x1234) % (m / 10)) * 10 + 7;
    let d = mix(salt ^ 0x5678) % m;
    let y = ((x % m) as u128 * a as u128 + b as u128) % m as u128;
    let half = 10u128.pow(digits / 2);
    let rest = m as u128 / half;
    let y = (y % half) * rest + y / half;
    ((y * c as u128 + d as u128) % m as u128) as u64
}

/// Draws an index from integer weights.
pub fn weighted<R: Rng + ?Sized>(rng: &mut R, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u64 = weights.clone().map(u64::from).sum();
    if total == 0 {
        return 0;
    }
    let mut x = rng.random_range(0..total);
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        let w = u64::from(w);
        if x < w {
            return i;
        }
        x -= w;
        last = i;
    }
    last
}

/// The element at `i`, or the last one if `i` is past the end. `items` must be non-empty.
// why: its only callers are `pick`, `pick_ref` and `pick_weighted`, which only ever draw from
// non-empty slices: const tables and literal arrays, a city's districts (`reference::build`
// rejects a city without any), a batch's organisations, a sub-branch's RMs and a name's homophone
// candidates (each checked non-empty by the caller). `pick_ref` draws `i` below the length and
// `pick_weighted` gets it from `weighted`, so the clamp never applies. Returning `Option` would
// push a fallback that cannot occur into their ~28 callers, and the draws must stay exactly as
// they are for the output to remain byte-identical.
#[allow(clippy::indexing_slicing)]
fn at_or_last<T>(items: &[T], i: usize) -> &T {
    &items[i.min(items.len().saturating_sub(1))]
}

/// Picks from a non-empty `(value, weight)` table.
pub fn pick_weighted<R: Rng + ?Sized, T: Copy>(rng: &mut R, table: &[(T, u32)]) -> T {
    let i = weighted(rng, table.iter().map(|(_, w)| *w));
    at_or_last(table, i).0
}

/// Picks uniformly from a non-empty slice.
pub fn pick<R: Rng + ?Sized, T: Copy>(rng: &mut R, items: &[T]) -> T {
    *pick_ref(rng, items)
}

/// Picks uniformly from a non-empty slice, by reference.
pub fn pick_ref<'a, R: Rng + ?Sized, T>(rng: &mut R, items: &'a [T]) -> &'a T {
    at_or_last(items, rng.random_range(0..items.len()))
}

/// A standard normal sample (Box–Muller).
pub fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A log-normal sample with the given median and log-standard deviation.
pub fn lognormal<R: Rng + ?Sized>(rng: &mut R, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Appends the Luhn check digit to a string of digits.
pub fn with_luhn(body: &str) -> String {
    let mut sum = 0u32;
    for (i, b) in body.bytes().rev().enumerate() {
        let mut v = u32::from(b - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    let check = (10 - sum % 10) % 10;
    format!("{body}{check}")
}

/// Whether a string of digits passes the Luhn check.
pub fn luhn_valid(number: &str) -> bool {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut digits = number.chars();
    digits.next_back();
    with_luhn(digits.as_str()) == number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scramble_is_a_bijection() {
        let mut seen = std::collections::HashSet::new();
        for x in 0..100_000u64 {
            assert!(seen.insert(scramble(x, 5, 7)));
        }
        let mut seen = std::collections::HashSet::new();
        for x in 0..1000u64 {
            assert!(seen.insert(scramble(x, 3, 99)));
        }
    }

    #[test]
    fn luhn() {
        assert_eq!(with_luhn("7992739871"), "79927398713");
        assert!(luhn_valid("4539578763621486"));
        assert!(!luhn_valid("4539578763621487"));
    }
}

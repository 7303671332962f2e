//! Rate limits counted in the store (issue 20): a bucket (`login-user:rm.a`,
//! `identifier-search:7` …) counts hits in fixed windows of a given length, so that every
//! application node reads and bumps the same counters. The statements are written once and
//! run as they are by both backends (`$n` placeholders, `ON CONFLICT … RETURNING`).
use chrono::{DateTime, Utc};

/// Counts one hit in the window and returns the window's hits, this one included.
pub const HIT: &str = "INSERT INTO throttle (bucket, window_start, hits) VALUES ($1, $2, 1) \
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = throttle.hits + 1 RETURNING hits";
/// The window's hits so far (no row: none).
pub const HITS: &str = "SELECT hits FROM throttle WHERE bucket = $1 AND window_start = $2";
/// Forgets the bucket's earlier windows, so the table holds about one row per live bucket.
pub const PRUNE: &str = "DELETE FROM throttle WHERE bucket = $1 AND window_start < $2";

/// Longest bucket name kept; longer ones are cut (they are built from bounded parts anyway).
pub const MAX_BUCKET_CHARS: usize = 200;

/// The start (Unix seconds) of the window of `window_secs` that holds `now`.
pub fn window_start(now: DateTime<Utc>, window_secs: i64) -> i64 {
    let t = now.timestamp();
    let w = window_secs.max(1);
    t - t.rem_euclid(w)
}

/// The bucket as stored: printable characters only, bounded.
pub fn bucket_name(bucket: &str) -> String {
    bucket
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_BUCKET_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_fixed_and_aligned() {
        let t = Utc.with_ymd_and_hms(2026, 7, 1, 10, 7, 30).unwrap();
        assert_eq!(window_start(t, 60) % 60, 0);
        assert_eq!(window_start(t, 60), t.timestamp() - 30);
        assert_eq!(window_start(t, 900), t.timestamp() - 7 * 60 - 30);
        assert_eq!(bucket_name("a\nb"), "ab");
    }
}

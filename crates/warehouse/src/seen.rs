//! Keys already loaded from this file, to refuse a second row with the same key.
//!
//! Memory is 16 bytes a row (about 300 MB for a 10-million-row file) instead of the keys
//! themselves: canonical decimal keys (what core banking issues) are stored as numbers, exactly;
//! other keys as a 128-bit keyed hash, where a false match is about as likely as a disk
//! returning wrong bytes (10⁻²³ for ten million keys).
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

/// Spreads a key that is either already random (the 128-bit hashes) or sequential (the numbers)
/// over the table's buckets.
#[derive(Default)]
pub(crate) struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            for (slot, byte) in b.iter_mut().zip(chunk) {
                *slot = *byte;
            }
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        let x = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 29);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
}

type Fast<K> = HashMap<K, u64, BuildHasherDefault<Mix>>;

pub(crate) struct SeenKeys {
    numbers: Fast<u64>,
    hashed: Fast<u128>,
    keys: (RandomState, RandomState),
}

impl SeenKeys {
    pub(crate) fn new() -> Self {
        Self {
            numbers: Fast::default(),
            hashed: Fast::default(),
            keys: (RandomState::new(), RandomState::new()),
        }
    }

    /// Records `key` as seen on `line`; if it was seen before, returns that earlier line.
    pub(crate) fn first_line(&mut self, key: &str, line: u64) -> Option<u64> {
        self.record(key, line, false)
    }

    /// Records `key` as first seen on `line`, whatever was recorded before.
    pub(crate) fn set_line(&mut self, key: &str, line: u64) {
        self.record(key, line, true);
    }

    fn record(&mut self, key: &str, line: u64, replace: bool) -> Option<u64> {
        if let Some(n) = canonical_number(key) {
            return insert(&mut self.numbers, n, line, replace);
        }
        let h =
            (u128::from(self.keys.0.hash_one(key)) << 64) | u128::from(self.keys.1.hash_one(key));
        insert(&mut self.hashed, h, line, replace)
    }
}

fn insert<K: std::hash::Hash + Eq>(
    map: &mut Fast<K>,
    key: K,
    line: u64,
    replace: bool,
) -> Option<u64> {
    match map.entry(key) {
        std::collections::hash_map::Entry::Occupied(mut e) => {
            let first = *e.get();
            if replace {
                e.insert(line);
            }
            Some(first)
        }
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(line);
            None
        }
    }
}

/// `Some` only for digits without a leading zero, so that `007` and `7` stay different keys.
fn canonical_number(key: &str) -> Option<u64> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 19 || (b.first() == Some(&b'0') && b.len() > 1) {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text_keys_are_told_apart() {
        let mut seen = SeenKeys::new();
        assert_eq!(seen.first_line("7", 2), None);
        assert_eq!(seen.first_line("007", 3), None);
        assert_eq!(seen.first_line("T-7", 4), None);
        assert_eq!(seen.first_line("7", 5), Some(2));
        assert_eq!(seen.first_line("007", 6), Some(3));
        assert_eq!(seen.first_line("T-7", 7), Some(4));
    }
}

//! Blocking: only records sharing at least one key are compared.
use std::collections::HashMap;

use chrono::Datelike;

use crate::standardise::Standardised;

/// The blocking keys of a record (shared with the real-time index).
pub(crate) fn keys(s: &Standardised) -> Vec<String> {
    let mut k = Vec::new();
    if let Some(id) = &s.id {
        let d = id.digits();
        k.push(format!("id:{d}"));
        // One mistyped digit leaves two of region+birth, birth+sequence and region+sequence
        // intact (an 18-character ID: region 0..6, birth 6..14, sequence and check 14..18).
        if d.len() == 18
            && d.is_ascii()
            && let (Some(region_birth), Some(birth_sequence), Some(region), Some(sequence)) =
                (d.get(..14), d.get(6..), d.get(..6), d.get(14..))
        {
            k.push(format!("id<:{region_birth}"));
            k.push(format!("id>:{birth_sequence}"));
            k.push(format!("id=:{region}{sequence}"));
        }
    }
    if let Some(m) = &s.mobile {
        k.push(format!("m:{m}"));
    }
    if let Some(e) = &s.email {
        k.push(format!("e:{e}"));
    }
    for p in s.pinyin.iter().take(2) {
        if let Some(b) = s.birth {
            k.push(format!("pb:{p}:{}", b.year()));
        }
        if let Some(d) = &s.district {
            k.push(format!("pd:{p}:{d}"));
        }
    }
    if let (Some(sp), Some(b)) = (&s.surname_pinyin, s.birth) {
        k.push(format!("sb:{sp}:{b}"));
    }
    if let Some(b) = s.birth {
        for w in s.name_words.iter().filter(|w| w.len() >= 2) {
            k.push(format!("wb:{w}:{b}"));
        }
    }
    // A name written in letters with the start of the address (the house number and street),
    // for records whose identifiers and places were all mistyped.
    if let Some(a) = &s.address {
        let start: String = a.chars().take(8).collect();
        if start.chars().count() >= 4 {
            for w in s.name_words.iter().filter(|w| w.len() >= 3) {
                k.push(format!("wa:{w}:{start}"));
            }
        }
    }
    if let Some(o) = &s.other_id {
        k.push(format!("o:{o}"));
        // A mistyped character leaves one half intact.
        // Halves by bytes (identifiers are ASCII); a cut inside a character gives no halves.
        let half = o.len() / 2;
        if half >= 3
            && let Some((front, back)) = o.split_at_checked(half)
        {
            k.push(format!("o<:{front}"));
            k.push(format!("o>:{back}"));
        }
    }
    // Where the source keeps postcode and locality apart, they narrow a name or a birth year
    // as the district does for a Chinese address.
    let prefix: Option<String> = s.pinyin.first().map(|p| p.chars().take(3).collect());
    for place in [&s.postcode, &s.locality].into_iter().flatten() {
        if let Some(b) = s.birth {
            k.push(format!("yb:{place}:{}", b.year()));
        }
        if let Some(p) = &prefix {
            k.push(format!("np:{place}:{p}"));
        }
        // Each word alone, so a swapped or mistyped other half still meets.
        for w in s.name_words.iter().filter(|w| w.len() >= 2) {
            k.push(format!("wp:{place}:{w}"));
        }
        if let Some(b) = s.birth {
            k.push(format!("bp:{place}:{b}"));
        }
    }
    k
}

/// A record with no identifier and no birth date (a call-center note of a caller's name and
/// an old phone): no key above finds its other records, only its name can.
pub(crate) fn weak(s: &Standardised) -> bool {
    s.id.is_none() && s.birth.is_none() && s.other_id.is_none()
}

/// The name block of a record: its usual full-pinyin spelling, so that 张伟, 章伟 and
/// `ZHANG WEI` meet. A name block pairs each weak record with every other member; pairs of
/// records that both have better keys are left to those keys.
pub(crate) fn name_key(s: &Standardised) -> Option<String> {
    s.pinyin.first().map(|p| format!("n:{p}"))
}

/// Name blocks larger than this are skipped: with more namesakes than this, a name alone can
/// never outweigh the prior, so pairing them would only cost time.
pub(crate) const MAX_NAME_BLOCK: usize = 8;

/// Candidate pairs `(i, j)` with `i < j`, each once. Blocks larger than `max_block` are
/// skipped: a key that many records share identifies nobody.
pub fn candidate_pairs(records: &[Standardised], max_block: usize) -> Vec<(usize, usize)> {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    let mut name_blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        for k in keys(r) {
            blocks.entry(k).or_default().push(i);
        }
        if let Some(k) = name_key(r) {
            name_blocks.entry(k).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for members in name_blocks
        .values()
        .filter(|m| m.len() > 1 && m.len() <= MAX_NAME_BLOCK.min(max_block))
    {
        for &w in members
            .iter()
            .filter(|&&i| records.get(i).is_some_and(weak))
        {
            for &other in members.iter().filter(|&&o| o != w) {
                pairs.push((w.min(other), w.max(other)));
            }
        }
    }
    for members in blocks
        .values()
        .filter(|m| m.len() > 1 && m.len() <= max_block)
    {
        for (x, &a) in members.iter().enumerate() {
            for &b in members.iter().skip(x + 1) {
                pairs.push((a.min(b), a.max(b)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

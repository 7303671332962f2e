//! Search keys (R1.7), the same on every backend.
//!
//! Each party gets a set of string keys in one indexed column, each prefixed by its kind, and
//! a query is turned into exact keys and key prefixes. A prefix match on the *suffixes* of a
//! hanzi name finds any part of it (`伟` finds 张伟); pinyin is indexed with and without tone-less
//! spaces removed, as initials, and a query of 5+ letters also matches every spelling one edit
//! away. Keys of identifiers are plaintext here; the security issue replaces them by keyed
//! blind indexes without changing this interface.
use rapport_domain::records::{AccountRecord, PartyRecord};
use rapport_domain::{PartyKind, ResidentId, names};

pub const NAME: &str = "n:";
pub const PINYIN: &str = "p:";
pub const INITIALS: &str = "i:";
pub const MOBILE: &str = "m:";
pub const MOBILE_LAST4: &str = "l:";
pub const RESIDENT_ID: &str = "r:";
pub const USCC: &str = "u:";
pub const CUSTOMER_NUMBER: &str = "c:";
pub const ACCOUNT: &str = "a:";

/// Shortest pinyin query that also matches spellings with one typo.
pub const FUZZY_MIN_LETTERS: usize = 5;

/// The search keys of a party (its accounts add theirs through [`account_keys`]).
pub fn party_keys(party: &PartyRecord) -> Vec<String> {
    let mut keys = Vec::with_capacity(12);
    let hanzi: String = party.name.chars().filter(|c| names::is_hanzi(*c)).collect();
    let chars: Vec<char> = hanzi.chars().collect();
    // Organisation names are long; their suffixes from every position would bloat the index,
    // so index only the full name and suffixes of at most 8 characters.
    for start in 0..chars.len() {
        let suffix: String = chars.iter().skip(start).take(8).collect();
        push_unique(&mut keys, format!("{NAME}{suffix}"));
    }
    if party.kind != PartyKind::Organisation {
        for p in names::full_pinyin_keys(&hanzi) {
            push_unique(&mut keys, format!("{PINYIN}{p}"));
        }
        for i in names::initials_keys(&hanzi) {
            push_unique(&mut keys, format!("{INITIALS}{i}"));
        }
    }
    if let Some(m) = &party.mobile {
        keys.push(format!("{MOBILE}{}", m.as_str()));
        keys.push(format!("{MOBILE_LAST4}{}", m.last4()));
    }
    if let Some(id) = &party.resident_id {
        keys.push(format!("{RESIDENT_ID}{}", id.as_str()));
    }
    if let Some(u) = &party.uscc {
        keys.push(format!("{USCC}{}", u.as_str()));
    }
    keys.push(format!(
        "{CUSTOMER_NUMBER}{}",
        party.customer_number.as_str()
    ));
    keys
}

pub fn account_keys(account: &AccountRecord) -> Vec<String> {
    vec![format!("{ACCOUNT}{}", account.account_number)]
}

fn push_unique(keys: &mut Vec<String>, key: String) {
    if !keys.contains(&key) {
        keys.push(key);
    }
}

/// How many key matches one term may contribute when the viewer sees the whole bank: a broad
/// term (`伟`, `zw`) matches tens of thousands of customers, and the first page of them is what
/// a person can use; past that, a narrower term serves them better than a slow answer.
pub const BANK_WIDE_CANDIDATES: i64 = 200;

/// Candidates of a term with many keys (the one-typo spellings) in a narrow scope: each key
/// is selective, so this bound is only a safety net.
pub const SPELLINGS_CANDIDATES: i64 = 5_000;

/// Exact matches with more keys than this (one-typo spellings) are found from the keys even in
/// a narrow scope: each key is selective, and there are hundreds of them.
const SCOPE_DRIVEN_MAX_KEYS: usize = 8;

/// Where a backend starts looking for one match's candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drive {
    /// From the RM's portfolio (a few hundred parties) to their keys: exact however broad the
    /// term, and cheap.
    Portfolio(rapport_domain::StaffId),
    /// From the parties of a branch subtree to their keys: exact, and cheap for a branch.
    Branch(rapport_domain::BranchId),
    /// From the key index, keeping at most `cap` candidates before the scope filter.
    Keys { cap: i64 },
}

/// The plan for one match under a scope.
pub fn drive(scope: rapport_domain::DataScope, m: &KeyMatch) -> Drive {
    use rapport_domain::DataScope;
    let few_keys = match m {
        KeyMatch::Prefix { .. } => true,
        KeyMatch::Exact { keys, .. } => keys.len() <= SCOPE_DRIVEN_MAX_KEYS,
    };
    match scope {
        DataScope::Portfolio(staff) if few_keys => Drive::Portfolio(staff),
        DataScope::BranchSubtree(branch) if few_keys => Drive::Branch(branch),
        DataScope::All => Drive::Keys {
            cap: BANK_WIDE_CANDIDATES,
        },
        _ => Drive::Keys {
            cap: SPELLINGS_CANDIDATES,
        },
    }
}

/// How one part of a query matches keys. Lower rank sorts first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMatch {
    Exact {
        keys: Vec<String>,
        rank: i32,
    },
    /// Keys in `[low, high)`: everything that starts with the prefix `low`.
    Prefix {
        low: String,
        high: String,
        rank: i32,
    },
}

impl KeyMatch {
    pub fn rank(&self) -> i32 {
        match self {
            Self::Exact { rank, .. } | Self::Prefix { rank, .. } => *rank,
        }
    }
}

/// The rank of one-typo spellings.
const TYPO_RANK: i32 = 2;

/// A parsed free-text query: never an error, possibly matching nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    pub text: String,
    pub matches: Vec<KeyMatch>,
}

impl SearchQuery {
    pub fn parse(input: &str) -> Self {
        let text: String = input
            .chars()
            .map(fold_full_width)
            .collect::<String>()
            .trim()
            .to_owned();
        let mut matches = Vec::new();
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_lowercase();
        if compact.is_empty() || compact.chars().count() > 64 {
            return Self { text, matches };
        }
        if names::has_hanzi(&compact) {
            let hanzi: String = compact.chars().filter(|c| names::is_hanzi(*c)).collect();
            matches.push(prefix(NAME, &hanzi, 0));
        } else if compact.bytes().all(|b| b.is_ascii_digit()) || is_id_like(&compact) {
            digits_matches(&compact, &mut matches);
        } else if let Some(rest) = compact.strip_prefix('c')
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            let number = format!("C{rest}");
            if rest.len() == 10 {
                matches.push(exact(vec![format!("{CUSTOMER_NUMBER}{number}")], 0));
            } else {
                matches.push(prefix(CUSTOMER_NUMBER, &number, 1));
            }
        } else if compact.bytes().all(|b| b.is_ascii_lowercase()) {
            pinyin_matches(&compact, &mut matches);
        } else if compact.len() == 18 {
            // Could be a unified social credit code.
            matches.push(exact(
                vec![format!("{USCC}{}", compact.to_ascii_uppercase())],
                0,
            ));
        }
        Self { text, matches }
    }

    pub fn is_empty(&self) -> bool {
        self.matches.is_empty()
    }

    /// The query without prefix matches on identifiers the viewer sees masked: a prefix search
    /// would answer, digit by digit, what the mask hides (`138****5678` rebuilt in forty
    /// searches). A whole identifier and a mobile's last four still match.
    pub fn for_policy(mut self, policy: &rapport_domain::FieldPolicy) -> Self {
        self.matches.retain(|m| match m {
            KeyMatch::Prefix { low, .. } => match low.get(..2) {
                Some(MOBILE) => policy.mobile,
                Some(ACCOUNT) => policy.account_number,
                Some(RESIDENT_ID) => policy.resident_id,
                _ => true,
            },
            KeyMatch::Exact { .. } => true,
        });
        self
    }

    /// The whole identifier the query searches for, if it is one — `("mobile", "13812345678")`,
    /// `("resident_id", …)` or `("account_number", …)` — for the rate limit and the audit of
    /// such searches (which record its kind, never the value).
    pub fn whole_identifier(&self) -> Option<(&'static str, String)> {
        self.matches.iter().find_map(|m| match m {
            KeyMatch::Exact { keys, .. } => keys.first().and_then(|k| {
                let (kind, value) = k.split_at_checked(2)?;
                let kind = match kind {
                    MOBILE => "mobile",
                    RESIDENT_ID => "resident_id",
                    ACCOUNT => "account_number",
                    _ => return None,
                };
                Some((kind, value.to_owned()))
            }),
            KeyMatch::Prefix { .. } => None,
        })
    }

    /// The query without its one-typo spellings, if it has any. Backends run this first and
    /// fall back to the whole query only when it does not fill a page: typo tolerance is for
    /// when the exact spelling finds too little, and it is the expensive part.
    pub fn without_typos(&self) -> Option<SearchQuery> {
        let exact: Vec<KeyMatch> = self
            .matches
            .iter()
            .filter(|m| m.rank() < TYPO_RANK)
            .cloned()
            .collect();
        (exact.len() < self.matches.len() && !exact.is_empty()).then(|| SearchQuery {
            text: self.text.clone(),
            matches: exact,
        })
    }

    /// What kinds of key the query was read as (`name`, `pinyin`, `mobile_last4` …), for the
    /// audit trail, which must record what was searched for without the searched value.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds = Vec::new();
        for m in &self.matches {
            let key = match m {
                KeyMatch::Exact { keys, .. } => keys.first().map(String::as_str).unwrap_or(""),
                KeyMatch::Prefix { low, .. } => low.as_str(),
            };
            let kind = match key.get(..2) {
                Some(NAME) => "name",
                Some(PINYIN) => "pinyin",
                Some(INITIALS) => "initials",
                Some(MOBILE) => "mobile",
                Some(MOBILE_LAST4) => "mobile_last4",
                Some(RESIDENT_ID) => "resident_id",
                Some(USCC) => "uscc",
                Some(CUSTOMER_NUMBER) => "customer_number",
                Some(ACCOUNT) => "account_number",
                _ => "other",
            };
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds
    }
}

fn is_id_like(s: &str) -> bool {
    s.len() == 18
        && s.get(..17)
            .is_some_and(|body| body.bytes().all(|b| b.is_ascii_digit()))
        && s.ends_with('x')
}

fn digits_matches(d: &str, out: &mut Vec<KeyMatch>) {
    match d.len() {
        4 => out.push(exact(vec![format!("{MOBILE_LAST4}{d}")], 0)),
        10 => out.push(exact(vec![format!("{CUSTOMER_NUMBER}C{d}")], 0)),
        11 if d.starts_with('1') => out.push(exact(vec![format!("{MOBILE}{d}")], 0)),
        15 | 18 => {
            let id = ResidentId::parse(d)
                .map(|id| id.as_str().to_owned())
                .unwrap_or_else(|_| d.to_ascii_uppercase());
            out.push(exact(vec![format!("{RESIDENT_ID}{id}")], 0));
            if d.len() == 18 {
                out.push(exact(vec![format!("{ACCOUNT}{d}")], 0));
            }
        }
        16..=19 => out.push(exact(vec![format!("{ACCOUNT}{d}")], 0)),
        _ => {}
    }
    if (6..16).contains(&d.len()) {
        out.push(prefix(ACCOUNT, d, 2));
    }
    if (5..11).contains(&d.len()) && d.starts_with('1') {
        out.push(prefix(MOBILE, d, 2));
    }
}

fn pinyin_matches(s: &str, out: &mut Vec<KeyMatch>) {
    let mut exact_keys = vec![format!("{PINYIN}{s}")];
    if s.len() <= 4 {
        exact_keys.push(format!("{INITIALS}{s}"));
    }
    out.push(exact(exact_keys, 0));
    out.push(prefix(PINYIN, s, 1));
    if s.len() >= FUZZY_MIN_LETTERS {
        let variants = one_edit_variants(s)
            .into_iter()
            .map(|v| format!("{PINYIN}{v}"))
            .collect();
        out.push(exact(variants, TYPO_RANK));
    }
}

fn exact(keys: Vec<String>, rank: i32) -> KeyMatch {
    KeyMatch::Exact { keys, rank }
}

fn prefix(kind: &str, value: &str, rank: i32) -> KeyMatch {
    let low = format!("{kind}{value}");
    let high = successor(&low);
    KeyMatch::Prefix { low, high, rank }
}

/// The smallest string greater than every string that starts with `s` (byte/code-point order,
/// which is SQLite's BINARY and PostgreSQL's "C" collation).
fn successor(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) =
            char::from_u32(last as u32 + 1).or_else(|| char::from_u32(last as u32 + 0x801))
        {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    String::from(char::MAX)
}

/// Every lower-case ASCII string at Damerau–Levenshtein distance exactly one.
pub fn one_edit_variants(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(54 * (b.len() + 1));
    let mut push = |v: Vec<u8>| {
        if let Ok(v) = String::from_utf8(v)
            && v != s
        {
            out.push(v);
        }
    };
    for (i, &here) in b.iter().enumerate() {
        let mut v = b.to_vec();
        v.remove(i);
        push(v);
        if b.get(i + 1).is_some_and(|&next| next != here) {
            let mut v = b.to_vec();
            v.swap(i, i + 1);
            push(v);
        }
        for c in b'a'..=b'z' {
            if c != here {
                let mut v = b.to_vec();
                if let Some(slot) = v.get_mut(i) {
                    *slot = c;
                }
                push(v);
            }
        }
    }
    for i in 0..=b.len() {
        for c in b'a'..=b'z' {
            let mut v = b.to_vec();
            v.insert(i, c);
            push(v);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_identifiers_are_not_searched_by_prefix() {
        use rapport_domain::{FieldPolicy, Role};
        let agent = FieldPolicy::for_role(Role::ServiceAgent);
        let rm = FieldPolicy::for_role(Role::Rm);
        let prefixes = |q: &SearchQuery| {
            q.matches
                .iter()
                .filter(|m| matches!(m, KeyMatch::Prefix { .. }))
                .count()
        };
        // Seven digits: a mobile prefix and an account prefix.
        assert_eq!(prefixes(&SearchQuery::parse("1381234")), 2);
        assert_eq!(
            prefixes(&SearchQuery::parse("1381234").for_policy(&agent)),
            0
        );
        // An RM sees mobiles in clear, account numbers masked.
        assert_eq!(prefixes(&SearchQuery::parse("1381234").for_policy(&rm)), 1);
        let q = SearchQuery::parse("13812345678").for_policy(&agent);
        assert_eq!(
            q.whole_identifier(),
            Some(("mobile", "13812345678".to_owned()))
        );
        assert_eq!(SearchQuery::parse("5678").whole_identifier(), None);
        assert_eq!(SearchQuery::parse("张伟").whole_identifier(), None);
        assert_eq!(
            SearchQuery::parse("6222021234567890128")
                .whole_identifier()
                .map(|(k, _)| k),
            Some("account_number")
        );
    }

    #[test]
    fn multi_byte_queries_parse_without_panicking() {
        for q in [
            "1234567890123456é",
            "1234567890123456éx",
            "张伟é1x",
            "ｘ12345678901234567",
            "é",
        ] {
            let _ = SearchQuery::parse(q);
        }
    }

    fn keys_of(q: &str) -> Vec<String> {
        SearchQuery::parse(q)
            .matches
            .into_iter()
            .flat_map(|m| match m {
                KeyMatch::Exact { keys, .. } => keys,
                KeyMatch::Prefix { low, .. } => vec![format!("{low}*")],
            })
            .collect()
    }

    #[test]
    fn classifies_queries() {
        assert_eq!(keys_of("张伟"), vec!["n:张伟*"]);
        assert_eq!(keys_of("  伟 "), vec!["n:伟*"]);
        assert!(keys_of("zhang wei").contains(&"p:zhangwei".to_owned()));
        assert!(keys_of("zw").contains(&"i:zw".to_owned()));
        assert_eq!(keys_of("5678"), vec!["l:5678"]);
        assert!(keys_of("13812345678").contains(&"m:13812345678".to_owned()));
        assert!(keys_of("１３８１２３４５６７８").contains(&"m:13812345678".to_owned()));
        assert!(keys_of("110105491231002").contains(&"r:11010519491231002X".to_owned()));
        assert!(keys_of("11010519491231002x").contains(&"r:11010519491231002X".to_owned()));
        assert_eq!(keys_of("C0000000042"), vec!["c:C0000000042"]);
        assert!(keys_of("6222021234567890123").contains(&"a:6222021234567890123".to_owned()));
    }

    #[test]
    fn free_text_never_fails() {
        for q in [
            "",
            "   ",
            "!!!",
            "'; DROP TABLE parties; --",
            "%",
            "_",
            "\u{0}",
            &"x".repeat(10_000),
        ] {
            let _ = SearchQuery::parse(q);
        }
        assert!(SearchQuery::parse("%").is_empty());
    }

    #[test]
    fn fuzzy_pinyin_covers_one_typo() {
        let v = one_edit_variants("zhangwie");
        assert!(v.contains(&"zhangwei".to_owned()));
        assert!(one_edit_variants("zhanwei").contains(&"zhangwei".to_owned()));
        assert!(one_edit_variants("zhangxei").contains(&"zhangwei".to_owned()));
        assert!(
            !keys_of("zwm")
                .iter()
                .any(|k| k.len() > 6 && k.starts_with("p:") && !k.ends_with('*') && k != "p:zwm")
        );
    }

    #[test]
    fn successor_bounds_prefixes() {
        assert_eq!(successor("p:zhang"), "p:zhanh");
        assert!(successor("n:张").as_str() > "n:张伟");
    }
}

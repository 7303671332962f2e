//! Protection of identifiers at rest (T-14), the same on every backend: resident ID numbers,
//! mobiles and account/card numbers are stored encrypted (bound to their row), and their
//! search keys are keyed blind indexes, so exact search keeps working without plaintext.
use std::sync::Arc;

use rapport_crypto::KeyRing;

use crate::search::{ACCOUNT, KeyMatch, MOBILE, MOBILE_LAST4, RESIDENT_ID, SearchQuery};
use crate::{StoreError, StoreResult};

/// Search-key kinds whose values are personal identifiers: blinded before storage and lookup.
const SENSITIVE_KEYS: [&str; 4] = [MOBILE, MOBILE_LAST4, RESIDENT_ID, ACCOUNT];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ResidentId,
    Mobile,
    AccountNumber,
    /// A source record's identifiers, bound to `<source system>/<source key>`.
    SourceResidentId,
    SourceMobile,
    /// A source account's number, bound to its blind key.
    SourceAccountNumber,
}

impl Field {
    fn context(self, row: &str) -> String {
        let column = match self {
            Self::ResidentId => "parties.resident_id",
            Self::Mobile => "parties.mobile",
            Self::AccountNumber => "accounts.account_number",
            Self::SourceResidentId => "source_records.resident_id",
            Self::SourceMobile => "source_records.mobile",
            Self::SourceAccountNumber => "source_accounts.account_number",
        };
        format!("{column}:{row}")
    }
}

#[derive(Debug, Clone)]
pub struct Protector {
    keys: Arc<KeyRing>,
}

impl Protector {
    pub fn new(keys: Arc<KeyRing>) -> Self {
        Self { keys }
    }

    /// Encrypts a value for `row` (the party id, or an account's blind key).
    pub fn seal(&self, field: Field, row: &str, plain: &str) -> StoreResult<String> {
        self.keys
            .encrypt(&field.context(row), plain)
            .map_err(|e| StoreError::Database(e.to_string()))
    }

    /// Decrypts a stored value. A value written before encryption existed (no key prefix) is
    /// returned as it is until the background protection pass re-writes it.
    pub fn open(&self, field: Field, row: &str, stored: &str) -> StoreResult<String> {
        if !is_sealed(stored) {
            return Ok(stored.to_owned());
        }
        self.keys
            .decrypt(&field.context(row), stored)
            .map_err(|e| StoreError::Database(e.to_string()))
    }

    pub fn open_opt(
        &self,
        field: Field,
        row: &str,
        stored: Option<String>,
    ) -> StoreResult<Option<String>> {
        stored.map(|s| self.open(field, row, &s)).transpose()
    }

    /// Whether a stored value is plaintext or under an older key.
    pub fn needs_work(&self, stored: &str) -> bool {
        !is_sealed(stored) || self.keys.needs_reencryption(stored)
    }

    /// The row a source record's identifiers are sealed to.
    pub fn source_row(system: rapport_domain::SourceSystem, key: &str) -> String {
        format!("{}/{key}", system.as_str())
    }

    /// The stored form of an account number's key column: its blind index.
    pub fn account_key(&self, number: &str) -> String {
        self.keys.blind_index(ACCOUNT, number)
    }

    /// A search key as stored: identifier keys blinded, names and customer numbers as they are.
    pub fn search_key(&self, key: String) -> String {
        match SENSITIVE_KEYS
            .iter()
            .find_map(|p| Some((*p, key.strip_prefix(*p)?)))
        {
            Some((prefix, rest)) => format!("{prefix}{}", self.keys.blind_index(prefix, rest)),
            None => key,
        }
    }

    /// The query with its identifier keys blinded like the stored ones. Prefix matches on
    /// identifiers cannot be blinded and are dropped: identifiers are found by exact value.
    pub fn protect_query(&self, q: &SearchQuery) -> SearchQuery {
        let matches = q
            .matches
            .iter()
            .filter_map(|m| match m {
                KeyMatch::Exact { keys, rank } => Some(KeyMatch::Exact {
                    keys: keys.iter().map(|k| self.search_key(k.clone())).collect(),
                    rank: *rank,
                }),
                KeyMatch::Prefix { low, .. }
                    if SENSITIVE_KEYS.iter().any(|p| low.starts_with(*p)) =>
                {
                    None
                }
                other => Some(other.clone()),
            })
            .collect();
        SearchQuery {
            text: q.text.clone(),
            matches,
        }
    }
}

/// Ciphertexts look like `k<key id>:<base64>`; no identifier does.
fn is_sealed(stored: &str) -> bool {
    stored
        .strip_prefix('k')
        .and_then(|s| s.split_once(':'))
        .is_some_and(|(id, _)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_sealed_and_blinded_but_names_are_not() {
        let p = Protector::new(Arc::new(KeyRing::generate()));
        let sealed = p.seal(Field::Mobile, "42", "13812345678").unwrap();
        assert!(is_sealed(&sealed) && !sealed.contains("13812345678"));
        assert_eq!(p.open(Field::Mobile, "42", &sealed).unwrap(), "13812345678");
        assert!(
            p.open(Field::Mobile, "43", &sealed).is_err(),
            "bound to its row"
        );
        assert_eq!(
            p.open(Field::Mobile, "42", "13812345678").unwrap(),
            "13812345678",
            "legacy plaintext"
        );
        assert!(p.needs_work("13812345678") && !p.needs_work(&sealed));

        let blinded = p.search_key("m:13812345678".into());
        assert!(blinded.starts_with("m:") && !blinded.contains("13812345678"));
        assert_eq!(p.search_key("n:张伟".into()), "n:张伟");
        assert_eq!(p.search_key("c:C0000000001".into()), "c:C0000000001");

        let q = p.protect_query(&SearchQuery::parse("13812345678"));
        assert!(
            q.matches
                .iter()
                .all(|m| matches!(m, KeyMatch::Exact { .. })),
            "mobile prefix dropped"
        );
        assert!(matches!(&q.matches[0], KeyMatch::Exact { keys, .. } if keys[0] == blinded));
    }
}

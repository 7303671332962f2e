//! The declarative mapping of one source system's extract: which column feeds which field,
//! how the file is encoded, and what to do with identifiers that fail their check.
//!
//! ```toml
//! source_system = "core_banking"
//! kind = "customers"            # customers | accounts | transactions | balances
//! format = "csv"                # csv | jsonl | parquet
//! encoding = "gbk"              # utf-8 (default) | gbk | gb18030
//! invalid_identifiers = "keep_unverified"   # reject_row (default) | keep_unverified
//! ignore = ["remark"]           # columns in the file deliberately not loaded
//!
//! [columns]
//! source_key = "cust_no"
//! name = "cust_name"
//! resident_id = "id_no"
//!
//! [values.gender]               # source codes beyond the standard ones
//! "9" = "female"
//! ```
use std::collections::BTreeMap;
use std::path::Path;

use rapport_domain::{SourceSystem, string_enum};
use rapport_store::ingest::ImportKind;
use serde::Deserialize;

use crate::IngestError;

string_enum! {
    pub enum Format {
        Csv => "csv",
        Jsonl => "jsonl",
        Parquet => "parquet",
    }
}

string_enum! {
    pub enum Encoding {
        Utf8 => "utf-8",
        Gbk => "gbk",
        Gb18030 => "gb18030",
    }
}

string_enum! {
    /// A resident ID whose check digit is wrong either rejects its row, or loads it as an
    /// unverified identifier that matching may use (it tolerates one mistyped digit) and no
    /// deterministic rule trusts; either way the rejects report lists it.
    pub enum InvalidIdentifiers {
        RejectRow => "reject_row",
        KeepUnverified => "keep_unverified",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    source_system: SourceSystem,
    kind: ImportKind,
    #[serde(default = "default_format")]
    format: Format,
    #[serde(default = "default_encoding")]
    encoding: Encoding,
    #[serde(default = "default_invalid")]
    invalid_identifiers: InvalidIdentifiers,
    #[serde(default)]
    ignore: Vec<String>,
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

fn default_format() -> Format {
    Format::Csv
}
fn default_encoding() -> Encoding {
    Encoding::Utf8
}
fn default_invalid() -> InvalidIdentifiers {
    InvalidIdentifiers::RejectRow
}

/// A field a mapping may name, and whether a file must have it.
struct FieldSpec {
    name: &'static str,
    required: bool,
}

const fn req(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        required: true,
    }
}
const fn opt(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
    }
}

pub const CUSTOMER_FIELDS: &[&str] = &[
    "source_key",
    "name",
    "kind",
    "gender",
    "birth_date",
    "resident_id",
    "uscc",
    "mobile",
    "address",
    "email",
    "branch_code",
    "rm",
    "updated_at",
];

fn fields_of(kind: ImportKind) -> &'static [FieldSpec] {
    const CUSTOMERS: &[FieldSpec] = &[
        req("source_key"),
        req("name"),
        opt("kind"),
        opt("gender"),
        opt("birth_date"),
        opt("resident_id"),
        opt("uscc"),
        opt("mobile"),
        opt("address"),
        opt("email"),
        opt("branch_code"),
        opt("rm"),
        opt("updated_at"),
    ];
    const ACCOUNTS: &[FieldSpec] = &[
        req("source_key"),
        req("account_number"),
        req("product_code"),
        req("family"),
        opt("currency"),
        req("balance"),
        opt("limit"),
        req("opened_on"),
        opt("matures_on"),
        req("status"),
        req("branch_code"),
        opt("closed_on"),
    ];
    const TRANSACTIONS: &[FieldSpec] = &[
        req("transaction_id"),
        req("account_number"),
        req("booked_at"),
        req("direction"),
        req("amount"),
        req("currency"),
        opt("channel"),
        opt("description"),
    ];
    const BALANCES: &[FieldSpec] = &[
        req("account_number"),
        req("as_of"),
        req("balance"),
        req("currency"),
    ];
    match kind {
        ImportKind::Customers => CUSTOMERS,
        ImportKind::Accounts => ACCOUNTS,
        ImportKind::Transactions => TRANSACTIONS,
        ImportKind::Balances => BALANCES,
    }
}

/// A checked mapping: every named field exists for its kind and every required one is mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub source_system: SourceSystem,
    pub kind: ImportKind,
    pub format: Format,
    pub encoding: Encoding,
    pub invalid_identifiers: InvalidIdentifiers,
    pub ignore: Vec<String>,
    /// field → column
    pub columns: BTreeMap<String, String>,
    /// field → (source code → standard value)
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Self, IngestError> {
        let text = std::fs::read_to_string(path).map_err(|e| IngestError::Mapping {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::parse(&text).map_err(|reason| IngestError::Mapping {
            path: path.display().to_string(),
            reason,
        })
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let file: MappingFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let specs = fields_of(file.kind);
        if matches!(file.kind, ImportKind::Transactions | ImportKind::Balances)
            && file.format != Format::Csv
        {
            return Err(format!(
                "kind = \"{}\" goes to the warehouse, which reads CSV only",
                file.kind.as_str()
            ));
        }
        for field in file.columns.keys() {
            if !specs.iter().any(|s| s.name == field) {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                return Err(format!(
                    "[columns] names unknown field '{field}' for kind {} (fields: {})",
                    file.kind.as_str(),
                    known.join(", ")
                ));
            }
        }
        for spec in specs.iter().filter(|s| s.required) {
            if !file.columns.contains_key(spec.name) {
                return Err(format!(
                    "[columns] must map the required field '{}'",
                    spec.name
                ));
            }
        }
        for field in file.values.keys() {
            if !file.columns.contains_key(field) {
                return Err(format!(
                    "[values.{field}] is given but [columns] does not map '{field}'"
                ));
            }
        }
        Ok(Self {
            source_system: file.source_system,
            kind: file.kind,
            format: file.format,
            encoding: file.encoding,
            invalid_identifiers: file.invalid_identifiers,
            ignore: file.ignore,
            columns: file.columns,
            values: file.values,
        })
    }

    /// The column that feeds `field`, if mapped.
    pub fn column(&self, field: &str) -> Option<&str> {
        self.columns.get(field).map(String::as_str)
    }

    /// The standard value for a source code of `field` (the code itself if not listed).
    pub fn translate<'a>(&'a self, field: &str, code: &'a str) -> &'a str {
        self.values
            .get(field)
            .and_then(|m| m.get(code))
            .map_or(code, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_mapping_reads() {
        let m = Mapping::parse(
            "source_system = \"card\"\nkind = \"customers\"\n[columns]\nsource_key = \"k\"\nname = \"n\"\n",
        )
        .unwrap();
        assert_eq!(m.encoding, Encoding::Utf8);
        assert_eq!(m.column("name"), Some("n"));
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let e = Mapping::parse(
            "source_system = \"card\"\nkind = \"customers\"\n[columns]\nsource_key = \"k\"\n",
        )
        .unwrap_err();
        assert!(e.contains("'name'"), "{e}");
    }

    #[test]
    fn an_unknown_field_or_setting_is_named() {
        let e = Mapping::parse(
            "source_system = \"card\"\nkind = \"customers\"\n[columns]\nsource_key = \"k\"\nname = \"n\"\nshoe_size = \"s\"\n",
        )
        .unwrap_err();
        assert!(e.contains("shoe_size"), "{e}");
        let e = Mapping::parse(
            "source_system = \"card\"\nkind = \"customers\"\nencodng = \"gbk\"\n[columns]\nsource_key = \"k\"\nname = \"n\"\n",
        )
        .unwrap_err();
        assert!(e.contains("encodng"), "{e}");
    }
}

//! R2.2: each field checked with a reason a clerk understands. A row either becomes a store row
//! or is rejected with every problem found in it; an unverified resident ID may load under the
//! mapping's `keep_unverified` policy, and is still reported.
use chrono::NaiveDate;
use rapport_domain::dates::parse_any_date;
use rapport_domain::mask::{mask_account_number, mask_mobile, mask_resident_id};
use rapport_domain::{
    AccountStatus, Currency, Gender, Mobile, Money, PartyKind, ProductFamily, ResidentId, Uscc,
};
use rapport_store::ingest::{SourceAccountRow, SourceRecordRow};
use sha2::{Digest, Sha256};

use crate::mapping::{InvalidIdentifiers, Mapping};
use crate::source::RawRow;

/// What happened to a row with a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RowRejected,
    LoadedUnverified,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RowRejected => "row rejected",
            Self::LoadedUnverified => "row loaded, value kept as unverified",
        }
    }
}

/// One line of the rejects report. The value is masked: the report may travel further than
/// the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub line: u64,
    pub field: String,
    pub value_masked: String,
    pub reason: String,
    pub action: Action,
}

/// Masks a value for the report according to its field.
pub fn mask_value(field: &str, value: &str) -> String {
    match field {
        "resident_id" => mask_resident_id(value),
        "mobile" => mask_mobile(value),
        "account_number" => mask_account_number(value),
        _ => {
            let chars: Vec<char> = value.chars().collect();
            if chars.len() <= 4 {
                "*".repeat(chars.len())
            } else {
                let hidden = chars.len() - 4;
                let head: String = chars.iter().take(2).collect();
                let tail: String = chars.iter().skip(2 + hidden).collect();
                format!("{head}{}{tail}", "*".repeat(hidden))
            }
        }
    }
}

struct Problems<'a> {
    line: u64,
    row: &'a RawRow,
    list: Vec<Reject>,
}

impl Problems<'_> {
    fn add(&mut self, field: &str, reason: impl Into<String>, action: Action) {
        let value = self.row.get(field).unwrap_or("");
        self.list.push(Reject {
            line: self.line,
            field: field.to_owned(),
            value_masked: mask_value(field, value),
            reason: reason.into(),
            action,
        });
    }

    fn reject(&mut self, field: &str, reason: impl Into<String>) {
        self.add(field, reason, Action::RowRejected);
    }

    fn rejected(&self) -> bool {
        self.list.iter().any(|r| r.action == Action::RowRejected)
    }
}

fn hash_fields(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

fn date(p: &mut Problems, field: &str) -> Option<NaiveDate> {
    let raw = p.row.get(field)?;
    let parsed = parse_any_date(raw);
    if parsed.is_none() {
        p.reject(
            field,
            "is not a real date (expected e.g. 1985-07-09, 19850709, 1985/7/9 or 1985年7月9日)",
        );
    }
    parsed
}

fn gender(p: &mut Problems, mapping: &Mapping) -> Option<Gender> {
    let raw = p.row.get("gender")?;
    match mapping.translate("gender", raw).to_lowercase().as_str() {
        "male" | "m" | "1" | "男" => Some(Gender::Male),
        "female" | "f" | "2" | "女" => Some(Gender::Female),
        _ => {
            p.reject(
                "gender",
                "is not a known gender code (male/female, M/F, 1/2, 男/女, or [values.gender])",
            );
            None
        }
    }
}

/// Validates a customer row; `Err` carries every problem (at least one rejecting the row).
pub fn customer(
    row: &RawRow,
    mapping: &Mapping,
) -> Result<(SourceRecordRow, Vec<Reject>), Vec<Reject>> {
    let mut p = Problems {
        line: row.line,
        row,
        list: Vec::new(),
    };
    let source_key = row.get("source_key").map(str::to_owned);
    if source_key.is_none() {
        p.reject("source_key", "is empty: every record needs its source key");
    }
    let name = row.get("name").map(str::to_owned);
    if name.is_none() {
        p.reject("name", "is empty");
    }
    let gender = gender(&mut p, mapping);
    let birth_date = date(&mut p, "birth_date");
    let updated_on = date(&mut p, "updated_at");
    let (resident_id, resident_id_valid) = match row.get("resident_id") {
        None => (None, false),
        Some(raw) => match ResidentId::parse(raw) {
            Ok(id) => (Some(id.as_str().to_owned()), true),
            Err(e) => {
                let reason = format!("{e}");
                match mapping.invalid_identifiers {
                    InvalidIdentifiers::RejectRow => {
                        p.reject("resident_id", reason);
                        (None, false)
                    }
                    InvalidIdentifiers::KeepUnverified => {
                        p.add("resident_id", reason, Action::LoadedUnverified);
                        let digits: String = raw
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric())
                            .collect::<String>()
                            .to_ascii_uppercase();
                        (Some(digits), false)
                    }
                }
            }
        },
    };
    let uscc = row.get("uscc").and_then(|raw| match Uscc::parse(raw) {
        Ok(u) => Some(u),
        Err(e) => {
            p.reject("uscc", e.to_string());
            None
        }
    });
    let mobile = row.get("mobile").and_then(|raw| match Mobile::parse(raw) {
        Ok(m) => Some(m.as_str().to_owned()),
        Err(e) => {
            p.reject("mobile", e.to_string());
            None
        }
    });
    let email = row.get("email").map(str::to_owned);
    if let Some(e) = &email
        && !(e.contains('@') && !e.starts_with('@') && !e.ends_with('@'))
    {
        p.reject("email", "is not an e-mail address");
    }
    let kind = match row
        .get("kind")
        .map(|k| mapping.translate("kind", k).to_lowercase())
    {
        None if uscc.is_some() => PartyKind::Organisation,
        None => PartyKind::Individual,
        Some(k) => match k.parse::<PartyKind>() {
            Ok(kind) => kind,
            Err(_) => {
                p.reject("kind", "is not a party kind (individual or organisation)");
                PartyKind::Individual
            }
        },
    };
    if p.rejected() {
        return Err(p.list);
    }
    let (Some(source_key), Some(name)) = (source_key, name) else {
        return Err(p.list);
    };
    let text = |v: Option<&str>| v.unwrap_or("").to_owned();
    let birth = birth_date.map(|d| d.to_string());
    let updated = updated_on.map(|d| d.to_string());
    let content_hash = hash_fields(&[
        kind.as_str(),
        &name,
        gender.map_or("", |g| g.as_str()),
        birth.as_deref().unwrap_or(""),
        resident_id.as_deref().unwrap_or(""),
        uscc.as_ref().map_or("", |u| u.as_str()),
        mobile.as_deref().unwrap_or(""),
        &text(row.get("address")),
        email.as_deref().unwrap_or(""),
        &text(row.get("branch_code")),
        &text(row.get("rm")),
        updated.as_deref().unwrap_or(""),
    ]);
    Ok((
        SourceRecordRow {
            source_key,
            kind,
            name,
            gender,
            birth_date,
            resident_id,
            resident_id_valid,
            uscc,
            mobile,
            address: row.get("address").map(str::to_owned),
            email,
            branch_code: row.get("branch_code").map(str::to_owned),
            rm_username: row.get("rm").map(str::to_owned),
            updated_on,
            content_hash,
        },
        p.list,
    ))
}

fn money(p: &mut Problems, field: &str, currency: Currency) -> Option<Money> {
    let raw = p.row.get(field)?;
    match Money::parse(raw, currency) {
        Ok(m) => Some(m),
        Err(e) => {
            p.reject(field, e.to_string());
            None
        }
    }
}

fn parsed<T: std::str::FromStr>(p: &mut Problems, field: &str, what: &str) -> Option<T> {
    let raw = p.row.get(field)?;
    let v = raw.trim().to_lowercase().parse::<T>().ok();
    if v.is_none() {
        p.reject(field, format!("is not a known {what}"));
    }
    v
}

/// Validates an account row.
pub fn account(row: &RawRow, mapping: &Mapping) -> Result<SourceAccountRow, Vec<Reject>> {
    let mut p = Problems {
        line: row.line,
        row,
        list: Vec::new(),
    };
    for field in [
        "source_key",
        "account_number",
        "product_code",
        "family",
        "balance",
        "opened_on",
        "status",
        "branch_code",
    ] {
        if row.get(field).is_none() {
            p.reject(field, "is empty");
        }
    }
    let account_number = row.get("account_number").map(|s| s.replace([' ', '-'], ""));
    if let Some(n) = &account_number
        && !(8..=32).contains(&n.len())
    {
        p.reject("account_number", "is not 8 to 32 digits");
    } else if let Some(n) = &account_number
        && !n.bytes().all(|b| b.is_ascii_digit())
    {
        p.reject("account_number", "holds characters other than digits");
    }
    let currency = match row.get("currency") {
        None => Currency::Cny,
        Some(c) => c.trim().to_uppercase().parse().unwrap_or_else(|_| {
            p.reject("currency", "is not a supported ISO 4217 currency code");
            Currency::Cny
        }),
    };
    let family: Option<ProductFamily> = parsed(&mut p, "family", "product family");
    let status: Option<AccountStatus> = row
        .get("status")
        .map(|s| mapping.translate("status", s).to_owned())
        .and_then(|s| {
            let v = s.to_lowercase().parse().ok();
            if v.is_none() {
                p.reject(
                    "status",
                    "is not an account status (active, dormant, frozen, closed)",
                );
            }
            v
        });
    let balance = money(&mut p, "balance", currency);
    let limit = money(&mut p, "limit", currency);
    let opened_on = date(&mut p, "opened_on");
    let matures_on = date(&mut p, "matures_on");
    if let (Some(o), Some(m)) = (opened_on, matures_on)
        && m < o
    {
        p.reject("matures_on", "is before the opening date");
    }
    if p.rejected() {
        return Err(p.list);
    }
    let (
        Some(owner_key),
        Some(account_number),
        Some(product_code),
        Some(family),
        Some(balance),
        Some(opened_on),
        Some(status),
        Some(branch_code),
    ) = (
        row.get("source_key"),
        account_number,
        row.get("product_code"),
        family,
        balance,
        opened_on,
        status,
        row.get("branch_code"),
    )
    else {
        return Err(p.list);
    };
    let content_hash = hash_fields(&[
        owner_key,
        &account_number,
        product_code,
        family.as_str(),
        currency.code(),
        &balance.amount.to_string(),
        &limit.map(|l| l.amount.to_string()).unwrap_or_default(),
        &opened_on.to_string(),
        &matures_on.map(|d| d.to_string()).unwrap_or_default(),
        status.as_str(),
        branch_code,
    ]);
    Ok(SourceAccountRow {
        owner_key: owner_key.to_owned(),
        account_number,
        product_code: product_code.to_owned(),
        family,
        balance,
        limit,
        opened_on,
        matures_on,
        status,
        branch_code: branch_code.to_owned(),
        content_hash,
    })
}

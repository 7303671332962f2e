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

impl<'a> Problems<'a> {
    fn of(row: &'a RawRow) -> Self {
        Self {
            line: row.line,
            row,
            list: Vec::new(),
        }
    }

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

/// A value the row must have; its absence rejects the row for `reason`.
fn required(p: &mut Problems, field: &str, reason: &str) -> Option<String> {
    let value = p.row.get(field).map(str::to_owned);
    if value.is_none() {
        p.reject(field, reason);
    }
    value
}

/// A value its own type parses; the parse error is the reason the row is rejected.
fn checked<T, E: std::fmt::Display>(
    p: &mut Problems,
    field: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    let row = p.row;
    match parse(row.get(field)?) {
        Ok(v) => Some(v),
        Err(e) => {
            p.reject(field, e.to_string());
            None
        }
    }
}

/// The resident ID, and whether it is a valid one. An invalid ID rejects the row, or under the
/// mapping's `keep_unverified` policy is kept (letters and digits, upper case) and reported.
fn resident_id(p: &mut Problems, mapping: &Mapping) -> (Option<String>, bool) {
    let row = p.row;
    let Some(raw) = row.get("resident_id") else {
        return (None, false);
    };
    let reason = match ResidentId::parse(raw) {
        Ok(id) => return (Some(id.as_str().to_owned()), true),
        Err(e) => format!("{e}"),
    };
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

fn email(p: &mut Problems) -> Option<String> {
    let row = p.row;
    let email = row.get("email")?;
    if !(email.contains('@') && !email.starts_with('@') && !email.ends_with('@')) {
        p.reject("email", "is not an e-mail address");
    }
    Some(email.to_owned())
}

/// The kind the row states; without one, an organisation when it has a USCC.
fn party_kind(p: &mut Problems, mapping: &Mapping, has_uscc: bool) -> PartyKind {
    let row = p.row;
    let Some(kind) = row
        .get("kind")
        .map(|k| mapping.translate("kind", k).to_lowercase())
    else {
        return if has_uscc {
            PartyKind::Organisation
        } else {
            PartyKind::Individual
        };
    };
    kind.parse::<PartyKind>().unwrap_or_else(|_| {
        p.reject("kind", "is not a party kind (individual or organisation)");
        PartyKind::Individual
    })
}

/// Validates a customer row; `Err` carries every problem (at least one rejecting the row).
pub fn customer(
    row: &RawRow,
    mapping: &Mapping,
) -> Result<(SourceRecordRow, Vec<Reject>), Vec<Reject>> {
    let mut p = Problems::of(row);
    let source_key = required(
        &mut p,
        "source_key",
        "is empty: every record needs its source key",
    );
    let name = required(&mut p, "name", "is empty");
    let gender = gender(&mut p, mapping);
    let birth_date = date(&mut p, "birth_date");
    let updated_on = date(&mut p, "updated_at");
    let (resident_id, resident_id_valid) = resident_id(&mut p, mapping);
    let uscc = checked(&mut p, "uscc", Uscc::parse);
    let mobile = checked(&mut p, "mobile", Mobile::parse).map(|m| m.as_str().to_owned());
    let email = email(&mut p);
    let kind = party_kind(&mut p, mapping, uscc.is_some());
    if p.rejected() {
        return Err(p.list);
    }
    let (Some(source_key), Some(name)) = (source_key, name) else {
        return Err(p.list);
    };
    let mut record = SourceRecordRow {
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
        content_hash: String::new(),
    };
    record.content_hash = customer_hash(&record);
    Ok((record, p.list))
}

/// The hash of a record's validated values (all but the source key and the ID's validity).
fn customer_hash(r: &SourceRecordRow) -> String {
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").to_owned();
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    hash_fields(&[
        r.kind.as_str(),
        &r.name,
        r.gender.map_or("", |g| g.as_str()),
        &day(r.birth_date),
        &text(&r.resident_id),
        r.uscc.as_ref().map_or("", |u| u.as_str()),
        &text(&r.mobile),
        &text(&r.address),
        &text(&r.email),
        &text(&r.branch_code),
        &text(&r.rm_username),
        &day(r.updated_on),
    ])
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

/// The fields every account row must have.
const ACCOUNT_REQUIRED: [&str; 8] = [
    "source_key",
    "account_number",
    "product_code",
    "family",
    "balance",
    "opened_on",
    "status",
    "branch_code",
];

/// The account number without the spaces and dashes it is often written with.
fn account_number(p: &mut Problems) -> Option<String> {
    let number = p.row.get("account_number")?.replace([' ', '-'], "");
    if !(8..=32).contains(&number.len()) {
        p.reject("account_number", "is not 8 to 32 digits");
    } else if !number.bytes().all(|b| b.is_ascii_digit()) {
        p.reject("account_number", "holds characters other than digits");
    }
    Some(number)
}

/// The row's currency, CNY when it names none.
fn currency(p: &mut Problems) -> Currency {
    let row = p.row;
    match row.get("currency") {
        None => Currency::Cny,
        Some(c) => c.trim().to_uppercase().parse().unwrap_or_else(|_| {
            p.reject("currency", "is not a supported ISO 4217 currency code");
            Currency::Cny
        }),
    }
}

fn account_status(p: &mut Problems, mapping: &Mapping) -> Option<AccountStatus> {
    let row = p.row;
    let status = mapping
        .translate("status", row.get("status")?)
        .to_lowercase()
        .parse()
        .ok();
    if status.is_none() {
        p.reject(
            "status",
            "is not an account status (active, dormant, frozen, closed)",
        );
    }
    status
}

/// Validates an account row.
pub fn account(row: &RawRow, mapping: &Mapping) -> Result<SourceAccountRow, Vec<Reject>> {
    let mut p = Problems::of(row);
    for field in ACCOUNT_REQUIRED {
        if row.get(field).is_none() {
            p.reject(field, "is empty");
        }
    }
    let account_number = account_number(&mut p);
    let currency = currency(&mut p);
    let family: Option<ProductFamily> = parsed(&mut p, "family", "product family");
    let status = account_status(&mut p, mapping);
    let balance = money(&mut p, "balance", currency);
    let limit = money(&mut p, "limit", currency);
    let opened_on = date(&mut p, "opened_on");
    let matures_on = date(&mut p, "matures_on");
    if let (Some(o), Some(m)) = (opened_on, matures_on)
        && m < o
    {
        p.reject("matures_on", "is before the opening date");
    }
    let closed_on = closing_date(&mut p, opened_on, status);
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
    let mut account = SourceAccountRow {
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
        closed_on,
        content_hash: String::new(),
    };
    account.content_hash = account_hash(&account);
    Ok(account)
}

/// The closing date, if given: only for a closed account, and not before it was opened.
fn closing_date(
    p: &mut Problems,
    opened_on: Option<NaiveDate>,
    status: Option<AccountStatus>,
) -> Option<NaiveDate> {
    let closed_on = date(p, "closed_on")?;
    if status.is_some_and(|s| s != AccountStatus::Closed) {
        p.reject(
            "closed_on",
            "is given but the account's status is not closed",
        );
    }
    if opened_on.is_some_and(|o| closed_on < o) {
        p.reject("closed_on", "is before the opening date");
    }
    Some(closed_on)
}

/// The hash of an account's validated values, in the currency its balance was read in. The
/// closing date counts only when given, so that the hash of every account without one stays
/// what it was before the field existed (an unchanged extract re-imports nothing).
fn account_hash(a: &SourceAccountRow) -> String {
    let (amount, limit) = (
        a.balance.amount.to_string(),
        a.limit.map(|l| l.amount.to_string()),
    );
    let (opened, matures) = (a.opened_on.to_string(), a.matures_on.map(|d| d.to_string()));
    let closed = a.closed_on.map(|d| d.to_string());
    let mut fields: Vec<&str> = vec![
        &a.owner_key,
        &a.account_number,
        &a.product_code,
        a.family.as_str(),
        a.balance.currency.code(),
        &amount,
        limit.as_deref().unwrap_or_default(),
        &opened,
        matures.as_deref().unwrap_or_default(),
        a.status.as_str(),
        &a.branch_code,
    ];
    fields.extend(closed.as_deref());
    hash_fields(&fields)
}

//! The feature query, as text: one statement over `transactions`, `balances`, `accounts` and
//! `parties`, every sum and count in SQL. Kept to operators that spill in DataFusion (see
//! `session`): the two big tables are joined only to `accounts`; the per-party results of the
//! four parts are put together by `UNION ALL` + `GROUP BY party_id`, not by joins.
//!
//! Month index `m`: 0 is the as-of month, 11 eleven months before, by the local date of
//! `booked_on` (the bank's time zone was applied at load time) and of `as_of` for balances.
use std::fmt::Write as _;

use chrono::{Datelike, Days, Months, NaiveDate};
use rapport_domain::ProductFamily;
use rapport_scoring::MONTHS;

/// The SQL dialect the text is for. They differ only in the "value at the latest date"
/// aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DataFusion,
    /// For benchmarks: the same statement for DuckDB over the same files.
    DuckDb,
}

/// Families whose monthly repayment is checked.
const DEBT: [ProductFamily; 4] = [
    ProductFamily::Mortgage,
    ProductFamily::ConsumerLoan,
    ProductFamily::BusinessLoan,
    ProductFamily::CreditCard,
];
const LOANS: [ProductFamily; 3] = [
    ProductFamily::Mortgage,
    ProductFamily::ConsumerLoan,
    ProductFamily::BusinessLoan,
];
const MATURING: [ProductFamily; 2] = [ProductFamily::TimeDeposit, ProductFamily::WealthManagement];
/// Days after as-of within which a maturity counts for `maturing_90d`.
pub const MATURING_DAYS: u64 = 90;

/// The first day of the month `back` months before `date`'s.
pub(crate) fn month_start(date: NaiveDate, back: u32) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

fn month_label(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn list(families: &[ProductFamily]) -> String {
    let quoted: Vec<String> = families
        .iter()
        .map(|f| format!("'{}'", f.as_str()))
        .collect();
    quoted.join(", ")
}

fn assets() -> Vec<ProductFamily> {
    ProductFamily::ALL
        .iter()
        .copied()
        .filter(|f| f.is_asset())
        .collect()
}

/// The columns of the combined per-party row, with the SQL type a part that does not compute
/// a column fills it with (as NULL). Integers stand in for booleans so that one aggregate
/// (`max`) combines every column, in both dialects.
pub(crate) fn output_columns() -> Vec<(String, &'static str)> {
    let mut cols: Vec<(String, &'static str)> = Vec::new();
    let mut int = |name: String| cols.push((name, "BIGINT"));
    int("has_accounts".into());
    for f in ProductFamily::ALL {
        int(format!("holds_{}", f.as_str()));
    }
    for name in ["open_accounts", "maturing_90d"] {
        int(name.into());
    }
    for series in ["aum", "tx_count", "credit", "debit"] {
        for m in 0..MONTHS {
            int(format!("{series}_m{m}"));
        }
    }
    for name in [
        "current_deposits",
        "time_deposits",
        "wealth",
        "funds",
        "insurance",
        "loans",
        "card_balance",
        "tx_total",
        "tx_digital",
        "payroll_months",
        "missed_repayments",
        "missed_last_m",
        "branch_id",
        "is_organisation",
    ] {
        int(name.into());
    }
    for name in ["first_opened_on", "onboarded_on", "last_tx_on"] {
        cols.push((name.into(), "DATE"));
    }
    cols
}

/// Everything about the window the statement needs as literals.
struct Window {
    as_of: NaiveDate,
    /// `year * 12 + month` of as-of.
    index: i64,
    first: NaiveDate,
    /// `m` and first day of each month whose repayments are judged: the complete months (the
    /// as-of month only when as-of is its last day, since a repayment may still be due).
    judged: Vec<(u32, NaiveDate)>,
}

impl Window {
    fn new(as_of: NaiveDate) -> Self {
        let last_day = as_of.succ_opt().is_none_or(|d| d.month() != as_of.month());
        let from = if last_day { 0 } else { 1 };
        Self {
            as_of,
            index: i64::from(as_of.year()) * 12 + i64::from(as_of.month()),
            first: month_start(as_of, MONTHS as u32 - 1),
            judged: (from..MONTHS as u32)
                .map(|m| (m, month_start(as_of, m)))
                .collect(),
        }
    }

    /// `m` of a date column.
    fn m(&self, col: &str) -> String {
        format!(
            "{} - (CAST(date_part('year', {col}) AS BIGINT) * 12 + \
             CAST(date_part('month', {col}) AS BIGINT))",
            self.index
        )
    }

    /// The month partitions the window touches, for partition pruning.
    fn months_filter(&self, alias: &str) -> String {
        format!(
            "{alias}.month BETWEEN '{}' AND '{}'",
            month_label(self.first),
            month_label(self.as_of)
        )
    }
}

/// One part of the combined row: the columns it computes (name → expression); the rest NULL.
fn part(out: &mut String, computed: &[(String, String)], from: &str) {
    out.push_str("SELECT party_id");
    for (name, ty) in output_columns() {
        match computed.iter().find(|(n, _)| *n == name) {
            Some((_, expr)) => write!(out, ",\n  {expr} AS {name}"),
            None => write!(out, ",\n  CAST(NULL AS {ty}) AS {name}"),
        }
        .ok();
    }
    write!(out, "\n{from}").ok();
}

/// An account open at the end of `on`: opened by then and not closed by then. A closed account
/// without a closing date counts as closed whenever it is asked about.
fn open_at(on: NaiveDate) -> String {
    format!(
        "(opened_on <= DATE '{on}' AND (closed_on IS NULL OR closed_on > DATE '{on}') \
         AND (status <> 'closed' OR closed_on IS NOT NULL))"
    )
}

/// What the party held at as-of, from the account dimension as it stood then: accounts opened
/// later are not seen, and accounts closed later are still open.
fn accounts_part(w: &Window) -> (Vec<(String, String)>, String) {
    let open = open_at(w.as_of);
    let open = open.as_str();
    let mut c: Vec<(String, String)> = vec![("has_accounts".into(), "1".into())];
    for f in ProductFamily::ALL {
        c.push((
            format!("holds_{}", f.as_str()),
            format!(
                "max(CASE WHEN family = '{}' AND {open} THEN 1 ELSE 0 END)",
                f.as_str()
            ),
        ));
    }
    c.push((
        "open_accounts".into(),
        format!("sum(CASE WHEN {open} THEN 1 ELSE 0 END)"),
    ));
    c.push(("first_opened_on".into(), "min(opened_on)".into()));
    let from = format!(
        "FROM accounts WHERE opened_on <= DATE '{}' GROUP BY party_id",
        w.as_of
    );
    (c, from)
}

fn parties_part() -> (Vec<(String, String)>, String) {
    let c = vec![
        ("branch_id".into(), "branch_id".into()),
        (
            "is_organisation".into(),
            "CASE WHEN is_organisation THEN 1 ELSE 0 END".into(),
        ),
        ("onboarded_on".into(), "onboarded_on".into()),
    ];
    (c, "FROM parties".into())
}

fn balances_part(w: &Window, d: Dialect, currency: &str) -> (Vec<(String, String)>, String) {
    let assets = list(&assets());
    let mut c = Vec::new();
    for m in 0..MONTHS {
        c.push((
            format!("aum_m{m}"),
            format!("sum(CASE WHEN m = {m} AND family IN ({assets}) THEN balance END)"),
        ));
    }
    let at_end = |name: &str, families: &[ProductFamily]| {
        (
            name.to_owned(),
            format!(
                "sum(CASE WHEN m = 0 AND family IN ({}) THEN balance END)",
                list(families)
            ),
        )
    };
    c.push(at_end("current_deposits", &[ProductFamily::CurrentDeposit]));
    c.push(at_end("time_deposits", &[ProductFamily::TimeDeposit]));
    c.push(at_end("wealth", &[ProductFamily::WealthManagement]));
    c.push(at_end("funds", &[ProductFamily::Fund]));
    c.push(at_end("insurance", &[ProductFamily::Insurance]));
    c.push(at_end("loans", &LOANS));
    c.push(at_end("card_balance", &[ProductFamily::CreditCard]));
    // What matures soon, at its balance at as-of (not today's).
    let until = w.as_of + Days::new(MATURING_DAYS);
    c.push((
        "maturing_90d".into(),
        format!(
            "sum(CASE WHEN m = 0 AND family IN ({}) AND matures_on > DATE '{}' \
             AND matures_on <= DATE '{until}' THEN balance ELSE 0 END)",
            list(&MATURING),
            w.as_of
        ),
    ));
    let latest = match d {
        Dialect::DataFusion => "last_value(balance ORDER BY on_date)",
        Dialect::DuckDb => "arg_max(balance, on_date)",
    };
    let m0 = month_start(w.as_of, 0);
    // The account dimension's balance stands in for an as-of month with no balance row, if
    // the snapshot is of that month; dated the day before the month so real rows win.
    let from = format!(
        "FROM (SELECT party_id, family, matures_on, m, {latest} AS balance FROM (\n\
         SELECT a.party_id, a.account_id, a.family, a.matures_on, {m} AS m, b.as_of AS on_date, \
         CAST(b.balance * 100 AS BIGINT) AS balance\n\
         FROM balances b JOIN accounts a ON b.account_key = a.account_key\n\
         WHERE {months} AND b.as_of BETWEEN DATE '{first}' AND DATE '{as_of}' \
         AND b.currency = '{currency}'\n\
         UNION ALL\n\
         SELECT party_id, account_id, family, matures_on, 0 AS m, DATE '{before}' AS on_date, \
         balance_minor\n\
         FROM accounts WHERE snapshot_on >= DATE '{m0}' AND snapshot_on < DATE '{next}'\n\
         ) r GROUP BY party_id, account_id, family, matures_on, m) month_end GROUP BY party_id",
        m = w.m("b.as_of"),
        months = w.months_filter("b"),
        first = w.first,
        as_of = w.as_of,
        before = m0.pred_opt().unwrap_or(m0),
        next = m0.checked_add_months(Months::new(1)).unwrap_or(m0),
    );
    (c, from)
}

/// The number of bits set in the low 12 bits of `x` (months in a month mask), portably.
fn popcount(x: &str) -> String {
    let terms: Vec<String> = (0..MONTHS).map(|m| format!("(({x} >> {m}) & 1)")).collect();
    format!("({})", terms.join(" + "))
}

/// The lowest month set in mask `x`, NULL if none.
fn lowest(x: &str) -> String {
    let arms: String = (0..MONTHS)
        .map(|m| format!(" WHEN ({x} >> {m}) & 1 = 1 THEN {m}"))
        .collect();
    format!("CASE{arms} END")
}

fn transactions_part(w: &Window, currency: &str) -> (Vec<(String, String)>, String) {
    let TransactionColumns {
        computed,
        per_account,
        per_party,
    } = TransactionColumns::new();
    // Per (party, month, debt account; NULL for the others): the transactions, plus one empty
    // row per month a loan or card repayment was due, so a month with no repayment shows up.
    // Then per account: the months as bit masks. A loan misses a due month with no credit; a
    // card, a month it was used with no credit that month or the next (the statement falls
    // due the month after), so the as-of month's use is not judged yet (bit 0 masked off).
    let from = format!(
        "FROM (SELECT party_id, {per_party}\n\
         FROM (SELECT *, CASE WHEN is_card = 1 \
           THEN judged_mask & 4094 & debit_mask & (4095 - ((credit_mask | (credit_mask << 1)) & 4095)) \
           ELSE judged_mask & (4095 - credit_mask) END AS missed\n\
         FROM (SELECT party_id, debt_account, {per_account}\n\
         FROM (SELECT party_id, m, debt_account, max(is_card) AS is_card, \
         max(judged) AS judged, sum(n) AS n, sum(n_credit) AS n_credit, \
         sum(n_debit) AS n_debit, sum(credit) AS credit, sum(debit) AS debit, \
         sum(digital) AS digital, max(payroll) AS payroll, max(booked_on) AS last_on FROM (\n\
         {rows}\
         ) r GROUP BY party_id, m, debt_account) per_month\n\
         GROUP BY party_id, debt_account) per_account) flagged\n\
         GROUP BY party_id) per_party",
        per_party = per_party.join(", "),
        per_account = per_account.join(", "),
        rows = transaction_and_due_rows(w, currency),
    );
    (computed, from)
}

/// The output columns of the transactions part, and the aggregates per account and per party
/// that compute them.
struct TransactionColumns {
    computed: Vec<(String, String)>,
    per_account: Vec<String>,
    per_party: Vec<String>,
}

impl TransactionColumns {
    fn new() -> TransactionColumns {
        let mut c = Vec::new();
        let mut per_account = Vec::new();
        let mut per_party = Vec::new();
        for (series, col) in [("tx_count", "n"), ("credit", "credit"), ("debit", "debit")] {
            for m in 0..MONTHS {
                let name = format!("{series}_m{m}");
                per_account.push(format!("sum(CASE WHEN m = {m} THEN {col} END) AS {name}"));
                per_party.push(format!("sum({name}) AS {name}"));
                c.push((name.clone(), name));
            }
        }
        let mask = |cond: &str| format!("bit_or(CASE WHEN {cond} THEN 1 << m ELSE 0 END)");
        per_account.extend([
            "sum(n) AS n".to_owned(),
            "sum(digital) AS digital".to_owned(),
            "max(last_on) AS last_on".to_owned(),
            "max(is_card) AS is_card".to_owned(),
            format!("{} AS payroll_mask", mask("payroll = 1")),
            format!("{} AS judged_mask", mask("judged = 1")),
            format!("{} AS credit_mask", mask("n_credit > 0")),
            format!("{} AS debit_mask", mask("n_debit > 0")),
        ]);
        per_party.extend([
            "sum(n) AS tx_total".to_owned(),
            "sum(digital) AS tx_digital".to_owned(),
            "max(last_on) AS last_tx_on".to_owned(),
            "bit_or(payroll_mask) AS payroll_mask".to_owned(),
            format!("sum({}) AS missed_repayments", popcount("missed")),
            format!("min({}) AS missed_last_m", lowest("missed")),
        ]);
        for name in [
            "tx_total",
            "tx_digital",
            "last_tx_on",
            "missed_repayments",
            "missed_last_m",
        ] {
            c.push((name.to_owned(), name.to_owned()));
        }
        c.push(("payroll_months".into(), popcount("payroll_mask")));
        TransactionColumns {
            computed: c,
            per_account,
            per_party,
        }
    }
}

/// One row per transaction of the window, then one empty row per month each active loan or
/// card was due (`judged = 1`), each with its month `m` and its debt account (NULL for the
/// others).
fn transaction_and_due_rows(w: &Window, currency: &str) -> String {
    let debt = list(&DEBT);
    let card = ProductFamily::CreditCard.as_str();
    let payroll = ProductFamily::Payroll.as_str();
    let judged_months: Vec<String> = w
        .judged
        .iter()
        .map(|(m, start)| format!("({m}, DATE '{start}')"))
        .collect();
    format!(
        "SELECT a.party_id, {m} AS m,\n\
           CASE WHEN a.family IN ({debt}) THEN a.account_id END AS debt_account,\n\
           CASE WHEN a.family = '{card}' THEN 1 ELSE 0 END AS is_card, 0 AS judged, 1 AS n,\n\
           CASE WHEN t.direction = 'credit' THEN 1 ELSE 0 END AS n_credit,\n\
           CASE WHEN t.direction = 'debit' THEN 1 ELSE 0 END AS n_debit,\n\
           CASE WHEN t.direction = 'credit' AND t.currency = '{currency}' \
             THEN CAST(t.amount * 100 AS BIGINT) END AS credit,\n\
           CASE WHEN t.direction = 'debit' AND t.currency = '{currency}' \
             THEN CAST(t.amount * 100 AS BIGINT) END AS debit,\n\
           CASE WHEN t.channel IN ('internet', 'mobile') THEN 1 ELSE 0 END AS digital,\n\
           CASE WHEN t.direction = 'credit' AND (a.family = '{payroll}' \
             OR t.description LIKE '%工资%' OR t.description LIKE '%代发%') \
             THEN 1 ELSE 0 END AS payroll,\n\
           t.booked_on\n\
         FROM transactions t JOIN accounts a ON t.account_key = a.account_key\n\
         WHERE {months} AND t.booked_on BETWEEN DATE '{first}' AND DATE '{as_of}'\n\
         UNION ALL\n\
         SELECT a.party_id, w.m, a.account_id AS debt_account,\n\
           CASE WHEN a.family = '{card}' THEN 1 ELSE 0 END AS is_card, 1 AS judged, 0 AS n,\n\
           0 AS n_credit, 0 AS n_debit, CAST(NULL AS BIGINT) AS credit, \
           CAST(NULL AS BIGINT) AS debit, 0 AS digital, 0 AS payroll, \
           CAST(NULL AS DATE) AS booked_on\n\
         FROM accounts a CROSS JOIN (VALUES {judged}) AS w(m, month_start)\n\
         WHERE a.family IN ({debt}) AND a.opened_on < w.month_start \
           AND (a.status = 'active' OR (a.status = 'closed' AND a.closed_on >= w.month_start)) \
           AND (a.matures_on IS NULL OR a.matures_on >= w.month_start)\n",
        m = w.m("t.booked_on"),
        months = w.months_filter("t"),
        first = w.first,
        as_of = w.as_of,
        judged = if judged_months.is_empty() {
            "(-1, DATE '1900-01-01')".to_owned()
        } else {
            judged_months.join(", ")
        },
    )
}

/// The whole statement: one row per party with at least one account, ordered by party id,
/// with the columns of [`output_columns`] (money in minor units of `currency`).
pub fn features_sql(as_of: NaiveDate, currency: &str, dialect: Dialect) -> String {
    let w = Window::new(as_of);
    let currency: String = currency.chars().filter(char::is_ascii_alphabetic).collect();
    let mut sql = String::from("SELECT party_id");
    for (name, _) in output_columns() {
        write!(sql, ",\n  max({name}) AS {name}").ok();
    }
    sql.push_str("\nFROM (\n");
    let parts = [
        accounts_part(&w),
        parties_part(),
        balances_part(&w, dialect, &currency),
        transactions_part(&w, &currency),
    ];
    for (i, (computed, from)) in parts.iter().enumerate() {
        if i > 0 {
            sql.push_str("\nUNION ALL\n");
        }
        part(&mut sql, computed, from);
    }
    sql.push_str("\n) parts GROUP BY party_id HAVING max(has_accounts) = 1 ORDER BY party_id");
    sql
}

//! Features by SQL over a small hand-made bank whose every figure is worked out below.
use chrono::NaiveDate;
use rapport_warehouse::{AccountDim, PartyDim, Warehouse, WarehouseError};

use crate::*;

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn account(number: &str, party: i64, family: &str, opened: &str, status: &str) -> AccountDim {
    AccountDim {
        account_key: key(number),
        party_id: party,
        family: family.into(),
        opened_on: date(opened),
        matures_on: None,
        status: status.into(),
        closed_on: None,
        balance_minor: 0,
    }
}

const AS_OF: &str = "2025-06-30";

/// Party 1: current account A, wealth product W, credit card C, mortgage L. Party 2: one
/// current account, nothing in the warehouse. Party 3: no account. Party 4: a closed fund.
fn bank(w: &Warehouse) {
    write_dimensions(w);
    import_balances(
        w,
        "account_number,as_of,balance,currency\n\
         A,2025-06-15,100.00,CNY\n\
         A,2025-06-30,200.00,CNY\n\
         A,2025-05-31,150.00,CNY\n\
         A,2024-06-30,999.00,CNY\n\
         W,2025-06-30,10000.00,CNY\n\
         L,2025-06-30,500000.00,CNY\n\
         C,2025-06-30,3000.00,CNY\n",
    )
    .unwrap();

    let mut csv = HEADER.to_owned();
    let mut id = 0;
    let mut tx = |account: &str, at: &str, dir: &str, amount: &str, channel: &str, desc: &str| {
        id += 1;
        csv += &format!("{id},{account},{at},{dir},{amount},CNY,{channel},{desc}\n");
    };
    current_account_transactions(&mut tx);
    mortgage_repayments(&mut tx);
    card_transactions(&mut tx);
    import_tx(w, &csv).unwrap();
}

/// Adds a transaction line: account, booked at, direction, amount, channel, description.
type Tx<'a> = dyn FnMut(&str, &str, &str, &str, &str, &str) + 'a;

fn write_dimensions(w: &Warehouse) {
    let mut wealth = account("W", 1, "wealth_management", "2025-01-01", "active");
    wealth.matures_on = Some(date("2025-08-15"));
    wealth.balance_minor = 1_000_000;
    let mut b = account("B", 2, "current_deposit", "2022-02-20", "active");
    b.balance_minor = 12_345;
    let accounts = vec![
        account("A", 1, "current_deposit", "2020-01-15", "active"),
        wealth,
        account("C", 1, "credit_card", "2024-01-01", "active"),
        account("L", 1, "mortgage", "2023-05-01", "active"),
        b,
        account("F", 4, "fund", "2021-03-10", "closed"),
    ];
    let party = |id, branch, org, onboarded: Option<&str>| PartyDim {
        party_id: id,
        branch_id: branch,
        is_organisation: org,
        onboarded_on: onboarded.map(date),
    };
    let parties = vec![
        party(1, Some(10), false, Some("2019-06-01")),
        party(2, None, true, None),
        party(3, Some(11), false, None),
    ];
    w.write_dimensions(date(AS_OF), &accounts, &parties)
        .unwrap();
}

/// Account A's transactions, two of them outside the window.
fn current_account_transactions(tx: &mut Tx) {
    tx(
        "A",
        "2025-06-10T02:00:00Z",
        "credit",
        "5000.00",
        "counter",
        "代发工资",
    );
    tx(
        "A",
        "2025-06-11T02:00:00Z",
        "debit",
        "100.00",
        "mobile",
        "快捷支付",
    );
    // 2025-06-01 01:00 in Shanghai: the as-of month, not May.
    tx(
        "A",
        "2025-05-31T17:00:00Z",
        "debit",
        "50.00",
        "internet",
        "网购",
    );
    tx(
        "A",
        "2025-05-10T02:00:00Z",
        "credit",
        "10.00",
        "atm",
        "现金存入",
    );
    tx(
        "A",
        "2025-02-10T02:00:00Z",
        "credit",
        "8000.00",
        "counter",
        "工资",
    );
    tx("A", "2024-07-05T02:00:00Z", "debit", "1.00", "pos", "POS");
    // Outside the window on both sides.
    tx("A", "2024-06-29T02:00:00Z", "debit", "7.00", "pos", "POS");
    tx(
        "A",
        "2025-07-01T00:30:00+08:00",
        "debit",
        "9.00",
        "pos",
        "POS",
    );
}

fn mortgage_repayments(tx: &mut Tx) {
    // Mortgage repayments on the 15th, except in 2025-03 (m = 3) and 2024-09 (m = 9).
    for month in [
        "2024-07", "2024-08", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-04",
        "2025-05", "2025-06",
    ] {
        tx(
            "L",
            &format!("{month}-15T02:00:00Z"),
            "credit",
            "4000.00",
            "counter",
            "贷款还款",
        );
    }
}

fn card_transactions(tx: &mut Tx) {
    // The card: used in April and May, repaid in May (both months covered: a statement is
    // due the month after); used in February (m = 4), repaid neither then nor in March.
    tx("C", "2025-02-03T02:00:00Z", "debit", "60.00", "pos", "消费");
    tx(
        "C",
        "2025-05-03T02:00:00Z",
        "debit",
        "300.00",
        "pos",
        "消费",
    );
    tx(
        "C",
        "2025-05-20T02:00:00Z",
        "credit",
        "300.00",
        "mobile",
        "信用卡还款",
    );
    tx(
        "C",
        "2025-04-03T02:00:00Z",
        "debit",
        "200.00",
        "internet",
        "消费",
    );
}

#[test]
fn features_of_a_small_bank() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    bank(&w);
    let f = w.party_features(date(AS_OF)).unwrap();
    let ids: Vec<i64> = f.iter().map(|r| r.party_id).collect();
    assert_eq!(ids, [1, 2, 4], "a party without accounts gets no row");

    let p = &f[0];
    assert_eq!(p.as_of, date(AS_OF));
    assert_eq!((p.branch_id, p.is_organisation), (Some(10), false));
    assert_eq!(p.tenure_months, 72, "from onboarding, 2019-06-01");
    assert_eq!(p.aum[0], 20_000 + 1_000_000, "A's last June balance + W");
    assert_eq!(p.aum[1], 15_000);
    assert_eq!(p.aum[2..], [0; 10]);
    assert_eq!(
        (p.current_deposits, p.wealth, p.time_deposits),
        (20_000, 1_000_000, 0)
    );
    assert_eq!((p.loans, p.card_balance), (50_000_000, 300_000));
    assert_eq!(
        p.families_held,
        [
            "credit_card",
            "current_deposit",
            "mortgage",
            "wealth_management"
        ]
    );
    assert_eq!(p.open_accounts, 4);
    assert_eq!(p.maturing_90d, 1_000_000);
    // m0: A credit 5000, debits 100 + 50 (booked 06-01 local), L 4000.
    assert_eq!(p.tx_count[0], 4);
    assert_eq!(p.credit_amount[0], 900_000);
    assert_eq!(p.debit_amount[0], 15_000);
    // m1 (May): A credit 10, card debit 300 and credit 300, L 4000.
    assert_eq!(p.tx_count[1], 4);
    assert_eq!(p.credit_amount[1], 1_000 + 30_000 + 400_000);
    assert_eq!(p.debit_amount[1], 30_000);
    assert_eq!(
        (p.tx_count[2], p.debit_amount[2]),
        (2, 20_000),
        "April: the card and L"
    );
    assert_eq!(p.tx_count[3], 0, "March: nothing (missed repayment)");
    assert_eq!(p.tx_count[11], 2, "2024-07: A's POS and L");
    let total: u32 = p.tx_count.iter().sum();
    assert_eq!(total, 6 + 10 + 4);
    assert_eq!(p.tx_count[4], 3, "February: A's salary, L and the card");
    assert_eq!(p.days_since_last_tx, Some(15), "the mortgage on 06-15");
    assert_eq!(p.payroll_months, 2, "代发工资 in June, 工资 in February");
    // A's 100 (mobile) and 50 (internet), the card's 300 (mobile) and 200 (internet).
    assert!(
        (p.digital_share - 4.0 / 20.0).abs() < 1e-9,
        "{}",
        p.digital_share
    );
    assert_eq!(p.missed_repayments, 3, "mortgage in m3 and m9, card in m4");
    assert_eq!(p.months_since_missed_repayment, Some(3));

    let p2 = &f[1];
    assert_eq!((p2.branch_id, p2.is_organisation), (None, true));
    assert_eq!(
        p2.aum[0], 12_345,
        "the snapshot's balance stands in for June"
    );
    assert_eq!(p2.current_deposits, 12_345);
    assert_eq!(p2.tx_count, [0; 12]);
    assert_eq!((p2.days_since_last_tx, p2.digital_share), (None, 0.0));
    assert_eq!(p2.tenure_months, 40, "from 2022-02-20");
    assert_eq!(
        (p2.missed_repayments, p2.months_since_missed_repayment),
        (0, None)
    );

    let p4 = &f[2];
    assert_eq!((p4.open_accounts, p4.families_held.len()), (0, 0));
    assert_eq!(p4.branch_id, None, "not in the party dimension");
}

#[test]
fn an_as_of_mid_month_does_not_judge_the_month_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    bank(&w);
    // On 2025-06-10 June is not judged (the repayment on the 15th is not due yet); the
    // mortgage gaps are still m3 and m9 and the card's m4.
    let f = w.party_features(date("2025-06-10")).unwrap();
    assert_eq!(f[0].missed_repayments, 3);
    assert_eq!(
        f[0].tx_count[0], 2,
        "the salary on the 10th and the 06-01 debit"
    );
    // No June balance row by the 10th: the June snapshot stands in (W's 1,000,000; A's 0).
    assert_eq!(f[0].aum[0], 1_000_000);
    assert_eq!(f[0].aum[1], 15_000);
}

#[test]
fn features_need_the_dimensions() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    assert!(matches!(
        w.party_features(date(AS_OF)),
        Err(WarehouseError::NoDimensions)
    ));
}

#[test]
fn dimensions_refuse_what_would_miscount() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let a = account("A", 1, "current_deposit", "2020-01-01", "active");
    let twice = w.write_dimensions(date(AS_OF), &[a.clone(), a.clone()], &[]);
    assert!(matches!(twice, Err(WarehouseError::InvalidDimension(m)) if m.contains("twice")));
    let mut odd = a.clone();
    odd.family = "gold_bars".into();
    let e = w.write_dimensions(date(AS_OF), &[odd], &[]).unwrap_err();
    assert!(e.to_string().contains("gold_bars"), "{e}");
    let mut odd = a;
    odd.status = "asleep".into();
    assert!(w.write_dimensions(date(AS_OF), &[odd], &[]).is_err());
    assert!(!w.root().join("dim/accounts.parquet").exists());
}

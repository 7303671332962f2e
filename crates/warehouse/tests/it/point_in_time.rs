//! Features at a past snapshot read only what was known then (issue 23): plant accounts opened
//! and closed, balances and transactions after the snapshot, score the snapshot again, compare.
use rapport_warehouse::{AccountDim, PartyDim, Warehouse};

use crate::features::date;
use crate::*;

/// The snapshot a model would learn from, and the day the dimension is taken (as-of).
const SNAPSHOT: &str = "2025-03-31";
const AS_OF: &str = "2025-06-30";

fn account(number: &str, party: i64, family: &str, opened: &str) -> AccountDim {
    AccountDim {
        account_key: key(number),
        party_id: party,
        family: family.into(),
        opened_on: date(opened),
        matures_on: None,
        status: "active".into(),
        closed_on: None,
        balance_minor: 0,
    }
}

fn closed(mut a: AccountDim, on: &str) -> AccountDim {
    a.status = "closed".into();
    a.closed_on = Some(date(on));
    a
}

/// Party 1: current account A and a time deposit T maturing in May; party 2: current account B.
fn accounts_at_the_snapshot() -> Vec<AccountDim> {
    let mut deposit = account("T", 1, "time_deposit", "2024-05-15");
    deposit.matures_on = Some(date("2025-05-15"));
    vec![
        account("A", 1, "current_deposit", "2020-01-15"),
        deposit,
        account("B", 2, "current_deposit", "2022-02-20"),
    ]
}

fn parties() -> Vec<PartyDim> {
    (1..=3)
        .map(|id| PartyDim {
            party_id: id,
            branch_id: Some(10),
            is_organisation: false,
            onboarded_on: None,
        })
        .collect()
}

/// Month-end balances from October 2024 to the snapshot, and the transactions of those months.
fn history_to_the_snapshot(w: &Warehouse) {
    let mut balances = "account_number,as_of,balance,currency\n".to_owned();
    for month_end in ["2024-10-31", "2024-11-30", "2024-12-31", "2025-01-31"] {
        balances += &format!("A,{month_end},5000.00,CNY\nT,{month_end},80000.00,CNY\n");
        balances += &format!("B,{month_end},3000.00,CNY\n");
    }
    balances += "A,2025-02-28,5200.00,CNY\nT,2025-02-28,80000.00,CNY\nB,2025-02-28,2900.00,CNY\n";
    balances += "A,2025-03-31,5100.00,CNY\nT,2025-03-31,80000.00,CNY\nB,2025-03-31,2800.00,CNY\n";
    import_balances(w, &balances).unwrap();
    let mut csv = HEADER.to_owned();
    for (i, day) in ["2025-01-10", "2025-02-10", "2025-03-10"]
        .iter()
        .enumerate()
    {
        csv += &format!(
            "{},A,{day}T02:00:00Z,credit,6000.00,CNY,counter,代发工资\n",
            i + 1
        );
        csv += &format!(
            "{},B,{day}T03:00:00Z,debit,100.00,CNY,mobile,快捷支付\n",
            i + 11
        );
    }
    import_tx(w, &csv).unwrap();
}

/// What happened after the snapshot: party 1 let the deposit mature and close and bought a
/// fund; party 2 emptied and closed its account; party 3 became a customer; the months after
/// the snapshot have balances and transactions.
fn after_the_snapshot(w: &Warehouse) {
    let [a, t, b] = <[AccountDim; 3]>::try_from(accounts_at_the_snapshot()).unwrap();
    let accounts = vec![
        a,
        closed(t, "2025-05-15"),
        closed(b, "2025-06-10"),
        account("F", 1, "fund", "2025-04-20"),
        account("N", 3, "current_deposit", "2025-05-01"),
    ];
    w.write_dimensions(date(AS_OF), &accounts, &parties())
        .unwrap();
    let balances = "account_number,as_of,balance,currency\n\
        A,2025-04-30,1000.00,CNY\nF,2025-04-30,84000.00,CNY\nB,2025-04-30,100.00,CNY\n\
        A,2025-05-31,900.00,CNY\nF,2025-05-31,85000.00,CNY\nN,2025-05-31,7000.00,CNY\n\
        A,2025-06-30,800.00,CNY\nF,2025-06-30,86000.00,CNY\nN,2025-06-30,7100.00,CNY\n";
    import_balances(w, balances).unwrap();
    let csv = format!(
        "{HEADER}101,A,2025-04-10T02:00:00Z,debit,80000.00,CNY,mobile,申购基金\n\
         102,B,2025-04-15T02:00:00Z,debit,2700.00,CNY,counter,转出\n\
         103,N,2025-05-02T02:00:00Z,credit,7000.00,CNY,counter,存入\n\
         104,A,2025-03-31T17:00:00Z,debit,5.00,CNY,pos,POS\n"
    );
    import_tx(w, &csv).unwrap();
}

#[test]
fn no_feature_reads_what_happened_after_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    // The dimension as it stood at the snapshot (nothing after it had happened yet).
    w.write_dimensions(date(SNAPSHOT), &accounts_at_the_snapshot(), &parties())
        .unwrap();
    history_to_the_snapshot(&w);
    let before = w.party_features(date(SNAPSHOT)).unwrap();
    assert_eq!(
        before.iter().map(|f| f.party_id).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(before[0].families_held, ["current_deposit", "time_deposit"]);
    assert!(before[0].maturing_90d > 0, "{:?}", before[0]);

    after_the_snapshot(&w);
    let again = w.party_features(date(SNAPSHOT)).unwrap();
    for (b, a) in before.iter().zip(&again) {
        assert_eq!(
            b, a,
            "party {}: the snapshot's features changed",
            b.party_id
        );
    }
    assert_eq!(
        before.len(),
        again.len(),
        "a party appeared at the snapshot"
    );

    // The planted changes are there to be seen at as-of: the test is not vacuous.
    let now = w.party_features(date(AS_OF)).unwrap();
    let of = |id| now.iter().find(|f| f.party_id == id).unwrap();
    assert_eq!(of(1).families_held, ["current_deposit", "fund"]);
    assert_eq!(of(2).open_accounts, 0);
    assert_eq!(of(3).open_accounts, 1);
}

//! Features at a past snapshot read only what was known then (issue 23): plant accounts opened
//! and closed, balances and transactions after the snapshot, score the snapshot again, compare;
//! and a month's features are the same whether it is scored then or learned from later.
use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_domain::PartyKind;
use rapport_domain::records::AccountRecord;
use rapport_scoring::Features;
use rapport_scoring::churn::{CHURN_INPUT_NAMES, churn_inputs};
use rapport_scoring::validation::population_stability;
use rapport_synth::{BALANCES_CSV, Generator, SynthConfig, TRANSACTIONS_CSV, write_extracts};
use rapport_warehouse::{AccountDim, PartyDim, Warehouse};

use crate::features::date;
use crate::*;

/// The snapshot a model would learn from, and the day the dimension is taken (as-of).
const SNAPSHOT: &str = "2025-03-31";
const AS_OF: &str = "2025-06-30";

fn account(number: &str, party: i64, family: &str, opened: &str) -> AccountDim {
    crate::features::account(number, party, family, opened, "active")
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

/// Month-end balances in minor units by (account number, month-end), from `balances.csv`.
fn balances_by_account(csv: &str) -> HashMap<(String, NaiveDate), i64> {
    csv.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split(',');
            let (number, on, amount) = (f.next()?, f.next()?, f.next()?);
            let minor = (amount.parse::<f64>().ok()? * 100.0).round() as i64;
            Some(((number.to_owned(), date(on)), minor))
        })
        .collect()
}

/// The account dimension as the store held it at the end of `on`: the accounts opened by then,
/// open if closed later, at their balance then.
fn dimension_at(
    accounts: &[AccountRecord],
    on: NaiveDate,
    balances: &HashMap<(String, NaiveDate), i64>,
) -> Vec<AccountDim> {
    accounts
        .iter()
        .filter(|a| a.opened_on <= on)
        .map(|a| {
            let closed_later = a.closed_on.is_some_and(|c| c > on);
            AccountDim {
                account_key: key(&a.account_number),
                party_id: a.party_id.0,
                family: a.family.as_str().into(),
                opened_on: a.opened_on,
                matures_on: a.matures_on,
                status: if closed_later {
                    "active"
                } else {
                    a.status.as_str()
                }
                .into(),
                closed_on: if closed_later { None } else { a.closed_on },
                balance_minor: balances
                    .get(&(a.account_number.clone(), on))
                    .copied()
                    .unwrap_or(0),
            }
        })
        .collect()
}

/// The largest population stability index over the churn model's inputs, and its name.
fn worst_stability(scored: &[Features], learned: &[Features]) -> (f64, &'static str) {
    let inputs = |rows: &[Features]| -> Vec<Vec<f64>> { rows.iter().map(churn_inputs).collect() };
    let (a, b) = (inputs(scored), inputs(learned));
    CHURN_INPUT_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let column = |rows: &[Vec<f64>]| rows.iter().map(|r| r[i]).collect::<Vec<f64>>();
            let psi = population_stability(&column(&a), &column(&b), 10).unwrap_or(0.0);
            (psi, *name)
        })
        .fold((0.0, ""), |worst, x| if x.0 > worst.0 { x } else { worst })
}

#[test]
fn a_month_scored_then_and_learned_from_later_looks_the_same() {
    let g = Generator::new(SynthConfig {
        customers: 1_500,
        ..SynthConfig::default()
    })
    .unwrap();
    let as_of = g.config().as_of;
    let month = date("2026-03-31");
    assert!(month < as_of);
    let dir = tempfile::tempdir().unwrap();
    let extracts = dir.path().join("extracts");
    write_extracts(&g, &extracts, &mut |_, _| {}).unwrap();
    let read = |name: &str| std::fs::read_to_string(extracts.join(name)).unwrap();
    let w = open(dir.path());
    let balances = read(BALANCES_CSV);
    import_balances(&w, &balances).unwrap();
    import_tx(&w, &read(TRANSACTIONS_CSV)).unwrap();
    let (mut accounts, mut parties) = (Vec::new(), Vec::new());
    for i in 0..g.batch_count() {
        let b = g.batch(i);
        accounts.extend(b.customers.accounts);
        parties.extend(b.customers.parties.iter().map(|p| PartyDim {
            party_id: p.id.0,
            branch_id: Some(p.home_branch.0),
            is_organisation: p.kind != PartyKind::Individual,
            onboarded_on: Some(p.onboarded_on),
        }));
    }
    let by_account = balances_by_account(&balances);

    // The month's features with the dimension taken at `taken`.
    let features_of_month = |taken: NaiveDate| {
        let dimension = dimension_at(&accounts, taken, &by_account);
        w.write_dimensions(taken, &dimension, &parties).unwrap();
        w.party_features(month).unwrap()
    };
    // Scored at the month with the store as it stood then, and learned from as a past snapshot
    // of the run at as-of.
    let scored = features_of_month(month);
    let learned = features_of_month(as_of);

    assert_eq!(scored.len(), learned.len());
    // Row by row, too: a population index barely moves when a few dozen customers are seen
    // with accounts they closed only later, so each row is compared as well.
    let differing: Vec<i64> = (scored.iter().zip(&learned))
        .filter(|(s, l)| s != l)
        .map(|(s, _)| s.party_id)
        .collect();
    assert!(
        differing.is_empty(),
        "{} parties differ: {differing:?}",
        differing.len()
    );
    let (psi, input) = worst_stability(&scored, &learned);
    println!("largest population stability index: {psi:.4} ({input})");
    assert!(
        psi < 0.1,
        "{input}: PSI {psi:.3} between scoring and training of {month}"
    );
}

//! The synthetic bank through the warehouse: its planted missed repayments come back out of
//! the feature SQL, and the committed DuckDB statement of the benchmark is the current one.
use rapport_domain::PartyKind;
use rapport_synth::{Generator, SynthConfig};
use rapport_warehouse::features::{Dialect, features_sql};
use rapport_warehouse::{AccountDim, PartyDim};

use crate::features::date;
use crate::*;

#[test]
fn the_benchmark_runs_the_feature_sql_of_today() {
    let committed = include_str!("../../../../bench/scoring/features_duckdb.sql");
    let now = features_sql(date("2026-06-30"), "CNY", Dialect::DuckDb) + "\n";
    assert!(
        committed == now,
        "regenerate with `features_bench sql bench/scoring/features_duckdb.sql`"
    );
}

#[test]
fn features_of_the_synthetic_bank() {
    let g = Generator::new(SynthConfig {
        customers: 1_500,
        ..SynthConfig::default()
    })
    .unwrap();
    let as_of = g.config().as_of;
    let b = g.batch(0);
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let accounts: Vec<AccountDim> = b
        .customers
        .accounts
        .iter()
        .map(|a| AccountDim {
            account_key: key(&a.account_number),
            party_id: a.party_id.0,
            family: a.family.as_str().into(),
            opened_on: a.opened_on,
            matures_on: a.matures_on,
            status: a.status.as_str().into(),
            closed_on: a.closed_on,
            balance_minor: a.balance.to_minor_units().unwrap(),
        })
        .collect();
    let parties: Vec<PartyDim> = b
        .customers
        .parties
        .iter()
        .map(|p| PartyDim {
            party_id: p.id.0,
            branch_id: Some(p.home_branch.0),
            is_organisation: p.kind != PartyKind::Individual,
            onboarded_on: Some(p.onboarded_on),
        })
        .collect();
    w.write_dimensions(as_of, &accounts, &parties).unwrap();
    let mut csv = HEADER.to_owned();
    for t in &b.transactions {
        csv += &format!(
            "{},{},{},{},{},CNY,{},{}\n",
            t.id,
            t.account_number,
            t.booked_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            t.direction.as_str(),
            t.amount.amount,
            t.channel.as_str(),
            t.description
        );
    }
    import_tx(&w, &csv).unwrap();

    let f = w.party_features(as_of).unwrap();
    let with_accounts: std::collections::HashSet<i64> =
        accounts.iter().map(|a| a.party_id).collect();
    assert_eq!(f.len(), with_accounts.len());
    let total: u64 = f.iter().flat_map(|r| r.tx_count).map(u64::from).sum();
    // The generator's days are UTC days; the window is of Shanghai days.
    let first = date("2025-07-01");
    let in_window = b
        .transactions
        .iter()
        .map(|t| t.booked_at.with_timezone(&shanghai()).date_naive())
        .filter(|d| (first..=as_of).contains(d))
        .count();
    assert_eq!(total, in_window as u64);
    let missing = f.iter().filter(|r| r.missed_repayments > 0).count();
    let debtors = f
        .iter()
        .filter(|r| r.loans > 0 || r.families_held.iter().any(|h| h == "credit_card"))
        .count();
    println!("{missing} of {debtors} parties with debt missed a repayment");
    assert!(
        missing > 0 && missing * 10 < debtors,
        "{missing} of {debtors}"
    );
    assert!(f.iter().any(|r| r.payroll_months >= 11));
    assert!(f.iter().all(|r| (0.0..=1.0).contains(&r.digital_share)));
    w.write_features(as_of, &f).unwrap();
}

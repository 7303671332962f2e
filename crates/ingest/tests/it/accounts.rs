//! Accounts follow their source customer record; unknown owners, products and branches are
//! reported per row.
use rapport_store::ingest::LoadMode;

use crate::{CUSTOMER_MAPPING, Env, count, good_rows, stores};

const ACCOUNT_MAPPING: &str = r#"
source_system = "core_banking"
kind = "accounts"
[columns]
source_key = "cif"
account_number = "acct"
product_code = "product"
family = "family"
currency = "ccy"
balance = "balance"
opened_on = "opened"
status = "status"
branch_code = "branch"
"#;

/// A fresh import environment whose core-banking customer records are loaded.
async fn with_customers(ts: &crate::TestStore) -> Env {
    let env = Env::new();
    let customers = env.file("core.csv", good_rows().as_bytes());
    env.import(ts, CUSTOMER_MAPPING, &customers, LoadMode::Delta)
        .await
        .unwrap();
    env
}

#[tokio::test]
async fn accounts_load_under_known_records_and_bad_ones_are_reported() {
    for ts in stores().await {
        let env = with_customers(&ts).await;
        let text = "cif,acct,product,family,ccy,balance,opened,status,branch\n\
            K1,6222000011112222,CASA,current_deposit,CNY,1234.56,2020-01-02,active,R01B01S01\n\
            K9,6222000011113333,CASA,current_deposit,CNY,1.00,2020-01-02,active,R01B01S01\n\
            K2,6222000011114444,NOPE,current_deposit,CNY,1.00,2020-01-02,active,R01B01S01\n\
            K2,6222000011115555,CASA,current_deposit,CNY,\"1,000.00\",2020-01-02,active,R01B01S01\n\
            K2,6222000011116666,TD-1Y,time_deposit,CNY,50000.123,2020-01-02,active,R01B01S01\n\
            K3,6222000011117777,TD-1Y,time_deposit,CNY,50000,2020-01-02,active,ZZZ\n";
        let path = env.file("accounts.csv", text.as_bytes());
        let report = env
            .import(&ts, ACCOUNT_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(report.run.counts.inserted, 1, "{}", ts.name);
        assert_eq!(report.rows_rejected, 5, "{}", ts.name);
        let rejects = env.rejects_text();
        for e in [
            "3,source_key,,no core_banking customer record has this key",
            "4,product_code,,unknown product code",
            "5,balance,",
            "6,balance,",
            "7,branch_code,,unknown branch code",
        ] {
            assert!(
                rejects.contains(e),
                "{}: missing '{e}' in\n{rejects}",
                ts.name
            );
        }
        assert!(
            !rejects.contains("6222000011115555"),
            "account numbers are masked"
        );
        assert_eq!(count(&ts, "SELECT count(*) FROM source_accounts").await, 1);
        // Nothing is resolved yet, so no operational account exists.
        assert_eq!(count(&ts, "SELECT count(*) FROM accounts").await, 0);
        let dump = ts.raw.dump_text().await.unwrap();
        assert!(
            !dump.contains("6222000011112222"),
            "{}: sealed at rest",
            ts.name
        );
        let again = env
            .import(&ts, ACCOUNT_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(again.run.counts.unchanged, 1);
        assert_eq!(again.run.counts.inserted, 0);
    }
}

#[tokio::test]
async fn a_closing_date_is_kept_for_a_closed_account_and_refused_otherwise() {
    let mapping = format!("{ACCOUNT_MAPPING}closed_on = \"closed\"\n");
    for ts in stores().await {
        let env = with_customers(&ts).await;
        let text = "cif,acct,product,family,ccy,balance,opened,status,branch,closed\n\
            K1,6222000011112222,CASA,current_deposit,CNY,0,2020-01-02,closed,R01B01S01,2025-04-30\n\
            K2,6222000011114444,CASA,current_deposit,CNY,1.00,2020-01-02,active,R01B01S01,2025-04-30\n\
            K2,6222000011115555,CASA,current_deposit,CNY,0,2020-01-02,closed,R01B01S01,2019-12-31\n\
            K2,6222000011116666,CASA,current_deposit,CNY,0,2020-01-02,closed,R01B01S01,someday\n\
            K2,6222000011117777,CASA,current_deposit,CNY,0,2020-01-02,closed,R01B01S01,\n";
        let path = env.file("accounts.csv", text.as_bytes());
        let report = env
            .import(&ts, &mapping, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(report.run.counts.inserted, 2, "{}", ts.name);
        assert_eq!(report.rows_rejected, 3, "{}", ts.name);
        let rejects = env.rejects_text();
        for (row, reason) in [
            ("3", "is given but the account's status is not closed"),
            ("4", "is before the opening date"),
            ("5", ""),
        ] {
            let line = rejects
                .lines()
                .find(|l| l.starts_with(&format!("{row},closed_on,")))
                .unwrap_or_else(|| {
                    panic!(
                        "{}: row {row} not refused on closed_on in\n{rejects}",
                        ts.name
                    )
                });
            assert!(line.contains(reason), "{}: {line}", ts.name);
        }
        let dated = "SELECT count(*) FROM source_accounts WHERE closed_on IS NOT NULL";
        assert_eq!(count(&ts, dated).await, 1, "{}", ts.name);
    }
}

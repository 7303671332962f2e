//! Identifiers at rest (T-14): no plaintext resident ID, mobile or account number anywhere in
//! the database, while exact search by them still works.
use rapport_store::PageRequest;
use rapport_store::search::SearchQuery;
use rapport_store_contract::fixture;

use crate::loaded;

#[tokio::test]
async fn no_plaintext_identifiers_are_stored_yet_search_by_them_works() {
    let batch = fixture::customers();
    let mut secrets: Vec<String> = Vec::new();
    for p in &batch.parties {
        secrets.extend(p.resident_id.as_ref().map(|r| r.as_str().to_owned()));
        secrets.extend(p.mobile.as_ref().map(|m| m.as_str().to_owned()));
    }
    secrets.extend(batch.accounts.iter().map(|a| a.account_number.clone()));
    for t in loaded().await {
        let dump = t.raw.dump_text().await.unwrap();
        assert!(dump.contains("张伟"), "{}: the dump is real", t.name);
        for s in &secrets {
            assert!(
                !dump.contains(s.as_str()),
                "{}: {s} stored in plaintext",
                t.name
            );
        }
        if let Some(dir) = &t.dir {
            t.raw
                .execute("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .unwrap();
            let mut bytes = std::fs::read(dir.path().join("rapport.db")).unwrap();
            if let Ok(wal) = std::fs::read(dir.path().join("rapport.db-wal")) {
                bytes.extend(wal);
            }
            for s in &secrets {
                assert!(
                    !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                    "sqlite file holds {s}"
                );
            }
        }
        // Exact search still finds them, through the blind indexes.
        let admin = fixture::viewer(fixture::HEAD_BM);
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        for q in [
            fixture::zhang_wei_a_resident_id().as_str(),
            fixture::ZHANG_WEI_A_MOBILE,
            "5678",
            fixture::ZHANG_WEI_A_ACCOUNT,
        ] {
            let found = t
                .store
                .search_customers(&admin, &SearchQuery::parse(q), page)
                .await
                .unwrap();
            assert_eq!(
                found.items.iter().map(|c| c.party_id).collect::<Vec<_>>(),
                vec![fixture::ZHANG_WEI_A],
                "{}: {q}",
                t.name
            );
        }
        // And the store reads them back decrypted for the edge to mask.
        let v = t
            .store
            .customer_360(&admin, fixture::ZHANG_WEI_A)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.party.mobile.as_deref(), Some(fixture::ZHANG_WEI_A_MOBILE));
        assert!(
            v.accounts
                .iter()
                .any(|a| a.account_number == fixture::ZHANG_WEI_A_ACCOUNT)
        );
    }
}

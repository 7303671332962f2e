use rapport_domain::records::CustomerBatch;
use rapport_store::StoreError;
use rapport_store_contract::{TestStore, fixture};

use crate::loaded;

#[tokio::test]
async fn loads_the_fixture_and_counts_it() {
    for t in loaded().await {
        let c = t.store.counts().await.unwrap();
        assert_eq!((c.branches, c.staff, c.parties), (5, 11, 5), "{}", t.name);
        assert_eq!(
            (c.relationships, c.accounts, c.monthly_aum, c.rm_assignments),
            (2, 7, 120, 6),
            "{}",
            t.name
        );
        t.store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn reference_data_loads_idempotently() {
    for t in loaded().await {
        t.store.load_reference(&fixture::reference()).await.unwrap();
        assert_eq!(t.store.counts().await.unwrap().branches, 5, "{}", t.name);
    }
}

#[tokio::test]
async fn a_failing_batch_leaves_nothing_behind() {
    for t in TestStore::each().await {
        t.store.load_reference(&fixture::reference()).await.unwrap();
        let mut batch = fixture::customers();
        // The last account repeats the first one's number: the whole batch must be refused.
        let mut dup = batch.accounts[0].clone();
        dup.party_id = batch.parties[4].id;
        batch.accounts.push(dup);
        let err = t.store.load_customers(&batch).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{}: {err}", t.name);
        let c = t.store.counts().await.unwrap();
        assert_eq!(
            (c.parties, c.accounts, c.monthly_aum),
            (0, 0, 0),
            "{}",
            t.name
        );
        // And the good batch still loads afterwards.
        t.store.load_customers(&fixture::customers()).await.unwrap();
        assert_eq!(t.store.counts().await.unwrap().parties, 5, "{}", t.name);
    }
}

#[tokio::test]
async fn relationships_must_point_at_known_parties() {
    for t in TestStore::each().await {
        t.store.load_reference(&fixture::reference()).await.unwrap();
        let mut batch: CustomerBatch = fixture::customers();
        batch.relationships[0].to = rapport_domain::PartyId(999);
        assert!(t.store.load_customers(&batch).await.is_err(), "{}", t.name);
        assert_eq!(t.store.counts().await.unwrap().parties, 0, "{}", t.name);
    }
}

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

#[test]
fn migrations_are_kept_in_lock_step() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!(
            "{}/../store-sql/migrations/{dir}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        v.sort();
        v
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        names("postgres"),
        "SQLite and PostgreSQL migrations differ"
    );
}

/// Migrations whose SQL is written once for both backends (new tables from 0020 on).
const SHARED_MIGRATIONS: &[&str] = &["0020_pending_staff_changes.sql"];

/// Tables written once for both backends (from 0020 on): the PostgreSQL file is the SQLite file
/// plus, at most, the grants its server role needs.
#[test]
fn shared_migrations_are_written_once() {
    let read = |dir: &str, file: &str| {
        std::fs::read_to_string(format!(
            "{}/../store-sql/migrations/{dir}/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    for file in SHARED_MIGRATIONS {
        let sqlite = read("sqlite", file);
        let postgres = read("postgres", file);
        let rest = postgres
            .strip_prefix(sqlite.as_str())
            .unwrap_or_else(|| panic!("{file}: the PostgreSQL file does not start with SQLite's"));
        assert!(
            rest.lines()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
                .all(|l| !l.contains("CREATE") && !l.contains("ALTER")),
            "{file}: PostgreSQL adds more than grants"
        );
    }
}

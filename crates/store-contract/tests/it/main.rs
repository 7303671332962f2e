//! The operational-store contract: every test runs on every backend available (see lib.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod audit;
mod changes;
mod customers;
mod load;
mod portfolio;
mod protection;
mod scores;
mod segments;
mod staff;
mod tiers;
mod work;
mod workbench;

use rapport_store_contract::{TestStore, fixture};

/// A store of each backend with the fixture bank loaded.
pub async fn loaded() -> Vec<TestStore> {
    let stores = TestStore::each().await;
    for t in &stores {
        t.store.load_reference(&fixture::reference()).await.unwrap();
        t.store.load_customers(&fixture::customers()).await.unwrap();
    }
    stores
}

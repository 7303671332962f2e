//! The operational store in SQL, for SQLite (the embedded default) and PostgreSQL.
//!
//! Each backend is a module: its connection set-up and its dialect (which also spells the
//! migrations, written once in `migrations`). The area
//! modules are written once and loaded by both backend modules, each compiling them against its
//! own dialect (hence the allowed `duplicate_mod`: one file loaded as two modules is how each
//! query is written once). Each area module implements its area interfaces of
//! [`rapport_store::Store`] for the backend, with the operations' bodies in place.
#![allow(clippy::duplicate_mod)]

/// The modules written once and loaded by both backend modules (`sqlite`, `postgres`), each
/// compiling them against its own `dialect`: the area modules, each implementing its area
/// interfaces for the backend (and `database`, [`rapport_store::Store`]'s own methods), then the
/// helpers they share. Invoked at the top of each backend's `mod.rs`, so the `#[path]`s resolve
/// from `src/<backend>/`.
macro_rules! written_once {
    () => {
        #[path = "../area/assign.rs"]
        mod assign;
        #[path = "../area/audit.rs"]
        mod audit;
        #[path = "../area/changes.rs"]
        mod changes;
        #[path = "../area/customers.rs"]
        mod customers;
        #[path = "../area/database.rs"]
        mod database;
        #[path = "../area/dedicated.rs"]
        mod dedicated;
        #[path = "../area/identity.rs"]
        mod identity;
        #[path = "../area/ingest.rs"]
        mod ingest;
        #[path = "../area/keys.rs"]
        mod keys;
        #[path = "../area/load.rs"]
        mod load;
        #[path = "../area/portfolio.rs"]
        mod portfolio;
        #[path = "../area/review.rs"]
        mod review;
        #[path = "../area/scorecards.rs"]
        mod scorecards;
        #[path = "../area/scores.rs"]
        mod scores;
        #[path = "../area/segments.rs"]
        mod segments;
        #[path = "../area/staff.rs"]
        mod staff;
        #[path = "../area/staff_changes.rs"]
        mod staff_changes;
        #[path = "../area/tiers.rs"]
        mod tiers;
        #[path = "../area/work.rs"]
        mod work;
        #[path = "../area/workbench.rs"]
        mod workbench;

        #[path = "../area/coded.rs"]
        mod coded;
        #[path = "../area/columns.rs"]
        mod columns;
        #[path = "../area/pages.rs"]
        mod pages;
        #[path = "../area/scoped.rs"]
        mod scoped;

        pub(crate) use crate::{db_err, parse_col};
    };
}

pub mod migrations;
pub mod postgres;
pub mod sqlite;

pub use postgres::{PgStore, create_scratch_database, drop_scratch_database};
pub use sqlite::SqliteStore;

use std::str::FromStr;

use rapport_store::{StoreError, StoreResult};

/// Maps a driver error to the store's error, naming the broken rule for constraint violations.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(d.message().to_owned())
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Invalid(format!("reference to a missing row: {}", d.message()))
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Database(e.to_string()),
    }
}

/// Parses a stored enum value; a bad value means a corrupted row, reported with its column.
pub(crate) fn parse_col<T: FromStr>(column: &str, value: &str) -> StoreResult<T> {
    value
        .parse()
        .map_err(|_| StoreError::Database(format!("column {column} holds an unknown value")))
}

/// `?, ?, …` for an `IN (…)` list of `n` values (run through `dialect::numbered`).
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

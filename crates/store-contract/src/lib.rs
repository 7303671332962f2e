//! Backends and a small hand-made bank for the store contract tests (and the web crate's tests).
//!
//! [`TestStore::each`] yields a fresh store per backend: a SQLite file in a temporary directory,
//! and a scratch PostgreSQL database when `RAPPORT_TEST_DATABASE_URL` is set. Without the URL
//! PostgreSQL is skipped with a message, unless `RAPPORT_REQUIRE_PG=1` makes that a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod fixture;

use std::sync::Arc;

use rapport_store::Store;

pub const DATABASE_URL_VAR: &str = "RAPPORT_TEST_DATABASE_URL";
pub const REQUIRE_PG_VAR: &str = "RAPPORT_REQUIRE_PG";

/// A store plus whatever keeps it alive (the SQLite temp dir, the scratch PG database).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
    /// (admin URL, scratch URL) of a PostgreSQL database to drop afterwards.
    scratch: Option<(String, String)>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        // Async work cannot run in `drop`: a short-lived runtime on its own thread drops the
        // scratch database so test runs do not pile them up.
        if let Some((admin, url)) = self.scratch.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    let _ =
                        rt.block_on(rapport_store_postgres::drop_scratch_database(&admin, &url));
                }
            })
            .join();
        }
    }
}

impl TestStore {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = rapport_store_sqlite::SqliteStore::open(&dir.path().join("rapport.db"))
            .await
            .expect("open SQLite");
        Self {
            store: Arc::new(store),
            name: "sqlite",
            _dir: Some(dir),
            scratch: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) when no server is configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_url()?;
        let url = rapport_store_postgres::create_scratch_database(&admin_url)
            .await
            .expect("create scratch PostgreSQL database");
        let store = rapport_store_postgres::PgStore::connect(&url)
            .await
            .expect("connect to scratch PostgreSQL database");
        Some(Self {
            store: Arc::new(store),
            name: "postgres",
            _dir: None,
            scratch: Some((admin_url, url)),
        })
    }

    /// Every backend available here.
    pub async fn each() -> Vec<Self> {
        let mut stores = vec![Self::sqlite().await];
        stores.extend(Self::postgres().await);
        stores
    }
}

/// The PostgreSQL URL for tests; panics if PostgreSQL is required but not configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var(REQUIRE_PG_VAR).is_ok_and(|v| v == "1") {
                panic!(
                    "{REQUIRE_PG_VAR}=1 but {DATABASE_URL_VAR} is not set: PostgreSQL tests cannot run"
                );
            }
            eprintln!(
                "PostgreSQL skipped: set {DATABASE_URL_VAR}=postgres://… to run these tests on PostgreSQL too"
            );
            None
        }
    }
}

//! Backends and a small hand-made bank for the store contract tests (and the web crate's tests).
//!
//! [`TestStore::each`] yields a fresh store per backend: a SQLite file in a temporary directory,
//! and a scratch PostgreSQL database when `RAPPORT_TEST_DATABASE_URL` is set. Without the URL
//! PostgreSQL is skipped with a message, unless `RAPPORT_REQUIRE_PG=1` makes that a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

pub mod fixture;
pub mod reads;

use std::sync::Arc;

use rapport_store::Store;

pub const DATABASE_URL_VAR: &str = "RAPPORT_TEST_DATABASE_URL";
pub const REQUIRE_PG_VAR: &str = "RAPPORT_REQUIRE_PG";

/// Direct access to the database underneath, for tests that play the attacker.
#[derive(Clone)]
pub enum RawDb {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl RawDb {
    /// Every text value stored in every table, as a dump would show them.
    pub async fn dump_text(&self) -> Result<String, sqlx::Error> {
        let mut out = String::new();
        match self {
            Self::Sqlite(p) => {
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                        .fetch_all(p)
                        .await?;
                for t in tables {
                    let sql = format!("SELECT * FROM \"{t}\"");
                    for row in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(p).await? {
                        use sqlx::Row;
                        for (i, _) in row.columns().iter().enumerate() {
                            if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                                out.push_str(&v);
                                out.push('\n');
                            }
                        }
                    }
                }
            }
            Self::Postgres(p) => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                )
                .fetch_all(p)
                .await?;
                for t in tables {
                    let sql = format!("SELECT t::text FROM \"{t}\" t");
                    for v in sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
                        .fetch_all(p)
                        .await?
                    {
                        out.push_str(&v);
                        out.push('\n');
                    }
                }
            }
        }
        Ok(out)
    }

    /// The one integer a query returns (e.g. a `count(*)`), as the owner sees it.
    pub async fn count(&self, sql: &str) -> Result<i64, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Self::Sqlite(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
            Self::Postgres(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await,
        }
    }

    /// Runs statements as the database owner would (bypassing the store).
    pub async fn execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Self::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
            Self::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        }
    }

    /// Lets the owner rewrite the audit table (what an attacker with database access could do).
    pub async fn disable_audit_protection(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(_) => {
                self.execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
                    .await
            }
            Self::Postgres(_) => {
                self.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
                    .await
            }
        }
    }
}

/// A store plus whatever keeps it alive (the SQLite temp dir, the scratch PG database).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub raw: RawDb,
    pub name: &'static str,
    /// The SQLite file's directory.
    pub dir: Option<tempfile::TempDir>,
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
                    let _ = rt.block_on(rapport_store_sql::drop_scratch_database(&admin, &url));
                }
            })
            .join();
        }
    }
}

impl TestStore {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = rapport_store_sql::SqliteStore::open(&dir.path().join("rapport.db"), keys())
            .await
            .expect("open SQLite");
        Self {
            raw: RawDb::Sqlite(store.pool().clone()),
            store: Arc::new(store),
            name: "sqlite",
            dir: Some(dir),
            scratch: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) when no server is configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_url()?;
        let url = rapport_store_sql::create_scratch_database(&admin_url)
            .await
            .expect("create scratch PostgreSQL database");
        let store = rapport_store_sql::PgStore::connect(&url, keys())
            .await
            .expect("connect to scratch PostgreSQL database");
        Some(Self {
            raw: RawDb::Postgres(store.pool().clone()),
            store: Arc::new(store),
            name: "postgres",
            dir: None,
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

/// Fresh random keys: every test store protects identifiers as production does.
pub fn keys() -> Arc<rapport_crypto::KeyRing> {
    Arc::new(rapport_crypto::KeyRing::generate())
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

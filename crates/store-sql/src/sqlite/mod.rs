//! The operational store on SQLite: the zero-set-up default (a file in the data directory).
//!
//! WAL journal, `synchronous=NORMAL`, a busy timeout, and every write transaction started with
//! `BEGIN IMMEDIATE` so concurrent writers queue instead of failing on lock upgrade.

mod dialect;
pub use dialect::MIGRATION;
written_once!();

/// This backend's [`Store`], implemented once for both by the area modules.
type Backend = SqliteStore;
const BACKEND: &str = "sqlite";

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rapport_crypto::KeyRing;
use rapport_store::protect::Protector;
use rapport_store::{StoreError, StoreResult};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The shared migration sources as this backend spells them (`crate::migrations`).
static MIGRATOR: std::sync::LazyLock<sqlx::migrate::Migrator> =
    std::sync::LazyLock::new(|| crate::migrations::migrator(&dialect::MIGRATION));

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    protect: Protector,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and applies pending migrations.
    /// `keys` protect identifiers at rest.
    pub async fn open(path: &Path, keys: Arc<KeyRing>) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Self {
            pool,
            protect: Protector::new(keys),
        })
    }

    /// Opens a database given as a `sqlite:` URL (e.g. `sqlite:///var/lib/rapport/rapport.db`).
    pub async fn open_url(url: &str, keys: Arc<KeyRing>) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL: {e}")))?;
        Self::open(options.get_filename(), keys).await
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

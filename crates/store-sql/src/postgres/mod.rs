//! The operational store on PostgreSQL: for banks that outgrow one file, or run a database
//! service already.
//!
//! A connection pool (16 connections), a connect timeout so an unreachable server fails within
//! seconds, migrations applied at open (under PostgreSQL's advisory lock, so several servers may
//! start at once), and native types: BIGINT ids and minor units, DATE, TIMESTAMPTZ, BOOLEAN.

mod dialect;
pub use dialect::MIGRATION;
written_once!();

/// This backend's [`Store`], implemented once for both by the area modules.
type Backend = PgStore;
const BACKEND: &str = "postgres";

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rapport_crypto::KeyRing;
use rapport_store::protect::Protector;
use rapport_store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

/// The shared migration sources as this backend spells them (`crate::migrations`).
static MIGRATOR: std::sync::LazyLock<sqlx::migrate::Migrator> =
    std::sync::LazyLock::new(|| crate::migrations::migrator(&dialect::MIGRATION));

/// Longest wait for a new connection (TCP, TLS and authentication together).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for a pooled connection when all are busy.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 16;

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    protect: Protector,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// applies pending migrations. An unreachable server fails within 5 s with
    /// [`StoreError::Unavailable`] naming the host and port (never the password).
    /// `keys` protect identifiers at rest.
    pub async fn connect(url: &str, keys: Arc<KeyRing>) -> StoreResult<Self> {
        Self::open(url, keys, true).await
    }

    /// Privilege separation: migrations run as the schema owner (`owner_url`), and the server
    /// connects as an application role that may only INSERT and SELECT on the audit table.
    /// Fails if the owner left migrations unapplied.
    pub async fn connect_as_app(
        owner_url: &str,
        app_url: &str,
        keys: Arc<KeyRing>,
    ) -> StoreResult<Self> {
        Self::migrate(owner_url).await?;
        Self::open(app_url, keys, false).await
    }

    /// Applies pending migrations as the role of `owner_url`, then disconnects.
    pub async fn migrate(owner_url: &str) -> StoreResult<()> {
        let mut conn = open_connection(&parse_url(owner_url)?).await?;
        MIGRATOR
            .run(&mut conn)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        conn.close().await.ok();
        Ok(())
    }

    async fn open(url: &str, keys: Arc<KeyRing>, migrate: bool) -> StoreResult<Self> {
        let options = parse_url(url)?;
        // One direct connection first: it fails fast with the real reason (refused, bad
        // password, no such database), where the pool would retry until its deadline and
        // report only a timeout.
        let probe = open_connection(&options).await?;
        probe.close().await.ok();
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(Duration::from_secs(600))
            .connect_lazy_with(options.clone());
        if migrate {
            MIGRATOR
                .run(&pool)
                .await
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        } else {
            let applied: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                    .fetch_one(&pool)
                    .await
                    .map_err(db_err)?;
            if applied < MIGRATOR.iter().count() as i64 {
                return Err(StoreError::Migration(format!(
                    "{applied} of {} migrations applied: run them as the schema owner first",
                    MIGRATOR.iter().count()
                )));
            }
        }
        tracing::info!(server = %server_of(&options), "PostgreSQL store open");
        Ok(Self {
            pool,
            protect: Protector::new(keys),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn parse_url(url: &str) -> StoreResult<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map(|o| o.application_name("rapport"))
        .map_err(|_| {
            StoreError::Unavailable(
                "bad PostgreSQL URL (expected postgres://user:password@host:port/database)".into(),
            )
        })
}

/// `host:port` or the socket path: where we connect, without credentials.
fn server_of(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(path) => path.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

async fn open_connection(options: &PgConnectOptions) -> StoreResult<PgConnection> {
    let unavailable = |reason: String| {
        StoreError::Unavailable(format!(
            "cannot connect to PostgreSQL at {}: {reason}",
            server_of(options)
        ))
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(unavailable(e.to_string())),
        Err(_) => Err(unavailable(format!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

// --- scratch databases for tests ---------------------------------------------------------------

const SCRATCH_PREFIX: &str = "rapport_test_";

/// Creates a fresh, empty database named `rapport_test_<random hex>` on the server of
/// `admin_url` (whose role needs CREATEDB) and returns its URL: the same URL with the database
/// replaced. For tests, which each get a database of their own.
pub async fn create_scratch_database(admin_url: &str) -> StoreResult<String> {
    let options = parse_url(admin_url)?;
    let name = format!("{SCRATCH_PREFIX}{:016x}", rand::random::<u64>());
    let mut conn = open_connection(&options).await?;
    let created = sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .map_err(db_err);
    conn.close().await.ok();
    created?;
    with_database(admin_url, &name)
}

/// Drops a database made by [`create_scratch_database`], closing its open connections; refuses
/// any database whose name is not a scratch name.
pub async fn drop_scratch_database(admin_url: &str, url: &str) -> StoreResult<()> {
    let name = parse_url(url)?
        .get_database()
        .map(str::to_owned)
        .unwrap_or_default();
    let is_scratch = name
        .strip_prefix(SCRATCH_PREFIX)
        .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !is_scratch {
        return Err(StoreError::Invalid(format!(
            "{name:?} is not a scratch database"
        )));
    }
    let mut conn = open_connection(&parse_url(admin_url)?).await?;
    let dropped = drop_when_left(&mut conn, &name).await;
    conn.close().await.ok();
    dropped
}

/// Drops the database once the sessions of its other roles have ended: a pool that was just
/// closed leaves server processes exiting for a moment, and `FORCE` may only end the
/// processes of roles the admin role belongs to.
async fn drop_when_left(conn: &mut PgConnection, name: &str) -> StoreResult<()> {
    let others = "SELECT count(*) FROM pg_stat_activity \
                  WHERE datname = $1 AND usename <> current_user";
    for _ in 0..50 {
        let left: i64 = sqlx::query_scalar(others)
            .bind(name)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// `url` with its database (the path) replaced by `database`, query string kept.
fn with_database(url: &str, database: &str) -> StoreResult<String> {
    let bad = || {
        StoreError::Unavailable(
            "bad PostgreSQL URL (expected postgres://user:password@host:port/database)".into(),
        )
    };
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").ok_or_else(bad)?;
    let authority = rest
        .split_once('/')
        .map_or(rest, |(authority, _)| authority);
    let mut out = format!("{scheme}://{authority}/{database}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/rapport", "x").unwrap(),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h", "x").unwrap(),
            "postgres://u:p@h/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "x").unwrap(),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert!(with_database("nonsense", "x").is_err());
    }

    #[test]
    fn errors_name_the_server_not_the_password() {
        let o = parse_url("postgres://me:secret@db.example:6543/rapport").unwrap();
        assert_eq!(server_of(&o), "db.example:6543");
    }
}

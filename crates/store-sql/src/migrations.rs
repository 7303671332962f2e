//! The schema's migrations, each written once for both backends (`migrations/NNNN_name.sql`) and
//! expanded for a backend when its store opens.
//!
//! A source line is SQL for both backends, except that
//! - a line starting `--@postgres` or `--@sqlite` belongs to that backend alone (the marker and
//!   one space are removed) — for what one backend has and the other lacks (grants, triggers,
//!   `WITHOUT ROWID`, collations);
//! - `{{word}}` stands for the backend's spelling of a type or literal (`{{int8}}` is `BIGINT` on
//!   PostgreSQL, `INTEGER` on SQLite), listed in each dialect's [`MigrationDialect`].
//!
//! Expansion is exact, byte for byte: each database records the checksum of every migration it
//! applied and refuses to start when a shipped migration's text changed. So a shipped migration
//! is never edited — a test holds each one to the checksums recorded in
//! `migrations/checksums.tsv` — and a change of schema is a new migration.

use std::borrow::Cow;

use sqlx::AssertSqlSafe;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// How one backend's migrations are expanded from the shared sources.
pub struct MigrationDialect {
    /// The line prefix that keeps a line for this backend alone (`--@postgres`).
    pub marker: &'static str,
    /// The markers of the other backends, whose lines are left out.
    pub others: &'static [&'static str],
    /// Each `{{word}}` and this backend's spelling of it.
    pub words: &'static [(&'static str, &'static str)],
}

/// One migration's source: its version, file name and text.
pub struct Source {
    pub version: i64,
    pub file: &'static str,
    pub sql: &'static str,
}

/// Lists the sources in version order, each read into the binary at compile time.
macro_rules! sources {
    ($($version:literal $name:literal),* $(,)?) => {
        &[$(Source {
            version: $version,
            file: concat!($name, ".sql"),
            sql: include_str!(concat!("../migrations/", $name, ".sql")),
        }),*]
    };
}

/// Every migration, in version order.
pub const SOURCES: &[Source] = sources![
    1 "0001_foundation",
    2 "0002_audit",
    3 "0003_protected_identifiers",
    4 "0004_search_by_party",
    5 "0005_party_changes",
    6 "0006_app_role_grants",
    7 "0007_staff_admin",
    8 "0008_store_meta",
    9 "0009_identity",
    10 "0010_scores",
    11 "0011_rules_only_churn",
    12 "0012_segments",
    13 "0013_work",
    14 "0014_tier_decisions",
    15 "0015_portfolio_cache",
    16 "0016_source_key_collation",
    17 "0017_tasks_owner_order",
    18 "0018_tasks_owner_covering",
    19 "0019_reason_detail",
    20 "0020_pending_staff_changes",
    21 "0021_throttle",
    22 "0022_drop_account_lockout",
    23 "0023_score_run_validation",
    24 "0024_account_closed_on",
];

/// The migrator of one backend: every source expanded for it, described as sqlx describes a
/// migration file (`0001_foundation.sql` is "foundation").
pub fn migrator(dialect: &MigrationDialect) -> Migrator {
    let migrations = SOURCES
        .iter()
        .map(|source| {
            let name = source.file.trim_end_matches(".sql");
            let description = name.split_once('_').map_or(name, |(_, d)| d);
            Migration::new(
                source.version,
                Cow::Owned(description.replace('_', " ")),
                MigrationType::Simple,
                AssertSqlSafe(expand(source.sql, dialect)).into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// One source expanded for a backend: its own marked lines kept (marker removed), the others'
/// left out, and every `{{word}}` spelled as the backend spells it.
pub fn expand(source: &str, dialect: &MigrationDialect) -> String {
    let lines = source.split('\n').filter_map(|line| {
        if dialect
            .others
            .iter()
            .any(|other| marked(line, other).is_some())
        {
            return None;
        }
        let line = marked(line, dialect.marker).unwrap_or(line);
        Some(
            dialect
                .words
                .iter()
                .fold(line.to_owned(), |line, (word, spelling)| {
                    line.replace(word, spelling)
                }),
        )
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// The rest of a line marked for one backend (`--@sqlite` alone marks an empty line).
pub fn marked<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(marker)?;
    if rest.is_empty() {
        Some(rest)
    } else {
        rest.strip_prefix(' ')
    }
}

//! Configuration: defaults in code, then `rapport.toml` (the `--config` file, else the one in
//! the data directory), then command-line flags and `RAPPORT_*` environment variables.
//! Unknown keys are errors that name the key.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rapport_domain::BankSettings;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileConfig {
    pub bank: BankSettings,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub audit: AuditConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// How often the server anchors the audit chain's head outside the database.
    pub anchor_interval_seconds: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            anchor_interval_seconds: 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub lockout_max_failures: i32,
    pub lockout_minutes: i64,
    /// Failed logins from one client address within `lockout_minutes` before it is refused.
    pub lockout_max_failures_per_address: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the peer is).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Searches by a whole mobile, resident ID or account number per staff member a minute.
    pub identifier_searches_per_minute: i64,
    /// Searches finding nothing for one masked identifier within a day before more are
    /// refused and a security alert is raised.
    pub identifier_misses_per_masked_value: i64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            session_idle_minutes: 30,
            session_absolute_hours: 10,
            lockout_max_failures: 5,
            lockout_minutes: 15,
            lockout_max_failures_per_address: 50,
            trusted_proxies: Vec::new(),
            identifier_searches_per_minute: 20,
            identifier_misses_per_masked_value: 5,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://…` for PostgreSQL; unset for SQLite in the data directory.
    pub url: Option<String>,
}

pub const CONFIG_FILE: &str = "rapport.toml";

impl FileConfig {
    /// Reads `explicit` if given (it must exist), else `<data_dir>/rapport.toml` if present.
    pub fn load(explicit: Option<&Path>, data_dir: &Path) -> anyhow::Result<Self> {
        let path: PathBuf = match explicit {
            Some(p) => p.to_owned(),
            None => {
                let p = data_dir.join(CONFIG_FILE);
                if !p.exists() {
                    return Ok(Self::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("configuration file {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let config: Self = toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.message()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let s = &self.server;
        anyhow::ensure!(
            s.session_idle_minutes > 0,
            "server.session_idle_minutes must be positive"
        );
        anyhow::ensure!(
            s.session_absolute_hours > 0,
            "server.session_absolute_hours must be positive"
        );
        anyhow::ensure!(
            s.lockout_max_failures > 0,
            "server.lockout_max_failures must be positive"
        );
        anyhow::ensure!(
            s.lockout_minutes > 0,
            "server.lockout_minutes must be positive"
        );
        for (name, value) in [
            (
                "server.lockout_max_failures_per_address",
                s.lockout_max_failures_per_address,
            ),
            (
                "server.identifier_searches_per_minute",
                s.identifier_searches_per_minute,
            ),
            (
                "server.identifier_misses_per_masked_value",
                s.identifier_misses_per_masked_value,
            ),
        ] {
            anyhow::ensure!(value > 0, "{name} must be positive");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = FileConfig::parse("").unwrap();
        assert_eq!(c.bank, BankSettings::default());
        assert_eq!(c.bank.time_zone.name(), "Asia/Shanghai");
        assert_eq!(c.bank.base_currency, rapport_domain::Currency::Cny);
        assert_eq!(c.server.listen.to_string(), "127.0.0.1:8080");
        assert!(c.database.url.is_none());
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = FileConfig::parse("[server]\nlisten = \"127.0.0.1:9000\"\nlisen_port = 1\n")
            .unwrap_err();
        assert!(format!("{err:#}").contains("lisen_port"), "{err:#}");
        let err = FileConfig::parse("colour = \"red\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("colour"), "{err:#}");
        let err = FileConfig::parse("[bank]\ntime_zone = \"Mars/Olympus\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("Mars/Olympus"), "{err:#}");
    }

    #[test]
    fn values_are_checked() {
        assert!(FileConfig::parse("[server]\nsession_idle_minutes = 0\n").is_err());
        let c = FileConfig::parse(
            "[bank]\ntime_zone = \"Asia/Hong_Kong\"\n[database]\nurl = \"postgres://h/db\"\n",
        )
        .unwrap();
        assert_eq!(c.database.url.as_deref(), Some("postgres://h/db"));
    }
}

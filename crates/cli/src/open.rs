//! Opens the configured store once and builds what the server needs from it.
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use rapport_domain::SystemClock;
use rapport_store::{LockoutPolicy, Store};
use rapport_web::{AppState, WebConfig};

use crate::StoreArgs;
use crate::config::FileConfig;

pub struct Opened {
    pub store: Arc<dyn Store>,
    pub config: FileConfig,
    pub data_dir: std::path::PathBuf,
}

impl Opened {
    pub async fn open(args: &StoreArgs) -> anyhow::Result<Self> {
        create_private_dir(&args.data_dir)?;
        let config = FileConfig::load(args.config.as_deref(), &args.data_dir)?;
        let url = args
            .database_url
            .clone()
            .or_else(|| config.database.url.clone());
        let store: Arc<dyn Store> = match url.as_deref() {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Arc::new(rapport_store_postgres::PgStore::connect(u).await?)
            }
            Some(u) if u.starts_with("sqlite:") => {
                Arc::new(rapport_store_sqlite::SqliteStore::open_url(u).await?)
            }
            Some(_) => anyhow::bail!("--database-url must start with postgres:// or sqlite:"),
            None => Arc::new(
                rapport_store_sqlite::SqliteStore::open(&args.data_dir.join("rapport.db")).await?,
            ),
        };
        tracing::info!(backend = store.backend(), data_dir = %args.data_dir.display(), "store ready");
        Ok(Self {
            store,
            config,
            data_dir: args.data_dir.clone(),
        })
    }

    pub fn app_state(&self, listen: SocketAddr) -> AppState {
        let s = &self.config.server;
        AppState {
            store: self.store.clone(),
            clock: Arc::new(SystemClock),
            bank: Arc::new(self.config.bank.clone()),
            config: Arc::new(WebConfig {
                session_idle: chrono::Duration::minutes(s.session_idle_minutes),
                session_absolute: chrono::Duration::hours(s.session_absolute_hours),
                lockout: LockoutPolicy {
                    max_failures: s.lockout_max_failures,
                    lock_for: chrono::Duration::minutes(s.lockout_minutes),
                },
                // Plain HTTP is only for loopback; anywhere else cookies require HTTPS.
                secure_cookies: !listen.ip().is_loopback(),
                ..WebConfig::default()
            }),
        }
    }

    pub async fn serve(&self, listen: Option<SocketAddr>) -> anyhow::Result<()> {
        let addr = listen.unwrap_or(self.config.server.listen);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        eprintln!("Rapport is serving on http://{bound}/  (Ctrl-C to stop)");
        rapport_web::serve(listener, self.app_state(bound)).await?;
        Ok(())
    }
}

/// Creates the data directory readable by its owner only.
pub fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict data directory {}", dir.display()))?;
    }
    Ok(())
}

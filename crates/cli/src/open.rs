//! Opens the configured store once and hands what the server needs from it to the server.
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use rapport_crypto::KeyRing;
use rapport_domain::BankSettings;
use rapport_services::SegmentEngine;
use rapport_store::Store;

use crate::StoreArgs;
use crate::config::{FileConfig, ServerConfig};

/// What `serve` and `demo` hand to the web server: the bound listener, the opened store, and
/// the bank's and the server's settings from the configuration.
pub struct Serving {
    pub listener: tokio::net::TcpListener,
    pub store: Arc<dyn Store>,
    pub bank: BankSettings,
    pub server: ServerConfig,
    /// Where uploaded extracts are spooled.
    pub import_dir: std::path::PathBuf,
    /// Checks and evaluates segments; `None` when the warehouse cannot be opened.
    pub segments: Option<Arc<dyn SegmentEngine>>,
}

/// The web server of the executable: serves until shut down.
pub type Serve = fn(Serving) -> std::pin::Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

pub struct Opened {
    pub store: Arc<dyn Store>,
    pub config: FileConfig,
    pub data_dir: std::path::PathBuf,
    pub keys: Arc<KeyRing>,
}

pub const KEYS_ENV: &str = "RAPPORT_KEYS";

/// Keys from `RAPPORT_KEYS` (the key file's contents), else the key file (created if missing).
fn load_keys(args: &StoreArgs) -> anyhow::Result<KeyRing> {
    if let Ok(text) = std::env::var(KEYS_ENV) {
        return KeyRing::from_toml(&text).map_err(|e| anyhow::anyhow!("{KEYS_ENV}: {e}"));
    }
    Ok(KeyRing::load_or_create(&key_file(args))?)
}

/// The key file: `--key-file`, else `keys/rapport.keys` in the data directory.
pub fn key_file(args: &StoreArgs) -> std::path::PathBuf {
    args.key_file
        .clone()
        .unwrap_or_else(|| args.data_dir.join("keys").join("rapport.keys"))
}

impl Opened {
    pub async fn open(args: &StoreArgs) -> anyhow::Result<Self> {
        create_private_dir(&args.data_dir)?;
        let config = FileConfig::load(args.config.as_deref(), &args.data_dir)?;
        let keys = Arc::new(load_keys(args)?);
        let url = args
            .database_url
            .clone()
            .or_else(|| config.database.url.clone());
        let store: Arc<dyn Store> = match url.as_deref() {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                match &args.migrate_database_url {
                    Some(owner) => Arc::new(
                        rapport_store_sql::PgStore::connect_as_app(owner, u, keys.clone()).await?,
                    ),
                    None => Arc::new(rapport_store_sql::PgStore::connect(u, keys.clone()).await?),
                }
            }
            Some(u) if u.starts_with("sqlite:") => {
                Arc::new(rapport_store_sql::SqliteStore::open_url(u, keys.clone()).await?)
            }
            Some(_) => anyhow::bail!("--database-url must start with postgres:// or sqlite:"),
            None => Arc::new(
                rapport_store_sql::SqliteStore::open(
                    &args.data_dir.join("rapport.db"),
                    keys.clone(),
                )
                .await?,
            ),
        };
        tracing::info!(backend = store.backend(), data_dir = %args.data_dir.display(), "store ready");
        Ok(Self {
            store,
            config,
            data_dir: args.data_dir.clone(),
            keys,
        })
    }

    /// The segment engine over this bank's warehouse; `None` (segments read-only) without one.
    fn segment_engine(&self) -> Option<Arc<dyn SegmentEngine>> {
        match rapport_warehouse::Warehouse::open(
            crate::warehouse::root(self),
            self.config.bank.time_zone,
        ) {
            Ok(w) => Some(Arc::new(crate::segments::WarehouseSegments::new(w))),
            Err(e) => {
                tracing::warn!(error = %e, "warehouse unavailable: segments cannot be created");
                None
            }
        }
    }

    /// Anchors the audit head every `audit.anchor_interval_seconds` while the server runs.
    fn spawn_anchoring(&self) {
        let (store, keys) = (self.store.clone(), self.keys.clone());
        let path = self.data_dir.join(crate::audit::ANCHOR_FILE);
        let every = std::time::Duration::from_secs(self.config.audit.anchor_interval_seconds);
        tokio::spawn(async move {
            let mut last = None;
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                match crate::audit::anchor(store.as_ref(), &keys, &path, last).await {
                    Ok(seq) => last = Some(seq),
                    Err(e) => tracing::error!(error = %e, "cannot anchor the audit trail"),
                }
            }
        });
    }

    pub async fn serve(&self, listen: Option<SocketAddr>, serve: Serve) -> anyhow::Result<()> {
        let addr = listen.unwrap_or(self.config.server.listen);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        eprintln!("Rapport is serving on http://{bound}/  (Ctrl-C to stop)");
        self.spawn_anchoring();
        if crate::keys::needs_reseal(self.store.as_ref(), &self.keys).await? {
            // After a key rotation (or on data from before one), re-seal in the background.
            let (store, keys) = (self.store.clone(), self.keys.clone());
            tokio::spawn(async move {
                if let Err(e) = crate::keys::reseal_all(store, &keys, false).await {
                    tracing::error!(error = %e, "re-sealing identifiers failed");
                }
            });
        }
        serve(Serving {
            listener,
            store: self.store.clone(),
            bank: self.config.bank.clone(),
            server: self.config.server.clone(),
            import_dir: self.data_dir.join("imports"),
            segments: self.segment_engine(),
        })
        .await?;
        // One last anchor so the trail's end at shutdown is recorded too.
        let path = self.data_dir.join(crate::audit::ANCHOR_FILE);
        crate::audit::anchor(self.store.as_ref(), &self.keys, &path, None).await?;
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

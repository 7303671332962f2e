//! `rapport keys rotate|status` and the re-sealing pass that follows a rotation.
use std::sync::Arc;

use clap::Subcommand;
use rapport_crypto::KeyRing;
use rapport_store::Store;

use crate::StoreArgs;
use crate::open::{KEYS_ENV, Opened, key_file};

/// `store_meta` key: the field key id every identifier is sealed with.
pub const SEALED_WITH: &str = "sealed_with";
const BATCH: i64 = 2_000;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Add a new field-encryption key, make it active, and re-seal every identifier under it.
    Rotate,
    /// Show the active key and whether all data is sealed with it.
    Status,
}

pub async fn run(args: &StoreArgs, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Rotate => {
            anyhow::ensure!(
                std::env::var(KEYS_ENV).is_err(),
                "keys come from {KEYS_ENV}: rotate them in your secrets store, then run `rapport keys status`"
            );
            let path = key_file(args);
            let mut ring = KeyRing::load_or_create(&path)?;
            let id = ring.rotate_field_key();
            ring.save(&path)?;
            eprintln!("field key {id} is now active in {}", path.display());
            let ctx = Opened::open(args).await?;
            reseal_all(ctx.store.clone(), &ctx.keys, true).await
        }
        KeysCommand::Status => {
            let ctx = Opened::open(args).await?;
            let active = ctx.keys.active_field_key();
            let sealed = ctx.store.meta(SEALED_WITH).await?;
            println!(
                "active field key: {active}; data sealed with: {}",
                sealed.as_deref().unwrap_or("unknown")
            );
            Ok(())
        }
    }
}

/// Whether data may still be sealed with an older key.
pub async fn needs_reseal(store: &dyn Store, keys: &KeyRing) -> anyhow::Result<bool> {
    Ok(store.meta(SEALED_WITH).await?.as_deref()
        != Some(keys.active_field_key().to_string().as_str()))
}

/// Re-seals every party's identifiers under the active key, then records it.
pub async fn reseal_all(store: Arc<dyn Store>, keys: &KeyRing, report: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (mut after, mut rewritten, mut parties) = (0_i64, 0_u64, 0_i64);
    while let (Some(last), n) = store.reseal_batch(after, BATCH).await? {
        rewritten += n;
        parties += BATCH.min(last - after);
        after = last;
        if report && parties % 100_000 < BATCH {
            eprintln!("re-sealed up to customer {last} ({rewritten} values rewritten)");
        }
    }
    store
        .set_meta(SEALED_WITH, &keys.active_field_key().to_string())
        .await?;
    let message = format!(
        "all identifiers sealed with field key {} ({rewritten} values rewritten in {:.1} s)",
        keys.active_field_key(),
        started.elapsed().as_secs_f64()
    );
    if report {
        eprintln!("{message}");
    } else {
        tracing::info!("{message}");
    }
    Ok(())
}

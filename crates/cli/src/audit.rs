//! `rapport audit verify` and the anchors of the audit chain.
//!
//! The server appends the chain's head to `<data-dir>/audit-anchors.log` periodically, one
//! line per anchor: `seq hash at mac`, the MAC keyed by the anchor key of the key file. The
//! file lives outside the database, so deleting entries from the end of the trail (which
//! leaves a chain that is valid as far as it goes) still shows: the trail ends before an
//! anchored entry.
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap::Subcommand;
use rapport_crypto::KeyRing;
use rapport_store::Store;
use rapport_store::audit::ChainVerifier;

use crate::open::Opened;

pub const ANCHOR_FILE: &str = "audit-anchors.log";

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the whole audit trail: hash chain, head record and anchors. Names the first bad
    /// entry and exits non-zero if anything is wrong.
    Verify,
    /// Write an anchor of the current head now.
    Anchor,
    /// Measure audit appends through the server's group-commit writer (benchmarks; writes
    /// synthetic entries into this data directory's trail).
    #[command(hide = true)]
    Bench {
        #[arg(long, default_value_t = 50_000)]
        entries: usize,
        /// Concurrent writers, each waiting for its entry to be durable (like requests).
        #[arg(long, default_value_t = 64)]
        writers: usize,
    },
}

pub async fn run(ctx: &Opened, command: AuditCommand) -> anyhow::Result<()> {
    let path = ctx.data_dir.join(ANCHOR_FILE);
    match command {
        AuditCommand::Verify => {
            let (entries, head) = verify(ctx.store.as_ref(), &ctx.keys, &path).await?;
            println!("audit trail intact: {entries} entries, head {head}");
            Ok(())
        }
        AuditCommand::Anchor => {
            let seq = anchor(ctx.store.as_ref(), &ctx.keys, &path, None).await?;
            println!("anchored entry {seq}");
            Ok(())
        }
        AuditCommand::Bench { entries, writers } => bench(ctx, entries, writers.max(1)).await,
    }
}

fn line_message(seq: i64, hash: &str, at: &str) -> String {
    format!("{seq} {hash} {at}")
}

/// Appends an anchor of the head unless it is the one last anchored; returns the head's seq.
pub async fn anchor(
    store: &dyn Store,
    keys: &KeyRing,
    path: &Path,
    last: Option<i64>,
) -> anyhow::Result<i64> {
    let (seq, hash) = store.audit_head().await?;
    if seq == 0 || last == Some(seq) {
        return Ok(seq);
    }
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let message = line_message(seq, &hash, &at);
    let line = format!("{message} {}\n", keys.anchor_mac(&message));
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(line.as_bytes())?;
    file.sync_all()?;
    Ok(seq)
}

/// Reads the anchors, refusing any line whose MAC does not match (a forged or edited anchor).
pub fn read_anchors(keys: &KeyRing, path: &Path) -> anyhow::Result<Vec<(i64, String, String)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut anchors = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split(' ').collect();
        let bad = || {
            anyhow::anyhow!(
                "{} line {}: not a valid anchor (forged or edited)",
                path.display(),
                i + 1
            )
        };
        let [seq, hash, at, mac] = parts[..] else {
            return Err(bad());
        };
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        if keys.anchor_mac(&line_message(seq, hash, at)) != mac {
            return Err(bad());
        }
        anchors.push((seq, hash.to_owned(), at.to_owned()));
    }
    Ok(anchors)
}

/// Walks the whole trail in chunks; returns (entries, head hash) or the first fault.
pub async fn verify(
    store: &dyn Store,
    keys: &KeyRing,
    anchors: &Path,
) -> anyhow::Result<(i64, String)> {
    let mut verifier = ChainVerifier::new(read_anchors(keys, anchors)?);
    let mut after = 0;
    loop {
        let chunk = store.audit_entries_after(after, 10_000).await?;
        let Some(last) = chunk.last() else { break };
        after = last.seq;
        for e in &chunk {
            verifier
                .feed(e)
                .map_err(|f| anyhow::anyhow!("audit trail broken: {f}"))?;
        }
    }
    let (head_seq, _) = store.audit_head().await?;
    verifier
        .finish(Some(head_seq))
        .map_err(|f| anyhow::anyhow!("audit trail broken: {f}"))
}

async fn bench(ctx: &Opened, entries: usize, writers: usize) -> anyhow::Result<()> {
    use rapport_store::audit::{AuditAction, NewAuditEntry};
    let sink = rapport_services::AuditSink::start(ctx.store.clone());
    let (before, _) = ctx.store.audit_head().await?;
    let started = std::time::Instant::now();
    let mut tasks = Vec::with_capacity(writers);
    for w in 0..writers {
        let sink = sink.clone();
        let n = entries / writers + usize::from(w < entries % writers);
        tasks.push(tokio::spawn(async move {
            for i in 0..n {
                let mut e = NewAuditEntry::new(
                    chrono::Utc::now(),
                    format!("bench.{w}"),
                    AuditAction::CustomerViewed,
                );
                e.party_id = Some(rapport_domain::PartyId((w * 1_000_000 + i) as i64));
                e.fields_unmasked = vec!["name".into()];
                sink.record(e).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    let (after, _) = ctx.store.audit_head().await?;
    anyhow::ensure!(
        (after - before) as usize == entries,
        "expected {entries} new entries, found {}",
        after - before
    );
    println!(
        "audit append: {entries} entries from {writers} concurrent writers in {secs:.2} s = {:.0} entries/s ({})",
        entries as f64 / secs,
        ctx.store.backend()
    );
    Ok(())
}

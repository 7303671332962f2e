//! The audit writer: entries appended with group commit.
//!
//! Callers [`AuditSink::record`] an entry and wait for it before going on: a view whose audit
//! entry cannot be written is not shown (fail closed). One writer task appends whatever has
//! queued up while the previous append was in flight, in one transaction, so a busy server
//! writes many entries per commit instead of serialising every request on its own commit.
use std::sync::Arc;

use rapport_store::Store;
use rapport_store::audit::NewAuditEntry;
use tokio::sync::{mpsc, oneshot};

/// Largest number of entries appended in one transaction.
const MAX_BATCH: usize = 1024;

type Job = (NewAuditEntry, oneshot::Sender<Result<(), String>>);

/// Why an entry is not in the trail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The store refused the append (the entry and its batch are not written).
    #[error("the audit trail cannot be written: {0}")]
    Append(String),
    /// The writer task is gone (the runtime is shutting down).
    #[error("the audit writer stopped")]
    Stopped,
}

#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Job>,
}

impl AuditSink {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Arc<dyn Store>) -> Self {
        let (tx, rx) = mpsc::channel::<Job>(16 * MAX_BATCH);
        tokio::spawn(writer(store, rx));
        Self { tx }
    }

    /// Appends one entry and waits until it is durable.
    pub async fn record(&self, entry: NewAuditEntry) -> Result<(), AuditError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send((entry, done))
            .await
            .map_err(|_| AuditError::Stopped)?;
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "audit append failed");
                Err(AuditError::Append(e))
            }
            Err(_) => Err(AuditError::Stopped),
        }
    }
}

async fn writer(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Job>) {
    let mut entries = Vec::with_capacity(MAX_BATCH);
    let mut waiters = Vec::with_capacity(MAX_BATCH);
    while let Some((entry, done)) = rx.recv().await {
        entries.push(entry);
        waiters.push(done);
        while entries.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok((entry, done)) => {
                    entries.push(entry);
                    waiters.push(done);
                }
                Err(_) => break,
            }
        }
        let result = store
            .append_audit(&entries)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        for w in waiters.drain(..) {
            let _ = w.send(result.clone());
        }
        entries.clear();
    }
}

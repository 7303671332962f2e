//! The DataFusion session every warehouse query runs in: bounded memory, spilling to disk under
//! the warehouse, tables registered by path only (no in-memory tables), so the same SQL can be
//! handed to a Ballista scheduler when one machine is not enough.
//!
//! What spills in DataFusion 55: sorts, the final (and single) phase of hash aggregations,
//! repartitioning, sort-merge joins and nested-loop joins. What does not: the build side of a
//! hash join, which must fit in the pool. The feature SQL therefore joins the big tables only
//! against the account dimension (one row per account), combines per-party results by
//! `UNION ALL` + `GROUP BY` rather than by joins, and [`QueryConfig::spill_joins`] turns every
//! join into a sort-merge join when even the account dimension does not fit.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

use crate::error::{Result, WarehouseError};
use crate::fsutil::create_private_dir;

/// How queries over the warehouse use the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryConfig {
    /// Memory all operators of one query share (DataFusion's `FairSpillPool`): operators that
    /// can spill get a fair share each and write the rest to disk.
    pub memory_pool_bytes: usize,
    /// Parallelism (DataFusion's `target_partitions`, and the query runtime's threads).
    pub threads: usize,
    /// Sort-merge instead of hash joins: slower, but the join inputs spill too.
    pub spill_joins: bool,
    /// Spill to `<root>/tmp` when the pool is full; off, a query that does not fit fails.
    pub spill_to_disk: bool,
}

/// 2 GiB: enough for the account dimension's hash table of a few million accounts.
pub const DEFAULT_MEMORY_POOL_BYTES: usize = 2 << 30;

impl Default for QueryConfig {
    fn default() -> Self {
        Self {
            memory_pool_bytes: DEFAULT_MEMORY_POOL_BYTES,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            spill_joins: false,
            spill_to_disk: true,
        }
    }
}

pub(crate) fn query_error(e: impl std::fmt::Display) -> WarehouseError {
    WarehouseError::Query(e.to_string())
}

/// Where spill files go: `<root>/tmp`. DataFusion makes a directory of its own in there per
/// session and removes it when the session ends (a killed process leaves it behind).
pub(crate) fn spill_dir(root: &Path) -> PathBuf {
    root.join("tmp")
}

pub(crate) struct Session {
    pub(crate) ctx: SessionContext,
    runtime: Arc<tokio::runtime::Runtime>,
}

/// One query runtime per worker count for the whole process: a runtime starts threads, and a
/// server that evaluates a segment per request must not start a runtime per request.
fn query_runtime(threads: usize) -> Result<Arc<tokio::runtime::Runtime>> {
    static RUNTIMES: std::sync::Mutex<Vec<(usize, Arc<tokio::runtime::Runtime>)>> =
        std::sync::Mutex::new(Vec::new());
    let mut runtimes = RUNTIMES
        .lock()
        .map_err(|_| WarehouseError::Internal("the query runtime registry is poisoned".into()))?;
    if let Some((_, rt)) = runtimes.iter().find(|(n, _)| *n == threads) {
        return Ok(rt.clone());
    }
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("rapport-warehouse-query")
            .build()
            .map_err(query_error)?,
    );
    runtimes.push((threads, rt.clone()));
    Ok(rt)
}

impl Session {
    pub(crate) fn new(root: &Path, config: &QueryConfig) -> Result<Self> {
        let threads = config.threads.max(1);
        let spill = spill_dir(root);
        create_private_dir(&spill)?;
        let pool_bytes = config.memory_pool_bytes.max(1 << 20);
        let disk = if config.spill_to_disk {
            DiskManagerMode::Directories(vec![spill])
        } else {
            DiskManagerMode::Disabled
        };
        let runtime_env = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(FairSpillPool::new(pool_bytes)))
            .with_disk_manager_builder(DiskManagerBuilder::default().with_mode(disk))
            .build_arc()
            .map_err(query_error)?;
        // Smaller batches in a small pool: an operator's fair share of the pool must hold at
        // least one batch of aggregate state (80 columns in the feature query's last step).
        let batch_size = (pool_bytes / threads / (16 << 10)).clamp(256, 8192);
        let mut session = SessionConfig::new()
            .with_target_partitions(threads)
            .with_batch_size(batch_size)
            .with_information_schema(false);
        let options = session.options_mut();
        // Each sort keeps this much back to merge its spill files; the default (10 MiB) alone
        // would exhaust a small pool before anything spills.
        options.execution.sort_spill_reservation_bytes =
            (pool_bytes / (32 * threads)).min(10 << 20);
        options.optimizer.prefer_hash_join = !config.spill_joins;
        // The account dimension (the build side of the big joins) is collected once and
        // shared by every probe partition instead of repartitioning 100M transactions by key.
        options.optimizer.hash_join_single_partition_threshold = pool_bytes / 4;
        options.optimizer.hash_join_single_partition_threshold_rows = 32 << 20;
        let ctx = SessionContext::new_with_config_rt(session, runtime_env);
        let runtime = query_runtime(threads)?;
        Ok(Self { ctx, runtime })
    }

    /// Registers a month-partitioned table (`<dir>/month=YYYY-MM/*.parquet`) by path. The schema
    /// is given, so an empty table is a table with no rows rather than an error.
    pub(crate) fn register_months(&self, name: &str, dir: &Path, schema: SchemaRef) -> Result<()> {
        let path = format!("{}/", dir.display());
        let options = ParquetReadOptions::default()
            .schema(&schema)
            .table_partition_cols(vec![("month".into(), DataType::Utf8)]);
        self.block_on(async { self.ctx.register_parquet(name, &path, options).await })
    }

    /// Registers one Parquet file, or every `.parquet` file of a directory ending in `/`.
    pub(crate) fn register_file(&self, name: &str, path: &Path, schema: SchemaRef) -> Result<()> {
        let mut path = path.display().to_string();
        if !path.ends_with(".parquet") && !path.ends_with('/') {
            path.push('/');
        }
        let options = ParquetReadOptions::default().schema(&schema);
        self.block_on(async { self.ctx.register_parquet(name, &path, options).await })
    }

    pub(crate) fn sql(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        self.block_on(async { self.ctx.sql(sql).await?.collect().await })
    }

    fn block_on<T>(
        &self,
        f: impl std::future::Future<Output = datafusion::error::Result<T>>,
    ) -> Result<T> {
        self.runtime.block_on(f).map_err(query_error)
    }
}

//! Whole-file tables (the dimension snapshots, a features partition): one Parquet file written
//! beside its destination and renamed over it, so a reader sees the old file or the new one.
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;

use crate::error::{Result, io};
use crate::fsutil::{create_private_dir, remove_file, sync_dir};
use crate::parts::writer_properties;

/// Writes `batches` (all of `batches[0]`'s schema) as `dir/name`, replacing any file there.
pub(crate) fn write_parquet_atomic(dir: &Path, name: &str, batches: &[RecordBatch]) -> Result<()> {
    create_private_dir(dir)?;
    let dest = dir.join(name);
    // Not ending in `.parquet`: a query listing the directory skips it, so a half-written
    // temporary is never read; one left by a crash is overwritten by the next write.
    let tmp = dir.join(format!(".{name}.tmp"));
    let Some(schema) = batches.first().map(RecordBatch::schema) else {
        return Ok(());
    };
    let written = (|| -> Result<()> {
        let file = File::create(&tmp).map_err(io(&tmp))?;
        let mut writer = ArrowWriter::try_new(
            BufWriter::with_capacity(1 << 20, file),
            schema,
            Some(writer_properties(&[])?),
        )?;
        for b in batches {
            writer.write(b)?;
        }
        let file = writer
            .into_inner()?
            .into_inner()
            .map_err(|e| io(&tmp)(e.into_error()))?;
        file.sync_all().map_err(io(&tmp))
    })();
    if let Err(e) = written {
        let _ = remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &dest).map_err(io(&dest))?;
    sync_dir(dir)
}

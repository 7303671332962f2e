//! Directory and file operations that survive a crash: private directories, fsync of
//! directories after renames, write-temp-then-rename.
use std::fs::{DirBuilder, File};
use std::io::Write;
use std::path::Path;

use crate::error::{Result, io};

/// Creates `dir` and missing parents with mode 0700: the warehouse holds bank data.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(io(dir))
}

/// Makes the entries of `dir` (files renamed in or out) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(())
}

/// Writes `bytes` to `tmp`, syncs it, and renames it over `dest`.
pub(crate) fn write_atomic(tmp: &Path, dest: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(tmp).map_err(io(tmp))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(io(tmp))?;
    std::fs::rename(tmp, dest).map_err(io(dest))?;
    if let Some(parent) = dest.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Removes a directory tree; one already gone is fine.
pub(crate) fn remove_tree(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(dir)(e)),
        _ => Ok(()),
    }
}

/// Removes a file; one already gone is fine.
pub(crate) fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

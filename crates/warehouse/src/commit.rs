//! Making a staged load visible, all of it or none of it, and recovering after a crash.
//!
//! A load is staged in `.staging/<load_id>/` with the same relative paths it will have in the
//! warehouse. Once every part is written and synced, a `COMMIT.json` journal (the manifest plus
//! the stale parts of an earlier import of the same file) is synced into the staging directory;
//! from then on the load is decided, and whoever finds the staging directory (this call, or the
//! next `open`/import after a crash) rolls it forward: renames the parts into place, removes the
//! stale ones, writes the manifest, deletes the staging directory. A staging directory without a
//! journal is an unfinished load and is deleted.
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, WarehouseError, io};
use crate::fsutil::{create_private_dir, remove_file, remove_tree, sync_dir, write_atomic};

pub(crate) const STAGING: &str = ".staging";
pub(crate) const LOADS: &str = "loads";
const JOURNAL: &str = "COMMIT.json";

/// What is known about a finished load; stored as `loads/<load_id>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadManifest {
    pub load_id: String,
    /// `transactions` or `balances`.
    pub table: String,
    pub source_system: String,
    /// The name the caller gave the file (not a path the warehouse uses).
    pub file_name: String,
    /// Hex SHA-256 of the file's bytes as received from the source system.
    pub file_sha256: String,
    pub rows: u64,
    pub rejects: u64,
    /// `YYYY-MM` of every partition the load wrote to.
    pub months: Vec<String>,
    /// Part files, relative to the warehouse root.
    pub parts: Vec<String>,
    /// RFC 3339, UTC.
    pub finished_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    manifest: LoadManifest,
    stale: Vec<String>,
}

pub(crate) fn manifest_path(root: &Path, load_id: &str) -> PathBuf {
    root.join(LOADS).join(format!("{load_id}.json"))
}

pub(crate) fn read_manifest(path: &Path) -> Result<Option<LoadManifest>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| WarehouseError::Manifest {
            path: path.to_owned(),
            message: e.to_string(),
        })
}

/// Decides the load staged in `staging` and makes it visible.
pub(crate) fn commit(root: &Path, staging: &Path, manifest: LoadManifest) -> Result<()> {
    let journal = decide(root, staging, manifest)?;
    roll_forward(root, staging, &journal)
}

/// Writes the journal: past this point the load will become visible even if the process dies.
fn decide(root: &Path, staging: &Path, manifest: LoadManifest) -> Result<Journal> {
    let previous = read_manifest(&manifest_path(root, &manifest.load_id))?;
    let kept: BTreeSet<&String> = manifest.parts.iter().collect();
    let stale = previous
        .iter()
        .flat_map(|p| p.parts.iter())
        .filter(|p| !kept.contains(p))
        .cloned()
        .collect();
    let journal = Journal { manifest, stale };
    let bytes =
        serde_json::to_vec_pretty(&journal).map_err(|e| WarehouseError::Internal(e.to_string()))?;
    write_atomic(&staging.join("COMMIT.tmp"), &staging.join(JOURNAL), &bytes)?;
    Ok(journal)
}

/// A relative path from a journal, refused if it could point outside the warehouse.
fn inside(base: &Path, rel: &str) -> Result<PathBuf> {
    let p = Path::new(rel);
    if p.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(base.join(p))
    } else {
        Err(WarehouseError::Internal(format!(
            "refusing journal path {rel:?}"
        )))
    }
}

fn roll_forward(root: &Path, staging: &Path, journal: &Journal) -> Result<()> {
    let mut touched = BTreeSet::new();
    for rel in &journal.manifest.parts {
        let (from, to) = (inside(staging, rel)?, inside(root, rel)?);
        // Gone from staging: moved by an earlier, interrupted roll-forward.
        if !from.exists() {
            continue;
        }
        if let Some(dir) = to.parent() {
            create_private_dir(dir)?;
            touched.insert(dir.to_owned());
        }
        std::fs::rename(&from, &to).map_err(io(&to))?;
    }
    for rel in &journal.stale {
        let path = inside(root, rel)?;
        remove_file(&path)?;
        if let Some(dir) = path.parent() {
            touched.insert(dir.to_owned());
        }
    }
    for dir in &touched {
        sync_dir(dir)?;
        // An emptied month directory would still show up as a partition.
        let _ = std::fs::remove_dir(dir);
    }
    let bytes = serde_json::to_vec_pretty(&journal.manifest)
        .map_err(|e| WarehouseError::Internal(e.to_string()))?;
    let dest = manifest_path(root, &journal.manifest.load_id);
    write_atomic(&staging.join("manifest.tmp"), &dest, &bytes)?;
    remove_tree(staging)?;
    sync_dir(&root.join(STAGING))
}

/// Rolls decided loads forward and deletes unfinished ones. Returns how many staging
/// directories were found.
pub(crate) fn recover(root: &Path) -> Result<usize> {
    let dir = root.join(STAGING);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io(&dir)(e)),
    };
    let mut found = 0;
    for entry in entries {
        let staging = entry.map_err(io(&dir))?.path();
        found += 1;
        if !staging.is_dir() {
            remove_file(&staging)?;
            continue;
        }
        let journal = std::fs::read(staging.join(JOURNAL))
            .ok()
            .and_then(|b| serde_json::from_slice::<Journal>(&b).ok());
        match journal {
            Some(j) => roll_forward(root, &staging, &j)?,
            None => remove_tree(&staging)?,
        }
    }
    sync_dir(&dir)?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(load_id: &str, parts: &[&str]) -> LoadManifest {
        LoadManifest {
            load_id: load_id.into(),
            table: "transactions".into(),
            source_system: "core_banking".into(),
            file_name: "t.csv".into(),
            file_sha256: "00".into(),
            rows: 1,
            rejects: 0,
            months: vec!["2025-01".into()],
            parts: parts.iter().map(|p| (*p).to_owned()).collect(),
            finished_at: "2025-01-01T00:00:00.000Z".into(),
        }
    }

    fn stage(root: &Path, load_id: &str, rel: &str, bytes: &[u8]) -> PathBuf {
        let staging = root.join(STAGING).join(load_id);
        let file = staging.join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, bytes).unwrap();
        staging
    }

    #[test]
    fn a_decided_load_is_rolled_forward_after_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(LOADS)).unwrap();
        let old = "transactions/month=2024-12/part-abc-0.parquet";
        let new = "transactions/month=2025-01/part-abc-0.parquet";
        // An earlier import of the same file wrote a part the new one no longer has.
        std::fs::create_dir_all(root.join("transactions/month=2024-12")).unwrap();
        std::fs::write(root.join(old), b"old").unwrap();
        let staging = stage(root, "abc", "x", b"");
        write_atomic(
            &staging.join("m.tmp"),
            &manifest_path(root, "abc"),
            &serde_json::to_vec(&manifest("abc", &[old])).unwrap(),
        )
        .unwrap();

        let staging = stage(root, "abc", new, b"new");
        decide(root, &staging, manifest("abc", &[new])).unwrap();
        // The process dies here; the next open finds the journal.
        assert!(!root.join(new).exists());
        assert_eq!(recover(root).unwrap(), 1);
        assert_eq!(std::fs::read(root.join(new)).unwrap(), b"new");
        assert!(!root.join(old).exists(), "the stale part is removed");
        assert!(
            !root.join("transactions/month=2024-12").exists(),
            "and its empty month"
        );
        assert!(!staging.exists());
        let m = read_manifest(&manifest_path(root, "abc")).unwrap().unwrap();
        assert_eq!(m.parts, [new]);
    }

    #[test]
    fn an_undecided_load_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let staging = stage(
            root,
            "abc",
            "transactions/month=2025-01/part-abc-0.parquet",
            b"half",
        );
        assert_eq!(recover(root).unwrap(), 1);
        assert!(!staging.exists());
        assert!(!root.join("transactions").exists());
        assert!(
            read_manifest(&manifest_path(root, "abc"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn journal_paths_cannot_leave_the_warehouse() {
        assert!(inside(Path::new("/w"), "../etc/passwd").is_err());
        assert!(inside(Path::new("/w"), "/etc/passwd").is_err());
        assert!(inside(Path::new("/w"), "transactions/month=2025-01/p.parquet").is_ok());
    }
}

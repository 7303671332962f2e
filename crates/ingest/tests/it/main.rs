//! Ingestion on every backend: good files load idempotently, bad files are refused before
//! anything is written, bad rows are reported with line, field and reason.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::new_without_default,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod accounts;
mod bad_input;
mod parquet;

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use rapport_domain::FixedClock;
use rapport_ingest::{ImportOptions, ImportReport, IngestError, Mapping, import_file};
use rapport_store::ingest::LoadMode;
pub use rapport_store_contract::fixture::{CUSTOMER_MAPPING, valid_resident_id};
use rapport_store_contract::{TestStore, fixture};

pub const HEADER: &str = "cif,name,sex,birthday,id_no,mobile,branch\n";

pub fn good_rows() -> String {
    let mut s = String::from(HEADER);
    s.push_str(&format!(
        "K1,张伟,M,1980-01-01,{},13800138000,R01B01S01\n",
        valid_resident_id(11)
    ));
    s.push_str(&format!(
        "K2,王芳,F,1980/1/1,{},,R01B01S01\n",
        valid_resident_id(22)
    ));
    s.push_str("K3,李娜,女,1990年5月6日,,13912345678,\n");
    s
}

#[derive(Debug)]
pub struct Env {
    pub dir: tempfile::TempDir,
    pub clock: FixedClock,
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            clock: FixedClock(Utc.with_ymd_and_hms(2026, 6, 30, 2, 0, 0).unwrap()),
        }
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn rejects(&self) -> PathBuf {
        self.dir.path().join("rejects.csv")
    }

    pub fn rejects_text(&self) -> String {
        std::fs::read_to_string(self.rejects()).unwrap_or_default()
    }

    pub async fn import(
        &self,
        ts: &TestStore,
        mapping: &str,
        path: &Path,
        mode: LoadMode,
    ) -> Result<ImportReport, IngestError> {
        let mapping = Mapping::parse(mapping).unwrap();
        import_file(
            ts.store.as_ref(),
            &self.clock,
            &mapping,
            path,
            &ImportOptions {
                mode,
                batch_rows: 2,
                started_by: "tester".into(),
                rejects_path: self.rejects(),
            },
            &mut |_| {},
        )
        .await
    }
}

pub async fn stores() -> Vec<TestStore> {
    let mut out = Vec::new();
    for ts in TestStore::each().await {
        ts.store
            .load_reference(&fixture::reference())
            .await
            .unwrap();
        out.push(ts);
    }
    out
}

pub async fn count(ts: &TestStore, sql: &str) -> i64 {
    ts.raw.count(sql).await.unwrap()
}

#[tokio::test]
async fn a_good_file_loads_and_loading_it_again_changes_nothing() {
    for ts in stores().await {
        let env = Env::new();
        let path = env.file("core.csv", good_rows().as_bytes());
        let first = env
            .import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(first.run.counts.inserted, 3, "{}", ts.name);
        assert_eq!(first.rows_rejected, 0);
        let dump_before = ts.raw.dump_text().await.unwrap();
        let again = env
            .import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(again.run.counts.inserted, 0, "{}", ts.name);
        assert_eq!(again.run.counts.updated, 0);
        assert_eq!(again.run.counts.unchanged, 3);
        assert_eq!(count(&ts, "SELECT count(*) FROM source_records").await, 3);
        // Identifiers are sealed at rest, also in source records.
        assert!(!dump_before.contains("13800138000"), "{}", ts.name);
        assert!(!dump_before.contains(&valid_resident_id(11)), "{}", ts.name);
        // The 15/18-digit, date and gender forms were read.
        assert_eq!(
            count(
                &ts,
                "SELECT count(*) FROM source_records WHERE gender = 'female' AND source_key IN ('K2', 'K3')"
            )
            .await,
            2
        );
    }
}

#[tokio::test]
async fn a_changed_row_is_updated_and_marked_for_resolution() {
    for ts in stores().await {
        let env = Env::new();
        let path = env.file("core.csv", good_rows().as_bytes());
        env.import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        ts.raw
            .execute("UPDATE source_records SET needs_resolution = (1 = 0)")
            .await
            .unwrap();
        let changed = good_rows().replace("13912345678", "13912345679");
        let path = env.file("core2.csv", changed.as_bytes());
        let run = env
            .import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(run.run.counts.updated, 1, "{}", ts.name);
        assert_eq!(run.run.counts.unchanged, 2);
        assert_eq!(
            count(
                &ts,
                "SELECT count(*) FROM source_records WHERE needs_resolution = (1 = 1)"
            )
            .await,
            1,
            "{}",
            ts.name
        );
    }
}

#[tokio::test]
async fn a_full_load_closes_what_the_source_no_longer_holds_and_a_delta_does_not() {
    for ts in stores().await {
        let env = Env::new();
        let path = env.file("core.csv", good_rows().as_bytes());
        env.import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Full)
            .await
            .unwrap();
        let two: String = good_rows()
            .lines()
            .take(3)
            .map(|l| format!("{l}\n"))
            .collect();
        let path = env.file("core2.csv", two.as_bytes());
        let delta = env
            .import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(delta.run.closed, 0, "{}", ts.name);
        let full = env
            .import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Full)
            .await
            .unwrap();
        assert_eq!(full.run.closed, 1, "{}", ts.name);
        assert_eq!(
            count(
                &ts,
                "SELECT count(*) FROM source_records WHERE closed_at IS NOT NULL AND source_key = 'K3'"
            )
            .await,
            1
        );
    }
}

#[tokio::test]
async fn gbk_and_gb18030_files_load_when_declared() {
    for ts in stores().await {
        let env = Env::new();
        for (label, encoding) in [("gbk", encoding_rs::GBK), ("gb18030", encoding_rs::GB18030)] {
            let text = good_rows();
            let (bytes, _, _) = encoding.encode(&text);
            let path = env.file(&format!("core-{label}.csv"), &bytes);
            let mapping = CUSTOMER_MAPPING.replace(
                "kind = \"customers\"",
                &format!("kind = \"customers\"\nencoding = \"{label}\""),
            );
            let report = env
                .import(&ts, &mapping, &path, LoadMode::Delta)
                .await
                .unwrap();
            assert_eq!(report.rows_rejected, 0, "{label}");
        }
        assert_eq!(
            count(
                &ts,
                "SELECT count(*) FROM source_records WHERE name = '张伟'"
            )
            .await,
            1,
            "{}",
            ts.name
        );
    }
}

#[tokio::test]
async fn json_lines_load_like_csv() {
    for ts in stores().await {
        let env = Env::new();
        let lines = format!(
            "{{\"cif\":\"J1\",\"name\":\"赵敏\",\"sex\":\"F\",\"mobile\":13600001111,\"id_no\":\"{}\"}}\n\n{{\"cif\":\"J2\",\"name\":\"钱进\",\"branch\":\"R01B01S01\"}}\n",
            valid_resident_id(33)
        );
        let path = env.file("ib.jsonl", lines.as_bytes());
        let mapping = CUSTOMER_MAPPING.replace(
            "kind = \"customers\"",
            "kind = \"customers\"\nformat = \"jsonl\"",
        );
        let mapping = mapping.replace("birth_date = \"birthday\"\n", "");
        let report = env
            .import(&ts, &mapping, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(report.run.counts.inserted, 2, "{}", ts.name);
    }
}

/// A file `file_name` of these bytes is refused whole: the error names each of `expect` and says
/// nothing was loaded, and no row and no run is written.
pub async fn refused_file(file_name: &str, mapping: &str, bytes: &[u8], expect: &[&str]) {
    for ts in stores().await {
        let env = Env::new();
        let path = env.file(file_name, bytes);
        let err = env
            .import(&ts, mapping, &path, LoadMode::Delta)
            .await
            .expect_err("the file must be refused")
            .to_string();
        for e in expect {
            assert!(err.contains(e), "{}: '{err}' should mention '{e}'", ts.name);
        }
        assert!(err.contains("nothing was loaded"), "{err}");
        assert_eq!(count(&ts, "SELECT count(*) FROM source_records").await, 0);
        assert_eq!(count(&ts, "SELECT count(*) FROM import_runs").await, 0);
    }
}

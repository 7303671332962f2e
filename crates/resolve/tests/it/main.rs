//! The real path on every backend: synthetic extracts → import → resolve → golden records;
//! resolving again changes nothing; a delta touches only its customer; merge and unmerge.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::{BranchId, FixedClock, PartyId, Role, StaffId, Viewer};
use rapport_ingest::{ImportOptions, Mapping, import_file};
use rapport_resolve::{Mode, ResolveOptions, Trust, merge_parties, resolve, unmerge};
use rapport_store::ChangeAuthor;
use rapport_store::ingest::LoadMode;
use rapport_store_contract::TestStore;
use rapport_synth::{Generator, MAPPINGS, SynthConfig, mapping_file_name};

const CUSTOMERS: u64 = 300;

fn steward() -> Viewer {
    Viewer {
        staff_id: StaffId(1),
        role: Role::DataSteward,
        branch_id: Some(BranchId(1)),
    }
}

fn author(day: u32) -> ChangeAuthor {
    ChangeAuthor {
        staff_id: None,
        username: "identity resolution".into(),
        source: "identity".into(),
        at: Utc.with_ymd_and_hms(2026, 7, day, 1, 0, 0).unwrap(),
    }
}

/// A resolution run on `day` of July, by the batch job.
async fn run(ts: &TestStore, mode: Mode, day: u32) -> rapport_resolve::ResolveReport {
    let options = ResolveOptions::default();
    resolve(
        ts.store.as_ref(),
        mode,
        &options,
        &author(day),
        &mut |_, _, _| {},
    )
    .await
    .unwrap()
}

/// A full run on `day` creates, updates and merges nothing.
async fn assert_full_run_changes_nothing(ts: &TestStore, day: u32) {
    let again = run(ts, Mode::Full, day).await;
    let applied = &again.applied;
    assert_eq!(
        (applied.created, applied.updated, applied.merged),
        (0, 0, 0),
        "{}",
        ts.name
    );
}

/// The steward merges `absorb` into `keep` on `day` of July.
async fn merge(
    ts: &TestStore,
    keep: PartyId,
    absorb: PartyId,
    day: u32,
) -> Result<PartyId, rapport_resolve::ResolveError> {
    merge_parties(
        ts.store.as_ref(),
        &steward(),
        keep,
        absorb,
        &Trust::default(),
        &author(day),
    )
    .await
}

/// The steward undoes merge event `event` on `day` of July.
async fn undo(
    ts: &TestStore,
    event: i64,
    day: u32,
) -> Result<(PartyId, PartyId), rapport_resolve::ResolveError> {
    unmerge(
        ts.store.as_ref(),
        &steward(),
        event,
        &Trust::default(),
        &author(day),
    )
    .await
}

struct Bank {
    ts: TestStore,
    dir: tempfile::TempDir,
}

fn generator() -> Generator {
    Generator::new(SynthConfig {
        customers: CUSTOMERS,
        seed: 11,
        as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        transactions: false,
    })
    .unwrap()
}

async fn import(ts: &TestStore, dir: &Path, extract: &str, mode: LoadMode) {
    let mapping = Mapping::load(&dir.join(mapping_file_name(extract))).unwrap();
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap());
    import_file(
        ts.store.as_ref(),
        &clock,
        &mapping,
        &dir.join(extract),
        &ImportOptions {
            mode,
            batch_rows: 500,
            started_by: "test".into(),
            rejects_path: dir.join(format!("{extract}.rejects.csv")),
        },
        &mut |_| {},
    )
    .await
    .unwrap();
}

async fn banks() -> Vec<Bank> {
    let generator = generator();
    let mut out = Vec::new();
    for ts in TestStore::each().await {
        let dir = tempfile::tempdir().unwrap();
        rapport_synth::write_extracts(&generator, dir.path(), &mut |_, _| {}).unwrap();
        ts.store
            .load_reference(generator.reference())
            .await
            .unwrap();
        // The operational store's extracts (transactions and balances go to the warehouse).
        for (extract, _, kind) in MAPPINGS {
            if matches!(*kind, "customers" | "accounts") {
                import(&ts, dir.path(), extract, LoadMode::Full).await;
            }
        }
        out.push(Bank { ts, dir });
    }
    out
}

/// (source system, source key) → true person, from the generator's ground truth.
fn truth(dir: &Path) -> HashMap<(String, String), i64> {
    let mut reader = csv::Reader::from_path(dir.join("truth_records.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            ((r[0].to_owned(), r[1].to_owned()), r[2].parse().unwrap())
        })
        .collect()
}

async fn placement(ts: &TestStore) -> BTreeMap<(String, String), i64> {
    let sql = "SELECT source_system, source_key, party_id FROM source_records";
    match &ts.raw {
        rapport_store_contract::RawDb::Sqlite(p) => sqlx::query_as::<_, (String, String, i64)>(sql)
            .fetch_all(p)
            .await
            .unwrap(),
        rapport_store_contract::RawDb::Postgres(p) => {
            sqlx::query_as::<_, (String, String, i64)>(sql)
                .fetch_all(p)
                .await
                .unwrap()
        }
    }
    .into_iter()
    .map(|(s, k, p)| ((s, k), p))
    .collect()
}

/// Pairwise precision and recall of the store's parties against the truth.
fn pairwise(
    found: &BTreeMap<(String, String), i64>,
    truth: &HashMap<(String, String), i64>,
) -> (f64, f64) {
    let keys: Vec<&(String, String)> = found.keys().collect();
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            let same_found = found[keys[i]] == found[keys[j]];
            let same_true = truth[keys[i]] == truth[keys[j]];
            match (same_found, same_true) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fn_ += 1,
                _ => {}
            }
        }
    }
    (
        tp as f64 / (tp + fp).max(1) as f64,
        tp as f64 / (tp + fn_).max(1) as f64,
    )
}

#[tokio::test]
async fn extracts_become_golden_customers_and_resolving_again_changes_nothing() {
    for bank in banks().await {
        let ts = &bank.ts;
        let first = run(ts, Mode::Full, 1).await;
        assert!(first.applied.created > 0, "{}", ts.name);
        let found = placement(ts).await;
        let (precision, recall) = pairwise(&found, &truth(bank.dir.path()));
        assert!(
            precision > 0.97 && recall > 0.9,
            "{}: precision {precision}, recall {recall}",
            ts.name
        );
        assert_eq!(
            ts.raw
                .count("SELECT count(*) FROM source_records WHERE party_id IS NULL")
                .await
                .unwrap(),
            0
        );
        // Every source account now belongs to its record's party.
        assert_eq!(
            ts.raw
                .count("SELECT count(*) FROM source_accounts")
                .await
                .unwrap(),
            ts.raw.count("SELECT count(*) FROM accounts").await.unwrap(),
            "{}",
            ts.name
        );
        // The 360 view shows the customer with holdings and the winning source per field.
        let party: i64 = ts
            .raw
            .count("SELECT MIN(party_id) FROM accounts")
            .await
            .unwrap();
        let c = ts
            .store
            .customer_360(&steward(), PartyId(party))
            .await
            .unwrap()
            .unwrap();
        assert!(!c.accounts.is_empty());
        assert!(
            ts.raw
                .count("SELECT count(*) FROM parties WHERE golden_sources IS NULL")
                .await
                .unwrap()
                == 0
        );
        assert_full_run_changes_nothing(ts, 2).await;
        assert_eq!(placement(ts).await, found);
    }
}

#[tokio::test]
async fn a_delta_load_reresolves_only_the_customer_it_touches() {
    for bank in banks().await {
        let ts = &bank.ts;
        run(ts, Mode::Full, 1).await;
        // A new mobile for one core-banking customer, dated after everything else.
        let path = bank.dir.path().join("core_banking.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        let (mobile_col, updated_col) = (
            header.iter().position(|h| *h == "mobile").unwrap(),
            header.iter().position(|h| *h == "updated_at").unwrap(),
        );
        let row = lines
            .iter()
            .position(|l| {
                l.split(',').count() == header.len()
                    && !l.split(',').nth(mobile_col).unwrap().is_empty()
            })
            .filter(|&i| i > 0)
            .unwrap_or(1);
        let mut cells: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
        cells[mobile_col] = "13912345678".into();
        cells[updated_col] = "2026-06-29".into();
        let key = cells[0].clone();
        lines[row] = cells.join(",");
        let delta = format!("{}\n{}\n", lines[0], lines[row]);
        let delta_dir = tempfile::tempdir().unwrap();
        std::fs::write(delta_dir.path().join("core_banking.csv"), delta).unwrap();
        std::fs::copy(
            bank.dir.path().join(mapping_file_name("core_banking.csv")),
            delta_dir.path().join(mapping_file_name("core_banking.csv")),
        )
        .unwrap();
        import(ts, delta_dir.path(), "core_banking.csv", LoadMode::Delta).await;
        let report = run(ts, Mode::Delta, 2).await;
        assert_eq!(report.mode, Mode::Delta, "{}", ts.name);
        // Only the touched record's person was matched again, not the bank.
        assert!(
            report.matched >= 1 && report.matched <= 8,
            "{}: {} of {} records matched again",
            ts.name,
            report.matched,
            report.records
        );
        assert_eq!(report.applied.updated, 1, "{}", ts.name);
        assert_eq!(report.applied.created + report.applied.merged, 0);
        // The one party written is the one whose AUM is rolled up again.
        assert_eq!(report.applied.parties.len(), 1, "{}", ts.name);
        let sql = format!(
            "SELECT count(*) FROM party_changes c JOIN source_records r ON r.party_id = c.party_id \
             WHERE r.source_key = '{key}' AND c.field = 'mobile' AND c.source = 'identity'"
        );
        assert_eq!(ts.raw.count(&sql).await.unwrap(), 1, "{}", ts.name);
    }
}

/// Rows of an extract, changed by `edit`, as a delta file in a directory of its own.
fn delta_extract(
    bank: &Bank,
    extract: &str,
    edit: impl Fn(&[&str], &[String]) -> Vec<Vec<String>>,
) -> tempfile::TempDir {
    let text = std::fs::read_to_string(bank.dir.path().join(extract)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    let rows: Vec<String> = lines.map(str::to_owned).collect();
    let mut out = format!("{header}\n");
    for cells in edit(&columns, &rows) {
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(extract), out).unwrap();
    std::fs::copy(
        bank.dir.path().join(mapping_file_name(extract)),
        dir.path().join(mapping_file_name(extract)),
    )
    .unwrap();
    dir
}

/// New records in the core system for existing customers (copies under new keys, one with
/// another mobile), and changed mobiles in five of the call center's records.
fn delta_extracts(bank: &Bank) -> (tempfile::TempDir, tempfile::TempDir) {
    let core = delta_extract(bank, "core_banking.csv", |columns, rows| {
        let mobile = columns.iter().position(|h| *h == "mobile").unwrap();
        rows.iter()
            .step_by(37)
            .take(6)
            .enumerate()
            .map(|(n, row)| {
                let mut cells: Vec<String> = row.split(',').map(str::to_owned).collect();
                cells[0] = format!("{}D{n}", cells[0]);
                if n == 0 {
                    cells[mobile] = "13987654321".into();
                }
                cells
            })
            .collect()
    });
    let calls = delta_extract(bank, "call_center.csv", |columns, rows| {
        let mobile = columns.iter().position(|h| *h == "mobile").unwrap();
        rows.iter()
            .step_by(29)
            .take(5)
            .enumerate()
            .map(|(n, row)| {
                let mut cells: Vec<String> = row.split(',').map(str::to_owned).collect();
                cells[mobile] = format!("1390000{n:04}");
                cells
            })
            .collect()
    });
    (core, calls)
}

#[tokio::test]
async fn a_delta_run_places_records_as_a_full_run_would_and_keeps_the_rest_of_the_queue() {
    for bank in banks().await {
        let ts = &bank.ts;
        let first = run(ts, Mode::Full, 1).await;
        let queue_before = first.pending_reviews;
        let (core, calls) = delta_extracts(&bank);
        import(ts, core.path(), "core_banking.csv", LoadMode::Delta).await;
        import(ts, calls.path(), "call_center.csv", LoadMode::Delta).await;
        let delta = run(ts, Mode::Delta, 2).await;
        assert_eq!(delta.mode, Mode::Delta, "{}", ts.name);
        assert!(
            delta.matched < delta.records / 4,
            "{}: {} of {}",
            ts.name,
            delta.matched,
            delta.records
        );
        assert_eq!(
            ts.raw
                .count("SELECT count(*) FROM source_records WHERE party_id IS NULL OR needs_resolution = (1 = 1)")
                .await
                .unwrap(),
            0,
            "{}",
            ts.name
        );
        // The copies join their customers instead of becoming new ones (each is checked below);
        // a call-center record whose changed mobile was its only link to its customer may stand
        // alone, as a full run would also place it (checked at the end).
        assert!(
            delta.applied.created <= 5,
            "{}: {}",
            ts.name,
            delta.applied.created
        );
        let placed = placement(ts).await;
        for (n, ((system, key), party)) in placed
            .iter()
            .filter(|((s, k), _)| s == "core_banking" && k.contains('D'))
            .enumerate()
        {
            let original = key.split('D').next().unwrap().to_owned();
            assert_eq!(
                placed.get(&(system.clone(), original)),
                Some(party),
                "{}: copy {n} ({key})",
                ts.name
            );
        }
        // The review queue outside the touched persons is kept.
        assert!(
            delta.pending_reviews + 20 >= queue_before,
            "{}: {} pending before, {} after",
            ts.name,
            queue_before,
            delta.pending_reviews
        );
        // A full run afterwards finds nothing to change.
        assert_full_run_changes_nothing(ts, 3).await;
        assert_eq!(placement(ts).await, placed, "{}", ts.name);
    }
}

#[tokio::test]
async fn the_first_run_is_full_even_when_asked_for_a_delta() {
    for bank in banks().await {
        let ts = &bank.ts;
        let report = run(ts, Mode::Delta, 1).await;
        assert_eq!(report.mode, Mode::Full, "{}", ts.name);
        assert_eq!(report.matched, report.records);
        assert!(
            ts.store
                .meta(rapport_resolve::MODEL_META_KEY)
                .await
                .unwrap()
                .is_some(),
            "{}: the model is kept for delta runs",
            ts.name
        );
    }
}

/// What an unmerge must put back: parties, their records, accounts and open RM assignments.
async fn state(ts: &TestStore, parties: [i64; 2]) -> String {
    let list = format!("{}, {}", parties[0], parties[1]);
    let queries = [
        format!(
            "SELECT id || ':' || name || ':' || COALESCE(address, '') || ':' || COALESCE(CAST(merged_into AS TEXT), '') FROM parties WHERE id IN ({list}) ORDER BY id"
        ),
        format!(
            "SELECT CAST(id AS TEXT) || '>' || CAST(party_id AS TEXT) FROM source_records WHERE party_id IN ({list}) ORDER BY id"
        ),
        format!(
            "SELECT account_number || '>' || CAST(party_id AS TEXT) FROM accounts WHERE party_id IN ({list}) ORDER BY account_number"
        ),
        format!(
            "SELECT CAST(id AS TEXT) || '>' || CAST(party_id AS TEXT) || '>' || CAST(staff_id AS TEXT) FROM rm_assignments WHERE party_id IN ({list}) AND effective_to IS NULL ORDER BY id"
        ),
    ];
    let mut out = String::new();
    for q in queries {
        let rows: Vec<String> = match &ts.raw {
            rapport_store_contract::RawDb::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
                .fetch_all(p)
                .await
                .unwrap(),
            rapport_store_contract::RawDb::Postgres(p) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(q))
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
        };
        out.push_str(&rows.join("\n"));
        out.push_str("\n--\n");
    }
    out
}

#[tokio::test]
async fn unmerge_restores_parties_records_accounts_and_rms_and_resolution_keeps_them_apart() {
    for bank in banks().await {
        let ts = &bank.ts;
        run(ts, Mode::Full, 1).await;
        // Two customers who each have accounts and an RM.
        let sql = "SELECT p.id FROM parties p WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.party_id = p.id) \
                   AND EXISTS (SELECT 1 FROM rm_assignments r WHERE r.party_id = p.id AND r.effective_to IS NULL) \
                   ORDER BY p.id LIMIT 2";
        let ids: Vec<i64> = match &ts.raw {
            rapport_store_contract::RawDb::Sqlite(p) => {
                sqlx::query_scalar(sql).fetch_all(p).await.unwrap()
            }
            rapport_store_contract::RawDb::Postgres(p) => {
                sqlx::query_scalar(sql).fetch_all(p).await.unwrap()
            }
        };
        let (keep, absorb) = (PartyId(ids[0]), PartyId(ids[1]));
        let before = state(ts, [keep.0, absorb.0]).await;
        merge(ts, keep, absorb, 3).await.unwrap();
        assert!(
            ts.store
                .customer_360(&steward(), absorb)
                .await
                .unwrap()
                .is_none(),
            "{}: merged away",
            ts.name
        );
        assert_ne!(state(ts, [keep.0, absorb.0]).await, before);
        let events = rapport_store_contract::reads::in_scope(
            ts.store.as_ref(),
            &steward(),
            keep,
            |c| async move { ts.store.identity_events(&c).await },
        )
        .await
        .unwrap()
        .unwrap();
        let merge = events
            .iter()
            .find(|e| e.other_party_id == Some(absorb))
            .unwrap();
        undo(ts, merge.id, 4).await.unwrap();
        assert_eq!(state(ts, [keep.0, absorb.0]).await, before, "{}", ts.name);
        assert!(
            ts.store
                .customer_360(&steward(), absorb)
                .await
                .unwrap()
                .is_some()
        );
        // Undoing twice is refused.
        let again = undo(ts, merge.id, 4).await;
        assert!(again.is_err());
        // A later resolution keeps what the steward separated apart.
        run(ts, Mode::Full, 5).await;
        assert_eq!(state(ts, [keep.0, absorb.0]).await, before, "{}", ts.name);
    }
}

#[tokio::test]
async fn merging_a_customer_into_itself_or_out_of_scope_is_refused() {
    for bank in banks().await {
        let ts = &bank.ts;
        run(ts, Mode::Full, 1).await;
        let e = merge(ts, PartyId(1), PartyId(1), 2).await;
        assert!(e.unwrap_err().to_string().contains("itself"));
        let e = merge(ts, PartyId(1), PartyId(999_999), 2).await;
        assert!(e.unwrap_err().to_string().contains("not found"));
    }
}

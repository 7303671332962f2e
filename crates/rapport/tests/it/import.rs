//! `rapport import` killed with SIGKILL at random moments leaves whole batches only, and running
//! the same file again completes the load exactly (R2.1). On SQLite always; on PostgreSQL when
//! `RAPPORT_TEST_DATABASE_URL` is set (`RAPPORT_REQUIRE_PG=1` makes a missing URL a failure).
//!
//! The file holds `ROWS` valid synthetic customer rows (no real data); the import runs with
//! `--batch-rows BATCH` and is killed `KILLS` times, each after a random delay (seeded; the seed
//! is printed and `RAPPORT_CRASH_SEED` replays one) between 50 ms and the time a whole load
//! takes, as measured on a tenth of the file. After every kill the database is opened
//! read-only and checked.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Row;

const ROWS: u64 = 100_000;
const BATCH: u64 = 5_000;
const KILLS: usize = 5;
const SEED: u64 = 0x5eed_2026;

/// A tiny seeded generator (SplitMix64): the same seed gives the same kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low).max(1)
    }
}

/// `rows` synthetic customer rows (source_key, name, mobile) and their mapping beside them.
fn write_extract(dir: &Path, rows: u64) -> PathBuf {
    const SURNAMES: [&str; 8] = ["赵", "钱", "孙", "李", "周", "吴", "郑", "王"];
    const GIVEN: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];
    std::fs::create_dir_all(dir).unwrap();
    let csv = dir.join("crash.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(out, "source_key,name,mobile").unwrap();
    for i in 0..rows {
        let name = format!(
            "{}{}{}",
            SURNAMES[(i % 8) as usize],
            GIVEN[((i / 8) % 8) as usize],
            GIVEN[((i / 64) % 8) as usize]
        );
        writeln!(out, "CRASH-{i:07},{name},199{i:08}").unwrap();
    }
    out.flush().unwrap();
    std::fs::write(
        dir.join("crash.mapping.toml"),
        "source_system = \"core_banking\"\nkind = \"customers\"\nformat = \"csv\"\n\n\
         [columns]\nsource_key = \"source_key\"\nname = \"name\"\nmobile = \"mobile\"\n",
    )
    .unwrap();
    csv
}

/// Where one load goes: a data directory (key file, SQLite database) and, for PostgreSQL, a
/// scratch database.
struct Target {
    data_dir: PathBuf,
    pg: Option<(String, String)>,
}

impl Target {
    fn args(&self) -> Vec<String> {
        let mut a = vec!["--data-dir".into(), self.data_dir.display().to_string()];
        if let Some((_, url)) = &self.pg {
            a.extend(["--database-url".into(), url.clone()]);
        }
        a
    }

    fn command(&self, sub: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
        c.args(sub)
            .args(self.args())
            .env_remove("RAPPORT_DATABASE_URL")
            .env_remove("RAPPORT_CONFIG")
            .env_remove("RAPPORT_KEYS")
            .env("RAPPORT_LOG", "warn");
        c
    }

    /// Creates the key file and the schema before anything is killed.
    fn init(&self) {
        let out = self.command(&["user", "list"]).output().unwrap();
        assert!(out.status.success(), "{}", crate::stderr(&out));
    }

    fn import(&self, csv: &Path) -> Child {
        self.command(&["import", "--batch-rows", &BATCH.to_string()])
            .arg(csv)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    async fn drop_database(&self) {
        if let Some((admin, url)) = &self.pg {
            rapport_store_sql::drop_scratch_database(admin, url)
                .await
                .unwrap();
        }
    }
}

/// What the database holds after a kill.
#[derive(Debug)]
struct State {
    rows: i64,
    duplicate_keys: i64,
    /// (id, batches, inserted, updated, unchanged, status) of every run.
    runs: Vec<(i64, i64, i64, i64, i64, String)>,
    integrity: String,
}

const RUNS_SQL: &str =
    "SELECT id, batches, inserted, updated, unchanged, status FROM import_runs ORDER BY id";
const DUPLICATES_SQL: &str = "SELECT count(*) FROM (SELECT source_system, source_key \
     FROM source_records GROUP BY source_system, source_key HAVING count(*) > 1) d";

/// The counts and runs the invariants are checked on, read the same way from either backend.
macro_rules! read_state {
    ($pool:expr, $integrity:expr) => {{
        let pool = $pool;
        State {
            rows: sqlx::query_scalar("SELECT count(*) FROM source_records")
                .fetch_one(pool)
                .await
                .unwrap(),
            duplicate_keys: sqlx::query_scalar(DUPLICATES_SQL)
                .fetch_one(pool)
                .await
                .unwrap(),
            runs: sqlx::query(RUNS_SQL)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
                .collect(),
            integrity: $integrity,
        }
    }};
}

async fn inspect(t: &Target) -> State {
    match &t.pg {
        None => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(t.data_dir.join("rapport.db"))
                .read_only(true);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .unwrap();
            let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&pool)
                .await
                .unwrap();
            let state = read_state!(&pool, integrity.join("; "));
            pool.close().await;
            state
        }
        Some((_, url)) => {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(url)
                .await
                .unwrap();
            // Read-only: the checks cannot change what they check.
            sqlx::query("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                .execute(&pool)
                .await
                .unwrap();
            let state = read_state!(&pool, "ok".to_owned());
            pool.close().await;
            state
        }
    }
}

/// The invariants that hold after any kill: whole batches only, counters that match the rows.
fn check(state: &State, label: &str) {
    let rows = state.rows as u64;
    assert!(
        rows.is_multiple_of(BATCH) || rows == ROWS,
        "{label}: {rows} rows is not a whole number of batches of {BATCH}"
    );
    assert!(rows <= ROWS, "{label}: {rows} rows > {ROWS}");
    assert_eq!(state.duplicate_keys, 0, "{label}: duplicate source keys");
    assert_eq!(state.integrity, "ok", "{label}: integrity_check");
    let inserted: i64 = state.runs.iter().map(|r| r.2).sum();
    assert_eq!(
        inserted, state.rows,
        "{label}: the runs' inserted counters add up to the rows present ({:?})",
        state.runs
    );
    // A run cut off by an earlier kill is marked interrupted when the file is imported again:
    // only the newest run may still say running.
    let last = state.runs.last().map(|r| r.0);
    for (id, .., status) in &state.runs {
        assert!(
            status != "running" || Some(*id) == last,
            "{label}: run {id} is still 'running' after a later run started ({:?})",
            state.runs
        );
    }
    for (id, batches, ins, upd, unch, _) in &state.runs {
        assert_eq!(
            (ins + upd + unch) as u64,
            *batches as u64 * BATCH,
            "{label}: run {id} counted {batches} batches but {} rows",
            ins + upd + unch
        );
        assert_eq!(
            *upd, 0,
            "{label}: run {id} updated rows of an unchanged file"
        );
    }
}

/// `(inserted, updated, unchanged, rejected)` from the import's summary line.
fn summary(stderr: &str) -> (u64, u64, u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.contains(" inserted, "))
        .unwrap_or_else(|| panic!("no summary line in: {stderr}"));
    let number_before = |word: &str| -> u64 {
        let head = &line[..line.find(word).unwrap()];
        head.rsplit([' ', ':'])
            .find(|s| !s.is_empty())
            .unwrap()
            .parse()
            .unwrap()
    };
    (
        number_before(" inserted"),
        number_before(" updated"),
        number_before(" unchanged"),
        number_before(" rejected"),
    )
}

fn crash_and_complete(pg_admin: Option<&str>, label: &str) {
    let started = Instant::now();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fresh = |name: &str| Target {
        data_dir: dir.path().join(name),
        pg: pg_admin.map(|admin| {
            let url = rt
                .block_on(rapport_store_sql::create_scratch_database(admin))
                .unwrap();
            (admin.to_owned(), url)
        }),
    };

    // How long a whole load takes, measured on a tenth of the file in a store of its own.
    let probe = fresh("probe");
    probe.init();
    let small = write_extract(&dir.path().join("probe-extract"), ROWS / 10);
    let t0 = Instant::now();
    let out = probe.import(&small).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let full_ms = (t0.elapsed().as_millis() as u64 * 10).max(200);
    rt.block_on(probe.drop_database());

    let target = fresh("data");
    target.init();
    let csv = write_extract(&dir.path().join("extract"), ROWS);
    let seed = std::env::var("RAPPORT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let mut rng = Rng(seed);
    eprintln!("{label}: seed {seed}, a whole load takes about {full_ms} ms");
    for kill in 1..=KILLS {
        let delay = rng.between(50, full_ms);
        let mut child = target.import(&csv);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL on Unix; Ok if it has already finished
        child.wait().unwrap();
        let state = rt.block_on(inspect(&target));
        eprintln!(
            "{label}: kill {kill} after {delay} ms: {} rows, {} runs",
            state.rows,
            state.runs.len()
        );
        check(&state, &format!("{label} kill {kill}"));
    }

    let before = rt.block_on(inspect(&target)).rows as u64;
    let out = target.import(&csv).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let (inserted, updated, unchanged, rejected) = summary(&crate::stderr(&out));
    assert_eq!(
        (inserted, updated, unchanged, rejected),
        (ROWS - before, 0, before, 0),
        "{label}: the last run loads exactly what was missing"
    );
    let state = rt.block_on(inspect(&target));
    check(&state, &format!("{label} final"));
    assert_eq!(state.rows as u64, ROWS, "{label}: every row loaded once");
    assert_eq!(
        state.runs.last().map(|r| r.5.as_str()),
        Some("finished"),
        "{label}: the last run finished"
    );
    rt.block_on(target.drop_database());
    eprintln!(
        "{label}: passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn import_killed_at_random_moments_keeps_whole_batches_on_sqlite() {
    crash_and_complete(None, "sqlite");
}

#[test]
fn import_killed_at_random_moments_keeps_whole_batches_on_postgres() {
    if let Some(admin) = rapport_store_contract::postgres_url() {
        crash_and_complete(Some(&admin), "postgres");
    }
}

//! The `rapport` binary, run as a user would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod audit;
mod docs;
mod import;
mod layers;
mod score;
mod segments;
mod server;
mod workbench;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub fn rapport(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env_remove("RAPPORT_DATABASE_URL")
        .env_remove("RAPPORT_CONFIG")
        .env("RAPPORT_LOG", "warn")
        .output()
        .unwrap()
}

/// Rows of two text columns from a SQLite database, read-only.
pub async fn query_pairs(db: &std::path::Path, sql: &str) -> Vec<(String, String)> {
    use sqlx::{ConnectOptions, Row};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .collect()
}

/// A demo bank of `customers` customers made in a fresh directory (removed when the returned
/// guard drops), with `flags` added to `rapport demo --no-serve`; the demo's output.
pub fn demo_bank(customers: &str, flags: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut args = vec![
        "demo",
        "--customers",
        customers,
        "--data-dir",
        data.to_str().unwrap(),
        "--no-serve",
    ];
    args.extend_from_slice(flags);
    let out = rapport(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, data, out)
}

/// Runs `work` on a connection to a SQLite database file, as someone with access to the disk could.
fn on_sqlite<T>(db: &Path, work: impl AsyncFnOnce(&mut sqlx::SqliteConnection) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(db)
            .connect()
            .await
            .unwrap();
        work(&mut conn).await
    })
}

/// Runs `sql` straight on a SQLite database file.
pub fn execute_sql(db: &Path, sql: &str) {
    on_sqlite(db, async |conn| {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(conn)
            .await
            .unwrap();
    });
}

/// The one integer `sql` selects from a SQLite database file.
pub fn query_i64(db: &Path, sql: &str) -> i64 {
    on_sqlite(db, async |conn| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(conn)
            .await
            .unwrap()
    })
}

/// Runs `rapport` with `args`, requires it to fail, and requires its error output to name each
/// of `named` (the flag, field or file at fault); the error output.
pub fn refused(args: &[&str], named: &[&str]) -> String {
    let out = rapport(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} succeeded: {err}");
    for name in named {
        assert!(err.contains(name), "{args:?}: no {name:?} in: {err}");
    }
    err
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_unreachable_postgresql_fails_fast_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = rapport(&[
        "serve",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--database-url",
        "postgres://rapport:s3cret-pw@127.0.0.1:1/rapport",
    ]);
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(20));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(
        lines[0].starts_with("error: ")
            && lines[0].contains("PostgreSQL")
            && lines[0].contains("127.0.0.1:1"),
        "{err}"
    );
    assert!(
        !err.contains("s3cret-pw"),
        "never print the password: {err}"
    );
}

#[test]
fn an_unknown_configuration_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rapport.toml"),
        "[server]\nlisten = \"127.0.0.1:0\"\nworkers = 4\n",
    )
    .unwrap();
    refused(
        &["user", "list", "--data-dir", dir.path().to_str().unwrap()],
        &["workers", "rapport.toml"],
    );

    let cfg = dir.path().join("other.toml");
    std::fs::write(&cfg, "[bank]\nbase_currency = \"XYZ\"\n").unwrap();
    refused(
        &[
            "user",
            "list",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &["XYZ"],
    );
}

#[test]
fn demo_creates_a_bank_and_logins_with_random_passwords() {
    let (_dir, data, out) = demo_bank("1000", &["--skip-extracts"]);
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let lines: Vec<Vec<&str>> = logins.lines().map(|l| l.split(' ').collect()).collect();
    let roles: Vec<&str> = lines.iter().map(|l| l[2]).collect();
    assert_eq!(
        roles,
        [
            "admin",
            "branch_manager",
            "rm",
            "rm",
            "service_agent",
            "data_steward",
            "auditor",
            "marketing",
            "branch_manager"
        ]
    );
    assert!(
        lines.iter().all(|l| l[1].len() >= 16),
        "strong random passwords"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("demo-logins.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Printed once, on creation.
    assert!(String::from_utf8_lossy(&out.stdout).contains(lines[0][1]));

    // A second run keeps the bank and its logins.
    let again = rapport(&[
        "demo",
        "--customers",
        "1000",
        "--data-dir",
        data.to_str().unwrap(),
        "--no-serve",
    ]);
    assert!(again.status.success());
    assert!(
        // Resolution makes the customers from the extracts: about, not exactly, 1000.
        stderr(&again).contains("already holds a bank of "),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(data.join("demo-logins.txt")).unwrap(),
        logins
    );

    let list = rapport(&["user", "list", "--data-dir", data.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("rm0001"));

    // The real path ran: import runs, golden records with their winning sources, AUM history.
    let db = data.join("rapport.db");
    let count = |sql: &str| query_i64(&db, sql);
    assert!(count("SELECT count(*) FROM import_runs WHERE status = 'finished'") >= 6);
    assert_eq!(
        count("SELECT count(*) FROM source_records WHERE party_id IS NULL"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM parties WHERE golden_sources IS NULL"),
        0
    );
    assert!(count("SELECT count(DISTINCT month) FROM party_monthly_aum") >= 12);
}

#[test]
fn user_commands_validate_their_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let add_user = |username: &str, role: &str, named: &[&str]| {
        refused(
            &[
                "user",
                "add",
                "--data-dir",
                d,
                "--username",
                username,
                "--role",
                role,
                "--display-name",
                "x",
            ],
            named,
        );
    };
    add_user("Bad Name", "rm", &["--username"]);
    add_user("ok.name", "boss", &["--role", "branch_manager"]);
    add_user("ok.name", "branch_manager", &["--branch-id"]);
    refused(&["user", "disable", "--data-dir", d, "nobody"], &["nobody"]);
}

/// `rapport user add` of `user` with `role` in the data directory `d`.
fn add_login(d: &str, user: &str, role: &str) -> Output {
    rapport(&[
        "user",
        "add",
        "--data-dir",
        d,
        "--username",
        user,
        "--role",
        role,
        "--display-name",
        "某人",
    ])
}

/// What `rapport user list` says of `user`'s login ("temporary", …), if it lists `user`.
fn login_of(d: &str, user: &str) -> Option<String> {
    let list = rapport(&["user", "list", "--data-dir", d]);
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(user))
        .and_then(|l| l.split_whitespace().last().map(str::to_owned))
}

/// `rapport` with `args` and `--password-stdin`, `password` written to its standard input.
fn with_password_stdin(d: &str, args: &[&str], password: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .args(["--data-dir", d, "--password-stdin"])
        .env_remove("RAPPORT_DATABASE_URL")
        .env_remove("RAPPORT_CONFIG")
        .env("RAPPORT_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Separation of duties: before two administrators exist, only an admin login is made at once
/// (the bootstrap), with a temporary password shown once.
fn bootstrap_two_administrators(d: &str) {
    for admin in ["admin.one", "admin.two"] {
        let out = add_login(d, admin, "admin");
        assert!(out.status.success(), "{}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("created ")
                && stdout.contains("password (shown once; to be changed at the first login): "),
            "{stdout}"
        );
        assert_eq!(login_of(d, admin).as_deref(), Some("temporary"));
    }
}

#[test]
fn the_bootstrap_makes_two_administrators_and_no_password_is_chosen_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    bootstrap_two_administrators(d);
    let dup = add_login(d, "admin.one", "auditor");
    assert!(
        stderr(&dup).contains("admin.one is taken"),
        "{}",
        stderr(&dup)
    );

    // A password chosen on the command line would let one person log in alone: refused.
    let out = with_password_stdin(
        d,
        &["user", "password", "admin.one"],
        "a long enough password\n",
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("approval"), "{}", stderr(&out));
    let out = with_password_stdin(
        d,
        &[
            "user",
            "add",
            "--username",
            "admin.three",
            "--role",
            "admin",
            "--display-name",
            "x",
        ],
        "a long enough password\n",
    );
    assert!(!out.status.success(), "two admins exist: no bootstrap");
    assert_eq!(login_of(d, "admin.three"), None);
    refused(
        &["user", "password", "--data-dir", d, "nobody.here"],
        &["nobody.here"],
    );
}

#[test]
fn after_the_bootstrap_logins_passwords_enabling_and_tokens_are_requests() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    bootstrap_two_administrators(d);
    // From now on `user add`, `user password`, `user enable` and `token create` are requests.
    let out = add_login(d, "auditor.two", "auditor");
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("requested staff change #1 (create_login auditor.two)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("password ("),
        "no password for the requester: {stdout}"
    );
    assert_eq!(login_of(d, "auditor.two"), None, "no login until approved");
    let out = rapport(&["user", "password", "--data-dir", d, "admin.one"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("requested staff change #2 (reset_password admin.one)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        login_of(d, "admin.one").as_deref(),
        Some("temporary"),
        "unchanged"
    );
    assert!(
        rapport(&["user", "disable", "--data-dir", d, "admin.two"])
            .status
            .success(),
        "disabling only takes access away: at once"
    );
    let out = rapport(&["user", "enable", "--data-dir", d, "admin.two"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = rapport(&["user", "list", "--data-dir", d]);
    assert!(
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .any(|l| l.contains("admin.two") && l.contains("disabled")),
        "enabling waits for approval"
    );
    let out = rapport(&[
        "token",
        "create",
        "--data-dir",
        d,
        "--name",
        "feed",
        "--role",
        "marketing",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Bearer"),
        "no token before approval"
    );
    let pending = rapport(&["user", "pending", "--data-dir", d]);
    let pending = String::from_utf8_lossy(&pending.stdout);
    for expected in [
        "#1     create_login",
        "#2     reset_password",
        "#3     enable",
        "#4     create_token",
        "by the command line",
    ] {
        assert!(pending.contains(expected), "{expected}: {pending}");
    }
}

#[test]
fn demo_rejects_bad_flags() {
    let out = rapport(&[
        "demo",
        "--customers",
        "0",
        "--data-dir",
        "/tmp/never-created-rapport",
        "--no-serve",
    ]);
    assert!(!out.status.success());
    refused(
        &["demo", "--as-of", "2026-02-30", "--no-serve"],
        &["--as-of"],
    );
    refused(&["demo", "--scored", "--no-serve"], &["--ground-truth"]);
    refused(&["serve", "--listen", "localhost:eighty"], &["--listen"]);
    let out = rapport(&[
        "serve",
        "--database-url",
        "mysql://x/y",
        "--data-dir",
        "/tmp/rapport-never",
    ]);
    assert!(stderr(&out).contains("postgres://"), "{}", stderr(&out));
}

#[test]
fn synth_writes_extracts_and_rejects_bad_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("x");
    refused(
        &[
            "synth",
            "--out",
            out_dir.to_str().unwrap(),
            "--customers",
            "20",
        ],
        &["customers"],
    );
    let out = rapport(&[
        "synth",
        "--out",
        out_dir.to_str().unwrap(),
        "--customers",
        "500",
        "--no-transactions",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in [
        "core_banking.csv",
        "card.csv",
        "internet_banking.csv",
        "call_center.csv",
        "truth_records.csv",
        "truth_customers.csv",
    ] {
        assert!(out_dir.join(f).exists(), "{f}");
    }
    assert!(!out_dir.join("transactions.csv").exists());
}

#[test]
fn api_tokens_are_created_once_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = rapport(&[
        "token",
        "create",
        "--data-dir",
        d,
        "--name",
        "crm-sync",
        "--role",
        "marketing",
        "--days",
        "30",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Separation of duties: a token that reads customers is a request until a second
    // administrator approves it (in the web UI or API, where the token is shown once).
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        !stdout.split_whitespace().any(|w| w.len() == 43),
        "no token printed: {stdout}"
    );
    let list =
        String::from_utf8_lossy(&rapport(&["token", "list", "--data-dir", d]).stdout).into_owned();
    assert!(!list.contains("crm-sync"), "no token yet: {list}");
    let pending = String::from_utf8_lossy(&rapport(&["user", "pending", "--data-dir", d]).stdout)
        .into_owned();
    assert!(pending.contains("crm-sync"), "{pending}");
    assert_token_commands_name_their_bad_input(d);
    // Nothing to revoke: the request made no token.
    assert!(
        !rapport(&["token", "revoke", "--data-dir", d, "crm-sync"])
            .status
            .success()
    );
}

/// Each bad flag of `rapport token`, and an unknown token to revoke, is refused and named.
fn assert_token_commands_name_their_bad_input(d: &str) {
    for (args, needle) in [
        (
            vec![
                "token",
                "create",
                "--data-dir",
                d,
                "--name",
                "x",
                "--role",
                "rm",
                "--days",
                "0",
            ],
            "--days",
        ),
        (
            vec![
                "token",
                "create",
                "--data-dir",
                d,
                "--name",
                "Bad Name",
                "--role",
                "rm",
            ],
            "--name",
        ),
        (
            vec![
                "token",
                "create",
                "--data-dir",
                d,
                "--name",
                "y",
                "--role",
                "boss",
            ],
            "--role",
        ),
        (vec!["token", "revoke", "--data-dir", d, "nope"], "nope"),
    ] {
        let out = rapport(&args);
        assert!(
            !out.status.success() && stderr(&out).contains(needle),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

//! Fuzzing of every operation in `/api/v1/openapi.json` with Schemathesis (PyPI), as one login of
//! each role, against the real server over the fixture bank: any 5xx answer fails the test.
//!
//! Schemathesis runs from a virtual environment made once under the target directory
//! (`<target>/schemathesis-<version>`, reused while it is there). Without Python, `venv` or the
//! network the test says it was skipped, unless `RAPPORT_REQUIRE_FUZZ=1` (CI) makes that a
//! failure. `RAPPORT_FUZZ_SECONDS` changes the time budget (about five minutes by default) and
//! `RAPPORT_FUZZ_SEED` the seed.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use rapport_store_contract::TestStore;
use rapport_web::{EvaluationError, SegmentEngine};

use crate::{TestApp, USERS};

/// The Schemathesis release the fuzzing runs with: a new one is a deliberate change.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
const REQUIRE_VAR: &str = "RAPPORT_REQUIRE_FUZZ";
/// The whole fuzzing, every role and backend together (each run takes a share).
const DEFAULT_BUDGET_SECONDS: u64 = 270;
const DEFAULT_SEED: &str = "20";

/// One login of each role. The administrator comes last: its fuzzing may disable or demote
/// the others.
const ROLES: &[&str] = crate::ONE_LOGIN_PER_ROLE;

/// Not fuzzed: logging in with generated passwords throttles and locks the fuzzing login,
/// logging out ends its session, and a generated password change would change its password or
/// count as failed attempts. `api_auth` tests these three with their own requests.
const EXCLUDED_PATHS: &[&str] = &[
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/auth/password",
];

/// Operations that can end the caller's own session (the administrator lists sessions and
/// ends one — its own among them — or resets a password — its own among them): fuzzed last, in
/// a short run of their own, so that they do not cut the administrator's main run short.
const SESSION_ENDING: &[&str] = &["revoke_session", "reset_password"];
/// The time of that last run, taken from the budget.
const SESSION_ENDING_SECONDS: u64 = 10;

/// One Schemathesis run: as whom, over which operations, for how long.
struct Run {
    role: &'static str,
    label: String,
    filters: Vec<String>,
    seconds: u64,
}

/// Every role over every operation (but [`EXCLUDED_PATHS`]), then the session-ending ones.
fn plan(budget: u64, backends: u64) -> Vec<Run> {
    let main = (budget.saturating_sub(backends * SESSION_ENDING_SECONDS)
        / (backends * ROLES.len() as u64))
        .max(5);
    let mut runs: Vec<Run> = ROLES
        .iter()
        .map(|&role| Run {
            role,
            label: role.to_owned(),
            filters: if role == "admin" {
                SESSION_ENDING
                    .iter()
                    .flat_map(|id| ["--exclude-operation-id".to_owned(), (*id).to_owned()])
                    .collect()
            } else {
                Vec::new()
            },
            seconds: main,
        })
        .collect();
    runs.push(Run {
        role: "admin",
        label: "admin-session-ending".into(),
        filters: SESSION_ENDING
            .iter()
            .flat_map(|id| ["--include-operation-id".to_owned(), (*id).to_owned()])
            .collect(),
        seconds: SESSION_ENDING_SECONDS,
    });
    runs
}

/// A segment engine for the fuzzing: accepts plain conditions over `aum_m0`, selects every
/// fixture customer. Without one, creating a segment answers 503 `segments_unavailable`.
struct FuzzEngine;

impl SegmentEngine for FuzzEngine {
    fn columns(&self) -> Vec<String> {
        vec!["aum_m0".into()]
    }

    fn check(&self, text: &str) -> Result<String, String> {
        let text = text.trim();
        let plain = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _<>=.".contains(c));
        if text.starts_with("aum_m0") && plain {
            Ok(text.to_owned())
        } else {
            Err("a condition over aum_m0 is expected".into())
        }
    }

    fn evaluate(&self, _: &str) -> Result<Option<(NaiveDate, Vec<i64>)>, EvaluationError> {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30)
            .ok_or(EvaluationError::Warehouse("no date".into()))?;
        Ok(Some((as_of, vec![1, 2, 3, 4, 5])))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_survives_fuzzing_as_every_role() {
    let schemathesis = match tokio::task::spawn_blocking(schemathesis).await.unwrap() {
        Ok(path) => path,
        Err(why) => {
            if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_VAR}=1 but Schemathesis cannot run: {why}");
            }
            eprintln!("fuzzing skipped: {why}");
            return;
        }
    };
    let budget = std::env::var("RAPPORT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_BUDGET_SECONDS);
    let seed = std::env::var("RAPPORT_FUZZ_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    for role in ROLES {
        assert!(
            USERS.iter().any(|(u, _)| u == role),
            "{role} is not in USERS"
        );
    }

    let mut stores = vec![TestStore::sqlite().await];
    stores.extend(TestStore::postgres().await);
    let runs = plan(budget, stores.len() as u64);
    let logs = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz");
    std::fs::create_dir_all(&logs).unwrap();
    let started = Instant::now();
    let mut failures = Vec::new();
    for store in stores {
        let app = TestApp::start(store, |s| s.with_segment_engine(Arc::new(FuzzEngine))).await;
        // Matching answers 503 `index_building` until the index is there.
        rapport_web::rebuild_match_index(app.state.clone())
            .await
            .unwrap();
        for run in &runs {
            failures.extend(fuzz(&app, &schemathesis, &logs, run, &seed).await);
        }
    }
    eprintln!(
        "fuzzing took {:.0?} (budget {budget} s, seed {seed})",
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "Schemathesis found failures (seed {seed}):\n{}",
        failures.join("\n")
    );
}

/// One Schemathesis run against `app`, its output kept in `logs`; the failure, if any: a
/// failing run's findings, or a passing run that did not test enough.
async fn fuzz(
    app: &TestApp,
    schemathesis: &Path,
    logs: &Path,
    run: &Run,
    seed: &str,
) -> Option<String> {
    let token = app.token(run.role).await;
    let args = arguments(&app.base, &token, run, seed);
    let (program, dir) = (schemathesis.to_owned(), logs.to_owned());
    let run_started = Instant::now();
    // Run in the reports' directory: Schemathesis keeps a cache in `.schemathesis/`.
    let out = tokio::task::spawn_blocking(move || {
        Command::new(program).args(args).current_dir(dir).output()
    })
    .await
    .unwrap()
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace(&token, "<token>");
    let label = format!("{} as {}", app.backend, run.label);
    let log = logs.join(format!("{}-{}.log", app.backend, run.label));
    std::fs::write(&log, &text).unwrap();
    let coverage = tested(&text);
    eprintln!(
        "fuzz {label}: {} in {:.0?}; {} (output in {})",
        if out.status.success() {
            "passed"
        } else {
            "FAILED"
        },
        run_started.elapsed(),
        summary(&text),
        log.display()
    );
    if !out.status.success() {
        Some(format!("=== {label} ===\n{}", findings(&text)))
    } else if let Err(why) = coverage {
        Some(format!("=== {label} === {why}; see {}", log.display()))
    } else {
        None
    }
}

/// Found by the fuzzing: the query parameters of list operations were declared `in: path`, so
/// no client generated from the document (Schemathesis included) sent them. Every path
/// parameter is a `{name}` of its path, and every `{name}` is a path parameter.
#[tokio::test]
async fn the_document_puts_every_parameter_where_the_server_reads_it() {
    let app = TestApp::start(TestStore::sqlite().await, |s| s).await;
    let doc = app.get_ok("", "/api/v1/openapi.json").await;
    let mut wrong = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let name = p["name"].as_str().unwrap();
                let in_template = path.contains(&format!("{{{name}}}"));
                if (p["in"] == "path") != in_template {
                    wrong.push(format!("{method} {path}: {name} is `in: {}`", p["in"]));
                }
            }
            for name in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
                if !params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path")
                {
                    wrong.push(format!("{method} {path}: {{{name}}} is not declared"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Found on PostgreSQL, which refuses a NUL in text: a NUL in the audit trail's `actor` filter,
/// a task's `reason` or a contact's `notes` was a 500. Each is a 400 naming the parameter.
#[tokio::test]
async fn a_nul_in_text_is_a_400_naming_the_parameter() {
    for app in TestApp::each().await {
        let auditor = app.token("auditor01").await;
        for path in [
            "/api/v1/audit?actor=a%00b",
            "/api/v1/audit/export?actor=a%00b",
        ] {
            let (status, body) = app.get_json(&auditor, path).await;
            assert_eq!(status, 400, "{} {path}: {body}", app.backend);
            assert_eq!(body["field"], "actor", "{} {path}", app.backend);
        }
        let rm = app.token("rm.a").await;
        for (path, body, field) in [
            (
                "/api/v1/tasks",
                serde_json::json!({"customer_id": 1, "due_on": "2030-01-31",
                    "kind": "follow_up", "reason": "a\u{0}b"}),
                "reason",
            ),
            (
                "/api/v1/customers/1/interactions",
                serde_json::json!({"channel": "phone", "purpose": "care",
                    "outcome": "reached", "notes": "a\u{0}b"}),
                "notes",
            ),
        ] {
            let (status, body) = app.post_json(&rm, path, &body).await;
            assert_eq!(status, 400, "{}: {body}", app.backend);
            assert_eq!(body["field"], field, "{}", app.backend);
        }
        // Lines stay allowed in notes.
        let (status, body) = app
            .post_json(
                &rm,
                "/api/v1/customers/1/interactions",
                &serde_json::json!({"channel": "phone", "purpose": "care",
                    "outcome": "reached", "notes": "first line\nsecond\tline"}),
            )
            .await;
        assert!(status < 300, "{}: {status} {body}", app.backend);
    }
}

/// The command line of one run: its operations but [`EXCLUDED_PATHS`], 5xx answers fail.
fn arguments(base: &str, token: &str, run: &Run, seed: &str) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "run".into(),
        format!("{base}/api/v1/openapi.json"),
        "--url".into(),
        base.into(),
        "--checks".into(),
        "not_a_server_error,response_schema_conformance".into(),
        "--header".into(),
        format!("Authorization: Bearer {token}"),
        "--max-time".into(),
        run.seconds.to_string(),
        "--seed".into(),
        seed.into(),
        // One worker: Hypothesis on Python 3.11 fails with a `SystemError` from `ast.parse`
        // when two workers describe strategies at once.
        "--workers".into(),
        "1".into(),
        "--request-timeout".into(),
        "30".into(),
        "--generation-database".into(),
        "none".into(),
        "--suppress-health-check".into(),
        "all".into(),
        "--no-color".into(),
        "--output-sanitize".into(),
        "true".into(),
    ];
    for path in EXCLUDED_PATHS {
        args.push("--exclude-path".into());
        args.push((*path).into());
    }
    args.extend(run.filters.iter().cloned());
    args
}

/// Whether the run tested every operation it selected (`Selected: n/m`, `Tested: n`).
fn tested(output: &str) -> Result<(), String> {
    let number = |key: &str| {
        output.lines().map(str::trim).find_map(|l| {
            let rest = l.strip_prefix(key)?.trim();
            rest.split('/').next()?.trim().parse::<usize>().ok()
        })
    };
    match (number("Selected:"), number("Tested:")) {
        (Some(selected), Some(tested)) if selected == tested && tested > 0 => Ok(()),
        (selected, tested) => Err(format!(
            "not every selected operation was tested (selected {selected:?}, tested {tested:?})"
        )),
    }
}

/// What a failed run found: its report from the first `FAILURES` or `ERRORS` heading on.
fn findings(output: &str) -> String {
    let start = ["== FAILURES ==", "== ERRORS =="]
        .iter()
        .filter_map(|h| output.find(h))
        .min()
        .unwrap_or(0);
    output[start..].chars().take(12_000).collect()
}

/// The lines of Schemathesis's summary that say what was covered.
fn summary(output: &str) -> String {
    output
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.starts_with("API Operations")
                || l.starts_with("Selected")
                || l.starts_with("Tested")
                || l.starts_with("Test cases")
                || l.contains("generated")
                || l.contains("passed")
                || l.contains("failed")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The `schemathesis` executable of the virtual environment under the target directory, made
/// with `python3 -m venv` and pip when missing; `Err` says why it cannot be had.
fn schemathesis() -> Result<PathBuf, String> {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .ok_or("no target directory")?;
    let venv = target.join(format!("schemathesis-{SCHEMATHESIS_VERSION}"));
    let program = venv.join("bin").join("schemathesis");
    let ready = venv.join(".installed");
    if ready.exists() && program.exists() {
        return Ok(program);
    }
    // A half-made environment (an install that was cut off) is made again.
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    eprintln!(
        "fuzzing: installing schemathesis=={SCHEMATHESIS_VERSION} into {}",
        venv.display()
    );
    run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        "python3 -m venv (install python3 and python3-venv)",
    )?;
    let installed = run(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")),
        "pip install schemathesis (is PyPI reachable?)",
    );
    if let Err(e) = installed {
        let _ = std::fs::remove_dir_all(&venv);
        return Err(e);
    }
    std::fs::write(&ready, SCHEMATHESIS_VERSION).map_err(|e| e.to_string())?;
    Ok(program)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let out = command.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last: Vec<&str> = stderr.lines().rev().take(5).collect();
        Err(format!(
            "{what}: {}; {}",
            out.status,
            last.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ))
    }
}

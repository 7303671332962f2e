//! Proof that the route walk can fail: for every store operation that takes the caller (read
//! from the store's area interfaces, so a new one is included), drop that operation's scope predicate
//! (`rapport_store::scope`, built with the test-only `scope-switches` feature) and require the
//! walk to fail. A separate test binary, because the switch is process-wide.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/mod.rs"]
mod common;
pub use common::*;

use rapport_store::identity::ReviewStatus;
use rapport_store::{ChangeAuthor, PageRequest};
use rapport_store_contract::{TestStore, fixture};

/// The data steward's operations on the review queue and merges. The walk proves them with
/// the 滨江 branch's steward, whose scope leaves out the imported prospects; they are proven on
/// the store too: as RM A, who sees none of the imported customers, each answers differently
/// with its predicate dropped.
const STEWARD_OPERATIONS: &[&str] = &["list_reviews", "review", "decide_review", "undo_merge"];

/// The store methods that take `viewer: &Viewer`, read from every area interface of the store
/// (`crates/store/src/area/*.rs`, so a new area is included), in file and trait order.
fn operations_taking_the_caller() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/src/area");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let source: String = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut ops = Vec::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("async fn ") {
            current = rest.split('(').next().map(str::to_owned);
        }
        if line.contains("viewer: &Viewer")
            && let Some(op) = current.take()
        {
            ops.push(op);
        }
    }
    ops
}

/// Whether the walk fails on a fresh SQLite server, trying the callers in [`walk::WHO`]'s
/// order and stopping at the first failure.
async fn walk_fails() -> Option<String> {
    for who in walk::WHO {
        let app = TestApp::start(TestStore::sqlite().await, walk::walk_state).await;
        let cx = walk::setup(&app).await;
        if let Err(e) = walk::walk(&app, who, &cx).await {
            return Some(e);
        }
    }
    None
}

#[tokio::test]
async fn the_walk_fails_when_any_store_operation_drops_its_scope_predicate() {
    let _one = SWITCH.lock().await;
    let mut ops = operations_taking_the_caller();
    assert!(ops.len() >= 30, "{ops:?}");
    for named in STEWARD_OPERATIONS {
        assert!(
            ops.iter().any(|o| o == named),
            "{named} is no store operation"
        );
    }
    if let Ok(only) = std::env::var("WALK_ONLY") {
        ops.retain(|o| only.split(',').any(|x| x == o));
    }
    assert_eq!(
        walk_fails().await,
        None,
        "the walk passes with every predicate in place"
    );
    let mut unnoticed = Vec::new();
    for op in &ops {
        rapport_store::scope::drop_predicate(Some(op));
        match walk_fails().await {
            Some(failure) => {
                let first = failure.lines().take(2).collect::<Vec<_>>().join(" | ");
                println!("{op}: noticed — {first}");
            }
            None => unnoticed.push(op.clone()),
        }
        rapport_store::scope::drop_predicate(None);
    }
    assert!(
        unnoticed.is_empty(),
        "the walk does not notice these operations without their scope predicate: {unnoticed:?}"
    );
}

/// What `op` answers RM A about the walk's imported customers (out of RM A's scope).
async fn steward_operation_as_rm_a(op: &str) -> String {
    let app = TestApp::start(TestStore::sqlite().await, walk::walk_state).await;
    let cx = walk::setup(&app).await;
    let rm_a = fixture::viewer(fixture::RM_A);
    let author = ChangeAuthor {
        staff_id: Some(fixture::RM_A),
        username: "rm.a".into(),
        source: "test".into(),
        at: chrono::Utc::now(),
    };
    let page = PageRequest {
        page: 1,
        page_size: 10,
    };
    let s = app.store.as_ref();
    match op {
        "list_reviews" => format!(
            "{:?}",
            s.list_reviews(&rm_a, ReviewStatus::Pending, page)
                .await
                .map(|p| p.items.len())
        ),
        "review" => format!(
            "{:?}",
            s.review(&rm_a, cx.review).await.map(|r| r.is_some())
        ),
        "decide_review" => format!(
            "{:?}",
            s.decide_review(&rm_a, cx.review, ReviewStatus::Rejected, None, &author)
                .await
                .map(|r| r.0.id)
        ),
        "undo_merge" => format!("{:?}", s.undo_merge(&rm_a, cx.merge_event, &author).await),
        other => panic!("no store-level probe for {other}"),
    }
}

#[tokio::test]
async fn the_steward_only_operations_drop_their_scope_predicate_on_the_store() {
    // Serialised with the walk test above: the switch is process-wide.
    let _one = SWITCH.lock().await;
    for op in STEWARD_OPERATIONS {
        let with = steward_operation_as_rm_a(op).await;
        rapport_store::scope::drop_predicate(Some(op));
        let without = steward_operation_as_rm_a(op).await;
        rapport_store::scope::drop_predicate(None);
        assert_ne!(
            with, without,
            "{op}: the same answer without its scope predicate"
        );
        println!("{op}: {with} with its predicate, {without} without");
    }
}

/// One test at a time may hold the process-wide switch.
static SWITCH: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

//! The audit trail on every backend: appends chain, and every kind of tampering is caught.
use chrono::{Duration, TimeZone, Utc};
use rapport_domain::{PartyId, Role, StaffId};
use rapport_store::audit::{AuditAction, ChainFault, ChainVerifier, NewAuditEntry};
use rapport_store::{AuditFilter, PageRequest};
use rapport_store_contract::TestStore;

fn entry(i: i64) -> NewAuditEntry {
    let at = Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 0).unwrap()
        + Duration::seconds(i)
        + Duration::microseconds(7);
    let mut e = NewAuditEntry::new(
        at,
        if i % 2 == 0 { "rm.a" } else { "rm.b" },
        AuditAction::CustomerViewed,
    );
    e.actor_staff_id = Some(StaffId(2 + i % 2));
    e.actor_role = Some(Role::Rm);
    e.source_ip = Some("127.0.0.1".into());
    e.party_id = Some(PartyId(i));
    e.fields_unmasked = vec!["name".into(), "mobile".into()];
    e
}

/// A store holding ten chained entries, appended in two batches.
async fn with_trail() -> Vec<TestStore> {
    let stores = TestStore::each().await;
    for t in &stores {
        let first = t
            .store
            .append_audit(&(1..=4).map(entry).collect::<Vec<_>>())
            .await
            .unwrap();
        assert_eq!(
            first.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![1, 2, 3, 4],
            "{}",
            t.name
        );
        t.store
            .append_audit(&(5..=10).map(entry).collect::<Vec<_>>())
            .await
            .unwrap();
    }
    stores
}

async fn verify(
    t: &TestStore,
    anchors: Vec<(i64, String, String)>,
) -> Result<(i64, String), ChainFault> {
    let mut v = ChainVerifier::new(anchors);
    for e in t.store.audit_entries_after(0, 1000).await.unwrap() {
        v.feed(&e)?;
    }
    let (head, _) = t.store.audit_head().await.unwrap();
    v.finish(Some(head))
}

#[tokio::test]
async fn appends_chain_and_read_back_exactly() {
    for t in with_trail().await {
        let (n, head) = verify(&t, vec![]).await.unwrap();
        assert_eq!(n, 10, "{}", t.name);
        assert_eq!(
            t.store.audit_head().await.unwrap(),
            (10, head),
            "{}",
            t.name
        );
        let back = t.store.audit_entries_after(3, 2).await.unwrap();
        assert_eq!(
            back[0].entry,
            entry(4),
            "{}: stored exactly, microseconds included",
            t.name
        );
        let page = t
            .store
            .search_audit(
                &AuditFilter {
                    actor_username: Some("rm.b".into()),
                    ..Default::default()
                },
                PageRequest {
                    page: 1,
                    page_size: 3,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            page.items.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![9, 7, 5],
            "{}: newest first",
            t.name
        );
        assert!(page.has_more);
        let from = Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 3).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 5).unwrap();
        let page = t
            .store
            .search_audit(
                &AuditFilter {
                    from: Some(from),
                    to: Some(to),
                    party_id: Some(PartyId(4)),
                    action: Some(AuditAction::CustomerViewed),
                    ..Default::default()
                },
                PageRequest {
                    page: 1,
                    page_size: 10,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            page.items.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![4],
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn the_application_cannot_rewrite_history() {
    for t in with_trail().await {
        for sql in [
            "UPDATE audit_log SET actor_username = 'x' WHERE seq = 3",
            "DELETE FROM audit_log WHERE seq = 10",
        ] {
            let err = t.raw.execute(sql).await.unwrap_err().to_string();
            assert!(err.contains("append-only"), "{}: {sql}: {err}", t.name);
        }
        assert_eq!(verify(&t, vec![]).await.unwrap().0, 10);
    }
}

#[tokio::test]
async fn every_kind_of_tampering_is_detected_and_named() {
    let cases: &[(&str, &str, ChainFault)] = &[
        (
            "edit",
            "UPDATE audit_log SET actor_username = 'rm.c' WHERE seq = 4",
            ChainFault::Altered { seq: 4 },
        ),
        (
            "edit reason",
            "UPDATE audit_log SET reason = 'covered up' WHERE seq = 7",
            ChainFault::Altered { seq: 7 },
        ),
        (
            "delete",
            "DELETE FROM audit_log WHERE seq = 5",
            ChainFault::Gap {
                expected: 5,
                found: 6,
            },
        ),
        (
            "reorder",
            "UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; \
             UPDATE audit_log SET seq = 4 WHERE seq = -3",
            ChainFault::Altered { seq: 3 },
        ),
        (
            "insert",
            "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 6; UPDATE audit_log SET seq = seq - 99 WHERE seq >= 106; \
             INSERT INTO audit_log (seq, at, actor_username, action, fields_unmasked, prev_hash, hash) \
             SELECT 6, at, 'ghost', 'customer_viewed', '', hash, hash FROM audit_log WHERE seq = 5",
            ChainFault::Altered { seq: 6 },
        ),
        (
            "truncate the tail",
            "DELETE FROM audit_log WHERE seq > 7",
            ChainFault::Truncated {
                last: 7,
                anchored: 10,
                at: "the head record".into(),
            },
        ),
    ];
    for (name, sql, expected) in cases {
        for t in with_trail().await {
            t.raw.disable_audit_protection().await.unwrap();
            t.raw
                .execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{}: {name}: {e}", t.name));
            assert_eq!(
                verify(&t, vec![]).await.unwrap_err(),
                *expected,
                "{}: {name}",
                t.name
            );
        }
    }
}

/// A careful attacker truncates and rewinds the head too: only the anchor outside the database
/// shows it.
#[tokio::test]
async fn a_truncation_with_a_rewound_head_shows_only_against_the_anchor() {
    for t in with_trail().await {
        let anchored = t.store.audit_entries_after(9, 1).await.unwrap().remove(0);
        let anchors = vec![(10, anchored.hash.clone(), "2026-06-30T02:00:00Z".to_owned())];
        t.raw.disable_audit_protection().await.unwrap();
        t.raw
            .execute(
                "DELETE FROM audit_log WHERE seq > 7; \
                 UPDATE audit_head SET seq = 7, hash = (SELECT hash FROM audit_log WHERE seq = 7)",
            )
            .await
            .unwrap();
        assert_eq!(
            verify(&t, vec![]).await.unwrap().0,
            7,
            "{}: invisible without the anchor",
            t.name
        );
        assert!(
            matches!(
                verify(&t, anchors).await,
                Err(ChainFault::Truncated {
                    last: 7,
                    anchored: 10,
                    ..
                })
            ),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn concurrent_appenders_keep_one_chain() {
    for t in TestStore::each().await {
        let mut tasks = Vec::new();
        for w in 0..8 {
            let store = t.store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..10 {
                    store.append_audit(&[entry(w * 100 + i)]).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(verify(&t, vec![]).await.unwrap().0, 80, "{}", t.name);
    }
}

//! Moving an RM's whole portfolio: every customer moves, history is kept, scope follows at
//! once for both RMs, and above the threshold a second person must approve.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::Username;
use rapport_store::StoreError;
use rapport_store::portfolio::NewReassignment;
use rapport_store_contract::fixture::{
    self, BM_XIHU, BM_ZHEJIANG, COMPANY, HEAD_BM, RM_A, RM_B, WANG_FANG, ZHANG_WEI_A,
};

use crate::loaded;

fn move_all(threshold: i64) -> NewReassignment {
    NewReassignment {
        from: RM_A,
        to: RM_B,
        requested_by: BM_ZHEJIANG,
        at: Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap(),
        effective_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        approval_threshold: threshold,
    }
}

#[tokio::test]
async fn a_whole_portfolio_moves_keeps_history_and_scope_follows_at_once() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let (rm_a, rm_b) = (fixture::viewer(RM_A), fixture::viewer(RM_B));
        let bm = fixture::viewer(BM_ZHEJIANG);
        let before = s.reassignment_preview(&bm, RM_A).await.unwrap();
        // ZHANG_WEI_A and COMPANY as primary, WANG_FANG as secondary.
        assert_eq!(
            (before.customers, before.primary, before.secondary),
            (3, 2, 1),
            "{}",
            t.name
        );
        assert!(s.customer_360(&rm_a, ZHANG_WEI_A).await.unwrap().is_some());
        assert!(s.customer_360(&rm_b, ZHANG_WEI_A).await.unwrap().is_none());

        let done = s.request_reassignment(&bm, &move_all(10)).await.unwrap();
        assert_eq!(
            (done.status.as_str(), done.moved),
            ("applied", 3),
            "{}",
            t.name
        );

        for party in [ZHANG_WEI_A, COMPANY, WANG_FANG] {
            assert!(
                s.customer_360(&rm_a, party).await.unwrap().is_none(),
                "{}: A lost {party:?}",
                t.name
            );
            assert!(
                s.customer_360(&rm_b, party).await.unwrap().is_some(),
                "{}: B got {party:?}",
                t.name
            );
        }
        assert_eq!(
            s.reassignment_preview(&bm, RM_A).await.unwrap().customers,
            0
        );
        // WANG_FANG had B as primary and A as secondary: B stays the one primary.
        let view = s.customer_360(&rm_b, WANG_FANG).await.unwrap().unwrap();
        let primaries = view.rms.iter().filter(|r| r.primary).count();
        assert_eq!(primaries, 1, "{}: {:?}", t.name, view.rms);
        // The history is kept: A's assignments ended, none deleted.
        let zhang = s
            .customer_360(&fixture::viewer(HEAD_BM), ZHANG_WEI_A)
            .await
            .unwrap()
            .unwrap();
        assert!(
            zhang.rms.iter().any(|r| r.staff_id == RM_B && r.primary),
            "{:?}",
            zhang.rms
        );
    }
}

#[tokio::test]
async fn above_the_threshold_a_move_waits_for_a_second_person() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let bm = fixture::viewer(BM_ZHEJIANG);
        let pending = s.request_reassignment(&bm, &move_all(2)).await.unwrap();
        assert_eq!(
            (pending.status.as_str(), pending.customers, pending.moved),
            ("pending", 3, 0)
        );
        assert!(
            s.customer_360(&fixture::viewer(RM_A), ZHANG_WEI_A)
                .await
                .unwrap()
                .is_some(),
            "nothing moved yet"
        );
        assert_eq!(s.pending_reassignments(&bm).await.unwrap().len(), 1);
        // Xihu's manager sees RM_A but not RM_B: the move is not theirs to see or approve.
        let xihu = fixture::viewer(BM_XIHU);
        assert!(s.pending_reassignments(&xihu).await.unwrap().is_empty());

        let on = NaiveDate::from_ymd_opt(2026, 7, 2).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 7, 2, 2, 0, 0).unwrap();
        assert!(matches!(
            s.approve_reassignment(&xihu, pending.id, at, on)
                .await
                .unwrap_err(),
            StoreError::NotFound(_)
        ));
        let own = s
            .approve_reassignment(&bm, pending.id, at, on)
            .await
            .unwrap_err();
        assert!(
            matches!(&own, StoreError::Invalid(m) if m.contains("second person")),
            "{own}"
        );
        let hq = fixture::viewer(HEAD_BM);
        let applied = s
            .approve_reassignment(&hq, pending.id, at, on)
            .await
            .unwrap();
        assert_eq!(
            (applied.status.as_str(), applied.moved, applied.approved_by),
            ("applied", 3, Some(HEAD_BM))
        );
        assert!(
            s.customer_360(&fixture::viewer(RM_B), ZHANG_WEI_A)
                .await
                .unwrap()
                .is_some(),
            "{}",
            t.name
        );
        assert!(s.pending_reassignments(&hq).await.unwrap().is_empty());
        assert!(matches!(
            s.approve_reassignment(&hq, pending.id, at, on)
                .await
                .unwrap_err(),
            StoreError::NotFound(_)
        ));
    }
}

#[tokio::test]
async fn a_move_to_a_disabled_rm_is_refused_naming_it() {
    for t in loaded().await {
        let s = t.store.as_ref();
        s.set_disabled(&Username::parse("rm.b").unwrap(), true)
            .await
            .unwrap();
        let bm = fixture::viewer(BM_ZHEJIANG);
        let err = s
            .request_reassignment(&bm, &move_all(10))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(m) if m.contains("to_staff_id") && m.contains(&RM_B.0.to_string())),
            "{}: {err}",
            t.name
        );
        assert_eq!(
            s.reassignment_preview(&bm, RM_A).await.unwrap().customers,
            3,
            "nothing moved"
        );
        let same = NewReassignment {
            to: RM_A,
            ..move_all(10)
        };
        assert!(matches!(
            s.request_reassignment(&bm, &same).await.unwrap_err(),
            StoreError::Invalid(_)
        ));
        let not_rm = NewReassignment {
            to: BM_XIHU,
            ..move_all(10)
        };
        assert!(matches!(
            s.request_reassignment(&bm, &not_rm).await.unwrap_err(),
            StoreError::Invalid(_)
        ));
    }
}

/// A branch manager acts only on the staff of their branch subtree: another branch's RM can
/// be neither previewed, moved nor chosen as the new RM, and reads as unknown.
#[tokio::test]
async fn a_branch_manager_cannot_touch_another_branchs_rm() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let xihu = fixture::viewer(BM_XIHU);
        // RM_B sits in Binjiang, outside Xihu.
        assert!(matches!(
            s.reassignment_preview(&xihu, RM_B).await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        let theirs = NewReassignment {
            from: RM_B,
            to: RM_A,
            requested_by: BM_XIHU,
            ..move_all(10)
        };
        assert!(matches!(
            s.request_reassignment(&xihu, &theirs).await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        // Moving one's own RM to another branch's RM: the target is not one to choose.
        let away = NewReassignment {
            requested_by: BM_XIHU,
            ..move_all(10)
        };
        let err = s.request_reassignment(&xihu, &away).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(m) if m.starts_with("to_staff_id")),
            "{}: {err}",
            t.name
        );
        // An RM may only look at themself.
        let rm_a = fixture::viewer(RM_A);
        assert!(s.reassignment_preview(&rm_a, RM_A).await.is_ok());
        assert!(matches!(
            s.reassignment_preview(&rm_a, RM_B).await.unwrap_err(),
            StoreError::NotFound(_)
        ));
        // Nothing moved.
        let bm = fixture::viewer(BM_ZHEJIANG);
        assert_eq!(
            s.reassignment_preview(&bm, RM_A).await.unwrap().customers,
            3
        );
    }
}

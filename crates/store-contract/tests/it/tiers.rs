//! Deciding tier change proposals: only within scope, once, and accepting with a dedicated RM
//! moves the customer to that RM at once with the previous assignment kept as history.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::TierProposalStatus;
use rapport_store::portfolio::{TierDecision, TierDecisionRequest, TierProposal};
use rapport_store::{PageRequest, StoreError};
use rapport_store_contract::fixture::{
    self, BM_XIHU, BM_ZHEJIANG, HEAD_BM, LI_NA, RM_A, RM_B, STEWARD, ZHANG_WEI_A,
};

use crate::loaded;

async fn propose(s: &dyn rapport_store::Store) {
    fixture::propose_tier_changes(s, &[(ZHANG_WEI_A, "diamond"), (LI_NA, "platinum")]).await;
}

fn decision(id: i64, decision: TierDecision) -> TierDecisionRequest {
    TierDecisionRequest {
        id,
        decision,
        by: BM_XIHU,
        at: Utc.with_ymd_and_hms(2026, 7, 2, 1, 0, 0).unwrap(),
        effective_on: NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
    }
}

const PAGE: PageRequest = PageRequest {
    page: 1,
    page_size: 50,
};

/// The proposals 西湖's manager sees: 张伟 (1)'s only, not 李娜 (5)'s of 滨江.
async fn xihu_s_proposals(s: &dyn rapport_store::Store) -> Vec<TierProposal> {
    s.tier_proposals(
        &fixture::viewer(BM_XIHU),
        TierProposalStatus::Proposed,
        PAGE,
    )
    .await
    .unwrap()
    .items
}

#[tokio::test]
async fn proposals_are_listed_and_decided_only_within_scope() {
    for t in loaded().await {
        let s = t.store.as_ref();
        propose(s).await;
        let bm = fixture::viewer(BM_XIHU);
        let listed = xihu_s_proposals(s).await;
        // 西湖 sees 张伟 (1), not 李娜 (5) of 滨江.
        assert_eq!(listed.len(), 1, "{}", t.name);
        let p = &listed[0];
        assert_eq!((p.party_id, p.to_tier.as_str()), (ZHANG_WEI_A, "diamond"));
        assert_eq!(p.primary_rm, Some(RM_A));
        let all = s
            .tier_proposals(
                &fixture::viewer(HEAD_BM),
                TierProposalStatus::Proposed,
                PAGE,
            )
            .await
            .unwrap();
        assert_eq!(all.items.len(), 2, "{}", t.name);
        let li_na = all.items.iter().find(|p| p.party_id == LI_NA).unwrap();
        // Out of scope is unknown.
        let out = s
            .decide_tier_proposal(&bm, &decision(li_na.id, TierDecision::Decline))
            .await
            .unwrap();
        assert!(out.is_none(), "{}", t.name);
        let none = s
            .tier_proposals(&fixture::viewer(RM_B), TierProposalStatus::Proposed, PAGE)
            .await
            .unwrap();
        assert!(none.items.is_empty(), "{}: neither is RM B's", t.name);
    }
}

#[tokio::test]
async fn only_a_manager_over_the_dedicated_rm_hands_the_customer_to_them_once() {
    for t in loaded().await {
        let s = t.store.as_ref();
        propose(s).await;
        let bm = fixture::viewer(BM_XIHU);
        let p = xihu_s_proposals(s).await.remove(0);
        // 西湖's manager may not hand 张伟 to 滨江's RM B: not an RM of their subtree.
        let to_b = TierDecision::Accept {
            dedicated_rm: Some(RM_B),
        };
        let refused = s
            .decide_tier_proposal(&bm, &decision(p.id, to_b))
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, StoreError::Invalid(m) if m.starts_with("dedicated_rm_staff_id")),
            "{}: {refused}",
            t.name
        );
        // The region's manager may: accepting with RM B moves 张伟 to B at once, A's
        // assignment kept as history.
        let rm_b = fixture::viewer(RM_B);
        assert!(s.customer_360(&rm_b, ZHANG_WEI_A).await.unwrap().is_none());
        let done = s
            .decide_tier_proposal(
                &fixture::viewer(BM_ZHEJIANG),
                &TierDecisionRequest {
                    by: BM_ZHEJIANG,
                    ..decision(p.id, to_b)
                },
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.status, TierProposalStatus::Accepted, "{}", t.name);
        assert_eq!(
            (done.assigned_rm, done.primary_rm, done.decided_by),
            (Some(RM_B), Some(RM_B), Some(BM_ZHEJIANG))
        );
        assert!(s.customer_360(&rm_b, ZHANG_WEI_A).await.unwrap().is_some());
        assert!(
            s.customer_360(&fixture::viewer(RM_A), ZHANG_WEI_A)
                .await
                .unwrap()
                .is_none(),
            "{}: A no longer serves 张伟",
            t.name
        );
        let ended = t
            .raw
            .count(&format!(
                "SELECT count(*) FROM rm_assignments WHERE party_id = {} AND staff_id = {} \
                 AND effective_to IS NOT NULL",
                ZHANG_WEI_A.0, RM_A.0
            ))
            .await
            .unwrap();
        assert_eq!(ended, 1, "{}: the history is kept", t.name);
        // Decided once.
        let again = s
            .decide_tier_proposal(&bm, &decision(p.id, TierDecision::Decline))
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{}: {again:?}",
            t.name
        );
        let accepted = s
            .tier_proposals(&bm, TierProposalStatus::Accepted, PAGE)
            .await
            .unwrap();
        assert_eq!(accepted.items.len(), 1, "{}", t.name);
    }
}

#[tokio::test]
async fn a_dedicated_rm_must_be_an_enabled_rm_and_a_refusal_changes_nothing() {
    for t in loaded().await {
        let s = t.store.as_ref();
        propose(s).await;
        let admin = fixture::viewer(HEAD_BM);
        let p = s
            .tier_proposals(&admin, TierProposalStatus::Proposed, PAGE)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|p| p.party_id == ZHANG_WEI_A)
            .unwrap();
        let e = s
            .decide_tier_proposal(
                &admin,
                &decision(
                    p.id,
                    TierDecision::Accept {
                        dedicated_rm: Some(STEWARD),
                    },
                ),
            )
            .await
            .unwrap_err();
        match e {
            StoreError::Invalid(m) => assert!(m.starts_with("dedicated_rm_staff_id"), "{m}"),
            other => panic!("{}: {other:?}", t.name),
        }
        let still = s
            .tier_proposals(&admin, TierProposalStatus::Proposed, PAGE)
            .await
            .unwrap();
        assert_eq!(still.items.len(), 2, "{}: nothing decided", t.name);
        assert!(
            s.customer_360(&fixture::viewer(RM_A), ZHANG_WEI_A)
                .await
                .unwrap()
                .is_some()
        );
        // Declining keeps the RM.
        let d = s
            .decide_tier_proposal(&admin, &decision(p.id, TierDecision::Decline))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((d.status.as_str(), d.primary_rm), ("declined", Some(RM_A)));
    }
}

/// RM A's work in and after the scorecard period of July to September 2026, and 张伟 (1) moving
/// to RM B in the middle of it.
async fn work_and_a_move_in_the_period(s: &dyn rapport_store::Store) {
    use rapport_store::portfolio::RmAssignment;
    use rapport_store::work::{Channel, Direction, NewTask, TaskCompletion, TaskKind};
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let rm_a = fixture::viewer(RM_A);
    // Two tasks of RM A due in the period, one done; one due after it.
    let mut ids = Vec::new();
    for due in [day(7, 10), day(8, 1), day(10, 5)] {
        let task = s
            .create_task(
                &rm_a,
                &NewTask {
                    party_id: ZHANG_WEI_A,
                    owner: RM_A,
                    kind: TaskKind::Call,
                    reason: "quarterly review".into(),
                    detail: None,
                    alert_id: None,
                    due_on: due,
                    created_by: Some(RM_A),
                    created_at: at,
                },
            )
            .await
            .unwrap()
            .unwrap();
        ids.push(task.id);
    }
    s.complete_task(
        &rm_a,
        ids[0],
        &TaskCompletion {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            notes: String::new(),
            outcome: "reviewed".into(),
            at,
        },
    )
    .await
    .unwrap()
    .unwrap();
    // 张伟 moves to RM B in the middle of the period.
    s.assign_rm(
        &fixture::viewer(HEAD_BM),
        &RmAssignment {
            party: ZHANG_WEI_A,
            staff: RM_B,
            primary: true,
            on: day(8, 15),
        },
    )
    .await
    .unwrap()
    .unwrap();
}

#[tokio::test]
async fn scorecards_count_each_rms_results_over_the_period_within_scope() {
    use rapport_store::portfolio::ScorecardPeriod;
    for t in loaded().await {
        let s = t.store.as_ref();
        let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        work_and_a_move_in_the_period(s).await;
        let rm_a = fixture::viewer(RM_A);
        let period = ScorecardPeriod {
            from: day(7, 1),
            to: day(9, 30),
        };
        let all = s
            .rm_scorecards(&fixture::viewer(HEAD_BM), period)
            .await
            .unwrap();
        let card = |staff| all.iter().find(|c| c.staff_id == staff).unwrap();
        let (a, b) = (card(RM_A), card(RM_B));
        assert_eq!((a.tasks_due, a.tasks_done), (2, 1), "{}: {a:?}", t.name);
        assert_eq!(
            (a.gained, a.lost, b.gained, b.lost),
            (0, 1, 1, 0),
            "{}",
            t.name
        );
        // A keeps the company (4) as primary; B holds 王芳 (2), 张伟 (3) and now 张伟 (1).
        assert_eq!((a.customers, b.customers), (1, 3), "{}", t.name);
        let aum_of = |party: i64| {
            format!(
                "SELECT CAST(coalesce(sum(aum_minor), 0) AS BIGINT) FROM party_monthly_aum \
                 WHERE party_id = {party} AND month = '2026-09-01'"
            )
        };
        assert_eq!(
            a.aum_end_minor,
            t.raw.count(&aum_of(4)).await.unwrap(),
            "{}",
            t.name
        );
        // Scope: an RM sees their own card; 西湖's manager the RMs of 西湖's subtree.
        let own = s.rm_scorecards(&rm_a, period).await.unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].staff_id, RM_A);
        let xihu = s
            .rm_scorecards(&fixture::viewer(BM_XIHU), period)
            .await
            .unwrap();
        let staff: Vec<_> = xihu.iter().map(|c| c.staff_id).collect();
        assert_eq!(staff, [RM_A], "{}", t.name);
    }
}

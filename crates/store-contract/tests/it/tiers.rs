//! Deciding tier change proposals: only within scope, once, and accepting with a dedicated RM
//! moves the customer to that RM at once with the previous assignment kept as history.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_store::portfolio::{TierDecision, TierDecisionRequest};
use rapport_store::scores::{NewScoreRun, ScoreBatch, TierChangeProposal};
use rapport_store::{PageRequest, StoreError};
use rapport_store_contract::fixture::{
    self, ADMIN, BM_XIHU, LI_NA, RM_A, RM_B, STEWARD, ZHANG_WEI_A,
};

use crate::loaded;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

async fn propose(s: &dyn rapport_store::Store) {
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let run = s
        .begin_score_run(&NewScoreRun {
            as_of: as_of(),
            model_version: "test".into(),
            started_by: "tester".into(),
            started_at: at,
        })
        .await
        .unwrap();
    let change = |party, to: &str| TierChangeProposal {
        party_id: party,
        from_tier: Some("gold".into()),
        to_tier: to.into(),
        propose_dedicated_rm: true,
        rule: "6 consecutive months above the threshold".into(),
        as_of: as_of(),
    };
    let batch = ScoreBatch {
        tier_changes: vec![change(ZHANG_WEI_A, "diamond"), change(LI_NA, "platinum")],
        ..ScoreBatch::default()
    };
    s.write_scores(run, &batch, at).await.unwrap();
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

#[tokio::test]
async fn proposals_are_listed_and_decided_only_within_scope() {
    for t in loaded().await {
        let s = t.store.as_ref();
        propose(s).await;
        let bm = fixture::viewer(BM_XIHU);
        let listed = s.tier_proposals(&bm, "proposed", PAGE).await.unwrap();
        // 西湖 sees 张伟 (1), not 李娜 (5) of 滨江.
        assert_eq!(listed.items.len(), 1, "{}", t.name);
        let p = &listed.items[0];
        assert_eq!((p.party_id, p.to_tier.as_str()), (ZHANG_WEI_A, "diamond"));
        assert_eq!(p.primary_rm, Some(RM_A));
        let all = s
            .tier_proposals(&fixture::viewer(ADMIN), "proposed", PAGE)
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
            .tier_proposals(&fixture::viewer(RM_B), "proposed", PAGE)
            .await
            .unwrap();
        assert!(none.items.is_empty(), "{}: neither is RM B's", t.name);

        // Accepting with RM B moves 张伟 to B at once, A's assignment kept as history.
        let rm_b = fixture::viewer(RM_B);
        assert!(s.customer_360(&rm_b, ZHANG_WEI_A).await.unwrap().is_none());
        let done = s
            .decide_tier_proposal(
                &bm,
                &decision(
                    p.id,
                    TierDecision::Accept {
                        dedicated_rm: Some(RM_B),
                    },
                ),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.status, "accepted", "{}", t.name);
        assert_eq!(
            (done.assigned_rm, done.primary_rm, done.decided_by),
            (Some(RM_B), Some(RM_B), Some(BM_XIHU))
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
        let accepted = s.tier_proposals(&bm, "accepted", PAGE).await.unwrap();
        assert_eq!(accepted.items.len(), 1, "{}", t.name);
    }
}

#[tokio::test]
async fn a_dedicated_rm_must_be_an_enabled_rm_and_a_refusal_changes_nothing() {
    for t in loaded().await {
        let s = t.store.as_ref();
        propose(s).await;
        let admin = fixture::viewer(ADMIN);
        let p = s
            .tier_proposals(&admin, "proposed", PAGE)
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
        let still = s.tier_proposals(&admin, "proposed", PAGE).await.unwrap();
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

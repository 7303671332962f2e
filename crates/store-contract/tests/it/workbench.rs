//! The workbench's portfolio overview: kept per RM, current only while the latest scoring run
//! and the RM's customers are those it was computed from; and customers' names, only within
//! scope.
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rapport_domain::StaffId;
use rapport_store::Store;
use rapport_store::portfolio::NewReassignment;
use rapport_store::scores::ScoreRunEnd;
use rapport_store_contract::fixture::{
    self, BM_XIHU, BM_ZHEJIANG, COMPANY, LI_NA, RM_A, RM_B, WANG_FANG, ZHANG_WEI_A, ZHANG_WEI_B,
};

use crate::loaded;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
}

async fn begin_run(s: &dyn Store, as_of: NaiveDate) -> i64 {
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    rapport_store_contract::fixture::begin_score_run(s, as_of, at).await
}

async fn finish_run(s: &dyn Store, run: i64) {
    s.finish_score_run(
        run,
        &ScoreRunEnd {
            finished_at: Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap(),
            parties: 0,
            churn_auc: None,
            stages_json: "{}".into(),
            churn_validation_json: None,
        },
    )
    .await
    .unwrap();
}

/// When the store says `viewer`'s overview (12 months, top 5) asked for at minute `m` was
/// computed: at `m` if computed by that call, earlier if kept.
async fn computed(s: &dyn Store, viewer: StaffId, m: u32) -> u32 {
    let now = at(m);
    let o = s
        .portfolio_overview(&fixture::viewer(viewer), 12, 5, now)
        .await
        .unwrap();
    assert!(o.computed_at <= now);
    u32::try_from((o.computed_at - at(0)).num_minutes()).unwrap()
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 3, minute, 0).unwrap()
}

#[tokio::test]
async fn an_rms_overview_is_kept_until_their_customers_or_the_scoring_change() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let name = &t.name;
        assert_eq!(computed(s, RM_A, 1).await, 1, "{name}");
        assert_eq!(
            computed(s, RM_A, 2).await,
            2,
            "{name}: not kept before a scoring run"
        );
        let run = begin_run(s, day(30)).await;
        assert_eq!(computed(s, RM_A, 3).await, 3);
        assert_eq!(computed(s, RM_A, 4).await, 4, "nor while one is under way");
        finish_run(s, run).await;
        let first = s
            .portfolio_overview(&fixture::viewer(RM_A), 12, 5, at(5))
            .await
            .unwrap();
        let kept = s
            .portfolio_overview(&fixture::viewer(RM_A), 12, 5, at(6))
            .await
            .unwrap();
        assert_eq!(kept, first, "{name}: kept whole");
        assert_eq!(computed(s, RM_B, 6).await, 6, "{name}: each RM their own");
        assert_eq!(computed(s, RM_B, 7).await, 6);
        let other_shape = s
            .portfolio_overview(&fixture::viewer(RM_A), 6, 5, at(7))
            .await
            .unwrap();
        assert_eq!(
            other_shape.computed_at,
            at(7),
            "{name}: another shape is computed"
        );
        // A branch manager's scope is not one RM's portfolio: computed live every time.
        assert_eq!(computed(s, BM_XIHU, 8).await, 8);
        assert_eq!(computed(s, BM_XIHU, 9).await, 9, "{name}");

        assert_eq!(computed(s, RM_A, 10).await, 10);
        assert_eq!(computed(s, RM_A, 11).await, 10);
        // A secondary RM leaving one of RM A's customers makes RM A's overview stale at once.
        s.end_secondary_rm(&fixture::viewer(fixture::HEAD_BM), WANG_FANG, RM_A, day(30))
            .await
            .unwrap()
            .expect("in the administrator's scope");
        assert_eq!(computed(s, RM_A, 12).await, 12, "{name}");
        assert_eq!(computed(s, RM_A, 13).await, 12);
        // So does moving the whole portfolio, for both RMs.
        assert_eq!(computed(s, RM_B, 13).await, 6);
        s.request_reassignment(
            &fixture::viewer(BM_ZHEJIANG),
            &NewReassignment {
                from: RM_A,
                to: RM_B,
                requested_by: BM_ZHEJIANG,
                at: at(14),
                effective_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                approval_threshold: 10,
            },
        )
        .await
        .unwrap();
        assert_eq!(computed(s, RM_A, 15).await, 15, "{name}");
        assert_eq!(computed(s, RM_B, 15).await, 15, "{name}");
        let moved = s
            .portfolio_overview(&fixture::viewer(RM_A), 12, 5, at(16))
            .await
            .unwrap();
        assert!(moved.at_risk.is_empty() && moved.most_valuable.is_empty());
        assert!(moved.tiers.is_empty(), "{name}: RM A has no customers left");
        // And a new scoring run: computed while it runs, kept anew after.
        let next = begin_run(s, NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()).await;
        assert_eq!(computed(s, RM_B, 17).await, 17, "{name}");
        assert_eq!(computed(s, RM_B, 18).await, 18);
        finish_run(s, next).await;
        assert_eq!(computed(s, RM_B, 19).await, 19, "{name}");
        assert_eq!(computed(s, RM_B, 20).await, 19);
    }
}

#[tokio::test]
async fn names_are_given_only_for_customers_in_scope() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let asked = [ZHANG_WEI_A, WANG_FANG, ZHANG_WEI_B, COMPANY, LI_NA];
        let mut mine: Vec<_> = s
            .party_names(&fixture::viewer(RM_A), &asked)
            .await
            .unwrap()
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        mine.sort_by_key(|p| p.0);
        assert_eq!(mine, [ZHANG_WEI_A, WANG_FANG, COMPANY], "{}", t.name);
        let names = s
            .party_names(&fixture::viewer(RM_A), &[ZHANG_WEI_A])
            .await
            .unwrap();
        assert_eq!(names.len(), 1);
        assert!(!names[0].1.is_empty());
        assert!(
            s.party_names(&fixture::viewer(RM_A), &[])
                .await
                .unwrap()
                .is_empty()
        );
    }
}

fn scored(party: rapport_domain::PartyId, tier: &str) -> rapport_store::scores::PartyScoreRow {
    rapport_store::scores::PartyScoreRow {
        party_id: party,
        as_of: day(30),
        model_version: "test".into(),
        value_score: 1.0,
        tier: tier.parse().unwrap(),
        lifecycle: rapport_domain::LifecycleStage::Mature,
        churn_risk: None,
        clv_minor: 0,
        p_alive: 1.0,
        clv_class: Some(rapport_domain::ClvClass::Maintenance),
        rfm_segment: rapport_domain::RfmSegment::ImportantValue,
        credit_rating: rapport_domain::CreditGrade::A,
        profit_minor: 0,
        aum_minor: 0,
        detail_json: "{}".into(),
    }
}

#[tokio::test]
async fn the_dedicated_rm_rule_finds_unserved_customers_and_assigns_each_once() {
    use rapport_domain::BranchId;
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 3, 0, 0).unwrap();
    for t in loaded().await {
        let s = t.store.as_ref();
        let run = begin_run(s, day(30)).await;
        let batch = rapport_store::scores::ScoreBatch {
            scores: vec![
                scored(LI_NA, "diamond"),
                scored(ZHANG_WEI_B, "diamond"),
                scored(WANG_FANG, "gold"),
            ],
            ..Default::default()
        };
        s.write_scores(run, &batch, at).await.unwrap();
        finish_run(s, run).await;
        let tiers = [
            rapport_domain::Tier::Diamond,
            rapport_domain::Tier::PrivateBanking,
        ];
        // 李娜's only assignment ended; 张伟 (B) has RM B; 王芳 is gold.
        assert_eq!(
            s.unserved_customers(&tiers).await.unwrap(),
            [(LI_NA, BranchId(5))],
            "{}",
            t.name
        );
        assert_eq!(
            s.rm_loads().await.unwrap(),
            [(RM_A, BranchId(4), 2), (RM_B, BranchId(5), 2)]
        );
        let on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        // Not an RM: skipped. Then RM B, once.
        assert_eq!(
            s.assign_primary_rms(&[(LI_NA, fixture::AGENT)], on)
                .await
                .unwrap(),
            0
        );
        assert_eq!(s.assign_primary_rms(&[(LI_NA, RM_B)], on).await.unwrap(), 1);
        assert_eq!(
            s.assign_primary_rms(&[(LI_NA, RM_A)], on).await.unwrap(),
            0,
            "李娜 has a primary RM now"
        );
        assert!(s.unserved_customers(&tiers).await.unwrap().is_empty());
        assert!(
            s.customer_360(&fixture::viewer(RM_B), LI_NA)
                .await
                .unwrap()
                .is_some(),
            "{}: RM B's scope follows at once",
            t.name
        );
        assert_eq!(s.rm_loads().await.unwrap()[1], (RM_B, BranchId(5), 3));
    }
}

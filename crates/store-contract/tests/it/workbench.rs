//! The workbench's cached portfolio summary: kept per RM, current only while the latest
//! scoring run and the RM's customers are those it was computed from; and customers' names,
//! only within scope.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_store::Store;
use rapport_store::portfolio::NewReassignment;
use rapport_store::scores::{PortfolioCache, ScoreRunEnd};
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
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_portfolio_summary_is_current_until_the_rms_customers_or_the_scoring_change() {
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 3, 0, 0).unwrap();
    for t in loaded().await {
        let s = t.store.as_ref();
        let (rm_a, rm_b) = (fixture::viewer(RM_A), fixture::viewer(RM_B));
        assert_eq!(
            s.portfolio_cache(&rm_a).await.unwrap(),
            PortfolioCache::default(),
            "{}: nothing is cached before a scoring run",
            t.name
        );
        let run = begin_run(s, day(30)).await;
        assert_eq!(
            s.portfolio_cache(&rm_a).await.unwrap().mark,
            None,
            "nor while one is under way"
        );
        finish_run(s, run).await;
        let first = s.portfolio_cache(&rm_a).await.unwrap();
        let mark = first.mark.expect("a finished run");
        assert_eq!(mark.score_run_id, run);
        assert_eq!(first.summary_json, None);
        s.save_portfolio_cache(&rm_a, &mark, "{\"a\":1}", at)
            .await
            .unwrap();
        assert_eq!(
            s.portfolio_cache(&rm_a)
                .await
                .unwrap()
                .summary_json
                .as_deref(),
            Some("{\"a\":1}"),
            "{}",
            t.name
        );
        assert_eq!(s.portfolio_cache(&rm_b).await.unwrap().summary_json, None);
        // A branch manager's scope is not one RM's portfolio: nothing kept, nothing read.
        let bm = fixture::viewer(BM_XIHU);
        s.save_portfolio_cache(&bm, &mark, "{}", at).await.unwrap();
        assert_eq!(
            s.portfolio_cache(&bm).await.unwrap(),
            PortfolioCache::default()
        );

        // A secondary RM leaving one of RM A's customers makes RM A's summary stale at once.
        s.end_secondary_rm(&fixture::viewer(fixture::HEAD_BM), WANG_FANG, RM_A, day(30))
            .await
            .unwrap()
            .expect("in the administrator's scope");
        let after = s.portfolio_cache(&rm_a).await.unwrap();
        assert_eq!(after.summary_json, None, "{}", t.name);
        let moved = after.mark.unwrap();
        assert!(moved.generation > mark.generation);
        s.save_portfolio_cache(&rm_a, &moved, "{\"a\":2}", at)
            .await
            .unwrap();
        // So does moving the whole portfolio, for both RMs.
        s.save_portfolio_cache(
            &rm_b,
            &s.portfolio_cache(&rm_b).await.unwrap().mark.unwrap(),
            "{\"b\":1}",
            at,
        )
        .await
        .unwrap();
        s.request_reassignment(
            &fixture::viewer(BM_ZHEJIANG),
            &NewReassignment {
                from: RM_A,
                to: RM_B,
                requested_by: BM_ZHEJIANG,
                at,
                effective_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                approval_threshold: 10,
            },
        )
        .await
        .unwrap();
        assert_eq!(s.portfolio_cache(&rm_a).await.unwrap().summary_json, None);
        assert_eq!(s.portfolio_cache(&rm_b).await.unwrap().summary_json, None);
        let now = s.portfolio_cache(&rm_b).await.unwrap().mark.unwrap();
        s.save_portfolio_cache(&rm_b, &now, "{\"b\":2}", at)
            .await
            .unwrap();
        // And a new scoring run: stale while it runs and after.
        let next = begin_run(s, NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()).await;
        assert_eq!(
            s.portfolio_cache(&rm_b).await.unwrap(),
            PortfolioCache::default()
        );
        finish_run(s, next).await;
        let c = s.portfolio_cache(&rm_b).await.unwrap();
        assert_eq!((c.mark.unwrap().score_run_id, c.summary_json), (next, None));
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
        tier: tier.into(),
        lifecycle: "mature".into(),
        churn_risk: None,
        clv_minor: 0,
        p_alive: 1.0,
        clv_class: "maintenance".into(),
        rfm_segment: "important_value".into(),
        credit_rating: "A".into(),
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
        let tiers = ["diamond".to_owned(), "private_banking".to_owned()];
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

//! Scores, alerts and tier proposals: kept per as-of date, read back only within scope,
//! aggregated within scope.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::{
    ChurnSignal, ClvClass, CreditGrade, LifecycleStage, PartyId, Reason, RfmSegment, Tier,
};
use rapport_store::scores::{
    NewAlert, ParetoMeasure, PartyScoreRow, ScoreBatch, ScoreRunEnd, TierChangeProposal,
};
use rapport_store_contract::TestStore;
use rapport_store_contract::fixture::{
    self, BM_XIHU, COMPANY, HEAD_BM, LI_NA, RM_A, RM_B, WANG_FANG, ZHANG_WEI_A, ZHANG_WEI_B,
};

use crate::loaded;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn score(party: PartyId, as_of: NaiveDate, tier: &str, profit: i64, churn: f64) -> PartyScoreRow {
    PartyScoreRow {
        party_id: party,
        as_of,
        model_version: "scoring-test".into(),
        value_score: profit as f64 / 10.0,
        tier: tier.parse().unwrap(),
        lifecycle: if churn > 0.5 {
            LifecycleStage::Declining
        } else {
            LifecycleStage::Mature
        },
        churn_risk: Some(churn),
        clv_minor: profit * 3,
        p_alive: 1.0 - churn,
        clv_class: Some(ClvClass::Maintenance),
        rfm_segment: RfmSegment::ImportantValue,
        credit_rating: CreditGrade::A,
        profit_minor: profit,
        aum_minor: profit * 100,
        detail_json: format!("{{\"party\":{}}}", party.0),
    }
}

fn alert(party: PartyId, as_of: NaiveDate) -> NewAlert {
    NewAlert {
        party_id: party,
        kind: rapport_domain::AlertKind::ChurnRisk,
        severity: rapport_domain::AlertSeverity::High,
        reason: "AUM fell 45% in 3 months".into(),
        detail: Some(Reason::Churn {
            signals: vec![ChurnSignal::BalanceDrop {
                percent: 45,
                before_minor: 10_000_000,
                now_minor: 5_500_000,
            }],
        }),
        as_of,
        dedup_key: format!("churn_risk:{}:{}", party.0, as_of.format("%Y-%m")),
    }
}

fn may() -> NaiveDate {
    day(2026, 5, 31)
}

fn june() -> NaiveDate {
    day(2026, 6, 30)
}

/// The fixture bank scored as of the end of May (张伟 (1) gold) and of June (platinum).
async fn scored_may_and_june() -> Vec<TestStore> {
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap();
    let stores = loaded().await;
    for t in &stores {
        let s = t.store.as_ref();
        for (as_of, tier) in [(may(), "gold"), (june(), "platinum")] {
            let run = fixture::begin_score_run(s, as_of, at).await;
            let batch = ScoreBatch {
                scores: vec![
                    score(ZHANG_WEI_A, as_of, tier, 500, 0.95),
                    score(WANG_FANG, as_of, "gold", 300, 0.05),
                    score(ZHANG_WEI_B, as_of, "ordinary", 100, 0.35),
                    score(COMPANY, as_of, "diamond", 50, 0.15),
                    score(LI_NA, as_of, "ordinary", 50, 0.55),
                ],
                alerts: vec![alert(ZHANG_WEI_A, as_of), alert(ZHANG_WEI_B, as_of)],
                tier_changes: vec![TierChangeProposal {
                    party_id: ZHANG_WEI_A,
                    from_tier: Some(Tier::Gold),
                    to_tier: tier.parse().unwrap(),
                    propose_dedicated_rm: false,
                    rule: "6 consecutive month-ends at or above 500,000".into(),
                    as_of,
                }],
            };
            s.write_scores(run, &batch, at).await.unwrap();
            // Written twice: the same rows, the same alerts (deduplicated).
            s.write_scores(run, &batch, at).await.unwrap();
            s.finish_score_run(
                run,
                &ScoreRunEnd {
                    finished_at: at,
                    parties: 5,
                    churn_auc: Some(0.91),
                    stages_json: "{\"features\":1.5}".into(),
                    churn_validation_json: Some("{\"auc\":0.91}".into()),
                },
            )
            .await
            .unwrap();
        }
    }
    stores
}

#[tokio::test]
async fn scores_are_kept_per_as_of_and_read_back_within_scope() {
    for t in scored_may_and_june().await {
        let s = t.store.as_ref();
        let runs = s.score_runs(10).await.unwrap();
        assert_eq!(runs.len(), 2, "{}", t.name);
        assert_eq!(runs[0].as_of, june());
        assert_eq!(runs[0].churn_auc, Some(0.91));
        assert_eq!(
            runs[0].churn_validation_json.as_deref(),
            Some("{\"auc\":0.91}"),
            "{}: the evaluation is kept with its run",
            t.name
        );

        // History, newest first, for a customer in scope; nothing for one out of scope.
        let mine = rapport_store_contract::reads::in_scope(
            s,
            &fixture::viewer(RM_A),
            ZHANG_WEI_A,
            |c| async move { s.party_scores(&c, 10).await },
        )
        .await
        .unwrap()
        .expect("in RM A's portfolio");
        assert_eq!(mine.len(), 2, "{}", t.name);
        assert_eq!((mine[0].as_of, mine[0].tier.as_str()), (june(), "platinum"));
        assert_eq!((mine[1].as_of, mine[1].tier.as_str()), (may(), "gold"));
        assert_eq!(mine[0].detail_json, "{\"party\":1}");
        assert!(
            rapport_store_contract::reads::in_scope(
                s,
                &fixture::viewer(RM_A),
                ZHANG_WEI_B,
                |c| async move { s.party_scores(&c, 10).await }
            )
            .await
            .unwrap()
            .is_none(),
            "{}",
            t.name
        );
        assert!(
            rapport_store_contract::reads::in_scope(
                s,
                &fixture::viewer(RM_A),
                ZHANG_WEI_B,
                |c| async move { s.party_alerts(&c, 10).await }
            )
            .await
            .unwrap()
            .is_none()
        );
    }
}

#[tokio::test]
async fn one_alert_per_dedup_key_goes_to_the_primary_rm() {
    for t in scored_may_and_june().await {
        let s = t.store.as_ref();
        let alerts = rapport_store_contract::reads::in_scope(
            s,
            &fixture::viewer(RM_A),
            ZHANG_WEI_A,
            |c| async move { s.party_alerts(&c, 10).await },
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(alerts.len(), 2, "{}: one per month", t.name);
        assert!(
            alerts
                .iter()
                .all(|a| a.staff_id == Some(RM_A) && a.status == rapport_domain::AlertStatus::Open)
        );
        assert_eq!(
            alerts[0].detail,
            alert(ZHANG_WEI_A, june()).detail,
            "{}: the reason as data reads back",
            t.name
        );
    }
}

#[tokio::test]
async fn the_tier_rules_start_from_the_latest_tier_before_the_as_of_date() {
    for t in scored_may_and_june().await {
        let previous = t.store.previous_tiers(june()).await.unwrap();
        assert!(
            previous.contains(&(ZHANG_WEI_A, Tier::Gold)),
            "{previous:?}"
        );
        assert_eq!(previous.len(), 5);
    }
}

#[tokio::test]
async fn score_dashboards_see_only_the_viewer_s_scope() {
    for t in scored_may_and_june().await {
        let s = t.store.as_ref();
        let bank = s
            .score_dashboard(&fixture::viewer(HEAD_BM), None)
            .await
            .unwrap();
        assert_eq!(bank.as_of, Some(june()));
        assert_eq!(bank.customers, 5, "{}", t.name);
        assert_eq!(bank.churn_deciles.iter().sum::<i64>(), 5);
        assert_eq!(bank.churn_deciles[9], 1, "{:?}", bank.churn_deciles);
        let rm_a = s
            .score_dashboard(&fixture::viewer(RM_A), None)
            .await
            .unwrap();
        assert_eq!(rm_a.customers, 3, "{}: parties 1, 2 and 4", t.name);
        let rm_b = s
            .score_dashboard(&fixture::viewer(RM_B), None)
            .await
            .unwrap();
        assert_eq!(rm_b.customers, 2, "{}", t.name);
        assert_eq!(
            rm_b.tiers.iter().map(|t| t.2).sum::<i64>(),
            (300 + 100) * 100,
            "AUM of RM B's two customers"
        );

        // A branch manager counts the branch subtree's customers, as every list of theirs does.
        let bm = fixture::viewer(BM_XIHU);
        let subtree = s
            .list_customers(
                &bm,
                rapport_store::PageRequest {
                    page: 1,
                    page_size: 100,
                },
            )
            .await
            .unwrap()
            .items
            .len() as i64;
        let bm_dashboard = s.score_dashboard(&bm, None).await.unwrap();
        assert_eq!(bm_dashboard.customers, subtree, "{}", t.name);
        assert!(subtree > 0 && subtree < 5, "{}: {subtree}", t.name);
    }
}

#[tokio::test]
async fn the_pareto_curve_sees_only_the_viewer_s_scope() {
    for t in scored_may_and_june().await {
        let s = t.store.as_ref();
        // 80/20: the top 20% (one of five) brings 500 of 1,000.
        let p = s
            .pareto(&fixture::viewer(HEAD_BM), ParetoMeasure::Profit, None, None)
            .await
            .unwrap();
        assert_eq!((p.customers, p.total_minor), (5, 1000), "{}", t.name);
        assert_eq!(p.points.len(), 100);
        assert!((p.points[0] - 0.5).abs() < 1e-9, "{:?}", &p.points[..25]);
        assert!((p.points[19] - 0.5).abs() < 1e-9);
        assert!((p.points[20] - 0.8).abs() < 1e-9);
        assert!((p.points[99] - 1.0).abs() < 1e-9);
        let scoped = s
            .pareto(
                &fixture::viewer(RM_B),
                ParetoMeasure::Aum,
                None,
                Some("gold"),
            )
            .await
            .unwrap();
        assert_eq!(scoped.customers, 1, "{}: RM B's gold customer", t.name);
    }
}

#[tokio::test]
async fn the_dimension_snapshot_covers_every_live_party() {
    for t in scored_may_and_june().await {
        let (accounts, parties) = t.store.scoring_dimensions().await.unwrap();
        assert_eq!(parties.len(), 5, "{}", t.name);
        assert!(!accounts.is_empty());
        assert!(
            accounts
                .iter()
                .all(|a| a.account_key != fixture::ZHANG_WEI_A_ACCOUNT)
        );
    }
}

#[tokio::test]
async fn a_rules_only_run_keeps_no_churn_probability_and_counts_in_no_decile() {
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap();
    for t in loaded().await {
        let s = t.store.as_ref();
        let as_of = day(2026, 6, 30);
        let run = fixture::begin_score_run(s, as_of, at).await;
        let rules_only = |party| PartyScoreRow {
            churn_risk: None,
            ..score(party, as_of, "gold", 100, 0.0)
        };
        let batch = ScoreBatch {
            scores: vec![rules_only(ZHANG_WEI_A), rules_only(WANG_FANG)],
            alerts: vec![alert(ZHANG_WEI_A, as_of)],
            tier_changes: vec![],
        };
        s.write_scores(run, &batch, at).await.unwrap();
        s.finish_score_run(
            run,
            &ScoreRunEnd {
                finished_at: at,
                parties: 2,
                churn_auc: None,
                stages_json: "{}".into(),
                churn_validation_json: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(s.score_runs(1).await.unwrap()[0].churn_auc, None);
        let mine = rapport_store_contract::reads::in_scope(
            s,
            &fixture::viewer(RM_A),
            ZHANG_WEI_A,
            |c| async move { s.party_scores(&c, 1).await },
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(mine[0].churn_risk, None, "{}", t.name);
        let bank = s
            .score_dashboard(&fixture::viewer(HEAD_BM), None)
            .await
            .unwrap();
        assert_eq!(bank.customers, 2, "{}", t.name);
        assert_eq!(bank.churn_deciles, vec![0; 10], "{}", t.name);
    }
}

//! The analytical views at the edge: distributions and the 80/20 curve count only the caller's
//! customers, bad parameters are named, the dashboard page renders in both languages.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::PartyId;
use rapport_store::audit::AuditAction;
use rapport_store::scores::{PartyScoreRow, ScoreBatch};

use crate::{TestApp, assert_has_all};

/// Scores for the fixture's five parties: profits 500, 300, 100, 50, 50.
async fn scored(app: &TestApp) {
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let rows = [
        (1, "platinum", 500, 0.95, "declining"),
        (2, "gold", 300, 0.05, "mature"),
        (3, "ordinary", 100, 0.35, "new"),
        (4, "diamond", 50, 0.15, "growing"),
        (5, "ordinary", 50, 0.55, "churned"),
    ];
    let scores = rows
        .iter()
        .map(|&(id, tier, profit, churn, stage)| PartyScoreRow {
            party_id: PartyId(id),
            as_of,
            model_version: "test".into(),
            value_score: 50.0,
            tier: tier.parse().unwrap(),
            lifecycle: stage.parse().unwrap(),
            churn_risk: Some(churn),
            clv_minor: profit * 2,
            p_alive: 0.8,
            clv_class: Some(rapport_domain::ClvClass::Vip),
            rfm_segment: rapport_domain::RfmSegment::ImportantValue,
            credit_rating: rapport_domain::CreditGrade::A,
            profit_minor: profit,
            aum_minor: profit * 1000,
            detail_json: "{}".into(),
        })
        .collect();
    let batch = ScoreBatch {
        scores,
        ..ScoreBatch::default()
    };
    crate::seeds::write_run(app, as_of, "test", at, &batch).await;
}

#[tokio::test]
async fn dashboard_and_pareto_count_only_the_callers_customers() {
    for app in TestApp::each().await {
        scored(&app).await;
        let admin = app.token("bm.head").await;
        let bank = app.get_ok(&admin, "/api/v1/analytics/dashboard").await;
        assert_eq!(bank["customers"], 5);
        assert_eq!(bank["as_of"], "2026-06-30");
        assert_eq!(bank["tiers"][0]["tier"], "private_banking");
        assert_eq!(bank["tiers"][1]["label_zh"], "钻石");
        assert_eq!(bank["lifecycle"].as_array().unwrap().len(), 6);
        assert_eq!(bank["churn_deciles"][9], 1);

        let rm_a = app.token("rm.a").await;
        let (_, mine) = app.get_json(&rm_a, "/api/v1/analytics/dashboard").await;
        assert_eq!(mine["customers"], 3, "{}: parties 1, 2 and 4", app.backend);
        let (_, p) = app
            .get_json(&rm_a, "/api/v1/analytics/pareto?measure=aum")
            .await;
        assert_eq!(p["customers"], 3);
        assert_eq!(p["total"]["amount"], "8500.00", "{p}");

        let (_, p) = app.get_json(&admin, "/api/v1/analytics/pareto").await;
        assert_eq!(p["measure"], "profit");
        assert_eq!(p["top_20_share"], 0.5, "{p}");
        assert_eq!(p["shares"].as_array().unwrap().len(), 100);
        let (_, gold) = app
            .get_json(&admin, "/api/v1/analytics/pareto?segment=gold")
            .await;
        assert_eq!(gold["customers"], 1);

        // Reports are audited.
        let entries = app.audited(AuditAction::ReportViewed).await.len();
        assert_eq!(entries, 5, "{}", app.backend);
    }
}

#[tokio::test]
async fn bad_analytics_parameters_are_named() {
    for app in TestApp::each().await {
        let token = app.token("bm.head").await;
        for (path, field) in [
            ("/api/v1/analytics/dashboard?branch_id=abc", "branch_id"),
            ("/api/v1/analytics/dashboard?branch_id=-3", "branch_id"),
            ("/api/v1/analytics/pareto?measure=median", "measure"),
            ("/api/v1/analytics/pareto?segment=x%3Bdrop", "segment"),
        ] {
            app.assert_names_parameter(&token, path, field).await;
        }
        let (status, body) = app
            .get_json(&token, "/api/v1/analytics/dashboard?tier=gold")
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(crate::message(&body).contains("tier"), "{body}");
        let anonymous = app.anonymous_browser();
        assert_eq!(anonymous.status("/api/v1/analytics/dashboard").await, 401);
    }
}

#[tokio::test]
async fn the_dashboard_page_renders_in_both_languages() {
    for app in TestApp::each().await {
        let browser = app.browser("rm.a").await;
        let before = browser.page("/dashboard").await;
        assert!(before.contains("data-testid=\"not-scored\""), "{before}");
        scored(&app).await;
        let zh = browser.page("/dashboard").await;
        let needles = [
            "客户价值分析",
            "data-testid=\"dashboard-customers\">3<",
            "二八分析",
            "data-kind=\"funnel\"",
            "echarts.min.js",
            "钻石",
        ];
        assert_has_all(&zh, &needles, &format!("{}: zh dashboard", app.backend));
        browser.open("/lang/en?next=/dashboard").await;
        let en = browser.page("/dashboard?branch_id=4").await;
        let needles = ["Customer value", "80/20 analysis", "Diamond"];
        assert_has_all(&en, &needles, &format!("{}: en dashboard", app.backend));
        assert_eq!(browser.status("/dashboard?branch_id=abc").await, 400);
    }
}

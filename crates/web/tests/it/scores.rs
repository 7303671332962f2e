//! A customer's scores at the edge: every score explained by its parts, only within scope, on
//! the 360 page in both languages.
use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::PartyId;
use rapport_scoring::{ChurnModel, Features, NbpModel, ScoringConfig, score_all};
use rapport_store::scores::{NewAlert, NewScoreRun, PartyScoreRow, ScoreBatch};

use crate::TestApp;

/// A small population: a third fading away (AUM and transactions falling to nothing), the
/// rest steady, with the fixture's five parties among them.
pub fn rows(as_of: NaiveDate) -> (Vec<Features>, Vec<bool>) {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for i in 0..240_i64 {
        let party_id = if i < 5 { i + 1 } else { 1000 + i };
        let fading = i % 3 == 0;
        let base = 2_000_000 + (i % 17) * 900_000;
        let mut f = Features {
            party_id,
            as_of,
            branch_id: Some(4),
            tenure_months: 12 + (i % 50) as u32,
            ..Features::default()
        };
        for m in 0..12 {
            let scale = if fading { (m as i64).min(6) } else { 6 };
            f.aum[m] = base * scale / 6;
            f.tx_count[m] = if fading && m < 3 {
                0
            } else {
                6 + (i % 5) as u32
            };
            f.credit_amount[m] = f.aum[m] / 20;
            f.debit_amount[m] = f.aum[m] / 25;
        }
        f.current_deposits = f.aum[0] / 2;
        f.time_deposits = f.aum[0] - f.current_deposits;
        f.families_held = if i % 4 == 0 {
            vec!["current_deposit".into()]
        } else {
            vec!["current_deposit".into(), "time_deposit".into()]
        };
        f.open_accounts = f.families_held.len() as u32;
        f.days_since_last_tx = Some(if fading { 95 } else { 3 });
        f.digital_share = 0.4;
        rows.push(f);
        labels.push(fading);
    }
    (rows, labels)
}

pub async fn scored(app: &TestApp) {
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let (rows, labels) = rows(as_of);
    let cfg = ScoringConfig::default();
    let (churn, _) = ChurnModel::train(&rows, &labels, 7).unwrap();
    let nbp = NbpModel::train(&rows, 7, &cfg.nbp).unwrap();
    let scores = score_all(&rows, &HashMap::new(), Some(&churn), &nbp, &cfg).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let run = app
        .store
        .begin_score_run(&NewScoreRun {
            as_of,
            model_version: rapport_scoring::MODEL_VERSION.into(),
            started_by: "tester".into(),
            started_at: at,
        })
        .await
        .unwrap();
    let batch = ScoreBatch {
        scores: scores
            .iter()
            .filter(|s| s.party_id <= 5)
            .map(|s| PartyScoreRow {
                party_id: PartyId(s.party_id),
                as_of,
                model_version: s.model_version.clone(),
                value_score: s.value.composite.score,
                tier: s.tier.tier.as_str().into(),
                lifecycle: s.lifecycle.stage.as_str().into(),
                churn_risk: s.churn.probability,
                clv_minor: 0,
                p_alive: 0.0,
                clv_class: "unknown".into(),
                rfm_segment: s.rfm.segment.as_str().into(),
                credit_rating: s.credit.grade.as_str().into(),
                profit_minor: s.profit.annual_profit_minor,
                aum_minor: 0,
                detail_json: serde_json::to_string(s).unwrap(),
            })
            .collect(),
        alerts: vec![NewAlert {
            party_id: PartyId(1),
            kind: "churn_risk".into(),
            severity: "high".into(),
            reason: "AUM fell 50% in 3 months".into(),
            detail: None,
            as_of,
            dedup_key: "churn_risk:1:2026-06".into(),
        }],
        tier_changes: Vec::new(),
    };
    app.store.write_scores(run, &batch, at).await.unwrap();
    app.store
        .finish_score_run(
            run,
            &rapport_store::scores::ScoreRunEnd {
                finished_at: at,
                parties: batch.scores.len() as i64,
                churn_auc: None,
                stages_json: "{}".into(),
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn every_score_of_a_customer_comes_with_its_explanation() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        let (status, before) = app.get_json(&token, "/api/v1/customers/1/scores").await;
        assert_eq!(status, 200, "{}: {before}", app.backend);
        assert!(before["latest"].is_null(), "not scored yet");
        scored(&app).await;
        let (status, s) = app.get_json(&token, "/api/v1/customers/1/scores").await;
        assert_eq!(status, 200, "{}: {s}", app.backend);
        let l = &s["latest"];
        assert_eq!(l["as_of"], "2026-06-30");
        assert_eq!(l["model_version"], rapport_scoring::MODEL_VERSION);
        for score in [
            "value",
            "financial",
            "loyalty",
            "credit_score",
            "risk",
            "rfm",
        ] {
            let parts = l[score]["parts"].as_array().unwrap();
            assert!(!parts.is_empty(), "{score} has no explanation: {l}");
            let sum: f64 = parts.iter().map(|p| p["points"].as_f64().unwrap()).sum();
            let total = l[score]["score"].as_f64().unwrap();
            assert!((sum - total).abs() < 1e-6, "{score}: parts {sum} ≠ {total}");
        }
        for rule in ["tier_rule", "lifecycle_rule"] {
            assert!(!l[rule].as_str().unwrap().is_empty(), "{rule}: {l}");
        }
        assert!(!l["tier"]["label_zh"].as_str().unwrap().is_empty());
        let risk = l["churn_risk"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&risk));
        assert!(!l["profit_parts"].as_array().unwrap().is_empty());
        assert_eq!(s["alerts"].as_array().unwrap().len(), 1);
        assert_eq!(s["history"].as_array().unwrap().len(), 1);

        // Out of scope is unknown; a bad id is named.
        let (status, _) = app.get_json(&token, "/api/v1/customers/3/scores").await;
        assert_eq!(status, 404, "{}", app.backend);
        let (status, body) = app.get_json(&token, "/api/v1/customers/abc/scores").await;
        assert_eq!(status, 400, "{body}");

        // The 360 page shows them, in both languages.
        let browser = app.browser("rm.a").await;
        let zh = browser
            .get(app.url("/customers/1"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for s in [
            "data-testid=\"scores\"",
            "data-testid=\"score-parts\"",
            "客户价值与风险",
            "财务贡献",
        ] {
            assert!(zh.contains(s), "{}: zh 360 lacks {s}", app.backend);
        }
        browser
            .get(app.url("/lang/en?next=/customers/1"))
            .send()
            .await
            .unwrap();
        let en = browser
            .get(app.url("/customers/1"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for s in [
            "Value and risk",
            "Financial contribution",
            "AUM fell 50% in 3 months",
        ] {
            assert!(en.contains(s), "{}: en 360 lacks {s}", app.backend);
        }

        let viewed = app
            .store
            .audit_entries_after(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.entry.detail.as_deref() == Some("scores"))
            .count();
        assert_eq!(viewed, 2, "{}: two API reads of scores", app.backend);
    }
}

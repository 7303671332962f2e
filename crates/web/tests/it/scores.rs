//! A customer's scores at the edge: every score explained by its parts, only within scope, on
//! the 360 page in both languages.

pub use crate::seeds::scored;
use crate::{TestApp, assert_has_all};

#[tokio::test]
async fn every_score_of_a_customer_comes_with_its_explanation() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        let before = app.get_ok(&token, "/api/v1/customers/1/scores").await;
        assert!(before["latest"].is_null(), "not scored yet");
        scored(&app).await;
        let s = app.get_ok(&token, "/api/v1/customers/1/scores").await;
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
        let defined = l["churn_definition"].as_str().unwrap();
        assert!(defined.contains("within 3 months"), "{defined}");
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
        let zh = browser.page("/customers/1").await;
        let needles = [
            "data-testid=\"scores\"",
            "data-testid=\"score-parts\"",
            "客户价值与风险",
            "财务贡献",
            // What the churn risk is the probability of, with the configured event.
            "未来 3 个月内销户（不再持有任何账户），或资产较评分时下降超过 90% 且低于 1,000 元的概率",
        ];
        assert_has_all(&zh, &needles, &format!("{}: zh 360", app.backend));
        browser.open("/lang/en?next=/customers/1").await;
        let en = browser.page("/customers/1").await;
        let needles = [
            "Value and risk",
            "Financial contribution",
            "AUM fell 50% in 3 months",
            "the probability of closing every account, or of AUM falling by more than 90% to below 1,000 yuan, within 3 months",
        ];
        assert_has_all(&en, &needles, &format!("{}: en 360", app.backend));

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

//! Requests that try to break the server: a handler that panics, multi-byte and oversized
//! text in every kind of parameter, redirects off-site.
use std::sync::Arc;

use chrono::NaiveDate;
use rapport_web::{EvaluationError, SegmentEngine};
use serde_json::json;

use crate::TestApp;

/// An engine that panics while checking: the panic happens inside a request handler.
struct PanickingEngine;

impl SegmentEngine for PanickingEngine {
    fn columns(&self) -> Vec<String> {
        vec!["aum_m0".into()]
    }

    fn check(&self, text: &str) -> Result<String, String> {
        panic!("forced panic while checking {} characters", text.len());
    }

    fn evaluate(&self, _: &str) -> Result<Option<(NaiveDate, Vec<i64>)>, EvaluationError> {
        Ok(None)
    }
}

#[tokio::test]
async fn a_panic_in_a_handler_answers_500_is_audited_and_the_server_goes_on() {
    for app in TestApp::each_with(|s| s.with_segment_engine(Arc::new(PanickingEngine))).await {
        let token = app.token("rm.a").await;
        let (status, body) = app
            .send_json(
                &token,
                reqwest::Method::POST,
                "/api/v1/segments",
                &json!({"name": "x", "expression": "aum_m0 > 0"}),
            )
            .await;
        assert_eq!(status, 500, "{}: {body}", app.backend);
        assert_eq!(body["code"], "internal", "{}", app.backend);
        // The same server answers the next request, on a new connection and the same one.
        let (status, _) = app.get_json(&token, "/api/v1/segments").await;
        assert_eq!(status, 200, "{}", app.backend);
        let head = app.store.audit_head().await.unwrap().0;
        let entries = app.store.audit_entries_after(0, head + 1).await.unwrap();
        let failed: Vec<_> = entries
            .iter()
            .filter(|e| e.entry.action.as_str() == "request_failed")
            .collect();
        assert_eq!(failed.len(), 1, "{}", app.backend);
        assert_eq!(
            failed[0].entry.detail.as_deref(),
            Some("panic in POST /api/v1/segments"),
            "{}",
            app.backend
        );
    }
}

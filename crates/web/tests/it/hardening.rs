//! Requests that try to break the server: a handler that panics, multi-byte and oversized
//! text in every kind of parameter, redirects off-site.
use std::sync::Arc;

use chrono::NaiveDate;
use rapport_store::audit::AuditAction;
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
            .post_json(
                &token,
                "/api/v1/segments",
                &json!({"name": "x", "expression": "aum_m0 > 0"}),
            )
            .await;
        assert_eq!(status, 500, "{}: {body}", app.backend);
        assert_eq!(body["code"], "internal", "{}", app.backend);
        // The same server answers the next request, on a new connection and the same one.
        let (status, _) = app.get_json(&token, "/api/v1/segments").await;
        assert_eq!(status, 200, "{}", app.backend);
        let failed = app.audited(AuditAction::RequestFailed).await;
        assert_eq!(failed.len(), 1, "{}", app.backend);
        assert_eq!(
            failed[0].entry.detail.as_deref(),
            Some("panic in POST /api/v1/segments"),
            "{}",
            app.backend
        );
    }
}

#[tokio::test]
async fn redirects_stay_on_this_site() {
    for app in TestApp::each().await {
        for (next, to) in [
            ("/%09/evil.example", "/"),
            ("//evil.example", "/"),
            ("/%5Cevil.example", "/"),
            ("https://evil.example", "/"),
            ("/customers/1", "/customers/1"),
        ] {
            let res = TestApp::client()
                .get(app.url(&format!("/lang/en?next={next}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 303, "{next}");
            assert_eq!(res.headers()["location"], to, "{next}");
        }
    }
}

/// Failed logins are counted per username whether or not it exists, so the answer never says
/// which usernames are real; a lock ends with its window.
#[tokio::test]
async fn login_throttling_says_nothing_about_which_usernames_exist() {
    use crate::password;
    for app in TestApp::each().await {
        for user in ["rm.b", "nobody.here"] {
            for _ in 0..5 {
                assert_eq!(app.login_as(user, "guess").await.0, 401, "{user}");
            }
        }
        let (s_real, real) = app.login_as("rm.b", &password().0).await;
        let (s_none, none) = app.login_as("nobody.here", "guess").await;
        assert_eq!((s_real, s_none), (423, 423), "{}", app.backend);
        assert_eq!(real["message"], none["message"], "{}", app.backend);
        // The administrators' staff list shows the lock while it lasts.
        let admin = app.token("admin").await;
        let locked = |list: &serde_json::Value, user: &str| {
            crate::element(list, "username", user)["locked"].clone()
        };
        let (_, staff) = app.get_json(&admin, "/api/v1/admin/staff").await;
        assert_eq!(locked(&staff, "rm.b"), json!(true), "{}", app.backend);
        assert_eq!(locked(&staff, "rm.a"), json!(false));
        // The window ends: the real user is back, with the right password.
        app.clock.advance(chrono::Duration::minutes(16));
        let (_, staff) = app.get_json(&admin, "/api/v1/admin/staff").await;
        assert_eq!(locked(&staff, "rm.b"), json!(false), "{}", app.backend);
        let (s, _) = app.login_as("rm.b", &password().0).await;
        assert_eq!(s, 200, "{}", app.backend);
    }
}

/// Searching by a whole mobile is limited per minute, audited, and trying the candidates of
/// one masked mobile is refused and raised as a security alert.
#[tokio::test]
async fn guessing_a_masked_mobile_is_refused_and_raised() {
    for app in TestApp::each().await {
        let token = app.token("agent01").await;
        // 138****5678 is 张伟's; the agent tries candidates behind the mask.
        let mut refused = None;
        for n in 0..8 {
            let q = format!("1389{n:03}5678");
            let (s, v) = app.search(&token, &q).await;
            if s == 429 {
                refused = Some((n, v));
                break;
            }
            assert_eq!(s, 200, "{}: {v}", app.backend);
        }
        let (n, v) = refused.expect("the enumeration is refused");
        assert_eq!(n, 5, "{}: refused after 5 misses", app.backend);
        assert_eq!(v["code"], "rate_limited");
        // Even the right number is refused now: the pattern is blocked, not only the misses.
        let (s, _) = app.search(&token, "13812345678").await;
        assert_eq!(s, 429, "{}", app.backend);
        let alerts = app.audited(AuditAction::SecurityAlert).await;
        assert_eq!(alerts.len(), 1, "{}", app.backend);
        let reason = alerts[0].entry.reason.clone().unwrap_or_default();
        assert!(reason.contains("138****5678"), "{reason}");
        assert!(!reason.contains("13812345678"), "{reason}");
        let searched = app.audited(AuditAction::IdentifierSearched).await.len();
        assert!(searched >= 6, "{}: {searched}", app.backend);
        // A prefix does not rebuild the hidden digits either: no prefix search on mobiles.
        let v = app
            .get_ok(
                &app.token("marketing01").await,
                "/api/v1/customers?q=1381234",
            )
            .await;
        assert!(v["items"].as_array().unwrap().is_empty(), "{v}");
    }
}

#[tokio::test]
async fn whole_identifier_searches_are_limited_per_minute() {
    for app in TestApp::each().await {
        let token = app.token("agent01").await;
        let mut statuses = Vec::new();
        // Different masked values, so only the rate counts.
        for n in 0..21 {
            let q = format!("1380000{n:04}");
            statuses.push(app.search(&token, &q).await.0);
        }
        assert!(statuses[..20].iter().all(|s| *s == 200), "{statuses:?}");
        assert_eq!(statuses[20], 429, "{}", app.backend);
        app.clock.advance(chrono::Duration::minutes(1));
        let (s, _) = app.search(&token, "13800009999").await;
        assert_eq!(s, 200, "{}: a new minute", app.backend);
    }
}

/// Multi-byte, oversized and NUL-bearing text in a body, a query parameter and a path gives a
/// 400 (or 404 for a path that names nothing), never a dropped connection or a 5xx.
#[tokio::test]
async fn multi_byte_oversized_and_nul_text_is_refused_cleanly() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        let long = "张".repeat(100_000);
        for q in [
            "%00",
            "a%00b",
            "1234567890123456%C3%A9",
            "%F0%9F%98%80%F0%9F%98%80",
        ] {
            let (s, v) = app.search(&token, q).await;
            assert!(s < 500, "{}: q={q}: {s} {v}", app.backend);
        }
        let (s, _) = app.search(&token, &"张".repeat(2_000)).await;
        assert!(s < 500, "{}: an 18 kB query: {s}", app.backend);
        for body in [
            json!({"customer_id": 1, "kind": "call", "reason": "a\u{0}b", "due_on": "2026-07-01"}),
            json!({"customer_id": 1, "kind": "call", "reason": long, "due_on": "2026-07-01"}),
            json!({"customer_id": 1, "kind": "電話\u{1F600}", "reason": "x", "due_on": "2026-07-01"}),
        ] {
            let (s, v) = app.post_json(&token, "/api/v1/tasks", &body).await;
            assert!((400..500).contains(&s), "{}: {s} {v}", app.backend);
        }
        for path in ["/api/v1/customers/%E5%BC%A0", "/api/v1/customers/1%00"] {
            let (s, _) = app.get_json(&token, path).await;
            assert!((400..500).contains(&s), "{}: {path}: {s}", app.backend);
        }
    }
}

/// A write to the API made with the session cookie needs the session's anti-forgery token in
/// `X-CSRF-Token`: another site can make a browser send the cookie, not read the token.
#[tokio::test]
async fn cookie_authenticated_api_writes_need_the_csrf_header() {
    for app in TestApp::each().await {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "rm.a", "password": crate::password().0}))
            .send()
            .await
            .unwrap();
        let csrf = res.json::<serde_json::Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let task = json!({"customer_id": 1, "kind": "call", "reason": "x", "due_on": "2030-01-31"});
        let without = client
            .post(app.url("/api/v1/tasks"))
            .json(&task)
            .send()
            .await
            .unwrap();
        assert_eq!(without.status(), 403, "{}", app.backend);
        let body: serde_json::Value = without.json().await.unwrap();
        assert_eq!(body["code"], "csrf_rejected");
        let wrong = client
            .post(app.url("/api/v1/tasks"))
            .header("x-csrf-token", "forged")
            .json(&task)
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403, "{}", app.backend);
        let with = client
            .post(app.url("/api/v1/tasks"))
            .header("x-csrf-token", &csrf)
            .json(&task)
            .send()
            .await
            .unwrap();
        assert_eq!(with.status(), 201, "{}", app.backend);
        // Reads with the cookie need no token.
        let read = client.get(app.url("/api/v1/tasks")).send().await.unwrap();
        assert_eq!(read.status(), 200, "{}", app.backend);
    }
}

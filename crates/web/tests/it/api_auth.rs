use reqwest::Method;
use serde_json::{Value, json};

use crate::{TestApp, password};

#[tokio::test]
async fn health_and_readiness() {
    for app in TestApp::each().await {
        let (s, body) = app.get_json("", "/healthz").await;
        assert_eq!((s, body["status"].as_str()), (200, Some("ok")));
        let body = app.get_ok("", "/readyz").await;
        assert_eq!(body["store"], app.backend);
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_401_alike() {
    for app in TestApp::each().await {
        let (s, body) = app.login_as("rm.a", "not-the-password").await;
        assert_eq!(
            (s, body["code"].as_str()),
            (401, Some("invalid_credentials")),
            "{}",
            app.backend
        );
        let (s2, body2) = app.login_as("nobody", "x").await;
        assert_eq!(s2, 401);
        assert_eq!(
            body["message"], body2["message"],
            "no hint whether the user exists"
        );
        let (s3, _) = app.login_as("NOT A USERNAME", "x").await;
        assert_eq!(s3, 401);
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    for app in TestApp::each().await {
        for _ in 0..5 {
            let (s, _) = app.login_as("rm.b", "guess").await;
            assert_eq!(s, 401, "{}", app.backend);
        }
        let (s, body) = app.login_as("rm.b", &password().0).await;
        assert_eq!(
            (s, body["code"].as_str()),
            (423, Some("account_locked")),
            "{}",
            app.backend
        );
        // Other accounts are unaffected.
        let (s, _) = app.login_as("rm.a", &password().0).await;
        assert_eq!(s, 200);
    }
}

#[tokio::test]
async fn malformed_requests_are_400_naming_the_problem() {
    for app in TestApp::each().await {
        let client = TestApp::client();
        let res = client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body("{\"username\": \"rm.a\", ")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "invalid_json");
        assert!(crate::message(&body).contains("malformed JSON"), "{body}");

        let (s, body) = app.login(&json!({"username": "rm.a"})).await;
        assert_eq!(s, 400);
        assert!(
            crate::message(&body).contains("password"),
            "names the missing field: {body}"
        );

        let (s, body) = app
            .login(&json!({"username": "rm.a", "password": "x", "role": "admin"}))
            .await;
        assert_eq!(s, 400, "unknown fields are refused: {body}");
        assert!(crate::message(&body).contains("role"), "{body}");

        let res = client
            .post(app.url("/api/v1/auth/login"))
            .body("username=rm.a")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415);

        let res = client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body(format!(
                "{{\"username\": \"{}\", \"password\": \"x\"}}",
                "a".repeat(100_000)
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413);
    }
}

#[tokio::test]
async fn sessions_use_safe_cookies_and_logout_revokes_them() {
    for app in TestApp::each().await {
        let body = json!({"username": "rm.a", "password": password().0});
        let res = app.post_login(&TestApp::client(), &body).await;
        let cookie = crate::header(&res, "set-cookie").to_owned();
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
            assert!(cookie.contains(flag), "{cookie}");
        }
        let token = res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, me) = app.get_json(&token, "/api/v1/auth/me").await;
        assert_eq!(
            (s, me["username"].as_str(), me["role"].as_str()),
            (200, Some("rm.a"), Some("rm"))
        );

        let (s, _) = app
            .request(&token, Method::POST, "/api/v1/auth/logout", None)
            .await;
        assert_eq!(s, 204);
        app.assert_unauthenticated(&token, "/api/v1/auth/me", app.backend)
            .await;

        // Disabling a login ends its sessions at once.
        let token = app.token("rm.b").await;
        app.store
            .set_disabled(&rapport_domain::Username::parse("rm.b").unwrap(), true)
            .await
            .unwrap();
        assert_eq!(app.get_json(&token, "/api/v1/customers").await.0, 401);
        let (s, _) = app.login_as("rm.b", &password().0).await;
        assert_eq!(s, 401, "a disabled login cannot log in");
    }
}

#[tokio::test]
async fn every_api_route_but_login_and_health_needs_a_session() {
    for app in TestApp::each().await {
        for path in [
            "/api/v1/customers",
            "/api/v1/customers/1",
            "/api/v1/auth/me",
        ] {
            app.assert_unauthenticated("", path, path).await;
            let (s, _) = app.get_json("forged-token", path).await;
            assert_eq!(s, 401, "{path}");
        }
        let res = app.anonymous(Method::POST, "/api/v1/auth/logout").await;
        assert_eq!(res.status(), 401);
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_operation() {
    for app in TestApp::each().await {
        let doc = app.get_ok("", "/api/v1/openapi.json").await;
        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "/api/v1/auth/login",
            "/api/v1/auth/logout",
            "/api/v1/auth/me",
            "/api/v1/customers",
            "/api/v1/customers/{id}",
            "/healthz",
            "/readyz",
        ] {
            assert!(paths.contains_key(p), "missing {p}");
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }
}

#[tokio::test]
async fn responses_carry_security_headers_and_errors_are_json() {
    for app in TestApp::each().await {
        let res = app.anonymous(Method::GET, "/api/v1/nope").await;
        assert_eq!(res.status(), 404);
        let h = res.headers();
        assert!(crate::header(&res, "content-security-policy").contains("default-src 'self'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["cache-control"], "no-store");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
        let res = app.anonymous(Method::DELETE, "/api/v1/customers").await;
        assert_eq!(res.status(), 405);
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_deadline() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        app.clock.advance(chrono::Duration::minutes(20));
        let (s, _) = app.get_json(&token, "/api/v1/auth/me").await;
        assert_eq!(s, 200, "{}: still active", app.backend);
        app.clock.advance(chrono::Duration::minutes(31));
        let why = format!("{}: idle too long", app.backend);
        app.assert_unauthenticated(&token, "/api/v1/auth/me", &why)
            .await;

        // Kept busy, a session still ends at its absolute deadline (10 hours).
        let token = app.token("rm.a").await;
        for _ in 0..20 {
            app.clock.advance(chrono::Duration::minutes(29));
            assert_eq!(app.get_json(&token, "/api/v1/auth/me").await.0, 200);
        }
        app.clock.advance(chrono::Duration::minutes(29));
        let why = format!("{}: past 10 hours", app.backend);
        app.assert_unauthenticated(&token, "/api/v1/auth/me", &why)
            .await;
    }
}

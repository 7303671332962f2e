//! Staff administration through the API, with its refusals, bad input and audit.
use rapport_store::audit::AuditAction;
use serde_json::{Value, json};

use crate::TestApp;

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = TestApp::client()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let s = res.status().as_u16();
    (s, res.json().await.unwrap_or(Value::Null))
}

async fn login(app: &TestApp, user: &str, password: &str) -> (u16, Value) {
    send(
        app,
        "",
        reqwest::Method::POST,
        "/api/v1/auth/login",
        Some(json!({"username": user, "password": password})),
    )
    .await
}

#[tokio::test]
async fn administrators_create_change_disable_and_reset_staff() {
    use reqwest::Method;
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.token("admin").await;
        let (s, created) = send(&app, &admin, Method::POST, "/api/v1/admin/staff", Some(json!({"username": "rm.new", "display_name": "新客户经理", "role": "rm", "branch_id": 4}))).await;
        assert_eq!(s, 201, "{b}: {created}");
        let temp = created["temporary_password"].as_str().unwrap().to_owned();

        // The temporary password opens only the password change.
        let (s, body) = login(&app, "rm.new", &temp).await;
        assert_eq!(s, 200, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        let (s, body) = app.get_json(&token, "/api/v1/customers").await;
        assert_eq!(
            (s, body["code"].as_str()),
            (403, Some("password_change_required")),
            "{b}"
        );
        let change =
            |current: &str, new: &str| json!({"current_password": current, "new_password": new});
        let (s, v) = send(
            &app,
            &token,
            Method::POST,
            "/api/v1/auth/password",
            Some(change("wrong", "a-long-new-password")),
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (400, Some("current_password")));
        let (s, v) = send(
            &app,
            &token,
            Method::POST,
            "/api/v1/auth/password",
            Some(change(&temp, "short")),
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (400, Some("new_password")));
        let (s, _) = send(
            &app,
            &token,
            Method::POST,
            "/api/v1/auth/password",
            Some(change(&temp, "a-long-new-password")),
        )
        .await;
        assert_eq!(s, 204);
        assert_eq!(
            app.get_json(&token, "/api/v1/customers").await.0,
            200,
            "{b}: usable now"
        );

        // A new role and branch apply at the next request.
        let (s, v) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/rm.new",
            Some(json!({"role": "branch_manager", "branch_id": 3})),
        )
        .await;
        assert_eq!(
            (s, v["role"].as_str()),
            (200, Some("branch_manager")),
            "{v}"
        );
        let (_, page) = app.get_json(&token, "/api/v1/customers").await;
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            2,
            "{b}: the Xihu subtree"
        );

        // Sessions are listed and can be ended.
        let (s, sessions) = send(&app, &admin, Method::GET, "/api/v1/admin/sessions", None).await;
        assert_eq!(s, 200);
        let id = sessions
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["username"] == "rm.new")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            !sessions.to_string().contains(&token),
            "tokens are never shown"
        );
        assert_eq!(
            send(
                &app,
                &admin,
                Method::DELETE,
                &format!("/api/v1/admin/sessions/{id}"),
                None
            )
            .await
            .0,
            204
        );
        assert_eq!(
            app.get_json(&token, "/api/v1/customers").await.0,
            401,
            "{b}: ended"
        );
        assert_eq!(
            send(
                &app,
                &admin,
                Method::DELETE,
                &format!("/api/v1/admin/sessions/{id}"),
                None
            )
            .await
            .0,
            404
        );
        assert_eq!(
            send(
                &app,
                &admin,
                Method::DELETE,
                "/api/v1/admin/sessions/xyz",
                None
            )
            .await
            .0,
            400
        );

        // Reset: sessions end and the next login must change the password again.
        let (_, body) = login(&app, "rm.new", "a-long-new-password").await;
        let token = body["token"].as_str().unwrap().to_owned();
        let (s, reset) = send(
            &app,
            &admin,
            Method::POST,
            "/api/v1/admin/staff/rm.new/reset-password",
            None,
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(app.get_json(&token, "/api/v1/auth/me").await.0, 401);
        let (s, body) = login(
            &app,
            "rm.new",
            reset["temporary_password"].as_str().unwrap(),
        )
        .await;
        assert_eq!(s, 200);
        let (s, _) = app
            .get_json(body["token"].as_str().unwrap(), "/api/v1/customers")
            .await;
        assert_eq!(s, 403);

        // Disable: the session dies at once.
        let (s, _) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/rm.new",
            Some(json!({"disabled": true})),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(
            app.get_json(body["token"].as_str().unwrap(), "/api/v1/auth/me")
                .await
                .0,
            401
        );

        let (_, list) = send(&app, &admin, Method::GET, "/api/v1/admin/staff", None).await;
        let new = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == "rm.new")
            .unwrap();
        assert_eq!(
            (new["disabled"].as_bool(), new["role"].as_str()),
            (Some(true), Some("branch_manager"))
        );

        let trail = app.store.audit_entries_after(0, 1000).await.unwrap();
        let changes = trail
            .iter()
            .filter(|e| e.entry.action == AuditAction::StaffChanged)
            .count();
        assert_eq!(
            changes, 6,
            "{b}: create, password, role, end session, reset, disable"
        );
    }
}

#[tokio::test]
async fn staff_administration_refuses_bad_input_and_other_roles() {
    use reqwest::Method;
    for app in TestApp::each().await {
        let admin = app.token("admin").await;
        for (body, field) in [
            (
                json!({"username": "Bad Name", "display_name": "x", "role": "rm"}),
                "username",
            ),
            (
                json!({"username": "ok.name", "display_name": "x", "role": "boss"}),
                "role",
            ),
            (
                json!({"username": "ok.name", "display_name": "x", "role": "branch_manager"}),
                "branch_id",
            ),
            (
                json!({"username": "ok.name", "display_name": "", "role": "rm"}),
                "display_name",
            ),
            (
                json!({"username": "ok.name", "display_name": "x", "role": "rm", "password": "x"}),
                "password",
            ),
        ] {
            let (s, v) = send(
                &app,
                &admin,
                Method::POST,
                "/api/v1/admin/staff",
                Some(body.clone()),
            )
            .await;
            assert_eq!(s, 400, "{body}: {v}");
            assert!(
                v["field"] == field || v["message"].as_str().unwrap().contains(field),
                "{body}: {v}"
            );
        }
        let (s, _) = send(
            &app,
            &admin,
            Method::POST,
            "/api/v1/admin/staff",
            Some(json!({"username": "rm.a", "display_name": "x", "role": "rm"})),
        )
        .await;
        assert_eq!(s, 409, "taken");
        let (s, _) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/admin",
            Some(json!({"disabled": true})),
        )
        .await;
        assert_eq!(s, 409, "no self-lockout");
        assert_eq!(
            send(
                &app,
                &admin,
                Method::PATCH,
                "/api/v1/admin/staff/nobody",
                Some(json!({"display_name": "x"}))
            )
            .await
            .0,
            404
        );
        for user in [
            "rm.a",
            "bm.xihu",
            "agent01",
            "steward01",
            "marketing01",
            "auditor01",
        ] {
            let token = app.token(user).await;
            assert_eq!(
                send(&app, &token, Method::GET, "/api/v1/admin/staff", None)
                    .await
                    .0,
                403,
                "{user}"
            );
            assert_eq!(
                send(&app, &token, Method::GET, "/api/v1/admin/sessions", None)
                    .await
                    .0,
                403,
                "{user}"
            );
            let (s, _) = send(
                &app,
                &token,
                Method::POST,
                "/api/v1/admin/staff/rm.b/reset-password",
                None,
            )
            .await;
            assert_eq!(s, 403, "{user}");
        }
    }
}

#[tokio::test]
async fn the_staff_page_creates_disables_and_resets() {
    for app in TestApp::each().await {
        let browser = app.browser("admin").await;
        let html = browser
            .get(app.url("/admin/staff"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("员工管理") && html.contains("rm.a"),
            "{}",
            app.backend
        );
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let csrf = html[start..start + html[start..].find('"').unwrap()].to_owned();
        let res = browser
            .post(app.url("/admin/staff"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "agent.two"),
                ("display_name", "坐席二"),
                ("role", "service_agent"),
                ("branch_id", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(page.contains("agent.two 的临时密码"), "{page}");
        let res = browser
            .post(app.url("/admin/staff/agent.two/disable"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert!(res.text().await.unwrap().contains("agent.two: 已停用"));
        let res = browser
            .post(app.url("/admin/staff/agent.two/reset"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert!(res.text().await.unwrap().contains("临时密码"));
        let bad = browser
            .post(app.url("/admin/staff"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "X"),
                ("display_name", "x"),
                ("role", "rm"),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            bad.text().await.unwrap().contains("username"),
            "errors name the field"
        );
        let forged = browser
            .post(app.url("/admin/staff/rm.a/disable"))
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403);
        // Not for other roles.
        let rm = app.browser("rm.a").await;
        assert_eq!(
            rm.get(app.url("/admin/staff"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    }
}

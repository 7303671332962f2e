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

/// The pending change's id from a 202 answer.
fn pending_id(status: u16, body: &Value) -> i64 {
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "pending", "{body}");
    body["id"].as_i64().unwrap()
}

async fn decide(app: &TestApp, token: &str, id: i64, what: &str) -> (u16, Value) {
    send(
        app,
        token,
        reqwest::Method::POST,
        &format!("/api/v1/admin/staff-changes/{id}/{what}"),
        None,
    )
    .await
}

#[tokio::test]
async fn administrators_create_change_disable_and_reset_staff() {
    use reqwest::Method;
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.token("admin").await;
        let checker = app.token("admin.b").await;
        // A head-office branch manager would see every customer: one administrator alone only
        // asks for the login.
        let (s, created) = send(&app, &admin, Method::POST, "/api/v1/admin/staff", Some(json!({"username": "bm.new", "display_name": "总行新经理", "role": "branch_manager", "branch_id": 1}))).await;
        let id = pending_id(s, &created);
        assert_eq!(
            (created["kind"].as_str(), created["requested_via"].as_str()),
            (Some("create_login"), Some("api")),
            "{b}"
        );
        assert!(
            created.get("temporary_password").is_none(),
            "{b}: {created}"
        );
        let (_, list) = send(&app, &admin, Method::GET, "/api/v1/admin/staff", None).await;
        assert!(
            !list.to_string().contains("bm.new"),
            "{b}: no login while pending"
        );
        let (s, _) = login(&app, "bm.new", "anything-at-all").await;
        assert_eq!(s, 401, "{b}: it cannot log in");
        let (s, pending) = send(
            &app,
            &checker,
            Method::GET,
            "/api/v1/admin/staff-changes",
            None,
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(pending.as_array().unwrap().len(), 1, "{b}: {pending}");
        // The maker cannot approve their own request.
        let (s, v) = decide(&app, &admin, id, "approve").await;
        assert_eq!(
            (s, v["code"].as_str()),
            (403, Some("forbidden")),
            "{b}: {v}"
        );
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("different administrator"),
            "{v}"
        );
        assert_eq!(login(&app, "bm.new", "anything-at-all").await.0, 401);
        // A second administrator approves: the temporary password is theirs to hand over.
        let (s, approved) = decide(&app, &checker, id, "approve").await;
        assert_eq!(s, 200, "{b}: {approved}");
        assert_eq!(approved["change"]["status"], "approved");
        let temp = approved["temporary_password"].as_str().unwrap().to_owned();

        // The temporary password opens only the password change.
        let (s, body) = login(&app, "bm.new", &temp).await;
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
        let (s, page) = app.get_json(&token, "/api/v1/customers").await;
        assert_eq!(s, 200, "{b}: usable now");
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            5,
            "{b}: head office"
        );

        // A new branch waits for the second administrator too, then applies at the next
        // request.
        let (s, v) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/bm.new",
            Some(json!({"branch_id": 3})),
        )
        .await;
        let id = pending_id(s, &v);
        let (_, page) = app.get_json(&token, "/api/v1/customers").await;
        assert_eq!(page["items"].as_array().unwrap().len(), 5, "{b}: not yet");
        assert_eq!(decide(&app, &checker, id, "approve").await.0, 200);
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
            .find(|x| x["username"] == "bm.new")
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

        // A reset by one administrator changes nothing until a second approves: the old
        // password still opens, the session lives. Then sessions end and the next login must
        // change the password again.
        let (_, body) = login(&app, "bm.new", "a-long-new-password").await;
        let token = body["token"].as_str().unwrap().to_owned();
        let (s, reset) = send(
            &app,
            &admin,
            Method::POST,
            "/api/v1/admin/staff/bm.new/reset-password",
            None,
        )
        .await;
        let id = pending_id(s, &reset);
        assert!(reset.get("temporary_password").is_none(), "{reset}");
        assert_eq!(app.get_json(&token, "/api/v1/auth/me").await.0, 200, "{b}");
        assert_eq!(login(&app, "bm.new", "a-long-new-password").await.0, 200);
        let (s, approved) = decide(&app, &checker, id, "approve").await;
        assert_eq!(s, 200, "{approved}");
        assert_eq!(app.get_json(&token, "/api/v1/auth/me").await.0, 401);
        assert_eq!(login(&app, "bm.new", "a-long-new-password").await.0, 401);
        let (s, body) = login(
            &app,
            "bm.new",
            approved["temporary_password"].as_str().unwrap(),
        )
        .await;
        assert_eq!(s, 200);
        let (s, _) = app
            .get_json(body["token"].as_str().unwrap(), "/api/v1/customers")
            .await;
        assert_eq!(s, 403);

        // Disable: only takes access away, so at once; the session dies.
        let (s, _) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/bm.new",
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
        // Enabling it again waits for the second administrator.
        let (s, v) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/bm.new",
            Some(json!({"disabled": false})),
        )
        .await;
        let enable = pending_id(s, &v);
        assert_eq!(v["kind"], "enable");

        let (_, list) = send(&app, &admin, Method::GET, "/api/v1/admin/staff", None).await;
        let new = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == "bm.new")
            .unwrap();
        assert_eq!(
            (new["disabled"].as_bool(), new["branch_id"].as_i64()),
            (Some(true), Some(3))
        );
        let (s, rejected) = decide(&app, &checker, enable, "reject").await;
        assert_eq!((s, rejected["status"].as_str()), (200, Some("rejected")));

        let trail = app.store.audit_entries_after(0, 1000).await.unwrap();
        let count = |action| trail.iter().filter(|e| e.entry.action == action).count();
        assert_eq!(
            count(AuditAction::StaffChanged),
            3,
            "{b}: password, end session, disable"
        );
        assert_eq!(
            count(AuditAction::StaffChangeRequested),
            4,
            "{b}: create, branch, reset, enable"
        );
        assert_eq!(count(AuditAction::StaffChangeApproved), 3, "{b}");
        assert_eq!(count(AuditAction::StaffChangeRejected), 1, "{b}");
        let refused = trail
            .iter()
            .filter(|e| e.entry.action == AuditAction::AuthorizationFailed)
            .filter(|e| {
                e.entry
                    .detail
                    .as_deref()
                    .is_some_and(|d| d.starts_with("staff change"))
            })
            .count();
        assert_eq!(refused, 1, "{b}: the maker's own approval, refused");
        let approved = trail
            .iter()
            .find(|e| e.entry.action == AuditAction::StaffChangeApproved)
            .unwrap();
        assert_eq!(approved.entry.actor_username, "admin.b");
        assert!(
            !trail
                .iter()
                .any(|e| e.entry.detail.as_deref().is_some_and(|d| d.contains(&temp))),
            "{b}: no password in the trail"
        );
    }
}

#[tokio::test]
async fn staff_changes_are_decided_once_by_another_administrator() {
    use reqwest::Method;
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.token("admin").await;
        let checker = app.token("admin.b").await;
        let (s, v) = send(
            &app,
            &admin,
            Method::POST,
            "/api/v1/admin/staff/rm.a/reset-password",
            None,
        )
        .await;
        let id = pending_id(s, &v);
        assert_eq!(decide(&app, &checker, 9999, "approve").await.0, 404, "{b}");
        assert_eq!(decide(&app, &checker, 9999, "reject").await.0, 404, "{b}");
        let (s, v) = decide(&app, &admin, id, "reject").await;
        assert_eq!(s, 403, "{b}: the maker rejects not either: {v}");
        let (s, v) = send(
            &app,
            &checker,
            Method::POST,
            "/api/v1/admin/staff-changes/x/approve",
            None,
        )
        .await;
        assert_eq!(s, 400, "{b}: {v}");
        assert_eq!(decide(&app, &checker, id, "reject").await.0, 200, "{b}");
        let (s, v) = decide(&app, &checker, id, "approve").await;
        assert_eq!((s, v["code"].as_str()), (409, Some("conflict")), "{b}: {v}");
        assert_eq!(decide(&app, &checker, id, "reject").await.0, 409, "{b}");
        // The rejected reset changed nothing.
        assert_eq!(
            login(&app, "rm.a", &crate::password().0).await.0,
            200,
            "{b}"
        );
        // Enabling and changing access are separate approvals.
        let (s, v) = send(
            &app,
            &admin,
            Method::PATCH,
            "/api/v1/admin/staff/rm.b",
            Some(json!({"disabled": false, "role": "marketing"})),
        )
        .await;
        assert_eq!(
            (s, v["field"].as_str()),
            (400, Some("disabled")),
            "{b}: {v}"
        );
        // A change asked for from the command line: any administrator approves it, and a token
        // is handed over once.
        let row = app
            .store
            .request_staff_change(&rapport_store::staff_changes::NewStaffChange {
                change: rapport_store::staff_changes::StaffChange::CreateToken {
                    name: "crm-feed".into(),
                    role: rapport_domain::Role::ServiceAgent,
                    branch_id: None,
                    days: 7,
                },
                requested_by: None,
                requested_via: rapport_store::staff_changes::RequestedVia::Cli,
                at: chrono::Utc::now(),
            })
            .await
            .unwrap();
        let (_, pending) = send(
            &app,
            &checker,
            Method::GET,
            "/api/v1/admin/staff-changes",
            None,
        )
        .await;
        let listed = pending
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == row.id)
            .unwrap();
        assert_eq!(
            (
                listed["requested_by"].is_null(),
                listed["requested_via"].as_str()
            ),
            (true, Some("cli"))
        );
        let (s, v) = decide(&app, &admin, row.id, "approve").await;
        assert_eq!(s, 200, "{b}: {v}");
        let token = v["token"].as_str().unwrap();
        let (s, me) = app.get_json(token, "/api/v1/auth/me").await;
        assert_eq!(
            (s, me["role"].as_str()),
            (200, Some("service_agent")),
            "{b}: {me}"
        );
        // Other roles neither list nor decide.
        for user in ["rm.a", "bm.head", "auditor01"] {
            let t = app.token(user).await;
            assert_eq!(
                send(&app, &t, Method::GET, "/api/v1/admin/staff-changes", None)
                    .await
                    .0,
                403,
                "{user}"
            );
            assert_eq!(decide(&app, &t, id, "approve").await.0, 403, "{user}");
        }
    }
}

#[tokio::test]
async fn an_administrator_sees_no_customer_data() {
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.token("admin").await;
        let (s, page) = app.get_json(&admin, "/api/v1/customers").await;
        assert_eq!(s, 200, "{b}");
        assert!(page["items"].as_array().unwrap().is_empty(), "{b}: {page}");
        assert_eq!(
            app.get_json(&admin, "/api/v1/customers/1").await.0,
            404,
            "{b}"
        );
        // The head office's branch manager does (the role the tests read as instead).
        let head = app.token("bm.head").await;
        let (_, page) = app.get_json(&head, "/api/v1/customers").await;
        assert_eq!(page["items"].as_array().unwrap().len(), 5, "{b}");
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
        assert!(page.contains("已提交，待另一名管理员批准"), "{page}");
        assert!(!page.contains("临时密码（"), "no password for the maker");
        let id = app.store.pending_staff_changes().await.unwrap()[0].id;
        // The maker's page offers no approval of their own request, and a forged post is
        // refused with the reason.
        let approve = format!("/admin/staff-changes/{id}/approve");
        assert!(!page.contains(&approve), "{}", app.backend);
        let own = browser
            .post(app.url(&approve))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(own.contains("须由另一名管理员批准或拒绝"), "{own}");
        // The second administrator approves on their page, in English, and sees the password.
        let checker = app.browser("admin.b").await;
        let en = checker
            .get(app.url("/lang/en?next=/admin/staff"))
            .send()
            .await
            .unwrap();
        assert!(en.status().is_redirection());
        let html = checker
            .get(app.url("/admin/staff"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Staff changes awaiting approval") && html.contains(&approve),
            "{html}"
        );
        let start = html.find(marker).unwrap() + marker.len();
        let checker_csrf = html[start..start + html[start..].find('"').unwrap()].to_owned();
        let done = checker
            .post(app.url(&approve))
            .form(&[("csrf", checker_csrf.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            done.contains("Approved and in effect")
                && done.contains("agent.two temporary password"),
            "{done}"
        );
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
        let page = res.text().await.unwrap();
        assert!(
            page.contains("已提交") && page.contains("重置密码"),
            "{page}"
        );
        assert!(page.contains("待复核的员工变更"), "{page}");
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

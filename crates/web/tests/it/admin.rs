//! Staff administration through the API, with its refusals, bad input and audit.
use rapport_store::audit::AuditAction;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{TestApp, element};

async fn login(app: &TestApp, user: &str, password: &str) -> (u16, Value) {
    let body = json!({"username": user, "password": password});
    app.post_json("", "/api/v1/auth/login", &body).await
}

/// Ends the session `id` as the holder of `token`; the status.
async fn end_session(app: &TestApp, token: &str, id: &str) -> u16 {
    let path = format!("/api/v1/admin/sessions/{id}");
    app.request(token, reqwest::Method::DELETE, &path, None)
        .await
        .0
}

/// Changes the staff member `username` with `body` as the holder of `token`.
async fn patch_staff(app: &TestApp, token: &str, username: &str, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/admin/staff/{username}");
    app.send_json(token, reqwest::Method::PATCH, &path, &body)
        .await
}

/// Asks for a new password of `username` as the holder of `token`.
async fn reset_password(app: &TestApp, token: &str, username: &str) -> (u16, Value) {
    let path = format!("/api/v1/admin/staff/{username}/reset-password");
    app.request(token, Method::POST, &path, None).await
}

/// Tokens of two administrators: one asks for a change, the other decides it.
async fn maker_and_checker(app: &TestApp) -> (String, String) {
    (app.token("admin").await, app.token("admin.b").await)
}

/// The pending change's id from a 202 answer.
fn pending_id(status: u16, body: &Value) -> i64 {
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "pending", "{body}");
    body["id"].as_i64().unwrap()
}

async fn decide(app: &TestApp, token: &str, id: i64, what: &str) -> (u16, Value) {
    let path = format!("/api/v1/admin/staff-changes/{id}/{what}");
    app.request(token, reqwest::Method::POST, &path, None).await
}

#[tokio::test]
async fn administrators_create_change_disable_and_reset_staff() {
    for app in TestApp::each().await {
        let (admin, checker) = maker_and_checker(&app).await;
        let temp = a_login_waits_for_the_second_administrator(&app, &admin, &checker).await;
        let token = the_temporary_password_opens_only_the_password_change(&app, &temp).await;
        a_new_branch_applies_once_approved(&app, &admin, &checker, &token).await;
        sessions_are_listed_and_ended(&app, &admin, &token).await;
        let token = a_reset_applies_once_approved(&app, &admin, &checker).await;
        disabling_is_at_once_and_enabling_waits(&app, &admin, &checker, &token).await;
        assert_trail_of_the_new_login(&app, &temp).await;
    }
}

/// A head-office branch manager would see every customer: one administrator alone only asks
/// for the login (`bm.new`), and only a second one approves it. The temporary password.
async fn a_login_waits_for_the_second_administrator(
    app: &TestApp,
    admin: &str,
    checker: &str,
) -> String {
    let b = app.backend;
    let (s, created) = app.post_json(admin, "/api/v1/admin/staff", &json!({"username": "bm.new", "display_name": "总行新经理", "role": "branch_manager", "branch_id": 1})).await;
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
    let (_, list) = app.get_json(admin, "/api/v1/admin/staff").await;
    assert!(
        !list.to_string().contains("bm.new"),
        "{b}: no login while pending"
    );
    let (s, _) = login(app, "bm.new", "anything-at-all").await;
    assert_eq!(s, 401, "{b}: it cannot log in");
    let pending = app.get_ok(checker, "/api/v1/admin/staff-changes").await;
    assert_eq!(pending.as_array().unwrap().len(), 1, "{b}: {pending}");
    // The maker cannot approve their own request.
    let (s, v) = decide(app, admin, id, "approve").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (403, Some("forbidden")),
        "{b}: {v}"
    );
    assert!(
        crate::message(&v).contains("different administrator"),
        "{v}"
    );
    assert_eq!(login(app, "bm.new", "anything-at-all").await.0, 401);
    // A second administrator approves: the temporary password is theirs to hand over.
    let (s, approved) = decide(app, checker, id, "approve").await;
    assert_eq!(s, 200, "{b}: {approved}");
    assert_eq!(approved["change"]["status"], "approved");
    approved["temporary_password"].as_str().unwrap().to_owned()
}

/// `bm.new` logs in with the temporary password, which opens only the password change; once
/// changed (to `a-long-new-password`) the head office's customers are open. The session's
/// token.
async fn the_temporary_password_opens_only_the_password_change(
    app: &TestApp,
    temp: &str,
) -> String {
    let b = app.backend;
    let (s, body) = login(app, "bm.new", temp).await;
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
    // A wrong current password, a short new one, then the change itself.
    for (body, answer) in [
        (
            change("wrong", "a-long-new-password"),
            (400, Some("current_password")),
        ),
        (change(temp, "short"), (400, Some("new_password"))),
        (change(temp, "a-long-new-password"), (204, None)),
    ] {
        let (s, v) = app.post_json(&token, "/api/v1/auth/password", &body).await;
        assert_eq!((s, v["field"].as_str()), answer, "{b}: {v}");
    }
    let (s, page) = app.get_json(&token, "/api/v1/customers").await;
    assert_eq!(s, 200, "{b}: usable now");
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        5,
        "{b}: head office"
    );
    token
}

/// A new branch waits for the second administrator too, then applies at the next request.
async fn a_new_branch_applies_once_approved(
    app: &TestApp,
    admin: &str,
    checker: &str,
    token: &str,
) {
    let b = app.backend;
    let (s, v) = patch_staff(app, admin, "bm.new", json!({"branch_id": 3})).await;
    let id = pending_id(s, &v);
    let (_, page) = app.get_json(token, "/api/v1/customers").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 5, "{b}: not yet");
    assert_eq!(decide(app, checker, id, "approve").await.0, 200);
    let (_, page) = app.get_json(token, "/api/v1/customers").await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        2,
        "{b}: the Xihu subtree"
    );
}

/// Sessions are listed (without their tokens) and can be ended, once.
async fn sessions_are_listed_and_ended(app: &TestApp, admin: &str, token: &str) {
    let b = app.backend;
    let sessions = app.get_ok(admin, "/api/v1/admin/sessions").await;
    let id = element(&sessions, "username", "bm.new")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !sessions.to_string().contains(token),
        "tokens are never shown"
    );
    assert_eq!(end_session(app, admin, &id).await, 204);
    assert_eq!(
        app.get_json(token, "/api/v1/customers").await.0,
        401,
        "{b}: ended"
    );
    assert_eq!(end_session(app, admin, &id).await, 404);
    assert_eq!(end_session(app, admin, "xyz").await, 400);
}

/// A reset by one administrator changes nothing until a second approves: the old password
/// still opens, the session lives. Then sessions end and the next login must change the
/// password again. The token of that login.
async fn a_reset_applies_once_approved(app: &TestApp, admin: &str, checker: &str) -> String {
    let b = app.backend;
    let (_, body) = login(app, "bm.new", "a-long-new-password").await;
    let token = body["token"].as_str().unwrap().to_owned();
    let (s, reset) = reset_password(app, admin, "bm.new").await;
    let id = pending_id(s, &reset);
    assert!(reset.get("temporary_password").is_none(), "{reset}");
    assert_eq!(app.get_json(&token, "/api/v1/auth/me").await.0, 200, "{b}");
    assert_eq!(login(app, "bm.new", "a-long-new-password").await.0, 200);
    let (s, approved) = decide(app, checker, id, "approve").await;
    assert_eq!(s, 200, "{approved}");
    assert_eq!(app.get_json(&token, "/api/v1/auth/me").await.0, 401);
    assert_eq!(login(app, "bm.new", "a-long-new-password").await.0, 401);
    let (s, body) = login(
        app,
        "bm.new",
        approved["temporary_password"].as_str().unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let token = body["token"].as_str().unwrap().to_owned();
    let (s, _) = app.get_json(&token, "/api/v1/customers").await;
    assert_eq!(s, 403);
    token
}

/// Disabling only takes access away, so it applies at once and the session dies; enabling
/// again waits for the second administrator, who rejects it here.
async fn disabling_is_at_once_and_enabling_waits(
    app: &TestApp,
    admin: &str,
    checker: &str,
    token: &str,
) {
    let (s, _) = patch_staff(app, admin, "bm.new", json!({"disabled": true})).await;
    assert_eq!(s, 200);
    assert_eq!(app.get_json(token, "/api/v1/auth/me").await.0, 401);
    let (s, v) = patch_staff(app, admin, "bm.new", json!({"disabled": false})).await;
    let enable = pending_id(s, &v);
    assert_eq!(v["kind"], "enable");

    let (_, list) = app.get_json(admin, "/api/v1/admin/staff").await;
    let new = element(&list, "username", "bm.new");
    assert_eq!(
        (new["disabled"].as_bool(), new["branch_id"].as_i64()),
        (Some(true), Some(3))
    );
    let (s, rejected) = decide(app, checker, enable, "reject").await;
    assert_eq!((s, rejected["status"].as_str()), (200, Some("rejected")));
}

/// The audit trail of `bm.new`'s story: what changed at once, what was asked, approved (by
/// admin.b) and rejected, the maker's own approval refused, and never the temporary password.
async fn assert_trail_of_the_new_login(app: &TestApp, temp: &str) {
    let b = app.backend;
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
            .any(|e| e.entry.detail.as_deref().is_some_and(|d| d.contains(temp))),
        "{b}: no password in the trail"
    );
}

#[tokio::test]
async fn staff_changes_are_decided_once_by_another_administrator() {
    for app in TestApp::each().await {
        let b = app.backend;
        let (admin, checker) = maker_and_checker(&app).await;
        let (s, v) = reset_password(&app, &admin, "rm.a").await;
        let id = pending_id(s, &v);
        assert_eq!(decide(&app, &checker, 9999, "approve").await.0, 404, "{b}");
        assert_eq!(decide(&app, &checker, 9999, "reject").await.0, 404, "{b}");
        let (s, v) = decide(&app, &admin, id, "reject").await;
        assert_eq!(s, 403, "{b}: the maker rejects not either: {v}");
        let (s, v) = app
            .request(
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
        let (s, v) = patch_staff(
            &app,
            &admin,
            "rm.b",
            json!({"disabled": false, "role": "marketing"}),
        )
        .await;
        assert_eq!(
            (s, v["field"].as_str()),
            (400, Some("disabled")),
            "{b}: {v}"
        );
        a_change_from_the_command_line_is_approved_by_any_administrator(&app, &admin, &checker)
            .await;
        // Other roles neither list nor decide.
        for user in ["rm.a", "bm.head", "auditor01"] {
            let t = app.token(user).await;
            assert_eq!(
                app.get_json(&t, "/api/v1/admin/staff-changes").await.0,
                403,
                "{user}"
            );
            assert_eq!(decide(&app, &t, id, "approve").await.0, 403, "{user}");
        }
    }
}

/// A change asked for from the command line (a token for a feed) is listed with no maker: any
/// administrator approves it, and the token is handed over once.
async fn a_change_from_the_command_line_is_approved_by_any_administrator(
    app: &TestApp,
    admin: &str,
    checker: &str,
) {
    let b = app.backend;
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
    let (_, pending) = app.get_json(checker, "/api/v1/admin/staff-changes").await;
    let listed = element(&pending, "id", row.id);
    assert_eq!(
        (
            listed["requested_by"].is_null(),
            listed["requested_via"].as_str()
        ),
        (true, Some("cli"))
    );
    let (s, v) = decide(app, admin, row.id, "approve").await;
    assert_eq!(s, 200, "{b}: {v}");
    let token = v["token"].as_str().unwrap();
    let (s, me) = app.get_json(token, "/api/v1/auth/me").await;
    assert_eq!(
        (s, me["role"].as_str()),
        (200, Some("service_agent")),
        "{b}: {me}"
    );
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
            let (s, v) = app
                .post_json(&admin, "/api/v1/admin/staff", &body.clone())
                .await;
            assert_eq!(s, 400, "{body}: {v}");
            assert!(
                v["field"] == field || crate::message(&v).contains(field),
                "{body}: {v}"
            );
        }
        let (s, _) = app
            .post_json(
                &admin,
                "/api/v1/admin/staff",
                &json!({"username": "rm.a", "display_name": "x", "role": "rm"}),
            )
            .await;
        assert_eq!(s, 409, "taken");
        let (s, _) = patch_staff(&app, &admin, "admin", json!({"disabled": true})).await;
        assert_eq!(s, 409, "no self-lockout");
        assert_eq!(
            patch_staff(&app, &admin, "nobody", json!({"display_name": "x"}))
                .await
                .0,
            404
        );
        // One login of every other role.
        for user in crate::ONE_LOGIN_PER_ROLE.iter().filter(|u| **u != "admin") {
            let token = app.token(user).await;
            assert_eq!(
                app.get_json(&token, "/api/v1/admin/staff").await.0,
                403,
                "{user}"
            );
            assert_eq!(
                app.get_json(&token, "/api/v1/admin/sessions").await.0,
                403,
                "{user}"
            );
            let (s, _) = reset_password(&app, &token, "rm.b").await;
            assert_eq!(s, 403, "{user}");
        }
    }
}

#[tokio::test]
async fn the_staff_page_creates_disables_and_resets() {
    for app in TestApp::each().await {
        let browser = app.browser("admin").await;
        let html = browser.page("/admin/staff").await;
        assert!(
            html.contains("员工管理") && html.contains("rm.a"),
            "{}",
            app.backend
        );
        let csrf = crate::form_field(&html, "csrf").to_owned();
        let res = browser
            .submit_with_csrf(
                "/admin/staff",
                &csrf,
                &[
                    ("username", "agent.two"),
                    ("display_name", "坐席二"),
                    ("role", "service_agent"),
                    ("branch_id", ""),
                ],
            )
            .await;
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
            .submit_text(&approve, &[("csrf", csrf.as_str())])
            .await;
        assert!(own.contains("须由另一名管理员批准或拒绝"), "{own}");
        // The second administrator approves on their page, in English, and sees the password.
        let checker = app.browser("admin.b").await;
        let en = checker.open("/lang/en?next=/admin/staff").await;
        assert!(en.status().is_redirection());
        let html = checker.page("/admin/staff").await;
        assert!(
            html.contains("Staff changes awaiting approval") && html.contains(&approve),
            "{html}"
        );
        let checker_csrf = crate::form_field(&html, "csrf").to_owned();
        let done = checker
            .submit_text(&approve, &[("csrf", checker_csrf.as_str())])
            .await;
        assert!(
            done.contains("Approved and in effect")
                && done.contains("agent.two temporary password"),
            "{done}"
        );
        let res = browser
            .submit("/admin/staff/agent.two/disable", &[("csrf", csrf.as_str())])
            .await;
        assert!(res.text().await.unwrap().contains("agent.two: 已停用"));
        let res = browser
            .submit("/admin/staff/agent.two/reset", &[("csrf", csrf.as_str())])
            .await;
        let page = res.text().await.unwrap();
        assert!(
            page.contains("已提交") && page.contains("重置密码"),
            "{page}"
        );
        assert!(page.contains("待复核的员工变更"), "{page}");
        let bad = browser
            .submit_with_csrf(
                "/admin/staff",
                &csrf,
                &[("username", "X"), ("display_name", "x"), ("role", "rm")],
            )
            .await;
        assert!(
            bad.text().await.unwrap().contains("username"),
            "errors name the field"
        );
        let forged = browser
            .submit("/admin/staff/rm.a/disable", &[("csrf", "forged")])
            .await;
        assert_eq!(forged.status(), 403);
        // Not for other roles.
        let rm = app.browser("rm.a").await;
        assert_eq!(rm.status("/admin/staff").await, 403);
    }
}

//! Tasks, completion by a logged contact, the interactions log and the workbench, over HTTP:
//! scope and ownership (404), roles (403), bad input naming the field (400), audit.
use chrono::Days;
use rapport_store::audit::AuditAction;
use rapport_store_contract::fixture;
use serde_json::{Value, json};

use crate::TestApp;

#[tokio::test]
async fn an_rm_creates_completes_and_sees_tasks_only_within_scope() {
    for app in TestApp::each().await {
        let (rm_a, rm_b) = (app.token("rm.a").await, app.token("rm.b").await);
        let today = app.today();
        let task = json!({"customer_id": fixture::ZHANG_WEI_A.0, "kind": "care",
                          "reason": "birthday", "due_on": today});
        let (s, created) = app.post_json(&rm_a, "/api/v1/tasks", &task).await;
        assert_eq!(s, 201, "{}: {created}", app.backend);
        assert_eq!(created["status"], "open");
        let id = created["id"].as_i64().unwrap();

        // A customer outside the caller's scope is not found.
        let outside = json!({"customer_id": fixture::ZHANG_WEI_B.0, "kind": "call",
                             "reason": "x", "due_on": today});
        let (s, _) = app.post_json(&rm_a, "/api/v1/tasks", &outside).await;
        assert_eq!(s, 404, "{}", app.backend);

        // The workbench lists it as due today; RM B's does not.
        let (s, wb) = app.get_json(&rm_a, "/api/v1/workbench").await;
        assert_eq!(s, 200, "{wb}");
        assert_eq!(wb["due"][0]["id"], id);
        assert_eq!(wb["open_by_kind"][0]["kind"], "care");
        let (_, wb_b) = app.get_json(&rm_b, "/api/v1/workbench").await;
        assert!(wb_b["due"].as_array().unwrap().is_empty());

        // Completing another RM's task is not found; the owner's completion logs the contact.
        let done = json!({"channel": "phone", "outcome": "reached, wished a happy birthday"});
        let path = format!("/api/v1/tasks/{id}/complete");
        let (s, _) = app.post_json(&rm_b, &path, &done).await;
        assert_eq!(s, 404, "{}", app.backend);
        let (s, v) = app.post_json(&rm_a, &path, &done).await;
        assert_eq!(s, 200, "{}: {v}", app.backend);
        assert_eq!(v["task"]["status"], "done");
        assert_eq!(v["interaction"]["purpose"], "care");
        let (s, _) = app.post_json(&rm_a, &path, &done).await;
        assert_eq!(s, 404, "only once");

        let log_path = format!("/api/v1/customers/{}/interactions", fixture::ZHANG_WEI_A.0);
        let log = app.get_ok(&rm_a, &log_path).await;
        assert_eq!(log[0]["id"], v["interaction"]["id"]);
        let (s, _) = app.get_json(&rm_b, &log_path).await;
        assert_eq!(s, 404, "{}", app.backend);
        assert!(app.audited(AuditAction::CustomerChanged).await.len() >= 2);
    }
}

#[tokio::test]
async fn tasks_and_contacts_refuse_bad_input_naming_the_field() {
    for app in TestApp::each().await {
        let rm = app.token("rm.a").await;
        assert_bad_tasks_are_named(&app, &rm).await;
        a_branch_manager_gives_no_task_to_a_disabled_rm(&app).await;
        assert_bad_contacts_are_named(&app, &rm).await;
        // Roles that do not serve customers do not log contacts.
        let log = format!("/api/v1/customers/{}/interactions", fixture::ZHANG_WEI_A.0);
        let auditor = app.token("auditor01").await;
        let (s, _) = app
            .post_json(&auditor, &log, &json!({"channel": "phone", "outcome": "x"}))
            .await;
        assert_eq!(s, 403);
        let (s, v) = app
            .post_json(&rm, &log, &json!({"channel": "phone", "outcome": "x"}))
            .await;
        assert_eq!(s, 201, "{v}");
        let _: &Value = &v;
    }
}

/// A task's kind, reason, due date and owner are checked, each named; a task without them is
/// not JSON of a task.
async fn assert_bad_tasks_are_named(app: &TestApp, rm: &str) {
    let today = app.today();
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap();
    let party = fixture::ZHANG_WEI_A.0;
    for (body, field) in [
        (
            json!({"customer_id": party, "kind": "party", "reason": "x", "due_on": today}),
            "kind",
        ),
        (
            json!({"customer_id": party, "kind": "call", "reason": "  ", "due_on": today}),
            "reason",
        ),
        (
            json!({"customer_id": party, "kind": "call", "reason": "x", "due_on": yesterday}),
            "due_on",
        ),
        (
            json!({"customer_id": party, "kind": "call", "reason": "x", "due_on": today,
                "owner_staff_id": fixture::RM_B.0}),
            "owner_staff_id",
        ),
    ] {
        let (s, v) = app.post_json(rm, "/api/v1/tasks", &body).await;
        assert_eq!(s, 400, "{}: {body}: {v}", app.backend);
        assert_eq!(v["field"], field, "{body}: {v}");
    }
    let (s, v) = app
        .post_json(rm, "/api/v1/tasks", &json!({"customer_id": party}))
        .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("invalid_json")), "{v}");
}

/// A branch manager may give a task to an RM, not to a disabled one (RM B, disabled here).
async fn a_branch_manager_gives_no_task_to_a_disabled_rm(app: &TestApp) {
    let today = app.today();
    let bm = app.token("bm.xihu").await;
    app.store
        .set_disabled(&rapport_domain::Username::parse("rm.b").unwrap(), true)
        .await
        .unwrap();
    let (_, listed) = app.get_json(&bm, "/api/v1/customers").await;
    let in_subtree = listed["items"][0]["id"]
        .as_i64()
        .expect("the BM sees customers");
    let (s, v) = app
        .post_json(
            &bm,
            "/api/v1/tasks",
            &json!({"customer_id": in_subtree, "kind": "call", "reason": "x",
                    "due_on": today, "owner_staff_id": fixture::RM_B.0}),
        )
        .await;
    assert_eq!(s, 400, "{}: {v}", app.backend);
    assert_eq!(v["field"], "owner_staff_id");
    assert!(
        crate::message(&v).contains(&fixture::RM_B.0.to_string()),
        "{v}"
    );
}

/// Completing a task and logging a contact check the channel, outcome, direction, notes,
/// purpose and time, each named.
async fn assert_bad_contacts_are_named(app: &TestApp, rm: &str) {
    let today = app.today();
    let party = fixture::ZHANG_WEI_A.0;
    let task = app
        .post_json(
            rm,
            "/api/v1/tasks",
            &json!({"customer_id": party, "kind": "call", "reason": "x", "due_on": today}),
        )
        .await
        .1;
    let path = format!("/api/v1/tasks/{}/complete", task["id"]);
    for (body, field) in [
        (json!({"channel": "pigeon", "outcome": "x"}), "channel"),
        (json!({"channel": "phone", "outcome": ""}), "outcome"),
        (
            json!({"channel": "phone", "direction": "sideways", "outcome": "x"}),
            "direction",
        ),
        (
            json!({"channel": "phone", "outcome": "x", "notes": "n".repeat(4001)}),
            "notes",
        ),
    ] {
        let (s, v) = app.post_json(rm, &path, &body).await;
        assert_eq!(s, 400, "{}: {body}: {v}", app.backend);
        assert_eq!(v["field"], field, "{body}: {v}");
    }
    let log = format!("/api/v1/customers/{party}/interactions");
    let future = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    for (body, field) in [
        (
            json!({"channel": "wechat", "outcome": "x", "purpose": "gossip"}),
            "purpose",
        ),
        (
            json!({"channel": "wechat", "outcome": "x", "occurred_at": future}),
            "occurred_at",
        ),
    ] {
        let (s, v) = app.post_json(rm, &log, &body).await;
        assert_eq!(s, 400, "{}: {body}: {v}", app.backend);
        assert_eq!(v["field"], field, "{body}: {v}");
    }
}

#[tokio::test]
async fn the_workbench_page_completes_a_task_and_the_contact_shows_on_the_360_page() {
    for app in TestApp::each().await {
        let rm = app.token("rm.a").await;
        let task = json!({"customer_id": fixture::ZHANG_WEI_A.0, "kind": "retention",
                          "reason": "AUM fell 40 % in a month", "due_on": app.today()});
        let (s, created) = app.post_json(&rm, "/api/v1/tasks", &task).await;
        assert_eq!(s, 201, "{created}");
        let id = created["id"].as_i64().unwrap();

        let browser = app.browser("rm.a").await;
        let html = browser.page("/workbench").await;
        assert!(
            html.contains("客户经理工作台") && html.contains(&format!("task-{id}")),
            "{html}"
        );
        assert!(html.contains("AUM fell 40 % in a month"));
        let csrf = crate::form_field(&html, "csrf").to_owned();

        // A forged form is refused and changes nothing.
        let path = format!("/workbench/tasks/{id}/complete");
        let res = browser
            .submit_with_csrf(
                &path,
                "forged",
                &[("channel", "phone"), ("outcome", "kept")],
            )
            .await;
        assert_eq!(res.status(), 403);
        // An empty outcome is named on the page; the task stays open.
        let html = browser
            .submit_with_csrf(
                &path,
                csrf.as_str(),
                &[("channel", "phone"), ("outcome", " ")],
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("outcome is required"), "{html}");
        let html = browser
            .submit_with_csrf(
                &path,
                csrf.as_str(),
                &[
                    ("channel", "wechat"),
                    ("outcome", "agreed to keep the deposit"),
                    ("notes", "offered a better rate"),
                ],
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("任务已完成"), "{}: {html}", app.backend);
        assert!(!html.contains(&format!("task-{id}\"")), "no longer due");

        let page = browser
            .page(&format!("/customers/{}", fixture::ZHANG_WEI_A.0))
            .await;
        assert!(
            page.contains("agreed to keep the deposit") && page.contains("挽留"),
            "{page}"
        );
        // Another RM, with a valid form token of their own, cannot complete RM A's open task:
        // the ownership check answers (404), not the anti-forgery check.
        let (s, open) = app.post_json(&rm, "/api/v1/tasks", &task).await;
        assert_eq!(s, 201, "{open}");
        let open_path = format!("/workbench/tasks/{}/complete", open["id"]);
        let other = app.browser("rm.b").await;
        let own_page = other.page("/workbench").await;
        let other_csrf = crate::form_field(&own_page, "csrf").to_owned();
        let res = other
            .submit_with_csrf(
                &open_path,
                other_csrf.as_str(),
                &[("channel", "phone"), ("outcome", "x")],
            )
            .await;
        assert_eq!(res.status(), 404, "{}", app.backend);
        let (_, tasks) = app.get_json(&rm, "/api/v1/tasks?status=open").await;
        assert!(
            crate::ints(&tasks["items"], "id").contains(&open["id"].as_i64().unwrap()),
            "{}: still open: {tasks}",
            app.backend
        );
    }
}

#[tokio::test]
async fn a_branch_manager_moves_a_portfolio_and_scope_follows_for_both_rms() {
    for app in TestApp::each().await {
        // RM A (Xihu) and RM B (Binjiang) are both in the Zhejiang region's subtree.
        let (bm, xihu, rm_a, rm_b) = (
            app.token("bm.zhejiang").await,
            app.token("bm.xihu").await,
            app.token("rm.a").await,
            app.token("rm.b").await,
        );
        let path = "/api/v1/portfolios/reassignments";
        let body = json!({"from_staff_id": fixture::RM_A.0, "to_staff_id": fixture::RM_B.0});

        assert_moves_out_of_reach_are_refused(&app, &bm, &xihu, &rm_a).await;

        let (s, preview) = app.post_json(&bm, path, &json!({"from_staff_id": fixture::RM_A.0, "to_staff_id": fixture::RM_B.0, "preview": true}))
            .await;
        assert_eq!(
            (s, preview["customers"].as_i64()),
            (200, Some(3)),
            "{preview}"
        );
        let zhang = format!("/api/v1/customers/{}", fixture::ZHANG_WEI_A.0);
        assert_eq!(
            app.get_json(&rm_a, &zhang).await.0,
            200,
            "preview moves nothing"
        );

        let (s, moved) = app.post_json(&bm, path, &body).await;
        assert_eq!(s, 201, "{}: {moved}", app.backend);
        assert_eq!(
            (moved["status"].as_str(), moved["moved"].as_i64()),
            (Some("applied"), Some(3))
        );
        assert_eq!(
            app.get_json(&rm_a, &zhang).await.0,
            404,
            "{}: A's scope shrank at once",
            app.backend
        );
        assert_eq!(
            app.get_json(&rm_b, &zhang).await.0,
            200,
            "{}: B's grew at once",
            app.backend
        );
        assert!(
            !app.audited(AuditAction::PortfolioReassigned)
                .await
                .is_empty()
        );

        // To a disabled RM: 400 naming the RM; approving a move that is not pending: 404.
        app.store
            .set_disabled(&rapport_domain::Username::parse("rm.a").unwrap(), true)
            .await
            .unwrap();
        let back = json!({"from_staff_id": fixture::RM_B.0, "to_staff_id": fixture::RM_A.0});
        let (s, v) = app.post_json(&bm, path, &back).await;
        assert_eq!((s, v["field"].as_str()), (400, Some("to_staff_id")), "{v}");
        assert!(
            crate::message(&v).contains(&fixture::RM_A.0.to_string()),
            "{v}"
        );
        let (s, _) = app
            .post_json(&bm, &format!("{path}/{}/approve", moved["id"]), &json!({}))
            .await;
        assert_eq!(s, 404);
    }
}

/// Moves out of the caller's reach are refused and move nothing: only branch managers and
/// administrators move portfolios, unknown staff read as not found, and customers move only to
/// an RM of the caller's subtree.
async fn assert_moves_out_of_reach_are_refused(app: &TestApp, bm: &str, xihu: &str, rm_a: &str) {
    let path = "/api/v1/portfolios/reassignments";
    let body = json!({"from_staff_id": fixture::RM_A.0, "to_staff_id": fixture::RM_B.0});
    // Only branch managers and administrators; unknown staff read as not found.
    let (s, _) = app.post_json(rm_a, path, &body).await;
    assert_eq!(s, 403, "{}", app.backend);
    let (s, v) = app
        .post_json(
            bm,
            path,
            &json!({"from_staff_id": 9999, "to_staff_id": fixture::RM_B.0}),
        )
        .await;
    assert_eq!(s, 404, "{v}");
    // Xihu's manager may not preview or move Binjiang's RM (as unknown: 404), nor move
    // their own RM's customers to Binjiang's RM (400 naming the target).
    let theirs = json!({"from_staff_id": fixture::RM_B.0, "to_staff_id": fixture::RM_A.0});
    for preview in [true, false] {
        let mut req = theirs.clone();
        req["preview"] = json!(preview);
        let (s, v) = app.post_json(xihu, path, &req).await;
        assert_eq!(s, 404, "{}: preview={preview}: {v}", app.backend);
    }
    let (s, v) = app.post_json(xihu, path, &body).await;
    assert_eq!((s, v["field"].as_str()), (400, Some("to_staff_id")), "{v}");
    assert_eq!(
        app.get_json(
            rm_a,
            &format!("/api/v1/customers/{}", fixture::ZHANG_WEI_A.0)
        )
        .await
        .0,
        200,
        "{}: nothing moved",
        app.backend
    );
    let (s, v) = app
        .post_json(
            bm,
            path,
            &json!({"from_staff_id": fixture::RM_A.0, "to_staff_id": fixture::BM_XIHU.0}),
        )
        .await;
    assert_eq!((s, v["field"].as_str()), (400, Some("to_staff_id")), "{v}");
}

#[tokio::test]
async fn contact_plans_refuse_a_zero_or_negative_cadence_and_respect_scope() {
    for app in TestApp::each().await {
        let (bm, rm) = (app.token("bm.xihu").await, app.token("rm.a").await);
        let path = "/api/v1/contact-plans";
        let diamond = |days: i64| json!({"tier": "diamond", "cadence_days": days});
        let customer = |id: i64, days: i64| json!({"customer_id": id, "cadence_days": days});
        let (zhang_a, zhang_b) = (fixture::ZHANG_WEI_A.0, fixture::ZHANG_WEI_B.0);
        for (token, body, field) in [
            (&bm, diamond(0), "cadence_days"),
            (&bm, diamond(-30), "cadence_days"),
            (&bm, diamond(400), "cadence_days"),
            (&bm, json!({"tier": "emerald", "cadence_days": 30}), "tier"),
            (&bm, json!({"cadence_days": 30}), "tier"),
            (&rm, customer(zhang_a, 0), "cadence_days"),
        ] {
            let (s, v) = app.post_json(token, path, &body).await;
            assert_eq!(s, 400, "{}: {body}: {v}", app.backend);
            assert_eq!(v["field"], field, "{body}: {v}");
        }
        // An RM sets no tier's plan, nor one outside their scope; a tier's plan set again
        // replaces the one before.
        for (token, body, status) in [
            (&rm, diamond(30), 403),
            (&rm, customer(zhang_b, 30), 404),
            (&bm, diamond(30), 201),
            (&rm, customer(zhang_a, 14), 201),
            (&bm, diamond(60), 201),
        ] {
            let (s, v) = app.post_json(token, path, &body).await;
            assert_eq!(s, status, "{}: {body}: {v}", app.backend);
        }
        let (s, plans) = app.get_json(&rm, path).await;
        assert_eq!(s, 200);
        let plans = plans.as_array().unwrap();
        assert_eq!(plans.len(), 2, "{plans:?}");
        assert!(
            plans
                .iter()
                .any(|p| p["tier"] == "diamond" && p["cadence_days"] == 60)
        );
        let (_, theirs) = app.get_json(&app.token("rm.b").await, path).await;
        assert_eq!(
            theirs.as_array().unwrap().len(),
            1,
            "RM B sees the tier plan, not RM A's customer's"
        );
    }
}

#[tokio::test]
async fn the_workbench_shows_the_portfolio_at_a_glance_within_scope() {
    for app in TestApp::each().await {
        let rm = app.token("rm.a").await;
        let before = app.get_ok(&rm, "/api/v1/workbench").await;
        assert!(before["portfolio"]["as_of"].is_null(), "not scored yet");
        crate::scores::scored(&app).await;
        let (s, w) = app.get_json(&rm, "/api/v1/workbench").await;
        assert_eq!(s, 200, "{w}");
        let p = &w["portfolio"];
        assert_eq!(p["as_of"], "2026-06-30");
        // RM A serves 张伟 (1) and the company (4) as primary and 王芳 (2) as secondary.
        assert_eq!(p["customers"], 3, "{}: {p}", app.backend);
        let tiers: i64 = crate::ints(&p["tiers"], "customers").iter().sum();
        assert_eq!(tiers, 3);
        let mine = [1, 2, 4];
        for list in ["at_risk", "opportunities"] {
            for c in p[list].as_array().unwrap() {
                let id = c["customer_id"].as_i64().unwrap();
                assert!(mine.contains(&id), "{}: {list} shows {id}", app.backend);
            }
        }
        let risks = crate::floats(&p["at_risk"], "churn_risk");
        assert!(
            !risks.is_empty() && risks.windows(2).all(|w| w[0] >= w[1]),
            "{risks:?}"
        );
        let months = crate::strs(&p["aum_trend"], "month");
        assert!(
            months.len() <= 12 && months.windows(2).all(|w| w[0] < w[1]),
            "{months:?}"
        );
        let (_, other) = app
            .get_json(&app.token("rm.b").await, "/api/v1/workbench")
            .await;
        assert_eq!(other["portfolio"]["customers"], 2, "{}", app.backend);

        // The summary is kept for the next request; a change of RM A's customers (王芳's
        // secondary RM ended) shows at once, lists included.
        let later = chrono::Utc::now() + chrono::Duration::days(1);
        let kept = app
            .store
            .portfolio_overview(&fixture::viewer(fixture::RM_A), 12, 30, later)
            .await
            .unwrap();
        assert!(kept.computed_at < later, "{}: kept", app.backend);
        let (_, again) = app.get_json(&rm, "/api/v1/workbench").await;
        assert_eq!(
            again["portfolio"], w["portfolio"],
            "the same from the cache"
        );
        let end = format!(
            "/api/v1/customers/{}/rms/{}/end",
            fixture::WANG_FANG.0,
            fixture::RM_A.0
        );
        let (s, v) = app
            .post_json(&app.token("bm.head").await, &end, &json!({}))
            .await;
        assert_eq!(s, 200, "{}: {v}", app.backend);
        let (_, after) = app.get_json(&rm, "/api/v1/workbench").await;
        assert_eq!(after["portfolio"]["customers"], 2, "{}", app.backend);
        for list in ["at_risk", "opportunities"] {
            for c in after["portfolio"][list].as_array().unwrap() {
                assert_ne!(c["customer_id"], fixture::WANG_FANG.0, "{list}");
            }
        }

        let html = app.browser("rm.a").await.page("/workbench").await;
        assert!(
            html.contains("我的客户组合") && html.contains("data-testid=\"at-risk\""),
            "{html}"
        );
        assert!(html.contains("portfolio-aum") && html.contains("echarts"));
    }
}

#[tokio::test]
async fn the_task_list_pages_through_the_callers_own_tasks_and_names_bad_parameters() {
    for app in TestApp::each().await {
        let (rm_a, rm_b) = (app.token("rm.a").await, app.token("rm.b").await);
        let today = app.today();
        let mut ids = Vec::new();
        for (customer, days) in [
            (fixture::ZHANG_WEI_A, 0),
            (fixture::COMPANY, 3),
            (fixture::WANG_FANG, 30),
        ] {
            let due = today.checked_add_days(Days::new(days)).unwrap();
            let task = json!({"customer_id": customer.0, "kind": "call", "reason": "review", "due_on": due});
            let (s, v) = app.post_json(&rm_a, "/api/v1/tasks", &task).await;
            assert_eq!(s, 201, "{}: {v}", app.backend);
            ids.push(v["id"].as_i64().unwrap());
        }
        let page = app.get_ok(&rm_a, "/api/v1/tasks?page_size=2").await;
        let got = crate::ints(&page["items"], "id");
        assert_eq!(got, ids[..2], "{}", app.backend);
        assert_eq!(page["has_more"], true);
        let (_, next) = app
            .get_json(&rm_a, "/api/v1/tasks?page_size=2&page=2")
            .await;
        assert_eq!(next["items"][0]["id"], ids[2]);
        assert_eq!(next["has_more"], false);
        let window = format!(
            "/api/v1/tasks?due_after={today}&due_until={}",
            today.checked_add_days(Days::new(14)).unwrap()
        );
        let (_, upcoming) = app.get_json(&rm_a, &window).await;
        assert_eq!(upcoming["items"].as_array().unwrap().len(), 1);
        assert_eq!(upcoming["items"][0]["id"], ids[1]);
        let (_, theirs) = app.get_json(&rm_b, "/api/v1/tasks").await;
        assert!(
            theirs["items"].as_array().unwrap().is_empty(),
            "RM B owns none"
        );
        let (_, done) = app.get_json(&rm_a, "/api/v1/tasks?status=done").await;
        assert!(done["items"].as_array().unwrap().is_empty());

        // The workbench counts them all and shows the due and upcoming ones.
        let (_, wb) = app.get_json(&rm_a, "/api/v1/workbench").await;
        assert_eq!(
            (wb["due_total"].as_i64(), wb["upcoming_total"].as_i64()),
            (Some(1), Some(1)),
            "{wb}"
        );

        assert_bad_task_list_parameters_are_named(&app, &rm_a).await;
        the_workbench_page_counts_the_due_tasks_and_names_a_bad_page(&app).await;
        let (s, _) = app.get_json(&rm_a, "/api/v1/tasks?colour=red").await;
        assert_eq!(s, 400, "an unknown parameter");
        let (s, _) = app.get_json("not-a-token", "/api/v1/tasks").await;
        assert_eq!(s, 401);
    }
}

/// A bad status, date, window, page or page size is named.
async fn assert_bad_task_list_parameters_are_named(app: &TestApp, rm_a: &str) {
    for (query, field) in [
        ("status=later", "status"),
        ("due_until=2026-13-01", "due_until"),
        ("due_after=yesterday", "due_after"),
        ("due_after=2026-07-10&due_until=2026-07-01", "due_until"),
        ("page=0", "page"),
        ("page_size=500", "page_size"),
    ] {
        let (s, v) = app.get_json(rm_a, &format!("/api/v1/tasks?{query}")).await;
        assert_eq!(s, 400, "{query}: {v}");
        assert_eq!(v["code"], "invalid_parameter", "{query}: {v}");
        assert_eq!(v["field"], field, "{query}: {v}");
    }
}

/// The workbench page shows the due list's count (one task), and refuses a bad page number.
async fn the_workbench_page_counts_the_due_tasks_and_names_a_bad_page(app: &TestApp) {
    let browser = app.browser("rm.a").await;
    let page = |q: &'static str| {
        let browser = browser.clone();
        let url = app.url(&format!("/workbench{q}"));
        async move {
            let r = browser.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, html) = page("").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("data-testid=\"due-total\"") && html.contains("共 1 项"),
        "{html}"
    );
    for bad in ["?page=0", "?page=x"] {
        let (s, html) = page(bad).await;
        assert_eq!(s, 400, "{bad}: {html}");
    }
}

/// An alert's reason is kept as data, so each reader gets it in their own language: the pages
/// in the viewer's, the API in `Accept-Language`'s (English when not asked).
#[tokio::test]
async fn a_generated_reason_reads_in_the_viewers_language() {
    use rapport_domain::{Clock, Reason};
    use rapport_store::work::{TaskKind, WorkPlan};
    for app in TestApp::each().await {
        let today = app.today();
        let matures_on = today.checked_add_days(Days::new(9)).unwrap();
        let plan = WorkPlan {
            alert: rapport_store::scores::NewAlert {
                party_id: fixture::ZHANG_WEI_A,
                kind: rapport_domain::AlertKind::Maturity,
                severity: rapport_domain::AlertSeverity::Medium,
                reason: "stored english text".into(),
                detail: Some(Reason::Maturity {
                    family: "time_deposit".into(),
                    matures_on,
                    days: 9,
                    balance_minor: 5_000_000,
                }),
                as_of: today,
                dedup_key: format!("maturity:{}:{matures_on}", fixture::ZHANG_WEI_A.0),
            },
            task: Some((TaskKind::Call, today)),
        };
        app.store
            .apply_work_plans(&[plan], app.clock.now())
            .await
            .unwrap();
        let zh = format!("定期存款于 {matures_on} 到期（9 天后），金额 50,000 元");
        let en = format!("Time deposit matures on {matures_on} (in 9 days) with 50,000 yuan");

        let rm = app.token("rm.a").await;
        let wb = app.get_ok(&rm, "/api/v1/workbench").await;
        assert_eq!(wb["due"][0]["reason"], en.as_str(), "{}", app.backend);
        let in_chinese = TestApp::client()
            .get(app.url("/api/v1/workbench"))
            .bearer_auth(&rm)
            .header("Accept-Language", "zh-CN,zh;q=0.9");
        let wb: Value = in_chinese.send().await.unwrap().json().await.unwrap();
        assert_eq!(wb["due"][0]["reason"], zh.as_str(), "{}", app.backend);
        let path = format!("/api/v1/customers/{}/scores", fixture::ZHANG_WEI_A.0);
        let (_, scores) = app.get_json(&rm, &path).await;
        assert_eq!(scores["alerts"][0]["reason"], en.as_str(), "{scores}");

        let browser = app.browser("rm.a").await;
        let page = |path: String| {
            let browser = browser.clone();
            let url = app.url(&path);
            async move { browser.get(url).send().await.unwrap().text().await.unwrap() }
        };
        let customer = format!("/customers/{}", fixture::ZHANG_WEI_A.0);
        let html = page("/workbench".into()).await;
        assert!(
            html.contains(&zh) && !html.contains("stored english"),
            "{html}"
        );
        let html = page(customer.clone()).await;
        assert!(html.contains(&zh) && html.contains("到期提醒"), "{html}");
        browser.open("/lang/en").await;
        let html = page("/workbench".into()).await;
        assert!(html.contains(&en), "{html}");
        let html = page(customer).await;
        assert!(html.contains(&en) && html.contains("Maturity"), "{html}");
    }
}

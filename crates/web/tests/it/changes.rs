//! Prospects and contact changes through the API: validation naming fields, roles, 409 on a
//! stale version, history, and the view as of a past date.
use rapport_store::audit::AuditAction;
use rapport_store_contract::fixture;
use serde_json::{Value, json};

use crate::TestApp;

/// Changes a customer with `body` (PATCH `path`) as the holder of `token`.
async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    app.send_json(token, reqwest::Method::PATCH, path, body)
        .await
}

fn names(v: &Value, field: &str) -> bool {
    v["field"] == field || v["message"].as_str().unwrap_or("").contains(field)
}

#[tokio::test]
async fn prospects_are_validated_and_created_in_the_rm_s_portfolio() {
    let id = fixture::zhang_wei_a_resident_id();
    for app in TestApp::each().await {
        let rm = app.token("rm.a").await;
        for (body, field) in [
            (
                json!({"name": "张三", "resident_id": "110105194912310021"}),
                "resident_id",
            ),
            (
                json!({"name": "张三", "resident_id": id.as_str(), "birth_date": "1990-01-01"}),
                "resident_id",
            ),
            (json!({"name": "张三", "mobile": "12345"}), "mobile"),
            (json!({"name": "张三", "email": "not-an-email"}), "email"),
            (json!({"name": "  "}), "name"),
            (json!({"name": "张".repeat(51)}), "name"),
            (json!({"name": "张三", "gender": "x"}), "gender"),
            (json!({"name": "张三", "owner_rm": 3}), "owner_rm"),
            (json!({"mobile": "13800000000"}), "name"),
        ] {
            let (s, v) = app.post_json(&rm, "/api/v1/customers", &body).await;
            assert_eq!(s, 400, "{}: {body}: {v}", app.backend);
            assert!(names(&v, field), "{body}: {v}");
        }
        let (s, v) = app.post_json(&rm, "/api/v1/customers", &json!({"name": "钱多多", "mobile": "１３７００００２２２２", "address": "浙江省杭州市西湖区文二路9号"})).await;
        assert_eq!(s, 201, "{}: {v}", app.backend);
        assert_eq!(
            (
                v["profile"]["kind"].as_str(),
                v["profile"]["version"].as_i64()
            ),
            (Some("prospect"), Some(1))
        );
        assert_eq!(
            v["profile"]["mobile"], "13700002222",
            "full-width digits normalised; RMs see mobiles"
        );
        let new_id = v["profile"]["id"].as_i64().unwrap();
        let (_, found) = app.search(&rm, "qdd").await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == new_id),
            "in the RM's portfolio"
        );
        for user in ["marketing01", "agent01", "admin"] {
            let token = app.token(user).await;
            let (s, _) = app
                .post_json(&token, "/api/v1/customers", &json!({"name": "王五"}))
                .await;
            assert_eq!(s, 403, "{user}");
        }
    }
}

#[tokio::test]
async fn contact_changes_need_the_current_version_and_keep_history() {
    for app in TestApp::each().await {
        let b = app.backend;
        let rm = app.token("rm.a").await;
        let (s, v) = patch(
            &app,
            &rm,
            "/api/v1/customers/1",
            &json!({"version": 1, "mobile": "13911112222", "preferred_channel": "wechat"}),
        )
        .await;
        assert_eq!(s, 200, "{b}: {v}");
        assert_eq!(
            (
                v["profile"]["version"].as_i64(),
                v["profile"]["mobile"].as_str()
            ),
            (Some(2), Some("13911112222"))
        );
        let (s, v) = patch(
            &app,
            &rm,
            "/api/v1/customers/1",
            &json!({"version": 1, "email": "a@b.cn"}),
        )
        .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (409, Some("conflict")),
            "{b}: stale version"
        );
        assert_bad_changes_are_refused(&app, &rm).await;
        let email = |version: i64, address: &str| json!({"version": version, "email": address});
        let (s, _) = patch(&app, &rm, "/api/v1/customers/3", &email(1, "x@y.cn")).await;
        assert_eq!(s, 404);
        let marketing = app.token("marketing01").await;
        let (s, _) = patch(&app, &marketing, "/api/v1/customers/1", &email(2, "x@y.cn")).await;
        assert_eq!(s, 403);
        let agent = app.token("agent01").await;
        let (s, _) = patch(
            &app,
            &agent,
            "/api/v1/customers/1",
            &email(2, "zw@example.cn"),
        )
        .await;
        assert_eq!(s, 200, "the call center updates contact details");
        assert_history_is_masked_per_role(&app, &rm, &agent).await;
        assert_as_of_yesterday_is_the_old_profile(&app).await;

        let trail = app.store.audit_entries_after(0, 1000).await.unwrap();
        let changed: Vec<_> = trail
            .iter()
            .filter(|e| e.entry.action == AuditAction::CustomerChanged)
            .collect();
        assert_eq!(changed.len(), 2, "{b}: one entry per change");
        assert!(
            changed[0]
                .entry
                .detail
                .as_deref()
                .unwrap()
                .contains("mobile")
        );
    }
}

/// A bad mobile, email or channel, a field that is not a contact detail, and a change without
/// its version are refused, naming the field.
async fn assert_bad_changes_are_refused(app: &TestApp, rm: &str) {
    for (body, field) in [
        (json!({"version": 2, "mobile": "1391111"}), "mobile"),
        (json!({"version": 2, "email": "a@"}), "email"),
        (
            json!({"version": 2, "preferred_channel": "pigeon"}),
            "preferred_channel",
        ),
        (json!({"version": 2, "masked": false}), "masked"),
        (json!({"version": 2, "branch": 1}), "branch"),
        (json!({"mobile": "13911112222"}), "version"),
    ] {
        let (s, v) = patch(app, rm, "/api/v1/customers/1", &body).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(names(&v, field), "{body}: {v}");
    }
}

/// 张伟's history after RM A's mobile change: masked for the agent, in clear for the RM, and
/// not found for a customer out of the RM's scope.
async fn assert_history_is_masked_per_role(app: &TestApp, rm: &str, agent: &str) {
    let b = app.backend;
    let h = app.get_ok(agent, "/api/v1/customers/1/history").await;
    let mobile = crate::element(&h, "field", "mobile");
    assert_eq!(
        (mobile["old_value"].as_str(), mobile["new_value"].as_str()),
        (Some("138****5678"), Some("139****2222")),
        "{b}"
    );
    assert_eq!(mobile["changed_by"], "rm.a");
    let (_, h) = app.get_json(rm, "/api/v1/customers/1/history").await;
    assert!(
        h.as_array()
            .unwrap()
            .iter()
            .any(|c| c["new_value"] == "13911112222")
    );
    assert_eq!(app.get_json(rm, "/api/v1/customers/3/history").await.0, 404);
}

/// Two days on, as of yesterday: the old mobile and version; before the customer existed:
/// 404; a date that is none: 400.
async fn assert_as_of_yesterday_is_the_old_profile(app: &TestApp) {
    let b = app.backend;
    app.clock.advance(chrono::Duration::days(2));
    let rm = app.token("rm.a").await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    let (s, old) = app
        .get_json(&rm, &format!("/api/v1/customers/1?as_of={yesterday}"))
        .await;
    assert_eq!(s, 200, "{b}: {old}");
    assert_eq!(
        (
            old["profile"]["mobile"].as_str(),
            old["profile"]["version"].as_i64()
        ),
        (Some(fixture::ZHANG_WEI_A_MOBILE), Some(1))
    );
    assert!(old["profile"]["email"].is_null());
    let (s, _) = app
        .get_json(&rm, "/api/v1/customers/1?as_of=2010-01-01")
        .await;
    assert_eq!(s, 404);
    let (s, v) = app
        .get_json(&rm, "/api/v1/customers/1?as_of=yesterday")
        .await;
    assert_eq!(s, 400, "{v}");
}

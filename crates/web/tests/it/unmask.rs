//! Unmasking on demand, role by role, with its bad inputs and its audit (R8.2).
use rapport_store::audit::AuditAction;
use rapport_store_contract::fixture;
use serde_json::{Value, json};

use crate::TestApp;

async fn unmask(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/customers/{id}/unmask");
    app.post_json(token, &path, &body).await
}

/// The status of an unmasking of `field` for `reason`, when only the answer's status matters.
async fn unmask_status(app: &TestApp, token: &str, id: i64, field: &str, reason: &str) -> u16 {
    unmask(app, token, id, ask(field, reason)).await.0
}

fn ask(field: &str, reason: &str) -> Value {
    json!({"field": field, "reason": reason})
}

#[tokio::test]
async fn the_unmask_table_holds_row_by_row() {
    for app in TestApp::each().await {
        an_rm_unmasks_ids_and_accounts_of_its_portfolio(&app).await;
        a_branch_manager_unmasks_any_field_of_its_subtree(&app).await;
        a_service_agent_unmasks_the_mobile_for_a_call_back(&app).await;
        the_other_roles_unmask_nothing(&app).await;
        assert_every_unmasking_and_refusal_is_audited(&app).await;
    }
}

/// rm: resident ID and account numbers of its own portfolio; nothing else.
async fn an_rm_unmasks_ids_and_accounts_of_its_portfolio(app: &TestApp) {
    let b = app.backend;
    let id = fixture::zhang_wei_a_resident_id();
    let rm = app.token("rm.a").await;
    let (s, v) = unmask(app, &rm, 1, ask("resident_id", "kyc_review")).await;
    assert_eq!(
        (s, v["values"][0].as_str()),
        (200, Some(id.as_str())),
        "{b}: {v}"
    );
    let (s, v) = unmask(app, &rm, 1, ask("account_number", "complaint")).await;
    assert_eq!(s, 200);
    assert!(
        v["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == fixture::ZHANG_WEI_A_ACCOUNT),
        "{v}"
    );
    for field in ["address", "name", "mobile"] {
        let (s, body) = unmask(app, &rm, 1, ask(field, "kyc_review")).await;
        assert_eq!(
            (s, body["code"].as_str()),
            (403, Some("forbidden")),
            "{b}: rm {field}"
        );
    }
    assert_eq!(
        unmask_status(app, &rm, 3, "resident_id", "kyc_review").await,
        404,
        "{b}: RM B's customer"
    );
    assert_eq!(
        unmask_status(app, &rm, 999, "resident_id", "kyc_review").await,
        404
    );
}

/// branch_manager: any field of its subtree.
async fn a_branch_manager_unmasks_any_field_of_its_subtree(app: &TestApp) {
    let b = app.backend;
    let bm = app.token("bm.xihu").await;
    for field in ["name", "mobile", "resident_id", "account_number", "address"] {
        assert_eq!(
            unmask_status(app, &bm, 1, field, "complaint").await,
            200,
            "{b}: bm {field}"
        );
    }
    let (_, v) = unmask(app, &bm, 1, ask("address", "complaint")).await;
    assert_eq!(v["values"][0], "浙江省杭州市西湖区文三路90号3栋201室");
    assert_eq!(
        unmask_status(app, &bm, 2, "address", "complaint").await,
        404,
        "{b}: outside the branch"
    );
}

/// service_agent: mobile, for a call-back only.
async fn a_service_agent_unmasks_the_mobile_for_a_call_back(app: &TestApp) {
    let agent = app.token("agent01").await;
    let (s, v) = unmask(app, &agent, 1, ask("mobile", "customer_callback")).await;
    assert_eq!(
        (s, v["values"][0].as_str()),
        (200, Some(fixture::ZHANG_WEI_A_MOBILE))
    );
    assert_eq!(
        unmask_status(app, &agent, 1, "mobile", "complaint").await,
        403
    );
    assert_eq!(
        unmask_status(app, &agent, 1, "resident_id", "customer_callback").await,
        403
    );
}

/// data_steward (no identity review items exist yet), marketing, auditor: nothing; an
/// administrator sees no customer at all, so the customer is not found.
async fn the_other_roles_unmask_nothing(app: &TestApp) {
    let b = app.backend;
    for (user, refused) in [
        ("steward01", 403),
        ("marketing01", 403),
        ("auditor01", 403),
        ("admin", 404),
    ] {
        let token = app.token(user).await;
        for field in ["name", "mobile", "resident_id", "account_number", "address"] {
            assert_eq!(
                unmask_status(app, &token, 1, field, "kyc_review").await,
                refused,
                "{b}: {user} {field}"
            );
        }
    }
}

/// Every unmasking above is audited with its reason; so is every refusal; no value enters
/// the trail.
async fn assert_every_unmasking_and_refusal_is_audited(app: &TestApp) {
    let b = app.backend;
    let id = fixture::zhang_wei_a_resident_id();
    let trail = app.store.audit_entries_after(0, 10_000).await.unwrap();
    let first = trail
        .iter()
        .find(|e| e.entry.action == AuditAction::FieldUnmasked)
        .unwrap();
    assert_eq!(first.entry.actor_username, "rm.a");
    assert_eq!(first.entry.fields_unmasked, vec!["resident_id"]);
    assert_eq!(first.entry.reason.as_deref(), Some("kyc_review"));
    let unmasked = trail
        .iter()
        .filter(|e| e.entry.action == AuditAction::FieldUnmasked)
        .count();
    assert_eq!(unmasked, 2 + 5 + 1 + 1, "{b}: one entry per unmasking");
    let refused = trail
        .iter()
        .filter(|e| {
            e.entry.action == AuditAction::AuthorizationFailed && e.entry.party_id.is_some()
        })
        .count();
    assert_eq!(refused, 3 + 2 + 1 + 2 + 20, "{b}: one entry per refusal");
    let all = serde_json::to_string(&trail).unwrap();
    assert!(
        !all.contains(id.as_str()) && !all.contains(fixture::ZHANG_WEI_A_MOBILE),
        "values never enter the trail"
    );
}

#[tokio::test]
async fn bad_unmask_requests_are_400_naming_the_field() {
    for app in TestApp::each().await {
        let bm = app.token("bm.xihu").await;
        let long = "长".repeat(201);
        for (body, field) in [
            (json!({"field": "mobile"}), "reason"),
            (json!({"field": "mobile", "reason": "curiosity"}), "reason"),
            (json!({"field": "mobile", "reason": "other"}), "reason_text"),
            (
                json!({"field": "mobile", "reason": "other", "reason_text": "   "}),
                "reason_text",
            ),
            (
                json!({"field": "mobile", "reason": "complaint", "reason_text": long}),
                "reason_text",
            ),
            (json!({"field": "password", "reason": "complaint"}), "field"),
            (
                json!({"field": "mobile", "reason": "complaint", "masked": false}),
                "masked",
            ),
        ] {
            let (s, v) = unmask(&app, &bm, 1, body.clone()).await;
            assert_eq!(s, 400, "{body}: {v}");
            let named = v["field"] == field || v["message"].as_str().unwrap_or("").contains(field);
            assert!(named, "{body}: {v}");
        }
        let (s, v) = unmask(
            &app,
            &bm,
            1,
            json!({"field": "mobile", "reason": "other", "reason_text": "客户来电要求核对手机号"}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let trail = app.store.audit_entries_after(0, 1000).await.unwrap();
        let last = trail
            .iter()
            .rev()
            .find(|e| e.entry.action == AuditAction::FieldUnmasked)
            .unwrap();
        assert_eq!(
            last.entry.reason.as_deref(),
            Some("other: 客户来电要求核对手机号")
        );
    }
}

#[tokio::test]
async fn the_360_page_unmasks_for_that_view_only() {
    for app in TestApp::each().await {
        let browser = app.browser("rm.a").await;
        let html = browser.page("/customers/1").await;
        assert!(html.contains("data-testid=\"unmask-form\""));
        let csrf = crate::form_field(&html, "csrf");
        let id = fixture::zhang_wei_a_resident_id();
        let page = browser
            .submit(
                "/customers/1/unmask",
                &[
                    ("csrf", csrf),
                    ("field", "resident_id"),
                    ("reason", "kyc_review"),
                    ("reason_text", ""),
                ],
            )
            .await;
        assert_eq!(page.status(), 200);
        assert!(
            page.text().await.unwrap().contains(id.as_str()),
            "{}",
            app.backend
        );
        let again = browser.page("/customers/1").await;
        assert!(
            !again.contains(id.as_str()),
            "masked again on the next view"
        );
        let forged = browser
            .submit(
                "/customers/1/unmask",
                &[
                    ("csrf", "forged"),
                    ("field", "resident_id"),
                    ("reason", "kyc_review"),
                ],
            )
            .await;
        assert_eq!(forged.status(), 403);
        let refused = browser
            .submit(
                "/customers/1/unmask",
                &[
                    ("csrf", csrf),
                    ("field", "address"),
                    ("reason", "kyc_review"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 403);
        // Marketing sees no form at all.
        let html = app.browser("marketing01").await.page("/customers/1").await;
        assert!(!html.contains("unmask-form"));
    }
}

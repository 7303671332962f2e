//! Every sensitive action leaves exactly one audit entry with who / when / where / what / why.
use rapport_store::audit::{AuditAction, AuditEntry, ChainVerifier};
use rapport_store_contract::fixture;

use crate::TestApp;

#[tokio::test]
async fn a_scripted_session_leaves_exactly_one_entry_per_sensitive_action() {
    for app in TestApp::each().await {
        scripted_session(&app).await;
        let trail = app.store.audit_entries_after(0, 100).await.unwrap();
        let seen: Vec<(&str, &str, Option<i64>)> = trail
            .iter()
            .map(|e| {
                (
                    e.entry.actor_username.as_str(),
                    e.entry.action.as_str(),
                    e.entry.party_id.map(|p| p.0),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("rm.b", "login_failed", None),
                ("rm.a", "login_succeeded", None),
                ("rm.a", "customer_viewed", Some(1)),
                ("rm.a", "authorization_failed", Some(3)),
                // The search is by a whole mobile: audited as such too (kind and outcome).
                ("rm.a", "identifier_searched", None),
                ("rm.a", "customers_searched", None),
                ("rm.a", "customers_listed", None),
                ("rm.a", "authorization_failed", None),
                ("rm.a", "logout", None),
            ],
            "{}",
            app.backend
        );
        assert_entries_say_who_when_where_what_and_why(&trail);
        assert_nothing_personal_in_the_trail(&app, &trail);
        let mut v = ChainVerifier::default();
        for e in &trail {
            v.feed(e).unwrap();
        }
        assert_eq!(
            v.finish(Some(app.store.audit_head().await.unwrap().0))
                .unwrap()
                .0,
            9
        );
    }
}

/// rm.b fails to log in; rm.a logs in, views 张伟 (1), is refused the other 张伟 (3), searches
/// by 张伟's whole mobile, lists the customers, is refused the audit trail and logs out.
async fn scripted_session(app: &TestApp) {
    assert_eq!(app.login_as("rm.b", "wrong").await.0, 401);
    let token = app.token("rm.a").await;
    assert_eq!(app.get_json(&token, "/api/v1/customers/1").await.0, 200);
    assert_eq!(app.get_json(&token, "/api/v1/customers/3").await.0, 404);
    let (_, found) = app.search(&token, fixture::ZHANG_WEI_A_MOBILE).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_json(&token, "/api/v1/customers").await.0, 200);
    assert_eq!(app.get_json(&token, "/api/v1/audit").await.0, 403);
    let (s, _) = app
        .request(&token, reqwest::Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(s, 204);
}

/// The scripted session's view says what was seen in clear, from where, by whom and when;
/// the failed login says why; the search says its kind and outcome but not the value.
fn assert_entries_say_who_when_where_what_and_why(trail: &[AuditEntry]) {
    let view = &trail[2].entry;
    assert_eq!(
        view.fields_unmasked,
        vec!["name", "mobile", "email"],
        "what the RM saw in clear"
    );
    assert_eq!(view.source_ip.as_deref(), Some("127.0.0.1"), "from where");
    assert_eq!(view.actor_staff_id, Some(fixture::RM_A));
    assert!(
        (chrono::Utc::now() - view.at).num_seconds().abs() < 120,
        "when, in UTC"
    );
    assert_eq!(
        trail[0].entry.reason.as_deref(),
        Some("wrong password"),
        "why it failed"
    );
    let search = trail[5].entry.detail.as_deref().unwrap();
    assert!(
        search.contains("query=mobile") && search.contains("shown=1"),
        "{search}"
    );
    assert!(
        !search.contains(fixture::ZHANG_WEI_A_MOBILE),
        "the searched value is never recorded"
    );
}

/// Nothing personal of 张伟 (mobile, resident id, account) in any entry.
fn assert_nothing_personal_in_the_trail(app: &TestApp, trail: &[AuditEntry]) {
    let all = serde_json::to_string(&trail).unwrap();
    for secret in [
        fixture::ZHANG_WEI_A_MOBILE,
        fixture::zhang_wei_a_resident_id().as_str(),
        fixture::ZHANG_WEI_A_ACCOUNT,
    ] {
        assert!(
            !all.contains(secret),
            "{}: {secret} in the trail",
            app.backend
        );
    }
}

#[tokio::test]
async fn the_auditor_reads_filters_and_exports_the_trail() {
    for app in TestApp::each().await {
        let rm = app.token("rm.a").await;
        app.get_json(&rm, "/api/v1/customers/1").await;
        app.get_json(&rm, "/api/v1/customers/4").await;
        let auditor = app.token("auditor01").await;
        let page = app
            .get_ok(&auditor, "/api/v1/audit?actor=rm.a&action=customer_viewed")
            .await;
        let parties = crate::ints(&page["items"], "party_id");
        assert_eq!(parties, vec![4, 1], "newest first");
        let (_, by_customer) = app.get_json(&auditor, "/api/v1/audit?party_id=1").await;
        let parties = crate::ints(&by_customer["items"], "party_id");
        assert!(parties.iter().all(|p| *p == 1), "{parties:?}");
        let today = chrono::Utc::now().date_naive();
        let (s, _) = app
            .get_json(&auditor, &format!("/api/v1/audit?from={today}&to={today}"))
            .await;
        assert_eq!(s, 200);
        assert_bad_filters_are_refused(&app, &auditor).await;
        assert_the_export_is_csv(&app, &auditor).await;
        // Reading and exporting the trail is itself in the trail.
        let trail = app.store.audit_entries_after(0, 1000).await.unwrap();
        let auditor_actions: Vec<AuditAction> = trail
            .iter()
            .filter(|e| e.entry.actor_username == "auditor01")
            .map(|e| e.entry.action)
            .collect();
        assert!(
            auditor_actions.contains(&AuditAction::AuditViewed)
                && auditor_actions.contains(&AuditAction::Exported)
        );
        assert_nobody_else_reads_the_trail(&app).await;
        // The page, in the browser.
        let html = app
            .browser("auditor01")
            .await
            .page("/audit?actor=rm.a")
            .await;
        assert!(
            html.contains("审计日志") && html.contains("customer_viewed"),
            "{}",
            app.backend
        );
    }
}

/// An unknown action, a bad date, a reversed range and an empty page are refused, naming
/// the field.
async fn assert_bad_filters_are_refused(app: &TestApp, auditor: &str) {
    for (path, field) in [
        ("/api/v1/audit?action=teleport", "action"),
        ("/api/v1/audit?from=2026-13-01", "from"),
        ("/api/v1/audit?from=2026-06-02&to=2026-06-01", "from"),
        ("/api/v1/audit?page_size=0", "page_size"),
    ] {
        let (s, body) = app.get_json(auditor, path).await;
        assert_eq!(s, 400, "{path}: {body}");
        assert!(
            body["field"] == field || crate::message(&body).contains(field),
            "{path}: {body}"
        );
    }
}

/// The export of rm.a's entries is a CSV with a header, holding the views.
async fn assert_the_export_is_csv(app: &TestApp, auditor: &str) {
    let export = TestApp::client().get(app.url("/api/v1/audit/export?actor=rm.a"));
    let res = export.bearer_auth(auditor).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(crate::header(&res, "content-type").starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("seq,at,actor,") && csv.contains("customer_viewed"),
        "{csv}"
    );
}

/// No other role may read or export the trail.
async fn assert_nobody_else_reads_the_trail(app: &TestApp) {
    for user in [
        "rm.a",
        "admin",
        "bm.xihu",
        "steward01",
        "marketing01",
        "agent01",
    ] {
        let token = app.token(user).await;
        let (s, body) = app.get_json(&token, "/api/v1/audit").await;
        assert_eq!(
            (s, body["code"].as_str()),
            (403, Some("forbidden")),
            "{user}"
        );
        assert_eq!(
            app.get_json(&token, "/api/v1/audit/export").await.0,
            403,
            "{user}"
        );
    }
}

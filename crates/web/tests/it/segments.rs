//! Saved segments at the edge: requests validated field by field, roles, counts and members
//! only within the caller's scope and masked, audited views, deletion by the creator or an
//! administrator, the pages in both languages. These servers run without a segment engine
//! (the web crate does not know the warehouse): creating answers `segments_unavailable`;
//! checking and evaluating definitions for real is tested end to end in `rapport`'s tests.
use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::{PartyId, StaffId};
use rapport_store::audit::AuditAction;
use rapport_store::segments::NewSegment;
use rapport_store_contract::fixture::{self, ADMIN, RM_A, RM_B, ZHANG_WEI_A_MOBILE};
use serde_json::{Value, json};

use crate::form_field;
use crate::{Browser, TestApp, assert_has_all, status_and};

fn june() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// A segment saved by `by` whose latest evaluation selected every fixture party.
async fn saved(app: &TestApp, name: &str, by: StaffId) -> i64 {
    let id = app
        .store
        .create_segment(&NewSegment {
            name: name.into(),
            expression: "aum_m0 >= (10000 * 100)".into(),
            description: Some("AUM of 10,000 yuan or more".into()),
            created_by: by,
            created_at: Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap(),
        })
        .await
        .unwrap();
    app.store
        .replace_segment_members(id, june(), &(1..=5).map(PartyId).collect::<Vec<_>>())
        .await
        .unwrap();
    id
}

fn member_ids(detail: &Value) -> BTreeSet<i64> {
    crate::ints(&detail["members"]["items"], "id")
        .into_iter()
        .collect()
}

#[tokio::test]
async fn counts_and_members_hold_only_the_callers_customers_masked() {
    for app in TestApp::each().await {
        let id = saved(&app, "高净值客户", RM_A).await;
        for (user, expected, name_of_1) in [
            ("bm.head", vec![1, 2, 3, 4, 5], "张伟"),
            ("admin", vec![], ""),
            ("rm.a", vec![1, 2, 4], "张伟"),
            ("rm.b", vec![2, 3], ""),
            ("bm.xihu", vec![1, 4], "张伟"),
        ] {
            let who = format!("{}: {user}", app.backend);
            let token = app.token(user).await;
            let (s, list) = app.get_json(&token, "/api/v1/segments").await;
            assert_eq!(s, 200, "{who}: {list}");
            assert_eq!(list.as_array().unwrap().len(), 1);
            assert_eq!(list[0]["name"], "高净值客户");
            assert_eq!(list[0]["members"], expected.len(), "{who}: {list}");
            assert_eq!(list[0]["as_of"], "2026-06-30");
            assert_eq!(list[0]["created_by"], "rm.a");
            assert_eq!(list[0]["expression"], "aum_m0 >= (10000 * 100)");

            let (s, detail) = app
                .get_json(&token, &format!("/api/v1/segments/{id}?page_size=100"))
                .await;
            assert_eq!(s, 200, "{who}: {detail}");
            assert_eq!(
                member_ids(&detail),
                expected.iter().copied().collect(),
                "{who}"
            );
            assert_eq!(detail["segment"]["members"], expected.len());
            if !name_of_1.is_empty() {
                let first = &detail["members"]["items"][0];
                assert_eq!(first["id"], 1);
                assert_eq!(first["name"], name_of_1, "{who}: masked per role");
                assert!(
                    first["resident_id"].as_str().unwrap().contains("****"),
                    "{who}: resident IDs are masked for every role"
                );
            }
            if user == "admin" {
                assert!(
                    !detail.to_string().contains(ZHANG_WEI_A_MOBILE)
                        && !detail.to_string().contains("张"),
                    "{who}: the administrator sees no customer"
                );
            }
        }
        let rm_a = app.token("rm.a").await;
        assert_members_page_one_after_another(&app, &rm_a, id).await;

        // Every view of members is audited with the ids shown; the list as a report.
        let viewed = app.audited(AuditAction::SegmentViewed).await;
        assert_eq!(viewed.len(), 7, "{}", app.backend);
        let last = &viewed.last().unwrap().entry;
        assert_eq!(last.actor_username, "rm.a");
        assert_eq!(
            last.detail.as_deref(),
            Some(format!("segment={id} page=2 shown=4").as_str())
        );
        assert!(last.fields_unmasked.contains(&"name".to_owned()));
        let reports = app.audited(AuditAction::ReportViewed).await;
        assert_eq!(reports.len(), 5, "{}: one per list", app.backend);

        // The customer's scores name the segments it is in, within scope.
        let scores = app.get_ok(&rm_a, "/api/v1/customers/1/scores").await;
        assert_eq!(
            scores["segments"],
            json!([{"id": id, "name": "高净值客户", "as_of": "2026-06-30"}])
        );
        let (s, _) = app.get_json(&rm_a, "/api/v1/customers/3/scores").await;
        assert_eq!(s, 404);
    }
}

/// RM A's members of segment `id` (customers 1, 2 and 4), two a page, follow one another.
async fn assert_members_page_one_after_another(app: &TestApp, rm_a: &str, id: i64) {
    let (_, first) = app
        .get_json(rm_a, &format!("/api/v1/segments/{id}?page_size=2"))
        .await;
    assert_eq!(
        member_ids(&first),
        BTreeSet::from([1, 2]),
        "{}",
        app.backend
    );
    assert_eq!(first["members"]["has_more"], true);
    let (_, second) = app
        .get_json(rm_a, &format!("/api/v1/segments/{id}?page=2&page_size=2"))
        .await;
    assert_eq!(member_ids(&second), BTreeSet::from([4]));
    assert_eq!(second["members"]["has_more"], false);
}

#[tokio::test]
async fn bad_segment_requests_are_named() {
    for app in TestApp::each().await {
        let rm = app.token("rm.a").await;
        let expression = "aum_m0 >= yuan(100000)";
        for (body, field) in [
            (json!({"name": "", "expression": expression}), "name"),
            (json!({"name": "   ", "expression": expression}), "name"),
            (
                json!({"name": "高".repeat(81), "expression": expression}),
                "name",
            ),
            (json!({"name": "a\u{7}b", "expression": expression}), "name"),
            (
                json!({"name": "ok", "expression": expression, "description": "x".repeat(501)}),
                "description",
            ),
        ] {
            let (s, v) = app.post_json(&rm, "/api/v1/segments", &body).await;
            assert_eq!(s, 400, "{}: {body}: {v}", app.backend);
            assert_eq!(v["code"], "invalid_parameter", "{v}");
            assert_eq!(v["field"], field, "{body}: {v}");
        }
        for body in [
            json!({"name": "ok"}),
            json!({"name": "ok", "expression": expression, "owner": 3}),
        ] {
            let (s, v) = app.post_json(&rm, "/api/v1/segments", &body).await;
            assert_eq!(
                (s, v["code"].as_str()),
                (400, Some("invalid_json")),
                "{body}: {v}"
            );
        }

        // An active segment's name is taken.
        let id = saved(&app, "Affluent", RM_B).await;
        let named = |name: &str| json!({"name": name, "expression": expression});
        let taken = app
            .post_json(&rm, "/api/v1/segments", &named("Affluent"))
            .await;
        let why = format!("{}: {}", app.backend, taken.1);
        assert_eq!(status_and(&taken, "code"), (409, Some("conflict")), "{why}");
        assert_eq!(taken.1["field"], "name");

        // A well-formed request needs the warehouse, which this server lacks: a clear 503.
        let refused = app
            .post_json(&rm, "/api/v1/segments", &named("New one"))
            .await;
        let why = format!("{}: {}", app.backend, refused.1);
        let unavailable = (503, Some("segments_unavailable"));
        assert_eq!(status_and(&refused, "code"), unavailable, "{why}");
        assert!(crate::message(&refused.1).contains("warehouse"), "{why}");
        assert_eq!(
            app.store
                .list_segments(&fixture::viewer(ADMIN))
                .await
                .unwrap()
                .len(),
            1
        );

        assert_bad_member_requests_are_refused(&app, &rm, id).await;
        let anonymous = app.anonymous_browser();
        assert_eq!(anonymous.status("/api/v1/segments").await, 401);
    }
}

/// Members' paging and ids that are none are named; unknown segments are not found (to read
/// or to delete).
async fn assert_bad_member_requests_are_refused(app: &TestApp, rm: &str, id: i64) {
    for (path, field) in [
        (format!("/api/v1/segments/{id}?page=0"), "page"),
        (format!("/api/v1/segments/{id}?page=abc"), "page"),
        (format!("/api/v1/segments/{id}?page_size=0"), "page_size"),
        (format!("/api/v1/segments/{id}?page_size=101"), "page_size"),
        ("/api/v1/segments/abc".to_owned(), "id"),
    ] {
        app.assert_names_parameter(rm, &path, field).await;
    }
    let (s, v) = app
        .get_json(rm, &format!("/api/v1/segments/{id}?sort=name"))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(crate::message(&v).contains("sort"), "{v}");
    for path in ["/api/v1/segments/999999", "/api/v1/segments/-1"] {
        let (s, v) = app.get_json(rm, path).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (404, Some("not_found")),
            "{path}: {v}"
        );
    }
    let (s, _) = app
        .send_json(
            rm,
            reqwest::Method::DELETE,
            "/api/v1/segments/999999",
            &Value::Null,
        )
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn other_roles_are_refused_and_only_the_creator_or_an_administrator_deletes() {
    for app in TestApp::each().await {
        let by_a = saved(&app, "A's", RM_A).await;
        let by_b = saved(&app, "B's", RM_B).await;
        for user in ["agent01", "steward01", "marketing01", "auditor01"] {
            let token = app.token(user).await;
            for (method, path) in [
                (reqwest::Method::GET, "/api/v1/segments".to_owned()),
                (reqwest::Method::POST, "/api/v1/segments".to_owned()),
                (reqwest::Method::GET, format!("/api/v1/segments/{by_a}")),
                (reqwest::Method::DELETE, format!("/api/v1/segments/{by_a}")),
            ] {
                let body = json!({"name": "x", "expression": "aum_m0 > 0"});
                let (s, v) = app.send_json(&token, method.clone(), &path, &body).await;
                assert_eq!(
                    (s, v["code"].as_str()),
                    (403, Some("forbidden")),
                    "{}: {user} {method} {path}: {v}",
                    app.backend
                );
            }
        }
        assert_eq!(
            app.audited(AuditAction::AuthorizationFailed).await.len(),
            16,
            "{}: every refusal audited",
            app.backend
        );

        // Neither another RM nor a branch manager may delete A's segment; A and admin may.
        for user in ["rm.b", "bm.xihu"] {
            let token = app.token(user).await;
            let (s, v) = app
                .send_json(
                    &token,
                    reqwest::Method::DELETE,
                    &format!("/api/v1/segments/{by_a}"),
                    &Value::Null,
                )
                .await;
            assert_eq!(s, 403, "{}: {user}: {v}", app.backend);
        }
        let rm_a = app.token("rm.a").await;
        let delete = |token: String, id: i64| {
            let app = &app;
            async move {
                app.send_json(
                    &token,
                    reqwest::Method::DELETE,
                    &format!("/api/v1/segments/{id}"),
                    &Value::Null,
                )
                .await
                .0
            }
        };
        assert_eq!(delete(rm_a.clone(), by_a).await, 204, "{}", app.backend);
        assert_eq!(delete(rm_a.clone(), by_a).await, 404, "already deleted");
        assert_eq!(
            app.get_json(&rm_a, &format!("/api/v1/segments/{by_a}"))
                .await
                .0,
            404
        );
        assert_eq!(delete(app.token("admin").await, by_b).await, 204);
        let (_, list) = app.get_json(&rm_a, "/api/v1/segments").await;
        assert_eq!(list, json!([]));
        let changed = app.audited(AuditAction::SegmentChanged).await;
        assert_eq!(changed.len(), 2, "{}", app.backend);
        assert_eq!(
            changed[0].entry.detail.as_deref(),
            Some(format!("segment={by_a} deleted").as_str())
        );
    }
}

/// Posts the segment form with `name`, the expression `aum_m0 > 1` and `more`; the status and
/// the page.
async fn create_on_page(
    browser: &Browser,
    csrf: &str,
    name: &str,
    more: &[(&str, &str)],
) -> (u16, String) {
    let mut fields = vec![("name", name), ("expression", "aum_m0 > 1")];
    fields.extend_from_slice(more);
    let res = browser.submit_with_csrf("/segments", csrf, &fields).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn the_segment_pages_render_in_both_languages_and_post_with_the_session_token() {
    for app in TestApp::each().await {
        crate::scores::scored(&app).await;
        let id = saved(&app, "高净值客户", RM_A).await;
        let browser = app.browser("rm.a").await;
        let zh = browser.page("/segments").await;
        let link = format!("href=\"/segments/{id}\"");
        let needles = [
            "data-testid=\"nav-segments\"",
            "客户细分",
            link.as_str(),
            "高净值客户",
            "data-testid=\"segment-members\">3<",
            "2026-06-30",
            "data-testid=\"segment-form\"",
            "data-testid=\"segments-unavailable\"",
        ];
        assert_has_all(&zh, &needles, &format!("{}: zh /segments", app.backend));
        let csrf = form_field(&zh, "csrf").to_owned();

        assert_the_form_refuses_on_the_page(&app, &browser, &csrf).await;

        // One segment: its definition and its members in scope, linking to the 360 page.
        let page = browser.page(&format!("/segments/{id}")).await;
        let needles = [
            "aum_m0 &#62;= (10000 * 100)",
            "href=\"/customers/1\"",
            "href=\"/customers/4\"",
            "张伟",
            "data-testid=\"delete-segment\"",
        ];
        assert_has_all(&page, &needles, &format!("{}: segment page", app.backend));
        assert!(!page.contains("href=\"/customers/3\""), "RM B's customer");
        assert_eq!(browser.status(&format!("/segments/{id}?page=0")).await, 400);
        assert_eq!(browser.status("/segments/999999").await, 404);

        // The 360 page names the customer's segments in its value-and-risk section.
        let customer = browser.page("/customers/1").await;
        let section = customer
            .split("data-testid=\"customer-segments\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{}: no segments on the 360 page", app.backend));
        assert!(
            section[..section.find("</dd>").unwrap()]
                .contains(&format!("href=\"/segments/{id}\">高净值客户<")),
            "{section}"
        );

        browser.open("/lang/en?next=/segments").await;
        let en = browser.page(&format!("/segments/{id}")).await;
        let needles = [
            "Back to segments",
            "Definition",
            "Evaluated as of",
            "Customers",
        ];
        assert_has_all(&en, &needles, &format!("{}: en segment page", app.backend));
        let en_list = browser.page("/segments").await;
        assert!(en_list.contains("New segment") && en_list.contains("runs without the warehouse"));

        // Deleting takes the session token too.
        let res = browser
            .submit(&format!("/segments/{id}/delete"), &[("csrf", "forged")])
            .await;
        assert_eq!(res.status(), 403);
        let res = browser
            .submit(
                &format!("/segments/{id}/delete"),
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(res.status(), 303, "{}", app.backend);
        assert_eq!(res.headers()["location"], "/segments");
        assert_eq!(browser.status(&format!("/segments/{id}")).await, 404);

        // Roles without segments see no link and a refusal.
        let agent = app.browser("agent01").await;
        let html = agent.page("/customers").await;
        assert!(!html.contains("nav-segments"));
        assert_eq!(agent.status("/segments").await, 403);
    }
}

/// A bad field comes back next to the field, what was typed kept; a taken name is a conflict;
/// without the warehouse nothing can be created, said on the page; a forged token is refused.
async fn assert_the_form_refuses_on_the_page(app: &TestApp, browser: &Browser, csrf: &str) {
    let kept = [("description", "kept")];
    let (status, html) = create_on_page(browser, csrf, " ", &kept).await;
    assert_eq!(status, 400, "{}", app.backend);
    assert!(html.contains("data-testid=\"error-name\""), "{html}");
    assert!(html.contains("aum_m0 &#62; 1") && html.contains("value=\"kept\""));
    let (status, html) = create_on_page(browser, csrf, "高净值客户", &[]).await;
    assert_eq!(status, 409);
    assert!(html.contains("data-testid=\"error-name\""));
    // Without the warehouse nothing can be created; said on the page.
    let (status, html) = create_on_page(browser, csrf, "New", &[]).await;
    assert_eq!(status, 503);
    assert!(html.contains("data-testid=\"segment-error\""));
    let (status, _) = create_on_page(browser, "forged", "x", &[]).await;
    assert_eq!(status, 403);
}

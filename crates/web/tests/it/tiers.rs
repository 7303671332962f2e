//! Tier change proposals at the edge: branch managers decide those of their scope, through the
//! API and the page in both languages; bad input is named; every decision is audited.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_store::scores::ScoreBatch;
use rapport_store_contract::fixture;
use serde_json::json;

use crate::TestApp;

async fn propose(app: &TestApp) {
    fixture::propose_tier_changes(
        app.store.as_ref(),
        &[
            (fixture::ZHANG_WEI_A, "diamond"),
            (fixture::COMPANY, "platinum"),
            (fixture::LI_NA, "platinum"),
        ],
    )
    .await;
}

fn id_of(list: &serde_json::Value, customer: i64) -> i64 {
    crate::element(&list["items"], "customer_id", customer)["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_branch_manager_accepts_with_a_dedicated_rm_and_bad_input_is_named() {
    for app in TestApp::each().await {
        propose(&app).await;
        let bm = app.token("bm.xihu").await;
        let list = app.get_ok(&bm, "/api/v1/tier-proposals").await;
        // 西湖 sees 张伟 and the company, not 李娜 of 滨江.
        assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
        let zhang = id_of(&list, fixture::ZHANG_WEI_A.0);
        let company = id_of(&list, fixture::COMPANY.0);
        let admin = app.token("bm.head").await;
        let (_, all) = app.get_json(&admin, "/api/v1/tier-proposals").await;
        let li_na = id_of(&all, fixture::LI_NA.0);

        // An RM may not decide; nor see the list.
        let rm = app.token("rm.a").await;
        let (s, _) = app.get_json(&rm, "/api/v1/tier-proposals").await;
        assert_eq!(s, 403);
        let decide = |id: i64| format!("/api/v1/tier-proposals/{id}/decision");
        let decline = json!({"decision": "decline"});
        let (s, _) = app.post_json(&rm, &decide(zhang), &decline).await;
        assert_eq!(s, 403);
        // Bad input, each named.
        let (s, e) = app
            .get_json(&bm, "/api/v1/tier-proposals?status=maybe")
            .await;
        assert_eq!((s, e["field"].as_str()), (400, Some("status")), "{e}");
        let (s, e) = app
            .post_json(&bm, &decide(zhang), &json!({"decision": "perhaps"}))
            .await;
        assert_eq!((s, e["field"].as_str()), (400, Some("decision")), "{e}");
        let bad_rm = (400, Some("dedicated_rm_staff_id"));
        let to_steward = json!({"decision": "accept", "dedicated_rm_staff_id": fixture::STEWARD.0});
        let (s, e) = app.post_json(&bm, &decide(zhang), &to_steward).await;
        assert_eq!((s, e["field"].as_str()), bad_rm, "{}: {e}", app.backend);
        assert!(crate::message(&e).contains("not an enabled relationship manager"));
        let (s, e) = app
            .post_json(
                &bm,
                &decide(zhang),
                &json!({"decision": "accept", "extra": 1}),
            )
            .await;
        assert_eq!(s, 400, "{e}");
        // Out of scope and unknown look the same.
        for id in [li_na, 999_999] {
            let (s, _) = app.post_json(&bm, &decide(id), &decline).await;
            assert_eq!(s, 404, "{}: {id}", app.backend);
        }

        // 西湖's manager may not name 滨江's RM B; the region's manager may.
        let to_b = json!({"decision": "accept", "dedicated_rm_staff_id": fixture::RM_B.0});
        let (s, e) = app.post_json(&bm, &decide(zhang), &to_b).await;
        assert_eq!((s, e["field"].as_str()), bad_rm, "{}: {e}", app.backend);
        // Accept with RM B: 张伟 moves to B at once.
        let (s, _) = app
            .get_json(
                &app.token("rm.b").await,
                &format!("/api/v1/customers/{}", fixture::ZHANG_WEI_A.0),
            )
            .await;
        assert_eq!(s, 404);
        let zj = app.token("bm.zhejiang").await;
        let (s, done) = app.post_json(&zj, &decide(zhang), &to_b).await;
        assert_eq!(s, 200, "{}: {done}", app.backend);
        assert_eq!(done["status"], "accepted");
        assert_eq!(done["assigned_rm_staff_id"], fixture::RM_B.0);
        assert_eq!(done["primary_rm_staff_id"], fixture::RM_B.0);
        let (s, _) = app
            .get_json(
                &app.token("rm.b").await,
                &format!("/api/v1/customers/{}", fixture::ZHANG_WEI_A.0),
            )
            .await;
        assert_eq!(s, 200, "{}: scope followed", app.backend);
        let (s, _) = app.post_json(&bm, &decide(zhang), &decline).await;
        assert_eq!(s, 409, "decided once");
        let (s, _) = app.post_json(&bm, &decide(company), &decline).await;
        assert_eq!(s, 200);
        let (_, accepted) = app
            .get_json(&bm, "/api/v1/tier-proposals?status=accepted")
            .await;
        assert_eq!(accepted["items"].as_array().unwrap().len(), 1);
        let decided = app
            .audited(rapport_store::audit::AuditAction::TierChangeDecided)
            .await;
        assert_eq!(decided.len(), 2, "{}", app.backend);
        assert_eq!(decided[0].entry.party_id, Some(fixture::ZHANG_WEI_A));
    }
}

#[tokio::test]
async fn the_tier_change_page_decides_in_both_languages() {
    for app in TestApp::each().await {
        propose(&app).await;
        let browser = app.browser("bm.zhejiang").await;
        let html = browser.page("/tier-proposals").await;
        assert!(
            html.contains("客户等级调整") && html.contains("专属客户经理"),
            "{html}"
        );
        assert!(html.contains("nav-tier-proposals"));
        let csrf = crate::form_field(&html, "csrf").to_owned();
        let bm = app.token("bm.zhejiang").await;
        let (_, list) = app.get_json(&bm, "/api/v1/tier-proposals").await;
        let zhang = id_of(&list, fixture::ZHANG_WEI_A.0);
        let path = format!("/tier-proposals/{zhang}/decision");
        let res = browser
            .submit(&path, &[("csrf", "forged"), ("decision", "decline")])
            .await;
        assert_eq!(res.status(), 403);
        let rm_b = fixture::RM_B.0.to_string();
        let html = browser
            .submit_text(
                &path,
                &[
                    ("csrf", csrf.as_str()),
                    ("decision", "accept"),
                    ("dedicated_rm_staff_id", rm_b.as_str()),
                ],
            )
            .await;
        assert!(html.contains("已处理该等级调整"), "{}: {html}", app.backend);
        assert!(
            !html.contains(&format!("proposal-{zhang}\"")),
            "no longer proposed"
        );
        let html = browser
            .get(app.url("/tier-proposals?status=accepted"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(&format!("proposal-{zhang}")), "{html}");
        let en = browser.open("/lang/en").await;
        assert!(en.status().is_redirection() || en.status().is_success());
        let html = browser.page("/tier-proposals?status=accepted").await;
        assert!(
            html.contains("Tier changes") && html.contains("Dedicated RM"),
            "{html}"
        );
        // A bad status is named on the page, not a blank one.
        let res = browser.open("/tier-proposals?status=maybe").await;
        assert_eq!(res.status(), 400);
    }
}

/// A real score of 张伟 (1) at `as_of`, placed in `tier`.
fn score_row(
    base: &rapport_scoring::PartyScore,
    as_of: NaiveDate,
    tier: rapport_scoring::Tier,
) -> rapport_store::scores::PartyScoreRow {
    let mut s = base.clone();
    s.as_of = as_of;
    s.tier.tier = tier;
    crate::seeds::score_row(&s, as_of)
}

#[tokio::test]
async fn the_360_view_as_of_a_past_date_shows_that_dates_tier_and_rm() {
    for app in TestApp::each().await {
        score_zhang_wei_gold_in_march_and_diamond_in_june(&app).await;
        // 张伟 moves from RM A to RM B today, through an accepted tier change.
        propose(&app).await;
        let bm = app.token("bm.zhejiang").await;
        let (_, list) = app.get_json(&bm, "/api/v1/tier-proposals").await;
        let zhang = id_of(&list, fixture::ZHANG_WEI_A.0);
        let (s, _) = app
            .post_json(
                &bm,
                &format!("/api/v1/tier-proposals/{zhang}/decision"),
                &json!({"decision": "accept", "dedicated_rm_staff_id": fixture::RM_B.0}),
            )
            .await;
        assert_eq!(s, 200);

        let admin = app.token("bm.head").await;
        let rms = |v: &serde_json::Value| -> Vec<String> {
            v["relationship_managers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["primary"] == true)
                .map(|r| r["display_name"].as_str().unwrap().to_owned())
                .collect()
        };
        let now = app.get_ok(&admin, "/api/v1/customers/1").await;
        assert_eq!(rms(&now), ["刘思远"], "{}: RM B today", app.backend);
        let (s, then) = app
            .get_json(&admin, "/api/v1/customers/1?as_of=2026-05-15")
            .await;
        assert_eq!(s, 200, "{then}");
        assert_eq!(rms(&then), ["陈晓明"], "{}: RM A in May", app.backend);

        assert_scores_as_of_a_date(&app, &admin).await;

        let browser = app.browser("bm.head").await;
        let html = browser.page("/customers/1?as_of=2026-05-15").await;
        assert!(
            html.contains("陈晓明") && !html.contains("刘思远"),
            "{html}"
        );
        assert!(html.contains("金卡"), "the tier of May: {html}");
        // Today's page puts the tier change on the customer's one timeline.
        let html = browser.page("/customers/1").await;
        assert!(
            html.contains("data-kind=\"tier\"") && html.contains("金卡 → 钻石"),
            "{}: {html}",
            app.backend
        );
    }
}

/// Scoring runs of 张伟 (1): gold at the end of March, diamond at the end of June.
async fn score_zhang_wei_gold_in_march_and_diamond_in_june(app: &TestApp) {
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let june = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let all = crate::seeds::scores(june);
    let base = all.iter().find(|s| s.party_id == 1).unwrap();
    for (as_of, tier) in [
        (
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            rapport_scoring::Tier::Gold,
        ),
        (june, rapport_scoring::Tier::Diamond),
    ] {
        let batch = ScoreBatch {
            scores: vec![score_row(base, as_of, tier)],
            ..ScoreBatch::default()
        };
        crate::seeds::write_run(app, as_of, "test", at, &batch).await;
    }
}

/// 张伟's scores today (diamond), as of May (gold, one run), before any run (none), and as of
/// a date that is none (400).
async fn assert_scores_as_of_a_date(app: &TestApp, token: &str) {
    let (_, scores) = app.get_json(token, "/api/v1/customers/1/scores").await;
    assert_eq!(scores["latest"]["tier"]["code"], "diamond", "{scores}");
    let may = app
        .get_ok(token, "/api/v1/customers/1/scores?as_of=2026-05-15")
        .await;
    assert_eq!(
        may["latest"]["tier"]["code"], "gold",
        "{}: {may}",
        app.backend
    );
    assert_eq!(may["history"].as_array().unwrap().len(), 1);
    let before = app
        .get_ok(token, "/api/v1/customers/1/scores?as_of=2026-01-31")
        .await;
    assert!(before["latest"].is_null(), "not scored yet then: {before}");
    let (s, e) = app
        .get_json(token, "/api/v1/customers/1/scores?as_of=2026-02-30")
        .await;
    assert_eq!(s, 400, "{e}");
}

#[tokio::test]
async fn a_branch_manager_assigns_primary_and_secondary_rms_and_scope_follows() {
    for app in TestApp::each().await {
        // 西湖's manager acts on 西湖's customers and RMs; the region's on both sub-branches.
        let bm = app.token("bm.xihu").await;
        let zj = app.token("bm.zhejiang").await;
        let rm_b = app.token("rm.b").await;
        let path = "/api/v1/customers/1/rms";
        let see = |token: String| {
            let app = &app;
            async move { app.get_json(&token, "/api/v1/customers/1").await.0 }
        };
        assert_eq!(see(rm_b.clone()).await, 404);
        let rm_b_staff = json!({"staff_id": fixture::RM_B.0});
        let (s, e) = app.post_json(&bm, path, &rm_b_staff).await;
        let why = format!("{}: 滨江's RM is not 西湖's to assign: {e}", app.backend);
        assert_eq!((s, e["field"].as_str()), (400, Some("staff_id")), "{why}");
        // RM B as a secondary RM: B sees 张伟 at once.
        let (s, rms) = app.post_json(&zj, path, &rm_b_staff).await;
        assert_eq!(s, 200, "{}: {rms}", app.backend);
        assert_eq!(rms.as_array().unwrap().len(), 2, "{rms}");
        assert_eq!(see(rm_b.clone()).await, 200, "{}", app.backend);
        assert_bad_assignments_are_refused(&app, &bm, &rm_b_staff).await;
        // The primary RM is replaced, never just ended.
        let end_a = format!("/api/v1/customers/1/rms/{}/end", fixture::RM_A.0);
        let (s, e) = app.post_json(&bm, &end_a, &json!({})).await;
        assert_eq!((s, e["field"].as_str()), (400, Some("staff_id")), "{e}");
        let end_b = format!("/api/v1/customers/1/rms/{}/end", fixture::RM_B.0);
        let (s, rms) = app.post_json(&zj, &end_b, &json!({})).await;
        assert_eq!(s, 200, "{rms}");
        assert_eq!(rms.as_array().unwrap().len(), 1);
        assert_eq!(see(rm_b.clone()).await, 404, "{}: B lost 张伟", app.backend);
        let (s, _) = app.post_json(&zj, &end_b, &json!({})).await;
        assert_eq!(s, 404, "B no longer serves 张伟");
        // B as primary: A's assignment ends.
        let (s, rms) = app
            .post_json(
                &zj,
                path,
                &json!({"staff_id": fixture::RM_B.0, "primary": true}),
            )
            .await;
        assert_eq!(s, 200, "{rms}");
        let primaries: Vec<i64> = rms
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["primary"] == true)
            .map(|r| r["staff_id"].as_i64().unwrap())
            .collect();
        assert_eq!(primaries, [fixture::RM_B.0], "{}: {rms}", app.backend);
        assert_eq!(see(app.token("rm.a").await).await, 404);

        the_360_page_assigns_for_a_branch_manager_only(&app).await;
    }
}

/// Bad input, each named; a customer out of the manager's scope is unknown; RMs may not
/// assign.
async fn assert_bad_assignments_are_refused(
    app: &TestApp,
    bm: &str,
    rm_b_staff: &serde_json::Value,
) {
    let path = "/api/v1/customers/1/rms";
    for (body, field) in [
        (json!({"staff_id": fixture::STEWARD.0}), "staff_id"),
        (json!({"staff_id": fixture::RM_A.0}), "staff_id"),
    ] {
        let (s, e) = app.post_json(bm, path, &body).await;
        assert_eq!(
            (s, e["field"].as_str()),
            (400, Some(field)),
            "{}: {e}",
            app.backend
        );
    }
    let (s, _) = app.post_json(bm, path, &json!({"staff": 3})).await;
    assert_eq!(s, 400);
    let (s, _) = app
        .post_json(bm, "/api/v1/customers/5/rms", rm_b_staff)
        .await;
    assert_eq!(s, 404, "李娜 is not 西湖's");
    let (s, _) = app
        .post_json(&app.token("rm.a").await, path, rm_b_staff)
        .await;
    assert_eq!(s, 403);
}

/// The 360 page's form assigns RM A as a secondary RM for the 西湖 manager, and is not
/// offered to an RM.
async fn the_360_page_assigns_for_a_branch_manager_only(app: &TestApp) {
    let browser = app.browser("bm.xihu").await;
    let html = browser.page("/customers/1").await;
    assert!(html.contains("data-testid=\"assign-rm\""), "{html}");
    let csrf = crate::form_field(&html, "csrf").to_owned();
    let res = browser
        .submit(
            "/customers/1/rms",
            &[
                ("csrf", csrf.as_str()),
                ("staff_id", &fixture::RM_A.0.to_string()),
                ("role", "secondary"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", app.backend);
    let html = browser.page("/customers/1").await;
    assert!(
        html.contains(&format!("end-rm-{}", fixture::RM_A.0)),
        "{html}"
    );
    let rm_page = app.browser("rm.a").await.page("/customers/1").await;
    assert!(
        !rm_page.contains("data-testid=\"assign-rm\""),
        "RMs do not assign"
    );
}

#[tokio::test]
async fn scorecards_rank_the_rms_in_scope_and_name_bad_periods() {
    for app in TestApp::each().await {
        let today = app.today();
        // A task of RM A due today, done.
        let rm = app.token("rm.a").await;
        let (s, task) = app
            .post_json(
                &rm,
                "/api/v1/tasks",
                &json!({"customer_id": 1, "kind": "call", "reason": "review", "due_on": today}),
            )
            .await;
        assert_eq!(s, 201, "{task}");
        let done = format!("/api/v1/tasks/{}/complete", task["id"]);
        let (s, _) = app
            .post_json(
                &rm,
                &done,
                &json!({"channel": "phone", "outcome": "reviewed"}),
            )
            .await;
        assert_eq!(s, 200);

        let (s, own) = app.get_json(&rm, "/api/v1/scorecards").await;
        assert_eq!(s, 200, "{own}");
        let rms = own["rms"].as_array().unwrap();
        assert_eq!(rms.len(), 1, "{}: an RM sees their own card", app.backend);
        assert_eq!(rms[0]["staff_id"], fixture::RM_A.0);
        assert_eq!(rms[0]["task_completion"], 1.0, "{own}");
        assert_eq!(rms[0]["customers"], 2, "张伟 and the company as primary");
        let (_, xihu) = app
            .get_json(&app.token("bm.xihu").await, "/api/v1/scorecards")
            .await;
        let ids = crate::ints(&xihu["rms"], "staff_id");
        assert_eq!(ids, [fixture::RM_A.0], "{}: 西湖's RMs", app.backend);
        let (_, all) = app
            .get_json(&app.token("bm.head").await, "/api/v1/scorecards")
            .await;
        let ranks = crate::ints(&all["rms"], "rank");
        assert_eq!(ranks, [1, 2], "{all}");
        let (s, _) = app
            .get_json(&app.token("steward01").await, "/api/v1/scorecards")
            .await;
        assert_eq!(s, 403);
        for (query, field) in [
            ("from=2026-13", "from"),
            ("to=june", "to"),
            ("from=2026-06&to=2026-01", "from"),
            ("from=2020-01&to=2026-01", "from"),
        ] {
            let (s, e) = app
                .get_json(&rm, &format!("/api/v1/scorecards?{query}"))
                .await;
            assert_eq!((s, e["field"].as_str()), (400, Some(field)), "{query}: {e}");
        }
        let (s, _) = app.get_json(&rm, "/api/v1/scorecards?month=1").await;
        assert_eq!(s, 400);

        let browser = app.browser("bm.xihu").await;
        let html = browser.page("/scorecards").await;
        assert!(
            html.contains("客户经理考核") && html.contains("data-testid=\"leaderboard\""),
            "{html}"
        );
        assert!(html.contains("growth-chart") && html.contains("nav-scorecards"));
        assert_eq!(browser.status("/scorecards?from=2026-13").await, 400);
    }
}

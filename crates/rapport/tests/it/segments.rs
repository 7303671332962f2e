//! Saved segments end to end: a scored demo bank, `rapport serve` with its warehouse engine, a
//! segment created through the API is checked and evaluated by the real warehouse at once, and
//! `rapport score` re-evaluates every active segment. Member counts are compared with the
//! warehouse's own evaluation and with the store's scores of the same as-of date.

use std::path::Path;

use chrono::NaiveDate;
use rapport_warehouse::Warehouse;
use rapport_warehouse::segments::SegmentExpr;
use serde_json::Value;

use crate::server::{demo_password, http, login, serve, stop};
use crate::{demo_bank, execute_sql, query_i64, rapport, stderr};

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn post_segment(addr: &str, token: &str, body: &str) -> (u16, String) {
    http(addr, "POST", "/api/v1/segments", body, Some(token))
}

/// The segment the test saves, as stored for the whole bank.
struct Saved {
    id: i64,
    as_of: NaiveDate,
    /// How many members the store holds for `as_of`.
    members: i64,
    /// The members as the warehouse evaluates the expression itself.
    by_warehouse: Vec<i64>,
}

#[test]
fn a_segment_saved_through_the_api_is_evaluated_by_the_warehouse_and_by_every_scoring() {
    let (_dir, data, _) = demo_bank("1000", &[]);
    let d = data.to_str().unwrap();
    let warehouse = Warehouse::open(
        data.join("warehouse"),
        rapport_domain::BankSettings::default().time_zone,
    )
    .unwrap();
    let as_of: NaiveDate = *warehouse
        .feature_dates()
        .unwrap()
        .last()
        .expect("the demo scored its bank: features exist");

    let rm_password = demo_password(&data, "rm0001");
    let served = serve(d, "warn");
    let (server, addr) = (served.child, served.addr);
    // Keep reading so the server never blocks on a full pipe.
    let log = served.log;
    std::thread::spawn(move || for _ in log {});
    // An RM defines the segment (an administrator sees no customer, so no members either).
    let rm = login(&addr, "rm0001", &rm_password);
    assert_the_checker_names_each_bad_expression(&addr, &rm);

    // Saved and evaluated at once over the latest features.
    let (s, body) = post_segment(
        &addr,
        &rm,
        r#"{"name":"十万以上","expression":"aum_m0 >= yuan(100000)","description":"AUM of 100,000 yuan or more"}"#,
    );
    assert_eq!(s, 201, "{body}");
    let created = json(&body);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["expression"], "aum_m0 >= (100000 * 100)");
    assert_eq!(created["as_of"], as_of.to_string());
    let db = data.join("rapport.db");
    let saved =
        stored_members_as_the_warehouse_and_the_scores_count_them(&db, &warehouse, id, as_of);

    let (s, body) = post_segment(
        &addr,
        &rm,
        r#"{"name":"十万以上","expression":"aum_m0 >= yuan(1)"}"#,
    );
    assert_eq!(s, 409, "{body}");

    assert_the_rm_sees_only_its_portfolio_s_members_masked(&addr, &rm, &db, &saved, &created);
    // The page lists it and helps with the warehouse's columns.
    let (s, html) = http(&addr, "GET", "/segments", "", Some(&rm));
    assert_eq!(s, 200);
    assert!(html.contains("十万以上") && html.contains("data-testid=\"segment-columns\""));
    assert!(
        html.contains("<code>holds_wealth_management</code>"),
        "{html}"
    );
    assert!(!html.contains("segments-unavailable"));
    stop(server);

    assert_every_scoring_evaluates_every_active_segment_again(d, &db, &saved);
}

/// The warehouse's checker names what is wrong, field `expression`.
fn assert_the_checker_names_each_bad_expression(addr: &str, rm: &str) {
    for (expression, needle) in [
        ("aum_m0 >= 1 AND bogus_col > 2", "bogus_col"),
        ("aum_m0 >= 1; DROP TABLE parties", ";"),
        ("sleep(10) > 1", "sleep"),
        ("aum_m0 + 1", "condition"),
        // A customer's id is not a feature: no condition asks about one customer.
        ("party_id = 1 AND aum_m0 > 0", "party_id"),
    ] {
        let (s, body) = post_segment(
            addr,
            rm,
            &serde_json::json!({"name": "bad", "expression": expression}).to_string(),
        );
        assert_eq!(s, 400, "{expression}: {body}");
        let v = json(&body);
        assert_eq!(v["code"], "invalid_parameter");
        assert_eq!(v["field"], "expression", "{body}");
        assert!(
            v["message"].as_str().unwrap().contains(needle),
            "{expression}: {body}"
        );
    }
}

/// The whole bank's members are stored (the RM is told only how many are theirs); the same
/// count, computed independently: the warehouse's own evaluation over the features Parquet, and
/// the store's scores of that as-of date (they hold the same AUM).
fn stored_members_as_the_warehouse_and_the_scores_count_them(
    db: &Path,
    warehouse: &Warehouse,
    id: i64,
    as_of: NaiveDate,
) -> Saved {
    let members = query_i64(
        db,
        &format!(
            "SELECT count(*) FROM segment_members WHERE segment_id = {id} AND as_of = '{as_of}'"
        ),
    );
    let expr = SegmentExpr::parse("aum_m0 >= yuan(100000)").unwrap();
    let by_warehouse = warehouse.evaluate_segment(as_of, &expr).unwrap();
    assert_eq!(members, by_warehouse.len() as i64);
    let by_scores = query_i64(
        db,
        &format!(
            "SELECT count(*) FROM party_scores s JOIN parties p ON p.id = s.party_id \
             WHERE s.as_of = '{as_of}' AND s.aum_minor >= 10000000 AND p.merged_into IS NULL"
        ),
    );
    assert_eq!(members, by_scores);
    assert!(
        members > 10 && members < 1000,
        "a meaningful segment: {members}"
    );
    Saved {
        id,
        as_of,
        members,
        by_warehouse,
    }
}

/// The RM sees the members in its portfolio only, masked.
fn assert_the_rm_sees_only_its_portfolio_s_members_masked(
    addr: &str,
    rm: &str,
    db: &Path,
    saved: &Saved,
    created: &Value,
) {
    let Saved {
        id,
        as_of,
        members,
        ref by_warehouse,
    } = *saved;
    let (s, body) = http(addr, "GET", "/api/v1/segments", "", Some(rm));
    assert_eq!(s, 200, "{body}");
    let listed = json(&body);
    let rm_members = listed[0]["members"].as_i64().unwrap();
    let in_portfolio = query_i64(
        db,
        &format!(
            "SELECT count(DISTINCT m.party_id) FROM segment_members m \
             JOIN rm_assignments ra ON ra.party_id = m.party_id AND ra.effective_to IS NULL \
             JOIN staff st ON st.id = ra.staff_id AND st.username = 'rm0001' \
             JOIN parties p ON p.id = m.party_id AND p.merged_into IS NULL \
             WHERE m.segment_id = {id} AND m.as_of = '{as_of}'"
        ),
    );
    assert_eq!(rm_members, in_portfolio);
    assert_eq!(created["members"].as_i64(), Some(in_portfolio), "{created}");
    assert!(rm_members < members, "{rm_members} of {members}");
    let (s, body) = http(
        addr,
        "GET",
        &format!("/api/v1/segments/{id}?page_size=100"),
        "",
        Some(rm),
    );
    assert_eq!(s, 200, "{body}");
    let detail = json(&body);
    let items = detail["members"]["items"].as_array().unwrap();
    assert_eq!(items.len() as i64, rm_members.min(100));
    for c in items {
        let resident_id = c["resident_id"].as_str().unwrap_or("****");
        assert!(resident_id.contains("****"), "masked: {c}");
        assert!(by_warehouse.contains(&c["id"].as_i64().unwrap()));
    }
}

/// Every scoring evaluates every active segment again, for the date it scores. A definition the
/// checker no longer accepts is reported and skipped, not fatal.
fn assert_every_scoring_evaluates_every_active_segment_again(d: &str, db: &Path, saved: &Saved) {
    let Saved {
        id, as_of, members, ..
    } = *saved;
    execute_sql(
        db,
        &format!(
            "DELETE FROM segment_members WHERE segment_id = {id}; \
             INSERT INTO segments (name, expression, created_by, created_at) \
             SELECT 'broken', 'party_id = 1', id, '2026-07-01T00:00:00.000000Z' FROM staff \
             WHERE username = 'admin'"
        ),
    );
    let out = rapport(&["score", "--data-dir", d, "--as-of", &as_of.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = format!("segment {id} \"十万以上\": {members} members as of {as_of}");
    assert!(stderr(&out).contains(&line), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("\"broken\": not evaluated: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        query_i64(
            db,
            &format!(
                "SELECT count(*) FROM segment_members WHERE segment_id = {id} AND as_of = '{as_of}'"
            )
        ),
        members
    );
}

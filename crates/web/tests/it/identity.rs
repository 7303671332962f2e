//! Identity resolution at the edge (R2.5, R2.6): the steward's review queue and decisions,
//! manual merge and unmerge, source records, and real-time matching — on every backend.
use rapport_domain::PartyId;
use rapport_store::identity::ResolutionRecord;
use serde_json::json;

use crate::seeds::{CHEN_MOBILE, ZHOU_MOBILE, seed, valid_resident_id};
use crate::{TestApp, status_and};

fn party(r: &ResolutionRecord) -> i64 {
    r.party_id.map(|PartyId(p)| p).unwrap()
}

#[tokio::test]
async fn the_steward_reviews_and_decides_pairs() {
    for app in TestApp::each().await {
        let records = seed(&app).await;
        let steward = app.token("steward01").await;
        let page = app.get_ok(&steward, "/api/v1/identity/reviews").await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        let id = items[0]["id"].as_i64().unwrap();
        assert_eq!(items[0]["status"], "pending");
        assert_the_pair_is_shown_masked(&app, &steward, id).await;
        assert_other_roles_and_bad_decisions_are_refused(&app, &steward, id).await;

        // Same person: the two customers become one (the lower id kept); twice → 409.
        let path = format!("/api/v1/identity/reviews/{id}/decision");
        let (s, item) = app
            .post_json(
                &steward,
                &path,
                &json!({"decision": "same_person", "note": "same ID card seen at the branch"}),
            )
            .await;
        assert_eq!(s, 200, "{}: {item}", app.backend);
        assert_eq!(item["status"], "approved");
        let answer = app
            .post_json(&steward, &path, &json!({"decision": "different_people"}))
            .await;
        assert_eq!(status_and(&answer, "code"), (409, Some("conflict")));
        let (keep, absorbed) = {
            let (a, b) = (party(&records[0]), party(&records[1]));
            (a.min(b), a.max(b))
        };
        let (s, _) = app
            .get_json(&steward, &format!("/api/v1/customers/{absorbed}"))
            .await;
        assert_eq!(s, 404, "{}: the absorbed customer is gone", app.backend);
        let (s, ident) = app
            .get_json(&steward, &format!("/api/v1/customers/{keep}/identity"))
            .await;
        assert_eq!(s, 200);
        assert_eq!(ident["source_records"].as_array().unwrap().len(), 2);
        assert_eq!(ident["events"][0]["kind"], "merge");

        // Each view and decision is in the audit trail with the parties.
        let auditor = app.token("auditor01").await;
        let (_, trail) = app.get_json(&auditor, "/api/v1/audit?page_size=100").await;
        let actions: Vec<&str> = trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(actions.contains(&"review_viewed"), "{actions:?}");
        assert!(actions.contains(&"review_decided"), "{actions:?}");
    }
}

/// Review `id` shows both records side by side, identifiers masked for the steward's role.
async fn assert_the_pair_is_shown_masked(app: &TestApp, steward: &str, id: i64) {
    let (s, pair) = app
        .get_json(steward, &format!("/api/v1/identity/reviews/{id}"))
        .await;
    assert_eq!(s, 200);
    let text = pair.to_string();
    for clear in [
        CHEN_MOBILE,
        ZHOU_MOBILE,
        &valid_resident_id(11),
        &valid_resident_id(22),
        "陈静",
        "周杰",
    ] {
        assert!(!text.contains(clear), "{}: {clear} in clear", app.backend);
    }
    assert_eq!(pair["a"]["mobile"], "138****8000");
    assert_eq!(pair["fields"][0]["field"], "name");
    assert_eq!(pair["fields"][1]["weight"], 4.75);
    assert!(
        pair["masked_fields"]
            .as_array()
            .unwrap()
            .contains(&json!("resident_id"))
    );
}

/// Other roles get 403 on the decision and on the queue; the steward's bad bodies name the
/// field, and unknown pairs are 404. Review `id` stays pending.
async fn assert_other_roles_and_bad_decisions_are_refused(app: &TestApp, steward: &str, id: i64) {
    let rm = app.token("rm.a").await;
    let path = format!("/api/v1/identity/reviews/{id}/decision");
    let decision = |decision: &str| json!({"decision": decision});
    let answer = app.post_json(&rm, &path, &decision("same_person")).await;
    assert_eq!(status_and(&answer, "code"), (403, Some("forbidden")));
    let (s, _) = app.get_json(&rm, "/api/v1/identity/reviews").await;
    assert_eq!(s, 403);

    let answer = app.post_json(steward, &path, &decision("maybe")).await;
    assert_eq!(status_and(&answer, "field"), (400, Some("decision")));
    let long = json!({"decision": "different_people", "note": "x".repeat(501)});
    let answer = app.post_json(steward, &path, &long).await;
    assert_eq!(status_and(&answer, "field"), (400, Some("note")));
    let unknown = "/api/v1/identity/reviews/999999/decision";
    let (s, _) = app
        .post_json(steward, unknown, &decision("same_person"))
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .get_json(steward, "/api/v1/identity/reviews/999999")
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_manual_merge_can_be_undone() {
    for app in TestApp::each().await {
        let records = seed(&app).await;
        let steward = app.token("steward01").await;
        let (keep, absorb) = (party(&records[2]), party(&records[3]));
        let path = format!("/api/v1/customers/{keep}/merge");
        let before = app
            .get_ok(&steward, &format!("/api/v1/customers/{absorb}"))
            .await;
        // The golden record names the winning source of each field (R2.4).
        let sources = before["profile"]["field_sources"].as_array().unwrap();
        let name = sources.iter().find(|f| f["field"] == "name").unwrap();
        assert_eq!(name["rule"], "most_trusted", "{}", app.backend);
        assert!(name["source_key"].as_str().is_some_and(|k| !k.is_empty()));

        // RMs do not merge; a blank reason, a customer into itself and an unknown one are
        // refused, the bad fields named.
        let rm = app.token("rm.a").await;
        let merge = |absorb: i64, reason: &str| json!({"absorb": absorb, "reason": reason});
        for (token, body, status, field) in [
            (&rm, merge(absorb, "dup"), 403, None),
            (&steward, merge(absorb, " "), 400, Some("reason")),
            (&steward, merge(keep, "dup"), 400, Some("absorb")),
            (&steward, merge(999999, "dup"), 404, None),
        ] {
            let (s, v) = app.post_json(token, &path, &body).await;
            assert_eq!(s, status, "{}: {body}: {v}", app.backend);
            if let Some(field) = field {
                assert_eq!(v["field"], field, "{body}: {v}");
            }
        }

        let confirmed = merge(absorb, "same person, confirmed by phone");
        let (s, out) = app.post_json(&steward, &path, &confirmed).await;
        assert_eq!(s, 200, "{}: {out}", app.backend);
        assert_eq!(out["customer_id"], keep);
        let absorbed = format!("/api/v1/customers/{absorb}");
        let (s, _) = app.get_json(&steward, &absorbed).await;
        assert_eq!(s, 404);
        let (_, ident) = app
            .get_json(&steward, &format!("/api/v1/customers/{keep}/identity"))
            .await;
        let event = ident["events"][0]["id"].as_i64().unwrap();
        assert_eq!(ident["events"][0]["other_customer_id"], absorb);

        let undo = format!("/api/v1/identity/merges/{event}/undo");
        let (s, _) = app.post_json(&rm, &undo, &json!({"reason": "wrong"})).await;
        assert_eq!(s, 403);
        let why = json!({"reason": "different people after all"});
        let (s, out) = app.post_json(&steward, &undo, &why).await;
        assert_eq!(s, 200, "{}: {out}", app.backend);
        assert_eq!(out["other_customer_id"], absorb);
        let after = app.get_ok(&steward, &absorbed).await;
        assert_eq!(after["profile"]["name"], before["profile"]["name"]);
        assert_eq!(after["profile"]["mobile"], before["profile"]["mobile"]);
        let again = app
            .post_json(&steward, &undo, &json!({"reason": "again"}))
            .await;
        assert_eq!(status_and(&again, "code"), (409, Some("conflict")));
    }
}

#[tokio::test]
async fn matching_finds_the_party_of_a_known_record() {
    const MATCH: &str = "/api/v1/identity/match";
    for app in TestApp::each().await {
        let records = seed(&app).await;
        let indexed = rapport_web::rebuild_match_index(app.state.clone())
            .await
            .unwrap();
        assert_eq!(indexed, 4);
        let agent = app.token("agent01").await;
        let chen = json!({"name": "陈静", "resident_id": valid_resident_id(11), "mobile": CHEN_MOBILE,
                          "gender": "F"});
        let (s, body) = app.post_json(&agent, MATCH, &chen).await;
        assert_eq!(s, 200, "{}: {body}", app.backend);
        assert_eq!(body["match"]["customer_id"], party(&records[0]));
        assert_eq!(body["match"]["decision"], "match");
        assert!(!body["match"]["explanation"].as_array().unwrap().is_empty());

        let stranger = json!({"name": "欧阳娜娜", "mobile": "13511112222",
                              "birth_date": "2001-02-03"});
        let (s, body) = app.post_json(&agent, MATCH, &stranger).await;
        assert_eq!(s, 200);
        assert!(body["match"].is_null(), "{body}");

        for (body, field) in [
            (json!({"mobile": CHEN_MOBILE}), "name"),
            (json!({"name": "陈静", "mobile": "12"}), "mobile"),
        ] {
            let answer = app.post_json(&agent, MATCH, &body).await;
            assert_eq!(status_and(&answer, "field"), (400, Some(field)), "{body}");
        }
        let rm = app.token("rm.a").await;
        let (s, _) = app.post_json(&rm, MATCH, &json!({"name": "陈静"})).await;
        assert_eq!(s, 403);
    }
}

#[tokio::test]
async fn identity_pages_render_in_both_languages() {
    for app in TestApp::each().await {
        let records = seed(&app).await;
        let browser = app.browser("steward01").await;
        let (_, page) = app
            .get_json(&app.token("steward01").await, "/api/v1/identity/reviews")
            .await;
        let id = page["items"][0]["id"].as_i64().unwrap();
        let customer = party(&records[0]);
        for (lang, needles) in [
            ("zh", ["待复核客户对", "客户对复核", "来源记录", "合并历史"]),
            (
                "en",
                [
                    "Pairs to review",
                    "Review a pair",
                    "Source records",
                    "Merge history",
                ],
            ),
        ] {
            let res = browser.open(&format!("/lang/{lang}?next=/")).await;
            assert_eq!(res.status(), 303);
            let mut html = String::new();
            for path in [
                "/identity/reviews".to_owned(),
                format!("/identity/reviews/{id}"),
                format!("/customers/{customer}"),
            ] {
                let res = browser.open(&path).await;
                assert_eq!(res.status(), 200, "{}: {path}", app.backend);
                html.push_str(&res.text().await.unwrap());
            }
            for n in needles {
                assert!(html.contains(n), "{}: {lang} lacks {n}", app.backend);
            }
            assert!(!html.contains(CHEN_MOBILE), "mobile in clear");
            assert!(html.contains("138****8000"));
        }
        // Deciding through the page needs the session's form token.
        let res = browser
            .submit(
                &format!("/identity/reviews/{id}"),
                &[("csrf", "wrong"), ("decision", "different_people")],
            )
            .await;
        assert_eq!(res.status(), 403);
        let rm = app.browser("rm.a").await;
        let res = rm.open("/identity/reviews").await;
        assert_eq!(res.status(), 403);
    }
}

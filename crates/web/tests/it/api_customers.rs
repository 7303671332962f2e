use serde_json::Value;

use crate::TestApp;

fn ids(page: &Value) -> Vec<i64> {
    crate::ints(&page["items"], "id")
}

#[tokio::test]
async fn search_by_every_kind_of_key_through_the_api() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        for q in [
            "张伟",
            "伟",
            "zhangwei",
            "zhang%20wei",
            "zw",
            "zhangwie",
            "5678",
            "13812345678",
            "C0000000001",
            "6222021234567890128",
        ] {
            let (s, page) = app.search(&token, q).await;
            assert_eq!(s, 200, "{q}");
            assert_eq!(ids(&page), vec![1], "{}: {q}", app.backend);
        }
        // Free text is never an error.
        for q in ["%25", "'%20OR%201=1", "%3Cscript%3E", "%F0%9F%98%80", "a"] {
            let (s, page) = app.search(&token, q).await;
            assert_eq!(s, 200, "{q}");
            assert!(ids(&page).is_empty(), "{q}");
        }
    }
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    for app in TestApp::each().await {
        let token = app.token("bm.head").await;
        for (path, field) in [
            ("/api/v1/customers?page=0", "page"),
            ("/api/v1/customers?page=abc", "page"),
            ("/api/v1/customers?page_size=0", "page_size"),
            ("/api/v1/customers?page_size=1000", "page_size"),
            ("/api/v1/customers?colour=red", "colour"),
            ("/api/v1/customers/abc", "id"),
        ] {
            let (s, body) = app.get_json(&token, path).await;
            assert_eq!(
                (s, body["code"].as_str()),
                (400, Some("invalid_parameter")),
                "{path}: {body}"
            );
            let named =
                body["field"].as_str() == Some(field) || crate::message(&body).contains(field);
            assert!(named, "{path}: {body}");
        }
        let (s, body) = app.get_json(&token, "/api/v1/customers/999999").await;
        assert_eq!((s, body["code"].as_str()), (404, Some("not_found")));
    }
}

#[tokio::test]
async fn the_360_view_has_holdings_trend_and_rm() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        let v = app.get_ok(&token, "/api/v1/customers/1").await;
        assert_eq!(v["profile"]["name"], "张伟");
        assert_eq!(v["accounts"].as_array().unwrap().len(), 3);
        assert_eq!(v["aum_trend"].as_array().unwrap().len(), 24);
        assert_eq!(v["aum_trend"][23]["aum"]["amount"], "420000.00");
        assert_eq!(
            v["total_assets"]["amount"], "420000.00",
            "current + time deposit"
        );
        assert_eq!(v["total_liabilities"]["amount"], "3000.00", "credit card");
        assert_eq!(v["relationship_managers"][0]["display_name"], "陈晓明");
        let rels = v["relationships"].as_array().unwrap();
        let spouse = rels.iter().find(|r| r["kind"] == "spouse").unwrap();
        assert!(
            spouse["party_id"].is_null(),
            "out-of-scope relative is not linkable"
        );
        assert_eq!(spouse["name"], "李*", "and is masked");
        let employer = rels.iter().find(|r| r["kind"] == "employer").unwrap();
        assert_eq!(employer["party_id"], 4);
    }
}

#[tokio::test]
async fn pages_of_a_list_follow_one_another() {
    for app in TestApp::each().await {
        let token = app.token("bm.head").await;
        let (_, p1) = app
            .get_json(&token, "/api/v1/customers?page=1&page_size=2")
            .await;
        let (_, p3) = app
            .get_json(&token, "/api/v1/customers?page=3&page_size=2")
            .await;
        assert_eq!(
            (p1["has_more"].as_bool(), p3["has_more"].as_bool()),
            (Some(true), Some(false))
        );
        assert_eq!(ids(&p3), vec![5]);
    }
}

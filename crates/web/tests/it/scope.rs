//! Data scope (BOLA) and masking, role by role (R8.1, R8.2).
use std::collections::BTreeSet;

use rapport_store_contract::fixture::{self, ZHANG_WEI_A_ACCOUNT, ZHANG_WEI_A_MOBILE};
use serde_json::Value;

use crate::TestApp;

/// Everything identifying about RM B's own 张伟 (party 3) and 李娜 (party 5, nobody's).
const FOREIGN: &[(i64, &[&str])] = &[
    (
        3,
        &["15811112222", "2222", "C0000000003", "6222025555666677774"],
    ),
    (
        5,
        &[
            "李娜",
            "lina",
            "18655556666",
            "6666",
            "C0000000005",
            "6222023333444455557",
        ],
    ),
];

fn ids(page: &Value) -> BTreeSet<i64> {
    crate::ints(&page["items"], "id").into_iter().collect()
}

#[tokio::test]
async fn rm_a_reaches_none_of_rm_b_s_customers_by_any_route() {
    for app in TestApp::each().await {
        let token = app.token("rm.a").await;
        let browser = app.browser("rm.a").await;
        let (_, doc) = app.get_json("", "/api/v1/openapi.json").await;
        // Every GET operation with a customer id in its path, as declared in the API document,
        // so a route added later is walked too.
        let id_routes: Vec<String> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(path, item)| path.contains("{id}") && item.get("get").is_some())
            .map(|(path, _)| path.clone())
            .collect();
        assert!(!id_routes.is_empty());
        for (id, needles) in FOREIGN {
            for route in &id_routes {
                let path = route.replace("{id}", &id.to_string());
                let res = TestApp::client()
                    .get(app.url(&path))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 404, "{}: {path}", app.backend);
                let text = res.text().await.unwrap();
                assert!(
                    needles.iter().all(|n| !text.contains(n)),
                    "{path} leaked: {text}"
                );
                assert_eq!(
                    serde_json::from_str::<Value>(&text).unwrap()["code"],
                    "not_found"
                );
            }
            // The 360 page answers like an unknown customer.
            let page = browser.open(&format!("/customers/{id}")).await;
            assert_eq!(page.status(), 404);
            let html = page.text().await.unwrap();
            assert!(needles.iter().all(|n| !html.contains(n)), "page leaked");
            let unknown = browser.page("/customers/999999").await;
            assert_eq!(
                strip_path(&html),
                strip_path(&unknown),
                "out of scope looks exactly like unknown"
            );
            // Searching by anything identifying finds nothing, in the API and in the page.
            for needle in *needles {
                let (s, page) = app
                    .get_json(&token, &format!("/api/v1/customers?q={needle}"))
                    .await;
                assert_eq!(s, 200);
                assert!(
                    !ids(&page).contains(id),
                    "{}: search {needle} found {id}",
                    app.backend
                );
                let html = browser.page(&format!("/customers?q={needle}")).await;
                assert!(
                    !html.contains(&format!("/customers/{id}\"")),
                    "page search {needle}"
                );
            }
        }
        // Lists: A's whole scope, page after page, holds none of B's customers.
        let (_, all) = app
            .get_json(&token, "/api/v1/customers?page_size=100")
            .await;
        assert_eq!(ids(&all), BTreeSet::from([1, 2, 4]), "{}", app.backend);
        let (_, zw) = app.get_json(&token, "/api/v1/customers?q=张伟").await;
        assert_eq!(ids(&zw), BTreeSet::from([1]));
    }
}

/// The language switch link carries the current path; compare pages without it.
fn strip_path(html: &str) -> String {
    html.lines()
        .filter(|l| !l.contains("/lang/"))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Row {
    user: &'static str,
    scope: &'static [i64],
    name_shown: bool,
    mobile_shown: bool,
    /// Roles that see the birthday see no digit of the resident ID; roles that see the
    /// area-and-tail mask see no part of the birth date (its hidden digits are the date).
    birthday_shown: bool,
}

const ROLE_TABLE: &[Row] = &[
    Row {
        user: "rm.a",
        scope: &[1, 2, 4],
        name_shown: true,
        mobile_shown: true,
        birthday_shown: true,
    },
    Row {
        user: "bm.xihu",
        scope: &[1, 4],
        name_shown: true,
        mobile_shown: true,
        birthday_shown: true,
    },
    Row {
        user: "agent01",
        scope: &[1, 2, 3, 4, 5],
        name_shown: true,
        mobile_shown: false,
        birthday_shown: false,
    },
    Row {
        user: "steward01",
        scope: &[1, 2, 3, 4, 5],
        name_shown: false,
        mobile_shown: false,
        birthday_shown: false,
    },
    Row {
        user: "marketing01",
        scope: &[1, 2, 3, 4, 5],
        name_shown: false,
        mobile_shown: false,
        birthday_shown: false,
    },
    Row {
        user: "auditor01",
        scope: &[1, 2, 3, 4, 5],
        name_shown: false,
        mobile_shown: false,
        birthday_shown: false,
    },
    Row {
        user: "bm.head",
        scope: &[1, 2, 3, 4, 5],
        name_shown: true,
        mobile_shown: true,
        birthday_shown: true,
    },
    // Separation of duties: administering logins shows no customer.
    Row {
        user: "admin",
        scope: &[],
        name_shown: false,
        mobile_shown: false,
        birthday_shown: false,
    },
];

#[tokio::test]
async fn the_role_table_holds_row_by_row() {
    let id = fixture::zhang_wei_a_resident_id();
    for app in TestApp::each().await {
        for row in ROLE_TABLE {
            let who = format!("{}: {}", app.backend, row.user);
            let token = app.token(row.user).await;
            let (_, list) = app
                .get_json(&token, "/api/v1/customers?page_size=100")
                .await;
            assert_eq!(
                ids(&list),
                row.scope.iter().copied().collect(),
                "{who}: scope"
            );

            let res = crate::TestApp::client()
                .get(app.url("/api/v1/customers/1"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            if !row.scope.contains(&1) {
                assert_eq!(res.status(), 404, "{who}: out of scope");
                continue;
            }
            let text = res.text().await.unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_the_360_masks_as_the_row_says(&who, row, &v, id.as_str());
            let mut forbidden = vec![
                id.as_str().to_owned(),
                ZHANG_WEI_A_ACCOUNT.to_owned(),
                "文三路90号".to_owned(),
            ];
            if !row.mobile_shown {
                forbidden.push(ZHANG_WEI_A_MOBILE.to_owned());
            }
            for f in &forbidden {
                assert!(!text.contains(f.as_str()), "{who}: 360 JSON shows {f}");
                assert!(
                    !list.to_string().contains(f.as_str()),
                    "{who}: list JSON shows {f}"
                );
            }
            // The page shows exactly what the API shows.
            let html = app.browser(row.user).await.page("/customers/1").await;
            for f in &forbidden {
                assert!(!html.contains(f.as_str()), "{who}: 360 page shows {f}");
            }
            assert!(
                html.contains(if row.name_shown { "张伟" } else { "张*" }),
                "{who}: page name"
            );
        }
    }
}

/// Customer 1's 360 (`v`) as `row`'s role sees it: name, mobile and birthday as the row says;
/// resident ID, account numbers and address masked for every role.
fn assert_the_360_masks_as_the_row_says(who: &str, row: &Row, v: &Value, id: &str) {
    let p = &v["profile"];
    assert_eq!(
        p["name"],
        if row.name_shown { "张伟" } else { "张*" },
        "{who}: name"
    );
    assert_eq!(
        p["mobile"],
        if row.mobile_shown {
            ZHANG_WEI_A_MOBILE
        } else {
            "138****5678"
        },
        "{who}: mobile"
    );
    // Resident ID, account numbers and address are masked for every role.
    if row.birthday_shown {
        assert_eq!(p["resident_id"], "******************", "{who}: resident ID");
        assert_eq!(p["birth_date"], "--07-09", "{who}: birthday, no year");
    } else {
        assert_eq!(
            p["resident_id"],
            rapport_domain::mask::mask_resident_id(id).as_str(),
            "{who}: resident ID"
        );
        assert_eq!(p["resident_id"], "330106********1236", "{who}");
        assert!(p["birth_date"].is_null(), "{who}: no birth date");
    }
    assert_eq!(p["address"], "浙江省杭州市西湖区", "{who}: address");
    for a in v["accounts"].as_array().unwrap() {
        let n = a["account_number"].as_str().unwrap();
        assert_eq!(
            n.matches('*').count(),
            n.len() - 10,
            "{who}: first 6 + last 4 of {n}"
        );
    }
}

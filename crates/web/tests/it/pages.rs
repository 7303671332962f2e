use crate::{TestApp, password};

pub fn form_field<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    &html[start..start + html[start..].find('"').unwrap()]
}

#[tokio::test]
async fn login_page_posts_with_its_anti_forgery_token() {
    for app in TestApp::each().await {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let html = browser
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("员工登录"), "Chinese by default");
        let csrf = form_field(&html, "csrf").to_owned();

        // Without the token (a cross-site form): refused.
        let res = browser
            .post(app.url("/login"))
            .form(&[
                ("username", "rm.a"),
                ("password", password().0.as_str()),
                ("csrf", "forged"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{}", app.backend);

        let html = browser
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf2 = form_field(&html, "csrf").to_owned();
        assert_ne!(csrf, csrf2);
        let res = browser
            .post(app.url("/login"))
            .form(&[
                ("username", "rm.a"),
                ("password", "wrong"),
                ("csrf", csrf2.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert!(res.text().await.unwrap().contains("用户名或密码错误"));

        let html = browser
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf3 = form_field(&html, "csrf").to_owned();
        let res = browser
            .post(app.url("/login"))
            .form(&[
                ("username", "rm.a"),
                ("password", password().0.as_str()),
                ("csrf", csrf3.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/customers");

        let html = browser
            .get(app.url("/customers?q=zw"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("/customers/1\""),
            "search page finds 张伟 by initials"
        );

        // Logging out needs the session's token too.
        let res = browser
            .post(app.url("/logout"))
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let csrf = form_field(&html, "csrf").to_owned();
        let res = browser
            .post(app.url("/logout"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let res = browser.get(app.url("/customers")).send().await.unwrap();
        assert_eq!(
            (
                res.status().as_u16(),
                res.headers()["location"].to_str().unwrap()
            ),
            (303, "/login")
        );
    }
}

#[tokio::test]
async fn the_360_page_renders_in_both_languages() {
    for app in TestApp::each().await {
        let browser = app.browser("rm.a").await;
        let zh = browser.get(app.url("/customers/1")).send().await.unwrap();
        assert_eq!(zh.status(), 200);
        let zh = zh.text().await.unwrap();
        for s in [
            "张伟",
            "AUM 近24个月走势",
            "一年期定期存款",
            "陈晓明",
            "data-months=",
            "echarts.min.js",
            "杭州恒信贸易有限公司",
        ] {
            assert!(zh.contains(s), "{}: zh page lacks {s}", app.backend);
        }
        let res = browser
            .get(app.url("/lang/en?next=/customers/1"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            (
                res.status().as_u16(),
                res.headers()["location"].to_str().unwrap()
            ),
            (303, "/customers/1")
        );
        let en = browser
            .get(app.url("/customers/1"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for s in [
            "AUM, last 24 months",
            "1-year time deposit",
            "Holdings and accounts",
            "Wensan Road Outlet",
        ] {
            assert!(en.contains(s), "en page lacks {s}");
        }
        // Never an open redirect.
        let res = browser
            .get(app.url("/lang/zh?next=//evil.example"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/");
        let res = browser.get(app.url("/lang/xx")).send().await.unwrap();
        assert_eq!(res.status(), 400);
    }
}

#[tokio::test]
async fn static_assets_are_versioned_and_cacheable() {
    for app in TestApp::each().await {
        let html = app
            .browser("rm.a")
            .await
            .get(app.url("/customers/1"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = html.find("/static/echarts.min.js?v=").unwrap();
        let url = &html[start..start + html[start..].find('"').unwrap()];
        let res = TestApp::client().get(app.url(url)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert!(res.bytes().await.unwrap().len() > 500_000);
        assert_eq!(
            TestApp::client()
                .get(app.url("/static/nope.js"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let res = TestApp::client()
            .get(app.url("/docs/errors"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(res.contains("account_locked"));
    }
}

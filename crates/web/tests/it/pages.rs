use crate::{TestApp, form_field, password};

#[tokio::test]
async fn login_page_posts_with_its_anti_forgery_token() {
    for app in TestApp::each().await {
        let browser = app.anonymous_browser();
        let html = browser.page("/login").await;
        assert!(html.contains("员工登录"), "Chinese by default");
        let csrf = form_field(&html, "csrf").to_owned();
        let log_in = |password: &'static str, csrf: String| {
            let browser = browser.clone();
            async move {
                let form = [
                    ("username", "rm.a"),
                    ("password", password),
                    ("csrf", csrf.as_str()),
                ];
                browser.submit("/login", &form).await
            }
        };

        // Without the token (a cross-site form): refused.
        let res = log_in(password().0.as_str(), "forged".into()).await;
        assert_eq!(res.status(), 403, "{}", app.backend);

        let csrf2 = browser.csrf("/login").await;
        assert_ne!(csrf, csrf2);
        let res = log_in("wrong", csrf2).await;
        assert_eq!(res.status(), 401);
        assert!(res.text().await.unwrap().contains("用户名或密码错误"));

        let res = log_in(password().0.as_str(), browser.csrf("/login").await).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/customers");

        let html = browser.page("/customers?q=zw").await;
        assert!(
            html.contains("/customers/1\""),
            "search page finds 张伟 by initials"
        );

        // Logging out needs the session's token too.
        let res = browser.submit("/logout", &[("csrf", "forged")]).await;
        assert_eq!(res.status(), 403);
        let csrf = form_field(&html, "csrf").to_owned();
        let res = browser.submit("/logout", &[("csrf", csrf.as_str())]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            redirect(browser.open("/customers").await),
            (303, "/login".into())
        );
    }
}

/// The status and the `location` of a redirect.
fn redirect(res: reqwest::Response) -> (u16, String) {
    let to = crate::header(&res, "location").to_owned();
    (res.status().as_u16(), to)
}

#[tokio::test]
async fn the_360_page_renders_in_both_languages() {
    for app in TestApp::each().await {
        let browser = app.browser("rm.a").await;
        let zh = browser.open("/customers/1").await;
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
        let res = browser.open("/lang/en?next=/customers/1").await;
        assert_eq!(redirect(res), (303, "/customers/1".into()));
        let en = browser.page("/customers/1").await;
        for s in [
            "AUM, last 24 months",
            "1-year time deposit",
            "Holdings and accounts",
            "Wensan Road Outlet",
        ] {
            assert!(en.contains(s), "en page lacks {s}");
        }
        // Never an open redirect.
        let res = browser.open("/lang/zh?next=//evil.example").await;
        assert_eq!(res.headers()["location"], "/");
        assert_eq!(browser.status("/lang/xx").await, 400);
    }
}

#[tokio::test]
async fn static_assets_are_versioned_and_cacheable() {
    for app in TestApp::each().await {
        let html = app.browser("rm.a").await.page("/customers/1").await;
        let start = html.find("/static/echarts.min.js?v=").unwrap();
        let url = &html[start..start + html[start..].find('"').unwrap()];
        let res = TestApp::client().get(app.url(url)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(crate::header(&res, "cache-control").contains("immutable"));
        assert!(res.bytes().await.unwrap().len() > 500_000);
        let anonymous = app.anonymous_browser();
        assert_eq!(anonymous.status("/static/nope.js").await, 404);
        assert!(
            anonymous
                .page("/docs/errors")
                .await
                .contains("account_locked")
        );
    }
}

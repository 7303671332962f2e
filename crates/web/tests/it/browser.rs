//! End to end in a real headless Chromium (`rapport-webdriver`). Skipped with a message when
//! chromedriver is missing, unless RAPPORT_REQUIRE_BROWSER=1 (CI) makes that a failure.
//! Screenshots go to `target/tmp/screenshots/`.
use rapport_webdriver::Driver;
use serde_json::json;

use crate::{TestApp, password};

fn shots() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
}

/// Logs in as RM A through the login page, which leads to the customer search.
async fn log_in_as_rm_a(d: &Driver, app: &TestApp) {
    d.goto(&app.url("/login")).await;
    d.type_into("input[name=username]", "rm.a").await;
    d.type_into("input[name=password]", &password().0).await;
    d.click("button[type=submit]").await;
    d.wait_for("return location.pathname === '/customers'")
        .await;
}

/// Switches the page to English with its language switch, as a user would.
async fn switch_to_english(d: &Driver) {
    d.click("a[data-testid=lang-switch]").await;
    d.wait_for("return document.documentElement.lang === 'en'")
        .await;
}

#[tokio::test]
async fn an_rm_logs_in_finds_a_customer_and_reads_the_360_page_in_both_languages() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let app = TestApp::each().await.remove(0);
    log_in_as_rm_a(&d, &app).await;
    // Headless Chromium asks for English; choose Chinese as a user would, with the switch.
    d.goto(&app.url("/lang/zh?next=/customers")).await;
    d.wait_for("return document.documentElement.lang === 'zh-CN'")
        .await;

    for q in ["张伟", "zhangwei", "zw", "5678"] {
        d.goto(&app.url(&format!("/customers?q={q}"))).await;
        let html = d.source().await;
        assert!(
            html.contains("href=\"/customers/1\""),
            "search {q} in the browser"
        );
        assert!(
            !html.contains("href=\"/customers/3\""),
            "RM B's 张伟 never shows for RM A"
        );
    }
    d.click("a.name").await;
    d.wait_for("return location.pathname === '/customers/1'")
        .await;
    // The chart script ran and ECharts drew into its canvas.
    d.wait_for("const e = document.getElementById('aum-chart'); return !!e && e.dataset.rendered === 'true' && !!e.querySelector('canvas')").await;
    let html = d.source().await;
    assert!(html.contains("AUM 近24个月走势") && html.contains("一年期定期存款"));
    d.screenshot(&shots(), "customer-360-zh.png").await;

    switch_to_english(&d).await;
    d.wait_for("return document.getElementById('aum-chart').dataset.rendered === 'true'")
        .await;
    let html = d.source().await;
    assert!(html.contains("AUM, last 24 months") && html.contains("1-year time deposit"));
    d.screenshot(&shots(), "customer-360-en.png").await;

    d.goto(&app.url("/customers/3")).await;
    assert!(d.source().await.contains("not_found") || d.source().await.contains("Not found"));
    d.quit().await;
}

#[tokio::test]
async fn an_rm_completes_a_task_on_the_workbench_and_sees_the_contact_on_the_timeline() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let app = TestApp::each().await.remove(0);
    let today = app.today();
    let rm = app.token("rm.a").await;
    for (kind, reason) in [
        ("retention", "AUM fell 45 % in a month"),
        ("care", "birthday today"),
    ] {
        let body = json!({"customer_id": 1, "kind": kind, "reason": reason, "due_on": today});
        let (s, v) = app.post_json(&rm, "/api/v1/tasks", &body).await;
        assert_eq!(s, 201, "{v}");
    }
    log_in_as_rm_a(&d, &app).await;
    d.goto(&app.url("/lang/zh?next=/workbench")).await;
    d.wait_for(
        "return document.documentElement.lang === 'zh-CN' && location.pathname === '/workbench'",
    )
    .await;
    let html = d.source().await;
    assert!(html.contains("客户经理工作台") && html.contains("AUM fell 45 % in a month"));
    d.screenshot(&shots(), "workbench-zh.png").await;

    switch_to_english(&d).await;
    assert!(d.source().await.contains("RM workbench"));
    d.screenshot(&shots(), "workbench-en.png").await;

    // Complete the retention task with its outcome.
    let row = "tr[data-kind=retention]";
    d.type_into(
        &format!("{row} input[name=outcome]"),
        "agreed to keep the deposit",
    )
    .await;
    d.click(&format!("{row} button[type=submit]")).await;
    d.wait_for("return !!document.querySelector('[data-testid=workbench-message]')")
        .await;
    let html = d.source().await;
    assert!(
        html.contains("Task completed") && !html.contains("data-kind=\"retention\""),
        "{html}"
    );

    d.goto(&app.url("/customers/1")).await;
    let html = d.source().await;
    assert!(
        html.contains("agreed to keep the deposit") && html.contains("Retention"),
        "timeline"
    );
    d.screenshot(&shots(), "timeline-en.png").await;
    d.quit().await;
}

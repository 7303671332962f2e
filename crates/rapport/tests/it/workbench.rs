//! End to end on the demo bank (issue 6): `rapport demo` builds the bank by the real path,
//! scores it and raises the RMs' alerts; `rapport serve` then serves it and a demo RM, in a real
//! headless Chromium, finds tasks made from real alerts on the workbench — churn risk, maturity,
//! birthday, revisit — completes one with its outcome and finds the contact on the customer's
//! timeline. Screenshots of the workbench in 中文 and English are kept in
//! `target/tmp/screenshots/` (CI keeps them as artifacts).
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rapport_webdriver::Driver;

use crate::{demo_bank, query_pairs};

/// `rapport serve`, stopped on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn shots() -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
}

#[test]
fn a_demo_rm_works_tasks_from_real_alerts_on_the_workbench_in_a_real_browser() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some(d) = rt.block_on(Driver::start()) else {
        return;
    };
    let (_dir, data, _) = demo_bank("800", &[]);
    let data_dir = data.to_str().unwrap();
    let db = data.join("rapport.db");
    rt.block_on(assert_every_dedicated_rm_customer_has_a_primary_rm(&db));
    let (username, password) = rt.block_on(an_rm_with_all_four_kinds_of_task(&data));
    let (server, port) = serve_on_a_free_port(data_dir);
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");

    rt.block_on(async {
        d.goto(&url("/login")).await;
        d.type_into("input[name=username]", &username).await;
        d.type_into("input[name=password]", &password).await;
        d.click("button[type=submit]").await;
        d.wait_for("return location.pathname === '/customers'")
            .await;
        show_the_workbench_in_both_languages(&d, &url("/lang/zh?next=/workbench"), &username).await;
        complete_the_first_retention_task(&d, &url).await;
        d.quit().await;
    });
    drop(server);
}

/// The dedicated-RM rule of the alert job left no 私人银行/钻石 customer without a primary RM.
async fn assert_every_dedicated_rm_customer_has_a_primary_rm(db: &Path) {
    let served = query_pairs(
        db,
        "SELECT CAST(count(*) AS TEXT), CAST(coalesce(sum(NOT EXISTS (SELECT 1 FROM rm_assignments ra \
         WHERE ra.party_id = s.party_id AND ra.is_primary = 1 AND ra.effective_to IS NULL)), 0) AS TEXT) \
         FROM party_scores s JOIN parties p ON p.id = s.party_id \
         WHERE s.as_of = (SELECT max(as_of) FROM party_scores) AND p.merged_into IS NULL \
         AND s.tier IN ('private_banking', 'diamond')",
    )
    .await;
    assert!(
        served[0].0 != "0",
        "the demo bank has dedicated-RM customers"
    );
    assert_eq!(
        served[0].1, "0",
        "{} dedicated-RM customers, none unserved",
        served[0].0
    );
}

/// The demo RM with the fewest open tasks that still has all four kinds of real alert: their
/// username and password.
async fn an_rm_with_all_four_kinds_of_task(data: &Path) -> (String, String) {
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let rms: Vec<(&str, &str)> = logins
        .lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            (parts.len() == 3 && parts[2] == "rm").then(|| (parts[0], parts[1]))
        })
        .collect();
    let kinds = query_pairs(
        &data.join("rapport.db"),
        "SELECT s.username, group_concat(DISTINCT al.kind) FROM tasks t \
         JOIN alerts al ON al.id = t.alert_id JOIN staff s ON s.id = t.owner_staff_id \
         WHERE t.status = 'open' GROUP BY s.username ORDER BY count(*)",
    )
    .await;
    let wanted = ["churn_risk", "maturity", "birthday", "revisit_due"];
    let (username, password) = kinds
        .iter()
        .filter(|(_, k)| wanted.iter().all(|w| k.split(',').any(|x| x == *w)))
        .find_map(|(user, _)| rms.iter().find(|(u, _)| u == user).copied())
        .unwrap_or_else(|| panic!("no demo RM has all four kinds of task: {kinds:?}"));
    (username.to_owned(), password.to_owned())
}

/// `rapport serve` on a free loopback port, once it accepts connections; the port.
fn serve_on_a_free_port(data_dir: &str) -> (Server, u16) {
    let port = free_port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["serve", "--data-dir", data_dir, "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env_remove("RAPPORT_DATABASE_URL")
            .env_remove("RAPPORT_CONFIG")
            .env("RAPPORT_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let started = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "rapport serve did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    (server, port)
}

/// The signed-in RM's workbench in 中文 (reached through `to_zh_workbench`) with a task of each
/// kind and the portfolio's charts, then in English; a screenshot of each.
async fn show_the_workbench_in_both_languages(d: &Driver, to_zh_workbench: &str, username: &str) {
    d.goto(to_zh_workbench).await;
    d.wait_for(
        "return document.documentElement.lang === 'zh-CN' && location.pathname === '/workbench'",
    )
    .await;
    let html = d.source().await;
    assert!(html.contains("客户经理工作台"), "{html}");
    // Tasks made from the real alerts of the scoring run and the alert job.
    for kind in ["retention", "call", "care", "revisit"] {
        assert!(
            html.contains(&format!("data-kind=\"{kind}\"")),
            "no {kind} task on {username}'s workbench"
        );
    }
    d.screenshot(&shots(), "demo-workbench-zh.png").await;
    // The portfolio at a glance, its charts drawn by ECharts.
    d.wait_for("const e = document.querySelector('[data-testid=portfolio-aum]'); return !!e && e.dataset.rendered === 'true'")
        .await;
    d.script("document.querySelector('[data-testid=portfolio]').scrollIntoView(); return true")
        .await;
    d.screenshot(&shots(), "demo-portfolio-zh.png").await;
    d.click("a[data-testid=lang-switch]").await;
    d.wait_for("return document.documentElement.lang === 'en'")
        .await;
    assert!(d.source().await.contains("RM workbench"));
    d.screenshot(&shots(), "demo-workbench-en.png").await;
}

/// Completes the first retention task with its outcome: it leaves the list and the contact is on
/// the customer's timeline.
async fn complete_the_first_retention_task(d: &Driver, url: impl Fn(&str) -> String) {
    let row = "tr[data-kind=retention]";
    let task = d
        .script(&format!(
            "return document.querySelector('{row}').dataset.testid"
        ))
        .await;
    let task = task.as_str().unwrap().to_owned();
    let customer = d
        .script(&format!(
            "return document.querySelector('{row} a').getAttribute('href')"
        ))
        .await;
    let customer = customer.as_str().unwrap().to_owned();
    d.type_into(
        &format!("{row} input[name=outcome]"),
        "agreed to keep the time deposit",
    )
    .await;
    d.click(&format!("{row} button[type=submit]")).await;
    d.wait_for("return !!document.querySelector('[data-testid=workbench-message]')")
        .await;
    let html = d.source().await;
    assert!(html.contains("Task completed"), "{html}");
    assert!(
        !html.contains(&format!("data-testid=\"{task}\"")),
        "{task} still due"
    );
    d.goto(&url(&customer)).await;
    let html = d.source().await;
    assert!(
        html.contains("agreed to keep the time deposit") && html.contains("Retention"),
        "the contact on {customer}'s timeline"
    );
    d.screenshot(&shots(), "demo-timeline-en.png").await;
}

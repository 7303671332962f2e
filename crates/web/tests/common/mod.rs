//! What the web crate's test binaries share: a real server on 127.0.0.1:0 over a real store
//! (SQLite, and PostgreSQL when configured), fixture logins, seeds and the route walk.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::string_slice)]

mod browser;
mod check;
pub mod seeds;
pub mod walk;

pub use browser::{Browser, form_field};
pub use check::{assert_has_all, element, floats, header, ints, message, status_and, strs};

use std::sync::{Arc, OnceLock};

use rapport_domain::StaffId;
use rapport_store_contract::{TestStore, fixture};
use rapport_web::{AppState, WebConfig};

/// A clock the test moves forward.
#[derive(Debug)]
pub struct TestClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl TestClock {
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }
}

impl rapport_domain::Clock for TestClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub base: String,
    pub clock: Arc<TestClock>,
    pub backend: &'static str,
    pub store: Arc<dyn rapport_store::Store>,
    pub state: AppState,
    /// Uploads and mapping files (`mappings/`).
    pub import_dir: tempfile::TempDir,
    _test_store: TestStore,
}

/// One password for every fixture login, random per test run, hashed once (argon2 is slow).
pub fn password() -> &'static (String, String) {
    static P: OnceLock<(String, String)> = OnceLock::new();
    P.get_or_init(|| {
        let pw = format!("pw-{}", rapport_web_test_token());
        let hash = rapport_services::passwords::hash_password(&pw).unwrap();
        (pw, hash)
    })
}

fn rapport_web_test_token() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{nanos:x}{}", std::process::id())
}

pub const USERS: &[(&str, StaffId)] = &[
    ("admin", fixture::ADMIN),
    ("rm.a", fixture::RM_A),
    ("rm.b", fixture::RM_B),
    ("bm.xihu", fixture::BM_XIHU),
    ("agent01", fixture::AGENT),
    ("steward01", fixture::STEWARD),
    ("marketing01", fixture::MARKETING),
    ("auditor01", fixture::AUDITOR),
    ("bm.zhejiang", fixture::BM_ZHEJIANG),
    ("bm.head", fixture::HEAD_BM),
    ("admin.b", fixture::ADMIN_B),
];

/// One login of each role in [`USERS`] (the other logins have the same role with another
/// scope), the administrator last.
pub const ONE_LOGIN_PER_ROLE: &[&str] = &[
    "rm.a",
    "bm.xihu",
    "agent01",
    "steward01",
    "marketing01",
    "auditor01",
    "admin",
];

impl TestApp {
    /// A server per backend, each over a fresh store holding the fixture bank.
    pub async fn each() -> Vec<TestApp> {
        Self::each_with(|s| s).await
    }

    /// [`TestApp::each`] with the state changed before the server starts (an engine added).
    pub async fn each_with(change: fn(AppState) -> AppState) -> Vec<TestApp> {
        let mut apps = Vec::new();
        for t in TestStore::each().await {
            apps.push(Self::start(t, change).await);
        }
        apps
    }

    pub async fn start(t: TestStore, change: fn(AppState) -> AppState) -> TestApp {
        let store = t.store.clone();
        store.load_reference(&fixture::reference()).await.unwrap();
        store.load_customers(&fixture::customers()).await.unwrap();
        let hash = password().1.clone();
        for (_, id) in USERS {
            store.set_password(*id, &hash).await.unwrap();
        }
        let clock = Arc::new(TestClock(std::sync::Mutex::new(chrono::Utc::now())));
        let import_dir = tempfile::tempdir().unwrap();
        let state = AppState::new(
            store.clone(),
            clock.clone(),
            rapport_domain::BankSettings::default(),
            WebConfig {
                secure_cookies: false,
                import_dir: Some(import_dir.path().to_owned()),
                ..WebConfig::default()
            },
        );
        let state = change(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(rapport_web::serve(listener, state.clone()));
        TestApp {
            base,
            clock,
            backend: t.name,
            store,
            state,
            import_dir,
            _test_store: t,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Today at the bank (Shanghai), by the test's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        use rapport_domain::Clock;
        let now = self.clock.now();
        now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
    }

    /// The audit trail's entries of `action`, oldest first.
    pub async fn audited(
        &self,
        action: rapport_store::audit::AuditAction,
    ) -> Vec<rapport_store::audit::AuditEntry> {
        let trail = self.store.audit_entries_after(0, 10_000).await.unwrap();
        trail
            .into_iter()
            .filter(|e| e.entry.action == action)
            .collect()
    }

    /// A client without cookies or redirects.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client keeping cookies and never following redirects, with no session yet.
    pub fn anonymous_browser(&self) -> Browser {
        Browser::new(self.base.clone())
    }

    /// A browser holding a session cookie for `username`.
    pub async fn browser(&self, username: &str) -> Browser {
        let browser = self.anonymous_browser();
        self.logged_in(&browser, username).await;
        browser
    }

    /// Logs `username` in through the API on `client`; the answer, known to be a 200.
    async fn logged_in(&self, client: &reqwest::Client, username: &str) -> reqwest::Response {
        let body = serde_json::json!({"username": username, "password": password().0});
        let res = self.post_login(client, &body).await;
        assert_eq!(res.status(), 200, "{}: login {username}", self.backend);
        res
    }

    /// Posts `body` to the login operation on `client`, without a bearer token.
    pub async fn post_login(
        &self,
        client: &reqwest::Client,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/v1/auth/login"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Logs in with `body` on a fresh client; the status and the JSON answer (which must be
    /// JSON).
    pub async fn login(&self, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let res = self.post_login(&Self::client(), body).await;
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// [`TestApp::login`] as `username` with `password`.
    pub async fn login_as(&self, username: &str, password: &str) -> (u16, serde_json::Value) {
        let body = serde_json::json!({"username": username, "password": password});
        self.login(&body).await
    }

    /// Asserts that GET `path` with `token` answers 401 `unauthenticated`; `why` says why.
    pub async fn assert_unauthenticated(&self, token: &str, path: &str, why: &str) {
        let (status, body) = self.get_json(token, path).await;
        let answer = (status, body["code"].as_str());
        assert_eq!(answer, (401, Some("unauthenticated")), "{why}: {body}");
    }

    /// Sends a request without any credentials; the answer.
    pub async fn anonymous(&self, method: reqwest::Method, path: &str) -> reqwest::Response {
        Self::client()
            .request(method, self.url(path))
            .send()
            .await
            .unwrap()
    }

    /// A bearer token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let res = self.logged_in(&Self::client(), username).await;
        res.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sends a request with a bearer token and, when given, a JSON body; the status and the
    /// JSON answer (null when the answer is not JSON).
    pub async fn request(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = Self::client()
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Sends a JSON body with a bearer token; the status and the JSON answer.
    pub async fn send_json(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.request(token, method, path, Some(body)).await
    }

    /// [`TestApp::send_json`] with POST.
    pub async fn post_json(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.request(token, reqwest::Method::POST, path, Some(body))
            .await
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        self.request(token, reqwest::Method::GET, path, None).await
    }

    /// Searches the customers for `q` (as it stands in a URL) with `token`; the status and the
    /// JSON answer.
    pub async fn search(&self, token: &str, q: &str) -> (u16, serde_json::Value) {
        self.get_json(token, &format!("/api/v1/customers?q={q}"))
            .await
    }

    /// GETs `path` with `token`, which must answer 200; the JSON answer.
    pub async fn get_ok(&self, token: &str, path: &str) -> serde_json::Value {
        let (status, body) = self.get_json(token, path).await;
        assert_eq!(status, 200, "{}: {path}: {body}", self.backend);
        body
    }

    /// Asserts that GET `path` as `token` answers 400 `invalid_parameter` naming `field`.
    pub async fn assert_names_parameter(&self, token: &str, path: &str, field: &str) {
        let (status, body) = self.get_json(token, path).await;
        assert_eq!(status, 400, "{}: {path}: {body}", self.backend);
        assert_eq!(body["code"], "invalid_parameter", "{path}: {body}");
        assert_eq!(body["field"], field, "{path}: {body}");
    }
}

//! The web crate's integration tests: a real server on 127.0.0.1:0 over a real store (SQLite,
//! and PostgreSQL when configured), driven over HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod admin;
mod analytics;
mod api_auth;
mod api_customers;
mod audit;
mod browser;
mod changes;
mod fuzz;
mod hardening;
mod identity;
mod imports;
mod masking;
mod pages;
mod scope;
mod scores;
mod segments;
mod tiers;
mod unmask;
mod work;

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
        let hash = rapport_web::hash_password(&pw).unwrap();
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

    async fn start(t: TestStore, change: fn(AppState) -> AppState) -> TestApp {
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

    /// A client without cookies or redirects.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client holding a session cookie for `username`.
    pub async fn browser(&self, username: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password().0}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}: login {username}", self.backend);
        client
    }

    /// A bearer token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let res = Self::client()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password().0}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}: login {username}", self.backend);
        res.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sends a JSON body with a bearer token; the status and the JSON answer.
    pub async fn send_json(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let res = Self::client()
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let res = Self::client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }
}

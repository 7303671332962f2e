//! Passwords, logins, sessions and the `Authenticated` extractor.
//!
//! A session is a random 256-bit token: browsers hold it in an HttpOnly, SameSite=Strict
//! cookie, API clients send it as `Authorization: Bearer`. The store keeps only its SHA-256,
//! with an idle and an absolute deadline.
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use rapport_domain::{Username, Viewer};
use rapport_proto::ErrorCode;
use rapport_store::audit::{AuditAction, NewAuditEntry};
use rapport_store::{Session, StaffAccount};
use sha2::{Digest, Sha256};

use rapport_services::passwords::{hash_password, verify_password};

use crate::{AppState, WebError};

pub const SESSION_COOKIE: &str = "rapport_session";

/// A valid hash of a random password, checked when the account does not exist so that an
/// unknown username takes as long to refuse as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

async fn verify_off_thread(password: String, stored: Option<String>) -> Result<bool, WebError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => verify_password(&password, &hash),
        None => {
            let _ = verify_password(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| WebError::internal("password verification", e))
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A successful login: the token to hand out once, and its absolute deadline.
pub struct LoginSuccess {
    pub token: String,
    /// The session's anti-forgery token: forms carry it, cookie-authenticated API writes send
    /// it in `X-CSRF-Token`.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffAccount,
}

/// Checks credentials, applies the lockout policy and opens a session.
/// The name a failed login tried, as recorded: printable characters only, bounded.
fn attempted_name(username: &str) -> String {
    username
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect()
}

/// Checks credentials, applies the lockout policy and opens a session. Every attempt is
/// audited, successful or not.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    source_ip: Option<String>,
) -> Result<LoginSuccess, WebError> {
    let now = state.clock.now();
    let attempt = Attempt {
        username,
        source_ip: &source_ip,
        at: now,
    };
    // Decided before the account is looked up: the same answer whether the username exists.
    let buckets =
        crate::throttle::LoginBuckets::new(&attempted_name(username), source_ip.as_deref());
    if buckets.refused(state).await? {
        state
            .audit
            .record(attempt.failed(None, "throttled"))
            .await?;
        return Err(WebError::new(
            ErrorCode::AccountLocked,
            format!(
                "too many failed logins for this username or from this address: try again in \
                 {} minutes or ask an administrator",
                state.config.lockout.lock_for.num_minutes().max(1)
            ),
        ));
    }
    let account = verified_account(state, &attempt, password, &buckets).await?;
    let mut ok = NewAuditEntry::new(now, account.username.as_str(), AuditAction::LoginSucceeded);
    ok.actor_staff_id = Some(account.id);
    ok.actor_role = Some(account.role);
    ok.source_ip.clone_from(&source_ip);
    state.audit.record(ok).await?;
    open_session(state, account, now).await
}

/// One login attempt, as the audit trail records its failure.
struct Attempt<'a> {
    username: &'a str,
    source_ip: &'a Option<String>,
    at: DateTime<Utc>,
}

impl Attempt<'_> {
    /// `account`: the one the username names, if any.
    fn failed(&self, account: Option<&StaffAccount>, reason: &str) -> NewAuditEntry {
        let mut e = NewAuditEntry::new(
            self.at,
            attempted_name(self.username),
            AuditAction::LoginFailed,
        );
        e.actor_staff_id = account.map(|a| a.id);
        e.actor_role = account.map(|a| a.role);
        e.source_ip.clone_from(self.source_ip);
        e.reason = Some(reason.to_owned());
        e
    }
}

/// The account whose password this is. A refusal says only "wrong username or password",
/// takes as long whether or not the username exists, counts against the lockout and is
/// audited with its real reason.
async fn verified_account(
    state: &AppState,
    attempt: &Attempt<'_>,
    password: &str,
    buckets: &crate::throttle::LoginBuckets,
) -> Result<StaffAccount, WebError> {
    let invalid = || WebError::new(ErrorCode::InvalidCredentials, "wrong username or password");
    let account = match Username::parse(attempt.username) {
        Ok(u) => state.store.staff_by_username(&u).await?,
        Err(_) => None,
    };
    let Some(account) = account else {
        verify_off_thread(password.to_owned(), None).await?;
        buckets.failed(state).await?;
        state
            .audit
            .record(attempt.failed(None, "unknown username"))
            .await?;
        return Err(invalid());
    };
    let usable = !account.disabled && account.password_hash.is_some();
    let ok = verify_off_thread(
        password.to_owned(),
        account.password_hash.clone().filter(|_| usable),
    )
    .await?;
    if !ok {
        buckets.failed(state).await?;
        tracing::info!(staff_id = account.id.0, "login failed");
        let reason = if account.disabled {
            "account disabled"
        } else if account.password_hash.is_none() {
            "no password set"
        } else {
            "wrong password"
        };
        state
            .audit
            .record(attempt.failed(Some(&account), reason))
            .await?;
        return Err(invalid());
    }
    Ok(account)
}

/// A new browser session for `account`: its token, anti-forgery token and deadlines.
async fn open_session(
    state: &AppState,
    account: StaffAccount,
    now: DateTime<Utc>,
) -> Result<LoginSuccess, WebError> {
    let token = random_token();
    let csrf_token = random_token();
    let expires_at = now + state.config.session_absolute;
    state
        .store
        .create_session(&Session {
            token_hash: token_hash(&token),
            staff_id: account.id,
            csrf_token: csrf_token.clone(),
            created_at: now,
            idle_expires_at: (now + state.config.session_idle).min(expires_at),
            absolute_expires_at: expires_at,
            kind: rapport_store::SessionKind::Browser,
            name: None,
        })
        .await?;
    tracing::info!(
        staff_id = account.id.0,
        role = account.role.as_str(),
        "login"
    );
    Ok(LoginSuccess {
        token,
        csrf_token,
        expires_at,
        staff: account,
    })
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let max_age = state.config.session_absolute.num_seconds();
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

pub fn clear_session_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The header a cookie-authenticated API write carries its session's anti-forgery token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the session token came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presented {
    Bearer,
    /// A browser sends cookies by itself, whoever made it send the request.
    Cookie,
}

/// The token presented: a Bearer header wins over the cookie.
fn presented_token(parts: &Parts) -> Option<(String, Presented)> {
    if let Some(h) = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return h
            .strip_prefix("Bearer ")
            .map(|t| (t.trim().to_owned(), Presented::Bearer));
    }
    cookie(parts, SESSION_COOKIE).map(|t| (t.to_owned(), Presented::Cookie))
}

/// Two secrets compared in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    // Digests first: equal lengths, so not even the length is compared early.
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    bool::from(a.ct_eq(&b))
}

/// A write to the API made with the session cookie must carry the session's anti-forgery
/// token in [`CSRF_HEADER`], as a form carries it in a field: another site can make a browser
/// send the cookie, but cannot read the token.
fn api_write_by_cookie(parts: &Parts, how: Presented) -> bool {
    how == Presented::Cookie && parts.uri.path().starts_with("/api/") && !parts.method.is_safe()
}

/// The staff member behind a request. Rejects with 401 when there is no live session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub staff: StaffAccount,
    pub viewer: Viewer,
    pub csrf_token: String,
    pub token_hash: String,
    /// The client's address, for the audit trail.
    pub source_ip: Option<String>,
}

impl Authenticated {
    /// Whether a form's anti-forgery token is this session's (compared in constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        same_secret(presented, &self.csrf_token)
    }
}

/// The client's address as an extractor (absent when the server runs without connect info).
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(source_ip(parts, &state.config.trusted_proxies)))
    }
}

/// The client's address: the connection's peer, or — when the peer is a configured trusted
/// proxy — the last address `X-Forwarded-For` names that is not one of those proxies. A
/// client cannot choose its address by sending the header itself.
pub fn source_ip(parts: &Parts, trusted: &[std::net::IpAddr]) -> Option<String> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // From the right: each trusted proxy names the one before it; the first address no
    // trusted proxy could have written is the client. Garbage stops the walk at the last
    // trusted proxy seen.
    let mut client = peer;
    for entry in forwarded.into_iter().rev() {
        match entry.parse::<std::net::IpAddr>() {
            Ok(a) if trusted.contains(&a) => client = a,
            Ok(a) => return Some(a.to_string()),
            Err(_) => break,
        }
    }
    Some(client.to_string())
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.extensions.get::<Authenticated>() {
            return Ok(auth.clone());
        }
        let (token, how) = presented_token(parts).ok_or_else(WebError::unauthenticated)?;
        let hash = token_hash(&token);
        let (session, staff) = state
            .store
            .touch_session(&hash, state.clock.now(), state.config.session_idle)
            .await?
            .ok_or_else(WebError::unauthenticated)?;
        // A temporary password opens only the way to choosing a new one.
        const ALLOWED_WITH_TEMPORARY_PASSWORD: [&str; 5] = [
            "/api/v1/auth/password",
            "/api/v1/auth/me",
            "/api/v1/auth/logout",
            "/password",
            "/logout",
        ];
        if staff.must_change_password
            && !ALLOWED_WITH_TEMPORARY_PASSWORD.contains(&parts.uri.path())
        {
            return Err(WebError::new(
                ErrorCode::PasswordChangeRequired,
                "your password is temporary: choose a new one first",
            ));
        }
        if api_write_by_cookie(parts, how) {
            let presented = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_secret(presented, &session.csrf_token) {
                return Err(WebError::new(
                    ErrorCode::CsrfRejected,
                    "a write with the session cookie needs the X-CSRF-Token header (from the login response)",
                ));
            }
        }
        let auth = Authenticated {
            viewer: Viewer {
                staff_id: staff.id,
                role: staff.role,
                branch_id: staff.branch_id,
            },
            staff,
            csrf_token: session.csrf_token,
            token_hash: hash,
            source_ip: source_ip(parts, &state.config.trusted_proxies),
        };
        route_allows(parts, state, &auth).await?;
        parts.extensions.insert(auth.clone());
        Ok(auth)
    }
}

/// Refuses the caller when the route needs an action their role may not take
/// (`crate::access`); a route the table does not know is refused too (fail closed).
async fn route_allows(
    parts: &Parts,
    state: &AppState,
    auth: &Authenticated,
) -> Result<(), WebError> {
    let Some(route) = parts.extensions.get::<axum::extract::MatchedPath>() else {
        return Ok(());
    };
    match crate::access::of(parts.method.as_str(), route.as_str()) {
        Some(crate::access::Access::Needs(action)) => {
            crate::audit::require(state, auth, action, None).await
        }
        Some(_) => Ok(()),
        None => Err(WebError::internal(
            "permissions",
            format!(
                "{} {} has no entry in the route table",
                parts.method,
                route.as_str()
            ),
        )),
    }
}

/// Replaces the caller's password after checking the current one; other sessions end.
pub async fn change_password(
    state: &AppState,
    auth: &Authenticated,
    current: &str,
    new: &str,
) -> Result<(), WebError> {
    rapport_services::passwords::check_chosen(new)
        .map_err(|m| WebError::invalid_parameter("new_password", m))?;
    if new == current {
        return Err(WebError::invalid_parameter(
            "new_password",
            "the new password must differ from the current one",
        ));
    }
    if !verify_off_thread(current.to_owned(), auth.staff.password_hash.clone()).await? {
        return Err(WebError::invalid_parameter(
            "current_password",
            "the current password is wrong",
        ));
    }
    let new = new.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|e| WebError::internal("password hashing", e))?
        .map_err(|e| WebError::internal("password hashing", e))?;
    state.store.set_password(auth.staff.id, &hash).await?;
    for s in state
        .store
        .list_sessions(Some(auth.staff.id), state.clock.now())
        .await?
    {
        if !auth.token_hash.starts_with(&s.id) {
            state.store.revoke_session(&s.id).await?;
        }
    }
    let mut e = crate::audit::by(auth, state.clock.now(), AuditAction::StaffChanged);
    e.detail = Some(format!("password changed by {}", auth.staff.username));
    state.audit.record(e).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong", &a));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token());
        assert_eq!(token_hash(&t).len(), 64);
    }
}

//! Rate limits at the edge (issue 20), counted in the store so that every application node
//! shares them: failed logins per username and per client address (the same answer whether
//! or not the username exists, and never longer than one window after the failures stop), and
//! searches by a whole identifier per staff member, with an enumeration — many searches that
//! find nothing for values that look alike behind their mask — refused and raised to the
//! auditor as a security alert.
use rapport_domain::mask::{mask_account_number, mask_mobile, mask_resident_id};
use rapport_proto::ErrorCode;
use rapport_store::audit::AuditAction;

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit};

/// How the search limits are set (`WebConfig.identifier_searches`).
#[derive(Debug, Clone, Copy)]
pub struct IdentifierSearchLimits {
    /// Searches by a whole identifier a staff member may make per minute.
    pub per_minute: i64,
    /// Searches that find nothing for one masked value (one `138****5678`) before further
    /// searches for it are refused and a security alert is raised.
    pub misses_per_masked_value: i64,
    /// The window those misses are counted in.
    pub miss_window: chrono::Duration,
}

impl Default for IdentifierSearchLimits {
    fn default() -> Self {
        Self {
            per_minute: 20,
            misses_per_masked_value: 5,
            miss_window: chrono::Duration::hours(24),
        }
    }
}

fn rate_limited(message: impl Into<String>) -> WebError {
    WebError::new(ErrorCode::RateLimited, message)
}

/// The failed-login counters of one attempt.
pub struct LoginBuckets {
    user: String,
    address: Option<String>,
}

impl LoginBuckets {
    pub fn new(attempted_username: &str, address: Option<&str>) -> Self {
        Self {
            user: format!("login-user:{}", attempted_username.to_lowercase()),
            address: address.map(|a| format!("login-address:{a}")),
        }
    }

    fn window(state: &AppState) -> i64 {
        state.config.lockout.lock_for.num_seconds().max(1)
    }

    /// Whether this username or this address has failed too often in the current window:
    /// decided before the account is looked up, so it says nothing of whether it exists.
    pub async fn refused(&self, state: &AppState) -> Result<bool, WebError> {
        let (now, window) = (state.clock.now(), Self::window(state));
        let user = state.store.throttle_hits(&self.user, window, now).await?;
        if user >= i64::from(state.config.lockout.max_failures) {
            return Ok(true);
        }
        Ok(match &self.address {
            Some(a) => {
                state.store.throttle_hits(a, window, now).await?
                    >= state.config.login_failures_per_address
            }
            None => false,
        })
    }

    /// Counts a failed attempt against the username and the address.
    pub async fn failed(&self, state: &AppState) -> Result<(), WebError> {
        let (now, window) = (state.clock.now(), Self::window(state));
        state.store.throttle_hit(&self.user, window, now).await?;
        if let Some(a) = &self.address {
            state.store.throttle_hit(a, window, now).await?;
        }
        Ok(())
    }
}

/// The identifier's value as it may be kept in a bucket and the audit trail: masked the most
/// any role sees it, never whole.
fn masked(kind: &str, value: &str) -> String {
    match kind {
        "mobile" => mask_mobile(value),
        "resident_id" => mask_resident_id(value),
        _ => mask_account_number(value),
    }
}

/// A search by a whole identifier under way: checked before the search, told its outcome
/// after it.
pub struct IdentifierSearch {
    kind: &'static str,
    miss_bucket: String,
    masked: String,
}

impl IdentifierSearch {
    /// Counts the search against the caller's rate and refuses it (429) past the rate or once
    /// the masked value has had too many misses.
    pub async fn begin(
        state: &AppState,
        auth: &Authenticated,
        kind: &'static str,
        value: &str,
    ) -> Result<Self, WebError> {
        let limits = state.config.identifier_searches;
        let now = state.clock.now();
        let staff = auth.staff.id.0;
        let masked = masked(kind, value);
        let search = Self {
            kind,
            miss_bucket: format!("identifier-miss:{staff}:{kind}:{masked}"),
            masked,
        };
        let misses = state
            .store
            .throttle_hits(&search.miss_bucket, search.miss_window(state), now)
            .await?;
        let rate = state
            .store
            .throttle_hit(&format!("identifier-search:{staff}"), 60, now)
            .await?;
        if misses >= limits.misses_per_masked_value {
            search.record(state, auth, "refused: enumeration").await?;
            return Err(rate_limited(format!(
                "searches for this {kind} found nothing {misses} times; further searches for \
                 values like it are refused and the auditor has been told"
            )));
        }
        if rate > limits.per_minute {
            search.record(state, auth, "refused: rate").await?;
            return Err(rate_limited(format!(
                "at most {} searches by a whole mobile, resident ID or account number a \
                 minute; wait a minute",
                limits.per_minute
            )));
        }
        Ok(search)
    }

    fn miss_window(&self, state: &AppState) -> i64 {
        state
            .config
            .identifier_searches
            .miss_window
            .num_seconds()
            .max(1)
    }

    /// Audits the search with how many customers it found; a miss counts against the masked
    /// value, and the miss that reaches the limit raises a security alert.
    pub async fn found(
        self,
        state: &AppState,
        auth: &Authenticated,
        hits: usize,
    ) -> Result<(), WebError> {
        self.record(state, auth, &format!("found={hits}")).await?;
        if hits > 0 {
            return Ok(());
        }
        let now = state.clock.now();
        let misses = state
            .store
            .throttle_hit(&self.miss_bucket, self.miss_window(state), now)
            .await?;
        if misses == state.config.identifier_searches.misses_per_masked_value {
            let mut e = audit::by(auth, now, AuditAction::SecurityAlert);
            e.reason = Some(format!(
                "possible enumeration: {misses} searches by {} {} found nothing",
                self.kind, self.masked
            ));
            state.audit.record(e).await?;
            tracing::warn!(
                staff_id = auth.staff.id.0,
                kind = self.kind,
                "security alert: identifier enumeration"
            );
        }
        Ok(())
    }

    async fn record(
        &self,
        state: &AppState,
        auth: &Authenticated,
        outcome: &str,
    ) -> Result<(), WebError> {
        let mut e = audit::by(auth, state.clock.now(), AuditAction::IdentifierSearched);
        e.detail = Some(format!("kind={} {outcome}", self.kind));
        state.audit.record(e).await
    }
}

//! Staff accounts, sessions, the login throttle and the staff changes awaiting a second administrator.
use crate::staff_changes::{
    IssuedCredential, NewStaffChange, StaffChangeApplied, StaffChangeDecision, StaffChangeRow,
};
use crate::{NewStaff, Session, SessionSummary, StaffAccount, StaffUpdate, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::{StaffId, Username};

/// Staff accounts, the login throttle and sessions.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Creates a staff member with a login (for staff not in reference data).
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<StaffId>;
    /// Sets a password the staff member chose (clears the must-change flag and any lock).
    async fn set_password(&self, staff_id: StaffId, password_hash: &str) -> StoreResult<()>;
    /// Sets a password an administrator gave and ends every session of the staff member, in
    /// one transaction; `must_change` when it is temporary (to be changed at the next login).
    async fn reset_password(
        &self,
        staff_id: StaffId,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()>;
    async fn update_staff(
        &self,
        username: &Username,
        update: &StaffUpdate,
    ) -> StoreResult<StaffAccount>;
    /// Live sessions and tokens, of one staff member or of everyone.
    async fn list_sessions(
        &self,
        staff_id: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionSummary>>;
    /// Ends the session whose id (see [`SessionSummary::id`]) is given; false if none.
    async fn revoke_session(&self, id: &str) -> StoreResult<bool>;
    async fn set_disabled(&self, username: &Username, disabled: bool) -> StoreResult<()>;
    async fn staff_by_username(&self, username: &Username) -> StoreResult<Option<StaffAccount>>;
    async fn staff_by_id(&self, staff_id: StaffId) -> StoreResult<Option<StaffAccount>>;
    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>>;

    /// Counts one hit of `bucket` in the fixed window of `window_secs` that holds `now` and
    /// returns that window's hits, this one included ([`throttle`]).
    async fn throttle_hit(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The hits of `bucket` in the window that holds `now`, without counting one.
    async fn throttle_hits(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    /// The live session with this token hash and its staff member, if neither is expired,
    /// revoked nor disabled; refreshes the idle deadline.
    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_timeout: chrono::Duration,
    ) -> StoreResult<Option<(Session, StaffAccount)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
}

/// The staff changes awaiting a second administrator (see `staff_changes`): requested by one
/// administrator, approved or rejected by another.
#[async_trait]
pub trait StaffChangeStore: Send + Sync {
    /// Records a change that gives access, to take effect when another administrator approves.
    async fn request_staff_change(&self, change: &NewStaffChange) -> StoreResult<StaffChangeRow>;
    /// The changes still pending, oldest first.
    async fn pending_staff_changes(&self) -> StoreResult<Vec<StaffChangeRow>>;
    /// One change, whatever its status.
    async fn staff_change(&self, id: i64) -> StoreResult<Option<StaffChangeRow>>;
    /// Applies a pending change with the credential the approver hands over and marks it
    /// approved, in one transaction. `NotFound` for an unknown id, `Conflict` when it was
    /// decided already or cannot be applied (a username taken since, a login gone), `Invalid`
    /// when the decider is the requester or the credential does not fit the change.
    async fn approve_staff_change(
        &self,
        decision: &StaffChangeDecision,
        credential: &IssuedCredential,
    ) -> StoreResult<StaffChangeApplied>;
    /// Marks a pending change rejected; errors as for approval.
    async fn reject_staff_change(
        &self,
        decision: &StaffChangeDecision,
    ) -> StoreResult<StaffChangeRow>;
}

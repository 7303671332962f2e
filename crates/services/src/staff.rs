//! Staff administration rules shared by the command line and the web: what a valid new login
//! is, when a change waits for a second administrator, and the bootstrap of the first two
//! administrators. A change that gives access is never applied by the one who asks for it: it
//! is recorded as a pending staff change (see `docs/security.md`, *Separation of duties*).
use chrono::{DateTime, Utc};
use rapport_domain::{BranchId, Role, StaffId, Username};
use rapport_store::staff_changes::{NewStaffChange, RequestedVia, StaffChange, StaffChangeRow};
use rapport_store::{Store, StoreError};

/// Below this many enabled administrators, the command line may create an administrator at
/// once: the installer's bootstrap of the first two.
pub const BOOTSTRAP_ADMINS: usize = 2;

/// Why a staff change was refused, naming the field where one is at fault.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("username {0} is taken")]
    UsernameTaken(Username),
    #[error("no staff member has the username {0}")]
    UnknownStaff(Username),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> StaffError {
    StaffError::Invalid {
        field,
        message: message.into(),
    }
}

/// Who asks for a staff change: an administrator (web or API) or the command line (no staff
/// id), and when.
#[derive(Debug, Clone, Copy)]
pub struct Requester {
    pub staff: Option<StaffId>,
    pub via: RequestedVia,
    pub at: DateTime<Utc>,
}

/// A new login as asked for, not yet checked.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
}

/// A display name as staff see it: trimmed, 1 to 50 printable characters.
pub fn display_name(text: &str) -> Result<String, StaffError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 50 || text.chars().any(char::is_control) {
        return Err(invalid(
            "display_name",
            "display_name must have 1–50 printable characters",
        ));
    }
    Ok(text.to_owned())
}

/// Checks a new login — its display name, a branch for a branch manager (their data scope),
/// a free username — and gives the change that creates it.
pub async fn check_login(store: &dyn Store, req: &LoginRequest) -> Result<StaffChange, StaffError> {
    let display_name = display_name(&req.display_name)?;
    if req.role == Role::BranchManager && req.branch_id.is_none() {
        return Err(invalid(
            "branch_id",
            "a branch manager needs a branch_id (their data scope)",
        ));
    }
    if store.staff_by_username(&req.username).await?.is_some() {
        return Err(StaffError::UsernameTaken(req.username.clone()));
    }
    Ok(StaffChange::CreateLogin {
        username: req.username.clone(),
        display_name,
        role: req.role,
        branch_id: req.branch_id,
    })
}

/// Longest life of an API token, in days.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// An API token as asked for: its name, the role and branch its service account acts with,
/// and its life in days.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub days: i64,
}

/// Checks a token request — its life, a name that makes a valid and free service account
/// (`svc.<name>`) — and gives the change that creates it at approval.
pub async fn check_token(store: &dyn Store, req: &TokenRequest) -> Result<StaffChange, StaffError> {
    if !(1..=MAX_TOKEN_DAYS).contains(&req.days) {
        return Err(invalid(
            "days",
            format!("days must be between 1 and {MAX_TOKEN_DAYS}"),
        ));
    }
    let account = rapport_store::staff_changes::token_account(&req.name).map_err(|e| match e {
        StoreError::Invalid(m) => invalid("name", m.trim_start_matches("name: ").to_owned()),
        other => StaffError::Store(other),
    })?;
    if store.staff_by_username(&account).await?.is_some() {
        return Err(StaffError::UsernameTaken(account));
    }
    Ok(StaffChange::CreateToken {
        name: req.name.clone(),
        role: req.role,
        branch_id: req.branch_id,
        days: req.days,
    })
}

/// Records `change` as waiting for an administrator other than the requester.
pub async fn request(
    store: &dyn Store,
    change: StaffChange,
    by: Requester,
) -> Result<StaffChangeRow, StaffError> {
    Ok(store
        .request_staff_change(&NewStaffChange {
            change,
            requested_by: by.staff,
            requested_via: by.via,
            at: by.at,
        })
        .await?)
}

/// A new temporary password for an existing staff member, waiting for an administrator.
pub async fn request_password_reset(
    store: &dyn Store,
    username: Username,
    by: Requester,
) -> Result<StaffChangeRow, StaffError> {
    existing(store, &username).await?;
    request(store, StaffChange::ResetPassword { username }, by).await
}

/// Enabling an existing login again, waiting for an administrator.
pub async fn request_enable(
    store: &dyn Store,
    username: Username,
    by: Requester,
) -> Result<StaffChangeRow, StaffError> {
    existing(store, &username).await?;
    request(store, StaffChange::Enable { username }, by).await
}

async fn existing(store: &dyn Store, username: &Username) -> Result<(), StaffError> {
    match store.staff_by_username(username).await? {
        Some(_) => Ok(()),
        None => Err(StaffError::UnknownStaff(username.clone())),
    }
}

/// Whether a new login of `role` is the bootstrap (an administrator while fewer than
/// [`BOOTSTRAP_ADMINS`] are enabled), which the command line creates at once.
pub async fn is_bootstrap(store: &dyn Store, role: Role) -> Result<bool, StaffError> {
    if role != Role::Admin {
        return Ok(false);
    }
    let enabled_admins = (store.list_staff().await?.iter())
        .filter(|s| s.role == Role::Admin && !s.disabled)
        .count();
    Ok(enabled_admins < BOOTSTRAP_ADMINS)
}

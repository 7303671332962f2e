//! Separation of duties for staff administration (maker-checker, R8.x): a change that gives
//! someone access — a new login, a new role or branch, enabling a login, a new password, an API
//! token — is recorded as pending and takes effect only when a second, different administrator
//! approves it. Every role but admin sees customer data, and an admin account approves staff
//! changes, so every such change waits, whatever the role.
//!
//! The credentials a change needs (a temporary password, a token) are made at approval and
//! handed to the approver once, so the maker never holds a working credential of their own
//! making. The rules on who may decide and when are [`check_decision`], used by every backend.
use chrono::{DateTime, Utc};
use rapport_domain::{BranchId, Role, StaffId, Username};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// What a pending change does once approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaffChange {
    /// A new login; its temporary password is made at approval and changed at the first login.
    CreateLogin {
        username: Username,
        display_name: String,
        role: Role,
        branch_id: Option<BranchId>,
    },
    /// A new role and/or branch: `role` `None` leaves the role; when `set_branch`, the branch
    /// becomes `branch_id` (`None` clears it).
    ChangeAccess {
        username: Username,
        role: Option<Role>,
        set_branch: bool,
        branch_id: Option<BranchId>,
    },
    /// Enable a disabled login.
    Enable { username: Username },
    /// A new temporary password (made at approval); the login's sessions end.
    ResetPassword { username: Username },
    /// An API token for a system caller, acting as the service account `svc.<name>`.
    CreateToken {
        name: String,
        role: Role,
        branch_id: Option<BranchId>,
        days: i64,
    },
}

impl StaffChange {
    /// The kind as stored and shown: `create_login`, `change_access`, `enable`,
    /// `reset_password`, `create_token`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CreateLogin { .. } => "create_login",
            Self::ChangeAccess { .. } => "change_access",
            Self::Enable { .. } => "enable",
            Self::ResetPassword { .. } => "reset_password",
            Self::CreateToken { .. } => "create_token",
        }
    }

    /// The login the change is about (for a token, its service account).
    pub fn username(&self) -> Result<Username, StoreError> {
        match self {
            Self::CreateLogin { username, .. }
            | Self::ChangeAccess { username, .. }
            | Self::Enable { username }
            | Self::ResetPassword { username } => Ok(username.clone()),
            Self::CreateToken { name, .. } => token_account(name),
        }
    }

    /// What the approver must hand over: a temporary password, a token, or nothing.
    pub fn issues(&self) -> Issues {
        match self {
            Self::CreateLogin { .. } | Self::ResetPassword { .. } => Issues::Password,
            Self::CreateToken { .. } => Issues::Token,
            Self::ChangeAccess { .. } | Self::Enable { .. } => Issues::Nothing,
        }
    }
}

/// The service account a token named `name` acts as.
pub fn token_account(name: &str) -> Result<Username, StoreError> {
    Username::parse(&format!("svc.{name}"))
        .map_err(|e| StoreError::Invalid(format!("name: {}", e.reason)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issues {
    Password,
    Token,
    Nothing,
}

/// Where a request came from: a signed-in administrator, or the command line (no staff id:
/// whoever runs it on the server; an administrator approves it in the web UI or API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestedVia {
    Web,
    Api,
    Cli,
}

impl RequestedVia {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
            Self::Cli => "cli",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "web" => Ok(Self::Web),
            "api" => Ok(Self::Api),
            "cli" => Ok(Self::Cli),
            _ => Err(StoreError::Database(
                "column pending_staff_changes.requested_via holds an unknown value".into(),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffChange {
    pub change: StaffChange,
    /// `None` when requested from the command line.
    pub requested_by: Option<StaffId>,
    pub requested_via: RequestedVia,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffChangeStatus {
    Pending,
    Approved,
    Rejected,
}

impl StaffChangeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            _ => Err(StoreError::Database(
                "column pending_staff_changes.status holds an unknown value".into(),
            )),
        }
    }
}

/// A recorded staff change and its decision, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChangeRow {
    pub id: i64,
    pub change: StaffChange,
    pub requested_by: Option<StaffId>,
    pub requested_via: RequestedVia,
    pub requested_at: DateTime<Utc>,
    pub status: StaffChangeStatus,
    pub decided_by: Option<StaffId>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The credential an approval hands over, made by the caller (who knows how to hash) just
/// before approving; the store keeps only hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuedCredential {
    /// For `create_login` and `reset_password`: the temporary password's hash.
    Password { hash: String },
    /// For `create_token`: the service account's unusable password hash and the token's.
    Token {
        account_password_hash: String,
        token_hash: String,
        csrf_token: String,
    },
    /// For changes that hand over nothing.
    Nothing,
}

/// An approved change as applied: the row and the login it made or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChangeApplied {
    pub row: StaffChangeRow,
    pub staff_id: StaffId,
}

/// A decision on a staff change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChangeDecision {
    pub id: i64,
    pub decided_by: StaffId,
    pub at: DateTime<Utc>,
}

/// Why a decision is refused, before anything is written. The one place the rule lives:
/// only a pending change is decided, and never by the administrator who asked for it.
pub fn check_decision(row: &StaffChangeRow, decider: StaffId) -> Result<(), StoreError> {
    if row.status != StaffChangeStatus::Pending {
        return Err(StoreError::Conflict(format!(
            "staff change {} was {} already",
            row.id,
            row.status.as_str()
        )));
    }
    if row.requested_by == Some(decider) {
        return Err(StoreError::Invalid(
            "a staff change is approved or rejected by a different administrator than the one who requested it"
                .into(),
        ));
    }
    Ok(())
}

/// Checks that the credential fits the change (a password for a login, a token for a token).
pub fn check_credential(
    change: &StaffChange,
    credential: &IssuedCredential,
) -> Result<(), StoreError> {
    let fits = matches!(
        (change.issues(), credential),
        (Issues::Password, IssuedCredential::Password { .. })
            | (Issues::Token, IssuedCredential::Token { .. })
            | (Issues::Nothing, IssuedCredential::Nothing)
    );
    if fits {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "a {} change needs a different credential",
            change.kind()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: StaffChangeStatus, by: Option<i64>) -> StaffChangeRow {
        StaffChangeRow {
            id: 1,
            change: StaffChange::Enable {
                username: Username::parse("rm.x").unwrap(),
            },
            requested_by: by.map(StaffId),
            requested_via: RequestedVia::Web,
            requested_at: Utc::now(),
            status,
            decided_by: None,
            decided_at: None,
        }
    }

    #[test]
    fn the_maker_never_decides_and_a_decision_is_final() {
        assert!(check_decision(&row(StaffChangeStatus::Pending, Some(1)), StaffId(2)).is_ok());
        assert!(check_decision(&row(StaffChangeStatus::Pending, None), StaffId(2)).is_ok());
        assert!(matches!(
            check_decision(&row(StaffChangeStatus::Pending, Some(1)), StaffId(1)),
            Err(StoreError::Invalid(_))
        ));
        for s in [StaffChangeStatus::Approved, StaffChangeStatus::Rejected] {
            assert!(matches!(
                check_decision(&row(s, Some(1)), StaffId(2)),
                Err(StoreError::Conflict(_))
            ));
        }
    }

    #[test]
    fn a_change_round_trips_as_json() {
        let c = StaffChange::ChangeAccess {
            username: Username::parse("bm.x").unwrap(),
            role: Some(Role::BranchManager),
            set_branch: true,
            branch_id: None,
        };
        let back: StaffChange = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}

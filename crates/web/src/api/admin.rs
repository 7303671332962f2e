//! Staff administration (admin role only): create, change, disable, reset passwords, and see
//! and end sessions. Every change is audited; every refusal too.
//!
//! Separation of duties: what gives access — a new login, a new role or branch, enabling a
//! login, a password reset — is only requested here (202 with the pending change) and takes
//! effect when a second administrator approves it; the credential it needs is made at approval
//! and shown to the approver once. Disabling a login and ending sessions only take access away,
//! so they stay immediate.
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_domain::{Action, BranchId, Role, Username};
use rapport_proto::{
    CreateStaffRequest, ErrorBody, ErrorCode, SessionDto, StaffChangeApproved, StaffChangeDto,
    StaffDto, UpdateStaffRequest,
};
use rapport_services::staff::{self, LoginRequest, Requester};
use rapport_store::audit::AuditAction;
use rapport_store::staff_changes::{
    IssuedCredential, Issues, RequestedVia, StaffChange, StaffChangeDecision, StaffChangeRow,
};
use rapport_store::{StaffAccount, StaffUpdate};

use super::{Caller, DecidedAlready, Errors, OwnRequest, accepted};
use rapport_services::passwords::{hash_password, temporary_password};

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiPath};
use crate::throttle::LoginBuckets;
use crate::{AppState, WebError, audit};

/// A staff member as administrators see them; `locked` when failed logins for the username
/// have reached the limit in the current window (the login throttle, [`LoginBuckets`]).
pub async fn staff_dto(state: &AppState, s: &StaffAccount) -> Result<StaffDto, WebError> {
    let locked = LoginBuckets::new(s.username.as_str(), None)
        .refused(state)
        .await?;
    Ok(StaffDto {
        id: s.id.0,
        username: s.username.to_string(),
        display_name: s.display_name.clone(),
        role: s.role.as_str().to_owned(),
        branch_id: s.branch_id.map(|b| b.0),
        disabled: s.disabled,
        locked,
        must_change_password: s.must_change_password,
        can_log_in: s.password_hash.is_some() && !s.disabled,
    })
}

/// Every staff member as administrators see them.
pub async fn staff_dtos(state: &AppState) -> Result<Vec<StaffDto>, WebError> {
    let mut out = Vec::new();
    for s in state.store.list_staff().await? {
        out.push(staff_dto(state, &s).await?);
    }
    Ok(out)
}

pub async fn require_admin(state: &AppState, auth: &Authenticated) -> Result<(), WebError> {
    audit::require(state, auth, Action::AdministerStaff, None).await
}

/// An administrator acting on staff and where they asked (the API or the staff page): what the
/// operations below and the page share. Its operations refuse (and audit) any other role.
pub struct Administrator<'a> {
    pub state: &'a AppState,
    pub auth: &'a Authenticated,
    pub via: RequestedVia,
}

impl<'a> Administrator<'a> {
    /// The caller of an API operation.
    fn api(caller: &'a Caller) -> Self {
        Self {
            state: &caller.state,
            auth: &caller.auth,
            via: RequestedVia::Api,
        }
    }

    /// Audits `action` by this administrator, saying what in `detail`.
    async fn audit(&self, action: AuditAction, detail: String) -> Result<(), WebError> {
        let mut e = audit::by(self.auth, self.state.clock.now(), action);
        e.detail = Some(detail);
        self.state.audit.record(e).await
    }
}

async fn hash(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::internal("password hashing", e))?
        .map_err(|e| WebError::internal("password hashing", e))
}

fn username(s: &str) -> Result<Username, WebError> {
    Username::parse(s).map_err(|e| WebError::invalid_parameter("username", e.reason))
}

fn role(s: &str) -> Result<Role, WebError> {
    s.parse()
        .map_err(|e: rapport_domain::InvalidValue| WebError::invalid_parameter("role", e.reason))
}

/// All staff.
#[utoipa::path(get, path = "/api/v1/admin/staff", tag = "admin",
    responses((status = 200, body = Vec<StaffDto>), Errors<401, 403>))]
pub async fn list_staff(Caller { state, auth }: Caller) -> Result<Json<Vec<StaffDto>>, WebError> {
    require_admin(&state, &auth).await?;
    Ok(Json(staff_dtos(&state).await?))
}

/// Request a staff login. It is created, with a temporary password shown to the approver once,
/// when a second administrator approves the change.
#[utoipa::path(post, path = "/api/v1/admin/staff", tag = "admin", request_body = CreateStaffRequest,
    responses(
        (status = 202, body = StaffChangeDto, description = "requested; waits for a second administrator"),
        (status = 409, body = ErrorBody, description = "username taken"),
        Errors<400, 403>))]
pub async fn create_staff(
    caller: Caller,
    ApiJson(req): ApiJson<CreateStaffRequest>,
) -> Result<(StatusCode, Json<StaffChangeDto>), WebError> {
    Ok(accepted(Administrator::api(&caller).create(&req).await?))
}

impl Administrator<'_> {
    /// Requests a staff login.
    pub async fn create(&self, req: &CreateStaffRequest) -> Result<StaffChangeDto, WebError> {
        require_admin(self.state, self.auth).await?;
        let login = LoginRequest {
            username: username(&req.username)?,
            display_name: req.display_name.clone(),
            role: role(&req.role)?,
            branch_id: req.branch_id.map(BranchId),
        };
        let change = staff::check_login(self.state.store.as_ref(), &login).await?;
        self.request(change).await
    }

    /// Records a change for a second administrator and audits the request.
    async fn request(&self, change: StaffChange) -> Result<StaffChangeDto, WebError> {
        let row = staff::request(self.state.store.as_ref(), change, self.requester()).await?;
        self.requested(row).await
    }

    /// The administrator asking, for a staff change.
    fn requester(&self) -> Requester {
        Requester {
            staff: Some(self.auth.staff.id),
            via: self.via,
            at: self.state.clock.now(),
        }
    }

    /// Audits a requested change and gives it as the API shows it.
    async fn requested(&self, row: StaffChangeRow) -> Result<StaffChangeDto, WebError> {
        let action = AuditAction::StaffChangeRequested;
        self.audit(action, describe(&row)).await?;
        Ok(change_dto(&row))
    }
}

/// What a change is, for the audit trail: no names of people, no credentials.
pub fn describe(row: &StaffChangeRow) -> String {
    let mut what = format!("staff change {}: {}", row.id, row.change.kind());
    match &row.change {
        StaffChange::CreateLogin {
            username,
            role,
            branch_id,
            ..
        } => what.push_str(&format!(
            " {username} as {role} branch={}",
            branch_text(*branch_id)
        )),
        StaffChange::ChangeAccess {
            username,
            role,
            set_branch,
            branch_id,
        } => {
            what.push_str(&format!(" {username}"));
            if let Some(r) = role {
                what.push_str(&format!(" role={r}"));
            }
            if *set_branch {
                what.push_str(&format!(" branch={}", branch_text(*branch_id)));
            }
        }
        StaffChange::Enable { username } | StaffChange::ResetPassword { username } => {
            what.push_str(&format!(" {username}"))
        }
        StaffChange::CreateToken {
            name,
            role,
            branch_id,
            days,
        } => what.push_str(&format!(
            " {name} as {role} branch={} days={days}",
            branch_text(*branch_id)
        )),
    }
    match row.requested_by {
        Some(by) => what.push_str(&format!("; requested by staff {}", by.0)),
        None => what.push_str("; requested via the command line"),
    }
    what
}

fn branch_text(b: Option<BranchId>) -> String {
    b.map(|b| b.0.to_string()).unwrap_or_else(|| "none".into())
}

pub fn change_dto(row: &StaffChangeRow) -> StaffChangeDto {
    let (display_name, role, sets_branch, branch_id, token_days) = match &row.change {
        StaffChange::CreateLogin {
            display_name,
            role,
            branch_id,
            ..
        } => (
            Some(display_name.clone()),
            Some(*role),
            true,
            *branch_id,
            None,
        ),
        StaffChange::ChangeAccess {
            role,
            set_branch,
            branch_id,
            ..
        } => (None, *role, *set_branch, *branch_id, None),
        StaffChange::Enable { .. } | StaffChange::ResetPassword { .. } => {
            (None, None, false, None, None)
        }
        StaffChange::CreateToken {
            role,
            branch_id,
            days,
            ..
        } => (None, Some(*role), true, *branch_id, Some(*days)),
    };
    StaffChangeDto {
        id: row.id,
        kind: row.change.kind().to_owned(),
        username: row
            .change
            .username()
            .map(|u| u.to_string())
            .unwrap_or_default(),
        display_name,
        role: role.map(|r| r.as_str().to_owned()),
        sets_branch,
        branch_id: branch_id.map(|b| b.0),
        token_days,
        requested_by: row.requested_by.map(|s| s.0),
        requested_via: row.requested_via.as_str().to_owned(),
        requested_at: row.requested_at,
        status: row.status.as_str().to_owned(),
        decided_by: row.decided_by.map(|s| s.0),
        decided_at: row.decided_at,
    }
}

/// What a change to a staff member came to: applied at once (a name, disabling) or waiting
/// for a second administrator (role, branch, enabling).
pub enum Updated {
    Applied(StaffDto),
    Pending(StaffChangeDto),
}

impl IntoResponse for Updated {
    fn into_response(self) -> Response {
        match self {
            Self::Applied(s) => (StatusCode::OK, Json(s)).into_response(),
            Self::Pending(c) => (StatusCode::ACCEPTED, Json(c)).into_response(),
        }
    }
}

/// Change a staff member's name or disable them (at once; disabling ends their sessions), or
/// request a new role or branch, or enabling them (202: waits for a second administrator).
#[utoipa::path(patch, path = "/api/v1/admin/staff/{username}", tag = "admin", request_body = UpdateStaffRequest,
    params(("username" = String, Path)),
    responses(
        (status = 200, body = StaffDto, description = "applied (display name, disabling)"),
        (status = 202, body = StaffChangeDto, description = "role, branch or enabling requested; waits for a second administrator"),
        Errors<400, 403, 404, 409>))]
pub async fn update_staff(
    caller: Caller,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateStaffRequest>,
) -> Result<Updated, WebError> {
    Administrator::api(&caller).update(&name, &req).await
}

impl Administrator<'_> {
    /// Changes a staff member.
    pub async fn update(&self, name: &str, req: &UpdateStaffRequest) -> Result<Updated, WebError> {
        let (state, auth) = (self.state, self.auth);
        require_admin(state, auth).await?;
        let name = username(name)?;
        if name == auth.staff.username
            && (req.disabled == Some(true) || req.role.as_deref().is_some_and(|r| r != "admin"))
        {
            return Err(WebError::new(
                ErrorCode::Conflict,
                "administrators cannot disable or demote themselves",
            ));
        }
        let new_role = req.role.as_deref().map(role).transpose()?;
        let new_name = (req.display_name.as_deref())
            .map(staff::display_name)
            .transpose()?;
        let changes_access = new_role.is_some() || req.branch_id.is_some();
        let enables = req.disabled == Some(false);
        if changes_access && enables {
            return Err(WebError::invalid_parameter(
                "disabled",
                "enabling a login and changing its role or branch are separate requests, each approved on its own",
            ));
        }
        if changes_access && req.disabled == Some(true) {
            return Err(WebError::invalid_parameter(
                "disabled",
                "disable a login in a request of its own",
            ));
        }
        let mut staff = state
            .store
            .staff_by_username(&name)
            .await?
            .ok_or_else(WebError::not_found)?;
        // What only renames or takes access away applies at once.
        if new_name.is_some() {
            staff = state
                .store
                .update_staff(
                    &name,
                    &StaffUpdate {
                        display_name: new_name,
                        ..StaffUpdate::default()
                    },
                )
                .await?;
            let detail = format!("changed {name}: display_name");
            self.audit(AuditAction::StaffChanged, detail).await?;
        }
        if req.disabled == Some(true) {
            state.store.set_disabled(&name, true).await?;
            staff.disabled = true;
            let detail = format!("changed {name}: disabled");
            self.audit(AuditAction::StaffChanged, detail).await?;
        }
        let change = if changes_access {
            Some(StaffChange::ChangeAccess {
                username: name.clone(),
                role: new_role,
                set_branch: req.branch_id.is_some(),
                branch_id: req.branch_id.flatten().map(BranchId),
            })
        } else if enables && staff.disabled {
            Some(StaffChange::Enable {
                username: name.clone(),
            })
        } else {
            None
        };
        match change {
            Some(change) => Ok(Updated::Pending(self.request(change).await?)),
            None => Ok(Updated::Applied(staff_dto(state, &staff).await?)),
        }
    }
}

/// Request a new temporary password for a staff member. When a second administrator approves,
/// it is shown to them once and the staff member's sessions end.
#[utoipa::path(post, path = "/api/v1/admin/staff/{username}/reset-password", tag = "admin",
    params(("username" = String, Path)),
    responses(
        (status = 202, body = StaffChangeDto, description = "requested; waits for a second administrator"),
        Errors<403, 404>))]
pub async fn reset_password(
    caller: Caller,
    ApiPath(name): ApiPath<String>,
) -> Result<(StatusCode, Json<StaffChangeDto>), WebError> {
    Ok(accepted(Administrator::api(&caller).reset(&name).await?))
}

impl Administrator<'_> {
    /// Requests a temporary password for a staff member.
    pub async fn reset(&self, name: &str) -> Result<StaffChangeDto, WebError> {
        require_admin(self.state, self.auth).await?;
        let name = username(name)?;
        let store = self.state.store.as_ref();
        let row = staff::request_password_reset(store, name, self.requester()).await?;
        self.requested(row).await
    }
}

/// Staff changes waiting for a second administrator, oldest first.
#[utoipa::path(get, path = "/api/v1/admin/staff-changes", tag = "admin",
    responses((status = 200, body = Vec<StaffChangeDto>), Errors<401, 403>))]
pub async fn list_staff_changes(
    Caller { state, auth }: Caller,
) -> Result<Json<Vec<StaffChangeDto>>, WebError> {
    require_admin(&state, &auth).await?;
    Ok(Json(
        state
            .store
            .pending_staff_changes()
            .await?
            .iter()
            .map(change_dto)
            .collect(),
    ))
}

/// Approve another administrator's staff change: it takes effect now, and a temporary password
/// or token it makes is in the answer, shown once.
#[utoipa::path(post, path = "/api/v1/admin/staff-changes/{id}/approve", tag = "admin",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = StaffChangeApproved),
        OwnRequest,
        (status = 409, body = ErrorBody, description = "decided already, or it cannot be applied any more"),
        Errors<404>))]
pub async fn approve_staff_change(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<StaffChangeApproved>, WebError> {
    Ok(Json(Administrator::api(&caller).approve(id).await?))
}

/// Reject another administrator's staff change; nothing is applied.
#[utoipa::path(post, path = "/api/v1/admin/staff-changes/{id}/reject", tag = "admin",
    params(("id" = i64, Path)),
    responses((status = 200, body = StaffChangeDto), OwnRequest, DecidedAlready, Errors<404>))]
pub async fn reject_staff_change(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<StaffChangeDto>, WebError> {
    Ok(Json(Administrator::api(&caller).reject(id).await?))
}

impl Administrator<'_> {
    /// The change to decide, refused (and audited) when the decider asked for it.
    async fn decidable(&self, id: i64) -> Result<StaffChangeRow, WebError> {
        let (state, auth) = (self.state, self.auth);
        require_admin(state, auth).await?;
        let row = state
            .store
            .staff_change(id)
            .await?
            .ok_or_else(WebError::not_found)?;
        if row.requested_by == Some(auth.staff.id) {
            let message = "you requested this staff change: a different administrator must approve or reject it";
            let mut e = audit::by(auth, state.clock.now(), AuditAction::AuthorizationFailed);
            e.reason = Some(message.into());
            e.detail = Some(format!("staff change {id}"));
            state.audit.record(e).await?;
            return Err(WebError::new(ErrorCode::Forbidden, message));
        }
        Ok(row)
    }

    /// This administrator's decision on the change `id`, now.
    fn decision(&self, id: i64) -> StaffChangeDecision {
        StaffChangeDecision {
            id,
            decided_by: self.auth.staff.id,
            at: self.state.clock.now(),
        }
    }

    /// Approves a staff change.
    pub async fn approve(&self, id: i64) -> Result<StaffChangeApproved, WebError> {
        let row = self.decidable(id).await?;
        let (credential, temporary_password, token) = match row.change.issues() {
            Issues::Password => {
                let password = temporary_password();
                let hash = hash(password.clone()).await?;
                (IssuedCredential::Password { hash }, Some(password), None)
            }
            Issues::Token => {
                let token = crate::auth::random_token();
                // The service account has a password nobody knows: it can only use its token.
                let unusable = hash(temporary_password() + &temporary_password()).await?;
                (
                    IssuedCredential::Token {
                        account_password_hash: unusable,
                        token_hash: crate::auth::token_hash(&token),
                        csrf_token: crate::auth::random_token(),
                    },
                    None,
                    Some(token),
                )
            }
            Issues::Nothing => (IssuedCredential::Nothing, None, None),
        };
        let applied = (self.state.store)
            .approve_staff_change(&self.decision(id), &credential)
            .await?;
        let detail = format!(
            "{}; approved, applied to staff {}",
            describe(&applied.row),
            applied.staff_id.0
        );
        self.audit(AuditAction::StaffChangeApproved, detail).await?;
        Ok(StaffChangeApproved {
            change: change_dto(&applied.row),
            temporary_password,
            token,
        })
    }

    /// Rejects a staff change.
    pub async fn reject(&self, id: i64) -> Result<StaffChangeDto, WebError> {
        self.decidable(id).await?;
        let row = (self.state.store)
            .reject_staff_change(&self.decision(id))
            .await?;
        let detail = format!("{}; rejected", describe(&row));
        self.audit(AuditAction::StaffChangeRejected, detail).await?;
        Ok(change_dto(&row))
    }

    /// Ends a session or revokes an API token (at once: it only takes access away).
    pub async fn end_session(&self, id: &str) -> Result<(), WebError> {
        require_admin(self.state, self.auth).await?;
        if !self.state.store.revoke_session(id).await? {
            return Err(WebError::not_found());
        }
        let detail = format!("ended session {id}");
        self.audit(AuditAction::StaffChanged, detail).await
    }
}

/// The administrator who asked for a change, by staff id (for pages).
pub fn requester_name(row: &StaffChangeDto, staff: &[StaffDto]) -> String {
    match row.requested_by {
        Some(id) => staff
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.username.clone())
            .unwrap_or_else(|| id.to_string()),
        None => "cli".into(),
    }
}

/// Live sessions and API tokens.
#[utoipa::path(get, path = "/api/v1/admin/sessions", tag = "admin",
    responses((status = 200, body = Vec<SessionDto>), Errors<403>))]
pub async fn list_sessions(
    Caller { state, auth }: Caller,
) -> Result<Json<Vec<SessionDto>>, WebError> {
    require_admin(&state, &auth).await?;
    let sessions = state.store.list_sessions(None, state.clock.now()).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionDto {
                id: s.id,
                username: s.username,
                kind: s.kind.as_str().to_owned(),
                name: s.name,
                created_at: s.created_at,
                expires_at: if s.kind == rapport_store::SessionKind::Token {
                    s.absolute_expires_at
                } else {
                    s.idle_expires_at
                },
            })
            .collect(),
    ))
}

/// End a session or revoke an API token.
#[utoipa::path(delete, path = "/api/v1/admin/sessions/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 204), Errors<400, 403, 404>))]
pub async fn revoke_session(
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, WebError> {
    Administrator::api(&caller).end_session(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

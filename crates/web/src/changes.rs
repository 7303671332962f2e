//! Prospects and contact changes from the edge: typed validation naming each bad field, role
//! checks, the store's scope and version checks, and an audit entry per change.
use chrono::NaiveDate;
use rapport_domain::{Action, ContactChannel, Gender, Mobile, PartyId, ResidentId, Role, permits};
use rapport_proto::{CreateProspectRequest, ErrorCode, UpdateContactRequest};
use rapport_store::audit::AuditAction;
use rapport_store::{
    ChangeAuthor, ContactChanges, Customer360, NewProspect, PartyChange, StoreError,
};

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit, reads};

const MAX_NAME: usize = 50;
const MAX_EMAIL: usize = 100;
const MAX_ADDRESS: usize = 200;

fn text(field: &str, value: &str, max: usize) -> Result<String, WebError> {
    text_field(field, value, max, false)
}

/// A typed text, trimmed: at most `max` characters and no control characters — but line
/// breaks where the text may have several lines (`multiline`).
pub(crate) fn text_field(
    field: &str,
    value: &str,
    max: usize,
    multiline: bool,
) -> Result<String, WebError> {
    let v = value.trim();
    let n = v.chars().count();
    if n > max {
        return Err(WebError::invalid_parameter(
            field,
            format!("{field} has {n} characters; at most {max} are allowed"),
        ));
    }
    let refused = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r'));
    if v.chars().any(refused) {
        return Err(WebError::invalid_parameter(
            field,
            format!("{field} may not contain control characters"),
        ));
    }
    Ok(v.to_owned())
}

fn email(value: &str) -> Result<String, WebError> {
    let v = text("email", value, MAX_EMAIL)?;
    let ok = v
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.') && !v.contains(' '));
    if !ok {
        return Err(WebError::invalid_parameter(
            "email",
            "email must look like name@example.com",
        ));
    }
    Ok(v)
}

fn mobile(value: &str) -> Result<Mobile, WebError> {
    Mobile::parse(value).map_err(|e| WebError::invalid_parameter("mobile", e.reason))
}

pub fn parse_prospect(
    req: &CreateProspectRequest,
    auth: &Authenticated,
) -> Result<NewProspect, WebError> {
    let name = text("name", &req.name, MAX_NAME)?;
    if name.is_empty() {
        return Err(WebError::invalid_parameter(
            "name",
            "name must not be empty",
        ));
    }
    let gender = req
        .gender
        .as_deref()
        .filter(|g| !g.is_empty())
        .map(|g| {
            g.parse::<Gender>()
                .map_err(|e| WebError::invalid_parameter("gender", e.reason))
        })
        .transpose()?;
    let resident_id = req
        .resident_id
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| {
            ResidentId::parse(r).map_err(|e| WebError::invalid_parameter("resident_id", e.reason))
        })
        .transpose()?;
    if let Some(id) = &resident_id {
        id.check_consistent(req.birth_date, gender)
            .map_err(|e| WebError::invalid_parameter("resident_id", e.reason))?;
    }
    let home_branch = auth.staff.branch_id.ok_or_else(|| {
        WebError::invalid_parameter("branch", "you have no branch to register a prospect in")
    })?;
    Ok(NewProspect {
        name,
        gender: gender.or(resident_id.as_ref().map(ResidentId::gender)),
        birth_date: req
            .birth_date
            .or(resident_id.as_ref().map(ResidentId::birth_date)),
        mobile: req
            .mobile
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(mobile)
            .transpose()?,
        email: req
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(email)
            .transpose()?,
        address: req
            .address
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .map(|a| text("address", a, MAX_ADDRESS))
            .transpose()?,
        resident_id,
        home_branch,
        primary_rm: (auth.staff.role == Role::Rm).then_some(auth.staff.id),
    })
}

pub fn parse_contact(req: &UpdateContactRequest) -> Result<ContactChanges, WebError> {
    // Absent: unchanged; empty: cleared; anything else: validated.
    fn field<T>(
        v: &Option<String>,
        parse: impl Fn(&str) -> Result<T, WebError>,
    ) -> Result<Option<Option<T>>, WebError> {
        match v.as_deref().map(str::trim) {
            None => Ok(None),
            Some("") => Ok(Some(None)),
            Some(s) => parse(s).map(|t| Some(Some(t))),
        }
    }
    Ok(ContactChanges {
        mobile: field(&req.mobile, mobile)?,
        email: field(&req.email, email)?,
        address: field(&req.address, |a| text("address", a, MAX_ADDRESS))?,
        preferred_channel: field(&req.preferred_channel, |c| {
            c.parse::<ContactChannel>()
                .map(|c| c.as_str().to_owned())
                .map_err(|e| WebError::invalid_parameter("preferred_channel", e.reason))
        })?,
    })
}

/// The caller as the author of a change, now.
pub(crate) fn author(state: &AppState, auth: &Authenticated) -> ChangeAuthor {
    ChangeAuthor {
        staff_id: Some(auth.staff.id),
        username: auth.staff.username.to_string(),
        source: "rapport".into(),
        at: state.clock.now(),
    }
}

pub async fn create_prospect(
    state: &AppState,
    auth: &Authenticated,
    req: &CreateProspectRequest,
) -> Result<Customer360, WebError> {
    audit::require(state, auth, Action::RegisterProspects, None).await?;
    let prospect = parse_prospect(req, auth)?;
    let id = state
        .store
        .create_prospect(&prospect, &author(state, auth))
        .await?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::CustomerChanged);
    e.party_id = Some(id);
    e.detail = Some("prospect created".into());
    state.audit.record(e).await?;
    reads::customer_360(state, auth, id).await
}

pub async fn update_contact(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
    req: &UpdateContactRequest,
) -> Result<Customer360, WebError> {
    let changes = parse_contact(req)?;
    if !permits(auth.staff.role, Action::ChangeContactDetails) {
        // Out-of-scope customers stay 404 for every role.
        reads::customer_360_unaudited(state, auth, id).await?;
        audit::require(state, auth, Action::ChangeContactDetails, Some(id)).await?;
    }
    match state
        .store
        .update_contact(
            &auth.viewer,
            id,
            req.version,
            &changes,
            &author(state, auth),
        )
        .await
    {
        Ok(version) => {
            let mut fields = Vec::new();
            for (name, set) in [
                ("mobile", changes.mobile.is_some()),
                ("email", changes.email.is_some()),
                ("address", changes.address.is_some()),
                ("preferred_channel", changes.preferred_channel.is_some()),
            ] {
                if set {
                    fields.push(name);
                }
            }
            let mut e = audit::by(auth, state.clock.now(), AuditAction::CustomerChanged);
            e.party_id = Some(id);
            e.detail = Some(format!("fields={} version={version}", fields.join(",")));
            state.audit.record(e).await?;
            reads::customer_360(state, auth, id).await
        }
        Err(StoreError::NotFound(_)) => {
            reads::customer_360_unaudited(state, auth, id).await?;
            Err(WebError::not_found())
        }
        Err(StoreError::Conflict(m)) => Err(WebError::new(ErrorCode::Conflict, m)),
        Err(e) => Err(e.into()),
    }
}

pub async fn history(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
) -> Result<Vec<PartyChange>, WebError> {
    match state.store.party_changes(&auth.viewer, id).await? {
        Some(h) => Ok(h),
        None => {
            reads::customer_360_unaudited(state, auth, id).await?;
            Err(WebError::not_found())
        }
    }
}

/// The profile as it stood at the end of `date` in the bank's time zone: later contact
/// changes are undone, newest first. A customer created after that date is not found.
pub async fn as_of(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
    date: NaiveDate,
) -> Result<(Customer360, Vec<PartyChange>), WebError> {
    let mut view = reads::customer_360(state, auth, id).await?;
    let changes = history(state, auth, id).await?;
    let end = date
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(state.bank.time_zone).earliest())
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| WebError::invalid_parameter("as_of", "as_of is out of range"))?;
    if view.party.onboarded_on > date
        || changes
            .iter()
            .any(|c| c.field == "created" && c.changed_at >= end)
    {
        return Err(WebError::new(
            ErrorCode::NotFound,
            format!("the customer did not exist yet on {date}"),
        ));
    }
    // The RMs of that day: assignments are ended, never deleted (R1.6).
    let customer = state
        .store
        .customer_in_scope(&auth.viewer, id)
        .await?
        .ok_or_else(WebError::not_found)?;
    view.rms = state
        .store
        .rms_on(&customer, date)
        .await?
        .ok_or_else(WebError::not_found)?;
    for c in changes.iter().rev().filter(|c| c.changed_at >= end) {
        let p = &mut view.party;
        match c.field.as_str() {
            "mobile" => p.mobile.clone_from(&c.old_value),
            "email" => p.email.clone_from(&c.old_value),
            "address" => p.address.clone_from(&c.old_value),
            "preferred_channel" => p.preferred_channel.clone_from(&c.old_value),
            _ => {}
        }
        p.version = c.version - 1;
    }
    Ok((view, changes))
}

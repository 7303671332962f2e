use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use rapport_domain::unmask::{MaskedField, UnmaskReason, may_unmask};
use rapport_domain::{Action, ContactChannel, FieldPolicy, PartyId, Role, permits};
use rapport_proto::{
    CreateProspectRequest, Customer360Dto, CustomerSummaryDto, ErrorCode, UnmaskRequest,
    UpdateContactRequest,
};
use rapport_store::{Customer360, PartyChange};
use serde::Deserialize;

use super::{Button, Ctx, FormPost, PageAt, PageError, Pager, SignedIn, url_encode};
use crate::api::page_request;
use crate::auth::Authenticated;
use crate::i18n::{Lang, Text};
use crate::{AppState, WebError, assets, changes, present, reads};

#[derive(Template, WebTemplate)]
#[template(path = "customers.html")]
pub struct CustomersPage {
    ctx: Ctx,
    can_create: bool,
    q: String,
    rows: Vec<CustomerSummaryDto>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    page: Option<u32>,
}

pub async fn search(
    State(state): State<AppState>,
    page: SignedIn,
    form: Result<Query<SearchForm>, QueryRejection>,
) -> Result<CustomersPage, PageError> {
    let (fail, auth) = (page.fail(), &page.auth);
    let form = page.query(form, "page")?;
    let request = page_request(form.page, Some(20)).map_err(fail)?;
    let q = form.q.unwrap_or_default();
    let rows = reads::search_or_list(&state, auth, &q, request)
        .await
        .map_err(fail)?;
    let found = present::page(&rows, auth.viewer.field_policy());
    let ctx = page.ctx();
    let pager = Pager::new(ctx.t, found.page, found.has_more, |p| {
        format!("/customers?q={}&page={p}", url_encode(&q))
    });
    Ok(CustomersPage {
        can_create: permits(auth.staff.role, Action::RegisterProspects),
        pager,
        rows: found.items,
        q,
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "customer.html")]
pub struct CustomerPage {
    ctx: Ctx,
    v: Customer360Dto,
    masked_labels: String,
    chart_months: String,
    chart_values: String,
    echarts_url: String,
    /// Masked fields this role may ask to see, as (code, label).
    unmaskable: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    unmask_error: Option<String>,
    can_edit: bool,
    channels: Vec<(&'static str, &'static str)>,
    contact_message: Option<String>,
    contact_ok: bool,
    /// (when, who, field, before, after), masked.
    history: Vec<(String, String, String, String, String)>,
    as_of: String,
    /// Source records (masked) and merge history; empty on an as-of view.
    sources: Vec<rapport_proto::SourceRecordDto>,
    events: Vec<rapport_proto::IdentityEventDto>,
    can_unmerge: bool,
    /// The latest scoring explained; `None` on an as-of view.
    scores: Option<rapport_proto::CustomerScoresDto>,
    /// The customer's segments link to their pages (roles that use segments).
    can_open_segments: bool,
    /// The value score and its components, titled, for the parts table.
    score_groups: Vec<(&'static str, rapport_proto::ExplainedDto)>,
    /// Enabled RMs a branch manager or administrator may assign, as (staff id, name);
    /// empty for other roles and on an as-of view.
    rm_choices: Vec<(i64, String)>,
    /// One timeline, newest first: contacts, tasks, alerts, tier changes and merges.
    timeline: Vec<TimelineEntry>,
}

/// One line of the 360 page's timeline.
pub struct TimelineEntry {
    /// Sorts the timeline (RFC 3339 in UTC; a date is its day's start).
    key: String,
    /// When, in the bank's zone.
    when: String,
    /// contact, task, alert, tier or merge.
    kind: &'static str,
    text: String,
    testid: String,
}

/// What a 360 page shows besides the view itself.
#[derive(Default)]
struct Extras {
    unmask_error: Option<String>,
    contact: Option<(bool, String)>,
    history: Vec<PartyChange>,
    as_of: Option<NaiveDate>,
    identity: Option<crate::identity::PartyIdentity>,
    scores: Option<rapport_proto::CustomerScoresDto>,
    contacts: Vec<rapport_proto::InteractionDto>,
    tasks: Vec<rapport_proto::TaskDto>,
    rm_choices: Vec<(i64, String)>,
}

/// Contacts the 360 page lists.
const CONTACTS: i64 = 50;

#[derive(Deserialize)]
pub struct ViewForm {
    as_of: Option<String>,
}

pub async fn view(
    State(state): State<AppState>,
    PageAt { page, id }: PageAt<i64>,
    form: Result<Query<ViewForm>, QueryRejection>,
) -> Result<CustomerPage, PageError> {
    let fail = page.fail();
    let SignedIn { req, auth } = &page;
    let as_of = match form.ok().and_then(|f| f.0.as_of).filter(|d| !d.is_empty()) {
        Some(d) => Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
            fail(WebError::invalid_parameter(
                "as_of",
                "as_of must be a date (YYYY-MM-DD)",
            ))
        })?),
        None => None,
    };
    let (view, history) = match as_of {
        Some(date) => changes::as_of(&state, auth, PartyId(id), date)
            .await
            .map_err(fail)?,
        None => {
            let view = reads::customer_360(&state, auth, PartyId(id))
                .await
                .map_err(fail)?;
            let history = changes::history(&state, auth, PartyId(id))
                .await
                .map_err(fail)?;
            (view, history)
        }
    };
    // Part of the view audited above.
    let identity = match as_of {
        Some(_) => None,
        None => Some(
            crate::identity::customer_identity_unaudited(&state, auth, PartyId(id))
                .await
                .map_err(fail)?,
        ),
    };
    // As of a past day: the tier and scores of that day.
    let scores = Some(
        crate::scores::customer_scores_unaudited(&state, auth, PartyId(id), as_of, req.lang)
            .await
            .map_err(fail)?,
    );
    let customer = state
        .store
        .customer_in_scope(&auth.viewer, PartyId(id))
        .await
        .map_err(|e| fail(e.into()))?;
    // Part of the view audited above; an as-of view has none.
    let (contacts, tasks) = match (&customer, as_of) {
        (Some(customer), None) => {
            let store = &state.store;
            let contacts = store.party_interactions(customer, CONTACTS).await;
            let contacts = contacts.map_err(|e| fail(e.into()))?.unwrap_or_default();
            let tasks = store.party_tasks(customer, CONTACTS).await;
            let tasks = tasks.map_err(|e| fail(e.into()))?.unwrap_or_default();
            let policy = auth.viewer.field_policy();
            (
                contacts.iter().map(present::interaction).collect(),
                tasks
                    .iter()
                    .map(|t| present::task(t, policy, req.lang))
                    .collect(),
            )
        }
        _ => (Vec::new(), Vec::new()),
    };
    let rm_choices = if as_of.is_none() {
        assignable_rms(&state, auth).await.map_err(fail)?
    } else {
        Vec::new()
    };
    let extras = Extras {
        history,
        as_of,
        identity,
        scores,
        contacts,
        tasks,
        rm_choices,
        ..Extras::default()
    };
    Ok(show(&state, &page, &view, extras))
}

posted_forms!(ContactForm, ProspectForm, UnmaskForm, AssignForm);

#[derive(Deserialize)]
pub struct ContactForm {
    csrf: String,
    version: i64,
    mobile: Option<String>,
    email: Option<String>,
    address: Option<String>,
    preferred_channel: Option<String>,
}

/// The contact form: empty inputs leave a field unchanged.
pub async fn contact(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<ContactForm, i64>,
) -> Result<CustomerPage, PageError> {
    let fail = page.fail();
    let SignedIn { req, auth } = &page;
    let keep = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let request = UpdateContactRequest {
        version: form.version,
        mobile: keep(form.mobile),
        email: keep(form.email),
        address: keep(form.address),
        preferred_channel: keep(form.preferred_channel),
    };
    let t = req.lang.text();
    let (view, outcome) = match changes::update_contact(&state, auth, PartyId(id), &request).await {
        Ok(view) => (view, (true, t.saved.to_owned())),
        Err(e) if matches!(e.code, ErrorCode::Conflict | ErrorCode::InvalidParameter) => {
            let message = if e.code == ErrorCode::Conflict {
                t.stale.to_owned()
            } else {
                e.message
            };
            let view = reads::customer_360(&state, auth, PartyId(id)).await;
            (view.map_err(&fail)?, (false, message))
        }
        Err(e) => return Err(fail(e)),
    };
    let history = changes::history(&state, auth, PartyId(id))
        .await
        .map_err(fail)?;
    let extras = Extras {
        contact: Some(outcome),
        history,
        ..Extras::default()
    };
    Ok(show(&state, &page, &view, extras))
}

#[derive(Template, WebTemplate)]
#[template(path = "prospect.html")]
pub struct ProspectPage {
    ctx: Ctx,
    error: Option<String>,
    name: String,
    mobile: String,
    resident_id: String,
    email: String,
    address: String,
}

pub async fn new_prospect(page: SignedIn) -> Result<ProspectPage, PageError> {
    Ok(ProspectPage {
        ctx: page.ctx(),
        error: None,
        name: String::new(),
        mobile: String::new(),
        resident_id: String::new(),
        email: String::new(),
        address: String::new(),
    })
}

#[derive(Deserialize)]
pub struct ProspectForm {
    csrf: String,
    name: String,
    mobile: Option<String>,
    resident_id: Option<String>,
    email: Option<String>,
    address: Option<String>,
}

pub async fn create_prospect(
    State(state): State<AppState>,
    FormPost { page, form, .. }: FormPost<ProspectForm>,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    let auth = &page.auth;
    let request = CreateProspectRequest {
        name: form.name.clone(),
        gender: None,
        birth_date: None,
        resident_id: form.resident_id.clone(),
        mobile: form.mobile.clone(),
        email: form.email.clone(),
        address: form.address.clone(),
    };
    match changes::create_prospect(&state, auth, &request).await {
        Ok(view) => Ok(axum::response::Redirect::to(&format!(
            "/customers/{}",
            view.party.party_id.0
        ))
        .into_response()),
        Err(e) if e.code == ErrorCode::InvalidParameter => Ok((
            axum::http::StatusCode::BAD_REQUEST,
            ProspectPage {
                ctx: page.ctx(),
                error: Some(e.message),
                name: form.name,
                mobile: form.mobile.unwrap_or_default(),
                resident_id: String::new(),
                email: form.email.unwrap_or_default(),
                address: form.address.unwrap_or_default(),
            },
        )
            .into_response()),
        Err(e) => Err(page.fail()(e)),
    }
}

#[derive(Deserialize)]
pub struct UnmaskForm {
    csrf: String,
    field: String,
    reason: String,
    reason_text: Option<String>,
}

/// The unmask form of the 360 page: the page again, with the one field in clear.
pub async fn unmask(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<UnmaskForm, i64>,
) -> Result<CustomerPage, PageError> {
    let (fail, auth) = (page.fail(), &page.auth);
    let request = UnmaskRequest {
        field: form.field,
        reason: form.reason,
        reason_text: form.reason_text,
    };
    let parsed = match crate::api::parse_unmask(&request) {
        Ok(p) => p,
        Err(e) => {
            // Show the page (audited as a view) with the problem next to the form.
            let view = reads::customer_360(&state, auth, PartyId(id))
                .await
                .map_err(fail)?;
            let extras = Extras {
                unmask_error: Some(e.message),
                ..Extras::default()
            };
            return Ok(show(&state, &page, &view, extras));
        }
    };
    let (field, reason) = parsed;
    let (view, values) = reads::unmask(&state, auth, PartyId(id), field, &reason)
        .await
        .map_err(fail)?;
    let mut v = present::customer_360(&view, auth.viewer.field_policy(), state.bank.base_currency);
    present::reveal(&mut v, field, &values);
    Ok(render(&state, &page, v, Extras::default()))
}

fn field_label(t: &'static Text, code: &str) -> &'static str {
    match code {
        "name" => t.name,
        "mobile" => t.mobile,
        "resident_id" => t.resident_id,
        "address" => t.address,
        _ => t.account_number,
    }
}

/// The 360 page of `view`, masked for the caller.
fn show(state: &AppState, page: &SignedIn, view: &Customer360, extras: Extras) -> CustomerPage {
    let policy = page.auth.viewer.field_policy();
    let v = present::customer_360(view, policy, state.bank.base_currency);
    render(state, page, v, extras)
}

fn render(state: &AppState, page: &SignedIn, v: Customer360Dto, extras: Extras) -> CustomerPage {
    let SignedIn { req, auth } = page;
    let ctx = page.ctx();
    let policy = auth.viewer.field_policy();
    let tz = state.bank.time_zone;
    let history = history_rows(&extras.history, policy, tz, ctx.lang);
    let masked_labels = masked_labels(ctx.t, &v);
    let unmaskable = unmaskable_fields(auth.staff.role, ctx.t, &v);
    let reasons = UnmaskReason::ALL
        .iter()
        .map(|r| (r.as_str(), ctx.lang.label(r.as_str())))
        .collect();
    let (chart_months, chart_values) = aum_chart(&v);
    CustomerPage {
        ctx,
        v,
        masked_labels,
        chart_months,
        chart_values,
        echarts_url: assets::url("echarts.min.js"),
        unmaskable,
        reasons,
        unmask_error: extras.unmask_error,
        can_edit: extras.as_of.is_none() && permits(auth.staff.role, Action::ChangeContactDetails),
        channels: ContactChannel::ALL
            .iter()
            .map(|c| (c.as_str(), req.lang.label(c.as_str())))
            .collect(),
        contact_ok: extras.contact.as_ref().is_some_and(|c| c.0),
        contact_message: extras.contact.map(|c| c.1),
        history,
        as_of: extras.as_of.map(|d| d.to_string()).unwrap_or_default(),
        sources: extras.identity.as_ref().map_or_else(Vec::new, |(r, _)| {
            r.iter()
                .map(|r| present::source_record(r, policy))
                .collect()
        }),
        events: extras.identity.as_ref().map_or_else(Vec::new, |(_, e)| {
            e.iter().map(present::identity_event).collect()
        }),
        can_unmerge: permits(auth.staff.role, Action::StewardIdentities),
        rm_choices: extras.rm_choices,
        timeline: timeline(
            &req.lang,
            tz,
            &extras.contacts,
            &extras.tasks,
            extras.scores.as_ref(),
            extras.identity.as_ref(),
        ),

        can_open_segments: permits(auth.staff.role, Action::UseSegments),
        score_groups: score_groups(req.lang, extras.scores.as_ref()),
        scores: extras.scores,
    }
}

/// The customer's changes, masked by `policy`: (when in the bank's zone, who, field, before,
/// after).
fn history_rows(
    changes: &[PartyChange],
    policy: FieldPolicy,
    tz: chrono_tz::Tz,
    lang: Lang,
) -> Vec<(String, String, String, String, String)> {
    changes
        .iter()
        .map(|c| {
            let d = present::change(c, policy);
            (
                d.changed_at
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                d.changed_by,
                lang.label(&d.field).to_owned(),
                d.old_value.unwrap_or_default(),
                d.new_value.unwrap_or_default(),
            )
        })
        .collect()
}

/// The masked fields' names, for the notice that they are masked.
fn masked_labels(t: &'static Text, v: &Customer360Dto) -> String {
    v.masked_fields
        .iter()
        .map(|f| field_label(t, f))
        .collect::<Vec<_>>()
        .join("、")
}

/// The masked fields `role` may ask to see for some reason, as (code, label).
fn unmaskable_fields(
    role: Role,
    t: &'static Text,
    v: &Customer360Dto,
) -> Vec<(&'static str, &'static str)> {
    MaskedField::ALL
        .iter()
        .filter(|f| v.masked_fields.iter().any(|m| m == f.as_str()))
        .filter(|f| {
            UnmaskReason::ALL
                .iter()
                .any(|r| may_unmask(role, **f, *r, false))
        })
        .map(|f| (f.as_str(), field_label(t, f.as_str())))
        .collect()
}

/// The AUM trend as the chart's JSON: its months, and its amounts.
fn aum_chart(v: &Customer360Dto) -> (String, String) {
    let months = serde_json::to_string(
        &v.aum_trend
            .iter()
            .map(|p| p.month.format("%Y-%m").to_string())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    // The chart only draws; amounts stay decimal strings until the browser plots them.
    let values = serde_json::to_string(
        &v.aum_trend
            .iter()
            .map(|p| p.aum.amount.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    (months, values)
}

/// The latest value score and its components, titled, for the parts table.
fn score_groups(
    lang: Lang,
    scores: Option<&rapport_proto::CustomerScoresDto>,
) -> Vec<(&'static str, rapport_proto::ExplainedDto)> {
    scores
        .and_then(|s| s.latest.as_ref())
        .map(|l| {
            let st = lang.score_text();
            vec![
                (st.value_score, l.value.clone()),
                (st.financial, l.financial.clone()),
                (st.loyalty, l.loyalty.clone()),
                (st.credit, l.credit_score.clone()),
                (st.risk, l.risk.clone()),
            ]
        })
        .unwrap_or_default()
}

/// The enabled RMs a branch manager or administrator may assign to a customer, by name.
async fn assignable_rms(
    state: &AppState,
    auth: &Authenticated,
) -> Result<Vec<(i64, String)>, WebError> {
    if !permits(auth.staff.role, Action::MovePortfolios) {
        return Ok(Vec::new());
    }
    crate::portfolio::enabled_rms(state).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    csrf: String,
    staff_id: String,
    #[serde(default)]
    role: String,
}

fn staff_id(s: &str) -> Result<i64, WebError> {
    s.trim()
        .parse()
        .map_err(|_| WebError::invalid_parameter("staff_id", "staff_id must be a staff id"))
}

/// Assigns an RM from the 360 page and shows the page again.
pub async fn assign_rm(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<AssignForm, i64>,
) -> Result<axum::response::Redirect, PageError> {
    let fail = page.fail();
    let body = rapport_proto::AssignRmRequest {
        staff_id: staff_id(&form.staff_id).map_err(fail)?,
        primary: form.role == "primary",
    };
    crate::portfolio::assign_rm(&state, &page.auth, PartyId(id), &body)
        .await
        .map_err(fail)?;
    Ok(axum::response::Redirect::to(&format!("/customers/{id}")))
}

/// Ends a secondary RM's assignment from the 360 page and shows the page again.
pub async fn end_rm(
    State(state): State<AppState>,
    FormPost { page, id, .. }: FormPost<Button, (i64, i64)>,
) -> Result<axum::response::Redirect, PageError> {
    let (id, staff) = id;
    let staff = rapport_domain::StaffId(staff);
    crate::portfolio::end_secondary_rm(&state, &page.auth, PartyId(id), staff)
        .await
        .map_err(page.fail())?;
    Ok(axum::response::Redirect::to(&format!("/customers/{id}")))
}

/// Contacts, tasks, alerts, tier changes and merges as one timeline, newest first.
fn timeline(
    lang: &crate::i18n::Lang,
    tz: chrono_tz::Tz,
    contacts: &[rapport_proto::InteractionDto],
    tasks: &[rapport_proto::TaskDto],
    scores: Option<&rapport_proto::CustomerScoresDto>,
    identity: Option<&crate::identity::PartyIdentity>,
) -> Vec<TimelineEntry> {
    let at = |t: chrono::DateTime<chrono::Utc>| {
        (
            t.to_rfc3339(),
            t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    let day = |d: NaiveDate| (format!("{d}T00:00:00+00:00"), d.to_string());
    let l = |code: &str| lang.label(code).to_owned();
    let entry = |(key, when): (String, String), kind, text, testid| TimelineEntry {
        key,
        when,
        kind,
        text,
        testid,
    };
    let mut out = Vec::new();
    for c in contacts {
        let purpose = c
            .purpose
            .as_deref()
            .map(|p| format!(" · {}", l(p)))
            .unwrap_or_default();
        let (channel, direction) = (l(&c.channel), l(&c.direction));
        let text = format!(
            "{channel} · {direction}{purpose}: {} {}",
            c.outcome, c.notes
        );
        let testid = format!("contact-{}", c.id);
        out.push(entry(at(c.occurred_at), "contact", text, testid));
    }
    for t in tasks {
        let (kind, status) = (l(&t.kind), l(&t.status));
        let text = format!("{kind} ({status}, {}): {}", t.due_on, t.reason);
        out.push(entry(
            at(t.created_at),
            "task",
            text,
            format!("task-{}", t.id),
        ));
    }
    if let Some(s) = scores {
        for a in &s.alerts {
            let text = format!("{} ({}): {}", l(&a.kind), l(&a.severity), a.reason);
            out.push(entry(
                day(a.as_of),
                "alert",
                text,
                format!("alert-{}", a.id),
            ));
        }
        // History is newest first: a change is where a scoring's tier differs from the one before.
        for pair in s.history.windows(2) {
            let [newer, older] = pair else { continue };
            if newer.tier != older.tier {
                let text = format!("{} → {}", l(&older.tier), l(&newer.tier));
                let testid = format!("tier-{}", newer.as_of);
                out.push(entry(day(newer.as_of), "tier", text, testid));
            }
        }
    }
    if let Some((_, events)) = identity {
        for e in events {
            let other = e
                .other_party_id
                .map(|o| format!(" #{}", o.0))
                .unwrap_or_default();
            let text = format!("{}{other}: {}", l(e.kind.as_str()), e.decided_by);
            out.push(entry(at(e.at), "merge", text, format!("event-{}", e.id)));
        }
    }
    out.sort_by(|a, b| b.key.cmp(&a.key));
    out
}

//! The route × role × scope walk (R8.1, R8.2).
//!
//! Every operation in the OpenAPI document is called as every fixture role, on a fresh server
//! per role, with an object of the route's kind in the caller's scope and, where the role has
//! one, an object outside it (a customer, task, segment, staff member, reassignment, tier
//! proposal…). An operation the walk does not know fails it, so a new route must be added here.
//! What is checked:
//! - the in-scope call answers as the role's permission says (2xx, or the refusal stated);
//! - the out-of-scope call never answers 2xx;
//! - no answer of any call holds an identifier of a customer outside the caller's scope, nor a
//!   customer id, staff id or count that only out-of-scope data could produce;
//! - no answer (but an audited unmask) holds a value the role's field policy masks.
//!
//! [`walk`] returns the first failure rather than panicking, so that the scope-switch test
//! (tests/scope_switches.rs) can prove that dropping any store operation's scope predicate
//! makes it fail.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::{FieldPolicy, PartyId, Role, StaffId, Username};
use rapport_store::NewStaff;
use rapport_store::portfolio::NewReassignment;
use rapport_store::segments::NewSegment;
use rapport_store::work::{NewContactPlan, NewInteraction, NewTask};
use rapport_store_contract::fixture;
use reqwest::Method;
use serde_json::{Value, json};

use super::{TestApp, password, seeds};

/// A caller of the walk: who they are and which fixture customers they may see.
pub struct Who {
    pub user: &'static str,
    pub staff: StaffId,
    pub role: Role,
    /// Fixture parties (1–5) in scope once the walk's setup has run (RM A has lost 王芳).
    pub visible: &'static [i64],
    /// Whether the prospects imported at 文三路网点 (branch 4, no RM) are in scope.
    pub sees_imported: bool,
    /// Staff members (by id) outside the caller's staff scope.
    pub foreign_staff: &'static [i64],
}

const RM_C: i64 = 12;
const RM_D: i64 = 13;
/// The data steward of 滨江支行 (branch 5): sees its customers only (王芳, the second 张伟,
/// 李娜), so the imported prospects' review pair and merge are out of reach.
const STEWARD_BINJIANG: i64 = 14;

/// A relationship manager, who sees the `visible` fixture customers (those they serve) and no
/// imported prospect.
const fn relationship_manager(
    user: &'static str,
    staff: StaffId,
    visible: &'static [i64],
    foreign_staff: &'static [i64],
) -> Who {
    Who {
        user,
        staff,
        role: Role::Rm,
        visible,
        sees_imported: false,
        foreign_staff,
    }
}

/// A caller who sees every fixture customer, the imported prospects and every staff member.
const fn sees_every_customer(user: &'static str, staff: StaffId, role: Role) -> Who {
    Who {
        user,
        staff,
        role,
        visible: &[1, 2, 3, 4, 5],
        sees_imported: true,
        foreign_staff: &[],
    }
}

/// An administrator, who sees no customer at all.
const fn administrator(user: &'static str, staff: StaffId) -> Who {
    Who {
        user,
        staff,
        role: Role::Admin,
        visible: &[],
        sees_imported: false,
        foreign_staff: &[],
    }
}

pub const WHO: &[Who] = &[
    relationship_manager("rm.a", fixture::RM_A, &[1, 4], &[3, RM_D]),
    relationship_manager("rm.b", fixture::RM_B, &[2, 3], &[2, RM_C]),
    Who {
        user: "bm.xihu",
        staff: fixture::BM_XIHU,
        role: Role::BranchManager,
        visible: &[1, 4],
        sees_imported: true,
        foreign_staff: &[3, RM_D],
    },
    sees_every_customer("bm.zhejiang", fixture::BM_ZHEJIANG, Role::BranchManager),
    sees_every_customer("bm.head", fixture::HEAD_BM, Role::BranchManager),
    sees_every_customer("agent01", fixture::AGENT, Role::ServiceAgent),
    sees_every_customer("steward01", fixture::STEWARD, Role::DataSteward),
    Who {
        user: "steward.binjiang",
        staff: StaffId(STEWARD_BINJIANG),
        role: Role::DataSteward,
        visible: &[2, 3, 5],
        sees_imported: false,
        foreign_staff: &[],
    },
    sees_every_customer("marketing01", fixture::MARKETING, Role::Marketing),
    sees_every_customer("auditor01", fixture::AUDITOR, Role::Auditor),
    administrator("admin", fixture::ADMIN),
    administrator("admin.b", fixture::ADMIN_B),
];

/// What the setup made, by name.
pub struct Ctx {
    pub imported: Vec<i64>,
    /// The source records of the imported prospects (a review pair names two of them).
    pub imported_records: Vec<i64>,
    pub segment: i64,
    /// Each task owner's open task: RM A on 张伟 (1), RM B on the other 张伟 (3), the Xihu
    /// manager on 张伟 (1); RM A's task on 王芳, who then left RM A's portfolio.
    pub tasks: BTreeMap<&'static str, i64>,
    pub stale_task: i64,
    /// Tier proposals by party.
    pub proposals: BTreeMap<i64, i64>,
    /// Pending moves requested by the Zhejiang manager: RM A → RM C (Xihu), RM B → RM D
    /// (Binjiang).
    pub move_xihu: i64,
    pub move_binjiang: i64,
    pub merge_event: i64,
    pub review: i64,
    /// Staff changes requested by admin.b.
    pub change_to_approve: i64,
    pub change_to_reject: i64,
    pub session_of_rm_b: String,
}

/// A customer's identifying values as they could appear in an answer: in clear and as the
/// caller's field policy masks them.
fn identifiers(policy: &FieldPolicy, party: i64, cx: &Ctx) -> Vec<String> {
    let batch = fixture::customers();
    let mut out = Vec::new();
    if let Some(p) = batch.parties.iter().find(|p| p.id.0 == party) {
        out.push(p.customer_number.to_string());
        if let Some(m) = &p.mobile {
            out.push(m.as_str().to_owned());
            out.push(policy.mobile(m.as_str()));
        }
        if let Some(r) = &p.resident_id {
            out.push(r.as_str().to_owned());
            out.push(policy.resident_id(r.as_str()));
        }
        for a in batch.accounts.iter().filter(|a| a.party_id.0 == party) {
            out.push(a.account_number.clone());
            out.push(policy.account_number(&a.account_number));
        }
    }
    if let Some(i) = cx.imported.iter().position(|p| *p == party) {
        let mobile = seeds::IMPORTED_MOBILES[i];
        out.push(mobile.to_owned());
        out.push(policy.mobile(mobile));
    }
    // A fully hidden mask is not an identifier.
    out.retain(|s| s.chars().any(|c| c.is_ascii_alphanumeric()) && s.len() >= 6);
    out
}

/// Values of in-scope customers that the caller's policy masks: none may appear in clear.
fn masked_values(policy: &FieldPolicy, party: i64) -> Vec<String> {
    let batch = fixture::customers();
    let mut out = Vec::new();
    if let Some(p) = batch.parties.iter().find(|p| p.id.0 == party) {
        if let Some(m) = &p.mobile
            && policy.mobile(m.as_str()) != m.as_str()
        {
            out.push(m.as_str().to_owned());
        }
        if let Some(r) = &p.resident_id
            && policy.resident_id(r.as_str()) != r.as_str()
        {
            out.push(r.as_str().to_owned());
        }
        if let Some(d) = p.birth_date {
            let iso = d.format("%Y-%m-%d").to_string();
            if policy.birth_date(d).as_deref() != Some(iso.as_str()) {
                out.push(iso);
            }
        }
        for a in batch.accounts.iter().filter(|a| a.party_id.0 == party) {
            if policy.account_number(&a.account_number) != a.account_number {
                out.push(a.account_number.clone());
            }
        }
    }
    out
}

/// What an answer must be.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// 2xx.
    Ok,
    /// 403 or 404: not allowed, or not found in scope.
    Denied,
    /// Any 4xx (a rule of the route refuses it, e.g. approving one's own request).
    Refused,
    /// Exactly this status.
    Status(u16),
}

struct Probe {
    method: Method,
    path: String,
    body: Option<Value>,
    /// A CSV body instead of JSON.
    csv: Option<&'static str>,
    expect: Expect,
    /// An unmask answers a masked value in clear, by design (reason given, audited).
    reveals: bool,
}

fn probe(method: Method, path: impl Into<String>, body: Option<Value>, expect: Expect) -> Probe {
    Probe {
        method,
        path: path.into(),
        body,
        csv: None,
        expect,
        reveals: false,
    }
}

fn get(path: impl Into<String>, expect: Expect) -> Probe {
    probe(Method::GET, path, None, expect)
}

fn post(path: impl Into<String>, body: Value, expect: Expect) -> Probe {
    probe(Method::POST, path, Some(body), expect)
}

fn allowed(yes: bool) -> Expect {
    if yes { Expect::Ok } else { Expect::Denied }
}

fn is_rm_or_bm(r: Role) -> bool {
    matches!(r, Role::Rm | Role::BranchManager)
}

/// The walk's order: reads first, then writes that later probes do not depend on, then the
/// ones that end things (undo before merge, logout last). Every operation of the document.
const OPERATIONS: &[&str] = &[
    "GET /healthz",
    "GET /readyz",
    "POST /api/v1/auth/login",
    "GET /api/v1/auth/me",
    "GET /api/v1/customers",
    "GET /api/v1/customers/{id}",
    "GET /api/v1/customers/{id}/history",
    "GET /api/v1/customers/{id}/scores",
    "GET /api/v1/customers/{id}/identity",
    "GET /api/v1/customers/{id}/interactions",
    "GET /api/v1/workbench",
    "GET /api/v1/tasks",
    "GET /api/v1/contact-plans",
    "GET /api/v1/tier-proposals",
    "GET /api/v1/scorecards",
    "GET /api/v1/segments",
    "GET /api/v1/segments/{id}",
    "GET /api/v1/portfolios/reassignments",
    "GET /api/v1/analytics/dashboard",
    "GET /api/v1/analytics/pareto",
    "GET /api/v1/identity/reviews",
    "GET /api/v1/identity/reviews/{id}",
    "GET /api/v1/audit",
    "GET /api/v1/audit/export",
    "GET /api/v1/admin/staff",
    "GET /api/v1/admin/staff-changes",
    "GET /api/v1/admin/sessions",
    "POST /api/v1/customers/{id}/unmask",
    "POST /api/v1/identity/match",
    "POST /api/v1/customers",
    "PATCH /api/v1/customers/{id}",
    "POST /api/v1/customers/{id}/interactions",
    "POST /api/v1/tasks",
    "POST /api/v1/tasks/{id}/complete",
    "POST /api/v1/contact-plans",
    "POST /api/v1/customers/{id}/rms",
    "POST /api/v1/customers/{id}/rms/{staff_id}/end",
    "POST /api/v1/portfolios/reassignments",
    "POST /api/v1/portfolios/reassignments/{id}/approve",
    "POST /api/v1/tier-proposals/{id}/decision",
    "POST /api/v1/segments",
    "DELETE /api/v1/segments/{id}",
    "POST /api/v1/identity/reviews/{id}/decision",
    "POST /api/v1/identity/merges/{event_id}/undo",
    "POST /api/v1/customers/{id}/merge",
    "POST /api/v1/imports/{mapping}",
    "POST /api/v1/admin/staff",
    "PATCH /api/v1/admin/staff/{username}",
    "POST /api/v1/admin/staff/{username}/reset-password",
    "POST /api/v1/admin/staff-changes/{id}/approve",
    "POST /api/v1/admin/staff-changes/{id}/reject",
    "DELETE /api/v1/admin/sessions/{id}",
    "POST /api/v1/auth/password",
    "POST /api/v1/auth/logout",
];

/// One caller as the probes see them: who they are, what the setup made, a customer in their
/// scope and the customers outside it.
struct Caller<'a> {
    who: &'a Who,
    cx: &'a Ctx,
    role: Role,
    /// A customer in scope (customer 1 for a caller who sees none).
    mine: i64,
    theirs: Vec<i64>,
}

impl<'a> Caller<'a> {
    fn new(who: &'a Who, cx: &'a Ctx) -> Self {
        Caller {
            who,
            cx,
            role: who.role,
            mine: who.visible.first().copied().unwrap_or(1),
            theirs: theirs(who, cx),
        }
    }

    /// `first`, then the probe `f` makes of each customer outside the caller's scope.
    fn with_theirs(&self, first: Probe, f: impl Fn(i64) -> Probe) -> Vec<Probe> {
        let mut v = vec![first];
        v.extend(self.theirs.iter().map(|p| f(*p)));
        v
    }

    /// The roles that serve customers: relationship and branch managers, service agents.
    fn serves(&self) -> Expect {
        allowed(matches!(
            self.role,
            Role::Rm | Role::BranchManager | Role::ServiceAgent
        ))
    }

    fn admin(&self) -> Expect {
        allowed(self.role == Role::Admin)
    }

    fn steward(&self) -> Expect {
        allowed(self.role == Role::DataSteward)
    }

    /// The review pair, the merge and its undo are the imported prospects'.
    fn steward_of_imported(&self) -> Expect {
        allowed(self.role == Role::DataSteward && self.who.sees_imported)
    }

    fn bm(&self) -> Expect {
        allowed(self.role == Role::BranchManager)
    }

    fn segments(&self) -> Expect {
        allowed(matches!(
            self.role,
            Role::Rm | Role::BranchManager | Role::Admin
        ))
    }

    fn rm_or_bm(&self) -> Expect {
        allowed(is_rm_or_bm(self.role))
    }
}

/// The probes of one operation for one caller: the in-scope one first, then the others.
fn probes(op: &str, who: &Who, cx: &Ctx) -> Vec<Probe> {
    let c = Caller::new(who, cx);
    session_probes(op, &c)
        .or_else(|| customer_read_probes(op, &c))
        .or_else(|| read_probes(op, &c))
        .or_else(|| customer_write_probes(op, &c))
        .or_else(|| portfolio_probes(op, &c))
        .or_else(|| segment_and_identity_probes(op, &c))
        .or_else(|| admin_probes(op, &c))
        .unwrap_or_default()
}

/// Health, login, who am I, password change and logout: every caller may.
fn session_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    Some(match op {
        "GET /healthz" | "GET /readyz" => {
            vec![get(op.trim_start_matches("GET "), Expect::Ok)]
        }
        "POST /api/v1/auth/login" => vec![post(
            "/api/v1/auth/login",
            json!({"username": c.who.user, "password": password().0}),
            Expect::Ok,
        )],
        "GET /api/v1/auth/me" => vec![get("/api/v1/auth/me", Expect::Ok)],
        "POST /api/v1/auth/password" => vec![post(
            "/api/v1/auth/password",
            json!({"current_password": password().0, "new_password": "Walk-Only-Once-2026!x"}),
            Expect::Ok,
        )],
        "POST /api/v1/auth/logout" => vec![post("/api/v1/auth/logout", json!({}), Expect::Ok)],
        _ => return None,
    })
}

/// The customer list (searched by every identifier of every customer out of scope) and one
/// customer's pages, in scope and out of it.
fn customer_read_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    Some(match op {
        "GET /api/v1/customers" => {
            let mut v = vec![get("/api/v1/customers?page_size=100", Expect::Ok)];
            for p in &c.theirs {
                for needle in identifiers(&FieldPolicy::for_role(c.role), *p, c.cx) {
                    v.push(get(format!("/api/v1/customers?q={needle}"), Expect::Ok));
                }
            }
            v
        }
        "GET /api/v1/customers/{id}"
        | "GET /api/v1/customers/{id}/history"
        | "GET /api/v1/customers/{id}/scores"
        | "GET /api/v1/customers/{id}/identity"
        | "GET /api/v1/customers/{id}/interactions" => {
            let path = |p: i64| {
                op.trim_start_matches("GET ")
                    .replace("{id}", &p.to_string())
            };
            let first = if c.who.visible.is_empty() {
                get(path(c.mine), Expect::Denied)
            } else {
                get(path(c.mine), allowed(c.role != Role::Admin))
            };
            c.with_theirs(first, |p| get(path(p), Expect::Denied))
        }
        _ => return None,
    })
}

/// The other reads: lists, analytics, reviews, audit and administration.
fn read_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    let (role, cx) = (c.role, c.cx);
    Some(match op {
        "GET /api/v1/workbench" => vec![get("/api/v1/workbench", Expect::Ok)],
        "GET /api/v1/tasks" => vec![get("/api/v1/tasks", Expect::Ok)],
        "GET /api/v1/contact-plans" => vec![get(
            "/api/v1/contact-plans",
            allowed(role != Role::DataSteward && role != Role::Marketing && role != Role::Auditor),
        )],
        "GET /api/v1/tier-proposals" => vec![get(
            "/api/v1/tier-proposals",
            allowed(matches!(role, Role::BranchManager | Role::Admin)),
        )],
        "GET /api/v1/scorecards" => vec![get(
            "/api/v1/scorecards",
            allowed(matches!(role, Role::Rm | Role::BranchManager | Role::Admin)),
        )],
        "GET /api/v1/segments" => vec![get("/api/v1/segments", c.segments())],
        "GET /api/v1/segments/{id}" => vec![get(
            format!("/api/v1/segments/{}?page_size=100", cx.segment),
            c.segments(),
        )],
        "GET /api/v1/portfolios/reassignments" => vec![get(
            "/api/v1/portfolios/reassignments",
            allowed(matches!(role, Role::BranchManager | Role::Admin)),
        )],
        "GET /api/v1/analytics/dashboard" => {
            vec![get("/api/v1/analytics/dashboard", Expect::Ok)]
        }
        "GET /api/v1/analytics/pareto" => vec![get("/api/v1/analytics/pareto", Expect::Ok)],
        "GET /api/v1/identity/reviews" => vec![get("/api/v1/identity/reviews", c.steward())],
        "GET /api/v1/identity/reviews/{id}" => vec![get(
            format!("/api/v1/identity/reviews/{}", cx.review),
            c.steward_of_imported(),
        )],
        "GET /api/v1/audit" => vec![get("/api/v1/audit", allowed(role == Role::Auditor))],
        "GET /api/v1/audit/export" => {
            vec![get("/api/v1/audit/export", allowed(role == Role::Auditor))]
        }
        "GET /api/v1/admin/staff" => vec![get("/api/v1/admin/staff", c.admin())],
        "GET /api/v1/admin/staff-changes" => vec![get("/api/v1/admin/staff-changes", c.admin())],
        "GET /api/v1/admin/sessions" => vec![get("/api/v1/admin/sessions", c.admin())],
        _ => return None,
    })
}

/// Writes about one customer (unmask, edit, interactions, tasks, contact plans), in scope and
/// out of it, and identity matching.
fn customer_write_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    let (role, mine) = (c.role, c.mine);
    Some(match op {
        "POST /api/v1/customers/{id}/unmask" => {
            // A field and reason each serving role may unmask (crates/domain/src/unmask.rs).
            let body = match role {
                Role::ServiceAgent => json!({"field": "mobile", "reason": "customer_callback"}),
                _ => json!({"field": "account_number", "reason": "complaint"}),
            };
            let path = |p: i64| format!("/api/v1/customers/{p}/unmask");
            let mut first = post(path(mine), body.clone(), c.serves());
            first.reveals = true;
            c.with_theirs(first, |p| post(path(p), body.clone(), Expect::Denied))
        }
        "POST /api/v1/identity/match" => vec![post(
            "/api/v1/identity/match",
            json!({"name": "陈静", "mobile": seeds::CHEN_MOBILE}),
            allowed(matches!(
                role,
                Role::DataSteward | Role::ServiceAgent | Role::Admin
            )),
        )],
        "POST /api/v1/customers" => vec![post(
            "/api/v1/customers",
            json!({"name": "王五"}),
            c.rm_or_bm(),
        )],
        "PATCH /api/v1/customers/{id}" => {
            let body = json!({"version": 1, "email": "walk@example.cn"});
            let path = |p: i64| format!("/api/v1/customers/{p}");
            let first = probe(Method::PATCH, path(mine), Some(body.clone()), c.serves());
            c.with_theirs(first, |p| {
                probe(Method::PATCH, path(p), Some(body.clone()), Expect::Denied)
            })
        }
        "POST /api/v1/customers/{id}/interactions" => {
            let body = json!({"channel": "phone", "outcome": "walked"});
            let path = |p: i64| format!("/api/v1/customers/{p}/interactions");
            c.with_theirs(post(path(mine), body.clone(), c.serves()), |p| {
                post(path(p), body.clone(), Expect::Denied)
            })
        }
        "POST /api/v1/tasks" => {
            let body = |p: i64| json!({"customer_id": p, "kind": "call", "reason": "walk", "due_on": "2030-01-31"});
            c.with_theirs(post("/api/v1/tasks", body(mine), c.rm_or_bm()), |p| {
                post("/api/v1/tasks", body(p), Expect::Denied)
            })
        }
        "POST /api/v1/tasks/{id}/complete" => task_completion_probes(c),
        "POST /api/v1/contact-plans" => {
            let body = |p: i64| json!({"customer_id": p, "cadence_days": 30});
            c.with_theirs(
                post("/api/v1/contact-plans", body(mine), c.rm_or_bm()),
                |p| post("/api/v1/contact-plans", body(p), Expect::Denied),
            )
        }
        _ => return None,
    })
}

/// The caller completes their own open task, and neither another owner's nor RM A's task on
/// 王芳 (who has left RM A's portfolio).
fn task_completion_probes(c: &Caller) -> Vec<Probe> {
    let cx = c.cx;
    let body = json!({"channel": "phone", "outcome": "done"});
    let path = |t: i64| format!("/api/v1/tasks/{t}/complete");
    let own = cx.tasks.get(c.who.user).copied();
    let mut v = Vec::new();
    if let Some(t) = own {
        v.push(post(path(t), body.clone(), Expect::Ok));
    }
    for (owner, t) in &cx.tasks {
        if *owner != c.who.user {
            v.push(post(path(*t), body.clone(), Expect::Denied));
        }
    }
    v.push(post(path(cx.stale_task), body, Expect::Denied));
    v
}

/// Who serves a customer, moves between relationship managers and tier decisions: a branch
/// manager's, within their customers and staff.
fn portfolio_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    let (who, cx, mine, bm) = (c.who, c.cx, c.mine, c.bm());
    Some(match op {
        "POST /api/v1/customers/{id}/rms" => {
            let path = |p: i64| format!("/api/v1/customers/{p}/rms");
            let mut v = c.with_theirs(post(path(mine), json!({"staff_id": RM_C}), bm), |p| {
                post(path(p), json!({"staff_id": RM_C}), Expect::Denied)
            });
            for s in who.foreign_staff {
                v.push(post(path(mine), json!({"staff_id": s}), Expect::Refused));
            }
            v
        }
        "POST /api/v1/customers/{id}/rms/{staff_id}/end" => {
            let path = |p: i64, s: i64| format!("/api/v1/customers/{p}/rms/{s}/end");
            let mut v = c.with_theirs(post(path(mine, RM_C), json!({}), bm), |p| {
                post(path(p, 3), json!({}), Expect::Denied)
            });
            for s in who.foreign_staff {
                v.push(post(path(2, *s), json!({}), Expect::Denied));
            }
            v
        }
        "POST /api/v1/portfolios/reassignments" => reassignment_request_probes(c),
        "POST /api/v1/portfolios/reassignments/{id}/approve" => {
            let path = |id: i64| format!("/api/v1/portfolios/reassignments/{id}/approve");
            let expect = match who.user {
                "bm.zhejiang" => Expect::Refused,
                _ => bm,
            };
            let mut v = vec![post(path(cx.move_xihu), json!({}), expect)];
            if !who.foreign_staff.is_empty() {
                v.push(post(path(cx.move_binjiang), json!({}), Expect::Denied));
            }
            v
        }
        "POST /api/v1/tier-proposals/{id}/decision" => {
            let path = |p: i64| format!("/api/v1/tier-proposals/{}/decision", cx.proposals[&p]);
            let body = json!({"decision": "decline"});
            let own = who.visible.iter().find(|p| cx.proposals.contains_key(p));
            let mut v = vec![post(path(*own.unwrap_or(&1)), body.clone(), bm)];
            for p in c.theirs.iter().filter(|p| cx.proposals.contains_key(p)) {
                v.push(post(path(*p), body.clone(), Expect::Denied));
            }
            v
        }
        _ => return None,
    })
}

/// A preview of moving RM B's customers to RM C, and none from or to a staff member outside
/// the caller's scope.
fn reassignment_request_probes(c: &Caller) -> Vec<Probe> {
    let path = "/api/v1/portfolios/reassignments";
    let body =
        |from: i64, to: i64| json!({"from_staff_id": from, "to_staff_id": to, "preview": true});
    let mut v = vec![post(path, body(2, RM_C), c.bm())];
    for s in c.who.foreign_staff {
        v.push(post(path, body(*s, RM_C), Expect::Denied));
        v.push(post(
            path,
            json!({"from_staff_id": s, "to_staff_id": if *s == RM_D { 3 } else { RM_D }}),
            Expect::Denied,
        ));
    }
    v
}

/// Segments, the identity review queue, merges and their undo, and imports.
fn segment_and_identity_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    let (role, cx) = (c.role, c.cx);
    Some(match op {
        "POST /api/v1/segments" => {
            // These servers have no segment engine: the allowed roles get 503.
            let expect = match role {
                Role::Rm | Role::BranchManager | Role::Admin => Expect::Status(503),
                _ => Expect::Denied,
            };
            vec![post(
                "/api/v1/segments",
                json!({"name": "walk", "expression": "aum_m0 > 0"}),
                expect,
            )]
        }
        "DELETE /api/v1/segments/{id}" => {
            // The segment is RM B's: only its creator or an administrator deletes it.
            let expect = allowed(matches!(c.who.user, "rm.b" | "admin" | "admin.b"));
            vec![probe(
                Method::DELETE,
                format!("/api/v1/segments/{}", cx.segment),
                None,
                expect,
            )]
        }
        "POST /api/v1/identity/reviews/{id}/decision" => vec![post(
            format!("/api/v1/identity/reviews/{}/decision", cx.review),
            json!({"decision": "different_people"}),
            c.steward_of_imported(),
        )],
        "POST /api/v1/identity/merges/{event_id}/undo" => vec![post(
            format!("/api/v1/identity/merges/{}/undo", cx.merge_event),
            json!({"reason": "walk"}),
            c.steward_of_imported(),
        )],
        "POST /api/v1/customers/{id}/merge" => merge_probes(c),
        "POST /api/v1/imports/{mapping}" => {
            let mut p = probe(
                Method::POST,
                "/api/v1/imports/call_center",
                None,
                allowed(matches!(role, Role::DataSteward | Role::Admin)),
            );
            p.csv = Some("key,name,mobile\nW1,赵敏,13600001111\n");
            vec![p]
        }
        _ => return None,
    })
}

/// Merging the imported prospects, and no customer out of scope absorbing one in scope.
fn merge_probes(c: &Caller) -> Vec<Probe> {
    let (keep, absorb) = (c.cx.imported[2], c.cx.imported[3]);
    let body = json!({"absorb": absorb, "reason": "walk"});
    let mut v = vec![post(
        format!("/api/v1/customers/{keep}/merge"),
        body,
        c.steward_of_imported(),
    )];
    for p in &c.theirs {
        v.push(post(
            format!("/api/v1/customers/{p}/merge"),
            json!({"absorb": c.mine, "reason": "walk"}),
            Expect::Denied,
        ));
    }
    v
}

/// Staff administration, staff changes and sessions: an administrator's.
fn admin_probes(op: &str, c: &Caller) -> Option<Vec<Probe>> {
    let (who, cx, admin) = (c.who, c.cx, c.admin());
    Some(match op {
        "POST /api/v1/admin/staff" => vec![post(
            "/api/v1/admin/staff",
            json!({"username": "walk.new", "display_name": "新客户经理", "role": "rm", "branch_id": 4}),
            admin,
        )],
        "PATCH /api/v1/admin/staff/{username}" => vec![probe(
            Method::PATCH,
            "/api/v1/admin/staff/rm.b",
            Some(json!({"display_name": "刘思远二"})),
            admin,
        )],
        "POST /api/v1/admin/staff/{username}/reset-password" => vec![post(
            "/api/v1/admin/staff/rm.b/reset-password",
            json!({}),
            admin,
        )],
        "POST /api/v1/admin/staff-changes/{id}/approve" => vec![post(
            format!(
                "/api/v1/admin/staff-changes/{}/approve",
                cx.change_to_approve
            ),
            json!({}),
            own_change(who, admin),
        )],
        "POST /api/v1/admin/staff-changes/{id}/reject" => vec![post(
            format!("/api/v1/admin/staff-changes/{}/reject", cx.change_to_reject),
            json!({}),
            own_change(who, admin),
        )],
        "DELETE /api/v1/admin/sessions/{id}" => vec![probe(
            Method::DELETE,
            format!("/api/v1/admin/sessions/{}", cx.session_of_rm_b),
            None,
            admin,
        )],
        _ => return None,
    })
}

/// The maker of a staff change (admin.b here) cannot decide it.
fn own_change(who: &Who, admin: Expect) -> Expect {
    if who.user == "admin.b" {
        Expect::Refused
    } else {
        admin
    }
}

/// Customers outside the caller's scope: fixture parties and imported prospects.
fn theirs(who: &Who, cx: &Ctx) -> Vec<i64> {
    let mut out: Vec<i64> = (1..=5).filter(|p| !who.visible.contains(p)).collect();
    if !who.sees_imported {
        out.extend(&cx.imported);
    }
    out
}

fn visible(who: &Who, cx: &Ctx) -> BTreeSet<i64> {
    let mut v: BTreeSet<i64> = who.visible.iter().copied().collect();
    if who.sees_imported {
        v.extend(&cx.imported);
    }
    v
}

/// Every failure of one answer; empty when it is right.
fn judge(op: &str, who: &Who, cx: &Ctx, p: &Probe, status: u16, text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let ok = (200..300).contains(&status);
    let fits = match p.expect {
        Expect::Ok => ok,
        Expect::Denied => status == 403 || status == 404,
        Expect::Refused => (400..500).contains(&status),
        Expect::Status(s) => status == s,
    };
    if !fits {
        bad.push(format!("answered {status}, expected {:?}", p.expect));
    }
    if status >= 500 && p.expect != Expect::Status(status) {
        bad.push(format!("server error {status}"));
    }
    let policy = FieldPolicy::for_role(who.role);
    for party in theirs(who, cx) {
        for needle in identifiers(&policy, party, cx) {
            if text.contains(&needle) {
                bad.push(format!("holds {needle} of out-of-scope customer {party}"));
            }
        }
    }
    if !p.reveals {
        for party in visible(who, cx) {
            for value in masked_values(&policy, party) {
                if text.contains(&value) {
                    bad.push(format!("shows masked value {value} of customer {party}"));
                }
            }
        }
    }
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        bad.extend(foreign_references(who, cx, &json));
        if ok {
            bad.extend(figures(op, who, cx, &json));
        }
    }
    bad
}

/// Figures that count customers or tasks count only those in the caller's scope: the walk's
/// setup scored fixture parties 1–5, and gave RM A, RM B and the Xihu manager one open task each
/// in scope (RM A's second one is on 王芳, who has left RM A's portfolio).
fn figures(op: &str, who: &Who, cx: &Ctx, json: &Value) -> Vec<String> {
    let scored = who.visible.len() as i64;
    let open_tasks = i64::from(cx.tasks.contains_key(who.user));
    let expected: Vec<(&str, i64, Option<i64>)> = match op {
        "GET /api/v1/analytics/dashboard" | "GET /api/v1/analytics/pareto" => {
            vec![("customers", scored, json["customers"].as_i64())]
        }
        "GET /api/v1/workbench" => vec![
            (
                "portfolio.customers",
                scored,
                json["portfolio"]["customers"].as_i64(),
            ),
            (
                "open tasks by kind",
                open_tasks,
                json["open_by_kind"]
                    .as_array()
                    .map(|k| k.iter().filter_map(|c| c["count"].as_i64()).sum()),
            ),
        ],
        _ => Vec::new(),
    };
    expected
        .into_iter()
        .filter(|(_, want, got)| *got != Some(*want))
        .map(|(what, want, got)| format!("{what} is {got:?}, {want} in scope"))
        .collect()
}

/// Customer, source record and staff ids (and segment member counts) that only data outside the
/// caller's scope could produce, wherever they sit in the answer.
fn foreign_references(who: &Who, cx: &Ctx, json: &Value) -> Vec<String> {
    let theirs = theirs(who, cx);
    let mut bad = Vec::new();
    let mut stack = vec![json];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    let id = x.as_i64();
                    match (k.as_str(), id) {
                        ("customer_id" | "party_id", Some(id)) if theirs.contains(&id) => {
                            bad.push(format!("{k} {id} is out of scope"));
                        }
                        ("record_a" | "record_b", Some(id))
                            if !who.sees_imported && cx.imported_records.contains(&id) =>
                        {
                            bad.push(format!("{k} {id} is a source record out of scope"));
                        }
                        (
                            "from_staff_id" | "to_staff_id" | "staff_id" | "owner_staff_id",
                            Some(id),
                        ) if who.foreign_staff.contains(&id) => {
                            bad.push(format!("{k} {id} is a staff member out of scope"));
                        }
                        _ => {}
                    }
                    stack.push(x);
                }
                // A segment's member count is counted within the caller's scope.
                if map.get("id").and_then(Value::as_i64) == Some(cx.segment)
                    && map.contains_key("expression")
                    && let Some(n) = map.get("members").and_then(Value::as_u64)
                {
                    let expected = who.visible.len() as u64;
                    if n != expected {
                        bad.push(format!("segment counts {n} members, {expected} in scope"));
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    bad
}

/// Walks every operation of the document as `who` on `app` (set up by [`setup`]); the first
/// operation that fails, with every failure of it.
pub async fn walk(app: &TestApp, who: &Who, cx: &Ctx) -> Result<(), String> {
    let (_, doc) = app.get_json("", "/api/v1/openapi.json").await;
    let documented = documented_operations(&doc);
    let listed: BTreeSet<String> = OPERATIONS.iter().map(|s| (*s).to_owned()).collect();
    if documented != listed {
        return Err(format!(
            "the walk and the API document differ: not walked {:?}; walked but not documented {:?}",
            documented.difference(&listed).collect::<Vec<_>>(),
            listed.difference(&documented).collect::<Vec<_>>()
        ));
    }
    let token = app.token(who.user).await;
    for op in OPERATIONS {
        let probes = probes(op, who, cx);
        if probes.is_empty() {
            return Err(format!("{op}: the walk has no probe for it"));
        }
        for p in probes {
            let mut req = TestApp::client().request(p.method.clone(), app.url(&p.path));
            if !op.contains("/auth/login")
                && !op.starts_with("GET /healthz")
                && !op.starts_with("GET /readyz")
            {
                req = req.bearer_auth(&token);
            }
            if let Some(b) = &p.body {
                req = req.json(b);
            }
            if let Some(csv) = p.csv {
                req = req.header("content-type", "text/csv").body(csv);
            }
            let res = req.send().await.map_err(|e| format!("{op}: {e}"))?;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            let bad = judge(op, who, cx, &p, status, &text);
            if !bad.is_empty() {
                let shown: String = text.chars().take(400).collect();
                return Err(format!(
                    "{} as {}: {} {} → {}\n  {}\n  answer: {shown}",
                    app.backend,
                    who.user,
                    p.method,
                    p.path,
                    status,
                    bad.join("\n  ")
                ));
            }
        }
    }
    Ok(())
}

/// "METHOD /path" of every operation in the OpenAPI document.
pub fn documented_operations(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            if let Some(ops) = item.as_object() {
                for method in ops.keys() {
                    if matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                        out.insert(format!("{} {path}", method.to_uppercase()));
                    }
                }
            }
        }
    }
    out
}

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
}

/// Puts in `app`'s store what the walk's probes refer to (see [`Ctx`]).
pub async fn setup(app: &TestApp) -> Ctx {
    let store = app.store.as_ref();
    let records = seeds::seed(app).await;
    let imported: Vec<i64> = records
        .iter()
        .filter_map(|r| r.party_id.map(|p| p.0))
        .collect();
    let imported_records: Vec<i64> = records.iter().map(|r| r.id).collect();
    super::seeds::scored(app).await;
    fixture::propose_tier_changes(store, &[(PartyId(1), "diamond"), (PartyId(3), "diamond")]).await;
    create_walk_staff(store).await;
    let segment = create_segment_of_rm_b(store).await;
    let (tasks, stale_task) = create_tasks(store).await;
    record_contact_of_rm_b(store).await;
    let proposals = pending_tier_proposals(store).await;
    let (move_xihu, move_binjiang) = request_moves(store).await;
    let merge_event = merge_imported_prospects(app, &imported).await;
    let review = pending_review(store).await;
    let (change_to_approve, change_to_reject) = request_staff_changes(app).await;
    let session_of_rm_b = session_of_rm_b(app).await;
    write_call_center_mapping(app);
    Ctx {
        imported,
        imported_records,
        segment,
        tasks,
        stale_task,
        proposals,
        move_xihu,
        move_binjiang,
        merge_event,
        review,
        change_to_approve,
        change_to_reject,
        session_of_rm_b,
    }
}

/// RM C (文三路网点), RM D and the steward of 滨江支行, with the ids the walk names them by.
async fn create_walk_staff(store: &dyn rapport_store::Store) {
    let hash = password().1.clone();
    for (id, user, branch, role) in [
        (RM_C, "rm.c", 4, Role::Rm),
        (RM_D, "rm.d", 5, Role::Rm),
        (STEWARD_BINJIANG, "steward.binjiang", 5, Role::DataSteward),
    ] {
        let made = store
            .create_staff(&NewStaff {
                username: Username::parse(user).unwrap(),
                display_name: user.into(),
                role,
                branch_id: Some(rapport_domain::BranchId(branch)),
                password_hash: hash.clone(),
                must_change_password: false,
            })
            .await
            .unwrap();
        assert_eq!(made.0, id, "the walk's staff ids");
    }
}

/// RM B's segment, holding every fixture customer.
async fn create_segment_of_rm_b(store: &dyn rapport_store::Store) -> i64 {
    let segment = store
        .create_segment(&NewSegment {
            name: "走查客群".into(),
            expression: "aum_m0 >= 0".into(),
            description: None,
            created_by: fixture::RM_B,
            created_at: at(),
        })
        .await
        .unwrap();
    store
        .replace_segment_members(
            segment,
            NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            &(1..=5).map(PartyId).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    segment
}

/// A call task for `owner` on `party`, due today.
fn call_task(owner: StaffId, party: i64) -> NewTask {
    NewTask {
        party_id: PartyId(party),
        owner,
        kind: rapport_store::work::TaskKind::Call,
        reason: "walk".into(),
        detail: None,
        alert_id: None,
        due_on: today(),
        created_by: Some(owner),
        created_at: at(),
    }
}

/// Each task owner's open task by username, and RM A's task on 王芳, who then leaves RM A's
/// portfolio (the task stays RM A's).
async fn create_tasks(store: &dyn rapport_store::Store) -> (BTreeMap<&'static str, i64>, i64) {
    let v = fixture::viewer;
    let mut tasks = BTreeMap::new();
    for (user, owner, party) in [
        ("rm.a", fixture::RM_A, 1),
        ("rm.b", fixture::RM_B, 3),
        ("bm.xihu", fixture::BM_XIHU, 1),
    ] {
        let t = store
            .create_task(&v(owner), &call_task(owner, party))
            .await
            .unwrap()
            .unwrap();
        tasks.insert(user, t.id);
    }
    let stale = store
        .create_task(&v(fixture::RM_A), &call_task(fixture::RM_A, 2))
        .await
        .unwrap()
        .unwrap();
    store
        .end_secondary_rm(&v(fixture::HEAD_BM), PartyId(2), fixture::RM_A, today())
        .await
        .unwrap();
    (tasks, stale.id)
}

/// RM B's call to the second 张伟 (3) and a contact plan for him.
async fn record_contact_of_rm_b(store: &dyn rapport_store::Store) {
    let rm_b = fixture::viewer(fixture::RM_B);
    store
        .log_interaction(
            &rm_b,
            &NewInteraction {
                party_id: PartyId(3),
                staff_id: fixture::RM_B,
                channel: rapport_store::work::Channel::Phone,
                direction: rapport_store::work::Direction::Outbound,
                purpose: None,
                occurred_at: at(),
                notes: String::new(),
                outcome: "reached".into(),
                task_id: None,
                alert_id: None,
            },
        )
        .await
        .unwrap();
    store
        .set_contact_plan(
            &rm_b,
            &NewContactPlan {
                tier: None,
                party_id: Some(PartyId(3)),
                cadence_days: 30,
                created_by: fixture::RM_B,
                created_at: at(),
            },
        )
        .await
        .unwrap();
}

/// The proposed tier changes, by party.
async fn pending_tier_proposals(store: &dyn rapport_store::Store) -> BTreeMap<i64, i64> {
    store
        .tier_proposals(
            &fixture::viewer(fixture::HEAD_BM),
            rapport_domain::TierProposalStatus::Proposed,
            rapport_store::PageRequest {
                page: 1,
                page_size: 100,
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| (p.party_id.0, p.id))
        .collect()
}

/// The Zhejiang manager's pending moves: RM A → RM C (Xihu), RM B → RM D (Binjiang).
async fn request_moves(store: &dyn rapport_store::Store) -> (i64, i64) {
    let request = |from: StaffId, to: i64| NewReassignment {
        from,
        to: StaffId(to),
        requested_by: fixture::BM_ZHEJIANG,
        at: at(),
        effective_on: today(),
        approval_threshold: 0,
    };
    let zj = fixture::viewer(fixture::BM_ZHEJIANG);
    let move_xihu = store
        .request_reassignment(&zj, &request(fixture::RM_A, RM_C))
        .await
        .unwrap()
        .id;
    let move_binjiang = store
        .request_reassignment(&zj, &request(fixture::RM_B, RM_D))
        .await
        .unwrap()
        .id;
    (move_xihu, move_binjiang)
}

/// The steward merges the fourth imported prospect into the third; the merge event's id.
async fn merge_imported_prospects(app: &TestApp, imported: &[i64]) -> i64 {
    let steward = app.token("steward01").await;
    let (s, merged) = app
        .send_json(
            &steward,
            Method::POST,
            &format!("/api/v1/customers/{}/merge", imported[2]),
            &json!({"absorb": imported[3], "reason": "walk setup"}),
        )
        .await;
    assert_eq!(s, 200, "{merged}");
    let (_, identity) = app
        .get_json(
            &steward,
            &format!("/api/v1/customers/{}/identity", imported[2]),
        )
        .await;
    identity["events"][0]["id"].as_i64().unwrap()
}

/// The first pending identity review (a pair of imported prospects).
async fn pending_review(store: &dyn rapport_store::Store) -> i64 {
    store
        .list_reviews(
            &fixture::viewer(fixture::STEWARD),
            rapport_store::identity::ReviewStatus::Pending,
            rapport_store::PageRequest {
                page: 1,
                page_size: 10,
            },
        )
        .await
        .unwrap()
        .items[0]
        .id
}

/// Two new staff members requested by admin.b: the change to approve and the one to reject.
async fn request_staff_changes(app: &TestApp) -> (i64, i64) {
    let admin_b = app.token("admin.b").await;
    let mut changes = Vec::new();
    for user in ["walk.one", "walk.two"] {
        let (s, c) = app
            .send_json(
                &admin_b,
                Method::POST,
                "/api/v1/admin/staff",
                &json!({"username": user, "display_name": "走查", "role": "rm", "branch_id": 4}),
            )
            .await;
        assert!(s == 200 || s == 202, "{s} {c}");
        changes.push(c["change"]["id"].as_i64().or(c["id"].as_i64()).unwrap());
    }
    (changes[0], changes[1])
}

/// RM B logs in; the id of that session, as the administrator lists it.
async fn session_of_rm_b(app: &TestApp) -> String {
    let _rm_b = app.token("rm.b").await;
    let admin = app.token("admin").await;
    let (_, sessions) = app.get_json(&admin, "/api/v1/admin/sessions").await;
    super::element(&sessions, "username", "rm.b")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The mapping the import probe posts its CSV with.
fn write_call_center_mapping(app: &TestApp) {
    let dir = app.import_dir.path().join("mappings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("call_center.mapping.toml"),
        "source_system = \"call_center\"\nkind = \"customers\"\n[columns]\nsource_key = \"key\"\nname = \"name\"\nmobile = \"mobile\"\n",
    )
    .unwrap();
}

/// The servers the walk runs on: the identifier-search limits raised, as the walk searches by
/// every identifier of every customer outside the caller's scope.
pub fn walk_state(mut state: rapport_web::AppState) -> rapport_web::AppState {
    let mut config = (*state.config).clone();
    config.identifier_searches.per_minute = 10_000;
    config.identifier_searches.misses_per_masked_value = 10_000;
    state.config = std::sync::Arc::new(config);
    state
}

/// The walk as `who` on a fresh server of each backend; every failure.
pub async fn walk_all(who: &Who) -> Vec<String> {
    let mut failures = Vec::new();
    for app in TestApp::each_with(walk_state).await {
        let cx = setup(&app).await;
        if let Err(e) = walk(&app, who, &cx).await {
            failures.push(e);
        }
    }
    failures
}

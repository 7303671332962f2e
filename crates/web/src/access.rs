//! What each route needs, declared once: open to anyone, to any signed-in staff member, or to
//! the roles the permission table (`rapport_domain::permissions`) lets take an action. The
//! `Authenticated` extractor reads it for every request it authenticates, so a handler behind
//! `Needs` never runs for a role without the action; a route missing here answers 500 (fail
//! closed), and a test fails on any route of the API document or the pages that has no entry.
//! Checks that depend on more than the role (whose task, which customer, a tier's plan or one
//! customer's) stay with the operation; the customers any route reaches are the role's scope.
use rapport_domain::Action;

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in staff member; the operation and the store decide the rest.
    SignedIn,
    /// A signed-in staff member whose role may take the action.
    Needs(Action),
}

use Access::{Needs, Public, SignedIn};
use Action::*;

/// (method, route as the router declares it, access). API routes first, then pages.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/api/v1/openapi.json", Public),
    ("POST", "/api/v1/auth/login", Public),
    ("GET", "/api/v1/auth/me", SignedIn),
    ("POST", "/api/v1/auth/password", SignedIn),
    ("POST", "/api/v1/auth/logout", SignedIn),
    ("GET", "/api/v1/customers", SignedIn),
    ("POST", "/api/v1/customers", Needs(RegisterProspects)),
    ("GET", "/api/v1/customers/{id}", SignedIn),
    // Out-of-scope customers stay 404 for every role: the operation checks the role after.
    ("PATCH", "/api/v1/customers/{id}", SignedIn),
    ("GET", "/api/v1/customers/{id}/history", SignedIn),
    ("GET", "/api/v1/customers/{id}/scores", SignedIn),
    ("GET", "/api/v1/customers/{id}/identity", SignedIn),
    ("GET", "/api/v1/customers/{id}/interactions", SignedIn),
    (
        "POST",
        "/api/v1/customers/{id}/interactions",
        Needs(ServeCustomers),
    ),
    ("POST", "/api/v1/customers/{id}/unmask", SignedIn),
    ("POST", "/api/v1/customers/{id}/rms", Needs(MovePortfolios)),
    (
        "POST",
        "/api/v1/customers/{id}/rms/{staff_id}/end",
        Needs(MovePortfolios),
    ),
    (
        "POST",
        "/api/v1/customers/{id}/merge",
        Needs(StewardIdentities),
    ),
    ("GET", "/api/v1/workbench", SignedIn),
    ("GET", "/api/v1/tasks", SignedIn),
    ("POST", "/api/v1/tasks", Needs(CreateTasks)),
    ("POST", "/api/v1/tasks/{id}/complete", SignedIn),
    ("GET", "/api/v1/contact-plans", Needs(ReadContactPlans)),
    // A tier's plan or one customer's: two actions, told apart by the body.
    ("POST", "/api/v1/contact-plans", SignedIn),
    (
        "GET",
        "/api/v1/portfolios/reassignments",
        Needs(MovePortfolios),
    ),
    (
        "POST",
        "/api/v1/portfolios/reassignments",
        Needs(MovePortfolios),
    ),
    (
        "POST",
        "/api/v1/portfolios/reassignments/{id}/approve",
        Needs(MovePortfolios),
    ),
    ("GET", "/api/v1/tier-proposals", Needs(DecideTierProposals)),
    (
        "POST",
        "/api/v1/tier-proposals/{id}/decision",
        Needs(DecideTierProposals),
    ),
    ("GET", "/api/v1/scorecards", Needs(ViewScorecards)),
    ("GET", "/api/v1/segments", Needs(UseSegments)),
    ("POST", "/api/v1/segments", Needs(UseSegments)),
    ("GET", "/api/v1/segments/{id}", Needs(UseSegments)),
    ("DELETE", "/api/v1/segments/{id}", Needs(UseSegments)),
    ("GET", "/api/v1/analytics/dashboard", SignedIn),
    ("GET", "/api/v1/analytics/pareto", SignedIn),
    ("GET", "/api/v1/identity/reviews", Needs(StewardIdentities)),
    // A pair unknown or outside the scope is 404 before the role is looked at, like a customer.
    ("GET", "/api/v1/identity/reviews/{id}", SignedIn),
    (
        "POST",
        "/api/v1/identity/reviews/{id}/decision",
        Needs(StewardIdentities),
    ),
    (
        "POST",
        "/api/v1/identity/merges/{event_id}/undo",
        Needs(StewardIdentities),
    ),
    ("POST", "/api/v1/identity/match", Needs(MatchRecords)),
    ("POST", "/api/v1/imports/{mapping}", Needs(ImportExtracts)),
    ("GET", "/api/v1/audit", Needs(ReadAuditTrail)),
    ("GET", "/api/v1/audit/export", Needs(ReadAuditTrail)),
    ("GET", "/api/v1/admin/staff", Needs(AdministerStaff)),
    ("POST", "/api/v1/admin/staff", Needs(AdministerStaff)),
    (
        "PATCH",
        "/api/v1/admin/staff/{username}",
        Needs(AdministerStaff),
    ),
    (
        "POST",
        "/api/v1/admin/staff/{username}/reset-password",
        Needs(AdministerStaff),
    ),
    ("GET", "/api/v1/admin/staff-changes", Needs(AdministerStaff)),
    (
        "POST",
        "/api/v1/admin/staff-changes/{id}/approve",
        Needs(AdministerStaff),
    ),
    (
        "POST",
        "/api/v1/admin/staff-changes/{id}/reject",
        Needs(AdministerStaff),
    ),
    ("GET", "/api/v1/admin/sessions", Needs(AdministerStaff)),
    (
        "DELETE",
        "/api/v1/admin/sessions/{id}",
        Needs(AdministerStaff),
    ),
    // Pages: a refusal shows as a page, so they are signed in here and refused by the same
    // operations as the API (`audit::require`), with the page's own words around it.
    ("GET", "/", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", SignedIn),
    ("GET", "/password", SignedIn),
    ("POST", "/password", SignedIn),
    ("GET", "/customers", SignedIn),
    ("GET", "/customers/new", SignedIn),
    ("POST", "/customers/new", SignedIn),
    ("GET", "/customers/{id}", SignedIn),
    ("POST", "/customers/{id}/contact", SignedIn),
    ("POST", "/customers/{id}/unmask", SignedIn),
    ("POST", "/customers/{id}/rms", SignedIn),
    ("POST", "/customers/{id}/rms/{staff_id}/end", SignedIn),
    ("POST", "/customers/{id}/unmerge/{event_id}", SignedIn),
    ("GET", "/identity/reviews", SignedIn),
    ("GET", "/identity/reviews/{id}", SignedIn),
    ("POST", "/identity/reviews/{id}", SignedIn),
    ("GET", "/audit", SignedIn),
    ("GET", "/dashboard", SignedIn),
    ("GET", "/workbench", SignedIn),
    ("POST", "/workbench/tasks/{id}/complete", SignedIn),
    ("GET", "/scorecards", SignedIn),
    ("GET", "/tier-proposals", SignedIn),
    ("POST", "/tier-proposals/{id}/decision", SignedIn),
    ("GET", "/segments", SignedIn),
    ("POST", "/segments", SignedIn),
    ("GET", "/segments/{id}", SignedIn),
    ("POST", "/segments/{id}/delete", SignedIn),
    ("GET", "/admin/staff", SignedIn),
    ("POST", "/admin/staff", SignedIn),
    ("POST", "/admin/staff/{username}/{action}", SignedIn),
    ("POST", "/admin/sessions/{id}/end", SignedIn),
    ("POST", "/admin/staff-changes/{id}/{decision}", SignedIn),
    ("GET", "/lang/{code}", Public),
    ("GET", "/docs/errors", Public),
];

/// What the route `path` (as declared, e.g. `/api/v1/customers/{id}`) needs for `method`;
/// `None` when the table has no entry.
pub fn of(method: &str, path: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, a)| *a)
}

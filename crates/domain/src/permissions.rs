//! What each role may do: one declared table of role × action. The customers an action reaches
//! are the role's data scope (`Viewer::scope`: an RM their portfolio, a branch manager and a
//! data steward their branch subtree, head-office roles everyone, an administrator nobody),
//! checked by the store; this table says only whether the role may take the action at all. Handlers ask
//! [`permits`] instead of naming roles, and a refusal says [`Permission::refusal`].
use crate::{DataScope, Role, StaffId, Viewer};

string_enum! {
    /// Something staff do that not every role may.
    pub enum Action {
        /// Register a prospect (a new customer not yet in any source system).
        RegisterProspects => "register_prospects",
        /// Change a customer's contact details.
        ChangeContactDetails => "change_contact_details",
        /// Keep tasks and log contacts with customers.
        ServeCustomers => "serve_customers",
        /// Create tasks.
        CreateTasks => "create_tasks",
        /// Give a task to someone else than oneself.
        GiveTasksToOthers => "give_tasks_to_others",
        /// Read the contact plans.
        ReadContactPlans => "read_contact_plans",
        /// Set a contact plan for one customer.
        SetCustomerContactPlans => "set_customer_contact_plans",
        /// Set a contact plan for a whole tier.
        SetTierContactPlans => "set_tier_contact_plans",
        /// Work the review queue, merge and unmerge customers.
        StewardIdentities => "steward_identities",
        /// Match a record against the customers in real time.
        MatchRecords => "match_records",
        /// Import source-system extracts.
        ImportExtracts => "import_extracts",
        /// Move a portfolio, or assign and end RMs of a customer.
        MovePortfolios => "move_portfolios",
        /// Decide the tier change proposals of scoring.
        DecideTierProposals => "decide_tier_proposals",
        /// Define and use saved segments.
        UseSegments => "use_segments",
        /// Delete a segment someone else defined.
        DeleteOthersSegments => "delete_others_segments",
        /// Read RM scorecards and the leaderboard.
        ViewScorecards => "view_scorecards",
        /// Read and export the audit trail.
        ReadAuditTrail => "read_audit_trail",
        /// Administer staff accounts, their changes and sessions.
        AdministerStaff => "administer_staff",
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    pub action: Action,
    /// The roles that may take the action.
    pub roles: &'static [Role],
    /// What a refused caller is told (and the audit trail records).
    pub refusal: &'static str,
}

use Role::{Admin, Auditor, BranchManager, DataSteward, Rm, ServiceAgent};

/// Every action, the roles that may take it, and what the others are told.
pub const PERMISSIONS: &[Permission] = &[
    row(
        Action::RegisterProspects,
        &[Rm, BranchManager],
        "only relationship managers and branch managers register prospects",
    ),
    row(
        Action::ChangeContactDetails,
        &[Rm, BranchManager, ServiceAgent],
        "your role may not change customer data",
    ),
    row(
        Action::ServeCustomers,
        &[Rm, BranchManager, ServiceAgent],
        "only staff who serve customers log contacts",
    ),
    row(
        Action::CreateTasks,
        &[Rm, BranchManager],
        "only relationship managers and branch managers create tasks",
    ),
    row(
        Action::GiveTasksToOthers,
        &[BranchManager],
        "only a branch manager gives a task to someone else",
    ),
    row(
        Action::ReadContactPlans,
        &[Rm, BranchManager, ServiceAgent, Admin],
        "only staff who serve customers read contact plans",
    ),
    row(
        Action::SetCustomerContactPlans,
        &[Rm, BranchManager, Admin],
        "only RMs, branch managers and administrators set contact plans",
    ),
    row(
        Action::SetTierContactPlans,
        &[BranchManager, Admin],
        "only branch managers and administrators set a tier's plan",
    ),
    row(
        Action::StewardIdentities,
        &[DataSteward],
        "only data stewards review, merge and unmerge customers",
    ),
    row(
        Action::MatchRecords,
        &[DataSteward, Admin, ServiceAgent],
        "your role may not match records",
    ),
    row(
        Action::ImportExtracts,
        &[DataSteward, Admin],
        "only data stewards and administrators may import",
    ),
    row(
        Action::MovePortfolios,
        &[BranchManager, Admin],
        "only branch managers and administrators move portfolios",
    ),
    row(
        Action::DecideTierProposals,
        &[BranchManager, Admin],
        "only branch managers and administrators decide tier changes",
    ),
    row(
        Action::UseSegments,
        &[Admin, BranchManager, Rm],
        "only relationship managers, branch managers and administrators use segments",
    ),
    row(
        Action::DeleteOthersSegments,
        &[Admin],
        "only the segment's creator or an administrator may delete it",
    ),
    row(
        Action::ViewScorecards,
        &[Rm, BranchManager, Admin],
        "scorecards are for RMs, branch managers and administrators",
    ),
    row(
        Action::ReadAuditTrail,
        &[Auditor],
        "only auditors may read the audit trail",
    ),
    row(
        Action::AdministerStaff,
        &[Admin],
        "only administrators manage staff",
    ),
];

const fn row(action: Action, roles: &'static [Role], refusal: &'static str) -> Permission {
    Permission {
        action,
        roles,
        refusal,
    }
}

/// The table's row for `action`.
pub fn permission(action: Action) -> Option<&'static Permission> {
    PERMISSIONS.iter().find(|p| p.action == action)
}

/// Whether `role` may take `action` (an action without a row is nobody's).
pub fn permits(role: Role, action: Action) -> bool {
    permission(action).is_some_and(|p| p.roles.contains(&role))
}

/// The table as text: one line per action with a mark per role, then each role's data scope.
pub fn table() -> String {
    let mut out = format!("{:<28}", "action");
    for r in Role::ALL {
        out.push_str(&format!(" {:>14}", r.as_str()));
    }
    out.push('\n');
    for p in PERMISSIONS {
        out.push_str(&format!("{:<28}", p.action.as_str()));
        for r in Role::ALL {
            let mark = if p.roles.contains(r) { "yes" } else { "-" };
            out.push_str(&format!(" {mark:>14}"));
        }
        out.push('\n');
    }
    out.push_str(&format!("{:<28}", "customers reached"));
    for r in Role::ALL {
        let viewer = Viewer {
            staff_id: StaffId(0),
            role: *r,
            branch_id: Some(crate::BranchId(0)),
        };
        let scope = match viewer.scope() {
            DataScope::All => "all",
            DataScope::BranchSubtree(_) => "branch subtree",
            DataScope::Portfolio(_) => "own portfolio",
            DataScope::Nothing => "none",
        };
        out.push_str(&format!(" {scope:>14}"));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_row_and_the_table_prints() {
        for a in Action::ALL {
            let rows = PERMISSIONS.iter().filter(|p| p.action == *a).count();
            assert_eq!(rows, 1, "{a}");
        }
        let table = table();
        println!("{table}");
        assert_eq!(table.lines().count(), Action::ALL.len() + 2);
        assert!(permits(Role::Auditor, Action::ReadAuditTrail));
        assert!(!permits(Role::Admin, Action::ReadAuditTrail));
        assert!(!permits(Role::Marketing, Action::ServeCustomers));
    }

    #[test]
    fn no_role_both_administers_staff_and_reads_the_trail() {
        // Separation of duties: whoever manages logins is not whoever audits them.
        for r in Role::ALL {
            assert!(
                !(permits(*r, Action::AdministerStaff) && permits(*r, Action::ReadAuditTrail)),
                "{r}"
            );
        }
    }
}

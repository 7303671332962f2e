//! Who is looking (the viewer), which customers they may see (data scope) and which fields they
//! see unmasked (field policy). The store enforces the scope in every customer query; the web
//! edge applies the field policy to every response.
use serde::{Deserialize, Serialize};

use crate::{BranchId, Role, StaffId};

/// The authenticated staff member on whose behalf a query runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub staff_id: StaffId,
    pub role: Role,
    pub branch_id: Option<BranchId>,
}

/// The set of customers a viewer may see at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataScope {
    /// Customers for whom the staff member is a current primary or secondary RM.
    Portfolio(StaffId),
    /// Customers whose home branch is the given branch or below it.
    BranchSubtree(BranchId),
    /// Every customer (the call center and head-office functions), masked per field policy.
    All,
    /// Nobody (a branch manager without a branch, for example).
    Nothing,
}

impl Viewer {
    pub fn scope(&self) -> DataScope {
        match self.role {
            Role::Rm => DataScope::Portfolio(self.staff_id),
            Role::BranchManager => match self.branch_id {
                Some(b) => DataScope::BranchSubtree(b),
                None => DataScope::Nothing,
            },
            Role::ServiceAgent | Role::DataSteward | Role::Marketing | Role::Auditor => {
                DataScope::All
            }
            // Separation of duties (R8.x): whoever administers logins sees no customer data,
            // so an administrator who grants themselves nothing reaches nothing.
            Role::Admin => DataScope::Nothing,
        }
    }

    pub fn field_policy(&self) -> FieldPolicy {
        FieldPolicy::for_role(self.role)
    }
}

/// Which personal fields a role sees in clear by default (R8.2). Everything else is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldPolicy {
    pub name: bool,
    pub mobile: bool,
    pub resident_id: bool,
    pub account_number: bool,
    pub address: bool,
}

impl FieldPolicy {
    pub const ALL_MASKED: Self = Self {
        name: false,
        mobile: false,
        resident_id: false,
        account_number: false,
        address: false,
    };

    pub fn for_role(role: Role) -> Self {
        match role {
            Role::Rm | Role::BranchManager => Self {
                name: true,
                mobile: true,
                ..Self::ALL_MASKED
            },
            Role::ServiceAgent => Self {
                name: true,
                ..Self::ALL_MASKED
            },
            Role::DataSteward | Role::Marketing | Role::Auditor | Role::Admin => Self::ALL_MASKED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, branch: Option<i64>) -> Viewer {
        Viewer {
            staff_id: StaffId(7),
            role,
            branch_id: branch.map(BranchId),
        }
    }

    #[test]
    fn scope_per_role() {
        assert_eq!(
            viewer(Role::Rm, Some(1)).scope(),
            DataScope::Portfolio(StaffId(7))
        );
        assert_eq!(
            viewer(Role::BranchManager, Some(3)).scope(),
            DataScope::BranchSubtree(BranchId(3))
        );
        assert_eq!(
            viewer(Role::BranchManager, None).scope(),
            DataScope::Nothing
        );
        for r in [
            Role::ServiceAgent,
            Role::DataSteward,
            Role::Marketing,
            Role::Auditor,
        ] {
            assert_eq!(viewer(r, None).scope(), DataScope::All);
        }
        assert_eq!(viewer(Role::Admin, Some(1)).scope(), DataScope::Nothing);
    }

    #[test]
    fn field_policy_matches_the_role_table() {
        let p = FieldPolicy::for_role(Role::Rm);
        assert!(p.name && p.mobile && !p.resident_id && !p.account_number && !p.address);
        let p = FieldPolicy::for_role(Role::ServiceAgent);
        assert!(p.name && !p.mobile);
        for r in [
            Role::DataSteward,
            Role::Marketing,
            Role::Auditor,
            Role::Admin,
        ] {
            assert_eq!(FieldPolicy::for_role(r), FieldPolicy::ALL_MASKED);
        }
    }
}

//! Who is looking (the viewer), which customers they may see (data scope) and which fields they
//! see unmasked (field policy). The store enforces the scope in every customer query; the web
//! edge applies the field policy to every response.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{BranchId, Role, StaffId, mask};

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
            // A data steward keeps the records of their branch's customers: at the head office
            // (the root branch) that is every customer, at a branch only its subtree, so one
            // branch's steward cannot read, merge or unmerge another branch's customers.
            Role::DataSteward => match self.branch_id {
                Some(b) => DataScope::BranchSubtree(b),
                None => DataScope::All,
            },
            Role::ServiceAgent | Role::Marketing | Role::Auditor => DataScope::All,
            // Separation of duties (R8.x): whoever administers logins sees no customer data,
            // so an administrator who grants themselves nothing reaches nothing.
            Role::Admin => DataScope::Nothing,
        }
    }

    pub fn field_policy(&self) -> FieldPolicy {
        FieldPolicy::for_role(self.role)
    }
}

/// How much of a birth date a role sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BirthDateShown {
    /// The whole date.
    Full,
    /// Month and day only (`--MM-DD`, ISO 8601): enough for birthday care, no year or age.
    MonthDay,
    /// Nothing: the role sees a resident ID mask whose hidden digits are the birth date.
    Hidden,
}

/// How a masked resident ID is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResidentIdMask {
    /// First 6 (area) and last 4 (sequence and check): `110105********002X`. Only for roles
    /// that see no part of the birth date — the 8 hidden digits are exactly the birth date.
    AreaAndTail,
    /// Every character hidden: for roles that see the birthday and the address district, from
    /// which the area code can be guessed.
    Hidden,
}

/// Which personal fields a role sees in clear by default (R8.2), and how the others are
/// masked. Every value a role is shown goes through these methods, so that a masked value
/// together with everything else the role sees cannot rebuild it (see docs/security.md,
/// "masking against reconstruction").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldPolicy {
    pub name: bool,
    pub mobile: bool,
    /// E-mail is contact data like the mobile.
    pub email: bool,
    pub resident_id: bool,
    pub resident_id_mask: ResidentIdMask,
    pub account_number: bool,
    pub address: bool,
    pub birth_date: BirthDateShown,
}

impl FieldPolicy {
    pub const ALL_MASKED: Self = Self {
        name: false,
        mobile: false,
        email: false,
        resident_id: false,
        resident_id_mask: ResidentIdMask::AreaAndTail,
        account_number: false,
        address: false,
        birth_date: BirthDateShown::Hidden,
    };

    pub fn for_role(role: Role) -> Self {
        match role {
            // RMs send birthday greetings (month and day) and call their customers.
            Role::Rm | Role::BranchManager => Self {
                name: true,
                mobile: true,
                email: true,
                resident_id_mask: ResidentIdMask::Hidden,
                birth_date: BirthDateShown::MonthDay,
                ..Self::ALL_MASKED
            },
            // The call centre verifies callers by the ID's last four; it sees no birth date.
            Role::ServiceAgent => Self {
                name: true,
                ..Self::ALL_MASKED
            },
            Role::DataSteward | Role::Marketing | Role::Auditor | Role::Admin => Self::ALL_MASKED,
        }
    }

    /// A person's name as this role sees it (organisation names are public registry data).
    pub fn name(&self, is_organisation: bool, value: &str) -> String {
        if self.name || is_organisation {
            value.to_owned()
        } else {
            mask::mask_name(value)
        }
    }

    pub fn mobile(&self, value: &str) -> String {
        if self.mobile {
            value.to_owned()
        } else {
            mask::mask_mobile(value)
        }
    }

    pub fn email(&self, value: &str) -> String {
        if self.email {
            value.to_owned()
        } else {
            mask::mask_email(value)
        }
    }

    pub fn resident_id(&self, value: &str) -> String {
        match (self.resident_id, self.resident_id_mask) {
            (true, _) => value.to_owned(),
            (false, ResidentIdMask::AreaAndTail) => mask::mask_resident_id(value),
            (false, ResidentIdMask::Hidden) => mask::mask_all(value),
        }
    }

    pub fn account_number(&self, value: &str) -> String {
        if self.account_number {
            value.to_owned()
        } else {
            mask::mask_account_number(value)
        }
    }

    pub fn address(&self, value: &str) -> String {
        if self.address {
            value.to_owned()
        } else {
            mask::mask_address(value)
        }
    }

    /// The birth date as shown: `1980-05-17`, `--05-17` or nothing.
    pub fn birth_date(&self, value: NaiveDate) -> Option<String> {
        match self.birth_date {
            BirthDateShown::Full => Some(value.format("%Y-%m-%d").to_string()),
            BirthDateShown::MonthDay => Some(value.format("--%m-%d").to_string()),
            BirthDateShown::Hidden => None,
        }
    }

    /// A personal field named as the store names it (`mobile`, `resident_id`, …), as shown;
    /// fields that are not personal pass unchanged. For change history and comparisons, where
    /// the field is data.
    pub fn field(&self, field: &str, value: &str) -> Option<String> {
        match field {
            "name" => Some(self.name(false, value)),
            "mobile" => Some(self.mobile(value)),
            "email" => Some(self.email(value)),
            "resident_id" => Some(self.resident_id(value)),
            "account_number" => Some(self.account_number(value)),
            "address" => Some(self.address(value)),
            "birth_date" => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(d) => self.birth_date(d),
                // Not a date: shown only to a role that sees whole birth dates.
                Err(_) => (self.birth_date == BirthDateShown::Full).then(|| value.to_owned()),
            },
            _ => Some(value.to_owned()),
        }
    }

    /// The personal fields this role sees in clear (for the audit trail).
    pub fn shown_in_clear(&self) -> Vec<&'static str> {
        [
            ("name", self.name),
            ("mobile", self.mobile),
            ("email", self.email),
            ("resident_id", self.resident_id),
            ("account_number", self.account_number),
            ("address", self.address),
            ("birth_date", self.birth_date == BirthDateShown::Full),
        ]
        .into_iter()
        .filter_map(|(f, shown)| shown.then_some(f))
        .collect()
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
        assert_eq!(
            viewer(Role::DataSteward, Some(5)).scope(),
            DataScope::BranchSubtree(BranchId(5))
        );
        assert_eq!(viewer(Role::Admin, Some(1)).scope(), DataScope::Nothing);
    }

    #[test]
    fn field_policy_matches_the_role_table() {
        let p = FieldPolicy::for_role(Role::Rm);
        assert!(p.name && p.mobile && !p.resident_id && !p.account_number && !p.address);
        assert_eq!(p.birth_date, BirthDateShown::MonthDay);
        assert_eq!(p.resident_id_mask, ResidentIdMask::Hidden);
        let p = FieldPolicy::for_role(Role::ServiceAgent);
        assert!(p.name && !p.mobile);
        assert_eq!(p.birth_date, BirthDateShown::Hidden);
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

#[cfg(test)]
mod reconstruction {
    use super::*;

    /// A role that sees the area-and-tail ID mask sees no part of the birth date, and a role
    /// that sees any part of it sees no digit of the ID: the ID's hidden digits are the date.
    #[test]
    fn no_role_sees_both_the_area_and_tail_mask_and_a_birth_date() {
        for role in [
            Role::Rm,
            Role::BranchManager,
            Role::ServiceAgent,
            Role::DataSteward,
            Role::Marketing,
            Role::Auditor,
            Role::Admin,
        ] {
            let p = FieldPolicy::for_role(role);
            let d = NaiveDate::from_ymd_opt(1980, 5, 17).unwrap_or_default();
            let id = "11010519800517002X";
            match p.birth_date(d) {
                None => {}
                Some(shown) => {
                    assert!(!shown.contains("1980"), "{role}: {shown}");
                    let masked = p.resident_id(id);
                    assert!(masked.chars().all(|c| c == '*'), "{role}: {masked}");
                }
            }
            assert_eq!(p.field("birth_date", "1980-05-17"), p.birth_date(d));
        }
    }
}

//! Unmasking on demand (R8.2): which role may see which masked field in clear, and why.
use crate::{InvalidValue, Role};

string_enum! {
    /// A personal field that is masked by default.
    pub enum MaskedField {
        Name => "name",
        Mobile => "mobile",
        ResidentId => "resident_id",
        AccountNumber => "account_number",
        Address => "address",
    }
}

string_enum! {
    /// Why a staff member needs to see a field in clear.
    pub enum UnmaskReason {
        /// 客户回访 / calling the customer back.
        CustomerCallback => "customer_callback",
        /// KYC 复核.
        KycReview => "kyc_review",
        /// 投诉处理.
        Complaint => "complaint",
        /// Anything else, explained in text.
        Other => "other",
    }
}

/// Longest free-text explanation accepted with a reason.
pub const MAX_REASON_TEXT: usize = 200;

/// A stated reason, checked: `other` needs an explanation, and no explanation is too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedReason {
    pub reason: UnmaskReason,
    pub text: Option<String>,
}

impl StatedReason {
    pub fn new(reason: UnmaskReason, text: Option<&str>) -> Result<Self, InvalidValue> {
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = text {
            let n = t.chars().count();
            if n > MAX_REASON_TEXT {
                return Err(InvalidValue::new(format!(
                    "reason_text has {n} characters; at most {MAX_REASON_TEXT} are allowed"
                )));
            }
            if t.chars().any(char::is_control) {
                return Err(InvalidValue::new(
                    "reason_text may not contain control characters",
                ));
            }
        }
        if reason == UnmaskReason::Other && text.is_none() {
            return Err(InvalidValue::new(
                "reason 'other' needs a reason_text explaining it",
            ));
        }
        Ok(Self {
            reason,
            text: text.map(str::to_owned),
        })
    }

    /// As recorded in the audit trail.
    pub fn describe(&self) -> String {
        match &self.text {
            Some(t) => format!("{}: {t}", self.reason),
            None => self.reason.to_string(),
        }
    }
}

/// Whether `role` may unmask `field` of a customer already within its data scope.
/// A data steward's permission depends on an open identity review of the customer; until the
/// identity module provides review items, `in_review` is always false.
pub fn may_unmask(role: Role, field: MaskedField, reason: UnmaskReason, in_review: bool) -> bool {
    match role {
        Role::Rm => matches!(field, MaskedField::ResidentId | MaskedField::AccountNumber),
        Role::BranchManager => true,
        Role::ServiceAgent => {
            field == MaskedField::Mobile && reason == UnmaskReason::CustomerCallback
        }
        Role::DataSteward => in_review,
        Role::Marketing | Role::Auditor | Role::Admin => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unmask_table_row_by_row() {
        use MaskedField::*;
        let r = UnmaskReason::KycReview;
        for f in MaskedField::ALL {
            assert_eq!(
                may_unmask(Role::Rm, *f, r, false),
                matches!(f, ResidentId | AccountNumber),
                "rm {f}"
            );
            assert!(may_unmask(Role::BranchManager, *f, r, false), "bm {f}");
            assert!(
                !may_unmask(Role::DataSteward, *f, r, false)
                    && may_unmask(Role::DataSteward, *f, r, true)
            );
            for role in [Role::Marketing, Role::Auditor, Role::Admin] {
                assert!(!may_unmask(role, *f, r, true), "{role} {f}");
            }
        }
        assert!(may_unmask(
            Role::ServiceAgent,
            Mobile,
            UnmaskReason::CustomerCallback,
            false
        ));
        assert!(
            !may_unmask(Role::ServiceAgent, Mobile, UnmaskReason::Complaint, false),
            "only for a call-back"
        );
        assert!(!may_unmask(
            Role::ServiceAgent,
            ResidentId,
            UnmaskReason::CustomerCallback,
            false
        ));
    }

    #[test]
    fn reasons_are_checked() {
        assert!(StatedReason::new(UnmaskReason::Other, None).is_err());
        assert!(StatedReason::new(UnmaskReason::Other, Some("  ")).is_err());
        assert!(StatedReason::new(UnmaskReason::Other, Some("客户要求核对")).is_ok());
        let long = "字".repeat(MAX_REASON_TEXT + 1);
        assert!(
            StatedReason::new(UnmaskReason::Complaint, Some(&long))
                .unwrap_err()
                .reason
                .contains("at most")
        );
        assert_eq!(
            StatedReason::new(UnmaskReason::KycReview, None)
                .unwrap()
                .describe(),
            "kyc_review"
        );
    }
}

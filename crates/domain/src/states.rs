//! The states and kinds of the CRM's own records: closed sets, parsed where text comes in (the
//! store reading its columns back, the web reading a request) so that the core never compares
//! strings. Their wire and storage names are the `as_str` texts.

string_enum! {
    /// A portfolio move: waiting for a second person's approval, or carried out.
    pub enum ReassignmentStatus {
        Pending => "pending",
        Applied => "applied",
    }
}

string_enum! {
    /// A tier change the scoring rules proposed, as a branch manager decided it.
    pub enum TierProposalStatus {
        Proposed => "proposed",
        Accepted => "accepted",
        Declined => "declined",
    }
}

string_enum! {
    /// Why an RM is warned about a customer (R3.7, R7.2).
    pub enum AlertKind {
        /// Money leaving fast: the churn warning to act on first.
        LargeOutflow => "large_outflow",
        ChurnRisk => "churn_risk",
        /// A deposit or product maturing soon.
        Maturity => "maturity",
        Birthday => "birthday",
        /// A contact plan's next contact is due.
        ContactDue => "contact_due",
        /// A new customer's revisit is due.
        RevisitDue => "revisit_due",
        TierUpgrade => "tier_upgrade",
        TierDowngrade => "tier_downgrade",
    }
}

string_enum! {
    pub enum AlertSeverity {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

string_enum! {
    /// An alert is open until the task made for it is done.
    pub enum AlertStatus {
        Open => "open",
        Done => "done",
    }
}

string_enum! {
    /// Why an RM is to get in touch.
    pub enum TaskKind {
        Call => "call",
        Visit => "visit",
        /// A new customer's revisit within 3 months of onboarding (R7.2).
        Revisit => "revisit",
        /// Keep a customer who shows signs of leaving.
        Retention => "retention",
        /// Birthdays and other care (关怀).
        Care => "care",
        FollowUp => "follow_up",
    }
}

string_enum! {
    pub enum TaskStatus {
        Open => "open",
        Done => "done",
        Cancelled => "cancelled",
    }
}

string_enum! {
    pub enum Channel {
        BranchVisit => "branch_visit",
        Phone => "phone",
        Sms => "sms",
        WeChat => "wechat",
        Email => "email",
        App => "app",
        Event => "event",
    }
}

string_enum! {
    pub enum Direction {
        Outbound => "outbound",
        Inbound => "inbound",
    }
}

string_enum! {
    pub enum ReviewStatus {
        Pending => "pending",
        /// Same person: the records' parties were merged.
        Approved => "approved",
        /// Different persons: resolution must keep them apart.
        Rejected => "rejected",
        /// A later resolution no longer found the pair in the grey zone.
        Superseded => "superseded",
    }
}

string_enum! {
    pub enum IdentityEventKind {
        Merge => "merge",
        Unmerge => "unmerge",
    }
}

string_enum! {
    /// What a source file holds.
    pub enum ImportKind {
        Customers => "customers",
        Accounts => "accounts",
        Transactions => "transactions",
        Balances => "balances",
    }
}

string_enum! {
    pub enum RunStatus {
        Running => "running",
        Finished => "finished",
        Failed => "failed",
        /// The process ended without finishing the run (killed, power lost); set when the
        /// same file is imported again, which completes the load.
        Interrupted => "interrupted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_name_and_nothing_else_is_one() {
        for k in AlertKind::ALL {
            assert_eq!(k.as_str().parse::<AlertKind>().unwrap(), *k);
        }
        for s in TierProposalStatus::ALL {
            assert_eq!(s.as_str().parse::<TierProposalStatus>().unwrap(), *s);
        }
        let refused = "Pending".parse::<ReassignmentStatus>().unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("expected one of: pending, applied"),
            "{refused}"
        );
        assert!("dormancy".parse::<AlertKind>().is_err());
        assert!("".parse::<AlertSeverity>().is_err());
        assert!("closed".parse::<AlertStatus>().is_err());
        for k in TaskKind::ALL {
            assert_eq!(k.as_str().parse::<TaskKind>().unwrap(), *k);
        }
        assert!("Rejected".parse::<ReviewStatus>().is_err());
    }
}

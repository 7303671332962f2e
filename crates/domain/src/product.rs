//! Products (产品) and the accounts/holdings customers have in them.
string_enum! {
    pub enum ProductFamily {
        /// 活期存款
        CurrentDeposit => "current_deposit",
        /// 定期存款
        TimeDeposit => "time_deposit",
        /// 理财产品
        WealthManagement => "wealth_management",
        /// 基金
        Fund => "fund",
        /// 保险
        Insurance => "insurance",
        /// 住房贷款
        Mortgage => "mortgage",
        /// 消费贷款
        ConsumerLoan => "consumer_loan",
        /// 经营贷款
        BusinessLoan => "business_loan",
        /// 信用卡
        CreditCard => "credit_card",
        /// 代发工资
        Payroll => "payroll",
    }
}

impl ProductFamily {
    /// Whether balances in this family count towards assets under management (AUM).
    pub fn is_asset(self) -> bool {
        matches!(
            self,
            Self::CurrentDeposit
                | Self::TimeDeposit
                | Self::WealthManagement
                | Self::Fund
                | Self::Insurance
                | Self::Payroll
        )
    }

    pub fn is_liability(self) -> bool {
        matches!(
            self,
            Self::Mortgage | Self::ConsumerLoan | Self::BusinessLoan | Self::CreditCard
        )
    }

    /// Whether holdings carry a maturity date (到期日).
    pub fn has_maturity(self) -> bool {
        matches!(
            self,
            Self::TimeDeposit
                | Self::WealthManagement
                | Self::Mortgage
                | Self::ConsumerLoan
                | Self::BusinessLoan
        )
    }
}

string_enum! {
    pub enum AccountStatus {
        Active => "active",
        Dormant => "dormant",
        Frozen => "frozen",
        Closed => "closed",
    }
}

string_enum! {
    /// The bank systems that feed Rapport.
    pub enum SourceSystem {
        /// 柜台/核心业务系统
        CoreBanking => "core_banking",
        /// 信用卡系统
        Card => "card",
        /// 网上/手机银行
        InternetBanking => "internet_banking",
        /// 呼叫中心 / 电话银行
        CallCenter => "call_center",
        /// Entered in Rapport itself.
        Rapport => "rapport",
    }
}

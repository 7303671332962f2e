//! The UI's two languages. Every visible string of the pages is a field of [`Text`], so a
//! missing translation is a compile error, not a blank on screen.
use axum::http::request::Parts;
use rapport_domain::{Language, Reason};

use crate::auth::cookie;
use crate::i18n_identity::{self, IdText};
use crate::i18n_scores::{self, ScoreText};
use crate::i18n_segments::{self, SegText};
use crate::i18n_work::{self, WorkText};

pub const LANG_COOKIE: &str = "rapport_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh" | "zh-CN" | "zh-cn" => Some(Self::Zh),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The cookie's choice, else the browser's preference, else Chinese.
    pub fn of_request(parts: &Parts) -> Self {
        if let Some(lang) = cookie(parts, LANG_COOKIE).and_then(Self::parse) {
            return lang;
        }
        if accept_language(parts).starts_with("en") {
            Self::En
        } else {
            Self::Zh
        }
    }

    /// For the API: the language `Accept-Language` asks for, else English. The API has no
    /// language cookie, and integrators read English unless they ask.
    pub fn of_api_request(parts: &Parts) -> Self {
        if accept_language(parts)
            .to_ascii_lowercase()
            .starts_with("zh")
        {
            Self::Zh
        } else {
            Self::En
        }
    }

    pub fn language(self) -> Language {
        match self {
            Self::Zh => Language::Zh,
            Self::En => Language::En,
        }
    }

    /// Names a stored code in this language, for reasons kept as data.
    pub fn code_label(self) -> impl Fn(&str) -> String {
        move |code| self.label(code).to_owned()
    }

    /// Why an alert was raised or a task made, in this language; a row written before reasons
    /// were data (or a task an RM typed) keeps its stored text.
    pub fn reason(self, detail: Option<&Reason>, stored: &str) -> String {
        detail.map_or_else(
            || stored.to_owned(),
            |r| r.describe(self.language(), &self.code_label()),
        )
    }

    /// This language's one of a pair of string tables.
    fn pick<T>(self, zh: &'static T, en: &'static T) -> &'static T {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }

    pub fn text(self) -> &'static Text {
        self.pick(&ZH, &EN)
    }

    /// The identity pages' strings.
    pub fn id_text(self) -> &'static IdText {
        self.pick(&i18n_identity::ZH, &i18n_identity::EN)
    }

    /// The scoring pages' strings.
    pub fn score_text(self) -> &'static ScoreText {
        self.pick(&i18n_scores::ZH, &i18n_scores::EN)
    }

    /// The segment pages' strings.
    pub fn seg_text(self) -> &'static SegText {
        self.pick(&i18n_segments::ZH, &i18n_segments::EN)
    }

    /// The workbench's strings.
    pub fn work_text(self) -> &'static WorkText {
        self.pick(&i18n_work::ZH, &i18n_work::EN)
    }

    /// A label for a stored code (product family, party kind, role …, and the domain's tiers,
    /// lifecycle stages, CLV classes and RFM segments), falling back to the code.
    pub fn label(self, code: &str) -> &str {
        LABELS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, zh, en)| (*zh, *en))
            .or_else(|| rapport_domain::classes::class_label(code))
            .map(|(zh, en)| if self == Self::Zh { zh } else { en })
            .unwrap_or(code)
    }
}

/// The request's `Accept-Language`, trimmed; empty when absent.
fn accept_language(parts: &Parts) -> &str {
    parts
        .headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_start()
}

translations! {
    pub struct Text {
        product: "Rapport 银行客户关系管理",
            "Rapport Bank CRM";
        switch_to: "English",
            "中文";
        switch_lang: "en",
            "zh";
        login_title: "员工登录",
            "Staff login";
        username: "用户名",
            "Username";
        password: "密码",
            "Password";
        log_in: "登录",
            "Log in";
        log_out: "退出",
            "Log out";
        bad_credentials: "用户名或密码错误。",
            "Wrong username or password.";
        locked: "登录失败次数过多，账户已暂时锁定，请稍后再试或联系管理员。",
            "Too many failed logins: the account is locked for a while. Try later or ask an administrator.";
        form_expired: "页面已过期，请重新提交。",
            "The page expired; please submit again.";
        customers: "客户",
            "Customers";
        search_placeholder: "姓名、拼音、手机号后4位、身份证号、客户号或账号",
            "Name, pinyin, last 4 digits of mobile, resident ID, customer or account number";
        search: "搜索",
            "Search";
        search_hint: "可按姓名（汉字或拼音、首字母）、手机号（全号或后4位）、身份证号、客户号、账号搜索。",
            "Search by name (hanzi, pinyin or initials), mobile (full or last 4 digits), resident ID, customer number or account number.";
        no_results: "没有找到符合条件的客户。",
            "No customer matches.";
        customer_number: "客户号",
            "Customer no.";
        name: "姓名/名称",
            "Name";
        kind: "类型",
            "Type";
        mobile: "手机号",
            "Mobile";
        resident_id: "身份证号",
            "Resident ID";
        branch: "归属网点",
            "Home branch";
        primary_rm: "主办客户经理",
            "Primary RM";
        latest_aum: "最近月末AUM",
            "Latest month-end AUM";
        previous: "上一页",
            "Previous";
        next: "下一页",
            "Next";
        page: "第{}页",
            "Page {}";
        profile: "基本信息",
            "Profile";
        gender: "性别",
            "Gender";
        birth_date: "出生日期",
            "Date of birth";
        uscc: "统一社会信用代码",
            "Unified social credit code";
        email: "电子邮箱",
            "Email";
        address: "地址",
            "Address";
        occupation: "职业",
            "Occupation";
        income_band: "年收入",
            "Annual income";
        onboarded_on: "开户日期",
            "Customer since";
        relationships: "关系",
            "Relationships";
        relation: "关系类型",
            "Relationship";
        since: "起始日期",
            "Since";
        holdings: "持有产品与账户",
            "Holdings and accounts";
        account_number: "账号/卡号",
            "Account / card no.";
        product_name: "产品",
            "Product";
        balance: "余额",
            "Balance";
        limit: "额度",
            "Limit";
        opened_on: "开立日期",
            "Opened";
        matures_on: "到期日",
            "Matures";
        status: "状态",
            "Status";
        source_system: "来源系统",
            "Source system";
        aum_trend: "AUM 近24个月走势",
            "AUM, last 24 months";
        golden_sources: "黄金记录：各字段来源",
            "Golden record: source of each field";
        aum: "AUM（月末）",
            "AUM (month-end)";
        total_assets: "资产合计",
            "Total assets";
        total_liabilities: "负债合计",
            "Total liabilities";
        relationship_managers: "客户经理",
            "Relationship managers";
        primary: "主办",
            "Primary";
        secondary: "协办",
            "Secondary";
        none: "无",
            "None";
        masked_note: "已脱敏显示的字段：",
            "Fields shown masked: ";
        not_found_title: "未找到",
            "Not found";
        not_found_body: "该客户不存在，或不在您的数据权限范围内。",
            "This customer does not exist or is outside your data scope.";
        error_title: "出错了",
            "Something went wrong";
        back_to_search: "返回客户搜索",
            "Back to customer search";
        employee_of: "任职于",
            "Works at";
        employer_of: "雇员",
            "Employee";
        audit_title: "审计日志",
            "Audit trail";
        audit_actor: "操作人",
            "Staff";
        audit_customer: "客户ID",
            "Customer id";
        audit_action: "操作",
            "Action";
        audit_from: "起始日期",
            "From";
        audit_to: "截止日期",
            "To";
        audit_when: "时间",
            "When";
        audit_fields: "明文显示字段",
            "Shown in clear";
        audit_reason: "原因",
            "Reason";
        audit_export: "导出CSV",
            "Export CSV";
        unmask_title: "查看明文",
            "Show in clear";
        unmask_field: "字段",
            "Field";
        unmask_reason: "事由",
            "Reason";
        unmask_reason_text: "说明（选“其他”时必填）",
            "Explanation (required for “other”)";
        unmask_submit: "查看",
            "Show";
        unmask_note: "明文仅在本次页面显示，且会记录审计日志。",
            "Shown for this page only, and recorded in the audit trail.";
        contact_title: "修改联系方式",
            "Change contact details";
        preferred_channel: "首选联系渠道",
            "Preferred channel";
        unchanged: "不修改",
            "unchanged";
        save: "保存",
            "Save";
        saved: "已保存。",
            "Saved.";
        history_title: "变更历史",
            "Change history";
        as_of: "查看历史时点",
            "As of";
        show: "查看",
            "Show";
        old_value: "原值",
            "Before";
        new_value: "新值",
            "After";
        new_prospect: "新建潜在客户",
            "New prospect";
        stale: "该客户信息已被他人修改，请刷新后重试。",
            "Someone else changed this customer meanwhile: reload and try again.";
        password_title: "设置新密码",
            "Choose a new password";
        password_hint: "当前密码为临时密码，请先设置新密码（至少12位）。",
            "Your password is temporary: choose a new one (12 characters or more) first.";
        current_password: "当前密码",
            "Current password";
        new_password: "新密码",
            "New password";
        admin_title: "员工管理",
            "Staff administration";
        role: "角色",
            "Role";
        create_staff: "新增员工",
            "Add staff member";
        disabled: "已停用",
            "disabled";
        locked_short: "已锁定",
            "locked";
        enable: "启用",
            "Enable";
        disable: "停用",
            "Disable";
        reset_password: "重置密码",
            "Reset password";
        temporary_password: "的临时密码（仅显示一次，首次登录须修改）",
            "temporary password (shown once; to be changed at the first login)";
        sessions_title: "在线会话与API令牌",
            "Live sessions and API tokens";
        end_session: "结束",
            "End";
        staff_changes_title: "待复核的员工变更",
            "Staff changes awaiting approval";
        staff_changes_hint: "开通登录、调整角色或机构、启用登录和重置密码须由另一名管理员批准后才生效；临时密码在批准时生成，仅向批准人显示一次。",
            "New logins, role or branch changes, enabling a login and password resets take effect only when another administrator approves them; a temporary password is made at approval and shown once, to the approver.";
        no_pending_changes: "没有待复核的变更。",
            "No staff changes await approval.";
        approve: "批准",
            "Approve";
        reject: "拒绝",
            "Reject";
        requested_by: "申请人",
            "Requested by";
        change_requested: "已提交，待另一名管理员批准",
            "Requested; waits for another administrator's approval";
        change_approved: "已批准并生效",
            "Approved and in effect";
        change_rejected: "已拒绝，未作任何变更",
            "Rejected; nothing was changed";
        api_token_once: "API令牌（仅显示一次）",
            "API token (shown once)";
        own_change: "这是您本人提交的变更，须由另一名管理员批准或拒绝。",
            "You requested this staff change: a different administrator must approve or reject it.";
    }
}

/// Labels of stored codes: (code, 中文, English).
const LABELS: &[(&str, &str, &str)] = &[
    ("individual", "个人", "Individual"),
    ("organisation", "对公", "Organisation"),
    ("create_login", "开通登录", "New login"),
    ("change_access", "调整角色或机构", "Role or branch change"),
    ("enable", "启用登录", "Enable login"),
    ("reset_password", "重置密码", "Password reset"),
    ("create_token", "创建API令牌", "New API token"),
    ("cli", "命令行", "command line"),
    ("prospect", "潜在客户", "Prospect"),
    ("male", "男", "Male"),
    ("female", "女", "Female"),
    ("household_member", "家庭成员", "Household member"),
    ("spouse", "配偶", "Spouse"),
    ("employer", "雇佣", "Employment"),
    ("corporate_group", "集团关联", "Corporate group"),
    ("guarantor", "担保", "Guarantor"),
    ("current_deposit", "活期存款", "Current deposit"),
    ("time_deposit", "定期存款", "Time deposit"),
    ("wealth_management", "理财产品", "Wealth management"),
    ("fund", "基金", "Fund"),
    ("insurance", "保险", "Insurance"),
    ("mortgage", "住房贷款", "Mortgage"),
    ("consumer_loan", "消费贷款", "Consumer loan"),
    ("business_loan", "经营贷款", "Business loan"),
    ("credit_card", "信用卡", "Credit card"),
    ("payroll", "代发工资", "Payroll"),
    ("active", "正常", "Active"),
    ("dormant", "睡眠", "Dormant"),
    ("frozen", "冻结", "Frozen"),
    ("closed", "已销户", "Closed"),
    ("core_banking", "核心系统", "Core banking"),
    ("card", "信用卡系统", "Card system"),
    ("internet_banking", "网上银行", "Internet banking"),
    ("call_center", "呼叫中心", "Call center"),
    ("rapport", "Rapport", "Rapport"),
    ("most_trusted", "最可信来源", "most trusted source"),
    ("most_recent", "最近更新", "most recent"),
    ("most_complete", "最完整", "most complete"),
    (
        "derived_from_resident_id",
        "由身份证号推得",
        "from the resident ID",
    ),
    ("home_branch", "归属网点", "Home branch"),
    ("birth_date", "出生日期", "Birth date"),
    ("resident_id", "身份证号", "Resident ID"),
    ("mobile", "手机号", "Mobile"),
    ("address", "地址", "Address"),
    ("gender", "性别", "Gender"),
    ("name", "姓名", "Name"),
    ("email", "电子邮箱", "E-mail"),
    ("kind", "客户类型", "Customer type"),
    ("uscc", "统一社会信用代码", "USCC"),
    ("rm", "客户经理", "Relationship manager"),
    ("branch_manager", "网点负责人", "Branch manager"),
    ("service_agent", "客服坐席", "Service agent"),
    ("data_steward", "数据管家", "Data steward"),
    ("marketing", "市场营销", "Marketing"),
    ("auditor", "审计", "Auditor"),
    ("admin", "系统管理员", "Administrator"),
    ("customer_callback", "客户回访", "Customer call-back"),
    ("kyc_review", "KYC复核", "KYC review"),
    ("complaint", "投诉处理", "Complaint"),
    ("other", "其他", "Other"),
    ("branch", "网点", "Branch"),
    ("phone", "电话", "Phone"),
    ("sms", "短信", "SMS"),
    ("wechat", "微信", "WeChat"),
    ("email", "电子邮件", "Email"),
    ("app", "手机银行App", "Mobile app"),
    ("branch_visit", "网点面谈", "Branch visit"),
    ("event", "客户活动", "Event"),
    ("proposed", "待处理", "Proposed"),
    ("contact", "接触", "Contact"),
    ("task", "任务", "Task"),
    ("alert", "预警", "Alert"),
    ("tier", "等级变化", "Tier change"),
    ("merge", "合并", "Merge"),
    ("unmerge", "拆分", "Unmerge"),
    ("open", "未完成", "Open"),
    ("done", "已完成", "Done"),
    ("high", "高", "High"),
    ("medium", "中", "Medium"),
    ("low", "低", "Low"),
    ("large_outflow", "大额资金流出", "Large outflow"),
    ("churn_risk", "流失风险", "Churn risk"),
    ("maturity", "到期提醒", "Maturity"),
    ("birthday", "生日提醒", "Birthday"),
    ("contact_due", "接触计划到期", "Contact due"),
    ("revisit_due", "新客户待回访", "Revisit due"),
    ("tier_upgrade", "等级升级", "Tier upgrade"),
    ("tier_downgrade", "等级降级", "Tier downgrade"),
    ("accepted", "已接受", "Accepted"),
    ("declined", "已拒绝", "Declined"),
    ("call", "电话联系", "Call"),
    ("visit", "拜访", "Visit"),
    ("revisit", "新客户回访", "New-customer revisit"),
    ("retention", "挽留", "Retention"),
    ("care", "客户关怀", "Care"),
    ("follow_up", "跟进", "Follow-up"),
    ("outbound", "呼出", "Outbound"),
    ("inbound", "呼入", "Inbound"),
    ("created", "建档", "Created"),
    ("mobile", "手机号", "Mobile"),
    ("address", "地址", "Address"),
    ("preferred_channel", "首选联系渠道", "Preferred channel"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_domain::{
        AccountStatus, Gender, PartyKind, ProductFamily, RelationshipKind, Role, SourceSystem,
    };
    use rapport_store::work::{Channel, Direction, TaskKind};

    #[test]
    fn every_code_has_both_labels() {
        let codes = ProductFamily::ALL
            .iter()
            .map(|x| x.as_str())
            .chain(PartyKind::ALL.iter().map(|x| x.as_str()))
            .chain(Gender::ALL.iter().map(|x| x.as_str()))
            .chain(RelationshipKind::ALL.iter().map(|x| x.as_str()))
            .chain(AccountStatus::ALL.iter().map(|x| x.as_str()))
            .chain(SourceSystem::ALL.iter().map(|x| x.as_str()))
            .chain(Role::ALL.iter().map(|x| x.as_str()))
            .chain(TaskKind::ALL.iter().map(|x| x.as_str()))
            .chain(Channel::ALL.iter().map(|x| x.as_str()))
            .chain(Direction::ALL.iter().map(|x| x.as_str()));
        for code in codes {
            assert!(
                LABELS.iter().any(|(c, _, _)| *c == code),
                "no label for {code}"
            );
        }
    }
}

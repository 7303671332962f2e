//! The UI's two languages. Every visible string of the pages is a field of [`Text`], so a
//! missing translation is a compile error, not a blank on screen.
use axum::http::request::Parts;
use rapport_domain::{Language, Reason};

use crate::auth::cookie;

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

    pub fn text(self) -> &'static Text {
        match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        }
    }

    /// A label for a stored code (product family, party kind, role …, and the scoring crate's
    /// tiers, lifecycle stages, CLV classes and RFM segments), falling back to the code.
    pub fn label(self, code: &str) -> &str {
        LABELS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, zh, en)| (*zh, *en))
            .or_else(|| scoring_label(code))
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

/// The scoring crate names its own classes; the pages use its words.
fn scoring_label(code: &str) -> Option<(&'static str, &'static str)> {
    use rapport_scoring::{ClvClass, Labelled, LifecycleStage, RfmSegment, Tier};
    fn pair(l: &dyn Labelled) -> (&'static str, &'static str) {
        (l.label_zh(), l.label_en())
    }
    code.parse::<Tier>()
        .ok()
        .map(|t| pair(&t))
        .or_else(|| code.parse::<LifecycleStage>().ok().map(|t| pair(&t)))
        .or_else(|| code.parse::<ClvClass>().ok().map(|t| pair(&t)))
        .or_else(|| code.parse::<RfmSegment>().ok().map(|t| pair(&t)))
}

pub struct Text {
    pub product: &'static str,
    pub switch_to: &'static str,
    pub switch_lang: &'static str,
    pub login_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub log_in: &'static str,
    pub log_out: &'static str,
    pub bad_credentials: &'static str,
    pub locked: &'static str,
    pub form_expired: &'static str,
    pub customers: &'static str,
    pub search_placeholder: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub no_results: &'static str,
    pub customer_number: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub mobile: &'static str,
    pub resident_id: &'static str,
    pub branch: &'static str,
    pub primary_rm: &'static str,
    pub latest_aum: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub profile: &'static str,
    pub gender: &'static str,
    pub birth_date: &'static str,
    pub uscc: &'static str,
    pub email: &'static str,
    pub address: &'static str,
    pub occupation: &'static str,
    pub income_band: &'static str,
    pub onboarded_on: &'static str,
    pub relationships: &'static str,
    pub relation: &'static str,
    pub since: &'static str,
    pub holdings: &'static str,
    pub account_number: &'static str,
    pub product_name: &'static str,
    pub balance: &'static str,
    pub limit: &'static str,
    pub opened_on: &'static str,
    pub matures_on: &'static str,
    pub status: &'static str,
    pub source_system: &'static str,
    pub aum_trend: &'static str,
    pub golden_sources: &'static str,
    pub aum: &'static str,
    pub total_assets: &'static str,
    pub total_liabilities: &'static str,
    pub relationship_managers: &'static str,
    pub primary: &'static str,
    pub secondary: &'static str,
    pub none: &'static str,
    pub masked_note: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub back_to_search: &'static str,
    pub employee_of: &'static str,
    pub employer_of: &'static str,
    pub audit_title: &'static str,
    pub audit_actor: &'static str,
    pub audit_customer: &'static str,
    pub audit_action: &'static str,
    pub audit_from: &'static str,
    pub audit_to: &'static str,
    pub audit_when: &'static str,
    pub audit_fields: &'static str,
    pub audit_reason: &'static str,
    pub audit_export: &'static str,
    pub unmask_title: &'static str,
    pub unmask_field: &'static str,
    pub unmask_reason: &'static str,
    pub unmask_reason_text: &'static str,
    pub unmask_submit: &'static str,
    pub unmask_note: &'static str,
    pub contact_title: &'static str,
    pub preferred_channel: &'static str,
    pub unchanged: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub history_title: &'static str,
    pub as_of: &'static str,
    pub show: &'static str,
    pub old_value: &'static str,
    pub new_value: &'static str,
    pub new_prospect: &'static str,
    pub stale: &'static str,
    pub password_title: &'static str,
    pub password_hint: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub admin_title: &'static str,
    pub role: &'static str,
    pub create_staff: &'static str,
    pub disabled: &'static str,
    pub locked_short: &'static str,
    pub enable: &'static str,
    pub disable: &'static str,
    pub reset_password: &'static str,
    pub temporary_password: &'static str,
    pub sessions_title: &'static str,
    pub end_session: &'static str,
    pub staff_changes_title: &'static str,
    pub staff_changes_hint: &'static str,
    pub no_pending_changes: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub requested_by: &'static str,
    pub change_requested: &'static str,
    pub change_approved: &'static str,
    pub change_rejected: &'static str,
    pub api_token_once: &'static str,
    pub own_change: &'static str,
}

pub static ZH: Text = Text {
    product: "Rapport 银行客户关系管理",
    switch_to: "English",
    switch_lang: "en",
    login_title: "员工登录",
    username: "用户名",
    password: "密码",
    log_in: "登录",
    log_out: "退出",
    bad_credentials: "用户名或密码错误。",
    locked: "登录失败次数过多，账户已暂时锁定，请稍后再试或联系管理员。",
    form_expired: "页面已过期，请重新提交。",
    customers: "客户",
    search_placeholder: "姓名、拼音、手机号后4位、身份证号、客户号或账号",
    search: "搜索",
    search_hint: "可按姓名（汉字或拼音、首字母）、手机号（全号或后4位）、身份证号、客户号、账号搜索。",
    no_results: "没有找到符合条件的客户。",
    customer_number: "客户号",
    name: "姓名/名称",
    kind: "类型",
    mobile: "手机号",
    resident_id: "身份证号",
    branch: "归属网点",
    primary_rm: "主办客户经理",
    latest_aum: "最近月末AUM",
    previous: "上一页",
    next: "下一页",
    page: "第{}页",
    profile: "基本信息",
    gender: "性别",
    birth_date: "出生日期",
    uscc: "统一社会信用代码",
    email: "电子邮箱",
    address: "地址",
    occupation: "职业",
    income_band: "年收入",
    onboarded_on: "开户日期",
    relationships: "关系",
    relation: "关系类型",
    since: "起始日期",
    holdings: "持有产品与账户",
    account_number: "账号/卡号",
    product_name: "产品",
    balance: "余额",
    limit: "额度",
    opened_on: "开立日期",
    matures_on: "到期日",
    status: "状态",
    source_system: "来源系统",
    aum_trend: "AUM 近24个月走势",
    golden_sources: "黄金记录：各字段来源",
    aum: "AUM（月末）",
    total_assets: "资产合计",
    total_liabilities: "负债合计",
    relationship_managers: "客户经理",
    primary: "主办",
    secondary: "协办",
    none: "无",
    masked_note: "已脱敏显示的字段：",
    not_found_title: "未找到",
    not_found_body: "该客户不存在，或不在您的数据权限范围内。",
    error_title: "出错了",
    back_to_search: "返回客户搜索",
    employee_of: "任职于",
    employer_of: "雇员",
    audit_title: "审计日志",
    audit_actor: "操作人",
    audit_customer: "客户ID",
    audit_action: "操作",
    audit_from: "起始日期",
    audit_to: "截止日期",
    audit_when: "时间",
    audit_fields: "明文显示字段",
    audit_reason: "原因",
    audit_export: "导出CSV",
    unmask_title: "查看明文",
    unmask_field: "字段",
    unmask_reason: "事由",
    unmask_reason_text: "说明（选“其他”时必填）",
    unmask_submit: "查看",
    unmask_note: "明文仅在本次页面显示，且会记录审计日志。",
    contact_title: "修改联系方式",
    preferred_channel: "首选联系渠道",
    unchanged: "不修改",
    save: "保存",
    saved: "已保存。",
    history_title: "变更历史",
    as_of: "查看历史时点",
    show: "查看",
    old_value: "原值",
    new_value: "新值",
    new_prospect: "新建潜在客户",
    stale: "该客户信息已被他人修改，请刷新后重试。",
    password_title: "设置新密码",
    password_hint: "当前密码为临时密码，请先设置新密码（至少12位）。",
    current_password: "当前密码",
    new_password: "新密码",
    admin_title: "员工管理",
    role: "角色",
    create_staff: "新增员工",
    disabled: "已停用",
    locked_short: "已锁定",
    enable: "启用",
    disable: "停用",
    reset_password: "重置密码",
    temporary_password: "的临时密码（仅显示一次，首次登录须修改）",
    sessions_title: "在线会话与API令牌",
    end_session: "结束",
    staff_changes_title: "待复核的员工变更",
    staff_changes_hint: "开通登录、调整角色或机构、启用登录和重置密码须由另一名管理员批准后才生效；临时密码在批准时生成，仅向批准人显示一次。",
    no_pending_changes: "没有待复核的变更。",
    approve: "批准",
    reject: "拒绝",
    requested_by: "申请人",
    change_requested: "已提交，待另一名管理员批准",
    change_approved: "已批准并生效",
    change_rejected: "已拒绝，未作任何变更",
    api_token_once: "API令牌（仅显示一次）",
    own_change: "这是您本人提交的变更，须由另一名管理员批准或拒绝。",
};

pub static EN: Text = Text {
    product: "Rapport Bank CRM",
    switch_to: "中文",
    switch_lang: "zh",
    login_title: "Staff login",
    username: "Username",
    password: "Password",
    log_in: "Log in",
    log_out: "Log out",
    bad_credentials: "Wrong username or password.",
    locked: "Too many failed logins: the account is locked for a while. Try later or ask an administrator.",
    form_expired: "The page expired; please submit again.",
    customers: "Customers",
    search_placeholder: "Name, pinyin, last 4 digits of mobile, resident ID, customer or account number",
    search: "Search",
    search_hint: "Search by name (hanzi, pinyin or initials), mobile (full or last 4 digits), resident ID, customer number or account number.",
    no_results: "No customer matches.",
    customer_number: "Customer no.",
    name: "Name",
    kind: "Type",
    mobile: "Mobile",
    resident_id: "Resident ID",
    branch: "Home branch",
    primary_rm: "Primary RM",
    latest_aum: "Latest month-end AUM",
    previous: "Previous",
    next: "Next",
    page: "Page {}",
    profile: "Profile",
    gender: "Gender",
    birth_date: "Date of birth",
    uscc: "Unified social credit code",
    email: "Email",
    address: "Address",
    occupation: "Occupation",
    income_band: "Annual income",
    onboarded_on: "Customer since",
    relationships: "Relationships",
    relation: "Relationship",
    since: "Since",
    holdings: "Holdings and accounts",
    account_number: "Account / card no.",
    product_name: "Product",
    balance: "Balance",
    limit: "Limit",
    opened_on: "Opened",
    matures_on: "Matures",
    status: "Status",
    source_system: "Source system",
    aum_trend: "AUM, last 24 months",
    golden_sources: "Golden record: source of each field",
    aum: "AUM (month-end)",
    total_assets: "Total assets",
    total_liabilities: "Total liabilities",
    relationship_managers: "Relationship managers",
    primary: "Primary",
    secondary: "Secondary",
    none: "None",
    masked_note: "Fields shown masked: ",
    not_found_title: "Not found",
    not_found_body: "This customer does not exist or is outside your data scope.",
    error_title: "Something went wrong",
    back_to_search: "Back to customer search",
    employee_of: "Works at",
    employer_of: "Employee",
    audit_title: "Audit trail",
    audit_actor: "Staff",
    audit_customer: "Customer id",
    audit_action: "Action",
    audit_from: "From",
    audit_to: "To",
    audit_when: "When",
    audit_fields: "Shown in clear",
    audit_reason: "Reason",
    audit_export: "Export CSV",
    unmask_title: "Show in clear",
    unmask_field: "Field",
    unmask_reason: "Reason",
    unmask_reason_text: "Explanation (required for “other”)",
    unmask_submit: "Show",
    unmask_note: "Shown for this page only, and recorded in the audit trail.",
    contact_title: "Change contact details",
    preferred_channel: "Preferred channel",
    unchanged: "unchanged",
    save: "Save",
    saved: "Saved.",
    history_title: "Change history",
    as_of: "As of",
    show: "Show",
    old_value: "Before",
    new_value: "After",
    new_prospect: "New prospect",
    stale: "Someone else changed this customer meanwhile: reload and try again.",
    password_title: "Choose a new password",
    password_hint: "Your password is temporary: choose a new one (12 characters or more) first.",
    current_password: "Current password",
    new_password: "New password",
    admin_title: "Staff administration",
    role: "Role",
    create_staff: "Add staff member",
    disabled: "disabled",
    locked_short: "locked",
    enable: "Enable",
    disable: "Disable",
    reset_password: "Reset password",
    temporary_password: "temporary password (shown once; to be changed at the first login)",
    sessions_title: "Live sessions and API tokens",
    end_session: "End",
    staff_changes_title: "Staff changes awaiting approval",
    staff_changes_hint: "New logins, role or branch changes, enabling a login and password resets take effect only when another administrator approves them; a temporary password is made at approval and shown once, to the approver.",
    no_pending_changes: "No staff changes await approval.",
    approve: "Approve",
    reject: "Reject",
    requested_by: "Requested by",
    change_requested: "Requested; waits for another administrator's approval",
    change_approved: "Approved and in effect",
    change_rejected: "Rejected; nothing was changed",
    api_token_once: "API token (shown once)",
    own_change: "You requested this staff change: a different administrator must approve or reject it.",
};

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

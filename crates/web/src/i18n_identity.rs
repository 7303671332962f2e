//! The identity pages' strings in both languages (kept apart from `i18n` so each stays short);
//! like [`crate::i18n::Text`], a missing translation is a compile error.
use crate::i18n::Lang;

pub struct IdText {
    pub reviews_title: &'static str,
    pub reviews_intro: &'static str,
    pub review_title: &'static str,
    pub probability: &'static str,
    pub weight: &'static str,
    pub level: &'static str,
    pub field: &'static str,
    pub record_a: &'static str,
    pub record_b: &'static str,
    pub status: &'static str,
    pub created_at: &'static str,
    pub open: &'static str,
    pub no_reviews: &'static str,
    pub note: &'static str,
    pub same_person: &'static str,
    pub different_people: &'static str,
    pub decided: &'static str,
    pub already_decided: &'static str,
    pub source_records: &'static str,
    pub source_key: &'static str,
    pub updated_on: &'static str,
    pub merge_history: &'static str,
    pub unmerge: &'static str,
    pub unmerge_reason: &'static str,
    pub undone: &'static str,
    pub other_customer: &'static str,
    pub reason: &'static str,
    pub by: &'static str,
    pub when: &'static str,
    pub customer: &'static str,
    pub source_system: &'static str,
    pub back_to_queue: &'static str,
    pub masked_note: &'static str,
}

pub static ZH: IdText = IdText {
    reviews_title: "待复核客户对",
    reviews_intro: "以下来源记录对可能属于同一客户，请逐一核对后判定。",
    review_title: "客户对复核",
    probability: "匹配概率",
    weight: "权重",
    level: "一致程度",
    field: "字段",
    record_a: "记录甲",
    record_b: "记录乙",
    status: "状态",
    created_at: "生成时间",
    open: "查看",
    no_reviews: "没有待复核的客户对。",
    note: "备注",
    same_person: "同一客户（合并）",
    different_people: "不同客户",
    decided: "已判定。",
    already_decided: "该客户对已被判定。",
    source_records: "来源记录",
    source_key: "来源主键",
    updated_on: "更新日期",
    merge_history: "合并历史",
    unmerge: "撤销合并",
    unmerge_reason: "撤销原因",
    undone: "已撤销",
    other_customer: "另一客户",
    reason: "原因",
    by: "操作人",
    when: "时间",
    customer: "客户",
    source_system: "来源系统",
    back_to_queue: "返回复核队列",
    masked_note: "按您的角色，以下字段已脱敏：",
};

pub static EN: IdText = IdText {
    reviews_title: "Pairs to review",
    reviews_intro: "These source records may belong to the same customer: compare each pair and decide.",
    review_title: "Review a pair",
    probability: "Probability",
    weight: "Weight",
    level: "Agreement",
    field: "Field",
    record_a: "Record A",
    record_b: "Record B",
    status: "Status",
    created_at: "Created",
    open: "Open",
    no_reviews: "No pairs to review.",
    note: "Note",
    same_person: "Same person (merge)",
    different_people: "Different people",
    decided: "Decision saved.",
    already_decided: "This pair has already been decided.",
    source_records: "Source records",
    source_key: "Source key",
    updated_on: "Updated",
    merge_history: "Merge history",
    unmerge: "Unmerge",
    unmerge_reason: "Reason for the unmerge",
    undone: "Undone",
    other_customer: "Other customer",
    reason: "Reason",
    by: "By",
    when: "When",
    customer: "Customer",
    source_system: "Source system",
    back_to_queue: "Back to the queue",
    masked_note: "Masked for your role: ",
};

/// Labels of the identity codes (review statuses, event kinds, compared fields).
const LABELS: &[(&str, &str, &str)] = &[
    ("pending", "待复核", "Pending"),
    ("approved", "已合并", "Approved"),
    ("rejected", "已分开", "Rejected"),
    ("superseded", "已失效", "Superseded"),
    ("merge", "合并", "Merge"),
    ("unmerge", "撤销合并", "Unmerge"),
    ("name", "姓名", "Name"),
    ("gender", "性别", "Gender"),
    ("birth_date", "出生日期", "Birth date"),
    ("resident_id", "身份证号", "Resident ID"),
    ("mobile", "手机号", "Mobile"),
    ("address", "地址", "Address"),
    ("email", "电子邮箱", "Email"),
    ("branch_code", "网点代码", "Branch code"),
];

impl Lang {
    pub fn id_text(self) -> &'static IdText {
        match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        }
    }

    /// A label for an identity code, falling back to the general labels.
    pub fn id_label(self, code: &str) -> &str {
        LABELS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, zh, en)| if self == Self::Zh { *zh } else { *en })
            .unwrap_or_else(|| self.label(code))
    }
}

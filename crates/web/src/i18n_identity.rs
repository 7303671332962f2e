//! The identity pages' strings in both languages (kept apart from `i18n` so each stays short);
//! like [`crate::i18n::Text`], a missing translation is a compile error.
use crate::i18n::Lang;

translations! {
    pub struct IdText {
        reviews_title: "待复核客户对",
            "Pairs to review";
        reviews_intro: "以下来源记录对可能属于同一客户，请逐一核对后判定。",
            "These source records may belong to the same customer: compare each pair and decide.";
        review_title: "客户对复核",
            "Review a pair";
        probability: "匹配概率",
            "Probability";
        weight: "权重",
            "Weight";
        level: "一致程度",
            "Agreement";
        field: "字段",
            "Field";
        record_a: "记录甲",
            "Record A";
        record_b: "记录乙",
            "Record B";
        status: "状态",
            "Status";
        created_at: "生成时间",
            "Created";
        open: "查看",
            "Open";
        no_reviews: "没有待复核的客户对。",
            "No pairs to review.";
        note: "备注",
            "Note";
        same_person: "同一客户（合并）",
            "Same person (merge)";
        different_people: "不同客户",
            "Different people";
        decided: "已判定。",
            "Decision saved.";
        already_decided: "该客户对已被判定。",
            "This pair has already been decided.";
        source_records: "来源记录",
            "Source records";
        source_key: "来源主键",
            "Source key";
        updated_on: "更新日期",
            "Updated";
        merge_history: "合并历史",
            "Merge history";
        unmerge: "撤销合并",
            "Unmerge";
        unmerge_reason: "撤销原因",
            "Reason for the unmerge";
        undone: "已撤销",
            "Undone";
        other_customer: "另一客户",
            "Other customer";
        reason: "原因",
            "Reason";
        by: "操作人",
            "By";
        when: "时间",
            "When";
        customer: "客户",
            "Customer";
        source_system: "来源系统",
            "Source system";
        back_to_queue: "返回复核队列",
            "Back to the queue";
        masked_note: "按您的角色，以下字段已脱敏：",
            "Masked for your role: ";
    }
}

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
    /// A label for an identity code, falling back to the general labels.
    pub fn id_label(self, code: &str) -> &str {
        LABELS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, zh, en)| if self == Self::Zh { *zh } else { *en })
            .unwrap_or_else(|| self.label(code))
    }
}

//! The segment pages' strings in both languages; like [`crate::i18n::Text`], a missing
//! translation is a compile error.
use crate::i18n::Lang;

pub struct SegText {
    pub segments: &'static str,
    pub intro: &'static str,
    pub name: &'static str,
    pub expression: &'static str,
    pub description: &'static str,
    pub members: &'static str,
    pub as_of: &'static str,
    pub created_by: &'static str,
    pub not_evaluated: &'static str,
    pub none: &'static str,
    pub create: &'static str,
    pub save: &'static str,
    pub delete: &'static str,
    pub columns_help: &'static str,
    pub example: &'static str,
    pub unavailable: &'static str,
    pub back: &'static str,
    pub definition: &'static str,
    pub no_members: &'static str,
    /// The 360 page's line of the customer's segments.
    pub in_segments: &'static str,
}

impl Lang {
    pub fn seg_text(self) -> &'static SegText {
        match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        }
    }
}

static ZH: SegText = SegText {
    segments: "客户细分",
    intro: "按客户特征定义的客户群：条件在数据仓库中计算，每次评分后重新计算；人数与名单仅含您权限范围内的客户。",
    name: "名称",
    expression: "条件",
    description: "说明",
    members: "客户数",
    as_of: "计算日期",
    created_by: "创建人",
    not_evaluated: "尚未计算",
    none: "还没有保存的细分。",
    create: "新建细分",
    save: "保存",
    delete: "删除",
    columns_help: "可用字段（金额单位为分，yuan(x) 即 x×100；可用比较、AND/OR/NOT、BETWEEN、IN、IS NULL 及 abs、coalesce、least、greatest、yuan）：",
    example: "例如",
    unavailable: "本服务器未连接数据仓库，暂不能新建细分。",
    back: "返回细分列表",
    definition: "定义",
    no_members: "您权限范围内没有该细分的客户。",
    in_segments: "所属细分",
};

static EN: SegText = SegText {
    segments: "Segments",
    intro: "Groups of customers defined by a condition over their features, evaluated in the warehouse and again after every scoring; counts and lists hold only the customers in your scope.",
    name: "Name",
    expression: "Condition",
    description: "Description",
    members: "Customers",
    as_of: "Evaluated as of",
    created_by: "Created by",
    not_evaluated: "not evaluated yet",
    none: "No saved segments yet.",
    create: "New segment",
    save: "Save",
    delete: "Delete",
    columns_help: "Columns you can use (money in fen, yuan(x) is x × 100; comparisons, AND/OR/NOT, BETWEEN, IN, IS NULL and abs, coalesce, least, greatest, yuan):",
    example: "For example",
    unavailable: "This server runs without the warehouse: segments cannot be created for now.",
    back: "Back to segments",
    definition: "Definition",
    no_members: "None of this segment's customers are in your scope.",
    in_segments: "Segments",
};

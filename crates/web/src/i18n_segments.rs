//! The segment pages' strings in both languages; like [`crate::i18n::Text`], a missing
//! translation is a compile error.

translations! {
    pub struct SegText {
        segments: "客户细分",
            "Segments";
        intro: "按客户特征定义的客户群：条件在数据仓库中计算，每次评分后重新计算；人数与名单仅含您权限范围内的客户。",
            "Groups of customers defined by a condition over their features, evaluated in the warehouse and again after every scoring; counts and lists hold only the customers in your scope.";
        name: "名称",
            "Name";
        expression: "条件",
            "Condition";
        description: "说明",
            "Description";
        members: "客户数",
            "Customers";
        as_of: "计算日期",
            "Evaluated as of";
        created_by: "创建人",
            "Created by";
        not_evaluated: "尚未计算",
            "not evaluated yet";
        none: "还没有保存的细分。",
            "No saved segments yet.";
        create: "新建细分",
            "New segment";
        save: "保存",
            "Save";
        delete: "删除",
            "Delete";
        columns_help: "可用字段（金额单位为分，yuan(x) 即 x×100；可用比较、AND/OR/NOT、BETWEEN、IN、IS NULL 及 abs、coalesce、least、greatest、yuan）：",
            "Columns you can use (money in fen, yuan(x) is x × 100; comparisons, AND/OR/NOT, BETWEEN, IN, IS NULL and abs, coalesce, least, greatest, yuan):";
        example: "例如",
            "For example";
        unavailable: "本服务器未连接数据仓库，暂不能新建细分。",
            "This server runs without the warehouse: segments cannot be created for now.";
        back: "返回细分列表",
            "Back to segments";
        definition: "定义",
            "Definition";
        no_members: "您权限范围内没有该细分的客户。",
            "None of this segment's customers are in your scope.";
        /// The 360 page's line of the customer's segments.
        in_segments: "所属细分",
            "Segments";
    }
}

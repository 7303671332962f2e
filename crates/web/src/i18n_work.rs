//! The workbench's strings in both languages; like [`crate::i18n::Text`], a missing
//! translation is a compile error.

translations! {
    pub struct WorkText {
        workbench: "客户经理工作台",
            "RM workbench";
        intro: "今日到期与逾期的任务、未来两周的任务；完成任务即记录一次客户接触。",
            "Tasks due today or overdue and the next two weeks' tasks; completing a task logs a contact with the customer.";
        today: "今天",
            "Today";
        due: "今日及逾期任务",
            "Due today and overdue";
        overdue: "逾期",
            "overdue";
        upcoming: "未来两周",
            "Next two weeks";
        none_due: "今天没有到期的任务。",
            "No tasks due today.";
        /// "{} in all": how many tasks a list holds, of which the page shows some.
        in_all: "共 {} 项",
            "{} in all";
        customer: "客户",
            "Customer";
        kind: "类型",
            "Kind";
        reason: "原因",
            "Reason";
        due_on: "到期日",
            "Due";
        channel: "渠道",
            "Channel";
        outcome: "结果",
            "Outcome";
        notes: "备注",
            "Notes";
        complete: "完成",
            "Complete";
        completed: "任务已完成，接触已记入客户时间线。",
            "Task completed; the contact is on the customer's timeline.";
        open_by_kind: "未完成任务（按类型）",
            "Open tasks by kind";
        timeline: "客户时间线",
            "Timeline";
        no_contacts: "暂无接触、任务、预警或等级变化。",
            "No contacts, tasks, alerts or tier changes yet.";
        tier_proposals: "客户等级调整",
            "Tier changes";
        tier_intro: "评分规则提出的等级升降（如连续 6 个月达到门槛即升级）。接受时可指定专属客户经理，即日起成为主办客户经理，原分配留作历史。",
            "Tier upgrades and downgrades the scoring rules proposed (e.g. six consecutive months above the threshold). Accepting can name a dedicated RM, who becomes the primary RM today; the previous assignment is kept as history.";
        tier_change: "等级变化",
            "Tier change";
        rule: "规则",
            "Rule";
        as_of: "评分日",
            "Scored on";
        primary_rm: "主办客户经理",
            "Primary RM";
        dedicated_rm: "专属客户经理",
            "Dedicated RM";
        keep_rm: "保持不变",
            "keep as is";
        accept: "接受",
            "Accept";
        decline: "拒绝",
            "Decline";
        decided: "已处理该等级调整。",
            "The tier change is decided.";
        no_proposals: "没有该状态的等级调整。",
            "No tier changes with this status.";
        status_label: "状态",
            "Status";
        portfolio: "我的客户组合",
            "My portfolio";
        scored_on: "评分日",
            "scored on";
        not_scored: "尚未评分：运行 rapport score 后这里显示客户等级、AUM 走势、流失风险与产品机会。",
            "Not scored yet: after rapport score this shows tiers, the AUM trend, churn risk and product opportunities.";
        by_tier: "按等级的客户数",
            "Customers by tier";
        customers: "客户数",
            "Customers";
        aum_trend: "AUM 近12个月走势",
            "AUM, last 12 months";
        at_risk: "流失风险最高的客户",
            "Customers most at risk of leaving";
        none_at_risk: "暂无流失风险评分。",
            "No churn-risk scores yet.";
        tier: "等级",
            "Tier";
        churn_risk: "流失风险",
            "Churn risk";
        opportunities: "产品推荐机会",
            "Next-product opportunities";
        no_opportunities: "暂无产品推荐。",
            "No product recommendations yet.";
        product: "产品",
            "Product";
        propensity: "购买倾向",
            "Propensity";
        assign_rm: "分配客户经理",
            "Assign RM";
        end_rm: "解除",
            "End";
        scorecards: "客户经理考核",
            "RM scorecards";
        scorecards_intro: "按月统计每位客户经理的业绩：AUM 增长、净新增客户、新开产品、任务完成率、预警客户的保有率；按 AUM 增长排名。客户经理看自己的，支行行长看本支行及下辖网点的客户经理。",
            "Each RM's results by whole months: AUM growth, net new customers, products sold, task completion and retention of warned customers, ranked by AUM growth. RMs see their own; branch managers the RMs of their branch and the branches under it.";
        from_month: "起始月",
            "From";
        to_month: "截止月",
            "To";
        show: "查看",
            "Show";
        no_rms: "没有可查看的客户经理。",
            "No RMs to show.";
        rm: "客户经理",
            "RM";
        aum_growth: "AUM 增长",
            "AUM growth";
        net_new: "净新增客户",
            "Net new customers";
        products_sold: "新开产品",
            "Products sold";
        task_completion: "任务完成率",
            "Task completion";
        retention: "预警客户保有率",
            "Retention of warned customers";
    }
}

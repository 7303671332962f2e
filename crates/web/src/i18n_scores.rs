//! The scoring pages' strings in both languages (the dashboard and the 360 page's scores);
//! like [`crate::i18n::Text`], a missing translation is a compile error.

translations! {
    pub struct ScoreText {
        dashboard: "客户价值分析",
            "Customer value";
        dashboard_intro: "最近一次评分的客户分层、二八分析、流失风险与生命周期，仅含您权限范围内的客户。",
            "Tiers, the 80/20 analysis, churn risk and lifecycle of the latest scoring, for the customers in your scope only.";
        as_of: "评分日期",
            "Scored as of";
        not_scored: "尚未评分：请运行 rapport score。",
            "Not scored yet: run rapport score.";
        customers: "客户数",
            "Customers";
        tiers: "客户分层",
            "Tiers";
        pareto: "二八分析（帕累托曲线）",
            "80/20 analysis (Pareto curve)";
        pareto_note: "按贡献从高到低排列客户，前 x% 客户贡献的份额。",
            "Customers ranked by contribution, highest first: the share brought by the top x%.";
        pareto_profit: "利润",
            "Profit";
        pareto_aum: "资产规模",
            "AUM";
        top_customers: "前百分比客户",
            "Top % of customers";
        churn_risk: "流失风险分布",
            "Churn risk";
        /// Shown instead of a churn probability when the run had no model.
        rules_only: "无模型概率（历史不足，仅按规则预警）",
            "no model probability (too little history: rule warnings only)";
        lifecycle: "生命周期",
            "Lifecycle";
        clv_classes: "客户终身价值分类",
            "Lifetime value classes";
        branches: "各网点",
            "Branches";
        branch: "网点",
            "Branch";
        aum: "资产规模(AUM)",
            "AUM";
        profit: "年化利润估计",
            "Estimated annual profit";
        filter_branch: "网点编号",
            "Branch id";
        apply: "查看",
            "Show";
        scores: "客户价值与风险",
            "Value and risk";
        value_score: "价值评分",
            "Value score";
        tier: "客户层级",
            "Tier";
        rfm: "RFM 细分",
            "RFM segment";
        clv: "客户终身价值(CLV)",
            "Lifetime value (CLV)";
        p_alive: "活跃概率",
            "P(alive)";
        credit_rating: "内部信用评级",
            "Internal credit rating";
        next_products: "推荐产品",
            "Next best products";
        reasons: "原因",
            "Reasons";
        part: "构成",
            "Part";
        input: "输入",
            "Input";
        points: "得分",
            "Points";
        alerts: "预警",
            "Alerts";
        model_version: "模型版本",
            "Model version";
        history: "评分历史",
            "Score history";
        financial: "财务贡献",
            "Financial contribution";
        loyalty: "忠诚度",
            "Loyalty";
        credit: "信用状况",
            "Credit";
        risk: "风险",
            "Risk";
    }
}

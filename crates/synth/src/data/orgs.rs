//! Words for organisation names (字号 + industry + legal form).

/// Characters combined in pairs into a trade name (字号) such as 恒信 or 鼎盛.
pub const TRADE_CHARS: &[&str] = &[
    "恒", "信", "华", "永", "泰", "鼎", "盛", "瑞", "丰", "宏", "达", "金", "源", "天", "成", "博",
    "远", "中", "联", "嘉", "禾", "润", "德", "昌", "隆", "兴", "新", "宇", "诚", "通", "广", "利",
    "安", "祥", "和", "锦", "益", "圣", "辉", "明", "卓", "越", "创", "领", "航", "银", "海", "峰",
    "凯", "旭", "星", "光", "元", "亿", "万", "鑫", "福", "运", "东", "升",
];

/// Industries with their English rendering.
pub const INDUSTRIES: &[(&str, &str)] = &[
    ("贸易", "Trading"),
    ("科技", "Technology"),
    ("实业", "Industrial"),
    ("建设工程", "Construction"),
    ("食品", "Food"),
    ("物流", "Logistics"),
    ("电子", "Electronics"),
    ("医药", "Pharmaceutical"),
    ("服装", "Garment"),
    ("机械制造", "Machinery"),
    ("文化传媒", "Media"),
    ("餐饮管理", "Catering"),
    ("信息技术", "IT"),
    ("环保科技", "Environmental"),
    ("新材料", "New Materials"),
];

/// Legal forms with relative weights.
pub const LEGAL_FORMS: &[(&str, u32)] =
    &[("有限公司", 80), ("股份有限公司", 12), ("有限责任公司", 8)];

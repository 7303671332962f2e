//! How the bank classes a customer (R3.3–R3.9): value tier, lifecycle stage, CLV class, RFM
//! segment and internal credit grade. Each is a closed set with a stable storage name
//! (`as_str`) and a label in both languages; scoring decides them, the store keeps them,
//! the pages show their labels.

/// Labels of a class for people: 中文 and English.
pub trait Labelled {
    fn label_zh(&self) -> &'static str;
    fn label_en(&self) -> &'static str;
}

/// Implements [`Labelled`] from a table of `Variant => ("中文", "English")`.
#[macro_export]
macro_rules! labels {
    ($ty:ty { $($variant:ident => ($zh:literal, $en:literal)),+ $(,)? }) => {
        impl $crate::classes::Labelled for $ty {
            fn label_zh(&self) -> &'static str {
                match self { $(Self::$variant => $zh),+ }
            }
            fn label_en(&self) -> &'static str {
                match self { $(Self::$variant => $en),+ }
            }
        }
    };
}

string_enum! {
    /// Value tiers by month-end AUM, lowest first, so that `Ord` ranks tiers.
    pub enum Tier {
        Ordinary => "ordinary",
        Gold => "gold",
        Platinum => "platinum",
        Diamond => "diamond",
        PrivateBanking => "private_banking",
    }
}

labels!(Tier {
    Ordinary => ("普通", "Ordinary"),
    Gold => ("金卡", "Gold"),
    Platinum => ("白金", "Platinum"),
    Diamond => ("钻石", "Diamond"),
    PrivateBanking => ("私人银行", "Private banking"),
});

impl Tier {
    /// Tiers whose customers get a dedicated relationship manager (专属客户经理).
    pub fn has_dedicated_rm(self) -> bool {
        matches!(self, Tier::Diamond | Tier::PrivateBanking)
    }
}

string_enum! {
    /// Lifecycle stage (客户生命周期).
    pub enum LifecycleStage {
        Prospect => "prospect",
        New => "new",
        Growing => "growing",
        Mature => "mature",
        Declining => "declining",
        Churned => "churned",
    }
}

labels!(LifecycleStage {
    Prospect => ("潜在客户", "Prospect"),
    New => ("新客户", "New"),
    Growing => ("成长期", "Growing"),
    Mature => ("成熟期", "Mature"),
    Declining => ("衰退期", "Declining"),
    Churned => ("流失", "Churned"),
});

string_enum! {
    /// Future value (CLV) against current value.
    pub enum ClvClass {
        /// High CLV, high current value.
        Vip => "vip",
        /// High CLV, low current value: worth developing (改进型).
        Growth => "growth",
        /// Low CLV, high current value: keep at low cost (维持型).
        Maintenance => "maintenance",
        /// Low on both (放弃型).
        LowValue => "low_value",
    }
}

labels!(ClvClass {
    Vip => ("VIP客户", "VIP"),
    Growth => ("改进型客户", "Growth"),
    Maintenance => ("维持型客户", "Maintenance"),
    LowValue => ("放弃型客户", "Low value"),
});

string_enum! {
    /// The eight classic RFM segments, by high or low recency, frequency and money.
    pub enum RfmSegment {
        ImportantValue => "important_value",
        ImportantDevelop => "important_develop",
        ImportantKeep => "important_keep",
        ImportantRetain => "important_retain",
        GeneralValue => "general_value",
        GeneralDevelop => "general_develop",
        GeneralKeep => "general_keep",
        GeneralRetain => "general_retain",
    }
}

labels!(RfmSegment {
    ImportantValue => ("重要价值客户", "Important value"),
    ImportantDevelop => ("重要发展客户", "Important to develop"),
    ImportantKeep => ("重要保持客户", "Important to keep"),
    ImportantRetain => ("重要挽留客户", "Important to win back"),
    GeneralValue => ("一般价值客户", "General value"),
    GeneralDevelop => ("一般发展客户", "General to develop"),
    GeneralKeep => ("一般保持客户", "General to keep"),
    GeneralRetain => ("一般挽留客户", "General to win back"),
});

impl RfmSegment {
    /// The segment of high (`true`) or low recency, frequency and monetary value. High
    /// recency means a recent last transaction.
    pub fn of(recent: bool, frequent: bool, monetary: bool) -> Self {
        match (recent, frequent, monetary) {
            (true, true, true) => Self::ImportantValue,
            (true, false, true) => Self::ImportantDevelop,
            (false, true, true) => Self::ImportantKeep,
            (false, false, true) => Self::ImportantRetain,
            (true, true, false) => Self::GeneralValue,
            (true, false, false) => Self::GeneralDevelop,
            (false, true, false) => Self::GeneralKeep,
            (false, false, false) => Self::GeneralRetain,
        }
    }
}

string_enum! {
    /// Internal credit rating, best first.
    pub enum CreditGrade {
        Aaa => "AAA",
        Aa => "AA",
        A => "A",
        Bbb => "BBB",
        Bb => "BB",
        B => "B",
        Ccc => "CCC",
        Cc => "CC",
        C => "C",
    }
}

labels!(CreditGrade {
    Aaa => ("AAA 极好", "AAA excellent"),
    Aa => ("AA 很好", "AA very good"),
    A => ("A 良好", "A good"),
    Bbb => ("BBB 较好", "BBB adequate"),
    Bb => ("BB 一般", "BB fair"),
    B => ("B 关注", "B watch"),
    Ccc => ("CCC 较差", "CCC weak"),
    Cc => ("CC 差", "CC poor"),
    C => ("C 很差", "C very poor"),
});

/// The labels of whichever class `code` is the storage name of (tiers, lifecycle stages, CLV
/// classes, RFM segments), for pages that show a stored code. Credit grades are left out: their
/// names (`A`, `B`, `C`) are too short to be told from other codes.
pub fn class_label(code: &str) -> Option<(&'static str, &'static str)> {
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

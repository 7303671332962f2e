//! Why an alert was raised or a task made, as data: the rule that fired and its numbers.
//!
//! Alerts and tasks keep both this and its English text. The text serves the API and rows
//! written before reasons were data; the pages read the data out in the viewer's language,
//! so a 中文 workbench does not show English sentences.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The language a reason is read out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Zh,
    En,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// A deposit or wealth product matures soon (到期提醒).
    Maturity {
        /// The product family's code (`time_deposit` …).
        family: String,
        matures_on: NaiveDate,
        days: i64,
        balance_minor: i64,
    },
    Birthday {
        on: NaiveDate,
        lunar: bool,
    },
    /// The contact plan's cadence has passed since the last contact (or since onboarding).
    ContactDue {
        cadence_days: u32,
        /// The bank's day of the last contact; `None`: never contacted, counted from onboarding.
        last_contact: Option<NaiveDate>,
        onboarded_on: NaiveDate,
        due: NaiveDate,
    },
    /// A new customer not contacted yet (R7.2).
    Revisit {
        onboarded_on: NaiveDate,
        due: NaiveDate,
    },
    /// The churn warnings that fired, most urgent first.
    Churn {
        signals: Vec<ChurnSignal>,
    },
    TierUpgrade {
        /// Tier codes (`gold` …).
        from: String,
        to: String,
        months: u32,
        threshold_minor: i64,
        lowest_minor: i64,
    },
    TierDowngrade {
        from: String,
        to: String,
        months: u32,
        threshold_minor: i64,
        highest_minor: i64,
    },
}

/// One churn early-warning rule that fired (流失预警), with what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ChurnSignal {
    BalanceDrop {
        percent: u32,
        before_minor: i64,
        now_minor: i64,
    },
    SustainedDecline {
        percent: u32,
        months: u32,
        then_minor: i64,
        now_minor: i64,
    },
    SpendDrop {
        percent: u32,
        now_minor: i64,
        /// A month's spending on average over the three months before.
        before_minor: i64,
    },
    TransactionDrop {
        percent: u32,
        /// Transactions in the last three months, and in the three before.
        now: u32,
        before: u32,
    },
    AumOutflow {
        months: u32,
        then_minor: i64,
        now_minor: i64,
    },
    Dormancy {
        /// `None`: no transaction in the warehouse's window at all.
        days: Option<u32>,
        aum_minor: i64,
    },
    Model {
        percent: u32,
        alert_percent: u32,
        /// The input that raised the probability most, if the model says.
        driver: Option<ModelDriver>,
    },
}

/// What the churn model's probability is the probability of (issue 23): the event, stored with
/// each score so that the 360 page says what the number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnDefinition {
    pub horizon_months: u32,
    /// The AUM event: a fall of more than this percentage of the AUM at scoring…
    pub aum_fall_percent: u32,
    /// …to below this level.
    pub aum_floor_minor: i64,
}

impl ChurnDefinition {
    pub fn describe(&self, lang: Language) -> String {
        text::churn_definition(lang, self)
    }
}

/// A model input in words a person reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum ModelDriver {
    /// An amount (a `log_*` input back in money): `what` is the feature's name without `log_`.
    Amount { what: String, minor: i64 },
    /// Holds (or not) a product family (a `holds_*` input).
    Holds { family: String, holds: bool },
    /// Any other input, in hundredths.
    Value { name: String, hundredths: i64 },
}

/// A share as a whole percentage, rounded.
pub fn percent(share: f64) -> u32 {
    (share * 100.0).round().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// Whole yuan with thousands separators: an RM reads 4,314,619 at a glance, not 4314619.
fn money(minor: i64, lang: Language) -> String {
    let yuan = (minor as f64 / 100.0).round() as i64;
    let digits = yuan.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if yuan < 0 {
        grouped.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    match lang {
        Language::Zh => format!("{grouped} 元"),
        Language::En => format!("{grouped} yuan"),
    }
}

impl Reason {
    /// The reason in `lang`; `label` names a stored code (product family, tier, feature) in
    /// that language.
    pub fn describe(&self, lang: Language, label: &dyn Fn(&str) -> String) -> String {
        match self {
            Self::Maturity {
                family,
                matures_on,
                days,
                balance_minor,
            } => text::maturity(lang, &label(family), *matures_on, *days, *balance_minor),
            Self::Birthday { on, lunar } => text::birthday(lang, *on, *lunar),
            Self::ContactDue {
                cadence_days,
                last_contact,
                onboarded_on,
                due,
            } => text::contact_due(lang, *cadence_days, *last_contact, *onboarded_on, *due),
            Self::Revisit { onboarded_on, due } => text::revisit(lang, *onboarded_on, *due),
            Self::Churn { signals } => {
                let parts: Vec<String> = signals.iter().map(|s| s.describe(lang, label)).collect();
                parts.join(if lang == Language::Zh { "；" } else { "; " })
            }
            Self::TierUpgrade {
                from,
                to,
                months,
                threshold_minor,
                lowest_minor,
            } => text::tier_upgrade(
                lang,
                (&label(from), &label(to)),
                *months,
                *threshold_minor,
                *lowest_minor,
            ),
            Self::TierDowngrade {
                from,
                to,
                months,
                threshold_minor,
                highest_minor,
            } => text::tier_downgrade(
                lang,
                (&label(from), &label(to)),
                *months,
                *threshold_minor,
                *highest_minor,
            ),
        }
    }

    /// In English with stored codes for names: the text kept beside the data.
    pub fn english(&self) -> String {
        self.describe(Language::En, &|code| code.to_owned())
    }
}

impl ChurnSignal {
    pub fn describe(&self, lang: Language, label: &dyn Fn(&str) -> String) -> String {
        match self {
            Self::BalanceDrop {
                percent,
                before_minor,
                now_minor,
            } => text::balance_drop(lang, *percent, *before_minor, *now_minor),
            Self::SustainedDecline {
                percent,
                months,
                then_minor,
                now_minor,
            } => text::sustained_decline(lang, *percent, *months, *then_minor, *now_minor),
            Self::SpendDrop {
                percent,
                now_minor,
                before_minor,
            } => text::spend_drop(lang, *percent, *now_minor, *before_minor),
            Self::TransactionDrop {
                percent,
                now,
                before,
            } => text::transaction_drop(lang, *percent, *now, *before),
            Self::AumOutflow {
                months,
                then_minor,
                now_minor,
            } => text::aum_outflow(lang, *months, *then_minor, *now_minor),
            Self::Dormancy { days, aum_minor } => text::dormancy(lang, *days, *aum_minor),
            Self::Model {
                percent,
                alert_percent,
                driver,
            } => {
                let driver = driver.as_ref().map(|d| d.describe(lang, label));
                text::churn_model(lang, *percent, *alert_percent, driver)
            }
        }
    }

    pub fn english(&self) -> String {
        self.describe(Language::En, &|code| code.to_owned())
    }
}

impl ModelDriver {
    /// From a model input's name and value: `log_*` inputs are ln(1 + yuan).
    pub fn of_input(name: &str, value: f64) -> Self {
        if let Some(what) = name.strip_prefix("log_") {
            Self::Amount {
                what: what.to_owned(),
                minor: (value.exp_m1() * 100.0).round() as i64,
            }
        } else if let Some(family) = name.strip_prefix("holds_") {
            Self::Holds {
                family: family.to_owned(),
                holds: value > 0.5,
            }
        } else {
            Self::Value {
                name: name.to_owned(),
                hundredths: (value * 100.0).round() as i64,
            }
        }
    }

    pub fn describe(&self, lang: Language, label: &dyn Fn(&str) -> String) -> String {
        let zh = lang == Language::Zh;
        match self {
            Self::Amount { what, minor } => format!("{} {}", label(what), money(*minor, lang)),
            Self::Holds { family, holds } => match (zh, holds) {
                (true, true) => format!("持有{}", label(family)),
                (true, false) => format!("未持有{}", label(family)),
                (false, true) => format!("holds {}", label(family)),
                (false, false) => format!("does not hold {}", label(family)),
            },
            Self::Value { name, hundredths } => {
                format!("{} = {:.2}", label(name), *hundredths as f64 / 100.0)
            }
        }
    }
}

/// The sentences, one function per reason or signal, in both languages; names (product
/// families, tiers, model drivers) arrive already labelled in the reader's language.
mod text {
    use super::{ChurnDefinition, Language, money};
    use chrono::NaiveDate;

    pub(super) fn churn_definition(lang: Language, d: &ChurnDefinition) -> String {
        let (months, share) = (d.horizon_months, d.aum_fall_percent);
        let floor = money(d.aum_floor_minor, lang);
        match lang {
            Language::Zh => format!(
                "未来 {months} 个月内销户（不再持有任何账户），或资产较评分时下降超过 {share}% 且低于 {floor}的概率"
            ),
            Language::En => format!(
                "the probability of closing every account, or of AUM falling by more than {share}% to below {floor}, within {months} months"
            ),
        }
    }

    pub(super) fn maturity(
        lang: Language,
        family: &str,
        matures_on: NaiveDate,
        days: i64,
        balance_minor: i64,
    ) -> String {
        let balance = money(balance_minor, lang);
        match lang {
            Language::Zh => format!("{family}于 {matures_on} 到期（{days} 天后），金额 {balance}"),
            Language::En => {
                format!("{family} matures on {matures_on} (in {days} days) with {balance}")
            }
        }
    }

    pub(super) fn birthday(lang: Language, on: NaiveDate, lunar: bool) -> String {
        match (lang, lunar) {
            (Language::Zh, true) => format!("{on} 生日（农历）"),
            (Language::Zh, false) => format!("{on} 生日（公历）"),
            (Language::En, true) => format!("birthday on {on} (lunar calendar)"),
            (Language::En, false) => format!("birthday on {on} (solar calendar)"),
        }
    }

    pub(super) fn contact_due(
        lang: Language,
        cadence_days: u32,
        last_contact: Option<NaiveDate>,
        onboarded_on: NaiveDate,
        due: NaiveDate,
    ) -> String {
        match (lang, last_contact) {
            (Language::Zh, Some(last)) => {
                format!("接触计划每 {cadence_days} 天一次：上次接触 {last}，应于 {due} 接触")
            }
            (Language::Zh, None) => format!(
                "接触计划每 {cadence_days} 天一次：自 {onboarded_on} 开户以来从未接触，应于 {due} 接触"
            ),
            (Language::En, Some(last)) => {
                format!("contact plan every {cadence_days} days: last contact {last}, due {due}")
            }
            (Language::En, None) => format!(
                "contact plan every {cadence_days} days: never contacted since onboarding on \
                 {onboarded_on}, due {due}"
            ),
        }
    }

    pub(super) fn revisit(lang: Language, onboarded_on: NaiveDate, due: NaiveDate) -> String {
        match lang {
            Language::Zh => format!("{onboarded_on} 新开户客户，尚未接触：应于 {due} 前回访"),
            Language::En => format!(
                "new customer since {onboarded_on}: revisit due by {due} (not contacted yet)"
            ),
        }
    }

    /// `lowest_minor`: the lowest of the month-ends that stayed at or above the threshold.
    pub(super) fn tier_upgrade(
        lang: Language,
        (from, to): (&str, &str),
        months: u32,
        threshold_minor: i64,
        lowest_minor: i64,
    ) -> String {
        let (threshold, lowest) = (money(threshold_minor, lang), money(lowest_minor, lang));
        match lang {
            Language::Zh => format!(
                "升级：{from} → {to}，连续 {months} 个月末资产不低于{to}门槛 {threshold}（最低 {lowest}）"
            ),
            Language::En => format!(
                "upgrade {from} → {to}: {months} consecutive month-ends at or above the {to} \
                 threshold of {threshold} (lowest {lowest})"
            ),
        }
    }

    /// `highest_minor`: the highest of the month-ends that stayed below the threshold.
    pub(super) fn tier_downgrade(
        lang: Language,
        (from, to): (&str, &str),
        months: u32,
        threshold_minor: i64,
        highest_minor: i64,
    ) -> String {
        let (threshold, highest) = (money(threshold_minor, lang), money(highest_minor, lang));
        match lang {
            Language::Zh => format!(
                "降级：{from} → {to}，连续 {months} 个月末资产低于{from}门槛 {threshold}（最高 {highest}）"
            ),
            Language::En => format!(
                "downgrade {from} → {to}: {months} consecutive month-ends below the {from} \
                 threshold of {threshold} (highest {highest})"
            ),
        }
    }

    pub(super) fn balance_drop(
        lang: Language,
        percent: u32,
        before_minor: i64,
        now_minor: i64,
    ) -> String {
        let (before, now) = (money(before_minor, lang), money(now_minor, lang));
        match lang {
            Language::Zh => format!("资产一个月下降 {percent}%（{before} → {now}）"),
            Language::En => format!("AUM fell {percent} % in a month ({before} → {now})"),
        }
    }

    pub(super) fn sustained_decline(
        lang: Language,
        percent: u32,
        months: u32,
        then_minor: i64,
        now_minor: i64,
    ) -> String {
        let (then, now) = (money(then_minor, lang), money(now_minor, lang));
        match lang {
            Language::Zh => format!("资产 {months} 个月下降 {percent}%（{then} → {now}）"),
            Language::En => format!("AUM fell {percent} % over {months} months ({then} → {now})"),
        }
    }

    pub(super) fn spend_drop(
        lang: Language,
        percent: u32,
        now_minor: i64,
        before_minor: i64,
    ) -> String {
        let (now, before) = (money(now_minor, lang), money(before_minor, lang));
        match lang {
            Language::Zh => format!("消费下降 {percent}%：本月 {now}，此前三个月月均 {before}"),
            Language::En => format!(
                "spending fell {percent} %: {now} this month against {before} a month over the \
                 3 before"
            ),
        }
    }

    pub(super) fn transaction_drop(lang: Language, percent: u32, now: u32, before: u32) -> String {
        match lang {
            Language::Zh => {
                format!("交易笔数下降 {percent}%：近三个月 {now} 笔，此前三个月 {before} 笔")
            }
            Language::En => format!(
                "transactions fell {percent} %: {now} in the last 3 months against {before} in \
                 the 3 before"
            ),
        }
    }

    pub(super) fn aum_outflow(
        lang: Language,
        months: u32,
        then_minor: i64,
        now_minor: i64,
    ) -> String {
        let out = money(then_minor.saturating_sub(now_minor), lang);
        let (then, now) = (money(then_minor, lang), money(now_minor, lang));
        match lang {
            Language::Zh => format!("{months} 个月内资产流出 {out}（{then} → {now}）"),
            Language::En => format!("{out} of AUM left over {months} months ({then} → {now})"),
        }
    }

    /// `days`: `None` when the warehouse's window holds no transaction at all.
    pub(super) fn dormancy(lang: Language, days: Option<u32>, aum_minor: i64) -> String {
        let aum = money(aum_minor, lang);
        match (lang, days) {
            (Language::Zh, Some(d)) => format!("{d} 天无交易，资产 {aum}"),
            (Language::Zh, None) => format!("数据仓库期间内无交易，资产 {aum}"),
            (Language::En, Some(d)) => format!("no transaction for {d} days while holding {aum}"),
            (Language::En, None) => {
                format!("no transaction in the warehouse's window while holding {aum}")
            }
        }
    }

    /// `driver`: the input that raised the probability most, already in words.
    pub(super) fn churn_model(
        lang: Language,
        percent: u32,
        alert_percent: u32,
        driver: Option<String>,
    ) -> String {
        match (lang, driver) {
            (Language::Zh, Some(d)) => {
                format!("流失模型：概率 {percent}%（{alert_percent}% 起预警），主要因素：{d}")
            }
            (Language::Zh, None) => format!("流失模型：概率 {percent}%（{alert_percent}% 起预警）"),
            (Language::En, Some(d)) => format!(
                "churn model: probability {percent} % (alert from {alert_percent} %), mostly \
                 from {d}"
            ),
            (Language::En, None) => {
                format!("churn model: probability {percent} % (alert from {alert_percent} %)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_reason_reads_the_same_numbers_in_both_languages() {
        let r = Reason::Maturity {
            family: "time_deposit".into(),
            matures_on: d(2026, 7, 10),
            days: 9,
            balance_minor: 5_000_000,
        };
        let label = |c: &str| {
            if c == "time_deposit" {
                "定期存款".to_owned()
            } else {
                c.to_owned()
            }
        };
        assert_eq!(
            r.describe(Language::Zh, &label),
            "定期存款于 2026-07-10 到期（9 天后），金额 50,000 元"
        );
        assert_eq!(
            r.english(),
            "time_deposit matures on 2026-07-10 (in 9 days) with 50,000 yuan"
        );
    }

    #[test]
    fn money_is_whole_yuan_in_groups_of_three() {
        assert_eq!(money(0, Language::En), "0 yuan");
        assert_eq!(money(99_999, Language::En), "1,000 yuan");
        assert_eq!(money(431_461_900, Language::Zh), "4,314,619 元");
        assert_eq!(money(-12_345_678, Language::En), "-123,457 yuan");
    }

    #[test]
    fn reasons_keep_their_data_through_json() {
        let r = Reason::Churn {
            signals: vec![
                ChurnSignal::Dormancy {
                    days: None,
                    aum_minor: 1,
                },
                ChurnSignal::Model {
                    percent: 71,
                    alert_percent: 60,
                    driver: Some(ModelDriver::of_input("holds_wealth_management", 0.0)),
                },
            ],
        };
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""code":"churn""#), "{json}");
        assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), r);
        assert!(
            r.english()
                .ends_with("mostly from does not hold wealth_management")
        );
    }

    #[test]
    fn log_inputs_are_read_back_as_money() {
        let d = ModelDriver::of_input("log_aum_m0", (1234.0f64 + 1.0).ln());
        assert_eq!(
            d,
            ModelDriver::Amount {
                what: "aum_m0".into(),
                minor: 123_400
            }
        );
        assert_eq!(percent(0.456), 46);
        assert_eq!(percent(-1.0), 0);
    }
}

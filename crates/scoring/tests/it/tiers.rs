use rapport_scoring::{Labelled, MONTHS, Tier, TierChange, TierConfig, decide_tier};

const YUAN: i64 = 100;

/// AUM history (index 0 = as-of) with `months` month-ends at `high` and the rest at `low`.
fn run(months: usize, high: i64, low: i64) -> [i64; MONTHS] {
    std::array::from_fn(|i| if i < months { high } else { low })
}

#[test]
fn upgrade_fires_only_on_the_sixth_consecutive_month() {
    let cfg = TierConfig::default();
    let (diamond, gold) = (2_500_000 * YUAN, 60_000 * YUAN);
    let five = decide_tier(Some(Tier::Gold), &run(5, diamond, gold), &cfg);
    assert_eq!(five.tier, Tier::Gold, "{}", five.rule);
    assert_eq!(five.change, None);
    assert!(five.rule.contains("5 of 6"), "{}", five.rule);
    let six = decide_tier(Some(Tier::Gold), &run(6, diamond, gold), &cfg);
    assert_eq!(six.tier, Tier::Diamond, "{}", six.rule);
    assert_eq!(
        six.change,
        Some(TierChange::Upgrade {
            from: Tier::Gold,
            to: Tier::Diamond
        })
    );
    assert!(six.propose_dedicated_rm);
    // A gap (month 3 below) resets the run even with 6 of the last 7 high.
    let mut gap = run(7, diamond, gold);
    gap[3] = gold;
    let gapped = decide_tier(Some(Tier::Gold), &gap, &cfg);
    assert_eq!(gapped.tier, Tier::Gold, "{}", gapped.rule);
}

#[test]
fn upgrade_goes_to_the_highest_tier_held_all_six_months() {
    let cfg = TierConfig::default();
    let mut aum = run(6, 7_000_000 * YUAN, 0);
    aum[4] = 2_100_000 * YUAN;
    let d = decide_tier(Some(Tier::Ordinary), &aum, &cfg);
    assert_eq!(d.tier, Tier::Diamond);
    let platinum = decide_tier(Some(Tier::Ordinary), &run(6, 600_000 * YUAN, 0), &cfg);
    assert_eq!(platinum.tier, Tier::Platinum);
    assert!(!platinum.propose_dedicated_rm);
}

#[test]
fn downgrade_after_three_months_below() {
    let cfg = TierConfig::default();
    let two = decide_tier(
        Some(Tier::Platinum),
        &run(2, 100_000 * YUAN, 600_000 * YUAN),
        &cfg,
    );
    assert_eq!(two.tier, Tier::Platinum);
    let three = decide_tier(
        Some(Tier::Platinum),
        &run(3, 100_000 * YUAN, 600_000 * YUAN),
        &cfg,
    );
    assert_eq!(three.tier, Tier::Gold, "{}", three.rule);
    assert!(matches!(three.change, Some(TierChange::Downgrade { .. })));
    assert!(!three.propose_dedicated_rm);
}

#[test]
fn first_placement_uses_the_as_of_aum() {
    let cfg = TierConfig::default();
    let d = decide_tier(None, &run(1, 6_000_000 * YUAN, 0), &cfg);
    assert_eq!(d.tier, Tier::PrivateBanking);
    assert_eq!(d.change, None);
    assert!(d.propose_dedicated_rm);
    assert_eq!(
        decide_tier(None, &run(12, 49_999 * YUAN, 0), &cfg).tier,
        Tier::Ordinary
    );
}

#[test]
fn tiers_have_names_in_both_languages() {
    let labels: Vec<(&str, &str, &str)> = Tier::ALL
        .iter()
        .rev()
        .map(|t| (t.as_str(), t.label_zh(), t.label_en()))
        .collect();
    assert_eq!(
        labels,
        [
            ("private_banking", "私人银行", "Private banking"),
            ("diamond", "钻石", "Diamond"),
            ("platinum", "白金", "Platinum"),
            ("gold", "金卡", "Gold"),
            ("ordinary", "普通", "Ordinary"),
        ]
    );
    assert_eq!("diamond".parse::<Tier>().unwrap(), Tier::Diamond);
}

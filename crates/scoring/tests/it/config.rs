use rapport_scoring::{ConfigError, ScoringConfig};

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    let err = ScoringConfig::from_toml_str("[tiers]\nsilver = 100000\n").unwrap_err();
    assert!(matches!(err, ConfigError::Parse(_)));
    assert!(err.to_string().contains("silver"), "{err}");
    let err = ScoringConfig::from_toml_str("colour = \"blue\"\n").unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn a_partial_file_keeps_the_other_defaults() {
    let cfg = ScoringConfig::from_toml_str(
        "version = \"branch-pilot-2\"\n[tiers]\nupgrade_months = 4\n[rates]\nloan_rate = 0.04\n",
    )
    .unwrap();
    assert_eq!(cfg.version, "branch-pilot-2");
    assert_eq!(cfg.tiers.upgrade_months, 4);
    assert_eq!(cfg.tiers.diamond, 2_000_000);
    assert_eq!(cfg.rates.loan_rate, 0.04);
    assert_eq!(cfg.value, ScoringConfig::default().value);
}

#[test]
fn values_out_of_range_name_their_key() {
    let err =
        ScoringConfig::from_toml_str("[churn_rules]\nbalance_drop_share = 1.5\n").unwrap_err();
    assert!(
        err.to_string().contains("churn_rules.balance_drop_share"),
        "{err}"
    );
    let err = ScoringConfig::from_toml_str("[tiers]\nupgrade_months = 13\n").unwrap_err();
    assert!(err.to_string().contains("tiers.upgrade_months"), "{err}");
    for (key, value) in [("aum_fall_share", "1.5"), ("aum_floor", "-1")] {
        let err =
            ScoringConfig::from_toml_str(&format!("[churn_event]\n{key} = {value}\n")).unwrap_err();
        assert!(
            err.to_string().contains(&format!("churn_event.{key}")),
            "{err}"
        );
    }
}

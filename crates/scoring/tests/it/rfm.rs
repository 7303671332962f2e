use rapport_scoring::{Features, Labelled, MONTHS, RfmConfig, RfmSegment, RfmSplit, rfm_scores};

/// Party `i` transacted `i` days ago, `i` times a month, for `i` × 1,000 yuan a month.
fn population(n: i64) -> Vec<Features> {
    (1..=n)
        .map(|i| Features {
            party_id: i,
            days_since_last_tx: Some(i as u32),
            tx_count: [i as u32; MONTHS],
            credit_amount: [i * 100_000; MONTHS],
            ..Features::default()
        })
        .collect()
}

#[test]
fn quintiles_are_taken_over_the_population() {
    let rows = population(100);
    let rfm = rfm_scores(&rows, &RfmConfig::default());
    for score in 1..=5u8 {
        assert_eq!(rfm.iter().filter(|r| r.f == score).count(), 20);
        assert_eq!(rfm.iter().filter(|r| r.r == score).count(), 20);
        assert_eq!(rfm.iter().filter(|r| r.m == score).count(), 20);
    }
    // The most recent, most frequent, biggest: party 1 is most recent but least frequent.
    assert_eq!((rfm[0].r, rfm[0].f, rfm[0].m), (5, 1, 1));
    assert_eq!((rfm[99].r, rfm[99].f, rfm[99].m), (1, 5, 5));
    assert_eq!(rfm[0].segment, RfmSegment::GeneralDevelop);
    assert_eq!(rfm[99].segment, RfmSegment::ImportantKeep);
    assert_eq!(rfm[0].explained.parts.len(), 3);
    assert_eq!(rfm[0].explained.score, 7.0);
}

#[test]
fn segments_split_at_the_median_or_the_mean() {
    // Nine small customers and one very large one: the mean puts only the large one high.
    let mut rows = population(10);
    rows[9].credit_amount = [1_000_000_000; MONTHS];
    let by_median = rfm_scores(&rows, &RfmConfig::default());
    let by_mean = rfm_scores(
        &rows,
        &RfmConfig {
            split: RfmSplit::Mean,
        },
    );
    let high_m = |r: &[rapport_scoring::Rfm]| {
        r.iter()
            .filter(|x| x.segment.as_str().starts_with("important"))
            .count()
    };
    assert_eq!(high_m(&by_median), 5);
    assert_eq!(high_m(&by_mean), 1);
    // No transaction at all is the worst recency.
    rows[0].days_since_last_tx = None;
    assert_eq!(rfm_scores(&rows, &RfmConfig::default())[0].r, 1);
}

#[test]
fn segments_have_the_classic_names() {
    assert_eq!(RfmSegment::of(true, true, true).label_zh(), "重要价值客户");
    assert_eq!(
        RfmSegment::of(false, false, true).label_zh(),
        "重要挽留客户"
    );
    assert_eq!(
        RfmSegment::of(false, false, false).label_en(),
        "General to win back"
    );
    assert_eq!(RfmSegment::ALL.len(), 8);
}

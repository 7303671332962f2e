//! Data the tests put in a fresh store beyond the fixture bank: a scoring run, and identity
//! records with a review pair.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rapport_domain::{FixedClock, PartyId};
use rapport_ingest::{ImportOptions, Mapping, import_file};
use rapport_resolve::{Mode, ResolveOptions, resolve};
use rapport_scoring::{ChurnModel, Features, NbpModel, PartyScore, ScoringConfig, score_all};
use rapport_store::ChangeAuthor;
use rapport_store::identity::{FieldWeight, ResolutionRecord, ReviewCandidate};
use rapport_store::ingest::LoadMode;
use rapport_store::scores::{NewAlert, NewScoreRun, PartyScoreRow, ScoreBatch};
use rapport_store_contract::fixture;
pub use rapport_store_contract::fixture::valid_resident_id;

use super::TestApp;
/// A small population: a third fading away (AUM and transactions falling to nothing), the
/// rest steady, with the fixture's five parties among them.
pub fn rows(as_of: NaiveDate) -> (Vec<Features>, Vec<bool>) {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for i in 0..240_i64 {
        let party_id = if i < 5 { i + 1 } else { 1000 + i };
        let fading = i % 3 == 0;
        let base = 2_000_000 + (i % 17) * 900_000;
        let mut f = Features {
            party_id,
            as_of,
            branch_id: Some(4),
            tenure_months: 12 + (i % 50) as u32,
            ..Features::default()
        };
        for m in 0..12 {
            let scale = if fading { (m as i64).min(6) } else { 6 };
            f.aum[m] = base * scale / 6;
            f.tx_count[m] = if fading && m < 3 {
                0
            } else {
                6 + (i % 5) as u32
            };
            f.credit_amount[m] = f.aum[m] / 20;
            f.debit_amount[m] = f.aum[m] / 25;
        }
        f.current_deposits = f.aum[0] / 2;
        f.time_deposits = f.aum[0] - f.current_deposits;
        f.families_held = if i % 4 == 0 {
            vec!["current_deposit".into()]
        } else {
            vec!["current_deposit".into(), "time_deposit".into()]
        };
        f.open_accounts = f.families_held.len() as u32;
        f.days_since_last_tx = Some(if fading { 95 } else { 3 });
        f.digital_share = 0.4;
        rows.push(f);
        labels.push(fading);
    }
    (rows, labels)
}

/// The scores of [`rows`] as of `as_of`, by models trained on them.
pub fn scores(as_of: NaiveDate) -> Vec<PartyScore> {
    let (rows, labels) = rows(as_of);
    let cfg = ScoringConfig::default();
    let (churn, _) = ChurnModel::train(&rows, &labels, 7).unwrap();
    let churn = churn.defined_as(cfg.churn_event.definition(3));
    let nbp = NbpModel::train(&rows, 7, &cfg.nbp).unwrap();
    score_all(&rows, &HashMap::new(), Some(&churn), &nbp, &cfg).unwrap()
}

/// The stored row of the score `s` as of `as_of`.
pub fn score_row(s: &PartyScore, as_of: NaiveDate) -> PartyScoreRow {
    PartyScoreRow {
        party_id: PartyId(s.party_id),
        as_of,
        model_version: s.model_version.clone(),
        value_score: s.value.composite.score,
        tier: s.tier.tier,
        lifecycle: s.lifecycle.stage,
        churn_risk: s.churn.probability,
        clv_minor: 0,
        p_alive: 0.0,
        clv_class: None,
        rfm_segment: s.rfm.segment,
        credit_rating: s.credit.grade,
        profit_minor: s.profit.annual_profit_minor,
        aum_minor: 0,
        detail_json: serde_json::to_string(s).unwrap(),
    }
}

/// Writes `batch` as a scoring run of `model_version` as of `as_of`, begun and written at
/// `at`; the run's id.
pub async fn write_run(
    app: &TestApp,
    as_of: NaiveDate,
    model_version: &str,
    at: DateTime<Utc>,
    batch: &ScoreBatch,
) -> i64 {
    let run = app
        .store
        .begin_score_run(&NewScoreRun {
            as_of,
            model_version: model_version.into(),
            started_by: "tester".into(),
            started_at: at,
        })
        .await
        .unwrap();
    app.store.write_scores(run, batch, at).await.unwrap();
    run
}

/// The fixture's five parties scored as of 2026-06-30, with one churn alert for 张伟 (1).
pub async fn scored(app: &TestApp) {
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let scores = scores(as_of);
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let batch = ScoreBatch {
        scores: scores
            .iter()
            .filter(|s| s.party_id <= 5)
            .map(|s| score_row(s, as_of))
            .collect(),
        alerts: vec![NewAlert {
            party_id: PartyId(1),
            kind: rapport_domain::AlertKind::ChurnRisk,
            severity: rapport_domain::AlertSeverity::High,
            reason: "AUM fell 50% in 3 months".into(),
            detail: None,
            as_of,
            dedup_key: "churn_risk:1:2026-06".into(),
        }],
        tier_changes: Vec::new(),
    };
    let run = write_run(app, as_of, rapport_scoring::MODEL_VERSION, at, &batch).await;
    app.store
        .finish_score_run(
            run,
            &rapport_store::scores::ScoreRunEnd {
                finished_at: at,
                parties: batch.scores.len() as i64,
                churn_auc: None,
                stages_json: "{}".into(),
                churn_validation_json: None,
            },
        )
        .await
        .unwrap();
}

pub const CHEN_MOBILE: &str = "13800138000";
pub const ZHOU_MOBILE: &str = "13900139000";
/// The mobiles of the four imported records K1…K4, in that order.
pub const IMPORTED_MOBILES: [&str; 4] = [CHEN_MOBILE, ZHOU_MOBILE, "13712345678", "13600136000"];

/// Four people from the core system, resolved; then one review pair (陈静, 周杰) put in the
/// queue. Returns the records by source key (K1…K4).
pub async fn seed(app: &TestApp) -> Vec<ResolutionRecord> {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "cif,name,sex,birthday,id_no,mobile,branch\n\
         K1,陈静,F,1980-01-01,{},{CHEN_MOBILE},R01B01S01\n\
         K2,周杰,M,1980-01-01,{},{ZHOU_MOBILE},R01B01S01\n\
         K3,吴敏,F,1990-05-06,,13712345678,R01B01S01\n\
         K4,孙磊,M,1975-03-04,{},13600136000,R01B01S01\n",
        valid_resident_id(11),
        valid_resident_id(22),
        valid_resident_id(33)
    );
    let path = dir.path().join("customers.csv");
    std::fs::write(&path, csv).unwrap();
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 6, 30, 2, 0, 0).unwrap());
    import_file(
        app.store.as_ref(),
        &clock,
        &Mapping::parse(fixture::CUSTOMER_MAPPING).unwrap(),
        &path,
        &ImportOptions {
            mode: LoadMode::Full,
            batch_rows: 100,
            started_by: "tester".into(),
            rejects_path: dir.path().join("rejects.csv"),
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    let author = ChangeAuthor {
        staff_id: None,
        username: "identity resolution".into(),
        source: "identity".into(),
        at: Utc::now(),
    };
    resolve(
        app.store.as_ref(),
        Mode::Full,
        &ResolveOptions::default(),
        &author,
        &mut |_, _, _| {},
    )
    .await
    .unwrap();
    let mut records = app.store.resolution_input(0, 100).await.unwrap();
    records.sort_by(|a, b| a.source_key.cmp(&b.source_key));
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r.party_id.is_some()));
    let (a, b) = (records[0].id, records[1].id);
    app.store
        .replace_pending_reviews(
            &[ReviewCandidate {
                record_a: a.min(b),
                record_b: a.max(b),
                probability: 0.62,
                weight: 1.5,
                explanation: vec![
                    FieldWeight {
                        field: "name".into(),
                        level: Some(0),
                        weight: -3.25,
                    },
                    FieldWeight {
                        field: "birth_date".into(),
                        level: Some(2),
                        weight: 4.75,
                    },
                ],
            }],
            None,
            Utc::now(),
        )
        .await
        .unwrap();
    records
}

//! A synthetic bank's ground truth as the churn evaluation's oracle (issue 23): the generator's
//! true probability that each test customer churns within the horizon, so that `rapport score
//! --truth` can say how far the model stands from the best ranking anyone could make. Only a
//! generated bank has one; a real bank's evaluation has the logistic baseline alone.
use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use rapport_domain::PartyId;
use rapport_scoring::churn::out_of_time::ChurnOracle;
use rapport_synth::{TRUTH_CUSTOMERS_CSV, TRUTH_RECORDS_CSV, TruthCustomer, churn_probability};

use crate::open::Opened;

/// Source records read from the store per page.
const PAGE: i64 = 20_000;

/// The oracle of the bank generated into `extracts`, placed on the store's parties: each party
/// stands for the generated customer most of its source records came from.
pub async fn churn_oracle(ctx: &Opened, extracts: &Path) -> anyhow::Result<ChurnOracle> {
    let customers = rapport_synth::read_truth_customers(&extracts.join(TRUTH_CUSTOMERS_CSV))?;
    let truth_of_record = truth_records(&extracts.join(TRUTH_RECORDS_CSV))?;
    let party_of_truth = store_parties(ctx, &truth_of_record).await?;
    let by_party: HashMap<i64, TruthCustomer> = customers
        .into_iter()
        .filter_map(|c| party_of_truth.get(&c.party_id.0).map(|p| (*p, c)))
        .collect();
    eprintln!(
        "  churn oracle: the generator's truth placed on {} of the store's parties",
        by_party.len()
    );
    Ok(ChurnOracle::new(move |party, snapshot, horizon| {
        by_party
            .get(&party)
            .map(|c| churn_probability(c, snapshot, horizon))
    }))
}

/// `truth_records.csv`: which generated customer each source record (system, key) is.
fn truth_records(path: &Path) -> anyhow::Result<HashMap<(String, String), i64>> {
    let shown = path.display();
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading the truth {shown}"))?;
    let mut out = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("{shown}: row {}", i + 2))?;
        let (Some(system), Some(key), Some(party)) = (row.get(0), row.get(1), row.get(2)) else {
            anyhow::bail!("{shown}: row {} has fewer than 3 columns", i + 2);
        };
        let party: i64 = party
            .parse()
            .with_context(|| format!("{shown}: row {}: party_id `{party}`", i + 2))?;
        out.insert((system.to_owned(), key.to_owned()), party);
    }
    Ok(out)
}

/// Each generated customer's store party: the one most of its source records resolved to.
async fn store_parties(
    ctx: &Opened,
    truth_of_record: &HashMap<(String, String), i64>,
) -> anyhow::Result<HashMap<i64, i64>> {
    let mut votes: HashMap<i64, HashMap<i64, usize>> = HashMap::new();
    let mut after = 0;
    loop {
        let page = ctx.store.resolution_input(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for r in &page {
            let key = (r.source_system.as_str().to_owned(), r.source_key.clone());
            if let (Some(truth), Some(PartyId(party))) = (truth_of_record.get(&key), r.party_id) {
                *votes.entry(*truth).or_default().entry(party).or_default() += 1;
            }
        }
    }
    Ok(votes
        .into_iter()
        .filter_map(|(truth, v)| {
            v.into_iter()
                .max_by_key(|(party, n)| (*n, -*party))
                .map(|(party, _)| (truth, party))
        })
        .collect())
}

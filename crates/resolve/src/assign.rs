//! Persons to parties, keeping party ids stable: each person keeps the party that holds most of
//! its records; a party no person keeps is absorbed (merged) into the person holding most of its
//! records; a person with no party gets a new one.
use std::collections::HashMap;

use rapport_domain::PartyId;
use rapport_store::identity::ResolutionRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub party: Option<PartyId>,
    pub absorbed: Vec<PartyId>,
    /// Indexes into the records.
    pub members: Vec<usize>,
    /// Nothing about this person changed since the last resolution.
    pub unchanged: bool,
}

pub fn assign(records: &[ResolutionRecord], cluster_of: &[usize]) -> Vec<Person> {
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, c) in cluster_of.iter().enumerate() {
        members.entry(*c).or_default().push(i);
    }
    let mut party_size: HashMap<i64, usize> = HashMap::new();
    let mut counts: HashMap<(usize, i64), usize> = HashMap::new();
    for (r, &cluster) in records.iter().zip(cluster_of) {
        if let Some(p) = r.party_id {
            *party_size.entry(p.0).or_default() += 1;
            *counts.entry((cluster, p.0)).or_default() += 1;
        }
    }
    let mut ranked: Vec<((usize, i64), usize)> = counts.into_iter().collect();
    ranked.sort_by(|((ca, pa), na), ((cb, pb), nb)| nb.cmp(na).then(pa.cmp(pb)).then(ca.cmp(cb)));
    let mut keeper: HashMap<usize, i64> = HashMap::new();
    let mut kept: HashMap<i64, usize> = HashMap::new();
    let mut home: HashMap<i64, usize> = HashMap::new();
    for ((cluster, party), _) in &ranked {
        home.entry(*party).or_insert(*cluster);
        if !keeper.contains_key(cluster) && !kept.contains_key(party) {
            keeper.insert(*cluster, *party);
            kept.insert(*party, *cluster);
        }
    }
    let mut absorbed: HashMap<usize, Vec<PartyId>> = HashMap::new();
    for (party, cluster) in &home {
        if !kept.contains_key(party) {
            absorbed.entry(*cluster).or_default().push(PartyId(*party));
        }
    }
    let mut clusters: Vec<usize> = members.keys().copied().collect();
    clusters.sort_unstable();
    clusters
        .into_iter()
        .map(|c| {
            let m = members.remove(&c).unwrap_or_default();
            let party = keeper.get(&c).map(|p| PartyId(*p));
            let mut absorbed = absorbed.remove(&c).unwrap_or_default();
            absorbed.sort();
            let unchanged = absorbed.is_empty()
                && party.is_some_and(|p| {
                    party_size.get(&p.0) == Some(&m.len())
                        && m.iter().all(|&i| {
                            records
                                .get(i)
                                .is_some_and(|r| r.party_id == Some(p) && !r.needs_resolution)
                        })
                });
            Person {
                party,
                absorbed,
                members: m,
                unchanged,
            }
        })
        .collect()
}

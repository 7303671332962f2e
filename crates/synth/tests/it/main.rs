//! Integration tests of the synthetic bank. One binary; a shared 10,000-customer bank.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod accounts;
mod balances;
mod churn;
mod closures;
mod determinism;
mod extracts;
mod households;
mod identifiers;
mod names;
mod noise;
mod reference;
mod relationships;
mod rm;
mod transactions;

use std::collections::HashMap;
use std::sync::OnceLock;

use rapport_domain::PartyId;
use rapport_domain::records::PartyRecord;
use rapport_synth::{GeneratedBatch, Generator, SynthConfig};

pub const CUSTOMERS: u64 = 10_000;

pub struct Bank {
    pub generator: Generator,
    pub batches: Vec<GeneratedBatch>,
}

impl Bank {
    pub fn parties(&self) -> impl Iterator<Item = &PartyRecord> {
        self.batches.iter().flat_map(|b| b.customers.parties.iter())
    }

    pub fn party_index(&self) -> HashMap<PartyId, &PartyRecord> {
        self.parties().map(|p| (p.id, p)).collect()
    }
}

/// A 10,000-customer bank without transactions, generated once per test binary.
pub fn bank() -> &'static Bank {
    static BANK: OnceLock<Bank> = OnceLock::new();
    BANK.get_or_init(|| {
        let generator = Generator::new(SynthConfig {
            customers: CUSTOMERS,
            transactions: false,
            ..SynthConfig::default()
        })
        .unwrap();
        let batches = generator.batches().collect();
        Bank { generator, batches }
    })
}

/// Asserts `actual` is within `tolerance` of `expected` (absolute, for rates).
#[track_caller]
pub fn assert_rate(what: &str, actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: measured {actual:.4}, expected {expected:.4} ± {tolerance}"
    );
}

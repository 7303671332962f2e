//! The synthetic bank as the engine's input, shared by the examples and the integration tests
//! (each includes this file): one generator set-up and one record conversion, so that every
//! benchmark and test reads the same extracts the same way.
use rapport_identity::SourceCustomer;
use rapport_synth::{Generator, SourceRecord, SynthConfig};

/// The synthetic bank of `customers` customers without transactions, seed 11.
#[allow(clippy::expect_used)] // fixed settings: a failure is a bug in the generator
pub fn bank(customers: u64) -> Generator {
    Generator::new(SynthConfig {
        customers,
        seed: 11,
        transactions: false,
        ..SynthConfig::default()
    })
    .expect("the synthetic bank's settings are valid")
}

/// A generated source record as the engine reads it, and its true person.
pub fn engine_input(r: SourceRecord) -> (SourceCustomer, i64) {
    let person = r.party_id.0;
    let record = SourceCustomer {
        source_system: r.source_system.as_str().into(),
        source_key: r.source_key,
        name: r.name,
        gender: r.gender,
        birth_date: r.birth_date,
        resident_id: r.resident_id.or(r.uscc),
        mobile: r.mobile,
        address: r.address,
        email: r.email,
        ..Default::default()
    };
    (record, person)
}

/// The bank's source records as the engine reads them, each with its true person, in the order
/// the generator makes them.
pub fn labelled_records(bank: &Generator) -> impl Iterator<Item = (SourceCustomer, i64)> + '_ {
    bank.batches()
        .flat_map(|batch| batch.source_records)
        .map(engine_input)
}

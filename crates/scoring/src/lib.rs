//! Customer differentiation (客户区分, R3.2–R3.9): everything Rapport knows about a customer's
//! value and risk, computed from one row of warehouse features per party.
//!
//! Pure: the warehouse computes [`Features`] by SQL, this crate turns them into scores with
//! their explanations, the CLI writes the scores to the operational store.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod features;

pub use features::{Features, MONTHS};

//! Customer lifetime value for Rapport (R3.5): BG/NBD for the number of future purchases and
//! Gamma-Gamma for their value, fitted by maximum likelihood.
//!
//! The crate is pure computation: no I/O. A typical run is
//! transactions → [`summarise`] → [`Patterns`] → [`BgNbd::fit`] and [`GammaGamma::fit_summaries`]
//! → per-pattern predictions ([`predict_patterns`], or one customer at a time with
//! [`BgNbd::p_alive`], [`BgNbd::expected_purchases`], [`clv`]) → per-customer CLV, the
//! discounted purchases of the customer's pattern times their Gamma-Gamma expected spend.
//!
//! Every model carries its [`TimeUnit`]; all horizons are in that unit or converted explicitly.
//! Monetary results (expected spend, CLV) are `f64` estimates, converted to decimal money by the
//! caller for display.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod bgnbd;
mod bgnbd_fit;
mod book;
mod clv;
mod error;
mod gamma_gamma;
mod optimise;
mod patterns;
mod special;
mod summary;
mod unit;

pub use bgnbd::{BgNbd, BgNbdParams, FittedBgNbd};
pub use book::{PatternPrediction, predict_patterns};
pub use clv::{ClvHorizon, clv, clv_with, discounted_expected_purchases};
pub use error::{ClvError, Result};
pub use gamma_gamma::{FittedGammaGamma, GammaGamma, GammaGammaParams, Spend};
pub use patterns::{Pattern, Patterns};
pub use summary::{
    CustomerSummaries, DatedTransaction, Resolution, Summary, Transaction, summarise,
    summarise_dates,
};
pub use unit::{DAYS_PER_MONTH, LIFETIMES_WEEKS_PER_MONTH, TimeUnit};

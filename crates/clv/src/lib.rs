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
//!
//! ```
//! use rapport_clv::{
//!     BgNbd, GammaGamma, Patterns, Resolution, TimeUnit, Transaction, clv, predict_patterns,
//!     summarise, ClvHorizon,
//! };
//!
//! # fn main() -> Result<(), rapport_clv::ClvError> {
//! // Times in weeks; day resolution (7 periods per week) merges same-day purchases.
//! let log: Vec<Transaction<u32>> = [(1, 0.0, 20.0), (1, 3.0, 25.0), (1, 9.5, 30.0), (2, 1.0, 15.0),
//!     (2, 6.0, 12.0), (3, 2.0, 40.0), (4, 0.5, 9.0), (4, 11.0, 14.0), (4, 14.0, 16.0)]
//!     .into_iter()
//!     .map(|(customer, time, amount)| Transaction { customer, time, amount })
//!     .collect();
//! let customers = summarise(&log, 20.0, Resolution::PeriodsPerUnit(7.0))?;
//! let summaries: Vec<_> = customers.iter().map(|(_, s)| *s).collect();
//! let patterns = Patterns::from_summaries(&summaries)?;
//! let bg = BgNbd::fit(&patterns, TimeUnit::Weeks)?;
//! let gg = GammaGamma::fit_summaries(&summaries)?;
//! let one = clv(&bg, &gg, &summaries[0], 12, 0.01)?;
//! let book = predict_patterns(&bg, &patterns, 26.0, &ClvHorizon::new(12, 0.01)?)?;
//! let per_customer = patterns.expand(&book)?;
//! let first = per_customer[0].discounted_purchases
//!     * gg.expected_average_spend(summaries[0].frequency, summaries[0].monetary)?;
//! assert!((one - first).abs() < 1e-9 * one);
//! # Ok(())
//! # }
//! ```

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

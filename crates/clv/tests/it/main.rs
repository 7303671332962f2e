//! Integration tests of rapport-clv: reference values from lifetimes 0.11.3 on the CDNOW sample,
//! compression, parameter recovery, input validation and properties.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod cdnow;
mod properties;
mod recovery;
mod sim;
mod summarise;
mod validation;

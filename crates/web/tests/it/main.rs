//! The web crate's integration tests: a real server on 127.0.0.1:0 over a real store (SQLite,
//! and PostgreSQL when configured), driven over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::string_slice)]

#[path = "../common/mod.rs"]
mod common;
pub use common::*;

mod access;
mod admin;
mod analytics;
mod api_auth;
mod api_customers;
mod audit;
mod browser;
mod changes;
mod fuzz;
mod hardening;
mod identity;
mod imports;
mod masking;
mod pages;
mod scope;
mod scores;
mod segments;
mod tiers;
mod unmask;
mod work;

mod route_walk;

//! Application services: what the command line and the web server both need, written once
//! here so that neither reaches into the other. No HTTP (that is `rapport-web`) and no
//! argument parsing (that is `rapport-cli`) lives in this crate.
pub mod alert_job;
pub mod audit;
pub mod passwords;
pub mod scored;
pub mod segments;
pub mod staff;

pub use audit::{AuditError, AuditSink};
pub use segments::{EvaluationError, SegmentEngine};

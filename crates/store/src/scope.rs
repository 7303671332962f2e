//! The one door through which a backend reads a caller's scope.
//!
//! Every store operation that takes a [`Viewer`] runs inside [`operation`] under its trait method
//! name, and reads the viewer's data scope through [`data_scope`] and task ownership through
//! [`owns`] — never `Viewer::scope` or `viewer.staff_id` directly. In a build with the
//! `scope-switches` feature (tests only), [`drop_predicate`] makes one named operation behave as
//! if its scope predicate were missing, so a test can prove that the route walk notices each
//! one (crates/web/tests/scope_switches.rs). Without the feature these are plain pass-throughs.
use std::future::Future;

use rapport_domain::{DataScope, StaffId, Viewer};

/// Runs `work`, the body of the store operation `name` (its `Store` method name).
pub async fn operation<F: Future>(name: &'static str, work: F) -> F::Output {
    #[cfg(feature = "scope-switches")]
    {
        switches::CURRENT.scope(name, work).await
    }
    #[cfg(not(feature = "scope-switches"))]
    {
        let _ = name;
        work.await
    }
}

/// The customers `viewer` may reach in the running operation.
pub fn data_scope(viewer: &Viewer) -> DataScope {
    if switches::dropped() {
        return DataScope::All;
    }
    viewer.scope()
}

/// Whether work owned by `owner` (a task) is the viewer's own in the running operation.
pub fn owns(viewer: &Viewer, owner: StaffId) -> bool {
    switches::dropped() || owner == viewer.staff_id
}

#[cfg(feature = "scope-switches")]
mod switches {
    use std::sync::Mutex;

    tokio::task_local! {
        pub(super) static CURRENT: &'static str;
    }

    static DROPPED: Mutex<Option<String>> = Mutex::new(None);

    pub(super) fn dropped() -> bool {
        let Ok(current) = CURRENT.try_with(|c| *c) else {
            return false;
        };
        DROPPED.lock().is_ok_and(|d| d.as_deref() == Some(current))
    }

    /// Drops the scope predicate of the store operation `name` process-wide (`None`: none).
    pub fn drop_predicate(name: Option<&str>) {
        if let Ok(mut d) = DROPPED.lock() {
            *d = name.map(str::to_owned);
        }
    }
}

#[cfg(not(feature = "scope-switches"))]
mod switches {
    pub(super) fn dropped() -> bool {
        false
    }
}

#[cfg(feature = "scope-switches")]
pub use switches::drop_predicate;

/// Proof that the store found a customer in a viewer's scope, made only by
/// `Store::customer_in_scope`: a customer's sub-records (scores, alerts, tasks, source
/// records…) are read with it, so each route that shows them has exactly one scope check, the
/// one a test can switch off.
#[derive(Debug, Clone)]
pub struct InScope {
    viewer: Viewer,
    party: rapport_domain::PartyId,
}

impl InScope {
    /// For store backends only, right after their scope check (clippy's `disallowed_methods`
    /// refuses it anywhere else; see clippy.toml).
    pub fn checked_by_the_store(viewer: &Viewer, party: rapport_domain::PartyId) -> Self {
        Self {
            viewer: *viewer,
            party,
        }
    }

    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    pub fn party(&self) -> rapport_domain::PartyId {
        self.party
    }
}

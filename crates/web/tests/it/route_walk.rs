//! The route × role × scope walk over every operation of the API document, as every role, on
//! both backends (see tests/common/walk.rs for what it checks).
use crate::walk::{WHO, walk_all};

#[tokio::test]
async fn every_route_as_every_role_stays_in_scope_and_masked() {
    let mut failures = Vec::new();
    for who in WHO {
        failures.extend(walk_all(who).await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

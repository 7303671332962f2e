//! A customer's sub-records read the way a route reads them: the scope check
//! (`Store::customer_in_scope`) first, then the read with its proof; `None` when the customer
//! is unknown or out of the viewer's scope. Lets contract tests state scope per sub-record.
use rapport_domain::{PartyId, Viewer};
use rapport_store::{Store, StoreResult};

/// `read` of the proof that `party` is in `viewer`'s scope; `None` without one.
pub async fn in_scope<T, F, Fut>(
    store: &dyn Store,
    viewer: &Viewer,
    party: PartyId,
    read: F,
) -> StoreResult<Option<T>>
where
    F: FnOnce(rapport_store::scope::InScope) -> Fut,
    Fut: std::future::Future<Output = StoreResult<Option<T>>>,
{
    match store.customer_in_scope(viewer, party).await? {
        Some(customer) => read(customer).await,
        None => Ok(None),
    }
}

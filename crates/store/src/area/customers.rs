//! Customers and search (always scoped to the caller), and changes of customer data.
use crate::{
    ChangeAuthor, ContactChanges, Customer360, CustomerSummary, NewProspect, Page, PageRequest,
    PartyChange, StoreResult,
};
use async_trait::async_trait;
use rapport_domain::{PartyId, Viewer};

/// Customers and search (always scoped to the caller), and the scope door of a customer's
/// sub-records.
#[async_trait]
pub trait CustomerStore: Send + Sync {
    async fn list_customers(
        &self,
        viewer: &Viewer,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>>;

    async fn search_customers(
        &self,
        viewer: &Viewer,
        query: &crate::search::SearchQuery,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>>;

    async fn customer_360(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Customer360>>;

    /// Whether a live customer is in the viewer's scope: the proof that a customer's
    /// sub-records may be read (`None` when unknown or out of scope).
    async fn customer_in_scope(
        &self,
        viewer: &Viewer,
        party: PartyId,
    ) -> StoreResult<Option<crate::scope::InScope>>;
}

/// Changes of customer data: prospects created, contact details changed against a version,
/// and the history of those changes.
#[async_trait]
pub trait CustomerChangeStore: Send + Sync {
    /// Creates a prospect in the viewer's branch; returns its id.
    async fn create_prospect(
        &self,
        prospect: &NewProspect,
        author: &ChangeAuthor,
    ) -> StoreResult<PartyId>;

    /// Changes contact details of an in-scope customer made against `expected_version`.
    /// Unknown or out of scope → `NotFound`; another change came first → `Conflict`.
    /// Returns the new version. Every changed field is kept in the history.
    async fn update_contact(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
        expected_version: i64,
        changes: &ContactChanges,
        author: &ChangeAuthor,
    ) -> StoreResult<i64>;

    /// The change history of an in-scope customer, oldest first (`None` if out of scope).
    async fn party_changes(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Vec<PartyChange>>>;
}

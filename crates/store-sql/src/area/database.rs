//! What concerns the database itself rather than an area: which backend this is, and whether
//! it answers.
use async_trait::async_trait;
use rapport_store::{Store, StoreResult};

use super::db_err;

#[async_trait]
impl Store for super::Backend {
    fn backend(&self) -> &'static str {
        super::BACKEND
    }
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

//! Rows read the same way by every query: all of them, the one there may be, or one page of a
//! listing.
use rapport_store::{Page, PageRequest, StoreResult};

use super::db_err;
use super::dialect::{DbRow, Pool, Query};

/// Turns a row into a value.
pub(crate) trait ReadRow<T>: Fn(&DbRow) -> StoreResult<T> {}

impl<T, F: Fn(&DbRow) -> StoreResult<T>> ReadRow<T> for F {}

/// Runs a query, its values already bound, and reads the rows it returns with `read`.
pub(crate) trait ReadRows {
    /// Every row.
    async fn fetch_rows<T>(self, pool: &Pool, read: impl ReadRow<T>) -> StoreResult<Vec<T>>;

    /// The row there is, if any.
    async fn fetch_row<T>(self, pool: &Pool, read: impl ReadRow<T>) -> StoreResult<Option<T>>;
}

impl ReadRows for Query<'_> {
    async fn fetch_rows<T>(self, pool: &Pool, read: impl ReadRow<T>) -> StoreResult<Vec<T>> {
        let rows = self.fetch_all(pool).await.map_err(db_err)?;
        rows.iter().map(read).collect()
    }

    async fn fetch_row<T>(self, pool: &Pool, read: impl ReadRow<T>) -> StoreResult<Option<T>> {
        let row = self.fetch_optional(pool).await.map_err(db_err)?;
        row.as_ref().map(read).transpose()
    }
}

/// Runs `query`, its other values already bound, for one page: the limit and the offset are
/// bound last, so they must be its last two placeholders. `read` turns a row into an item.
pub(crate) async fn fetch_page<T>(
    query: Query<'_>,
    pool: &Pool,
    page: PageRequest,
    read: impl ReadRow<T>,
) -> StoreResult<Page<T>> {
    let items = query
        .bind(page.fetch_limit())
        .bind(page.offset())
        .fetch_rows(pool, read)
        .await?;
    Ok(Page::from_rows(items, page))
}

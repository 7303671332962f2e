//! One page of a listing, read the same way by every paged query.
use rapport_store::{Page, PageRequest, StoreResult};

use super::db_err;
use super::dialect::{DbRow, Pool, Query};

/// Runs `query`, its other values already bound, for one page: the limit and the offset are
/// bound last, so they must be its last two placeholders. `read` turns a row into an item.
pub(crate) async fn fetch_page<T>(
    query: Query<'_>,
    pool: &Pool,
    page: PageRequest,
    read: impl Fn(&DbRow) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    let rows = query
        .bind(page.fetch_limit())
        .bind(page.offset())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    let items = rows.iter().map(read).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, page))
}

//! The second row with an already-seen key is a reject naming the first row's line. Checked on
//! the writer thread, which has time to spare, rather than on the parsing thread, which is the
//! bottleneck.
//!
//! Groups arrive in file order and each is one contiguous stretch of the file, split by month;
//! within a group rows are visited month by month, so a later line can be met before an earlier
//! one with the same key. Then the earlier line wins and the later row, not yet written, is
//! dropped from its chunk.
use datafusion::arrow::array::{AsArray, BooleanArray};
use datafusion::arrow::compute::filter;

use crate::error::{Reject, Result, WarehouseError, mask};
use crate::pipeline::MAX_REJECTS_KEPT;
use crate::seen::SeenKeys;
use crate::tables::Chunk;

pub(crate) struct Dedup {
    column: usize,
    field: String,
    seen: SeenKeys,
    pub(crate) rejects: Vec<Reject>,
    pub(crate) rejected: u64,
}

/// A duplicate found in the current group: (its line, the first line, the key).
type Found = (u64, u64, String);

impl Dedup {
    pub(crate) fn new(column: usize, field: String) -> Self {
        Self {
            column,
            field,
            seen: SeenKeys::new(),
            rejects: Vec::new(),
            rejected: 0,
        }
    }

    /// Drops the rows of `group` whose key was seen on an earlier line.
    pub(crate) fn filter(&mut self, group: &mut [Chunk]) -> Result<()> {
        let mut found: Vec<Found> = Vec::new();
        let mut drop: Vec<Vec<bool>> = Vec::new();
        for (ci, chunk) in group.iter().enumerate() {
            let column = chunk.columns.get(self.column).cloned();
            let Some(keys) = column.as_ref().and_then(|c| c.as_string_opt::<i32>()) else {
                return Err(WarehouseError::Internal("unique column is not text".into()));
            };
            for (r, &line) in chunk.lines.iter().enumerate() {
                let key = keys.value(r);
                let Some(first) = self.seen.first_line(key, line) else {
                    continue;
                };
                if first < line {
                    mark(&mut drop, group, ci, r);
                    found.push((line, first, key.to_owned()));
                    continue;
                }
                // `first` is later in this group: that row is the duplicate.
                self.seen.set_line(key, line);
                if let Some((cj, rj)) = locate(group, first) {
                    mark(&mut drop, group, cj, rj);
                }
                for f in found.iter_mut().filter(|f| f.1 == first) {
                    f.1 = line;
                }
                found.push((first, line, key.to_owned()));
            }
        }
        if found.is_empty() {
            return Ok(());
        }
        for (chunk, dropped) in group.iter_mut().zip(&drop) {
            if !dropped.contains(&true) {
                continue;
            }
            let keep = BooleanArray::from(dropped.iter().map(|d| !d).collect::<Vec<_>>());
            for col in &mut chunk.columns {
                *col = filter(col.as_ref(), &keep)?;
            }
            let lines = std::mem::take(&mut chunk.lines);
            chunk.lines = lines
                .into_iter()
                .zip(dropped)
                .filter(|(_, d)| !**d)
                .map(|(l, _)| l)
                .collect();
        }
        found.sort_unstable_by_key(|f| f.0);
        self.rejected += found.len() as u64;
        for (line, first, key) in found {
            if self.rejects.len() < MAX_REJECTS_KEPT {
                self.rejects.push(Reject {
                    line,
                    field: self.field.clone(),
                    reason: format!("duplicate of line {first}"),
                    value_masked: mask(&key),
                });
            }
        }
        Ok(())
    }
}

fn mark(drop: &mut Vec<Vec<bool>>, group: &[Chunk], ci: usize, r: usize) {
    if drop.len() < group.len() {
        drop.extend(
            group
                .iter()
                .skip(drop.len())
                .map(|c| vec![false; c.lines.len()]),
        );
    }
    if let Some(d) = drop.get_mut(ci).and_then(|d| d.get_mut(r)) {
        *d = true;
    }
}

fn locate(group: &[Chunk], line: u64) -> Option<(usize, usize)> {
    group
        .iter()
        .enumerate()
        .find_map(|(ci, c)| c.lines.binary_search(&line).ok().map(|r| (ci, r)))
}

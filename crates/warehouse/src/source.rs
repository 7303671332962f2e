//! Reading CSV records with bounded memory: a record may not grow past [`MAX_RECORD_BYTES`],
//! whatever the file holds (one 100 MB line, a quote never closed, a binary file).
use std::io::{self, Read};

use csv::ByteRecord;

use crate::columns::Header;
use crate::error::{Result, WarehouseError};

/// Longest record accepted. Real transaction lines are a few hundred bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
const BUFFER: usize = 1 << 18;

/// Counts what the CSV parser has pulled and refuses to feed it more than one record's worth
/// past the end of the last complete record, so the parser's record buffer cannot grow past
/// the limit.
struct Guarded<R> {
    inner: R,
    consumed: u64,
    record_start: u64,
    tripped: bool,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let allowance = (MAX_RECORD_BYTES + 2 * BUFFER) as u64;
        if self.consumed - self.record_start > allowance {
            self.tripped = true;
            return Err(io::Error::other("record too large"));
        }
        let n = self.inner.read(buf)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

/// One record, validated as UTF-8, with its fields addressable by position.
pub(crate) struct Record<'a> {
    pub(crate) line: u64,
    text: &'a str,
    raw: &'a ByteRecord,
}

impl<'a> Record<'a> {
    pub(crate) fn len(&self) -> usize {
        self.raw.len()
    }

    /// The field at `index`, or `""` if the record is shorter (callers check the length first).
    pub(crate) fn get(&self, index: usize) -> &'a str {
        self.raw
            .range(index)
            .and_then(|r| self.text.get(r))
            .unwrap_or("")
    }
}

pub(crate) struct CsvSource<R> {
    reader: csv::Reader<Guarded<R>>,
    record: ByteRecord,
    next_line: u64,
}

impl<R: Read> CsvSource<R> {
    /// Reads the header (line 1).
    pub(crate) fn open(inner: R) -> Result<(Self, Header)> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(BUFFER)
            .from_reader(Guarded {
                inner,
                consumed: 0,
                record_start: 0,
                tripped: false,
            });
        let mut source = Self {
            reader,
            record: ByteRecord::new(),
            next_line: 1,
        };
        let header = match source.next()? {
            Some(h) => (0..h.len()).map(|i| h.get(i).to_owned()).collect(),
            None => return Err(WarehouseError::EmptyFile),
        };
        Ok((source, Header::new(header)))
    }

    /// Bytes handed to the parser so far (for progress).
    pub(crate) fn bytes_read(&self) -> u64 {
        self.reader.get_ref().consumed
    }

    pub(crate) fn next(&mut self) -> Result<Option<Record<'_>>> {
        let line = self.next_line;
        let more = match self.reader.read_byte_record(&mut self.record) {
            Ok(more) => more,
            Err(e) => return Err(self.read_error(line, e)),
        };
        if !more {
            return Ok(None);
        }
        let position = self.reader.position().clone();
        self.next_line = position.line();
        self.reader.get_mut().record_start = position.byte();
        let line = self.record.position().map_or(line, |p| p.line());
        if self.record.as_slice().len() > MAX_RECORD_BYTES {
            return Err(WarehouseError::RecordTooLarge {
                line,
                limit: MAX_RECORD_BYTES,
            });
        }
        let text = std::str::from_utf8(self.record.as_slice())
            .map_err(|_| WarehouseError::NotUtf8 { line })?;
        Ok(Some(Record {
            line,
            text,
            raw: &self.record,
        }))
    }

    fn read_error(&self, line: u64, e: csv::Error) -> WarehouseError {
        if self.reader.get_ref().tripped {
            return WarehouseError::RecordTooLarge {
                line,
                limit: MAX_RECORD_BYTES,
            };
        }
        match e.into_kind() {
            csv::ErrorKind::Io(source) => WarehouseError::Io {
                path: "<input>".into(),
                source,
            },
            other => WarehouseError::Csv {
                line,
                message: format!("{other:?}"),
            },
        }
    }
}

//! Reading a source file in two passes. The first (`inspect`) checks what would make the whole
//! file unusable — encoding, over-long lines, header against mapping — and hashes it, before a
//! single row is written. The second (`rows`) yields the rows as mapped fields.
use std::collections::{BTreeSet, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use encoding_rs::{GB18030, GBK, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;
use sha2::{Digest, Sha256};

use crate::IngestError;
use crate::mapping::{Encoding, Format, Mapping};

/// No line (record) of a source file may be longer: bounds memory on hostile input.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Column names that hold sensitive authentication data (C3 under JR/T 0171-2020), which a
/// bank must never store: a file that carries them is refused whole.
const C3_COLUMNS: &[&str] = &[
    "pin",
    "password",
    "passwd",
    "pwd",
    "cvv",
    "cvv2",
    "cvn",
    "cvn2",
    "cvc",
    "track2",
    "密码",
    "交易密码",
    "查询密码",
    "磁道",
];

/// A source file that passed inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    /// Physical lines, header included (the progress total); for Parquet, the rows.
    pub lines: u64,
    /// The file's columns (CSV header, the keys seen in JSON lines, or the Parquet schema's
    /// top-level columns).
    pub columns: Vec<String>,
}

/// One data row: the value of each mapped field (`None` when empty), by field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: u64,
    pub values: Vec<(&'static str, Option<String>)>,
}

impl RawRow {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// A row that could not be read at all (wrong field count, broken JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub line: u64,
    pub reason: String,
}

fn encoding_rs_of(e: Encoding) -> &'static encoding_rs::Encoding {
    match e {
        Encoding::Utf8 => UTF_8,
        Encoding::Gbk => GBK,
        Encoding::Gb18030 => GB18030,
    }
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> IngestError {
    IngestError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Reads the next line (with its newline) into `buf`, refusing lines over the limit.
fn next_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    line: u64,
) -> Result<usize, IngestError> {
    buf.clear();
    let n = reader
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', buf)
        .map_err(|e| IngestError::File {
            line,
            reason: e.to_string(),
        })?;
    if n > MAX_LINE_BYTES {
        return Err(IngestError::File {
            line,
            reason: format!(
                "line is longer than {} MiB; a customer record never is, so the file is refused",
                MAX_LINE_BYTES >> 20
            ),
        });
    }
    Ok(n)
}

/// Checks one line's bytes against the declared encoding.
fn check_encoding(bytes: &[u8], declared: Encoding, line: u64) -> Result<(), IngestError> {
    if bytes.is_ascii() {
        return Ok(());
    }
    let utf8 = std::str::from_utf8(bytes).is_ok();
    match declared {
        Encoding::Utf8 if utf8 => Ok(()),
        Encoding::Utf8 => {
            let gb = GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some();
            Err(IngestError::File {
                line,
                reason: if gb {
                    "is not valid UTF-8; it reads as GBK/GB18030: declare encoding = \"gbk\" \
                     (or \"gb18030\") in the mapping"
                        .into()
                } else {
                    "is not valid UTF-8 and not GBK either".into()
                },
            })
        }
        Encoding::Gbk | Encoding::Gb18030 if utf8 => Err(IngestError::File {
            line,
            reason: format!(
                "the mapping declares encoding = \"{}\" but this line is UTF-8: declare \
                 encoding = \"utf-8\"",
                declared.as_str()
            ),
        }),
        Encoding::Gbk | Encoding::Gb18030 => {
            match encoding_rs_of(declared)
                .decode_without_bom_handling_and_without_replacement(bytes)
            {
                Some(_) => Ok(()),
                None => Err(IngestError::File {
                    line,
                    reason: format!("is not valid {}", declared.as_str()),
                }),
            }
        }
    }
}

fn decode_line(bytes: &[u8], declared: Encoding) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, _) = encoding_rs_of(declared).decode_without_bom_handling(bytes);
    text.trim_end_matches(['\r', '\n']).to_owned()
}

/// The first pass: refuses the file when it cannot be loaded as a whole.
pub fn inspect(path: &Path, mapping: &Mapping) -> Result<SourceFile, IngestError> {
    if mapping.format == Format::Parquet {
        return crate::columnar::inspect(path, mapping);
    }
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    let mut buf = Vec::with_capacity(4096);
    let mut lines = 0u64;
    let mut bytes = 0u64;
    let mut columns: Vec<String> = Vec::new();
    let mut json_keys: BTreeSet<String> = BTreeSet::new();
    loop {
        let n = next_line(&mut reader, &mut buf, lines + 1)?;
        if n == 0 {
            break;
        }
        lines += 1;
        bytes += n as u64;
        hasher.update(&buf);
        let content = if lines == 1 {
            buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf)
        } else {
            &buf[..]
        };
        if lines == 1 && content.len() != buf.len() && mapping.encoding != Encoding::Utf8 {
            return Err(IngestError::File {
                line: 1,
                reason: format!(
                    "the file starts with a UTF-8 byte-order mark but the mapping declares \
                     encoding = \"{}\"",
                    mapping.encoding.as_str()
                ),
            });
        }
        check_encoding(content, mapping.encoding, lines)?;
        match mapping.format {
            Format::Csv if lines == 1 => columns = csv_header(content, mapping.encoding)?,
            Format::Csv => {}
            Format::Parquet => {}
            Format::Jsonl => {
                let text = decode_line(content, mapping.encoding);
                if let Ok(serde_json::Value::Object(map)) =
                    serde_json::from_str::<serde_json::Value>(&text)
                {
                    json_keys.extend(map.keys().cloned());
                }
            }
        }
    }
    if bytes == 0 || (lines == 1 && mapping.format == Format::Csv && columns.is_empty()) {
        return Err(IngestError::File {
            line: 1,
            reason: "the file is empty: a CSV extract starts with a header line".into(),
        });
    }
    if mapping.format == Format::Jsonl {
        columns = json_keys.into_iter().collect();
    }
    check_columns(&columns, mapping)?;
    Ok(SourceFile {
        path: path.to_owned(),
        file_name: crate::source::file_name_of(path),
        sha256: hex::encode(hasher.finalize()),
        bytes,
        lines,
        columns,
    })
}

fn csv_header(line: &[u8], encoding: Encoding) -> Result<Vec<String>, IngestError> {
    let text = decode_line(line, encoding);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    reader
        .read_record(&mut record)
        .map_err(|e| IngestError::File {
            line: 1,
            reason: format!("the header cannot be read: {e}"),
        })?;
    Ok(record.iter().map(|c| c.trim().to_owned()).collect())
}

pub(crate) fn check_columns(columns: &[String], mapping: &Mapping) -> Result<(), IngestError> {
    let mut seen = HashSet::new();
    for c in columns {
        if !seen.insert(c.as_str()) {
            return Err(IngestError::Header(format!("column '{c}' appears twice")));
        }
        let lower = c.to_lowercase();
        if C3_COLUMNS.contains(&lower.as_str()) {
            return Err(IngestError::Header(format!(
                "column '{c}' holds sensitive authentication data (PIN, card security code or \
                 password), which must never be stored: remove it from the extract"
            )));
        }
    }
    for (field, column) in &mapping.columns {
        if !seen.contains(column.as_str()) {
            return Err(IngestError::Header(format!(
                "the mapping feeds '{field}' from column '{column}', which the file does not \
                 have (its columns: {})",
                columns.join(", ")
            )));
        }
    }
    for c in columns {
        if !mapping.columns.values().any(|m| m == c) && !mapping.ignore.contains(c) {
            return Err(IngestError::Header(format!(
                "column '{c}' is neither mapped nor listed in the mapping's ignore list"
            )));
        }
    }
    Ok(())
}

/// The file as UTF-8 text in its declared encoding (byte-order mark removed), for readers of
/// their own such as the warehouse's.
pub fn decoded(
    file: &SourceFile,
    encoding: Encoding,
) -> Result<impl Read + Send + use<>, IngestError> {
    let raw = File::open(&file.path).map_err(|e| io_error(&file.path, e))?;
    Ok(DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding_rs_of(encoding)))
        .utf8_passthru(true)
        .strip_bom(true)
        .build(raw))
}

/// The second pass: yields each data row as mapped fields, or why it cannot be read.
pub fn rows(
    file: &SourceFile,
    mapping: &Mapping,
    fields: &'static [&'static str],
) -> Result<Box<dyn Iterator<Item = Result<RawRow, Unreadable>> + Send>, IngestError> {
    let wanted: Vec<(&'static str, String)> = fields
        .iter()
        .filter_map(|f| mapping.column(f).map(|c| (*f, c.to_owned())))
        .collect();
    if mapping.format == Format::Parquet {
        return crate::columnar::rows(file, wanted);
    }
    let decoded = decoded(file, mapping.encoding)?;
    match mapping.format {
        Format::Csv => {
            let index: Vec<(&'static str, usize)> = wanted
                .iter()
                .filter_map(|(f, c)| file.columns.iter().position(|x| x == c).map(|i| (*f, i)))
                .collect();
            let width = file.columns.len();
            let reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(true)
                .from_reader(BufReader::with_capacity(1 << 20, decoded));
            Ok(Box::new(reader.into_records().map(move |r| {
                let record = r.map_err(|e| Unreadable {
                    line: e.position().map_or(0, |p| p.line()),
                    reason: e.to_string(),
                })?;
                let line = record.position().map_or(0, |p| p.line());
                if record.len() != width {
                    return Err(Unreadable {
                        line,
                        reason: format!(
                            "has {} fields but the header has {width}{}",
                            record.len(),
                            if record.len() < width {
                                " (is the line or the file cut short?)"
                            } else {
                                " (an unquoted comma?)"
                            }
                        ),
                    });
                }
                Ok(RawRow {
                    line,
                    values: index
                        .iter()
                        .map(|(f, i)| (*f, non_empty(record.get(*i))))
                        .collect(),
                })
            })))
        }
        Format::Parquet => Ok(Box::new(std::iter::empty())),
        Format::Jsonl => {
            let reader = BufReader::with_capacity(1 << 20, decoded);
            Ok(Box::new(reader.lines().enumerate().filter_map(
                move |(i, line)| {
                    let line_no = i as u64 + 1;
                    let text = match line {
                        Ok(t) => t,
                        Err(e) => {
                            return Some(Err(Unreadable {
                                line: line_no,
                                reason: e.to_string(),
                            }));
                        }
                    };
                    if text.trim().is_empty() {
                        return None;
                    }
                    Some(json_row(&text, line_no, &wanted))
                },
            )))
        }
    }
}

fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn json_row(
    text: &str,
    line: u64,
    wanted: &[(&'static str, String)],
) -> Result<RawRow, Unreadable> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Unreadable {
        line,
        reason: format!("is not a JSON object: {e}"),
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Unreadable {
            line,
            reason: "is not a JSON object".into(),
        });
    };
    let mut values = Vec::with_capacity(wanted.len());
    for (field, column) in wanted {
        let v = match map.get(column) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => non_empty(Some(s)),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
            Some(_) => {
                return Err(Unreadable {
                    line,
                    reason: format!("'{column}' holds a list or an object, not a value"),
                });
            }
        };
        values.push((*field, v));
    }
    Ok(RawRow { line, values })
}

/// The file's name without its directory, as run records and messages show it.
pub(crate) fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

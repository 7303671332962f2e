//! Every requirement id the code cites (`R3.7`, `R8`) is explained in docs/requirements.md.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The ids cited in `text`: `R` and a number not starting with 0, then optionally `.` and a
/// number, standing alone (so `CUR01` or a branch code `R01` are not ids).
fn cited(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices('R') {
        let before = i.checked_sub(1).and_then(|b| bytes.get(b));
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            continue;
        }
        let rest = &text[i + 1..];
        let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if major.is_empty() || major.starts_with('0') {
            continue;
        }
        let mut id = format!("R{major}");
        let after_major = &rest[major.len()..];
        if let Some(minor) = after_major.strip_prefix('.') {
            let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
            if !minor.is_empty() {
                id = format!("{id}.{minor}");
            }
        }
        let end = rest[id.len() - 1..].chars().next();
        if end.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        found.insert(id);
    }
    found
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "html" || e == "sql")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_requirement_id_the_code_cites_is_explained() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let page = std::fs::read_to_string(root.join("docs/requirements.md")).unwrap();
    let explained: BTreeSet<String> = page
        .lines()
        .filter_map(|l| l.strip_prefix("- **").or_else(|| l.strip_prefix("## ")))
        .flat_map(cited)
        .collect();
    let mut files = Vec::new();
    sources(&root.join("crates"), &mut files);
    let mut unexplained = BTreeSet::new();
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for id in cited(&text) {
            seen += 1;
            if !explained.contains(&id) {
                unexplained.insert(format!("{id} ({})", file.display()));
            }
        }
    }
    assert!(
        seen > 100,
        "only {seen} citations found: is the scan broken?"
    );
    assert!(
        unexplained.is_empty(),
        "not in docs/requirements.md: {unexplained:?}"
    );
}

#[test]
fn ids_are_read_whole() {
    assert_eq!(
        cited("R3.7, (R8) R9.6 CUR01 R01 xR2 R4x R5_a R2. R1.5a"),
        ["R2", "R3.7", "R8", "R9.6"].map(str::to_owned).into()
    );
}

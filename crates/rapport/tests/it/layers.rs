//! The crates' layering, read from their manifests: HTTP lives in the web crate only, argument
//! parsing in the command line only, and the command line does not depend on the web crate,
//! not even through another of the workspace's crates.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each workspace crate's package name → (normal dependencies, all dependencies).
type Manifests = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn manifests() -> Manifests {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut all = Manifests::new();
    for dir in std::fs::read_dir(&crates).unwrap() {
        let manifest = dir.unwrap().path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let doc: toml::Table = text.parse().unwrap();
        let name = doc["package"]["name"].as_str().unwrap().to_owned();
        let names = |section: &str| -> BTreeSet<String> {
            doc.get(section)
                .and_then(|t| t.as_table())
                .map(|t| t.keys().cloned().collect())
                .unwrap_or_default()
        };
        let normal = names("dependencies");
        let every = ["dependencies", "dev-dependencies", "build-dependencies"]
            .into_iter()
            .flat_map(names)
            .collect();
        all.insert(name, (normal, every));
    }
    all
}

/// The crates that name `dependency` in any dependency section.
fn dependents(all: &Manifests, dependency: &str) -> Vec<String> {
    all.iter()
        .filter(|(_, (_, every))| every.contains(dependency))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The workspace crates `from` builds with, directly or through others (normal dependencies).
fn reaches(all: &Manifests, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut next = vec![from.to_owned()];
    while let Some(name) = next.pop() {
        for dep in all
            .get(&name)
            .map(|(normal, _)| normal)
            .into_iter()
            .flatten()
        {
            if all.contains_key(dep) && seen.insert(dep.clone()) {
                next.push(dep.clone());
            }
        }
    }
    seen
}

#[test]
fn http_and_argument_parsing_stay_in_their_crates() {
    let all = manifests();
    assert!(all.len() >= 20, "{:?}", all.keys());
    assert_eq!(dependents(&all, "axum"), ["rapport-web"]);
    assert_eq!(dependents(&all, "clap"), ["rapport-cli"]);
    let cli = reaches(&all, "rapport-cli");
    assert!(cli.contains("rapport-services"), "{cli:?}");
    assert!(
        !cli.contains("rapport-web"),
        "the command line reaches the web crate: {cli:?}"
    );
    assert!(reaches(&all, "rapport").contains("rapport-web"));
}

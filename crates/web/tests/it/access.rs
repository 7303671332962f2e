//! The route table (`rapport_web::access`): every route of the API document and of the pages
//! has exactly one entry, and every entry is a route; the table prints with the role × action
//! table it reads.
use std::collections::BTreeSet;

use rapport_web::access::{Access, ROUTES};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// (method, path) of every operation in the API document, and the document itself.
fn api_routes() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(rapport_web::openapi()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out.insert(("GET".into(), "/api/v1/openapi.json".into()));
    out
}

/// (method, path) of every page route, read from the pages' router (`views::router`).
fn page_routes() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/views/mod.rs");
    let start = source.find("pub fn router()").unwrap();
    let body = &source[start..];
    let body = &body[..body.find("\n}\n").unwrap()];
    let mut out = BTreeSet::new();
    for (at, _) in body.match_indices(".route(") {
        let call = &body[at + ".route(".len()..];
        let mut depth = 1;
        let end = call
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .unwrap()
            .0;
        let call = &call[..end];
        let path = call.split('"').nth(1).unwrap().to_owned();
        let handlers = &call[call.find(',').unwrap()..];
        for m in METHODS {
            let named = handlers
                .match_indices(&format!("{m}("))
                .any(|(i, _)| matches!(handlers[..i].chars().last(), Some(' ' | '.' | '\n')));
            if named {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_has_one_entry_and_every_entry_is_a_route() {
    let api = api_routes();
    let pages = page_routes();
    assert!(api.len() >= 50 && pages.len() >= 30, "{api:?} {pages:?}");
    let routes: BTreeSet<_> = api.union(&pages).cloned().collect();
    let declared: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let unique: BTreeSet<_> = declared.iter().cloned().collect();
    assert_eq!(unique.len(), declared.len(), "a route has two entries");
    let missing: Vec<_> = routes.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in access::ROUTES: {missing:?}"
    );
    let stale: Vec<_> = unique.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "entries of access::ROUTES that are no route: {stale:?}"
    );

    println!("{}", rapport_domain::permissions::table());
    for (m, p, a) in ROUTES {
        let need = match a {
            Access::Public => "anyone".to_owned(),
            Access::SignedIn => "signed in".to_owned(),
            Access::Needs(action) => action.to_string(),
        };
        println!("{m:<7}{p:<50}{need}");
    }
}

#[test]
fn the_page_routes_are_read_whole() {
    let pages = page_routes();
    assert!(pages.contains(&("GET".into(), "/identity/reviews/{id}".into())));
    assert!(pages.contains(&("POST".into(), "/identity/reviews/{id}".into())));
    assert!(pages.contains(&("POST".into(), "/admin/staff/{username}/{action}".into())));
    assert!(!pages.contains(&("GET".into(), "/logout".into())));
}

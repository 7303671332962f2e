//! `rapport audit verify` against a real server's trail, then against a tampered one.
use crate::server::{demo_password, http, login, serve, stop};
use std::io::Write;
use std::path::Path;

use crate::{demo_bank, execute_sql, query_i64, rapport, refused, stderr};

#[test]
fn verify_passes_on_a_real_trail_and_names_the_first_bad_entry_after_tampering() {
    let (_dir, data, _) = demo_bank("200", &["--skip-extracts"]);
    let d = data.to_str().unwrap();
    let rm_password = demo_password(&data, "rm0001");
    let server = serve(d, "warn");
    let addr = server.addr.clone();
    assert_eq!(
        http(
            &addr,
            "POST",
            "/api/v1/auth/login",
            r#"{"username":"rm0001","password":"nope"}"#,
            None
        )
        .0,
        401
    );
    let token = login(&addr, "rm0001", &rm_password);
    assert_eq!(
        http(&addr, "GET", "/api/v1/customers", "", Some(&token)).0,
        200
    );
    for id in 1..=5 {
        http(
            &addr,
            "GET",
            &format!("/api/v1/customers/{id}"),
            "",
            Some(&token),
        );
    }
    // A graceful stop anchors the head one last time.
    stop(server.child);
    assert!(data.join("audit-anchors.log").exists());

    let ok = rapport(&["audit", "verify", "--data-dir", d]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("audit trail intact: 8 entries"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    // Remove the last two entries and rewind the head: a consistent-looking chain, caught by the anchor.
    let db = data.join("rapport.db");
    execute_sql(
        &db,
        "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update; \
                 DELETE FROM audit_log WHERE seq > 6; \
                 UPDATE audit_head SET seq = 6, hash = (SELECT hash FROM audit_log WHERE seq = 6);",
    );
    refused(
        &["audit", "verify", "--data-dir", d],
        &["ends at entry 6 but entry 8 was anchored"],
    );

    execute_sql(
        &db,
        "UPDATE audit_log SET source_ip = '10.9.9.9' WHERE seq = 3;",
    );
    let bad = rapport(&["audit", "verify", "--data-dir", d]);
    assert!(
        stderr(&bad).contains("entry 3: its contents do not match its hash"),
        "{}",
        stderr(&bad)
    );

    // A forged anchor line is refused too.
    let mut anchors = std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("audit-anchors.log"))
        .unwrap();
    writeln!(
        anchors,
        "99 {} 2026-01-01T00:00:00Z {}",
        "a".repeat(64),
        "b".repeat(64)
    )
    .unwrap();
    let bad = rapport(&["audit", "verify", "--data-dir", d]);
    assert!(
        stderr(&bad).contains("not a valid anchor"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn key_rotation_re_seals_every_identifier_and_data_stays_readable() {
    let (_dir, data, _) = demo_bank("200", &["--skip-extracts"]);
    let d = data.to_str().unwrap();
    assert_rotation_re_seals_every_identifier(&data);

    // The server reads them with the new key.
    let pw = demo_password(&data, "rm0001");
    // The most verbose logging there is: it must still carry no customer identifier.
    let server = serve(d, "debug");
    let (mut child, addr, lines, mut log) =
        (server.child, server.addr, server.log, server.log_so_far);
    let (_, body) = http(
        &addr,
        "POST",
        "/api/v1/auth/login",
        &format!(r#"{{"username":"rm0001","password":"{pw}"}}"#),
        None,
    );
    let token = body
        .split("\"token\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let (s, list) = http(
        &addr,
        "GET",
        "/api/v1/customers?page_size=5",
        "",
        Some(&token),
    );
    assert_eq!(s, 200, "{list}");
    let mobile = json_text(&list, "/items/0/mobile");
    assert!(
        mobile.len() == 11 && mobile.bytes().all(|b| b.is_ascii_digit()),
        "decrypted for the RM: {mobile}"
    );
    let (s, found) = http(
        &addr,
        "GET",
        &format!("/api/v1/customers?q={mobile}"),
        "",
        Some(&token),
    );
    assert!(
        s == 200 && found.contains(&mobile),
        "search by mobile still works"
    );
    let id = json_text(&found, "/items/0/id");
    let (s, unmasked) = http(
        &addr,
        "POST",
        &format!("/api/v1/customers/{id}/unmask"),
        r#"{"field":"resident_id","reason":"kyc_review"}"#,
        Some(&token),
    );
    assert_eq!(s, 200, "{unmasked}");
    let resident_id = json_text(&unmasked, "/values/0");
    assert_eq!(resident_id.len(), 18);
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    for line in lines.map_while(Result::ok) {
        log.push_str(&line);
    }
    assert!(
        log.contains("login") && log.len() > 200,
        "the log was captured"
    );
    for secret in [&mobile, &resident_id, &pw] {
        assert!(
            !log.contains(secret.as_str()),
            "the application log holds {secret}"
        );
    }
}

/// `rapport keys rotate` moves every identifier from field key 1 to field key 2, as
/// `rapport keys status` and the stored values show.
fn assert_rotation_re_seals_every_identifier(data: &Path) {
    let d = data.to_str().unwrap();
    let status = rapport(&["keys", "status", "--data-dir", d]);
    assert!(
        String::from_utf8_lossy(&status.stdout)
            .contains("active field key: 1; data sealed with: 1")
    );
    let rotate = rapport(&["keys", "rotate", "--data-dir", d]);
    assert!(rotate.status.success(), "{}", stderr(&rotate));
    assert!(
        stderr(&rotate).contains("all identifiers sealed with field key 2"),
        "{}",
        stderr(&rotate)
    );
    let status = rapport(&["keys", "status", "--data-dir", d]);
    assert!(
        String::from_utf8_lossy(&status.stdout)
            .contains("active field key: 2; data sealed with: 2")
    );
    let db = data.join("rapport.db");
    let count = |sql: &str| query_i64(&db, sql);
    assert_eq!(
        count("SELECT COUNT(*) FROM parties WHERE mobile LIKE 'k1:%' OR resident_id LIKE 'k1:%'"),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM accounts WHERE account_number_enc LIKE 'k1:%'"),
        0
    );
    assert!(count("SELECT COUNT(*) FROM parties WHERE mobile LIKE 'k2:%'") > 100);
}

/// A value in a JSON body, by JSON pointer, as text.
fn json_text(body: &str, pointer: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let found = v.pointer(pointer).unwrap();
    found
        .as_str()
        .map_or_else(|| found.to_string(), str::to_owned)
}

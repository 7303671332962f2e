//! `rapport audit verify` against a real server's trail, then against a tampered one.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::{demo_bank, execute_sql, rapport, stderr};

/// A minimal HTTP/1.1 request over loopback; returns the status code.
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    body: &str,
    token: Option<&str>,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned(),
    )
}

#[test]
fn verify_passes_on_a_real_trail_and_names_the_first_bad_entry_after_tampering() {
    let (_dir, data, _) = demo_bank("200", &["--skip-extracts"]);
    let d = data.to_str().unwrap();
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let rm_password = logins
        .lines()
        .find(|l| l.starts_with("rm0001 "))
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .to_owned();

    let mut server = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--data-dir", d, "--listen", "127.0.0.1:0"])
        .env("RAPPORT_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
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
    let (s, body) = http(
        &addr,
        "POST",
        "/api/v1/auth/login",
        &format!(r#"{{"username":"rm0001","password":"{rm_password}"}}"#),
        None,
    );
    assert_eq!(s, 200, "{body}");
    let token = body
        .split("\"token\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
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
    assert!(
        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    assert!(server.wait().unwrap().success());
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
    let bad = rapport(&["audit", "verify", "--data-dir", d]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("ends at entry 6 but entry 8 was anchored"),
        "{}",
        stderr(&bad)
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
    let count = |sql: &str| -> i64 {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            use sqlx::ConnectOptions;
            let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&db)
                .connect()
                .await
                .unwrap();
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(&mut conn)
                .await
                .unwrap()
        })
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM parties WHERE mobile LIKE 'k1:%' OR resident_id LIKE 'k1:%'"),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM accounts WHERE account_number_enc LIKE 'k1:%'"),
        0
    );
    assert!(count("SELECT COUNT(*) FROM parties WHERE mobile LIKE 'k2:%'") > 100);

    // The server reads them with the new key.
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let pw = logins
        .lines()
        .find(|l| l.starts_with("rm0001 "))
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .to_owned();
    // The most verbose logging there is: it must still carry no customer identifier.
    let mut server = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--data-dir", d, "--listen", "127.0.0.1:0"])
        .env("RAPPORT_LOG", "debug")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let addr = loop {
        let line = lines.next().unwrap().unwrap();
        log.push_str(&line);
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
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
    let mobile = list
        .split("\"mobile\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
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
    let id = found
        .split("\"id\":")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let (s, unmasked) = http(
        &addr,
        "POST",
        &format!("/api/v1/customers/{id}/unmask"),
        r#"{"field":"resident_id","reason":"kyc_review"}"#,
        Some(&token),
    );
    assert_eq!(s, 200, "{unmasked}");
    let resident_id = unmasked
        .split("\"values\":[\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(resident_id.len(), 18);
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
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

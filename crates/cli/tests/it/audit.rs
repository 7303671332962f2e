//! `rapport audit verify` against a real server's trail, then against a tampered one.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::{rapport, stderr};

/// A minimal HTTP/1.1 request over loopback; returns the status code.
fn http(addr: &str, method: &str, path: &str, body: &str, token: Option<&str>) -> (u16, String) {
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
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    assert!(
        rapport(&[
            "demo",
            "--customers",
            "200",
            "--data-dir",
            d,
            "--no-serve",
            "--skip-extracts"
        ])
        .status
        .success()
    );
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
    sqlite(
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

    sqlite(
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

/// Edits the SQLite file directly, as someone with access to the disk could.
fn sqlite(db: &std::path::Path, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(db)
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
    });
}

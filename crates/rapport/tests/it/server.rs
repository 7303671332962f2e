//! `rapport serve` as the tests start, call and stop it: a real server process on a free
//! loopback port, plain HTTP/1.1 requests, the demo logins.
use std::io::{BufRead, BufReader, Lines, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};

/// A running `rapport serve`: the process, its address, and its log (stderr) still to read.
pub struct Served {
    pub child: Child,
    pub addr: String,
    pub log: Lines<BufReader<ChildStderr>>,
    /// The log lines read until the server printed its address.
    pub log_so_far: String,
}

/// Starts `rapport serve` on the data directory with `RAPPORT_LOG=level`, on a free port of
/// 127.0.0.1, and waits for it to print where it listens.
pub fn serve(data_dir: &str, level: &str) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"])
        .env("RAPPORT_LOG", level)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log_so_far = String::new();
    let addr = loop {
        let line = log.next().unwrap().unwrap();
        log_so_far.push_str(&line);
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    Served {
        child,
        addr,
        log,
        log_so_far,
    }
}

/// Stops a server as an operator would (SIGTERM) and requires a clean exit.
pub fn stop(mut server: Child) {
    assert!(
        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    assert!(server.wait().unwrap().success());
}

/// A minimal HTTP/1.1 request over loopback; returns the status code and the body.
pub fn http(
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

/// Logs in through the API; the session token.
pub fn login(addr: &str, username: &str, password: &str) -> String {
    let (s, body) = http(
        addr,
        "POST",
        "/api/v1/auth/login",
        &format!(r#"{{"username":"{username}","password":"{password}"}}"#),
        None,
    );
    assert_eq!(s, 200, "{body}");
    let json: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    json["token"].as_str().unwrap().to_owned()
}

/// The password `rapport demo` wrote for `username` in the data directory's demo-logins.txt.
pub fn demo_password(data: &Path, username: &str) -> String {
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    logins
        .lines()
        .find_map(|l| {
            let mut parts = l.split(' ');
            (parts.next() == Some(username)).then(|| parts.next().unwrap().to_owned())
        })
        .unwrap_or_else(|| panic!("no demo login {username}"))
}

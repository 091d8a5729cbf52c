//! The `cairn` binary as a person uses it: verify, bake, unbake, config.

use cairn_credentials::fast::Auto;
use cairn_credentials::keys::SigningKey;
use cairn_credentials::ob3::*;
use cairn_credentials::proof::{self, ProofOptions};
use chrono::{Duration, Utc};
use std::path::Path;
use std::process::{Command, Output};

fn cairn(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cairn")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A credential signed by a `did:key` issuer, which verifies offline.
fn signed_credential() -> serde_json::Value {
    let key = SigningKey::from_seed(&[9u8; 32]);
    let did = key.did_key();
    let achievement = Achievement::new(
        "https://example.org/achievements/1",
        "Teamwork",
        "Works well in teams.",
        "Peers nominate.",
    );
    let credential = OpenBadgeCredential {
        id: "urn:uuid:1f7c1a52-2c7e-4e0b-9b7a-0f1f3b5e6a70".into(),
        issuer: Profile::new(did.clone(), "Example Issuer"),
        valid_from: Utc::now() - Duration::days(1),
        valid_until: None,
        awarded_date: None,
        name: "Teamwork".into(),
        description: None,
        image: None,
        subject: AchievementSubject::hashed_email("ana@example.org", "salt", achievement),
        evidence: Vec::new(),
        credential_status: None,
        endorsement: Vec::new(),
    };
    let method = format!("{did}#{}", did.trim_start_matches("did:key:"));
    proof::sign(
        &credential.to_json(),
        &key,
        &ProofOptions::assertion(method, Utc::now() - Duration::days(1)),
        &Auto,
    )
    .expect("signed")
}

#[test]
fn verify_prints_each_check_and_sets_the_exit_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let credential = signed_credential();
    std::fs::write(dir.path().join("badge.json"), credential.to_string()).expect("write");
    let ok = cairn(&["verify", "badge.json"], dir.path());
    assert!(ok.status.success(), "{}", text(&ok));
    let out = text(&ok);
    assert!(
        out.contains("[pass] The signature matches the credential") && out.contains("Verified."),
        "{out}"
    );

    let mut tampered = credential;
    tampered["name"] = serde_json::json!("Leadership");
    std::fs::write(dir.path().join("tampered.json"), tampered.to_string()).expect("write");
    let bad = cairn(&["verify", "tampered.json"], dir.path());
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("[FAIL] The signature matches the credential"));

    let missing = cairn(&["verify", "nope.json"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("reading nope.json"));
}

#[test]
fn bake_and_unbake_round_trip_and_the_baked_image_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let credential = signed_credential();
    std::fs::write(dir.path().join("badge.json"), credential.to_string()).expect("write");
    std::fs::write(
        dir.path().join("image.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle r=\"4\"/></svg>",
    )
    .expect("write");
    let baked = cairn(
        &["bake", "image.svg", "badge.json", "-o", "baked.svg"],
        dir.path(),
    );
    assert!(baked.status.success(), "{}", text(&baked));
    let unbaked = cairn(&["unbake", "baked.svg"], dir.path());
    assert!(unbaked.status.success(), "{}", text(&unbaked));
    let payload: serde_json::Value = serde_json::from_slice(&unbaked.stdout).expect("JSON");
    assert_eq!(payload, credential);
    let verified = cairn(&["verify", "baked.svg"], dir.path());
    assert!(verified.status.success(), "{}", text(&verified));
    assert!(text(&verified).contains("baked into an SVG image"));

    let not_an_image = cairn(
        &["bake", "badge.json", "badge.json", "-o", "x.png"],
        dir.path(),
    );
    assert!(!not_an_image.status.success());
    assert!(text(&not_an_image).contains("neither a PNG nor an SVG"));
}

#[test]
fn config_example_lists_every_setting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = cairn(&["config", "example"], dir.path());
    assert!(out.status.success());
    let text = text(&out);
    for key in [
        "listen",
        "database_url",
        "smtp_url",
        "public_url",
        "data_dir",
    ] {
        assert!(text.contains(&format!("{key} =")), "{key} in\n{text}");
    }
}

const DEMO_PASSWORD: &str = "cairn-demo-2026";

/// `cairn` with a data folder of its own and no setting from the
/// environment (the test runner's own `CAIRN_TEST_*` variables included:
/// `cairn` refuses settings it does not know).
fn cairn_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CAIRN_") {
            command.env_remove(key);
        }
    }
    command
        .current_dir(dir)
        .env("CAIRN_DATA_DIR", dir.join("data"))
        .env("CAIRN_LOG_FORMAT", "json");
    command
}

#[test]
fn demo_prints_the_log_in_table_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = cairn_command(dir.path())
        .arg("demo")
        .output()
        .expect("run cairn demo");
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    for expected in [
        "Demo data loaded: 3 organizations, 24 published micro-credentials, 12 accounts.",
        "http://127.0.0.1:8080/catalog",
        "http://127.0.0.1:8080/orgs/lawrence-crl",
        "http://127.0.0.1:8080/orgs/cottonwood-coop/stacks/instructional-leadership",
        "Log-ins (every demo account has the password cairn-demo-2026)",
        "morgan.admin@demo.cairn.test",
        "ada.author@demo.cairn.test",
        "lena.learner@demo.cairn.test",
        "Reviewer at Meadowlark Unified School District",
    ] {
        assert!(printed.contains(expected), "{expected:?} in\n{printed}");
    }
    let table_rows = printed
        .lines()
        .filter(|l| l.contains("@demo.cairn.test") && l.contains(DEMO_PASSWORD))
        .count();
    assert_eq!(table_rows, 12, "{printed}");

    let again = cairn_command(dir.path())
        .arg("demo")
        .output()
        .expect("run cairn demo again");
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("only loaded into an empty database"));
}

/// Reads a running server's output line by line, so a test can wait for a
/// line without sleeping.
struct Running {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: String,
}

impl Running {
    fn start(mut command: Command) -> Self {
        use std::io::BufRead;
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start cairn serve");
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        for stream in [
            Box::new(stdout) as Box<dyn std::io::Read + Send>,
            Box::new(stderr),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Self {
            child,
            lines,
            seen: String::new(),
        }
    }

    /// Waits (up to two minutes) for a line containing `needle`.
    fn wait_for(&mut self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    if line.contains(needle) {
                        return;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("{needle:?} never appeared; output:\n{}", self.seen);
                }
            }
        }
    }

    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.seen
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
}

#[test]
fn serve_demo_loads_an_empty_database_then_serves_and_leaves_data_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let serve = |dir: &Path| {
        let mut command = cairn_command(dir);
        command
            .args(["serve", "--demo"])
            .env("CAIRN_LISTEN", format!("127.0.0.1:{port}"));
        command
    };

    let mut first = Running::start(serve(dir.path()));
    first.wait_for("Cairn is listening");
    let page = get(port, "/orgs/lawrence-crl");
    let output = first.stop();
    assert!(output.contains("Demo data loaded"), "{output}");
    assert!(output.contains("lena.learner@demo.cairn.test"), "{output}");
    assert!(
        !output.contains("No administrator yet"),
        "the demo has a platform administrator: {output}"
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains("Lawrence Center for Research on Learning"),
        "{page}"
    );

    let mut second = Running::start(serve(dir.path()));
    second.wait_for("Cairn is listening");
    let output = second.stop();
    assert!(
        output.contains("so the demo data was not loaded"),
        "{output}"
    );
    assert!(!output.contains("Demo data loaded"), "{output}");
}

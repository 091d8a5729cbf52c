//! A bulk award survives its server being killed: `cairn demo`, then
//! `cairn serve`, a 1,000-row bulk award through the API, SIGKILL of the
//! server while it issues (between a third and two thirds done), a restart,
//! and the job finishes. Then: exactly 1,000 awards, one per address, each
//! credential verifies, and each person got one award email.

use cairn_app::clock::SystemClock;
use cairn_app::mail::Mailer;
use cairn_app::store::Repos;
use cairn_app::store::Store;
use cairn_app::store::blobs::LocalBlobs;
use cairn_app::store::bulk::RowStatus;
use cairn_app::store::jobs::JobStatus;
use cairn_app::{App, AppSettings, RequestMeta};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const SECRET: &str = "crash-test secret key, at least thirty-two characters";
const ORG: &str = "meadowlark-usd";
const ACHIEVEMENT: &str = "academic-vocabulary";
const PEOPLE: usize = 1_000;

fn cairn(dir: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CAIRN_") {
            command.env_remove(key);
        }
    }
    command
        .current_dir(dir)
        .env("CAIRN_DATA_DIR", dir.join("data"))
        .env("CAIRN_SECRET_KEY", SECRET)
        .env("CAIRN_LISTEN", format!("127.0.0.1:{port}"))
        .env("CAIRN_LOG_FORMAT", "json")
        .env("CAIRN_LOG_LEVEL", "warn");
    command
}

/// A running server whose output is read line by line.
struct Server {
    child: Child,
    lines: Receiver<String>,
}

impl Server {
    fn start(dir: &Path, port: u16) -> Self {
        let mut child = cairn(dir, port)
            .arg("serve")
            .env("CAIRN_LOG_LEVEL", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cairn serve");
        let (tx, lines) = channel();
        let streams: [Box<dyn Read + Send>; 2] = [
            Box::new(child.stdout.take().expect("stdout")),
            Box::new(child.stderr.take().expect("stderr")),
        ];
        for stream in streams {
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
        let mut server = Self { child, lines };
        server.wait_for("Cairn is listening");
        server
    }

    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = String::new();
        loop {
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) if line.contains(needle) => return,
                Ok(line) => {
                    seen.push_str(&line);
                    seen.push('\n');
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("{needle:?} never appeared:\n{seen}");
                }
            }
        }
    }

    /// SIGKILL: no shutdown, no cleanup.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reap");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One HTTP/1.1 request; the status and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let body = body.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"));
    (status, json)
}

/// The application on the server's database and folders, for the checks.
async fn app_on(dir: &Path, port: u16) -> App {
    let data = dir.join("data");
    let store = Store::connect(
        &format!("sqlite://{}?mode=rwc", data.join("cairn.db").display()),
        2,
    )
    .await
    .expect("open the database");
    App::new(
        store,
        LocalBlobs::open(data.join("uploads")).expect("uploads"),
        std::sync::Arc::new(SystemClock),
        AppSettings {
            public_url: url::Url::parse(&format!("http://127.0.0.1:{port}")).expect("URL"),
            session_days: 30,
            signups_open: true,
            open_organization_creation: false,
            key_secret: hex::encode(SECRET.as_bytes()),
            did_web: false,
        },
        Mailer::outbox(dir.join("test-outbox"), "test <test@example.org>").expect("outbox"),
    )
}

/// Every "You earned" email in the outbox: recipient → Message-IDs.
fn award_emails(outbox: &Path) -> (BTreeMap<String, BTreeSet<String>>, usize) {
    let mut by_recipient: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = 0;
    for entry in std::fs::read_dir(outbox).expect("outbox") {
        let raw = std::fs::read_to_string(entry.expect("entry").path()).expect("email");
        if !raw.contains("Congratulations:") {
            continue;
        }
        files += 1;
        let header = |name: &str| {
            raw.lines()
                .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
                .map(|l| l[name.len() + 1..].trim().to_owned())
                .unwrap_or_default()
        };
        by_recipient
            .entry(header("to"))
            .or_default()
            .insert(header("message-id"));
    }
    (by_recipient, files)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_award_finishes_exactly_once_after_its_server_is_killed() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let demo = cairn(dir.path(), port)
        .arg("demo")
        .output()
        .expect("cairn demo");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let app = app_on(dir.path(), port).await;
    let meta = RequestMeta::default();
    let session = app
        .log_in("dana.director@demo.cairn.test", "cairn-demo-2026", &meta)
        .await
        .expect("Dana logs in");
    let dana = app
        .authenticate_session(&session.token)
        .await
        .expect("session")
        .expect("principal");
    let token = app
        .create_api_token(&dana, "roster upload", None, &meta)
        .await
        .expect("token")
        .secret;
    let org = app
        .store()
        .organizations()
        .by_slug(ORG)
        .await
        .expect("org")
        .expect("the district");
    let achievement = app
        .store()
        .achievements()
        .by_slug(org.id, ACHIEVEMENT)
        .await
        .expect("achievement")
        .expect("the micro-credential");
    assert_eq!(
        app.store()
            .awards()
            .count_for(achievement.id)
            .await
            .expect("count"),
        0
    );

    let earned = (chrono::Utc::now() - chrono::Duration::days(7)).format("%Y-%m-%d");
    let mut csv = String::from("email,name,date,evidence URL\n");
    for n in 1..=PEOPLE {
        csv.push_str(&format!(
            "teacher{n:04}@district.example.org,Teacher {n},{earned},https://portfolio.example.org/t{n}\n"
        ));
    }

    let server = Server::start(dir.path(), port);
    let base = format!(
        "/api/v1/organizations/{ORG}/achievements/{}/bulk-awards",
        achievement.id
    );
    let (status, import) = http(
        port,
        "POST",
        &format!("{base}?dry_run=false"),
        &token,
        Some(&csv),
    );
    assert_eq!(status, 202, "{import}");
    let progress = format!("{base}/{}", import["id"].as_str().expect("id"));

    // Kill the server once a third is done.
    let issuing_since = Instant::now();
    let done_at_kill = loop {
        let (status, now) = http(port, "GET", &progress, &token, None);
        assert_eq!(status, 200, "{now}");
        let done = now["done"].as_u64().expect("done");
        if done >= (PEOPLE as u64) / 3 {
            server.kill();
            break done;
        }
        assert!(
            issuing_since.elapsed() < Duration::from_secs(120),
            "too slow: {now}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let issue_rate = done_at_kill as f64 / issuing_since.elapsed().as_secs_f64();
    let id: cairn_app::domain::BulkImportId =
        serde_json::from_value(import["id"].clone()).expect("an import id");
    let at_kill = app.store().bulk().counts(&[id]).await.expect("counts")[&id];
    assert!(
        at_kill.pending > 0 && at_kill.done() <= 2 * (PEOPLE as u64) / 3,
        "killed while issuing, between a third and two thirds: {at_kill:?}"
    );

    // Restart: the job is taken over once its lease lapses, and finishes.
    let restarted_at = Instant::now();
    let server = Server::start(dir.path(), port);
    let finished = loop {
        let (_, now) = http(port, "GET", &progress, &token, None);
        if now["status"] == "done" {
            break now;
        }
        assert!(
            restarted_at.elapsed() < Duration::from_secs(150),
            "the import did not finish after the restart: {now}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let resumed_after = restarted_at.elapsed();
    assert_eq!(
        (
            finished["issued"].as_u64(),
            finished["skipped"].as_u64(),
            finished["failed"].as_u64()
        ),
        (Some(PEOPLE as u64), Some(0), Some(0)),
        "{finished}"
    );
    // The award emails go out as the worker gets to them.
    let deadline = Instant::now() + Duration::from_secs(60);
    while app
        .store()
        .jobs()
        .count(JobStatus::Queued)
        .await
        .expect("count")
        > 0
        || app
            .store()
            .jobs()
            .count(JobStatus::Running)
            .await
            .expect("count")
            > 0
    {
        assert!(Instant::now() < deadline, "the emails were not all sent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.kill();

    let store = app.store();
    assert_eq!(
        store
            .awards()
            .count_for(achievement.id)
            .await
            .expect("count"),
        PEOPLE as u64
    );
    let rows = store
        .bulk()
        .rows(id, RowStatus::Issued, 0, 10 * PEOPLE as u64)
        .await
        .expect("rows");
    assert_eq!(rows.len(), PEOPLE);
    let mut awards = BTreeSet::new();
    for row in &rows {
        let award_id = row.award_id.expect("an issued row names its award");
        assert!(awards.insert(award_id), "one award per row");
        let award = store
            .awards()
            .get(award_id)
            .await
            .expect("get")
            .expect("award");
        assert_eq!(
            award.issue_key,
            format!("bulk:{}:{}", achievement.id, row.email),
            "one award per address"
        );
        assert_eq!(award.recipient_email, row.email);
        let png = dir
            .path()
            .join("data/uploads")
            .join(award.png_key.as_deref().expect("a baked PNG"));
        assert!(png.is_file(), "{} was stored", png.display());
        let report = app.verify_award(award_id).await.expect("verify");
        assert!(report.verified(), "{}: {report:?}", row.email);
    }
    let keys: Vec<String> = rows
        .iter()
        .map(|r| format!("bulk:{}:{}", achievement.id, r.email))
        .collect();
    assert_eq!(
        store.bulk().keys_used(&keys).await.expect("keys").len(),
        PEOPLE
    );

    let (emails, files) = award_emails(&dir.path().join("data/outbox"));
    assert_eq!(emails.len(), PEOPLE, "every person was emailed");
    for (to, ids) in &emails {
        assert_eq!(
            ids.len(),
            1,
            "{to} got one award email (the same message at most resent)"
        );
    }
    eprintln!(
        "crash test: killed at {done_at_kill}/{PEOPLE} rows ({issue_rate:.0} awards/s in this build), \
         finished {:.1} s after the restart, {} award email files for {} people, {:.1} s in all",
        resumed_after.as_secs_f64(),
        files,
        emails.len(),
        started.elapsed().as_secs_f64()
    );
}

//! Public badge pages under load: with 100,000 awards in the database, the
//! release `cairn serve` answers the badge page (`/badges/{id}`, HTML) and
//! the credential (`/badges/{id}` asked for `application/ld+json`) for
//! awards picked across the whole table, measured with `wrk` on loopback in
//! bounded runs; in the same run nginx serves the same bytes as static
//! files, the practical ceiling. On SQLite and on PostgreSQL.
//!
//! `cargo bench -p cairn-cli --bench badge_pages`; see docs/benchmarks.md.
//! Needs `wrk` and `nginx` (Debian: `apt-get install wrk nginx-light`).
//!
//! - `CAIRN_BENCH_AWARDS`: awards in the database (default 100000).
//! - `CAIRN_BENCH_SECONDS`: length of each measured run (default 10).
//! - `CAIRN_BENCH_CONNECTIONS`: concurrent connections (default 16).
//! - `CAIRN_TEST_POSTGRES_URL`: the PostgreSQL server to create (and drop)
//!   the benchmark's database on; without it, only SQLite runs.
//!
//! The awards: a thousand issued for real from a bulk file, and one through
//! the whole earning journey (coach, review, evidence); the rest are copies
//! of those rows under new ids, half of them of the reviewed one, so the
//! table and its indexes have their full size and half the pages show
//! evidence. Signing 100,000 credentials would only make the set-up slower.

#![expect(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use cairn_app::bulk::{BulkFile, Requester, Started};
use cairn_app::clock::SystemClock;
use cairn_app::domain::{AwardId, StatusListId};
use cairn_app::mail::Mailer;
use cairn_app::store::Repos;
use cairn_app::store::Store;
use cairn_app::store::awards::StatusListRow;
use cairn_app::store::blobs::LocalBlobs;
use cairn_app::store::bulk::{Channel, ImportStatus};
use cairn_app::{App, AppSettings, RequestMeta};
use cairn_test_support::TestDatabase;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "badge-page benchmark secret, not for production use";
const ORG: &str = "meadowlark-usd";
const ACHIEVEMENT: &str = "academic-vocabulary";
/// Awards issued for real from a bulk file.
const REAL: usize = 1_000;
/// Distinct awards each run asks for, spread over the whole table.
const SAMPLE: usize = 2_000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn require(tool: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{tool} is not installed: apt-get install {package} (see docs/benchmarks.md)"
    );
}

fn app_on(store: Store, data: &Path) -> App {
    App::new(
        store,
        LocalBlobs::open(data.join("uploads")).expect("uploads"),
        std::sync::Arc::new(SystemClock),
        AppSettings {
            public_url: url::Url::parse("http://127.0.0.1:8080").expect("URL"),
            session_days: 30,
            signups_open: true,
            open_organization_creation: false,
            key_secret: hex::encode(SECRET.as_bytes()),
            did_web: false,
        },
        Mailer::outbox(data.join("outbox"), "Cairn <cairn@example.org>").expect("outbox"),
    )
}

/// Fills the database: the demo, one reviewed award, `REAL` bulk awards,
/// then copies up to `total`. Returns every award id.
async fn seed(db_url: &str, data: &Path, total: usize) -> Vec<AwardId> {
    let store = Store::connect(db_url, 5).await.expect("connect");
    store.migrate().await.expect("migrate");
    let app = app_on(store.clone(), data);
    let reviewed = cairn_test_support::earning::demo_award(&app).await.award;
    let earned = (chrono::Utc::now() - chrono::Duration::days(30)).format("%Y-%m-%d");
    let mut file = String::from("email,name,date,evidence URL,narrative\n");
    for n in 1..=REAL {
        file.push_str(&format!(
            "teacher.{n:05}@district.example.org,Teacher Number {n},{earned},https://portfolio.example.org/teachers/{n},Taught three lessons with the routine.\n"
        ));
    }
    let started = app
        .start_bulk_award(
            Requester::Operator,
            ORG,
            ACHIEVEMENT,
            BulkFile {
                bytes: file.as_bytes(),
                file_name: Some("district.csv"),
            },
            Channel::Cli,
            &RequestMeta::default(),
        )
        .await
        .expect("start the bulk award");
    let Started::Started(import) = started else {
        panic!("the bulk file was refused");
    };
    loop {
        app.run_next_job().await.expect("a job");
        let now = store
            .bulk()
            .import(import.id)
            .await
            .expect("import")
            .expect("stored");
        if now.status == ImportStatus::Done {
            break;
        }
    }
    let mut originals = vec![
        store
            .awards()
            .get(reviewed)
            .await
            .expect("get")
            .expect("award"),
    ];
    for row in store
        .bulk()
        .rows(
            import.id,
            cairn_app::store::bulk::RowStatus::Issued,
            0,
            REAL as u64,
        )
        .await
        .expect("rows")
    {
        let id = row.award_id.expect("issued");
        originals.push(store.awards().get(id).await.expect("get").expect("award"));
    }
    let mut ids: Vec<AwardId> = originals.iter().map(|a| a.id).collect();

    // The copies go on lists of their own, so their indices are unique.
    let template = store
        .awards()
        .list(originals[0].status_list_id)
        .await
        .expect("list")
        .expect("the organization's list");
    let mut list: Option<StatusListRow> = None;
    let mut index = 0u32;
    let mut tx = store.begin().await.expect("begin");
    for n in ids.len()..total {
        if list.as_ref().is_none_or(|_| index >= template.size) {
            let fresh = StatusListRow {
                id: StatusListId(uuid::Uuid::new_v4()),
                next_counter: u64::from(template.size),
                ..template.clone()
            };
            tx.awards().insert_list(&fresh).await.expect("list");
            list = Some(fresh);
            index = 0;
        }
        let from = if n % 2 == 0 {
            &originals[0]
        } else {
            &originals[1 + n % (originals.len() - 1)]
        };
        let id = AwardId(uuid::Uuid::new_v4());
        let copy = cairn_app::store::awards::Award {
            id,
            issue_key: format!("copy:{id}"),
            status_list_id: list.as_ref().expect("a list").id,
            status_index: index,
            ..from.clone()
        };
        tx.awards().insert(&copy).await.expect("insert a copy");
        index += 1;
        ids.push(id);
        if n % 5_000 == 0 {
            tx.commit().await.expect("commit");
            tx = store.begin().await.expect("begin");
        }
    }
    tx.commit().await.expect("commit");
    store.close().await.expect("close");
    ids
}

/// `cairn serve` (the release binary) on `db_url`.
struct Server(Child);

impl Server {
    fn start(db_url: &str, data: &Path, port: u16) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CAIRN_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .arg("serve")
            .env("CAIRN_DATABASE_URL", db_url)
            .env("CAIRN_DATA_DIR", data)
            .env("CAIRN_SECRET_KEY", SECRET)
            .env("CAIRN_LISTEN", format!("127.0.0.1:{port}"))
            .env("CAIRN_LOG_FORMAT", "json")
            .env("CAIRN_LOG_LEVEL", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cairn serve");
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(out) as Box<dyn std::io::Read + Send>,
            Box::new(err),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.contains("Cairn is listening") => break,
                Ok(_) => {}
                Err(_) => {
                    let _ = child.kill();
                    panic!("cairn serve did not start");
                }
            }
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || while rx.recv().is_ok() {});
        Self(child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx serving `root` on `port`.
struct Nginx(Child);

impl Nginx {
    fn start(prefix: &Path, root: &Path, port: u16) -> Self {
        let conf = prefix.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "worker_processes auto;\n\
                 daemon off;\n\
                 pid {prefix}/nginx.pid;\n\
                 error_log {prefix}/error.log;\n\
                 events {{ worker_connections 1024; }}\n\
                 http {{\n\
                   access_log off;\n\
                   sendfile on;\n\
                   tcp_nopush on;\n\
                   keepalive_requests 1000000;\n\
                   client_body_temp_path {prefix}/body;\n\
                   types {{ text/html html; application/ld+json json; }}\n\
                   server {{ listen 127.0.0.1:{port}; root {root}; }}\n\
                 }}\n",
                prefix = prefix.display(),
                root = root.display(),
            ),
        )
        .expect("nginx.conf");
        let child = Command::new("nginx")
            .args(["-e", "stderr", "-p"])
            .arg(prefix)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self(child)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One GET over a fresh connection: the status and the body.
fn get(port: u16, path: &str, accept: &str) -> (u16, Vec<u8>) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("response");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = response[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size");
        let size = usize::from_str_radix(String::from_utf8_lossy(&raw[..line_end]).trim(), 16)
            .expect("a hex chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 4 + size..];
    }
}

/// What one wrk run measured.
#[derive(Clone, Copy, Debug)]
struct Measured {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// A bounded wrk run over `paths` (round robin, each thread starting at a
/// different place) with `accept`.
fn wrk(
    dir: &Path,
    port: u16,
    paths: &[String],
    accept: &str,
    seconds: u64,
    connections: u64,
) -> Measured {
    let script = dir.join(format!("run-{port}-{}.lua", accept.len()));
    let list = paths
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    std::fs::write(
        &script,
        format!(
            "local paths = {{\n{list}\n}}\n\
             local counter = 1\n\
             local threads = {{}}\n\
             function setup(thread)\n\
               thread:set(\"start\", #threads * 997)\n\
               table.insert(threads, thread)\n\
             end\n\
             function init(args) counter = start end\n\
             wrk.headers[\"Accept\"] = \"{accept}\"\n\
             function request()\n\
               counter = counter + 1\n\
               return wrk.format(\"GET\", paths[(counter % #paths) + 1])\n\
             end\n\
             function done(summary, latency, requests)\n\
               local bad = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout\n\
               io.write(string.format(\"RESULT %d %d %d %d %d\\n\", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad))\n\
             end\n"
        ),
    )
    .expect("wrk script");
    let output = Command::new("wrk")
        .arg("-t2")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--timeout")
        .arg("5s")
        .arg("-s")
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .expect("run wrk");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| {
            panic!(
                "wrk said: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let n: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect();
    assert_eq!(n[4], 0, "every request answered 2xx: {text}");
    Measured {
        rps: n[0] as f64 / (n[1] as f64 / 1e6),
        p50_ms: n[2] as f64 / 1000.0,
        p99_ms: n[3] as f64 / 1000.0,
    }
}

struct Row {
    engine: &'static str,
    what: &'static str,
    cairn: Measured,
    nginx: Measured,
    bytes: usize,
}

async fn on(
    db: TestDatabase,
    engine: &'static str,
    total: usize,
    seconds: u64,
    connections: u64,
) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("a folder");
    // nginx's workers run as an unprivileged user: they must read it.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("open the folder to nginx");
    }
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    let t = Instant::now();
    let ids = seed(&db.url, &data, total).await;
    println!(
        "{engine}: {} awards in the database ({:.0} s to set up)",
        ids.len(),
        t.elapsed().as_secs_f64()
    );

    // Awards spread over the whole table, in a shuffled order.
    let step = (ids.len() / SAMPLE).max(1);
    let mut sample: Vec<AwardId> = ids.iter().step_by(step).copied().take(SAMPLE).collect();
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for i in (1..sample.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        sample.swap(i, (state % (i as u64 + 1)) as usize);
    }

    let port = free_port();
    let server = Server::start(&db.url, &data, port);
    let root: PathBuf = dir.path().join("static");
    std::fs::create_dir_all(root.join("p")).expect("static folder");
    std::fs::create_dir_all(root.join("c")).expect("static folder");
    let (mut html_bytes, mut json_bytes) = (0, 0);
    let mut pages = Vec::new();
    let mut credentials = Vec::new();
    for id in &sample {
        let path = format!("/badges/{id}");
        let (status, page) = get(port, &path, "text/html");
        assert_eq!(status, 200, "{path}");
        let (status, json) = get(port, &path, "application/ld+json");
        assert_eq!(status, 200, "{path} as JSON");
        serde_json::from_slice::<serde_json::Value>(&json).expect("a credential");
        html_bytes += page.len();
        json_bytes += json.len();
        std::fs::write(root.join(format!("p/{id}.html")), page).expect("page");
        std::fs::write(root.join(format!("c/{id}.json")), json).expect("credential");
        pages.push(format!("/p/{id}.html"));
        credentials.push(format!("/c/{id}.json"));
    }
    let paths: Vec<String> = sample.iter().map(|id| format!("/badges/{id}")).collect();

    // Warm both, then measure each in turn.
    let _ = wrk(dir.path(), port, &paths, "text/html", 2, connections);
    let page = wrk(dir.path(), port, &paths, "text/html", seconds, connections);
    let credential = wrk(
        dir.path(),
        port,
        &paths,
        "application/ld+json",
        seconds,
        connections,
    );
    drop(server);

    let nginx_port = free_port();
    let prefix = dir.path().join("nginx");
    std::fs::create_dir_all(&prefix).expect("nginx folder");
    let nginx = Nginx::start(&prefix, &root, nginx_port);
    let _ = wrk(dir.path(), nginx_port, &pages, "text/html", 2, connections);
    let nginx_page = wrk(
        dir.path(),
        nginx_port,
        &pages,
        "text/html",
        seconds,
        connections,
    );
    let nginx_credential = wrk(
        dir.path(),
        nginx_port,
        &credentials,
        "application/ld+json",
        seconds,
        connections,
    );
    drop(nginx);
    db.drop_database().await;
    vec![
        Row {
            engine,
            what: "badge page (HTML)",
            cairn: page,
            nginx: nginx_page,
            bytes: html_bytes / sample.len(),
        },
        Row {
            engine,
            what: "credential (JSON)",
            cairn: credential,
            nginx: nginx_credential,
            bytes: json_bytes / sample.len(),
        },
    ]
}

#[tokio::main]
async fn main() {
    require("wrk", "wrk");
    require("nginx", "nginx-light");
    let total = env_number("CAIRN_BENCH_AWARDS", 100_000) as usize;
    let seconds = env_number("CAIRN_BENCH_SECONDS", 10).max(1);
    let connections = env_number("CAIRN_BENCH_CONNECTIONS", 16).max(1);
    println!(
        "badge pages: {total} awards, {SAMPLE} of them asked for, wrk -t2 -c{connections} -d{seconds}s on loopback, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut rows = on(
        TestDatabase::sqlite(),
        "SQLite",
        total,
        seconds,
        connections,
    )
    .await;
    match TestDatabase::postgres().await {
        Some(db) => rows.extend(on(db, "PostgreSQL", total, seconds, connections).await),
        None => println!("note: CAIRN_TEST_POSTGRES_URL is not set; PostgreSQL skipped"),
    }
    println!();
    println!(
        "| engine | response | size | Cairn req/s | Cairn p50 / p99 | nginx req/s | nginx p50 / p99 | Cairn / nginx |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {:.1} KiB | **{:.0}** | {:.2} / **{:.2}** ms | {:.0} | {:.2} / {:.2} ms | {:.0} % |",
            r.engine,
            r.what,
            r.bytes as f64 / 1024.0,
            r.cairn.rps,
            r.cairn.p50_ms,
            r.cairn.p99_ms,
            r.nginx.rps,
            r.nginx.p50_ms,
            r.nginx.p99_ms,
            100.0 * r.cairn.rps / r.nginx.rps,
        );
    }
}

//! Bulk-award throughput, end to end: a 10,000-row file checked and stored
//! (`App::start_bulk_award`), every row issued by the job queue as the
//! server's worker runs it (a signed Open Badges 3.0 credential, a baked
//! PNG and SVG, the status-list entry, the award row, the audit event and
//! the queued email, one transaction per award), and every email written
//! to the outbox; then the same file again, which awards nobody. On
//! SQLite and on PostgreSQL, on the demo's district and one of its
//! micro-credentials.
//!
//! `cargo bench -p cairn-app --bench bulk_awards`; see docs/benchmarks.md.
//!
//! - `CAIRN_BENCH_BULK_ROWS`: people in the file (default 10000).
//! - `CAIRN_TEST_POSTGRES_URL`: the PostgreSQL server to create (and drop)
//!   the benchmark's database on; without it, only SQLite runs.

#![expect(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use cairn_app::bulk::{BulkFile, Requester, Started};
use cairn_app::clock::SystemClock;
use cairn_app::mail::Mailer;
use cairn_app::store::blobs::LocalBlobs;
use cairn_app::store::bulk::{Channel, ImportStatus, RowStatus};
use cairn_app::store::{Repos, Store};
use cairn_app::{App, AppSettings, RequestMeta};
use cairn_test_support::TestDatabase;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ORG: &str = "meadowlark-usd";
const ACHIEVEMENT: &str = "academic-vocabulary";

struct Run {
    engine: &'static str,
    rows: usize,
    check_and_store: Duration,
    issue: Duration,
    emails_during: usize,
    emails_after: Duration,
    again: Duration,
}

impl Run {
    fn total(&self) -> Duration {
        self.check_and_store + self.issue + self.emails_after
    }
}

fn csv(rows: usize) -> String {
    let earned = (chrono::Utc::now() - chrono::Duration::days(30)).format("%Y-%m-%d");
    let mut out = String::from("email,name,date,evidence URL,narrative\n");
    for n in 1..=rows {
        let (url, narrative) = if n % 3 == 0 {
            (
                format!("https://portfolio.example.org/teachers/{n}"),
                "Taught three lessons with the routine and collected exit tickets.",
            )
        } else {
            (String::new(), "")
        };
        out.push_str(&format!(
            "teacher.{n:05}@district.example.org,Teacher Number {n},{earned},{url},{narrative}\n"
        ));
    }
    out
}

fn outbox_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

async fn on(db: TestDatabase, engine: &'static str, rows: usize, file: &str) -> Run {
    let data = tempfile::tempdir().expect("data folder");
    let store = Store::connect(&db.url, 10).await.expect("connect");
    store.migrate().await.expect("migrate");
    let outbox = data.path().join("outbox");
    let app = App::new(
        store.clone(),
        LocalBlobs::open(data.path().join("uploads")).expect("uploads"),
        std::sync::Arc::new(SystemClock),
        AppSettings {
            public_url: url::Url::parse("https://cairn.example.org").expect("URL"),
            session_days: 30,
            signups_open: true,
            open_organization_creation: false,
            key_secret: "bulk-award benchmark secret, not for production".into(),
            did_web: false,
        },
        Mailer::outbox(&outbox, "Cairn <cairn@example.org>").expect("outbox"),
    );
    app.load_demo().await.expect("demo");
    app.run_pending_jobs().await.expect("demo jobs");
    let before = outbox_count(&outbox);
    let who = Requester::Operator;

    let t = Instant::now();
    let started = app
        .start_bulk_award(
            who,
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
        .expect("start");
    let check_and_store = t.elapsed();
    let Started::Started(import) = started else {
        panic!("the file was refused");
    };

    let t = Instant::now();
    loop {
        app.run_next_job().await.expect("a job");
        let now = store
            .bulk()
            .import(import.id)
            .await
            .expect("import")
            .expect("there");
        if now.status == ImportStatus::Done {
            break;
        }
    }
    let issue = t.elapsed();
    let emails_during = outbox_count(&outbox) - before;

    let t = Instant::now();
    app.run_pending_jobs().await.expect("emails");
    let emails_after = t.elapsed();
    assert_eq!(outbox_count(&outbox) - before, rows, "one email per person");

    let counts = store.bulk().counts(&[import.id]).await.expect("counts")[&import.id];
    assert_eq!(
        (counts.issued, counts.failed),
        (rows as u64, 0),
        "{counts:?}"
    );
    let sample = store
        .bulk()
        .rows(import.id, RowStatus::Issued, 0, rows as u64)
        .await
        .expect("rows");
    for row in sample.iter().step_by((rows / 20).max(1)) {
        let report = app
            .verify_award(row.award_id.expect("award"))
            .await
            .expect("verify");
        assert!(report.verified(), "{}: {report:?}", row.email);
    }

    let t = Instant::now();
    let again = app
        .start_bulk_award(
            who,
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
        .expect("again");
    let again_took = t.elapsed();
    let Started::Started(second) = again else {
        panic!("the second run was refused");
    };
    assert_eq!(second.status, ImportStatus::Done, "nobody left to award");
    assert_eq!(
        store
            .awards()
            .count_for(import.achievement_id)
            .await
            .expect("count"),
        rows as u64
    );

    store.close().await.expect("close");
    db.drop_database().await;
    Run {
        engine,
        rows,
        check_and_store,
        issue,
        emails_during,
        emails_after,
        again: again_took,
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("CAIRN_BENCH_BULK_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
        .max(1);
    let file = csv(rows);
    println!(
        "bulk awards: {rows} rows, {:.1} MiB of CSV, a third with an evidence URL and narrative",
        file.len() as f64 / 1_048_576.0
    );
    let mut runs = vec![on(TestDatabase::sqlite(), "SQLite", rows, &file).await];
    match TestDatabase::postgres().await {
        Some(db) => runs.push(on(db, "PostgreSQL", rows, &file).await),
        None => println!("note: CAIRN_TEST_POSTGRES_URL is not set; PostgreSQL skipped"),
    }
    println!();
    println!(
        "| engine | check + store | issue (job) | emails left after | end to end | awards/s end to end | awards/s issuing | same file again |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in &runs {
        println!(
            "| {} | {:.2} s | {:.2} s ({} emails sent meanwhile) | {:.2} s | {:.2} s | **{:.0}** | {:.0} | {:.2} s |",
            r.engine,
            secs(r.check_and_store),
            secs(r.issue),
            r.emails_during,
            secs(r.emails_after),
            secs(r.total()),
            r.rows as f64 / secs(r.total()),
            r.rows as f64 / secs(r.issue),
            secs(r.again),
        );
    }
}

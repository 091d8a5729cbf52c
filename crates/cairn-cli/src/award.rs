//! `cairn award import FILE --org SLUG --achievement SLUG [--dry-run]`:
//! the platform's operator awards a micro-credential to the people of a CSV
//! file, on the configured database. `--dry-run` prints the check row by
//! row and writes nothing; otherwise this process issues the rows itself
//! (as the server's worker would) with a progress bar, then prints a
//! summary. The exit code is 1 when the file has problems or rows failed.

use crate::config::Config;
use crate::serve;
use anyhow::{Context, bail};
use cairn_app::bulk::{BulkCheck, BulkFile, ImportView, Requester, Started};
use cairn_app::store::bulk::{Channel, ImportStatus};
use cairn_app::{App, RequestMeta};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Subcommand, Debug)]
pub enum AwardCommand {
    /// Award a published micro-credential to the people of a CSV file
    /// (columns: email, name, date as YYYY-MM-DD, and optionally evidence
    /// URL and narrative). People who hold it already are skipped.
    Import(ImportArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, a header row first).
    file: PathBuf,
    /// The organization's slug.
    #[arg(long)]
    org: String,
    /// The micro-credential's slug (or id).
    #[arg(long)]
    achievement: String,
    /// Check the file and print every problem; award nobody.
    #[arg(long)]
    dry_run: bool,
}

/// How long an import may make no progress before the command gives up
/// waiting (the job stays queued; `cairn serve` finishes it).
const STALL: Duration = Duration::from_secs(600);

/// `cairn award …`: like the other commands, but logging warnings and
/// errors only at the default level, so a log line per email does not bury
/// the report and the progress bar.
pub fn main(config_path: Option<&std::path::Path>, command: AwardCommand) -> anyhow::Result<()> {
    let mut config = Config::load(config_path)?;
    if config.log_level == "info" {
        "warn".clone_into(&mut config.log_level);
    }
    serve::init_logging(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match command {
            AwardCommand::Import(args) => import(config, args).await,
        }
    })
}

async fn import(config: Config, args: ImportArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let (app, _) = serve::build_app(&config).await?;
    let who = Requester::Operator;
    if args.dry_run {
        let check = app
            .check_bulk_award(who, &args.org, &args.achievement, &bytes)
            .await?;
        crate::print_out(&report(&check, true));
        if !check.ok() {
            bail!(
                "the file has {} problem(s); fix them and check it again",
                check.errors().count()
            );
        }
        return Ok(());
    }
    let file_name = args.file.file_name().and_then(|n| n.to_str());
    let started = app
        .start_bulk_award(
            who,
            &args.org,
            &args.achievement,
            BulkFile {
                bytes: &bytes,
                file_name,
            },
            Channel::Cli,
            &RequestMeta::default(),
        )
        .await?;
    let import = match started {
        Started::Refused(check) => {
            crate::print_out(&report(&check, false));
            bail!(
                "the file has {} problem(s); nobody was awarded",
                check.errors().count()
            );
        }
        Started::Started(import) => import,
    };
    let view = app.bulk_import(who, &args.org, import.id).await?;
    crate::print_out(&format!(
        "Awarding “{}” ({}) to {} in {}: {} to issue, {} already hold it.",
        view.achievement.title,
        view.organization.name,
        people(view.counts.total()),
        args.file.display(),
        view.counts.pending,
        view.counts.skipped,
    ));
    let view = issue(&app, &args.org, view).await?;
    // The emails the award queued: this process is the worker here.
    app.run_pending_jobs().await?;
    crate::print_out(&summary(&view));
    app.store().clone().close().await?;
    if view.counts.failed > 0 {
        bail!("{} row(s) could not be issued", view.counts.failed);
    }
    Ok(())
}

/// Runs the queue in this process until the import is done, with a
/// progress bar fed by the import's counts.
async fn issue(app: &App, org: &str, mut view: ImportView) -> anyhow::Result<ImportView> {
    let bar = ProgressBar::new(view.counts.total());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows · {per_sec} · {msg} · {eta} left")?
            .progress_chars("█▉▊▋▌▍▎▏ "),
    );
    bar.set_position(view.counts.done());
    let id = view.import.id;
    let watcher = {
        let (app, org, bar) = (app.clone(), org.to_owned(), bar.clone());
        tokio::spawn(async move {
            loop {
                if let Ok(v) = app.bulk_import(Requester::Operator, &org, id).await {
                    bar.set_position(v.counts.done());
                    bar.set_message(format!(
                        "{} issued, {} failed",
                        v.counts.issued, v.counts.failed
                    ));
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let mut last = (view.counts.done(), Instant::now());
    while view.import.status == ImportStatus::Running {
        if !app.run_next_job().await? {
            // Another worker (a running server) has the job, or it waits
            // for a retry.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        view = app.bulk_import(Requester::Operator, org, id).await?;
        if view.counts.done() > last.0 {
            last = (view.counts.done(), Instant::now());
        } else if last.1.elapsed() > STALL {
            watcher.abort();
            bar.abandon();
            bail!(
                "the import made no progress for ten minutes; its job stays queued and `cairn serve` will finish it"
            );
        }
    }
    watcher.abort();
    bar.set_position(view.counts.done());
    bar.finish_and_clear();
    Ok(view)
}

/// "1 person", "2 people".
fn people(n: u64) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} people")
    }
}

/// The check, as the terminal shows it.
fn report(check: &BulkCheck, dry_run: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "“{}” ({}), version {}: {} in the file, {} to award, {} already hold it (skipped).",
        check.achievement.title,
        check.organization.name,
        check.version,
        people(u64::from(check.rows)),
        check.to_award,
        check.already
    );
    let errors: Vec<String> = check.errors().map(ToString::to_string).collect();
    let notices: Vec<String> = check.notices().map(ToString::to_string).collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "\nProblems to fix ({}):", errors.len());
        for e in &errors {
            let _ = writeln!(out, "  {e}");
        }
    }
    if !notices.is_empty() {
        let _ = writeln!(out, "\nNotes ({}):", notices.len());
        for n in &notices {
            let _ = writeln!(out, "  {n}");
        }
    }
    if errors.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if dry_run {
                "The file is ready. Run the same command without --dry-run to award."
            } else {
                "The file is ready."
            }
        );
    } else {
        let _ = writeln!(
            out,
            "\nNobody {} awarded: fix the rows above and run the command again.",
            if dry_run { "would be" } else { "was" }
        );
    }
    out
}

/// What the import did, with the rows that failed.
fn summary(view: &ImportView) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Done: {} issued, {} skipped (already awarded), {} failed, of {} rows.",
        view.counts.issued,
        view.counts.skipped,
        view.counts.failed,
        view.counts.total()
    );
    if !view.failed.is_empty() {
        let _ = writeln!(out, "\nNot issued:");
        for row in &view.failed {
            let _ = writeln!(
                out,
                "  Row {} ({}): {}",
                row.line,
                row.email,
                row.message.as_deref().unwrap_or("no reason recorded")
            );
        }
    }
    out
}

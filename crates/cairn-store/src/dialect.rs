//! The few places where SQLite and PostgreSQL need different handling.
//! Queries themselves are written once, through SeaORM.

use crate::{StoreError, StoreResult};
use sea_orm::ConnectOptions;
use std::path::Path;
use std::time::Duration;

/// Creates the folder of an SQLite file and sets the connection pragmas:
/// write-ahead logging, enforced foreign keys, a wait instead of an error
/// when another connection holds the write lock, and `PRAGMA optimize` when
/// a connection closes.
pub(crate) fn prepare_sqlite(url: &str, options: &mut ConnectOptions) -> StoreResult<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    let parent = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent.filter(|_| !path.is_empty() && path != ":memory:") {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Config(format!(
                "cannot create the database folder {}: {e}",
                parent.display()
            ))
        })?;
    }
    options.map_sqlx_sqlite_opts(|o| {
        o.create_if_missing(true)
            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Keeps the planner's statistics current, so a filter that
            // matches most rows is not mistaken for a selective one.
            .optimize_on_close(true, 1000)
    });
    Ok(())
}

/// A database URL with its password replaced, for messages and logs.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

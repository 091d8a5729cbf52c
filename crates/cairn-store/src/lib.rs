//! Cairn's storage: one [`Store`] over SQLite and PostgreSQL, chosen by the
//! database URL, with one migration set and one query per operation.
//!
//! Repositories (one module per aggregate) work on the pool or inside a
//! [`Tx`] alike, through the [`Repos`] trait, so a use case writes several
//! rows in one transaction with the same functions it reads with.

pub mod achievements;
pub mod api_tokens;
pub mod audit;
pub mod awards;
pub mod backpack;
pub mod blobs;
pub mod bulk;
mod dialect;
pub mod email_tokens;
pub mod enrollments;
mod entities;
mod error;
pub mod jobs;
pub mod levels;
pub mod memberships;
mod migration;
pub mod organizations;
pub mod partnerships;
pub mod payments;
pub mod rate_limits;
pub mod reviews;
pub mod sessions;
pub mod sponsorships;
pub mod stacks;
pub mod templates;
pub mod users;

pub use error::{StoreError, StoreResult};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database, shared by every request and job.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
}

impl Store {
    /// Opens the database at `url` (`sqlite://path` or `postgres://…`),
    /// creating an SQLite file and its folder when missing.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "unsupported database URL (expected sqlite://… or postgres://…): {}",
                dialect::redact_url(url)
            )));
        };
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections.max(1))
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        if backend == Backend::Sqlite {
            dialect::prepare_sqlite(url, &mut options)?;
        }
        let db = Database::connect(options).await?;
        Ok(Self { db, backend })
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> StoreResult<()> {
        migration::Migrator::up(&self.db, None).await?;
        self.refresh_statistics().await
    }

    /// Refreshes the query planner's statistics where they are missing or
    /// stale (SQLite's `PRAGMA optimize`, sampling at most 1,000 rows per
    /// index so it stays fast on a large database; PostgreSQL's autovacuum
    /// does this on its own). Run at start and after bulk loads; between
    /// those, connections run it as they close.
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            self.db
                .execute_unprepared("PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;")
                .await?;
        }
        Ok(())
    }

    /// Migrations not yet applied.
    pub async fn pending_migrations(&self) -> StoreResult<usize> {
        Ok(migration::Migrator::get_pending_migrations(&self.db)
            .await?
            .len())
    }

    /// The engine in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers wait for each other instead of
    /// failing half-way.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let tx = self.db.begin_with_options(options).await?;
        Ok(Tx {
            tx,
            backend: self.backend,
        })
    }

    /// Closes every connection.
    pub async fn close(self) -> StoreResult<()> {
        self.db.close().await?;
        Ok(())
    }
}

/// A write transaction: everything done through it lands together on
/// [`Tx::commit`], or not at all when it is dropped.
#[derive(Debug)]
pub struct Tx {
    tx: DatabaseTransaction,
    backend: Backend,
}

impl Tx {
    /// Makes the writes permanent.
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The repositories, on the pool or in a transaction.
pub trait Repos {
    /// The connection the repositories run their queries on.
    type Conn: ConnectionTrait;

    #[doc(hidden)]
    fn conn(&self) -> &Self::Conn;

    #[doc(hidden)]
    fn engine(&self) -> Backend;

    fn users(&self) -> users::Users<'_, Self::Conn> {
        users::Users(self.conn())
    }
    fn sessions(&self) -> sessions::Sessions<'_, Self::Conn> {
        sessions::Sessions(self.conn())
    }
    fn email_tokens(&self) -> email_tokens::EmailTokens<'_, Self::Conn> {
        email_tokens::EmailTokens(self.conn())
    }
    fn organizations(&self) -> organizations::Organizations<'_, Self::Conn> {
        organizations::Organizations(self.conn())
    }
    fn memberships(&self) -> memberships::Memberships<'_, Self::Conn> {
        memberships::Memberships(self.conn())
    }
    fn api_tokens(&self) -> api_tokens::ApiTokens<'_, Self::Conn> {
        api_tokens::ApiTokens(self.conn())
    }
    fn jobs(&self) -> jobs::Jobs<'_, Self::Conn> {
        jobs::Jobs {
            db: self.conn(),
            backend: self.engine(),
        }
    }
    fn audit(&self) -> audit::Audit<'_, Self::Conn> {
        audit::Audit(self.conn())
    }
    fn achievements(&self) -> achievements::Achievements<'_, Self::Conn> {
        achievements::Achievements(self.conn())
    }
    fn enrollments(&self) -> enrollments::Enrollments<'_, Self::Conn> {
        enrollments::Enrollments(self.conn())
    }
    fn levels(&self) -> levels::Levels<'_, Self::Conn> {
        levels::Levels(self.conn())
    }
    fn templates(&self) -> templates::Templates<'_, Self::Conn> {
        templates::Templates(self.conn())
    }
    fn stacks(&self) -> stacks::Stacks<'_, Self::Conn> {
        stacks::Stacks(self.conn())
    }
    fn partnerships(&self) -> partnerships::Partnerships<'_, Self::Conn> {
        partnerships::Partnerships(self.conn())
    }
    fn reviews(&self) -> reviews::Reviews<'_, Self::Conn> {
        reviews::Reviews(self.conn())
    }
    fn sponsorships(&self) -> sponsorships::Sponsorships<'_, Self::Conn> {
        sponsorships::Sponsorships(self.conn())
    }
    fn payments(&self) -> payments::Payments<'_, Self::Conn> {
        payments::Payments(self.conn())
    }
    fn awards(&self) -> awards::Awards<'_, Self::Conn> {
        awards::Awards(self.conn())
    }
    fn backpack(&self) -> backpack::Backpack<'_, Self::Conn> {
        backpack::Backpack(self.conn())
    }
    fn bulk(&self) -> bulk::Bulk<'_, Self::Conn> {
        bulk::Bulk(self.conn())
    }
    fn rate_limits(&self) -> rate_limits::RateLimits<'_, Self::Conn> {
        rate_limits::RateLimits(self.conn())
    }
}

impl Repos for Store {
    type Conn = DatabaseConnection;
    fn conn(&self) -> &DatabaseConnection {
        &self.db
    }
    fn engine(&self) -> Backend {
        self.backend
    }
}

impl Repos for Tx {
    type Conn = DatabaseTransaction;
    fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }
    fn engine(&self) -> Backend {
        self.backend
    }
}

/// The current time as every backend stores it: UTC, whole microseconds
/// (PostgreSQL keeps microseconds; SQLite would keep nanoseconds).
pub fn truncate_to_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

impl From<DbBackend> for Backend {
    fn from(b: DbBackend) -> Self {
        match b {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }
}

//! The job queue: slow work (email, later signing and webhooks) stored in
//! the same database as the change that caused it, so a job exists exactly
//! when its change committed.
//!
//! A job is claimed by a conditional update that only one worker can win;
//! on PostgreSQL the candidate row is also selected `FOR UPDATE SKIP LOCKED`
//! so that workers on several servers do not queue behind one another.

use crate::entities::job;
use crate::{Backend, StoreResult};
use cairn_domain::JobId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for its `run_at`.
    Queued,
    /// Claimed by a worker until `locked_until`.
    Running,
    /// Finished; never run again.
    Done,
    /// Failed every attempt; kept for inspection.
    Dead,
}

impl JobStatus {
    const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Dead => "dead",
        }
    }

    /// Every status.
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Dead,
    ];

    /// The stored name.
    pub const fn name(self) -> &'static str {
        self.as_str()
    }
}

/// A claimed job.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub max_attempts: i32,
    pub created_at: DateTime<Utc>,
}

/// A job to enqueue.
#[derive(Clone, Debug)]
pub struct NewJob<'a> {
    pub id: JobId,
    pub kind: &'a str,
    pub payload: serde_json::Value,
    /// Two jobs with the same key are never both enqueued.
    pub dedupe_key: Option<&'a str>,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
    pub now: DateTime<Utc>,
}

/// The job queue.
#[derive(Debug)]
pub struct Jobs<'a, C> {
    pub(crate) db: &'a C,
    pub(crate) backend: Backend,
}

impl<C: ConnectionTrait> Jobs<'_, C> {
    /// Enqueues a job; returns false when a job with the same dedupe key
    /// already exists (and so nothing was added).
    pub async fn enqueue(&self, new: NewJob<'_>) -> StoreResult<bool> {
        let model = job::ActiveModel {
            id: Set(new.id.0),
            kind: Set(new.kind.to_owned()),
            payload: Set(new.payload),
            dedupe_key: Set(new.dedupe_key.map(str::to_owned)),
            status: Set(JobStatus::Queued.as_str().to_owned()),
            attempts: Set(0),
            max_attempts: Set(std::cmp::max(new.max_attempts, 1)),
            run_at: Set(new.run_at),
            locked_until: Set(None),
            last_error: Set(None),
            created_at: Set(new.now),
            updated_at: Set(new.now),
        };
        let inserted = job::Entity::insert(model)
            .on_conflict(
                OnConflict::column(job::Column::DedupeKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(self.db)
            .await?;
        Ok(inserted == 1)
    }

    fn claimable(now: DateTime<Utc>) -> Condition {
        Condition::any()
            .add(
                Condition::all()
                    .add(job::Column::Status.eq(JobStatus::Queued.as_str()))
                    .add(job::Column::RunAt.lte(now)),
            )
            .add(
                Condition::all()
                    .add(job::Column::Status.eq(JobStatus::Running.as_str()))
                    .add(job::Column::LockedUntil.lt(now)),
            )
    }

    /// Claims the next due job for `lease`. A job whose worker died is
    /// claimable again once its lease has run out.
    pub async fn claim_next(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> StoreResult<Option<Job>> {
        let mut query = job::Entity::find()
            .filter(Self::claimable(now))
            .order_by_asc(job::Column::RunAt)
            .limit(1);
        if self.backend == Backend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(candidate) = query.one(self.db).await? else {
            return Ok(None);
        };
        let claimed = job::Entity::update_many()
            .col_expr(
                job::Column::Status,
                Expr::value(JobStatus::Running.as_str()),
            )
            .col_expr(job::Column::LockedUntil, Expr::value(now + lease))
            .col_expr(
                job::Column::Attempts,
                Expr::col(job::Column::Attempts).add(1),
            )
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(candidate.id))
            .filter(Self::claimable(now))
            .exec(self.db)
            .await?;
        if claimed.rows_affected != 1 {
            return Ok(None);
        }
        Ok(Some(Job {
            id: JobId(candidate.id),
            kind: candidate.kind,
            payload: candidate.payload,
            attempts: candidate.attempts + 1,
            max_attempts: candidate.max_attempts,
            created_at: candidate.created_at,
        }))
    }

    /// Marks a job done and replaces its payload (e.g. with a version
    /// without secrets).
    pub async fn complete(
        &self,
        id: JobId,
        payload: serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(JobStatus::Done.as_str()))
            .col_expr(
                job::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(job::Column::Payload, Expr::value(payload))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(id.0))
            .exec(self.db)
            .await?;
        Ok(())
    }

    /// Moves the end of a running job's claim to `until`: a long job renews
    /// it as it goes, so that when its worker dies another takes the job
    /// over soon. `false` when the job is not running any more.
    pub async fn renew_lease(&self, id: JobId, until: DateTime<Utc>) -> StoreResult<bool> {
        let result = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(Some(until)))
            .filter(job::Column::Id.eq(id.0))
            .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
            .exec(self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records a failed attempt: the job runs again at `retry_at`, or is
    /// dead when `retry_at` is `None`.
    pub async fn fail(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let status = if retry_at.is_some() {
            JobStatus::Queued
        } else {
            JobStatus::Dead
        };
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                job::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                job::Column::LastError,
                Expr::value(error.chars().take(2000).collect::<String>()),
            )
            .col_expr(job::Column::UpdatedAt, Expr::value(now));
        if let Some(at) = retry_at {
            update = update.col_expr(job::Column::RunAt, Expr::value(at));
        }
        update
            .filter(job::Column::Id.eq(id.0))
            .exec(self.db)
            .await?;
        Ok(())
    }

    /// How many jobs are in a status.
    pub async fn count(&self, status: JobStatus) -> StoreResult<u64> {
        Ok(job::Entity::find()
            .filter(job::Column::Status.eq(status.as_str()))
            .count(self.db)
            .await?)
    }

    /// The status and last error of a job.
    pub async fn status(&self, id: JobId) -> StoreResult<Option<(JobStatus, i32, Option<String>)>> {
        let Some(m) = job::Entity::find_by_id(id.0).one(self.db).await? else {
            return Ok(None);
        };
        let status = JobStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == m.status)
            .unwrap_or(JobStatus::Dead);
        Ok(Some((status, m.attempts, m.last_error)))
    }

    /// Removes finished jobs older than `before`.
    pub async fn prune_done(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        Ok(job::Entity::delete_many()
            .filter(job::Column::Status.eq(JobStatus::Done.as_str()))
            .filter(job::Column::UpdatedAt.lt(before))
            .exec(self.db)
            .await?
            .rows_affected)
    }
}

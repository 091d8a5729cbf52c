//! The worker that runs queued jobs, started by `cairn serve`.

use crate::mail::EMAIL_JOB;
use crate::{App, AppResult};
use cairn_store::Repos;
use cairn_store::jobs::Job;
use chrono::Duration;
use std::future::Future;

/// How long a worker may hold a job before another may take it over.
const LEASE: Duration = Duration::minutes(5);

/// The wait before attempt `n + 1`: 30 s, doubling, at most six hours.
fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let secs = 30_i64.saturating_mul(2_i64.saturating_pow(exponent));
    Duration::seconds(secs.min(6 * 3600))
}

impl App {
    /// Tells the worker that a job is waiting.
    pub fn wake_worker(&self) {
        self.inner.jobs_waiting.notify_one();
    }

    /// Runs the next due job, if any; returns whether one ran.
    pub async fn run_next_job(&self) -> AppResult<bool> {
        let now = self.now();
        let Some(job) = self.store().jobs().claim_next(now, LEASE).await? else {
            return Ok(false);
        };
        let outcome = self.run_job(&job).await;
        let now = self.now();
        match outcome {
            Ok(kept) => {
                self.store().jobs().complete(job.id, kept, now).await?;
                metrics::counter!("cairn_jobs_total", "kind" => job.kind.clone(), "outcome" => "done").increment(1);
            }
            Err(err) => {
                let retry_at =
                    (job.attempts < job.max_attempts).then(|| now + backoff(job.attempts));
                tracing::warn!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, error = %format!("{err:#}"), retry = retry_at.is_some(), "job failed");
                self.store()
                    .jobs()
                    .fail(job.id, &format!("{err:#}"), retry_at, now)
                    .await?;
                let outcome = if retry_at.is_some() { "retry" } else { "dead" };
                metrics::counter!("cairn_jobs_total", "kind" => job.kind.clone(), "outcome" => outcome).increment(1);
            }
        }
        Ok(true)
    }

    async fn run_job(&self, job: &Job) -> anyhow::Result<serde_json::Value> {
        match job.kind.as_str() {
            EMAIL_JOB => self.deliver_email(job).await,
            crate::issuing::ISSUE_JOB => self.run_issue_job(job).await,
            crate::bulk::BULK_JOB => self.run_bulk_job(job).await,
            other => anyhow::bail!("unknown job kind {other:?}"),
        }
    }

    /// Runs due jobs until none is left; returns how many ran.
    pub async fn run_pending_jobs(&self) -> AppResult<usize> {
        let mut ran = 0;
        while self.run_next_job().await? {
            ran += 1;
        }
        Ok(ran)
    }

    /// Removes expired sessions, tokens, counters and old finished jobs.
    pub async fn housekeeping(&self) -> AppResult<()> {
        let now = self.now();
        let store = self.store();
        store.sessions().delete_expired(now).await?;
        store
            .email_tokens()
            .delete_expired(now - Duration::days(30))
            .await?;
        store.rate_limits().prune(now - Duration::days(1)).await?;
        store.jobs().prune_done(now - Duration::days(30)).await?;
        Ok(())
    }

    /// Runs jobs until `shutdown` completes: at once when woken, otherwise
    /// every two seconds (jobs enqueued by other servers, retries).
    pub async fn run_worker(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut last_housekeeping = None;
        loop {
            loop {
                match self.run_next_job().await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(err) => {
                        tracing::error!(error = %err, "the job worker could not reach the database");
                        break;
                    }
                }
            }
            let now = self.now();
            if last_housekeeping.is_none_or(|at| now - at > Duration::hours(1)) {
                if let Err(err) = self.housekeeping().await {
                    tracing::warn!(error = %err, "housekeeping failed");
                }
                last_housekeeping = Some(now);
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = self.inner.jobs_waiting.notified() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use chrono::Duration;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(50), Duration::hours(6));
    }
}

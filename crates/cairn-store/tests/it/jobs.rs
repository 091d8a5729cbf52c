use crate::{id, t0};
use cairn_domain::JobId;
use cairn_store::Repos;
use cairn_store::jobs::{JobStatus, NewJob};
use cairn_test_support::each_backend;
use chrono::Duration;
use serde_json::json;

fn job(key: Option<&str>) -> NewJob<'_> {
    NewJob {
        id: JobId(id()),
        kind: "email",
        payload: json!({"to": "ana@example.org", "n": 1.5, "text": "héllo"}),
        dedupe_key: key,
        run_at: t0(),
        max_attempts: 3,
        now: t0(),
    }
}

#[tokio::test]
async fn a_dedupe_key_enqueues_a_job_once() {
    each_backend(|store| async move {
        assert!(
            store
                .jobs()
                .enqueue(job(Some("verify:1")))
                .await
                .expect("enqueue")
        );
        assert!(
            !store
                .jobs()
                .enqueue(job(Some("verify:1")))
                .await
                .expect("enqueue")
        );
        assert!(store.jobs().enqueue(job(None)).await.expect("enqueue"));
        assert!(
            store.jobs().enqueue(job(None)).await.expect("enqueue"),
            "jobs without a key never clash"
        );
        assert_eq!(
            store.jobs().count(JobStatus::Queued).await.expect("count"),
            3
        );
    })
    .await;
}

#[tokio::test]
async fn a_job_is_claimed_by_one_worker_and_keeps_its_payload() {
    each_backend(|store| async move {
        store.jobs().enqueue(job(None)).await.expect("enqueue");
        assert!(
            store
                .jobs()
                .claim_next(t0() - Duration::seconds(1), Duration::minutes(5))
                .await
                .expect("claim")
                .is_none(),
            "not due yet"
        );
        let claimed = store
            .jobs()
            .claim_next(t0(), Duration::minutes(5))
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(
            claimed.payload,
            json!({"to": "ana@example.org", "n": 1.5, "text": "héllo"})
        );
        assert_eq!(claimed.attempts, 1);
        assert!(
            store
                .jobs()
                .claim_next(t0(), Duration::minutes(5))
                .await
                .expect("claim")
                .is_none(),
            "already claimed"
        );
        store
            .jobs()
            .complete(claimed.id, json!({"to": "ana@example.org"}), t0())
            .await
            .expect("complete");
        assert!(
            store
                .jobs()
                .claim_next(t0() + Duration::hours(1), Duration::minutes(5))
                .await
                .expect("claim")
                .is_none(),
            "done jobs never run again"
        );
        assert_eq!(
            store
                .jobs()
                .status(claimed.id)
                .await
                .expect("status")
                .map(|s| s.0),
            Some(JobStatus::Done)
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_job() {
    each_backend(|store| async move {
        for _ in 0..20 {
            store.jobs().enqueue(job(None)).await.expect("enqueue");
        }
        let mut workers = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(j) = store
                    .jobs()
                    .claim_next(t0(), Duration::minutes(5))
                    .await
                    .expect("claim")
                {
                    mine.push(j.id);
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await.expect("worker"));
        }
        let total = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), total, "no job was claimed twice");
        assert_eq!(total, 20, "every job was claimed");
    })
    .await;
}

#[tokio::test]
async fn failures_retry_later_then_die_and_abandoned_jobs_are_reclaimed() {
    each_backend(|store| async move {
        store.jobs().enqueue(job(None)).await.expect("enqueue");
        let first = store
            .jobs()
            .claim_next(t0(), Duration::minutes(5))
            .await
            .expect("claim")
            .expect("due");
        store
            .jobs()
            .fail(
                first.id,
                "smtp down",
                Some(t0() + Duration::minutes(1)),
                t0(),
            )
            .await
            .expect("fail");
        assert!(
            store
                .jobs()
                .claim_next(t0(), Duration::minutes(5))
                .await
                .expect("claim")
                .is_none(),
            "backing off"
        );
        let second = store
            .jobs()
            .claim_next(t0() + Duration::minutes(1), Duration::minutes(5))
            .await
            .expect("claim")
            .expect("retry");
        assert_eq!(second.attempts, 2);
        // The worker dies: after its lease runs out another worker takes over.
        let later = t0() + Duration::minutes(7);
        let third = store
            .jobs()
            .claim_next(later, Duration::minutes(5))
            .await
            .expect("claim")
            .expect("reclaimed");
        assert_eq!(third.id, first.id);
        store
            .jobs()
            .fail(third.id, "still down", None, later)
            .await
            .expect("fail");
        let (status, attempts, error) = store
            .jobs()
            .status(first.id)
            .await
            .expect("status")
            .expect("exists");
        assert_eq!(
            (status, attempts, error.as_deref()),
            (JobStatus::Dead, 3, Some("still down"))
        );
    })
    .await;
}

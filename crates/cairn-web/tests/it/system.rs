use crate::on_each_backend_with;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let client = app.client();
            client
                .get("/healthz")
                .await
                .assert_status(200)
                .assert_contains("ok");
            client
                .get("/readyz")
                .await
                .assert_status(200)
                .assert_contains("ready");
            client.get("/orgs").await.assert_status(200);
            let metrics = client.get("/metrics").await;
            metrics
                .assert_status(200)
                .assert_contains("cairn_http_requests_total")
                .assert_contains("route=\"/orgs\"")
                .assert_contains("cairn_jobs");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn the_stylesheet_is_served() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let css = app.client().get("/static/cairn.css").await;
            css.assert_status(200).assert_contains(":focus-visible");
            assert!(
                css.headers["content-type"]
                    .to_str()
                    .expect("text")
                    .starts_with("text/css")
            );
            app
        },
    )
    .await;
}

#[tokio::test]
async fn queued_email_is_delivered_once() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let client = app.client();
            client
                .submit("/password/forgot", &[("email", "nobody@example.org")])
                .await
                .assert_status(200);
            client
                .submit(
                    "/signup",
                    &[
                        ("display_name", "Ana"),
                        ("email", "ana@example.org"),
                        ("password", crate::PASSWORD),
                    ],
                )
                .await
                .assert_status(200);
            let first = app.emails().await;
            assert_eq!(
                first.len(),
                1,
                "one verification email, none for the unknown address"
            );
            assert_eq!(
                app.app.run_pending_jobs().await.expect("jobs"),
                0,
                "nothing left to run"
            );
            assert_eq!(
                app.emails().await.len(),
                1,
                "running the queue again sends nothing twice"
            );
            app
        },
    )
    .await;
}

#[tokio::test]
async fn email_that_cannot_be_sent_is_retried_with_back_off() {
    use cairn_app::store::Repos;
    use cairn_app::store::jobs::JobStatus;
    use chrono::Duration;
    // Nothing listens on port 9: every delivery attempt fails.
    on_each_backend_with(
        |b| b.smtp("smtp://127.0.0.1:9"),
        |app| async move {
            app.client()
                .submit(
                    "/signup",
                    &[
                        ("display_name", "Ana"),
                        ("email", "ana@example.org"),
                        ("password", crate::PASSWORD),
                    ],
                )
                .await
                .assert_status(200);
            let jobs = app.store.jobs();
            assert_eq!(
                app.app.run_pending_jobs().await.expect("run"),
                1,
                "one attempt"
            );
            assert_eq!(
                jobs.count(JobStatus::Queued).await.expect("count"),
                1,
                "queued again"
            );
            assert_eq!(
                app.app.run_pending_jobs().await.expect("run"),
                0,
                "not before the back-off"
            );
            app.clock.advance(Duration::seconds(31));
            assert_eq!(
                app.app.run_pending_jobs().await.expect("run"),
                1,
                "second attempt after 30 s"
            );
            app.clock.advance(Duration::seconds(31));
            assert_eq!(
                app.app.run_pending_jobs().await.expect("run"),
                0,
                "the wait doubled"
            );
            for _ in 0..8 {
                app.clock.advance(Duration::hours(7));
                app.app.run_pending_jobs().await.expect("run");
            }
            assert_eq!(
                jobs.count(JobStatus::Dead).await.expect("count"),
                1,
                "given up after eight attempts, kept for inspection"
            );
            assert_eq!(jobs.count(JobStatus::Queued).await.expect("count"), 0);
            app
        },
    )
    .await;
}

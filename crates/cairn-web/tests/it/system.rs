use cairn_test_support::TestApp;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
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
    app.finish().await;
}

#[tokio::test]
async fn the_stylesheet_is_served() {
    let app = TestApp::spawn().await;
    let css = app.client().get("/static/cairn.css").await;
    css.assert_status(200).assert_contains(":focus-visible");
    assert!(
        css.headers["content-type"]
            .to_str()
            .expect("text")
            .starts_with("text/css")
    );
    app.finish().await;
}

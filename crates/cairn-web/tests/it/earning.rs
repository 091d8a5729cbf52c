//! The earning pages, on the demo content: joining, the enrollment page,
//! evidence and comments; and who may not see an enrollment.

use crate::on_each_backend;
use cairn_test_support::{TestApp, TestClient};

async fn demo_login(app: &TestApp, who: &str) -> TestClient {
    let client = app.client();
    client
        .submit(
            "/login",
            &[
                ("email", &format!("{who}@demo.cairn.test")),
                ("password", cairn_app::demo::DEMO_PASSWORD),
            ],
        )
        .await
        .assert_status(200);
    client
}

#[tokio::test]
async fn a_learner_joins_adds_evidence_and_talks_with_the_coach_while_strangers_see_nothing() {
    on_each_backend(|app| async move {
        app.app.load_demo().await.expect("demo");
        let lena = demo_login(&app, "lena.learner").await;
        let catalog = lena
            .get("/catalog?organization=meadowlark-usd&price=free")
            .await;
        let start = catalog
            .text
            .find("/orgs/meadowlark-usd/achievements/")
            .expect("a district micro-credential");
        let page: String = catalog.text[start..]
            .split('"')
            .next()
            .expect("href")
            .to_owned();
        let joined = lena
            .submit(&format!("{page}/join"), &[("funding", "free")])
            .await;
        joined.assert_status(200).assert_contains("You joined");
        assert!(joined.path.starts_with("/enrollments/"), "{}", joined.path);
        let enrollment = joined.path.clone();
        lena.submit(&format!("{page}/join"), &[("funding", "free")])
            .await
            .assert_contains("already joined");

        lena.submit(
            &format!("{enrollment}/evidence"),
            &[
                ("requirement", "0"),
                ("kind", "reflection"),
                ("title", "What I noticed"),
                ("text", "I saw *growth* <script>alert(1)</script>"),
                ("visibility", "private"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("<em>growth</em>")
        .assert_contains("&lt;script&gt;");
        lena.submit(
            &format!("{enrollment}/evidence"),
            &[
                ("requirement", "0"),
                ("kind", "link"),
                ("title", "x"),
                ("text", "javascript:alert(1)"),
                ("visibility", "private"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("web address");
        lena.submit(
            &format!("{enrollment}/act"),
            &[("action", "submit"), ("lock_version", "1")],
        )
        .await
        .assert_status(422)
        .assert_contains("Some requirements are not met yet");
        lena.submit(
            &format!("{enrollment}/comments"),
            &[("body", "Here is my first try.")],
        )
        .await
        .assert_status(200)
        .assert_contains("Here is my first try.");
        lena.get("/learning")
            .await
            .assert_status(200)
            .assert_contains(&enrollment);

        // Strangers, other learners and visitors cannot see it.
        let leo = demo_login(&app, "leo.learner").await;
        leo.get(&enrollment).await.assert_status(404);
        leo.submit(&format!("{enrollment}/comments"), &[("body", "hi")])
            .await
            .assert_status(404);
        let visitor = app.client();
        visitor.get(&enrollment).await.assert_contains("Log in");
        // Staff of the issuing organization who are not this learner's coach
        // see the page, but never private evidence.
        let casey = demo_login(&app, "casey.coach").await;
        let staff_view = casey.get(&enrollment).await;
        staff_view.assert_status(200);
        assert!(
            !staff_view.text.contains("growth"),
            "private evidence stays private"
        );
        app
    })
    .await;
}

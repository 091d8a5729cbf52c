//! The web layer seen from outside: the real router on a real port, a
//! browser-like client, and the outbox. The journeys run on SQLite and, when
//! `CAIRN_TEST_POSTGRES_URL` is set, on PostgreSQL too.

mod accounts;
mod api;
mod api_achievements;
mod api_earning;
mod authoring;
mod backpack;
mod badges;
mod bulk;
mod earning;
mod earning_access;
mod issuers;
mod organizations;
mod public_answers;
mod security;
mod sponsorships;
mod system;
mod verifier;

use cairn_test_support::{TestApp, TestAppBuilder, TestClient, each_database};
use std::future::Future;

pub const PASSWORD: &str = "correct horse battery staple";

/// Runs a journey on a fresh app per backend, where every verified account
/// may create organizations.
pub async fn on_each_backend<F, Fut>(journey: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    on_each_backend_with(TestAppBuilder::open_organization_creation, journey).await;
}

/// Runs a journey on a fresh app per backend, configured by `configure`.
pub async fn on_each_backend_with<C, F, Fut>(configure: C, journey: F)
where
    C: Fn(TestAppBuilder) -> TestAppBuilder,
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    each_database(|_, url| {
        let (configure, journey) = (&configure, &journey);
        async move {
            let app = configure(TestApp::builder().database_url(&url))
                .start()
                .await;
            let app = journey(app).await;
            app.finish().await;
        }
    })
    .await;
}

/// Signs up, verifies the address from the email, and returns the logged-in client.
pub async fn verified_user(app: &TestApp, name: &str, email: &str) -> TestClient {
    let client = app.client();
    client
        .submit(
            "/signup",
            &[
                ("display_name", name),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("Check your email");
    let link = app
        .last_email_to(&email.to_lowercase())
        .await
        .link()
        .expect("a verification link");
    let token = link.split("token=").nth(1).expect("a token").to_owned();
    client
        .submit("/verify-email", &[("token", &token)])
        .await
        .assert_status(200)
        .assert_contains("your email address is verified");
    client
}

/// Creates an organization through the form; returns its slug.
pub async fn create_org(client: &TestClient, name: &str, slug: &str) -> String {
    client
        .submit(
            "/orgs",
            &[
                ("name", name),
                ("slug", slug),
                ("website", ""),
                ("contact_email", ""),
                ("description", ""),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("is created");
    slug.to_owned()
}

/// The value after `token=` in a link.
pub fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .unwrap_or_else(|| link.rsplit('/').next().unwrap_or_default())
        .to_owned()
}

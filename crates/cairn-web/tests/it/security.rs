use crate::on_each_backend_with;
use crate::{PASSWORD, verified_user};

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let client = app.client();
            client.get("/signup").await;
            let missing = client
                .post_form(
                    "/signup",
                    &[
                        ("display_name", "Ana"),
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            missing
                .assert_status(403)
                .assert_contains("This form has expired");
            let forged = client
                .post_form(
                    "/signup",
                    &[
                        ("csrf", "forged"),
                        ("display_name", "Ana"),
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            forged.assert_status(403);
            assert!(app.emails().await.is_empty(), "nothing happened");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let client = app.client();
            let token = client.csrf().await;
            let response = client
                .http()
                .post(client.url("/signup"))
                .header("origin", "https://evil.example")
                .form(&[
                    ("csrf", token.as_str()),
                    ("display_name", "Ana"),
                    ("email", "ana@example.org"),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 403);
            let response = client
                .http()
                .post(client.url("/logout"))
                .header("sec-fetch-site", "cross-site")
                .form(&[("csrf", token.as_str())])
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 403);
            app
        },
    )
    .await;
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            verified_user(&app, "Ana", "ana@example.org").await;
            let client = app.client().no_redirects();
            let token = client.csrf().await;
            let login = client
                .post_form(
                    "/login",
                    &[
                        ("csrf", &token),
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(login.status, 303);
            let cookie = login
                .headers
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("cairn_session="))
                .expect("a session cookie")
                .to_owned();
            assert!(
                cookie.contains("HttpOnly")
                    && cookie.contains("SameSite=Lax")
                    && cookie.contains("Path=/"),
                "{cookie}"
            );
            assert!(!cookie.contains("Secure"), "plain http in tests");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn pages_carry_security_headers() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let page = app.client().get("/").await;
            page.assert_status(200);
            let csp = page.headers["content-security-policy"]
                .to_str()
                .expect("text");
            assert!(
                csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
                "{csp}"
            );
            assert_eq!(page.headers["x-content-type-options"], "nosniff");
            assert_eq!(page.headers["x-frame-options"], "DENY");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn unknown_pages_and_methods_get_clean_answers() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let client = app.client();
            client
                .get("/no/such/page")
                .await
                .assert_status(404)
                .assert_contains("Page not found");
            let api = client.get("/api/v1/nothing").await;
            api.assert_status(404);
            assert_eq!(api.json()["error"]["code"], "not_found");
            let wrong = client
                .http()
                .delete(client.url("/login"))
                .send()
                .await
                .expect("request");
            assert_eq!(wrong.status(), 405);
            assert!(
                wrong
                    .text()
                    .await
                    .expect("body")
                    .contains("DELETE is not allowed at /login")
            );
            client
                .get("/verify-email?token=made-up")
                .await
                .assert_status(404)
                .assert_contains("This link is not valid");
            client
                .get("/orgs/nope")
                .await
                .assert_status(404)
                .assert_contains("The organization was not found");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn login_redirects_only_to_local_pages() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            verified_user(&app, "Ana", "ana@example.org").await;
            let client = app.client();
            let landing = client
                .submit(
                    "/login",
                    &[
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                        ("next", "https://evil.example/"),
                    ],
                )
                .await;
            assert_eq!(landing.path, "/account");
            app
        },
    )
    .await;
}

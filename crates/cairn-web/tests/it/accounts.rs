use crate::on_each_backend_with;
use crate::{PASSWORD, on_each_backend, token_of, verified_user};

#[tokio::test]
async fn sign_up_verify_log_out_and_log_in() {
    on_each_backend(|app| async move {
        let client = verified_user(&app, "Ana López", "Ana@Example.org").await;
        let account = client.get("/account").await;
        account
            .assert_status(200)
            .assert_contains("Ana López")
            .assert_contains("ana@example.org")
            .assert_contains("Verified");

        client
            .submit("/logout", &[])
            .await
            .assert_status(200)
            .assert_contains("You are logged out");
        assert_eq!(
            client.get("/account").await.path,
            "/login?next=%2Faccount",
            "the account page asks to log in"
        );

        let login = client
            .submit(
                "/login",
                &[
                    ("email", "ana@example.org"),
                    ("password", PASSWORD),
                    ("next", "/orgs"),
                ],
            )
            .await;
        login.assert_status(200);
        assert_eq!(login.path, "/orgs", "back where the person was going");
        login.assert_contains("You are logged in");
        app
    })
    .await;
}

#[tokio::test]
async fn sign_up_problems_are_shown_next_to_each_field() {
    on_each_backend_with(|b| b, |app| async move {
    let page = app
        .client()
        .submit(
            "/signup",
            &[
                ("display_name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("There is a problem")
        .assert_contains("Enter your name.")
        .assert_contains("Use at least 10 characters.");
    assert!(page.text.contains(r#"id="display_name" name="display_name" type="text" value="" autocomplete="name" aria-invalid="true" aria-describedby="display_name-error" autofocus"#), "focus on the first error:\n{}", page.text);
    assert!(
        page.text.contains(r#"value="not-an-email""#),
        "what was typed is kept"
    );
        app
    })
    .await;
}

#[tokio::test]
async fn signing_up_twice_does_not_reveal_the_account() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            verified_user(&app, "Ana", "ana@example.org").await;
            let again = app
                .client()
                .submit(
                    "/signup",
                    &[
                        ("display_name", "Mallory"),
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            again.assert_status(200).assert_contains("Check your email");
            let email = app.last_email_to("ana@example.org").await;
            assert_eq!(email.subject, "You already have a Cairn account");
            assert_eq!(email.link().as_deref(), Some("/password/forgot"));
            app
        },
    )
    .await;
}

#[tokio::test]
async fn wrong_passwords_get_one_message_and_are_rate_limited() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            verified_user(&app, "Ana", "ana@example.org").await;
            let client = app.client();
            let unknown = client
                .submit(
                    "/login",
                    &[("email", "nobody@example.org"), ("password", PASSWORD)],
                )
                .await;
            unknown
                .assert_status(401)
                .assert_contains("The email address or password is not right.");
            for _ in 0..5 {
                client
                    .submit(
                        "/login",
                        &[
                            ("email", "ana@example.org"),
                            ("password", "wrong password!"),
                        ],
                    )
                    .await
                    .assert_status(401)
                    .assert_contains("The email address or password is not right.");
            }
            let limited = client
                .submit(
                    "/login",
                    &[("email", "ana@example.org"), ("password", PASSWORD)],
                )
                .await;
            limited
                .assert_status(429)
                .assert_contains("Too many attempts");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn a_login_link_works_once() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            verified_user(&app, "Ana", "ana@example.org").await;
            let client = app.client();
            client
                .submit("/login/email", &[("email", "ana@example.org")])
                .await
                .assert_status(200)
                .assert_contains("If an account uses ana@example.org");
            client
                .submit("/login/email", &[("email", "nobody@example.org")])
                .await
                .assert_status(200)
                .assert_contains("If an account uses nobody@example.org");
            let link = app
                .last_email_to("ana@example.org")
                .await
                .link()
                .expect("link");
            assert!(link.starts_with("/login/link?token="));
            client
                .get(&link)
                .await
                .assert_status(200)
                .assert_contains("Log in to Cairn");
            let token = token_of(&link);
            client
                .submit("/login/link", &[("token", &token)])
                .await
                .assert_status(200)
                .assert_contains("You are logged in");
            assert_eq!(client.get("/account").await.path, "/account");
            app.client()
                .submit("/login/link", &[("token", &token)])
                .await
                .assert_status(404)
                .assert_contains("not valid");
            assert!(
                app.emails()
                    .await
                    .iter()
                    .all(|e| e.to != "nobody@example.org"),
                "no email to unknown addresses"
            );
            app
        },
    )
    .await;
}

#[tokio::test]
async fn a_password_reset_logs_out_every_other_device() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let first_device = verified_user(&app, "Ana", "ana@example.org").await;
            let other = app.client();
            other
                .submit("/password/forgot", &[("email", "ana@example.org")])
                .await
                .assert_status(200)
                .assert_contains("we sent it a link");
            let link = app
                .last_email_to("ana@example.org")
                .await
                .link()
                .expect("link");
            other
                .get(&link)
                .await
                .assert_status(200)
                .assert_contains("Choose a new password");
            other
                .submit(
                    "/password/reset",
                    &[("token", &token_of(&link)), ("password", "short")],
                )
                .await
                .assert_status(422)
                .assert_contains("Use at least 10 characters.");
            other
                .submit(
                    "/password/reset",
                    &[
                        ("token", &token_of(&link)),
                        ("password", "a brand new passphrase"),
                    ],
                )
                .await
                .assert_status(200)
                .assert_contains("Your password is changed");
            assert!(
                first_device
                    .get("/account")
                    .await
                    .path
                    .starts_with("/login"),
                "the old session ended"
            );
            let fresh = app.client();
            fresh
                .submit(
                    "/login",
                    &[("email", "ana@example.org"), ("password", PASSWORD)],
                )
                .await
                .assert_status(401);
            fresh
                .submit(
                    "/login",
                    &[
                        ("email", "ana@example.org"),
                        ("password", "a brand new passphrase"),
                    ],
                )
                .await
                .assert_status(200);
            app
        },
    )
    .await;
}

#[tokio::test]
async fn a_second_address_is_confirmed_then_made_primary() {
    on_each_backend(|app| async move {
        let client = verified_user(&app, "Ana", "ana@district.example.org").await;
        client
            .submit("/account/emails", &[("email", "ana@home.example.org")])
            .await
            .assert_status(200)
            .assert_contains("We sent a link to ana@home.example.org");
        let account = client.get("/account").await;
        assert!(
            !account.text.contains("ana@home.example.org</td>"),
            "not attached before confirmation"
        );
        let link = app
            .last_email_to("ana@home.example.org")
            .await
            .link()
            .expect("link");
        client
            .submit("/account/emails/confirm", &[("token", &token_of(&link))])
            .await
            .assert_status(200)
            .assert_contains("ana@home.example.org is now on your account");
        let account = client.get("/account").await;
        let id_start = account
            .text
            .find("/account/emails/")
            .expect("an email action");
        let id: String = account.text[id_start + 16..].chars().take(36).collect();
        client
            .submit(&format!("/account/emails/{id}/primary"), &[])
            .await
            .assert_status(200)
            .assert_contains("Your primary address is changed");
        let account = client.get("/account").await;
        let home = account.text.find("ana@home.example.org").expect("listed");
        let district = account
            .text
            .find("ana@district.example.org")
            .expect("listed");
        assert!(home < district, "the primary address is listed first");
        // The old work address can now be removed; the account keeps working.
        let rows: Vec<&str> = account.text.split("/account/emails/").skip(1).collect();
        let removable = rows
            .iter()
            .find(|r| r.contains("/remove"))
            .expect("a removable address");
        let remove_id: String = removable.chars().take(36).collect();
        client
            .submit(&format!("/account/emails/{remove_id}/remove"), &[])
            .await
            .assert_status(200)
            .assert_contains("The address is removed");
        let logged_in = app.client();
        logged_in
            .submit(
                "/login",
                &[("email", "ana@home.example.org"), ("password", PASSWORD)],
            )
            .await
            .assert_status(200);
        app
    })
    .await;
}

#[tokio::test]
async fn an_unverified_account_is_reminded_and_may_not_create_organizations() {
    on_each_backend_with(
        |b| b.open_organization_creation(),
        |app| async move {
            let client = app.client();
            client
                .submit(
                    "/signup",
                    &[
                        ("display_name", "Ana"),
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await
                .assert_status(200);
            client
                .submit(
                    "/login",
                    &[("email", "ana@example.org"), ("password", PASSWORD)],
                )
                .await
                .assert_status(200)
                .assert_contains("Please verify your email address");
            let refused = client.submit("/orgs", &[("name", "Unverified Org")]).await;
            refused
                .assert_status(403)
                .assert_contains("Verify your email address first.");
            client
                .submit("/account/emails/resend", &[])
                .await
                .assert_status(200)
                .assert_contains("We sent a new verification link");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn sign_up_can_be_closed() {
    on_each_backend_with(
        |b| b.signups_closed(),
        |app| async move {
            app.client()
                .get("/signup")
                .await
                .assert_status(200)
                .assert_contains("by invitation only");
            app.client()
                .submit(
                    "/signup",
                    &[
                        ("display_name", "Ana"),
                        ("email", "ana@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await
                .assert_status(403);
            app
        },
    )
    .await;
}

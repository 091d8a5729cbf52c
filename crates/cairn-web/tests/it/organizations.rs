use crate::on_each_backend_with;
use crate::{PASSWORD, create_org, on_each_backend, token_of, verified_user};

/// The smallest PNG header `imagesize` reads: 2 × 2 pixels.
fn tiny_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&2u32.to_be_bytes());
    png.extend_from_slice(&2u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png
}

#[tokio::test]
async fn the_first_administrator_comes_from_the_one_time_link() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let link = app
                .app
                .admin_setup_link()
                .await
                .expect("query")
                .expect("no admin yet");
            let path = link.trim_start_matches(&app.address).to_owned();
            let client = app.client();
            client
                .get(&path)
                .await
                .assert_status(200)
                .assert_contains("Set up Cairn");
            client
                .submit(
                    "/admin/setup",
                    &[
                        ("token", &token_of(&path)),
                        ("display_name", "Root"),
                        ("email", "root@example.org"),
                        ("password", PASSWORD),
                    ],
                )
                .await
                .assert_status(200)
                .assert_contains("You are the platform administrator");
            assert!(
                app.app.admin_setup_link().await.expect("query").is_none(),
                "no new link once an admin exists"
            );
            app.client().get(&path).await.assert_status(404);

            // An ordinary account may not create organizations until approved.
            let ana = verified_user(&app, "Ana", "ana@example.org").await;
            ana.get("/orgs/new").await.assert_status(403);
            let admin_page = client.get("/admin").await;
            admin_page
                .assert_status(200)
                .assert_contains("ana@example.org");
            ana.get("/admin").await.assert_status(403);
            let row = admin_page
                .text
                .split("ana@example.org")
                .nth(1)
                .expect("Ana's row");
            let start = row.find("/admin/users/").expect("approve form") + "/admin/users/".len();
            let ana_id: String = row[start..].chars().take(36).collect();
            client
                .submit(
                    &format!("/admin/users/{ana_id}/creator"),
                    &[("allowed", "true")],
                )
                .await
                .assert_status(200)
                .assert_contains("may now create organizations");
            ana.get("/orgs/new").await.assert_status(200);
            create_org(&ana, "Lawrence Public Schools", "lawrence").await;
            app
        },
    )
    .await;
}

#[tokio::test]
async fn an_organization_is_created_edited_and_shown_in_public() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let bad = ana
            .submit(
                "/orgs",
                &[
                    ("name", ""),
                    ("slug", "Not a slug!"),
                    ("website", "ftp://x"),
                    ("contact_email", "nope"),
                ],
            )
            .await;
        bad.assert_status(422)
            .assert_contains("Enter a name.")
            .assert_contains("Use lower-case letters")
            .assert_contains("Enter a full web address");
        let slug = create_org(&ana, "KU Center for Research on Learning", "kucrl").await;
        let dup = ana
            .submit("/orgs", &[("name", "Another"), ("slug", "kucrl")])
            .await;
        dup.assert_status(409).assert_contains("already taken");

        ana.submit(
            &format!("/orgs/{slug}/settings"),
            &[
                ("name", "KU CRL"),
                ("website", "https://kucrl.ku.edu"),
                ("contact_email", "crl@ku.edu"),
                ("description", "Strategic <Instruction> Model"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("The profile is saved");
        ana.submit(
            &format!("/orgs/{slug}/departments"),
            &[
                ("dept_name", "Learning Strategies"),
                ("dept_slug", ""),
                ("dept_description", ""),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("Learning Strategies is added");
        ana.submit(
            &format!("/orgs/{slug}/departments"),
            &[("dept_name", "Learning Strategies")],
        )
        .await
        .assert_status(409)
        .assert_contains("already has a department");

        let public = app.client().get(&format!("/orgs/{slug}")).await;
        public
            .assert_status(200)
            .assert_contains("KU CRL")
            .assert_contains("https://kucrl.ku.edu")
            .assert_contains("Learning Strategies");
        assert!(
            public
                .text
                .contains("Strategic &#60;Instruction&#62; Model")
                || public.text.contains("Strategic &lt;Instruction&gt; Model"),
            "escaped: {}",
            public.text
        );
        assert!(
            !public.text.contains("/settings\""),
            "visitors get no settings link"
        );
        app.client()
            .get("/orgs")
            .await
            .assert_status(200)
            .assert_contains("KU CRL");
        app.client()
            .get(&format!("/orgs/{slug}/settings"))
            .await
            .assert_status(200)
            .assert_contains("Log in");
        app
    })
    .await;
}

#[tokio::test]
async fn a_logo_is_checked_by_content() {
    on_each_backend_with(
        |b| b.open_organization_creation(),
        |app| async move {
            let ana = verified_user(&app, "Ana", "ana@example.org").await;
            let slug = create_org(&ana, "Cooperative", "coop").await;
            let csrf = ana.csrf().await;
            let upload = |bytes: Vec<u8>, name: &'static str| {
                let form = reqwest::multipart::Form::new()
                    .text("csrf", csrf.clone())
                    .part(
                        "logo",
                        reqwest::multipart::Part::bytes(bytes).file_name(name),
                    );
                ana.http()
                    .post(ana.url(&format!("/orgs/{slug}/settings/logo")))
                    .multipart(form)
                    .send()
            };
            let svg = upload(b"<svg onload=\"alert(1)\"></svg>".to_vec(), "logo.png")
                .await
                .expect("upload");
            assert_eq!(svg.status(), 422);
            assert!(
                svg.text()
                    .await
                    .expect("body")
                    .contains("must be a PNG or JPEG")
            );
            let big = upload(vec![0u8; 2 * 1024 * 1024], "big.png")
                .await
                .expect("upload");
            assert_eq!(big.status(), 422);
            assert!(big.text().await.expect("body").contains("larger than 1 MB"));
            let ok = upload(tiny_png(), "logo.png").await.expect("upload");
            assert_eq!(ok.status(), 200);
            assert!(ok.text().await.expect("body").contains("The logo is saved"));
            let logo = app
                .client()
                .http()
                .get(app.client().url(&format!("/orgs/{slug}/logo")))
                .send()
                .await
                .expect("logo");
            assert_eq!(logo.headers()["content-type"], "image/png");
            assert_eq!(logo.bytes().await.expect("bytes").to_vec(), tiny_png());
            app
        },
    )
    .await;
}

#[tokio::test]
async fn an_invitation_brings_in_someone_without_an_account() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let slug = create_org(&ana, "Lawrence District", "lawrence").await;
        ana.submit(&format!("/orgs/{slug}/invitations"), &[("email", "bad")])
            .await
            .assert_status(422);
        ana.submit(
            &format!("/orgs/{slug}/invitations"),
            &[
                ("email", "Ben@School.example.org"),
                ("roles", "coach"),
                ("roles", "reviewer"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("We sent an invitation to ben@school.example.org");
        ana.submit(
            &format!("/orgs/{slug}/invitations"),
            &[("email", "ben@school.example.org")],
        )
        .await
        .assert_status(409)
        .assert_contains("already waiting");
        let email = app.last_email_to("ben@school.example.org").await;
        assert_eq!(
            email.subject,
            "Ana invites you to Lawrence District on Cairn"
        );
        let link = email.link().expect("link");

        let ben = app.client();
        ben.get(&link)
            .await
            .assert_status(200)
            .assert_contains("Join Lawrence District")
            .assert_contains("Reviewer, Coach, Member");
        ben.submit(
            &format!("{link}/signup"),
            &[("display_name", "Ben"), ("password", "short")],
        )
        .await
        .assert_status(422);
        ben.submit(
            &format!("{link}/signup"),
            &[("display_name", "Ben"), ("password", PASSWORD)],
        )
        .await
        .assert_status(200)
        .assert_contains("Welcome to Lawrence District");
        ben.get("/account")
            .await
            .assert_contains("ben@school.example.org")
            .assert_contains("Verified");
        app.client()
            .get(&link)
            .await
            .assert_status(404)
            .assert_contains("already been accepted");

        let members = ana.get(&format!("/orgs/{slug}/members")).await;
        members
            .assert_status(200)
            .assert_contains("Ben")
            .assert_contains("Reviewer, Coach, Member");
        ben.get(&format!("/orgs/{slug}/members"))
            .await
            .assert_status(403);
        app
    })
    .await;
}

#[tokio::test]
async fn an_invitation_to_a_new_address_joins_the_signed_in_account() {
    on_each_backend_with(
        |b| b.open_organization_creation(),
        |app| async move {
            let ana = verified_user(&app, "Ana", "ana@example.org").await;
            let slug = create_org(&ana, "Cooperative", "coop").await;
            let ben = verified_user(&app, "Ben", "ben@home.example.org").await;
            ana.submit(
                &format!("/orgs/{slug}/invitations"),
                &[("email", "ben@work.example.org"), ("roles", "author")],
            )
            .await
            .assert_status(200);
            let link = app
                .last_email_to("ben@work.example.org")
                .await
                .link()
                .expect("link");
            ben.get(&link)
                .await
                .assert_contains("You are logged in as ben@home.example.org");
            ben.submit(&link, &[])
                .await
                .assert_status(200)
                .assert_contains("Welcome to Cooperative");
            ben.get("/account")
                .await
                .assert_contains("ben@work.example.org");
            app
        },
    )
    .await;
}

#[tokio::test]
async fn an_organization_keeps_an_administrator() {
    on_each_backend_with(
        |b| b.open_organization_creation(),
        |app| async move {
            let ana = verified_user(&app, "Ana", "ana@example.org").await;
            let slug = create_org(&ana, "Cooperative", "coop").await;
            let members = ana.get(&format!("/orgs/{slug}/members")).await;
            let start =
                members.text.find("/members/").expect("a member action") + "/members/".len();
            let ana_id: String = members.text[start..].chars().take(36).collect();
            ana.submit(
                &format!("/orgs/{slug}/members/{ana_id}/roles"),
                &[("roles", "coach")],
            )
            .await
            .assert_status(422)
            .assert_contains("at least one administrator");
            ana.submit(&format!("/orgs/{slug}/members/{ana_id}/remove"), &[])
                .await
                .assert_status(409)
                .assert_contains("at least one administrator");
            ana.get(&format!("/orgs/{slug}/members"))
                .await
                .assert_contains("Administrator, Member");
            app
        },
    )
    .await;
}

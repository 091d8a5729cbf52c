//! The earning pages, on the demo content: joining, the enrollment page,
//! evidence and comments; and who may not see an enrollment.

use crate::on_each_backend;
use cairn_test_support::earning::{demo_browser, demo_principal};

#[tokio::test]
async fn a_learner_joins_adds_evidence_and_talks_with_the_coach_while_strangers_see_nothing() {
    on_each_backend(|app| async move {
        app.app.load_demo().await.expect("demo");
        let lena = demo_browser(&app, "lena.learner").await;
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

        // A file is stored by streaming and judged by its content, then
        // served only to those allowed, with ranges.
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00".to_vec();
        png.extend(std::iter::repeat_n(7u8, 4000));
        let form = reqwest::multipart::Form::new()
            .text("csrf", lena.csrf().await)
            .text("requirement", "1")
            .text("title", "Student work")
            .text("visibility", "private")
            .part("file", reqwest::multipart::Part::bytes(png.clone()).file_name("work.txt"));
        let uploaded = lena.http().post(lena.url(&format!("{enrollment}/files"))).multipart(form).send().await.expect("upload");
        let status = uploaded.status();
        let final_url = uploaded.url().to_string();
        let body = uploaded.text().await.unwrap_or_default();
        assert_eq!(status, 200, "{final_url} {}", &body[body.len().saturating_sub(1500)..]);
        let page_text = body;
        assert!(page_text.contains("The file is added"), "{page_text}");
        let at = page_text.find("href=\"/evidence/").map(|i| i + 6).expect("a file link");
        let file_path: String = page_text[at..].split('"').next().expect("href").to_owned();
        let whole = lena.http().get(lena.url(&file_path)).send().await.expect("file");
        assert_eq!(whole.status(), 200);
        assert_eq!(whole.headers()["content-type"], "image/png", "told by content, not the .txt name");
        assert_eq!(whole.bytes().await.expect("bytes").len(), png.len());
        let part = lena.http().get(lena.url(&file_path)).header("Range", "bytes=0-7").send().await.expect("range");
        assert_eq!(part.status(), 206);
        assert_eq!(part.bytes().await.expect("bytes").as_ref(), &png[..8]);
        let svg = reqwest::multipart::Form::new()
            .text("csrf", lena.csrf().await)
            .text("requirement", "1")
            .part("file", reqwest::multipart::Part::bytes(b"<svg onload=alert(1)></svg>".to_vec()).file_name("x.png"));
        let refused = lena.http().post(lena.url(&format!("{enrollment}/files"))).multipart(svg).send().await.expect("upload");
        assert_eq!(refused.status(), 422);

        // Strangers, other learners and visitors cannot see it.
        let leo = demo_browser(&app, "leo.learner").await;
        leo.get(&enrollment).await.assert_status(404);
        leo.get(&file_path).await.assert_status(404);
        app.client().get(&file_path).await.assert_status(404);
        leo.get(&file_path).await.assert_status(404);
        app.client().get(&file_path).await.assert_status(404);
        leo.submit(&format!("{enrollment}/comments"), &[("body", "hi")])
            .await
            .assert_status(404);
        let visitor = app.client();
        visitor.get(&enrollment).await.assert_contains("Log in");
        // Staff of the issuing organization who are not this learner's coach
        // see the page, but never private evidence.
        let casey = demo_browser(&app, "casey.coach").await;
        let staff_view = casey.get(&enrollment).await;
        staff_view.assert_status(200);
        assert!(
            !staff_view.text.contains("growth"),
            "private evidence stays private"
        );

        // Lena invites Casey to coach her; Casey accepts from the email and
        // then sees her private evidence and her feedback request.
        lena.submit("/coaching/invite", &[("email", "casey.coach@demo.cairn.test"), ("role", "coach"), ("achievement", "")])
            .await
            .assert_status(200)
            .assert_contains("We sent an invitation to casey.coach@demo.cairn.test");
        let link = app.last_email_to("casey.coach@demo.cairn.test").await.link().expect("an invitation link");
        assert!(link.starts_with("/partners/"), "{link}");
        casey.get(&link).await.assert_status(200).assert_contains("Lena Learner invites you to be their coach");
        leo.submit(&link, &[("answer", "accept")]).await.assert_status(403).assert_contains("This invitation was sent to casey.coach@demo.cairn.test");
        casey.submit(&link, &[("answer", "accept")]).await.assert_status(200).assert_contains("You are partners now");
        casey.submit(&link, &[("answer", "accept")]).await.assert_status(409);
        let coach_view = casey.get(&enrollment).await;
        assert!(coach_view.text.contains("growth"), "the coach sees private evidence");
        let lock = {
            let needle = "name=\"lock_version\" value=\"";
            let at = coach_view.text.find(needle).expect("a lock") + needle.len();
            coach_view.text[at..].split('"').next().expect("value").to_owned()
        };
        lena.submit(&format!("{enrollment}/act"), &[("action", "request_feedback"), ("lock_version", &lock)])
            .await
            .assert_status(200)
            .assert_contains("Your coach is asked for feedback");
        casey.get("/coaching").await.assert_status(200).assert_contains("Lena Learner").assert_contains("waiting for you");
        casey.get("/notifications").await.assert_status(200).assert_contains("asks for your feedback");
        app
    })
    .await;
}

#[tokio::test]
async fn the_review_queue_is_for_reviewers_and_administrators() {
    on_each_backend(|app| async move {
        app.app.load_demo().await.expect("demo");
        let dana = demo_browser(&app, "dana.director").await;
        dana.get("/orgs/meadowlark-usd/reviews")
            .await
            .assert_status(200)
            .assert_contains("in the organization");
        dana.submit(
            "/orgs/meadowlark-usd/reviews",
            &[("two_reviews", "1"), ("max_attempts", "lots")],
        )
        .await
        .assert_status(422)
        .assert_contains("Enter a number of attempts");
        dana.submit(
            "/orgs/meadowlark-usd/reviews",
            &[("two_reviews", "1"), ("max_attempts", "3")],
        )
        .await
        .assert_status(200)
        .assert_contains("The review rules are saved");
        let riley = demo_browser(&app, "riley.reviewer").await;
        riley
            .get("/orgs/meadowlark-usd/reviews")
            .await
            .assert_status(200)
            .assert_contains("assigned to you");
        let link = "href=\"/orgs/meadowlark-usd/reviews\"";
        assert!(riley.get("/orgs/meadowlark-usd").await.text.contains(link));
        for who in ["lena.learner", "casey.coach", "priya.author"] {
            let client = demo_browser(&app, who).await;
            client
                .get("/orgs/meadowlark-usd/reviews")
                .await
                .assert_status(403);
            let org_page = client.get("/orgs/meadowlark-usd").await;
            assert!(
                !org_page.text.contains(link),
                "{who} is offered no review queue"
            );
        }
        riley
            .submit("/orgs/meadowlark-usd/reviews", &[("two_reviews", "")])
            .await
            .assert_status(403);
        app
    })
    .await;
}

/// The value of the first `name="…" value="…"` pair after `after`.
fn value_after(html: &str, after: &str, name: &str) -> String {
    let from = html
        .find(after)
        .unwrap_or_else(|| panic!("{after} in the page"));
    let needle = format!("name=\"{name}\" value=\"");
    let at = html[from..].find(&needle).expect("the field") + from + needle.len();
    html[at..].split('"').next().expect("a value").to_owned()
}

#[tokio::test]
async fn a_sponsor_seat_is_offered_on_the_page_and_administrators_assign_coaches_and_reviewers() {
    on_each_backend(|app| async move {
        app.app.load_demo().await.expect("demo");
        let meta = cairn_app::RequestMeta::default();
        let lee = demo_principal(&app.app, "lee.leader").await;
        let paid = app
            .app
            .catalog(&cairn_app::catalog::CatalogSearch {
                organization: "cottonwood-coop",
                price: "paid",
                ..Default::default()
            })
            .await
            .expect("catalog");
        let capstone = paid
            .entries
            .iter()
            .map(|e| e.achievement.clone())
            .find(|a| a.sponsorable)
            .expect("a sponsorable paid micro-credential");
        let sponsorship = app
            .app
            .create_sponsorship(
                &lee,
                "cottonwood-coop",
                cairn_app::sponsorships::SponsorshipInput {
                    name: "Prairie County schools",
                    seats: "2",
                    expires_on: "",
                    covers: vec![capstone.id],
                },
                &meta,
            )
            .await
            .expect("sponsorship");
        app.app
            .assign_seat(
                &lee,
                "cottonwood-coop",
                sponsorship.id,
                "lena.learner@demo.cairn.test",
                &meta,
            )
            .await
            .expect("seat");

        // Lena sees the seat her sponsor holds and joins with it; the page
        // then sends her to her work.
        let lena = demo_browser(&app, "lena.learner").await;
        let page = format!("/orgs/cottonwood-coop/achievements/{}", capstone.slug);
        let offer = lena.get(&page).await;
        offer
            .assert_status(200)
            .assert_contains("A sponsor holds a seat for you")
            .assert_contains("Prairie County schools");
        let seat = value_after(&offer.text, "A sponsor holds a seat", "seat");
        let leo = demo_browser(&app, "leo.learner").await;
        let leo_page = leo.get(&page).await;
        assert!(
            !leo_page.text.contains("A sponsor holds a seat"),
            "the seat is Lena's"
        );
        leo.submit(
            &format!("{page}/join"),
            &[("funding", "seat"), ("seat", &seat)],
        )
        .await
        .assert_contains("Choose one of your sponsor seats");
        let joined = lena
            .submit(
                &format!("{page}/join"),
                &[("funding", "seat"), ("seat", &seat)],
            )
            .await;
        joined.assert_status(200).assert_contains("You joined");
        let enrollment = joined.path.clone();
        lena.get(&page)
            .await
            .assert_contains("Open your work")
            .assert_contains(&enrollment);

        // Lee assigns Lena a coach from the organization's coaches.
        let lee_client = demo_browser(&app, "lee.leader").await;
        let admin_view = lee_client.get(&enrollment).await;
        admin_view
            .assert_status(200)
            .assert_contains("Assign a coach");
        let coach_id = {
            let from = admin_view
                .text
                .find("id=\"assign-coach\"")
                .expect("the coach select");
            let at = admin_view.text[from..]
                .find("<option value=\"")
                .expect("a coach")
                + from
                + 15;
            admin_view.text[at..]
                .split('"')
                .next()
                .expect("id")
                .to_owned()
        };
        lena.get(&enrollment).await.assert_status(200);
        assert!(
            !lena.get(&enrollment).await.text.contains("Assign a coach"),
            "only administrators assign coaches"
        );
        lena.submit(&format!("{enrollment}/coaches"), &[("coach", &coach_id)])
            .await
            .assert_status(403);
        lee_client
            .submit(&format!("{enrollment}/coaches"), &[("coach", "someone")])
            .await
            .assert_status(422)
            .assert_contains("Choose a coach");
        lee_client
            .submit(&format!("{enrollment}/coaches"), &[("coach", &coach_id)])
            .await
            .assert_status(200)
            .assert_contains("The coach is assigned")
            .assert_contains("assigned by the organization");
        lena.get("/notifications")
            .await
            .assert_contains("is now your coach");

        // The queue offers administrators to hand each review over; a bad
        // choice is explained, not applied.
        let dana = demo_browser(&app, "dana.director").await;
        let queue = dana.get("/orgs/meadowlark-usd/reviews").await;
        queue.assert_status(200);
        let riley = demo_browser(&app, "riley.reviewer").await;
        let own = riley.get("/orgs/meadowlark-usd/reviews").await;
        assert!(
            !own.text.contains("Reassign"),
            "reviewers do not hand reviews over"
        );
        riley
            .submit(
                &format!(
                    "/orgs/meadowlark-usd/reviews/{}/reassign",
                    uuid::Uuid::new_v4()
                ),
                &[("reviewer", &uuid::Uuid::new_v4().to_string())],
            )
            .await
            .assert_status(404);
        app
    })
    .await;
}

//! Bulk awards: an administrator checks a CSV file (every bad row reported,
//! nothing written), awards twenty people from it (each credential
//! verifies, strangers are emailed a sign-up link), sends it again
//! (nobody awarded twice), follows the progress page; others are refused;
//! a stranger who signs up later holds the badge. Also through the API.

use crate::on_each_backend_with;
use cairn_app::bulk::issue_key;
use cairn_app::domain::achievement::AchievementStatus;
use cairn_app::domain::{AwardId, OrganizationId};
use cairn_app::store::Repos;
use cairn_app::store::achievements::Achievement;
use cairn_app::store::bulk::RowStatus;
use cairn_app::{App, RequestMeta};
use cairn_test_support::earning::{demo_browser, demo_email, demo_principal};
use cairn_test_support::{TestApp, TestClient, TestResponse};
use chrono::Duration;

const ORG: &str = "meadowlark-usd";

/// The demo, and the district's first published micro-credential.
async fn setup(test: &TestApp) -> (OrganizationId, Achievement) {
    test.app.load_demo().await.expect("demo");
    let org = test
        .store
        .organizations()
        .by_slug(ORG)
        .await
        .expect("org")
        .expect("the district");
    let achievement = test
        .store
        .achievements()
        .list_for_organization(org.id, &[AchievementStatus::Published])
        .await
        .expect("list")
        .into_iter()
        .next()
        .expect("a published micro-credential");
    (org.id, achievement)
}

/// Sends the upload form as a browser does.
async fn upload(client: &TestClient, achievement: &str, csv: &str, action: &str) -> TestResponse {
    let form = reqwest::multipart::Form::new()
        .text("csrf", client.csrf().await)
        .text("achievement", achievement.to_owned())
        .text("action", action.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("spring cohort.csv")
                .mime_str("text/csv")
                .expect("mime"),
        );
    let response = client
        .http()
        .post(client.url(&format!("/orgs/{ORG}/bulk-awards")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    let path = response.url().path().to_owned();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    TestResponse {
        status,
        path,
        headers,
        text,
    }
}

fn day(test: &TestApp, days_ago: i64) -> String {
    (test.app.now() - Duration::days(days_ago))
        .format("%Y-%m-%d")
        .to_string()
}

/// Twenty people: Lena and Leo (accounts with verified addresses, Lena's
/// in capitals), then eighteen strangers; some with evidence.
fn twenty(test: &TestApp) -> String {
    let mut csv = String::from("\u{feff}Email,Name,Date,Evidence URL,Narrative\r\n");
    csv.push_str(&format!(
        "{},Lena Learner,{},https://portfolio.example.org/lena,\"Taught the routine, twice\"\r\n",
        demo_email("lena.learner").to_uppercase(),
        day(test, 3)
    ));
    csv.push_str(&format!(
        "{},Leo Learner,{},,\r\n",
        demo_email("leo.learner"),
        day(test, 3)
    ));
    for n in 1..=18 {
        csv.push_str(&format!(
            "teacher{n:02}@school.example.org,Teacher {n},{},,\r\n",
            day(test, n)
        ));
    }
    csv
}

async fn award_count(app: &App, achievement: &Achievement) -> u64 {
    app.store()
        .awards()
        .count_for(achievement.id)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_check_reports_every_bad_row_and_writes_nothing() {
    on_each_backend_with(
        |b| b,
        |test| async move {
            let (org, achievement) = setup(&test).await;
            let dana = demo_browser(&test, "dana.director").await;
            let page = dana.get(&format!("/orgs/{ORG}")).await;
            page.assert_contains(&format!("href=\"/orgs/{ORG}/bulk-awards\""));
            let form = dana.get(&format!("/orgs/{ORG}/bulk-awards")).await;
            form.assert_status(200)
                .assert_contains("Check the file")
                .assert_contains(">Award</button>")
                .assert_contains(&achievement.title);
            let csv = format!(
                "email,name,date,evidence url,narrative\n\
                 ana@example.org,Ana Alvarez,{},,\n\
                 not an address,Bo,{},,\n\
                 cy@example.org,,{},,\n\
                 di@example.org,Di,yesterday,,\n\
                 ed@example.org,Ed,{},,\n\
                 fa@example.org,Fa,{},javascript:alert(1),\n\
                 ANA@example.org,Ana again,{},,\n\
                 gu@example.org,Gu,{},,{}\n",
                day(&test, 1),
                day(&test, 1),
                day(&test, 1),
                day(&test, -2),
                day(&test, 1),
                day(&test, 1),
                day(&test, 1),
                "n".repeat(5001),
            );
            let report = upload(&dana, &achievement.slug, &csv, "check").await;
            report
                .assert_status(422)
                .assert_contains("The file has problems");
            for (row, column, message) in [
                (
                    "3",
                    "email",
                    "“not an address” is not an email address like name@example.org.",
                ),
                ("4", "name", "Enter the person&#39;s name"),
                ("5", "date", "“yesterday” is not a date like 2026-03-14"),
                ("6", "date", "is in the future"),
                (
                    "7",
                    "evidence URL",
                    "“javascript:alert(1)” is not a web address",
                ),
                (
                    "8",
                    "email",
                    "ana@example.org is also on row 2. Give each person once.",
                ),
                (
                    "9",
                    "narrative",
                    "The narrative is 5001 characters long; the most is 5000.",
                ),
            ] {
                let cells = format!("<tr><td>{row}</td><td>{column}</td><td>");
                let at = report
                    .text
                    .find(&cells)
                    .unwrap_or_else(|| panic!("row {row}, {column} in\n{}", report.text));
                let rest = &report.text[at..];
                let line = &rest[..rest.find("</tr>").expect("row end")];
                assert!(line.contains(message), "{message:?} in {line}");
            }
            report.assert_contains("7 problems to fix");
            assert!(!report.text.contains("<td>2</td>"), "row 2 is fine");

            let refused = upload(&dana, &achievement.slug, &csv, "award").await;
            refused
                .assert_status(422)
                .assert_contains("so nobody was awarded");

            assert!(
                test.store
                    .bulk()
                    .imports_of(org, 10)
                    .await
                    .expect("imports")
                    .is_empty(),
                "no import was written"
            );
            assert_eq!(
                test.app.run_pending_jobs().await.expect("jobs"),
                0,
                "no job queued"
            );
            assert_eq!(award_count(&test.app, &achievement).await, 0);
            assert!(test.emails().await.is_empty(), "nobody was emailed");

            let empty = upload(&dana, &achievement.slug, "", "check").await;
            empty
                .assert_status(422)
                .assert_contains("Choose the CSV file to award from.");
            let headless = upload(
                &dana,
                &achievement.slug,
                "ana@example.org,Ana,2026-01-01\n",
                "check",
            )
            .await;
            headless
                .assert_status(422)
                .assert_contains("The first row must name the columns");
            test
        },
    )
    .await;
}

#[tokio::test]
async fn twenty_people_are_awarded_once_each_and_strangers_can_claim_their_badge() {
    on_each_backend_with(
        |b| b,
        |test| async move {
            let (org, achievement) = setup(&test).await;
            let dana = demo_browser(&test, "dana.director").await;
            let csv = twenty(&test);

            let checked = upload(&dana, &achievement.slug, &csv, "check").await;
            checked
                .assert_status(200)
                .assert_contains("The file is ready")
                .assert_contains("20 people in the file")
                .assert_contains("20 will be awarded");
            assert!(
                test.store
                    .bulk()
                    .imports_of(org, 10)
                    .await
                    .expect("imports")
                    .is_empty()
            );

            let started = upload(&dana, &achievement.slug, &csv, "award").await;
            started
                .assert_status(200)
                .assert_contains("The award has started")
                .assert_contains("<meta http-equiv=\"refresh\" content=\"2\">")
                .assert_contains("<progress")
                .assert_contains("0 of 20 rows done");
            assert!(
                started
                    .path
                    .starts_with(&format!("/orgs/{ORG}/bulk-awards/")),
                "{}",
                started.path
            );
            let progress_path = started.path.clone();

            let emails = test.emails().await;
            let done = dana.get(&progress_path).await;
            done.assert_status(200)
                .assert_contains("20 of 20 rows done")
                .assert_contains("<dd id=\"issued\">20</dd>")
                .assert_contains("<dd id=\"skipped\">0</dd>")
                .assert_contains("<dd id=\"failed\">0</dd>");
            assert!(
                !done.text.contains("http-equiv=\"refresh\""),
                "a finished import stops refreshing"
            );
            assert!(
                done.text
                    .contains("<progress id=\"bulk-progress\" max=\"20\" value=\"20\">"),
                "{}",
                done.text
            );

            let imports = test
                .store
                .bulk()
                .imports_of(org, 10)
                .await
                .expect("imports");
            assert_eq!(imports.len(), 1);
            let rows = test
                .store
                .bulk()
                .rows(imports[0].id, RowStatus::Issued, 0, 100)
                .await
                .expect("rows");
            assert_eq!(rows.len(), 20);
            assert_eq!(award_count(&test.app, &achievement).await, 20);
            let lena = demo_principal(&test.app, "lena.learner").await;
            let leo = demo_principal(&test.app, "leo.learner").await;
            for row in &rows {
                let id: AwardId = row.award_id.expect("issued rows name their award");
                let award = test
                    .store
                    .awards()
                    .get(id)
                    .await
                    .expect("get")
                    .expect("award");
                assert_eq!(award.issue_key, issue_key(achievement.id, &row.email));
                assert_eq!(award.recipient_email, row.email);
                assert_eq!(award.earner_name, row.name);
                assert_eq!(
                    award.issued_at.format("%Y-%m-%d").to_string(),
                    row.earned_at.format("%Y-%m-%d").to_string()
                );
                let expected_user = if row.email == demo_email("lena.learner") {
                    Some(lena.user.id)
                } else if row.email == demo_email("leo.learner") {
                    Some(leo.user.id)
                } else {
                    None
                };
                assert_eq!(award.user_id, expected_user, "{}", row.email);
                let report = test.app.verify_award(id).await.expect("verify");
                assert!(report.verified(), "{} verifies: {report:?}", row.email);
            }
            let lenas = rows
                .iter()
                .find(|r| r.email == demo_email("lena.learner"))
                .expect("Lena");
            let credential: serde_json::Value = serde_json::from_str(
                &test
                    .store
                    .awards()
                    .get(lenas.award_id.expect("award"))
                    .await
                    .expect("get")
                    .expect("award")
                    .credential,
            )
            .expect("JSON");
            assert_eq!(
                credential["evidence"][0]["id"],
                "https://portfolio.example.org/lena"
            );
            assert_eq!(
                credential["evidence"][0]["narrative"],
                "Taught the routine, twice"
            );

            let earned: Vec<_> = emails
                .iter()
                .filter(|e| e.body.contains("Congratulations:"))
                .collect();
            assert_eq!(earned.len(), 20, "one email each");
            let to_stranger = earned
                .iter()
                .find(|e| e.to == "teacher07@school.example.org")
                .expect("a stranger is emailed");
            assert!(to_stranger.body.contains("/signup"), "{}", to_stranger.body);
            assert!(to_stranger.body.contains("Hello Teacher 7"));
            let to_lena = earned
                .iter()
                .find(|e| e.to == demo_email("lena.learner"))
                .expect("Lena is emailed");
            assert!(
                !to_lena.body.contains("/signup"),
                "an account holder is not asked to sign up"
            );

            // The same file again: nobody is awarded twice.
            let checked = upload(&dana, &achievement.slug, &csv, "check").await;
            checked
                .assert_status(200)
                .assert_contains("20 already hold it and will be skipped");
            assert_eq!(
                checked
                    .text
                    .matches("Already awarded to this person: will be skipped.")
                    .count(),
                20
            );
            let again = upload(&dana, &achievement.slug, &csv, "award").await;
            again
                .assert_status(200)
                .assert_contains("Everyone in the file holds this badge already")
                .assert_contains("<dd id=\"issued\">0</dd>")
                .assert_contains("<dd id=\"skipped\">20</dd>")
                .assert_contains("Skipped: already awarded");
            test.app.run_pending_jobs().await.expect("jobs");
            assert_eq!(
                award_count(&test.app, &achievement).await,
                20,
                "nobody awarded twice"
            );
            let list = dana.get(&format!("/orgs/{ORG}/bulk-awards")).await;
            list.assert_contains("Past bulk awards")
                .assert_contains("spring cohort.csv");
            assert_eq!(
                list.text
                    .matches(&format!("href=\"/orgs/{ORG}/bulk-awards/"))
                    .count(),
                2
            );

            // A stranger signs up with the address and verifies it.
            let stranger =
                crate::verified_user(&test, "Teacher Seven", "Teacher07@school.example.org").await;
            let principal = {
                let session = test
                    .app
                    .log_in(
                        "teacher07@school.example.org",
                        crate::PASSWORD,
                        &RequestMeta::default(),
                    )
                    .await
                    .expect("log in");
                test.app
                    .authenticate_session(&session.token)
                    .await
                    .expect("session")
                    .expect("principal")
            };
            let held = test.app.my_awards(&principal).await.expect("awards");
            assert_eq!(held.len(), 1, "the badge is on the new account");
            assert_eq!(held[0].award.achievement_id, achievement.id);
            assert_eq!(held[0].title, achievement.title);
            stranger.get("/notifications").await.assert_contains(
                "A badge awarded to teacher07@school.example.org is now in your account.",
            );
            test
        },
    )
    .await;
}

#[tokio::test]
async fn only_the_organizations_administrators_award_in_bulk() {
    on_each_backend_with(
        |b| b,
        |test| async move {
            let (org, achievement) = setup(&test).await;
            let csv = twenty(&test);
            for who in ["lena.learner", "riley.reviewer"] {
                let client = demo_browser(&test, who).await;
                client
                    .get(&format!("/orgs/{ORG}/bulk-awards"))
                    .await
                    .assert_status(403);
                upload(&client, &achievement.slug, &csv, "check")
                    .await
                    .assert_status(403);
                upload(&client, &achievement.slug, &csv, "award")
                    .await
                    .assert_status(403);
                assert!(
                    !client
                        .get(&format!("/orgs/{ORG}"))
                        .await
                        .text
                        .contains("/bulk-awards"),
                    "{who} is not offered the page"
                );
            }
            let visitor = test.client().no_redirects();
            let answer = visitor.get(&format!("/orgs/{ORG}/bulk-awards")).await;
            assert_eq!(answer.status, 303, "to the login page");

            // Through the API, with a reviewer's token.
            let riley = demo_principal(&test.app, "riley.reviewer").await;
            let token = test
                .app
                .create_api_token(&riley, "script", None, &RequestMeta::default())
                .await
                .expect("token")
                .secret;
            let path = format!(
                "/api/v1/organizations/{ORG}/achievements/{}/bulk-awards?dry_run=false",
                achievement.id
            );
            let refused = test
                .client()
                .http()
                .post(test.client().url(&path))
                .bearer_auth(&token)
                .header("content-type", "text/csv")
                .body(csv.clone())
                .send()
                .await
                .expect("request");
            assert_eq!(refused.status().as_u16(), 403);

            // A form without its CSRF token is refused.
            let dana = demo_browser(&test, "dana.director").await;
            let form = reqwest::multipart::Form::new()
                .text("achievement", achievement.slug.clone())
                .text("action", "award")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("a.csv"),
                );
            let forged = dana
                .http()
                .post(dana.url(&format!("/orgs/{ORG}/bulk-awards")))
                .multipart(form)
                .send()
                .await
                .expect("request");
            assert_eq!(forged.status().as_u16(), 403);
            assert!(
                test.store
                    .bulk()
                    .imports_of(org, 10)
                    .await
                    .expect("imports")
                    .is_empty()
            );
            assert_eq!(award_count(&test.app, &achievement).await, 0);
            test
        },
    )
    .await;
}

#[tokio::test]
async fn the_api_checks_awards_and_reports_progress() {
    on_each_backend_with(
        |b| b,
        |test| async move {
            let (_, achievement) = setup(&test).await;
            let dana = demo_principal(&test.app, "dana.director").await;
            let token = test
                .app
                .create_api_token(&dana, "roster", None, &RequestMeta::default())
                .await
                .expect("token")
                .secret;
            let client = test.client();
            let base = format!(
                "/api/v1/organizations/{ORG}/achievements/{}/bulk-awards",
                achievement.id
            );
            let send = |query: &str, content_type: &str, body: String| {
                let request = client
                    .http()
                    .post(client.url(&format!("{base}{query}")))
                    .bearer_auth(&token)
                    .header("content-type", content_type.to_owned())
                    .body(body);
                async move {
                    let response = request.send().await.expect("request");
                    let status = response.status().as_u16();
                    let location = response
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let json: serde_json::Value = response.json().await.expect("JSON");
                    (status, location, json)
                }
            };
            let bad = format!(
                "email,name,date\nana@example.org,Ana,{}\nbo@,Bo,{}\n",
                day(&test, 1),
                day(&test, 1)
            );
            let (status, _, report) = send("?dry_run=true", "text/csv", bad.clone()).await;
            assert_eq!(status, 200, "{report}");
            assert_eq!(report["ok"], false);
            assert_eq!(report["rows"], 2);
            assert_eq!(report["problems"][0]["row"], 3);
            assert_eq!(report["problems"][0]["column"], "email");
            assert_eq!(report["problems"][0]["blocking"], true);

            let (status, _, refused) = send("?dry_run=false", "text/csv", bad).await;
            assert_eq!(status, 422, "{refused}");
            assert_eq!(refused["error"]["code"], "invalid");
            assert_eq!(refused["error"]["fields"][0]["field"], "row 3, email");

            let (status, _, wrong) = send("?dry_run=true", "application/json", "{}".into()).await;
            assert_eq!(
                (status, wrong["error"]["code"].as_str()),
                (415, Some("unsupported_media_type"))
            );
            let (status, _, missing) = send("", "text/csv", "email\n".into()).await;
            assert_eq!(
                (status, missing["error"]["code"].as_str()),
                (400, Some("bad_request"))
            );

            let csv = twenty(&test);
            let (status, location, started) = send("?dry_run=false", "text/csv", csv.clone()).await;
            assert_eq!(status, 202, "{started}");
            assert_eq!(started["status"], "running");
            assert_eq!(
                (started["total"].as_u64(), started["pending"].as_u64()),
                (Some(20), Some(20))
            );
            let location = location.expect("a Location header");
            assert_eq!(
                location,
                format!("{base}/{}", started["id"].as_str().expect("id"))
            );

            test.app.run_pending_jobs().await.expect("jobs");
            let progress = client
                .api(reqwest::Method::GET, &location, Some(&token), None)
                .await;
            progress.assert_status(200);
            let progress = progress.json();
            assert_eq!(progress["status"], "done");
            assert_eq!(
                (progress["issued"].as_u64(), progress["done"].as_u64()),
                (Some(20), Some(20))
            );
            assert!(progress["page"].as_str().expect("page").ends_with(&format!(
                "/orgs/{ORG}/bulk-awards/{}",
                started["id"].as_str().expect("id")
            )));

            let (_, _, again) = send("?dry_run=true", "text/csv", csv).await;
            assert_eq!(
                (
                    again["to_award"].as_u64(),
                    again["already_awarded"].as_u64()
                ),
                (Some(0), Some(20))
            );

            let other = client
                .api(
                    reqwest::Method::GET,
                    &format!(
                        "/api/v1/organizations/{ORG}/achievements/{}/bulk-awards/{}",
                        uuid::Uuid::nil(),
                        started["id"].as_str().expect("id")
                    ),
                    Some(&token),
                    None,
                )
                .await;
            other.assert_status(404);

            let doc = client.get("/api/openapi.json").await.json();
            for path in [
                "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards",
                "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards/{import}",
            ] {
                assert!(doc["paths"].get(path).is_some(), "{path} is documented");
            }
            test
        },
    )
    .await;
}

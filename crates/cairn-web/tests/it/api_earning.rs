//! Earning through the JSON API, as integrations use it with personal
//! tokens: joining, a coach, evidence (files streamed as the body), the
//! checklist, moves, reviews, confirmation, comments and notifications;
//! and what strangers, wrong moves and disguised files get.

use crate::{PASSWORD, create_org, on_each_backend, verified_user};
use cairn_test_support::{TestApp, TestClient, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A client of the API with one person's bearer token.
struct Api {
    client: TestClient,
    token: String,
}

/// What a raw request answered.
struct Raw {
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }
}

impl Api {
    /// Creates a personal token for a logged-in browser and uses only it.
    async fn of(app: &TestApp, browser: &TestClient) -> Self {
        let created = browser
            .api(
                Method::POST,
                "/api/v1/me/tokens",
                None,
                Some(r#"{"name": "Learning app"}"#),
            )
            .await;
        created.assert_status(201);
        Self {
            client: app.client(),
            token: created.json()["secret"]
                .as_str()
                .expect("a secret")
                .to_owned(),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        let text = body.map(|b| b.to_string());
        self.client
            .api(method, path, Some(&self.token), text.as_deref())
            .await
    }

    async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PUT, path, Some(body)).await
    }

    async fn patch(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PATCH, path, Some(body)).await
    }

    /// Sends `bytes` as the body with this content type.
    async fn send(&self, method: Method, path: &str, content_type: &str, bytes: Vec<u8>) -> Raw {
        let response = self
            .client
            .http()
            .request(method, self.client.url(path))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .expect("request");
        raw(response).await
    }

    /// GETs a path with the token, with an optional `Range`.
    async fn download(&self, path: &str, range: Option<&str>) -> Raw {
        let mut req = self
            .client
            .http()
            .get(self.client.url(path))
            .bearer_auth(&self.token);
        if let Some(r) = range {
            req = req.header("range", r);
        }
        raw(req.send().await.expect("download")).await
    }

    async fn me(&self) -> String {
        self.get("/api/v1/me").await.json()["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }
}

async fn raw(response: reqwest::Response) -> Raw {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await.expect("body").to_vec();
    Raw {
        status,
        content_type,
        bytes,
    }
}

fn field_names(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn message(body: &Value) -> String {
    body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().expect("an id").to_owned()
}

/// Invites someone to the organization with `roles`; they sign up from the
/// email and get a token.
async fn member(
    app: &TestApp,
    admin: &Api,
    org: &str,
    name: &str,
    email: &str,
    roles: &[&str],
) -> Api {
    admin
        .post(
            &format!("/api/v1/organizations/{org}/invitations"),
            json!({"email": email, "roles": roles}),
        )
        .await
        .assert_status(201);
    let link = app
        .last_email_to(email)
        .await
        .link()
        .expect("an invitation link");
    let browser = app.client();
    browser
        .submit(
            &format!("{link}/signup"),
            &[("display_name", name), ("password", PASSWORD)],
        )
        .await
        .assert_status(200)
        .assert_contains("Welcome to");
    Api::of(app, &browser).await
}

/// A published micro-credential with a two-criterion rubric and these
/// requirements; returns its id.
async fn published(api: &Api, org: &str, title: &str, price: &str, requirements: Value) -> String {
    let created = api
        .post(
            &format!("/api/v1/organizations/{org}/achievements"),
            json!({
                "title": title,
                "summary": "Teach the routine so students restate ideas in their own words.",
                "competency": "Explicit instruction of a learning strategy",
                "criteria": "Teaches all eight stages with fidelity.",
                "credit_hours": 2,
                "price": price,
                "sponsorable": true,
                "requires_confirmation": true,
            }),
        )
        .await;
    created.assert_status(201);
    let id = id_of(&created.json());
    let path = format!("/api/v1/achievements/{id}");
    let rubric = api
        .put(
            &format!("{path}/rubric"),
            json!({
                "lock_version": created.json()["lock_version"],
                "levels": ["Beginning", "Proficient"],
                "criteria": [
                    {"name": "Fidelity", "descriptors": ["Some steps", "Every step"], "points": [1, 2]},
                    {"name": "Student practice", "descriptors": ["Rarely", "Daily"], "points": [1, 2]},
                ],
                "rule": {"kind": "both", "level": "Proficient", "points": 4},
            }),
        )
        .await;
    rubric.assert_status(200);
    api.put(
        &format!("{path}/requirements"),
        json!({"lock_version": rubric.json()["lock_version"], "requirements": requirements}),
    )
    .await
    .assert_status(200);
    api.put(&format!("{path}/design"), json!({}))
        .await
        .assert_status(200);
    api.call(Method::POST, &format!("{path}/publish"), None)
        .await
        .assert_status(200);
    id
}

/// A PNG header followed by `len` filler bytes.
fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00".to_vec();
    bytes.extend((0..len).map(|i| u8::try_from((i * 31) % 251).unwrap_or(0)));
    bytes
}

const HTML: &[u8] =
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
const SVG: &[u8] =
    br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>"#;

/// How many evidence files are stored for an enrollment.
fn stored_files(app: &TestApp, enrollment: &str) -> usize {
    std::fs::read_dir(app.app.blobs().root().join("evidence").join(enrollment))
        .map(|d| d.filter_map(Result::ok).count())
        .unwrap_or(0)
}

fn lock(enrollment: &Value) -> u64 {
    enrollment["lock_version"].as_u64().expect("a lock version")
}

fn moves(enrollment: &Value) -> Vec<String> {
    enrollment["moves"]
        .as_array()
        .expect("moves")
        .iter()
        .filter_map(|m| m["move"].as_str().map(str::to_owned))
        .collect()
}

async fn make_move(api: &Api, enrollment: &str, name: &str, lock: u64) -> TestResponse {
    api.post(
        &format!("/api/v1/enrollments/{enrollment}/moves"),
        json!({"move": name, "lock_version": lock}),
    )
    .await
}

async fn current(api: &Api, enrollment: &str) -> Value {
    let got = api.get(&format!("/api/v1/enrollments/{enrollment}")).await;
    got.assert_status(200);
    got.json()
}

fn two_requirements() -> Value {
    json!([
        {"prompt": "A sample of student work", "guidance": "A photo or a scan.", "kinds": ["image", "document"],
         "min_count": 1, "checklist": ["Names the task", "Shows your feedback"]},
        {"prompt": "Reflections on the lesson", "guidance": "", "kinds": ["reflection", "link"], "min_count": 2, "checklist": []},
    ])
}

#[tokio::test]
async fn a_learner_earns_a_micro_credential_through_the_api_with_a_coach_a_reviewer_and_an_administrator()
 {
    on_each_backend(|app| async move {
        let ana_browser = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana_browser, "Center for Learning", "ccl").await;
        let ana = Api::of(&app, &ana_browser).await;
        let rita = member(&app, &ana, &org, "Rita", "rita@example.org", &["reviewer"]).await;
        let id = published(&ana, &org, "Paraphrasing Strategy", "49.00", two_requirements()).await;
        let sponsorship = ana
            .post(
                &format!("/api/v1/organizations/{org}/sponsorships"),
                json!({"name": "Title II grant", "seats": 2, "covers": [id]}),
            )
            .await;
        sponsorship.assert_status(201);
        let codes = ana
            .post(
                &format!("/api/v1/organizations/{org}/sponsorships/{}/codes", id_of(&sponsorship.json())),
                json!({"count": 1}),
            )
            .await;
        codes.assert_status(201);
        let code = codes.json()[0]["code"].as_str().expect("a code").to_lowercase();

        let lena_browser = verified_user(&app, "Lena", "lena@example.org").await;
        let lena = Api::of(&app, &lena_browser).await;
        let cole = Api::of(&app, &verified_user(&app, "Cole", "cole@example.org").await).await;
        let leo_browser = verified_user(&app, "Leo", "leo@example.org").await;
        let leo = Api::of(&app, &leo_browser).await;

        // Joining with a sponsor code.
        let join_path = format!("/api/v1/achievements/{id}/enrollments");
        let joined = lena.post(&join_path, json!({"funding": "code", "code": code})).await;
        joined.assert_status(201);
        let e = joined.json()["enrollment"].clone();
        assert_eq!(e["state"], "in_progress");
        assert_eq!(e["funding"], "sponsor");
        assert_eq!(e["relation"], "learner");
        assert_eq!(e["achievement"]["title"], "Paraphrasing Strategy");
        assert_eq!(e["requirements"][0]["checklist"][1]["text"], "Shows your feedback");
        assert_eq!(e["requirements"][1]["min_count"], 2);
        assert_eq!(moves(&e), vec!["request_feedback", "submit", "withdraw"]);
        assert!(joined.json()["payment"].is_null());
        let eid = id_of(&e);
        let base = format!("/api/v1/enrollments/{eid}");
        let again = lena.post(&join_path, json!({"funding": "code", "code": code})).await;
        again.assert_status(409);
        assert!(message(&again.json()).contains("already joined"), "{}", again.text);
        let mine = lena.get("/api/v1/me/enrollments").await;
        mine.assert_status(200);
        assert_eq!(mine.json()[0]["id"], eid.as_str());
        let no_coach = make_move(&lena, &eid, "request_feedback", lock(&e)).await;
        no_coach.assert_status(409);
        assert!(message(&no_coach.json()).contains("Invite a coach first"));

        // A coach, invited by email and accepted with the emailed token.
        let invited = lena
            .post("/api/v1/coaching/invitations", json!({"email": "cole@example.org", "role": "coach", "achievement_id": id}))
            .await;
        invited.assert_status(201);
        assert_eq!(invited.json()["role"], "coach");
        let bad_role = lena
            .post("/api/v1/coaching/invitations", json!({"email": "cole@example.org", "role": "mentor"}))
            .await;
        bad_role.assert_status(422);
        assert_eq!(field_names(&bad_role.json()), vec!["role"]);
        let link = app.last_email_to("cole@example.org").await.link().expect("an invitation link");
        let token = link.strip_prefix("/partners/").expect("a partner link").to_owned();
        let answer = "/api/v1/coaching/invitations/answer";
        leo.post(answer, json!({"token": token, "answer": "accept"})).await.assert_status(403);
        let unsure = cole.post(answer, json!({"token": token, "answer": "maybe"})).await;
        unsure.assert_status(422);
        assert_eq!(field_names(&unsure.json()), vec!["answer"]);
        let accepted = cole.post(answer, json!({"token": token, "answer": "accept"})).await;
        accepted.assert_status(200);
        assert_eq!(accepted.json()["accepted"], true);
        assert_eq!(accepted.json()["partnership"]["learner_id"], lena.me().await.as_str());
        assert_eq!(accepted.json()["partnership"]["coach_id"], cole.me().await.as_str());
        cole.post(answer, json!({"token": token, "answer": "accept"})).await.assert_status(409);
        let dashboard = cole.get("/api/v1/coaching").await;
        dashboard.assert_status(200);
        assert_eq!(dashboard.json()[0]["learner"]["display_name"], "Lena");
        assert_eq!(dashboard.json()[0]["enrollments"][0]["id"], eid.as_str());
        assert_eq!(dashboard.json()[0]["enrollments"][0]["waiting_for_coach"], false);

        // A file, streamed as the body and judged by its content.
        let bytes = png(300 * 1024);
        let uploaded = lena
            .send(
                Method::POST,
                &format!("{base}/files?requirement=0&visibility=private&filename=lesson/work.txt&title=Student%20work"),
                "application/octet-stream",
                bytes.clone(),
            )
            .await;
        assert_eq!(uploaded.status, 201, "{}", String::from_utf8_lossy(&uploaded.bytes));
        let file = uploaded.json();
        assert_eq!(file["kind"], "image", "told by content, not the .txt name");
        assert_eq!(file["title"], "Student work");
        assert_eq!(file["visibility"], "private");
        assert_eq!(file["file"]["name"], "work.txt");
        assert_eq!(file["file"]["media_type"], "image/png");
        assert_eq!(file["file"]["size_bytes"], bytes.len());
        assert_eq!(file["file"]["sha256"], hex::encode(Sha256::digest(&bytes)));
        let file_id = id_of(&file);
        let page_url = file["file"]["url"].as_str().expect("url").to_owned();
        let api_url = file["file"]["api_url"].as_str().expect("api url").to_owned();
        assert_eq!(page_url, format!("/evidence/{file_id}/file"));
        let served = lena_browser.http().get(lena_browser.url(&page_url)).send().await.expect("file");
        assert_eq!(served.status(), 200);
        assert_eq!(served.headers()["content-type"], "image/png");
        assert!(served.bytes().await.expect("bytes").as_ref() == bytes.as_slice(), "the page route serves the same bytes");
        let by_token = lena.download(&api_url, None).await;
        assert_eq!(by_token.status, 200);
        assert_eq!(by_token.content_type, "image/png");
        assert!(by_token.bytes == bytes, "the API serves the same bytes");
        let part = lena.download(&api_url, Some("bytes=0-7")).await;
        assert_eq!(part.status, 206);
        assert_eq!(part.bytes, bytes[..8]);
        assert_eq!(stored_files(&app, &eid), 1);
        let disguised = lena
            .send(Method::POST, &format!("{base}/files?requirement=0&filename=photo.png"), "image/png", HTML.to_vec())
            .await;
        assert_eq!(disguised.status, 422);
        assert_eq!(field_names(&disguised.json()), vec!["file"]);
        let why = disguised.json()["error"]["fields"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(why.contains("this requirement takes: image, document"), "{why}");
        assert_eq!(stored_files(&app, &eid), 1, "the refused file is not kept");

        // Strangers see nothing of it.
        leo.get(&base).await.assert_status(404);
        assert_eq!(leo.download(&api_url, None).await.status, 404);
        let leo_page = leo_browser.http().get(leo_browser.url(&page_url)).send().await.expect("file");
        assert_eq!(leo_page.status(), 404);
        leo.get(&format!("{base}/evidence/{file_id}/comments")).await.assert_status(404);

        // A reflection and a link; submitting before everything is met.
        let reflection = lena
            .post(
                &format!("{base}/evidence"),
                json!({"requirement": 1, "kind": "reflection", "title": "What I noticed",
                       "text": "Students *paraphrased* <script>alert(1)</script>", "visibility": "organization"}),
            )
            .await;
        reflection.assert_status(201);
        let reflection = reflection.json();
        assert!(reflection["html"].as_str().expect("html").contains("<em>paraphrased</em>"));
        assert!(!reflection["html"].as_str().expect("html").contains("<script"));
        let early = make_move(&lena, &eid, "submit", lock(&current(&lena, &eid).await)).await;
        early.assert_status(409);
        assert_eq!(early.json()["error"]["code"], "conflict");
        let missing = message(&early.json());
        assert!(missing.contains("Some requirements are not met yet"), "{missing}");
        assert!(missing.contains("Reflections on the lesson: 1 of 2 items"), "{missing}");
        assert!(missing.contains("A sample of student work: 1 of 1 items, 0 of 2 checklist items"), "{missing}");
        let link = lena
            .post(
                &format!("{base}/evidence"),
                json!({"requirement": 1, "kind": "link", "text": "https://example.org/lesson-plan", "visibility": "public"}),
            )
            .await;
        link.assert_status(201);
        assert_eq!(link.json()["url"], "https://example.org/lesson-plan");
        let renamed = lena
            .patch(&format!("{base}/evidence/{}", id_of(&link.json())), json!({"title": "Lesson plan"}))
            .await;
        renamed.assert_status(200);
        assert_eq!(renamed.json()["title"], "Lesson plan");
        assert_eq!(renamed.json()["visibility"], "public");

        // The checklist.
        let out_of_range = lena.put(&format!("{base}/checklist/0"), json!({"ticked": [0, 5]})).await;
        out_of_range.assert_status(422);
        assert_eq!(field_names(&out_of_range.json()), vec!["ticked"]);
        lena.put(&format!("{base}/checklist/7"), json!({"ticked": []})).await.assert_status(404);
        let ticked = lena.put(&format!("{base}/checklist/0"), json!({"ticked": [0, 1]})).await;
        ticked.assert_status(200);
        assert_eq!(ticked.json()["met"], true);
        assert_eq!(ticked.json()["checklist"][1]["ticked"], true);
        assert_eq!(current(&lena, &eid).await["complete"], true);

        // Comments, on the enrollment and on the file.
        let said = lena.post(&format!("{base}/comments"), json!({"body": "Ready for a look?"})).await;
        said.assert_status(201);
        assert_eq!(said.json()["author"]["display_name"], "Lena");
        let on_file = cole
            .post(&format!("{base}/evidence/{file_id}/comments"), json!({"body": "Crop the names out."}))
            .await;
        on_file.assert_status(201);
        assert_eq!(on_file.json()["evidence_id"], file_id.as_str());
        let thread = lena.get(&format!("{base}/comments")).await;
        assert_eq!(thread.json().as_array().map(Vec::len), Some(1));
        assert_eq!(thread.json()[0]["body"], "Ready for a look?");
        let file_thread = lena.get(&format!("{base}/evidence/{file_id}/comments")).await;
        assert_eq!(file_thread.json()[0]["author"]["display_name"], "Cole");
        lena.post(&format!("{base}/comments"), json!({"body": "  "})).await.assert_status(422);

        // Feedback from the coach, then the submission.
        let asked = make_move(&lena, &eid, "request_feedback", lock(&current(&lena, &eid).await)).await;
        asked.assert_status(200);
        assert_eq!(asked.json()["feedback"], "requested");
        let coach_view = current(&cole, &eid).await;
        assert_eq!(coach_view["relation"], "coach");
        assert_eq!(moves(&coach_view), vec!["ready"]);
        assert!(coach_view["evidence"].as_array().expect("evidence").iter().any(|x| x["id"] == file_id.as_str()));
        let stale = lock(&coach_view);
        let ready = make_move(&cole, &eid, "ready", stale).await;
        ready.assert_status(200);
        assert_eq!(ready.json()["feedback"], "ready");
        let late = make_move(&lena, &eid, "submit", stale).await;
        late.assert_status(409);
        assert!(message(&late.json()).contains("changed while"), "{}", late.text);
        let submitted = make_move(&lena, &eid, "submit", lock(&ready.json())).await;
        submitted.assert_status(200);
        assert_eq!(submitted.json()["state"], "submitted");
        assert_eq!(submitted.json()["attempts"], 1);
        let frozen = lena
            .post(&format!("{base}/evidence"), json!({"requirement": 1, "kind": "link", "text": "https://example.org/more"}))
            .await;
        frozen.assert_status(409);

        // The reviewer's queue and review: revise first.
        let queue = rita.get(&format!("/api/v1/organizations/{org}/reviews")).await;
        queue.assert_status(200);
        assert_eq!(queue.json()["everyone"], false);
        assert_eq!(queue.json()["items"][0]["enrollment_id"], eid.as_str());
        assert_eq!(queue.json()["items"][0]["learner"], "Lena");
        let review = queue.json()["items"][0]["review_id"].as_str().expect("review").to_owned();
        let everyone = ana.get(&format!("/api/v1/organizations/{org}/reviews?page=1")).await;
        assert_eq!(everyone.json()["everyone"], true);
        assert_eq!(everyone.json()["total"], 1);
        assert_eq!(everyone.json()["items"][0]["reviewer"], "Rita");
        let rita_view = current(&rita, &eid).await;
        assert_eq!(rita_view["relation"], "reviewer");
        assert_eq!(rita_view["my_open_review"], review.as_str());
        let review_path = format!("{base}/reviews/{review}");
        let open = rita.get(&review_path).await;
        open.assert_status(200);
        assert_eq!(open.json()["rubric"]["levels"], json!(["Beginning", "Proficient"]));
        assert_eq!(open.json()["evidence"].as_array().map(Vec::len), Some(3));
        assert_eq!(open.json()["ticked"].as_array().map(Vec::len), Some(2));
        assert!(open.json()["completed_at"].is_null());
        for other in [&cole, &ana, &lena] {
            other.get(&review_path).await.assert_status(404);
            other
                .post(&review_path, json!({"scores": [{"level": 1}, {"level": 1}], "decision": "meets"}))
                .await
                .assert_status(404);
        }
        let undecided = rita.post(&review_path, json!({"decision": "maybe"})).await;
        undecided.assert_status(422);
        assert_eq!(field_names(&undecided.json()), vec!["decision"]);
        let sloppy = rita
            .post(&review_path, json!({"scores": [{"level": 5}], "feedback": "", "decision": "revise"}))
            .await;
        sloppy.assert_status(422);
        let fields = field_names(&sloppy.json());
        for field in ["scores", "scores[0]", "feedback"] {
            assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
        }
        let revise = rita
            .post(
                &review_path,
                json!({"scores": [{"level": 0, "comment": "Some steps were skipped."}, {"level": 1}],
                       "feedback": "Add a second lesson's reflection.", "decision": "revise"}),
            )
            .await;
        revise.assert_status(200);
        assert_eq!(revise.json()["decision"], "revise");
        assert_eq!(revise.json()["scores"][0]["level_name"], "Beginning");
        rita.post(&review_path, json!({"scores": [{"level": 1}, {"level": 1}], "decision": "meets"}))
            .await
            .assert_status(409);
        let back = current(&lena, &eid).await;
        assert_eq!(back["state"], "revision_requested");
        assert_eq!(back["submissions"][0]["outcome"], "revise");
        assert_eq!(back["submissions"][0]["reviews"][0]["feedback"], "Add a second lesson's reflection.");
        assert_eq!(back["submissions"][0]["reviews"][0]["scores"][0]["comment"], "Some steps were skipped.");
        assert_eq!(back["submissions"][0]["reviews"][0]["mine"], false);
        assert_eq!(moves(&back), vec!["submit", "withdraw"]);

        // Revised and resubmitted; this time it meets the criteria.
        lena.patch(
            &format!("{base}/evidence/{}", id_of(&reflection)),
            json!({"text": "Two lessons: students paraphrased in pairs, then alone."}),
        )
        .await
        .assert_status(200);
        let resubmitted = make_move(&lena, &eid, "submit", lock(&back)).await;
        resubmitted.assert_status(200);
        assert_eq!(resubmitted.json()["attempts"], 2);
        let second = current(&rita, &eid).await["my_open_review"].as_str().expect("a second review").to_owned();
        assert_ne!(second, review);
        let meets = rita
            .post(&format!("{base}/reviews/{second}"), json!({"scores": [{"level": 1}, {"level": 1}], "decision": "meets"}))
            .await;
        meets.assert_status(200);
        assert_eq!(meets.json()["decision"], "meets");

        // The administrator confirms; she never sees the private file.
        let admin_view = current(&ana, &eid).await;
        assert_eq!(admin_view["state"], "awaiting_confirmation");
        assert_eq!(admin_view["relation"], "organization_admin");
        assert_eq!(moves(&admin_view), vec!["confirm"]);
        let seen: Vec<&str> = admin_view["evidence"].as_array().expect("evidence").iter().filter_map(|x| x["id"].as_str()).collect();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(!seen.contains(&file_id.as_str()));
        assert_eq!(ana.download(&api_url, None).await.status, 404);
        make_move(&lena, &eid, "confirm", lock(&admin_view)).await.assert_status(403);
        app.clock.advance(chrono::Duration::minutes(5));
        let confirmed = make_move(&ana, &eid, "confirm", lock(&admin_view)).await;
        confirmed.assert_status(200);
        assert_eq!(confirmed.json()["state"], "award_pending");
        let leave = make_move(&lena, &eid, "withdraw", lock(&confirmed.json())).await;
        leave.assert_status(409);
        assert!(message(&leave.json()).contains("Award on its way"), "{}", leave.text);

        // Lena heard of the partnership, the coach's comment and readiness,
        // both decisions and the confirmation.
        let unread = lena.get("/api/v1/me/notifications/unread").await;
        unread.assert_status(200);
        assert_eq!(unread.json()["unread"], 6);
        let list = lena.get("/api/v1/me/notifications").await;
        assert_eq!(list.json()["unread"], 6);
        assert_eq!(list.json()["items"][0]["kind"], "confirmed");
        assert_eq!(list.json()["items"][0]["link"], format!("/enrollments/{eid}"));
        assert_eq!(list.json()["items"][0]["read"], false);
        lena.call(Method::POST, "/api/v1/me/notifications/read", None).await.assert_status(204);
        assert_eq!(lena.get("/api/v1/me/notifications/unread").await.json()["unread"], 0);
        assert_eq!(lena.get("/api/v1/me/notifications").await.json()["items"][0]["read"], true);
        app
    })
    .await;
}

#[tokio::test]
async fn strangers_wrong_moves_bad_input_and_disguised_files_are_refused() {
    on_each_backend(|app| async move {
        let ana_browser = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana_browser, "Center for Learning", "ccl").await;
        let ana = Api::of(&app, &ana_browser).await;
        let rita = member(&app, &ana, &org, "Rita", "rita@example.org", &["reviewer"]).await;
        let ray = member(&app, &ana, &org, "Ray", "ray@example.org", &["reviewer"]).await;
        let id = published(
            &ana,
            &org,
            "Check-In/Check-Out",
            "0",
            json!([{"prompt": "A photo of the chart", "guidance": "", "kinds": ["image"], "min_count": 1, "checklist": []}]),
        )
        .await;
        let lena = Api::of(&app, &verified_user(&app, "Lena", "lena@example.org").await).await;
        let leo = Api::of(&app, &verified_user(&app, "Leo", "leo@example.org").await).await;
        let join_path = format!("/api/v1/achievements/{id}/enrollments");
        let bad_funding = lena.post(&join_path, json!({"funding": "barter"})).await;
        bad_funding.assert_status(422);
        assert_eq!(field_names(&bad_funding.json()), vec!["funding"]);
        let no_code = lena.post(&join_path, json!({"funding": "code"})).await;
        no_code.assert_status(422);
        assert_eq!(field_names(&no_code.json()), vec!["code"]);
        let not_paid = lena.post(&join_path, json!({"funding": "payment"})).await;
        not_paid.assert_status(422);
        assert_eq!(field_names(&not_paid.json()), vec!["funding"]);
        lena.post("/api/v1/achievements/not-an-id/enrollments", json!({"funding": "free"}))
            .await
            .assert_status(404);
        let joined = lena.post(&join_path, json!({"funding": "free"})).await;
        joined.assert_status(201);
        let e = joined.json()["enrollment"].clone();
        assert_eq!(e["funding"], "free");
        let eid = id_of(&e);
        let base = format!("/api/v1/enrollments/{eid}");

        // Bad input, answered per field, and nothing stored.
        let everyone = lena
            .post(&format!("{base}/evidence"), json!({"requirement": 0, "kind": "poem", "text": "x", "visibility": "everyone"}))
            .await;
        everyone.assert_status(422);
        assert_eq!(field_names(&everyone.json()), vec!["kind", "visibility"]);
        let wrong_kind = lena
            .post(&format!("{base}/evidence"), json!({"requirement": 0, "kind": "reflection", "text": "x"}))
            .await;
        wrong_kind.assert_status(422);
        assert_eq!(field_names(&wrong_kind.json()), vec!["kind"]);
        let files = format!("{base}/files?requirement=0&filename=chart.png");
        let html = lena.send(Method::POST, &files, "image/png", HTML.to_vec()).await;
        assert_eq!(html.status, 422);
        assert_eq!(field_names(&html.json()), vec!["file"]);
        let why = html.json()["error"]["fields"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(why.contains("text/plain") && why.contains("this requirement takes: image"), "{why}");
        let svg = lena.send(Method::POST, &files, "image/png", SVG.to_vec()).await;
        assert_eq!(svg.status, 422);
        assert!(svg.json()["error"]["fields"][0]["message"].as_str().unwrap_or_default().contains("SVG"));
        let form = lena
            .send(Method::POST, &files, "multipart/form-data; boundary=x", b"--x--".to_vec())
            .await;
        assert_eq!(form.status, 415);
        assert_eq!(form.json()["error"]["code"], "unsupported_media_type");
        let hidden = lena
            .send(Method::POST, &format!("{base}/files?requirement=zero&visibility=secret"), "image/png", png(64))
            .await;
        assert_eq!(hidden.status, 422);
        assert_eq!(field_names(&hidden.json()), vec!["requirement", "visibility"]);
        let beyond = lena.send(Method::POST, &format!("{base}/files?requirement=3"), "image/png", png(64)).await;
        assert_eq!(beyond.status, 422);
        assert_eq!(field_names(&beyond.json()), vec!["requirement"]);
        assert_eq!(stored_files(&app, &eid), 0, "nothing refused is kept");
        assert_eq!(current(&lena, &eid).await["evidence"], json!([]));

        // Another learner finds nothing, and can change nothing.
        let item = lena.send(Method::POST, &format!("{base}/files?requirement=0"), "image/png", png(2048)).await;
        assert_eq!(item.status, 201);
        let item_id = id_of(&item.json());
        let api_url = item.json()["file"]["api_url"].as_str().expect("api url").to_owned();
        let item_path = format!("{base}/evidence/{item_id}");
        leo.get(&base).await.assert_status(404);
        leo.get(&format!("{base}/comments")).await.assert_status(404);
        leo.post(&format!("{base}/comments"), json!({"body": "hello"})).await.assert_status(404);
        leo.get(&format!("{item_path}/comments")).await.assert_status(404);
        assert_eq!(leo.download(&api_url, None).await.status, 404);
        leo.patch(&item_path, json!({"title": "Mine now"})).await.assert_status(404);
        leo.call(Method::DELETE, &item_path, None).await.assert_status(404);
        leo.post(&format!("{base}/evidence"), json!({"requirement": 0, "kind": "link", "text": "https://example.org"}))
            .await
            .assert_status(404);
        assert_eq!(
            leo.send(Method::POST, &format!("{base}/files?requirement=0"), "image/png", png(64)).await.status,
            404
        );
        make_move(&leo, &eid, "submit", lock(&e)).await.assert_status(404);
        leo.put(&format!("{base}/checklist/0"), json!({"ticked": []})).await.assert_status(404);
        assert_eq!(stored_files(&app, &eid), 1);
        let bad_visibility = lena.patch(&item_path, json!({"visibility": "world"})).await;
        bad_visibility.assert_status(422);
        assert_eq!(field_names(&bad_visibility.json()), vec!["visibility"]);

        // Moves that are not allowed now, not anyone's, or not moves at all.
        let e = current(&lena, &eid).await;
        let early = make_move(&lena, &eid, "try_again", lock(&e)).await;
        early.assert_status(409);
        assert_eq!(message(&early.json()), "This cannot be done while the micro-credential is “In progress”.");
        let unknown = make_move(&lena, &eid, "fly", lock(&e)).await;
        unknown.assert_status(422);
        assert_eq!(field_names(&unknown.json()), vec!["move"]);
        make_move(&lena, &eid, "confirm", lock(&e)).await.assert_status(403);
        make_move(&lena, &eid, "ready", lock(&e)).await.assert_status(403);
        make_move(&ana, &eid, "submit", lock(&e)).await.assert_status(404);
        lena.post(&format!("{base}/moves"), json!({"move": "submit"})).await.assert_status(422);

        // A review belongs to its reviewer only.
        let submitted = make_move(&lena, &eid, "submit", lock(&e)).await;
        submitted.assert_status(200);
        let queue = ana.get(&format!("/api/v1/organizations/{org}/reviews")).await.json();
        let review = queue["items"][0]["review_id"].as_str().expect("a review").to_owned();
        let (assigned, other) = if queue["items"][0]["reviewer"] == "Rita" { (&rita, &ray) } else { (&ray, &rita) };
        let review_path = format!("{base}/reviews/{review}");
        other.get(&review_path).await.assert_status(404);
        let refused = other.post(&review_path, json!({"scores": [{"level": 1}, {"level": 1}], "decision": "meets"})).await;
        refused.assert_status(404);
        assert_eq!(refused.json()["error"]["code"], "not_found");
        assert_eq!(other.get(&format!("/api/v1/organizations/{org}/reviews")).await.json()["total"], 0);
        assigned.get(&review_path).await.assert_status(200);
        assigned
            .get(&format!("/api/v1/enrollments/{}/reviews/{review}", uuid::Uuid::now_v7()))
            .await
            .assert_status(404);

        // Review rules: administrators set them, reviewers read them.
        let rules = format!("/api/v1/organizations/{org}/review-rules");
        let defaults = ana.get(&rules).await;
        defaults.assert_status(200);
        assert_eq!(defaults.json(), json!({"two_reviews": false, "max_attempts": null}));
        let zero = ana.put(&rules, json!({"two_reviews": true, "max_attempts": 0})).await;
        zero.assert_status(422);
        assert_eq!(field_names(&zero.json()), vec!["max_attempts"]);
        let set = ana.put(&rules, json!({"two_reviews": true, "max_attempts": 3})).await;
        set.assert_status(200);
        assert_eq!(set.json(), json!({"two_reviews": true, "max_attempts": 3}));
        assert_eq!(rita.get(&rules).await.json()["max_attempts"], 3);
        rita.put(&rules, json!({"two_reviews": false, "max_attempts": null})).await.assert_status(403);
        lena.get(&rules).await.assert_status(403);
        lena.get(&format!("/api/v1/organizations/{org}/reviews")).await.assert_status(403);
        app
    })
    .await;
}

#[tokio::test]
async fn joining_by_seat_or_paying_answers_with_the_enrollment_and_the_payment() {
    on_each_backend(|app| async move {
        let ana_browser = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana_browser, "Center for Learning", "ccl").await;
        let ana = Api::of(&app, &ana_browser).await;
        let id = published(
            &ana,
            &org,
            "Paraphrasing Strategy",
            "49.00",
            two_requirements(),
        )
        .await;
        let lena = Api::of(&app, &verified_user(&app, "Lena", "lena@example.org").await).await;
        let omar = Api::of(&app, &verified_user(&app, "Omar", "omar@example.org").await).await;
        let join_path = format!("/api/v1/achievements/{id}/enrollments");

        let free = lena.post(&join_path, json!({"funding": "free"})).await;
        free.assert_status(422);
        assert_eq!(field_names(&free.json()), vec!["funding"]);
        let paying = lena.post(&join_path, json!({"funding": "payment"})).await;
        paying.assert_status(201);
        let body = paying.json();
        assert_eq!(body["enrollment"]["state"], "pending_payment");
        assert_eq!(body["enrollment"]["funding"], "payment");
        assert_eq!(moves(&body["enrollment"]), vec!["withdraw"]);
        assert_eq!(body["payment"]["status"], "pending");
        assert_eq!(body["payment"]["amount_cents"], 4900);
        assert_eq!(body["payment"]["provider"], "manual");
        assert_eq!(body["payment"]["enrollment_id"], body["enrollment"]["id"]);
        assert!(body["next_step"].is_null());
        let eid = id_of(&body["enrollment"]);
        let payments = ana
            .get(&format!("/api/v1/organizations/{org}/payments"))
            .await;
        assert_eq!(
            payments.json()["payments"][0]["payment"]["id"],
            body["payment"]["id"]
        );

        let sponsorship = ana
            .post(
                &format!("/api/v1/organizations/{org}/sponsorships"),
                json!({"name": "District seats", "seats": 1}),
            )
            .await;
        sponsorship.assert_status(201);
        let seat = ana
            .post(
                &format!(
                    "/api/v1/organizations/{org}/sponsorships/{}/seats",
                    id_of(&sponsorship.json())
                ),
                json!({"email": "omar@example.org"}),
            )
            .await;
        seat.assert_status(201);
        let wrong_seat = omar
            .post(
                &join_path,
                json!({"funding": "seat", "seat": uuid::Uuid::now_v7()}),
            )
            .await;
        wrong_seat.assert_status(422);
        assert_eq!(field_names(&wrong_seat.json()), vec!["seat"]);
        let seated = omar
            .post(
                &join_path,
                json!({"funding": "seat", "seat": id_of(&seat.json())}),
            )
            .await;
        seated.assert_status(201);
        assert_eq!(seated.json()["enrollment"]["state"], "in_progress");
        assert_eq!(seated.json()["enrollment"]["funding"], "sponsor");
        assert!(seated.json()["payment"].is_null());

        // Leaving, through the moves.
        let left = make_move(&lena, &eid, "withdraw", lock(&body["enrollment"])).await;
        left.assert_status(200);
        assert_eq!(left.json()["state"], "withdrawn");
        assert_eq!(moves(&left.json()), Vec::<String>::new());
        app
    })
    .await;
}

/// Every route the API router serves, with its methods, from the router's
/// source.
fn routes() -> Vec<(String, Vec<&'static str>)> {
    let source = include_str!("../../src/api/mod.rs");
    source
        .split(".route(")
        .skip(1)
        .filter_map(|chunk| {
            let path = chunk.split('"').nth(1)?.to_owned();
            let methods = ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .filter(|m| {
                    chunk.match_indices(&format!("{m}(")).any(|(at, _)| {
                        !chunk[..at]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                })
                .collect();
            Some((path, methods))
        })
        .filter(|(path, _)| path.starts_with("/api/v1/"))
        .collect()
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    on_each_backend(|app| async move {
        let doc = app.client().get("/api/openapi.json").await;
        doc.assert_status(200);
        let json = doc.json();
        let routes = routes();
        assert!(
            routes.len() > 40,
            "the router's routes were read: {}",
            routes.len()
        );
        for (path, methods) in &routes {
            assert!(!methods.is_empty(), "{path} has methods");
            for method in methods {
                assert!(
                    json["paths"][path].get(*method).is_some(),
                    "{method} {path} is documented"
                );
            }
        }
        for path in [
            "/api/v1/achievements/{id}/enrollments",
            "/api/v1/enrollments/{id}/files",
            "/api/v1/enrollments/{id}/moves",
            "/api/v1/enrollments/{id}/reviews/{review}",
            "/api/v1/organizations/{slug}/review-rules",
        ] {
            assert!(routes.iter().any(|(p, _)| p == path), "{path} is routed");
        }
        let upload = &json["paths"]["/api/v1/enrollments/{id}/files"]["post"];
        assert!(
            upload["requestBody"]["content"]
                .get("application/octet-stream")
                .is_some()
        );
        let params: Vec<&str> = upload["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for name in ["requirement", "visibility", "filename"] {
            assert!(params.contains(&name), "{name} in {params:?}");
        }
        for schema in [
            "JoinDto",
            "JoinedDto",
            "EnrollmentDto",
            "EvidenceDto",
            "MoveInputDto",
            "ReviewInputDto",
            "ReviewDto",
            "QueueDto",
            "ReviewRulesDto",
        ] {
            assert!(
                json["components"]["schemas"].get(schema).is_some(),
                "{schema}"
            );
        }
        app
    })
    .await;
}

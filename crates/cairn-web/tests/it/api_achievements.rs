//! Micro-credentials, the catalog and the authoring library through the
//! JSON API, as an integration would use them.

use crate::{PASSWORD, create_org, on_each_backend, verified_user};
use cairn_test_support::{TestApp, TestClient, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};

/// A client of the API: a bearer token, or nothing for a visitor.
struct Api {
    client: TestClient,
    token: Option<String>,
}

impl Api {
    fn visitor(app: &TestApp) -> Self {
        Self {
            client: app.client(),
            token: None,
        }
    }

    /// Creates a personal token for a logged-in browser and uses only it.
    async fn of(app: &TestApp, browser: &TestClient) -> Self {
        let created = browser
            .api(
                Method::POST,
                "/api/v1/me/tokens",
                None,
                Some(r#"{"name": "Catalog sync"}"#),
            )
            .await;
        created.assert_status(201);
        let token = created.json()["secret"]
            .as_str()
            .expect("a secret")
            .to_owned();
        Self {
            client: app.client(),
            token: Some(token),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> TestResponse {
        let text = body.map(Value::to_string);
        self.client
            .api(method, path, self.token.as_deref(), text.as_deref())
            .await
    }

    async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> TestResponse {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// Sends raw bytes with a content type.
    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .http()
            .request(method, self.client.url(path))
            .header("content-type", content_type)
            .body(bytes);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let response = req.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (status, json)
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

fn details(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Teach the routine so students restate ideas in their own words.",
        "competency": "Explicit instruction of a learning strategy",
        "criteria": "Teaches all eight stages with fidelity.",
        "tags": ["literacy", "SIM"],
        "alignments": [{"name": "Learning Forward: Implementation", "url": "https://learningforward.org/standards/implementation/"}],
        "credit_hours": 2.5,
        "price": "49.00",
    })
}

fn rubric(lock: &Value) -> Value {
    json!({
        "lock_version": lock,
        "levels": ["Beginning", "Proficient"],
        "criteria": [
            {"name": "Fidelity", "descriptors": ["Some steps", "Every step"], "points": [1, 2]},
            {"name": "Student practice", "description": "Students practise aloud.", "descriptors": ["Rarely", "Daily"], "points": [1, 2]},
        ],
        "rule": {"kind": "both", "level": "Proficient", "points": 4},
    })
}

fn requirements(lock: &Value) -> Value {
    json!({
        "lock_version": lock,
        "requirements": [{
            "prompt": "A video of a lesson teaching the strategy",
            "guidance": "Ten minutes is enough.",
            "kinds": ["video", "link"],
            "min_count": 1,
            "checklist": ["Models the routine", "Students practise"],
        }],
    })
}

const SVG_WITH_SCRIPT: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100"><script>alert(1)</script><circle cx="50" cy="50" r="40" fill="#2f5d50"/></svg>"##;

/// Creates a draft and returns its JSON.
async fn draft(api: &Api, org: &str, title: &str) -> Value {
    let created = api
        .post(
            &format!("/api/v1/organizations/{org}/achievements"),
            &details(title),
        )
        .await;
    created.assert_status(201);
    created.json()
}

/// Gives a draft a rubric, a requirement and an image, and publishes it.
async fn publish(api: &Api, id: &str) -> Value {
    let path = format!("/api/v1/achievements/{id}");
    let lock = api.get(&path).await.json()["lock_version"].clone();
    let with_rubric = api.put(&format!("{path}/rubric"), &rubric(&lock)).await;
    with_rubric.assert_status(200);
    let lock = with_rubric.json()["lock_version"].clone();
    api.put(&format!("{path}/requirements"), &requirements(&lock))
        .await
        .assert_status(200);
    let (status, _) = api
        .send(
            Method::PUT,
            &format!("{path}/image"),
            "image/svg+xml",
            SVG_WITH_SCRIPT.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, 200);
    let published = api
        .call(Method::POST, &format!("{path}/publish"), None)
        .await;
    published.assert_status(200);
    published.json()
}

/// Invites someone with these roles; they sign up from the email and get a token.
async fn invited(
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
            &json!({"email": email, "roles": roles}),
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

#[tokio::test]
async fn an_author_builds_publishes_and_finds_a_micro_credential() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Lawrence District", "lawrence").await;
        let api = Api::of(&app, &ana).await;
        api.post(&format!("/api/v1/organizations/{org}/departments"), &json!({"name": "Early Literacy"}))
            .await
            .assert_status(201);
        let levels = api
            .put(&format!("/api/v1/organizations/{org}/levels"), &json!([{"name": "Foundational"}, {"name": "Advanced"}]))
            .await;
        levels.assert_status(200);
        assert_eq!(levels.json()[1]["name"], "Advanced");

        let mut body = details("Paraphrasing Strategy: Professional Learning");
        body["department"] = json!("early-literacy");
        body["level"] = json!("advanced");
        body["valid_months"] = json!(24);
        let created = api.post(&format!("/api/v1/organizations/{org}/achievements"), &body).await;
        created.assert_status(201);
        let a = created.json();
        assert_eq!(a["status"], "draft");
        assert_eq!(a["slug"], "paraphrasing-strategy-professional-learning");
        assert_eq!(a["organization"], "lawrence");
        assert_eq!(a["version"], 1);
        assert_eq!(a["credit_hours"], 2.5);
        assert_eq!(a["price"], "49.00");
        assert_eq!(a["free"], false);
        assert_eq!(a["valid_months"], 24);
        assert_eq!(a["tags"], json!(["literacy", "SIM"]));
        assert_eq!(a["department"], "early-literacy");
        assert_eq!(a["level"], "Advanced");
        assert_eq!(a["alignments"][0]["url"], "https://learningforward.org/standards/implementation/");
        assert!(a["rubric"].is_null());
        let id = a["id"].as_str().expect("id").to_owned();
        let path = format!("/api/v1/achievements/{id}");

        let mut bad = details("");
        bad["credit_hours"] = json!("2.555");
        bad["level"] = json!("Expert");
        let refused = api.post(&format!("/api/v1/organizations/{org}/achievements"), &bad).await;
        refused.assert_status(422);
        let fields = field_names(&refused.json());
        for field in ["title", "credit_hours", "level"] {
            assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
        }

        let not_a_rubric = api
            .put(
                &format!("{path}/rubric"),
                &json!({
                    "lock_version": a["lock_version"],
                    "levels": ["Only"],
                    "criteria": [{"name": "Fidelity", "descriptors": []}],
                    "rule": {"kind": "all_at_least", "level": 0},
                }),
            )
            .await;
        not_a_rubric.assert_status(422);
        assert_eq!(not_a_rubric.json()["error"]["code"], "invalid");
        let fields = field_names(&not_a_rubric.json());
        assert!(fields.contains(&"levels".to_owned()), "{fields:?}");
        assert!(fields.contains(&"criteria[0].descriptors".to_owned()), "{fields:?}");

        let with_rubric = api.put(&format!("{path}/rubric"), &rubric(&a["lock_version"])).await;
        with_rubric.assert_status(200);
        let r = with_rubric.json();
        assert_eq!(r["rubric"]["levels"], json!(["Beginning", "Proficient"]));
        assert_eq!(r["rubric"]["rule"], json!({"kind": "both", "level": 1, "points": 4}));
        assert_eq!(r["rubric"]["criteria"][1]["points"], json!([1, 2]));

        let bad_kinds = api
            .put(
                &format!("{path}/requirements"),
                &json!({"lock_version": r["lock_version"], "requirements": [{"prompt": "A video", "kinds": ["hologram"], "min_count": 0}]}),
            )
            .await;
        bad_kinds.assert_status(422);
        let fields = field_names(&bad_kinds.json());
        assert!(fields.contains(&"requirements[0].kinds".to_owned()), "{fields:?}");
        assert!(fields.contains(&"requirements[0].min_count".to_owned()), "{fields:?}");
        let with_requirements = api.put(&format!("{path}/requirements"), &requirements(&r["lock_version"])).await;
        with_requirements.assert_status(200);
        assert_eq!(with_requirements.json()["requirements"][0]["kinds"], json!(["video", "link"]));
        assert_eq!(with_requirements.json()["requirements"][0]["min_count"], 1);

        let early = api.call(Method::POST, &format!("{path}/publish"), None).await;
        early.assert_status(422);
        assert_eq!(field_names(&early.json()), vec!["image".to_owned()]);

        let (status, wrong_type) = api.send(Method::PUT, &format!("{path}/image"), "image/gif", b"GIF89a".to_vec()).await;
        assert_eq!(status, 415);
        assert_eq!(wrong_type["error"]["code"], "unsupported_media_type");
        let (status, too_big) = api
            .send(Method::PUT, &format!("{path}/image"), "image/svg+xml", vec![b' '; 2 * 1024 * 1024])
            .await;
        assert_eq!(status, 413);
        assert_eq!(too_big["error"]["code"], "payload_too_large");
        let (status, uploaded) = api
            .send(Method::PUT, &format!("{path}/image"), "image/svg+xml", SVG_WITH_SCRIPT.as_bytes().to_vec())
            .await;
        assert_eq!(status, 200, "{uploaded}");
        let removed: Vec<&str> = uploaded["removed"].as_array().expect("removed").iter().filter_map(Value::as_str).collect();
        assert!(removed.iter().any(|r| r.contains("<script>")), "{removed:?}");
        assert!(uploaded["achievement"]["image"]["svg_url"].as_str().expect("svg").starts_with(&format!("/achievements/{id}/image.svg")));
        assert!(uploaded["achievement"]["image"]["png_url"].is_string());

        let before = api.get("/api/v1/catalog?q=paraphrasing").await;
        before.assert_status(200);
        assert_eq!(before.json()["total"], 0, "a draft is not in the catalog");

        let published = api.call(Method::POST, &format!("{path}/publish"), None).await;
        published.assert_status(200);
        assert_eq!(published.json()["status"], "published");
        assert!(published.json()["published_at"].is_string());

        let visitor = Api::visitor(&app);
        let found = visitor.get("/api/v1/catalog?q=Paraphrasing").await;
        found.assert_status(200);
        let results = found.json();
        assert_eq!(results["total"], 1);
        assert_eq!(results["page"], 1);
        assert_eq!(results["pages"], 1);
        let item = &results["items"][0];
        assert_eq!(item["id"], id.as_str());
        assert_eq!(item["organization"], "lawrence");
        assert_eq!(item["organization_name"], "Lawrence District");
        assert_eq!(item["title"], "Paraphrasing Strategy: Professional Learning");
        assert_eq!(item["level"], "Advanced");
        assert_eq!(item["credit_hours"], 2.5);
        assert_eq!(item["price"], "49.00");
        assert_eq!(item["page_url"], "/orgs/lawrence/achievements/paraphrasing-strategy-professional-learning");
        assert!(item["image"]["png_url"].is_string());
        let filtered = visitor.get("/api/v1/catalog?organization=lawrence&department=early-literacy&level=Advanced&min_hours=2&price=paid&sort=newest").await;
        filtered.assert_status(200);
        assert_eq!(filtered.json()["total"], 1);
        assert_eq!(visitor.get("/api/v1/catalog?price=free").await.json()["total"], 0);
        let bad_filter = visitor.get("/api/v1/catalog?price=cheap&min_hours=lots").await;
        bad_filter.assert_status(422);
        let fields = field_names(&bad_filter.json());
        assert!(fields.contains(&"price".to_owned()) && fields.contains(&"min_hours".to_owned()), "{fields:?}");
        visitor.get("/api/v1/catalog?page=first").await.assert_status(400);

        let shown = visitor.get(&path).await;
        shown.assert_status(200);
        assert_eq!(shown.json()["requirements"][0]["checklist"][0], "Models the routine");
        assert_eq!(shown.json()["can_edit"], false);
        let listed = visitor.get(&format!("/api/v1/organizations/{org}/achievements")).await;
        listed.assert_status(200);
        assert_eq!(listed.json()[0]["id"], id.as_str());
        assert_eq!(listed.json()[0]["level"], "Advanced");

        let mut edit = details("Paraphrasing Strategy: Professional Learning");
        edit["lock_version"] = published.json()["lock_version"].clone();
        edit["criteria"] = json!("Teaches all eight stages with fidelity, twice.");
        edit["level"] = json!("Advanced");
        let edited = api.put(&path, &edit).await;
        edited.assert_status(200);
        assert_eq!(edited.json()["version"], 2, "new criteria on a published micro-credential make a version");
        assert!(edited.json()["department"].is_null());
        let versions = visitor.get(&format!("{path}/versions")).await;
        versions.assert_status(200);
        let list = versions.json();
        assert_eq!(list.as_array().expect("list").len(), 2);
        assert_eq!(list[0]["number"], 2);
        assert_eq!(list[0]["current"], true);
        assert_eq!(list[1]["criteria"], "Teaches all eight stages with fidelity.");
        let old = visitor.get(&format!("{path}?version=1")).await;
        old.assert_status(200);
        assert_eq!(old.json()["version"], 1);
        assert_eq!(old.json()["current_version"], 2);

        let designed = api.put(&format!("{path}/design"), &json!({"title": "Paraphrasing", "ribbon": "Level 2"})).await;
        designed.assert_status(200);
        assert_eq!(designed.json()["image"]["designed"], true);
        assert_eq!(designed.json()["design"]["title"], "Paraphrasing");
        let bad_design = api.put(&format!("{path}/design"), &json!({"title": ""})).await;
        bad_design.assert_status(422);
        assert_eq!(field_names(&bad_design.json()), vec!["title".to_owned()]);

        let archived = api.call(Method::POST, &format!("{path}/archive"), None).await;
        archived.assert_status(200);
        assert_eq!(archived.json()["status"], "archived");
        assert_eq!(visitor.get("/api/v1/catalog?q=Paraphrasing").await.json()["total"], 0);
        let again = api.call(Method::POST, &format!("{path}/archive"), None).await;
        again.assert_status(409);
        assert_eq!(again.json()["error"]["code"], "conflict");
        api.call(Method::DELETE, &path, None).await.assert_status(409);
        app
    })
    .await;
}

#[tokio::test]
async fn a_stale_lock_version_is_refused_and_changes_nothing() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Cooperative", "coop").await;
        let api = Api::of(&app, &ana).await;
        let a = draft(&api, &org, "Self-Questioning").await;
        let path = format!("/api/v1/achievements/{}", a["id"].as_str().expect("id"));
        let opened = a["lock_version"].clone();

        let mut first = details("Self-Questioning, revised");
        first["lock_version"] = opened.clone();
        let saved = api.put(&path, &first).await;
        saved.assert_status(200);
        assert_ne!(saved.json()["lock_version"], opened);

        let mut second = details("Self-Questioning, overwritten");
        second["lock_version"] = opened.clone();
        second["price"] = json!(0);
        let stale = api.put(&path, &second).await;
        stale.assert_status(409);
        let error = &stale.json()["error"];
        assert_eq!(error["code"], "conflict");
        assert_eq!(error["status"], 409);
        assert!(
            error["message"]
                .as_str()
                .expect("message")
                .contains("Someone else saved"),
            "{error}"
        );
        api.put(&format!("{path}/rubric"), &rubric(&opened))
            .await
            .assert_status(409);
        api.put(&format!("{path}/requirements"), &requirements(&opened))
            .await
            .assert_status(409);

        let now = api.get(&path).await.json();
        assert_eq!(now["title"], "Self-Questioning, revised");
        assert_eq!(now["price"], "49.00");
        assert_eq!(now["lock_version"], saved.json()["lock_version"]);
        assert!(now["rubric"].is_null());
        assert_eq!(now["requirements"], json!([]));

        let unknown = api
            .put(
                &path,
                &json!({"lock_version": 1, "title": "X", "colour": "red"}),
            )
            .await;
        unknown.assert_status(422);
        let malformed = api
            .client
            .api(
                Method::PUT,
                &path,
                api.token.as_deref(),
                Some("{\"lock_version\": "),
            )
            .await;
        malformed.assert_status(400);
        assert_eq!(malformed.json()["error"]["code"], "bad_request");
        let mut missing_lock = details("No lock");
        missing_lock["slug"] = json!("no-lock");
        api.put(&path, &missing_lock).await.assert_status(422);
        app
    })
    .await;
}

#[tokio::test]
async fn only_authors_write_and_visitors_never_see_drafts() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Cooperative", "coop").await;
        let api = Api::of(&app, &ana).await;
        let ben = invited(&app, &api, &org, "Ben", "ben@example.org", &["reviewer"]).await;
        let cleo = invited(&app, &api, &org, "Cleo", "cleo@example.org", &[]).await;
        let dora_browser = verified_user(&app, "Dora", "dora@example.org").await;
        let dora = Api::of(&app, &dora_browser).await;
        let visitor = Api::visitor(&app);

        let a = draft(&api, &org, "Visual Imagery").await;
        let id = a["id"].as_str().expect("id").to_owned();
        let path = format!("/api/v1/achievements/{id}");
        let create_path = format!("/api/v1/organizations/{org}/achievements");

        for (who, client) in [("reviewer", &ben), ("member", &cleo), ("outsider", &dora)] {
            let refused = client
                .post(&create_path, &details("Not mine to write"))
                .await;
            assert_eq!(refused.status, 403, "{who}: {}", refused.text);
            assert_eq!(refused.json()["error"]["code"], "forbidden");
        }
        visitor
            .post(&create_path, &details("Anonymous"))
            .await
            .assert_status(401);

        let reviewed = ben.get(&path).await;
        reviewed.assert_status(200);
        assert_eq!(reviewed.json()["status"], "draft");
        assert_eq!(reviewed.json()["can_edit"], false);
        let ben_list = ben.get(&create_path).await;
        assert_eq!(
            ben_list.json().as_array().expect("list").len(),
            1,
            "the staff see drafts"
        );
        ben.put(&format!("{path}/rubric"), &rubric(&a["lock_version"]))
            .await
            .assert_status(403);
        ben.call(Method::POST, &format!("{path}/publish"), None)
            .await
            .assert_status(403);
        ben.call(Method::DELETE, &path, None)
            .await
            .assert_status(403);

        for (who, client) in [
            ("member", &cleo),
            ("outsider", &dora),
            ("visitor", &visitor),
        ] {
            let hidden = client.get(&path).await;
            assert_eq!(hidden.status, 404, "{who}: {}", hidden.text);
            assert_eq!(hidden.json()["error"]["code"], "not_found");
            client
                .get(&format!("{path}/versions"))
                .await
                .assert_status(404);
            let listed = client.get(&create_path).await;
            listed.assert_status(200);
            assert_eq!(listed.json(), json!([]), "{who} sees no drafts");
            let changed = client
                .put(&format!("{path}/rubric"), &rubric(&a["lock_version"]))
                .await;
            assert!(
                changed.status == 404 || changed.status == 401,
                "{who}: {}",
                changed.status
            );
        }
        let bad_token = visitor
            .client
            .api(Method::GET, &path, Some("cairn_not-a-real-token"), None)
            .await;
        bad_token.assert_status(401);
        visitor
            .get("/api/v1/achievements/not-an-id")
            .await
            .assert_status(404);

        api.call(Method::DELETE, &path, None)
            .await
            .assert_status(204);
        api.get(&path).await.assert_status(404);
        app
    })
    .await;
}

#[tokio::test]
async fn a_prerequisite_cycle_is_refused_naming_the_micro_credentials() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Cooperative", "coop").await;
        let api = Api::of(&app, &ana).await;
        let first = draft(&api, &org, "Paraphrasing").await;
        let second = draft(&api, &org, "Self-Questioning").await;
        let third = draft(&api, &org, "Visual Imagery").await;
        let (a, b, c) = (
            first["id"].as_str().expect("id"),
            second["id"].as_str().expect("id"),
            third["id"].as_str().expect("id"),
        );

        let set = api
            .put(
                &format!("/api/v1/achievements/{b}/prerequisites"),
                &json!({"rule": "all", "achievements": [a]}),
            )
            .await;
        set.assert_status(200);
        assert_eq!(set.json()["prerequisites"]["rule"], "all");
        assert_eq!(
            set.json()["prerequisites"]["achievements"][0]["title"],
            "Paraphrasing"
        );
        api.put(
            &format!("/api/v1/achievements/{c}/prerequisites"),
            &json!({"rule": "at_least", "count": 1, "achievements": [b]}),
        )
        .await
        .assert_status(200);

        let cycle = api
            .put(
                &format!("/api/v1/achievements/{a}/prerequisites"),
                &json!({"rule": "all", "achievements": [c]}),
            )
            .await;
        cycle.assert_status(422);
        let body = cycle.json();
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(body["error"]["fields"][0]["field"], "prerequisites");
        let message = body["error"]["fields"][0]["message"]
            .as_str()
            .expect("message");
        for title in ["Paraphrasing", "Self-Questioning", "Visual Imagery"] {
            assert!(message.contains(title), "{title} in {message}");
        }
        assert!(
            api.get(&format!("/api/v1/achievements/{a}")).await.json()["prerequisites"].is_null()
        );

        let itself = api
            .put(
                &format!("/api/v1/achievements/{a}/prerequisites"),
                &json!({"rule": "all", "achievements": [a]}),
            )
            .await;
        itself.assert_status(422);
        api.put(
            &format!("/api/v1/achievements/{a}/prerequisites"),
            &json!({"rule": "at_least", "achievements": [b]}),
        )
        .await
        .assert_status(422);
        api.put(
            &format!("/api/v1/achievements/{a}/prerequisites"),
            &json!({"rule": "some", "achievements": [b]}),
        )
        .await
        .assert_status(422);

        let cleared = api
            .put(
                &format!("/api/v1/achievements/{c}/prerequisites"),
                &Value::Null,
            )
            .await;
        cleared.assert_status(200);
        assert!(cleared.json()["prerequisites"].is_null());
        api.put(
            &format!("/api/v1/achievements/{a}/prerequisites"),
            &json!({"rule": "all", "achievements": [c]}),
        )
        .await
        .assert_status(200);
        let required = api
            .call(Method::DELETE, &format!("/api/v1/achievements/{c}"), None)
            .await;
        required.assert_status(409);
        assert!(
            required.json()["error"]["fields"][0]["message"]
                .as_str()
                .expect("message")
                .contains("prerequisite")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn an_ob2_badge_class_is_imported_as_a_draft() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Cooperative", "coop").await;
        let api = Api::of(&app, &ana).await;
        let path = format!("/api/v1/organizations/{org}/achievements/import");
        let badge_class = json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": "https://badges.example.org/badges/rust-101",
            "name": "Rust 101",
            "description": "Writes safe, idiomatic Rust. Reviews code with care.",
            "image": "https://badges.example.org/badges/rust-101.png",
            "criteria": {"narrative": "Ship two reviewed pull requests."},
            "tags": ["rust", "programming"],
            "issuer": "https://badges.example.org/issuer"
        });
        let (status, imported) = api
            .send(
                Method::POST,
                &path,
                "application/json",
                badge_class.to_string().into_bytes(),
            )
            .await;
        assert_eq!(status, 201, "{imported}");
        let a = &imported["achievement"];
        assert_eq!(a["status"], "draft");
        assert_eq!(a["title"], "Rust 101");
        assert_eq!(a["summary"], "Writes safe, idiomatic Rust.");
        assert_eq!(a["criteria"], "Ship two reviewed pull requests.");
        assert_eq!(a["tags"], json!(["rust", "programming"]));
        let notes: Vec<&str> = imported["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("https://badges.example.org/badges/rust-101.png")),
            "{notes:?}"
        );
        let listed = api
            .get(&format!("/api/v1/organizations/{org}/achievements"))
            .await;
        assert_eq!(listed.json()[0]["title"], "Rust 101");
        assert!(
            Api::visitor(&app)
                .get(&format!(
                    "/api/v1/achievements/{}",
                    a["id"].as_str().expect("id")
                ))
                .await
                .status
                == 404
        );

        let (status, malformed) = api
            .send(
                Method::POST,
                &path,
                "application/json",
                b"{\"type\": ".to_vec(),
            )
            .await;
        assert_eq!(status, 400);
        assert_eq!(malformed["error"]["code"], "bad_request");
        let (status, _) = api
            .send(
                Method::POST,
                &path,
                "text/plain",
                badge_class.to_string().into_bytes(),
            )
            .await;
        assert_eq!(status, 415);
        let (status, not_a_badge) = api
            .send(
                Method::POST,
                &path,
                "application/json",
                json!({"type": "Person", "name": "Ana"})
                    .to_string()
                    .into_bytes(),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(not_a_badge["error"]["fields"][0]["field"], "document");
        let (status, _) = Api::visitor(&app)
            .send(
                Method::POST,
                &path,
                "application/json",
                badge_class.to_string().into_bytes(),
            )
            .await;
        assert_eq!(status, 401);
        app
    })
    .await;
}

#[tokio::test]
async fn levels_templates_and_stacks_are_managed_through_the_api() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Cooperative", "coop").await;
        let api = Api::of(&app, &ana).await;
        let visitor = Api::visitor(&app);
        let levels_path = format!("/api/v1/organizations/{org}/levels");

        let levels = api.put(&levels_path, &json!([{"name": "Bronze"}, {"name": "Silver"}])).await;
        levels.assert_status(200);
        let bronze = levels.json()[0]["id"].clone();
        let renamed = api.put(&levels_path, &json!([{"id": bronze, "name": "Foundation"}, {"name": "Gold"}])).await;
        renamed.assert_status(200);
        let shown = visitor.get(&levels_path).await.json();
        assert_eq!(shown[0]["id"], bronze);
        assert_eq!(shown[0]["name"], "Foundation");
        assert_eq!(shown[1]["name"], "Gold");
        assert_eq!(shown[1]["position"], 1);
        api.put(&levels_path, &json!([{"name": "Same"}, {"name": "same"}])).await.assert_status(422);

        let templates_path = format!("/api/v1/organizations/{org}/templates");
        let rubric_template = api
            .post(
                &templates_path,
                &json!({"name": "Two-level rubric", "kind": "rubric", "body": {
                    "levels": ["Emerging", "Secure"],
                    "criteria": [{"name": "Fidelity", "descriptors": ["Some", "All"]}],
                    "rule": {"kind": "all_at_least", "level": 1},
                }}),
            )
            .await;
        rubric_template.assert_status(201);
        assert_eq!(rubric_template.json()["kind"], "rubric");
        let rubric_id = rubric_template.json()["id"].as_str().expect("id").to_owned();
        let requirement_template = api
            .post(
                &templates_path,
                &json!({"name": "Reflection", "kind": "requirement", "body": {"prompt": "A reflection", "kinds": ["reflection"], "min_count": 1}}),
            )
            .await;
        requirement_template.assert_status(201);
        let requirement_id = requirement_template.json()["id"].as_str().expect("id").to_owned();
        let wrong_body = api
            .post(&templates_path, &json!({"name": "Broken", "kind": "rubric", "body": {"levels": ["One"], "criteria": [], "rule": {"kind": "total_points_at_least", "points": 1}}}))
            .await;
        wrong_body.assert_status(422);
        assert!(field_names(&wrong_body.json()).iter().all(|f| f.starts_with("body.")), "{}", wrong_body.text);
        api.post(&templates_path, &json!({"name": "Reflection", "kind": "requirement", "body": {"prompt": "Again", "kinds": ["link"], "min_count": 1}}))
            .await
            .assert_status(409);
        let changed = api
            .put(
                &format!("{templates_path}/{requirement_id}"),
                &json!({"name": "Reflection", "description": "Short", "kind": "requirement", "body": {"prompt": "A short reflection", "kinds": ["reflection"], "min_count": 1}}),
            )
            .await;
        changed.assert_status(200);
        assert_eq!(changed.json()["body"]["prompt"], "A short reflection");
        api.put(
            &format!("{templates_path}/{requirement_id}"),
            &json!({"name": "Reflection", "kind": "rubric", "body": {"levels": ["A", "B"], "criteria": [{"name": "C", "descriptors": ["x", "y"]}], "rule": {"kind": "all_at_least", "level": 0}}}),
        )
        .await
        .assert_status(422);
        let listed = api.get(&templates_path).await;
        listed.assert_status(200);
        assert_eq!(listed.json().as_array().expect("list").len(), 2);
        visitor.get(&templates_path).await.assert_status(401);

        let a = draft(&api, &org, "Paraphrasing").await;
        let id = a["id"].as_str().expect("id").to_owned();
        let from_template = api
            .put(&format!("/api/v1/achievements/{id}/rubric"), &json!({"lock_version": a["lock_version"], "template_id": rubric_id}))
            .await;
        from_template.assert_status(200);
        assert_eq!(from_template.json()["rubric"]["levels"], json!(["Emerging", "Secure"]));
        assert_eq!(from_template.json()["rubric"]["template_id"], rubric_id.as_str());
        let reqs = api
            .put(
                &format!("/api/v1/achievements/{id}/requirements"),
                &json!({"lock_version": from_template.json()["lock_version"], "requirements": [{"template_id": requirement_id}]}),
            )
            .await;
        reqs.assert_status(200);
        assert_eq!(reqs.json()["requirements"][0]["prompt"], "A short reflection");
        assert_eq!(reqs.json()["requirements"][0]["template_id"], requirement_id.as_str());
        api.call(Method::DELETE, &format!("{templates_path}/{requirement_id}"), None).await.assert_status(204);
        api.call(Method::DELETE, &format!("{templates_path}/{requirement_id}"), None).await.assert_status(404);

        let b = draft(&api, &org, "Self-Questioning").await;
        let stacks_path = format!("/api/v1/organizations/{org}/stacks");
        let stack = api
            .post(
                &stacks_path,
                &json!({"name": "Reading Strategies", "description": "Two strategies.", "recognition": "A certificate", "steps": [id, b["id"]]}),
            )
            .await;
        stack.assert_status(201);
        assert_eq!(stack.json()["slug"], "reading-strategies");
        assert_eq!(stack.json()["steps"].as_array().expect("steps").len(), 2);
        assert_eq!(stack.json()["step_achievements"][1]["title"], "Self-Questioning");
        assert_eq!(visitor.get(&stacks_path).await.json(), json!([]), "an unpublished stack is hidden");
        visitor.get(&format!("{stacks_path}/reading-strategies")).await.assert_status(404);
        let publish_stack = json!({"name": "Reading Strategies", "steps": [id, b["id"]], "published": true});
        let early = api.put(&format!("{stacks_path}/reading-strategies"), &publish_stack).await;
        early.assert_status(422);
        assert_eq!(field_names(&early.json()), vec!["published".to_owned()]);
        let one_step = api
            .put(&format!("{stacks_path}/reading-strategies"), &json!({"name": "Reading Strategies", "steps": [id]}))
            .await;
        one_step.assert_status(422);
        assert_eq!(field_names(&one_step.json()), vec!["steps".to_owned()]);

        publish(&api, &id).await;
        publish(&api, b["id"].as_str().expect("id")).await;
        let updated = api.put(&format!("{stacks_path}/reading-strategies"), &publish_stack).await;
        updated.assert_status(200);
        assert_eq!(updated.json()["slug"], "reading-strategies");
        assert_eq!(updated.json()["published"], true);
        let public = visitor.get(&format!("{stacks_path}/reading-strategies")).await;
        public.assert_status(200);
        assert_eq!(public.json()["step_achievements"][0]["title"], "Paraphrasing");
        assert_eq!(visitor.get(&stacks_path).await.json()[0]["name"], "Reading Strategies");
        let with_stack = visitor.get(&format!("/api/v1/achievements/{id}")).await;
        assert_eq!(with_stack.json()["stacks"][0]["slug"], "reading-strategies");
        app
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_micro_credential_api() {
    on_each_backend(|app| async move {
        let doc = app.client().get("/api/openapi.json").await;
        doc.assert_status(200);
        let json: Value = serde_json::from_str(&doc.text).expect("the document is JSON");
        for path in [
            "/api/v1/catalog",
            "/api/v1/organizations/{slug}/achievements",
            "/api/v1/organizations/{slug}/achievements/import",
            "/api/v1/achievements/{id}",
            "/api/v1/achievements/{id}/rubric",
            "/api/v1/achievements/{id}/requirements",
            "/api/v1/achievements/{id}/prerequisites",
            "/api/v1/achievements/{id}/publish",
            "/api/v1/achievements/{id}/archive",
            "/api/v1/achievements/{id}/versions",
            "/api/v1/achievements/{id}/image",
            "/api/v1/achievements/{id}/design",
            "/api/v1/organizations/{slug}/levels",
            "/api/v1/organizations/{slug}/templates",
            "/api/v1/organizations/{slug}/templates/{id}",
            "/api/v1/organizations/{slug}/stacks",
            "/api/v1/organizations/{slug}/stacks/{stack}",
        ] {
            assert!(json["paths"].get(path).is_some(), "{path} is documented");
        }
        let achievement = &json["paths"]["/api/v1/achievements/{id}"];
        for method in ["get", "put", "delete"] {
            assert!(
                achievement.get(method).is_some(),
                "{method} /api/v1/achievements/{{id}}"
            );
        }
        assert!(
            json["paths"]["/api/v1/achievements/{id}/image"]["put"]["requestBody"]["content"]
                .get("image/svg+xml")
                .is_some()
        );
        for schema in [
            "AchievementDto",
            "CatalogPageDto",
            "RubricInputDto",
            "RuleDto",
            "RequirementsInputDto",
            "TemplateInputDto",
            "StackInputDto",
            "ErrorBody",
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

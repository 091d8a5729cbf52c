//! Authoring and the catalog through the pages, as an author and a visitor
//! would use them.

use crate::{create_org, on_each_backend, verified_user};
use cairn_test_support::{TestClient, TestResponse};

/// The value of the first `name="…" value="…"` input with this name.
fn input_value(page: &TestResponse, name: &str) -> String {
    let needle = format!("name=\"{name}\"");
    let at = page
        .text
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {}", page.text));
    let tag_end = at + page.text[at..].find('>').unwrap_or_default();
    let tag = &page.text[at..tag_end];
    let start = tag
        .find("value=\"")
        .map(|i| i + "value=\"".len())
        .unwrap_or_else(|| panic!("no value for {name}"));
    tag[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The micro-credential id in an editor path.
fn id_from_path(path: &str) -> String {
    path.trim_start_matches("/achievements/")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn create_draft(ana: &TestClient, org: &str, title: &str, price: &str) -> String {
    let page = ana
        .submit(
            &format!("/orgs/{org}/author/new"),
            &[
                ("title", title),
                (
                    "summary",
                    "Teach the routine so students restate ideas in their own words.",
                ),
                ("competency", "Explicit instruction of a learning strategy"),
                ("criteria", "Teaches all eight stages with fidelity."),
                ("tags", "literacy, SIM"),
                ("credit_hours", "2.5"),
                ("price", price),
                ("alignments[0].name", "Learning Forward: Implementation"),
                (
                    "alignments[0].url",
                    "https://learningforward.org/standards/implementation/",
                ),
            ],
        )
        .await;
    page.assert_status(200)
        .assert_contains("The draft is created");
    assert!(page.path.ends_with("/edit"), "{}", page.path);
    id_from_path(&page.path)
}

async fn lock(ana: &TestClient, id: &str) -> String {
    input_value(
        &ana.get(&format!("/achievements/{id}/edit")).await,
        "lock_version",
    )
}

fn rubric_fields(lock: &str, points: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("lock_version".into(), lock.into()),
        ("levels[0].name".into(), "Beginning".into()),
        ("levels[1].name".into(), "Proficient".into()),
        ("levels[2].name".into(), "".into()),
        ("rule".into(), "both".into()),
        ("rule_level".into(), "1".into()),
        ("rule_points".into(), "4".into()),
        ("action".into(), "save".into()),
    ];
    for (i, name) in ["Fidelity", "Student practice"].iter().enumerate() {
        f.push((format!("criteria[{i}].name"), (*name).into()));
        f.push((format!("criteria[{i}].descriptors[0]"), "Some steps".into()));
        f.push((format!("criteria[{i}].descriptors[1]"), "Every step".into()));
        f.push((format!("criteria[{i}].points[0]"), "1".into()));
        f.push((format!("criteria[{i}].points[1]"), points.into()));
    }
    f
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn upload(
    client: &TestClient,
    path: &str,
    field: &str,
    bytes: Vec<u8>,
    name: &str,
) -> (u16, String) {
    let csrf = client.csrf().await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        field.to_owned(),
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let response = client
        .http()
        .post(client.url(path))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

const SVG_WITH_SCRIPT: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" onload="alert(1)"><script>alert(2)</script><circle cx="50" cy="50" r="40" fill="#2f5d50"/></svg>"##;

#[tokio::test]
async fn an_author_writes_versions_and_publishes_and_a_visitor_finds_it() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Center for Learning", "ccl").await;
        ana.get(&format!("/orgs/{org}/author"))
            .await
            .assert_status(200)
            .assert_contains("New micro-credential");

        // Bad input is explained per field and nothing is created.
        ana.submit(
            &format!("/orgs/{org}/author/new"),
            &[("title", ""), ("credit_hours", "two")],
        )
        .await
        .assert_status(422)
        .assert_contains("There is a problem")
        .assert_contains("Enter hours like 2 or 2.5");

        let id = create_draft(&ana, &org, "Paraphrasing Strategy", "0").await;
        let visitor = app.client();
        visitor
            .get("/orgs/ccl/achievements/paraphrasing-strategy")
            .await
            .assert_status(404);
        visitor
            .get(&format!("/achievements/{id}/edit"))
            .await
            .assert_status(200)
            .assert_contains("Log in");

        // Publishing needs a rubric, requirements and an image.
        ana.submit(&format!("/achievements/{id}/publish"), &[])
            .await
            .assert_status(422)
            .assert_contains("Add a rubric before publishing")
            .assert_contains("Add at least one evidence requirement")
            .assert_contains("Add a badge image");

        // The rubric grid: a typo in points is named; the spare level row is ignored.
        let l = lock(&ana, &id).await;
        ana.submit(
            &format!("/achievements/{id}/rubric"),
            &pairs(&rubric_fields(&l, "three")),
        )
        .await
        .assert_status(422)
        .assert_contains("Enter whole points from 0 to 1000");
        ana.submit(
            &format!("/achievements/{id}/rubric"),
            &pairs(&rubric_fields(&l, "3")),
        )
        .await
        .assert_status(200)
        .assert_contains("The rubric is saved");

        // Two requirements; the blank spare row is ignored.
        let l = lock(&ana, &id).await;
        ana.submit(
            &format!("/achievements/{id}/requirements"),
            &[
                ("lock_version", &l),
                ("requirements[0].prompt", "Record a lesson"),
                ("requirements[0].kinds", "video"),
                ("requirements[0].min_count", "1"),
                (
                    "requirements[0].checklist",
                    "Shows all eight stages\nUnder 15 minutes",
                ),
                ("requirements[1].prompt", "Reflect on student work"),
                ("requirements[1].kinds", "reflection"),
                ("requirements[1].kinds", "document"),
                ("requirements[1].min_count", "2"),
                ("requirements[2].prompt", ""),
                ("requirements[2].min_count", "1"),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("The evidence requirements are saved");

        // An SVG with a script is cleaned and the removal is explained.
        let (status, body) = upload(
            &ana,
            &format!("/achievements/{id}/image"),
            "image",
            SVG_WITH_SCRIPT.as_bytes().to_vec(),
            "badge.svg",
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("To make it safe we removed"), "{body}");
        assert!(
            body.contains("a &#60;script&#62; element"),
            "the removed element is named, escaped: {body}"
        );
        let (status, body) = upload(
            &ana,
            &format!("/achievements/{id}/image"),
            "image",
            b"GIF89a".to_vec(),
            "x.gif",
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let svg = ana
            .http()
            .get(ana.url(&format!("/achievements/{id}/image.svg")))
            .send()
            .await
            .expect("svg");
        assert_eq!(
            svg.headers()["cache-control"],
            "private, no-store",
            "a draft's image stays out of shared caches"
        );
        assert!(
            svg.headers()["content-security-policy"]
                .to_str()
                .expect("csp")
                .contains("default-src 'none'")
        );
        let svg = svg.text().await.expect("svg");
        assert!(!svg.contains("script") && !svg.contains("onload"), "{svg}");
        visitor
            .get(&format!("/achievements/{id}/image.png"))
            .await
            .assert_status(404);

        // Publish: the page and the catalog show it.
        let page = ana
            .submit(&format!("/achievements/{id}/publish"), &[])
            .await;
        page.assert_status(200)
            .assert_contains("Published")
            .assert_contains("Every criterion at “Proficient” or above, and at least 4 points");
        let rubric_page = ana.get(&format!("/achievements/{id}/rubric")).await;
        assert_eq!(
            input_value(&rubric_page, "levels[1].name"),
            "Proficient",
            "the grid shows the saved level names"
        );
        let page = visitor.get(&page.path).await;
        page.assert_status(200)
            .assert_contains("Paraphrasing Strategy")
            .assert_contains("Record a lesson")
            .assert_contains("Shows all eight stages")
            .assert_contains("2.5 hours")
            .assert_contains("Learning Forward: Implementation");
        let png = visitor
            .http()
            .get(visitor.url(&format!("/achievements/{id}/image.png")))
            .send()
            .await
            .expect("png");
        assert_eq!(png.headers()["content-type"], "image/png");
        assert_eq!(png.headers()["cache-control"], "public, max-age=300");
        assert!(png.bytes().await.expect("bytes").starts_with(b"\x89PNG"));

        visitor
            .get("/catalog?q=paraphras")
            .await
            .assert_status(200)
            .assert_contains("Paraphrasing Strategy")
            .assert_contains("1 micro-credential found");
        visitor
            .get("/catalog?q=paraphrasing&price=paid")
            .await
            .assert_status(200)
            .assert_contains("0 micro-credentials found");
        visitor
            .get("/catalog?tag=sim")
            .await
            .assert_status(200)
            .assert_contains("Paraphrasing Strategy");
        visitor
            .get("/catalog?min_hours=lots")
            .await
            .assert_status(422)
            .assert_contains("Enter a number of hours");
        visitor
            .get(&format!("/orgs/{org}"))
            .await
            .assert_status(200)
            .assert_contains("Paraphrasing Strategy");

        // Editing the rubric of a published micro-credential makes version 2.
        let old_lock = lock(&ana, &id).await;
        ana.submit(
            &format!("/achievements/{id}/rubric"),
            &pairs(&rubric_fields(&old_lock, "4")),
        )
        .await
        .assert_status(200)
        .assert_contains("Saved as version 2");
        visitor
            .get("/orgs/ccl/achievements/paraphrasing-strategy?version=1")
            .await
            .assert_status(200)
            .assert_contains("You are looking at version 1");

        // A form opened before that save is refused, not silently applied.
        ana.submit(
            &format!("/achievements/{id}/details"),
            &[
                ("lock_version", &old_lock),
                ("title", "Overwritten"),
                ("summary", "x"),
                ("competency", "x"),
                ("criteria", "x"),
            ],
        )
        .await
        .assert_status(409)
        .assert_contains("Someone else saved this micro-credential");
        visitor
            .get("/catalog?q=overwritten")
            .await
            .assert_contains("0 micro-credentials found");

        // Someone outside the organization cannot edit.
        let eve = verified_user(&app, "Eve", "eve@example.org").await;
        eve.get(&format!("/achievements/{id}/edit"))
            .await
            .assert_status(403);
        eve.get(&format!("/orgs/{org}/author"))
            .await
            .assert_status(403);
        eve.submit(&format!("/achievements/{id}/archive"), &[])
            .await
            .assert_status(403);
        app
    })
    .await;
}

#[tokio::test]
async fn designs_levels_prerequisites_stacks_templates_and_import() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let org = create_org(&ana, "Education Cooperative", "coop").await;
        ana.submit(
            &format!("/orgs/{org}/levels"),
            &[
                ("levels[0].id", ""),
                ("levels[0].name", "Foundations"),
                ("levels[1].id", ""),
                ("levels[1].name", "Leading"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("The level scale is saved");
        let a = create_draft(&ana, &org, "Coaching Foundations", "0").await;
        let b = create_draft(&ana, &org, "Coaching Cycles", "49").await;

        // Levels keep their identity when renamed, even when two swap names,
        // and a level in use cannot be removed.
        let scale = ana.get(&format!("/orgs/{org}/levels")).await;
        let (first, second) = (
            input_value(&scale, "levels[0].id"),
            input_value(&scale, "levels[1].id"),
        );
        let d = ana.get(&format!("/achievements/{a}/edit")).await;
        let lock_a = input_value(&d, "lock_version");
        ana.submit(
            &format!("/achievements/{a}/details"),
            &[
                ("lock_version", &lock_a),
                ("title", "Coaching Foundations"),
                ("summary", "s"),
                ("competency", "c"),
                ("criteria", "k"),
                ("level", &first),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("Saved.");
        ana.submit(
            &format!("/orgs/{org}/levels"),
            &[
                ("levels[0].id", &second),
                ("levels[0].name", "Foundations"),
                ("levels[1].id", &first),
                ("levels[1].name", "Leading"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("The level scale is saved");
        let scale = ana.get(&format!("/orgs/{org}/levels")).await;
        assert_eq!(input_value(&scale, "levels[0].id"), second);
        assert_eq!(input_value(&scale, "levels[1].name"), "Leading");
        ana.submit(
            &format!("/orgs/{org}/levels"),
            &[("levels[0].id", &second), ("levels[0].name", "Foundations")],
        )
        .await
        .assert_status(422)
        .assert_contains("is the level of 1 micro-credential");

        // The designer: a preview that needs no JavaScript, then saving.
        let page = ana.get(&format!("/achievements/{a}/design")).await;
        page.assert_status(200)
            .assert_contains("Coaching Foundations");
        let preview = ana
            .get(&format!(
                "/achievements/{a}/design/preview.svg?title=Hello+%3Cb%3E&shape=shield&icon=people"
            ))
            .await;
        preview
            .assert_status(200)
            .assert_contains("Hello &lt;b&gt;");
        ana.submit(
            &format!("/achievements/{a}/design"),
            &[
                ("title", "Coaching"),
                ("shape", "hexagon"),
                ("icon", "people"),
                ("action", "preview"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("shape=hexagon");
        ana.submit(
            &format!("/achievements/{a}/design"),
            &[("title", ""), ("action", "save")],
        )
        .await
        .assert_status(422);
        ana.submit(
            &format!("/achievements/{a}/design"),
            &[
                ("title", "Coaching"),
                ("shape", "hexagon"),
                ("icon", "people"),
                ("ribbon", "Foundations"),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("The designed badge is saved");
        let png = ana
            .http()
            .get(ana.url(&format!("/achievements/{a}/image.png")))
            .send()
            .await
            .expect("png");
        assert!(png.bytes().await.expect("bytes").starts_with(b"\x89PNG"));

        // Prerequisites: B needs A; then A needing B would be a circle.
        ana.submit(
            &format!("/achievements/{b}/prerequisites"),
            &[("prerequisites", &a), ("rule", "all")],
        )
        .await
        .assert_status(200)
        .assert_contains("The prerequisites are saved");
        ana.submit(
            &format!("/achievements/{a}/prerequisites"),
            &[("prerequisites", &b), ("rule", "all")],
        )
        .await
        .assert_status(422)
        .assert_contains("This would make a circle of prerequisites")
        .assert_contains("“Coaching Cycles”");

        // A requirement template, used by a micro-credential.
        ana.submit(
            &format!("/orgs/{org}/templates"),
            &[
                ("name", "Coaching log"),
                ("requirements[0].prompt", "Upload your coaching log"),
                ("requirements[0].kinds", "document"),
                ("requirements[0].min_count", "1"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("“Coaching log” is in the templates");
        let templates = ana.get(&format!("/orgs/{org}/templates")).await;
        let tid = templates
            .text
            .split("/templates/")
            .nth(1)
            .expect("a template")
            .chars()
            .take(36)
            .collect::<String>();
        let l = lock(&ana, &a).await;
        ana.submit(
            &format!("/achievements/{a}/requirements"),
            &[
                ("lock_version", &l),
                ("use_template", &tid),
                ("action", "use_template"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("Upload your coaching log");
        let l = lock(&ana, &a).await;
        ana.submit(
            &format!("/achievements/{a}/requirements"),
            &[
                ("lock_version", &l),
                ("requirements[0].prompt", "Upload your coaching log"),
                ("requirements[0].kinds", "document"),
                ("requirements[0].min_count", "1"),
                ("requirements[0].template_id", &tid),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("from the template “Coaching log”");

        // A stack of unpublished steps cannot be published.
        ana.submit(
            &format!("/orgs/{org}/stacks/new"),
            &[
                ("name", "Coaching pathway"),
                ("steps", &a),
                ("steps", &b),
                ("published", "1"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("Publish every micro-credential of the stack");
        ana.submit(
            &format!("/orgs/{org}/stacks/new"),
            &[
                ("name", "Coaching pathway"),
                ("steps", &a),
                ("steps", &b),
                ("recognition", "Accepted by Prairie State University"),
            ],
        )
        .await
        .assert_status(200)
        .assert_contains("The stack is saved")
        .assert_contains("Accepted by Prairie State University");
        app.client()
            .get(&format!("/orgs/{org}/stacks/coaching-pathway"))
            .await
            .assert_status(404);

        // Import an Open Badges 2.0 BadgeClass as a draft.
        let badge_class = serde_json::json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": "https://example.org/badges/5",
            "name": "Data Coaching",
            "description": "Leads data conversations. Uses protocols.",
            "image": "https://example.org/badges/5/image",
            "criteria": {"narrative": "Facilitate three data meetings."},
            "tags": ["data", "coaching"],
            "issuer": "https://example.org/issuer"
        });
        let (status, body) = upload(
            &ana,
            &format!("/orgs/{org}/author/import"),
            "document",
            badge_class.to_string().into_bytes(),
            "badge.json",
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body.contains("Imported as a draft") && body.contains("Data Coaching"),
            "{body}"
        );
        let (status, body) = upload(
            &ana,
            &format!("/orgs/{org}/author/import"),
            "document",
            b"{\"type\":\"Foo\"}".to_vec(),
            "x.json",
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            body.contains("not an Open Badges BadgeClass or Achievement"),
            "{body}"
        );
        app
    })
    .await;
}

//! The earner's backpack, seen as people use it: Lena earns a demo
//! micro-credential (through the app, issued by the job queue), finds it in
//! her backpack, turns on a public profile that shows it with her progress
//! along a stack, changes who sees it, turns the profile off; Leo imports
//! her baked badge (verified), a tampered copy (not verified, with the
//! reason) and a file that is no badge (refused); Lena downloads
//! everything and the archive holds her signed credential, its baked image
//! and a transcript that verifies against the platform's published key.
//! Then the same through the JSON API.

use crate::on_each_backend;
use cairn_app::accounts::Principal;
use cairn_app::catalog::CatalogSearch;
use cairn_app::credentials::bake;
use cairn_app::credentials::fast;
use cairn_app::credentials::keys::DocumentResolver;
use cairn_app::credentials::verify::{self, Outcome};
use cairn_app::library::StackForm;
use cairn_app::verifier::VerifyInput;
use cairn_app::{App, RequestMeta};
use cairn_domain::AchievementId;
use cairn_store::Repos;
use cairn_store::awards::Award;
use cairn_test_support::earning::{DemoAward, demo_award, demo_browser, demo_principal};
use cairn_test_support::{TestApp, TestClient, TestResponse};
use reqwest::Method;
use serde_json::Value;
use std::io::Read;

/// HTML text back to plain text (what askama escapes).
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The state (`earned`, `next`, `ahead`) of the star whose link is `href`
/// on a page, if the page draws one.
fn star_state(page: &str, href: &str) -> Option<String> {
    let at = page.find(&format!("href=\"{href}\""))?;
    let before = &page[..at];
    let start = before.rfind("class=\"star star-")? + "class=\"star star-".len();
    let rest = &before[start..];
    let word: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
    if word == "capstone" {
        let rest = &rest["capstone star-".len()..];
        Some(rest.chars().take_while(char::is_ascii_lowercase).collect())
    } else {
        Some(word)
    }
}

/// The bytes of a GET.
async fn get_bytes(client: &TestClient, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = client
        .http()
        .get(client.url(path))
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.bytes().await.expect("body").to_vec(),
    )
}

/// Uploads a file to the import form, as a browser does.
async fn import_file(client: &TestClient, name: &str, bytes: Vec<u8>) -> TestResponse {
    let csrf = client.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("show", "on")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let response = client
        .http()
        .post(client.url("/backpack/imports"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    TestResponse {
        status: response.status().as_u16(),
        path: response.url().path().to_owned(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body"),
    }
}

/// A stack of the district with the earned micro-credential first, another
/// one next and a third as its capstone: (second step, capstone).
async fn district_stack(app: &App, admin: &Principal, earned: AchievementId) -> (String, String) {
    let found = app
        .catalog(&CatalogSearch {
            organization: "meadowlark-usd",
            ..CatalogSearch::default()
        })
        .await
        .expect("catalog");
    let others: Vec<_> = found
        .entries
        .iter()
        .map(|e| e.achievement.clone())
        .filter(|a| a.id != earned)
        .collect();
    assert!(
        others.len() >= 2,
        "the district has three micro-credentials"
    );
    app.save_stack(
        admin,
        "meadowlark-usd",
        None,
        StackForm {
            name: "Classroom Routines Pathway",
            slug: "routines",
            steps: vec![earned, others[0].id],
            capstone: Some(others[1].id),
            published: true,
            ..StackForm::default()
        },
        &RequestMeta::default(),
    )
    .await
    .expect("stack");
    (
        format!("/orgs/meadowlark-usd/achievements/{}", others[0].slug),
        format!("/orgs/meadowlark-usd/achievements/{}", others[1].slug),
    )
}

async fn award_of(test: &TestApp, earned: &DemoAward) -> Award {
    test.store
        .awards()
        .get(earned.award)
        .await
        .expect("load")
        .expect("issued")
}

/// The files of a ZIP archive, by name.
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("a UTF-8 name").into_owned();
        assert_eq!(
            file.compression(),
            zip::CompressionMethod::Deflated,
            "{name}"
        );
        let mut content = Vec::new();
        file.read_to_end(&mut content).expect("read");
        out.insert(name, content);
    }
    out
}

/// Verifies a transcript with the library, using the platform documents the
/// server publishes (fetched over HTTP, as any verifier would).
async fn verify_transcript(test: &TestApp, transcript: &[u8]) -> verify::Report {
    let client = test.client();
    let profile = client.get("/issuers/platform").await;
    profile.assert_status(200);
    let key = client.get("/issuers/platform/keys/1").await;
    key.assert_status(200);
    let (profile, key) = (profile.json(), key.json());
    assert_eq!(
        profile["assertionMethod"][0], key["id"],
        "the profile lists the key"
    );
    let resolver = DocumentResolver::from_documents([profile, key]).expect("documents");
    let lookup = |_: &str| None;
    verify::verify(
        transcript,
        &verify::Context {
            now: test.app.now(),
            keys: &resolver,
            documents: &lookup,
            canon: &fast::Auto,
        },
    )
}

#[tokio::test]
async fn an_earner_shows_imports_and_exports_their_badges() {
    on_each_backend(|test| async move {
        let earned = demo_award(&test.app).await;
        let award = award_of(&test, &earned).await;
        let title = test
            .store
            .achievements()
            .get(award.achievement_id)
            .await
            .expect("load")
            .expect("exists")
            .title;
        let (next, capstone) = district_stack(&test.app, &earned.admin, award.achievement_id).await;
        let lena = demo_browser(&test, "lena.learner").await;
        let leo = demo_browser(&test, "leo.learner").await;
        let badge = format!("/badges/{}", award.id);

        // The backpack lists the award; strangers are sent to log in.
        let page = lena.get("/backpack").await;
        page.assert_status(200)
            .assert_contains("href=\"/backpack\">Backpack</a>")
            .assert_contains(&format!("href=\"{badge}\""))
            .assert_contains("Meadowlark")
            .assert_contains("Valid")
            .assert_contains("Now: Public");
        assert!(unescape(&page.text).contains(&title), "{}", page.text);
        assert_eq!(star_state(&page.text, &next).as_deref(), Some("next"));
        let anonymous = test.client().get("/backpack").await;
        assert_eq!(anonymous.path, "/login?next=%2Fbackpack", "{}", anonymous.text);
        assert!(!leo.get("/backpack").await.text.contains(&badge));

        // The profile is off until it is turned on; handles are checked.
        test.client().get("/people/lena").await.assert_status(404);
        for (handle, message) in [
            ("ab", "3 to 40 characters"),
            ("lena_l", "Use only lower-case letters"),
            ("admin", "This word is reserved"),
            ("-lena", "cannot start or end with a hyphen"),
        ] {
            lena.submit(
                "/backpack/profile",
                &[("handle", handle), ("display_name", "Lena L."), ("public", "on")],
            )
            .await
            .assert_status(422)
            .assert_contains(message);
        }
        lena.submit(
            "/backpack/profile",
            &[("handle", " Lena-L "), ("display_name", "Lena L.")],
        )
        .await
        .assert_status(200)
        .assert_contains("it is off, so nobody can see it");
        test.client().get("/people/lena-l").await.assert_status(404);
        lena.submit(
            "/backpack/profile",
            &[("handle", "lena-l"), ("display_name", "Lena L."), ("public", "on")],
        )
        .await
        .assert_status(200)
        .assert_contains("Your public profile is on at /people/lena-l.");
        leo.submit(
            "/backpack/profile",
            &[("handle", "lena-l"), ("display_name", "Leo"), ("public", "on")],
        )
        .await
        .assert_status(409)
        .assert_contains("Someone else has this handle");

        // The profile shows the public badge under its issuer and the
        // stack's constellation: the badge earned, the next step, the
        // capstone ahead.
        let profile = test.client().get("/people/lena-l").await;
        profile
            .assert_status(200)
            .assert_contains("<h1>Lena L.</h1>")
            .assert_contains(&format!("href=\"{badge}\""))
            .assert_contains("Classroom Routines Pathway")
            .assert_contains("1 of 2 steps earned");
        assert!(unescape(&profile.text).contains("Meadowlark"));
        let own = format!(
            "/orgs/meadowlark-usd/achievements/{}",
            test.store
                .achievements()
                .get(award.achievement_id)
                .await
                .expect("load")
                .expect("exists")
                .slug
        );
        assert_eq!(star_state(&profile.text, &own).as_deref(), Some("earned"));
        assert_eq!(star_state(&profile.text, &next).as_deref(), Some("next"));
        assert_eq!(star_state(&profile.text, &capstone).as_deref(), Some("ahead"));

        // Unlisted and private badges leave the profile, stars included;
        // nobody else may change them.
        leo.submit(
            &format!("/backpack/badges/{}/visibility", award.id),
            &[("visibility", "private")],
        )
        .await
        .assert_status(404);
        for visibility in ["unlisted", "private"] {
            lena.submit(
                &format!("/backpack/badges/{}/visibility", award.id),
                &[("visibility", visibility)],
            )
            .await
            .assert_status(200)
            .assert_contains(&format!("The badge is {visibility} now."));
            let profile = test.client().get("/people/lena-l").await;
            profile.assert_status(200).assert_contains("No public badges yet.");
            assert!(!profile.text.contains(&badge), "{visibility}");
            assert!(!profile.text.contains("Classroom Routines Pathway"), "{visibility}");
        }
        assert_eq!(
            award_of(&test, &earned).await.visibility.as_str(),
            "private"
        );
        lena.submit(
            &format!("/backpack/badges/{}/visibility", award.id),
            &[("visibility", "secret")],
        )
        .await
        .assert_status(422)
        .assert_contains("Choose public, unlisted or private.");
        lena.submit(
            &format!("/backpack/badges/{}/visibility", award.id),
            &[("visibility", "public")],
        )
        .await
        .assert_status(200);
        test.client()
            .get("/people/LENA-L")
            .await
            .assert_status(200)
            .assert_contains(&format!("href=\"{badge}\""));

        // Turned off, the address answers 404 again.
        lena.submit(
            "/backpack/profile",
            &[("handle", "lena-l"), ("display_name", "Lena L.")],
        )
        .await
        .assert_status(200);
        test.client().get("/people/lena-l").await.assert_status(404);

        // Leo imports Lena's baked PNG: verified, and on his profile.
        let png = test
            .app
            .blobs()
            .get(award.png_key.as_deref().expect("baked"))
            .await
            .expect("png");
        let imported = import_file(&leo, "lena.png", png.clone()).await;
        imported
            .assert_status(200)
            .assert_contains("is imported and verified.")
            .assert_contains("tag-ok\">Verified");
        import_file(&leo, "again.png", png)
            .await
            .assert_status(409)
            .assert_contains("This badge is in your backpack already.");
        leo.submit(
            "/backpack/profile",
            &[("handle", "leo"), ("display_name", "Leo"), ("public", "on")],
        )
        .await
        .assert_status(200);
        let leo_profile = test.client().get("/people/leo").await;
        leo_profile
            .assert_status(200)
            .assert_contains("Badges from elsewhere")
            .assert_contains("Verified on import");
        assert!(unescape(&leo_profile.text).contains(&title));

        // A tampered copy is kept, marked not verified, with the reason;
        // it never shows on the profile.
        let mut tampered: Value = serde_json::from_str(&award.credential).expect("json");
        tampered["credentialSubject"]["achievement"]["name"] = "Master of Everything".into();
        let page = import_file(&leo, "tampered.json", tampered.to_string().into_bytes()).await;
        page.assert_status(200)
            .assert_contains("could not be verified")
            .assert_contains("tag-error\">Not verified")
            .assert_contains("The signature matches the credential:</strong> no")
            .assert_contains("the signature does not match the credential");
        assert!(
            !test
                .client()
                .get("/people/leo")
                .await
                .text
                .contains("Master of Everything")
        );
        let tampered_row = test
            .store
            .backpack()
            .imports_of(demo_principal(&test.app, "leo.learner").await.user.id)
            .await
            .expect("imports")
            .into_iter()
            .find(|b| !b.verified)
            .expect("the tampered badge");
        leo.submit(
            &format!("/backpack/imports/{}/shown", tampered_row.id),
            &[("shown", "true")],
        )
        .await
        .assert_status(409)
        .assert_contains("Only a verified badge can show");

        // What is no badge is refused and nothing is kept.
        for (name, bytes, message) in [
            ("notes.txt", b"just some notes".to_vec(), "This file is not a badge"),
            (
                "plain.png",
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00".to_vec(),
                "This is not a badge Cairn can read",
            ),
            (
                "note.json",
                br#"{"hello": "world"}"#.to_vec(),
                "This is not a badge Cairn can read",
            ),
        ] {
            import_file(&leo, name, bytes)
                .await
                .assert_status(422)
                .assert_contains(message);
        }
        let big = vec![b'x'; 5 * 1024 * 1024 + 10];
        import_file(&leo, "big.json", big)
            .await
            .assert_status(422)
            .assert_contains("larger than 5 MB");
        let leo_id = demo_principal(&test.app, "leo.learner").await.user.id;
        assert_eq!(
            test.store.backpack().imports_of(leo_id).await.expect("imports").len(),
            2
        );

        // Removing: only the owner; then it is gone.
        lena.submit(&format!("/backpack/imports/{}/remove", tampered_row.id), &[])
            .await
            .assert_status(404);
        leo.submit(&format!("/backpack/imports/{}/remove", tampered_row.id), &[])
            .await
            .assert_status(200)
            .assert_contains("The imported badge is removed.");
        assert_eq!(
            test.store.backpack().imports_of(leo_id).await.expect("imports").len(),
            1
        );

        // Everything, downloaded: the credential as issued, the baked
        // image that carries it, and a transcript that verifies.
        let (status, headers, bytes) = get_bytes(&lena, "/backpack/export").await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/zip");
        assert!(
            headers["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment; filename=\"cairn-backpack-")
        );
        let files = unzip(&bytes);
        let folder = files
            .keys()
            .find_map(|name| name.strip_suffix("/credential.json"))
            .expect("an award folder")
            .to_owned();
        assert!(folder.starts_with("awards/"), "{folder}");
        assert_eq!(
            files[&format!("{folder}/credential.json")],
            award.credential.as_bytes(),
            "the credential as issued, byte for byte"
        );
        let unbaked =
            bake::unbake(&files[&format!("{folder}/badge.png")]).expect("a baked PNG");
        assert_eq!(unbaked.payload.as_str(), award.credential);
        let unbaked = bake::unbake(&files[&format!("{folder}/badge.svg")]).expect("a baked SVG");
        assert_eq!(unbaked.payload.as_str(), award.credential);
        let readme = String::from_utf8(files["README.txt"].clone()).expect("text");
        assert!(readme.contains("transcript.json") && readme.contains(&title), "{readme}");
        let transcript: Value = serde_json::from_slice(&files["transcript.json"]).expect("json");
        assert_eq!(
            transcript["type"],
            serde_json::json!(["VerifiableCredential", "ClrCredential"])
        );
        assert_eq!(
            transcript["credentialSubject"]["verifiableCredential"][0],
            serde_json::from_str::<Value>(&award.credential).expect("json"),
            "the award nested whole, with its own proof"
        );
        assert_eq!(
            transcript["issuer"]["id"].as_str(),
            Some(test.app.platform_issuer_url().as_str())
        );
        let report = verify_transcript(&test, &files["transcript.json"]).await;
        assert!(report.verified(), "{:#?}", report.checks);
        let mut forged = transcript.clone();
        forged["credentialSubject"]["verifiableCredential"][0]["name"] = "Something else".into();
        let report = verify_transcript(&test, forged.to_string().as_bytes()).await;
        assert_eq!(
            report.check("proof").map(|c| c.outcome),
            Some(Outcome::Failed)
        );
        let (_, _, leo_zip) = get_bytes(&leo, "/backpack/export").await;
        let leo_files = unzip(&leo_zip);
        assert!(
            leo_files.keys().any(|n| n.starts_with("imported/") && n.ends_with("/original.png")),
            "{:?}",
            leo_files.keys()
        );
        let leo_transcript: Value =
            serde_json::from_slice(&leo_files["transcript.json"]).expect("json");
        assert_eq!(
            leo_transcript["credentialSubject"]["verifiableCredential"],
            serde_json::json!([]),
            "imported badges are not Cairn's to vouch for"
        );

        // Revoked, the badge leaves the profile and the transcript.
        lena.submit(
            "/backpack/profile",
            &[("handle", "lena-l"), ("display_name", "Lena L."), ("public", "on")],
        )
        .await
        .assert_status(200);
        test.app
            .revoke_award(&earned.admin, award.id, "Issued in error", &RequestMeta::default())
            .await
            .expect("revoke");
        let profile = test.client().get("/people/lena-l").await;
        profile.assert_status(200).assert_contains("No public badges yet.");
        lena.get("/backpack").await.assert_contains("Revoked");
        let transcript = test.app.transcript(&earned.earner).await.expect("transcript");
        assert_eq!(
            transcript["credentialSubject"]["verifiableCredential"],
            serde_json::json!([])
        );
        test
    })
    .await;
}

#[tokio::test]
async fn the_backpack_through_the_api() {
    on_each_backend(|test| async move {
        let earned = demo_award(&test.app).await;
        let award = award_of(&test, &earned).await;
        let meta = RequestMeta::default();
        let lena = test
            .app
            .create_api_token(&earned.earner, "backpack", None, &meta)
            .await
            .expect("token")
            .secret;
        let leo_principal = demo_principal(&test.app, "leo.learner").await;
        let leo = test
            .app
            .create_api_token(&leo_principal, "backpack", None, &meta)
            .await
            .expect("token")
            .secret;
        let client = test.client();

        let listed = client
            .api(Method::GET, "/api/v1/me/badges", Some(&lena), None)
            .await;
        listed.assert_status(200);
        let badges = listed.json();
        assert_eq!(badges.as_array().map(Vec::len), Some(1));
        assert_eq!(badges[0]["id"], award.id.to_string());
        assert_eq!(badges[0]["standing"], "valid");
        assert_eq!(badges[0]["visibility"], "public");
        assert_eq!(
            client
                .api(Method::GET, "/api/v1/me/badges", None, None)
                .await
                .status,
            401
        );

        let path = format!("/api/v1/me/badges/{}/visibility", award.id);
        let changed = client
            .api(
                Method::PUT,
                &path,
                Some(&lena),
                Some(r#"{"visibility":"unlisted"}"#),
            )
            .await;
        changed.assert_status(200);
        assert_eq!(changed.json()["visibility"], "unlisted");
        client
            .api(
                Method::PUT,
                &path,
                Some(&lena),
                Some(r#"{"visibility":"everyone"}"#),
            )
            .await
            .assert_status(422);
        client
            .api(
                Method::PUT,
                &path,
                Some(&leo),
                Some(r#"{"visibility":"public"}"#),
            )
            .await
            .assert_status(404);
        assert_eq!(
            award_of(&test, &earned).await.visibility.as_str(),
            "unlisted"
        );

        client
            .api(Method::GET, "/api/v1/me/profile", Some(&lena), None)
            .await
            .assert_status(404);
        let saved = client
            .api(
                Method::PUT,
                "/api/v1/me/profile",
                Some(&lena),
                Some(r#"{"handle":"lena","display_name":"Lena","public":true}"#),
            )
            .await;
        saved.assert_status(200);
        assert_eq!(saved.json()["url"], format!("{}/people/lena", test.address));
        client
            .api(
                Method::PUT,
                "/api/v1/me/profile",
                Some(&leo),
                Some(r#"{"handle":"lena","display_name":"Leo","public":true}"#),
            )
            .await
            .assert_status(409);

        // Leo imports the baked SVG as the body, then a JWT that is no
        // credential, then something that is no badge at all.
        let svg = test
            .app
            .blobs()
            .get(award.svg_key.as_deref().expect("baked"))
            .await
            .expect("svg");
        let response = client
            .http()
            .post(client.url("/api/v1/me/imported-badges?filename=lena.svg"))
            .bearer_auth(&leo)
            .header("content-type", "image/svg+xml")
            .body(svg)
            .send()
            .await
            .expect("import");
        assert_eq!(response.status().as_u16(), 201);
        let imported: Value = response.json().await.expect("json");
        assert_eq!(imported["verified"], true, "{imported:#}");
        assert_eq!(imported["format"], "svg");
        assert_eq!(imported["shown"], true);
        assert_eq!(imported["file_name"], "lena.svg");
        assert!(
            imported["checks"]
                .as_array()
                .expect("checks")
                .iter()
                .any(|c| c["id"] == "proof" && c["outcome"] == "passed")
        );
        for (content_type, body) in [
            (
                "application/jwt",
                "eyJhbGciOiJub25lIn0.eyJoZWxsbyI6IndvcmxkIn0.c2ln",
            ),
            ("text/plain", "hello"),
        ] {
            let refused = client
                .http()
                .post(client.url("/api/v1/me/imported-badges"))
                .bearer_auth(&leo)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .expect("import");
            let status = refused.status().as_u16();
            assert_eq!(
                status,
                422,
                "{content_type}: {}",
                refused.text().await.unwrap_or_default()
            );
        }
        let by_url = client
            .api(
                Method::POST,
                "/api/v1/me/imported-badges/from-url",
                Some(&leo),
                Some(r#"{"url":"ftp://example.org/badge.json"}"#),
            )
            .await;
        by_url.assert_status(422);
        assert_eq!(by_url.json()["error"]["fields"][0]["field"], "url");

        let list = client
            .api(Method::GET, "/api/v1/me/imported-badges", Some(&leo), None)
            .await;
        list.assert_status(200);
        assert_eq!(list.json().as_array().map(Vec::len), Some(1));
        let id = imported["id"].as_str().expect("id").to_owned();
        let hidden = client
            .api(
                Method::PATCH,
                &format!("/api/v1/me/imported-badges/{id}"),
                Some(&leo),
                Some(r#"{"shown":false}"#),
            )
            .await;
        hidden.assert_status(200);
        assert_eq!(hidden.json()["shown"], false);
        client
            .api(
                Method::DELETE,
                &format!("/api/v1/me/imported-badges/{id}"),
                Some(&lena),
                None,
            )
            .await
            .assert_status(404);
        client
            .api(
                Method::DELETE,
                &format!("/api/v1/me/imported-badges/{id}"),
                Some(&leo),
                None,
            )
            .await
            .assert_status(204);
        assert_eq!(
            client
                .api(Method::GET, "/api/v1/me/imported-badges", Some(&leo), None)
                .await
                .json(),
            serde_json::json!([])
        );

        // By address: the badge's own page (read by the verifier from this
        // server), and an address the verifier refuses to fetch.
        let by_url = client
            .api(
                Method::POST,
                "/api/v1/me/imported-badges/from-url",
                Some(&leo),
                Some(
                    &serde_json::json!({"url": test.app.badge_url(award.id), "show": false})
                        .to_string(),
                ),
            )
            .await;
        by_url.assert_status(201);
        let from_url = by_url.json();
        assert_eq!(from_url["verified"], true, "{from_url:#}");
        assert_eq!(from_url["source_url"], test.app.badge_url(award.id));
        assert_eq!(from_url["shown"], false);
        let private = client
            .api(
                Method::POST,
                "/api/v1/me/imported-badges/from-url",
                Some(&leo),
                Some(r#"{"url":"http://10.1.2.3/badge.json"}"#),
            )
            .await;
        private.assert_status(422);
        assert!(
            private.json()["error"]["fields"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("This is not a badge Cairn can read: ")),
            "{}",
            private.text
        );

        // The transcript and the archive.
        let transcript = client
            .api(Method::GET, "/api/v1/me/transcript", Some(&lena), None)
            .await;
        transcript.assert_status(200);
        let report = verify_transcript(&test, transcript.text.as_bytes()).await;
        assert!(report.verified(), "{:#?}", report.checks);
        // Cairn's own verifier reads the platform's documents too.
        let report = test
            .app
            .verify_credential(VerifyInput::Bytes(transcript.text.clone().into_bytes()))
            .await
            .expect("verification");
        assert!(report.verified(), "{:#?}", report.checks);
        let response = client
            .http()
            .get(client.url("/api/v1/me/export"))
            .bearer_auth(&lena)
            .send()
            .await
            .expect("export");
        assert_eq!(response.status().as_u16(), 200);
        let files = unzip(&response.bytes().await.expect("zip"));
        assert!(files.contains_key("README.txt") && files.contains_key("transcript.json"));

        // Every route is in the OpenAPI document.
        let doc = client.get("/api/openapi.json").await.json();
        for (path, method) in [
            ("/api/v1/me/badges", "get"),
            ("/api/v1/me/badges/{id}/visibility", "put"),
            ("/api/v1/me/imported-badges", "get"),
            ("/api/v1/me/imported-badges", "post"),
            ("/api/v1/me/imported-badges/from-url", "post"),
            ("/api/v1/me/imported-badges/{id}", "patch"),
            ("/api/v1/me/imported-badges/{id}", "delete"),
            ("/api/v1/me/profile", "get"),
            ("/api/v1/me/profile", "put"),
            ("/api/v1/me/transcript", "get"),
            ("/api/v1/me/export", "get"),
        ] {
            assert!(
                doc["paths"][path].get(method).is_some(),
                "{method} {path} is documented"
            );
        }
        test
    })
    .await;
}

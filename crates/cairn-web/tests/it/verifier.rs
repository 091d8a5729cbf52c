//! The public verifier, page and API: a Cairn award verifies from its baked
//! image, its pasted JSON and its address; a changed one fails the
//! signature in words; another issuer's credential (1EdTech's example
//! signed with the W3C test key) verifies with no network; and the fetcher
//! refuses private, link-local and (outside local development) loopback
//! addresses, other schemes, oversized documents and redirect chains,
//! each with a sentence in the report.

use crate::on_each_backend;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use cairn_app::credentials::fast;
use cairn_app::credentials::keys::SigningKey;
use cairn_app::credentials::proof::{self, ProofOptions};
use cairn_app::store::Repos;
use cairn_test_support::earning::demo_award;
use cairn_test_support::{TestApp, TestClient, TestResponse};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn testdata(path: &str) -> Value {
    let path = format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// 1EdTech's "Sample OpenBadgeCredential", issued by the `did:key` of the
/// W3C vc-di-eddsa test key pair and signed with it (eddsa-rdfc-2022),
/// after `change` has had its say.
fn foreign_credential(change: impl FnOnce(&mut Value)) -> Value {
    let pair = testdata("vc-di-eddsa/keyPair.json");
    let key = SigningKey::from_secret_key_multibase(
        pair["privateKeyMultibase"].as_str().expect("secret"),
    )
    .expect("the W3C test key");
    let did = key.did_key();
    let mut credential = testdata("ob3/examples/basicOpenBadgeCredential.json");
    credential["issuer"]["id"] = json!(did);
    change(&mut credential);
    let method = format!("{did}#{}", key.public_key_multibase());
    let created = chrono::DateTime::parse_from_rfc3339("2010-01-01T19:23:24Z")
        .expect("time")
        .with_timezone(&chrono::Utc);
    proof::sign(
        &credential,
        &key,
        &ProofOptions::assertion(method, created),
        &fast::Auto,
    )
    .expect("signed")
}

/// Posts a file through the upload form, as a browser does.
async fn upload(client: &TestClient, name: &str, mime: &str, bytes: Vec<u8>) -> TestResponse {
    let csrf = client
        .get("/verify")
        .await
        .csrf()
        .expect("a CSRF token on the verifier");
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(mime)
            .expect("mime"),
    );
    let response = client
        .http()
        .post(client.url("/verify"))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    TestResponse {
        status,
        path: "/verify".into(),
        headers,
        text: response.text().await.expect("body"),
    }
}

/// The page's list item for the check titled `title`.
fn check_row<'a>(page: &'a str, title: &str) -> &'a str {
    let at = page
        .find(&format!("<strong>{title}</strong>"))
        .unwrap_or_else(|| panic!("no check {title:?} on:\n{page}"));
    let start = page[..at].rfind("<li>").unwrap_or(at);
    let end = page[at..].find("</li>").map_or(page.len(), |e| at + e);
    &page[start..end]
}

fn passed(page: &str, title: &str) -> bool {
    check_row(page, title).contains(">Passed</span>")
}

/// The report's check with this id, from the API's answer.
fn api_check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} check in {report:#}"))
}

async fn api_verify(client: &TestClient, content_type: &str, body: Vec<u8>) -> TestResponse {
    let response = client
        .http()
        .post(client.url("/api/v1/verify"))
        .header(header::CONTENT_TYPE.as_str(), content_type)
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    TestResponse {
        status,
        path: "/api/v1/verify".into(),
        headers,
        text: response.text().await.expect("body"),
    }
}

const SIGNATURE: &str = "The signature matches the credential";
const ISSUER_KEY: &str = "The signing key belongs to the issuer";
const REVOCATION: &str = "The issuer has not revoked the credential";

#[tokio::test]
async fn a_cairn_award_verifies_from_its_image_its_text_and_its_address() {
    on_each_backend(|app| async move {
        let issued = demo_award(&app.app).await;
        let award = app
            .store
            .awards()
            .get(issued.award)
            .await
            .expect("load")
            .expect("the award");
        let title = app
            .store
            .achievements()
            .get(award.achievement_id)
            .await
            .expect("load")
            .expect("the micro-credential")
            .title;
        let png = app
            .app
            .blobs()
            .get(award.png_key.as_deref().expect("a baked PNG"))
            .await
            .expect("the PNG");
        let visitor = app.client();

        // The page: three ways in, each a form with its CSRF token.
        let page = visitor.get("/verify").await;
        page.assert_status(200)
            .assert_contains("Verify a credential")
            .assert_contains("enctype=\"multipart/form-data\"")
            .assert_contains("name=\"text\"")
            .assert_contains("name=\"url\"");
        assert_eq!(page.text.matches("name=\"csrf\"").count(), 3);
        visitor
            .get("/")
            .await
            .assert_contains("<a href=\"/verify\">Verify a credential</a>");

        // The baked image.
        let image = upload(&visitor, "badge.png", "image/png", png.clone()).await;
        image
            .assert_status(200)
            .assert_contains("<h2 id=\"result-title\">Verified</h2>")
            .assert_contains("baked into a PNG image")
            .assert_contains(&title)
            .assert_contains("Meadowlark")
            .assert_contains("an email address, kept private");
        for check in [SIGNATURE, ISSUER_KEY, REVOCATION] {
            assert!(passed(&image.text, check), "{check}:\n{}", image.text);
        }

        // The JSON, pasted.
        let pasted = visitor
            .submit("/verify", &[("text", award.credential.as_str())])
            .await;
        pasted
            .assert_status(200)
            .assert_contains("<h2 id=\"result-title\">Verified</h2>")
            .assert_contains(&title);
        assert!(passed(&pasted.text, SIGNATURE));

        // Its address: served by this server, never fetched.
        let address = app.app.badge_url(issued.award);
        let by_url = visitor.submit("/verify", &[("url", &address)]).await;
        by_url
            .assert_status(200)
            .assert_contains("<h2 id=\"result-title\">Verified</h2>")
            .assert_contains(&format!("fetched from {address}"));

        // Changed after signing: the signature check says so.
        let mut changed: Value = serde_json::from_str(&award.credential).expect("JSON");
        changed["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
        let tampered = visitor
            .submit("/verify", &[("text", &changed.to_string())])
            .await;
        tampered
            .assert_status(200)
            .assert_contains("<h2 id=\"result-title\">Not verified</h2>");
        let row = check_row(&tampered.text, SIGNATURE);
        assert!(row.contains(">Failed</span>"), "{row}");
        assert!(
            row.contains(
                "the signature does not match the credential (it was changed after signing"
            ),
            "{row}"
        );

        // The API: the credential as the body, an image, or an address.
        let json_body = api_verify(
            &visitor,
            "application/ld+json",
            award.credential.clone().into_bytes(),
        )
        .await;
        json_body.assert_status(200);
        let report = json_body.json();
        assert_eq!(report["verified"], true, "{report:#}");
        assert_eq!(report["summary"]["name"], json!(title));
        assert_eq!(api_check(&report, "proof")["outcome"], "passed");
        assert_eq!(
            report["credential"]["id"],
            json!(app.app.badge_url(issued.award))
        );
        let image = api_verify(&visitor, "image/png", png).await;
        image.assert_status(200);
        assert_eq!(image.json()["verified"], true);
        let by_url = api_verify(
            &visitor,
            "application/json",
            json!({ "url": address }).to_string().into_bytes(),
        )
        .await;
        by_url.assert_status(200);
        assert_eq!(by_url.json()["verified"], true, "{}", by_url.text);
        let tampered = api_verify(
            &visitor,
            "application/json",
            changed.to_string().into_bytes(),
        )
        .await;
        tampered.assert_status(200);
        let report = tampered.json();
        assert_eq!(report["verified"], false);
        assert_eq!(api_check(&report, "proof")["outcome"], "failed");

        // Revoked: the status list says so.
        app.app
            .revoke_award(
                &issued.admin,
                issued.award,
                "Issued in error",
                &cairn_app::RequestMeta::default(),
            )
            .await
            .expect("revoke");
        let revoked = visitor.submit("/verify", &[("url", &address)]).await;
        revoked.assert_status(200).assert_contains("Not verified");
        let row = check_row(&revoked.text, REVOCATION);
        assert!(
            row.contains(">Failed</span>") && row.contains("revoked"),
            "{row}"
        );

        // Nothing given.
        visitor
            .submit("/verify", &[("text", "  "), ("url", "")])
            .await
            .assert_status(422)
            .assert_contains("Choose a file, paste a credential, or give its address.");
        let empty = api_verify(&visitor, "application/json", Vec::new()).await;
        empty.assert_status(422);
        app
    })
    .await;
}

#[tokio::test]
async fn another_issuers_credential_verifies_without_the_network() {
    on_each_backend(|app| async move {
        let credential = foreign_credential(|_| {});
        let visitor = app.client();
        let page = visitor
            .submit("/verify", &[("text", &credential.to_string())])
            .await;
        page.assert_status(200)
            .assert_contains("<h2 id=\"result-title\">Verified</h2>")
            .assert_contains("Open Badges 3.0 credential")
            .assert_contains("Teamwork")
            .assert_contains("Example Corp")
            .assert_contains("did:example:ebfeb1f712ebc6f1c276e12ec21")
            .assert_contains("1 Jan 2010");
        for check in [SIGNATURE, ISSUER_KEY] {
            assert!(passed(&page.text, check), "{check}:\n{}", page.text);
        }
        // Nothing was needed from anywhere: no fetch was reported.
        assert!(!page.text.contains("could be fetched"), "{}", page.text);

        // Signed by the same key but claiming another issuer: the key is
        // not that issuer's.
        let impostor = foreign_credential(|c| {
            c["issuer"]["id"] = json!("did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi");
        });
        let report = api_verify(
            &visitor,
            "application/json",
            impostor.to_string().into_bytes(),
        )
        .await
        .json();
        assert_eq!(report["verified"], false);
        let key = api_check(&report, "issuer-key");
        assert_eq!(key["outcome"], "failed");
        assert!(
            key["reason"]
                .as_str()
                .is_some_and(|r| r.contains("not by the issuer")),
            "{key}"
        );
        app
    })
    .await;
}

/// A small issuer site on this machine: a credential, a document too large
/// to fetch, and redirects.
async fn issuer_site(credential: Value) -> String {
    let big = "x".repeat(2 * 1024 * 1024);
    let router = Router::new()
        .route(
            "/credential.json",
            get(move || {
                let body = credential.to_string();
                async move { ([(header::CONTENT_TYPE, "application/ld+json")], body) }
            }),
        )
        .route(
            "/big.json",
            get(move || {
                let body = format!("{{\"padding\": \"{big}\"}}");
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route(
            "/page",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body>A badge</body></html>",
                )
            }),
        )
        .route(
            "/to-metadata",
            get(|| async { Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
        )
        .route(
            "/loop",
            get(|| async { Redirect::temporary("/loop").into_response() }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    address
}

/// The `fetch` check of a report that fetched nothing.
async fn refused(client: &TestClient, url: &str) -> String {
    let page = client.submit("/verify", &[("url", url)]).await;
    page.assert_status(200)
        .assert_contains("<h2 id=\"result-title\">Not verified</h2>");
    let row = check_row(&page.text, "The credential could be fetched");
    assert!(row.contains(">Failed</span>"), "{row}");
    row.to_owned()
}

#[tokio::test]
async fn the_fetcher_refuses_what_it_must_not_fetch_and_says_why() {
    on_each_backend(|app| async move {
        let site = issuer_site(foreign_credential(|_| {})).await;
        let visitor = app.client();

        // Fetched for real from a site (on loopback: this test server is
        // itself on loopback, so loopback is allowed, over http).
        let fetched = visitor
            .submit("/verify", &[("url", &format!("{site}/credential.json"))])
            .await;
        fetched
            .assert_status(200)
            .assert_contains("<h2 id=\"result-title\">Verified</h2>")
            .assert_contains("Teamwork");

        for (url, expected) in [
            ("http://10.0.0.1/", "10.0.0.1 is a private network address"),
            (
                "http://169.254.169.254/latest/meta-data/",
                "169.254.169.254 is a link-local address",
            ),
            (
                "file:///etc/passwd",
                "only http and https addresses are fetched, not file:",
            ),
            ("https://[::ffff:192.168.1.1]/", "a private network address"),
        ] {
            let row = refused(&visitor, url).await;
            assert!(row.contains(expected), "{url}: {row}");
            assert!(row.contains("was not fetched"), "{url}: {row}");
        }
        let row = refused(&visitor, &format!("{site}/big.json")).await;
        assert!(row.contains("larger than 1 MB"), "{row}");
        let row = refused(&visitor, &format!("{site}/to-metadata")).await;
        assert!(row.contains("169.254.169.254 is a link-local address"), "{row}");
        let row = refused(&visitor, &format!("{site}/loop")).await;
        assert!(row.contains("redirects more than 3 times"), "{row}");
        let row = refused(&visitor, &format!("{site}/page")).await;
        assert!(row.contains("answered with a web page"), "{row}");

        // A document the credential names is refused the same way, and
        // the report says so beside the check it could not make.
        let credential = foreign_credential(|c| {
            c["credentialStatus"] = json!({
                "id": "http://169.254.169.254/status/1#5",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "5",
                "statusListCredential": "http://169.254.169.254/status/1"
            });
        });
        let report = api_verify(
            &visitor,
            "application/json",
            credential.to_string().into_bytes(),
        )
        .await
        .json();
        assert_eq!(api_check(&report, "proof")["outcome"], "passed");
        assert_eq!(api_check(&report, "revocation")["outcome"], "skipped");
        let documents = api_check(&report, "documents");
        assert!(
            documents["reason"].as_str().is_some_and(|r| r.contains(
                "http://169.254.169.254/status/1 was not fetched: 169.254.169.254 is a link-local address"
            )),
            "{documents}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn loopback_is_refused_when_cairn_is_not_on_loopback() {
    let test = TestApp::spawn().await;
    let data = tempfile::tempdir().expect("a folder");
    let settings = cairn_app::AppSettings {
        public_url: url::Url::parse("https://badges.example.org/").expect("URL"),
        ..test.app.settings().clone()
    };
    let production = cairn_app::App::new(
        test.store.clone(),
        cairn_app::store::blobs::LocalBlobs::open(data.path().join("uploads")).expect("blobs"),
        test.clock.clone(),
        settings,
        cairn_app::mail::Mailer::outbox(data.path().join("outbox"), "Cairn <cairn@example.org>")
            .expect("outbox"),
    );
    let router = cairn_web::router(
        production,
        cairn_web::WebSettings {
            secure_cookies: false,
            secret_key: b"another test secret key of 32 bytes+".to_vec(),
            trust_proxy_headers: false,
            max_body_bytes: 64 * 1024,
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    let http = reqwest::Client::new();
    for (url, expected) in [
        ("http://localhost/", "localhost resolves to"),
        ("http://127.0.0.1:9/", "127.0.0.1 is a loopback address"),
        ("https://[::1]/", "::1 is a loopback address"),
    ] {
        let response = http
            .request(Method::POST, format!("{address}/api/v1/verify"))
            .json(&json!({ "url": url }))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status().as_u16(), 200);
        let report: Value = response.json().await.expect("JSON");
        assert_eq!(report["verified"], false);
        let fetch = api_check(&report, "fetch");
        assert_eq!(fetch["outcome"], "failed");
        let reason = fetch["reason"].as_str().expect("reason");
        assert!(
            reason.contains(expected) && reason.contains("loopback"),
            "{url}: {reason}"
        );
    }
    test.finish().await;
}

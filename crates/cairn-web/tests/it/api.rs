use crate::on_each_backend_with;
use crate::{create_org, on_each_backend, verified_user};
use cairn_test_support::TestClient;
use reqwest::Method;

/// Creates a token on the account page and returns its secret.
async fn token(client: &TestClient) -> String {
    let page = client
        .submit(
            "/account/tokens",
            &[("name", "Gradebook sync"), ("expires_in_days", "30")],
        )
        .await;
    page.assert_status(200).assert_contains("Copy it now");
    let start = page.text.find("cairn_").expect("the secret is shown");
    page.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

#[tokio::test]
async fn a_personal_token_works_until_revoked() {
    on_each_backend(|app| async move {
        let ana = verified_user(&app, "Ana", "ana@example.org").await;
        let secret = token(&ana).await;
        let anonymous = app.client();
        let me = anonymous.api(Method::GET, "/api/v1/me", Some(&secret), None).await;
        me.assert_status(200);
        assert_eq!(me.json()["display_name"], "Ana");
        assert_eq!(me.json()["emails"][0]["email"], "ana@example.org");

        let created = anonymous
            .api(Method::POST, "/api/v1/organizations", Some(&secret), Some(r#"{"name": "API Cooperative", "slug": "api-coop", "website": "https://coop.example.org"}"#))
            .await;
        created.assert_status(201);
        assert_eq!(created.json()["slug"], "api-coop");
        let conflict = anonymous.api(Method::POST, "/api/v1/organizations", Some(&secret), Some(r#"{"name": "Again", "slug": "api-coop"}"#)).await;
        conflict.assert_status(409);
        assert_eq!(conflict.json()["error"]["code"], "conflict");
        assert_eq!(conflict.json()["error"]["fields"][0]["field"], "slug");

        let dept = anonymous.api(Method::POST, "/api/v1/organizations/api-coop/departments", Some(&secret), Some(r#"{"name": "Early Literacy"}"#)).await;
        dept.assert_status(201);
        assert_eq!(dept.json()["slug"], "early-literacy");
        let shown = anonymous.api(Method::GET, "/api/v1/organizations/api-coop", None, None).await;
        shown.assert_status(200);
        assert_eq!(shown.json()["departments"][0]["name"], "Early Literacy");
        let patched = anonymous.api(Method::PATCH, "/api/v1/organizations/api-coop", Some(&secret), Some(r#"{"description": "Four badges"}"#)).await;
        patched.assert_status(200);
        assert_eq!(patched.json()["description"], "Four badges");
        assert_eq!(patched.json()["website"], "https://coop.example.org/");

        let invited = anonymous.api(Method::POST, "/api/v1/organizations/api-coop/invitations", Some(&secret), Some(r#"{"email": "ben@example.org", "roles": ["coach"]}"#)).await;
        invited.assert_status(201);
        assert_eq!(invited.json()["roles"], serde_json::json!(["coach", "member"]));
        let members = anonymous.api(Method::GET, "/api/v1/organizations/api-coop/members", Some(&secret), None).await;
        assert_eq!(members.json()["members"][0]["roles"], serde_json::json!(["admin", "member"]));
        assert_eq!(members.json()["invitations"][0]["email"], "ben@example.org");

        let tokens = anonymous.api(Method::GET, "/api/v1/me/tokens", Some(&secret), None).await;
        let id = tokens.json()[0]["id"].as_str().expect("id").to_owned();
        assert!(!tokens.text.contains(&secret), "the secret is never listed");
        anonymous.api(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), Some(&secret), None).await.assert_status(204);
        let revoked = anonymous.api(Method::GET, "/api/v1/me", Some(&secret), None).await;
        revoked.assert_status(401);
        assert_eq!(revoked.json()["error"]["code"], "unauthenticated");
        app
    })
    .await;
}

#[tokio::test]
async fn the_api_answers_bad_requests_in_one_shape() {
    on_each_backend_with(
        |b| b.open_organization_creation(),
        |app| async move {
            let ana = verified_user(&app, "Ana", "ana@example.org").await;
            create_org(&ana, "Cooperative", "coop").await;
            let secret = token(&ana).await;
            let client = app.client();

            let anonymous = client.api(Method::GET, "/api/v1/me", None, None).await;
            anonymous.assert_status(401);
            assert!(
                anonymous.json()["error"]["message"]
                    .as_str()
                    .expect("message")
                    .contains("Authorization: Bearer")
            );
            client
                .api(
                    Method::GET,
                    "/api/v1/me",
                    Some("cairn_not-a-real-token"),
                    None,
                )
                .await
                .assert_status(401);

            let malformed = client
                .api(
                    Method::POST,
                    "/api/v1/organizations",
                    Some(&secret),
                    Some("{not json"),
                )
                .await;
            malformed.assert_status(400);
            assert_eq!(malformed.json()["error"]["code"], "bad_request");

            let wrong_type = client
                .http()
                .post(client.url("/api/v1/organizations"))
                .bearer_auth(&secret)
                .body("name=x")
                .send()
                .await
                .expect("request");
            assert_eq!(wrong_type.status(), 415);

            let unknown_field = client
                .api(
                    Method::POST,
                    "/api/v1/organizations",
                    Some(&secret),
                    Some(r#"{"name": "X", "colour": "red"}"#),
                )
                .await;
            unknown_field.assert_status(422);

            let invalid = client
                .api(
                    Method::POST,
                    "/api/v1/organizations",
                    Some(&secret),
                    Some(r#"{"name": "", "contact_email": "nope"}"#),
                )
                .await;
            invalid.assert_status(422);
            let body = invalid.json();
            let fields: Vec<&str> = body["error"]["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .filter_map(|f| f["field"].as_str())
                .collect();
            assert!(
                fields.contains(&"name") && fields.contains(&"contact_email"),
                "{fields:?}"
            );

            let huge = format!(r#"{{"name": "{}"}}"#, "x".repeat(200 * 1024));
            let too_large = client
                .api(
                    Method::POST,
                    "/api/v1/organizations",
                    Some(&secret),
                    Some(&huge),
                )
                .await;
            too_large.assert_status(413);
            assert_eq!(too_large.json()["error"]["code"], "payload_too_large");

            let bad_page = client
                .api(Method::GET, "/api/v1/organizations?page=abc", None, None)
                .await;
            bad_page.assert_status(400);

            let forbidden = verified_user(&app, "Ben", "ben@example.org").await;
            let ben_secret = token(&forbidden).await;
            let refused = client
                .api(
                    Method::GET,
                    "/api/v1/organizations/coop/members",
                    Some(&ben_secret),
                    None,
                )
                .await;
            refused.assert_status(403);
            assert_eq!(refused.json()["error"]["code"], "forbidden");
            client
                .api(Method::GET, "/api/v1/organizations/none", None, None)
                .await
                .assert_status(404);
            app
        },
    )
    .await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    on_each_backend_with(
        |b| b,
        |app| async move {
            let doc = app.client().get("/api/openapi.json").await;
            doc.assert_status(200);
            let json = doc.json();
            assert!(json["openapi"].as_str().expect("version").starts_with("3."));
            for path in [
                "/api/v1/me",
                "/api/v1/me/tokens",
                "/api/v1/organizations",
                "/api/v1/organizations/{slug}/invitations",
            ] {
                assert!(json["paths"].get(path).is_some(), "{path} is documented");
            }
            assert!(json["components"]["schemas"].get("ErrorBody").is_some());
            assert!(
                json["components"]["securitySchemes"]
                    .get("bearer")
                    .is_some()
            );
            app
        },
    )
    .await;
}

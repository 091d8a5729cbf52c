//! The documents a verifier fetches, served by the running server: the
//! issuer Profile with its keys, the key documents, the JSON Web Key Set,
//! the status list, and the Open Badges 2.0 hosted assertion, badge class
//! and issuer. An award verifies with exactly what the server publishes.

use crate::on_each_backend;
use cairn_app::credentials::{fast, keys, verify};
use cairn_app::store::Repos;
use cairn_test_support::earning::demo_award;
use serde_json::Value;
use std::collections::BTreeMap;

async fn fetch(app: &cairn_test_support::TestApp, url: &str, accept: &str) -> reqwest::Response {
    app.client()
        .http()
        .get(url)
        .header("Accept", accept)
        .send()
        .await
        .expect("fetch")
}

async fn json(app: &cairn_test_support::TestApp, url: &str) -> Value {
    let response = fetch(app, url, "application/ld+json, application/json").await;
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "{url} is readable from any origin"
    );
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn an_award_verifies_with_the_documents_the_server_publishes() {
    on_each_backend(|app| async move {
        let issued = demo_award(&app.app).await;
        let award = app
            .app
            .store()
            .awards()
            .get(issued.award)
            .await
            .expect("award")
            .expect("stored");
        let credential: Value = serde_json::from_str(&award.credential).expect("JSON");
        let issuer_url = credential["issuer"]["id"]
            .as_str()
            .expect("issuer id")
            .to_owned();
        let method = credential["proof"][0]["verificationMethod"]
            .as_str()
            .expect("a key")
            .to_owned();
        let list_url = credential["credentialStatus"]["statusListCredential"]
            .as_str()
            .expect("a status list")
            .to_owned();

        let profile = json(&app, &issuer_url).await;
        assert_eq!(profile["id"], issuer_url.as_str());
        assert!(
            profile["assertionMethod"]
                .as_array()
                .is_some_and(|m| m.iter().any(|k| k == method.as_str())),
            "{profile}"
        );
        let key = json(&app, &method).await;
        assert_eq!(key["type"], "Multikey");
        assert_eq!(key["controller"], issuer_url.as_str());
        let list = json(&app, &list_url).await;
        assert!(
            list["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == "BitstringStatusListCredential")),
            "{list}"
        );
        let jwks = json(&app, &format!("{issuer_url}/jwks.json")).await;
        assert!(jwks["keys"].as_array().is_some_and(|k| !k.is_empty()));

        // A browser on the issuer's URL lands on the organization's page.
        let page = app
            .client()
            .no_redirects()
            .http()
            .get(&issuer_url)
            .header("Accept", "text/html")
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 303);
        assert_eq!(page.headers()["location"], "/orgs/meadowlark-usd");

        // Verification with what was fetched: key, proof, status.
        let mut documents = BTreeMap::new();
        documents.insert(issuer_url.clone(), profile.clone());
        documents.insert(method.clone(), key.clone());
        let resolver = keys::DocumentResolver::from_documents([profile, key]).expect("documents");
        documents.insert(list_url.clone(), list);
        let lookup = |url: &str| documents.get(url).cloned();
        let report = verify::verify(
            award.credential.as_bytes(),
            &verify::Context {
                now: chrono::Utc::now(),
                keys: &resolver,
                documents: &lookup,
                canon: &fast::Auto,
            },
        );
        assert!(report.verified(), "{:#?}", report.checks);

        // The VC-JWT form verifies with the published key set.
        let token = app
            .app
            .award_vc_jwt(issued.award, Some(&issued.earner))
            .await
            .expect("a VC-JWT");
        cairn_app::credentials::jwt::verify_vc_jwt(&token, &jwks, chrono::Utc::now())
            .expect("the JWT verifies with the issuer's key set");

        // The Open Badges 2.0 hosted assertion links the badge class and
        // the issuer, each served here.
        let assertion = json(
            &app,
            &format!("{}/ob2/assertions/{}", app.address, issued.award),
        )
        .await;
        assert_eq!(assertion["verification"]["type"], "hosted");
        let badge = json(&app, assertion["badge"].as_str().expect("badge")).await;
        assert_eq!(badge["type"], "BadgeClass");
        let issuer = json(&app, badge["issuer"].as_str().expect("issuer")).await;
        assert_eq!(issuer["type"], "Issuer");

        // Unknown or malformed ids are not found.
        for path in [
            format!("/issuers/{}", uuid::Uuid::new_v4()),
            "/issuers/not-an-id".to_owned(),
            format!("/status/{}", uuid::Uuid::new_v4()),
            format!("/ob2/assertions/{}", uuid::Uuid::new_v4()),
        ] {
            let r = fetch(&app, &format!("{}{path}", app.address), "application/json").await;
            assert_eq!(r.status(), 404, "{path}");
        }
        app
    })
    .await;
}

//! The documents a verifier fetches, served by the running server: the
//! issuer Profile with its keys, the key documents, the JSON Web Key Set,
//! the status list, and the Open Badges 2.0 hosted assertion, badge class
//! and issuer. An award verifies with exactly what the server publishes,
//! also where issuers are named by did:web and their keys are read from
//! the DID document.

use crate::{on_each_backend, on_each_backend_with};
use cairn_app::credentials::{fast, keys, verify};
use cairn_app::store::Repos;
use cairn_app::verifier::VerifyInput;
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
            // No DID document where issuers are not named by did:web.
            format!("{}/did.json", issuer_url.trim_start_matches(&app.address)),
        ] {
            let r = fetch(&app, &format!("{}{path}", app.address), "application/json").await;
            assert_eq!(r.status(), 404, "{path}");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn under_did_web_an_award_names_its_issuer_by_did_and_verifies_with_the_did_document() {
    on_each_backend_with(
        |b| b.did_web("https://badges.example.org"),
        |app| async move {
            let issued = demo_award(&app.app).await;
            let award = app
                .app
                .store()
                .awards()
                .get(issued.award)
                .await
                .expect("award")
                .expect("stored");
            let org = award.organization_id;
            let did = format!("did:web:badges.example.org:issuers:{org}");
            let credential: Value = serde_json::from_str(&award.credential).expect("JSON");
            assert_eq!(credential["issuer"]["id"], did.as_str());
            let method = credential["proof"][0]["verificationMethod"]
                .as_str()
                .expect("a key")
                .to_owned();
            assert!(method.starts_with(&format!("{did}#")), "{method}");

            // The DID document, where did:web resolution looks for it.
            let response = fetch(
                &app,
                &format!("{}/issuers/{org}/did.json", app.address),
                "application/did+ld+json, application/json",
            )
            .await;
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.headers()["content-type"],
                "application/did+ld+json"
            );
            assert_eq!(response.headers()["access-control-allow-origin"], "*");
            let document: Value = response.json().await.expect("JSON");
            assert_eq!(
                keys::did_web_to_url(&did).expect("a did:web"),
                format!("https://badges.example.org/issuers/{org}/did.json")
            );
            assert_eq!(document["id"], did.as_str());
            assert_eq!(
                document["@context"][0], "https://www.w3.org/ns/did/v1",
                "{document}"
            );
            assert!(
                document["assertionMethod"]
                    .as_array()
                    .is_some_and(|m| m.iter().any(|k| k == method.as_str())),
                "{document}"
            );
            let key = document["verificationMethod"]
                .as_array()
                .and_then(|m| m.iter().find(|k| k["id"] == method.as_str()))
                .expect("the signing key is a verification method");
            assert_eq!(key["controller"], did.as_str());
            assert!(
                key["publicKeyMultibase"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("z6Mk")),
                "{key}"
            );

            // The status list names the same issuer and is signed the same way.
            let list_url = credential["credentialStatus"]["statusListCredential"]
                .as_str()
                .expect("a status list")
                .to_owned();
            let list_path = list_url
                .strip_prefix("https://badges.example.org")
                .expect("on the public address");
            let list = json(&app, &format!("{}{list_path}", app.address)).await;
            assert_eq!(list["issuer"], did.as_str());
            assert_eq!(list["proof"][0]["verificationMethod"], method.as_str());

            // A verifier with the DID document and the list: every check passes.
            let resolver =
                keys::DocumentResolver::from_documents([document]).expect("the DID document");
            let documents = BTreeMap::from([(list_url.clone(), list)]);
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

            // So do the server's own check and its public verifier, which
            // resolves the did:web to this server's document.
            let own = app.app.verify_award(issued.award).await.expect("verify");
            assert!(own.verified(), "{:#?}", own.checks);
            let public = app
                .app
                .verify_credential(VerifyInput::Bytes(award.credential.clone().into_bytes()))
                .await
                .expect("the public verifier");
            assert!(public.verified(), "{:#?}", public.checks);

            // Revoked: the status list says so through the same documents.
            app.app
                .revoke_award(
                    &issued.admin,
                    issued.award,
                    "Issued by mistake.",
                    &Default::default(),
                )
                .await
                .expect("revoke");
            let after = app
                .app
                .verify_credential(VerifyInput::Bytes(award.credential.into_bytes()))
                .await
                .expect("the public verifier");
            assert!(!after.verified(), "a revoked badge does not verify");
            app
        },
    )
    .await;
}

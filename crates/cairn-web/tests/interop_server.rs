//! Awards issued through the running server, in verifiers other people
//! wrote (see `interop/README.md`), with every issuer document fetched over
//! HTTP from the server on 127.0.0.1:
//!
//! - Digital Bazaar's `@digitalbazaar/vc` and the DCC's `verifier-core`
//!   verify the signed credential with the issuer Profile, key document and
//!   status list the server publishes, and read it as revoked once an
//!   administrator revokes the award (the status list fetched again).
//! - openbadgeslib verifies the baked PNG (Data Integrity) and the VC-JWT.
//!   It resolves keys only for `did:key` and `did:web` issuers, so it is
//!   given the public keys as PEM, derived from what the server publishes:
//!   the Ed25519 key from the Multikey document at the proof's
//!   `verificationMethod`, the ES256 key from the JSON Web Key Set entry
//!   the JWT's `kid` names. It reads the status bit from the fetched list;
//!   after revocation it refuses both.
//! - 1EdTech's Open Badges 2.0 validator is given the hosted assertion's
//!   URL only, and fetches the assertion, badge class, issuer and image
//!   from the server itself.
//!
//! Runs on each database backend. The tools are installed by the shared
//! harness (`cairn_test_support::interop`) into `$CAIRN_INTEROP_CACHE`;
//! without Node.js or Python the checks are skipped with a note, and
//! `CAIRN_REQUIRE_INTEROP=1` (as in CI) makes that an error.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cairn_app::RequestMeta;
use cairn_app::credentials::{contexts, jwt, keys};
use cairn_app::store::Repos;
use cairn_test_support::earning::demo_award;
use cairn_test_support::interop::{
    Findings, NodeTools, OB3_SCHEMA_URL, PythonTools, Scratch, available, context_files, lines,
    node_tools, note, ob2_tasks, ob2_tools, ob3_schema, ob3_tools, result_named, run_node,
    run_python,
};
use cairn_test_support::{TestApp, each_database};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The tools that could be installed (a missing one has been reported).
#[derive(Clone, Copy)]
struct Tools {
    node: Option<&'static NodeTools>,
    ob3: Option<&'static PythonTools>,
    ob2: Option<&'static PythonTools>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awards_issued_by_the_server_pass_the_independent_verifiers() {
    // Installing may take minutes the first time, and every tool runs as a
    // blocking child process: the server keeps answering on the other
    // worker thread meanwhile (the OB 2.0 validator fetches from it).
    let tools = tokio::task::block_in_place(|| Tools {
        node: available(node_tools(), "Digital Bazaar and DCC verification"),
        ob3: available(ob3_tools(), "openbadgeslib verification"),
        ob2: available(ob2_tools(), "1EdTech Open Badges 2.0 validator"),
    });
    if tools.node.is_none() && tools.ob3.is_none() && tools.ob2.is_none() {
        return;
    }
    each_database(|backend, url| async move {
        let app = TestApp::builder().database_url(&url).start().await;
        note(&format!("server-issued award on {backend}"));
        check_an_award(&app, tools).await;
        app.finish().await;
    })
    .await;
}

/// Whether the award has been revoked yet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Standing {
    Issued,
    Revoked,
}

impl Standing {
    fn label(self) -> &'static str {
        match self {
            Self::Issued => "as issued",
            Self::Revoked => "after revocation",
        }
    }

    /// For file names.
    fn slug(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Revoked => "revoked",
        }
    }
}

/// One award as the server published it, everything fetched over HTTP
/// except the signed credential (read from the store, the same text the
/// images carry) and the VC-JWT (made by `App::award_vc_jwt`).
struct Published {
    credential: Value,
    status_index: u64,
    list_url: String,
    /// Issuer Profile, key document and status list by URL, as fetched,
    /// with the OB 3.0 JSON Schema (not Cairn's to serve).
    documents: BTreeMap<String, Value>,
    png: Vec<u8>,
    jwt: String,
    /// The Ed25519 key of the proof, as SPKI PEM.
    ed25519_pem: String,
    /// The ES256 key of the VC-JWT, as SPKI PEM.
    es256_pem: String,
    assertion_url: String,
    recipient_email: String,
}

async fn check_an_award(app: &TestApp, tools: Tools) {
    let mut findings = Findings::new("server-issued award → independent verifiers");
    let scratch = Scratch::new("server");
    let issued = demo_award(&app.app).await;
    let mut published = publish(app, &issued).await;
    check(&mut findings, &scratch, tools, &published, Standing::Issued);

    app.app
        .revoke_award(
            &issued.admin,
            issued.award,
            "Awarded in error",
            &RequestMeta::default(),
        )
        .await
        .expect("Dana revokes the award");
    let before = published.documents[&published.list_url].clone();
    let after = get_json(app, &published.list_url).await;
    assert_ne!(
        before["credentialSubject"]["encodedList"], after["credentialSubject"]["encodedList"],
        "the status list served after the revocation has the award's bit set"
    );
    published
        .documents
        .insert(published.list_url.clone(), after);
    let assertion = get_json(app, &published.assertion_url).await;
    assert_eq!(assertion["revoked"], true, "{assertion}");
    assert_eq!(assertion["revocationReason"], "Awarded in error");
    check(
        &mut findings,
        &scratch,
        tools,
        &published,
        Standing::Revoked,
    );
    findings.finish();
}

fn check(
    findings: &mut Findings,
    scratch: &Scratch,
    tools: Tools,
    published: &Published,
    standing: Standing,
) {
    if let Some(node) = tools.node {
        check_node(findings, scratch, node, published, standing);
    }
    if let Some(ob3) = tools.ob3 {
        check_openbadgeslib(findings, scratch, ob3, published, standing);
    }
    if let Some(ob2) = tools.ob2 {
        check_ob2_validator(findings, ob2, published, standing);
    }
}

// ---------------------------------------------------------------------------
// What the server publishes

async fn get(app: &TestApp, url: &str, accept: &str) -> reqwest::Response {
    assert!(
        url.starts_with(&app.address),
        "{url} is not on the test server ({})",
        app.address
    );
    app.client()
        .http()
        .get(url)
        .header("Accept", accept)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

async fn get_json(app: &TestApp, url: &str) -> Value {
    let response = get(app, url, "application/ld+json, application/json").await;
    assert_eq!(response.status(), 200, "GET {url}");
    response
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"))
}

async fn publish(app: &TestApp, issued: &cairn_test_support::earning::DemoAward) -> Published {
    let award = app
        .app
        .store()
        .awards()
        .get(issued.award)
        .await
        .expect("the award")
        .expect("stored");
    let credential: Value = serde_json::from_str(&award.credential).expect("JSON");
    let text = |value: &Value, what: &str| {
        value
            .as_str()
            .unwrap_or_else(|| panic!("the credential has no {what}: {credential:#}"))
            .to_owned()
    };
    let issuer_url = text(&credential["issuer"]["id"], "issuer id");
    let key_url = text(&credential["proof"][0]["verificationMethod"], "proof key");
    let status = &credential["credentialStatus"];
    let list_url = text(&status["statusListCredential"], "status list");
    let status_index = text(&status["statusListIndex"], "status index")
        .parse()
        .expect("a status index");

    let mut documents = BTreeMap::new();
    for url in [&issuer_url, &key_url, &list_url] {
        documents.insert(url.clone(), get_json(app, url).await);
    }
    documents.insert(OB3_SCHEMA_URL.to_owned(), ob3_schema());

    let multibase = documents[&key_url]["publicKeyMultibase"]
        .as_str()
        .expect("the key document's publicKeyMultibase");
    let ed25519 = keys::decode_public_key_multibase(multibase).expect("an Ed25519 Multikey");
    let ed25519_pem = spki_pem(&ED25519_SPKI, &ed25519.to_bytes());

    let png = baked_png(app, issued.award, award.png_key.as_deref()).await;

    let token = app
        .app
        .award_vc_jwt(issued.award, Some(&issued.earner))
        .await
        .expect("the VC-JWT");
    let header = jwt::decode_vc_jwt(&token).expect("a VC-JWT").header;
    assert_eq!(header.alg, "ES256");
    let kid = header.kid.expect("the JWT names its key");
    let jwks = get_json(app, &format!("{issuer_url}/jwks.json")).await;
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == kid.as_str()))
        .unwrap_or_else(|| panic!("the JSON Web Key Set has no key {kid}: {jwks:#}"));
    let es256_pem = p256_pem(jwk);

    Published {
        status_index,
        list_url,
        documents,
        png,
        jwt: token,
        ed25519_pem,
        es256_pem,
        assertion_url: format!("{}/ob2/assertions/{}", app.address, issued.award),
        recipient_email: award.recipient_email,
        credential,
    }
}

/// The baked PNG as an earner downloads it, or from storage when the
/// server has no download route.
async fn baked_png(app: &TestApp, award: cairn_app::domain::AwardId, key: Option<&str>) -> Vec<u8> {
    let url = format!("{}/badges/{award}/badge.png", app.address);
    let response = get(app, &url, "image/png").await;
    if response.status() == 200 {
        let bytes = response.bytes().await.expect("the PNG").to_vec();
        note(&format!("baked PNG downloaded from {url}"));
        return bytes;
    }
    note(&format!(
        "{url} answers {}; the baked PNG is read from storage",
        response.status()
    ));
    app.app
        .blobs()
        .get(key.expect("the award has a baked PNG"))
        .await
        .expect("the baked PNG")
}

/// `SubjectPublicKeyInfo` up to the key bits, for Ed25519 (RFC 8410).
const ED25519_SPKI: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// `SubjectPublicKeyInfo` up to the key bits, for a P-256 key (RFC 5480).
const P256_SPKI: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

fn spki_pem(prefix: &[u8], key: &[u8]) -> String {
    let encoded = STANDARD.encode([prefix, key].concat());
    let body: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        body.join("\n")
    )
}

/// An EC P-256 JWK's public key as PEM (the uncompressed point `04‖x‖y`).
fn p256_pem(jwk: &Value) -> String {
    assert_eq!(jwk["kty"], "EC", "{jwk}");
    assert_eq!(jwk["crv"], "P-256", "{jwk}");
    let coordinate = |name: &str| {
        let bytes = URL_SAFE_NO_PAD
            .decode(jwk[name].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("the JWK's {name} is not base64url: {e}"));
        assert_eq!(bytes.len(), 32, "the JWK's {name} has 32 bytes");
        bytes
    };
    let point = [vec![0x04], coordinate("x"), coordinate("y")].concat();
    spki_pem(&P256_SPKI, &point)
}

// ---------------------------------------------------------------------------
// Digital Bazaar and the DCC

fn check_node(
    findings: &mut Findings,
    scratch: &Scratch,
    node: &NodeTools,
    published: &Published,
    standing: Standing,
) {
    let name = format!("server-issued credential, {}", standing.label());
    let file = scratch.json(
        &format!("credential-{}.json", standing.slug()),
        &published.credential,
    );
    let job = json!({
        "command": "verify",
        "contexts": context_files(),
        "documents": published.documents,
        "items": [{"name": name, "file": file}],
    });
    let output = tokio::task::block_in_place(|| run_node(node, &job));
    let result = result_named(&output, &name);
    let db = &result["digitalBazaar"];
    let dcc = &result["dcc"];
    let revoked = standing == Standing::Revoked;
    let expected = if revoked { "revoked" } else { "not revoked" };
    findings.check(
        db["verified"] == true,
        || format!("Digital Bazaar vc.verifyCredential verifies the {name}"),
        || {
            format!(
                "Digital Bazaar vc.verifyCredential refused the {name}: {}",
                lines(&db["errors"])
            )
        },
    );
    findings.check(
        db["statusChecked"] == true && db["revoked"] == revoked,
        || format!("Digital Bazaar reads the server's signed status list: the {name} is {expected}"),
        || {
            format!(
                "Digital Bazaar's status check of the {name}: revoked = {}, list checked = {} (expected {expected}): {}",
                db["revoked"],
                db["statusChecked"],
                lines(&db["errors"])
            )
        },
    );
    findings.check(
        dcc["fatal"] == false && dcc["signature"] == true && dcc["expiration"] == true,
        || format!("DCC verifier-core: valid signature, not expired, for the {name}"),
        || {
            format!(
                "DCC verifier-core refused the {name} (signature {}, expiration {}): {}",
                dcc["signature"],
                dcc["expiration"],
                lines(&dcc["errors"])
            )
        },
    );
    findings.check(
        dcc["revocation"] == expected,
        || format!("DCC verifier-core reports the {name} as {expected}"),
        || {
            format!(
                "DCC verifier-core reports the {name} as {} (expected {expected}): {}",
                dcc["revocation"],
                lines(&dcc["errors"])
            )
        },
    );
    match &dcc["schema"] {
        Value::Array(schemas) => {
            for schema in schemas {
                findings.check(
                    schema["valid"] == true,
                    || format!("DCC's JSON Schema check passes for the {name}"),
                    || {
                        format!(
                            "DCC's JSON Schema check ({}) fails for the {name}: {}",
                            schema["schema"],
                            lines(&schema["errors"])
                        )
                    },
                );
            }
        }
        other => note(&format!("DCC's JSON Schema check for the {name}: {other}")),
    }
    if let Some(differing) = output["contextsDiffering"]
        .as_array()
        .filter(|d| !d.is_empty())
    {
        note(&format!(
            "contexts whose bundled copy differs from the verifier's own: {}",
            lines(&Value::Array(differing.clone()))
        ));
    }
    let fetched: Vec<(&str, bool)> = output["fetched"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|f| Some((f["url"].as_str()?, f["answered"] == true)))
                .collect()
        })
        .unwrap_or_default();
    let unanswered: Vec<&str> = fetched
        .iter()
        .filter(|(_, answered)| !answered)
        .map(|(url, _)| *url)
        .collect();
    findings.check(
        unanswered.is_empty(),
        || {
            let mut urls: Vec<&str> = fetched.iter().map(|(url, _)| *url).collect();
            urls.sort_unstable();
            urls.dedup();
            format!(
                "the DCC verifier found everything it fetched among the documents the server published: {}",
                urls.join(", ")
            )
        },
        || {
            format!(
                "the Node verifiers asked for documents the server did not publish: {}",
                unanswered.join(", ")
            )
        },
    );
}

// ---------------------------------------------------------------------------
// openbadgeslib

fn check_openbadgeslib(
    findings: &mut Findings,
    scratch: &Scratch,
    tools: &PythonTools,
    published: &Published,
    standing: Standing,
) {
    let state = standing.label();
    let png = scratch.write(&format!("badge-{}.png", standing.slug()), &published.png);
    let jwt = scratch.write(
        &format!("credential-{}.jwt", standing.slug()),
        &published.jwt,
    );
    // (item, whether the status list is read)
    let cases = [
        (
            json!({"name": format!("baked PNG (Data Integrity), Ed25519 key as PEM from the key document, status read, {state}"),
                   "kind": "baked", "file": png, "check_status": true,
                   "public_key_pem": published.ed25519_pem}),
            true,
        ),
        (
            json!({"name": format!("baked PNG (Data Integrity), Ed25519 key as PEM from the key document, {state}"),
                   "kind": "baked", "file": png,
                   "public_key_pem": published.ed25519_pem}),
            false,
        ),
        (
            json!({"name": format!("VC-JWT ES256, key as PEM from the JSON Web Key Set, status read, {state}"),
                   "kind": "jwt", "file": jwt, "check_status": true,
                   "public_key_pem": published.es256_pem}),
            true,
        ),
        (
            json!({"name": format!("VC-JWT ES256, key as PEM from the JSON Web Key Set, {state}"),
                   "kind": "jwt", "file": jwt,
                   "public_key_pem": published.es256_pem}),
            false,
        ),
    ];
    let items: Vec<Value> = cases.iter().map(|(item, _)| item.clone()).collect();
    let job = json!({"command": "verify", "documents": published.documents, "items": items});
    let output = tokio::task::block_in_place(|| run_python(tools, "ob3_check.py", &job));
    for (item, reads_status) in &cases {
        let name = item["name"].as_str().unwrap_or_default();
        let result = result_named(&output, name);
        let error = lines(&result["error"]);
        if *reads_status && standing == Standing::Revoked {
            // Refused for the status bit: the same input verifies without it.
            findings.check(
                result["valid"] != true
                    && error.contains("revocation")
                    && error.contains(&published.list_url)
                    && error.contains(&published.status_index.to_string()),
                || format!("openbadgeslib refuses, as it should: {name} ({error})"),
                || format!("openbadgeslib did not refuse {name} for its revocation: valid = {}, {error}", result["valid"]),
            );
        } else {
            findings.check(
                result["valid"] == true,
                || format!("openbadgeslib verifies: {name}"),
                || format!("openbadgeslib refused {name}: {error}"),
            );
        }
    }
    let outside: Vec<&str> = output["fetched"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(Value::as_str)
                .filter(|url| !published.documents.contains_key(*url))
                .collect()
        })
        .unwrap_or_default();
    findings.check(
        outside.is_empty(),
        || "openbadgeslib fetched only documents the server published".into(),
        || format!("openbadgeslib asked for: {}", outside.join(", ")),
    );
}

// ---------------------------------------------------------------------------
// 1EdTech's Open Badges 2.0 validator

fn check_ob2_validator(
    findings: &mut Findings,
    tools: &PythonTools,
    published: &Published,
    standing: Standing,
) {
    let name = format!("hosted assertion at its URL, {}", standing.label());
    let contexts: BTreeMap<&str, String> = context_files()
        .into_iter()
        .filter(|(url, _)| url == contexts::OB_V2)
        .map(|(_, file)| (contexts::OB_V2, file))
        .collect();
    assert_eq!(contexts.len(), 1, "the OB 2.0 context is bundled");
    let job = json!({
        "command": "validate",
        "contexts": contexts,
        "items": [{"name": name, "input": published.assertion_url,
                   "email": published.recipient_email}],
    });
    let output = tokio::task::block_in_place(|| run_python(tools, "ob2_check.py", &job));
    let result = result_named(&output, &name);
    let messages = |level: &str| -> Vec<String> {
        result["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter(|m| m["level"] == level)
                    .map(|m| {
                        format!(
                            "{}: {}",
                            m["name"].as_str().unwrap_or("?"),
                            m["result"].as_str().unwrap_or("?")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let errors = messages("ERROR");
    let problem = if errors.is_empty() {
        lines(&result["error"])
    } else {
        errors.join(" | ")
    };
    let valid = result["valid"] == true;
    match standing {
        Standing::Issued => findings.check(
            valid,
            || format!("1EdTech's validator accepts the {name}"),
            || {
                format!(
                    "1EdTech's validator refused the {name}: {problem}\n    its tasks: {}",
                    ob2_tasks(result)
                )
            },
        ),
        // openbadges 1.1.2 does not look at `revoked: true` on a hosted
        // assertion: saying "valid" is its known limit, recorded; refusing
        // it must be for the revocation; anything else is a failure.
        Standing::Revoked if valid => note(&format!(
            "1EdTech's validator does not check `revoked: true` on a hosted assertion: on the {name} it says valid"
        )),
        Standing::Revoked => findings.check(
            problem.to_lowercase().contains("revoked"),
            || format!("1EdTech's validator refuses the {name} as revoked: {problem}"),
            || {
                format!(
                    "1EdTech's validator refused the {name}, not for its revocation: {problem}\n    its tasks: {}",
                    ob2_tasks(result)
                )
            },
        ),
    }
    let warnings = messages("WARNING");
    if !warnings.is_empty() {
        note(&format!(
            "1EdTech's validator warns about the {name}: {}",
            warnings.join(" | ")
        ));
    }
    let base = published
        .assertion_url
        .split("/ob2/")
        .next()
        .unwrap_or_default()
        .to_owned();
    let fetched: Vec<&str> = output["fetched"]
        .as_array()
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let outside: Vec<&str> = fetched
        .iter()
        .copied()
        .filter(|url| !url.starts_with(&base) && *url != contexts::OB_V2)
        .collect();
    findings.check(
        outside.is_empty(),
        || {
            format!(
                "1EdTech's validator fetched from the test server only (and the bundled context): {}",
                fetched.join(", ")
            )
        },
        || {
            format!(
                "1EdTech's validator tried to fetch outside the test server (refused): {}",
                outside.join(", ")
            )
        },
    );
}

//! Cairn against independent implementations, in both directions.
//!
//! - Credentials Cairn signs verify in Digital Bazaar's `@digitalbazaar/vc`,
//!   in the Digital Credentials Consortium's `@digitalcredentials/
//!   verifier-core` (revocation included) and in openbadgeslib (Data
//!   Integrity, VC-JWT, baked images).
//! - Open Badges 2.0 assertions Cairn makes pass 1EdTech's validator
//!   (`openbadges` 1.1.2), and the images Cairn bakes unbake with
//!   `openbadges-bakery`.
//! - Credentials Digital Bazaar and openbadgeslib sign verify in Cairn, and
//!   altered copies fail in Cairn and in the library that signed them.
//! - Cairn's canonical N-Quads, by the general and by the fast path, equal
//!   jsonld.js's on a corpus of generated credentials.
//!
//! The tools are installed once into a cache folder outside the repository
//! (`$CAIRN_INTEROP_CACHE`, else `~/.cache/cairn-interop`), in folders named
//! by a hash of `interop/node/package*.json` and
//! `interop/python/requirements-*.txt`, and driven by the scripts in
//! `interop/` with jobs these tests write. Only the package registries are
//! reached: documents are served from memory or from 127.0.0.1, and JSON-LD
//! contexts are Cairn's bundled copies.
//!
//! Without Node.js or Python the checks that need them are skipped, with a
//! note on stderr; with `CAIRN_REQUIRE_INTEROP=1` (as in CI) they fail.

use base64::Engine as _;
use cairn_credentials::bake::{self, BadgeVersion, Payload};
use cairn_credentials::contexts;
use cairn_credentials::fast;
use cairn_credentials::jsonld::{self, GeneralPath};
use cairn_credentials::jwt::{self, JwtKey};
use cairn_credentials::keys::{
    self, ChainResolver, DidKeyResolver, DocumentResolver, KeyResolver, SigningKey,
};
use cairn_credentials::ob2;
use cairn_credentials::ob3::{
    Achievement, AchievementSubject, Alignment, CredentialStatus, Evidence, Image,
    OpenBadgeCredential, Profile, ResultAchieved, ResultDescription, RubricCriterionLevel,
};
use cairn_credentials::proof::{self, ProofOptions};
use cairn_credentials::status::{self, StatusList};
use cairn_credentials::verify::{self, Context, Outcome, Report};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

/// The benchmark's credential, so that the Node benchmark signs exactly
/// what criterion measures (see `bench_credential_for_node`).
#[path = "../benches/credentials.rs"]
mod bench;

/// Only `bench::realistic_credential` is used here; naming the benchmark's
/// entry point keeps the rest of that module from counting as dead code.
const _: fn() = bench::benches;

// ---------------------------------------------------------------------------
// The harness: tools in the cache, jobs, skip or fail (shared with
// cairn-web's `interop_server` test; included by path because this crate
// cannot depend on cairn-test-support)

#[path = "../../cairn-test-support/src/interop.rs"]
mod harness;

use harness::{
    Findings, OB3_SCHEMA_URL, Scratch, available, context_files, lines, node_tools, note,
    ob2_tasks, ob2_tools, ob3_schema, ob3_tools, place_script, repo, result_named, run_node,
    run_python,
};

// ---------------------------------------------------------------------------
// Open Badges 3.0 issuers and credentials

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("the time")
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const REVOKED_INDEX: u64 = 4242;
const VALID_INDEX: u64 = 4243;
const EMAIL: &str = "ana.lópez@example.org";
const SALT: &str = "c4a1n-s4lt";
const ISSUER_URL: &str = "https://issuer.cairn.example/issuers/college";

/// An Open Badges 3.0 issuer: its key, its profile and what it publishes.
struct Ob3Issuer {
    label: &'static str,
    key: SigningKey,
    profile: Profile,
    method: String,
    /// The issuer Profile (with `assertionMethod`) and key documents, by URL.
    published: BTreeMap<String, Value>,
    list_url: String,
}

impl Ob3Issuer {
    /// An issuer whose id is a `did:key`.
    fn did_key(seed: u8) -> Self {
        let key = SigningKey::from_seed(&[seed; 32]);
        let did = key.did_key();
        let mut profile = Profile::new(did, "Collège Cairn — Faculté des Sciences (did:key)");
        profile.url = Some("https://college.cairn.example/".into());
        let method = keys::did_key_verification_method(&key.verifying_key());
        Self {
            label: "did:key issuer",
            key,
            profile,
            method,
            published: BTreeMap::new(),
            list_url: "https://issuer.cairn.example/status/did-key".into(),
        }
    }

    /// An issuer whose id is an HTTPS URL, with a Profile listing its key in
    /// `assertionMethod` and a Multikey document at the key's own URL.
    fn https(seed: u8) -> Self {
        let key = SigningKey::from_seed(&[seed; 32]);
        let key_url = format!("{ISSUER_URL}/keys/1");
        let mut profile = Profile::new(ISSUER_URL, "Collège Cairn — École d'ingénierie");
        profile.url = Some("https://college.cairn.example/".into());
        profile.email = Some("badges@college.cairn.example".into());
        profile.description = Some("Émet des micro-certifications · 发放微证书".into());
        profile.image = Some(Image::new(
            "https://college.cairn.example/logo.png",
            Some("Logo".into()),
        ));
        let mut published_profile = serde_json::to_value(&profile).expect("a profile");
        keys::set_profile_keys(&mut published_profile, &[&key_url]).expect("profile keys");
        let key_document =
            keys::multikey_document(&key_url, ISSUER_URL, &key.public_key_multibase(), None);
        let mut published = BTreeMap::new();
        published.insert(ISSUER_URL.to_owned(), published_profile);
        published.insert(key_url.clone(), key_document);
        Self {
            label: "HTTPS issuer",
            key,
            profile,
            method: key_url,
            published,
            list_url: "https://issuer.cairn.example/status/1".into(),
        }
    }

    fn sign(&self, doc: &Value) -> Value {
        proof::sign(
            doc,
            &self.key,
            &ProofOptions::assertion(&self.method, now() - Duration::days(1)),
            &fast::Auto,
        )
        .expect("Cairn signs")
    }

    /// The signed `BitstringStatusListCredential` with `REVOKED_INDEX` set.
    fn status_list(&self) -> Value {
        let mut list = StatusList::new(status::MIN_BITS).expect("a list");
        list.set(REVOKED_INDEX as usize, true).expect("in range");
        self.sign(&status::list_credential_unsigned(
            &self.list_url,
            &self.profile.id,
            now() - Duration::days(1),
            &list,
        ))
    }

    /// Resolves this issuer's key the way Cairn's verifier would.
    fn resolver(&self) -> ChainResolver {
        let documents = DocumentResolver::from_documents(self.published.values().cloned())
            .expect("the published documents");
        ChainResolver::new().with(DidKeyResolver).with(documents)
    }

    fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }
}

/// A realistic award: a rubric of three criteria with results, evidence,
/// a hashed email, decimal credits, Unicode text, expiry and a status entry.
fn award(issuer: &Ob3Issuer, slug: &str, status_index: Option<u64>) -> Value {
    let base = "https://college.cairn.example";
    let mut achievement = Achievement::new(
        format!("{base}/achievements/rédaction-scientifique"),
        "Rédaction scientifique — 科学写作 ✍️",
        "Écrit un article de recherche clair: problème, méthode, résultats, « limites ».",
        "Soumettre un article; deux évaluateurs le notent selon la grille (rubric).",
    );
    achievement.achievement_type = Some("MicroCredential".into());
    achievement.credits_available = Some(2.5);
    achievement.tag = vec!["écriture".into(), "研究".into(), "STEM".into()];
    achievement.human_code = Some("SCI-WR-101".into());
    achievement.version = Some("2.1".into());
    achievement.in_language = Some("fr-CA".into());
    achievement.image = Some(Image::new(
        format!("{base}/achievements/sci-wr/image.png"),
        Some("Insigne « Rédaction »".into()),
    ));
    let mut alignment = Alignment::new(
        "Communicating scientific results",
        "https://standards.cairn.example/sci/comm-3",
    );
    alignment.target_code = Some("COMM.3".into());
    alignment.target_framework = Some("Cadre des compétences".into());
    alignment.target_type = Some("CFItem".into());
    achievement.alignment = vec![alignment];
    achievement.result_description = ["Structure", "Méthode", "Clarté"]
        .iter()
        .enumerate()
        .map(|(i, criterion)| {
            let levels = ["Débutant", "En progrès", "Compétent", "Exemplaire"]
                .iter()
                .enumerate()
                .map(|(j, level)| {
                    let mut l =
                        RubricCriterionLevel::new(format!("{base}/rubrics/9/c{i}/l{j}"), *level);
                    l.description = Some(format!("Niveau {j} — {level}"));
                    l.level = Some(j.to_string());
                    l.points = Some((j * 5).to_string());
                    l
                })
                .collect();
            let mut rd = ResultDescription::rubric_criterion(
                format!("{base}/rubrics/9/c{i}"),
                *criterion,
                levels,
            );
            rd.required_level = Some(format!("{base}/rubrics/9/c{i}/l2"));
            rd
        })
        .collect();
    let mut subject = AchievementSubject::hashed_email(EMAIL, SALT, achievement);
    subject.result = (0..3)
        .map(|i| {
            ResultAchieved::new(
                format!("{base}/rubrics/9/c{i}"),
                format!("{base}/rubrics/9/c{i}/l{}", 2 + i % 2),
            )
        })
        .collect();
    subject.credits_earned = Some(1.5);
    subject.activity_start_date = Some(stamp(now() - Duration::days(60)));
    subject.activity_end_date = Some(stamp(now() - Duration::days(3)));
    let evidence = (1..=2)
        .map(|i| {
            let mut e = Evidence::named(format!("Preuve nº {i} — article révisé"));
            e.id = Some(format!("{base}/awards/{slug}/evidence/{i}"));
            e.description = Some("Version finale, avec commentaires des pairs.".into());
            e.narrative = Some("L'article a été *révisé* deux fois; voir les notes.".into());
            e.genre = Some("Article".into());
            e.audience = Some("Évaluateurs".into());
            e
        })
        .collect();
    OpenBadgeCredential {
        id: format!("https://issuer.cairn.example/awards/{slug}"),
        issuer: issuer.profile.clone(),
        valid_from: now() - Duration::days(1),
        valid_until: Some(now() + Duration::days(365)),
        awarded_date: Some(now() - Duration::days(1)),
        name: "Rédaction scientifique — 科学写作 ✍️".into(),
        description: Some("Décerné pour un article « prêt à publier ».".into()),
        image: Some(Image::new(format!("{base}/awards/{slug}/image.png"), None)),
        subject,
        evidence,
        credential_status: status_index
            .map(|index| CredentialStatus::revocation(&issuer.list_url, index)),
        endorsement: Vec::new(),
    }
    .to_json()
}

/// A copy with the achievement's name changed after signing.
fn tampered(signed: &Value) -> Value {
    let mut copy = signed.clone();
    copy["credentialSubject"]["achievement"]["name"] = json!("Rédaction scientifique (avancé)");
    copy
}

/// Everything a verifier may fetch for these issuers: published documents,
/// status lists and the OB 3.0 JSON Schema.
fn ob3_documents(issuers: &[&Ob3Issuer]) -> BTreeMap<String, Value> {
    let mut documents = BTreeMap::new();
    for issuer in issuers {
        documents.extend(issuer.published.clone());
        documents.insert(issuer.list_url.clone(), issuer.status_list());
    }
    documents.insert(OB3_SCHEMA_URL.to_owned(), ob3_schema());
    documents
}

// ---------------------------------------------------------------------------
// 1. Cairn's credentials in Digital Bazaar's and the DCC's verifiers

#[test]
fn cairn_credentials_verify_in_digital_bazaar_and_dcc() {
    let Some(node) = available(node_tools(), "Digital Bazaar and DCC verification") else {
        return;
    };
    let mut findings = Findings::new("Cairn → Digital Bazaar / DCC");
    let scratch = Scratch::new("db-dcc");
    let did = Ob3Issuer::did_key(11);
    let web = Ob3Issuer::https(12);
    let documents = ob3_documents(&[&did, &web]);

    struct Case {
        name: String,
        revoked: Option<bool>,
        tampered: bool,
    }
    let mut items = Vec::new();
    let mut cases = Vec::new();
    for issuer in [&did, &web] {
        for (index, revoked) in [(VALID_INDEX, false), (REVOKED_INDEX, true)] {
            let name = format!(
                "{} credential, {}",
                issuer.label,
                if revoked { "revoked" } else { "not revoked" }
            );
            let slug = format!("{}-{index}", cases.len());
            let signed = issuer.sign(&award(issuer, &slug, Some(index)));
            let file = scratch.json(&format!("{}.json", cases.len()), &signed);
            items.push(json!({"name": name, "file": file}));
            cases.push(Case {
                name,
                revoked: Some(revoked),
                tampered: false,
            });
            if !revoked {
                let name = format!("{} credential, altered after signing", issuer.label);
                let file = scratch.json(&format!("{}.json", cases.len()), &tampered(&signed));
                items.push(json!({"name": name, "file": file}));
                cases.push(Case {
                    name,
                    revoked: None,
                    tampered: true,
                });
            }
        }
        let name = format!("{} credential without status", issuer.label);
        let signed = issuer.sign(&award(issuer, "plain", None));
        let file = scratch.json(&format!("{}.json", cases.len()), &signed);
        items.push(json!({"name": name, "file": file}));
        cases.push(Case {
            name,
            revoked: None,
            tampered: false,
        });
    }
    let output = run_node(
        node,
        &json!({
            "command": "verify",
            "contexts": context_files(),
            "documents": documents,
            "items": items,
        }),
    );
    if let Some(differing) = output["contextsDiffering"]
        .as_array()
        .filter(|d| !d.is_empty())
    {
        note(&format!(
            "contexts whose bundled copy differs from the verifier's own: {}",
            lines(&Value::Array(differing.clone()))
        ));
    }
    for case in &cases {
        let result = result_named(&output, &case.name);
        let db = &result["digitalBazaar"];
        let dcc = &result["dcc"];
        if case.tampered {
            findings.check(
                db["verified"] == false,
                || format!("Digital Bazaar refuses the {}", case.name),
                || format!("Digital Bazaar ACCEPTED the {}", case.name),
            );
            findings.check(
                dcc["signature"] != true,
                || format!("DCC verifier-core refuses the {}", case.name),
                || format!("DCC verifier-core ACCEPTED the {}: {dcc}", case.name),
            );
            continue;
        }
        findings.check(
            db["verified"] == true,
            || {
                format!(
                    "Digital Bazaar vc.verifyCredential verifies the {}",
                    case.name
                )
            },
            || {
                format!(
                    "Digital Bazaar vc.verifyCredential refused the {}: {}",
                    case.name,
                    lines(&db["errors"])
                )
            },
        );
        findings.check(
            dcc["fatal"] == false && dcc["signature"] == true && dcc["expiration"] == true,
            || {
                format!(
                    "DCC verifier-core: valid signature, not expired, for the {}",
                    case.name
                )
            },
            || {
                format!(
                    "DCC verifier-core refused the {} (signature {}, expiration {}): {}",
                    case.name,
                    dcc["signature"],
                    dcc["expiration"],
                    lines(&dcc["errors"])
                )
            },
        );
        if let Some(revoked) = case.revoked {
            findings.check(
                db["revoked"] == revoked && db["statusChecked"] == true,
                || {
                    format!(
                        "Digital Bazaar reads the signed status list: {} is {}",
                        case.name,
                        if revoked { "revoked" } else { "not revoked" }
                    )
                },
                || {
                    format!(
                        "Digital Bazaar's Bitstring status check of the {}: revoked = {}, list checked = {}: {}",
                        case.name,
                        db["revoked"],
                        db["statusChecked"],
                        lines(&db["errors"])
                    )
                },
            );
            let expected = if revoked { "revoked" } else { "not revoked" };
            findings.check(
                dcc["revocation"] == expected,
                || format!("DCC verifier-core reports the {} as {expected}", case.name),
                || {
                    format!(
                        "DCC verifier-core reports the {} as {} (expected {expected}): {}",
                        case.name,
                        dcc["revocation"],
                        lines(&dcc["errors"])
                    )
                },
            );
        }
        match &dcc["schema"] {
            Value::Array(schemas) => {
                for schema in schemas {
                    findings.check(
                        schema["valid"] == true,
                        || format!("DCC's JSON Schema check passes for the {}", case.name),
                        || {
                            format!(
                                "DCC's JSON Schema check ({}) fails for the {}: {}",
                                schema["schema"],
                                case.name,
                                lines(&schema["errors"])
                            )
                        },
                    );
                }
            }
            other => note(&format!(
                "DCC's JSON Schema check for the {}: {other}",
                case.name
            )),
        }
    }
    note(&format!(
        "the DCC verifier fetched (answered from the test's documents): {}",
        output["fetched"]
            .as_array()
            .map(|f| {
                let mut urls: Vec<&str> = f.iter().filter_map(|f| f["url"].as_str()).collect();
                urls.sort_unstable();
                urls.dedup();
                urls.join(", ")
            })
            .unwrap_or_default()
    ));
    let unanswered: Vec<&Value> = output["fetched"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["answered"] == false).collect())
        .unwrap_or_default();
    if !unanswered.is_empty() {
        note(&format!(
            "URLs the Node verifiers asked for and were not served: {}",
            unanswered
                .iter()
                .map(|f| f["url"].as_str().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    findings.finish();
}

// ---------------------------------------------------------------------------
// 1b. Cairn's credentials in openbadgeslib

#[test]
fn cairn_credentials_verify_in_openbadgeslib() {
    let Some(tools) = available(ob3_tools(), "openbadgeslib verification") else {
        return;
    };
    let mut findings = Findings::new("Cairn → openbadgeslib");
    let scratch = Scratch::new("openbadgeslib");
    let did = Ob3Issuer::did_key(21);
    let web = Ob3Issuer::https(22);
    let documents = ob3_documents(&[&did, &web]);
    // What openbadgeslib is given, and whether it should verify it (`None`:
    // recorded only).
    let mut cases: Vec<(Value, Option<bool>)> = Vec::new();
    let mut add = |item: Value, valid: bool| cases.push((item, Some(valid)));

    // Data Integrity.
    let did_signed = did.sign(&award(&did, "ob-lib-1", Some(VALID_INDEX)));
    let did_revoked = did.sign(&award(&did, "ob-lib-2", Some(REVOKED_INDEX)));
    let web_signed = web.sign(&award(&web, "ob-lib-3", Some(VALID_INDEX)));
    let web_revoked = web.sign(&award(&web, "ob-lib-4", Some(REVOKED_INDEX)));
    add(
        json!({"name": "Data Integrity, did:key issuer (key resolved from the DID)",
               "kind": "ldp", "issuer": did.profile.id,
               "file": scratch.json("did.json", &did_signed)}),
        true,
    );
    add(
        json!({"name": "Data Integrity, did:key issuer, status list read (not revoked)",
               "kind": "ldp", "issuer": did.profile.id, "check_status": true,
               "file": scratch.json("did.json", &did_signed)}),
        true,
    );
    add(
        json!({"name": "Data Integrity, did:key issuer, status list read (revoked)",
               "kind": "ldp", "issuer": did.profile.id, "check_status": true,
               "file": scratch.json("did-revoked.json", &did_revoked)}),
        false,
    );
    add(
        json!({"name": "Data Integrity, HTTPS issuer (pinned key)",
               "kind": "ldp", "public_key_hex": web.public_key_hex(),
               "file": scratch.json("web.json", &web_signed)}),
        true,
    );
    add(
        json!({"name": "Data Integrity, HTTPS issuer, status list read (revoked)",
               "kind": "ldp", "public_key_hex": web.public_key_hex(), "check_status": true,
               "file": scratch.json("web-revoked.json", &web_revoked)}),
        false,
    );
    add(
        json!({"name": "Data Integrity, altered after signing",
               "kind": "ldp", "public_key_hex": web.public_key_hex(),
               "file": scratch.json("web-tampered.json", &tampered(&web_signed))}),
        false,
    );

    // Numbers pyld and jsonld.js read differently if Cairn wrote them
    // wrong: an integral float and a small decimal.
    let mut numbers = award(&web, "ob-lib-5", None);
    numbers["credentialSubject"]["achievement"]["creditsAvailable"] = json!(3.0);
    numbers["credentialSubject"]["creditsEarned"] = json!(0.1);
    add(
        json!({"name": "Data Integrity, HTTPS issuer, credits 3.0 and 0.1",
               "kind": "ldp", "public_key_hex": web.public_key_hex(),
               "file": scratch.json("numbers.json", &web.sign(&numbers))}),
        true,
    );

    // What openbadgeslib says where it has a limit (recorded, not required).
    let mut recorded = vec![json!({
        "name": "Data Integrity, did:key issuer, status list's own proof checked too",
        "kind": "ldp", "issuer": did.profile.id, "check_status": true,
        "verify_status_list": true, "file": scratch.json("did-list.json", &did_signed),
    })];

    // VC-JWT, RS256 and ES256, over the same credential without its proof.
    let unsigned = award(&web, "ob-lib-jwt", None);
    let rs256 = JwtKey::generate_rs256()
        .expect("an RSA key")
        .with_kid(format!("{ISSUER_URL}/.well-known/jwks.json#rs-1"));
    let es256 =
        JwtKey::generate_es256().with_kid(format!("{ISSUER_URL}/.well-known/jwks.json#ec-1"));
    for (alg, key) in [("RS256", &rs256), ("ES256", &es256)] {
        let token = jwt::sign_vc_jwt(&unsigned, key).expect("Cairn signs a VC-JWT");
        let pem = key.public_key_pem().expect("a public key");
        add(
            json!({"name": format!("VC-JWT {alg} (public key given as PEM)"),
                   "kind": "jwt", "public_key_pem": pem,
                   "file": scratch.write(&format!("{alg}.jwt"), &token)}),
            true,
        );
        if alg == "RS256" {
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            let mut payload: Value = serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(&parts[1])
                    .expect("base64url"),
            )
            .expect("JSON");
            payload["name"] = json!("Another badge");
            parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(serde_json::to_vec(&payload).expect("JSON"));
            add(
                json!({"name": "VC-JWT RS256, payload altered after signing",
                       "kind": "jwt", "public_key_pem": pem,
                       "file": scratch.write("tampered.jwt", parts.join("."))}),
                false,
            );
            recorded.push(json!({"name": "VC-JWT RS256, HTTPS issuer, no key given",
                                 "kind": "jwt", "issuer": ISSUER_URL,
                                 "file": scratch.write("unpinned.jwt", &token)}));
        }
    }

    // Baked images.
    let png = base64::engine::general_purpose::STANDARD
        .decode(PNG_8X8)
        .expect("the PNG");
    let rs_token = jwt::sign_vc_jwt(&unsigned, &rs256).expect("a VC-JWT");
    let baked = [
        (
            "PNG with a Data Integrity credential",
            "png",
            Payload::Json(web_signed.to_string()),
        ),
        (
            "SVG with a Data Integrity credential",
            "svg",
            Payload::Json(web_signed.to_string()),
        ),
        ("PNG with a VC-JWT", "png", Payload::Jws(rs_token.clone())),
        ("SVG with a VC-JWT", "svg", Payload::Jws(rs_token.clone())),
    ];
    for (i, (what, format, payload)) in baked.iter().enumerate() {
        let file = if *format == "png" {
            scratch.write(
                &format!("baked-{i}.png"),
                bake::bake_png(&png, BadgeVersion::V3, payload).expect("Cairn bakes a PNG"),
            )
        } else {
            scratch.write(
                &format!("baked-{i}.svg"),
                bake::bake_svg(SVG, BadgeVersion::V3, payload).expect("Cairn bakes an SVG"),
            )
        };
        let pem = if matches!(payload, Payload::Jws(_)) {
            json!({"public_key_pem": rs256.public_key_pem().expect("a public key")})
        } else {
            json!({"public_key_hex": web.public_key_hex()})
        };
        let mut item =
            json!({"name": format!("baked {what} (verify_badge)"), "kind": "baked", "file": file});
        if let (Some(item), Some(pem)) = (item.as_object_mut(), pem.as_object()) {
            item.extend(pem.clone());
        }
        add(item, true);
    }

    let mut items: Vec<Value> = cases.iter().map(|(item, _)| item.clone()).collect();
    items.extend(recorded.iter().cloned());
    let output = run_python(
        tools,
        "ob3_check.py",
        &json!({"command": "verify", "documents": documents, "items": items}),
    );
    for (item, valid) in &cases {
        let name = item["name"].as_str().unwrap_or_default();
        let result = result_named(&output, name);
        let verified = result["valid"] == true;
        if *valid == Some(true) {
            findings.check(
                verified,
                || format!("openbadgeslib verifies: {name}"),
                || format!("openbadgeslib refused {name}: {}", lines(&result["error"])),
            );
        } else {
            findings.check(
                !verified,
                || {
                    format!(
                        "openbadgeslib refuses, as it should: {name} ({})",
                        lines(&result["error"])
                    )
                },
                || format!("openbadgeslib ACCEPTED {name}"),
            );
        }
    }
    for item in &recorded {
        let name = item["name"].as_str().unwrap_or_default();
        let result = result_named(&output, name);
        note(&format!(
            "openbadgeslib, {name}: {}",
            if result["valid"] == true {
                "verified".to_owned()
            } else {
                lines(&result["error"])
            }
        ));
    }
    findings.finish();
}

// ---------------------------------------------------------------------------
// 2. Open Badges 2.0 in 1EdTech's validator, and baked images in the bakery

const PNG_8X8: &str = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR42mPQy16GFTEMLQkAC5lPwUxKkcIAAAAASUVORK5CYII=";
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\"><circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"#2e6ba6\"/></svg>";

/// What the local server answers, by path: content type and body.
type Served = Mutex<HashMap<String, (String, Vec<u8>)>>;

/// A tiny HTTP server on 127.0.0.1 answering GETs from a table, for the
/// tools that fetch everything.
struct LocalServer {
    base: String,
    served: Arc<Served>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl LocalServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let base = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("an address").port()
        );
        let served: Arc<Served> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (table, log) = (Arc::clone(&served), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (table, log) = (Arc::clone(&table), Arc::clone(&log));
                std::thread::spawn(move || answer(stream, &table, &log));
            }
        });
        Self {
            base,
            served,
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.served
            .lock()
            .expect("the table")
            .insert(path.to_owned(), (content_type.to_owned(), body.into()));
    }

    fn put_json(&self, path: &str, value: &Value) {
        self.put(path, ob2::OB2_MEDIA_TYPE, value.to_string());
    }
}

fn answer(mut stream: TcpStream, table: &Served, log: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(StdDuration::from_secs(10)));
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    if let Ok(mut log) = log.lock() {
        log.push(path.clone());
    }
    let found = table.lock().ok().and_then(|t| t.get(&path).cloned());
    let (status, content_type, body) = match found {
        Some((content_type, body)) => ("200 OK", content_type, body),
        None => (
            "404 Not Found",
            "text/plain".to_owned(),
            b"not found".to_vec(),
        ),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

const OB2_EMAIL: &str = "ana@example.org";

/// An Open Badges 2.0 issuer on the local server: issuer profile, badge
/// class, RSA key, revocation list and image.
struct Ob2Site {
    server: LocalServer,
    key: JwtKey,
    badge: String,
    issuer: String,
}

impl Ob2Site {
    fn new(revoked: &[&str]) -> Self {
        let server = LocalServer::start();
        let issuer = server.url("/issuer");
        let badge = server.url("/badges/writing");
        let key_url = server.url("/keys/1");
        let revocations = server.url("/revocations");
        let image = server.url("/images/badge.png");
        let key = JwtKey::generate_rs256().expect("an RSA key");
        let mut profile = ob2::Issuer::new(
            &issuer,
            "Collège Cairn — École d'ingénierie",
            server.url("/"),
            "badges@college.cairn.example",
        );
        profile.description = Some("Émet des badges · 发放徽章".into());
        profile.image = Some(image.clone());
        profile.public_key = Some(key_url.clone());
        profile.revocation_list = Some(revocations.clone());
        let mut class = ob2::BadgeClass::new(
            &badge,
            "Rédaction scientifique",
            "Écrit un article de recherche clair.",
            &image,
            "Soumettre un article; deux évaluateurs le notent.",
            &issuer,
        );
        class.alignment = vec![ob2::Alignment::new(
            "Communicating scientific results",
            "https://standards.cairn.example/sci/comm-3",
        )];
        class.tags = vec!["écriture".into(), "STEM".into()];
        let mut list = ob2::RevocationList::new(&revocations, &issuer);
        for id in revoked {
            list.revoke(*id, Some("Awarded in error".into()));
        }
        server.put_json("/issuer", &profile.to_json());
        server.put_json("/badges/writing", &class.to_json());
        server.put_json(
            "/keys/1",
            &ob2::CryptographicKey::for_key(&key_url, &issuer, &key)
                .expect("an RS256 key")
                .to_json(),
        );
        server.put_json("/revocations", &list.to_json());
        server.put(
            "/images/badge.png",
            "image/png",
            base64::engine::general_purpose::STANDARD
                .decode(PNG_8X8)
                .expect("the PNG"),
        );
        Self {
            server,
            key,
            badge,
            issuer,
        }
    }

    fn assertion(&self, id: String, hosted: bool) -> ob2::Assertion {
        let recipient = ob2::hashed_email_recipient(OB2_EMAIL, "s4lt-ob2");
        let issued = now() - Duration::days(1);
        let mut assertion = if hosted {
            ob2::Assertion::hosted(id, &self.badge, &self.issuer, recipient, issued)
        } else {
            ob2::Assertion::signed(
                id,
                &self.badge,
                self.server.url("/keys/1"),
                recipient,
                issued,
            )
        };
        let mut evidence = ob2::Evidence::at("https://college.cairn.example/evidence/7");
        evidence.narrative = Some("Article révisé deux fois — « prêt à publier ».".into());
        evidence.name = Some("Article".into());
        evidence.genre = Some("Article".into());
        assertion.evidence = vec![evidence];
        assertion.narrative = Some("A rédigé un article exemplaire.".into());
        assertion.expires = Some(now() + Duration::days(365));
        assertion.image = Some(self.server.url("/images/badge.png"));
        assertion
    }

    /// A signed assertion (compact JWS).
    fn signed(&self, id: &str) -> String {
        let json = self
            .assertion(id.to_owned(), false)
            .to_json()
            .expect("an assertion");
        ob2::sign_assertion(&json, &self.key).expect("Cairn signs the assertion")
    }

    /// A hosted assertion, served at `path`.
    fn hosted(&self, path: &str, revoked: bool) -> Value {
        let mut assertion = self.assertion(self.server.url(path), true);
        if revoked {
            assertion.revoked = true;
            assertion.revocation_reason = Some("Awarded in error".into());
        }
        let json = assertion.to_json().expect("a hosted assertion");
        self.server.put_json(path, &json);
        json
    }
}

fn bake_both(scratch: &Scratch, name: &str, payload: &Payload) -> (String, String) {
    let png = base64::engine::general_purpose::STANDARD
        .decode(PNG_8X8)
        .expect("the PNG");
    let png = scratch.write(
        &format!("{name}.png"),
        bake::bake_png(&png, BadgeVersion::V2, payload).expect("Cairn bakes a PNG"),
    );
    let svg = scratch.write(
        &format!("{name}.svg"),
        bake::bake_svg(SVG, BadgeVersion::V2, payload).expect("Cairn bakes an SVG"),
    );
    (png, svg)
}

/// What 1EdTech's validator should say about an input.
#[derive(Clone, Copy)]
enum Expect {
    Valid,
    Invalid,
    /// A validator bug makes it fail with this message whatever the input
    /// (reported; anything else is a failure).
    ValidatorBug(&'static str),
    /// The validator does not check this (reported only).
    NotChecked,
}

#[test]
fn open_badges_2_assertions_pass_1edtech_validator() {
    let Some(tools) = available(ob2_tools(), "1EdTech Open Badges 2.0 validator") else {
        return;
    };
    let mut findings = Findings::new("Cairn → 1EdTech openbadges 1.1.2");
    let scratch = Scratch::new("ob2");
    let revoked_id = "urn:uuid:3f1c9a52-0d6e-4bb8-9b7e-5c9f0e1d2a33";
    // Two revoked entries: with a single one, the validator's JSON-LD
    // compaction turns `revokedAssertions` into one object, which its
    // revocation check then iterates as a dict and never matches (a bug in
    // openbadges 1.1.2, crypto.verify_signed_assertion_not_revoked).
    let site = Ob2Site::new(&[revoked_id, "urn:uuid:00000000-0000-4000-8000-000000000001"]);
    let signed = site.signed("urn:uuid:7d0c2f1e-5b3a-4c8d-9e6f-1a2b3c4d5e6f");
    let revoked_signed = site.signed(revoked_id);
    let hosted = site.hosted("/assertions/hosted-1", false);
    let hosted_url = hosted["id"].as_str().expect("an id").to_owned();
    site.hosted("/assertions/hosted-revoked", true);
    let mut parts: Vec<&str> = signed.split('.').collect();
    let altered_payload = {
        let mut payload: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .expect("base64url"),
        )
        .expect("JSON");
        payload["narrative"] = json!("Altered.");
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&payload).expect("JSON"))
    };
    parts[1] = &altered_payload;
    let tampered = parts.join(".");
    let (signed_png, signed_svg) = bake_both(&scratch, "signed", &Payload::Jws(signed.clone()));
    let (hosted_png, hosted_svg) =
        bake_both(&scratch, "hosted", &Payload::Json(hosted.to_string()));

    let cases: Vec<(&str, Value, Expect)> = vec![
        (
            "signed assertion (JWS)",
            json!({"input": signed}),
            Expect::Valid,
        ),
        (
            "hosted assertion (its URL)",
            json!({"input": hosted_url}),
            Expect::Valid,
        ),
        (
            "hosted assertion (its JSON)",
            json!({"input": hosted.to_string()}),
            Expect::Valid,
        ),
        (
            "baked PNG, signed assertion",
            json!({"file": signed_png}),
            Expect::Valid,
        ),
        (
            "baked SVG, signed assertion",
            json!({"file": signed_svg}),
            Expect::Valid,
        ),
        (
            "baked PNG, hosted assertion",
            json!({"file": hosted_png}),
            Expect::Valid,
        ),
        // openbadges-bakery 1.2.4 returns an SVG's `verify` attribute as
        // bytes, which the validator's input detection does not take: an
        // SVG baked by 1EdTech's own bakery fails the same way.
        (
            "baked SVG, hosted assertion",
            json!({"file": hosted_svg}),
            Expect::ValidatorBug("only URL, JSON, or JWS input implemented so far"),
        ),
        (
            "signed assertion in the issuer's RevocationList",
            json!({"input": revoked_signed}),
            Expect::Invalid,
        ),
        (
            "hosted assertion marked revoked",
            json!({"input": site.server.url("/assertions/hosted-revoked")}),
            Expect::NotChecked,
        ),
        (
            "signed assertion altered after signing",
            json!({"input": tampered}),
            Expect::Invalid,
        ),
    ];
    let items: Vec<Value> = cases
        .iter()
        .map(|(name, input, _)| {
            let mut item = input.clone();
            item["name"] = json!(name);
            item["email"] = json!(OB2_EMAIL);
            item
        })
        .collect();
    let mut context_map = BTreeMap::new();
    context_map.insert(
        contexts::OB_V2.to_owned(),
        context_files()
            .get(contexts::OB_V2)
            .cloned()
            .expect("the OB 2.0 context is bundled"),
    );
    let output = run_python(
        tools,
        "ob2_check.py",
        &json!({"command": "validate", "contexts": context_map, "items": items}),
    );
    for (name, _, expect) in &cases {
        let result = result_named(&output, name);
        let errors: Vec<String> = result["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter(|m| m["level"] == "ERROR")
                    .map(|m| {
                        format!(
                            "{}: {}",
                            m["name"].as_str().unwrap_or("?"),
                            m["result"].as_str().unwrap_or("?")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let problem = if errors.is_empty() {
            lines(&result["error"])
        } else {
            errors.join(" | ")
        };
        let valid = result["valid"] == true;
        let crashed = !result["error"].is_null();
        match expect {
            Expect::Valid => findings.check(
                valid,
                || format!("1EdTech's validator accepts the {name}"),
                || {
                    format!(
                        "1EdTech's validator refused the {name}: {problem}\n    its tasks: {}",
                        ob2_tasks(result)
                    )
                },
            ),
            Expect::Invalid => findings.check(
                !valid && !crashed,
                || format!("1EdTech's validator refuses, as it should, the {name}: {problem}"),
                || {
                    format!(
                        "1EdTech's validator did not refuse the {name} as expected: valid = {}, {problem}\n    revocation lists as it read them: {}\n    its tasks: {}",
                        result["valid"],
                        result["revocationLists"],
                        ob2_tasks(result)
                    )
                },
            ),
            Expect::ValidatorBug(message) => findings.check(
                valid || problem.contains(message),
                || format!("1EdTech's validator on the {name}: known validator bug ({message})"),
                || {
                    format!(
                        "1EdTech's validator refused the {name}, and not for its known bug: {problem}\n    its tasks: {}",
                        ob2_tasks(result)
                    )
                },
            ),
            Expect::NotChecked => note(&format!(
                "1EdTech's validator does not check this; on the {name} it says valid = {valid}{}",
                if problem == "(no message)" {
                    String::new()
                } else {
                    format!(": {problem}")
                }
            )),
        }
        let warnings: Vec<String> = result["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter(|m| m["level"] == "WARNING")
                    .map(|m| m["result"].as_str().unwrap_or("?").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !warnings.is_empty() {
            note(&format!(
                "1EdTech's validator warns about the {name}: {}",
                warnings.join(" | ")
            ));
        }
    }
    let outside: Vec<&str> = output["fetched"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(Value::as_str)
                .filter(|u| !u.starts_with(&site.server.base) && *u != contexts::OB_V2)
                .collect()
        })
        .unwrap_or_default();
    findings.check(
        outside.is_empty(),
        || "1EdTech's validator fetched nothing outside 127.0.0.1 and the bundled context".into(),
        || {
            format!(
                "1EdTech's validator tried to fetch (refused): {}",
                outside.join(", ")
            )
        },
    );
    note(&format!(
        "requests served to the validator: {}",
        site.server.requests.lock().map(|r| r.len()).unwrap_or(0)
    ));
    findings.finish();
}

#[test]
fn baked_open_badges_2_images_unbake_with_openbadges_bakery() {
    let old = available(ob2_tools(), "openbadges-bakery 1.2.4 (1EdTech validator's)");
    let new = available(ob3_tools(), "openbadges-bakery 2.0.0");
    if old.is_none() && new.is_none() {
        return;
    }
    let mut findings = Findings::new("Cairn bake → openbadges-bakery");
    let scratch = Scratch::new("bakery");
    let key = JwtKey::generate_rs256().expect("an RSA key");
    let assertion = ob2::Assertion::signed(
        "urn:uuid:0b9e7c1d-2f3a-4e5b-8c6d-7e8f9a0b1c2d",
        "https://college.cairn.example/badges/writing",
        "https://college.cairn.example/keys/1",
        ob2::hashed_email_recipient(OB2_EMAIL, "s4lt"),
        now(),
    )
    .to_json()
    .expect("an assertion");
    let jws = ob2::sign_assertion(&assertion, &key).expect("a signed assertion");
    let mut hosted = ob2::Assertion::hosted(
        "https://college.cairn.example/assertions/9",
        "https://college.cairn.example/badges/writing",
        "https://college.cairn.example/issuer",
        ob2::hashed_email_recipient(OB2_EMAIL, "s4lt"),
        now(),
    );
    hosted.narrative = Some("Texte « accentué » — 漢字 ✓ ]]> inside".into());
    let hosted = hosted.to_json().expect("a hosted assertion").to_string();
    let hosted_id = "https://college.cairn.example/assertions/9";
    let url = "https://college.cairn.example/assertions/10";

    // (name, file, what the bakery should return)
    let mut cases: Vec<(String, String, String)> = Vec::new();
    for (what, payload) in [
        ("signed assertion", Payload::Jws(jws.clone())),
        ("hosted assertion JSON", Payload::Json(hosted.clone())),
        ("hosted assertion URL", Payload::Url(url.to_owned())),
    ] {
        let (png, svg) = bake_both(&scratch, &what.replace(' ', "-"), &payload);
        let text = payload.as_str().to_owned();
        cases.push((format!("PNG, {what}"), png, text.clone()));
        // The bakery's SVG reader prefers the `verify` attribute, which
        // holds the assertion's id when JSON is baked (as its own baker does).
        let from_svg = if matches!(payload, Payload::Json(_)) {
            hosted_id.to_owned()
        } else {
            text
        };
        cases.push((format!("SVG, {what}"), svg, from_svg));
    }
    let items: Vec<Value> = cases
        .iter()
        .map(|(name, file, _)| json!({"name": name, "file": file}))
        .collect();
    let job = json!({"command": "unbake", "items": items});
    for (bakery, tools, script) in [
        ("openbadges-bakery 1.2.4", old, "ob2_check.py"),
        ("openbadges-bakery 2.0.0", new, "ob3_check.py"),
    ] {
        let Some(tools) = tools else { continue };
        let output = run_python(tools, script, &job);
        for (name, _, expected) in &cases {
            let result = result_named(&output, name);
            findings.check(
                result["payload"].as_str() == Some(expected.as_str()),
                || format!("{bakery} unbakes Cairn's {name} to the same payload"),
                || {
                    format!(
                        "{bakery} unbaked Cairn's {name} to {} (error: {}), expected {expected}",
                        result["payload"],
                        lines(&result["error"])
                    )
                },
            );
        }
    }
    findings.finish();
}

// ---------------------------------------------------------------------------
// 3. The other direction: their credentials in Cairn

fn cairn_verifies(input: &[u8], documents: &dyn Fn(&str) -> Option<Value>) -> Report {
    verify::verify(
        input,
        &Context {
            now: now(),
            keys: &DidKeyResolver,
            documents,
            canon: &fast::Auto,
        },
    )
}

fn summary(report: &Report) -> String {
    report
        .checks
        .iter()
        .map(|c| format!("{} {:?}: {}", c.id, c.outcome, c.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks that Cairn verifies a credential another library signed: format,
/// issuer key, proof and validity each pass, and so does the report as a
/// whole, structure included. (Digital Bazaar and openbadgeslib write
/// `proof` as one object; 1EdTech's JSON Schema asks for an array, so a
/// structure check that applies the schema as written refuses them.)
fn expect_cairn_verifies(findings: &mut Findings, who: &str, report: &Report) {
    for id in ["format", "issuer-key", "proof", "validity"] {
        let check = report.check(id);
        findings.check(
            check.is_some_and(|c| c.outcome == Outcome::Passed),
            || format!("Cairn: {who}: {id} passes"),
            || format!("Cairn refused {who}: {id}: {}", summary(report)),
        );
    }
    findings.check(
        report.verified(),
        || format!("Cairn verifies {who}"),
        || {
            format!(
                "Cairn's verify() does not accept {who}: {}",
                report
                    .checks
                    .iter()
                    .filter(|c| c.outcome == Outcome::Failed)
                    .map(|c| format!("{}: {}", c.id, c.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        },
    );
}

fn expect_cairn_refuses(findings: &mut Findings, who: &str, report: &Report) {
    findings.check(
        report
            .check("proof")
            .is_some_and(|c| c.outcome == Outcome::Failed)
            && !report.verified(),
        || {
            format!(
                "Cairn refuses {who}: {}",
                report
                    .check("proof")
                    .map(|c| c.reason.as_str())
                    .unwrap_or("")
            )
        },
        || format!("Cairn ACCEPTED {who}: {}", summary(report)),
    );
}

/// An OB 3.0 credential written by hand (not by Cairn's builders), for the
/// other libraries to sign: booleans, decimals, a hashed email, a rubric
/// result and Unicode.
fn foreign_credential(n: u32) -> Value {
    json!({
        "@context": [contexts::VC_V2, contexts::OB_V3],
        "id": format!("urn:uuid:5d6e7f80-91a2-4b3c-8d4e-5f60718293{n:02}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "replaced by the signer", "type": ["Profile"],
                   "name": "Université de Zürich — Prüfungsamt 🧪"},
        "validFrom": stamp(now() - Duration::days(2)),
        "validUntil": stamp(now() + Duration::days(30)),
        "name": format!("Statistik Grundlagen Nº{n} — 统计学"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": true,
                "identityHash": "sha256$0f4d1b0a6b0c9e57d0e0b8c1e7d41b2a0e77f3f2bb6b5b9e3c7a0f0e8d6c5b4a",
                "salt": "pfeffer"
            }],
            "creditsEarned": 3.75,
            "result": [{"type": ["Result"],
                        "resultDescription": "https://uni.example/rubric/1",
                        "achievedLevel": "https://uni.example/rubric/1/l3"}],
            "achievement": {
                "id": "https://uni.example/achievements/stats-101",
                "type": ["Achievement"],
                "name": "Statistik — Grundlagen",
                "description": "Beherrscht Mittelwert, Varianz und „Signifikanz“.",
                "criteria": {"narrative": "Prüfung bestanden (≥ 60 %)."},
                "achievementType": "Course",
                "creditsAvailable": 4.5,
                "tag": ["Mathematik", "統計"],
                "resultDescription": [{
                    "id": "https://uni.example/rubric/1",
                    "type": ["ResultDescription"],
                    "name": "Prüfung",
                    "resultType": "RubricCriterionLevel",
                    "rubricCriterionLevel": [{
                        "id": "https://uni.example/rubric/1/l3",
                        "type": ["RubricCriterionLevel"],
                        "name": "Sehr gut",
                        "points": "15"
                    }]
                }]
            }
        },
        "evidence": [{"type": ["Evidence"], "id": "https://uni.example/evidence/42",
                      "name": "Klausur", "narrative": "Note: 1,3"}]
    })
}

#[test]
fn digital_bazaar_credentials_verify_in_cairn() {
    let Some(node) = available(node_tools(), "Digital Bazaar signing") else {
        return;
    };
    let mut findings = Findings::new("Digital Bazaar → Cairn");
    let scratch = Scratch::new("db-sign");
    let items: Vec<Value> = (1..=2)
        .map(|n| json!({"name": format!("credential {n}"), "credential": foreign_credential(n)}))
        .chain(std::iter::once(json!({
            "name": "Cairn's realistic credential",
            "credential": award(&Ob3Issuer::did_key(31), "db", None),
        })))
        .collect();
    let output = run_node(
        node,
        &json!({"command": "sign", "contexts": context_files(), "items": items}),
    );
    let mut recheck = Vec::new();
    for item in &items {
        let name = item["name"].as_str().unwrap_or_default();
        let result = result_named(&output, name);
        let Some(signed) = result.get("credential").filter(|c| c.is_object()) else {
            findings.failures.push(format!(
                "Digital Bazaar could not sign {name}: {}",
                lines(&result["errors"])
            ));
            continue;
        };
        let who = format!(
            "Digital Bazaar's eddsa-rdfc-2022 {name} ({})",
            result["did"]
        );
        let report = cairn_verifies(signed.to_string().as_bytes(), &|_| None);
        expect_cairn_verifies(&mut findings, &who, &report);
        let general = proof::verify(
            signed,
            &keys::public_key_from_did_key(result["did"].as_str().unwrap_or_default())
                .expect("a did:key"),
            &GeneralPath::default(),
        );
        findings.check(
            general.is_ok(),
            || format!("Cairn's general path verifies {who}"),
            || format!("Cairn's general path refused {who}: {general:?}"),
        );
        let altered = tampered_foreign(signed);
        let report = cairn_verifies(altered.to_string().as_bytes(), &|_| None);
        expect_cairn_refuses(&mut findings, &format!("{who}, altered"), &report);
        recheck.push(json!({"name": format!("{name}, as signed"), "file": scratch.json(&format!("{}.json", recheck.len()), signed), "dcc": false}));
        recheck.push(json!({"name": format!("{name}, altered"), "file": scratch.json(&format!("{}.json", recheck.len()), &altered), "dcc": false}));
    }
    let output = run_node(
        node,
        &json!({"command": "verify", "contexts": context_files(), "items": recheck}),
    );
    for item in &recheck {
        let name = item["name"].as_str().unwrap_or_default();
        let result = &result_named(&output, name)["digitalBazaar"];
        let should = name.ends_with("as signed");
        findings.check(
            (result["verified"] == true) == should,
            || {
                format!(
                    "Digital Bazaar {} its own {name}",
                    if should { "verifies" } else { "refuses" }
                )
            },
            || {
                format!(
                    "Digital Bazaar on its own {name}: verified = {}: {}",
                    result["verified"],
                    lines(&result["errors"])
                )
            },
        );
    }
    findings.finish();
}

/// A copy of a foreign credential with its name changed.
fn tampered_foreign(signed: &Value) -> Value {
    let mut copy = signed.clone();
    copy["name"] = json!("Statistik — Fortgeschritten");
    copy
}

#[test]
fn openbadgeslib_credentials_verify_in_cairn() {
    let Some(tools) = available(ob3_tools(), "openbadgeslib signing") else {
        return;
    };
    let mut findings = Findings::new("openbadgeslib → Cairn");
    let scratch = Scratch::new("oblib-sign");
    let fields = json!({
        "id": "urn:uuid:9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        "issuer_id": "https://uni.example/issuer",
        "issuer_name": "Université de Zürich — Prüfungsamt",
        "issuer_url": "https://uni.example/",
        "achievement_id": "https://uni.example/achievements/stats-101",
        "name": "Statistik — Grundlagen 统计",
        "description": "Beherrscht Mittelwert und Varianz.",
        "criteria": "Prüfung bestanden.",
        "achievement_type": "Course",
        "credits_available": 4.5,
        "credits_earned": 2.25,
        "tags": ["Mathematik", "統計"],
        "email": "ana@example.org",
        "salt": "pfeffer",
        "valid_from": stamp(now() - Duration::days(1)),
    });
    let output = run_python(
        tools,
        "ob3_check.py",
        &json!({"command": "sign", "items": [
            {"name": "ldp", "kind": "ldp", "credential": fields},
            {"name": "jwt", "kind": "jwt", "credential": fields},
        ]}),
    );
    let mut recheck = Vec::new();

    let ldp = result_named(&output, "ldp");
    if let Some(signed) = ldp.get("credential").filter(|c| c.is_object()) {
        let who = format!(
            "openbadgeslib's eddsa-rdfc-2022 credential ({})",
            ldp["issuer"]
        );
        let report = cairn_verifies(signed.to_string().as_bytes(), &|_| None);
        expect_cairn_verifies(&mut findings, &who, &report);
        let altered = tampered_foreign(signed);
        let report = cairn_verifies(altered.to_string().as_bytes(), &|_| None);
        expect_cairn_refuses(&mut findings, &format!("{who}, altered"), &report);
        for (name, doc) in [
            ("ldp, as signed", signed.clone()),
            ("ldp, altered", altered),
        ] {
            recheck.push(json!({"name": name, "kind": "ldp", "issuer": ldp["issuer"],
                                "file": scratch.json(&format!("{}.json", recheck.len()), &doc)}));
        }
    } else {
        findings.failures.push(format!(
            "openbadgeslib could not sign with Data Integrity: {}",
            lines(&ldp["error"])
        ));
    }

    let signed_jwt = result_named(&output, "jwt");
    if let Some(token) = signed_jwt["token"].as_str() {
        let who = "openbadgeslib's VC-JWT (RS256, key in the header's jwk)";
        let issuer = fields["issuer_id"].as_str().unwrap_or_default();
        let jwks = json!({"keys": [signed_jwt["public_jwk"].clone()]});
        let documents = move |url: &str| {
            (url == "https://uni.example/.well-known/jwks.json").then(|| jwks.clone())
        };
        let report = cairn_verifies(token.as_bytes(), &documents);
        expect_cairn_verifies(&mut findings, who, &report);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut payload: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&parts[1])
                .expect("base64url"),
        )
        .expect("JSON");
        payload["name"] = json!("Statistik — Fortgeschritten");
        parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&payload).expect("JSON"));
        let altered = parts.join(".");
        let report = cairn_verifies(altered.as_bytes(), &documents);
        expect_cairn_refuses(&mut findings, &format!("{who}, altered"), &report);
        let pem = signed_jwt["public_key_pem"].clone();
        for (name, text) in [
            ("jwt, as signed", token.to_owned()),
            ("jwt, altered", altered),
        ] {
            recheck.push(
                json!({"name": name, "kind": "jwt", "public_key_pem": pem, "issuer": issuer,
                                "file": scratch.write(&format!("{}.jwt", recheck.len()), text)}),
            );
        }
    } else {
        findings.failures.push(format!(
            "openbadgeslib could not sign a VC-JWT: {}",
            lines(&signed_jwt["error"])
        ));
    }

    let output = run_python(
        tools,
        "ob3_check.py",
        &json!({"command": "verify", "items": recheck}),
    );
    for item in &recheck {
        let name = item["name"].as_str().unwrap_or_default();
        let result = result_named(&output, name);
        let should = name.ends_with("as signed");
        findings.check(
            (result["valid"] == true) == should,
            || {
                format!(
                    "openbadgeslib {} its own {name}",
                    if should { "verifies" } else { "refuses" }
                )
            },
            || {
                format!(
                    "openbadgeslib on its own {name}: valid = {}: {}",
                    result["valid"],
                    lines(&result["error"])
                )
            },
        );
    }
    findings.finish();
}

// ---------------------------------------------------------------------------
// 4. Canonicalization: Cairn's two paths against jsonld.js

const TEXTS: &[&str] = &[
    "Teamwork",
    "Compétence rédactionnelle — « écrire »",
    "写作能力与批判性思维",
    "Emoji ✍️🎓👩🏽‍🔬 and combining e\u{301}",
    "quote \" and backslash \\ and slash /",
    "tab\there, newline\nthere, return\r",
    "controls \u{1}\u{7}\u{8}\u{b}\u{c}\u{e}\u{1f}\u{7f} end",
    "separators \u{2028} and \u{2029} and nbsp\u{a0}",
    "nul \u{0} inside",
    "  leading and trailing spaces  ",
    "",
    "right-to-left עברית العربية",
];

const NUMBERS: &[f64] = &[
    2.5,
    0.1,
    3.0,
    1.0e21,
    1.5e-7,
    123_456.789,
    0.0,
    12.0,
    1.0 / 3.0,
    4.35,
    -0.5,
    9_007_199_254_740_993.0,
    -0.0,
    1.0e-6,
];

/// Numbers JavaScript writes in exponent form without a `.` (`1e-7`):
/// jsonld.js takes them for integers and writes `"0"`, where the JSON-LD
/// 1.1 toRdf algorithm (and pyld, and Cairn) write the canonical double
/// (`"1.0E-7"`). Compared, but only reported.
const TINY_NUMBERS: &[f64] = &[1.0e-7, 1.0e-300];

/// One generated credential: `n` 0 sets every optional field, `n` 1 none;
/// the others choose at random (seeded), cycling through the texts and
/// numbers so each appears.
fn generated(issuer: &Ob3Issuer, endorsement: &Value, n: usize) -> Value {
    let mut rng = StdRng::seed_from_u64(n as u64);
    let all = n == 0;
    let none = n == 1;
    let mut maybe = |p: f64| all || (!none && rng.random_bool(p));
    let text = |k: usize| TEXTS[(n + k) % TEXTS.len()].to_owned();
    let number = |k: usize| NUMBERS[(n + k) % NUMBERS.len()];
    let base = format!("https://college.cairn.example/c{n}");
    let mut achievement =
        Achievement::new(format!("{base}/achievement"), text(0), text(1), text(2));
    if maybe(0.5) {
        achievement.achievement_type =
            Some(["MicroCredential", "Badge", "ext:Mentoring"][n % 3].into());
    }
    if maybe(0.7) {
        achievement.credits_available = Some(number(0));
    }
    if maybe(0.5) {
        achievement.tag = vec![text(3), text(4)];
    }
    if maybe(0.5) {
        achievement.human_code = Some(format!("HC-{n}"));
    }
    if maybe(0.5) {
        achievement.version = Some(format!("{n}.0"));
    }
    if maybe(0.5) {
        achievement.in_language = Some(["en", "fr-CA", "zh-Hans"][n % 3].into());
    }
    if maybe(0.5) {
        achievement.image = Some(Image::new(format!("{base}/image.png"), Some(text(5))));
    }
    if maybe(0.5) {
        let mut alignment = Alignment::new(text(6), format!("{base}/standard"));
        alignment.target_code = Some(format!("S.{n}"));
        alignment.target_framework = Some(text(7));
        alignment.target_description = Some(text(8));
        alignment.target_type = Some("CFItem".into());
        achievement.alignment = vec![
            alignment,
            Alignment::new(text(9), format!("{base}/standard/2")),
        ];
    }
    if maybe(0.4) {
        let mut creator = Profile::new(format!("{base}/creator"), text(10));
        creator.url = Some(format!("{base}/creator/home"));
        creator.email = Some("creator@college.cairn.example".into());
        creator.description = Some(text(11));
        creator.image = Some(Image::new(format!("{base}/creator.png"), None));
        let mut parent = Profile::new(format!("{base}/university"), text(0));
        parent.url = Some(format!("{base}/university/home"));
        creator.parent_org = Some(Box::new(parent));
        achievement.creator = Some(creator);
    }
    let rubric = maybe(0.6);
    if rubric {
        achievement.result_description = (0..1 + n % 3)
            .map(|i| {
                let levels = (0..2 + n % 3)
                    .map(|j| {
                        let mut l =
                            RubricCriterionLevel::new(format!("{base}/r/c{i}/l{j}"), text(i + j));
                        if maybe(0.5) {
                            l.description = Some(text(i + j + 1));
                        }
                        if maybe(0.5) {
                            l.level = Some(j.to_string());
                        }
                        if maybe(0.5) {
                            l.points = Some(format!("{}", j * 5));
                        }
                        l
                    })
                    .collect();
                let mut rd = ResultDescription::rubric_criterion(
                    format!("{base}/r/c{i}"),
                    text(i + 2),
                    levels,
                );
                if maybe(0.5) {
                    rd.required_level = Some(format!("{base}/r/c{i}/l1"));
                }
                rd
            })
            .collect();
    }
    let mut subject = AchievementSubject::hashed_email(
        &format!("user{n}@example.org"),
        &format!("salt{n}"),
        achievement,
    );
    if n % 4 == 3 {
        subject.identifier[0].hashed = false;
        subject.identifier[0].identity_hash = format!("user{n}@example.org");
    }
    if maybe(0.3) {
        subject.id = Some(format!("did:example:learner-{n}"));
    }
    if rubric && maybe(0.7) {
        subject.result = vec![ResultAchieved::new(
            format!("{base}/r/c0"),
            format!("{base}/r/c0/l1"),
        )];
    }
    if maybe(0.6) {
        subject.credits_earned = Some(number(3));
    }
    if maybe(0.5) {
        subject.activity_start_date = Some(stamp(now() - Duration::days(40 + n as i64)));
        subject.activity_end_date = Some(stamp(now() - Duration::days(n as i64)));
    }
    let evidence = if maybe(0.6) {
        (0..1 + n % 3)
            .map(|i| {
                let mut e = Evidence::named(text(i + 4));
                if maybe(0.6) {
                    e.id = Some(format!("{base}/evidence/{i}"));
                }
                if maybe(0.5) {
                    e.description = Some(text(i + 5));
                }
                if maybe(0.5) {
                    e.narrative = Some(text(i + 6));
                }
                if maybe(0.5) {
                    e.genre = Some(text(i + 7));
                }
                if maybe(0.5) {
                    e.audience = Some(text(i + 8));
                }
                e
            })
            .collect()
    } else {
        Vec::new()
    };
    let credential = OpenBadgeCredential {
        id: if n.is_multiple_of(2) {
            format!("{base}/award")
        } else {
            format!("urn:uuid:00000000-0000-4000-8000-{n:012}")
        },
        issuer: issuer.profile.clone(),
        valid_from: now() - Duration::days(1),
        valid_until: maybe(0.5).then(|| now() + Duration::days(100 + n as i64)),
        awarded_date: maybe(0.5).then(|| now() - Duration::days(1)),
        name: text(1),
        description: maybe(0.6).then(|| text(2)),
        image: maybe(0.5)
            .then(|| Image::new(format!("{base}/award.png"), maybe(0.5).then(|| text(3)))),
        subject,
        evidence,
        credential_status: maybe(0.5)
            .then(|| CredentialStatus::revocation(&issuer.list_url, 17 + n as u64)),
        endorsement: if all || n == 7 {
            vec![endorsement.clone()]
        } else {
            Vec::new()
        },
    };
    let mut doc = credential.to_json();
    // Properties Cairn's builders do not set, written as JSON.
    if all || n % 5 == 2 {
        let subject = &mut doc["credentialSubject"];
        subject["narrative"] = json!(text(3));
        subject["role"] = json!(text(4));
        subject["term"] = json!("Automne 2026");
        subject["licenseNumber"] = json!(format!("L-{n}"));
        let achievement = &mut subject["achievement"];
        achievement["fieldOfStudy"] = json!(text(5));
        achievement["specialization"] = json!(text(6));
    }
    if all || n == 5 {
        doc["@context"] = json!([contexts::VC_V2, contexts::OB_V3, contexts::OB_EXTENSIONS]);
        doc["credentialSchema"] = json!([{
            "id": OB3_SCHEMA_URL,
            "type": "1EdTechJsonSchemaValidator2019"
        }]);
    }
    doc
}

/// A signed `EndorsementCredential` to embed.
fn endorsement(issuer: &Ob3Issuer) -> Value {
    issuer.sign(&json!({
        "@context": [contexts::VC_V2, contexts::OB_V3],
        "id": "https://college.cairn.example/endorsements/1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Université partenaire — reconnaissance de crédits",
        "issuer": {"id": issuer.profile.id, "type": ["Profile"], "name": issuer.profile.name},
        "validFrom": stamp(now() - Duration::days(10)),
        "credentialSubject": {
            "id": "https://college.cairn.example/c0/achievement",
            "type": ["EndorsementSubject"],
            "endorsementComment": "Accepté pour 2,5 crédits — « équivalent ».",
        },
    }))
}

#[test]
fn canonical_nquads_match_jsonld_js() {
    let Some(node) = available(node_tools(), "canonicalization against jsonld.js") else {
        return;
    };
    let mut findings = Findings::new("canonical N-Quads = jsonld.canonize");
    let scratch = Scratch::new("canon");
    let issuer = Ob3Issuer::did_key(41);
    let endorsed = endorsement(&issuer);
    let mut corpus: Vec<(String, Value)> = Vec::new();
    for n in 0..20 {
        let doc = generated(&issuer, &endorsed, n);
        let signed = issuer.sign(&doc);
        let mut config = signed["proof"][0].clone();
        if let Some(config) = config.as_object_mut() {
            config.remove("proofValue");
            config.insert("@context".into(), signed["@context"].clone());
        }
        corpus.push((format!("credential {n}"), doc));
        corpus.push((format!("credential {n}, signed"), signed));
        corpus.push((format!("credential {n}, proof options"), config));
    }
    corpus.push((
        "Cairn's benchmark credential".into(),
        bench::realistic_credential(),
    ));
    let vector: Value = serde_json::from_str(
        &fs::read_to_string(repo().join("testdata/ob3/canon-vectors/obv3p0/vector.json"))
            .expect("the OB 3.0 vector"),
    )
    .expect("JSON");
    corpus.push((
        "the OB 3.0 vector".into(),
        vector["signedCredential"].clone(),
    ));
    let probes: Vec<(String, Value)> = TINY_NUMBERS
        .iter()
        .map(|n| {
            let mut doc = generated(&issuer, &endorsed, 1);
            doc["credentialSubject"]["creditsEarned"] = json!(n);
            (format!("a credential earning {n:e} credits"), doc)
        })
        .collect();

    let items: Vec<Value> = corpus
        .iter()
        .chain(&probes)
        .enumerate()
        .map(|(i, (name, doc))| json!({"name": name, "file": scratch.json(&format!("{i}.json"), doc)}))
        .collect();
    let output = run_node(
        node,
        &json!({"command": "canonize", "contexts": context_files(), "items": items}),
    );
    let mut declined = Vec::new();
    for (name, doc) in &corpus {
        let result = result_named(&output, name);
        let Some(expected) = result["nquads"].as_str() else {
            findings.failures.push(format!(
                "jsonld.canonize failed on {name}: {}",
                lines(&result["errors"])
            ));
            continue;
        };
        if !result["safeModeErrors"].is_null() {
            findings.failures.push(format!(
                "jsonld.canonize in safe mode (as Digital Bazaar runs it) refuses {name}: {}",
                lines(&result["safeModeErrors"])
            ));
        }
        let general = jsonld::canonical_nquads(doc);
        findings.check(
            general.as_deref() == Ok(expected),
            || format!("general path = jsonld.js on {name}"),
            || {
                format!(
                    "general path ≠ jsonld.js on {name}:\n{}",
                    difference(expected, &general.map_err(|e| e.to_string()))
                )
            },
        );
        match fast::canonical_nquads(doc) {
            Err(fast::FastError::Unsupported(why)) => declined.push(format!("{name} ({why})")),
            other => findings.check(
                other.as_deref() == Ok(expected),
                || format!("fast path = jsonld.js on {name}"),
                || {
                    format!(
                        "fast path ≠ jsonld.js on {name}:\n{}",
                        difference(expected, &other.map_err(|e| e.to_string()))
                    )
                },
            ),
        }
    }
    if !declined.is_empty() {
        note(&format!(
            "the fast path declined (Auto falls back to the general path): {}",
            declined.join("; ")
        ));
    }
    for (name, doc) in &probes {
        let theirs = result_named(&output, name)["nquads"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let ours = jsonld::canonical_nquads(doc).map_err(|e| e.to_string());
        let earned = |nquads: &str| {
            nquads
                .lines()
                .find_map(|l| l.split_once("#creditsEarned> ").map(|(_, o)| o))
                .unwrap_or("(none)")
                .trim_end_matches(" .")
                .to_owned()
        };
        note(&format!(
            "known jsonld.js divergence, {name}: {}",
            match &ours {
                Ok(ours) if *ours == theirs => "none (equal)".to_owned(),
                Ok(ours) => format!(
                    "jsonld.js writes {}, Cairn writes {}",
                    earned(&theirs),
                    earned(ours)
                ),
                Err(e) => format!("Cairn failed: {e}"),
            }
        ));
    }

    // Every signed credential of the corpus verifies in Digital Bazaar.
    let signed: Vec<Value> = items
        .iter()
        .filter(|i| i["name"].as_str().is_some_and(|n| n.ends_with(", signed")))
        .map(|i| json!({"name": i["name"], "file": i["file"], "dcc": false}))
        .collect();
    let documents = ob3_documents(&[&issuer]);
    let output = run_node(
        node,
        &json!({"command": "verify", "contexts": context_files(), "documents": documents, "items": signed}),
    );
    for item in &signed {
        let name = item["name"].as_str().unwrap_or_default();
        let result = &result_named(&output, name)["digitalBazaar"];
        findings.check(
            result["verified"] == true,
            || format!("Digital Bazaar verifies {name}"),
            || {
                format!(
                    "Digital Bazaar refused {name}: {}",
                    lines(&result["errors"])
                )
            },
        );
    }
    findings.finish();
}

/// The lines only one side has.
fn difference(expected: &str, actual: &Result<String, String>) -> String {
    match actual {
        Err(e) => format!("  Cairn failed: {e}"),
        Ok(actual) => {
            let ours: Vec<&str> = actual.lines().collect();
            let theirs: Vec<&str> = expected.lines().collect();
            let mut out = Vec::new();
            for line in theirs.iter().filter(|l| !ours.contains(l)).take(8) {
                out.push(format!("  jsonld.js only: {line}"));
            }
            for line in ours.iter().filter(|l| !theirs.contains(l)).take(8) {
                out.push(format!("  Cairn only:     {line}"));
            }
            if out.is_empty() {
                out.push("  (same lines, different order or line endings)".into());
            }
            out.join("\n")
        }
    }
}

// ---------------------------------------------------------------------------
// The benchmark comparison's inputs (run by scripts/bench-compare)

/// Writes the benchmark's credential where `scripts/bench-compare` asks
/// and installs the Node packages; prints `CAIRN_BENCH {json}` on stderr.
#[test]
#[ignore = "run by scripts/bench-compare"]
fn bench_credential_for_node() {
    let node = match node_tools() {
        Ok(node) => node,
        Err(why) => panic!("the Node.js benchmark needs node and npm: {why}"),
    };
    let out = std::env::var_os("CAIRN_BENCH_CREDENTIAL")
        .map(PathBuf::from)
        .unwrap_or_else(|| node.dir.join("bench-credential.json"));
    fs::write(
        &out,
        serde_json::to_string_pretty(&bench::realistic_credential()).expect("JSON"),
    )
    .expect("the credential is written");
    let script = place_script(&node.dir, &repo().join("interop/node/bench.mjs"))
        .expect("the benchmark script");
    let line = json!({
        "credential": out,
        "script": script,
        "contexts": context_files(),
    });
    let _ = writeln!(std::io::stderr(), "CAIRN_BENCH {line}");
}

/// The HTTPS issuer the other tests publish (Profile with `assertionMethod`,
/// Multikey document at the key's URL) resolves and verifies in Cairn too,
/// so a refusal elsewhere is not the fixture's fault.
#[test]
fn the_https_issuer_fixture_resolves_in_cairn() {
    let web = Ob3Issuer::https(51);
    let resolved = web
        .resolver()
        .resolve(&web.method)
        .expect("the key resolves");
    assert_eq!(resolved.controller, ISSUER_URL);
    let signed = web.sign(&award(&web, "fixture", None));
    let documents = |_: &str| None;
    let report = verify::verify(
        signed.to_string().as_bytes(),
        &Context {
            now: now(),
            keys: &web.resolver(),
            documents: &documents,
            canon: &fast::Auto,
        },
    );
    assert!(report.verified(), "{}", summary(&report));
}

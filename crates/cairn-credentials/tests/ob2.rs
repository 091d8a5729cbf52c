//! Open Badges 2.0: document shapes, recipient hashing, signed assertions
//! (round trip, tampering, revocation, expiry) and the hosted-assertion
//! host rule.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cairn_credentials::jwt::JwtKey;
use cairn_credentials::ob2::{
    Alignment, Assertion, BadgeClass, CryptographicKey, Evidence, IdentityObject, Issuer,
    OB2_CONTEXT, OB2_MEDIA_TYPE, Ob2Error, Revocation, RevocationList, check_hosted,
    check_not_expired, find_revocation, hashed_email_recipient, random_salt, recipient_matches,
    sign_assertion, verify_signed_assertion,
};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ISSUER: &str = "https://badges.example.org/issuer";
const BADGE: &str = "https://badges.example.org/badges/rust-101";
const KEY_URL: &str = "https://badges.example.org/keys/1";
const LIST_URL: &str = "https://badges.example.org/revocations";

fn key() -> &'static JwtKey {
    static KEY: OnceLock<JwtKey> = OnceLock::new();
    KEY.get_or_init(|| JwtKey::generate_rs256().expect("RSA key generation"))
}

fn other_key() -> &'static JwtKey {
    static KEY: OnceLock<JwtKey> = OnceLock::new();
    KEY.get_or_init(|| JwtKey::generate_rs256().expect("RSA key generation"))
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
        .single()
        .expect("a valid date")
}

fn recipient() -> IdentityObject {
    hashed_email_recipient("ana@example.org", "deadbeef")
}

/// sha256("ana@example.orgdeadbeef"), computed outside this crate.
const ANA_HASH: &str = "5ef2eb97c5cfe4cc1ad0c944e9dc930729e1852ddfeef0d646fdd856d6677e55";

fn signed_assertion() -> Assertion {
    let mut assertion = Assertion::signed(
        "urn:uuid:2f5a3c1e-7d1b-4a8e-9c2f-0b6d4e8a1c33",
        BADGE,
        KEY_URL,
        recipient(),
        at(2025, 3, 1),
    );
    assertion.expires = Some(at(2028, 3, 1));
    assertion
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

// --- recipients -------------------------------------------------------------

#[test]
fn the_recipient_hash_is_sha256_of_email_and_salt() {
    let expected = hex::encode(Sha256::digest(b"ana@example.orgdeadbeef"));
    assert_eq!(expected, ANA_HASH);
    let recipient = recipient();
    assert_eq!(
        serde_json::to_value(&recipient).expect("JSON"),
        json!({
            "type": "email",
            "hashed": true,
            "salt": "deadbeef",
            "identity": format!("sha256${ANA_HASH}"),
        })
    );
    // Trimmed and lower-cased first.
    assert_eq!(
        hashed_email_recipient("  Ana@Example.ORG ", "deadbeef"),
        recipient
    );
    assert!(recipient.matches_email("ana@example.org"));
    assert!(recipient.matches_email("ANA@example.org"));
    assert!(!recipient.matches_email("ben@example.org"));
}

#[test]
fn recipients_match_hashed_plain_and_unlowercased_forms() {
    let hashed = json!({"type": "email", "hashed": true, "salt": "deadbeef",
                        "identity": format!("sha256${ANA_HASH}")});
    assert!(recipient_matches(&hashed, "ana@example.org"));
    assert!(recipient_matches(&hashed, " Ana@Example.org "));
    assert!(!recipient_matches(&hashed, "ana@example.com"));

    // Upper-case hex and algorithm name.
    let upper = json!({"type": "email", "hashed": true, "salt": "deadbeef",
                       "identity": format!("SHA256${}", ANA_HASH.to_uppercase())});
    assert!(recipient_matches(&upper, "ana@example.org"));

    // An issuer that hashed the address as typed, without lower-casing.
    let as_typed = json!({"type": "email", "hashed": true, "salt": "deadbeef",
        "identity": "sha256$7e90c0abb0b2e959cc2cd12b6c0a68043e73a3d00cdc86afcbd9d7c172eeefce"});
    assert!(recipient_matches(&as_typed, "Ana@Example.org"));

    // Unsalted.
    let unsalted = json!({"type": "email", "hashed": true,
        "identity": "sha256$86b9260a115ceac89a9738af23696ce3a5d70449de8d95ef28bd754bb80196b9"});
    assert!(recipient_matches(&unsalted, "ana@example.org"));

    // In clear.
    let plain = json!({"type": "email", "hashed": false, "identity": "Ana@Example.org"});
    assert!(recipient_matches(&plain, "ana@example.org"));
    assert!(!recipient_matches(&plain, "ben@example.org"));
    assert_eq!(
        serde_json::to_value(IdentityObject::plain_email("Ana@Example.org")).expect("JSON"),
        json!({"type": "email", "hashed": false, "identity": "ana@example.org"})
    );

    // What is not matched.
    let md5 = json!({"type": "email", "hashed": true, "salt": "deadbeef",
                     "identity": "md5$0123456789abcdef0123456789abcdef"});
    assert!(!recipient_matches(&md5, "ana@example.org"));
    let url = json!({"type": "url", "hashed": false, "identity": "ana@example.org"});
    assert!(!recipient_matches(&url, "ana@example.org"));
    assert!(!recipient_matches(
        &json!("ana@example.org"),
        "ana@example.org"
    ));
    let no_dollar =
        json!({"type": "email", "hashed": true, "salt": "deadbeef", "identity": ANA_HASH});
    assert!(!recipient_matches(&no_dollar, "ana@example.org"));
}

#[test]
fn salts_are_random_hex() {
    let (a, b) = (random_salt(), random_salt());
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

// --- document shapes ----------------------------------------------------------

#[test]
fn a_hosted_assertion_has_the_documented_shape() {
    let assertion = Assertion::hosted(
        "https://badges.example.org/assertions/1",
        BADGE,
        ISSUER,
        recipient(),
        at(2025, 3, 1),
    );
    let json = assertion.to_json().expect("builds");
    assert_eq!(
        json,
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": "https://badges.example.org/assertions/1",
            "recipient": {
                "type": "email",
                "hashed": true,
                "salt": "deadbeef",
                "identity": format!("sha256${ANA_HASH}"),
            },
            "badge": "https://badges.example.org/badges/rust-101",
            "verification": {"type": "hosted"},
            "issuedOn": "2025-03-01T12:00:00Z",
        })
    );
    // The serialised order starts as in the specification's examples.
    assert!(
        json.to_string().starts_with(
            r#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://badges.example.org/assertions/1","recipient":"#
        ),
        "{json}"
    );
    assert_eq!(OB2_CONTEXT, "https://w3id.org/openbadges/v2");
    assert_eq!(OB2_MEDIA_TYPE, "application/ld+json");
}

#[test]
fn a_signed_assertion_with_every_optional_field() {
    let mut assertion = signed_assertion();
    assertion.image = Some("https://badges.example.org/assertions/1/image.png".into());
    assertion.narrative = Some("Built a *crab* tracker.".into());
    let mut evidence = Evidence::at("https://portfolio.example.org/ana/crab-tracker");
    evidence.name = Some("Crab tracker".into());
    evidence.description = Some("The final project.".into());
    evidence.narrative = Some("Reviewed by two mentors.".into());
    evidence.genre = Some("Project".into());
    evidence.audience = Some("Employers".into());
    assertion.evidence = vec![evidence, Evidence::narrative("Attended all sessions.")];
    assertion.revoked = true;
    assertion.revocation_reason = Some("Issued in error".into());
    assert_eq!(
        assertion.to_json().expect("builds"),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": "urn:uuid:2f5a3c1e-7d1b-4a8e-9c2f-0b6d4e8a1c33",
            "recipient": {
                "type": "email",
                "hashed": true,
                "salt": "deadbeef",
                "identity": format!("sha256${ANA_HASH}"),
            },
            "badge": "https://badges.example.org/badges/rust-101",
            "verification": {"type": "signed", "creator": "https://badges.example.org/keys/1"},
            "issuedOn": "2025-03-01T12:00:00Z",
            "image": "https://badges.example.org/assertions/1/image.png",
            "evidence": [
                {
                    "id": "https://portfolio.example.org/ana/crab-tracker",
                    "narrative": "Reviewed by two mentors.",
                    "name": "Crab tracker",
                    "description": "The final project.",
                    "genre": "Project",
                    "audience": "Employers",
                },
                {"narrative": "Attended all sessions."},
            ],
            "narrative": "Built a *crab* tracker.",
            "expires": "2028-03-01T12:00:00Z",
            "revoked": true,
            "revocationReason": "Issued in error",
        })
    );
    // Without `revoked`, no reason is written.
    assertion.revoked = false;
    let json = assertion.to_json().expect("builds");
    assert!(json.get("revoked").is_none());
    assert!(json.get("revocationReason").is_none());
    assert!(!json.to_string().contains("null"));
}

#[test]
fn expires_must_follow_issued_on() {
    let mut assertion = signed_assertion();
    assertion.expires = Some(at(2025, 3, 1));
    let err = assertion.to_json().expect_err("expires = issuedOn");
    assert!(matches!(err, Ob2Error::InvalidDocument(_)), "{err}");
}

#[test]
fn a_badge_class_has_the_documented_shape() {
    let mut badge = BadgeClass::new(
        BADGE,
        "Rust 101",
        "Writes, tests and documents safe Rust.",
        "https://badges.example.org/badges/rust-101/image.png",
        "Pass the final project review.",
        ISSUER,
    );
    assert_eq!(
        badge.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": BADGE,
            "name": "Rust 101",
            "description": "Writes, tests and documents safe Rust.",
            "image": "https://badges.example.org/badges/rust-101/image.png",
            "criteria": {"narrative": "Pass the final project review."},
            "issuer": ISSUER,
        })
    );
    badge.criteria.id = Some("https://badges.example.org/badges/rust-101/criteria".into());
    let mut alignment = Alignment::new("Programming", "https://example.org/frameworks/prog/1");
    alignment.target_description = Some("Write programs".into());
    alignment.target_framework = Some("Example Framework".into());
    alignment.target_code = Some("PROG-1".into());
    badge.alignment = vec![
        alignment,
        Alignment::new("Testing", "https://example.org/frameworks/prog/2"),
    ];
    badge.tags = vec!["rust".into(), "programming".into()];
    assert_eq!(
        badge.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": BADGE,
            "name": "Rust 101",
            "description": "Writes, tests and documents safe Rust.",
            "image": "https://badges.example.org/badges/rust-101/image.png",
            "criteria": {
                "id": "https://badges.example.org/badges/rust-101/criteria",
                "narrative": "Pass the final project review.",
            },
            "issuer": ISSUER,
            "alignment": [
                {
                    "targetName": "Programming",
                    "targetUrl": "https://example.org/frameworks/prog/1",
                    "targetDescription": "Write programs",
                    "targetFramework": "Example Framework",
                    "targetCode": "PROG-1",
                },
                {"targetName": "Testing", "targetUrl": "https://example.org/frameworks/prog/2"},
            ],
            "tags": ["rust", "programming"],
        })
    );
}

#[test]
fn an_issuer_has_the_documented_shape() {
    let mut issuer = Issuer::new(
        ISSUER,
        "Example University",
        "https://example.org",
        "badges@example.org",
    );
    assert_eq!(
        issuer.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Issuer",
            "id": ISSUER,
            "name": "Example University",
            "url": "https://example.org",
            "email": "badges@example.org",
        })
    );
    issuer.description = Some("A university.".into());
    issuer.image = Some("https://example.org/logo.png".into());
    issuer.public_key = Some(KEY_URL.into());
    issuer.revocation_list = Some(LIST_URL.into());
    assert_eq!(
        issuer.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Issuer",
            "id": ISSUER,
            "name": "Example University",
            "url": "https://example.org",
            "email": "badges@example.org",
            "description": "A university.",
            "image": "https://example.org/logo.png",
            "publicKey": KEY_URL,
            "revocationList": LIST_URL,
        })
    );
}

#[test]
fn a_cryptographic_key_has_the_documented_shape() {
    let document = CryptographicKey::for_key(KEY_URL, ISSUER, key()).expect("RS256 key");
    let pem = key().public_key_pem().expect("PEM");
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    assert_eq!(
        document.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "CryptographicKey",
            "id": KEY_URL,
            "owner": ISSUER,
            "publicKeyPem": pem,
        })
    );
    let err = CryptographicKey::for_key(KEY_URL, ISSUER, &JwtKey::generate_es256())
        .expect_err("ES256 key");
    assert!(matches!(err, Ob2Error::InvalidKey(_)), "{err}");
}

#[test]
fn a_revocation_list_has_the_documented_shape() {
    let mut list = RevocationList::new(LIST_URL, ISSUER);
    assert_eq!(
        list.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "RevocationList",
            "id": LIST_URL,
            "issuer": ISSUER,
            "revokedAssertions": [],
        })
    );
    list.revoke("urn:uuid:1", None);
    list.revoke("urn:uuid:2", Some("Issued in error".into()));
    assert_eq!(
        list.to_json(),
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "RevocationList",
            "id": LIST_URL,
            "issuer": ISSUER,
            "revokedAssertions": [
                "urn:uuid:1",
                {"id": "urn:uuid:2", "revocationReason": "Issued in error"},
            ],
        })
    );
    let json = list.to_json();
    assert_eq!(
        find_revocation(&json, "urn:uuid:1").expect("a list"),
        Some(Revocation { reason: None })
    );
    assert_eq!(
        find_revocation(&json, "urn:uuid:2").expect("a list"),
        Some(Revocation {
            reason: Some("Issued in error".into())
        })
    );
    assert_eq!(find_revocation(&json, "urn:uuid:3").expect("a list"), None);
    let err = find_revocation(&json!({"type": "Issuer"}), "urn:uuid:1").expect_err("not a list");
    assert!(matches!(err, Ob2Error::InvalidDocument(_)), "{err}");
}

// --- hosted ---------------------------------------------------------------------

#[test]
fn hosted_assertions_must_be_on_the_issuer_host() {
    let build = |id: &str, issuer: &str| {
        Assertion::hosted(id, BADGE, issuer, recipient(), at(2025, 3, 1)).to_json()
    };
    build("https://badges.example.org/assertions/1", ISSUER).expect("same host");
    build("https://BADGES.example.org:443/a/1", ISSUER).expect("same host, default port");

    for (id, issuer) in [
        ("https://evil.example/assertions/1", ISSUER),
        ("https://example.org/assertions/1", ISSUER),
        ("https://badges.example.org:8443/assertions/1", ISSUER),
        ("https://badges.example.org.evil.example/a/1", ISSUER),
        ("urn:uuid:1", ISSUER),
    ] {
        let err = build(id, issuer).expect_err(id);
        assert!(matches!(err, Ob2Error::HostMismatch { .. }), "{id}: {err}");
        assert!(
            err.to_string()
                .contains("must be on badges.example.org (the issuer id's host)"),
            "{err}"
        );
    }
    let err = build(
        "https://badges.example.org:8443/a",
        "https://badges.example.org:8444/i",
    )
    .expect_err("ports differ");
    assert!(err.to_string().contains("badges.example.org:8444"), "{err}");
    let err =
        build("https://badges.example.org/a", "did:web:badges.example.org").expect_err("no host");
    assert!(matches!(err, Ob2Error::InvalidDocument(_)), "{err}");
}

fn issuer_json() -> Value {
    Issuer::new(
        ISSUER,
        "Example University",
        "https://example.org",
        "badges@example.org",
    )
    .to_json()
}

#[test]
fn check_hosted_reports_host_revocation_and_type() {
    let hosted = |id: &str| {
        Assertion::hosted(id, BADGE, ISSUER, recipient(), at(2025, 3, 1))
            .to_json()
            .expect("builds")
    };
    let good = hosted("https://badges.example.org/assertions/1");
    check_hosted(&good, &issuer_json()).expect("on the issuer's host");

    // Fetched from elsewhere, or claiming to be.
    let mut moved = good.clone();
    moved["id"] = json!("https://badges.example.net/assertions/1");
    let err = check_hosted(&moved, &issuer_json()).expect_err("another host");
    assert!(matches!(err, Ob2Error::HostMismatch { .. }), "{err}");
    moved["id"] = json!("http://badges.example.org:8080/assertions/1");
    let err = check_hosted(&moved, &issuer_json()).expect_err("another port");
    assert!(matches!(err, Ob2Error::HostMismatch { .. }), "{err}");

    let mut revoked = good.clone();
    revoked["revoked"] = json!(true);
    revoked["revocationReason"] = json!("Plagiarism");
    let err = check_hosted(&revoked, &issuer_json()).expect_err("revoked");
    assert!(
        matches!(&err, Ob2Error::Revoked { reason: Some(r), .. } if r == "Plagiarism"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "the assertion https://badges.example.org/assertions/1 is revoked (Plagiarism)"
    );

    let signed = signed_assertion().to_json().expect("builds");
    let err = check_hosted(&signed, &issuer_json()).expect_err("signed");
    assert!(
        matches!(
            err,
            Ob2Error::WrongVerificationType {
                expected: "hosted",
                ..
            }
        ),
        "{err}"
    );

    // The 2.0 synonym of the type.
    let mut synonym = good.clone();
    synonym["verification"] = json!({"type": "HostedBadge"});
    check_hosted(&synonym, &issuer_json()).expect("HostedBadge");
}

#[test]
fn an_issuer_verification_policy_overrides_the_host_rule() {
    let assertion = json!({
        "@context": OB2_CONTEXT, "type": "Assertion",
        "id": "https://cdn.example.net/badges/a/1",
        "verification": {"type": "hosted"},
    });
    let mut issuer = issuer_json();
    let err = check_hosted(&assertion, &issuer).expect_err("no policy");
    assert!(matches!(err, Ob2Error::HostMismatch { .. }), "{err}");

    issuer["verification"] = json!({"allowedOrigins": ["badges.example.org", "cdn.example.net"]});
    check_hosted(&assertion, &issuer).expect("an allowed origin");
    issuer["verification"] = json!({"allowedOrigins": "cdn.example.net:8443"});
    let err = check_hosted(&assertion, &issuer).expect_err("another port");
    assert!(err.to_string().contains("allowedOrigins"), "{err}");

    issuer["verification"] = json!({"startsWith": "https://cdn.example.net/badges/"});
    check_hosted(&assertion, &issuer).expect("a prefix");
    issuer["verification"] = json!({"startsWith": ["https://cdn.example.net/other/"]});
    let err = check_hosted(&assertion, &issuer).expect_err("another prefix");
    assert!(err.to_string().contains("startsWith"), "{err}");
}

// --- signed ---------------------------------------------------------------------

#[test]
fn signed_round_trip() {
    let assertion = signed_assertion().to_json().expect("builds");
    let jws = sign_assertion(&assertion, key()).expect("signs");
    let parts: Vec<&str> = jws.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        URL_SAFE_NO_PAD.decode(parts[0]).expect("b64"),
        br#"{"alg":"RS256"}"#
    );
    assert_eq!(b64_json(parts[1]), assertion);
    assert_eq!(
        URL_SAFE_NO_PAD.decode(parts[2]).expect("b64").len(),
        256,
        "an RSA 2048 signature"
    );

    let pem = key().public_key_pem().expect("PEM");
    let list = RevocationList::new(LIST_URL, ISSUER).to_json();
    let verified =
        verify_signed_assertion(&jws, &pem, Some(&list), at(2026, 1, 1)).expect("verifies");
    assert_eq!(verified, assertion);
    verify_signed_assertion(&jws, &pem, None, at(2026, 1, 1)).expect("without a list");

    // PKCS#1 public keys are read too.
    use rsa::pkcs1::EncodeRsaPublicKey as _;
    use rsa::pkcs8::DecodePublicKey as _;
    let pkcs1 = rsa::RsaPublicKey::from_public_key_pem(&pem)
        .expect("SPKI")
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .expect("PKCS#1");
    verify_signed_assertion(&jws, &pkcs1, None, at(2026, 1, 1)).expect("PKCS#1 key");
}

#[test]
fn signed_assertions_interoperate_with_jsonwebtoken() {
    let assertion = signed_assertion().to_json().expect("builds");
    let pem = key().public_key_pem().expect("PEM");

    // Ours, read by jsonwebtoken.
    let jws = sign_assertion(&assertion, key()).expect("signs");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let decoded = jsonwebtoken::decode::<Value>(
        &jws,
        &jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).expect("key"),
        &validation,
    )
    .expect("jsonwebtoken verifies");
    assert_eq!(decoded.claims, assertion);

    // jsonwebtoken's, read by us (its header has "typ": "JWT").
    let private = key().to_pkcs8_pem().expect("PEM");
    let theirs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &assertion,
        &jsonwebtoken::EncodingKey::from_rsa_pem(private.as_bytes()).expect("key"),
    )
    .expect("jsonwebtoken signs");
    let verified = verify_signed_assertion(&theirs, &pem, None, at(2026, 1, 1)).expect("ours");
    assert_eq!(verified, assertion);
}

#[test]
fn tampering_and_wrong_keys_are_detected() {
    let assertion = signed_assertion().to_json().expect("builds");
    let jws = sign_assertion(&assertion, key()).expect("signs");
    let pem = key().public_key_pem().expect("PEM");
    let parts: Vec<&str> = jws.split('.').collect();

    let mut forged = assertion.clone();
    forged["recipient"] = json!(hashed_email_recipient("mallory@example.org", "deadbeef"));
    let forged_jws = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged.to_string()),
        parts[2]
    );
    let err =
        verify_signed_assertion(&forged_jws, &pem, None, at(2026, 1, 1)).expect_err("tampered");
    assert!(matches!(err, Ob2Error::BadSignature), "{err}");
    assert_eq!(err.to_string(), "the assertion's signature does not match");

    let other_pem = other_key().public_key_pem().expect("PEM");
    let err =
        verify_signed_assertion(&jws, &other_pem, None, at(2026, 1, 1)).expect_err("another key");
    assert!(matches!(err, Ob2Error::BadSignature), "{err}");

    for header in [
        json!({"alg": "none"}),
        json!({"alg": "HS256"}),
        json!({"alg": "ES256"}),
        json!({"alg": "RS512"}),
    ] {
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            parts[1],
            parts[2]
        );
        let err =
            verify_signed_assertion(&token, &pem, None, at(2026, 1, 1)).expect_err("another alg");
        assert!(
            matches!(err, Ob2Error::UnsupportedAlgorithm(_)),
            "{header}: {err}"
        );
    }

    let err = verify_signed_assertion("not a jws", &pem, None, at(2026, 1, 1)).expect_err("junk");
    assert!(matches!(err, Ob2Error::MalformedJws(_)), "{err}");
    let err = verify_signed_assertion(
        &jws,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        None,
        at(2026, 1, 1),
    )
    .expect_err("junk key");
    assert!(matches!(err, Ob2Error::InvalidKey(_)), "{err}");
    let ec_pem = JwtKey::generate_es256().public_key_pem().expect("PEM");
    let err = verify_signed_assertion(&jws, &ec_pem, None, at(2026, 1, 1)).expect_err("EC key");
    assert!(matches!(err, Ob2Error::InvalidKey(_)), "{err}");
}

#[test]
fn revocation_is_detected() {
    let assertion = signed_assertion().to_json().expect("builds");
    let id = assertion["id"].as_str().expect("id").to_owned();
    let jws = sign_assertion(&assertion, key()).expect("signs");
    let pem = key().public_key_pem().expect("PEM");

    let mut list = RevocationList::new(LIST_URL, ISSUER);
    list.revoke("urn:uuid:someone-else", None);
    verify_signed_assertion(&jws, &pem, Some(&list.to_json()), at(2026, 1, 1))
        .expect("not in the list");

    let mut by_id = list.clone();
    by_id.revoke(id.clone(), None);
    let err = verify_signed_assertion(&jws, &pem, Some(&by_id.to_json()), at(2026, 1, 1))
        .expect_err("revoked");
    assert!(
        matches!(&err, Ob2Error::Revoked { reason: None, .. }),
        "{err}"
    );
    assert_eq!(err.to_string(), format!("the assertion {id} is revoked"));

    let mut with_reason = list.clone();
    with_reason.revoke(id.clone(), Some("Issued in error".into()));
    let err = verify_signed_assertion(&jws, &pem, Some(&with_reason.to_json()), at(2026, 1, 1))
        .expect_err("revoked");
    assert_eq!(
        err.to_string(),
        format!("the assertion {id} is revoked (Issued in error)")
    );

    // Signed with the flag set.
    let mut flagged = signed_assertion();
    flagged.revoked = true;
    let jws = sign_assertion(&flagged.to_json().expect("builds"), key()).expect("signs");
    let err = verify_signed_assertion(&jws, &pem, None, at(2026, 1, 1)).expect_err("flag");
    assert!(matches!(err, Ob2Error::Revoked { .. }), "{err}");
}

#[test]
fn expiry_is_checked_against_the_given_now() {
    let assertion = signed_assertion().to_json().expect("builds");
    let jws = sign_assertion(&assertion, key()).expect("signs");
    let pem = key().public_key_pem().expect("PEM");
    let err = verify_signed_assertion(&jws, &pem, None, at(2028, 3, 1)).expect_err("expired");
    assert!(matches!(err, Ob2Error::Expired { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the assertion expired at 2028-03-01T12:00:00Z (now is 2028-03-01T12:00:00Z)"
    );
    check_not_expired(&assertion, at(2028, 2, 29)).expect("the day before");
    let err = check_not_expired(&json!({"expires": "soon"}), at(2026, 1, 1)).expect_err("text");
    assert!(matches!(err, Ob2Error::InvalidDocument(_)), "{err}");
}

#[test]
fn only_signed_assertions_with_a_creator_are_signed() {
    let hosted = Assertion::hosted(
        "https://badges.example.org/assertions/1",
        BADGE,
        ISSUER,
        recipient(),
        at(2025, 3, 1),
    )
    .to_json()
    .expect("builds");
    let err = sign_assertion(&hosted, key()).expect_err("hosted");
    assert!(
        matches!(
            err,
            Ob2Error::WrongVerificationType {
                expected: "signed",
                ..
            }
        ),
        "{err}"
    );

    let mut no_creator = signed_assertion().to_json().expect("builds");
    no_creator["verification"] = json!({"type": "signed"});
    let err = sign_assertion(&no_creator, key()).expect_err("no creator");
    assert!(matches!(err, Ob2Error::MissingCreator), "{err}");

    // A signature over an assertion without a creator is refused on
    // verification too.
    let private = key().to_pkcs8_pem().expect("PEM");
    let theirs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &no_creator,
        &jsonwebtoken::EncodingKey::from_rsa_pem(private.as_bytes()).expect("key"),
    )
    .expect("signs");
    let pem = key().public_key_pem().expect("PEM");
    let err = verify_signed_assertion(&theirs, &pem, None, at(2026, 1, 1)).expect_err("creator");
    assert!(matches!(err, Ob2Error::MissingCreator), "{err}");

    let signed = signed_assertion().to_json().expect("builds");
    let err = sign_assertion(&signed, &JwtKey::generate_es256()).expect_err("ES256 key");
    assert!(matches!(err, Ob2Error::InvalidKey(_)), "{err}");
}

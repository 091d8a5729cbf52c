//! VC-JWT (Open Badges 3.0 JSON Web Token proof): keys and JWKS, signing,
//! decoding and verification, and the ways a token must fail.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cairn_credentials::jwt::{
    JwksEntry, JwtAlgorithm, JwtError, JwtKey, decode_vc_jwt, jwk_thumbprint, jwks, sign_vc_jwt,
    verify_vc_jwt,
};
use cairn_credentials::ob3::{
    Achievement, AchievementSubject, Alignment, CredentialStatus, Evidence, Image,
    OpenBadgeCredential, Profile,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ISSUER: &str = "https://badges.example.org/issuers/1";
const KID_RSA: &str = "https://badges.example.org/.well-known/jwks.json#rsa-1";
const KID_EC: &str = "https://badges.example.org/.well-known/jwks.json#ec-1";

fn rsa_key() -> &'static JwtKey {
    static KEY: OnceLock<JwtKey> = OnceLock::new();
    KEY.get_or_init(|| {
        JwtKey::generate_rs256()
            .expect("RSA key generation")
            .with_kid(KID_RSA)
    })
}

fn other_rsa_key() -> &'static JwtKey {
    static KEY: OnceLock<JwtKey> = OnceLock::new();
    KEY.get_or_init(|| JwtKey::generate_rs256().expect("RSA key generation"))
}

fn ec_key() -> JwtKey {
    JwtKey::generate_es256().with_kid(KID_EC)
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .expect("a valid date")
}

fn valid_from() -> DateTime<Utc> {
    at(2025, 3, 1)
}

fn valid_until() -> DateTime<Utc> {
    at(2028, 3, 1)
}

fn during() -> DateTime<Utc> {
    at(2026, 6, 15)
}

/// A realistic Open Badges 3.0 credential built from the `ob3` types.
fn credential(subject_id: Option<&str>, until: Option<DateTime<Utc>>) -> Value {
    let mut achievement = Achievement::new(
        "https://badges.example.org/achievements/rust-101",
        "Rust 101",
        "Writes, tests and documents safe Rust.",
        "Pass the final project review.",
    );
    achievement.achievement_type = Some("Course".into());
    achievement.image = Some(Image::new(
        "https://badges.example.org/images/rust-101.png",
        Some("A crab".into()),
    ));
    achievement.tag = vec!["rust".into(), "programming".into()];
    let mut alignment = Alignment::new("Programming", "https://example.org/frameworks/prog");
    alignment.target_code = Some("PROG-1".into());
    achievement.alignment = vec![alignment];
    let mut subject = AchievementSubject::hashed_email("ana@example.org", "deadbeef", achievement);
    subject.id = subject_id.map(str::to_owned);
    let mut issuer = Profile::new(ISSUER, "Example University");
    issuer.url = Some("https://example.org".into());
    issuer.email = Some("badges@example.org".into());
    OpenBadgeCredential {
        id: "urn:uuid:0f3c8a8e-8a4b-4c1e-9d57-6a1f1f6b2d11".into(),
        issuer,
        valid_from: valid_from(),
        valid_until: until,
        awarded_date: Some(valid_from()),
        name: "Rust 101".into(),
        description: Some("Awarded for completing Rust 101.".into()),
        image: None,
        subject,
        evidence: vec![Evidence::named("Final project")],
        credential_status: Some(CredentialStatus::revocation(
            "https://badges.example.org/status/1",
            42,
        )),
        endorsement: Vec::new(),
    }
    .to_json()
}

fn b64_json(part: &str) -> Value {
    let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn parts(token: &str) -> Vec<&str> {
    token.split('.').collect()
}

/// Signs any header and payload with `key` through jsonwebtoken directly
/// (not through this crate), from the key's PKCS#8 PEM.
fn sign_raw(header: &Value, payload: &Value, key: &JwtKey) -> String {
    let pem = key.to_pkcs8_pem().expect("PEM");
    let (encoding, alg) = match key.algorithm() {
        JwtAlgorithm::Rs256 => (
            jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("RSA PEM"),
            jsonwebtoken::Algorithm::RS256,
        ),
        _ => (
            jsonwebtoken::EncodingKey::from_ec_pem(pem.as_bytes()).expect("EC PEM"),
            jsonwebtoken::Algorithm::ES256,
        ),
    };
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature =
        jsonwebtoken::crypto::sign(input.as_bytes(), &encoding, alg).expect("jsonwebtoken signs");
    format!("{input}.{signature}")
}

fn payload_of(token: &str) -> Value {
    b64_json(parts(token)[1])
}

fn header_of(token: &str) -> Value {
    b64_json(parts(token)[0])
}

// --- round trips ----------------------------------------------------------

#[test]
fn rs256_round_trip_with_subject_id_and_expiry() {
    let key = rsa_key();
    let credential = credential(Some("did:example:ana"), Some(valid_until()));
    let token = sign_vc_jwt(&credential, key).expect("signs");

    // The header, in this order.
    let header_text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(parts(&token)[0]).expect("b64")).expect("UTF-8");
    assert_eq!(
        header_text,
        format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{KID_RSA}"}}"#)
    );

    // The payload is the credential plus the registered claims.
    let payload = payload_of(&token);
    let mut expected = credential.clone();
    let object = expected.as_object_mut().expect("object");
    object.insert("iss".into(), json!(ISSUER));
    object.insert(
        "jti".into(),
        json!("urn:uuid:0f3c8a8e-8a4b-4c1e-9d57-6a1f1f6b2d11"),
    );
    object.insert("sub".into(), json!("did:example:ana"));
    object.insert("nbf".into(), json!(1_740_787_200));
    object.insert("exp".into(), json!(1_835_481_600));
    assert_eq!(payload, expected);
    assert_eq!(valid_from().timestamp(), 1_740_787_200);
    assert_eq!(valid_until().timestamp(), 1_835_481_600);

    let decoded = decode_vc_jwt(&token).expect("decodes");
    assert_eq!(decoded.header.alg, "RS256");
    assert_eq!(decoded.header.typ.as_deref(), Some("JWT"));
    assert_eq!(decoded.header.kid.as_deref(), Some(KID_RSA));
    assert_eq!(decoded.credential, credential);
    assert!(!decoded.vc_claim);
    assert_eq!(decoded.claims.iss.as_deref(), Some(ISSUER));
    assert_eq!(decoded.claims.sub.as_deref(), Some("did:example:ana"));
    assert_eq!(decoded.claims.nbf, Some(valid_from()));
    assert_eq!(decoded.claims.exp, Some(valid_until()));

    let set = jwks(&[key.into()]);
    let verified = verify_vc_jwt(&token, &set, during()).expect("verifies");
    assert_eq!(verified, credential);
    // On the first second of validity too, and with the key alone.
    verify_vc_jwt(&token, &key.public_jwk(), valid_from()).expect("valid from validFrom");
}

#[test]
fn es256_round_trip_without_subject_id_or_expiry() {
    let key = ec_key();
    let credential = credential(None, None);
    let token = sign_vc_jwt(&credential, &key).expect("signs");
    assert_eq!(
        header_of(&token),
        json!({"alg": "ES256", "typ": "JWT", "kid": KID_EC})
    );
    let payload = payload_of(&token);
    assert!(payload.get("sub").is_none(), "no sub without a subject id");
    assert!(payload.get("exp").is_none(), "no exp without validUntil");
    assert_eq!(payload["iss"], ISSUER);
    // ES256 signatures are r ‖ s, 64 bytes.
    let signature = URL_SAFE_NO_PAD.decode(parts(&token)[2]).expect("b64");
    assert_eq!(signature.len(), 64);

    let set = jwks(&[rsa_key().into(), (&key).into()]);
    let verified = verify_vc_jwt(&token, &set, at(2099, 1, 1)).expect("verifies");
    assert_eq!(verified, credential);
}

#[test]
fn tokens_verify_with_jsonwebtoken_itself() {
    // A second implementation reads our tokens: jsonwebtoken's own decode,
    // from the SPKI PEM public keys.
    for key in [rsa_key().clone(), ec_key()] {
        let token = sign_vc_jwt(&credential(Some("did:example:ana"), None), &key).expect("signs");
        let pem = key.public_key_pem().expect("public PEM");
        let (decoding, alg) = match key.algorithm() {
            JwtAlgorithm::Rs256 => (
                jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).expect("RSA"),
                jsonwebtoken::Algorithm::RS256,
            ),
            _ => (
                jsonwebtoken::DecodingKey::from_ec_pem(pem.as_bytes()).expect("EC"),
                jsonwebtoken::Algorithm::ES256,
            ),
        };
        let mut validation = jsonwebtoken::Validation::new(alg);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Value>(&token, &decoding, &validation)
            .expect("jsonwebtoken verifies");
        assert_eq!(data.header.kid.as_deref(), Some(key.kid()));
        assert_eq!(data.claims["iss"], ISSUER);
    }
}

#[test]
fn tokens_signed_elsewhere_verify_here() {
    let key = rsa_key();
    let credential = credential(Some("did:example:ana"), None);
    let mut payload = credential.clone();
    let object = payload.as_object_mut().expect("object");
    object.insert("iss".into(), json!(ISSUER));
    object.insert("jti".into(), credential["id"].clone());
    object.insert("sub".into(), json!("did:example:ana"));
    object.insert("nbf".into(), json!(valid_from().timestamp()));
    let token = sign_raw(&json!({"alg": "RS256", "kid": KID_RSA}), &payload, key);
    let verified = verify_vc_jwt(&token, &jwks(&[key.into()]), during()).expect("verifies");
    assert_eq!(verified, credential);
}

#[test]
fn vc_data_model_1_1_tokens_with_a_vc_claim_are_read() {
    let key = rsa_key();
    let mut vc = credential(Some("did:example:ana"), None);
    let object = vc.as_object_mut().expect("object");
    object.remove("validFrom");
    object.insert("issuanceDate".into(), json!("2025-03-01T00:00:00Z"));
    let payload = json!({
        "iss": ISSUER,
        "jti": vc["id"],
        "sub": "did:example:ana",
        "nbf": valid_from().timestamp(),
        "vc": vc,
    });
    let token = sign_raw(
        &json!({"alg": "RS256", "typ": "JWT", "kid": KID_RSA}),
        &payload,
        key,
    );
    let decoded = decode_vc_jwt(&token).expect("decodes");
    assert!(decoded.vc_claim);
    assert_eq!(decoded.credential, vc);
    let verified = verify_vc_jwt(&token, &jwks(&[key.into()]), during()).expect("verifies");
    assert_eq!(verified, vc);
}

#[test]
fn an_embedded_jwk_is_used_only_when_the_key_set_has_it() {
    let key = ec_key();
    let credential = credential(None, None);
    let mut payload = credential.clone();
    let object = payload.as_object_mut().expect("object");
    object.insert("iss".into(), json!(ISSUER));
    object.insert("jti".into(), credential["id"].clone());
    object.insert("nbf".into(), json!(valid_from().timestamp()));
    let mut embedded = key.public_jwk();
    if let Some(jwk) = embedded.as_object_mut() {
        jwk.remove("kid");
    }
    let token = sign_raw(&json!({"alg": "ES256", "jwk": embedded}), &payload, &key);
    verify_vc_jwt(&token, &jwks(&[(&key).into()]), during()).expect("the issuer's key");

    let stranger = JwtKey::generate_es256();
    let err = verify_vc_jwt(&token, &jwks(&[(&stranger).into()]), during())
        .expect_err("a key the issuer did not publish");
    assert!(matches!(err, JwtError::UntrustedEmbeddedKey), "{err}");
}

// --- keys -----------------------------------------------------------------

#[test]
fn public_jwks_have_the_documented_members_and_nothing_private() {
    let rsa = rsa_key();
    let ec = ec_key();
    let rsa_jwk = rsa.public_jwk();
    let names: Vec<&str> = rsa_jwk
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["kty", "n", "e", "alg", "use", "kid"]);
    assert_eq!(rsa_jwk["kty"], "RSA");
    assert_eq!(rsa_jwk["e"], "AQAB");
    assert_eq!(rsa_jwk["alg"], "RS256");
    assert_eq!(rsa_jwk["use"], "sig");
    assert_eq!(rsa_jwk["kid"], KID_RSA);
    let n = URL_SAFE_NO_PAD
        .decode(rsa_jwk["n"].as_str().expect("n"))
        .expect("b64");
    assert_eq!(n.len(), 256, "a 2048-bit modulus");

    let ec_jwk = ec.public_jwk();
    let names: Vec<&str> = ec_jwk
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["kty", "crv", "x", "y", "alg", "use", "kid"]);
    assert_eq!(ec_jwk["crv"], "P-256");
    assert_eq!(ec_jwk["alg"], "ES256");

    // A retired key kept as a JWK, even one pasted with its private part.
    let mut retired = other_rsa_key().public_jwk();
    retired["d"] = json!("c2VjcmV0");
    retired["p"] = json!("c2VjcmV0");
    let set = jwks(&[rsa.into(), (&ec).into(), JwksEntry::Jwk(&retired)]);
    let keys = set["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[0], rsa_jwk);
    assert_eq!(keys[1], ec_jwk);
    for key in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(key.get(private).is_none(), "{private} in {key}");
        }
    }
}

#[test]
fn thumbprints_follow_rfc_7638() {
    // RFC 7638 §3.1.
    let jwk = json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(
        jwk_thumbprint(&jwk).as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );

    // An EC key: computed here from the members.
    let key = JwtKey::generate_es256();
    let jwk = key.public_jwk();
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str().expect("x"),
        jwk["y"].as_str().expect("y")
    );
    let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()));
    assert_eq!(key.thumbprint(), expected);
    assert_eq!(key.kid(), expected, "the default kid is the thumbprint");
}

#[test]
fn pem_export_and_import_keep_the_key() {
    for key in [rsa_key().clone(), ec_key()] {
        let pem = key.to_pkcs8_pem().expect("exports");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
        let back = JwtKey::from_pkcs8_pem(&pem)
            .expect("imports")
            .with_kid(key.kid());
        assert_eq!(back.public_jwk(), key.public_jwk());
        assert_eq!(back.algorithm(), key.algorithm());
        assert!(
            key.public_key_pem()
                .expect("public")
                .starts_with("-----BEGIN PUBLIC KEY-----")
        );
        // Tokens of one verify with the other.
        let token = sign_vc_jwt(&credential(None, None), &back).expect("signs");
        verify_vc_jwt(&token, &key.public_jwk(), during()).expect("verifies");
    }
}

#[test]
fn pkcs1_and_sec1_pems_are_read_too() {
    use p256::pkcs8::DecodePrivateKey as _;
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::LineEnding;

    let rsa_pem = rsa_key().to_pkcs8_pem().expect("PEM");
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(&rsa_pem).expect("RSA");
    let pkcs1 = private.to_pkcs1_pem(LineEnding::LF).expect("PKCS#1");
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let key = JwtKey::from_pkcs8_pem(&pkcs1).expect("reads PKCS#1");
    assert_eq!(key.thumbprint(), rsa_key().thumbprint());

    let ec = ec_key();
    let secret = p256::SecretKey::from_pkcs8_pem(&ec.to_pkcs8_pem().expect("PEM")).expect("P-256");
    let sec1 = secret.to_sec1_pem(LineEnding::LF).expect("SEC1");
    assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
    let key = JwtKey::from_pkcs8_pem(&sec1).expect("reads SEC1");
    assert_eq!(key.thumbprint(), ec.thumbprint());
}

#[test]
fn bad_key_files_are_refused_with_reasons() {
    let public = rsa_key().public_key_pem().expect("public");
    let err = JwtKey::from_pkcs8_pem(&public).expect_err("a public key");
    assert!(err.to_string().contains("public key"), "{err}");
    let err = JwtKey::from_pkcs8_pem("hello").expect_err("not PEM");
    assert!(err.to_string().contains("not a PEM"), "{err}");
    let encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let err = JwtKey::from_pkcs8_pem(encrypted).expect_err("encrypted");
    assert!(err.to_string().contains("encrypted"), "{err}");

    // 1024-bit RSA: too small to sign with or to trust.
    let mut rng = rand_core_06::OsRngish;
    let weak = rsa::RsaPrivateKey::new(&mut rng, 1024).expect("1024-bit key");
    let err = JwtKey::from_rsa(weak).expect_err("too small");
    assert!(err.to_string().contains("at least 2048"), "{err}");
}

#[test]
fn debug_never_prints_the_private_key() {
    for key in [rsa_key().clone(), ec_key()] {
        let debug = format!("{key:?}");
        assert!(debug.contains(key.kid()), "{debug}");
        let pem = key.to_pkcs8_pem().expect("PEM");
        let body: String = pem.lines().skip(1).take(3).collect();
        for chunk in body.as_bytes().chunks(12) {
            let chunk = std::str::from_utf8(chunk).expect("ASCII");
            assert!(!debug.contains(chunk), "{debug} holds {chunk}");
        }
        assert!(!debug.contains("PRIVATE"), "{debug}");
    }
}

// --- refusals -------------------------------------------------------------

fn signed_rs256() -> (String, Value) {
    let credential = credential(Some("did:example:ana"), Some(valid_until()));
    (
        sign_vc_jwt(&credential, rsa_key()).expect("signs"),
        jwks(&[rsa_key().into()]),
    )
}

#[test]
fn a_tampered_payload_fails_the_signature() {
    let (token, set) = signed_rs256();
    let mut payload = payload_of(&token);
    payload["name"] = json!("Rust 999");
    let p = parts(&token);
    let forged = format!(
        "{}.{}.{}",
        p[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        p[2]
    );
    let err = verify_vc_jwt(&forged, &set, during()).expect_err("tampered");
    assert!(matches!(err, JwtError::BadSignature), "{err}");
    assert_eq!(err.to_string(), "the token's signature does not match");

    // A flipped signature byte too.
    let mut signature = URL_SAFE_NO_PAD.decode(p[2]).expect("b64");
    signature[10] ^= 1;
    let forged = format!("{}.{}.{}", p[0], p[1], URL_SAFE_NO_PAD.encode(signature));
    let err = verify_vc_jwt(&forged, &set, during()).expect_err("bad signature");
    assert!(matches!(err, JwtError::BadSignature), "{err}");
}

#[test]
fn another_key_under_the_same_kid_fails_the_signature() {
    let (token, _) = signed_rs256();
    let impostor = other_rsa_key().clone().with_kid(KID_RSA);
    let err = verify_vc_jwt(&token, &jwks(&[(&impostor).into()]), during()).expect_err("wrong key");
    assert!(matches!(err, JwtError::BadSignature), "{err}");
}

#[test]
fn an_unknown_kid_is_named() {
    let (token, _) = signed_rs256();
    let set = jwks(&[other_rsa_key().into()]);
    let err = verify_vc_jwt(&token, &set, during()).expect_err("wrong kid");
    assert!(matches!(err, JwtError::NoKeyWithKid { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("no key with kid \"{KID_RSA}\" in the key set")),
        "{message}"
    );
    assert!(message.contains(other_rsa_key().kid()), "{message}");

    // A single JWK with another kid is refused the same way.
    let err = verify_vc_jwt(&token, &other_rsa_key().public_jwk(), during()).expect_err("kid");
    assert!(matches!(err, JwtError::NoKeyWithKid { .. }), "{err}");
}

#[test]
fn expiry_and_validity_start_are_checked_against_the_given_now() {
    let (token, set) = signed_rs256();
    let err = verify_vc_jwt(&token, &set, valid_until()).expect_err("expired");
    assert!(
        matches!(
            err,
            JwtError::Expired {
                what: "the token",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "the token expired at 2028-03-01T00:00:00Z (now is 2028-03-01T00:00:00Z)"
    );
    verify_vc_jwt(&token, &set, valid_until() - Duration::seconds(1)).expect("last second");

    let err =
        verify_vc_jwt(&token, &set, valid_from() - Duration::seconds(1)).expect_err("too early");
    assert!(
        matches!(
            err,
            JwtError::NotYetValid {
                what: "the token",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("the token is not valid before 2025-03-01T00:00:00Z"),
        "{err}"
    );
}

#[test]
fn unsigned_tokens_are_refused_but_can_be_decoded() {
    let (token, set) = signed_rs256();
    let p = parts(&token);
    for alg in ["none", "None", "NONE"] {
        let header =
            URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT", "kid": KID_RSA}).to_string());
        for unsigned in [
            format!("{header}.{}.", p[1]),
            format!("{header}.{}.{}", p[1], p[2]),
        ] {
            let decoded = decode_vc_jwt(&unsigned).expect("decodes for a report");
            assert_eq!(decoded.header.alg, alg);
            let err = verify_vc_jwt(&unsigned, &set, during()).expect_err("alg none");
            assert!(matches!(err, JwtError::Unsigned(_)), "{err}");
            assert!(err.to_string().contains("unsigned"), "{err}");
        }
    }
}

#[test]
fn hmac_with_the_public_key_as_secret_is_refused() {
    // The classic confusion: an HS256 token keyed with the issuer's public
    // key, which anyone has.
    let (token, set) = signed_rs256();
    let p = parts(&token);
    let public_pem = rsa_key().public_key_pem().expect("public");
    for (alg, name) in [
        (jsonwebtoken::Algorithm::HS256, "HS256"),
        (jsonwebtoken::Algorithm::HS512, "HS512"),
    ] {
        let header =
            URL_SAFE_NO_PAD.encode(json!({"alg": name, "typ": "JWT", "kid": KID_RSA}).to_string());
        let input = format!("{header}.{}", p[1]);
        let mac = jsonwebtoken::crypto::sign(
            input.as_bytes(),
            &jsonwebtoken::EncodingKey::from_secret(public_pem.as_bytes()),
            alg,
        )
        .expect("HMAC");
        let forged = format!("{input}.{mac}");
        let err = verify_vc_jwt(&forged, &set, during()).expect_err("HMAC");
        assert!(matches!(err, JwtError::SharedSecretAlgorithm(_)), "{err}");
        // The n and e of the JWK as secret: refused just the same.
        let err = verify_vc_jwt(&forged, &rsa_key().public_jwk(), during()).expect_err("HMAC");
        assert!(matches!(err, JwtError::SharedSecretAlgorithm(_)), "{err}");
    }
}

#[test]
fn other_algorithms_are_refused() {
    let (token, set) = signed_rs256();
    let p = parts(&token);
    for alg in ["RS512", "PS256", "EdDSA", "ES384", ""] {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": KID_RSA}).to_string());
        let err =
            verify_vc_jwt(&format!("{header}.{}.{}", p[1], p[2]), &set, during()).expect_err(alg);
        assert!(
            matches!(err, JwtError::UnsupportedAlgorithm(_)),
            "{alg}: {err}"
        );
    }
    let header = URL_SAFE_NO_PAD
        .encode(json!({"alg": "RS256", "kid": KID_RSA, "crit": ["b64"], "b64": false}).to_string());
    let err =
        verify_vc_jwt(&format!("{header}.{}.{}", p[1], p[2]), &set, during()).expect_err("crit");
    assert!(matches!(err, JwtError::CriticalHeader(_)), "{err}");
}

#[test]
fn the_key_type_must_fit_the_algorithm() {
    // An RS256 header, and under its kid an EC key.
    let (token, _) = signed_rs256();
    let ec = JwtKey::generate_es256().with_kid(KID_RSA);
    let err = verify_vc_jwt(&token, &jwks(&[(&ec).into()]), during()).expect_err("EC for RS256");
    assert!(
        matches!(err, JwtError::KeyAlgorithmMismatch { .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!("the token's header says RS256 but the key \"{KID_RSA}\" is an EC P-256 key")
    );

    // An ES256 token and an RSA key under its kid.
    let es = sign_vc_jwt(&credential(None, None), &ec_key()).expect("signs");
    let rsa = other_rsa_key().clone().with_kid(KID_EC);
    let err = verify_vc_jwt(&es, &jwks(&[(&rsa).into()]), during()).expect_err("RSA for ES256");
    assert!(
        matches!(err, JwtError::KeyAlgorithmMismatch { .. }),
        "{err}"
    );

    // An RSA key published for another algorithm.
    let mut jwk = rsa_key().public_jwk();
    jwk["alg"] = json!("RS512");
    let err = verify_vc_jwt(&token, &jwk, during()).expect_err("alg of the JWK");
    assert!(
        matches!(err, JwtError::KeyAlgorithmMismatch { .. }),
        "{err}"
    );
    let mut jwk = rsa_key().public_jwk();
    jwk["use"] = json!("enc");
    let err = verify_vc_jwt(&token, &jwk, during()).expect_err("use of the JWK");
    assert!(
        matches!(err, JwtError::KeyAlgorithmMismatch { .. }),
        "{err}"
    );
}

#[test]
fn claims_must_agree_with_the_credential() {
    let key = rsa_key();
    let set = jwks(&[key.into()]);
    let credential = credential(Some("did:example:ana"), None);
    let good = || {
        let mut payload = credential.clone();
        let object = payload.as_object_mut().expect("object");
        object.insert("iss".into(), json!(ISSUER));
        object.insert("jti".into(), credential["id"].clone());
        object.insert("sub".into(), json!("did:example:ana"));
        object.insert("nbf".into(), json!(valid_from().timestamp()));
        payload
    };
    let header = json!({"alg": "RS256", "kid": KID_RSA});
    let check = |payload: Value| verify_vc_jwt(&sign_raw(&header, &payload, key), &set, during());
    check(good()).expect("the good payload verifies");

    let mut payload = good();
    payload["iss"] = json!("https://evil.example/issuer");
    let err = check(payload).expect_err("iss");
    assert!(
        matches!(err, JwtError::ClaimMismatch { claim: "iss", .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("does not match the credential's issuer id"),
        "{err}"
    );

    let mut payload = good();
    payload["jti"] = json!("urn:uuid:other");
    let err = check(payload).expect_err("jti");
    assert!(
        matches!(err, JwtError::ClaimMismatch { claim: "jti", .. }),
        "{err}"
    );

    let mut payload = good();
    payload["sub"] = json!("did:example:ben");
    let err = check(payload).expect_err("sub");
    assert!(
        matches!(err, JwtError::ClaimMismatch { claim: "sub", .. }),
        "{err}"
    );

    let mut payload = good();
    payload["nbf"] = json!(valid_from().timestamp() - 86_400);
    let err = check(payload).expect_err("nbf");
    assert!(
        matches!(err, JwtError::ClaimMismatch { claim: "nbf", .. }),
        "{err}"
    );

    for claim in ["iss", "jti", "sub", "nbf"] {
        let mut payload = good();
        payload.as_object_mut().expect("object").remove(claim);
        let err = check(payload).expect_err(claim);
        assert!(
            matches!(err, JwtError::MissingClaim { claim: c, .. } if c == claim),
            "{claim}: {err}"
        );
    }

    let mut payload = good();
    payload["nbf"] = json!("2025-03-01");
    let err = check(payload).expect_err("nbf as text");
    assert!(
        matches!(err, JwtError::InvalidClaim { claim: "nbf", .. }),
        "{err}"
    );

    // The credential's own validUntil counts even without exp.
    let mut payload = good();
    payload["validUntil"] = json!("2026-01-01T00:00:00Z");
    let err = check(payload).expect_err("validUntil");
    assert!(
        matches!(
            err,
            JwtError::Expired {
                what: "the credential",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn signing_needs_an_issuer_and_a_valid_from() {
    let key = ec_key();
    let mut no_issuer = credential(None, None);
    no_issuer.as_object_mut().expect("object").remove("issuer");
    let err = sign_vc_jwt(&no_issuer, &key).expect_err("no issuer");
    assert!(err.to_string().contains("no issuer"), "{err}");

    let mut no_from = credential(None, None);
    no_from.as_object_mut().expect("object").remove("validFrom");
    let err = sign_vc_jwt(&no_from, &key).expect_err("no validFrom");
    assert!(err.to_string().contains("no validFrom"), "{err}");

    let mut bad_from = credential(None, None);
    bad_from["validFrom"] = json!("1 March 2025");
    let err = sign_vc_jwt(&bad_from, &key).expect_err("bad validFrom");
    assert!(matches!(err, JwtError::InvalidCredential(_)), "{err}");

    let mut with_claim = credential(None, None);
    with_claim["iss"] = json!(ISSUER);
    let err = sign_vc_jwt(&with_claim, &key).expect_err("a claim name");
    assert!(matches!(err, JwtError::InvalidCredential(_)), "{err}");

    let err = sign_vc_jwt(&json!(["not", "an", "object"]), &key).expect_err("array");
    assert!(matches!(err, JwtError::InvalidCredential(_)), "{err}");

    // An issuer given as a string works.
    let mut string_issuer = credential(None, None);
    string_issuer["issuer"] = json!(ISSUER);
    let token = sign_vc_jwt(&string_issuer, &key).expect("signs");
    assert_eq!(payload_of(&token)["iss"], ISSUER);
}

#[test]
fn malformed_tokens_and_key_sets_are_described() {
    let (token, set) = signed_rs256();
    for (bad, needle) in [
        ("", "three base64url parts"),
        ("a.b", "found 2 parts"),
        ("a.b.c.d", "found 4 parts"),
        ("!!!.e30.", "header is not base64url"),
        ("e30=.e30.", "header is not base64url"),
        ("W10.e30.", "header is not a JSON object"),
        ("eyJhbGciOiJSUzI1NiJ9.W10.", "payload is not a JSON object"),
        ("e30.e30.", "header has no alg"),
    ] {
        let err = decode_vc_jwt(bad).expect_err(bad);
        assert!(matches!(err, JwtError::Malformed(_)), "{bad}: {err}");
        assert!(err.to_string().contains(needle), "{bad}: {err}");
    }
    // Whitespace around a token (a file, a baked image) is fine.
    verify_vc_jwt(&format!("\n {token}\n"), &set, during()).expect("trimmed");

    for (keys, needle) in [
        (json!("a string"), "not a JSON object"),
        (json!({"keys": "x"}), "not an array"),
        (json!({"foo": 1}), "neither"),
    ] {
        let err = verify_vc_jwt(&token, &keys, during()).expect_err("bad key set");
        assert!(matches!(err, JwtError::InvalidKeySet(_)), "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    }
    let err = verify_vc_jwt(&token, &json!({"keys": []}), during()).expect_err("empty set");
    assert!(matches!(err, JwtError::NoKeyWithKid { .. }), "{err}");
    assert!(err.to_string().contains("(it has: no kid)"), "{err}");

    // A JWK whose modulus is too small to trust.
    let mut weak = rsa_key().public_jwk();
    weak["n"] = json!(URL_SAFE_NO_PAD.encode([0xc5u8; 128]));
    let err = verify_vc_jwt(&token, &weak, during()).expect_err("1024-bit");
    assert!(matches!(err, JwtError::InvalidKey(_)), "{err}");
    assert!(err.to_string().contains("at least 2048"), "{err}");

    // An EC JWK that is not a point on the curve.
    let es = sign_vc_jwt(&credential(None, None), &ec_key()).expect("signs");
    let mut off_curve = ec_key().public_jwk();
    off_curve["y"] = off_curve["x"].clone();
    let err = verify_vc_jwt(&es, &off_curve, during()).expect_err("off the curve");
    assert!(matches!(err, JwtError::InvalidKey(_)), "{err}");
}

mod rand_core_06 {
    //! A rand_core 0.6 generator for `rsa::RsaPrivateKey::new` in tests,
    //! drawing from rand 0.9's thread generator.
    pub struct OsRngish;

    impl rsa::rand_core::RngCore for OsRngish {
        fn next_u32(&mut self) -> u32 {
            rand::RngCore::next_u32(&mut rand::rng())
        }
        fn next_u64(&mut self) -> u64 {
            rand::RngCore::next_u64(&mut rand::rng())
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            rand::RngCore::fill_bytes(&mut rand::rng(), dest);
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    impl rsa::rand_core::CryptoRng for OsRngish {}
}

// --- never panics -----------------------------------------------------------

fn es_set() -> &'static (JwtKey, Value) {
    static SET: OnceLock<(JwtKey, Value)> = OnceLock::new();
    SET.get_or_init(|| {
        let key = JwtKey::generate_es256().with_kid(KID_EC);
        let set = jwks(&[(&key).into()]);
        (key, set)
    })
}

proptest! {
    #[test]
    fn decoding_garbage_never_panics(text in ".{0,200}") {
        let _ = decode_vc_jwt(&text);
        let _ = verify_vc_jwt(&text, &es_set().1, during());
    }

    #[test]
    fn decoding_three_random_parts_never_panics(
        header in proptest::collection::vec(any::<u8>(), 0..64),
        payload in proptest::collection::vec(any::<u8>(), 0..128),
        signature in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(&header),
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&signature)
        );
        let _ = decode_vc_jwt(&token);
        let _ = verify_vc_jwt(&token, &es_set().1, during());
    }

    #[test]
    fn random_json_headers_and_claims_never_panic(
        alg in prop_oneof![
            Just("ES256".to_owned()),
            Just("RS256".to_owned()),
            Just("none".to_owned()),
            Just("HS256".to_owned()),
            ".{0,8}",
        ],
        kid in proptest::option::of(prop_oneof![Just(KID_EC.to_owned()), ".{0,12}"]),
        nbf in prop_oneof![
            Just(json!(null)),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            ".{0,6}".prop_map(|s| json!(s)),
        ],
        exp in prop_oneof![Just(json!(null)), any::<i64>().prop_map(|n| json!(n)), any::<f64>().prop_map(|f| json!(f))],
        iss in prop_oneof![Just(json!(ISSUER)), Just(json!(7)), Just(json!([ISSUER]))],
        issuer in prop_oneof![Just(json!(ISSUER)), Just(json!({"id": ISSUER})), Just(json!({})), Just(json!(3))],
        valid_from in prop_oneof![Just(json!("2025-03-01T00:00:00Z")), Just(json!("garbage")), Just(json!(1))],
        signature in proptest::collection::vec(any::<u8>(), 0..72),
    ) {
        let mut header = json!({"alg": alg});
        if let Some(kid) = kid {
            header["kid"] = json!(kid);
        }
        let payload = json!({
            "issuer": issuer, "validFrom": valid_from, "iss": iss, "nbf": nbf, "exp": exp,
            "credentialSubject": {"id": "did:example:ana"}, "sub": "did:example:ana",
        });
        let unsigned = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            URL_SAFE_NO_PAD.encode(&signature)
        );
        let _ = decode_vc_jwt(&unsigned);
        let _ = verify_vc_jwt(&unsigned, &es_set().1, during());
        if alg == "ES256" {
            // Properly signed, so the claim checks run on the odd values.
            let signed = sign_raw(&header, &payload, &es_set().0);
            let _ = decode_vc_jwt(&signed);
            let _ = verify_vc_jwt(&signed, &es_set().1, during());
        }
    }
}

#[test]
fn an_es256_key_from_bytes_is_the_same_key_every_time_and_zero_is_refused() {
    let bytes = [7u8; 32];
    let a = JwtKey::es256_from_bytes(&bytes).expect("a valid scalar");
    let b = JwtKey::es256_from_bytes(&bytes).expect("a valid scalar");
    assert_eq!(a.public_jwk(), b.public_jwk());
    assert_eq!(a.algorithm(), JwtAlgorithm::Es256);
    assert!(JwtKey::es256_from_bytes(&[0u8; 32]).is_err());
    assert!(
        JwtKey::es256_from_bytes(&[0xff; 32]).is_err(),
        "above the curve order"
    );
    let token = sign_vc_jwt(&credential(None, None), &a).expect("signed");
    let keys = jwks(&[JwksEntry::Key(&b)]);
    verify_vc_jwt(&token, &keys, during()).expect("verifies with the same key");
}

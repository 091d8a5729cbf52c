//! Issuer keys: Multikey encodings against the W3C vc-di-eddsa and 1EdTech
//! Open Badges 3.0 test vectors, sealed storage, key documents, did:web
//! mapping and resolution.

use std::path::PathBuf;

use cairn_credentials::keys::{
    ChainResolver, DidKeyResolver, DocumentResolver, KeyEntry, KeyError, KeyResolver, SigningKey,
    decode_public_key_multibase, derive_kek, did_key_for, did_key_verification_method,
    did_web_document, did_web_to_url, encode_public_key_multibase, multikey_document, open,
    public_key_from_base58, public_key_from_did_key, public_key_from_jwk, public_key_from_method,
    seal, set_profile_keys, url_to_did_web, verify_signature,
};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}

fn read_text(path: &str) -> String {
    std::fs::read_to_string(testdata(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_json(path: &str) -> Value {
    serde_json::from_str(&read_text(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hex_file(path: &str) -> Vec<u8> {
    hex::decode(read_text(path).trim()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The secret of a vector key pair file: `secretKeyMultibase`, or
/// `privateKeyMultibase` as the vc-di-eddsa files call it.
fn secret_of(pair: &Value) -> &str {
    pair.get("secretKeyMultibase")
        .or_else(|| pair.get("privateKeyMultibase"))
        .and_then(Value::as_str)
        .expect("key pair has a secret multibase")
}

fn public_of(pair: &Value) -> &str {
    pair["publicKeyMultibase"]
        .as_str()
        .expect("publicKeyMultibase")
}

fn check_pair(pair: &Value) -> SigningKey {
    let key = SigningKey::from_secret_key_multibase(secret_of(pair)).expect("secret decodes");
    let public = decode_public_key_multibase(public_of(pair)).expect("public decodes");
    assert_eq!(
        key.verifying_key(),
        public,
        "public key derived from the secret"
    );
    assert_eq!(key.public_key_multibase(), public_of(pair));
    assert_eq!(key.secret_key_multibase(), secret_of(pair));
    key
}

#[test]
fn vc_di_eddsa_key_pairs_decode_and_match() {
    check_pair(&read_json("vc-di-eddsa/keyPair.json"));
    let pairs = read_json("vc-di-eddsa/proof-set-chain/multiKeyPairs.json");
    let pairs = pairs.as_object().expect("object of key pairs");
    assert_eq!(pairs.len(), 4);
    for pair in pairs.values() {
        check_pair(pair);
    }
}

/// One vector directory: the canonical document and proof configuration are
/// given, so hashing them and signing `proofHash ‖ docHash` must reproduce
/// the published hashes and signature exactly (Ed25519 is deterministic).
fn reproduce_vector(dir: &str, suffix: &str, doc_ext: &str, proof_ext: &str) {
    let key = check_pair(&read_json("vc-di-eddsa/keyPair.json"));
    let doc_hash = Sha256::digest(read_text(&format!("{dir}/canonDoc{suffix}.{doc_ext}")));
    let proof_hash = Sha256::digest(read_text(&format!("{dir}/proofCanon{suffix}.{proof_ext}")));
    assert_eq!(
        doc_hash.as_slice(),
        hex_file(&format!("{dir}/docHash{suffix}.txt")),
        "{dir} document hash"
    );
    assert_eq!(
        proof_hash.as_slice(),
        hex_file(&format!("{dir}/proofHash{suffix}.txt")),
        "{dir} proof hash"
    );
    let combined = hex_file(&format!("{dir}/combinedHash{suffix}.txt"));
    assert_eq!(
        combined,
        [proof_hash.as_slice(), doc_hash.as_slice()].concat()
    );

    let signature = key.sign(&combined);
    assert_eq!(
        signature.as_slice(),
        hex_file(&format!("{dir}/sigHex{suffix}.txt")),
        "{dir} signature"
    );
    let proof_value = format!("z{}", bs58::encode(signature).into_string());
    assert_eq!(
        proof_value,
        read_text(&format!("{dir}/sigBTC58{suffix}.txt")).trim(),
        "{dir} proofValue"
    );
    verify_signature(&key.verifying_key(), &combined, &signature).expect("verifies");

    // The signed credential names the key as a did:key method, which
    // resolves offline to the same key.
    let signed = std::fs::read_dir(testdata(dir))
        .expect("vector dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("signed"))
        })
        .expect("a signed credential file");
    let signed: Value =
        serde_json::from_str(&std::fs::read_to_string(signed).expect("read")).expect("json");
    let method = signed["proof"]["verificationMethod"].as_str().expect("vm");
    assert_eq!(method, did_key_verification_method(&key.verifying_key()));
    let resolved = DidKeyResolver.resolve(method).expect("resolves");
    assert_eq!(resolved.public_key, key.verifying_key());
    assert_eq!(resolved.id, method);
    assert_eq!(resolved.controller, key.did_key());
    assert_eq!(
        signed["proof"]["proofValue"].as_str(),
        Some(proof_value.as_str())
    );
}

#[test]
fn vc_di_eddsa_rdfc_2022_signature_reproduced() {
    reproduce_vector("vc-di-eddsa/eddsa-rdfc-2022", "DataInt", "txt", "txt");
}

#[test]
fn vc_di_eddsa_rdfc_2022_employment_signature_reproduced() {
    reproduce_vector(
        "vc-di-eddsa/eddsa-rdfc-2022/employ",
        "DataInt",
        "txt",
        "txt",
    );
}

#[test]
fn vc_di_eddsa_jcs_2022_signature_reproduced() {
    reproduce_vector("vc-di-eddsa/eddsa-jcs-2022", "JCS", "txt", "txt");
}

#[test]
fn ed25519_signature_2020_signature_reproduced() {
    reproduce_vector("vc-di-eddsa/Ed25519Signature2020", "EdSig", "txt", "txt");
}

#[test]
fn open_badges_vector_verifies_through_an_embedded_profile_key() {
    let vector = read_json("ob3/canon-vectors/obv3p0/vector.json");
    let text = |name: &str| vector[name].as_str().expect(name).to_owned();
    let secret = hex::decode(text("secretKeyHex")).expect("hex");
    let seed: [u8; 32] = secret[..32].try_into().expect("32");
    let key = SigningKey::from_seed(&seed);
    assert_eq!(
        hex::encode(key.verifying_key().as_bytes()),
        text("publicKeyHex")
    );
    assert_eq!(key.public_key_multibase(), text("publicKeyMultibase"));

    let doc = read_text("ob3/canon-vectors/obv3p0/document-canon.txt");
    let proof = read_text("ob3/canon-vectors/obv3p0/proof-canon.txt");
    let doc_hash = Sha256::digest(doc);
    let proof_hash = Sha256::digest(proof);
    assert_eq!(hex::encode(doc_hash), text("documentHashHex"));
    assert_eq!(hex::encode(proof_hash), text("proofHashHex"));
    let data = [proof_hash.as_slice(), doc_hash.as_slice()].concat();
    let signature = hex::decode(text("signatureHex")).expect("hex");
    assert_eq!(key.sign(&data).as_slice(), signature.as_slice());

    // The proof names `<issuer>#<multibase>`: an issuer Profile with the key
    // embedded in assertionMethod resolves it.
    let credential = &vector["signedCredential"];
    let method = credential["proof"]["verificationMethod"]
        .as_str()
        .expect("vm");
    let issuer = credential["issuer"]["id"].as_str().expect("issuer id");
    let profile = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": issuer,
        "type": "Profile",
        "name": "Example Corp",
        "assertionMethod": [{
            "id": format!("#{}", text("publicKeyMultibase")),
            "type": "Multikey",
            "publicKeyMultibase": text("publicKeyMultibase"),
        }],
    });
    let resolver = DocumentResolver::from_documents([profile]).expect("profile");
    let resolved = resolver.resolve(method).expect("resolves");
    assert_eq!(resolved.controller, issuer);
    assert!(resolver.lists_assertion_method(issuer, method));
    verify_signature(&resolved.public_key, &data, &signature).expect("verifies");
    let proof_value = credential["proof"]["proofValue"]
        .as_str()
        .expect("proofValue");
    assert_eq!(
        bs58::decode(&proof_value[1..]).into_vec().expect("base58"),
        signature
    );
}

#[test]
fn generated_key_signs_and_debug_hides_the_secret() {
    let key = SigningKey::generate();
    let other = SigningKey::generate();
    assert_ne!(key, other);
    let signature = key.sign(b"hello");
    verify_signature(&key.verifying_key(), b"hello", &signature).expect("verifies");
    assert!(verify_signature(&key.verifying_key(), b"hellO", &signature).is_err());
    assert!(verify_signature(&other.verifying_key(), b"hello", &signature).is_err());
    assert!(verify_signature(&key.verifying_key(), b"hello", &signature[..63]).is_err());

    let debug = format!("{key:?}");
    let secret = key.secret_key_multibase();
    assert!(debug.contains(&key.public_key_multibase()), "{debug}");
    assert!(!debug.contains(&secret), "{debug}");
    assert!(!debug.contains(&secret[1..10]), "{debug}");
    assert!(key.public_key_multibase().starts_with("z6Mk"));
    assert!(secret.starts_with("z3u2"));
}

#[test]
fn pkcs8_pem_private_key_reads() {
    // RFC 8410 section 10.3 example private key.
    let pem = "-----BEGIN PRIVATE KEY-----\n\
               MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
               -----END PRIVATE KEY-----\n";
    let key = SigningKey::from_pkcs8_pem(pem).expect("pem");
    assert_eq!(
        hex::encode(key.verifying_key().as_bytes()),
        "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
    );
    assert!(matches!(
        SigningKey::from_pkcs8_pem(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        ),
        Err(KeyError::InvalidPrivateKey(_))
    ));
}

#[test]
fn sealed_key_round_trip_and_failures() {
    let key = SigningKey::generate();
    let kek = derive_kek("a long configured secret, 32 random bytes in base64 in real life");
    let sealed = seal(&key, &kek, "https://example.org/keys/1");
    let parts: Vec<&str> = sealed.split(':').collect();
    assert_eq!(parts.len(), 3, "{sealed}");
    assert_eq!(parts[0], "cairn-key-v1");
    assert_eq!(parts[1].len(), 32, "24 bytes of base64url without padding");
    assert_eq!(parts[2].len(), 64, "48 bytes of base64url without padding");

    let opened = open(&sealed, &kek, "https://example.org/keys/1").expect("opens");
    assert_eq!(opened, key);
    // A trailing newline from a file is fine.
    assert_eq!(
        open(&format!("{sealed}\n"), &kek, "https://example.org/keys/1").ok(),
        Some(key.clone())
    );
    // Fresh nonce every time.
    assert_ne!(seal(&key, &kek, "k"), seal(&key, &kek, "k"));

    let wrong_kek = derive_kek("another secret");
    assert!(matches!(
        open(&sealed, &wrong_kek, "https://example.org/keys/1"),
        Err(KeyError::SealedKeyRejected)
    ));
    assert!(matches!(
        open(&sealed, &kek, "https://example.org/keys/2"),
        Err(KeyError::SealedKeyRejected)
    ));
    // Flip one character of the ciphertext, keeping valid base64url.
    let mut tampered: Vec<char> = sealed.chars().collect();
    let at = tampered.len() - 20;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    assert!(matches!(
        open(&tampered, &kek, "https://example.org/keys/1"),
        Err(KeyError::SealedKeyRejected)
    ));
    // Same for the nonce.
    let mut tampered: Vec<char> = sealed.chars().collect();
    let at = "cairn-key-v1:".len() + 3;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    assert!(matches!(
        open(&tampered, &kek, "https://example.org/keys/1"),
        Err(KeyError::SealedKeyRejected)
    ));

    for malformed in [
        "",
        "cairn-key-v1",
        "cairn-key-v2:AAAA:BBBB",
        &sealed.replacen("cairn-key-v1", "cairn-key-v2", 1),
        &format!("{sealed}:extra"),
        &sealed[..sealed.len() - 2],
        &sealed.replacen(':', ":!", 2),
    ] {
        let error = open(malformed, &kek, "https://example.org/keys/1").expect_err(malformed);
        assert!(
            matches!(error, KeyError::MalformedSealedKey(_)),
            "{malformed}: {error}"
        );
    }
}

#[test]
fn kek_derivation_is_stable_and_domain_separated() {
    let kek = derive_kek("secret");
    assert_eq!(kek, derive_kek("secret"));
    assert_ne!(kek, derive_kek("secret "));
    assert_ne!(kek.as_slice(), Sha256::digest("secret").as_slice());
    assert_eq!(
        kek.as_slice(),
        Sha256::digest(b"cairn key-encryption key v1\0secret").as_slice()
    );
    // Any length, including none and long.
    assert_ne!(derive_kek(""), derive_kek(&"x".repeat(10_000)));
}

#[test]
fn public_key_forms() {
    let key = SigningKey::generate();
    let public = key.verifying_key();
    let multibase = encode_public_key_multibase(&public);
    assert_eq!(
        decode_public_key_multibase(&multibase).expect("multikey"),
        public
    );

    let did = did_key_for(&public);
    assert_eq!(did, format!("did:key:{multibase}"));
    assert_eq!(public_key_from_did_key(&did).expect("did"), public);
    let vm = did_key_verification_method(&public);
    assert_eq!(vm, format!("{did}#{multibase}"));
    assert_eq!(public_key_from_did_key(&vm).expect("vm"), public);

    let base58 = bs58::encode(public.as_bytes()).into_string();
    assert_eq!(public_key_from_base58(&base58).expect("base58"), public);

    use base64::Engine as _;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public.as_bytes());
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k"});
    assert_eq!(public_key_from_jwk(&jwk).expect("jwk"), public);

    let methods = [
        json!({"id": "x", "type": "Multikey", "controller": "c", "publicKeyMultibase": multibase}),
        json!({"id": "x", "type": "Ed25519VerificationKey2020", "controller": "c",
               "publicKeyMultibase": multibase}),
        json!({"id": "x", "type": "Ed25519VerificationKey2018", "controller": "c",
               "publicKeyBase58": base58}),
        json!({"id": "x", "type": "JsonWebKey2020", "controller": "c", "publicKeyJwk": jwk}),
        json!({"id": "x", "type": "JsonWebKey", "controller": "c", "publicKeyJwk": jwk}),
        json!({"id": "x", "controller": "c", "publicKeyMultibase": multibase}),
    ];
    for method in &methods {
        assert_eq!(
            public_key_from_method(method).expect("method"),
            public,
            "{method}"
        );
    }
}

#[test]
fn public_key_forms_reject_bad_input() {
    let key = SigningKey::generate();
    let public = key.verifying_key();
    let multibase = key.public_key_multibase();

    // Wrong multibase prefix, wrong multicodec, wrong length, garbage.
    assert!(matches!(
        decode_public_key_multibase(&multibase[1..]),
        Err(KeyError::NotBase58Multibase { .. })
    ));
    let secret = key.secret_key_multibase();
    assert!(matches!(
        decode_public_key_multibase(&secret),
        Err(KeyError::NotEd25519 { .. })
    ));
    let mut short = vec![0xed, 0x01];
    short.extend_from_slice(&public.as_bytes()[..31]);
    assert!(matches!(
        decode_public_key_multibase(&format!("z{}", bs58::encode(short).into_string())),
        Err(KeyError::WrongLength { .. })
    ));
    assert!(matches!(
        decode_public_key_multibase("z0OIl"),
        Err(KeyError::Encoding { .. })
    ));
    assert!(decode_public_key_multibase(&format!("z{}", "1".repeat(10_000))).is_err());
    // A P-256 did:key (zDn…) from the vectors is not Ed25519.
    assert!(matches!(
        public_key_from_did_key("did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"),
        Err(KeyError::NotEd25519 { .. })
    ));
    // Small-order point (the identity) is refused.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut weak = vec![0xed, 0x01];
    weak.extend_from_slice(&identity);
    assert!(matches!(
        decode_public_key_multibase(&format!("z{}", bs58::encode(weak).into_string())),
        Err(KeyError::WeakPublicKey)
    ));

    assert!(public_key_from_did_key(&format!("did:web:{multibase}")).is_err());
    assert!(public_key_from_did_key(&format!("did:key:{multibase}#key-1")).is_err());
    assert!(public_key_from_did_key(&format!("did:key:{multibase}/path")).is_err());

    assert!(public_key_from_jwk(&json!({"kty": "EC", "crv": "P-256", "x": "AA"})).is_err());
    assert!(public_key_from_jwk(&json!({"kty": "OKP", "crv": "X25519", "x": "AA"})).is_err());
    assert!(public_key_from_jwk(&json!({"kty": "OKP", "crv": "Ed25519"})).is_err());
    assert!(public_key_from_jwk(&json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"})).is_err());

    assert!(matches!(
        public_key_from_method(&json!({"type": "EcdsaSecp256k1VerificationKey2019",
                                       "publicKeyMultibase": multibase})),
        Err(KeyError::UnsupportedMethodType(_))
    ));
    assert!(public_key_from_method(&json!({"type": "Multikey"})).is_err());
    assert!(public_key_from_method(&json!({"id": "x"})).is_err());
}

#[test]
fn multikey_document_shape() {
    let key = SigningKey::generate();
    let doc = multikey_document(
        "https://example.org/issuers/1/keys/2",
        "https://example.org/issuers/1",
        &key.public_key_multibase(),
        None,
    );
    assert_eq!(
        doc,
        json!({
            "@context": "https://w3id.org/security/multikey/v1",
            "id": "https://example.org/issuers/1/keys/2",
            "type": "Multikey",
            "controller": "https://example.org/issuers/1",
            "publicKeyMultibase": key.public_key_multibase(),
        })
    );
    let keys: Vec<&str> = doc
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys[0], "@context");

    let revoked_at = Utc
        .with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .expect("date");
    let doc = multikey_document(
        "https://e.org/k/1",
        "https://e.org",
        "z6Mk",
        Some(revoked_at),
    );
    assert_eq!(doc["revoked"], "2025-03-01T12:00:00Z");
}

#[test]
fn profile_keys_put_did_context_first() {
    let mut profile = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                     "https://example.org/extra.json"],
        "id": "https://example.org/issuers/1",
        "type": "Profile",
        "name": "Example",
        "assertionMethod": ["https://example.org/old"],
    });
    set_profile_keys(
        &mut profile,
        &[
            "https://example.org/issuers/1/keys/1",
            "https://example.org/issuers/1/keys/2",
        ],
    )
    .expect("object");
    assert_eq!(
        profile["@context"],
        json!([
            "https://www.w3.org/ns/did/v1",
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://example.org/extra.json"
        ])
    );
    assert_eq!(
        profile["assertionMethod"],
        json!([
            "https://example.org/issuers/1/keys/1",
            "https://example.org/issuers/1/keys/2"
        ])
    );
    assert_eq!(profile["name"], "Example");
    let first = profile.as_object().expect("object").keys().next().cloned();
    assert_eq!(first.as_deref(), Some("@context"));
    assert!(set_profile_keys(&mut json!("not an object"), &[]).is_err());
}

#[test]
fn issuer_key_documents_resolve_with_revocation() {
    let issuer = "https://example.org/issuers/1";
    let old = SigningKey::generate();
    let new = SigningKey::generate();
    let revoked_at = Utc
        .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
        .single()
        .expect("date");
    let old_url = format!("{issuer}/keys/1");
    let new_url = format!("{issuer}/keys/2");
    let mut profile = json!({"id": issuer, "type": "Profile", "name": "Example"});
    set_profile_keys(&mut profile, &[&old_url, &new_url]).expect("profile");

    let resolver = DocumentResolver::from_documents([
        multikey_document(
            &old_url,
            issuer,
            &old.public_key_multibase(),
            Some(revoked_at),
        ),
        multikey_document(&new_url, issuer, &new.public_key_multibase(), None),
        profile,
    ])
    .expect("documents");

    let resolved = resolver.resolve(&old_url).expect("old key");
    assert_eq!(resolved.id, old_url);
    assert_eq!(resolved.controller, issuer);
    assert_eq!(resolved.public_key, old.verifying_key());
    assert_eq!(resolved.revoked, Some(revoked_at));
    let resolved = resolver.resolve(&new_url).expect("new key");
    assert_eq!(resolved.public_key, new.verifying_key());
    assert_eq!(resolved.revoked, None);

    assert!(resolver.lists_assertion_method(issuer, &old_url));
    assert!(resolver.lists_assertion_method(issuer, &new_url));
    assert!(!resolver.lists_assertion_method(issuer, &format!("{issuer}/keys/3")));
    assert!(!resolver.lists_assertion_method("https://other.example", &new_url));

    assert!(matches!(
        resolver.resolve(&format!("{issuer}/keys/3")),
        Err(KeyError::NotFound(_))
    ));
}

#[test]
fn did_web_document_shape_and_resolution() {
    let did = "did:web:example.org:issuers:kucrl";
    let first = SigningKey::generate();
    let second = SigningKey::generate();
    let revoked_at = Utc
        .with_ymd_and_hms(2024, 6, 1, 0, 0, 0)
        .single()
        .expect("date");
    let doc = did_web_document(
        did,
        &[
            KeyEntry {
                fragment: "key-1".into(),
                public_key_multibase: first.public_key_multibase(),
                revoked: Some(revoked_at),
            },
            KeyEntry {
                fragment: "key-2".into(),
                public_key_multibase: second.public_key_multibase(),
                revoked: None,
            },
        ],
    );
    assert_eq!(
        doc,
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [
                {"id": format!("{did}#key-1"), "type": "Multikey", "controller": did,
                 "publicKeyMultibase": first.public_key_multibase(),
                 "revoked": "2024-06-01T00:00:00Z"},
                {"id": format!("{did}#key-2"), "type": "Multikey", "controller": did,
                 "publicKeyMultibase": second.public_key_multibase()},
            ],
            "assertionMethod": [format!("{did}#key-1"), format!("{did}#key-2")],
            "authentication": [format!("{did}#key-2")],
        })
    );

    let resolver = DocumentResolver::from_documents([&doc]).expect("did doc");
    let one = resolver.resolve(&format!("{did}#key-1")).expect("key-1");
    assert_eq!(one.public_key, first.verifying_key());
    assert_eq!(one.controller, did);
    assert_eq!(one.revoked, Some(revoked_at));
    let two = resolver.resolve(&format!("{did}#key-2")).expect("key-2");
    assert_eq!(two.public_key, second.verifying_key());
    assert!(resolver.lists_assertion_method(did, &format!("{did}#key-1")));
    assert!(resolver.resolve(&format!("{did}#key-3")).is_err());
}

#[test]
fn did_documents_with_relative_ids_and_legacy_types() {
    let key_2018 = SigningKey::generate();
    let key_2020 = SigningKey::generate();
    let key_jwk = SigningKey::generate();
    use base64::Engine as _;
    let x =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key_jwk.verifying_key().as_bytes());
    let doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": "did:web:legacy.example",
        "verificationMethod": [
            {"id": "#a", "type": "Ed25519VerificationKey2018", "controller": "did:web:legacy.example",
             "publicKeyBase58": bs58::encode(key_2018.verifying_key().as_bytes()).into_string()},
            {"id": "did:web:legacy.example#b", "type": "Ed25519VerificationKey2020",
             "publicKeyMultibase": key_2020.public_key_multibase()},
            {"id": "#x25519", "type": "X25519KeyAgreementKey2020", "publicKeyMultibase": "z6LS"},
        ],
        "assertionMethod": [
            "#a",
            "did:web:legacy.example#b",
            {"id": "#c", "type": "JsonWebKey2020",
             "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x}},
        ],
    });
    let mut resolver = DocumentResolver::new();
    assert_eq!(resolver.add_document(&doc).expect("doc"), 4);
    for (fragment, key) in [("a", &key_2018), ("b", &key_2020), ("c", &key_jwk)] {
        let id = format!("did:web:legacy.example#{fragment}");
        let resolved = resolver.resolve(&id).expect(fragment);
        assert_eq!(resolved.public_key, key.verifying_key(), "{fragment}");
        assert_eq!(resolved.controller, "did:web:legacy.example");
        assert_eq!(resolved.id, id);
        assert!(resolver.lists_assertion_method("did:web:legacy.example", &id));
    }
    assert!(matches!(
        resolver.resolve("did:web:legacy.example#x25519"),
        Err(KeyError::UnsupportedMethodType(_))
    ));
    assert!(
        resolver
            .add_document(&json!({"id": "https://e.org", "name": "no keys"}))
            .is_err()
    );
    assert!(resolver.add_document(&json!([1, 2])).is_err());
}

#[test]
fn did_key_resolver_and_chain() {
    let key = SigningKey::generate();
    let vm = did_key_verification_method(&key.verifying_key());
    let resolved = DidKeyResolver.resolve(&key.did_key()).expect("bare did");
    assert_eq!(resolved.id, vm);
    assert!(matches!(
        DidKeyResolver.resolve("https://example.org/keys/1"),
        Err(KeyError::NotFound(_))
    ));

    let web_key = SigningKey::generate();
    let docs = DocumentResolver::from_documents([multikey_document(
        "https://example.org/keys/1",
        "https://example.org",
        &web_key.public_key_multibase(),
        None,
    )])
    .expect("doc");
    let chain = ChainResolver::new().with(DidKeyResolver).with(docs);
    assert_eq!(
        chain.resolve(&vm).expect("did:key").public_key,
        key.verifying_key()
    );
    assert_eq!(
        chain
            .resolve("https://example.org/keys/1")
            .expect("doc")
            .public_key,
        web_key.verifying_key()
    );
    assert!(matches!(
        chain.resolve("https://example.org/keys/2"),
        Err(KeyError::NotFound(_))
    ));
    // A malformed did:key is reported, not hidden behind "not found".
    assert!(matches!(
        chain.resolve("did:key:z6MkBAD"),
        Err(KeyError::Encoding { .. } | KeyError::NotEd25519 { .. } | KeyError::WrongLength { .. })
    ));

    // Shared resolvers and trait objects work.
    let shared = std::sync::Arc::new(DidKeyResolver);
    let as_dyn: &dyn KeyResolver = &shared;
    assert!(as_dyn.resolve(&vm).is_ok());
    let chain = ChainResolver::new().with(shared);
    assert!(chain.resolve(&vm).is_ok());
}

/// A caller's fetching resolver only has to implement one method.
#[test]
fn custom_resolver_is_easy_to_write() {
    struct Fetching;
    impl KeyResolver for Fetching {
        fn resolve(
            &self,
            verification_method: &str,
        ) -> Result<cairn_credentials::keys::ResolvedKey, KeyError> {
            Err(KeyError::Resolution {
                id: verification_method.to_owned(),
                reason: "HTTP 503".into(),
            })
        }
    }
    let chain = ChainResolver::new().with(Fetching).with(DidKeyResolver);
    let key = SigningKey::generate();
    assert!(chain.resolve(&key.did_key()).is_ok());
    let error = chain
        .resolve("https://down.example/keys/1")
        .expect_err("fails");
    assert!(error.to_string().contains("HTTP 503"), "{error}");
}

#[test]
fn did_web_url_mapping() {
    let cases = [
        (
            "did:web:example.org",
            "https://example.org/.well-known/did.json",
        ),
        (
            "did:web:example.org:issuers:kucrl",
            "https://example.org/issuers/kucrl/did.json",
        ),
        (
            "did:web:localhost%3A8443",
            "https://localhost:8443/.well-known/did.json",
        ),
        (
            "did:web:example.org%3A3000:u:alice",
            "https://example.org:3000/u/alice/did.json",
        ),
    ];
    for (did, url) in cases {
        assert_eq!(did_web_to_url(did).expect(did), url);
        assert_eq!(url_to_did_web(url).expect(url), did);
    }
    assert_eq!(
        url_to_did_web("https://Example.ORG/issuers/kucrl").expect("base URL"),
        "did:web:example.org:issuers:kucrl"
    );
    assert_eq!(
        url_to_did_web("https://example.org/").expect("root"),
        "did:web:example.org"
    );
    assert_eq!(
        url_to_did_web("https://example.org").expect("root"),
        "did:web:example.org"
    );
    assert_eq!(
        url_to_did_web("https://example.org/a~b").expect("escaped"),
        "did:web:example.org:a%7Eb"
    );

    for bad in [
        "did:key:z6Mk",
        "did:web:",
        "did:web:example.org#key-1",
        "did:web:example.org::x",
        "did:web:exa mple.org",
        "did:web:example.org/path",
        "did:web:example.org%3Aport",
        "did:web:example.org:a%zz",
    ] {
        assert!(did_web_to_url(bad).is_err(), "{bad}");
    }
    for bad in [
        "http://example.org/did.json",
        "https://",
        "https://user@example.org/",
        "https://example.org/a?b=c",
        "https://example.org/a#frag",
        "https://example.org//a",
        "https://example.org/a/../b",
        "ftp://example.org",
    ] {
        assert!(url_to_did_web(bad).is_err(), "{bad}");
    }
}

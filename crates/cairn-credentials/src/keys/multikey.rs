//! Ed25519 public and secret keys as text: Multikey, `did:key`, the legacy
//! 2018/2020 verification key types and JWK.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use super::KeyError;

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as an
/// unsigned varint).
pub const ED25519_PUBLIC_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (`ed25519-priv`, 0x1300 as an
/// unsigned varint).
pub const ED25519_SECRET_MULTICODEC: [u8; 2] = [0x80, 0x26];

/// Longest multibase text decoded: an Ed25519 key is 48 characters, and
/// base58 decoding is quadratic, so very long input is refused unread.
const MAX_MULTIBASE_LEN: usize = 128;

fn decode_multibase_base58(text: &str, what: &'static str) -> Result<Vec<u8>, KeyError> {
    let rest = text
        .strip_prefix('z')
        .ok_or(KeyError::NotBase58Multibase { what })?;
    decode_base58(rest, what)
}

fn decode_base58(text: &str, what: &'static str) -> Result<Vec<u8>, KeyError> {
    if text.len() > MAX_MULTIBASE_LEN {
        return Err(KeyError::Encoding {
            what,
            encoding: "base58btc",
            reason: format!("{} characters is too long for a key", text.len()),
        });
    }
    bs58::decode(text)
        .into_vec()
        .map_err(|e| KeyError::Encoding {
            what,
            encoding: "base58btc",
            reason: e.to_string(),
        })
}

fn strip_multicodec<'a>(
    bytes: &'a [u8],
    prefix: [u8; 2],
    expected: &'static str,
    what: &'static str,
) -> Result<&'a [u8; 32], KeyError> {
    let Some(rest) = bytes.strip_prefix(&prefix) else {
        return Err(KeyError::NotEd25519 {
            what,
            found: hex::encode(bytes.get(..2).unwrap_or(bytes)),
            expected,
        });
    };
    rest.try_into().map_err(|_| KeyError::WrongLength {
        what,
        expected: 34,
        found: bytes.len(),
    })
}

/// A public key from its 32 raw bytes, refusing non-points and small-order
/// points.
pub(super) fn verifying_key_from_bytes(
    bytes: &[u8],
    what: &'static str,
) -> Result<VerifyingKey, KeyError> {
    let raw: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::WrongLength {
        what,
        expected: 32,
        found: bytes.len(),
    })?;
    let key = VerifyingKey::from_bytes(raw).map_err(|_| KeyError::InvalidPublicKey)?;
    if key.is_weak() {
        return Err(KeyError::WeakPublicKey);
    }
    Ok(key)
}

/// `publicKeyMultibase` of a Multikey (and of `Ed25519VerificationKey2020`):
/// `z` + base58btc(0xed 0x01 ‖ 32-byte public key).
#[must_use]
pub fn encode_public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_PUBLIC_MULTICODEC);
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Reads an Ed25519 `publicKeyMultibase` (`z6Mk…`), checking the 0xed01
/// multicodec prefix and that the key is a usable curve point.
pub fn decode_public_key_multibase(text: &str) -> Result<VerifyingKey, KeyError> {
    const WHAT: &str = "publicKeyMultibase";
    let bytes = decode_multibase_base58(text, WHAT)?;
    let raw = strip_multicodec(&bytes, ED25519_PUBLIC_MULTICODEC, "ed01", WHAT)?;
    verifying_key_from_bytes(raw, WHAT)
}

pub(super) fn encode_secret_key_multibase(seed: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_SECRET_MULTICODEC);
    bytes.extend_from_slice(seed);
    let text = format!("z{}", bs58::encode(&bytes).into_string());
    bytes.fill(0);
    text
}

pub(super) fn decode_secret_key_multibase(text: &str) -> Result<[u8; 32], KeyError> {
    const WHAT: &str = "secretKeyMultibase";
    let mut bytes = decode_multibase_base58(text, WHAT)?;
    let seed = strip_multicodec(&bytes, ED25519_SECRET_MULTICODEC, "8026", WHAT).copied();
    bytes.fill(0);
    seed
}

/// Reads a raw base58btc public key, the `publicKeyBase58` of an
/// `Ed25519VerificationKey2018`.
pub fn public_key_from_base58(text: &str) -> Result<VerifyingKey, KeyError> {
    const WHAT: &str = "publicKeyBase58";
    let bytes = decode_base58(text, WHAT)?;
    verifying_key_from_bytes(&bytes, WHAT)
}

/// The `did:key` of an Ed25519 public key: `did:key:` + its
/// `publicKeyMultibase`.
#[must_use]
pub fn did_key_for(key: &VerifyingKey) -> String {
    format!("did:key:{}", encode_public_key_multibase(key))
}

/// The verification method id of a `did:key`: `did:key:z…#z…`.
#[must_use]
pub fn did_key_verification_method(key: &VerifyingKey) -> String {
    let multibase = encode_public_key_multibase(key);
    format!("did:key:{multibase}#{multibase}")
}

/// The public key of an Ed25519 `did:key`, offline. Accepts the DID alone or
/// its verification method (`did:key:z…#z…`), whose fragment must repeat the
/// key.
pub fn public_key_from_did_key(did: &str) -> Result<VerifyingKey, KeyError> {
    let invalid = |reason| KeyError::InvalidDid {
        did: did.to_owned(),
        reason,
    };
    let rest = did
        .strip_prefix("did:key:")
        .ok_or_else(|| invalid("not a did:key"))?;
    let (multibase, fragment) = match rest.split_once('#') {
        Some((key, fragment)) => (key, Some(fragment)),
        None => (rest, None),
    };
    if multibase.contains(['?', '/', ':']) {
        return Err(invalid("a did:key has no path, query or further segments"));
    }
    if fragment.is_some_and(|f| f != multibase) {
        return Err(invalid(
            "the fragment of a did:key verification method must repeat the key",
        ));
    }
    decode_public_key_multibase(multibase)
}

/// Reads an Ed25519 public JWK: `{"kty": "OKP", "crv": "Ed25519", "x":
/// base64url(32 bytes)}`. Other members (`kid`, `use`, `alg`) are ignored.
pub fn public_key_from_jwk(jwk: &Value) -> Result<VerifyingKey, KeyError> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    if member("kty") != Some("OKP") {
        return Err(KeyError::UnsupportedMethodType(format!(
            "JWK with kty {}",
            member("kty").unwrap_or("(none)")
        )));
    }
    if member("crv") != Some("Ed25519") {
        return Err(KeyError::UnsupportedMethodType(format!(
            "JWK with crv {}",
            member("crv").unwrap_or("(none)")
        )));
    }
    let x = member("x").ok_or_else(|| KeyError::InvalidDocument("JWK without \"x\"".into()))?;
    if x.len() > MAX_MULTIBASE_LEN {
        return Err(KeyError::Encoding {
            what: "JWK x",
            encoding: "base64url",
            reason: format!("{} characters is too long for a key", x.len()),
        });
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(x.trim_end_matches('='))
        .map_err(|e| KeyError::Encoding {
            what: "JWK x",
            encoding: "base64url",
            reason: e.to_string(),
        })?;
    verifying_key_from_bytes(&bytes, "JWK x")
}

/// The `type` values of a JSON-LD node (a string or an array of strings).
pub(super) fn node_types(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Verification method types whose public key this crate reads.
pub(super) const KEY_TYPES: [&str; 5] = [
    "Multikey",
    "Ed25519VerificationKey2020",
    "Ed25519VerificationKey2018",
    "JsonWebKey2020",
    "JsonWebKey",
];

/// The public key of a verification method object, by its `type`:
/// `Multikey` and `Ed25519VerificationKey2020` (`publicKeyMultibase`),
/// `Ed25519VerificationKey2018` (`publicKeyBase58`), `JsonWebKey2020` and
/// `JsonWebKey` (`publicKeyJwk`). Without a `type`, whichever of those
/// properties is present is read.
pub fn public_key_from_method(method: &Value) -> Result<VerifyingKey, KeyError> {
    let prop = |name: &str| method.get(name);
    let text = |name: &'static str| -> Result<&str, KeyError> {
        prop(name)
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::InvalidDocument(format!("verification method without {name}")))
    };
    let types = node_types(method);
    let has = |t: &str| types.contains(&t);
    if has("Multikey") || has("Ed25519VerificationKey2020") {
        decode_public_key_multibase(text("publicKeyMultibase")?)
    } else if has("Ed25519VerificationKey2018") {
        public_key_from_base58(text("publicKeyBase58")?)
    } else if has("JsonWebKey2020") || has("JsonWebKey") {
        let jwk = prop("publicKeyJwk").ok_or_else(|| {
            KeyError::InvalidDocument("verification method without publicKeyJwk".into())
        })?;
        public_key_from_jwk(jwk)
    } else if !types.is_empty() {
        Err(KeyError::UnsupportedMethodType(types.join(", ")))
    } else if let Some(Value::String(multibase)) = prop("publicKeyMultibase") {
        decode_public_key_multibase(multibase)
    } else if let Some(Value::String(base58)) = prop("publicKeyBase58") {
        public_key_from_base58(base58)
    } else if let Some(jwk) = prop("publicKeyJwk") {
        public_key_from_jwk(jwk)
    } else {
        Err(KeyError::InvalidDocument(
            "verification method without type or public key".into(),
        ))
    }
}

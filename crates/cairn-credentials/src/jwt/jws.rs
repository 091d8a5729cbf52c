//! Compact JWS (RFC 7515 §7.1): reading the three parts, signing, and
//! checking a signature with a public JWK or an RSA public key. Shared by
//! VC-JWT and Open Badges 2.0 signed assertions.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::errors::ErrorKind;
use rsa::RsaPublicKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Map, Value};

use super::JwtError;
use super::key::{JwtAlgorithm, JwtKey, b64, check_rsa_size};

/// A compact JWS split into its parts; nothing is verified yet.
#[derive(Debug)]
pub(crate) struct CompactJws<'a> {
    /// The JOSE header (a JSON object).
    pub(crate) header: Map<String, Value>,
    /// The decoded payload bytes.
    pub(crate) payload: Vec<u8>,
    /// `BASE64URL(header) "." BASE64URL(payload)`: what is signed.
    pub(crate) signing_input: &'a str,
    /// The signature, base64url as in the token.
    pub(crate) signature: &'a str,
}

/// Splits a compact JWS. The token may be surrounded by whitespace (as when
/// read from a file or a baked image); inside it, only base64url characters
/// and the two dots are allowed. The messages name what is wrong.
pub(crate) fn parse(token: &str) -> Result<CompactJws<'_>, String> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(format!(
            "expected three base64url parts separated by '.', found {} part{}",
            parts.len(),
            if parts.len() == 1 { "" } else { "s" }
        ));
    };
    let decode = |what: &str, text: &str| {
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|e| format!("the {what} is not base64url without padding: {e}"))
    };
    let header_bytes = decode("header", header)?;
    let header_json = match serde_json::from_slice::<Value>(&header_bytes) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err("the header is not a JSON object".into()),
        Err(e) => return Err(format!("the header is not JSON: {e}")),
    };
    let payload_bytes = decode("payload", payload)?;
    decode("signature", signature)?;
    let signing_input = token
        .get(..header.len() + 1 + payload.len())
        .ok_or_else(|| String::from("the token could not be split"))?;
    Ok(CompactJws {
        header: header_json,
        payload: payload_bytes,
        signing_input,
        signature,
    })
}

/// The algorithm a JOSE header names, refusing `none`, the HMAC family and
/// anything but RS256 and ES256, and refusing `crit` extensions.
pub(crate) fn header_algorithm(header: &Map<String, Value>) -> Result<JwtAlgorithm, JwtError> {
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => alg.as_str(),
        Some(_) => {
            return Err(JwtError::Malformed(
                "the header's alg is not a string".into(),
            ));
        }
        None => return Err(JwtError::Malformed("the header has no alg".into())),
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(JwtError::Unsigned(alg.to_owned()));
    }
    if alg.len() >= 2 && alg.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("HS")) {
        return Err(JwtError::SharedSecretAlgorithm(alg.to_owned()));
    }
    let algorithm =
        JwtAlgorithm::from_name(alg).ok_or_else(|| JwtError::UnsupportedAlgorithm(alg.into()))?;
    if let Some(crit) = header.get("crit") {
        return Err(JwtError::CriticalHeader(match crit {
            Value::Array(names) => names
                .iter()
                .map(|n| n.as_str().unwrap_or("?"))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        }));
    }
    Ok(algorithm)
}

/// Signs `payload` under `header` (which must name the key's algorithm) and
/// returns the compact JWS.
pub(crate) fn sign(
    header: &Map<String, Value>,
    payload: &[u8],
    key: &JwtKey,
) -> Result<String, JwtError> {
    let header_json = serde_json::to_vec(header)
        .map_err(|e| JwtError::Signing(format!("cannot serialise the header: {e}")))?;
    let signing_input = format!("{}.{}", b64(&header_json), b64(payload));
    let signature = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &key.encoding_key()?,
        key.algorithm().jsonwebtoken(),
    )
    .map_err(|e| JwtError::Signing(e.to_string()))?;
    Ok(format!("{signing_input}.{signature}"))
}

/// Checks the JWS signature with `key` under `alg`.
pub(crate) fn check_signature(
    jws: &CompactJws<'_>,
    alg: JwtAlgorithm,
    key: &DecodingKey,
) -> Result<(), JwtError> {
    match jsonwebtoken::crypto::verify(
        jws.signature,
        jws.signing_input.as_bytes(),
        key,
        alg.jsonwebtoken(),
    ) {
        Ok(true) => Ok(()),
        Ok(false) => Err(JwtError::BadSignature),
        Err(e) => match e.kind() {
            ErrorKind::Base64(_) => Err(JwtError::Malformed(
                "the signature is not base64url without padding".into(),
            )),
            _ => Err(JwtError::InvalidKey(e.to_string())),
        },
    }
}

/// Whether a JWK can check `alg` signatures: its `kty` (and `crv`) fit, and
/// its `alg`, `use` and `key_ops`, when present, allow it. Otherwise says
/// what the key is.
pub(crate) fn jwk_fits(jwk: &Map<String, Value>, alg: JwtAlgorithm) -> Result<(), String> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    let kty = member("kty").unwrap_or("?");
    let article = if matches!(kty, "RSA" | "EC" | "OKP") {
        "an"
    } else {
        "a"
    };
    let describe = || match (kty, member("crv")) {
        ("EC" | "OKP", Some(crv)) => format!("{article} {kty} {crv} key"),
        _ => format!("{article} {kty} key"),
    };
    let fits_type = match alg {
        JwtAlgorithm::Rs256 => kty == "RSA",
        JwtAlgorithm::Es256 => kty == "EC" && member("crv") == Some("P-256"),
    };
    if !fits_type {
        return Err(describe());
    }
    if let Some(key_alg) = member("alg")
        && key_alg != alg.as_str()
    {
        return Err(format!("{} published for {key_alg}", describe()));
    }
    if let Some(key_use) = member("use")
        && key_use != "sig"
    {
        return Err(format!("{} published for use {key_use:?}", describe()));
    }
    if let Some(Value::Array(ops)) = jwk.get("key_ops")
        && !ops.iter().any(|op| op.as_str() == Some("verify"))
    {
        return Err(format!(
            "{} whose key_ops do not include verify",
            describe()
        ));
    }
    Ok(())
}

/// The verification key for a public JWK (RSA of 2048–4096 bits, or EC
/// P-256 with a point on the curve).
pub(crate) fn decoding_key_from_jwk(jwk: &Map<String, Value>) -> Result<DecodingKey, JwtError> {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| JwtError::InvalidKey(format!("the JWK has no {name:?}")))
    };
    let decode = |name: &str, text: &str| {
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|e| JwtError::InvalidKey(format!("the JWK's {name:?} is not base64url: {e}")))
    };
    match member("kty")? {
        "RSA" => {
            let n = decode("n", member("n")?)?;
            let e = decode("e", member("e")?)?;
            let n = strip_leading_zeros(&n);
            let e = strip_leading_zeros(&e);
            let bits = n
                .first()
                .map_or(0, |first| n.len() * 8 - first.leading_zeros() as usize);
            check_rsa_size(bits)?;
            if e.is_empty() || e.len() > 8 {
                return Err(JwtError::InvalidKey(
                    "the JWK's RSA exponent is invalid".into(),
                ));
            }
            Ok(DecodingKey::from_rsa_raw_components(n, e))
        }
        "EC" => {
            let (x_text, y_text) = (member("x")?, member("y")?);
            let (x, y) = (decode("x", x_text)?, decode("y", y_text)?);
            if x.len() != 32 || y.len() != 32 {
                return Err(JwtError::InvalidKey(
                    "a P-256 JWK's x and y are 32 bytes each".into(),
                ));
            }
            let mut sec1 = Vec::with_capacity(65);
            sec1.push(0x04);
            sec1.extend_from_slice(&x);
            sec1.extend_from_slice(&y);
            p256::PublicKey::from_sec1_bytes(&sec1).map_err(|_| {
                JwtError::InvalidKey("the JWK's x and y are not a point on P-256".into())
            })?;
            DecodingKey::from_ec_components(x_text, y_text)
                .map_err(|e| JwtError::InvalidKey(e.to_string()))
        }
        other => Err(JwtError::InvalidKey(format!(
            "key type {other:?} is not supported; RS256 needs RSA, ES256 needs EC P-256"
        ))),
    }
}

/// The verification key for an RSA public key.
pub(crate) fn decoding_key_from_rsa(key: &RsaPublicKey) -> DecodingKey {
    DecodingKey::from_rsa_raw_components(&key.n().to_bytes_be(), &key.e().to_bytes_be())
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

//! VC-JWT: the Open Badges 3.0 "JSON Web Token Proof Format".
//!
//! A credential is signed as a compact JWS whose header is
//! `{"alg": "RS256" | "ES256", "typ": "JWT", "kid": <key URL>}` and whose
//! payload is the credential's JSON object itself (VC Data Model 2.0 style)
//! with the registered claims added:
//!
//! | claim | value |
//! |---|---|
//! | `iss` | `issuer.id` (or `issuer` when it is a string) |
//! | `jti` | `id`, when the credential has one |
//! | `sub` | `credentialSubject.id`, when the subject has one |
//! | `nbf` | `validFrom`, as a NumericDate (seconds since 1970) |
//! | `exp` | `validUntil`, when present |
//!
//! RS256 is the algorithm every Open Badges 3.0 verifier must accept (and
//! 1EdTech's validator rejects EdDSA tokens); ES256 is offered too. The
//! issuer publishes its public keys as a JWK Set ([`jwks`]), e.g. at
//! `/.well-known/jwks.json`, and the `kid` of each key is its URL.
//!
//! - [`JwtKey`] holds a signing key; [`sign_vc_jwt`] signs.
//! - [`decode_vc_jwt`] reads a token without verifying it, for reports.
//! - [`verify_vc_jwt`] checks the signature with the issuer's keys, the
//!   claims against the credential, and the validity period against a
//!   `now` the caller supplies (there is no hidden clock).
//!
//! Tokens in the VC Data Model 1.1 form, with the credential under a `vc`
//! claim, are read and verified too.

mod jws;
mod key;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

pub(crate) use jws::{
    check_signature, decoding_key_from_rsa, header_algorithm, parse as parse_compact,
    sign as sign_compact,
};
pub(crate) use key::rsa_public_key_from_pem;
pub use key::{
    JwksEntry, JwtAlgorithm, JwtKey, RSA_KEY_BITS, RSA_MAX_BITS, RSA_MIN_BITS, jwk_thumbprint,
    jwks, rsa_public_jwk_from_pem,
};

/// Registered claim names this module sets or reads; a credential to sign
/// must not already have them as properties.
const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "jti", "nbf", "exp", "iat", "aud"];

/// Why a token could not be made, read or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not a compact JWS, or its header or payload is not a JSON object.
    #[error("the token is not a compact JWS: {0}")]
    Malformed(String),
    /// `alg: none`.
    #[error("the token is unsigned (alg {0:?}); unsigned tokens are refused")]
    Unsigned(String),
    /// `HS256`, `HS384`, `HS512`: an issuer cannot sign with a shared
    /// secret, and a public key must never be used as one.
    #[error(
        "the token uses {0}, a shared-secret (HMAC) algorithm; only RS256 and ES256 signatures by a published key are accepted"
    )]
    SharedSecretAlgorithm(String),
    /// Any other algorithm than RS256 and ES256.
    #[error("the token's algorithm {0:?} is not supported; RS256 and ES256 are")]
    UnsupportedAlgorithm(String),
    /// A `crit` header: extensions this verifier does not implement.
    #[error(
        "the token's header marks extensions as critical ({0}), which this verifier does not implement"
    )]
    CriticalHeader(String),
    /// The keys given are neither a JWK Set nor a JWK.
    #[error("the keys are not a JWK Set ({{\"keys\": […]}}) or a JWK: {0}")]
    InvalidKeySet(String),
    /// The header's `kid` is not in the key set.
    #[error("no key with kid {kid:?} in the key set (it has: {})", list(.available))]
    NoKeyWithKid {
        /// The token's `kid`.
        kid: String,
        /// The `kid`s in the key set.
        available: Vec<String>,
    },
    /// The header embeds a `jwk` (and has no `kid`) that is not in the key
    /// set. An embedded key proves nothing on its own.
    #[error(
        "the token's embedded jwk is not one of the issuer's keys; an embedded key is trusted only when the key set has it"
    )]
    UntrustedEmbeddedKey,
    /// The key found cannot check this algorithm (e.g. an RS256 header and
    /// an EC key).
    #[error("the token's header says {alg} but the key {kid:?} is {found}")]
    KeyAlgorithmMismatch {
        /// The header's `alg`.
        alg: String,
        /// The key's `kid` (empty when it has none).
        kid: String,
        /// What the key is.
        found: String,
    },
    /// Key material that cannot be read or is too weak.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// The signature is not the key's signature of this header and payload.
    #[error("the token's signature does not match")]
    BadSignature,
    /// `now` is before `nbf` or `validFrom`.
    #[error("{what} is not valid before {} (now is {})", time(.not_before), time(.now))]
    NotYetValid {
        /// "the token" (`nbf`) or "the credential" (`validFrom`).
        what: &'static str,
        /// From when it is valid.
        not_before: DateTime<Utc>,
        /// The `now` given.
        now: DateTime<Utc>,
    },
    /// `now` is at or after `exp` or `validUntil`.
    #[error("{what} expired at {} (now is {})", time(.expired_at), time(.now))]
    Expired {
        /// "the token" (`exp`) or "the credential" (`validUntil`).
        what: &'static str,
        /// When it stopped being valid.
        expired_at: DateTime<Utc>,
        /// The `now` given.
        now: DateTime<Utc>,
    },
    /// A claim Open Badges 3.0 requires is missing.
    #[error("the token has no {claim} claim ({reason})")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
        /// What it should hold.
        reason: &'static str,
    },
    /// A claim of the wrong JSON type.
    #[error("the token's {claim} claim is invalid: {reason}")]
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A claim that disagrees with the credential it carries.
    #[error(
        "the token's {claim} ({claim_value}) does not match the credential's {property} ({property_value})"
    )]
    ClaimMismatch {
        /// The claim's name.
        claim: &'static str,
        /// The claim's value.
        claim_value: String,
        /// The credential property it must equal.
        property: &'static str,
        /// The property's value.
        property_value: String,
    },
    /// A credential missing what a VC-JWT needs (`issuer`, `validFrom`) or
    /// not a JSON object.
    #[error("invalid credential: {0}")]
    InvalidCredential(String),
    /// The signing operation failed.
    #[error("cannot sign: {0}")]
    Signing(String),
}

fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "no kid".into()
    } else {
        items.join(", ")
    }
}

/// The JOSE header of a token.
#[derive(Clone, Debug, PartialEq)]
pub struct JwtHeader {
    /// `alg` as written (may be `none` or anything else: [`decode_vc_jwt`]
    /// does not judge it).
    pub alg: String,
    /// `typ`, normally `JWT`.
    pub typ: Option<String>,
    /// `kid`: the URL or DID URL of the signing key.
    pub kid: Option<String>,
    /// `jwk`: a public key embedded in the header.
    pub jwk: Option<Value>,
    /// The whole header.
    pub json: Value,
}

/// The registered claims of a token. Times are NumericDates converted to
/// UTC.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JwtClaims {
    /// `iss`: the issuer's id.
    pub iss: Option<String>,
    /// `sub`: the subject's id.
    pub sub: Option<String>,
    /// `jti`: the credential's id.
    pub jti: Option<String>,
    /// `nbf`: valid from.
    pub nbf: Option<DateTime<Utc>>,
    /// `exp`: valid until (exclusive).
    pub exp: Option<DateTime<Utc>>,
    /// `iat`: issued at.
    pub iat: Option<DateTime<Utc>>,
}

/// A token read without verifying it: what it says, for reports and before
/// [`DecodedJwt::verify`].
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedJwt {
    /// The JOSE header.
    pub header: JwtHeader,
    /// The credential: the payload without the registered claims, or the
    /// `vc` claim of a VC Data Model 1.1 token.
    pub credential: Value,
    /// The registered claims.
    pub claims: JwtClaims,
    /// Whether the credential came from a `vc` claim (VC Data Model 1.1).
    pub vc_claim: bool,
    /// The token as given (trimmed), to verify later.
    token: String,
}

/// Signs a credential as a VC-JWT with `key`, whose `kid` goes in the
/// header. The claims are derived from the credential: it must be a JSON
/// object with an `issuer` (a string or an object with an `id`) and a
/// `validFrom` date-time with a time zone, and must not already have
/// top-level `iss`, `sub`, `jti`, `nbf`, `exp`, `iat` or `aud` properties.
pub fn sign_vc_jwt(credential: &Value, key: &JwtKey) -> Result<String, JwtError> {
    let object = credential
        .as_object()
        .ok_or_else(|| JwtError::InvalidCredential("the credential is not a JSON object".into()))?;
    if let Some(name) = REGISTERED_CLAIMS.iter().find(|n| object.contains_key(**n)) {
        return Err(JwtError::InvalidCredential(format!(
            "the credential has a top-level {name:?} property, which is a JWT claim name"
        )));
    }
    let facts = CredentialFacts::read(object)?;
    let valid_from = facts
        .valid_from
        .ok_or_else(|| JwtError::InvalidCredential("the credential has no validFrom".into()))?;
    let mut payload = object.clone();
    payload.insert("iss".into(), Value::String(facts.issuer));
    if let Some(id) = facts.id {
        payload.insert("jti".into(), Value::String(id));
    }
    if let [Some(subject)] = facts.subjects.as_slice() {
        payload.insert("sub".into(), Value::String(subject.clone()));
    }
    payload.insert("nbf".into(), Value::from(valid_from.timestamp()));
    if let Some(until) = facts.valid_until {
        payload.insert("exp".into(), Value::from(until.timestamp()));
    }
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(key.algorithm().as_str().into()));
    header.insert("typ".into(), Value::String("JWT".into()));
    header.insert("kid".into(), Value::String(key.kid().to_owned()));
    let payload = serde_json::to_vec(&payload)
        .map_err(|e| JwtError::Signing(format!("cannot serialise the payload: {e}")))?;
    sign_compact(&header, &payload, key)
}

/// Reads a token without verifying anything: for reporting what a token
/// says, or as the first step of [`DecodedJwt::verify`]. Errors only when
/// the token is not a compact JWS with JSON object header and payload, or a
/// registered claim has the wrong JSON type. Never panics, whatever the
/// input.
pub fn decode_vc_jwt(token: &str) -> Result<DecodedJwt, JwtError> {
    let jws = parse_compact(token).map_err(JwtError::Malformed)?;
    let header = read_header(&jws.header)?;
    let mut payload = match serde_json::from_slice::<Value>(&jws.payload) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err(JwtError::Malformed(
                "the payload is not a JSON object".into(),
            ));
        }
        Err(e) => return Err(JwtError::Malformed(format!("the payload is not JSON: {e}"))),
    };
    let claims = JwtClaims {
        iss: string_claim(&payload, "iss")?,
        sub: string_claim(&payload, "sub")?,
        jti: string_claim(&payload, "jti")?,
        nbf: date_claim(&payload, "nbf")?,
        exp: date_claim(&payload, "exp")?,
        iat: date_claim(&payload, "iat")?,
    };
    let (credential, vc_claim) = match payload.remove("vc") {
        Some(Value::Object(vc)) => (Value::Object(vc), true),
        Some(other) => {
            // Not the VC 1.1 form: keep the property where it was.
            payload.insert("vc".into(), other);
            (Value::Object(strip_claims(payload)), false)
        }
        None => (Value::Object(strip_claims(payload)), false),
    };
    Ok(DecodedJwt {
        header,
        credential,
        claims,
        vc_claim,
        token: token.trim().to_owned(),
    })
}

/// Verifies a VC-JWT and returns the credential it carries.
///
/// `keys` is the issuer's JWK Set (`{"keys": [ … ]}`) or a single JWK. See
/// [`DecodedJwt::verify`] for what is checked.
pub fn verify_vc_jwt(token: &str, keys: &Value, now: DateTime<Utc>) -> Result<Value, JwtError> {
    let decoded = decode_vc_jwt(token)?;
    decoded.verify(keys, now)?;
    Ok(decoded.credential)
}

impl DecodedJwt {
    /// Verifies this token:
    ///
    /// 1. the algorithm is RS256 or ES256 (`none`, `HS*` and the rest are
    ///    refused, as are `crit` headers);
    /// 2. the key is found in `keys` (a JWK Set or one JWK) by the header's
    ///    `kid`; a header without `kid` but with a `jwk` must embed one of
    ///    `keys` (same RFC 7638 thumbprint); with neither, every key of
    ///    `keys` that fits the algorithm is tried. A single JWK without a
    ///    `kid` is used whatever the header's `kid`;
    /// 3. the key fits the algorithm (RSA for RS256, EC P-256 for ES256,
    ///    and the JWK's `alg`/`use` agree) and the signature is the key's;
    /// 4. `iss` is the credential's issuer id, `jti` its id, `sub` its
    ///    subject's id and `nbf` its `validFrom` (to the second), each
    ///    required when the credential has the property;
    /// 5. `now` is not before `nbf` or `validFrom`, nor at or after `exp`
    ///    or `validUntil` (`issuanceDate`/`expirationDate` for VC 1.1).
    pub fn verify(&self, keys: &Value, now: DateTime<Utc>) -> Result<(), JwtError> {
        let jws = parse_compact(&self.token).map_err(JwtError::Malformed)?;
        let alg = header_algorithm(&jws.header)?;
        let candidates = self.select_keys(keys, alg)?;
        let mut last_error = JwtError::BadSignature;
        for jwk in candidates {
            match jws::decoding_key_from_jwk(jwk).and_then(|key| check_signature(&jws, alg, &key)) {
                Ok(()) => return self.check_claims(now),
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }

    /// The keys of `keys` that may have signed this token.
    fn select_keys<'k>(
        &self,
        keys: &'k Value,
        alg: JwtAlgorithm,
    ) -> Result<Vec<&'k Map<String, Value>>, JwtError> {
        let (set, single) = key_set(keys)?;
        let kid_of = |jwk: &Map<String, Value>| {
            jwk.get("kid")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_default()
        };
        let matching: Vec<&Map<String, Value>> = if let Some(kid) = &self.header.kid {
            let found: Vec<_> = set
                .iter()
                .copied()
                .filter(|jwk| match jwk.get("kid").and_then(Value::as_str) {
                    Some(key_kid) => key_kid == kid,
                    None => single,
                })
                .collect();
            if found.is_empty() {
                return Err(JwtError::NoKeyWithKid {
                    kid: kid.clone(),
                    available: set.iter().map(|jwk| kid_of(jwk)).collect(),
                });
            }
            found
        } else if let Some(embedded) = &self.header.jwk {
            let thumbprint = jwk_thumbprint(embedded).ok_or(JwtError::UntrustedEmbeddedKey)?;
            let found: Vec<_> = set
                .iter()
                .copied()
                .filter(|jwk| {
                    jwk_thumbprint(&Value::Object((*jwk).clone())).as_ref() == Some(&thumbprint)
                })
                .collect();
            if found.is_empty() {
                return Err(JwtError::UntrustedEmbeddedKey);
            }
            found
        } else {
            set
        };
        let mut mismatch = None;
        let fitting: Vec<_> = matching
            .into_iter()
            .filter(|jwk| match jws::jwk_fits(jwk, alg) {
                Ok(()) => true,
                Err(found) => {
                    mismatch.get_or_insert((kid_of(jwk), found));
                    false
                }
            })
            .collect();
        match (fitting.is_empty(), mismatch) {
            (true, Some((kid, found))) => Err(JwtError::KeyAlgorithmMismatch {
                alg: alg.as_str().into(),
                kid,
                found,
            }),
            (true, None) => Err(JwtError::InvalidKeySet("the key set has no keys".into())),
            (false, _) => Ok(fitting),
        }
    }

    /// Checks the claims against the credential and the validity period
    /// against `now`.
    fn check_claims(&self, now: DateTime<Utc>) -> Result<(), JwtError> {
        let object = self.credential.as_object().ok_or_else(|| {
            JwtError::InvalidCredential("the credential is not a JSON object".into())
        })?;
        let facts = CredentialFacts::read(object)?;
        let claims = &self.claims;

        let iss = claims.iss.as_ref().ok_or(JwtError::MissingClaim {
            claim: "iss",
            reason: "it must be the issuer's id",
        })?;
        if *iss != facts.issuer {
            return Err(mismatch("iss", iss, "issuer id", &facts.issuer));
        }
        match (&claims.jti, &facts.id) {
            (Some(jti), Some(id)) if jti != id => return Err(mismatch("jti", jti, "id", id)),
            (None, Some(_)) => {
                return Err(JwtError::MissingClaim {
                    claim: "jti",
                    reason: "it must be the credential's id",
                });
            }
            _ => {}
        }
        let subject_ids: Vec<&str> = facts
            .subjects
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        match (&claims.sub, facts.subjects.as_slice()) {
            (Some(sub), _) if !subject_ids.is_empty() && !subject_ids.contains(&sub.as_str()) => {
                return Err(mismatch(
                    "sub",
                    sub,
                    "credentialSubject.id",
                    &subject_ids.join(", "),
                ));
            }
            (None, [Some(_)]) => {
                return Err(JwtError::MissingClaim {
                    claim: "sub",
                    reason: "it must be the credentialSubject's id",
                });
            }
            _ => {}
        }
        let nbf = claims.nbf.ok_or(JwtError::MissingClaim {
            claim: "nbf",
            reason: "it must be the credential's validFrom",
        })?;
        let valid_from = facts
            .valid_from
            .ok_or_else(|| JwtError::InvalidCredential("the credential has no validFrom".into()))?;
        if (nbf - valid_from).num_milliseconds().abs() >= 1000 {
            return Err(mismatch(
                "nbf",
                &time(&nbf),
                "validFrom",
                &time(&valid_from),
            ));
        }

        if now < nbf {
            return Err(JwtError::NotYetValid {
                what: "the token",
                not_before: nbf,
                now,
            });
        }
        if now < valid_from {
            return Err(JwtError::NotYetValid {
                what: "the credential",
                not_before: valid_from,
                now,
            });
        }
        if let Some(exp) = claims.exp
            && now >= exp
        {
            return Err(JwtError::Expired {
                what: "the token",
                expired_at: exp,
                now,
            });
        }
        if let Some(until) = facts.valid_until
            && now >= until
        {
            return Err(JwtError::Expired {
                what: "the credential",
                expired_at: until,
                now,
            });
        }
        Ok(())
    }
}

fn mismatch(claim: &'static str, value: &str, property: &'static str, expected: &str) -> JwtError {
    JwtError::ClaimMismatch {
        claim,
        claim_value: value.to_owned(),
        property,
        property_value: expected.to_owned(),
    }
}

/// The JWKs of a JWK Set or a single JWK, and whether it was a single JWK.
/// A JSON object: a JWK here.
type JwkObject = Map<String, Value>;

fn key_set(keys: &Value) -> Result<(Vec<&JwkObject>, bool), JwtError> {
    let object = keys
        .as_object()
        .ok_or_else(|| JwtError::InvalidKeySet("not a JSON object".into()))?;
    match object.get("keys") {
        Some(Value::Array(entries)) => {
            Ok((entries.iter().filter_map(Value::as_object).collect(), false))
        }
        Some(_) => Err(JwtError::InvalidKeySet("\"keys\" is not an array".into())),
        None if object.contains_key("kty") => Ok((vec![object], true)),
        None => Err(JwtError::InvalidKeySet(
            "it has neither \"keys\" nor \"kty\"".into(),
        )),
    }
}

fn read_header(header: &Map<String, Value>) -> Result<JwtHeader, JwtError> {
    let text = |name: &str| match header.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(JwtError::Malformed(format!(
            "the header's {name} is not a string"
        ))),
    };
    Ok(JwtHeader {
        alg: text("alg")?.ok_or_else(|| JwtError::Malformed("the header has no alg".into()))?,
        typ: text("typ")?,
        kid: text("kid")?,
        jwk: header.get("jwk").cloned(),
        json: Value::Object(header.clone()),
    })
}

fn strip_claims(mut payload: Map<String, Value>) -> Map<String, Value> {
    for claim in REGISTERED_CLAIMS {
        payload.remove(claim);
    }
    payload
}

fn string_claim(
    payload: &Map<String, Value>,
    claim: &'static str,
) -> Result<Option<String>, JwtError> {
    match payload.get(claim) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(JwtError::InvalidClaim {
            claim,
            reason: format!("expected a string, found {}", json_kind(other)),
        }),
    }
}

fn date_claim(
    payload: &Map<String, Value>,
    claim: &'static str,
) -> Result<Option<DateTime<Utc>>, JwtError> {
    let Some(value) = payload.get(claim) else {
        return Ok(None);
    };
    let invalid = |reason: String| JwtError::InvalidClaim { claim, reason };
    let Value::Number(number) = value else {
        return Err(invalid(format!(
            "expected a NumericDate (seconds since 1970), found {}",
            json_kind(value)
        )));
    };
    let at = if let Some(seconds) = number.as_i64() {
        DateTime::from_timestamp(seconds, 0)
    } else {
        number.as_f64().filter(|f| f.is_finite()).and_then(|f| {
            let seconds = f.floor();
            // Within chrono's range the casts are exact enough; out of it
            // from_timestamp answers None.
            if seconds.abs() > 1e14 {
                return None;
            }
            #[expect(clippy::cast_possible_truncation, reason = "bounded above")]
            let whole = seconds as i64;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a fraction of a second in nanoseconds"
            )]
            let nanos = ((f - seconds) * 1e9) as u32;
            DateTime::from_timestamp(whole, nanos.min(999_999_999))
        })
    };
    at.map(Some)
        .ok_or_else(|| invalid(format!("{number} is not a representable date")))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What the claims are derived from.
struct CredentialFacts {
    issuer: String,
    id: Option<String>,
    /// One entry per subject: its id, if any.
    subjects: Vec<Option<String>>,
    valid_from: Option<DateTime<Utc>>,
    valid_until: Option<DateTime<Utc>>,
}

impl CredentialFacts {
    fn read(credential: &Map<String, Value>) -> Result<Self, JwtError> {
        let invalid = |what: &str| JwtError::InvalidCredential(what.to_owned());
        let issuer = match credential.get("issuer") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Object(profile)) => profile
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("the credential's issuer has no id"))?
                .to_owned(),
            Some(_) => {
                return Err(invalid(
                    "the credential's issuer is not a string or an object",
                ));
            }
            None => return Err(invalid("the credential has no issuer")),
        };
        let id = match credential.get("id") {
            None => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(_) => return Err(invalid("the credential's id is not a string")),
        };
        let subject_id =
            |subject: &Value| subject.get("id").and_then(Value::as_str).map(str::to_owned);
        let subjects = match credential.get("credentialSubject") {
            Some(Value::Array(subjects)) => subjects.iter().map(subject_id).collect(),
            Some(subject) => vec![subject_id(subject)],
            None => Vec::new(),
        };
        let date = |names: [&str; 2]| -> Result<Option<DateTime<Utc>>, JwtError> {
            let Some((name, value)) = names
                .iter()
                .find_map(|name| credential.get(*name).map(|v| (*name, v)))
            else {
                return Ok(None);
            };
            value
                .as_str()
                .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
                .map(|at| Some(at.with_timezone(&Utc)))
                .ok_or_else(|| {
                    JwtError::InvalidCredential(format!(
                        "the credential's {name} is not a date-time with a time zone"
                    ))
                })
        };
        Ok(Self {
            issuer,
            id,
            subjects,
            valid_from: date(["validFrom", "issuanceDate"])?,
            valid_until: date(["validUntil", "expirationDate"])?,
        })
    }
}

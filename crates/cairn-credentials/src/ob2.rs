//! Open Badges 2.0: the JSON-LD documents of hosted and signed badges, and
//! their verification.
//!
//! Documents are served as `application/ld+json` with
//! `"@context": "https://w3id.org/openbadges/v2"`:
//!
//! - [`Assertion`]: one award, verified by hosting (the assertion's URL is
//!   on the issuer's host) or by signature (a compact JWS, RS256, whose
//!   payload is the assertion);
//! - [`BadgeClass`]: what is awarded; [`Issuer`]: who awards it (1EdTech's
//!   validator requires `name`, `url` and `email`);
//! - [`CryptographicKey`]: an issuer's RSA public key, in PEM;
//! - [`RevocationList`]: the signed assertions an issuer has revoked.
//!
//! As in [`crate::ob3`], optional properties are left out rather than
//! null, and multi-valued ones are arrays (left out when empty).

use chrono::{DateTime, SecondsFormat, Utc};
use rand::RngCore;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::jwt::{self, JwtAlgorithm, JwtError, JwtKey};

/// The Open Badges 2.0 JSON-LD context.
pub const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";
/// The media type Open Badges 2.0 documents are served as.
pub const OB2_MEDIA_TYPE: &str = "application/ld+json";

/// Why an Open Badges 2.0 document could not be built, signed or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Ob2Error {
    /// A document missing something it needs or holding the wrong type.
    #[error("invalid Open Badges 2.0 document: {0}")]
    InvalidDocument(String),
    /// A hosted assertion not on the host its issuer allows.
    #[error(
        "the hosted assertion {assertion_id} is not on its issuer's host: it must be on {expected}"
    )]
    HostMismatch {
        /// The assertion's id (its URL).
        assertion_id: String,
        /// Where it must be.
        expected: String,
    },
    /// The signed assertion is not a compact JWS.
    #[error("the signed assertion is not a compact JWS: {0}")]
    MalformedJws(String),
    /// Anything but RS256 (`none` and HMAC included).
    #[error(
        "the signed assertion's algorithm is not accepted ({0}); Open Badges 2.0 signatures are RS256"
    )]
    UnsupportedAlgorithm(String),
    /// A key that cannot be read, is not RSA, or is too small.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// The signature is not the key's signature of this assertion.
    #[error("the assertion's signature does not match")]
    BadSignature,
    /// `verification.type` is not what this check is for.
    #[error("the assertion's verification type is {found:?}, not {expected:?}")]
    WrongVerificationType {
        /// `hosted` or `signed`.
        expected: &'static str,
        /// What the assertion says (empty when missing).
        found: String,
    },
    /// A signed assertion without `verification.creator`.
    #[error(
        "the signed assertion has no verification.creator (the URL of the issuer's CryptographicKey)"
    )]
    MissingCreator,
    /// The assertion is revoked: by its own `revoked` flag or in the
    /// issuer's revocation list.
    #[error("the assertion {id} is revoked{}", reason_suffix(.reason))]
    Revoked {
        /// The assertion's id.
        id: String,
        /// The `revocationReason`, when given.
        reason: Option<String>,
    },
    /// `now` is at or after `expires`.
    #[error("the assertion expired at {} (now is {})", time(.expires), time(.now))]
    Expired {
        /// The assertion's `expires`.
        expires: DateTime<Utc>,
        /// The `now` given.
        now: DateTime<Utc>,
    },
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Signing(String),
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default()
}

/// An ISO 8601 date-time in UTC with `Z`, to the second.
fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn invalid(reason: impl Into<String>) -> Ob2Error {
    Ob2Error::InvalidDocument(reason.into())
}

// ---------------------------------------------------------------------------
// Recipient

/// The earner, identified by email address (`recipient` of an assertion).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdentityObject {
    /// `email`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub hashed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// `sha256$` + hex when hashed, else the address.
    pub identity: String,
}

impl IdentityObject {
    /// A salted, hashed email address: `identity` is `sha256$` +
    /// hex(SHA-256(email + salt)), with the email trimmed and lower-cased.
    #[must_use]
    pub fn hashed_email(email: &str, salt: &str) -> Self {
        Self {
            kind: "email",
            hashed: true,
            salt: Some(salt.to_owned()),
            identity: format!("sha256${}", sha256_hex(&normalize_email(email), salt)),
        }
    }

    /// An email address in clear (`hashed: false`). Prefer
    /// [`IdentityObject::hashed_email`]: assertions are public.
    #[must_use]
    pub fn plain_email(email: &str) -> Self {
        Self {
            kind: "email",
            hashed: false,
            salt: None,
            identity: normalize_email(email),
        }
    }

    /// Whether `email` is the address this identifies.
    #[must_use]
    pub fn matches_email(&self, email: &str) -> bool {
        serde_json::to_value(self).is_ok_and(|recipient| recipient_matches(&recipient, email))
    }
}

/// A salted, hashed email recipient; see [`IdentityObject::hashed_email`].
#[must_use]
pub fn hashed_email_recipient(email: &str, salt: &str) -> IdentityObject {
    IdentityObject::hashed_email(email, salt)
}

/// A random salt: 16 bytes in hex.
#[must_use]
pub fn random_salt() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether an assertion's `recipient` (as JSON) identifies `email`.
///
/// Accepts `type: "email"` recipients that are hashed with SHA-256
/// (`sha256$…`, with or without `salt`) or in clear. The address is
/// compared trimmed and lower-cased; a hash of the address exactly as given
/// (trimmed) is accepted too, for issuers that did not lower-case. Other
/// hash algorithms (`md5$…`) and recipient types do not match.
#[must_use]
pub fn recipient_matches(recipient: &Value, email: &str) -> bool {
    let Some(recipient) = recipient.as_object() else {
        return false;
    };
    if recipient.get("type").and_then(Value::as_str) != Some("email") {
        return false;
    }
    let Some(identity) = recipient.get("identity").and_then(Value::as_str) else {
        return false;
    };
    let hashed = recipient
        .get("hashed")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !hashed {
        return normalize_email(identity) == normalize_email(email);
    }
    let Some((algorithm, hash)) = identity.split_once('$') else {
        return false;
    };
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return false;
    }
    let salt = recipient
        .get("salt")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let normalized = normalize_email(email);
    let as_given = email.trim();
    [normalized.as_str(), as_given]
        .iter()
        .any(|candidate| sha256_hex(candidate, salt).eq_ignore_ascii_case(hash))
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn sha256_hex(text: &str, salt: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    hasher.update(salt.as_bytes());
    hex::encode(hasher.finalize())
}

// ---------------------------------------------------------------------------
// Assertion

/// How an assertion is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// `{"type": "hosted"}`: the assertion is served at its `id`, which
    /// must be on the host (and port) of `issuer`, the Issuer's id. The
    /// issuer id is not written into the assertion; it is kept here so that
    /// [`Assertion::to_json`] can check the rule.
    Hosted {
        /// The Issuer profile's id.
        issuer: String,
    },
    /// `{"type": "signed", "creator": <CryptographicKey URL>}`: the
    /// assertion is distributed as a JWS signed by that key.
    Signed {
        /// The URL of the issuer's `CryptographicKey`.
        creator: String,
    },
}

/// Evidence of the work behind an award.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The URL of the evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl Evidence {
    /// Evidence at a URL.
    pub fn at(url: impl Into<String>) -> Self {
        Self {
            id: Some(url.into()),
            ..Self::default()
        }
    }

    /// Evidence described in words (Markdown).
    pub fn narrative(text: impl Into<String>) -> Self {
        Self {
            narrative: Some(text.into()),
            ..Self::default()
        }
    }
}

/// An award of a badge to one earner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    /// The assertion's URL (hosted) or URN/URL (signed).
    pub id: String,
    /// The BadgeClass URL.
    pub badge: String,
    pub recipient: IdentityObject,
    pub verification: Verification,
    pub issued_on: DateTime<Utc>,
    /// The (baked) badge image URL.
    pub image: Option<String>,
    pub evidence: Vec<Evidence>,
    pub narrative: Option<String>,
    pub expires: Option<DateTime<Utc>>,
    pub revoked: bool,
    /// Written only when `revoked`.
    pub revocation_reason: Option<String>,
}

impl Assertion {
    /// A hosted assertion served at `id`, which must be on the host of
    /// `issuer_id` (checked by [`Assertion::to_json`]).
    pub fn hosted(
        id: impl Into<String>,
        badge: impl Into<String>,
        issuer_id: impl Into<String>,
        recipient: IdentityObject,
        issued_on: DateTime<Utc>,
    ) -> Self {
        Self::new(
            id.into(),
            badge.into(),
            recipient,
            Verification::Hosted {
                issuer: issuer_id.into(),
            },
            issued_on,
        )
    }

    /// A signed assertion; `creator` is the URL of the issuer's
    /// `CryptographicKey`.
    pub fn signed(
        id: impl Into<String>,
        badge: impl Into<String>,
        creator: impl Into<String>,
        recipient: IdentityObject,
        issued_on: DateTime<Utc>,
    ) -> Self {
        Self::new(
            id.into(),
            badge.into(),
            recipient,
            Verification::Signed {
                creator: creator.into(),
            },
            issued_on,
        )
    }

    fn new(
        id: String,
        badge: String,
        recipient: IdentityObject,
        verification: Verification,
        issued_on: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            badge,
            recipient,
            verification,
            issued_on,
            image: None,
            evidence: Vec::new(),
            narrative: None,
            expires: None,
            revoked: false,
            revocation_reason: None,
        }
    }

    /// The JSON-LD document. Errors when a hosted assertion's id is not an
    /// HTTP(S) URL on its issuer's host and port, or `expires` is not after
    /// `issuedOn`.
    pub fn to_json(&self) -> Result<Value, Ob2Error> {
        if let Verification::Hosted { issuer } = &self.verification {
            check_same_host(&self.id, issuer)?;
        }
        if self
            .expires
            .is_some_and(|expires| expires <= self.issued_on)
        {
            return Err(invalid("expires must be after issuedOn"));
        }
        let mut doc = Map::new();
        doc.insert("@context".into(), Value::String(OB2_CONTEXT.into()));
        doc.insert("type".into(), Value::String("Assertion".into()));
        doc.insert("id".into(), Value::String(self.id.clone()));
        doc.insert("recipient".into(), to_value(&self.recipient));
        doc.insert("badge".into(), Value::String(self.badge.clone()));
        let mut verification = Map::new();
        match &self.verification {
            Verification::Hosted { .. } => {
                verification.insert("type".into(), Value::String("hosted".into()));
            }
            Verification::Signed { creator } => {
                verification.insert("type".into(), Value::String("signed".into()));
                verification.insert("creator".into(), Value::String(creator.clone()));
            }
        }
        doc.insert("verification".into(), Value::Object(verification));
        doc.insert("issuedOn".into(), Value::String(time(&self.issued_on)));
        if let Some(image) = &self.image {
            doc.insert("image".into(), Value::String(image.clone()));
        }
        if !self.evidence.is_empty() {
            doc.insert("evidence".into(), to_value(&self.evidence));
        }
        if let Some(narrative) = &self.narrative {
            doc.insert("narrative".into(), Value::String(narrative.clone()));
        }
        if let Some(expires) = &self.expires {
            doc.insert("expires".into(), Value::String(time(expires)));
        }
        if self.revoked {
            doc.insert("revoked".into(), Value::Bool(true));
            if let Some(reason) = &self.revocation_reason {
                doc.insert("revocationReason".into(), Value::String(reason.clone()));
            }
        }
        Ok(Value::Object(doc))
    }
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------
// BadgeClass

/// What earning the badge requires.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Criteria {
    /// A page describing the criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The criteria in words (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

/// An alignment to an educational standard or framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    pub target_name: String,
    pub target_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
}

impl Alignment {
    /// An alignment with its required fields.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            target_name: name.into(),
            target_url: url.into(),
            target_description: None,
            target_framework: None,
            target_code: None,
        }
    }
}

/// A badge: what is awarded, by whom, on what criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BadgeClass {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub description: String,
    /// The image URL (or a `data:` URL).
    pub image: String,
    pub criteria: Criteria,
    /// The Issuer profile's URL.
    pub issuer: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl BadgeClass {
    /// A badge class with its required fields and criteria in words.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
        image: impl Into<String>,
        criteria_narrative: impl Into<String>,
        issuer: impl Into<String>,
    ) -> Self {
        Self {
            context: OB2_CONTEXT,
            kind: "BadgeClass",
            id: id.into(),
            name: name.into(),
            description: description.into(),
            image: image.into(),
            criteria: Criteria {
                id: None,
                narrative: Some(criteria_narrative.into()),
            },
            issuer: issuer.into(),
            alignment: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// The JSON-LD document.
    #[must_use]
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

// ---------------------------------------------------------------------------
// Issuer, CryptographicKey, RevocationList

/// An issuer's profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issuer {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    /// The issuer's home page.
    pub url: String,
    /// A contact address.
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The URL of the issuer's `CryptographicKey`, for signed badges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The URL of the issuer's `RevocationList`, for signed badges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_list: Option<String>,
}

impl Issuer {
    /// A profile with the fields 1EdTech's validator requires.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        url: impl Into<String>,
        email: impl Into<String>,
    ) -> Self {
        Self {
            context: OB2_CONTEXT,
            kind: "Issuer",
            id: id.into(),
            name: name.into(),
            url: url.into(),
            email: email.into(),
            description: None,
            image: None,
            public_key: None,
            revocation_list: None,
        }
    }

    /// The JSON-LD document.
    #[must_use]
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

/// An issuer's public key, served at its own URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptographicKey {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    /// The Issuer profile's id.
    pub owner: String,
    /// `-----BEGIN PUBLIC KEY-----…` (SPKI, RSA).
    pub public_key_pem: String,
}

impl CryptographicKey {
    /// A key document for a PEM public key.
    pub fn new(
        id: impl Into<String>,
        owner: impl Into<String>,
        public_key_pem: impl Into<String>,
    ) -> Self {
        Self {
            context: OB2_CONTEXT,
            kind: "CryptographicKey",
            id: id.into(),
            owner: owner.into(),
            public_key_pem: public_key_pem.into(),
        }
    }

    /// The key document for an RS256 [`JwtKey`].
    pub fn for_key(
        id: impl Into<String>,
        owner: impl Into<String>,
        key: &JwtKey,
    ) -> Result<Self, Ob2Error> {
        require_rs256(key)?;
        let pem = key.public_key_pem().map_err(from_key_error)?;
        Ok(Self::new(id, owner, pem))
    }

    /// The JSON-LD document.
    #[must_use]
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

/// One entry of `revokedAssertions`: the id alone, or with a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RevokedAssertion {
    /// `"urn:uuid:…"`.
    Id(String),
    /// `{"id": …, "revocationReason": …}`.
    WithReason {
        id: String,
        #[serde(rename = "revocationReason")]
        revocation_reason: String,
    },
}

/// The signed assertions an issuer has revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationList {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    /// The Issuer profile's id.
    pub issuer: String,
    /// Always written, even empty: an empty list says nothing is revoked.
    pub revoked_assertions: Vec<RevokedAssertion>,
}

impl RevocationList {
    /// An empty list.
    pub fn new(id: impl Into<String>, issuer: impl Into<String>) -> Self {
        Self {
            context: OB2_CONTEXT,
            kind: "RevocationList",
            id: id.into(),
            issuer: issuer.into(),
            revoked_assertions: Vec::new(),
        }
    }

    /// Adds an assertion to the list.
    pub fn revoke(&mut self, assertion_id: impl Into<String>, reason: Option<String>) {
        let id = assertion_id.into();
        self.revoked_assertions.push(match reason {
            Some(revocation_reason) => RevokedAssertion::WithReason {
                id,
                revocation_reason,
            },
            None => RevokedAssertion::Id(id),
        });
    }

    /// The JSON-LD document.
    #[must_use]
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

/// A revocation found in a revocation list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// The `revocationReason`, when given.
    pub reason: Option<String>,
}

/// Looks an assertion up in a `RevocationList` document (as JSON). Entries
/// may be id strings or objects with `id` (and `revocationReason`).
pub fn find_revocation(list: &Value, assertion_id: &str) -> Result<Option<Revocation>, Ob2Error> {
    let list = list
        .as_object()
        .ok_or_else(|| invalid("the revocation list is not a JSON object"))?;
    if !has_type(list.get("type"), "RevocationList") {
        return Err(invalid("the revocation list's type is not RevocationList"));
    }
    let entries = match list.get("revokedAssertions") {
        None => return Ok(None),
        Some(Value::Array(entries)) => entries.as_slice(),
        Some(one) => std::slice::from_ref(one),
    };
    for entry in entries {
        let (id, reason) = match entry {
            Value::String(id) => (Some(id.as_str()), None),
            Value::Object(entry) => (
                entry.get("id").and_then(Value::as_str),
                entry
                    .get("revocationReason")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            _ => (None, None),
        };
        if id == Some(assertion_id) {
            return Ok(Some(Revocation { reason }));
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------
// Signing and verification

fn require_rs256(key: &JwtKey) -> Result<(), Ob2Error> {
    if key.algorithm() == JwtAlgorithm::Rs256 {
        Ok(())
    } else {
        Err(Ob2Error::InvalidKey(format!(
            "Open Badges 2.0 signatures are RS256; this key is for {}",
            key.algorithm()
        )))
    }
}

fn from_key_error(e: JwtError) -> Ob2Error {
    match e {
        JwtError::InvalidKey(reason) => Ob2Error::InvalidKey(reason),
        JwtError::Signing(reason) => Ob2Error::Signing(reason),
        other => Ob2Error::InvalidKey(other.to_string()),
    }
}

/// The `verification.type` of an assertion (JSON), normalised: `hosted`
/// for `hosted`/`HostedBadge`, `signed` for `signed`/`SignedBadge`, else as
/// written (empty when missing).
fn verification_type(assertion: &Map<String, Value>) -> String {
    let found = assertion
        .get("verification")
        .and_then(|v| v.get("type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    match found {
        f if f.eq_ignore_ascii_case("hosted") || f.eq_ignore_ascii_case("HostedBadge") => {
            "hosted".into()
        }
        f if f.eq_ignore_ascii_case("signed") || f.eq_ignore_ascii_case("SignedBadge") => {
            "signed".into()
        }
        other => other.to_owned(),
    }
}

fn has_type(kind: Option<&Value>, expected: &str) -> bool {
    match kind {
        Some(Value::String(kind)) => kind == expected,
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k.as_str() == Some(expected)),
        _ => false,
    }
}

/// Signs an assertion (JSON, as from [`Assertion::to_json`]) as a compact
/// JWS with header `{"alg": "RS256"}` and the assertion as payload. The
/// assertion must have `verification: {"type": "signed", "creator": …}`
/// and the key must be RS256.
pub fn sign_assertion(assertion: &Value, key: &JwtKey) -> Result<String, Ob2Error> {
    require_rs256(key)?;
    let object = assertion
        .as_object()
        .ok_or_else(|| invalid("the assertion is not a JSON object"))?;
    let kind = verification_type(object);
    if kind != "signed" {
        return Err(Ob2Error::WrongVerificationType {
            expected: "signed",
            found: kind,
        });
    }
    creator_of(object)?;
    let mut header = Map::new();
    header.insert("alg".into(), Value::String("RS256".into()));
    let payload = serde_json::to_vec(assertion)
        .map_err(|e| Ob2Error::Signing(format!("cannot serialise the assertion: {e}")))?;
    jwt::sign_compact(&header, &payload, key).map_err(from_key_error)
}

fn creator_of(assertion: &Map<String, Value>) -> Result<&str, Ob2Error> {
    let creator = assertion
        .get("verification")
        .and_then(|v| v.get("creator"))
        .ok_or(Ob2Error::MissingCreator)?;
    match creator {
        Value::String(url) if !url.is_empty() => Ok(url),
        Value::Object(key) => key
            .get("id")
            .and_then(Value::as_str)
            .ok_or(Ob2Error::MissingCreator),
        _ => Err(Ob2Error::MissingCreator),
    }
}

/// Verifies a signed assertion and returns it (the JWS payload).
///
/// In order: the JWS is RS256 (anything else, `none` and HMAC included, is
/// refused) and its signature is `public_key_pem`'s (an RSA key of 2048 to
/// 4096 bits, SPKI or PKCS#1 PEM); the payload is an `Assertion` with
/// `verification: {"type": "signed", "creator": …}`; it is not revoked (its
/// own `revoked` flag, then `revocation_list` when given); `now` is before
/// its `expires`.
///
/// The caller fetches the key at `verification.creator` and the list at
/// the issuer's `revocationList`; checking that the key's `owner` is the
/// badge's issuer is also the caller's.
pub fn verify_signed_assertion(
    jws: &str,
    public_key_pem: &str,
    revocation_list: Option<&Value>,
    now: DateTime<Utc>,
) -> Result<Value, Ob2Error> {
    let parts = jwt::parse_compact(jws).map_err(Ob2Error::MalformedJws)?;
    let alg = jwt::header_algorithm(&parts.header).map_err(|e| match e {
        JwtError::Malformed(reason) => Ob2Error::MalformedJws(reason),
        other => Ob2Error::UnsupportedAlgorithm(other.to_string()),
    })?;
    if alg != JwtAlgorithm::Rs256 {
        return Err(Ob2Error::UnsupportedAlgorithm(alg.as_str().into()));
    }
    let key = jwt::rsa_public_key_from_pem(public_key_pem).map_err(from_key_error)?;
    jwt::check_signature(&parts, alg, &jwt::decoding_key_from_rsa(&key)).map_err(|e| match e {
        JwtError::BadSignature => Ob2Error::BadSignature,
        JwtError::Malformed(reason) => Ob2Error::MalformedJws(reason),
        other => from_key_error(other),
    })?;
    let assertion = match serde_json::from_slice::<Value>(&parts.payload) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(invalid("the JWS payload is not a JSON object")),
        Err(e) => return Err(invalid(format!("the JWS payload is not JSON: {e}"))),
    };
    if !has_type(assertion.get("type"), "Assertion") {
        return Err(invalid("the JWS payload's type is not Assertion"));
    }
    let kind = verification_type(&assertion);
    if kind != "signed" {
        return Err(Ob2Error::WrongVerificationType {
            expected: "signed",
            found: kind,
        });
    }
    creator_of(&assertion)?;
    check_not_revoked(&assertion, revocation_list)?;
    let assertion = Value::Object(assertion);
    check_not_expired(&assertion, now)?;
    Ok(assertion)
}

fn assertion_id(assertion: &Map<String, Value>) -> Result<&str, Ob2Error> {
    assertion
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("the assertion has no id"))
}

fn check_not_revoked(
    assertion: &Map<String, Value>,
    revocation_list: Option<&Value>,
) -> Result<(), Ob2Error> {
    let id = assertion_id(assertion)?;
    if assertion.get("revoked").and_then(Value::as_bool) == Some(true) {
        return Err(Ob2Error::Revoked {
            id: id.to_owned(),
            reason: assertion
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    if let Some(list) = revocation_list
        && let Some(revocation) = find_revocation(list, id)?
    {
        return Err(Ob2Error::Revoked {
            id: id.to_owned(),
            reason: revocation.reason,
        });
    }
    Ok(())
}

/// Errors when `now` is at or after the assertion's `expires` (or
/// `expires` is not an ISO 8601 date-time with a time zone).
pub fn check_not_expired(assertion: &Value, now: DateTime<Utc>) -> Result<(), Ob2Error> {
    let Some(expires) = assertion.get("expires") else {
        return Ok(());
    };
    let expires = expires
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| invalid("expires is not a date-time with a time zone"))?;
    if now >= expires {
        return Err(Ob2Error::Expired { expires, now });
    }
    Ok(())
}

/// Checks a hosted assertion (as fetched from its `id`) against its
/// issuer's profile: `verification.type` is `hosted`, the assertion is on
/// the host the issuer allows, and it is not marked `revoked`.
///
/// Where the assertion may be: when the issuer's profile has a
/// `verification` policy with `allowedOrigins` (host or host:port names)
/// or `startsWith` (URL prefixes), the assertion's id must satisfy it;
/// otherwise its host and port must be the issuer id's (host names compare
/// case-insensitively, the default port of the scheme counts as no port).
/// Expiry is [`check_not_expired`]'s.
pub fn check_hosted(assertion: &Value, issuer: &Value) -> Result<(), Ob2Error> {
    let object = assertion
        .as_object()
        .ok_or_else(|| invalid("the assertion is not a JSON object"))?;
    let kind = verification_type(object);
    if kind != "hosted" {
        return Err(Ob2Error::WrongVerificationType {
            expected: "hosted",
            found: kind,
        });
    }
    let id = assertion_id(object)?;
    let issuer_object = issuer
        .as_object()
        .ok_or_else(|| invalid("the issuer profile is not a JSON object"))?;
    let issuer_id = issuer_object
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("the issuer profile has no id"))?;
    let policy = issuer_object.get("verification");
    let strings = |name: &str| -> Vec<&str> {
        match policy.and_then(|p| p.get(name)) {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    };
    let (allowed_origins, starts_with) = (strings("allowedOrigins"), strings("startsWith"));
    if allowed_origins.is_empty() && starts_with.is_empty() {
        check_same_host(id, issuer_id)?;
    } else {
        let origin = Origin::of(id).ok_or_else(|| Ob2Error::HostMismatch {
            assertion_id: id.to_owned(),
            expected: "an HTTP(S) URL".into(),
        })?;
        let origin_ok = allowed_origins.is_empty()
            || allowed_origins
                .iter()
                .any(|allowed| origin.matches_netloc(allowed));
        let prefix_ok = starts_with.is_empty() || starts_with.iter().any(|p| id.starts_with(p));
        if !(origin_ok && prefix_ok) {
            let mut expected = Vec::new();
            if !allowed_origins.is_empty() {
                expected.push(format!(
                    "one of the issuer's allowedOrigins ({})",
                    allowed_origins.join(", ")
                ));
            }
            if !starts_with.is_empty() {
                expected.push(format!(
                    "a URL starting with one of the issuer's startsWith ({})",
                    starts_with.join(", ")
                ));
            }
            return Err(Ob2Error::HostMismatch {
                assertion_id: id.to_owned(),
                expected: expected.join(" and "),
            });
        }
    }
    check_not_revoked(object, None)
}

/// The rule for hosted assertions: `assertion_id` is an HTTP(S) URL on the
/// host and port of `issuer_id`.
fn check_same_host(assertion_id: &str, issuer_id: &str) -> Result<(), Ob2Error> {
    let issuer = Origin::of(issuer_id).ok_or_else(|| {
        invalid(format!(
            "the issuer id {issuer_id:?} is not an HTTP(S) URL, so it has no host to host assertions on"
        ))
    })?;
    let expected = || format!("{} (the issuer id's host)", issuer.netloc());
    let assertion = Origin::of(assertion_id).ok_or_else(|| Ob2Error::HostMismatch {
        assertion_id: assertion_id.to_owned(),
        expected: expected(),
    })?;
    if assertion.host == issuer.host && assertion.port == issuer.port {
        Ok(())
    } else {
        Err(Ob2Error::HostMismatch {
            assertion_id: assertion_id.to_owned(),
            expected: expected(),
        })
    }
}

/// The host and port of an HTTP(S) URL.
#[derive(Debug)]
struct Origin {
    /// `http` or `https`.
    scheme: &'static str,
    /// Lower-cased, without a trailing dot; IPv6 addresses keep brackets.
    host: String,
    /// `None` for the scheme's default port.
    port: Option<u16>,
}

impl PartialEq for Origin {
    /// Same host and port; the scheme is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.host == other.host && self.port == other.port
    }
}

impl Origin {
    fn of(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let (scheme, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "https" => ("https", 443),
            "http" => ("http", 80),
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
        let (host, port) = if host_port.starts_with('[') {
            let end = host_port.find(']')?;
            let (host, after) = host_port.split_at(end + 1);
            if !after.is_empty() && !after.starts_with(':') {
                return None;
            }
            (host, after.strip_prefix(':'))
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty()
            || host.contains(|c: char| c.is_whitespace() || c == ':' && !host.starts_with('['))
        {
            return None;
        }
        let port = match port {
            None | Some("") => None,
            Some(port) => Some(port.parse::<u16>().ok()?).filter(|p| *p != default_port),
        };
        Some(Self { scheme, host, port })
    }

    /// `host` or `host:port`.
    fn netloc(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// Whether an `allowedOrigins` entry (`host` or `host:port`) names this
    /// origin; a port that is the default of this URL's scheme may be
    /// written or not.
    fn matches_netloc(&self, allowed: &str) -> bool {
        Self::of(&format!("{}://{}", self.scheme, allowed.trim())).is_some_and(|a| a == *self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalise_case_default_ports_and_userinfo() {
        let origin = |url| Origin::of(url);
        assert_eq!(
            origin("https://Example.org/a"),
            origin("https://user@example.org:443/b?c")
        );
        assert_eq!(origin("http://example.org/"), origin("https://example.org"));
        assert_ne!(
            origin("https://example.org:8443/"),
            origin("https://example.org/")
        );
        assert_eq!(
            origin("http://[::1]:8080/x").map(|o| o.netloc()),
            Some("[::1]:8080".into())
        );
        assert_eq!(origin("urn:uuid:1234"), None);
        assert_eq!(origin("ftp://example.org"), None);
        assert_eq!(origin("https://:80"), None);
        let id = origin("https://badges.example.org:8443/a/1").expect("an origin");
        assert!(id.matches_netloc("badges.example.org:8443"));
        assert!(!id.matches_netloc("badges.example.org"));
        let id = origin("https://badges.example.org/a/1").expect("an origin");
        assert!(id.matches_netloc("Badges.Example.org"));
        assert!(id.matches_netloc("badges.example.org:443"));
    }
}

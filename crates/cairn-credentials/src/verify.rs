//! One entry point that verifies a credential, whoever issued it, and
//! reports every check in plain language.
//!
//! The input is what a person hands over: a credential's JSON, or an image
//! with a credential baked in. Network access is the caller's: keys come
//! through a [`KeyResolver`], status lists through a lookup function, so
//! the same code serves the offline CLI, tests and the server.

use crate::bake;
use crate::jsonld::Canonicalize;
use crate::keys::KeyResolver;
use crate::proof;
use crate::schema::{self, Schema};
use crate::status;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// Not applicable, or not possible with what was available.
    Skipped,
}

/// One named check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// A stable identifier: `format`, `structure`, `issuer-key`, `proof`,
    /// `validity`, `revocation`.
    pub id: &'static str,
    /// What was checked, for people.
    pub title: &'static str,
    pub outcome: Outcome,
    /// Why, for people.
    pub reason: String,
}

/// What was found and every check made.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// What the input turned out to be, for people.
    pub kind: String,
    /// The credential, when one could be read.
    pub credential: Option<Value>,
    pub checks: Vec<Check>,
}

impl Report {
    /// True when no check failed (and at least the proof passed).
    pub fn verified(&self) -> bool {
        !self.checks.iter().any(|c| c.outcome == Outcome::Failed)
            && self
                .checks
                .iter()
                .any(|c| c.id == "proof" && c.outcome == Outcome::Passed)
    }

    /// The check with this id.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    fn push(
        &mut self,
        id: &'static str,
        title: &'static str,
        outcome: Outcome,
        reason: impl Into<String>,
    ) {
        self.checks.push(Check {
            id,
            title,
            outcome,
            reason: reason.into(),
        });
    }
}

/// What verification may use besides the credential.
pub struct Context<'a> {
    /// The time to check validity against.
    pub now: DateTime<Utc>,
    /// Finds the public key a proof names.
    pub keys: &'a dyn KeyResolver,
    /// Finds a document by its URL: status lists, JSON Web Key Sets, Open
    /// Badges 2.0 badge classes, issuers, keys and revocation lists, hosted
    /// assertions (`None`: not available). The caller decides whether this
    /// fetches over the network.
    pub documents: &'a dyn Fn(&str) -> Option<Value>,
    /// Turns JSON-LD into canonical N-Quads.
    pub canon: &'a dyn Canonicalize,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

const FORMAT: (&str, &str) = ("format", "The file holds a credential");
const STRUCTURE: (&str, &str) = (
    "structure",
    "The credential has the structure the standard requires",
);
const ISSUER_KEY: (&str, &str) = ("issuer-key", "The signing key belongs to the issuer");
const PROOF: (&str, &str) = ("proof", "The signature matches the credential");
const VALIDITY: (&str, &str) = ("validity", "The credential is within its validity period");
const REVOCATION: (&str, &str) = ("revocation", "The issuer has not revoked the credential");

/// Verifies a credential given as bytes: JSON, or a baked PNG or SVG.
pub fn verify(input: &[u8], ctx: &Context<'_>) -> Report {
    let mut report = Report {
        kind: "unknown".into(),
        credential: None,
        checks: Vec::new(),
    };
    let mut image = None;
    let text = match bake::detect_format(input) {
        Some(format) => match bake::unbake(input) {
            Ok(baked) => {
                image = Some(match format {
                    bake::ImageFormat::Png => "PNG",
                    bake::ImageFormat::Svg => "SVG",
                });
                baked.payload.as_str().to_owned()
            }
            Err(err) => {
                report.push(FORMAT.0, FORMAT.1, Outcome::Failed, err.to_string());
                return report;
            }
        },
        None => match std::str::from_utf8(input) {
            Ok(text) => text.trim().to_owned(),
            Err(_) => {
                report.push(
                    FORMAT.0,
                    FORMAT.1,
                    Outcome::Failed,
                    "this is neither a credential (JSON) nor a PNG or SVG image",
                );
                return report;
            }
        },
    };
    if looks_like_jws(&text) {
        let mut report = verify_jws(&text, ctx, report);
        if let Some(image) = image {
            report.kind = baked_kind(&report.kind, image);
        }
        return report;
    }
    if let Ok(value) = serde_json::from_str::<Value>(&text)
        && is_ob2(&value)
    {
        let mut report = verify_ob2_hosted(value, ctx, report);
        if let Some(image) = image {
            report.kind = baked_kind(&report.kind, image);
        }
        return report;
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(value) if value.is_object() => {
            let mut report = verify_json(value, ctx, report);
            if let Some(image) = image {
                report.kind = baked_kind(&report.kind, image);
            }
            report
        }
        Ok(_) => {
            report.push(
                FORMAT.0,
                FORMAT.1,
                Outcome::Failed,
                "the JSON is not an object",
            );
            report
        }
        Err(err) => {
            report.push(
                FORMAT.0,
                FORMAT.1,
                Outcome::Failed,
                format!("this is not a credential: the JSON cannot be read ({err})"),
            );
            report
        }
    }
}

fn types(doc: &Value) -> Vec<&str> {
    match doc.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The issuer's id (the `issuer` string or its `id`).
pub fn issuer_id(doc: &Value) -> Option<&str> {
    match doc.get("issuer") {
        Some(Value::String(id)) => Some(id),
        Some(Value::Object(map)) => map.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn parse_time(value: Option<&Value>) -> Result<Option<DateTime<Utc>>, String> {
    match value {
        None => Ok(None),
        Some(Value::String(text)) => DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| format!("{text} is not a date and time")),
        Some(_) => Err("a date is not a string".into()),
    }
}

fn verify_json(doc: Value, ctx: &Context<'_>, mut report: Report) -> Report {
    let kinds = types(&doc);
    let is_vc = kinds.contains(&"VerifiableCredential");
    let schema = if kinds.contains(&"EndorsementCredential") {
        Some(Schema::EndorsementCredential)
    } else if kinds
        .iter()
        .any(|t| matches!(*t, "OpenBadgeCredential" | "AchievementCredential"))
    {
        Some(Schema::AchievementCredential)
    } else {
        None
    };
    if !is_vc {
        report.push(
            FORMAT.0,
            FORMAT.1,
            Outcome::Failed,
            "the JSON is not a Verifiable Credential (its type lacks VerifiableCredential)",
        );
        report.credential = Some(doc);
        return report;
    }
    report.kind = match schema {
        Some(Schema::EndorsementCredential) => "Open Badges 3.0 endorsement".into(),
        Some(_) => "Open Badges 3.0 credential".into(),
        None => format!("Verifiable Credential ({})", kinds.join(", ")),
    };
    report.push(FORMAT.0, FORMAT.1, Outcome::Passed, report.kind.clone());

    // VC Data Model 2.0 allows a single proof object where 1EdTech's
    // schema wants an array; check the structure as if it were an array.
    let mut for_schema = doc.clone();
    if let Some(single) = for_schema.get("proof").filter(|p| p.is_object()).cloned() {
        for_schema["proof"] = Value::Array(vec![single]);
    }
    match schema.map(|s| schema::validate(s, &for_schema)) {
        Some(Ok(())) => report.push(
            STRUCTURE.0,
            STRUCTURE.1,
            Outcome::Passed,
            "valid against 1EdTech's JSON Schema",
        ),
        Some(Err(problems)) => report.push(
            STRUCTURE.0,
            STRUCTURE.1,
            Outcome::Failed,
            problems.join("; "),
        ),
        None => report.push(
            STRUCTURE.0,
            STRUCTURE.1,
            Outcome::Skipped,
            "no schema for this kind of credential",
        ),
    }

    let issuer = issuer_id(&doc).map(str::to_owned);
    let found = match proof::proofs(&doc) {
        Ok(mut proofs) => Some(proofs.remove(0)),
        Err(err) => {
            report.push(
                ISSUER_KEY.0,
                ISSUER_KEY.1,
                Outcome::Skipped,
                "there is no proof naming a key",
            );
            report.push(PROOF.0, PROOF.1, Outcome::Failed, err.to_string());
            None
        }
    };
    if let Some(found) = found {
        match ctx.keys.resolve(&found.verification_method) {
            Err(err) => {
                report.push(
                    ISSUER_KEY.0,
                    ISSUER_KEY.1,
                    Outcome::Failed,
                    format!(
                        "the key {} could not be found: {err}",
                        found.verification_method
                    ),
                );
                report.push(
                    PROOF.0,
                    PROOF.1,
                    Outcome::Skipped,
                    "without the key the signature cannot be checked",
                );
            }
            Ok(key) => {
                let signed_at = parse_time(
                    found
                        .created
                        .as_ref()
                        .map(|c| Value::String(c.clone()))
                        .as_ref(),
                )
                .ok()
                .flatten();
                let key_problem = if issuer.as_deref() != Some(key.controller.as_str()) {
                    Some(format!(
                        "the key is controlled by {}, not by the issuer {}",
                        key.controller,
                        issuer.as_deref().unwrap_or("(none)")
                    ))
                } else {
                    key.revoked
                        .filter(|revoked| signed_at.is_none_or(|at| at >= *revoked))
                        .map(|revoked| format!("the key was revoked on {revoked}"))
                };
                match key_problem {
                    Some(problem) => {
                        report.push(ISSUER_KEY.0, ISSUER_KEY.1, Outcome::Failed, problem)
                    }
                    None => report.push(
                        ISSUER_KEY.0,
                        ISSUER_KEY.1,
                        Outcome::Passed,
                        format!("{} is a key of {}", key.id, key.controller),
                    ),
                }
                match proof::verify(&doc, &key.public_key, &CanonRef(ctx.canon)) {
                    Ok(p) => report.push(
                        PROOF.0,
                        PROOF.1,
                        Outcome::Passed,
                        format!(
                            "{} signature by {}",
                            p.cryptosuite.unwrap_or(p.proof_type),
                            p.verification_method
                        ),
                    ),
                    Err(err) => report.push(PROOF.0, PROOF.1, Outcome::Failed, err.to_string()),
                }
            }
        }
    }

    validity(&doc, ctx, &mut report);
    check_revocation(&doc, ctx, &mut report);
    report.credential = Some(doc);
    report
}

fn check_revocation(doc: &Value, ctx: &Context<'_>, report: &mut Report) {
    let entries: Vec<&Value> = match doc.get("credentialStatus") {
        None => {
            report.push(
                REVOCATION.0,
                REVOCATION.1,
                Outcome::Skipped,
                "the credential names no status list",
            );
            return;
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
    };
    for entry in entries {
        let parsed = match status::parse_entry(entry) {
            Ok(parsed) => parsed,
            Err(err) => {
                report.push(
                    REVOCATION.0,
                    REVOCATION.1,
                    Outcome::Skipped,
                    format!("the status entry is not one Cairn checks: {err}"),
                );
                continue;
            }
        };
        let Some(list) = (ctx.documents)(&parsed.list_credential) else {
            report.push(
                REVOCATION.0,
                REVOCATION.1,
                Outcome::Skipped,
                format!(
                    "the status list {} is not available",
                    parsed.list_credential
                ),
            );
            continue;
        };
        // The list is a credential of the same issuer: its own proof must hold.
        let list_ok = proof::proofs(&list)
            .ok()
            .and_then(|mut p| (!p.is_empty()).then(|| p.remove(0)))
            .and_then(|p| ctx.keys.resolve(&p.verification_method).ok())
            .is_some_and(|key| {
                issuer_id(&list) == issuer_id(doc)
                    && key.controller.as_str() == issuer_id(doc).unwrap_or_default()
                    && proof::verify(&list, &key.public_key, &CanonRef(ctx.canon)).is_ok()
            });
        if !list_ok {
            report.push(
                REVOCATION.0,
                REVOCATION.1,
                Outcome::Failed,
                "the status list is not signed by the credential's issuer",
            );
            continue;
        }
        match status::check_status(entry, &list) {
            Ok(true) => report.push(
                REVOCATION.0,
                REVOCATION.1,
                Outcome::Failed,
                format!("revoked ({} list, index {})", parsed.purpose, parsed.index),
            ),
            Ok(false) => report.push(
                REVOCATION.0,
                REVOCATION.1,
                Outcome::Passed,
                format!(
                    "not revoked ({} list, index {})",
                    parsed.purpose, parsed.index
                ),
            ),
            Err(err) => report.push(REVOCATION.0, REVOCATION.1, Outcome::Failed, err.to_string()),
        }
    }
}

/// Lets a `&dyn Canonicalize` be passed where `impl Canonicalize` is expected.
struct CanonRef<'a>(&'a dyn Canonicalize);

impl Canonicalize for CanonRef<'_> {
    fn canonical_nquads(&self, doc: &Value) -> Result<String, crate::jsonld::JsonLdError> {
        self.0.canonical_nquads(doc)
    }
}

/// The kind of a credential found baked into an image: "…, baked into a
/// PNG image" / "…, baked into an SVG image".
fn baked_kind(kind: &str, image: &str) -> String {
    // Read letter by letter: "an S-V-G", "a P-N-G".
    let article = if image == "SVG" { "an" } else { "a" };
    format!("{kind}, baked into {article} {image} image")
}

fn looks_like_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn is_ob2(doc: &Value) -> bool {
    let context = doc
        .get("@context")
        .map(Value::to_string)
        .unwrap_or_default();
    context.contains("w3id.org/openbadges/v2")
        || (doc.get("recipient").is_some() && doc.get("badge").is_some())
}

fn jws_payload(token: &str) -> Option<Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn verify_jws(token: &str, ctx: &Context<'_>, mut report: Report) -> Report {
    match jws_payload(token) {
        Some(payload) if is_ob2(&payload) => verify_ob2_signed(token, payload, ctx, report),
        Some(_) => verify_vc_jwt(token, ctx, report),
        None => {
            report.push(
                FORMAT.0,
                FORMAT.1,
                Outcome::Failed,
                "the token's payload is not JSON",
            );
            report
        }
    }
}

/// The JSON Web Key Set for a token: at its `kid` when that is a URL,
/// otherwise at the issuer's `/.well-known/jwks.json`.
fn jwks_for(kid: Option<&str>, issuer: Option<&str>, ctx: &Context<'_>) -> Option<Value> {
    if let Some(found) = kid
        .filter(|k| k.starts_with("https://") || k.starts_with("http://"))
        .and_then(|k| (ctx.documents)(k.split('#').next().unwrap_or(k)))
    {
        return Some(found);
    }
    let issuer = issuer?;
    let origin = issuer.split('/').take(3).collect::<Vec<_>>().join("/");
    (ctx.documents)(&format!("{origin}/.well-known/jwks.json"))
}

fn verify_vc_jwt(token: &str, ctx: &Context<'_>, mut report: Report) -> Report {
    let decoded = match crate::jwt::decode_vc_jwt(token) {
        Ok(decoded) => decoded,
        Err(err) => {
            report.push(FORMAT.0, FORMAT.1, Outcome::Failed, err.to_string());
            return report;
        }
    };
    // A signed token is not a credential unless it carries one.
    if !types(&decoded.credential).contains(&"VerifiableCredential") {
        report.push(
            FORMAT.0,
            FORMAT.1,
            Outcome::Failed,
            "the token carries no Verifiable Credential (neither its payload nor its vc claim has the type VerifiableCredential)",
        );
        report.credential = Some(decoded.credential);
        return report;
    }
    report.kind = "Open Badges 3.0 credential (VC-JWT)".into();
    report.push(FORMAT.0, FORMAT.1, Outcome::Passed, report.kind.clone());
    let doc = decoded.credential.clone();
    match schema::validate(Schema::AchievementCredential, &doc) {
        Ok(()) => report.push(
            STRUCTURE.0,
            STRUCTURE.1,
            Outcome::Passed,
            "valid against 1EdTech's JSON Schema",
        ),
        // The schema asks for a proof, which a VC-JWT carries outside the JSON.
        Err(problems) => {
            let real: Vec<String> = problems
                .into_iter()
                .filter(|p| !p.contains("proof"))
                .collect();
            if real.is_empty() {
                report.push(
                    STRUCTURE.0,
                    STRUCTURE.1,
                    Outcome::Passed,
                    "valid against 1EdTech's JSON Schema (the proof is the JWT's signature)",
                );
            } else {
                report.push(STRUCTURE.0, STRUCTURE.1, Outcome::Failed, real.join("; "));
            }
        }
    }
    let issuer = issuer_id(&doc).map(str::to_owned);
    match jwks_for(decoded.header.kid.as_deref(), issuer.as_deref(), ctx) {
        None => {
            report.push(
                ISSUER_KEY.0,
                ISSUER_KEY.1,
                Outcome::Failed,
                "the issuer's JSON Web Key Set could not be found",
            );
            report.push(
                PROOF.0,
                PROOF.1,
                Outcome::Skipped,
                "without the key the signature cannot be checked",
            );
        }
        Some(keys) => {
            report.push(
                ISSUER_KEY.0,
                ISSUER_KEY.1,
                Outcome::Passed,
                "found in the issuer's key set",
            );
            match decoded.verify(&keys, ctx.now) {
                Ok(()) => report.push(
                    PROOF.0,
                    PROOF.1,
                    Outcome::Passed,
                    format!(
                        "{} signature, claims match the credential",
                        decoded.header.alg
                    ),
                ),
                Err(crate::jwt::JwtError::Expired { .. })
                | Err(crate::jwt::JwtError::NotYetValid { .. }) => {
                    report.push(
                        PROOF.0,
                        PROOF.1,
                        Outcome::Passed,
                        format!("{} signature", decoded.header.alg),
                    );
                }
                Err(err) => report.push(PROOF.0, PROOF.1, Outcome::Failed, err.to_string()),
            }
        }
    }
    validity(&doc, ctx, &mut report);
    check_revocation(&doc, ctx, &mut report);
    report.credential = Some(doc);
    report
}

fn validity(doc: &Value, ctx: &Context<'_>, report: &mut Report) {
    match (
        parse_time(doc.get("validFrom").or_else(|| doc.get("issuanceDate"))),
        parse_time(doc.get("validUntil").or_else(|| doc.get("expirationDate"))),
    ) {
        (Err(e), _) | (_, Err(e)) => report.push(VALIDITY.0, VALIDITY.1, Outcome::Failed, e),
        (Ok(Some(from)), _) if from > ctx.now => report.push(
            VALIDITY.0,
            VALIDITY.1,
            Outcome::Failed,
            format!("not valid before {from}"),
        ),
        (_, Ok(Some(until))) if until <= ctx.now => report.push(
            VALIDITY.0,
            VALIDITY.1,
            Outcome::Failed,
            format!("expired on {until}"),
        ),
        (Ok(None), _) => report.push(
            VALIDITY.0,
            VALIDITY.1,
            Outcome::Failed,
            "the credential has no validFrom",
        ),
        (_, Ok(Some(until))) => report.push(
            VALIDITY.0,
            VALIDITY.1,
            Outcome::Passed,
            format!("valid until {until}"),
        ),
        (_, Ok(None)) => report.push(
            VALIDITY.0,
            VALIDITY.1,
            Outcome::Passed,
            "valid, with no expiry",
        ),
    }
}

/// The badge class and issuer of an Open Badges 2.0 assertion.
fn ob2_issuer(assertion: &Value, ctx: &Context<'_>) -> Result<(Value, Value), String> {
    let badge = match assertion.get("badge") {
        Some(Value::String(url)) => {
            (ctx.documents)(url).ok_or_else(|| format!("the badge class {url} is not available"))?
        }
        Some(object @ Value::Object(_)) => object.clone(),
        _ => return Err("the assertion names no badge class".into()),
    };
    let issuer = match badge.get("issuer") {
        Some(Value::String(url)) => {
            (ctx.documents)(url).ok_or_else(|| format!("the issuer {url} is not available"))?
        }
        Some(object @ Value::Object(_)) => object.clone(),
        _ => return Err("the badge class names no issuer".into()),
    };
    Ok((badge, issuer))
}

fn ob2_revocation(assertion: &Value, issuer: &Value, ctx: &Context<'_>, report: &mut Report) {
    if assertion.get("revoked").and_then(Value::as_bool) == Some(true) {
        let reason = assertion
            .get("revocationReason")
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Failed,
            format!("revoked: {reason}"),
        );
        return;
    }
    let Some(list_url) = issuer.get("revocationList").and_then(Value::as_str) else {
        report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Passed,
            "not marked revoked",
        );
        return;
    };
    let Some(list) = (ctx.documents)(list_url) else {
        report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Skipped,
            format!("the revocation list {list_url} is not available"),
        );
        return;
    };
    let id = assertion
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match crate::ob2::find_revocation(&list, id) {
        Ok(Some(revocation)) => report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Failed,
            format!("revoked: {revocation:?}"),
        ),
        Ok(None) => report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Passed,
            "not in the issuer's revocation list",
        ),
        Err(err) => report.push(REVOCATION.0, REVOCATION.1, Outcome::Failed, err.to_string()),
    }
}

fn verify_ob2_signed(token: &str, payload: Value, ctx: &Context<'_>, mut report: Report) -> Report {
    report.kind = "Open Badges 2.0 signed assertion".into();
    report.push(FORMAT.0, FORMAT.1, Outcome::Passed, report.kind.clone());
    report.push(
        STRUCTURE.0,
        STRUCTURE.1,
        Outcome::Skipped,
        "Open Badges 2.0 has no JSON Schema to check against",
    );
    let creator = payload
        .pointer("/verification/creator")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let issuer = ob2_issuer(&payload, ctx);
    let key = creator.as_deref().and_then(|url| (ctx.documents)(url));
    match (&key, &issuer) {
        (None, _) => {
            report.push(
                ISSUER_KEY.0,
                ISSUER_KEY.1,
                Outcome::Failed,
                format!(
                    "the key {} is not available",
                    creator.as_deref().unwrap_or("(none named)")
                ),
            );
            report.push(
                PROOF.0,
                PROOF.1,
                Outcome::Skipped,
                "without the key the signature cannot be checked",
            );
        }
        (Some(key), issuer) => {
            let owner = key.get("owner").and_then(Value::as_str);
            let issuer_id = issuer
                .as_ref()
                .ok()
                .and_then(|(_, i)| i.get("id").and_then(Value::as_str));
            if owner.is_some() && owner == issuer_id {
                report.push(
                    ISSUER_KEY.0,
                    ISSUER_KEY.1,
                    Outcome::Passed,
                    format!("the key belongs to {}", owner.unwrap_or_default()),
                );
            } else {
                report.push(
                    ISSUER_KEY.0,
                    ISSUER_KEY.1,
                    Outcome::Failed,
                    "the key's owner is not the badge's issuer",
                );
            }
            let pem = key
                .get("publicKeyPem")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match crate::ob2::verify_signed_assertion(token, pem, None, ctx.now) {
                Ok(_) => report.push(PROOF.0, PROOF.1, Outcome::Passed, "RS256 signature"),
                Err(err) => report.push(PROOF.0, PROOF.1, Outcome::Failed, err.to_string()),
            }
        }
    }
    ob2_validity(&payload, ctx, &mut report);
    match &issuer {
        Ok((_, issuer)) => ob2_revocation(&payload, issuer, ctx, &mut report),
        Err(problem) => report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Skipped,
            problem.clone(),
        ),
    }
    report.credential = Some(payload);
    report
}

fn ob2_validity(assertion: &Value, ctx: &Context<'_>, report: &mut Report) {
    match crate::ob2::check_not_expired(assertion, ctx.now) {
        Ok(()) => report.push(VALIDITY.0, VALIDITY.1, Outcome::Passed, "not expired"),
        Err(err) => report.push(VALIDITY.0, VALIDITY.1, Outcome::Failed, err.to_string()),
    }
}

fn verify_ob2_hosted(assertion: Value, ctx: &Context<'_>, mut report: Report) -> Report {
    report.kind = "Open Badges 2.0 hosted assertion".into();
    report.push(FORMAT.0, FORMAT.1, Outcome::Passed, report.kind.clone());
    report.push(
        STRUCTURE.0,
        STRUCTURE.1,
        Outcome::Skipped,
        "Open Badges 2.0 has no JSON Schema to check against",
    );
    let issuer = ob2_issuer(&assertion, ctx);
    match &issuer {
        Ok((_, issuer)) => match crate::ob2::check_hosted(&assertion, issuer) {
            Ok(()) => report.push(
                ISSUER_KEY.0,
                ISSUER_KEY.1,
                Outcome::Passed,
                "hosted on the issuer's own site",
            ),
            Err(err) => report.push(ISSUER_KEY.0, ISSUER_KEY.1, Outcome::Failed, err.to_string()),
        },
        Err(problem) => report.push(ISSUER_KEY.0, ISSUER_KEY.1, Outcome::Failed, problem.clone()),
    }
    // A hosted assertion is proven by being served, unchanged, at its id.
    let id = assertion
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match (ctx.documents)(id) {
        Some(hosted) if hosted == assertion => report.push(
            PROOF.0,
            PROOF.1,
            Outcome::Passed,
            format!("the issuer serves this assertion at {id}"),
        ),
        Some(_) => report.push(
            PROOF.0,
            PROOF.1,
            Outcome::Failed,
            format!("the assertion served at {id} differs from this one"),
        ),
        None => report.push(
            PROOF.0,
            PROOF.1,
            Outcome::Failed,
            format!("the assertion could not be found at {id}"),
        ),
    }
    ob2_validity(&assertion, ctx, &mut report);
    match &issuer {
        Ok((_, issuer)) => ob2_revocation(&assertion, issuer, ctx, &mut report),
        Err(problem) => report.push(
            REVOCATION.0,
            REVOCATION.1,
            Outcome::Skipped,
            problem.clone(),
        ),
    }
    report.credential = Some(assertion);
    report
}

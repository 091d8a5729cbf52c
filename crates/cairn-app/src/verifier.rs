//! The public verifier: anyone hands over a credential — a file, a baked
//! image, pasted JSON or a JWT, or the address of one — and gets the
//! verification report, whoever issued it.
//!
//! The credentials library verifies offline; this module gathers the
//! documents it needs first. It runs the (synchronous) verification, notes
//! every document and key it asked for and did not have, fetches those, and
//! verifies again, up to [`ROUNDS`] times. Documents this server publishes
//! (issuer profiles, keys, status lists, Open Badges 2.0 documents, awards)
//! are read from the application directly, never fetched.
//!
//! Fetching is a server-side request forgery surface, so it is fenced in:
//! only `http(s)`, `https` except to loopback when Cairn itself runs on a
//! loopback address (tests and local development, [`FetchPolicy`]); never
//! a private, link-local, loopback, unspecified or otherwise reserved
//! address, checked after DNS resolution and then connected to exactly (no
//! second lookup); 5-second connect and read timeouts, 10 seconds per
//! document and 40 for all of them; at most 1 MiB per document and [`MAX_DOCUMENTS`] fetched
//! documents per verification; no cookies, no proxy; at most
//! [`MAX_REDIRECTS`] redirects, each checked like the first address.
//!
//! Keys are trusted only when their controller says so: a key found in a
//! fetched document counts only if the controller's own document (fetched
//! from the controller's address, with a matching `id`) lists it among its
//! assertion methods; a VC-JWT's key set is taken from the issuer's own
//! site; an Open Badges 2.0 signing key must be listed in the issuer's
//! profile, fetched from the issuer's id.

use crate::rate_limit::Limit;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_credentials::bake::{self, Payload};
use cairn_credentials::fast;
use cairn_credentials::keys::{
    DidKeyResolver, DocumentResolver, KeyError, KeyResolver, ResolvedKey, did_web_to_url,
};
use cairn_credentials::verify::{self, Check, Outcome, Report};
use cairn_domain::award::AwardVisibility;
use cairn_domain::{AchievementId, AwardId, IssuerKeyId, OrganizationId, StatusListId};
use cairn_store::Repos;
use chrono::{DateTime, Utc};
use futures::future::join_all;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use url::{Host, Url};

/// What a person hands the verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyInput {
    /// The credential itself: JSON, a compact JWS (VC-JWT or Open Badges
    /// 2.0 signed assertion), or a baked PNG or SVG image.
    Bytes(Vec<u8>),
    /// The address of a credential: a hosted Open Badges 2.0 assertion, an
    /// Open Badges 3.0 credential, a baked image, or a badge page that
    /// answers `application/ld+json`.
    Url(String),
}

/// The largest credential accepted as bytes (an upload).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The largest document fetched.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// The most documents fetched over the network for one verification (the
/// credential's own address included; documents of this server do not
/// count).
pub const MAX_DOCUMENTS: usize = 10;
/// The most redirects followed for one document.
pub const MAX_REDIRECTS: usize = 3;
/// How many times the verification asks for more documents.
pub const ROUNDS: usize = 3;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The whole of one document, redirects included.
const DOCUMENT_TIMEOUT: Duration = Duration::from_secs(10);
/// All the fetching of one verification (well within a request's minute).
const FETCHING_TIME: Duration = Duration::from_secs(40);

/// Verifications from one IP address (each may fetch documents).
const VERIFICATIONS_PER_IP: Limit = Limit {
    bucket: "verify_ip",
    max: 60,
    window_minutes: 10,
};

/// The report and what the credential says about itself, for people.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    pub report: Report,
    pub summary: CredentialSummary,
}

/// What a credential is, as far as it (and the documents it names) says.
/// Nothing here is checked beyond what the report says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialSummary {
    /// The achievement's (or badge class's) name, else the credential's.
    pub name: Option<String>,
    pub description: Option<String>,
    pub issuer_name: Option<String>,
    /// The issuer's id: a URL or a DID.
    pub issuer_id: Option<String>,
    /// Who it was awarded to, as far as the credential shows it.
    pub recipient: Option<String>,
    pub issued: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
}

impl App {
    /// Verifies any issuer's credential — bytes or the address of one —
    /// fetching the documents it names (see the module documentation for
    /// the limits), and returns the library's report: every check in plain
    /// language, plus a `fetch` or `documents` check for anything that
    /// could not be fetched. Refused or failed fetches are reported, never
    /// errors; the only error is input that is not there at all, or larger
    /// than [`MAX_UPLOAD_BYTES`].
    pub async fn verify_credential(&self, input: VerifyInput) -> AppResult<Report> {
        Ok(self.verification(input).await?.report)
    }

    /// The public verifier (page and API): [`App::verify_credential`] with
    /// a summary of the credential for people, limited per IP address.
    pub async fn verify_for_visitor(
        &self,
        input: VerifyInput,
        meta: &RequestMeta,
    ) -> AppResult<Verification> {
        if let Some(ip) = &meta.ip {
            self.check_limit(VERIFICATIONS_PER_IP, ip).await?;
            self.hit_limit(VERIFICATIONS_PER_IP, ip).await?;
        }
        self.verification(input).await
    }

    async fn verification(&self, input: VerifyInput) -> AppResult<Verification> {
        let mut gatherer = Gatherer::new(self);
        let (bytes, from_url) = match input {
            VerifyInput::Bytes(bytes) => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Err(AppError::invalid(
                        "credential",
                        "Give a credential: a file, its text, or its address.",
                    ));
                }
                if bytes.len() > MAX_UPLOAD_BYTES {
                    return Err(AppError::invalid(
                        "credential",
                        "The credential is larger than 5 MB; no badge is that large.",
                    ));
                }
                (bytes, None)
            }
            VerifyInput::Url(url) => {
                let url = url.trim().to_owned();
                if url.is_empty() {
                    return Err(AppError::invalid("url", "Give the credential's address."));
                }
                match gatherer.credential_at(&url).await? {
                    Ok(bytes) => (bytes, Some(url)),
                    Err(report) => {
                        return Ok(Verification {
                            report,
                            summary: CredentialSummary::default(),
                        });
                    }
                }
            }
        };
        // An Open Badges 2.0 image may carry only the address of its
        // hosted assertion.
        let (bytes, baked_url) = match baked_address(&bytes) {
            Some(url) => match gatherer.credential_at(&url).await? {
                Ok(fetched) => (fetched, Some(url)),
                Err(report) => {
                    return Ok(Verification {
                        report,
                        summary: CredentialSummary::default(),
                    });
                }
            },
            None => (bytes, None),
        };
        let shape = Shape::of(&bytes);
        let mut wanted = shape.first_wanted();
        if let Some((kid, reason)) = shape.foreign_key_set() {
            gatherer.refuse(&kid, &reason);
        }
        let mut round = 0;
        let report = loop {
            gatherer.fetch_documents(&wanted).await;
            let (report, asked) =
                run_verify(bytes.clone(), gatherer.docs.clone(), self.now()).await?;
            let mut next: BTreeSet<String> = asked;
            next.extend(shape.also_wanted(&gatherer.docs));
            next.retain(|url| !gatherer.docs.contains_key(url));
            if next.is_empty() || round == ROUNDS {
                break report;
            }
            wanted = next.into_iter().collect();
            round += 1;
        };
        let mut report = report;
        shape.check_ob2_key_listed(&gatherer.docs, &mut report);
        if baked_url.is_some() {
            report.kind = format!("{}, from the address baked into the image", report.kind);
        } else if let Some(url) = from_url {
            report.kind = format!("{}, fetched from {url}", report.kind);
        }
        for note in &gatherer.notes {
            report.checks.push(Check {
                id: "documents",
                title: "The documents the credential names could be fetched",
                outcome: Outcome::Skipped,
                reason: note.clone(),
            });
        }
        let summary = summarize(report.credential.as_ref(), &gatherer.docs);
        Ok(Verification { report, summary })
    }
}

/// Verifies `bytes` with the documents gathered so far; returns the report
/// and the addresses of every document or key asked for and not had.
async fn run_verify(
    bytes: Vec<u8>,
    docs: BTreeMap<String, Option<Value>>,
    now: DateTime<Utc>,
) -> AppResult<(Report, BTreeSet<String>)> {
    tokio::task::spawn_blocking(move || {
        let asked = RefCell::new(BTreeSet::new());
        let keys = GatheringResolver::new(&docs, &asked);
        let lookup = |url: &str| {
            let target = fetch_target(url)?;
            match docs.get(&target) {
                Some(found) => found.clone(),
                None => {
                    asked.borrow_mut().insert(target);
                    None
                }
            }
        };
        let report = verify::verify(
            &bytes,
            &verify::Context {
                now,
                keys: &keys,
                documents: &lookup,
                canon: &fast::Auto,
            },
        );
        (report, asked.into_inner())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// The address a document or key is fetched from: an `http(s)` URL without
/// its fragment, or the address of a `did:web` document. `None` for
/// anything that cannot be fetched (`did:key`, `urn:`, …).
fn fetch_target(reference: &str) -> Option<String> {
    let bare = reference.split('#').next().unwrap_or(reference);
    if bare.starts_with("https://") || bare.starts_with("http://") {
        Some(bare.to_owned())
    } else if bare.starts_with("did:web:") {
        did_web_to_url(bare).ok()
    } else {
        None
    }
}

/// Whether `doc` was served at its own address: its `id` (without a
/// fragment) is `url`, or is the `did:web` whose document lives at `url`.
fn served_at(doc: &Value, url: &str) -> bool {
    doc.get("id")
        .and_then(Value::as_str)
        .and_then(fetch_target)
        .is_some_and(|target| target == url)
}

/// Resolves keys from `did:key` and from the documents gathered, trusting a
/// fetched key only when its controller's document lists it for
/// assertions; notes what it would need to fetch.
struct GatheringResolver<'a> {
    did_key: DidKeyResolver,
    documents: DocumentResolver,
    docs: &'a BTreeMap<String, Option<Value>>,
    asked: &'a RefCell<BTreeSet<String>>,
}

impl<'a> GatheringResolver<'a> {
    fn new(
        docs: &'a BTreeMap<String, Option<Value>>,
        asked: &'a RefCell<BTreeSet<String>>,
    ) -> Self {
        let mut documents = DocumentResolver::new();
        for (url, doc) in docs {
            // A document counts for the id it was fetched under, so one
            // site cannot speak for another; documents without keys are
            // skipped.
            if let Some(doc) = doc
                && served_at(doc, url)
            {
                let _ = documents.add_document(doc);
            }
        }
        Self {
            did_key: DidKeyResolver,
            documents,
            docs,
            asked,
        }
    }

    /// Asks for `target` unless it was tried; true when it was tried.
    fn tried(&self, target: &str) -> bool {
        if self.docs.contains_key(target) {
            true
        } else {
            self.asked.borrow_mut().insert(target.to_owned());
            false
        }
    }
}

impl KeyResolver for GatheringResolver<'_> {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        if verification_method.starts_with("did:key:") {
            return self.did_key.resolve(verification_method);
        }
        let key = match self.documents.resolve(verification_method) {
            Ok(key) => key,
            Err(KeyError::NotFound(_)) => {
                let Some(target) = fetch_target(verification_method) else {
                    return Err(KeyError::Resolution {
                        id: verification_method.to_owned(),
                        reason: "Cairn can look up did:key, did:web and https keys only".into(),
                    });
                };
                if !self.tried(&target) {
                    return Err(KeyError::NotFound(verification_method.to_owned()));
                }
                return match self.docs.get(&target) {
                    Some(None) => Err(KeyError::Resolution {
                        id: verification_method.to_owned(),
                        reason: format!("its document {target} could not be fetched"),
                    }),
                    _ => Err(KeyError::NotFound(verification_method.to_owned())),
                };
            }
            Err(other) => return Err(other),
        };
        if self
            .documents
            .lists_assertion_method(&key.controller, &key.id)
        {
            return Ok(key);
        }
        let Some(target) = fetch_target(&key.controller) else {
            return Err(KeyError::Resolution {
                id: verification_method.to_owned(),
                reason: format!(
                    "its controller {} cannot be looked up to confirm the key",
                    key.controller
                ),
            });
        };
        if !self.tried(&target) {
            return Err(KeyError::NotFound(verification_method.to_owned()));
        }
        Err(KeyError::Resolution {
            id: verification_method.to_owned(),
            reason: match self.docs.get(&target) {
                Some(Some(_)) => format!(
                    "the document of {} does not list this key for signing credentials",
                    key.controller
                ),
                _ => format!(
                    "the document of its controller {} could not be fetched to confirm it",
                    key.controller
                ),
            },
        })
    }
}

/// The credential as read before verifying, for what the library does not
/// ask for by itself.
enum Shape {
    /// A JSON credential (or an Open Badges 2.0 assertion).
    Json(Value),
    /// A VC-JWT: the key id in its header and the credential.
    VcJwt {
        kid: Option<String>,
        credential: Value,
    },
    /// An Open Badges 2.0 signed assertion's payload.
    Ob2Signed(Value),
    Other,
}

impl Shape {
    fn of(bytes: &[u8]) -> Self {
        let text = match bake::detect_format(bytes) {
            Some(_) => match bake::unbake(bytes) {
                Ok(baked) => baked.payload.as_str().to_owned(),
                Err(_) => return Self::Other,
            },
            None => match std::str::from_utf8(bytes) {
                Ok(text) => text.trim().to_owned(),
                Err(_) => return Self::Other,
            },
        };
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            return if value.is_object() {
                Self::Json(value)
            } else {
                Self::Other
            };
        }
        let Some(payload) = jws_payload(&text) else {
            return Self::Other;
        };
        if is_ob2(&payload) {
            return Self::Ob2Signed(payload);
        }
        match cairn_credentials::jwt::decode_vc_jwt(&text) {
            Ok(decoded) => Self::VcJwt {
                kid: decoded.header.kid,
                credential: decoded.credential,
            },
            Err(_) => Self::Other,
        }
    }

    /// Documents worth fetching before the first verification: the
    /// issuer's profile (it confirms the signing key).
    fn first_wanted(&self) -> Vec<String> {
        match self {
            Self::Json(doc) if !is_ob2(doc) => verify::issuer_id(doc)
                .and_then(fetch_target)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A VC-JWT's key set is the issuer's only when it is on the issuer's
    /// site; another site's is refused (and the issuer's own is used).
    fn foreign_key_set(&self) -> Option<(String, String)> {
        let Self::VcJwt {
            kid: Some(kid),
            credential,
        } = self
        else {
            return None;
        };
        let target = fetch_target(kid).filter(|t| t.starts_with("http"))?;
        let issuer = verify::issuer_id(credential).and_then(|i| Url::parse(i).ok());
        let key_set = Url::parse(&target).ok()?;
        if issuer.is_some_and(|i| i.origin() == key_set.origin()) {
            return None;
        }
        Some((
            target.clone(),
            format!(
                "the key set {target} is not on the issuer's own site, so it cannot vouch for the issuer's key"
            ),
        ))
    }

    /// Documents the checks below need: a signed Open Badges 2.0
    /// assertion's issuer profile, from the issuer's own address.
    fn also_wanted(&self, docs: &BTreeMap<String, Option<Value>>) -> Vec<String> {
        match self {
            Self::Ob2Signed(payload) => ob2_issuer_id(payload, docs)
                .and_then(|id| fetch_target(&id))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A signed Open Badges 2.0 assertion's key must be listed in the
    /// issuer's profile (`publicKey`) as served at the issuer's id; a key
    /// merely claiming the issuer as its owner is not enough.
    fn check_ob2_key_listed(&self, docs: &BTreeMap<String, Option<Value>>, report: &mut Report) {
        let Self::Ob2Signed(payload) = self else {
            return;
        };
        let Some(check) = report
            .checks
            .iter_mut()
            .find(|c| c.id == "issuer-key" && c.outcome == Outcome::Passed)
        else {
            return;
        };
        let creator = payload
            .pointer("/verification/creator")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let issuer_id = ob2_issuer_id(payload, docs).unwrap_or_default();
        let target = fetch_target(&issuer_id).unwrap_or_default();
        let profile = docs.get(&target).cloned().flatten();
        let listed = profile.as_ref().is_some_and(|p| {
            served_at(p, &target) && ids_of(p.get("publicKey")).contains(&creator)
        });
        if !listed {
            check.outcome = Outcome::Failed;
            check.reason = match profile {
                Some(_) => format!(
                    "the issuer's profile at {issuer_id} does not list the key {creator} as its own"
                ),
                None => format!(
                    "the issuer's profile at {issuer_id} could not be fetched to confirm the key {creator}"
                ),
            };
        }
    }
}

/// The ids in a value that is an id, an object with one, or a list of them.
fn ids_of(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(id)) => vec![id.as_str()],
        Some(Value::Object(map)) => map.get("id").and_then(Value::as_str).into_iter().collect(),
        Some(Value::Array(items)) => items.iter().flat_map(|i| ids_of(Some(i))).collect(),
        _ => Vec::new(),
    }
}

/// The issuer id of an Open Badges 2.0 assertion, through its badge class.
fn ob2_issuer_id(assertion: &Value, docs: &BTreeMap<String, Option<Value>>) -> Option<String> {
    let badge = resolve_ref(assertion.get("badge")?, docs)?;
    match badge.get("issuer")? {
        Value::String(id) => Some(id.clone()),
        Value::Object(map) => map.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// An embedded object, or the gathered document its address names.
fn resolve_ref(value: &Value, docs: &BTreeMap<String, Option<Value>>) -> Option<Value> {
    match value {
        Value::Object(_) => Some(value.clone()),
        Value::String(url) => docs.get(&fetch_target(url)?).cloned().flatten(),
        _ => None,
    }
}

fn is_ob2(doc: &Value) -> bool {
    doc.get("@context")
        .map(Value::to_string)
        .is_some_and(|c| c.contains("w3id.org/openbadges/v2"))
        || (doc.get("recipient").is_some() && doc.get("badge").is_some())
}

fn jws_payload(token: &str) -> Option<Value> {
    use base64::Engine;
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// The address baked into an image instead of a credential.
fn baked_address(bytes: &[u8]) -> Option<String> {
    bake::detect_format(bytes)?;
    match bake::unbake(bytes).ok()?.payload {
        Payload::Url(url) => Some(url),
        _ => None,
    }
}

// ------------------------------------------------------------- summary

fn text(doc: &Value, name: &str) -> Option<String> {
    doc.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn date(doc: &Value, names: &[&str]) -> Option<DateTime<Utc>> {
    names.iter().find_map(|name| {
        DateTime::parse_from_rfc3339(doc.get(*name)?.as_str()?)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// How a recipient identity reads for people: the value when it is in the
/// clear, what kind of value it is when hashed.
fn identity(kind: &str, hashed: bool, value: Option<String>) -> Option<String> {
    let what = match kind {
        "email" | "emailAddress" => "an email address".to_owned(),
        "telephone" | "phoneNumber" => "a phone number".to_owned(),
        "url" => "a web address".to_owned(),
        "" => "an identifier".to_owned(),
        other => format!("an identifier ({other})"),
    };
    if hashed {
        Some(format!(
            "{what}, kept private (only its hash is in the credential)"
        ))
    } else {
        value
    }
}

/// What the credential says it is, with the documents gathered for it.
fn summarize(
    credential: Option<&Value>,
    docs: &BTreeMap<String, Option<Value>>,
) -> CredentialSummary {
    let Some(doc) = credential else {
        return CredentialSummary::default();
    };
    if is_ob2(doc) {
        let badge = doc.get("badge").and_then(|b| resolve_ref(b, docs));
        let issuer_ref = badge.as_ref().and_then(|b| b.get("issuer"));
        let issuer = issuer_ref.and_then(|i| resolve_ref(i, docs));
        let recipient = doc.get("recipient").and_then(|r| {
            identity(
                r.get("type").and_then(Value::as_str).unwrap_or_default(),
                r.get("hashed").and_then(Value::as_bool).unwrap_or(false),
                text(r, "identity"),
            )
        });
        return CredentialSummary {
            name: badge.as_ref().and_then(|b| text(b, "name")),
            description: badge.as_ref().and_then(|b| text(b, "description")),
            issuer_name: issuer.as_ref().and_then(|i| text(i, "name")),
            issuer_id: issuer_ref.and_then(|i| ids_of(Some(i)).first().map(|s| (*s).to_owned())),
            recipient,
            issued: date(doc, &["issuedOn"]),
            expires: date(doc, &["expires"]),
        };
    }
    let subject = match doc.get("credentialSubject") {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    let achievement = subject.and_then(|s| s.get("achievement"));
    let issuer = doc.get("issuer").and_then(|i| resolve_ref(i, docs));
    let recipient = subject.and_then(|s| {
        let identifier = match s.get("identifier") {
            Some(Value::Array(items)) => items.first(),
            other => other,
        };
        identifier
            .and_then(|i| {
                identity(
                    i.get("identityType")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    i.get("hashed").and_then(Value::as_bool).unwrap_or(false),
                    text(i, "identityHash"),
                )
            })
            .or_else(|| text(s, "name"))
            .or_else(|| text(s, "id"))
    });
    CredentialSummary {
        name: achievement
            .and_then(|a| text(a, "name"))
            .or_else(|| text(doc, "name")),
        description: achievement
            .and_then(|a| text(a, "description"))
            .or_else(|| text(doc, "description")),
        issuer_name: issuer.as_ref().and_then(|i| text(i, "name")),
        issuer_id: verify::issuer_id(doc).map(str::to_owned),
        recipient,
        issued: date(doc, &["awardedDate", "validFrom", "issuanceDate"]),
        expires: date(doc, &["validUntil", "expirationDate"]),
    }
}

// ------------------------------------------------------------ fetching

/// Where documents may be fetched from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Loopback addresses, over `http` too. Only when Cairn itself is
    /// served on a loopback address (tests, local development).
    pub allow_loopback: bool,
}

impl FetchPolicy {
    /// The policy for a server reached at `public_url`.
    pub fn for_public_url(public_url: &Url) -> Self {
        let allow_loopback = match public_url.host() {
            Some(Host::Domain(name)) => {
                name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost")
            }
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        Self { allow_loopback }
    }
}

/// What kind of address `ip` is when it is not a public one.
fn special_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address (this machine)")
    } else if ip.is_private() {
        Some("a private network address")
    } else if ip.is_link_local() {
        Some("a link-local address (where cloud metadata services live)")
    } else if a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224
    {
        Some("a reserved address")
    } else {
        None
    }
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return special_v4(v4);
    }
    if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address (this machine)")
    } else if segments[0] & 0xffc0 == 0xfe80 {
        Some("a link-local address (where cloud metadata services live)")
    } else if segments[0] & 0xfe00 == 0xfc00 || segments[0] & 0xffc0 == 0xfec0 {
        Some("a private network address")
    } else if segments[0] == 0x64 && segments[1] == 0xff9b {
        // NAT64: the IPv4 address is in the last 32 bits.
        special_v4(embedded_v4(segments[6], segments[7]))
    } else if segments[0] == 0x2002 {
        // 6to4: the IPv4 address follows the prefix.
        special_v4(embedded_v4(segments[1], segments[2]))
    } else if segments[0] & 0xff00 == 0xff00
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)
        || (segments[0] == 0x2001 && segments[1] == 0)
        || (segments[0] == 0x0100 && segments[1..4] == [0, 0, 0])
        || segments[..6] == [0, 0, 0, 0, 0, 0]
    {
        Some("a reserved address")
    } else {
        None
    }
}

/// The IPv4 address in two segments of an IPv6 one.
fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// What kind of address `ip` is when `policy` forbids it.
fn forbidden_kind(ip: IpAddr, policy: FetchPolicy) -> Option<&'static str> {
    match special_kind(ip) {
        Some(kind) if kind.starts_with("a loopback") && policy.allow_loopback => None,
        other => other,
    }
}

/// Whether `ip` may be fetched from under `policy`; the refusal says why.
pub fn check_address(ip: IpAddr, policy: FetchPolicy) -> Result<(), String> {
    match forbidden_kind(ip, policy) {
        None => Ok(()),
        Some(kind) => Err(format!(
            "{ip} is {kind}, and Cairn does not fetch from such addresses"
        )),
    }
}

/// Why a document was not had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The rules forbid it (scheme, address, size, count).
    Refused(String),
    /// It was tried and failed (DNS, connection, status, timeout).
    Failed(String),
}

impl FetchError {
    /// A sentence about `url`.
    fn about(&self, url: &str) -> String {
        match self {
            Self::Refused(reason) => format!("{url} was not fetched: {reason}"),
            Self::Failed(reason) => format!("{url} could not be fetched: {reason}"),
        }
    }
}

/// Checks an address before anything is sent to it: the scheme, the host's
/// addresses (resolved here, once) and the https rule. Returns the parsed
/// URL and the addresses to connect to.
pub async fn vet(url: &str, policy: FetchPolicy) -> Result<(Url, Vec<SocketAddr>), FetchError> {
    let refused = |reason: String| Err(FetchError::Refused(reason));
    let Ok(parsed) = Url::parse(url) else {
        return refused("it is not a web address".into());
    };
    let scheme = parsed.scheme();
    if scheme != "https" && scheme != "http" {
        return refused(format!(
            "only http and https addresses are fetched, not {scheme}: addresses"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refused("addresses with a user name or password are not fetched".into());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match parsed.host() {
        None => return refused("the address names no host".into()),
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            let found =
                tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((name, port)))
                    .await
                    .map_err(|_| FetchError::Failed(format!("looking up {name} took too long")))?
                    .map_err(|_| FetchError::Failed(format!("{name} could not be found")))?
                    .collect::<Vec<_>>();
            if found.is_empty() {
                return Err(FetchError::Failed(format!("{name} has no address")));
            }
            for address in &found {
                let ip = address.ip();
                if let Some(kind) = forbidden_kind(ip, policy) {
                    return refused(format!(
                        "{name} resolves to {ip}, {kind}, and Cairn does not fetch from such addresses"
                    ));
                }
            }
            found
        }
    };
    for address in &addresses {
        check_address(address.ip(), policy).map_err(FetchError::Refused)?;
    }
    if scheme == "http"
        && !(policy.allow_loopback && addresses.iter().all(|a| a.ip().is_loopback()))
    {
        return refused("documents are fetched over https only".into());
    }
    Ok((parsed, addresses))
}

/// A document as fetched.
#[derive(Debug)]
struct Fetched {
    bytes: Vec<u8>,
    content_type: String,
}

/// Fetches `url` under the rules, following up to [`MAX_REDIRECTS`]
/// redirects (each vetted again).
async fn fetch(
    url: &str,
    policy: FetchPolicy,
    user_agent: &str,
    accept: &str,
    deadline: tokio::time::Instant,
) -> Result<Fetched, FetchError> {
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    if left.is_zero() {
        return Err(FetchError::Refused(format!(
            "the verification had used the {} seconds it may spend fetching",
            FETCHING_TIME.as_secs()
        )));
    }
    let limit = left.min(DOCUMENT_TIMEOUT);
    match tokio::time::timeout(limit, fetch_inner(url, policy, user_agent, accept)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Failed(format!(
            "it took longer than {} seconds",
            limit.as_secs().max(1)
        ))),
    }
}

async fn fetch_inner(
    url: &str,
    policy: FetchPolicy,
    user_agent: &str,
    accept: &str,
) -> Result<Fetched, FetchError> {
    let mut current = url.to_owned();
    for hop in 0..=MAX_REDIRECTS {
        let (parsed, addresses) = match vet(&current, policy).await {
            Ok(vetted) => vetted,
            Err(err) if hop == 0 => return Err(err),
            Err(FetchError::Refused(reason)) => {
                return Err(FetchError::Refused(format!(
                    "it redirects to {current}, and {reason}"
                )));
            }
            Err(FetchError::Failed(reason)) => {
                return Err(FetchError::Failed(format!(
                    "it redirects to {current}, and {reason}"
                )));
            }
        };
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .user_agent(user_agent);
        if let Some(Host::Domain(name)) = parsed.host() {
            // Connect to the addresses just checked, never to a second
            // lookup's answer.
            builder = builder.resolve_to_addrs(name, &addresses);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Failed(format!("the HTTP client could not start: {e}")))?;
        let response = client
            .get(parsed)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .map_err(|e| FetchError::Failed(request_problem(&e)))?;
        let status = response.status();
        if status.is_redirection() {
            let Some(location) = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
            else {
                return Err(FetchError::Failed(format!(
                    "the server answered {status} without saying where to"
                )));
            };
            let next = Url::parse(&current)
                .and_then(|base| base.join(location))
                .map_err(|_| {
                    FetchError::Failed(format!("it redirects to {location}, not a web address"))
                })?;
            if hop == MAX_REDIRECTS {
                return Err(FetchError::Refused(format!(
                    "it redirects more than {MAX_REDIRECTS} times"
                )));
            }
            current = next.to_string();
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Failed(format!("the server answered {status}")));
        }
        let too_large = || {
            FetchError::Refused(format!(
                "it is larger than {} MB, the most Cairn fetches for one document",
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ))
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64)
        {
            return Err(too_large());
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut response = response;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Failed(request_problem(&e)))?
        {
            if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Fetched {
            bytes,
            content_type,
        });
    }
    Err(FetchError::Refused(format!(
        "it redirects more than {MAX_REDIRECTS} times"
    )))
}

/// A failed request in words, with its innermost cause.
fn request_problem(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "the server did not answer in time"
    } else if err.is_connect() {
        "no connection could be made"
    } else {
        "the request failed"
    };
    let mut cause: &dyn std::error::Error = err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    format!("{what} ({cause})")
}

const ACCEPT_CREDENTIAL: &str = "application/ld+json, application/vc+ld+json;q=0.9, application/json;q=0.9, application/vc+jwt;q=0.8, application/jwt;q=0.8, image/png;q=0.5, image/svg+xml;q=0.5, */*;q=0.1";
const ACCEPT_DOCUMENT: &str =
    "application/ld+json, application/did+json;q=0.9, application/json;q=0.9, */*;q=0.1";

/// Collects the documents of one verification.
struct Gatherer<'a> {
    app: &'a App,
    policy: FetchPolicy,
    user_agent: String,
    /// By address: the document, or `None` when it was tried and is not
    /// available.
    docs: BTreeMap<String, Option<Value>>,
    /// Why documents are missing, for the report.
    notes: Vec<String>,
    /// Documents fetched over the network so far.
    fetched: usize,
    /// When fetching stops.
    deadline: tokio::time::Instant,
}

/// What this server publishes at an address of its own.
enum Local {
    Json(Value),
    Bytes(Vec<u8>),
}

impl<'a> Gatherer<'a> {
    fn new(app: &'a App) -> Self {
        let public_url = &app.settings().public_url;
        Self {
            app,
            policy: FetchPolicy::for_public_url(public_url),
            user_agent: format!(
                "Cairn/{} credential verifier (+{})",
                env!("CARGO_PKG_VERSION"),
                app.url("/verify")
            ),
            docs: BTreeMap::new(),
            notes: Vec::new(),
            fetched: 0,
            deadline: tokio::time::Instant::now() + FETCHING_TIME,
        }
    }

    /// Marks `url` as not to be had, with the reason for the report.
    fn refuse(&mut self, url: &str, reason: &str) {
        self.docs.insert(url.to_owned(), None);
        self.notes.push(format!("{url} was not fetched: {reason}"));
    }

    /// The credential at `url`: its bytes, or the report that says why
    /// there are none.
    async fn credential_at(&mut self, url: &str) -> AppResult<Result<Vec<u8>, Report>> {
        let failed = |reason: String| {
            Ok(Err(Report {
                kind: format!("the address {url}"),
                credential: None,
                checks: vec![Check {
                    id: "fetch",
                    title: "The credential could be fetched",
                    outcome: Outcome::Failed,
                    reason,
                }],
            }))
        };
        let target = url.split('#').next().unwrap_or(url);
        if let Some(local) = self.local(target).await? {
            return match local {
                Ok(Local::Json(value)) => {
                    let bytes =
                        serde_json::to_vec(&value).map_err(|e| AppError::Internal(e.into()))?;
                    self.docs.insert(target.to_owned(), Some(value));
                    Ok(Ok(bytes))
                }
                Ok(Local::Bytes(bytes)) => Ok(Ok(bytes)),
                Err(reason) => failed(format!("{url} could not be found on this server: {reason}")),
            };
        }
        if self.fetched >= MAX_DOCUMENTS {
            return failed(
                FetchError::Refused(format!(
                    "a verification fetches at most {MAX_DOCUMENTS} documents"
                ))
                .about(url),
            );
        }
        self.fetched += 1;
        match fetch(
            target,
            self.policy,
            &self.user_agent,
            ACCEPT_CREDENTIAL,
            self.deadline,
        )
        .await
        {
            Ok(fetched) => {
                let json = serde_json::from_slice::<Value>(strip_bom(&fetched.bytes)).ok();
                if json.is_none() && fetched.content_type.starts_with("text/html") {
                    return failed(format!(
                        "{url} answered with a web page, not a credential; give the address of the credential itself (its JSON or a baked image), or of a badge page that answers application/ld+json"
                    ));
                }
                if let Some(value) = json.filter(Value::is_object) {
                    self.docs.insert(target.to_owned(), Some(value));
                }
                Ok(Ok(fetched.bytes))
            }
            Err(err) => failed(err.about(url)),
        }
    }

    /// Fetches every address in `wanted` not tried yet: this server's
    /// documents from the application, the others over the network (in
    /// parallel, within the budget).
    async fn fetch_documents(&mut self, wanted: &[String]) {
        let mut remote = Vec::new();
        for url in wanted {
            if self.docs.contains_key(url) {
                continue;
            }
            match self.local(url).await {
                Ok(Some(Ok(Local::Json(value)))) => {
                    self.docs.insert(url.clone(), Some(value));
                }
                Ok(Some(Ok(Local::Bytes(_)))) => {
                    self.docs.insert(url.clone(), None);
                    self.notes.push(format!(
                        "{url} is an image, not the document expected there"
                    ));
                }
                Ok(Some(Err(reason))) => {
                    self.docs.insert(url.clone(), None);
                    self.notes.push(format!("{url} is not available: {reason}"));
                }
                Err(err) => {
                    tracing::warn!(error = %err, url, "reading a document of this server");
                    self.docs.insert(url.clone(), None);
                    self.notes
                        .push(format!("{url} could not be read on this server"));
                }
                Ok(None) if self.fetched >= MAX_DOCUMENTS => {
                    let refusal = FetchError::Refused(format!(
                        "a verification fetches at most {MAX_DOCUMENTS} documents"
                    ));
                    self.docs.insert(url.clone(), None);
                    self.notes.push(refusal.about(url));
                }
                Ok(None) => {
                    self.fetched += 1;
                    remote.push(url.clone());
                }
            }
        }
        let (policy, user_agent, deadline) = (self.policy, self.user_agent.as_str(), self.deadline);
        let results = join_all(
            remote
                .iter()
                .map(|url| fetch(url, policy, user_agent, ACCEPT_DOCUMENT, deadline)),
        )
        .await;
        for (url, result) in remote.into_iter().zip(results) {
            let value = result.and_then(|fetched| {
                serde_json::from_slice::<Value>(strip_bom(&fetched.bytes))
                    .ok()
                    .filter(Value::is_object)
                    .ok_or_else(|| FetchError::Failed("its answer is not a JSON document".into()))
            });
            match value {
                Ok(value) => {
                    self.docs.insert(url, Some(value));
                }
                Err(err) => {
                    self.notes.push(err.about(&url));
                    self.docs.insert(url, None);
                }
            }
        }
    }

    /// The document this server publishes at `url`: `None` when `url` is
    /// not on this server, `Some(Err(why))` when it is but names nothing
    /// public.
    async fn local(&self, url: &str) -> AppResult<Option<Result<Local, String>>> {
        let base = self.app.url("");
        let Some(rest) = url.strip_prefix(&base) else {
            return Ok(None);
        };
        if !(rest.is_empty() || rest.starts_with('/')) {
            return Ok(None);
        }
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let id = |text: &str| uuid::Uuid::parse_str(text).ok();
        let app = self.app;
        let answer = match segments.as_slice() {
            ["issuers", "platform"] => app.platform_issuer_document().map(Local::Json),
            ["issuers", "platform", "keys", "1"] => Ok(Local::Json(app.platform_key_document())),
            ["issuers", org] => match id(org) {
                Some(org) => app
                    .issuer_profile(OrganizationId(org))
                    .await
                    .map(Local::Json),
                None => Err(AppError::not_found("The issuer")),
            },
            ["issuers", org, "did.json"] => match id(org) {
                Some(org) => app
                    .issuer_did_document(OrganizationId(org))
                    .await
                    .map(Local::Json),
                None => Err(AppError::not_found("The issuer")),
            },
            ["issuers", org, "keys", key] => match (id(org), id(key)) {
                (Some(org), Some(key)) => app
                    .issuer_key_document(OrganizationId(org), IssuerKeyId(key))
                    .await
                    .map(Local::Json),
                _ => Err(AppError::not_found("The key")),
            },
            ["status", list] => match id(list) {
                Some(list) => app
                    .status_list_credential(StatusListId(list))
                    .await
                    .map(Local::Json),
                None => Err(AppError::not_found("The status list")),
            },
            ["ob2", "assertions", award] => match id(award) {
                Some(award) => app.ob2_assertion(AwardId(award)).await.map(Local::Json),
                None => Err(AppError::not_found("The assertion")),
            },
            ["ob2", "badges", achievement] => match id(achievement) {
                Some(a) => app.ob2_badge_class(AchievementId(a)).await.map(Local::Json),
                None => Err(AppError::not_found("The badge class")),
            },
            ["ob2", "issuers", org] => match id(org) {
                Some(org) => app.ob2_issuer(OrganizationId(org)).await.map(Local::Json),
                None => Err(AppError::not_found("The issuer")),
            },
            ["badges", award] => self.award(award, None).await,
            ["badges", award, "badge.png"] => self.award(award, Some(false)).await,
            ["badges", award, "badge.svg"] => self.award(award, Some(true)).await,
            _ => return Ok(Some(Err("this server publishes no document there".into()))),
        };
        match answer {
            Ok(local) => Ok(Some(Ok(local))),
            Err(AppError::NotFound(message)) => Ok(Some(Err(message))),
            Err(other) => Err(other),
        }
    }

    /// An award's credential (or its baked image: `Some(svg)`), unless the
    /// earner keeps it private.
    async fn award(&self, id: &str, image: Option<bool>) -> AppResult<Local> {
        let award = match uuid::Uuid::parse_str(id) {
            Ok(id) => self.app.store().awards().get(AwardId(id)).await?,
            Err(_) => None,
        }
        .filter(|a| a.visibility != AwardVisibility::Private)
        .ok_or_else(|| AppError::not_found("The badge"))?;
        match image {
            None => serde_json::from_str(&award.credential)
                .map(Local::Json)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("award {}: {e}", award.id))),
            Some(svg) => {
                let key = if svg { award.svg_key } else { award.png_key };
                let key = key.ok_or_else(|| AppError::not_found("The badge image"))?;
                Ok(Local::Bytes(self.app.blobs().get(&key).await?))
            }
        }
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: FetchPolicy = FetchPolicy {
        allow_loopback: false,
    };
    const LOCAL_DEV: FetchPolicy = FetchPolicy {
        allow_loopback: true,
    };

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an IP address")
    }

    #[test]
    fn only_public_addresses_are_fetched_from() {
        for (address, kind) in [
            ("10.0.0.1", "a private network address"),
            ("172.16.5.4", "a private network address"),
            ("192.168.1.1", "a private network address"),
            ("169.254.169.254", "a link-local address"),
            ("127.0.0.1", "a loopback address"),
            ("127.8.9.10", "a loopback address"),
            ("0.0.0.0", "an unspecified address"),
            ("100.64.0.1", "a reserved address"),
            ("224.0.0.1", "a reserved address"),
            ("255.255.255.255", "a reserved address"),
            ("::1", "a loopback address"),
            ("::", "an unspecified address"),
            ("fe80::1", "a link-local address"),
            ("fd00::1", "a private network address"),
            ("::ffff:10.0.0.1", "a private network address"),
            ("::ffff:169.254.169.254", "a link-local address"),
            ("64:ff9b::a9fe:a9fe", "a link-local address"),
            ("2002:7f00:1::", "a loopback address"),
            ("ff02::1", "a reserved address"),
            ("2001:db8::1", "a reserved address"),
        ] {
            let refusal = check_address(ip(address), STRICT).expect_err(address);
            assert!(
                refusal.starts_with(&format!("{address} is {kind}")),
                "{address}: {refusal}"
            );
            assert!(refusal.contains("does not fetch"), "{refusal}");
        }
        for address in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "8.8.8.8",
        ] {
            assert_eq!(check_address(ip(address), STRICT), Ok(()), "{address}");
        }
    }

    #[test]
    fn loopback_is_allowed_only_when_cairn_itself_runs_on_loopback() {
        assert_eq!(check_address(ip("127.0.0.1"), LOCAL_DEV), Ok(()));
        assert_eq!(check_address(ip("::1"), LOCAL_DEV), Ok(()));
        assert!(check_address(ip("10.0.0.1"), LOCAL_DEV).is_err());
        assert!(check_address(ip("169.254.169.254"), LOCAL_DEV).is_err());
        let policy = |url: &str| FetchPolicy::for_public_url(&Url::parse(url).expect("URL"));
        assert_eq!(policy("http://127.0.0.1:8080/"), LOCAL_DEV);
        assert_eq!(policy("http://localhost:3000/"), LOCAL_DEV);
        assert_eq!(policy("http://[::1]:3000/"), LOCAL_DEV);
        assert_eq!(policy("https://badges.example.org/"), STRICT);
        assert_eq!(policy("https://10.0.0.5/"), STRICT);
    }

    fn refusal(result: Result<(Url, Vec<SocketAddr>), FetchError>) -> String {
        match result {
            Err(FetchError::Refused(reason)) => reason,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn addresses_are_vetted_before_anything_is_sent() {
        assert!(
            refusal(vet("http://10.0.0.1/", STRICT).await)
                .contains("10.0.0.1 is a private network address")
        );
        assert!(
            refusal(vet("http://169.254.169.254/latest/meta-data/", LOCAL_DEV).await)
                .contains("169.254.169.254 is a link-local address")
        );
        assert!(
            refusal(vet("https://[::ffff:192.168.0.1]/", STRICT).await)
                .contains("a private network address")
        );
        // The WHATWG parser reads other spellings of an IPv4 address.
        assert!(
            refusal(vet("https://0x7f000001/", STRICT).await).contains("127.0.0.1 is a loopback")
        );
        assert!(
            refusal(vet("file:///etc/passwd", STRICT).await)
                .contains("only http and https addresses are fetched, not file:")
        );
        assert!(refusal(vet("gopher://example.org/", STRICT).await).contains("not gopher:"));
        assert!(refusal(vet("not a url", STRICT).await).contains("not a web address"));
        assert!(
            refusal(vet("https://user:secret@example.org/", STRICT).await)
                .contains("user name or password")
        );
        // A name is resolved, then every address it has is checked.
        let localhost = refusal(vet("http://localhost/", STRICT).await);
        assert!(
            localhost.starts_with("localhost resolves to ") && localhost.contains("loopback"),
            "{localhost}"
        );
        // Plain http only to loopback, and only in local development.
        assert!(refusal(vet("http://93.184.216.34/", STRICT).await).contains("https only"));
        assert!(refusal(vet("http://93.184.216.34/", LOCAL_DEV).await).contains("https only"));
        let (url, addresses) = vet("http://127.0.0.1:9/x", LOCAL_DEV)
            .await
            .expect("loopback in local development");
        assert_eq!(url.path(), "/x");
        assert_eq!(addresses, vec!["127.0.0.1:9".parse().expect("address")]);
        let (_, addresses) = vet("https://93.184.216.34/", STRICT)
            .await
            .expect("a public address");
        assert_eq!(
            addresses,
            vec!["93.184.216.34:443".parse().expect("address")]
        );
    }

    #[test]
    fn documents_are_looked_for_where_they_live() {
        assert_eq!(
            fetch_target("https://example.org/issuers/1#key-1").as_deref(),
            Some("https://example.org/issuers/1")
        );
        assert_eq!(
            fetch_target("did:web:example.org#key-1").as_deref(),
            Some("https://example.org/.well-known/did.json")
        );
        assert_eq!(fetch_target("did:key:z6Mkabc#z6Mkabc"), None);
        assert_eq!(fetch_target("urn:uuid:1234"), None);
        let doc = serde_json::json!({"id": "did:web:example.org"});
        assert!(served_at(&doc, "https://example.org/.well-known/did.json"));
        assert!(!served_at(
            &doc,
            "https://evil.example/.well-known/did.json"
        ));
    }

    #[test]
    fn a_summary_says_what_the_credential_is() {
        let credential = serde_json::json!({
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "https://example.org/issuers/1",
            "validFrom": "2024-05-01T00:00:00Z",
            "name": "Credential name",
            "credentialSubject": {
                "identifier": [{"identityType": "emailAddress", "hashed": true, "identityHash": "sha256$00"}],
                "achievement": {"name": "Teamwork", "description": "Works in a team."}
            }
        });
        let mut docs = BTreeMap::new();
        docs.insert(
            "https://example.org/issuers/1".to_owned(),
            Some(
                serde_json::json!({"id": "https://example.org/issuers/1", "name": "Example Corp"}),
            ),
        );
        let summary = summarize(Some(&credential), &docs);
        assert_eq!(summary.name.as_deref(), Some("Teamwork"));
        assert_eq!(summary.issuer_name.as_deref(), Some("Example Corp"));
        assert_eq!(
            summary.recipient.as_deref(),
            Some("an email address, kept private (only its hash is in the credential)")
        );
        assert_eq!(
            summary.issued.map(|t| t.to_rfc3339()).as_deref(),
            Some("2024-05-01T00:00:00+00:00")
        );
        assert_eq!(summary.expires, None);
    }
}

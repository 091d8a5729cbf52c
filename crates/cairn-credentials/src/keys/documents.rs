//! What an issuer publishes about its keys: Multikey documents at key URLs,
//! the `assertionMethod` of an issuer Profile, and `did:web` DID documents.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::KeyError;

/// The Multikey context, `@context` of a key document.
pub const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";
/// The DID v1 context.
pub const DID_V1_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
/// The Verifiable Credentials 2.0 context.
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context (3.0.3).
pub const OB_V3P0_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// `@context` of an issuer Profile that lists its keys, in this order: the
/// DID v1 context first (it defines `assertionMethod`), then VC 2.0, then
/// Open Badges 3.0. This order is what Digital Bazaar's and the Digital
/// Credentials Consortium's verifiers accepted.
pub const ISSUER_PROFILE_CONTEXTS: [&str; 3] =
    [DID_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, OB_V3P0_CONTEXT];

/// One key of a DID document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// The fragment naming the key within the DID, without `#`: `key-1`
    /// gives the verification method `did:web:…#key-1`.
    pub fragment: String,
    /// The key's `publicKeyMultibase` (`z6Mk…`).
    pub public_key_multibase: String,
    /// When the key was revoked (compromised), if it was. A revoked key
    /// stays listed so old credentials can still be judged; it is left out
    /// of `authentication`.
    pub revoked: Option<DateTime<Utc>>,
}

/// An xsd:dateTime in UTC with a `Z`, to the second.
fn date_time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The Multikey document served at a key's own URL (no fragment):
///
/// ```json
/// {"@context": "https://w3id.org/security/multikey/v1", "id": key_url,
///  "type": "Multikey", "controller": controller,
///  "publicKeyMultibase": "z6Mk…", "revoked": "2025-01-01T00:00:00Z"}
/// ```
///
/// `revoked` is present only for a revoked key.
#[must_use]
pub fn multikey_document(
    key_url: &str,
    controller: &str,
    public_multibase: &str,
    revoked: Option<DateTime<Utc>>,
) -> Value {
    let mut doc = json!({
        "@context": MULTIKEY_CONTEXT,
        "id": key_url,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase,
    });
    if let (Some(at), Some(object)) = (revoked, doc.as_object_mut()) {
        object.insert("revoked".into(), Value::String(date_time(&at)));
    }
    doc
}

/// Makes an issuer Profile publish its keys: sets `assertionMethod` to the
/// key URLs (old and revoked keys included, so old credentials still
/// verify), and puts [`ISSUER_PROFILE_CONTEXTS`] first in `@context`, in
/// that order, keeping any other contexts after them.
pub fn set_profile_keys(profile: &mut Value, key_urls: &[&str]) -> Result<(), KeyError> {
    let object = profile.as_object_mut().ok_or_else(|| {
        KeyError::InvalidDocument("the issuer profile is not a JSON object".into())
    })?;
    let mut contexts: Vec<Value> = ISSUER_PROFILE_CONTEXTS
        .iter()
        .map(|c| Value::String((*c).to_owned()))
        .collect();
    let existing = match object.remove("@context") {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    };
    for context in existing {
        if !contexts.contains(&context) {
            contexts.push(context);
        }
    }
    // Rebuild so `@context` comes first in the serialised object.
    let rest = std::mem::take(object);
    object.insert("@context".into(), Value::Array(contexts));
    for (name, value) in rest {
        if name != "assertionMethod" {
            object.insert(name, value);
        }
    }
    object.insert(
        "assertionMethod".into(),
        Value::Array(
            key_urls
                .iter()
                .map(|u| Value::String((*u).to_owned()))
                .collect(),
        ),
    );
    Ok(())
}

/// The DID document of a `did:web` issuer:
///
/// ```json
/// {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
///  "id": did,
///  "verificationMethod": [{"id": "<did>#key-1", "type": "Multikey",
///                          "controller": did, "publicKeyMultibase": "z6Mk…"}],
///  "assertionMethod": ["<did>#key-1"],
///  "authentication": ["<did>#key-1"]}
/// ```
///
/// Every key is a verification method and an assertion method (so
/// credentials signed before a rotation still verify); revoked keys carry
/// `revoked` and are left out of `authentication`.
#[must_use]
pub fn did_web_document(did: &str, keys: &[KeyEntry]) -> Value {
    let mut methods = Vec::with_capacity(keys.len());
    let mut assertion = Vec::with_capacity(keys.len());
    let mut authentication = Vec::with_capacity(keys.len());
    for key in keys {
        let id = format!("{did}#{}", key.fragment.trim_start_matches('#'));
        let mut method = Map::new();
        method.insert("id".into(), Value::String(id.clone()));
        method.insert("type".into(), Value::String("Multikey".into()));
        method.insert("controller".into(), Value::String(did.to_owned()));
        method.insert(
            "publicKeyMultibase".into(),
            Value::String(key.public_key_multibase.clone()),
        );
        if let Some(at) = &key.revoked {
            method.insert("revoked".into(), Value::String(date_time(at)));
        } else {
            authentication.push(Value::String(id.clone()));
        }
        methods.push(Value::Object(method));
        assertion.push(Value::String(id));
    }
    json!({
        "@context": [DID_V1_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": assertion,
        "authentication": authentication,
    })
}

/// Whether `c` may appear in a did:web segment as is.
fn is_did_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_')
}

/// Checks a segment of DID or URL text: unreserved characters and
/// well-formed `%XX` escapes only.
fn is_clean_segment(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex_ok = bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                if !hex_ok {
                    return false;
                }
                i += 3;
            }
            c if is_did_char(c) => i += 1,
            _ => return false,
        }
    }
    !segment.is_empty()
}

/// Whether `host` is a DNS name, IPv4 address or `localhost`, with an
/// optional `:port`.
fn is_host_port(host_port: &str) -> bool {
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'));
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|c| c.is_ascii_digit()));
    host_ok && port_ok
}

/// The HTTPS URL of a `did:web`'s DID document:
///
/// - `did:web:example.org` → `https://example.org/.well-known/did.json`
/// - `did:web:example.org:issuers:kucrl` →
///   `https://example.org/issuers/kucrl/did.json`
/// - `did:web:localhost%3A8443` → `https://localhost:8443/.well-known/did.json`
///
/// The DID must have no fragment, query or path: pass `did:web:…`, not a
/// verification method id.
pub fn did_web_to_url(did: &str) -> Result<String, KeyError> {
    let invalid = |reason| KeyError::InvalidDid {
        did: did.to_owned(),
        reason,
    };
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| invalid("not a did:web"))?;
    if rest.contains(['#', '?', '/']) {
        return Err(invalid(
            "a did:web to resolve has no fragment, query or path; remove the '#…' part",
        ));
    }
    let mut segments = rest.split(':');
    let domain = segments.next().unwrap_or_default();
    if !is_clean_segment(domain) {
        return Err(invalid(
            "the domain is empty or has characters a DID cannot have",
        ));
    }
    let host_port = domain.replace("%3A", ":").replace("%3a", ":");
    if !is_host_port(&host_port) {
        return Err(invalid(
            "the domain is not a host name with an optional %3A port",
        ));
    }
    let mut url = format!("https://{}", host_port.to_ascii_lowercase());
    let mut has_path = false;
    for segment in segments {
        if !is_clean_segment(segment) {
            return Err(invalid(
                "a path segment is empty or has characters a DID cannot have",
            ));
        }
        url.push('/');
        url.push_str(segment);
        has_path = true;
    }
    if !has_path {
        url.push_str("/.well-known");
    }
    url.push_str("/did.json");
    Ok(url)
}

/// The `did:web` for an HTTPS URL: the inverse of [`did_web_to_url`].
///
/// Accepts the DID document's URL (`…/did.json`, `…/.well-known/did.json`)
/// or the base it is published under (`https://example.org/issuers/kucrl`).
/// The host is lower-cased, a port becomes `%3A<port>`, and path characters
/// a DID cannot hold are percent-encoded.
pub fn url_to_did_web(url: &str) -> Result<String, KeyError> {
    let invalid = |reason| KeyError::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let rest = url
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .and_then(|_| url.get(8..))
        .ok_or_else(|| invalid("did:web needs an https:// URL"))?;
    if rest.contains(['?', '#']) {
        return Err(invalid("a did:web URL has no query or fragment"));
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    if authority.contains('@') || !is_host_port(authority) {
        return Err(invalid("the host is not a host name with an optional port"));
    }
    let mut did = format!(
        "did:web:{}",
        authority.to_ascii_lowercase().replace(':', "%3A")
    );
    let path = path.strip_suffix("/did.json").unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() || path == "/.well-known" {
        return Ok(did);
    }
    for segment in path.strip_prefix('/').unwrap_or(path).split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(invalid("the path has an empty, '.' or '..' segment"));
        }
        did.push(':');
        for &byte in segment.as_bytes() {
            if is_did_char(byte) || byte == b'%' {
                did.push(char::from(byte));
            } else {
                did.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    if !did.split(':').skip(2).all(is_clean_segment) {
        return Err(invalid("the path has a malformed %-escape"));
    }
    Ok(did)
}

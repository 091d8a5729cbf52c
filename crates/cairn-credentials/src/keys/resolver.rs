//! From a proof's `verificationMethod` to a public key.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use super::KeyError;
use super::multikey::{
    KEY_TYPES, encode_public_key_multibase, node_types, public_key_from_did_key,
    public_key_from_method,
};

/// Finds the public key of a verification method.
///
/// Implement this for a resolver that fetches documents (HTTPS key URLs,
/// `did:web`); return [`KeyError::NotFound`] for identifiers the resolver
/// does not handle, so a [`ChainResolver`] can try the next one, and
/// [`KeyError::Resolution`] when a fetch fails. [`resolved_key_from_method`]
/// reads a fetched verification method object.
pub trait KeyResolver {
    /// Resolves `verification_method` (a URL or DID URL, as in a proof).
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError>;
}

impl<T: KeyResolver + ?Sized> KeyResolver for &T {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        (**self).resolve(verification_method)
    }
}

impl<T: KeyResolver + ?Sized> KeyResolver for Box<T> {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        (**self).resolve(verification_method)
    }
}

impl<T: KeyResolver + ?Sized> KeyResolver for Arc<T> {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        (**self).resolve(verification_method)
    }
}

impl<T: KeyResolver + ?Sized> KeyResolver for Rc<T> {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        (**self).resolve(verification_method)
    }
}

/// A verification method's public key and what the verifier must check about
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The verification method's full id.
    pub id: String,
    /// Its controller (the issuer's id or DID). The verifier checks this is
    /// the credential's issuer and that the controller lists `id` in its
    /// `assertionMethod`.
    pub controller: String,
    /// The Ed25519 public key.
    pub public_key: VerifyingKey,
    /// When the key was revoked, if it was.
    pub revoked: Option<DateTime<Utc>>,
}

/// Reads an xsd:dateTime; one without a time zone is taken as UTC.
fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|naive| naive.and_utc())
        })
}

/// Reads a verification method object (Multikey,
/// Ed25519VerificationKey2020/2018, JsonWebKey2020/JsonWebKey) into a
/// [`ResolvedKey`]. `default_controller` is used when the object has no
/// `controller` (the id of the document it was embedded in).
pub fn resolved_key_from_method(
    method: &Value,
    default_controller: Option<&str>,
) -> Result<ResolvedKey, KeyError> {
    let id = method
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| KeyError::InvalidDocument("verification method without id".into()))?;
    let controller = match method.get("controller") {
        Some(Value::String(controller)) => controller.as_str(),
        Some(Value::Object(node)) => node
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::InvalidDocument(format!("controller of {id} has no id")))?,
        Some(_) => {
            return Err(KeyError::InvalidDocument(format!(
                "controller of {id} is not a string"
            )));
        }
        None => default_controller.ok_or_else(|| {
            KeyError::InvalidDocument(format!("verification method {id} has no controller"))
        })?,
    };
    let revoked = match method.get("revoked") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(parse_date_time(text).ok_or_else(|| {
            KeyError::InvalidDocument(format!("revoked of {id} is not a date and time: {text}"))
        })?),
        Some(_) => {
            return Err(KeyError::InvalidDocument(format!(
                "revoked of {id} is not a date and time"
            )));
        }
    };
    Ok(ResolvedKey {
        id: id.to_owned(),
        controller: controller.to_owned(),
        public_key: public_key_from_method(method)?,
        revoked,
    })
}

/// Resolves Ed25519 `did:key` verification methods offline: the key is in
/// the identifier. Anything else is [`KeyError::NotFound`].
#[derive(Debug, Default, Clone, Copy)]
pub struct DidKeyResolver;

impl KeyResolver for DidKeyResolver {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        if !verification_method.starts_with("did:key:") {
            return Err(KeyError::NotFound(verification_method.to_owned()));
        }
        let public_key = public_key_from_did_key(verification_method)?;
        let multibase = encode_public_key_multibase(&public_key);
        let did = format!("did:key:{multibase}");
        Ok(ResolvedKey {
            id: format!("{did}#{multibase}"),
            controller: did,
            public_key,
            revoked: None,
        })
    }
}

/// A verification method found in a document, with the id of the document
/// that embedded it.
#[derive(Debug, Clone)]
struct StoredMethod {
    method: Value,
    container: Option<String>,
}

/// Resolves verification methods from JSON documents the caller has (from a
/// cache, configuration or its own fetches):
///
/// - Multikey (and other key type) documents served at a key URL;
/// - DID documents: methods in `verificationMethod`, and methods embedded in
///   `assertionMethod`, `authentication`, `capabilityInvocation` or
///   `capabilityDelegation`; relative ids (`#key-1`) are taken against the
///   document's `id`;
/// - issuer Profiles with methods embedded the same way.
///
/// A method is found by its full id (`did:web:example.org#key-1`,
/// `https://example.org/keys/1`). Methods are read when resolved, so a
/// document holding a key type this crate cannot read (e.g. an X25519
/// `keyAgreement` key) still adds its other keys.
///
/// [`DocumentResolver::lists_assertion_method`] tells whether a controller
/// document authorises a key for `assertionMethod`.
#[derive(Debug, Default, Clone)]
pub struct DocumentResolver {
    methods: HashMap<String, StoredMethod>,
    assertion_methods: HashMap<String, Vec<String>>,
}

/// Relations whose values may be embedded verification methods.
const RELATIONS: [&str; 5] = [
    "verificationMethod",
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
];

/// The absolute form of a method id found in the document `base`.
fn absolute_id(id: &str, base: Option<&str>) -> String {
    match base {
        Some(base) if id.starts_with('#') => {
            let base = base.split_once('#').map_or(base, |(b, _)| b);
            format!("{base}{id}")
        }
        _ => id.to_owned(),
    }
}

impl DocumentResolver {
    /// An empty resolver.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A resolver holding `documents`.
    pub fn from_documents<I>(documents: I) -> Result<Self, KeyError>
    where
        I: IntoIterator,
        I::Item: std::borrow::Borrow<Value>,
    {
        let mut resolver = Self::new();
        for document in documents {
            resolver.add_document(std::borrow::Borrow::borrow(&document))?;
        }
        Ok(resolver)
    }

    /// Adds a document; returns how many verification methods it held (0 for
    /// a Profile that only lists key URLs in `assertionMethod`: it is kept
    /// for [`DocumentResolver::lists_assertion_method`]). A later document's
    /// method replaces an earlier one with the same id.
    ///
    /// Errors when the document is not an object, or has neither
    /// verification methods nor an `assertionMethod`.
    pub fn add_document(&mut self, document: &Value) -> Result<usize, KeyError> {
        let object = document
            .as_object()
            .ok_or_else(|| KeyError::InvalidDocument("the document is not a JSON object".into()))?;
        let doc_id = object.get("id").and_then(Value::as_str);
        let mut added = 0;
        let mut referenced = 0;
        let types = node_types(document);
        if types.iter().any(|t| KEY_TYPES.contains(t)) {
            let id = doc_id
                .ok_or_else(|| KeyError::InvalidDocument("a key document without an id".into()))?;
            self.insert(id.to_owned(), document.clone(), None);
            added += 1;
        }
        for relation in RELATIONS {
            let values = match object.get(relation) {
                Some(Value::Array(items)) => items.iter().collect(),
                Some(value) => vec![value],
                None => Vec::new(),
            };
            for value in values {
                let reference = match value {
                    Value::Object(method) => {
                        let Some(id) = method.get("id").and_then(Value::as_str) else {
                            continue;
                        };
                        let id = absolute_id(id, doc_id);
                        let mut method = value.clone();
                        if let Some(object) = method.as_object_mut() {
                            object.insert("id".into(), Value::String(id.clone()));
                        }
                        self.insert(id.clone(), method, doc_id.map(str::to_owned));
                        added += 1;
                        id
                    }
                    Value::String(id) => absolute_id(id, doc_id),
                    _ => continue,
                };
                if relation == "assertionMethod"
                    && let Some(controller) = doc_id
                {
                    let listed = self
                        .assertion_methods
                        .entry(controller.to_owned())
                        .or_default();
                    if !listed.contains(&reference) {
                        listed.push(reference);
                    }
                    referenced += 1;
                }
            }
        }
        if added == 0 && referenced == 0 {
            return Err(KeyError::InvalidDocument(format!(
                "no verification method or assertionMethod in {}",
                doc_id.unwrap_or("the document")
            )));
        }
        Ok(added)
    }

    fn insert(&mut self, id: String, method: Value, container: Option<String>) {
        self.methods.insert(id, StoredMethod { method, container });
    }

    /// Whether the document with id `controller` lists `method_id` in its
    /// `assertionMethod` (by reference or embedded). `false` when no such
    /// document was added.
    #[must_use]
    pub fn lists_assertion_method(&self, controller: &str, method_id: &str) -> bool {
        self.assertion_methods
            .get(controller)
            .is_some_and(|listed| listed.iter().any(|m| m == method_id))
    }

    /// The ids of all verification methods held.
    pub fn method_ids(&self) -> impl Iterator<Item = &str> {
        self.methods.keys().map(String::as_str)
    }
}

impl KeyResolver for DocumentResolver {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        let stored = self
            .methods
            .get(verification_method)
            .ok_or_else(|| KeyError::NotFound(verification_method.to_owned()))?;
        resolved_key_from_method(&stored.method, stored.container.as_deref())
    }
}

/// Tries resolvers in order and returns the first key found.
///
/// [`KeyError::NotFound`] moves on quietly; other errors are remembered and
/// the first of them is returned if no resolver finds the key.
#[derive(Default)]
pub struct ChainResolver {
    resolvers: Vec<Box<dyn KeyResolver + Send + Sync>>,
}

impl ChainResolver {
    /// An empty chain (it finds nothing).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a resolver at the end of the chain.
    #[must_use]
    pub fn with(mut self, resolver: impl KeyResolver + Send + Sync + 'static) -> Self {
        self.push(resolver);
        self
    }

    /// Adds a resolver at the end of the chain.
    pub fn push(&mut self, resolver: impl KeyResolver + Send + Sync + 'static) {
        self.resolvers.push(Box::new(resolver));
    }
}

impl fmt::Debug for ChainResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainResolver")
            .field("resolvers", &self.resolvers.len())
            .finish()
    }
}

impl KeyResolver for ChainResolver {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, KeyError> {
        let mut first_error = None;
        for resolver in &self.resolvers {
            match resolver.resolve(verification_method) {
                Ok(key) => return Ok(key),
                Err(KeyError::NotFound(_)) => {}
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| KeyError::NotFound(verification_method.to_owned())))
    }
}

//! JSON-LD → RDF → RDFC-1.0 canonical N-Quads, by the general path: a full
//! JSON-LD 1.1 processor (sophia_jsonld, running json-ld 0.15) with the
//! bundled contexts only, and sophia's RDFC-1.0.
//!
//! This path is correct for any credential (it matches jsonld.js), and it is
//! the oracle Cairn's fast path is tested against. It takes milliseconds per
//! credential, so Cairn's own credentials use the fast path.

use crate::contexts;
use sophia_api::quad::Spog;
use sophia_api::source::QuadSource;
use sophia_api::term::SimpleTerm;
use sophia_jsonld::loader::ClosureLoader;
use sophia_jsonld::{JsonLdOptions, JsonLdParser};
use std::collections::HashSet;
use std::sync::OnceLock;
use thiserror::Error;

/// Why a document could not be canonicalized.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum JsonLdError {
    /// The document names a context Cairn does not bundle.
    #[error("the context {0} is not one Cairn knows (contexts are never fetched)")]
    UnknownContext(String),
    /// The document is not valid JSON-LD.
    #[error("not valid JSON-LD: {0}")]
    Invalid(String),
    /// Canonicalization gave up (a graph built to exhaust verifiers).
    #[error("the document cannot be canonicalized: {0}")]
    Canonicalization(String),
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("a current-thread runtime can always be built: {e}"))
    })
}

/// The URLs of contexts a document uses (top level `@context` only), for
/// reporting unknown ones clearly.
fn unknown_contexts(doc: &serde_json::Value, path: GeneralPath) -> Option<String> {
    let mut stack = vec![doc];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(ctx) = map.get("@context") {
                    let urls: Vec<&serde_json::Value> = match ctx {
                        serde_json::Value::Array(items) => items.iter().collect(),
                        other => vec![other],
                    };
                    for url in urls.into_iter().filter_map(|v| v.as_str()) {
                        if path.context(url).is_none() {
                            return Some(url.to_owned());
                        }
                    }
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}

/// Turns a JSON-LD document into its RDFC-1.0 canonical N-Quads.
pub trait Canonicalize {
    /// The canonical N-Quads of `doc`.
    fn canonical_nquads(&self, doc: &serde_json::Value) -> Result<String, JsonLdError>;
}

/// The general path: any JSON-LD using bundled contexts (plus `extra`
/// contexts a caller supplies, e.g. in tests).
#[derive(Clone, Copy, Debug, Default)]
pub struct GeneralPath {
    /// More contexts by URL, looked up after the bundled ones.
    pub extra: &'static [(&'static str, &'static str)],
}

impl GeneralPath {
    fn context(&self, url: &str) -> Option<&'static str> {
        contexts::get(url).or_else(|| self.extra.iter().find(|(u, _)| *u == url).map(|(_, t)| *t))
    }
}

impl Canonicalize for GeneralPath {
    fn canonical_nquads(&self, doc: &serde_json::Value) -> Result<String, JsonLdError> {
        canonical_nquads_with(doc, *self)
    }
}

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document, by the general path.
pub fn canonical_nquads(doc: &serde_json::Value) -> Result<String, JsonLdError> {
    canonical_nquads_with(doc, GeneralPath::default())
}

fn canonical_nquads_with(
    doc: &serde_json::Value,
    path: GeneralPath,
) -> Result<String, JsonLdError> {
    if let Some(url) = unknown_contexts(doc, path) {
        return Err(JsonLdError::UnknownContext(url));
    }
    let text = doc.to_string();
    let options = JsonLdOptions::new().with_document_loader_closure(move || {
        ClosureLoader::new(move |iri| {
            let url = iri.as_str().to_owned();
            let found = path.context(&url).map(str::to_owned).ok_or(url);
            Box::pin(async move { found })
        })
    });
    let parser = JsonLdParser::new_with_options(options);
    let source = runtime().block_on(parser.async_parse_str(&text));
    let dataset: HashSet<Spog<SimpleTerm<'static>>> = source
        .collect_quads()
        .map_err(|e| JsonLdError::Invalid(e.to_string()))?;
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&dataset, &mut out)
        .map_err(|e| JsonLdError::Canonicalization(e.to_string()))?;
    String::from_utf8(out).map_err(|e| JsonLdError::Canonicalization(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_simple_credential_becomes_canonical_nquads() {
        let doc = json!({
            "@context": [contexts::VC_V2],
            "type": ["VerifiableCredential"],
            "issuer": "https://example.org/issuer",
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:ana"}
        });
        let nquads = canonical_nquads(&doc).expect("canonical");
        assert!(nquads.contains("<did:example:ana>"), "{nquads}");
        assert!(
            nquads
                .contains("\"2026-01-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>"),
            "{nquads}"
        );
        assert!(nquads.lines().all(|l| l.ends_with(" .")));
    }

    #[test]
    fn unknown_contexts_are_named_not_fetched() {
        let doc = json!({"@context": ["https://evil.example/context.json"], "name": "x"});
        assert_eq!(
            canonical_nquads(&doc),
            Err(JsonLdError::UnknownContext(
                "https://evil.example/context.json".into()
            ))
        );
    }
}

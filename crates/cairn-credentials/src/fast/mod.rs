//! The fast path from a credential to RDF: the bundled contexts are
//! processed once (and cached), and the JSON is turned straight into quads
//! (JSON-LD expansion and toRdf in one walk), without building the
//! expanded document.
//!
//! It handles the JSON-LD that credentials use — node objects, `@id`,
//! `@type`, type- and property-scoped contexts, `@type` coercion, `@set`
//! and `@graph` containers, value objects — and refuses anything else with
//! [`FastError::Unsupported`], so callers fall back to the general path.
//! Its output equals the general path's (property tests check it).

mod context;

use context::{ActiveContext, Coercion, Container, Local, TermDef};
use serde_json::{Map, Value};
use std::sync::{Arc, LazyLock};
use thiserror::Error;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

/// Shared copies of the IRIs every credential uses, so literals and type
/// statements do not allocate them again.
static ARCS: LazyLock<[Arc<str>; 5]> =
    LazyLock::new(|| [RDF_TYPE, XSD_STRING, XSD_BOOLEAN, XSD_INTEGER, XSD_DOUBLE].map(Arc::from));

fn shared(iri: &'static str) -> Arc<str> {
    ARCS.iter()
        .find(|a| &***a == iri)
        .map_or_else(|| Arc::from(iri), Arc::clone)
}

/// The IRI a key stands for: the term's (shared) IRI, or its expansion.
fn key_iri(ctx: &ActiveContext, key: &str) -> Option<Arc<str>> {
    match ctx.terms.get(key) {
        Some(def) => def.iri.clone(),
        None => context::expand(ctx, key, true).map(Arc::from),
    }
}

/// Why the fast path could not convert a document.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FastError {
    /// A JSON-LD feature the fast path does not handle (use the general path).
    #[error("not handled by the fast path: {0}")]
    Unsupported(String),
    /// A context Cairn does not bundle.
    #[error("the context {0} is not one Cairn knows (contexts are never fetched)")]
    UnknownContext(String),
    /// The document or a context is not valid JSON-LD.
    #[error("not valid JSON-LD: {0}")]
    Invalid(String),
}

/// A subject, object or graph name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Iri(Arc<str>),
    Blank(u32),
}

/// An RDF object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Object {
    Node(Node),
    Literal {
        value: String,
        datatype: Arc<str>,
        language: Option<String>,
    },
}

/// One quad.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quad {
    pub subject: Node,
    pub predicate: Arc<str>,
    pub object: Object,
    pub graph: Option<Node>,
}

/// The RDFC-1.0 canonical N-Quads of a document, by the fast path.
pub fn canonical_nquads(doc: &Value) -> Result<String, FastError> {
    let quads = to_rdf(doc)?;
    let mut dataset = cairn_rdf::Dataset::with_capacity(quads.len());
    let mut iris: std::collections::HashMap<*const str, cairn_rdf::Iri> =
        std::collections::HashMap::new();
    let mut iri = |text: &Arc<str>| -> Result<cairn_rdf::Iri, FastError> {
        if let Some(found) = iris.get(&Arc::as_ptr(text)) {
            return Ok(found.clone());
        }
        // JSON-LD processors differ on IRIs with spaces or characters IRIs
        // forbid; leave those documents to the general path.
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|^`\\".contains(c))
        {
            return Err(FastError::Unsupported(format!(
                "the IRI {text:?} has characters IRIs forbid"
            )));
        }
        let made = cairn_rdf::Iri::new(Arc::clone(text))
            .map_err(|e| FastError::Unsupported(format!("an IRI RDF cannot hold: {e}")))?;
        iris.insert(Arc::as_ptr(text), made.clone());
        Ok(made)
    };
    let blank = |n: u32| {
        cairn_rdf::BlankNode::new(format!("b{n}")).map_err(|e| FastError::Invalid(e.to_string()))
    };
    let subject = |node: &Node,
                   iri: &mut dyn FnMut(&Arc<str>) -> Result<cairn_rdf::Iri, FastError>|
     -> Result<cairn_rdf::Subject, FastError> {
        Ok(match node {
            Node::Iri(i) => iri(i)?.into(),
            Node::Blank(b) => blank(*b)?.into(),
        })
    };
    for q in &quads {
        let s = subject(&q.subject, &mut iri)?;
        let p = iri(&q.predicate)?;
        let o: cairn_rdf::Term = match &q.object {
            Object::Node(n) => subject(n, &mut iri)?.into(),
            Object::Literal {
                value, datatype, ..
            } => {
                let datatype = iri(datatype)?;
                if datatype.as_str() == XSD_STRING {
                    cairn_rdf::Literal::new_simple(value.as_str()).into()
                } else {
                    cairn_rdf::Literal::new_typed(value.as_str(), datatype).into()
                }
            }
        };
        let g = match &q.graph {
            Some(g) => Some(subject(g, &mut iri)?),
            None => None,
        };
        dataset.push(cairn_rdf::Quad::new(s, p, o, g));
    }
    cairn_rdf::canonicalize(&dataset)
        .map(|c| c.nquads)
        .map_err(|e| FastError::Invalid(e.to_string()))
}

/// Canonicalizes with the fast path, falling back to the general path for
/// documents it does not handle. What Cairn signs and verifies with.
#[derive(Clone, Copy, Debug, Default)]
pub struct Auto;

impl crate::jsonld::Canonicalize for Auto {
    fn canonical_nquads(&self, doc: &Value) -> Result<String, crate::jsonld::JsonLdError> {
        match canonical_nquads(doc) {
            Ok(nquads) => Ok(nquads),
            Err(FastError::UnknownContext(url)) => {
                Err(crate::jsonld::JsonLdError::UnknownContext(url))
            }
            Err(_) => crate::jsonld::canonical_nquads(doc),
        }
    }
}

/// The quads of a JSON-LD document that uses only bundled contexts.
pub fn to_rdf(doc: &Value) -> Result<Vec<Quad>, FastError> {
    let mut walker = Walker {
        quads: Vec::with_capacity(160),
        blanks: 0,
        labels: Vec::new(),
    };
    let items: Vec<&Value> = match doc {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        let map = item.as_object().ok_or_else(|| {
            FastError::Unsupported("a top-level value that is not an object".into())
        })?;
        walker.node(&context::empty(), map, None, None)?;
    }
    Ok(walker.quads)
}

struct Walker {
    quads: Vec<Quad>,
    blanks: u32,
    labels: Vec<(String, u32)>,
}

fn as_values(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

impl Walker {
    fn fresh(&mut self) -> Node {
        self.blanks += 1;
        Node::Blank(self.blanks - 1)
    }

    fn label(&mut self, label: &str) -> Node {
        if let Some((_, n)) = self.labels.iter().find(|(l, _)| l == label) {
            return Node::Blank(*n);
        }
        let node = self.fresh();
        if let Node::Blank(n) = node {
            self.labels.push((label.to_owned(), n));
        }
        node
    }

    fn iri_node(&mut self, iri: &str) -> Option<Node> {
        if let Some(label) = iri.strip_prefix("_:") {
            Some(self.label(label))
        } else if context::is_absolute_iri(iri) {
            Some(Node::Iri(Arc::from(iri)))
        } else {
            None
        }
    }

    fn emit(&mut self, subject: &Node, predicate: &Arc<str>, object: Object, graph: &Option<Node>) {
        self.quads.push(Quad {
            subject: subject.clone(),
            predicate: Arc::clone(predicate),
            object,
            graph: graph.clone(),
        });
    }

    /// Converts a node object; returns the node it describes.
    fn node(
        &mut self,
        active: &Arc<ActiveContext>,
        map: &Map<String, Value>,
        property_scoped: Option<&'static Value>,
        graph: Option<Node>,
    ) -> Result<Node, FastError> {
        let mut ctx = Arc::clone(active);
        // A type-scoped context does not reach nested nodes.
        if let Some(previous) = &ctx.previous {
            let only_id = map.len() == 1
                && map
                    .keys()
                    .all(|k| context::expand(&ctx, k, true).as_deref() == Some("@id"));
            if !only_id {
                ctx = Arc::clone(previous);
            }
        }
        if let Some(scoped) = property_scoped {
            ctx = context::process(&ctx, Local::Scoped(scoped), true, true)?;
        }
        if let Some(local) = map.get("@context") {
            for item in as_values(local) {
                match item {
                    Value::String(url) => {
                        ctx = context::process(&ctx, Local::Url(url), true, false)?
                    }
                    _ => return Err(FastError::Unsupported("an embedded @context object".into())),
                }
            }
        }
        // Sort keys as the expansion algorithm does, so blank nodes are
        // allocated in a stable order.
        let mut keys: Vec<(&String, Option<Arc<str>>)> = map
            .keys()
            .filter(|k| k.as_str() != "@context")
            .map(|k| (k, key_iri(&ctx, k)))
            .collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));

        // Type-scoped contexts, applied in lexicographic order of the types.
        let type_scoped = Arc::clone(&ctx);
        let mut types: Vec<&str> = Vec::new();
        for (key, expanded) in &keys {
            if expanded.as_deref() == Some("@type") {
                for t in as_values(&map[key.as_str()]) {
                    types.push(t.as_str().ok_or_else(|| {
                        FastError::Invalid("a @type value is not a string".into())
                    })?);
                }
            }
        }
        let mut sorted_types = types.clone();
        sorted_types.sort_unstable();
        for t in &sorted_types {
            if let Some(scoped) = type_scoped.terms.get(*t).and_then(|d| d.scoped) {
                ctx = context::process(&ctx, Local::Scoped(scoped), false, false)?;
            }
        }
        if !Arc::ptr_eq(&ctx, &type_scoped) {
            for (key, expanded) in &mut keys {
                *expanded = key_iri(&ctx, key);
            }
        }

        let mut subject = None;
        for (key, expanded) in &keys {
            match expanded.as_deref() {
                Some("@id") => {
                    let id = map[key.as_str()]
                        .as_str()
                        .ok_or_else(|| FastError::Invalid("@id is not a string".into()))?;
                    let iri = context::expand(&ctx, id, false).unwrap_or_default();
                    subject = self
                        .iri_node(&iri)
                        .or_else(|| Some(Node::Iri(Arc::from(""))));
                }
                Some(k) if k.starts_with('@') && !matches!(k, "@type" | "@id") => {
                    return Err(FastError::Unsupported(format!("{k} in a node object")));
                }
                _ => {}
            }
        }
        let subject = match subject {
            Some(Node::Iri(iri)) if iri.is_empty() => None,
            Some(s) => Some(s),
            None => Some(self.fresh()),
        };
        // A node with a relative @id produces no triples of its own.
        let Some(subject) = subject else {
            return Ok(Node::Iri(Arc::from("")));
        };
        let rdf_type = shared(RDF_TYPE);
        for t in &types {
            // iri_node keeps blank nodes and absolute IRIs, and drops the rest.
            if let Some(node) =
                context::expand(&type_scoped, t, true).and_then(|iri| self.iri_node(&iri))
            {
                self.emit(&subject, &rdf_type, Object::Node(node), &graph);
            }
        }
        for (key, expanded) in &keys {
            let Some(predicate) = expanded else {
                continue;
            };
            if predicate.starts_with('@') || !context::is_absolute_iri(predicate) {
                continue;
            }
            let def = ctx.terms.get(key.as_str()).cloned();
            for value in as_values(&map[key.as_str()]) {
                self.property_value(&ctx, def.as_ref(), &subject, predicate, value, &graph)?;
            }
        }
        Ok(subject)
    }

    fn property_value(
        &mut self,
        ctx: &Arc<ActiveContext>,
        def: Option<&TermDef>,
        subject: &Node,
        predicate: &Arc<str>,
        value: &Value,
        graph: &Option<Node>,
    ) -> Result<(), FastError> {
        let coercion = def.and_then(|d| d.coercion.clone());
        if coercion == Some(Coercion::Json) {
            return Err(FastError::Unsupported("a JSON literal (@json)".into()));
        }
        if def.is_some_and(|d| d.container == Container::Other) {
            return Err(FastError::Unsupported(
                "a @list, @language or @index container".into(),
            ));
        }
        let object = match value {
            Value::Null => return Ok(()),
            Value::Array(_) => {
                return Err(FastError::Unsupported("a nested array (a list)".into()));
            }
            Value::Object(inner) => {
                if def.is_some_and(|d| d.container == Container::Graph) {
                    let graph_name = self.fresh();
                    self.node(
                        ctx,
                        inner,
                        def.and_then(|d| d.scoped),
                        Some(graph_name.clone()),
                    )?;
                    Object::Node(graph_name)
                } else if inner
                    .keys()
                    .any(|k| context::expand(ctx, k, true).as_deref() == Some("@value"))
                {
                    match self.value_object(ctx, inner)? {
                        Some(literal) => literal,
                        None => return Ok(()),
                    }
                } else {
                    let node = self.node(ctx, inner, def.and_then(|d| d.scoped), graph.clone())?;
                    if matches!(&node, Node::Iri(i) if i.is_empty()) {
                        return Ok(());
                    }
                    Object::Node(node)
                }
            }
            Value::String(s) => match &coercion {
                Some(Coercion::Id) | Some(Coercion::Vocab) => {
                    let vocab = coercion == Some(Coercion::Vocab);
                    // A scalar is expanded with the property's scoped context.
                    let scoped = match def.and_then(|d| d.scoped) {
                        Some(scoped) => context::process(ctx, Local::Scoped(scoped), true, true)?,
                        None => Arc::clone(ctx),
                    };
                    let iri = context::expand(&scoped, s, vocab).unwrap_or_default();
                    match self.iri_node(&iri) {
                        Some(node) => Object::Node(node),
                        None => return Ok(()),
                    }
                }
                Some(Coercion::Datatype(dt)) => Object::Literal {
                    value: s.clone(),
                    datatype: Arc::clone(dt),
                    language: None,
                },
                None | Some(Coercion::Json) => Object::Literal {
                    value: s.clone(),
                    datatype: shared(XSD_STRING),
                    language: None,
                },
            },
            Value::Bool(b) => Object::Literal {
                value: b.to_string(),
                datatype: datatype_or(&coercion, XSD_BOOLEAN),
                language: None,
            },
            Value::Number(n) => number_literal(n, &coercion)?,
        };
        if def.is_some_and(|d| d.container == Container::Graph) && matches!(value, Value::String(_))
        {
            return Err(FastError::Unsupported(
                "a string in a @graph container".into(),
            ));
        }
        self.emit(subject, predicate, object, graph);
        Ok(())
    }

    fn value_object(
        &mut self,
        ctx: &Arc<ActiveContext>,
        map: &Map<String, Value>,
    ) -> Result<Option<Object>, FastError> {
        let mut value = None;
        let mut datatype = None;
        for (k, v) in map {
            match context::expand(ctx, k, true).as_deref() {
                Some("@value") => value = Some(v),
                Some("@type") => {
                    let t = v.as_str().ok_or_else(|| {
                        FastError::Invalid("a value's @type is not a string".into())
                    })?;
                    datatype = context::expand(ctx, t, true);
                }
                // Language-tag normalization differs between processors;
                // such values are left to the general path.
                Some("@language") => {
                    return Err(FastError::Unsupported("a language-tagged value".into()));
                }
                Some(other) => {
                    return Err(FastError::Unsupported(format!("{other} in a value object")));
                }
                None => {}
            }
        }
        let coercion = datatype.map(|d| Coercion::Datatype(Arc::from(d)));
        Ok(match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(Object::Literal {
                value: s.clone(),
                datatype: datatype_or(&coercion, XSD_STRING),
                language: None,
            }),
            Some(Value::Bool(b)) => Some(Object::Literal {
                value: b.to_string(),
                datatype: datatype_or(&coercion, XSD_BOOLEAN),
                language: None,
            }),
            Some(Value::Number(n)) => Some(number_literal(n, &coercion)?),
            Some(_) => return Err(FastError::Unsupported("a structured @value".into())),
        })
    }
}

fn datatype_or(coercion: &Option<Coercion>, default: &'static str) -> Arc<str> {
    match coercion {
        Some(Coercion::Datatype(dt)) => Arc::clone(dt),
        _ => shared(default),
    }
}

/// A JSON number as JSON-LD's toRdf writes it: integers as `xsd:integer`,
/// other numbers (and any number typed `xsd:double`) in canonical double
/// form, e.g. `2.5E0`.
fn number_literal(
    n: &serde_json::Number,
    coercion: &Option<Coercion>,
) -> Result<Object, FastError> {
    let typed_double = matches!(coercion, Some(Coercion::Datatype(dt)) if &**dt == XSD_DOUBLE);
    let as_f64 = n
        .as_f64()
        .ok_or_else(|| FastError::Invalid("a number out of range".into()))?;
    // -0 is written as 0, as JSON-LD's algorithm (and jsonld.js) do.
    let as_f64 = as_f64 + 0.0;
    let integral = n.is_i64() || n.is_u64() || (as_f64.fract() == 0.0 && as_f64.abs() < 1e21);
    if integral && !typed_double && as_f64.abs() < 1e21 {
        let text = if let Some(i) = n.as_i64() {
            i.to_string()
        } else if let Some(u) = n.as_u64() {
            u.to_string()
        } else {
            format!("{as_f64:.0}")
        };
        return Ok(Object::Literal {
            value: text,
            datatype: datatype_or(coercion, XSD_INTEGER),
            language: None,
        });
    }
    Ok(Object::Literal {
        value: canonical_double(as_f64),
        datatype: datatype_or(coercion, XSD_DOUBLE),
        language: None,
    })
}

/// The canonical lexical form of an `xsd:double`, as jsonld.js writes it:
/// the mantissa with up to 15 fraction digits, trailing zeros removed (one
/// kept), `E`, the exponent.
pub(crate) fn canonical_double(v: f64) -> String {
    let text = format!("{v:.15e}");
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return text;
    };
    let mantissa = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            let trimmed = fraction.trim_end_matches('0');
            format!("{whole}.{}", if trimmed.is_empty() { "0" } else { trimmed })
        }
        None => format!("{mantissa}.0"),
    };
    format!("{mantissa}E{exponent}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_with_spaces_are_left_to_the_general_path() {
        let doc = serde_json::json!({
            "@context": [crate::contexts::VC_V2],
            "id": "https://example.org/a b",
            "type": ["VerifiableCredential"],
            "name": "x"
        });
        assert!(matches!(
            canonical_nquads(&doc),
            Err(FastError::Unsupported(_))
        ));
        let auto = crate::jsonld::Canonicalize::canonical_nquads(&Auto, &doc);
        assert_eq!(auto, crate::jsonld::canonical_nquads(&doc));
    }

    #[test]
    fn doubles_are_written_as_jsonld_writes_them() {
        assert_eq!(canonical_double(2.5), "2.5E0");
        assert_eq!(canonical_double(1.0), "1.0E0");
        assert_eq!(canonical_double(0.1), "1.0E-1");
        assert_eq!(canonical_double(-1234.5678), "-1.2345678E3");
        assert_eq!(canonical_double(1e21), "1.0E21");
        let minus_zero = serde_json::Number::from_f64(-0.0).expect("a number");
        assert_eq!(
            number_literal(&minus_zero, &None).expect("literal"),
            Object::Literal {
                value: "0".into(),
                datatype: shared(XSD_INTEGER),
                language: None
            }
        );
    }
}

#[cfg(test)]
pub(crate) mod oracle {
    //! Canonicalizes fast-path quads with sophia's RDFC-1.0, to compare the
    //! fast path's RDF with the general path's.
    use super::{Node, Object, Quad};
    use sophia_api::term::{BnodeId, IriRef, LanguageTag, SimpleTerm};
    use std::collections::HashSet;

    fn node(n: &Node) -> SimpleTerm<'static> {
        match n {
            Node::Iri(i) => SimpleTerm::Iri(IriRef::new_unchecked(i.to_string().into())),
            Node::Blank(b) => SimpleTerm::BlankNode(BnodeId::new_unchecked(format!("b{b}").into())),
        }
    }

    pub(crate) fn canonical(quads: &[Quad]) -> String {
        let set: HashSet<([SimpleTerm<'static>; 3], Option<SimpleTerm<'static>>)> = quads
            .iter()
            .map(|q| {
                let object = match &q.object {
                    Object::Node(n) => node(n),
                    Object::Literal {
                        value,
                        language: Some(lang),
                        ..
                    } => SimpleTerm::LiteralLanguage(
                        value.clone().into(),
                        LanguageTag::new_unchecked(lang.clone().into()),
                        None,
                    ),
                    Object::Literal {
                        value, datatype, ..
                    } => SimpleTerm::LiteralDatatype(
                        value.clone().into(),
                        IriRef::new_unchecked(datatype.to_string().into()),
                    ),
                };
                (
                    [
                        node(&q.subject),
                        SimpleTerm::Iri(IriRef::new_unchecked(q.predicate.to_string().into())),
                        object,
                    ],
                    q.graph.as_ref().map(node),
                )
            })
            .collect();
        let mut out = Vec::new();
        sophia_c14n::rdfc10::normalize(&set, &mut out).expect("canonicalizable");
        String::from_utf8(out).expect("utf-8")
    }
}

#[cfg(test)]
mod equal_to_the_general_path {
    use super::{oracle, to_rdf};
    use crate::jsonld::canonical_nquads;
    use serde_json::Value;

    fn testdata(path: &str) -> Value {
        let full = format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&full).expect("read")).expect("json")
    }

    #[test]
    fn on_the_open_badges_vector_and_its_proof() {
        let vector = testdata("ob3/canon-vectors/obv3p0/vector.json");
        let signed = &vector["signedCredential"];
        let fast = oracle::canonical(&to_rdf(signed).expect("fast path"));
        assert_eq!(fast, canonical_nquads(signed).expect("general path"));
        assert_eq!(super::canonical_nquads(signed).expect("fast path"), fast);
    }
}

#[cfg(test)]
mod generated_credentials {
    use super::{oracle, to_rdf};
    use crate::jsonld::canonical_nquads;
    use crate::ob3::*;
    use chrono::DateTime;
    use proptest::prelude::*;
    use serde_json::json;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ]{1,20}",
            "\\PC{1,12}",
            Just("quotes \" back\\slash\nnew line\ttab \u{7} bell é 漢字 🦀".to_owned()),
        ]
    }

    fn opt<T: std::fmt::Debug + Clone + 'static>(
        s: impl Strategy<Value = T> + 'static,
    ) -> impl Strategy<Value = Option<T>> {
        prop::option::of(s)
    }

    prop_compose! {
        fn achievement()(
            name in text(), description in text(), narrative in text(),
            kind in opt(prop_oneof![Just("MicroCredential".to_owned()), Just("Badge".to_owned()), Just("ext:Workshop".to_owned())]),
            credits in opt(prop_oneof![Just(2.5f64), Just(3.0), Just(0.1), Just(1e-7), Just(12345.678)]),
            tags in prop::collection::vec(text(), 0..3),
            version in opt(text()), human in opt(text()), lang in opt(Just("en".to_owned())),
            levels in 0usize..4, aligned in any::<bool>(), with_image in any::<bool>(), with_creator in any::<bool>(),
        ) -> Achievement {
            let mut a = Achievement::new("https://example.org/achievements/1", name, description, narrative);
            a.achievement_type = kind;
            a.credits_available = credits;
            a.tag = tags;
            a.version = version;
            a.human_code = human;
            a.in_language = lang;
            if with_image {
                a.image = Some(Image::new("https://example.org/a.png", Some("An image".into())));
            }
            if with_creator {
                a.creator = Some(Profile::new("https://example.org/creator", "Creator"));
            }
            if aligned {
                let mut al = Alignment::new("Standard 1", "https://example.org/standards/1");
                al.target_code = Some("S1".into());
                al.target_framework = Some("Framework".into());
                a.alignment = vec![al];
            }
            a.result_description = (0..levels).map(|i| {
                let lv = (0..3).map(|j| {
                    let mut l = RubricCriterionLevel::new(format!("urn:uuid:level-{i}-{j}"), format!("Level {j}"));
                    l.points = Some(j.to_string());
                    l.description = Some("Does the thing".into());
                    l
                }).collect();
                let mut rd = ResultDescription::rubric_criterion(format!("urn:uuid:criterion-{i}"), format!("Criterion {i}"), lv);
                rd.required_level = Some(format!("urn:uuid:level-{i}-1"));
                rd
            }).collect();
            a
        }
    }

    prop_compose! {
        fn credential()(
            achievement in achievement(), name in text(), description in opt(text()),
            email in "[a-z]{1,8}@example\\.org", salt in "[a-zA-Z0-9]{8}",
            did in opt(Just("did:example:ana".to_owned())), earned in opt(prop_oneof![Just(2.5f64), Just(4.0)]),
            evidence in 0usize..4, until in any::<bool>(), status in any::<bool>(), parent in any::<bool>(),
        ) -> serde_json::Value {
            let mut issuer = Profile::new("https://example.org/issuers/1", "Issuer");
            issuer.url = Some("https://example.org".into());
            issuer.email = Some("info@example.org".into());
            if parent {
                issuer.parent_org = Some(Box::new(Profile::new("https://example.org/issuers/0", "Parent")));
            }
            let results = achievement.result_description.iter().map(|rd| ResultAchieved::new(rd.id.clone(), rd.rubric_criterion_level[1].id.clone())).collect();
            let mut subject = AchievementSubject::hashed_email(&email, &salt, achievement);
            subject.id = did;
            subject.result = results;
            subject.credits_earned = earned;
            let credential = OpenBadgeCredential {
                id: "urn:uuid:3c8c6bf8-4a49-4d1c-9c55-cd0f3a1d2b7e".into(),
                issuer,
                valid_from: DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default(),
                valid_until: until.then(|| DateTime::from_timestamp(1_850_000_000, 0).unwrap_or_default()),
                awarded_date: Some(DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default()),
                name,
                description,
                image: Some(Image::new("https://example.org/badge.png", None)),
                subject,
                evidence: (0..evidence).map(|i| {
                    let mut e = Evidence::named(format!("Evidence {i}"));
                    e.id = Some(format!("https://example.org/evidence/{i}"));
                    e.narrative = Some("What I did".into());
                    e.genre = Some("Video".into());
                    e
                }).collect(),
                credential_status: status.then(|| CredentialStatus::revocation("https://example.org/status/1", 94567)),
                endorsement: Vec::new(),
            };
            let mut json = credential.to_json();
            json["proof"] = json!([{
                "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-01T00:00:00Z",
                "verificationMethod": "https://example.org/issuers/1/keys/1", "proofPurpose": "assertionMethod", "proofValue": "z3MvGcVxzRzzpKF1HA11EjvfPZsN8NAb7kXBRfeTm3CBg2gcxLJ5gJHM2oz96oxW2fYvktJyUqVgNsgpKtBBSZL"
            }]);
            json
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn the_fast_path_writes_the_same_rdf_as_the_general_path(doc in credential()) {
            let general = canonical_nquads(&doc).expect("general path");
            let fast_rdf = oracle::canonical(&to_rdf(&doc).expect("fast path"));
            prop_assert_eq!(&fast_rdf, &general);
            let fast = super::canonical_nquads(&doc).expect("fast path with its canonicalization");
            prop_assert_eq!(&fast, &general);
        }
    }
}

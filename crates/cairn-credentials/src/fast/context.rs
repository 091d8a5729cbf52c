//! JSON-LD 1.1 context processing for the bundled contexts, done once and
//! cached: every later credential reuses the processed term definitions.
//!
//! Only what the bundled contexts use is supported (`@protected`,
//! `@propagate`, `@vocab`, `@version`, term definitions with `@id`, `@type`
//! coercion, `@container`, scoped `@context`, `@prefix`, keyword aliases).
//! Anything else is refused as [`FastError::Unsupported`], and the caller
//! falls back to the general path.

use super::FastError;
use crate::contexts;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// How a term coerces its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Coercion {
    /// Strings are IRIs, expanded against the document.
    Id,
    /// Strings are IRIs, expanded against the vocabulary.
    Vocab,
    /// Values are typed literals of this datatype.
    Datatype(Arc<str>),
    /// Values are JSON literals (not handled by the fast path when used).
    Json,
}

/// How a term's values are held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// Plain values (or `@set`: the same in RDF).
    Set,
    /// Each value is a named graph.
    Graph,
    /// Another container (`@list`, `@language`, `@index`, …): the fast
    /// path refuses values of such terms.
    Other,
}

/// A processed term definition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TermDef {
    /// The IRI or keyword the term stands for; `None` when it is explicitly
    /// undefined (mapped to `null`).
    pub iri: Option<Arc<str>>,
    pub coercion: Option<Coercion>,
    pub container: Container,
    /// A scoped context, as it stands in the bundled context.
    pub scoped: Option<&'static Value>,
    /// Whether the term may be used as a prefix in compact IRIs.
    pub prefix: bool,
    pub protected: bool,
}

impl TermDef {
    fn same_meaning(&self, other: &TermDef) -> bool {
        self.iri == other.iri
            && self.coercion == other.coercion
            && self.container == other.container
            && self.scoped.map(std::ptr::from_ref) == other.scoped.map(std::ptr::from_ref)
            && self.prefix == other.prefix
    }
}

/// An active context.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActiveContext {
    pub terms: HashMap<Arc<str>, TermDef>,
    pub vocab: Option<Arc<str>>,
    /// The context to go back to for nested nodes, when this one came from
    /// a type-scoped (non-propagated) context.
    pub previous: Option<Arc<ActiveContext>>,
}

/// A context to process: a bundled context by URL, or a scoped context
/// object from inside a bundled context.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Local<'a> {
    Url(&'a str),
    Scoped(&'static Value),
}

/// The parsed `@context` of each bundled context, parsed once.
fn bundled(url: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<HashMap<&'static str, Value>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        contexts::BUNDLED
            .iter()
            .filter_map(|(url, text)| {
                let value: Value = serde_json::from_str(text).ok()?;
                Some((*url, value.get("@context")?.clone()))
            })
            .collect()
    });
    parsed.get(url)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CacheKey {
    Url(usize, String, bool, bool),
    Scoped(usize, usize, bool, bool),
}

thread_local! {
    static CACHE: RefCell<HashMap<CacheKey, Arc<ActiveContext>>> = RefCell::new(HashMap::new());
}

const CACHE_LIMIT: usize = 4096;

/// The empty context every document starts from.
pub(crate) fn empty() -> Arc<ActiveContext> {
    thread_local! {
        static EMPTY: Arc<ActiveContext> = Arc::new(ActiveContext::default());
    }
    EMPTY.with(Arc::clone)
}

/// Processes `local` on top of `active`, from the cache when it was done
/// before on this thread.
pub(crate) fn process(
    active: &Arc<ActiveContext>,
    local: Local<'_>,
    propagate: bool,
    override_protected: bool,
) -> Result<Arc<ActiveContext>, FastError> {
    let at = Arc::as_ptr(active) as usize;
    let key = match local {
        Local::Url(url) => CacheKey::Url(at, url.to_owned(), propagate, override_protected),
        Local::Scoped(value) => CacheKey::Scoped(
            at,
            std::ptr::from_ref(value) as usize,
            propagate,
            override_protected,
        ),
    };
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(hit);
    }
    let value = match local {
        Local::Url(url) => bundled(url).ok_or_else(|| FastError::UnknownContext(url.to_owned()))?,
        Local::Scoped(value) => value,
    };
    let mut result = process_value(active, value, override_protected)?;
    if !propagate && result.previous.is_none() {
        result.previous = Some(Arc::clone(active));
    }
    let result = Arc::new(result);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        // Keep `active` alive through the entry so its address is never reused.
        cache.insert(key, Arc::clone(&result));
        cache.insert(CacheKey::Scoped(at, 0, false, false), Arc::clone(active));
    });
    Ok(result)
}

fn process_value(
    active: &Arc<ActiveContext>,
    value: &'static Value,
    override_protected: bool,
) -> Result<ActiveContext, FastError> {
    let items: Vec<&'static Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut result = (**active).clone();
    for item in items {
        match item {
            Value::Null => {
                if !override_protected && result.terms.values().any(|t| t.protected) {
                    return Err(FastError::Invalid(
                        "a context tries to clear protected terms".into(),
                    ));
                }
                result = ActiveContext::default();
            }
            Value::String(url) => {
                let value = bundled(url).ok_or_else(|| FastError::UnknownContext(url.clone()))?;
                result = process_value(&Arc::new(result), value, override_protected)?;
            }
            Value::Object(map) => define_all(&mut result, map, override_protected)?,
            _ => {
                return Err(FastError::Invalid(
                    "a context is not an object, string or array".into(),
                ));
            }
        }
    }
    Ok(result)
}

fn define_all(
    result: &mut ActiveContext,
    map: &'static Map<String, Value>,
    override_protected: bool,
) -> Result<(), FastError> {
    for key in map.keys() {
        match key.as_str() {
            "@version" | "@protected" | "@propagate" | "@vocab" => {}
            "@base" | "@import" | "@language" | "@direction" => {
                return Err(FastError::Unsupported(format!("{key} in a context")));
            }
            _ => {}
        }
    }
    if let Some(vocab) = map.get("@vocab") {
        result.vocab = match vocab {
            Value::Null => None,
            Value::String(v) => Some(Arc::from(
                expand_iri(
                    result,
                    v,
                    true,
                    Some((map, &mut HashMap::new(), override_protected)),
                )?
                .unwrap_or_default(),
            )),
            _ => return Err(FastError::Invalid("@vocab is not a string".into())),
        };
    }
    let default_protected = map
        .get("@protected")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut defined: HashMap<&'static str, bool> = HashMap::new();
    for term in map.keys().filter(|k| !k.starts_with('@')) {
        define_term(
            result,
            map,
            term,
            &mut defined,
            default_protected,
            override_protected,
        )?;
    }
    Ok(())
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "@base"
            | "@container"
            | "@context"
            | "@direction"
            | "@graph"
            | "@id"
            | "@import"
            | "@included"
            | "@index"
            | "@json"
            | "@language"
            | "@list"
            | "@nest"
            | "@none"
            | "@prefix"
            | "@propagate"
            | "@protected"
            | "@reverse"
            | "@set"
            | "@type"
            | "@value"
            | "@version"
            | "@vocab"
    )
}

fn ends_with_gen_delim(iri: &str) -> bool {
    iri.ends_with([':', '/', '?', '#', '[', ']', '@'])
}

/// Whether `iri` starts with a scheme (an absolute IRI).
pub(crate) fn is_absolute_iri(iri: &str) -> bool {
    let Some((scheme, _)) = iri.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

type Defining<'a> = (
    &'static Map<String, Value>,
    &'a mut HashMap<&'static str, bool>,
    bool,
);

fn define_term(
    result: &mut ActiveContext,
    local: &'static Map<String, Value>,
    term: &'static str,
    defined: &mut HashMap<&'static str, bool>,
    default_protected: bool,
    override_protected: bool,
) -> Result<(), FastError> {
    match defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => {
            return Err(FastError::Invalid(format!(
                "the context defines {term} in a cycle"
            )));
        }
        None => {}
    }
    defined.insert(term, false);
    let value = local
        .get(term)
        .ok_or_else(|| FastError::Invalid(format!("{term} is not defined")))?;
    let previous = result.terms.remove(term);
    let mut def = TermDef {
        iri: None,
        coercion: None,
        container: Container::Set,
        scoped: None,
        prefix: false,
        protected: default_protected,
    };
    let simple = matches!(value, Value::String(_));
    let body: Option<&'static Map<String, Value>> = match value {
        Value::Null => None,
        Value::String(_) => None,
        Value::Object(map) => Some(map),
        _ => {
            return Err(FastError::Invalid(format!(
                "the definition of {term} is not a string or object"
            )));
        }
    };
    let id_value: Option<&'static Value> = match value {
        Value::String(_) => Some(value),
        Value::Object(map) => map.get("@id"),
        _ => None,
    };
    if let Some(map) = body {
        for key in map.keys() {
            match key.as_str() {
                "@id" | "@type" | "@container" | "@context" | "@protected" | "@prefix" => {}
                other => {
                    return Err(FastError::Unsupported(format!(
                        "{other} in the definition of {term}"
                    )));
                }
            }
        }
        if let Some(p) = map.get("@protected").and_then(Value::as_bool) {
            def.protected = p;
        }
    }
    let null_mapped = matches!(value, Value::Null) || matches!(id_value, Some(Value::Null));
    if !null_mapped {
        def.iri = match id_value {
            Some(Value::String(id)) => {
                expand_iri(result, id, true, Some((local, defined, override_protected)))?
                    .map(Arc::from)
            }
            Some(_) => {
                return Err(FastError::Invalid(format!(
                    "the @id of {term} is not a string"
                )));
            }
            None => {
                if let Some((prefix, suffix)) = term.split_once(':') {
                    if local.contains_key(prefix) {
                        define_term(
                            result,
                            local,
                            prefix_static(local, prefix)?,
                            defined,
                            default_protected,
                            override_protected,
                        )?;
                    }
                    match result.terms.get(prefix).and_then(|t| t.iri.clone()) {
                        Some(iri) => Some(Arc::from(format!("{iri}{suffix}"))),
                        None => Some(Arc::from(term)),
                    }
                } else {
                    let vocab = result.vocab.clone().ok_or_else(|| {
                        FastError::Invalid(format!("{term} has no IRI and there is no @vocab"))
                    })?;
                    Some(Arc::from(format!("{vocab}{term}")))
                }
            }
        };
        def.prefix =
            simple && !term.contains(':') && def.iri.as_deref().is_some_and(ends_with_gen_delim);
    }
    if let Some(map) = body {
        if let Some(p) = map.get("@prefix") {
            def.prefix = p
                .as_bool()
                .ok_or_else(|| FastError::Invalid(format!("@prefix of {term} is not a boolean")))?;
        }
        if let Some(t) = map.get("@type") {
            let t = t.as_str().ok_or_else(|| {
                FastError::Invalid(format!("the @type of {term} is not a string"))
            })?;
            def.coercion = match t {
                "@id" => Some(Coercion::Id),
                "@vocab" => Some(Coercion::Vocab),
                "@json" => Some(Coercion::Json),
                "@none" => None,
                other => {
                    let iri = expand_iri(
                        result,
                        other,
                        true,
                        Some((local, defined, override_protected)),
                    )?
                    .filter(|i| is_absolute_iri(i))
                    .ok_or_else(|| {
                        FastError::Invalid(format!("the @type of {term} is not an IRI"))
                    })?;
                    Some(Coercion::Datatype(Arc::from(iri)))
                }
            };
        }
        if let Some(c) = map.get("@container") {
            let items: Vec<&str> = match c {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => {
                    return Err(FastError::Invalid(format!(
                        "the @container of {term} is not valid"
                    )));
                }
            };
            def.container = if items.iter().all(|i| *i == "@set") {
                Container::Set
            } else if items.contains(&"@graph")
                && items.iter().all(|i| matches!(*i, "@graph" | "@set"))
            {
                Container::Graph
            } else {
                Container::Other
            };
        }
        if let Some(scoped) = map.get("@context") {
            def.scoped = Some(scoped);
        }
    }
    if let Some(previous) = previous {
        if previous.protected && !override_protected && !previous.same_meaning(&def) {
            return Err(FastError::Invalid(format!(
                "the protected term {term} is redefined"
            )));
        }
        if previous.protected && !override_protected {
            def.protected = true;
        }
    }
    result.terms.insert(Arc::from(term), def);
    defined.insert(term, true);
    Ok(())
}

fn prefix_static(
    local: &'static Map<String, Value>,
    prefix: &str,
) -> Result<&'static str, FastError> {
    local
        .keys()
        .find(|k| *k == prefix)
        .map(String::as_str)
        .ok_or_else(|| FastError::Invalid(format!("{prefix} is not defined")))
}

/// IRI expansion. `defining` is set while a context is being processed, so
/// terms it defines later are created on demand.
pub(crate) fn expand_iri(
    active: &mut ActiveContext,
    value: &str,
    vocab: bool,
    defining: Option<Defining<'_>>,
) -> Result<Option<String>, FastError> {
    if is_keyword(value) {
        return Ok(Some(value.to_owned()));
    }
    if value.starts_with('@')
        && value.len() > 1
        && value[1..].chars().all(|c| c.is_ascii_alphabetic())
    {
        return Ok(None);
    }
    let mut defining = defining;
    define_pending(active, &mut defining, value)?;
    if vocab && let Some(def) = active.terms.get(value) {
        return Ok(def.iri.as_deref().map(str::to_owned));
    }
    if let Some(colon) = value.find(':').filter(|i| *i > 0) {
        let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Ok(Some(value.to_owned()));
        }
        define_pending(active, &mut defining, prefix)?;
        if let Some(def) = active.terms.get(prefix).filter(|d| d.prefix)
            && let Some(iri) = &def.iri
        {
            return Ok(Some(format!("{iri}{suffix}")));
        }
        if is_absolute_iri(value) {
            return Ok(Some(value.to_owned()));
        }
    }
    if vocab && let Some(v) = &active.vocab {
        return Ok(Some(format!("{v}{value}")));
    }
    // No base IRI: a relative reference stays as it is (and RDF drops it).
    Ok(Some(value.to_owned()))
}

/// While a context is being processed, defines `name` first when that
/// context defines it and it is not defined yet.
fn define_pending(
    active: &mut ActiveContext,
    defining: &mut Option<Defining<'_>>,
    name: &str,
) -> Result<(), FastError> {
    if let Some((local, defined, override_protected)) = defining.as_mut()
        && local.contains_key(name)
        && defined.get(name) != Some(&true)
    {
        let term = prefix_static(local, name)?;
        let default_protected = local
            .get("@protected")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        define_term(
            active,
            local,
            term,
            defined,
            default_protected,
            *override_protected,
        )?;
    }
    Ok(())
}

/// IRI expansion against an already processed context (no definitions).
pub(crate) fn expand(active: &ActiveContext, value: &str, vocab: bool) -> Option<String> {
    if is_keyword(value) {
        return Some(value.to_owned());
    }
    if value.starts_with('@') {
        return None;
    }
    if vocab && let Some(def) = active.terms.get(value) {
        return def.iri.as_deref().map(str::to_owned);
    }
    if let Some(colon) = value.find(':').filter(|i| *i > 0) {
        let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Some(value.to_owned());
        }
        if let Some(iri) = active
            .terms
            .get(prefix)
            .filter(|d| d.prefix)
            .and_then(|d| d.iri.as_deref())
        {
            return Some(format!("{iri}{suffix}"));
        }
        if is_absolute_iri(value) {
            return Some(value.to_owned());
        }
    }
    if vocab && let Some(v) = &active.vocab {
        return Some(format!("{v}{value}"));
    }
    Some(value.to_owned())
}

//! RDF terms, quads and datasets.
//!
//! Every piece of text in a term is either a `&'static str` or an `Arc<str>`,
//! so cloning a term never copies its text: a converter that reuses one
//! predicate [`Iri`] for many quads pays one allocation, not one per quad.
//! Constructors validate their input, so every term can be written as
//! N-Quads and read back unchanged.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::nquads;

/// Immutable text shared between terms: either static or reference-counted.
#[derive(Clone)]
pub(crate) enum Text {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Shared(s) => s,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Why a string was refused as an IRI, a blank node label or a language tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermError {
    /// The IRI has no scheme (`http:`, `urn:`, `did:`…); RDF needs absolute IRIs.
    #[error("{iri:?} is not an absolute IRI: it has no scheme such as \"https:\"")]
    RelativeIri {
        /// The refused IRI.
        iri: String,
    },
    /// The blank node label does not follow the N-Quads `BLANK_NODE_LABEL` rule.
    #[error(
        "{label:?} is not a valid blank node label (letters, digits, '_', '-', '.' and ':', \
         not starting with '-' or '.', not ending with '.')"
    )]
    BlankNodeLabel {
        /// The refused label (without `_:`).
        label: String,
    },
    /// The language tag does not have the form `en`, `en-GB`, `zh-Hant-TW`…
    #[error("{tag:?} is not a valid language tag (letters, then '-'-separated letters or digits)")]
    LanguageTag {
        /// The refused tag.
        tag: String,
    },
}

/// Whether a byte may appear unescaped inside `<…>` in N-Quads. Bytes of
/// multi-byte UTF-8 sequences (>= 0x80) are all allowed.
#[inline]
pub(crate) const fn iri_byte_allowed(b: u8) -> bool {
    !matches!(
        b,
        0x00..=0x20 | b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
    )
}

/// Whether `iri` starts with a scheme:
/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`.
pub(crate) const fn has_scheme(iri: &str) -> bool {
    let bytes = iri.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b':' {
            return i > 0;
        }
        let ok = if i == 0 {
            b.is_ascii_alphabetic()
        } else {
            b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    false
}

/// `PN_CHARS_BASE` of the N-Quads grammar.
fn is_pn_chars_base(c: char) -> bool {
    matches!(c,
        'A'..='Z'
        | 'a'..='z'
        | '\u{00C0}'..='\u{00D6}'
        | '\u{00D8}'..='\u{00F6}'
        | '\u{00F8}'..='\u{02FF}'
        | '\u{0370}'..='\u{037D}'
        | '\u{037F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// `PN_CHARS_U`, plus the digits allowed as the first character of a label.
pub(crate) fn is_label_start(c: char) -> bool {
    c == '_' || c == ':' || c.is_ascii_digit() || is_pn_chars_base(c)
}

/// `PN_CHARS`: what may follow the first character of a label (besides '.').
pub(crate) fn is_label_char(c: char) -> bool {
    is_label_start(c)
        || c == '-'
        || c == '\u{00B7}'
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{203F}'..='\u{2040}')
}

fn valid_label(label: &str) -> bool {
    let mut chars = label.chars();
    match chars.next() {
        Some(c) if is_label_start(c) => {}
        _ => return false,
    }
    !label.ends_with('.') && chars.all(|c| c == '.' || is_label_char(c))
}

pub(crate) fn valid_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// An IRI's text, and whether N-Quads must escape some of its characters
/// (known once, when the IRI is made, rather than each time it is written).
#[derive(Clone)]
enum IriText {
    Static(&'static str),
    Plain(Arc<str>),
    Escaped(Arc<str>),
}

/// An absolute IRI, such as `https://schema.org/name`.
///
/// Holds the IRI itself, as written between `<` and `>` in N-Quads once
/// escapes are decoded.
#[derive(Clone)]
pub struct Iri(IriText);

impl Iri {
    /// Checks and wraps an IRI: it must start with a scheme (`https:`,
    /// `urn:`, `did:`…). Nothing else is checked. Characters that N-Quads
    /// cannot carry inside `<…>` (controls, space and `<>"{}|^`\`; no valid
    /// IRI has them) are written as `\u00XX` escapes, as rdf-canonize
    /// (jsonld.js) writes them.
    ///
    /// ```
    /// # use cairn_rdf::Iri;
    /// assert!(Iri::new("https://schema.org/name").is_ok());
    /// assert!(Iri::new("/relative").is_err());
    /// assert_eq!(Iri::new("urn:a b").map(|i| i.to_string()), Ok("<urn:a\\u0020b>".to_owned()));
    /// ```
    pub fn new(iri: impl Into<Arc<str>>) -> Result<Self, TermError> {
        let iri: Arc<str> = iri.into();
        if !has_scheme(&iri) {
            return Err(TermError::RelativeIri {
                iri: iri.as_ref().to_owned(),
            });
        }
        Ok(Iri::trusted(iri))
    }

    /// Wraps a static IRI without allocating. Usable in `const` items, where
    /// a bad IRI is a compile error.
    ///
    /// # Panics
    ///
    /// If `iri` has no scheme (see [`Iri::new`]), or has a character that
    /// N-Quads would have to escape.
    pub const fn from_static(iri: &'static str) -> Self {
        if !has_scheme(iri) {
            panic!("Iri::from_static: IRI has no scheme");
        }
        let bytes = iri.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !iri_byte_allowed(bytes[i]) {
                panic!("Iri::from_static: IRI has a character N-Quads must escape");
            }
            i += 1;
        }
        Iri(IriText::Static(iri))
    }

    /// Wraps an IRI whose scheme is checked.
    pub(crate) fn trusted(iri: Arc<str>) -> Self {
        if iri.bytes().all(iri_byte_allowed) {
            Iri(IriText::Plain(iri))
        } else {
            Iri(IriText::Escaped(iri))
        }
    }

    /// Wraps an IRI whose scheme is checked and which has no character to
    /// escape (the parser's fast path).
    pub(crate) fn trusted_plain(iri: Arc<str>) -> Self {
        Iri(IriText::Plain(iri))
    }

    /// The IRI.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            IriText::Static(s) => s,
            IriText::Plain(s) | IriText::Escaped(s) => s,
        }
    }

    /// Whether N-Quads must escape some characters of the IRI.
    #[inline]
    pub(crate) fn needs_escapes(&self) -> bool {
        matches!(self.0, IriText::Escaped(_))
    }
}

impl PartialEq for Iri {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Iri {}

impl Hash for Iri {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Iri {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Iri {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Iri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Iri {
    /// Writes the IRI in N-Quads form, `<…>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        nquads::write_iri(&mut out, self);
        f.write_str(&out)
    }
}

/// A blank node, identified by its label (without the `_:` prefix).
///
/// Labels only tell blank nodes apart within one dataset; canonicalization
/// replaces them with `c14n0`, `c14n1`, ….
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlankNode(Text);

impl BlankNode {
    /// Checks and wraps a blank node label such as `b0` (no `_:` prefix),
    /// following the N-Quads `BLANK_NODE_LABEL` rule.
    ///
    /// ```
    /// # use cairn_rdf::BlankNode;
    /// assert_eq!(BlankNode::new("b0").map(|b| b.to_string()), Ok("_:b0".to_owned()));
    /// assert!(BlankNode::new("b 0").is_err());
    /// ```
    pub fn new(label: impl Into<Arc<str>>) -> Result<Self, TermError> {
        let label: Arc<str> = label.into();
        if valid_label(&label) {
            Ok(BlankNode(Text::Shared(label)))
        } else {
            Err(TermError::BlankNodeLabel {
                label: label.as_ref().to_owned(),
            })
        }
    }

    /// Wraps a label already known to be valid.
    pub(crate) fn trusted(label: Arc<str>) -> Self {
        BlankNode(Text::Shared(label))
    }

    /// Wraps a static label already known to be valid.
    pub(crate) fn from_static_label(label: &'static str) -> Self {
        BlankNode(Text::Static(label))
    }

    /// The label, without `_:`.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for BlankNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "_:{}", self.as_str())
    }
}

impl fmt::Display for BlankNode {
    /// Writes `_:label`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "_:{}", self.as_str())
    }
}

/// `http://www.w3.org/2001/XMLSchema#string`, the datatype of plain literals.
pub const XSD_STRING: Iri = Iri::from_static("http://www.w3.org/2001/XMLSchema#string");

/// `http://www.w3.org/1999/02/22-rdf-syntax-ns#langString`, the datatype of
/// language-tagged literals.
pub const RDF_LANG_STRING: Iri =
    Iri::from_static("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString");

/// A literal: a lexical value with a datatype IRI and, for `rdf:langString`,
/// a language tag.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    value: Text,
    datatype: Iri,
    language: Option<Text>,
}

impl Literal {
    /// A plain string literal (datatype `xsd:string`).
    pub fn new_simple(value: impl Into<Arc<str>>) -> Self {
        Literal {
            value: Text::Shared(value.into()),
            datatype: XSD_STRING,
            language: None,
        }
    }

    /// A literal with the given datatype, such as `xsd:dateTime`. For a
    /// language-tagged string use [`Literal::new_language_tagged`].
    pub fn new_typed(value: impl Into<Arc<str>>, datatype: Iri) -> Self {
        Literal {
            value: Text::Shared(value.into()),
            datatype,
            language: None,
        }
    }

    /// A language-tagged string (datatype `rdf:langString`). The tag is kept
    /// as given (not lower-cased) and must look like `en`, `en-GB`, `zh-Hant`.
    pub fn new_language_tagged(
        value: impl Into<Arc<str>>,
        language: impl Into<Arc<str>>,
    ) -> Result<Self, TermError> {
        let language: Arc<str> = language.into();
        if !valid_language_tag(&language) {
            return Err(TermError::LanguageTag {
                tag: language.as_ref().to_owned(),
            });
        }
        Ok(Literal {
            value: Text::Shared(value.into()),
            datatype: RDF_LANG_STRING,
            language: Some(Text::Shared(language)),
        })
    }

    /// Builds a literal from parts already checked by the parser.
    pub(crate) fn trusted(value: Arc<str>, datatype: Iri, language: Option<Arc<str>>) -> Self {
        match language {
            Some(tag) => Literal {
                value: Text::Shared(value),
                datatype: RDF_LANG_STRING,
                language: Some(Text::Shared(tag)),
            },
            None => Literal {
                value: Text::Shared(value),
                datatype,
                language: None,
            },
        }
    }

    /// The lexical value (unescaped).
    #[inline]
    pub fn value(&self) -> &str {
        self.value.as_str()
    }

    /// The datatype IRI (`rdf:langString` when there is a language tag).
    #[inline]
    pub fn datatype(&self) -> &Iri {
        &self.datatype
    }

    /// The language tag, if any.
    #[inline]
    pub fn language(&self) -> Option<&str> {
        self.language.as_ref().map(Text::as_str)
    }
}

impl fmt::Debug for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Literal {
    /// Writes the literal in canonical N-Quads form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        nquads::write_literal(&mut out, self);
        f.write_str(&out)
    }
}

/// An RDF term in object position: an IRI, a blank node or a literal.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// An IRI.
    Iri(Iri),
    /// A blank node.
    BlankNode(BlankNode),
    /// A literal.
    Literal(Literal),
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Term {
    /// Writes the term in canonical N-Quads form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Iri(iri) => fmt::Display::fmt(iri, f),
            Term::BlankNode(b) => fmt::Display::fmt(b, f),
            Term::Literal(l) => fmt::Display::fmt(l, f),
        }
    }
}

impl From<Iri> for Term {
    fn from(iri: Iri) -> Self {
        Term::Iri(iri)
    }
}

impl From<BlankNode> for Term {
    fn from(b: BlankNode) -> Self {
        Term::BlankNode(b)
    }
}

impl From<Literal> for Term {
    fn from(l: Literal) -> Self {
        Term::Literal(l)
    }
}

impl From<Subject> for Term {
    fn from(s: Subject) -> Self {
        match s {
            Subject::Iri(iri) => Term::Iri(iri),
            Subject::BlankNode(b) => Term::BlankNode(b),
        }
    }
}

/// An IRI or a blank node: what may be the subject of a quad, or name a graph.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// An IRI.
    Iri(Iri),
    /// A blank node.
    BlankNode(BlankNode),
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Subject {
    /// Writes `<iri>` or `_:label`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Iri(iri) => fmt::Display::fmt(iri, f),
            Subject::BlankNode(b) => fmt::Display::fmt(b, f),
        }
    }
}

impl From<Iri> for Subject {
    fn from(iri: Iri) -> Self {
        Subject::Iri(iri)
    }
}

impl From<BlankNode> for Subject {
    fn from(b: BlankNode) -> Self {
        Subject::BlankNode(b)
    }
}

/// The name of a graph: an IRI or a blank node (`None` in [`Quad::graph`]
/// is the default graph).
pub type GraphName = Subject;

/// One statement: subject, predicate, object, and the graph it belongs to.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// The subject.
    pub subject: Subject,
    /// The predicate.
    pub predicate: Iri,
    /// The object.
    pub object: Term,
    /// The graph name; `None` for the default graph.
    pub graph: Option<GraphName>,
}

impl Quad {
    /// Builds a quad.
    pub fn new(
        subject: impl Into<Subject>,
        predicate: Iri,
        object: impl Into<Term>,
        graph: Option<GraphName>,
    ) -> Self {
        Quad {
            subject: subject.into(),
            predicate,
            object: object.into(),
            graph,
        }
    }
}

impl fmt::Debug for Quad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Quad {
    /// Writes the quad as one canonical N-Quads line, without the final
    /// line feed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        nquads::write_quad(&mut out, self);
        f.write_str(out.trim_end_matches('\n'))
    }
}

/// An RDF dataset: a list of quads.
///
/// Order and duplicates are kept as given; [`crate::canonicalize`] treats the
/// dataset as a set (duplicates count once, order does not matter).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dataset {
    quads: Vec<Quad>,
}

impl Dataset {
    /// An empty dataset.
    pub fn new() -> Self {
        Dataset { quads: Vec::new() }
    }

    /// An empty dataset with room for `capacity` quads.
    pub fn with_capacity(capacity: usize) -> Self {
        Dataset {
            quads: Vec::with_capacity(capacity),
        }
    }

    /// Appends a quad.
    #[inline]
    pub fn push(&mut self, quad: Quad) {
        self.quads.push(quad);
    }

    /// The number of quads (duplicates included).
    #[inline]
    pub fn len(&self) -> usize {
        self.quads.len()
    }

    /// Whether there are no quads.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.quads.is_empty()
    }

    /// The quads, in the order they were added.
    #[inline]
    pub fn quads(&self) -> &[Quad] {
        &self.quads
    }

    /// Iterates over the quads in the order they were added.
    pub fn iter(&self) -> std::slice::Iter<'_, Quad> {
        self.quads.iter()
    }

    /// Takes the quads out.
    pub fn into_quads(self) -> Vec<Quad> {
        self.quads
    }

    /// Writes the dataset as N-Quads, one quad per line in the dataset's
    /// order, each term in canonical form, each line ending with `\n`. Blank
    /// nodes keep their labels: this is not the canonical form of the
    /// dataset (see [`crate::canonicalize`]).
    pub fn to_nquads(&self) -> String {
        let mut out = String::with_capacity(self.quads.len() * 96);
        self.write_nquads(&mut out);
        out
    }

    /// Like [`Dataset::to_nquads`], appending to `out`.
    pub fn write_nquads(&self, out: &mut String) {
        for quad in &self.quads {
            nquads::write_quad(out, quad);
        }
    }
}

impl From<Vec<Quad>> for Dataset {
    fn from(quads: Vec<Quad>) -> Self {
        Dataset { quads }
    }
}

impl FromIterator<Quad> for Dataset {
    fn from_iter<I: IntoIterator<Item = Quad>>(iter: I) -> Self {
        Dataset {
            quads: iter.into_iter().collect(),
        }
    }
}

impl Extend<Quad> for Dataset {
    fn extend<I: IntoIterator<Item = Quad>>(&mut self, iter: I) {
        self.quads.extend(iter);
    }
}

impl IntoIterator for Dataset {
    type Item = Quad;
    type IntoIter = std::vec::IntoIter<Quad>;

    fn into_iter(self) -> Self::IntoIter {
        self.quads.into_iter()
    }
}

impl<'a> IntoIterator for &'a Dataset {
    type Item = &'a Quad;
    type IntoIter = std::slice::Iter<'a, Quad>;

    fn into_iter(self) -> Self::IntoIter {
        self.quads.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_are_checked() {
        assert!(Iri::new("urn:x").is_ok());
        assert!(Iri::new("did:example:123#key-1").is_ok());
        assert!(Iri::new("https://example.org/∞").is_ok());
        assert!(matches!(
            Iri::new("example"),
            Err(TermError::RelativeIri { .. })
        ));
        assert!(matches!(Iri::new(":x"), Err(TermError::RelativeIri { .. })));
        assert!(matches!(
            Iri::new("1http:x"),
            Err(TermError::RelativeIri { .. })
        ));
        assert!(Iri::new("").is_err());
        // Not valid IRIs, but representable, as jsonld.js represents them.
        let odd = Iri::new("http://a b>{c}\u{0}\\").expect("has a scheme");
        assert_eq!(
            odd.to_string(),
            "<http://a\\u0020b\\u003E\\u007Bc\\u007D\\u0000\\u005C>"
        );
    }

    #[test]
    fn labels_and_tags_are_checked() {
        for ok in [
            "b0",
            "_x",
            "0",
            "a.b",
            "a-b",
            "é",
            "a:b",
            "a\u{00B7}",
            "_:a",
        ] {
            assert!(BlankNode::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", ".a", "a.", "a b", "a/b", "a<"] {
            assert!(BlankNode::new(bad).is_err(), "{bad}");
        }
        for ok in ["en", "en-GB", "zh-Hant-TW", "de-1996"] {
            assert!(valid_language_tag(ok), "{ok}");
        }
        for bad in ["", "en-", "-en", "e1", "en_GB", "en--x"] {
            assert!(!valid_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn static_and_shared_text_compare_equal() {
        let a = XSD_STRING;
        let b = Iri::new("http://www.w3.org/2001/XMLSchema#string").expect("valid");
        assert_eq!(a, b);
        let mut h1 = std::collections::hash_map::DefaultHasher::new();
        let mut h2 = std::collections::hash_map::DefaultHasher::new();
        a.hash(&mut h1);
        b.hash(&mut h2);
        assert_eq!(h1.finish(), h2.finish());
    }

    #[test]
    fn literals() {
        let l = Literal::new_language_tagged("chat", "fr").expect("valid");
        assert_eq!(l.datatype(), &RDF_LANG_STRING);
        assert_eq!(l.language(), Some("fr"));
        assert_eq!(l.to_string(), "\"chat\"@fr");
        assert!(Literal::new_language_tagged("x", "not a tag").is_err());
        assert_eq!(Literal::new_simple("a\"b").to_string(), "\"a\\\"b\"");
    }
}

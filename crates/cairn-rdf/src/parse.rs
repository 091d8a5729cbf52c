//! A strict N-Quads (RDF 1.1) parser.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::term::{
    BlankNode, Dataset, Iri, Literal, Quad, Subject, Term, XSD_STRING, has_scheme,
    iri_byte_allowed, is_label_char, is_label_start,
};

/// An N-Quads document that could not be read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("N-Quads line {line}, column {column}: {problem}")]
pub struct ParseError {
    /// The line, counting from 1.
    pub line: usize,
    /// The column in characters, counting from 1.
    pub column: usize,
    /// What is wrong there.
    pub problem: ParseProblem,
}

/// What the parser found where it expected something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A character.
    Char(char),
    /// The end of the line.
    EndOfLine,
    /// The end of the input.
    EndOfInput,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Char(c) => write!(f, "{c:?}"),
            Found::EndOfLine => f.write_str("the end of the line"),
            Found::EndOfInput => f.write_str("the end of the input"),
        }
    }
}

/// The problems [`ParseError`] reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseProblem {
    /// Something other than what the grammar allows here.
    #[error("expected {expected}, found {found}")]
    Unexpected {
        /// What the grammar allows here.
        expected: &'static str,
        /// What is there instead.
        found: Found,
    },
    /// An IRI without its closing `>` on the line.
    #[error("IRI is not closed with '>' before the end of the line")]
    UnclosedIri,
    /// A character that must be written as a `\u` escape inside `<…>`.
    #[error("{0:?} may not appear in an IRI (only as a \\u escape)")]
    IriCharacter(char),
    /// An IRI without a scheme.
    #[error("IRI <{0}> has no scheme; N-Quads needs absolute IRIs")]
    RelativeIri(String),
    /// A string without its closing `"` on the line.
    #[error("string is not closed with '\"' before the end of the line")]
    UnclosedString,
    /// A backslash followed by something other than a known escape.
    #[error("\\{0} is not an escape sequence of N-Quads")]
    UnknownEscape(char),
    /// `\u` or `\U` not followed by 4 or 8 hex digits.
    #[error("\\{0} must be followed by {1} hex digits")]
    ShortUnicodeEscape(char, usize),
    /// `\u`/`\U` naming a surrogate or a number beyond Unicode.
    #[error("escape names U+{0:X}, which is not a Unicode character")]
    NotACharacter(u32),
    /// A blank node label breaking the `BLANK_NODE_LABEL` rule.
    #[error("blank node label must start with a letter, digit, '_' or ':' after \"_:\"")]
    BlankNodeLabel,
    /// A language tag breaking the `LANGTAG` rule.
    #[error("language tag must be letters, then '-'-separated letters or digits")]
    LanguageTag,
}

/// Reads an N-Quads document into a [`Dataset`], keeping the quads in the
/// order of the document (duplicates included).
///
/// Strict: follows the RDF 1.1 N-Quads grammar, IRIs must be absolute, and
/// escapes in IRIs may not produce characters IRIs cannot contain. Never
/// panics; the first problem is reported with its line and column.
///
/// ```
/// let ds = cairn_rdf::parse_nquads("_:b0 <http://schema.org/name> \"Ada\"@en .\n")?;
/// assert_eq!(ds.len(), 1);
/// assert!(cairn_rdf::parse_nquads("<a> <b> <c> .").is_err());
/// # Ok::<(), cairn_rdf::ParseError>(())
/// ```
pub fn parse_nquads(input: &str) -> Result<Dataset, ParseError> {
    Parser::new(input).run()
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
    /// Scratch space for text with escapes.
    buf: String,
    /// Shares one allocation between repeats of an IRI or blank node label.
    iris: HashMap<&'a str, Iri>,
    blanks: HashMap<&'a str, BlankNode>,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            buf: String::new(),
            iris: HashMap::new(),
            blanks: HashMap::new(),
        }
    }

    fn run(mut self) -> PResult<Dataset> {
        let mut dataset = Dataset::with_capacity(self.bytes.len() / 80);
        loop {
            self.skip_spaces();
            match self.peek() {
                None => break,
                Some(b'\n' | b'\r') => self.end_of_line(),
                Some(b'#') => self.skip_comment(),
                Some(_) => {
                    dataset.push(self.statement()?);
                    self.skip_spaces();
                    match self.peek() {
                        None => break,
                        Some(b'#') => self.skip_comment(),
                        Some(b'\n' | b'\r') => self.end_of_line(),
                        Some(_) => return Err(self.unexpected("the end of the line after '.'")),
                    }
                }
            }
        }
        Ok(dataset)
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn skip_spaces(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' || b == b'\r' {
                break;
            }
            self.pos += 1;
        }
    }

    /// Consumes one line break (`\n`, `\r` or `\r\n`).
    fn end_of_line(&mut self) {
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        self.line += 1;
        self.line_start = self.pos;
    }

    fn error_at(&self, at: usize, problem: ParseProblem) -> ParseError {
        let at = at.min(self.bytes.len());
        let column = self
            .src
            .get(self.line_start..at)
            .map_or(1, |s| s.chars().count() + 1);
        ParseError {
            line: self.line,
            column,
            problem,
        }
    }

    fn found(&self) -> Found {
        match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            None => Found::EndOfInput,
            Some('\n' | '\r') => Found::EndOfLine,
            Some(c) => Found::Char(c),
        }
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        self.error_at(
            self.pos,
            ParseProblem::Unexpected {
                expected,
                found: self.found(),
            },
        )
    }

    fn statement(&mut self) -> PResult<Quad> {
        let subject = match self.peek() {
            Some(b'<') => Subject::Iri(self.iri()?),
            Some(b'_') => Subject::BlankNode(self.blank_node()?),
            _ => return Err(self.unexpected("a subject (an IRI or a blank node)")),
        };
        self.skip_spaces();
        let predicate = match self.peek() {
            Some(b'<') => self.iri()?,
            _ => return Err(self.unexpected("a predicate (an IRI)")),
        };
        self.skip_spaces();
        let object = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            Some(b'_') => Term::BlankNode(self.blank_node()?),
            Some(b'"') => Term::Literal(self.literal()?),
            _ => {
                return Err(self.unexpected("an object (an IRI, a blank node or a literal)"));
            }
        };
        self.skip_spaces();
        let graph = match self.peek() {
            Some(b'<') => Some(Subject::Iri(self.iri()?)),
            Some(b'_') => Some(Subject::BlankNode(self.blank_node()?)),
            Some(b'.') => None,
            _ => return Err(self.unexpected("'.' or a graph name (an IRI or a blank node)")),
        };
        if graph.is_some() {
            self.skip_spaces();
        }
        if self.peek() != Some(b'.') {
            return Err(self.unexpected("'.' to end the statement"));
        }
        self.pos += 1;
        Ok(Quad {
            subject,
            predicate,
            object,
            graph,
        })
    }

    /// Reads `<…>` (the current byte is `<`).
    fn iri(&mut self) -> PResult<Iri> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes.
        loop {
            match self.peek() {
                Some(b'>') => {
                    let raw = &self.src[start..self.pos];
                    self.pos += 1;
                    return self.finish_iri(raw, open);
                }
                Some(b'\\') => break,
                Some(b'\n' | b'\r') | None => {
                    return Err(self.error_at(open, ParseProblem::UnclosedIri));
                }
                Some(b) if !iri_byte_allowed(b) => {
                    return Err(self.error_at(self.pos, ParseProblem::IriCharacter(char::from(b))));
                }
                Some(_) => self.pos += 1,
            }
        }
        // Slow path: decode escapes into the scratch buffer.
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.push_str(&self.src[start..self.pos]);
        let result = loop {
            match self.peek() {
                Some(b'>') => {
                    self.pos += 1;
                    break Ok(());
                }
                Some(b'\\') => {
                    let at = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'u') => self.uchar(4),
                        Some(b'U') => self.uchar(8),
                        _ => {
                            Err(self.error_at(at, ParseProblem::UnknownEscape(self.escaped_char())))
                        }
                    };
                    // An escape may stand for any character, even one no
                    // valid IRI has: [`Iri`] holds it and writes it escaped.
                    match c {
                        Ok(c) => buf.push(c),
                        Err(e) => break Err(e),
                    }
                }
                Some(b'\n' | b'\r') | None => {
                    break Err(self.error_at(open, ParseProblem::UnclosedIri));
                }
                Some(b) if !iri_byte_allowed(b) => {
                    break Err(self.error_at(self.pos, ParseProblem::IriCharacter(char::from(b))));
                }
                Some(_) => {
                    let from = self.pos;
                    self.pos += 1;
                    while let Some(b) = self.peek() {
                        if b == b'>' || b == b'\\' || !iri_byte_allowed(b) {
                            break;
                        }
                        self.pos += 1;
                    }
                    buf.push_str(&self.src[from..self.pos]);
                }
            }
        };
        let iri = result.and_then(|()| {
            if has_scheme(&buf) {
                Ok(Iri::trusted(Arc::from(buf.as_str())))
            } else {
                Err(self.error_at(open, ParseProblem::RelativeIri(buf.clone())))
            }
        });
        self.buf = buf;
        iri
    }

    fn finish_iri(&mut self, raw: &'a str, open: usize) -> PResult<Iri> {
        if let Some(iri) = self.iris.get(raw) {
            return Ok(iri.clone());
        }
        if !has_scheme(raw) {
            return Err(self.error_at(open, ParseProblem::RelativeIri(raw.to_owned())));
        }
        let iri = Iri::trusted_plain(Arc::from(raw));
        self.iris.insert(raw, iri.clone());
        Ok(iri)
    }

    /// The character after a backslash, for error messages.
    fn escaped_char(&self) -> char {
        self.src
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .unwrap_or(' ')
    }

    /// Reads the hex digits of `\u` or `\U` (the current byte is `u`/`U`).
    fn uchar(&mut self, digits: usize) -> PResult<char> {
        let letter = if digits == 4 { 'u' } else { 'U' };
        let at = self.pos - 1;
        let hex = self
            .src
            .get(self.pos + 1..self.pos + 1 + digits)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(hex) = hex else {
            return Err(self.error_at(at, ParseProblem::ShortUnicodeEscape(letter, digits)));
        };
        let code = u32::from_str_radix(hex, 16)
            .map_err(|_| self.error_at(at, ParseProblem::ShortUnicodeEscape(letter, digits)))?;
        let c = char::from_u32(code)
            .ok_or_else(|| self.error_at(at, ParseProblem::NotACharacter(code)))?;
        self.pos += 1 + digits;
        Ok(c)
    }

    /// Reads `_:label` (the current byte is `_`).
    fn blank_node(&mut self) -> PResult<BlankNode> {
        let at = self.pos;
        if self.peek_at(1) != Some(b':') {
            return Err(self.unexpected("\"_:\" to start a blank node"));
        }
        self.pos += 2;
        let start = self.pos;
        let rest = &self.src[start..];
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_label_start(c) => {}
            _ => return Err(self.error_at(at, ParseProblem::BlankNodeLabel)),
        }
        let mut end = rest.len();
        for (i, c) in chars {
            if c != '.' && !is_label_char(c) {
                end = i;
                break;
            }
        }
        // A label may not end with '.': leave trailing dots for the statement.
        let label = rest[..end].trim_end_matches('.');
        self.pos = start + label.len();
        if let Some(b) = self.blanks.get(label) {
            return Ok(b.clone());
        }
        let b = BlankNode::trusted(Arc::from(label));
        self.blanks.insert(label, b.clone());
        Ok(b)
    }

    /// Reads a literal (the current byte is `"`).
    fn literal(&mut self) -> PResult<Literal> {
        let open = self.pos;
        self.pos += 1;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let result = self.string_body(&mut buf, open);
        let value: Arc<str> = Arc::from(buf.as_str());
        self.buf = buf;
        result?;
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                let tag = self.language_tag()?;
                Ok(Literal::trusted(value, XSD_STRING, Some(Arc::from(tag))))
            }
            Some(b'^') => {
                if self.peek_at(1) != Some(b'^') {
                    self.pos += 1;
                    return Err(self.unexpected("'^^' and a datatype IRI"));
                }
                self.pos += 2;
                if self.peek() != Some(b'<') {
                    return Err(self.unexpected("a datatype IRI after '^^'"));
                }
                let datatype = self.iri()?;
                Ok(Literal::trusted(value, datatype, None))
            }
            _ => Ok(Literal::trusted(value, XSD_STRING, None)),
        }
    }

    /// Reads the inside of a string and its closing quote into `buf`.
    fn string_body(&mut self, buf: &mut String, open: usize) -> PResult<()> {
        loop {
            let from = self.pos;
            while let Some(b) = self.peek() {
                if matches!(b, b'"' | b'\\' | b'\n' | b'\r') {
                    break;
                }
                self.pos += 1;
            }
            buf.push_str(&self.src[from..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let at = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b't') => '\t',
                        Some(b'b') => '\u{8}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b'f') => '\u{c}',
                        Some(b'"') => '"',
                        Some(b'\'') => '\'',
                        Some(b'\\') => '\\',
                        Some(b'u') => {
                            buf.push(self.uchar(4)?);
                            continue;
                        }
                        Some(b'U') => {
                            buf.push(self.uchar(8)?);
                            continue;
                        }
                        _ => {
                            return Err(
                                self.error_at(at, ParseProblem::UnknownEscape(self.escaped_char()))
                            );
                        }
                    };
                    self.pos += 1;
                    buf.push(c);
                }
                _ => return Err(self.error_at(open, ParseProblem::UnclosedString)),
            }
        }
    }

    /// Reads a language tag after `@`.
    fn language_tag(&mut self) -> PResult<&'a str> {
        let start = self.pos;
        let src: &'a str = self.src;
        let alpha = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                p.pos += 1;
            }
            p.pos > from
        };
        if !alpha(self) {
            return Err(self.error_at(start, ParseProblem::LanguageTag));
        }
        while self.peek() == Some(b'-') {
            self.pos += 1;
            let from = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                self.pos += 1;
            }
            if self.pos == from {
                return Err(self.error_at(start, ParseProblem::LanguageTag));
            }
        }
        Ok(&src[start..self.pos])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> ParseError {
        match parse_nquads(input) {
            Ok(ds) => panic!("parsed {input:?} into {ds:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_every_kind_of_term() {
        let ds = parse_nquads(
            "# comment\n\
             <http://a/s> <http://a/p> <http://a/o> .\r\n\
             _:b0 <http://a/p> \"x\" <http://a/g> .\n\
             \t_:b.0.x\t<http://a/p>\t\"y\"@en-GB\t_:g .   # trailing\r\
             <http://a/s><http://a/p>\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>.\n\
             \n",
        )
        .expect("valid");
        assert_eq!(ds.len(), 4);
        let q = &ds.quads()[2];
        assert_eq!(q.subject.to_string(), "_:b.0.x");
        assert_eq!(q.object.to_string(), "\"y\"@en-GB");
        assert_eq!(
            q.graph.as_ref().map(ToString::to_string).as_deref(),
            Some("_:g")
        );
        assert_eq!(
            ds.quads()[3].object.to_string(),
            "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"
        );
    }

    #[test]
    fn decodes_escapes() {
        let ds = parse_nquads(
            "<urn:a\\u0062\\U00000063> <urn:p> \"\\t\\b\\n\\r\\f\\\"\\'\\\\\\u00e9\\U0001F303\" .",
        )
        .expect("valid");
        let q = &ds.quads()[0];
        assert_eq!(q.subject.to_string(), "<urn:abc>");
        let Term::Literal(l) = &q.object else {
            panic!("literal expected")
        };
        assert_eq!(l.value(), "\t\u{8}\n\r\u{c}\"'\\é🌃");
    }

    #[test]
    fn label_may_be_followed_directly_by_the_dot() {
        let ds = parse_nquads("_:a <urn:p> _:b.").expect("valid");
        assert_eq!(ds.quads()[0].object.to_string(), "_:b");
    }

    #[test]
    fn reports_line_column_and_problem() {
        let e = err("<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> <urn:o>\n");
        assert_eq!((e.line, e.column), (2, 24));
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(e.to_string().contains("'.'"), "{e}");

        let e = err("<urn:s> <urn:p> \"abc\n\" .");
        assert_eq!(e.problem, ParseProblem::UnclosedString);
        assert_eq!((e.line, e.column), (1, 17));

        assert!(matches!(
            err("<s> <urn:p> <urn:o> .").problem,
            ParseProblem::RelativeIri(_)
        ));
        assert!(matches!(
            err("<urn:s x> <urn:p> <urn:o> .").problem,
            ParseProblem::IriCharacter(' ')
        ));
        // Escaped, such characters are kept (and written escaped again).
        let odd = parse_nquads("<urn:s\\u0020\\u007b> <urn:p> <urn:o> .").expect("valid");
        assert_eq!(
            odd.quads()[0].subject,
            Subject::Iri(Iri::new("urn:s {").expect("iri"))
        );
        assert_eq!(odd.to_nquads(), "<urn:s\\u0020\\u007B> <urn:p> <urn:o> .\n");
        assert!(matches!(
            err("<urn:s> <urn:p> \"\\x\" .").problem,
            ParseProblem::UnknownEscape('x')
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> \"\\u12\" .").problem,
            ParseProblem::ShortUnicodeEscape('u', 4)
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> \"\\uD800\" .").problem,
            ParseProblem::NotACharacter(0xD800)
        ));
        assert!(matches!(
            err("_:-a <urn:p> <urn:o> .").problem,
            ParseProblem::BlankNodeLabel
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> \"a\"@en- .").problem,
            ParseProblem::LanguageTag
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> \"a\"@1 .").problem,
            ParseProblem::LanguageTag
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> <urn:o> . <urn:s> <urn:p> <urn:o> .").problem,
            ParseProblem::Unexpected { .. }
        ));
        assert!(matches!(
            err("\"s\" <urn:p> <urn:o> .").problem,
            ParseProblem::Unexpected { .. }
        ));
        assert!(matches!(
            err("<urn:s> _:p <urn:o> .").problem,
            ParseProblem::Unexpected { .. }
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> <urn:o> \"g\" .").problem,
            ParseProblem::Unexpected { .. }
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> <urn:o> <urn:g> <urn:h> .").problem,
            ParseProblem::Unexpected { .. }
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> \"a\"^<urn:t> .").problem,
            ParseProblem::Unexpected { .. }
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> <urn:o").problem,
            ParseProblem::UnclosedIri
        ));
        assert!(matches!(
            err("<urn:s> <urn:p> <urn:o> ").problem,
            ParseProblem::Unexpected {
                found: Found::EndOfInput,
                ..
            }
        ));
        assert_eq!(err("<urn:s> <urn:p> é").column, 17);
    }

    #[test]
    fn empty_and_comment_only_documents_are_empty() {
        for doc in ["", "\n\n", "# x\n  # y", "\r\n\r"] {
            assert!(parse_nquads(doc).expect("valid").is_empty(), "{doc:?}");
        }
    }
}

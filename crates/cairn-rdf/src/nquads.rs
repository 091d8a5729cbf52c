//! Writing terms and quads in canonical N-Quads form.
//!
//! The canonical form (RDF 1.2 N-Quads, as RDFC-1.0 requires): terms are
//! separated by one space, a line ends with ` .` and a line feed; IRIs are
//! written as they are (but see [`write_iri`]); in literals `"` `\` and the line-break and tab
//! controls BS, HT, LF, FF, CR are written as `\"` `\\` `\b` `\t` `\n` `\f`
//! `\r`, the other controls U+0000–U+001F and U+007F as `\u00XX` with
//! upper-case hex digits, and nothing else is escaped; the datatype
//! `xsd:string` is left out.

use crate::term::{BlankNode, Iri, Literal, Quad, Subject, Term, XSD_STRING, iri_byte_allowed};

/// Whether a byte of a literal's value needs an escape.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `value` escaped for the inside of a canonical N-Quads string.
pub(crate) fn write_escaped(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        // `i` is the index of an ASCII byte, so both slices are on char
        // boundaries.
        out.push_str(&value[start..i]);
        start = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0C => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            _ => push_uchar(out, b),
        }
    }
    out.push_str(&value[start..]);
}

/// Appends `<iri>`. Characters no valid IRI contains, but that an [`Iri`]
/// may hold (controls, space, `<>"{}|^`\`), are written as `\u00XX`, as
/// rdf-canonize writes them.
#[inline]
pub(crate) fn write_iri(out: &mut String, iri: &Iri) {
    out.push('<');
    let text = iri.as_str();
    if iri.needs_escapes() {
        let mut start = 0;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if !iri_byte_allowed(b) {
                // An ASCII byte: the slices stay on char boundaries.
                out.push_str(&text[start..i]);
                push_uchar(out, b);
                start = i + 1;
            }
        }
        out.push_str(&text[start..]);
    } else {
        out.push_str(text);
    }
    out.push('>');
}

/// Appends `\u00XX` for an ASCII byte, with upper-case hex digits.
#[inline]
fn push_uchar(out: &mut String, b: u8) {
    out.push_str("\\u00");
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 0x0F)]));
}

/// Appends a literal in canonical form.
pub(crate) fn write_literal(out: &mut String, literal: &Literal) {
    out.push('"');
    write_escaped(out, literal.value());
    out.push('"');
    if let Some(language) = literal.language() {
        out.push('@');
        out.push_str(language);
    } else if literal.datatype() != &XSD_STRING {
        out.push_str("^^");
        write_iri(out, literal.datatype());
    }
}

/// Appends one quad as a canonical N-Quads line (with its line feed),
/// calling `blank` to write each blank node in place of its label.
#[inline]
pub(crate) fn write_quad_with<F>(out: &mut String, quad: &Quad, mut blank: F)
where
    F: FnMut(&mut String, &BlankNode),
{
    match &quad.subject {
        Subject::Iri(iri) => write_iri(out, iri),
        Subject::BlankNode(b) => blank(out, b),
    }
    out.push(' ');
    write_iri(out, &quad.predicate);
    out.push(' ');
    match &quad.object {
        Term::Iri(iri) => write_iri(out, iri),
        Term::BlankNode(b) => blank(out, b),
        Term::Literal(l) => write_literal(out, l),
    }
    match &quad.graph {
        None => {}
        Some(Subject::Iri(iri)) => {
            out.push(' ');
            write_iri(out, iri);
        }
        Some(Subject::BlankNode(b)) => {
            out.push(' ');
            blank(out, b);
        }
    }
    out.push_str(" .\n");
}

/// Appends one quad as an N-Quads line with the blank nodes' own labels.
pub(crate) fn write_quad(out: &mut String, quad: &Quad) {
    write_quad_with(out, quad, |out, b| {
        out.push_str("_:");
        out.push_str(b.as_str());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        write_escaped(&mut out, s);
        out
    }

    #[test]
    fn escapes_as_canonical_n_quads_requires() {
        assert_eq!(escaped("plain ∞ 🌃"), "plain ∞ 🌃");
        assert_eq!(escaped("\"\\\n\r"), "\\\"\\\\\\n\\r");
        assert_eq!(escaped("\u{8}\t\u{c}"), "\\b\\t\\f");
        assert_eq!(
            escaped("\u{0}\u{7}\u{b}\u{e}\u{1f}\u{7f}"),
            "\\u0000\\u0007\\u000B\\u000E\\u001F\\u007F"
        );
        assert_eq!(escaped("'<>{}|^`"), "'<>{}|^`");
        assert_eq!(escaped("\u{80}\u{a0}"), "\u{80}\u{a0}");
    }
}

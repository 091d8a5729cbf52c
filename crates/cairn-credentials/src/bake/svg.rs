//! SVG baking: an `openbadges:credential` or `openbadges:assertion` element
//! as the first child of the root.
//!
//! This is a small XML scanner, not a full parser: it splits the document
//! into text, CDATA sections, comments, processing instructions, DOCTYPE
//! (with an internal subset), start tags and end tags, which is enough to
//! find the root element and the credential elements, to track namespace
//! declarations, and to copy everything else byte for byte. It does not
//! check that end tags match their start tags, nor expand entities
//! declared in a DOCTYPE. All offsets it produces are at ASCII delimiters,
//! hence at UTF-8 character boundaries; slicing still goes through
//! [`str::get`] so that a mistake is an error, never a panic.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Display;

use super::{BadgeVersion, BakeError, MAX_IMAGE_BYTES, MAX_PAYLOAD_BYTES, Payload};

/// Byte order mark, allowed before the XML declaration.
const BOM: char = '\u{feff}';

/// Most Open Badges namespace declarations that may be in scope at once;
/// bounds the memory and time a hostile document can make the scanner use
/// (each element name is looked up among them).
const MAX_SCOPES: usize = 64;

/// Longest entity or character reference name, `#x10FFFF` and a margin.
const MAX_REFERENCE: usize = 10;

fn malformed(what: impl Display, at: usize) -> BakeError {
    BakeError::MalformedSvg(format!("{what} (at byte {at})"))
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether `byte` may be part of a tag or attribute name. Deliberately
/// loose: anything but spaces and the characters that end a name.
fn is_name_byte(byte: u8) -> bool {
    !is_space(byte) && !matches!(byte, b'<' | b'>' | b'/' | b'=' | b'"' | b'\'' | b'!' | b'?')
}

/// `text[from..to]`, or an error if that is not a slice of it.
fn slice(text: &str, from: usize, to: usize) -> Result<&str, BakeError> {
    text.get(from..to)
        .ok_or_else(|| malformed("internal offset error", from))
}

/// Offset of the next `needle` at or after `from`.
fn find(text: &str, from: usize, needle: &str) -> Option<usize> {
    Some(text.get(from..)?.find(needle)? + from)
}

fn skip_spaces(text: &str, mut at: usize) -> usize {
    while text.as_bytes().get(at).copied().is_some_and(is_space) {
        at += 1;
    }
    at
}

fn name_end(text: &str, mut at: usize) -> usize {
    while text.as_bytes().get(at).copied().is_some_and(is_name_byte) {
        at += 1;
    }
    at
}

/// A start tag, borrowed from the document.
#[derive(Debug)]
struct StartTag<'a> {
    /// The whole document.
    text: &'a str,
    /// Offset of its `<`.
    start: usize,
    name: &'a str,
    /// Offset just after the name, where the attributes start.
    attrs_from: usize,
    /// Offset of the `>` or `/>` that closes it.
    close: usize,
    /// Offset just after it.
    end: usize,
    self_closing: bool,
}

impl<'a> StartTag<'a> {
    /// Its attributes as (name, raw value) pairs, values not unescaped.
    fn attrs(&self) -> Attrs<'a> {
        Attrs {
            text: self.text,
            at: self.attrs_from,
            tag: self.start,
            name: self.name,
        }
    }

    /// The raw value of the unprefixed attribute `name`.
    fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs()
            .find(|&(attr, _)| attr == name)
            .map(|(_, value)| value)
    }
}

/// What follows a tag name or an attribute.
enum TagPart<'a> {
    Attr {
        name: &'a str,
        value: &'a str,
        next: usize,
    },
    End {
        close: usize,
        self_closing: bool,
    },
}

/// Reads the attribute, or the end of the tag, at `at` in the tag `name`
/// starting at `tag`.
fn tag_part<'a>(
    text: &'a str,
    at: usize,
    tag: usize,
    name: &str,
) -> Result<TagPart<'a>, BakeError> {
    let bytes = text.as_bytes();
    let from = skip_spaces(text, at);
    match bytes.get(from) {
        None => Err(malformed(
            format_args!("the tag <{name}> is not closed"),
            tag,
        )),
        Some(b'>') => Ok(TagPart::End {
            close: from,
            self_closing: false,
        }),
        Some(b'/') if bytes.get(from + 1) == Some(&b'>') => Ok(TagPart::End {
            close: from,
            self_closing: true,
        }),
        Some(_) if from == at => Err(malformed(
            format_args!("unexpected character in the tag <{name}>"),
            from,
        )),
        Some(_) => {
            let attr_end = name_end(text, from);
            if attr_end == from {
                return Err(malformed(
                    format_args!("unexpected character in the tag <{name}>"),
                    from,
                ));
            }
            let attr = slice(text, from, attr_end)?;
            let equals = skip_spaces(text, attr_end);
            if bytes.get(equals) != Some(&b'=') {
                return Err(malformed(
                    format_args!("the attribute {attr} of <{name}> has no value"),
                    from,
                ));
            }
            let open = skip_spaces(text, equals + 1);
            let quote = match bytes.get(open) {
                Some(b'"') => "\"",
                Some(b'\'') => "'",
                _ => {
                    return Err(malformed(
                        format_args!("the value of {attr} in <{name}> is not quoted"),
                        open,
                    ));
                }
            };
            let shut = find(text, open + 1, quote).ok_or_else(|| {
                malformed(
                    format_args!("the value of {attr} in <{name}> is not closed"),
                    open,
                )
            })?;
            Ok(TagPart::Attr {
                name: attr,
                value: slice(text, open + 1, shut)?,
                next: shut + 1,
            })
        }
    }
}

/// Iterator over a start tag's attributes (already checked by the scanner).
struct Attrs<'a> {
    text: &'a str,
    at: usize,
    tag: usize,
    name: &'a str,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        match tag_part(self.text, self.at, self.tag, self.name) {
            Ok(TagPart::Attr { name, value, next }) => {
                self.at = next;
                Some((name, value))
            }
            Ok(TagPart::End { .. }) | Err(_) => None,
        }
    }
}

/// A piece of the document.
enum Token<'a> {
    /// Character data, entities not expanded.
    Text(&'a str),
    /// The content of a CDATA section.
    CData(&'a str),
    /// A comment, processing instruction or `<!…>` declaration.
    Other,
    Start(StartTag<'a>),
    End {
        start: usize,
        end: usize,
    },
}

/// Splits a document into [`Token`]s.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn next(&mut self) -> Result<Option<Token<'a>>, BakeError> {
        let text = self.text;
        let start = self.at;
        let Some(rest) = text.get(start..).filter(|rest| !rest.is_empty()) else {
            return Ok(None);
        };
        if !rest.starts_with('<') {
            let end = find(text, start, "<").unwrap_or(text.len());
            self.at = end;
            return Ok(Some(Token::Text(slice(text, start, end)?)));
        }
        let (token, end) = if rest.starts_with("<!--") {
            let close = find(text, start + 4, "-->")
                .ok_or_else(|| malformed("a comment is not closed", start))?;
            (Token::Other, close + 3)
        } else if rest.starts_with("<![CDATA[") {
            let close = find(text, start + 9, "]]>")
                .ok_or_else(|| malformed("a CDATA section is not closed", start))?;
            (Token::CData(slice(text, start + 9, close)?), close + 3)
        } else if rest.starts_with("<!") {
            (Token::Other, declaration_end(text, start)?)
        } else if rest.starts_with("<?") {
            let close = find(text, start + 2, "?>")
                .ok_or_else(|| malformed("a processing instruction is not closed", start))?;
            (Token::Other, close + 2)
        } else if rest.starts_with("</") {
            let after_name = name_end(text, start + 2);
            let close = skip_spaces(text, after_name);
            if after_name == start + 2 || text.as_bytes().get(close) != Some(&b'>') {
                return Err(malformed("an end tag is malformed", start));
            }
            (
                Token::End {
                    start,
                    end: close + 1,
                },
                close + 1,
            )
        } else {
            let tag = start_tag(text, start)?;
            let end = tag.end;
            (Token::Start(tag), end)
        };
        self.at = end;
        Ok(Some(token))
    }
}

/// Reads the start tag whose `<` is at `start`.
fn start_tag(text: &str, start: usize) -> Result<StartTag<'_>, BakeError> {
    let attrs_from = name_end(text, start + 1);
    if attrs_from == start + 1 {
        return Err(malformed("a '<' does not start a tag", start));
    }
    let name = slice(text, start + 1, attrs_from)?;
    let mut at = attrs_from;
    loop {
        match tag_part(text, at, start, name)? {
            TagPart::Attr { next, .. } => at = next,
            TagPart::End {
                close,
                self_closing,
            } => {
                let end = close + if self_closing { 2 } else { 1 };
                return Ok(StartTag {
                    text,
                    start,
                    name,
                    attrs_from,
                    close,
                    end,
                    self_closing,
                });
            }
        }
    }
}

/// End of a `<!…>` declaration such as DOCTYPE starting at `start`,
/// stepping over quoted strings and an internal subset in brackets (with
/// its comments and processing instructions).
fn declaration_end(text: &str, start: usize) -> Result<usize, BakeError> {
    let unclosed = || malformed("a <! declaration is not closed", start);
    let bytes = text.as_bytes();
    let mut at = start + 2;
    let mut in_subset = false;
    loop {
        let rest = text.get(at..).unwrap_or_default();
        match bytes.get(at) {
            None => return Err(unclosed()),
            Some(b'"') => at = find(text, at + 1, "\"").ok_or_else(unclosed)? + 1,
            Some(b'\'') => at = find(text, at + 1, "'").ok_or_else(unclosed)? + 1,
            Some(b'[') => {
                in_subset = true;
                at += 1;
            }
            Some(b']') => {
                in_subset = false;
                at += 1;
            }
            Some(b'<') if in_subset && rest.starts_with("<!--") => {
                at = find(text, at + 4, "-->").ok_or_else(unclosed)? + 3;
            }
            Some(b'<') if in_subset && rest.starts_with("<?") => {
                at = find(text, at + 2, "?>").ok_or_else(unclosed)? + 2;
            }
            Some(b'>') if !in_subset => return Ok(at + 1),
            Some(_) => at += 1,
        }
    }
}

/// The part of a tag or attribute name after its prefix.
fn local_name(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, local)| local)
}

/// A document whose root element has been found.
struct Document<'a> {
    text: &'a str,
    root: StartTag<'a>,
}

/// Finds the root element, after an optional byte order mark, XML
/// declaration, comments, processing instructions and DOCTYPE; checks that
/// it is `svg`.
fn parse_root(text: &str) -> Result<Document<'_>, BakeError> {
    let at = if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let mut scanner = Scanner { text, at };
    loop {
        match scanner.next()? {
            Some(Token::Other) => {}
            Some(Token::Text(text)) if text.bytes().all(is_space) => {}
            Some(Token::Start(root)) if local_name(root.name) == "svg" => {
                return Ok(Document { text, root });
            }
            Some(_) | None => return Err(BakeError::NotSvg),
        }
    }
}

/// Whether `text` is an SVG document (as far as its root element goes).
pub(super) fn is_svg(text: &str) -> bool {
    parse_root(text).is_ok()
}

/// A namespace prefix bound to an Open Badges namespace (`version`), or
/// rebound to another (`None`), by an element at `depth`.
struct Scope<'a> {
    depth: usize,
    prefix: &'a str,
    version: Option<BadgeVersion>,
}

/// The Open Badges namespace bindings in scope.
#[derive(Default)]
struct Scopes<'a>(Vec<Scope<'a>>);

impl<'a> Scopes<'a> {
    fn resolve(&self, prefix: &str) -> Option<BadgeVersion> {
        self.0
            .iter()
            .rev()
            .find(|scope| scope.prefix == prefix)
            .and_then(|scope| scope.version)
    }

    /// Records the bindings `tag`, at `depth`, makes or undoes.
    fn enter(&mut self, tag: &StartTag<'a>, depth: usize) -> Result<(), BakeError> {
        for (name, value) in tag.attrs() {
            let prefix = match name.strip_prefix("xmlns") {
                Some("") => "",
                Some(rest) => match rest.strip_prefix(':') {
                    Some(prefix) => prefix,
                    None => continue,
                },
                None => continue,
            };
            let version = namespace_version(&unescape(value));
            if version.is_some() || self.resolve(prefix).is_some() {
                if self.0.len() >= MAX_SCOPES {
                    return Err(malformed(
                        "too many Open Badges namespace declarations",
                        tag.start,
                    ));
                }
                self.0.push(Scope {
                    depth,
                    prefix,
                    version,
                });
            }
        }
        Ok(())
    }

    /// Drops the bindings of elements at `depth` or deeper.
    fn leave(&mut self, depth: usize) {
        while self.0.last().is_some_and(|scope| scope.depth >= depth) {
            self.0.pop();
        }
    }

    /// The version whose credential element `name` is, if any.
    fn badge(&self, name: &str) -> Option<BadgeVersion> {
        let (prefix, local) = name.split_once(':').unwrap_or(("", name));
        self.resolve(prefix)
            .filter(|version| version.svg_element() == local)
    }
}

fn namespace_version(uri: &str) -> Option<BadgeVersion> {
    [BadgeVersion::V3, BadgeVersion::V2]
        .into_iter()
        .find(|version| version.svg_namespace() == uri)
}

/// A credential element found in the document.
struct Badge<'a> {
    version: BadgeVersion,
    /// Offset of its start tag.
    start: usize,
    /// Offset just after its end tag.
    end: usize,
    /// Offsets of its content.
    inner: (usize, usize),
    /// Its raw `verify` attribute.
    verify: Option<&'a str>,
}

/// Calls `found` with each credential element inside the root, in document
/// order, while it returns `Ok(true)`. Reads the document to the end of the
/// root element unless stopped.
fn for_each_badge<'a>(
    doc: &Document<'a>,
    mut found: impl FnMut(Badge<'a>) -> Result<bool, BakeError>,
) -> Result<(), BakeError> {
    let mut scopes = Scopes::default();
    scopes.enter(&doc.root, 0)?;
    if doc.root.self_closing {
        return Ok(());
    }
    let mut scanner = Scanner {
        text: doc.text,
        at: doc.root.end,
    };
    // Number of open elements, the root included.
    let mut depth = 1;
    loop {
        let Some(token) = scanner.next()? else {
            return Err(malformed(
                format_args!("the root element <{}> is not closed", doc.root.name),
                doc.root.start,
            ));
        };
        match token {
            Token::Start(tag) => {
                scopes.enter(&tag, depth)?;
                if let Some(version) = scopes.badge(tag.name) {
                    let (inner, end) = if tag.self_closing {
                        ((tag.end, tag.end), tag.end)
                    } else {
                        let (close, end) = element_end(&mut scanner, &tag)?;
                        ((tag.end, close), end)
                    };
                    scopes.leave(depth);
                    let badge = Badge {
                        version,
                        start: tag.start,
                        end,
                        inner,
                        verify: tag.attr("verify"),
                    };
                    if !found(badge)? {
                        return Ok(());
                    }
                } else if tag.self_closing {
                    scopes.leave(depth);
                } else {
                    depth += 1;
                }
            }
            Token::End { .. } => {
                depth -= 1;
                scopes.leave(depth);
                if depth == 0 {
                    return Ok(());
                }
            }
            Token::Text(_) | Token::CData(_) | Token::Other => {}
        }
    }
}

/// Reads up to the end tag of `tag` (not self-closing); returns the offsets
/// of that end tag's start and end.
fn element_end(scanner: &mut Scanner<'_>, tag: &StartTag<'_>) -> Result<(usize, usize), BakeError> {
    let mut depth = 1_usize;
    loop {
        match scanner.next()? {
            None => {
                return Err(malformed(
                    format_args!("the element <{}> is not closed", tag.name),
                    tag.start,
                ));
            }
            Some(Token::Start(inner)) if !inner.self_closing => depth += 1,
            Some(Token::End { start, end }) => {
                depth -= 1;
                if depth == 0 {
                    return Ok((start, end));
                }
            }
            Some(_) => {}
        }
    }
}

/// Expands the predefined entities and character references; leaves any
/// other `&…;` as it is.
fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('&') {
        out.push_str(before);
        // Look for the `;` only in the next few bytes, so that a text full
        // of `&` stays linear to read.
        let semicolon = after
            .bytes()
            .take(MAX_REFERENCE + 1)
            .position(|byte| byte == b';');
        let reference = semicolon.and_then(|at| Some((after.get(..at)?, after.get(at + 1..)?)));
        match reference.and_then(|(name, tail)| Some((entity(name)?, tail))) {
            Some((expanded, tail)) => {
                out.push(expanded);
                rest = tail;
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an entity or character reference (without `&` and `;`)
/// stands for.
fn entity(name: &str) -> Option<char> {
    let code = match name {
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "amp" => return Some('&'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        _ => match name.strip_prefix("#x") {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => name.strip_prefix('#')?.parse().ok()?,
        },
    };
    char::from_u32(code).filter(|&c| c != '\0')
}

/// Appends `value` escaped for a double-quoted attribute.
fn push_attr_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Attribute value normalisation would turn these into spaces.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Appends `text` as CDATA; `]]>` cannot be inside a CDATA section, so it
/// is split between two.
fn push_cdata(out: &mut String, text: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

/// Whether XML 1.0 can carry `c` at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// The `id` of a JSON object, if it is a string.
fn json_id(json: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        id: Option<serde_json::Value>,
    }
    match serde_json::from_str::<WithId>(json).ok()?.id? {
        serde_json::Value::String(id) => Some(id),
        _ => None,
    }
}

/// The prefix to write the credential element with, and whether the root
/// must declare it: a prefix the root already binds to the namespace, else
/// `openbadges`, else `openbadges2`, `openbadges3`… whichever the root does
/// not declare.
fn choose_prefix<'a>(root: &StartTag<'a>, version: BadgeVersion) -> (Cow<'a, str>, bool) {
    let mut taken = HashSet::new();
    for (name, uri) in root.attrs() {
        let Some(prefix) = name.strip_prefix("xmlns:") else {
            continue;
        };
        if !prefix.is_empty() && unescape(uri) == version.svg_namespace() {
            return (Cow::Borrowed(prefix), false);
        }
        taken.insert(prefix);
    }
    if !taken.contains("openbadges") {
        return (Cow::Borrowed("openbadges"), true);
    }
    // At most `taken.len()` candidates are taken, so this ends soon.
    let prefix = (2_usize..)
        .map(|n| format!("openbadges{n}"))
        .find(|candidate| !taken.contains(candidate.as_str()));
    (Cow::Owned(prefix.unwrap_or_default()), true)
}

/// The credential element to insert.
fn element(prefix: &str, version: BadgeVersion, payload: &Payload, text: &str) -> String {
    let name = format!("{prefix}:{}", version.svg_element());
    let verify = match payload {
        Payload::Json(_) if version == BadgeVersion::V2 => json_id(text).map(Cow::Owned),
        Payload::Json(_) => None,
        Payload::Jws(_) | Payload::Url(_) => Some(Cow::Borrowed(text)),
    };
    let mut out = String::with_capacity(text.len() + 2 * name.len() + 64);
    out.push('<');
    out.push_str(&name);
    if let Some(verify) = verify {
        out.push_str(" verify=\"");
        push_attr_value(&mut out, &verify);
        out.push('"');
    }
    out.push('>');
    if let Payload::Json(_) = payload {
        push_cdata(&mut out, text);
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
    out
}

/// Bakes `text`, the checked text of `payload` (see [`super::bake_svg`]).
pub(super) fn bake(
    svg: &str,
    version: BadgeVersion,
    payload: &Payload,
    text: &str,
) -> Result<String, BakeError> {
    if !text.chars().all(is_xml_char) {
        return Err(BakeError::InvalidPayload(
            "the payload holds characters that XML cannot carry",
        ));
    }
    let doc = parse_root(svg)?;
    let root = &doc.root;
    let (prefix, declare) = choose_prefix(root, version);
    let element = element(&prefix, version, payload, text);

    let mut out =
        String::with_capacity(svg.len().saturating_add(element.len()).saturating_add(128));
    out.push_str(slice(svg, 0, root.close)?);
    if declare {
        out.push_str(" xmlns:");
        out.push_str(&prefix);
        out.push_str("=\"");
        out.push_str(version.svg_namespace());
        out.push('"');
    }
    out.push('>');
    out.push_str(&element);
    if root.self_closing {
        out.push_str("</");
        out.push_str(root.name);
        out.push('>');
    }
    // Copy the rest, leaving out the credential elements being replaced.
    let mut copied = root.end;
    for_each_badge(&doc, |badge| {
        if badge.version == version {
            out.push_str(slice(svg, copied, badge.start)?);
            copied = badge.end;
        }
        Ok(true)
    })?;
    out.push_str(slice(svg, copied, svg.len())?);
    if out.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    Ok(out)
}

/// Reads the baked text (see [`super::unbake`]): the 3.0 credential if
/// there is one, else the 2.0 assertion; the element's text if it has any,
/// else its `verify` attribute.
pub(super) fn unbake(svg: &str) -> Result<(BadgeVersion, String), BakeError> {
    let doc = parse_root(svg)?;
    let mut v3 = None;
    let mut v2 = None;
    for_each_badge(&doc, |badge| {
        Ok(match badge.version {
            BadgeVersion::V3 => {
                v3 = Some(badge);
                false
            }
            BadgeVersion::V2 => {
                if v2.is_none() {
                    v2 = Some(badge);
                }
                true
            }
        })
    })?;
    let badge = v3.or(v2).ok_or(BakeError::NotBaked)?;
    let content = content(svg, &badge)?;
    if !content.trim().is_empty() {
        return Ok((badge.version, content));
    }
    let verify = badge.verify.map(unescape).unwrap_or_default();
    if verify.len() > MAX_PAYLOAD_BYTES {
        return Err(BakeError::PayloadTooLarge);
    }
    if verify.trim().is_empty() {
        return Err(BakeError::UnrecognizedPayload);
    }
    Ok((badge.version, verify.into_owned()))
}

/// The text and CDATA inside a credential element, entities expanded.
fn content(svg: &str, badge: &Badge<'_>) -> Result<String, BakeError> {
    let (from, to) = badge.inner;
    let mut scanner = Scanner {
        text: svg,
        at: from,
    };
    let mut out = String::new();
    while scanner.at < to {
        match scanner.next()? {
            Some(Token::Text(text)) => out.push_str(&unescape(text)),
            Some(Token::CData(text)) => out.push_str(text),
            Some(_) => {}
            None => break,
        }
        if out.len() > MAX_PAYLOAD_BYTES {
            return Err(BakeError::PayloadTooLarge);
        }
    }
    Ok(out)
}

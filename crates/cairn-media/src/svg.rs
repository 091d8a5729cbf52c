//! Make an uploaded SVG harmless before it is stored, served or baked.
//!
//! The input is parsed with a real XML parser (`roxmltree`) and a **new**
//! document is written that holds only what an allowlist names: the drawing
//! vocabulary of SVG (shapes, text, gradients, clip paths, masks, patterns,
//! filters) and their geometry and presentation attributes. Everything else
//! is left out, and each thing left out is listed in [`Sanitized::removed`] in
//! words a person understands.
//!
//! Choices made here:
//!
//! - **No style sheets.** `<style>` elements are removed entirely. A `style`
//!   attribute is kept, but rewritten to hold only the allowed presentation
//!   properties whose values are safe (see below).
//! - **References stay inside the document.** `href` / `xlink:href` is kept
//!   only on elements that reference something (`use`, `textPath`,
//!   gradients, `pattern`, `filter`, `image`) and only as a same-document
//!   fragment (`#id`). `url(…)` in any attribute or style value must be
//!   `url(#id)`.
//! - **Embedded raster images are allowed** on `<image>` as
//!   `data:image/png;base64,…` or `data:image/jpeg;base64,…` (the payload
//!   must be base64 and start like a PNG or JPEG). Anything else on `<image>`
//!   is removed.
//! - **No animation** (`animate*`, `set`, `mpath`), no scripts, no
//!   `foreignObject`, no event attributes, no comments, no processing
//!   instructions, no DOCTYPE in the output. A document that *declares
//!   entities* is refused outright, so entity expansion attacks never reach
//!   the parser.
//! - `<a>` and `<switch>` are unwrapped: the element goes, its allowed
//!   children stay.
//! - Elements outside the SVG namespace (editor metadata such as
//!   `sodipodi:namedview`) and attributes outside the SVG, XLink and XML
//!   namespaces are removed.
//!
//! - **Limits** refuse an SVG outright: [`MAX_INPUT_BYTES`],
//!   [`MAX_ELEMENTS`], [`MAX_DEPTH`], [`MAX_DIMENSION`], and
//!   [`MAX_EXPANDED_ELEMENTS`] and [`MAX_EXPANDED_DEPTH`] (references
//!   expanded: against "use bombs" and chains that exhaust a renderer's stack);
//!   references that loop back on themselves are refused too.
//!
//! The output is idempotent: sanitizing it again changes nothing and removes
//! nothing.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use roxmltree::{Document, Node, NodeType, ParsingOptions};

/// The largest SVG accepted, in bytes (1 MiB).
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// The most elements an SVG may contain, counting ones that are removed.
pub const MAX_ELEMENTS: usize = 10_000;
/// The deepest nesting of elements accepted (the root is at depth 1).
pub const MAX_DEPTH: usize = 64;
/// The largest width, height or viewBox extent, in user units (pixels).
pub const MAX_DIMENSION: f64 = 4096.0;
/// The most elements a renderer may have to draw once every reference
/// (`<use href="#…">`, `url(#…)`) is expanded: stops "use bombs", where a few
/// elements that each reference the previous ten times multiply into billions.
pub const MAX_EXPANDED_ELEMENTS: u64 = 250_000;
/// The deepest nesting once references are expanded (a `<use>` of a `<use>`
/// of …): renderers recurse through it, so a long chain would exhaust their
/// stack (resvg overflows a 2 MB thread stack at a few hundred).
pub const MAX_EXPANDED_DEPTH: u32 = 64;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The parser's own node budget: elements plus text, comments and the like.
/// Counting is exact for elements afterwards; this only bounds memory.
const NODES_LIMIT: u32 = (MAX_ELEMENTS as u32) * 8;

/// A harmless SVG, and what had to be taken out to make it so.
#[derive(Debug, Clone, PartialEq)]
pub struct Sanitized {
    /// The rewritten document, UTF-8, without XML declaration.
    pub svg: String,
    /// What was removed, one entry per kind of thing, for people to read
    /// ("a <script> element", "the onload attribute on <svg>", …).
    pub removed: Vec<String>,
    /// The intrinsic width in pixels (from `width`, else from `viewBox`).
    pub width: f64,
    /// The intrinsic height in pixels (from `height`, else from `viewBox`).
    pub height: f64,
}

/// Why an SVG was refused. The messages are meant for the person uploading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SvgError {
    #[error("The SVG is larger than 1 MB")]
    TooLarge,
    #[error("This is a {0} image, not an SVG")]
    WrongFormat(&'static str),
    #[error("This is not an SVG image")]
    NotSvg,
    #[error("The SVG could not be read: {0}")]
    Malformed(String),
    #[error("The SVG declares entities, which are not allowed")]
    EntitiesDeclared,
    #[error("The SVG has more than 10,000 elements")]
    TooManyElements,
    #[error("The SVG is nested too deeply")]
    TooDeep,
    #[error("The SVG repeats its parts too many times to be drawn safely")]
    TooManyRepeats,
    #[error("The SVG has a part that refers to itself")]
    SelfReference,
    #[error("The SVG's {0} is not a usable size (at most 4096 pixels)")]
    BadDimension(&'static str),
    #[error("The SVG does not say how large it is: give it a viewBox or a width and height")]
    NoSize,
}

/// Parse `input`, check it against the limits, and write a harmless copy.
pub fn sanitize(input: &[u8]) -> Result<Sanitized, SvgError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(SvgError::TooLarge);
    }
    if input.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(SvgError::WrongFormat("PNG"));
    }
    if input.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err(SvgError::WrongFormat("JPEG"));
    }
    if input.starts_with(b"GIF8") {
        return Err(SvgError::WrongFormat("GIF"));
    }
    let text = std::str::from_utf8(input).map_err(|_| SvgError::NotSvg)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Refuse entity declarations before parsing: no expansion ever happens.
    if text.contains("<!ENTITY") {
        return Err(SvgError::EntitiesDeclared);
    }
    let options = ParsingOptions {
        allow_dtd: true,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => SvgError::TooManyElements,
        roxmltree::Error::EntityReferenceLoop(_) => SvgError::EntitiesDeclared,
        other => SvgError::Malformed(other.to_string()),
    })?;

    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(SvgError::NotSvg);
    }
    check_shape(&doc)?;
    check_expansion(&doc)?;
    let (width, height) = intrinsic_size(root)?;

    let mut writer = Writer::default();
    writer.out.push_str("<svg xmlns=\"");
    writer.out.push_str(SVG_NS);
    writer.out.push_str("\" xmlns:xlink=\"");
    writer.out.push_str(XLINK_NS);
    writer.out.push('"');
    writer.attributes(root);
    writer.out.push('>');
    writer.children(root);
    writer.out.push_str("</svg>");
    for node in doc.root().children() {
        match node.node_type() {
            NodeType::Comment => writer.note("a comment".to_owned()),
            NodeType::PI => writer.note("a processing instruction".to_owned()),
            _ => {}
        }
    }

    Ok(Sanitized {
        svg: writer.out,
        removed: writer.removed,
        width,
        height,
    })
}

/// Count elements and measure nesting without recursion.
fn check_shape(doc: &Document<'_>) -> Result<(), SvgError> {
    let mut depth = vec![0_usize; doc.descendants().count() + 1];
    let mut elements = 0_usize;
    for node in doc.descendants() {
        let d = node
            .parent()
            .and_then(|p| depth.get(p.id().get_usize()).copied())
            .unwrap_or(0)
            + usize::from(node.is_element());
        if let Some(slot) = depth.get_mut(node.id().get_usize()) {
            *slot = d;
        }
        if node.is_element() {
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(SvgError::TooManyElements);
            }
            if d > MAX_DEPTH {
                return Err(SvgError::TooDeep);
            }
        }
    }
    Ok(())
}

/// Weigh every element as the number of elements drawn when it is drawn:
/// itself, its children, and whatever it references by fragment. Iterative,
/// so a long chain of references cannot overflow the stack.
fn check_expansion(doc: &Document<'_>) -> Result<(), SvgError> {
    const FRESH: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;

    let mut ids: HashMap<&str, Node<'_, '_>> = HashMap::new();
    for node in doc.descendants().filter(Node::is_element) {
        if let Some(id) = node.attribute("id") {
            ids.entry(id).or_insert(node);
        }
    }
    let references = |node: Node<'_, '_>| -> Vec<usize> {
        let mut targets = Vec::new();
        for attr in node.attributes() {
            let value = attr.value();
            if attr.name() == "href"
                && let Some(target) = value.trim().strip_prefix('#').and_then(|id| ids.get(id))
            {
                targets.push(target.id().get_usize());
            }
            let mut rest = value;
            while let Some(at) = rest.find("url(#") {
                let after = rest.get(at + 5..).unwrap_or_default();
                let end = after.find(')').unwrap_or(after.len());
                if let Some(target) = after.get(..end).and_then(|id| ids.get(id.trim())) {
                    targets.push(target.id().get_usize());
                }
                rest = after.get(end..).unwrap_or_default();
            }
        }
        targets
    };
    let nodes: Vec<Node<'_, '_>> = doc.descendants().collect();
    let mut state = vec![FRESH; nodes.len()];
    let mut weight = vec![0_u64; nodes.len()];
    let mut depth = vec![0_u32; nodes.len()];
    let dependencies = |index: usize| -> Vec<usize> {
        let Some(node) = nodes.get(index) else {
            return Vec::new();
        };
        // A template's content is drawn only where it is referenced.
        let mut deps: Vec<usize> = node
            .children()
            .filter(|c| c.is_element() && !TEMPLATES.contains(&c.tag_name().name()))
            .map(|c| c.id().get_usize())
            .collect();
        deps.extend(references(*node));
        deps
    };
    let mut stack: Vec<(usize, bool)> = vec![(doc.root_element().id().get_usize(), false)];
    while let Some((index, finished)) = stack.pop() {
        if finished {
            let deps = dependencies(index);
            let total = deps.iter().fold(1_u64, |sum, d| {
                sum.saturating_add(weight.get(*d).copied().unwrap_or(0))
            });
            if total > MAX_EXPANDED_ELEMENTS {
                return Err(SvgError::TooManyRepeats);
            }
            let deepest = deps
                .iter()
                .filter_map(|d| depth.get(*d).copied())
                .max()
                .unwrap_or(0)
                + 1;
            if deepest > MAX_EXPANDED_DEPTH {
                return Err(SvgError::TooDeep);
            }
            if let Some(w) = weight.get_mut(index) {
                *w = total;
            }
            if let Some(d) = depth.get_mut(index) {
                *d = deepest;
            }
            if let Some(s) = state.get_mut(index) {
                *s = DONE;
            }
            continue;
        }
        if state.get(index) != Some(&FRESH) {
            continue;
        }
        if let Some(s) = state.get_mut(index) {
            *s = ON_PATH;
        }
        stack.push((index, true));
        for dep in dependencies(index) {
            match state.get(dep) {
                Some(&FRESH) => stack.push((dep, false)),
                Some(&ON_PATH) => return Err(SvgError::SelfReference),
                _ => {}
            }
        }
    }
    Ok(())
}

fn intrinsic_size(root: Node<'_, '_>) -> Result<(f64, f64), SvgError> {
    let view_box = match root.attribute("viewBox") {
        Some(v) => {
            let numbers = parse_number_list(v).ok_or(SvgError::BadDimension("viewBox"))?;
            let [x, y, w, h] = numbers[..] else {
                return Err(SvgError::BadDimension("viewBox"));
            };
            let extent_ok = |n: f64| n > 0.0 && n <= MAX_DIMENSION;
            let origin_ok = |n: f64| n.abs() <= MAX_DIMENSION;
            if !(extent_ok(w) && extent_ok(h) && origin_ok(x) && origin_ok(y)) {
                return Err(SvgError::BadDimension("viewBox"));
            }
            Some((w, h))
        }
        None => None,
    };
    let width = declared_length(root, "width")?;
    let height = declared_length(root, "height")?;
    let (w, h) = match (width, height, view_box) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
        (None, None, Some((vw, vh))) => (vw, vh),
        _ => return Err(SvgError::NoSize),
    };
    // A size derived from the viewBox's aspect ratio must fit too.
    if !(w.is_finite() && w > 0.0 && w <= MAX_DIMENSION) {
        return Err(SvgError::BadDimension("width"));
    }
    if !(h.is_finite() && h > 0.0 && h <= MAX_DIMENSION) {
        return Err(SvgError::BadDimension("height"));
    }
    Ok((w, h))
}

/// A `width` or `height` on the root, in pixels; `None` when absent or a
/// percentage (then the viewBox decides).
fn declared_length(root: Node<'_, '_>, name: &'static str) -> Result<Option<f64>, SvgError> {
    let Some(raw) = root.attribute(name) else {
        return Ok(None);
    };
    let raw = raw.trim();
    if raw.ends_with('%') {
        return Ok(None);
    }
    let split = raw
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let factor = match unit {
        "" | "px" => 1.0,
        "in" => 96.0,
        "cm" => 96.0 / 2.54,
        "mm" => 96.0 / 25.4,
        "pt" => 4.0 / 3.0,
        "pc" => 16.0,
        "em" => 16.0,
        "ex" => 8.0,
        _ => return Err(SvgError::BadDimension(name)),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| SvgError::BadDimension(name))?;
    let px = value * factor;
    if !(px.is_finite() && px > 0.0 && px <= MAX_DIMENSION) {
        return Err(SvgError::BadDimension(name));
    }
    Ok(Some(px))
}

fn parse_number_list(s: &str) -> Option<Vec<f64>> {
    s.split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect()
}

/// Elements kept, with their allowed children.
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "pattern",
    "marker",
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
    "title",
    "desc",
    "image",
];

/// Elements whose content is drawn only where something references them.
const TEMPLATES: &[&str] = &[
    "defs",
    "symbol",
    "clipPath",
    "mask",
    "pattern",
    "marker",
    "linearGradient",
    "radialGradient",
    "filter",
];

/// Elements removed but whose allowed children are kept.
const UNWRAPPED: &[&str] = &["a", "switch"];

/// Elements whose text content is kept.
const TEXT_ELEMENTS: &[&str] = &["text", "tspan", "textPath", "title", "desc"];

/// Elements on which a same-document `href` is meaningful.
const HREF_ELEMENTS: &[&str] = &[
    "use",
    "textPath",
    "linearGradient",
    "radialGradient",
    "pattern",
    "filter",
    "image",
];

/// Presentation properties: allowed as attributes and inside `style`.
const PRESENTATION: &[&str] = &[
    "alignment-baseline",
    "baseline-shift",
    "clip-path",
    "clip-rule",
    "color",
    "color-interpolation",
    "color-interpolation-filters",
    "direction",
    "display",
    "dominant-baseline",
    "fill",
    "fill-opacity",
    "fill-rule",
    "filter",
    "flood-color",
    "flood-opacity",
    "font",
    "font-family",
    "font-size",
    "font-size-adjust",
    "font-stretch",
    "font-style",
    "font-variant",
    "font-weight",
    "image-rendering",
    "isolation",
    "letter-spacing",
    "lighting-color",
    "marker",
    "marker-end",
    "marker-mid",
    "marker-start",
    "mask",
    "mix-blend-mode",
    "opacity",
    "overflow",
    "paint-order",
    "shape-rendering",
    "stop-color",
    "stop-opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "text-decoration",
    "text-rendering",
    "transform",
    "unicode-bidi",
    "vector-effect",
    "visibility",
    "word-spacing",
    "writing-mode",
];

/// Geometry and structural attributes (no namespace).
const ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "lang",
    "version",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "fr",
    "d",
    "points",
    "width",
    "height",
    "viewBox",
    "preserveAspectRatio",
    "pathLength",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "offset",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "filterUnits",
    "primitiveUnits",
    "markerUnits",
    "markerWidth",
    "markerHeight",
    "refX",
    "refY",
    "orient",
    "in",
    "in2",
    "result",
    "stdDeviation",
    "dx",
    "dy",
    "mode",
    "operator",
    "k1",
    "k2",
    "k3",
    "k4",
    "values",
    "type",
    "tableValues",
    "slope",
    "intercept",
    "amplitude",
    "exponent",
    "order",
    "kernelMatrix",
    "divisor",
    "bias",
    "targetX",
    "targetY",
    "edgeMode",
    "preserveAlpha",
    "scale",
    "xChannelSelector",
    "yChannelSelector",
    "radius",
    "baseFrequency",
    "numOctaves",
    "seed",
    "stitchTiles",
    "surfaceScale",
    "diffuseConstant",
    "specularConstant",
    "specularExponent",
    "kernelUnitLength",
    "azimuth",
    "elevation",
    "pointsAtX",
    "pointsAtY",
    "pointsAtZ",
    "limitingConeAngle",
    "startOffset",
    "method",
    "spacing",
    "side",
    "textLength",
    "lengthAdjust",
    "rotate",
];

#[derive(Default)]
struct Writer {
    out: String,
    removed: Vec<String>,
    seen: BTreeSet<String>,
}

impl Writer {
    fn note(&mut self, what: String) {
        if self.seen.insert(what.clone()) {
            self.removed.push(what);
        }
    }

    fn children(&mut self, parent: Node<'_, '_>) {
        let keeps_text = TEXT_ELEMENTS.contains(&parent.tag_name().name());
        for child in parent.children() {
            match child.node_type() {
                NodeType::Element => self.element(child),
                NodeType::Text => {
                    let text = child.text().unwrap_or_default();
                    if keeps_text {
                        escape_into(&mut self.out, text, false);
                    } else if !text.trim().is_empty() {
                        let name = parent.tag_name().name().to_owned();
                        self.note(format!("text outside a text element, in <{name}>"));
                    }
                }
                NodeType::Comment => self.note("a comment".to_owned()),
                NodeType::PI => self.note("a processing instruction".to_owned()),
                NodeType::Root => {}
            }
        }
    }

    fn element(&mut self, node: Node<'_, '_>) {
        let tag = node.tag_name();
        let name = tag.name();
        if tag.namespace() != Some(SVG_NS) {
            let shown = display_name(node);
            self.note(format!("{} <{shown}> element", article(&shown)));
            return;
        }
        if UNWRAPPED.contains(&name) {
            self.note(format!(
                "{} <{name}> element (its content is kept)",
                article(name)
            ));
            self.children(node);
            return;
        }
        if !ELEMENTS.contains(&name) {
            let why = if name.starts_with("animate") || name == "set" || name == "mpath" {
                " (animation)"
            } else if name == "style" {
                " (style sheets are not allowed)"
            } else {
                ""
            };
            self.note(format!("{} <{name}> element{why}", article(name)));
            return;
        }
        self.out.push('<');
        self.out.push_str(name);
        self.attributes(node);
        if node.has_children() && (node.children().any(|c| c.is_element()) || keeps_text(node)) {
            self.out.push('>');
            self.children(node);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        } else {
            self.children(node);
            self.out.push_str("/>");
        }
    }

    fn attributes(&mut self, node: Node<'_, '_>) {
        let element = node.tag_name().name();
        for attr in node.attributes() {
            let local = attr.name();
            let value = attr.value();
            let qualified = match attr.namespace() {
                None => local.to_owned(),
                Some(XLINK_NS) => format!("xlink:{local}"),
                Some(XML_NS) => format!("xml:{local}"),
                Some(_) => {
                    let prefix = node
                        .lookup_prefix(attr.namespace().unwrap_or_default())
                        .unwrap_or("?");
                    format!("{prefix}:{local}")
                }
            };
            let is_href = local == "href" && matches!(attr.namespace(), None | Some(XLINK_NS));
            if is_href {
                if !HREF_ELEMENTS.contains(&element) {
                    self.note(format!("the {qualified} attribute on <{element}>"));
                } else if let Some(safe) = safe_href(element, value) {
                    self.write_attribute(&qualified, &safe);
                } else {
                    self.note(format!("an external link to {}", shorten(value)));
                }
                continue;
            }
            let allowed = match attr.namespace() {
                None => {
                    ATTRIBUTES.contains(&local) || PRESENTATION.contains(&local) || local == "style"
                }
                Some(XML_NS) => local == "space" || local == "lang",
                Some(_) => false,
            };
            if !allowed {
                let why = if local.to_ascii_lowercase().starts_with("on") {
                    ""
                } else {
                    " (not allowed)"
                };
                self.note(format!("the {qualified} attribute on <{element}>{why}"));
                continue;
            }
            if local == "style" && attr.namespace().is_none() {
                let kept = self.style(element, value);
                if !kept.is_empty() {
                    self.write_attribute("style", &kept);
                }
                continue;
            }
            if safe_value(value) {
                self.write_attribute(&qualified, value);
            } else {
                self.note(format!(
                    "the {qualified} attribute on <{element}> (it referred outside the image)"
                ));
            }
        }
    }

    /// Keep the safe presentation declarations of a `style` attribute.
    fn style(&mut self, element: &str, style: &str) -> String {
        let mut kept = String::new();
        for declaration in style.split(';') {
            let declaration = declaration.trim();
            if declaration.is_empty() {
                continue;
            }
            let Some((property, value)) = declaration.split_once(':') else {
                self.note(format!("an unreadable style declaration on <{element}>"));
                continue;
            };
            let property = property.trim().to_ascii_lowercase();
            let value = value.trim();
            if PRESENTATION.contains(&property.as_str()) && !value.is_empty() && safe_value(value) {
                if !kept.is_empty() {
                    kept.push(';');
                }
                let _ = write!(kept, "{property}:{value}");
            } else {
                self.note(format!(
                    "the CSS property {} in a style attribute on <{element}>",
                    shorten(&property)
                ));
            }
        }
        kept
    }

    fn write_attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value, true);
        self.out.push('"');
    }
}

fn keeps_text(node: Node<'_, '_>) -> bool {
    TEXT_ELEMENTS.contains(&node.tag_name().name()) && node.children().any(|c| c.is_text())
}

fn display_name(node: Node<'_, '_>) -> String {
    let tag = node.tag_name();
    match tag.namespace().and_then(|ns| node.lookup_prefix(ns)) {
        Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", tag.name()),
        _ => tag.name().to_owned(),
    }
}

fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// At most 80 characters of something untrusted, for a message.
fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 80 {
        s.to_owned()
    } else {
        let mut short: String = s.chars().take(80).collect();
        short.push('…');
        short
    }
}

/// A same-document fragment, or on `<image>` an embedded PNG or JPEG.
fn safe_href(element: &str, value: &str) -> Option<String> {
    let value = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if let Some(id) = value.strip_prefix('#') {
        return is_id(id).then(|| value.to_owned());
    }
    if element != "image" {
        return None;
    }
    let (prefix, magic) = if value.len() > 22
        && value
            .get(..22)
            .is_some_and(|p| p.eq_ignore_ascii_case("data:image/png;base64,"))
    {
        ("data:image/png;base64,", "iVBORw0KGgo")
    } else if value
        .get(..23)
        .is_some_and(|p| p.eq_ignore_ascii_case("data:image/jpeg;base64,"))
    {
        ("data:image/jpeg;base64,", "/9j/")
    } else {
        return None;
    };
    let payload: String = value
        .get(prefix.len()..)?
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let base64 = payload
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='));
    (base64 && payload.starts_with(magic)).then(|| format!("{prefix}{payload}"))
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// A value is safe when every `url(…)` in it is `url(#id)` and it holds none
/// of the CSS tricks that could hide one (escapes, comments, at-rules).
fn safe_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if ["\\", "/*", "@", "expression", "javascript", "<", "{", "}"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return false;
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url") {
        let after = rest.get(at + 3..).unwrap_or_default();
        let after = after.trim_start();
        let Some(inner) = after.strip_prefix('(') else {
            rest = rest.get(at + 3..).unwrap_or_default();
            continue;
        };
        let Some(close) = inner.find(')') else {
            return false;
        };
        let target = inner.get(..close).unwrap_or_default();
        match target.strip_prefix('#') {
            Some(id) if is_id(id) => {}
            _ => return false,
        }
        rest = inner.get(close..).unwrap_or_default();
    }
    true
}

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

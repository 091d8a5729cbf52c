//! Attacks on the SVG sanitizer: each must come out harmless or be refused.

use cairn_media::svg::{SvgError, sanitize};
use proptest::prelude::*;

const NS: &str = r#"xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink""#;

fn wrap(body: &str) -> String {
    format!(r#"<svg {NS} width="100" height="100">{body}</svg>"#)
}

/// Nothing that could run, load or reach outside the image remains.
fn assert_harmless(svg: &str) {
    // Markup: text content has `<` escaped, so these can only be markup.
    let lower = svg.to_ascii_lowercase();
    for bad in [
        "<script",
        "<foreignobject",
        "<iframe",
        "<embed",
        "<object",
        "<style",
        "<!entity",
        "<!doctype",
        "<!--",
        "<?",
        "<animate",
        "<set",
        "<audio",
        "<video",
        "<a ",
        "<a>",
    ] {
        assert!(!lower.contains(bad), "{bad:?} survived in {svg}");
    }
    let doc = roxmltree::Document::parse(svg).expect("output is well-formed");
    for node in doc.descendants().filter(|n| n.is_element()) {
        assert_eq!(
            node.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        for attr in node.attributes() {
            let name = attr.name().to_ascii_lowercase();
            let value = attr.value().to_ascii_lowercase();
            assert!(
                !name.starts_with("on"),
                "event attribute {name} survived in {svg}"
            );
            for bad in [
                "javascript",
                "url(http",
                "url(//",
                "url(data",
                "@import",
                "expression(",
            ] {
                assert!(!value.contains(bad), "{bad:?} survived in {svg}");
            }
            if name == "href" {
                assert!(
                    value.starts_with('#')
                        || value.starts_with("data:image/png;base64,")
                        || value.starts_with("data:image/jpeg;base64,"),
                    "href {value:?} survived"
                );
            }
        }
    }
}

fn clean(input: &str) -> cairn_media::svg::Sanitized {
    match sanitize(input.as_bytes()) {
        Ok(s) => {
            assert_harmless(&s.svg);
            // Idempotent: a second pass removes nothing.
            let again = sanitize(s.svg.as_bytes()).expect("output is accepted again");
            assert!(
                again.removed.is_empty(),
                "second pass removed {:?}",
                again.removed
            );
            s
        }
        Err(e) => panic!("refused {input}: {e}"),
    }
}

fn removed_mentions(s: &cairn_media::svg::Sanitized, needle: &str) -> bool {
    s.removed.iter().any(|r| r.contains(needle))
}

#[test]
fn script_elements_in_any_case_are_removed() {
    let s = clean(&wrap(
        r#"<script>alert(1)</script><SCRIPT>alert(2)</SCRIPT><ScRiPt xlink:href="https://evil/x.js"/><rect width="5" height="5"/>"#,
    ));
    assert!(s.svg.contains("<rect"));
    assert!(removed_mentions(&s, "a <script> element"));
    assert!(removed_mentions(&s, "<SCRIPT>"));
}

#[test]
fn script_in_another_namespace_is_removed() {
    let s = clean(&wrap(
        r#"<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>"#,
    ));
    assert!(removed_mentions(&s, "<h:script>"));
}

#[test]
fn event_attributes_are_removed() {
    let input = format!(
        r#"<svg {NS} width="10" height="10" onload="alert(1)" ONLOAD="x"><rect onclick="alert(2)" onmouseover="x" width="1" height="1"/><g onfocusin="y"/></svg>"#
    );
    let s = clean(&input);
    assert!(removed_mentions(&s, "the onload attribute on <svg>"));
    assert!(removed_mentions(&s, "the onclick attribute on <rect>"));
    assert!(s.svg.contains(r#"<rect width="1" height="1"/>"#));
}

#[test]
fn javascript_links_in_every_disguise_are_removed() {
    for href in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript&#58;alert(1)",
        "java&#x09;script:alert(1)",
        "  javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "jav\tascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
    ] {
        for attr in ["href", "xlink:href"] {
            let s = clean(&wrap(&format!(
                r#"<a {attr}="{href}"><text x="1" y="1">click</text></a><use {attr}="{href}"/><image {attr}="{href}" width="1" height="1"/>"#
            )));
            assert!(s.svg.contains(">click</text>"), "{}", s.svg);
            assert!(removed_mentions(&s, "an external link"), "{:?}", s.removed);
        }
    }
}

#[test]
fn external_use_and_image_are_removed() {
    let s = clean(&wrap(
        r#"<use href="https://evil/x.svg#a"/><image href="http://evil/x.png" width="5" height="5"/><image xlink:href="//evil/x.png"/><use xlink:href="x.svg#a"/>"#,
    ));
    assert!(removed_mentions(
        &s,
        "an external link to https://evil/x.svg#a"
    ));
    assert!(removed_mentions(
        &s,
        "an external link to http://evil/x.png"
    ));
    assert!(s.svg.contains("<use/>"));
}

#[test]
fn fragment_links_and_embedded_png_are_kept() {
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let s = clean(&wrap(&format!(
        r##"<defs><circle id="dot" r="2"/></defs><use href="#dot"/><use xlink:href="#dot"/><image href="{png}" width="1" height="1"/>"##
    )));
    assert!(s.removed.is_empty(), "{:?}", s.removed);
    assert!(s.svg.contains(r##"<use href="#dot"/>"##));
    assert!(s.svg.contains(r##"<use xlink:href="#dot"/>"##));
    assert!(s.svg.contains(png));
}

#[test]
fn image_whose_payload_is_not_a_png_is_removed() {
    let s = clean(&wrap(
        r#"<image href="data:image/png;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" width="1" height="1"/>"#,
    ));
    assert!(removed_mentions(&s, "an external link"));
}

#[test]
fn style_sheets_are_removed() {
    let s = clean(&wrap(
        r#"<style>@import url(//evil/x.css); rect { fill: url(http://evil/x) }</style><style><![CDATA[ * { background: url(javascript:alert(1)) } ]]></style><rect width="1" height="1"/>"#,
    ));
    assert!(removed_mentions(&s, "a <style> element"));
}

#[test]
fn style_attributes_keep_only_safe_presentation() {
    let s = clean(&wrap(
        r##"<rect width="1" height="1" style="fill:#f00; background:url(javascript:alert(1)); stroke:url(http://evil/p); behavior:url(x.htc); width:expression(alert(1)); opacity:0.5; filter:url(#blur); fill-opacity:\75 rl(x)"/>"##,
    ));
    assert!(
        s.svg
            .contains(r##"style="fill:#f00;opacity:0.5;filter:url(#blur)""##),
        "{}",
        s.svg
    );
    assert!(removed_mentions(&s, "the CSS property background"));
    assert!(removed_mentions(&s, "the CSS property stroke"));
}

#[test]
fn external_paint_servers_and_filters_are_removed() {
    let s = clean(&wrap(
        r##"<rect width="1" height="1" fill="url(http://evil/g.svg#g)" stroke="url( 'https://evil' )" filter="url(//evil/f)" clip-path="url(#c)" mask="url(#m)"/>"##,
    ));
    assert!(s.svg.contains(r##"clip-path="url(#c)""##));
    assert!(s.svg.contains(r##"mask="url(#m)""##));
    assert!(removed_mentions(&s, "the fill attribute on <rect>"));
    assert!(removed_mentions(&s, "the filter attribute on <rect>"));
}

#[test]
fn foreign_object_with_iframe_is_removed() {
    let s = clean(&wrap(
        r#"<foreignObject width="100" height="100"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil"/><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/></foreignObject><iframe src="javascript:alert(1)"/><embed src="https://evil"/><object data="https://evil"/><audio src="x"/><video src="x"/>"#,
    ));
    assert!(removed_mentions(&s, "a <foreignObject> element"));
    assert!(removed_mentions(&s, "an <iframe> element"));
    assert!(removed_mentions(&s, "an <embed> element"));
}

#[test]
fn animation_is_removed() {
    let s = clean(&wrap(
        r##"<a><animate attributeName="href" values="javascript:alert(1)"/><text x="0" y="10">x</text></a><set attributeName="onmouseover" to="alert(1)"/><rect width="1" height="1"><animateTransform attributeName="transform" type="rotate" from="0" to="90" dur="1s"/></rect>"##,
    ));
    assert!(removed_mentions(&s, "an <animate> element (animation)"));
    assert!(removed_mentions(&s, "a <set> element (animation)"));
    assert!(s.svg.contains("<rect"));
}

#[test]
fn comments_processing_instructions_and_editor_metadata_are_removed() {
    let input = format!(
        r#"<?xml version="1.0"?><?xml-stylesheet href="https://evil/x.css"?><!-- hi --><svg {NS} xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" width="10" height="10" sodipodi:docname="x.svg"><!-- inside --><sodipodi:namedview/><rect width="1" height="1"/></svg>"#
    );
    let s = clean(&input);
    assert!(removed_mentions(&s, "a comment"));
    assert!(removed_mentions(&s, "a processing instruction"));
    assert!(removed_mentions(&s, "<sodipodi:namedview>"));
    assert!(removed_mentions(&s, "sodipodi:docname"));
}

#[test]
fn cdata_outside_text_is_dropped_and_inside_text_is_escaped() {
    let s = clean(&wrap(
        r#"<g><![CDATA[<script>alert(1)</script>]]></g><text x="0" y="9"><![CDATA[<b>&x]]></text>"#,
    ));
    assert!(s.svg.contains("&lt;b&gt;&amp;x</text>"), "{}", s.svg);
    assert!(removed_mentions(&s, "text outside a text element"));
}

#[test]
fn entity_declarations_are_refused() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&lol3;</text></svg>"#;
    assert_eq!(
        sanitize(billion_laughs.as_bytes()),
        Err(SvgError::EntitiesDeclared)
    );
    let external = r#"<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&xxe;</text></svg>"#;
    assert_eq!(
        sanitize(external.as_bytes()),
        Err(SvgError::EntitiesDeclared)
    );
}

#[test]
fn a_plain_doctype_is_dropped() {
    let input = format!(
        r#"<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg {NS} width="1" height="1"/>"#
    );
    let s = clean(&input);
    assert!(!s.svg.contains("DOCTYPE"));
}

#[test]
fn deep_nesting_is_refused() {
    let deep = |n: usize| {
        format!(
            "<svg {NS} width=\"1\" height=\"1\">{}{}</svg>",
            "<g>".repeat(n),
            "</g>".repeat(n)
        )
    };
    assert!(sanitize(deep(62).as_bytes()).is_ok());
    assert_eq!(sanitize(deep(64).as_bytes()), Err(SvgError::TooDeep));
    let refused = sanitize(deep(100_000).as_bytes());
    assert!(
        matches!(refused, Err(SvgError::TooManyElements | SvgError::TooDeep)),
        "{refused:?}"
    );
}

#[test]
fn too_many_elements_are_refused() {
    let many = wrap(&"<g/>".repeat(10_001));
    assert_eq!(sanitize(many.as_bytes()), Err(SvgError::TooManyElements));
    let fine = wrap(&"<g/>".repeat(9_000));
    assert!(sanitize(fine.as_bytes()).is_ok());
}

#[test]
fn size_limits_are_enforced() {
    let big = wrap(&" ".repeat(1024 * 1024));
    assert_eq!(sanitize(big.as_bytes()), Err(SvgError::TooLarge));
    for root in [
        r#"viewBox="0 0 1000000 1000000""#,
        r#"viewBox="0 0 1e308 1e308""#,
        r#"viewBox="0 0 NaN 10""#,
        r#"viewBox="0 0 -10 10""#,
        r#"viewBox="0 0 10""#,
        r#"width="100000" height="10""#,
        r#"width="10" height="5000px""#,
        r#"width="100in" height="10""#,
        r#"width="inf" height="10""#,
        r#"width="4096" viewBox="0 0 1 4096""#,
        r#"height="4000" viewBox="0 0 4000 1""#,
    ] {
        let input = format!("<svg {NS} {root}/>");
        assert!(
            matches!(sanitize(input.as_bytes()), Err(SvgError::BadDimension(_))),
            "{root}"
        );
    }
    let no_size = format!("<svg {NS}/>");
    assert_eq!(sanitize(no_size.as_bytes()), Err(SvgError::NoSize));
}

#[test]
fn intrinsic_size_comes_from_width_height_or_viewbox() {
    let both = sanitize(format!(r#"<svg {NS} width="200" height="100px"/>"#).as_bytes());
    let both = both.expect("accepted");
    assert_eq!((both.width, both.height), (200.0, 100.0));
    let vb = sanitize(format!(r#"<svg {NS} viewBox="0 0 300 150"/>"#).as_bytes());
    let vb = vb.expect("accepted");
    assert_eq!((vb.width, vb.height), (300.0, 150.0));
    let half = sanitize(format!(r#"<svg {NS} width="600" viewBox="0 0 300 150"/>"#).as_bytes());
    let half = half.expect("accepted");
    assert_eq!((half.width, half.height), (600.0, 300.0));
}

#[test]
fn non_svg_documents_are_refused() {
    for doc in [
        r#"<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>"#,
        "<svg width=\"1\" height=\"1\"/>",
        r#"<x:svg xmlns:x="urn:not-svg" width="1" height="1"/>"#,
        "",
        "just text",
    ] {
        let result = sanitize(doc.as_bytes());
        assert!(
            matches!(result, Err(SvgError::NotSvg | SvgError::Malformed(_))),
            "{doc}: {result:?}"
        );
    }
    assert_eq!(sanitize(&[0xff, 0xfe, 0x00]), Err(SvgError::NotSvg));
    let malformed = sanitize(format!("<svg {NS}><g></svg>").as_bytes());
    assert!(matches!(malformed, Err(SvgError::Malformed(_))));
}

#[test]
fn a_png_renamed_svg_is_refused() {
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let err = sanitize(png).expect_err("refused");
    assert_eq!(err, SvgError::WrongFormat("PNG"));
    assert_eq!(err.to_string(), "This is a PNG image, not an SVG");
}

#[test]
fn errors_read_well() {
    assert_eq!(SvgError::NotSvg.to_string(), "This is not an SVG image");
    assert_eq!(
        SvgError::TooLarge.to_string(),
        "The SVG is larger than 1 MB"
    );
    assert_eq!(
        SvgError::EntitiesDeclared.to_string(),
        "The SVG declares entities, which are not allowed"
    );
    assert!(
        SvgError::TooDeep
            .to_string()
            .starts_with("The SVG is nested too deeply")
    );
}

const BADGE: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="240" height="280" viewBox="0 0 240 280">
  <title>Data Literacy — Level 1</title>
  <desc>Awarded for completing the data literacy pathway.</desc>
  <defs>
    <linearGradient id="shield" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2b6cb0"/>
      <stop offset="1" stop-color="#1a365d"/>
    </linearGradient>
    <radialGradient id="shine" cx="0.3" cy="0.2" r="0.8">
      <stop offset="0" stop-color="#ffffff" stop-opacity="0.35"/>
      <stop offset="1" stop-color="#ffffff" stop-opacity="0"/>
    </radialGradient>
    <filter id="shadow" x="-10%" y="-10%" width="120%" height="130%">
      <feGaussianBlur in="SourceAlpha" stdDeviation="3"/>
      <feOffset dx="0" dy="3" result="blur"/>
      <feMerge><feMergeNode in="blur"/><feMergeNode in="SourceGraphic"/></feMerge>
    </filter>
    <clipPath id="clip"><rect x="0" y="0" width="240" height="280" rx="12"/></clipPath>
  </defs>
  <g clip-path="url(#clip)" filter="url(#shadow)">
    <path id="outline" d="M120 10 L220 50 V140 C220 200 175 245 120 270 C65 245 20 200 20 140 V50 Z" fill="url(#shield)" stroke="#f6e05e" stroke-width="6" stroke-linejoin="round"/>
    <path d="M120 10 L220 50 V140 C220 200 175 245 120 270 Z" fill="url(#shine)"/>
    <circle cx="120" cy="110" r="36" fill="none" stroke="#f6e05e" stroke-width="4"/>
    <polygon points="120,86 127,104 146,104 131,115 136,133 120,122 104,133 109,115 94,104 113,104" fill="#f6e05e"/>
    <text x="120" y="190" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="22" font-weight="bold" fill="#ffffff">DATA <tspan fill="#f6e05e">LITERACY</tspan></text>
    <text x="120" y="220" text-anchor="middle" font-family="DejaVu Sans" font-size="14" fill="#e2e8f0" style="letter-spacing:2px">LEVEL 1</text>
    <use href="#outline" fill="none" stroke="#000" stroke-opacity="0.1" transform="translate(0 2)"/>
  </g>
</svg>
"##;

/// Every element (name) and its attributes (name, value), in document order.
fn shape(svg: &str) -> Vec<(String, Vec<(String, String)>)> {
    // A tiny reader for the test, independent of the sanitizer's writer.
    let doc = roxmltree::Document::parse(svg).expect("parses");
    doc.descendants()
        .filter(|n| n.is_element())
        .map(|n| {
            let attrs = n
                .attributes()
                .map(|a| (a.name().to_owned(), a.value().to_owned()))
                .collect();
            (n.tag_name().name().to_owned(), attrs)
        })
        .collect()
}

#[test]
fn a_realistic_badge_survives_unchanged_in_meaning() {
    let s = sanitize(BADGE.as_bytes()).expect("accepted");
    assert!(s.removed.is_empty(), "{:?}", s.removed);
    assert_eq!((s.width, s.height), (240.0, 280.0));
    assert_eq!(shape(BADGE), shape(&s.svg));
    assert!(s.svg.contains("Data Literacy — Level 1"));
    assert!(s.svg.contains(">DATA <tspan"));
    let again = sanitize(s.svg.as_bytes()).expect("accepted");
    assert_eq!(again.svg, s.svg);
}

fn arbitrary_mutation() -> impl Strategy<Value = Vec<u8>> {
    let edits = prop::collection::vec((any::<usize>(), 0_u8..3, any::<u8>(), 0_usize..8), 1..4);
    let pieces = prop::sample::select(vec![
        "<",
        ">",
        "/",
        "\"",
        "'",
        "&",
        ";",
        "#",
        ":",
        "=",
        "<!ENTITY",
        "<![CDATA[",
        "]]>",
        "url(",
        "href",
        "on",
        "<script>",
        "</g>",
        "<g>",
        "&#58;",
        "&amp;",
        " ",
        "-->",
        "<!--",
    ]);
    (edits, prop::collection::vec(pieces, 8)).prop_map(|(edits, pieces)| {
        let mut bytes = BADGE.as_bytes().to_vec();
        for (i, (at, kind, byte, piece)) in edits.into_iter().enumerate() {
            let at = at % (bytes.len() + 1);
            match kind {
                0 => {
                    if at < bytes.len() {
                        bytes.remove(at);
                    }
                }
                1 => bytes.insert(at, byte),
                _ => {
                    let piece = pieces
                        .get((piece + i) % pieces.len())
                        .copied()
                        .unwrap_or("<");
                    for (k, b) in piece.bytes().enumerate() {
                        bytes.insert(at + k, b);
                    }
                }
            }
        }
        bytes
    })
}

fn check_idempotent(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(s) = sanitize(bytes) {
        assert_harmless(&s.svg);
        let again = sanitize(s.svg.as_bytes());
        prop_assert!(again.is_ok(), "output refused: {again:?}\n{}", s.svg);
        if let Ok(again) = again {
            prop_assert!(again.removed.is_empty(), "removed {:?}", again.removed);
            prop_assert_eq!((again.width, again.height), (s.width, s.height));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_idempotent(&bytes)?;
    }

    #[test]
    fn arbitrary_text_after_a_valid_prefix_never_panics(tail in ".{0,400}") {
        let input = format!("<svg {NS} width=\"10\" height=\"10\">{tail}</svg>");
        check_idempotent(input.as_bytes())?;
    }

    #[test]
    fn mutations_of_a_valid_badge_never_panic(bytes in arbitrary_mutation()) {
        check_idempotent(&bytes)?;
    }
}

#[test]
fn use_bombs_are_refused() {
    let mut body = String::from(r#"<defs><path id="l0" d="M0 0h1"/>"#);
    for level in 1..=9 {
        let prev = level - 1;
        body.push_str(&format!(r#"<g id="l{level}">"#));
        for _ in 0..10 {
            body.push_str(&format!(r##"<use href="#l{prev}"/>"##));
        }
        body.push_str("</g>");
    }
    body.push_str(r##"</defs><use href="#l9"/>"##);
    assert_eq!(
        sanitize(wrap(&body).as_bytes()),
        Err(SvgError::TooManyRepeats)
    );
}

#[test]
fn references_in_a_loop_are_refused() {
    let looped = wrap(r##"<g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g>"##);
    assert_eq!(sanitize(looped.as_bytes()), Err(SvgError::SelfReference));
    let own = wrap(r##"<g id="a"><use href="#a"/></g>"##);
    assert_eq!(sanitize(own.as_bytes()), Err(SvgError::SelfReference));
    let through_url = wrap(
        r##"<clipPath id="c"><rect width="1" height="1" clip-path="url(#c)"/></clipPath><g clip-path="url(#c)"/>"##,
    );
    assert_eq!(
        sanitize(through_url.as_bytes()),
        Err(SvgError::SelfReference)
    );
}

#[test]
fn a_long_chain_of_references_is_refused_without_overflow() {
    let chain = |n: usize| {
        let mut body = String::from(r#"<defs><rect id="r0" width="1" height="1"/>"#);
        for i in 1..n {
            body.push_str(&format!(r##"<use id="r{i}" href="#r{}"/>"##, i - 1));
        }
        body.push_str(&format!(r##"</defs><use href="#r{}"/>"##, n - 1));
        wrap(&body)
    };
    assert!(clean(&chain(60)).removed.is_empty());
    assert_eq!(sanitize(chain(9_000).as_bytes()), Err(SvgError::TooDeep));
}

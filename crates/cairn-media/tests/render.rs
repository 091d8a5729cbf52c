//! Rendering badges to PNG with the bundled font.

use cairn_media::render::{RenderError, render_png};
use cairn_media::svg::SvgError;
use resvg::tiny_skia::Pixmap;

fn badge(text: &str, family: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
  <rect width="200" height="100" fill="#ffffff"/>
  <text x="100" y="60" text-anchor="middle" font-family="{family}" font-size="32" fill="#000000">{text}</text>
</svg>"##
    )
}

/// How many pixels in the row band `y0..y1` are clearly darker than white.
fn dark_pixels(png: &[u8], y0: u32, y1: u32) -> usize {
    let pixmap = Pixmap::decode_png(png).expect("a PNG");
    let width = pixmap.width();
    pixmap
        .pixels()
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            let y = u32::try_from(*i).unwrap_or(u32::MAX) / width;
            (y0..y1).contains(&y) && p.red() < 128 && p.alpha() > 0
        })
        .count()
}

#[test]
fn text_is_drawn_with_the_bundled_font_at_the_requested_width() {
    for family in ["DejaVu Sans", "sans-serif", "Helvetica, Arial", "serif"] {
        let png = render_png(&badge("BADGE", family), 400).expect("renders");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let pixmap = Pixmap::decode_png(&png).expect("a PNG");
        assert_eq!((pixmap.width(), pixmap.height()), (400, 200));
        // The text sits around y = 60 of 100 in the SVG: rows 60..130 at 2x.
        let dark = dark_pixels(&png, 60, 130);
        assert!(
            dark > 500,
            "{family}: only {dark} dark pixels where the text is"
        );
        // Above the text the badge is white.
        assert_eq!(dark_pixels(&png, 0, 40), 0, "{family}");
    }
}

#[test]
fn without_text_the_same_area_stays_blank() {
    let png = render_png(&badge("", "DejaVu Sans"), 200).expect("renders");
    assert_eq!(dark_pixels(&png, 0, 100), 0);
}

#[test]
fn the_aspect_ratio_is_kept() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 280"><rect width="240" height="280"/></svg>"#;
    let png = render_png(svg, 120).expect("renders");
    let pixmap = Pixmap::decode_png(&png).expect("a PNG");
    assert_eq!((pixmap.width(), pixmap.height()), (120, 140));
}

#[test]
fn bad_widths_and_unsafe_svgs_are_refused() {
    let svg = badge("X", "sans-serif");
    assert!(matches!(render_png(&svg, 0), Err(RenderError::BadWidth(0))));
    assert!(matches!(
        render_png(&svg, 5000),
        Err(RenderError::BadWidth(5000))
    ));
    let tall = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="4000"/>"#;
    assert!(matches!(render_png(tall, 100), Err(RenderError::TooTall)));
    assert!(matches!(
        render_png("not svg", 100),
        Err(RenderError::Svg(_))
    ));
}

#[test]
fn external_images_are_not_loaded() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="/etc/passwd" width="10" height="10"/></svg>"#;
    let png = render_png(svg, 10).expect("renders");
    let pixmap = Pixmap::decode_png(&png).expect("a PNG");
    assert!(pixmap.pixels().iter().all(|p| p.alpha() == 0));
}

/// The deepest SVG the sanitizer accepts, built either way, renders on a
/// thread with half the default stack: the limits keep resvg's recursion safe.
#[test]
fn the_deepest_accepted_svgs_render_on_a_small_stack() {
    const NS: &str = r#"xmlns="http://www.w3.org/2000/svg" width="10" height="10""#;
    let chain = |n: usize| {
        let mut body = format!(r#"<svg {NS}><defs><rect id="r0" width="1" height="1"/>"#);
        for i in 1..n {
            body.push_str(&format!(r##"<use id="r{i}" href="#r{}"/>"##, i - 1));
        }
        body.push_str(&format!(r##"</defs><use href="#r{}"/></svg>"##, n - 1));
        body
    };
    let nested = |n: usize| {
        format!(
            r#"<svg {NS}>{}<rect width="1" height="1"/>{}</svg>"#,
            "<g>".repeat(n),
            "</g>".repeat(n)
        )
    };
    assert!(matches!(
        render_png(&chain(500), 10),
        Err(RenderError::Svg(SvgError::TooDeep))
    ));
    for svg in [chain(62), nested(61)] {
        let rendered = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || render_png(&svg, 10).map(|png| png.len()))
            .expect("a thread")
            .join()
            .expect("no overflow");
        assert!(rendered.is_ok(), "{rendered:?}");
    }
}

//! Designed badges pass the sanitizer untouched and render with their text
//! inside the shape, for every shape and icon.

use cairn_media::design::{
    Border, BorderWidth, Colour, Design, Icon, RIBBON_MAX_CHARS, Shape, TITLE_MAX_CHARS,
};
use cairn_media::render::render_png;
use cairn_media::svg::sanitize;
use resvg::tiny_skia::{Pixmap, PremultipliedColorU8};

/// Titles that stress layout and escaping; an odd count, so that with the
/// icons taking turns each title is drawn with and without a ribbon.
fn titles() -> Vec<String> {
    vec![
        "Lab Safety".to_owned(),
        "Introduction to Machine Learning with Python and R, Part 2".to_owned(),
        r#"<script>&"'"#.to_owned(),
        "Café für Niño — Señor Ünal".to_owned(),
        "W".repeat(TITLE_MAX_CHARS),
        // Longer than a valid title: drawn cut short.
        "Overly long title ".repeat(12),
        "Первая помощь и безопасность".to_owned(),
    ]
}

const RIBBON: &str = "Level 2 · 2025 — Ünal & Co";

/// Fill, accent and border for each shape: dark and light fills, the three
/// colours distinct, and each border width.
fn colours(shape: Shape) -> (Colour, Colour, Colour, BorderWidth) {
    let c = |s: &str| Colour::parse(s).expect("a colour");
    match shape {
        Shape::Circle => (c("#1f3b5c"), c("#e8b33a"), c("#b3261e"), BorderWidth::Thick),
        Shape::Shield => (c("#e9dcc0"), c("#a3245a"), c("#22262b"), BorderWidth::Thin),
        Shape::Hexagon => (c("#0f7c74"), c("#e9dcc0"), c("#e8b33a"), BorderWidth::None),
        Shape::RoundedSquare => (c("#ffffff"), c("#1f6f9f"), c("#4a5568"), BorderWidth::Thick),
        Shape::Rosette => (c("#6a3d8f"), c("#e8b33a"), c("#e0701b"), BorderWidth::Thin),
    }
}

fn design(shape: Shape, icon: Icon, title: &str, ribbon: bool, width: BorderWidth) -> Design {
    let (fill, accent, border, _) = colours(shape);
    Design {
        shape,
        fill,
        accent,
        border: Border {
            width,
            colour: border,
        },
        icon,
        title: title.to_owned(),
        ribbon: ribbon.then(|| RIBBON.to_owned()),
    }
}

#[test]
fn every_design_passes_the_sanitizer_with_nothing_removed() {
    assert!(RIBBON.chars().count() <= RIBBON_MAX_CHARS);
    for shape in Shape::ALL {
        for icon in Icon::ALL {
            for ribbon in [false, true] {
                for width in BorderWidth::ALL {
                    for title in titles().iter().chain([&String::new()]) {
                        let svg = design(*shape, *icon, title, ribbon, *width).to_svg();
                        let clean = sanitize(svg.as_bytes())
                            .unwrap_or_else(|e| panic!("{shape:?} {icon:?}: {e}\n{svg}"));
                        assert!(
                            clean.removed.is_empty(),
                            "{shape:?} {icon:?} {title:?}: {:?}\n{svg}",
                            clean.removed
                        );
                        assert_eq!((clean.width, clean.height), (512.0, 512.0));
                    }
                }
            }
        }
    }
}

fn pixmap(design: &Design) -> Pixmap {
    let png = render_png(&design.to_svg(), 512).expect("renders");
    let pixmap = Pixmap::decode_png(&png).expect("a PNG");
    assert_eq!((pixmap.width(), pixmap.height()), (512, 512));
    pixmap
}

fn is(pixel: PremultipliedColorU8, colour: Colour) -> bool {
    (pixel.red(), pixel.green(), pixel.blue(), pixel.alpha()) == (colour.r, colour.g, colour.b, 255)
}

/// Where the icon's disc is: (256, 156), radius 68, plus a margin.
fn in_icon_disc(x: usize, y: usize) -> bool {
    let (dx, dy) = (x as f64 - 256.0, y as f64 - 156.0);
    dx * dx + dy * dy <= 71.0 * 71.0
}

/// Render every icon on `shape`, each with a title, and compare with the
/// badge drawn without one: the title must change many pixels, and only
/// pixels that were the plain fill (so it stays inside the shape, clear of
/// the border, inner ring, icon and ribbon).
fn renders_with_text_inside(shape: Shape) {
    let titles = titles();
    let (fill, accent, _, width) = colours(shape);
    let blank = [false, true].map(|ribbon| pixmap(&design(shape, Icon::Book, "", ribbon, width)));
    for (i, icon) in Icon::ALL.iter().enumerate() {
        let title = &titles[i % titles.len()];
        let ribbon = i % 2 == 1;
        let drawn = pixmap(&design(shape, *icon, title, ribbon, width));
        // Drawn without a title (and with another icon, so the disc is left
        // out of the comparison).
        let base = &blank[usize::from(ribbon)];
        let mut changed = 0;
        for (index, (now, before)) in drawn.pixels().iter().zip(base.pixels()).enumerate() {
            let (x, y) = (index % 512, index / 512);
            if now == before || in_icon_disc(x, y) {
                continue;
            }
            assert!(
                is(*before, fill),
                "{shape:?} {icon:?} {title:?}: the title drew at ({x}, {y}) off the fill"
            );
            changed += 1;
        }
        assert!(
            changed > 400,
            "{shape:?} {icon:?} {title:?}: only {changed} pixels of title"
        );

        // The icon is drawn on its disc, in the colour readable on the accent.
        let ink = accent.readable_text();
        let icon_pixels = drawn
            .pixels()
            .iter()
            .enumerate()
            .filter(|(index, p)| in_icon_disc(index % 512, index / 512) && is(**p, ink))
            .count();
        assert!(icon_pixels > 300, "{shape:?} {icon:?}: {icon_pixels}");

        // The ribbon's text is drawn on its band (352 to 412, 56 to 456).
        if ribbon {
            let text_pixels = drawn
                .pixels()
                .iter()
                .enumerate()
                .filter(|(index, p)| {
                    let (x, y) = (index % 512, index / 512);
                    (56..456).contains(&x) && (352..412).contains(&y) && is(**p, ink)
                })
                .count();
            assert!(text_pixels > 300, "{shape:?} ribbon: {text_pixels}");
        }
    }
}

#[test]
fn circles_render_with_text_inside() {
    renders_with_text_inside(Shape::Circle);
}

#[test]
fn shields_render_with_text_inside() {
    renders_with_text_inside(Shape::Shield);
}

#[test]
fn hexagons_render_with_text_inside() {
    renders_with_text_inside(Shape::Hexagon);
}

#[test]
fn rounded_squares_render_with_text_inside() {
    renders_with_text_inside(Shape::RoundedSquare);
}

#[test]
fn rosettes_render_with_text_inside() {
    renders_with_text_inside(Shape::Rosette);
}

#[test]
fn every_shape_is_listed_and_tested() {
    assert_eq!(Shape::ALL.len(), 5);
}

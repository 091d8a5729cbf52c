//! How long a designed badge takes to draw: writing its SVG, sanitizing it,
//! and rendering it as a PNG at full and half size.
//!
//! `cargo bench -p cairn-media --bench render`

use std::hint::black_box;

use cairn_media::design::{Border, BorderWidth, Colour, Design, Icon, Shape};
use cairn_media::render::render_png;
use cairn_media::svg::sanitize;
use criterion::{Criterion, criterion_group, criterion_main};

/// A typical badge: a two-line title, a ribbon, a detailed icon.
fn designed_badge() -> Design {
    Design {
        shape: Shape::Shield,
        fill: Colour::rgb(0x1f, 0x3b, 0x5c),
        accent: Colour::rgb(0xe8, 0xb3, 0x3a),
        border: Border {
            width: BorderWidth::Thick,
            colour: Colour::rgb(0xe8, 0xb3, 0x3a),
        },
        icon: Icon::Microscope,
        title: "Laboratory Safety and Good Practice".to_owned(),
        ribbon: Some("Level 2 · 2025".to_owned()),
    }
}

fn bench(c: &mut Criterion) {
    let design = designed_badge();
    let svg = design.to_svg();

    c.bench_function("design_to_svg", |b| b.iter(|| black_box(&design).to_svg()));
    c.bench_function("sanitize_designed", |b| {
        b.iter(|| sanitize(black_box(svg.as_bytes())))
    });
    c.bench_function("render_png_512", |b| {
        b.iter(|| render_png(black_box(&svg), 512))
    });
    c.bench_function("render_png_256", |b| {
        b.iter(|| render_png(black_box(&svg), 256))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

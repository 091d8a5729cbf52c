//! Render a badge SVG to PNG, with a bundled font and nothing from outside.
//!
//! A server has no system fonts, so text would render blank: the only font
//! is DejaVu Sans, bundled in the binary (see `assets/README.md`), and it
//! answers for every generic family (`sans-serif`, `serif`, `monospace`, …)
//! and for any family the SVG names that is not available.
//!
//! The SVG is passed through [`crate::svg::sanitize`] first, so the limits
//! apply and nothing external survives; on top of that the renderer is given
//! no resources folder and an image resolver that loads no files and decodes
//! only embedded PNG and JPEG data.

use std::sync::Arc;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, ImageHrefResolver, ImageKind, fontdb};

use crate::svg::{self, SvgError};

/// DejaVu Sans 2.37, from Debian's `fonts-dejavu-core`.
pub const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// The family name of [`FONT`].
pub const FONT_FAMILY: &str = "DejaVu Sans";
/// The widest (and tallest) PNG rendered, in pixels.
pub const MAX_RENDER_SIZE: u32 = 4096;

/// Why an SVG could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Svg(#[from] SvgError),
    #[error("The image cannot be drawn {0} pixels wide (1 to 4096)")]
    BadWidth(u32),
    #[error("The image would be too tall at that width (at most 4096 pixels)")]
    TooTall,
    #[error("The SVG could not be drawn: {0}")]
    Unrenderable(String),
    #[error("The PNG could not be written: {0}")]
    Encode(String),
}

/// Render `svg` as a PNG `width` pixels wide, keeping its aspect ratio.
pub fn render_png(svg: &str, width: u32) -> Result<Vec<u8>, RenderError> {
    if width == 0 || width > MAX_RENDER_SIZE {
        return Err(RenderError::BadWidth(width));
    }
    let clean = svg::sanitize(svg.as_bytes())?;
    let options = options();
    let tree = usvg::Tree::from_str(&clean.svg, &options)
        .map_err(|e| RenderError::Unrenderable(e.to_string()))?;
    let size = tree.size();
    let scale = f64::from(width) / f64::from(size.width());
    let height = (f64::from(size.height()) * scale).round().max(1.0);
    if !height.is_finite() || height > f64::from(MAX_RENDER_SIZE) {
        return Err(RenderError::TooTall);
    }
    // Finite and within 1..=4096, checked above: the cast is exact.
    let height = height as u32;
    let mut pixmap = Pixmap::new(width, height).ok_or(RenderError::TooTall)?;
    // A scale factor needs no more than f32 precision.
    let scale = scale as f32;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Encode(e.to_string()))
}

fn options() -> usvg::Options<'static> {
    let mut fonts = fontdb::Database::new();
    fonts.load_font_data(FONT.to_vec());
    fonts.set_sans_serif_family(FONT_FAMILY);
    fonts.set_serif_family(FONT_FAMILY);
    fonts.set_monospace_family(FONT_FAMILY);
    fonts.set_cursive_family(FONT_FAMILY);
    fonts.set_fantasy_family(FONT_FAMILY);
    usvg::Options {
        resources_dir: None,
        font_family: FONT_FAMILY.to_owned(),
        fontdb: Arc::new(fonts),
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|mime, data, _| match mime {
                "image/png" => Some(ImageKind::PNG(data)),
                "image/jpeg" | "image/jpg" => Some(ImageKind::JPEG(data)),
                _ => None,
            }),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

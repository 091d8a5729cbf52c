//! Badge images.
//!
//! - [`svg`]: make an uploaded SVG harmless (allowlist sanitizing with limits).
//! - [`render`]: draw an SVG as a PNG with the bundled font (DejaVu Sans).
//! - [`design`]: the built-in badge designer: a shape, colours, an icon, a
//!   title and a ribbon, drawn as an SVG that the two above accept as is.
//! - [`markdown`]: learners' reflections and comments, Markdown rendered to
//!   HTML cleaned by an allowlist (no raw HTML, no images loaded, links only
//!   to http, https and mailto), and plain-text excerpts for notifications.
//!
//! This crate knows nothing of Cairn's workflow or storage: bytes in, bytes
//! (or a refusal a person understands) out.

pub mod design;
pub mod markdown;
pub mod render;
pub mod sniff;
pub mod svg;

//! Uploaded badge images.
//!
//! - [`svg`]: make an uploaded SVG harmless (allowlist sanitizing with limits).
//! - [`render`]: draw an SVG as a PNG with the bundled font (DejaVu Sans).
//!
//! This crate knows nothing of Cairn's workflow or storage: bytes in, bytes
//! (or a refusal a person understands) out.

pub mod render;
pub mod svg;

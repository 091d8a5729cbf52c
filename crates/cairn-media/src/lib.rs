//! Uploaded badge images.
//!
//! - [`svg`]: make an uploaded SVG harmless (allowlist sanitizing with limits).
//!
//! This crate knows nothing of Cairn's workflow or storage: bytes in, bytes
//! (or a refusal a person understands) out.

pub mod svg;

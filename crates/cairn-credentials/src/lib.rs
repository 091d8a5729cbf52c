//! Open Badges 2.0 and 3.0, CLR 2.0 and W3C Verifiable Credentials: the
//! documents, their canonical form, proofs, issuer keys, status lists,
//! baked images, verification, and reading achievements defined elsewhere
//! (OB 2.0 BadgeClass, OB 3.0 Achievement) for import. This crate knows
//! nothing of Cairn's workflow; it can be used on its own.

pub mod bake;
pub mod clr;
pub mod contexts;
pub mod fast;
pub mod import;
pub mod jsonld;
pub mod jwt;
pub mod keys;
pub mod ob2;
pub mod ob3;
pub mod proof;
pub mod schema;
pub mod status;
pub mod verify;

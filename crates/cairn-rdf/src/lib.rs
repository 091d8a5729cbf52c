//! RDF datasets, N-Quads, and RDF Dataset Canonicalization (RDFC-1.0).
//!
//! - [`Dataset`], [`Quad`] and the terms [`Iri`], [`BlankNode`], [`Literal`]
//!   ([`Term`], [`Subject`]) model RDF 1.1 datasets. Terms share their text
//!   (`Arc<str>` or `&'static str`), so cloning one is cheap.
//! - [`parse_nquads`] reads N-Quads strictly; [`Dataset::to_nquads`] writes
//!   them, each term in canonical form.
//! - [`canonicalize`] implements [RDFC-1.0](https://www.w3.org/TR/rdf-canon/):
//!   canonical N-Quads (what `eddsa-rdfc-2022` proofs hash) and the issued
//!   identifiers map, with limits against "poison" datasets
//!   ([`CanonOptions`]).
//!
//! The crate does no I/O.
//!
//! ```
//! use cairn_rdf::{BlankNode, Dataset, Iri, Literal, Quad, canonicalize};
//!
//! let name = Iri::new("https://schema.org/name")?;
//! let mut ds = Dataset::new();
//! ds.push(Quad::new(BlankNode::new("b0")?, name, Literal::new_simple("Ada"), None));
//! assert_eq!(canonicalize(&ds)?.nquads, "_:c14n0 <https://schema.org/name> \"Ada\" .\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod canon;
mod nquads;
mod parse;
mod term;

pub use canon::{
    CanonError, CanonOptions, Canonical, HashAlgorithm, canonicalize, canonicalize_with,
};
pub use parse::{Found, ParseError, ParseProblem, parse_nquads};
pub use term::{
    BlankNode, Dataset, GraphName, Iri, Literal, Quad, RDF_LANG_STRING, Subject, Term, TermError,
    XSD_STRING,
};

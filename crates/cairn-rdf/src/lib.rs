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
//! # Agreement with rdf-canonize (jsonld.js)
//!
//! The output is byte-identical to rdf-canonize 4, the canonicalizer of
//! jsonld.js and the Digital Bazaar verifiers: the W3C RDFC-1.0 suite passes,
//! and so do several hundred random datasets checked against rdf-canonize
//! (`tests/reference.rs`). Where rdf-canonize departs from the RDFC-1.0 text,
//! this crate follows rdf-canonize unless that would be wrong:
//!
//! - Lines are sorted in UTF-16 code unit order, as rdf-canonize sorts, not
//!   in code point order as the text says. The two differ only for text that
//!   mixes characters U+E000–U+FFFF with characters above U+FFFF;
//!   [`LineOrder`] chooses, and [`Canonical::orders_may_differ`] tells when
//!   the choice could matter.
//! - Ties between equally good permutations in Hash N-Degree Quads are
//!   broken as rdf-canonize breaks them (the order it visits permutations in).
//! - IRIs holding characters no valid IRI has are written with `\u00XX`
//!   escapes, as rdf-canonize writes them.
//! - rdf-canonize leaves input blank nodes already labelled `c14n…` under
//!   their own label in its output, whatever label it issued them; this
//!   crate writes the issued label, as the specification says. JSON-LD to
//!   RDF conversion labels blank nodes `b0`, `b1`, …, so this does not
//!   arise for credentials.
//! - rdf-canonize refuses, by default, datasets that need more runs of Hash
//!   N-Degree Quads than they have blank nodes that look alike; this crate's
//!   limits ([`CanonOptions`]) are more generous.
//!
//! RDFC-1.0 is not a perfect canonical labelling: for some datasets whose
//! quads have three blank nodes (subject, object and graph name), the
//! result depends on the order of the input quads, in rdf-canonize too
//! (see `tests/reference.rs`). Signer and verifier derive the quads from the
//! same document in the same order, so signatures are not affected.
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
    CanonError, CanonOptions, Canonical, HashAlgorithm, LineOrder, canonicalize, canonicalize_with,
};
pub use parse::{Found, ParseError, ParseProblem, parse_nquads};
pub use term::{
    BlankNode, Dataset, GraphName, Iri, Literal, Quad, RDF_LANG_STRING, Subject, Term, TermError,
    XSD_STRING,
};

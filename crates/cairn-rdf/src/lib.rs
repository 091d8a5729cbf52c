//! RDF datasets and RDFC-1.0 canonicalization.

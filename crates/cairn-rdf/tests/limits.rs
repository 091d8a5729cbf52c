//! The guards against costly ("poison") datasets, and datasets that need
//! Hash N-Degree Quads but are legitimate.

use cairn_rdf::{CanonError, CanonOptions, Dataset, canonicalize, canonicalize_with, parse_nquads};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// A JSON-LD style list of `n` equal items: a chain of blank nodes that
/// only Hash N-Degree Quads tells apart (and needs ~n² runs of it for).
fn list_of_equal_items(n: usize, label: &str) -> Dataset {
    let mut text = format!("<urn:s> <urn:items> _:{label}0 .\n");
    for i in 0..n {
        text.push_str(&format!("_:{label}{i} <{RDF}first> \"same\" .\n"));
        if i + 1 < n {
            text.push_str(&format!("_:{label}{i} <{RDF}rest> _:{label}{} .\n", i + 1));
        } else {
            text.push_str(&format!("_:{label}{i} <{RDF}rest> <{RDF}nil> .\n"));
        }
    }
    parse_nquads(&text).expect("parses")
}

/// `n` blank nodes, each linked to every other.
fn clique(n: usize) -> Dataset {
    let mut text = String::new();
    for a in 0..n {
        for b in 0..n {
            if a != b {
                text.push_str(&format!("_:n{a} <urn:p> _:n{b} .\n"));
            }
        }
    }
    parse_nquads(&text).expect("parses")
}

fn unlimited() -> CanonOptions {
    let mut options = CanonOptions::default();
    options.max_hash_ndegree_calls = u64::MAX;
    options.max_permutations = u64::MAX;
    options.max_related_hashes = u64::MAX;
    options.max_recursion_depth = usize::MAX;
    options
}

#[test]
fn a_list_of_sixty_equal_items_fits_the_default_limits() {
    let a = canonicalize(&list_of_equal_items(60, "a")).expect("within limits");
    let b = canonicalize(&list_of_equal_items(60, "zz")).expect("within limits");
    assert_eq!(a.nquads, b.nquads);
    assert_eq!(a.issued.len(), 60);
}

#[test]
fn many_equal_leaves_are_cheap() {
    let mut text = String::new();
    for i in 0..500 {
        text.push_str(&format!(
            "<urn:s> <urn:p> _:leaf{i} .\n_:leaf{i} <urn:q> \"x\" .\n"
        ));
    }
    let canonical = canonicalize(&parse_nquads(&text).expect("parses")).expect("within limits");
    assert_eq!(canonical.issued.len(), 500);
    assert!(canonical.nquads.contains("\n_:c14n499 <urn:q> \"x\" .\n"));
}

#[test]
fn a_clique_is_refused_quickly() {
    let started = std::time::Instant::now();
    let result = canonicalize(&clique(10));
    assert!(result.is_err(), "{result:?}");
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn each_limit_is_reported() {
    let list = list_of_equal_items(20, "l");

    let mut options = unlimited();
    options.max_hash_ndegree_calls = 10;
    assert_eq!(
        canonicalize_with(&list, &options),
        Err(CanonError::TooManyHashNDegreeCalls { limit: 10 })
    );

    let mut options = unlimited();
    options.max_permutations = 10;
    assert_eq!(
        canonicalize_with(&list, &options),
        Err(CanonError::TooManyPermutations { limit: 10 })
    );

    let mut options = unlimited();
    options.max_related_hashes = 10;
    assert_eq!(
        canonicalize_with(&list, &options),
        Err(CanonError::TooManyRelatedHashes { limit: 10 })
    );

    let mut options = unlimited();
    options.max_recursion_depth = 5;
    let err = canonicalize_with(&list, &options).expect_err("too deep");
    assert_eq!(err, CanonError::TooDeep { limit: 5 });
    assert!(err.to_string().contains("deeper than 5"), "{err}");

    // With no limits, the same list canonicalizes.
    assert!(canonicalize_with(&list, &unlimited()).is_ok());
}

#[test]
fn deep_recursion_stops_at_the_default_depth_without_overflowing_the_stack() {
    let mut options = unlimited();
    options.max_recursion_depth = CanonOptions::default().max_recursion_depth;
    let result = canonicalize_with(&list_of_equal_items(400, "d"), &options);
    assert_eq!(
        result,
        Err(CanonError::TooDeep {
            limit: options.max_recursion_depth
        })
    );
}

#[test]
fn a_long_list_is_refused_under_the_default_limits() {
    let started = std::time::Instant::now();
    assert!(canonicalize(&list_of_equal_items(300, "x")).is_err());
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

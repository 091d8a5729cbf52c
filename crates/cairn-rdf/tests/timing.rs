//! A timing check to run by hand, in release mode:
//!
//! ```sh
//! cargo test --release -p cairn-rdf --test timing -- --ignored --nocapture
//! ```
//!
//! It canonicalizes a credential-sized dataset (147 quads, 9 blank nodes,
//! built from three copies of the CLR 2.0 test vector) and prints the time
//! per canonicalization, per SHA-256 of the result, and per parse.

use std::path::PathBuf;
use std::time::Instant;

use cairn_rdf::{Dataset, canonicalize, parse_nquads};
use sha2::{Digest, Sha256};

fn credential_sized() -> Dataset {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/ob3/canon-vectors/clrv2p0/document-canon.txt"
    ));
    let clr = std::fs::read_to_string(path).expect("read CLR vector");
    let mut text = String::new();
    for copy in 0..3 {
        // Per copy, subject IRIs get a suffix and blank nodes other labels,
        // so that no quad repeats. (Blank nodes two steps from any IRI look
        // alike across copies, so Hash N-Degree Quads runs a little.)
        for line in clr.replace("_:c14n", &format!("_:b{copy}x")).lines() {
            match line.find('>') {
                Some(end) if line.starts_with('<') => {
                    text.push_str(&line[..end]);
                    text.push_str(&format!("/{copy}"));
                    text.push_str(&line[end..]);
                }
                _ => text.push_str(line),
            }
            text.push('\n');
        }
    }
    parse_nquads(&text).expect("parses")
}

#[test]
#[ignore = "timing; run by hand in release mode"]
fn time_canonicalization() {
    let dataset = credential_sized();
    let first = canonicalize(&dataset).expect("canonicalizes");
    eprintln!(
        "{} quads, {} blank nodes, {} bytes of canonical N-Quads",
        dataset.len(),
        first.issued.len(),
        first.nquads.len()
    );
    for _ in 0..200 {
        std::hint::black_box(canonicalize(std::hint::black_box(&dataset)).expect("ok"));
    }
    let rounds = 5;
    let iterations = 2_000;
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..iterations {
            std::hint::black_box(canonicalize(std::hint::black_box(&dataset)).expect("ok"));
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations);
        best = best.min(micros);
    }
    eprintln!("canonicalize: {best:.1} µs per dataset (best of {rounds} rounds of {iterations})");

    let start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(Sha256::digest(std::hint::black_box(
            first.nquads.as_bytes(),
        )));
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations);
    eprintln!("SHA-256 of the canonical N-Quads: {micros:.1} µs");

    let text = dataset.to_nquads();
    let start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(parse_nquads(std::hint::black_box(&text)).expect("ok"));
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations);
    eprintln!("parse_nquads: {micros:.1} µs per dataset");
}

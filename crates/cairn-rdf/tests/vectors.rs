//! Canonical N-Quads published with the Open Badges 3.0, CLR 2.0 and W3C
//! Data Integrity EdDSA test vectors. They are already canonical, so
//! canonicalizing them must give them back byte for byte, whatever their
//! blank nodes are called and however their lines are ordered, and their
//! SHA-256 must be the published hash.

use std::path::PathBuf;

use cairn_rdf::{Dataset, canonicalize, parse_nquads};
use sha2::{Digest, Sha256};

fn testdata(path: &str) -> String {
    let full = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

/// (canonical N-Quads file, file with the SHA-256 hex of it, if published)
const VECTORS: &[(&str, Option<&str>)] = &[
    ("ob3/canon-vectors/obv3p0/document-canon.txt", None),
    ("ob3/canon-vectors/obv3p0/proof-canon.txt", None),
    ("ob3/canon-vectors/clrv2p0/document-canon.txt", None),
    ("ob3/canon-vectors/clrv2p0/proof-canon.txt", None),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt",
        Some("vc-di-eddsa/eddsa-rdfc-2022/docHashDataInt.txt"),
    ),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
        Some("vc-di-eddsa/eddsa-rdfc-2022/proofHashDataInt.txt"),
    ),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
        Some("vc-di-eddsa/eddsa-rdfc-2022/employ/docHashDataInt.txt"),
    ),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
        Some("vc-di-eddsa/eddsa-rdfc-2022/employ/proofHashDataInt.txt"),
    ),
];

/// The same dataset with blank nodes renamed and quads in another order.
fn scrambled(dataset: &Dataset) -> Dataset {
    let text = dataset.to_nquads().replace("_:c14n", "_:x");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let third = lines.len() / 3;
    lines.rotate_left(third);
    parse_nquads(&lines.join("\n")).expect("scrambled vector parses")
}

#[test]
fn published_canonical_forms_are_fixed_points() {
    for &(canon_file, hash_file) in VECTORS {
        let text = testdata(canon_file);
        let dataset = parse_nquads(&text).unwrap_or_else(|e| panic!("{canon_file}: {e}"));
        let canonical = canonicalize(&dataset).expect("canonicalizes");
        assert_eq!(canonical.nquads, text, "{canon_file}");
        let again = canonicalize(&scrambled(&dataset)).expect("canonicalizes");
        assert_eq!(again.nquads, text, "{canon_file}, scrambled");
        if let Some(hash_file) = hash_file {
            let expected = testdata(hash_file);
            let hash = hex::encode(Sha256::digest(canonical.nquads.as_bytes()));
            assert_eq!(hash, expected.trim(), "{canon_file}: SHA-256");
        }
    }
}

#[test]
fn ob3_vector_hashes_match() {
    let vector: serde_json::Value =
        serde_json::from_str(&testdata("ob3/canon-vectors/obv3p0/vector.json")).expect("JSON");
    for (file, hash_key) in [
        ("document-canon.txt", "documentHashHex"),
        ("proof-canon.txt", "proofHashHex"),
    ] {
        let text = testdata(&format!("ob3/canon-vectors/obv3p0/{file}"));
        let canonical =
            canonicalize(&scrambled(&parse_nquads(&text).expect("parses"))).expect("canonicalizes");
        let hash = hex::encode(Sha256::digest(canonical.nquads.as_bytes()));
        assert_eq!(Some(hash.as_str()), vector[hash_key].as_str(), "{file}");
    }
}

//! The W3C RDFC-1.0 test suite (`testdata/rdf-canon/`), run from its manifest.
//! Every case runs; failures are listed by test id at the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_rdf::{CanonOptions, HashAlgorithm, LineOrder, canonicalize_with, parse_nquads};

fn suite_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/rdf-canon"
    ))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"))
}

/// Runs one manifest entry; `Err` says why it failed.
fn run_case(dir: &Path, entry: &serde_json::Value, order: LineOrder) -> Result<(), String> {
    let kind = entry["type"].as_str().ok_or("entry without type")?;
    let action = entry["action"].as_str().ok_or("entry without action")?;
    let mut options = CanonOptions::default();
    options.order = order;
    options.hash = match entry.get("hashAlgorithm").and_then(|h| h.as_str()) {
        None | Some("SHA256") => HashAlgorithm::Sha256,
        Some("SHA384") => HashAlgorithm::Sha384,
        Some(other) => return Err(format!("unknown hash algorithm {other}")),
    };
    let input = read(dir, action);
    let dataset = parse_nquads(&input).map_err(|e| format!("input does not parse: {e}"))?;
    let result = canonicalize_with(&dataset, &options);
    match kind {
        "rdfc:RDFC10EvalTest" => {
            let expected = read(dir, entry["result"].as_str().ok_or("no result")?);
            let canonical = result.map_err(|e| format!("error: {e}"))?;
            if canonical.nquads != expected {
                return Err(format!(
                    "output differs\n--- expected\n{expected}--- got\n{}",
                    canonical.nquads
                ));
            }
            Ok(())
        }
        "rdfc:RDFC10MapTest" => {
            let expected: BTreeMap<String, String> =
                serde_json::from_str(&read(dir, entry["result"].as_str().ok_or("no result")?))
                    .map_err(|e| format!("map file: {e}"))?;
            let canonical = result.map_err(|e| format!("error: {e}"))?;
            let got: BTreeMap<String, String> = canonical
                .issued
                .iter()
                .map(|(input, c14n)| (input.as_str().to_owned(), c14n.as_str().to_owned()))
                .collect();
            if got != expected {
                return Err(format!(
                    "map differs\nexpected {expected:?}\ngot      {got:?}"
                ));
            }
            Ok(())
        }
        "rdfc:RDFC10NegativeEvalTest" => match result {
            // Any limit may trip first; all say the dataset is too costly.
            Err(_) => Ok(()),
            Ok(_) => Err("canonicalized a poison dataset instead of refusing".to_owned()),
        },
        other => Err(format!("unknown test type {other}")),
    }
}

#[test]
fn rdfc10_suite() {
    let dir = suite_dir();
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir, "manifest.jsonld")).expect("manifest is JSON");
    let entries = manifest["entries"].as_array().expect("entries");
    assert!(entries.len() > 80, "manifest has {} entries", entries.len());
    let mut failures = Vec::new();
    for entry in entries {
        let id = entry["id"].as_str().unwrap_or("?");
        // The suite has no lines whose order depends on the choice; both
        // orders must pass it.
        for order in [LineOrder::Utf16CodeUnits, LineOrder::CodePoints] {
            if let Err(why) = run_case(&dir, entry, order) {
                failures.push(format!(
                    "{id} ({}, {order:?}): {why}",
                    entry["name"].as_str().unwrap_or("")
                ));
            }
        }
    }
    eprintln!(
        "RDFC-1.0 suite: {} of {} passed",
        entries.len() - failures.len(),
        entries.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

//! Keeps the layering true: dependencies point inward, and the pure crates
//! stay free of I/O frameworks. Reads every crate's Cargo.toml.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which workspace crates each crate may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("cairn-domain", &[]),
    ("cairn-rdf", &[]),
    ("cairn-media", &[]),
    ("cairn-credentials", &["cairn-rdf"]),
    ("cairn-store", &["cairn-domain"]),
    (
        "cairn-app",
        &[
            "cairn-domain",
            "cairn-store",
            "cairn-media",
            "cairn-credentials",
        ],
    ),
    (
        "cairn-web",
        &["cairn-domain", "cairn-store", "cairn-app", "cairn-media"],
    ),
    (
        "cairn-cli",
        &["cairn-app", "cairn-web", "cairn-credentials"],
    ),
    (
        "cairn-test-support",
        &["cairn-store", "cairn-app", "cairn-web"],
    ),
];

/// The standards libraries stand on their own: they know nothing of Cairn's
/// workflow and do no network I/O of their own.
const STANDALONE: &[&str] = &["cairn-rdf", "cairn-credentials"];

/// Crates the domain must never use: it does no I/O and knows no web or database.
const FORBIDDEN_IN_DOMAIN: &[&str] = &[
    "tokio",
    "sea-orm",
    "sqlx",
    "axum",
    "reqwest",
    "serde_json",
    "lettre",
    "tower",
];

fn crates_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn dependencies(krate: &str) -> Vec<String> {
    let text = std::fs::read_to_string(crates_dir().join(krate).join("Cargo.toml"))
        .expect("read Cargo.toml");
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && let Some((name, _)) = line.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").to_owned();
            if !name.is_empty() && !name.starts_with('#') {
                deps.push(name);
            }
        }
    }
    deps
}

#[test]
fn dependencies_point_inward() {
    let allowed: BTreeMap<_, _> = ALLOWED.iter().copied().collect();
    let on_disk: Vec<String> = std::fs::read_dir(crates_dir())
        .expect("crates folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for krate in &on_disk {
        let permitted = allowed
            .get(krate.as_str())
            .unwrap_or_else(|| panic!("{krate} has no place in the layering table above"));
        for dep in dependencies(krate)
            .into_iter()
            .filter(|d| d.starts_with("cairn-"))
        {
            assert!(
                permitted.contains(&dep.as_str()),
                "{krate} must not depend on {dep}"
            );
        }
    }
}

#[test]
fn the_standards_libraries_stand_alone() {
    for krate in STANDALONE {
        for dep in dependencies(krate) {
            assert!(
                ![
                    "reqwest",
                    "axum",
                    "sea-orm",
                    "cairn-domain",
                    "cairn-store",
                    "cairn-app"
                ]
                .contains(&dep.as_str()),
                "{krate} must not depend on {dep}"
            );
        }
    }
}

#[test]
fn the_domain_does_no_io() {
    for dep in dependencies("cairn-domain") {
        assert!(
            !FORBIDDEN_IN_DOMAIN.contains(&dep.as_str()),
            "cairn-domain must not depend on {dep}"
        );
    }
}

#[test]
fn only_the_web_crate_knows_http() {
    for krate in ["cairn-domain", "cairn-store", "cairn-app"] {
        for dep in dependencies(krate) {
            assert!(
                !["axum", "tower", "tower-http", "http", "askama"].contains(&dep.as_str()),
                "{krate} must not depend on {dep}"
            );
        }
    }
}

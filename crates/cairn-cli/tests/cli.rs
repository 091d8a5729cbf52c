//! The `cairn` binary as a person uses it: verify, bake, unbake, config.

use cairn_credentials::fast::Auto;
use cairn_credentials::keys::SigningKey;
use cairn_credentials::ob3::*;
use cairn_credentials::proof::{self, ProofOptions};
use chrono::{Duration, Utc};
use std::path::Path;
use std::process::{Command, Output};

fn cairn(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cairn")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A credential signed by a `did:key` issuer, which verifies offline.
fn signed_credential() -> serde_json::Value {
    let key = SigningKey::from_seed(&[9u8; 32]);
    let did = key.did_key();
    let achievement = Achievement::new(
        "https://example.org/achievements/1",
        "Teamwork",
        "Works well in teams.",
        "Peers nominate.",
    );
    let credential = OpenBadgeCredential {
        id: "urn:uuid:1f7c1a52-2c7e-4e0b-9b7a-0f1f3b5e6a70".into(),
        issuer: Profile::new(did.clone(), "Example Issuer"),
        valid_from: Utc::now() - Duration::days(1),
        valid_until: None,
        awarded_date: None,
        name: "Teamwork".into(),
        description: None,
        image: None,
        subject: AchievementSubject::hashed_email("ana@example.org", "salt", achievement),
        evidence: Vec::new(),
        credential_status: None,
        endorsement: Vec::new(),
    };
    let method = format!("{did}#{}", did.trim_start_matches("did:key:"));
    proof::sign(
        &credential.to_json(),
        &key,
        &ProofOptions::assertion(method, Utc::now() - Duration::days(1)),
        &Auto,
    )
    .expect("signed")
}

#[test]
fn verify_prints_each_check_and_sets_the_exit_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let credential = signed_credential();
    std::fs::write(dir.path().join("badge.json"), credential.to_string()).expect("write");
    let ok = cairn(&["verify", "badge.json"], dir.path());
    assert!(ok.status.success(), "{}", text(&ok));
    let out = text(&ok);
    assert!(
        out.contains("[pass] The signature matches the credential") && out.contains("Verified."),
        "{out}"
    );

    let mut tampered = credential;
    tampered["name"] = serde_json::json!("Leadership");
    std::fs::write(dir.path().join("tampered.json"), tampered.to_string()).expect("write");
    let bad = cairn(&["verify", "tampered.json"], dir.path());
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("[FAIL] The signature matches the credential"));

    let missing = cairn(&["verify", "nope.json"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("reading nope.json"));
}

#[test]
fn bake_and_unbake_round_trip_and_the_baked_image_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let credential = signed_credential();
    std::fs::write(dir.path().join("badge.json"), credential.to_string()).expect("write");
    std::fs::write(
        dir.path().join("image.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle r=\"4\"/></svg>",
    )
    .expect("write");
    let baked = cairn(
        &["bake", "image.svg", "badge.json", "-o", "baked.svg"],
        dir.path(),
    );
    assert!(baked.status.success(), "{}", text(&baked));
    let unbaked = cairn(&["unbake", "baked.svg"], dir.path());
    assert!(unbaked.status.success(), "{}", text(&unbaked));
    let payload: serde_json::Value = serde_json::from_slice(&unbaked.stdout).expect("JSON");
    assert_eq!(payload, credential);
    let verified = cairn(&["verify", "baked.svg"], dir.path());
    assert!(verified.status.success(), "{}", text(&verified));
    assert!(text(&verified).contains("baked into an SVG image"));

    let not_an_image = cairn(
        &["bake", "badge.json", "badge.json", "-o", "x.png"],
        dir.path(),
    );
    assert!(!not_an_image.status.success());
    assert!(text(&not_an_image).contains("neither a PNG nor an SVG"));
}

#[test]
fn config_example_lists_every_setting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = cairn(&["config", "example"], dir.path());
    assert!(out.status.success());
    let text = text(&out);
    for key in [
        "listen",
        "database_url",
        "smtp_url",
        "public_url",
        "data_dir",
    ] {
        assert!(text.contains(&format!("{key} =")), "{key} in\n{text}");
    }
}

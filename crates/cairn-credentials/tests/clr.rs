//! Transcripts and endorsements: built, signed, verified, with each nested
//! credential keeping its own proof; the fast path agrees with the general
//! path on these nested documents too.

use cairn_credentials::clr::*;
use cairn_credentials::fast::{self, Auto};
use cairn_credentials::jsonld::{self, GeneralPath};
use cairn_credentials::keys::{DocumentResolver, SigningKey, multikey_document};
use cairn_credentials::ob3::*;
use cairn_credentials::proof::{self, ProofOptions};
use cairn_credentials::schema::{self, Schema};
use cairn_credentials::verify::{Context, Outcome, verify};
use chrono::{DateTime, Utc};

const ISSUER: &str = "https://badges.example.org/issuers/kucrl";
const KEY: &str = "https://badges.example.org/issuers/kucrl/keys/1";

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

fn key() -> SigningKey {
    SigningKey::from_seed(&[3u8; 32])
}

fn award(level: u32) -> serde_json::Value {
    let achievement = Achievement::new(
        format!("https://badges.example.org/achievements/level-{level}"),
        format!("Level {level}"),
        "A level of the ladder.",
        "Evidence reviewed against the rubric.",
    );
    let credential = OpenBadgeCredential {
        id: format!("https://badges.example.org/awards/{level}"),
        issuer: Profile::new(ISSUER, "KU CRL"),
        valid_from: at(),
        valid_until: None,
        awarded_date: None,
        name: format!("Level {level}"),
        description: None,
        image: None,
        subject: AchievementSubject::hashed_email("ana@example.org", "salt", achievement),
        evidence: Vec::new(),
        credential_status: None,
        endorsement: Vec::new(),
    };
    proof::sign(
        &credential.to_json(),
        &key(),
        &ProofOptions::assertion(KEY, at()),
        &Auto,
    )
    .expect("signed")
}

fn transcript(partial: bool) -> serde_json::Value {
    let clr = ClrCredential {
        id: "https://badges.example.org/transcripts/ana".into(),
        issuer: Profile::new(ISSUER, "KU CRL"),
        valid_from: at(),
        name: "SIM micro-credentials of Ana".into(),
        description: Some("Every SIM micro-credential Ana earned.".into()),
        subject_id: None,
        identifier: vec![IdentityObject::hashed_email("ana@example.org", "salt")],
        credentials: vec![award(1), award(2)],
        achievements: (1..=3)
            .map(|l| {
                Achievement::new(
                    format!("https://badges.example.org/achievements/level-{l}"),
                    format!("Level {l}"),
                    "A level.",
                    "Rubric.",
                )
            })
            .collect(),
        associations: vec![
            Association::new(
                AssociationType::Precedes,
                "https://badges.example.org/achievements/level-1",
                "https://badges.example.org/achievements/level-2",
            ),
            Association::new(
                AssociationType::IsPartOf,
                "https://badges.example.org/achievements/level-2",
                "https://badges.example.org/achievements/level-3",
            ),
        ],
        partial,
    };
    proof::sign(
        &clr.to_json(),
        &key(),
        &ProofOptions::assertion(KEY, at()),
        &Auto,
    )
    .expect("signed")
}

#[test]
fn a_transcript_and_every_credential_in_it_verify() {
    let clr = transcript(true);
    assert_eq!(clr["partial"], true);
    assert_eq!(
        clr["@context"][1],
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
    );
    let mut resolver = DocumentResolver::new();
    resolver
        .add_document(&multikey_document(
            KEY,
            ISSUER,
            &key().public_key_multibase(),
            None,
        ))
        .expect("doc");
    let lookup = |_: &str| None;
    let ctx = Context {
        now: at(),
        keys: &resolver,
        documents: &lookup,
        canon: &Auto,
    };
    let report = verify(clr.to_string().as_bytes(), &ctx);
    assert_eq!(
        report.check("proof").map(|c| c.outcome),
        Some(Outcome::Passed),
        "{report:#?}"
    );
    for nested in clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .expect("array")
    {
        let report = verify(nested.to_string().as_bytes(), &ctx);
        assert!(report.verified(), "{report:#?}");
    }
    let mut tampered = clr.clone();
    tampered["credentialSubject"]["verifiableCredential"][0]["name"] = "Level 5".into();
    let report = verify(tampered.to_string().as_bytes(), &ctx);
    assert_eq!(
        report.check("proof").map(|c| c.outcome),
        Some(Outcome::Failed)
    );
}

#[test]
fn the_fast_path_agrees_on_nested_credentials() {
    for partial in [false, true] {
        let clr = transcript(partial);
        assert_eq!(
            fast::canonical_nquads(&clr).expect("fast"),
            jsonld::canonical_nquads(&clr).expect("general")
        );
    }
}

#[test]
fn an_endorsement_is_a_valid_endorsement_credential() {
    let endorsement = EndorsementCredential {
        id: "urn:uuid:6f1c3e2a-0d4b-4f5e-9a8b-7c6d5e4f3a2b".into(),
        issuer: Profile::new("https://grad.example.edu", "Graduate School"),
        valid_from: at(),
        valid_until: None,
        name: "Accepted for graduate credit".into(),
        subject_id: "https://badges.example.org/achievements/level-3".into(),
        comment: Some("Accepted for 1 graduate credit hour in Special Education.".into()),
    };
    let signed = proof::sign(
        &endorsement.to_json(),
        &key(),
        &ProofOptions::assertion(KEY, at()),
        &GeneralPath::default(),
    )
    .expect("signed");
    schema::validate(Schema::EndorsementCredential, &signed)
        .expect("valid against the endorsement schema");
    assert_eq!(
        fast::canonical_nquads(&signed).expect("fast"),
        jsonld::canonical_nquads(&signed).expect("general")
    );
}

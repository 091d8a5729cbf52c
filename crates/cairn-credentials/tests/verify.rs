//! The verification report, end to end through the public API: issue a
//! credential as an issuer would (key, profile, status list), then verify
//! it as anyone would, and see each check.

use cairn_credentials::bake::{self, BadgeVersion, Payload};
use cairn_credentials::jsonld::GeneralPath;
use cairn_credentials::keys::{DocumentResolver, SigningKey, multikey_document};
use cairn_credentials::ob3::*;
use cairn_credentials::proof::{self, ProofOptions};
use cairn_credentials::status::{self, StatusList};
use cairn_credentials::verify::{Context, Outcome, Report, verify};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

const ISSUER: &str = "https://badges.example.org/issuers/kucrl";
const KEY_URL: &str = "https://badges.example.org/issuers/kucrl/keys/1";
const LIST_URL: &str = "https://badges.example.org/status/1";

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

struct Issuer {
    key: SigningKey,
    resolver: DocumentResolver,
    list: StatusList,
}

impl Issuer {
    fn new() -> Self {
        let key = SigningKey::from_seed(&[42u8; 32]);
        let mut resolver = DocumentResolver::new();
        resolver
            .add_document(&multikey_document(
                KEY_URL,
                ISSUER,
                &key.public_key_multibase(),
                None,
            ))
            .expect("key document");
        Self {
            key,
            resolver,
            list: StatusList::new(131_072).expect("list"),
        }
    }

    fn credential(&self, valid_until: Option<DateTime<Utc>>) -> Value {
        let mut achievement = Achievement::new(
            "https://badges.example.org/achievements/paraphrasing-1",
            "Paraphrasing Strategy: Professional Learning",
            "Participated in professional learning on the Paraphrasing Strategy.",
            "Attend the workshop and submit a reflection.",
        );
        achievement.achievement_type = Some("MicroCredential".into());
        achievement.credits_available = Some(2.5);
        let credential = OpenBadgeCredential {
            id: "https://badges.example.org/awards/7".into(),
            issuer: Profile::new(ISSUER, "KU Center for Research on Learning"),
            valid_from: now() - Duration::days(30),
            valid_until,
            awarded_date: None,
            name: "Paraphrasing Strategy: Professional Learning".into(),
            description: None,
            image: None,
            subject: AchievementSubject::hashed_email("ana@example.org", "5a1t", achievement),
            evidence: vec![Evidence::named("Workshop reflection")],
            credential_status: Some(CredentialStatus::revocation(LIST_URL, 1234)),
            endorsement: Vec::new(),
        };
        self.sign(&credential.to_json())
    }

    fn sign(&self, doc: &Value) -> Value {
        proof::sign(
            doc,
            &self.key,
            &ProofOptions::assertion(KEY_URL, now() - Duration::days(30)),
            &GeneralPath::default(),
        )
        .expect("signed")
    }

    fn list_credential(&self) -> Value {
        self.sign(&status::list_credential_unsigned(
            LIST_URL,
            ISSUER,
            now() - Duration::days(1),
            &self.list,
        ))
    }

    fn verify(&self, input: &[u8]) -> Report {
        let list = self.list_credential();
        let lookup = move |url: &str| (url == LIST_URL).then(|| list.clone());
        verify(
            input,
            &Context {
                now: now(),
                keys: &self.resolver,
                status_list: &lookup,
                canon: &GeneralPath::default(),
            },
        )
    }
}

fn outcome(report: &Report, id: &str) -> Outcome {
    report
        .check(id)
        .unwrap_or_else(|| panic!("no {id} check in {report:#?}"))
        .outcome
}

#[test]
fn a_good_credential_passes_every_check() {
    let issuer = Issuer::new();
    let credential = issuer.credential(Some(now() + Duration::days(365)));
    let report = issuer.verify(credential.to_string().as_bytes());
    assert!(report.verified(), "{report:#?}");
    for id in [
        "format",
        "structure",
        "issuer-key",
        "proof",
        "validity",
        "revocation",
    ] {
        assert_eq!(outcome(&report, id), Outcome::Passed, "{id}: {report:#?}");
    }
    assert_eq!(report.kind, "Open Badges 3.0 credential");
}

#[test]
fn a_changed_credential_fails_the_proof() {
    let issuer = Issuer::new();
    let mut credential = issuer.credential(None);
    credential["name"] = Value::String("Specialist".into());
    let report = issuer.verify(credential.to_string().as_bytes());
    assert!(!report.verified());
    assert_eq!(outcome(&report, "proof"), Outcome::Failed);
    assert!(
        report
            .check("proof")
            .map(|c| c.reason.contains("changed after signing"))
            .unwrap_or(false)
    );
}

#[test]
fn revoked_and_expired_credentials_say_so() {
    let mut issuer = Issuer::new();
    let expired = issuer.credential(Some(now() - Duration::days(1)));
    let report = issuer.verify(expired.to_string().as_bytes());
    assert_eq!(outcome(&report, "validity"), Outcome::Failed);
    assert_eq!(outcome(&report, "proof"), Outcome::Passed);

    issuer.list.set(1234, true).expect("set");
    let revoked = issuer.credential(None);
    let report = issuer.verify(revoked.to_string().as_bytes());
    assert_eq!(outcome(&report, "revocation"), Outcome::Failed);
    assert!(
        report
            .check("revocation")
            .map(|c| c.reason.starts_with("revoked"))
            .unwrap_or(false)
    );
}

#[test]
fn a_key_of_someone_else_is_refused() {
    let issuer = Issuer::new();
    let mut other = DocumentResolver::new();
    other
        .add_document(&multikey_document(
            KEY_URL,
            "https://evil.example/issuer",
            &issuer.key.public_key_multibase(),
            None,
        ))
        .expect("doc");
    let credential = issuer.credential(None);
    let lookup = |_: &str| None;
    let report = verify(
        credential.to_string().as_bytes(),
        &Context {
            now: now(),
            keys: &other,
            status_list: &lookup,
            canon: &GeneralPath::default(),
        },
    );
    assert_eq!(outcome(&report, "issuer-key"), Outcome::Failed);
    assert_eq!(outcome(&report, "revocation"), Outcome::Skipped);
}

#[test]
fn a_baked_image_is_verified_like_the_credential() {
    let issuer = Issuer::new();
    let credential = issuer.credential(None);
    let svg = bake::bake_svg(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>",
        BadgeVersion::V3,
        &Payload::Json(credential.to_string()),
    )
    .expect("baked");
    let report = issuer.verify(svg.as_bytes());
    assert!(report.verified(), "{report:#?}");
    assert_eq!(
        report.kind,
        "Open Badges 3.0 credential, baked into an SVG image"
    );
}

#[test]
fn garbage_is_explained_not_panicked_on() {
    let issuer = Issuer::new();
    for input in [
        &b"\x89PNG\r\n\x1a\nbroken"[..],
        b"{not json",
        b"[1,2]",
        b"{\"type\": \"Thing\"}",
        &[0xff, 0xfe, 0x00],
    ] {
        let report = issuer.verify(input);
        assert!(!report.verified());
        assert_eq!(outcome(&report, "format"), Outcome::Failed, "{report:#?}");
    }
}

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
                documents: &lookup,
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
            documents: &lookup,
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

mod other_formats {
    use super::*;
    use cairn_credentials::jwt::{self, JwtKey};
    use cairn_credentials::ob2;

    fn report_with(input: &[u8], documents: &[(&str, Value)]) -> Report {
        let docs: Vec<(String, Value)> = documents
            .iter()
            .map(|(u, d)| ((*u).to_owned(), d.clone()))
            .collect();
        let lookup = move |url: &str| docs.iter().find(|(u, _)| u == url).map(|(_, d)| d.clone());
        let none = DocumentResolver::new();
        verify(
            input,
            &Context {
                now: now(),
                keys: &none,
                documents: &lookup,
                canon: &GeneralPath::default(),
            },
        )
    }

    #[test]
    fn a_vc_jwt_is_verified_with_the_issuers_key_set() {
        let key = JwtKey::generate_es256()
            .with_kid("https://badges.example.org/issuers/kucrl/jwks#es256");
        let issuer = Issuer::new();
        let mut credential = issuer.credential(None);
        credential.as_object_mut().expect("object").remove("proof");
        credential
            .as_object_mut()
            .expect("object")
            .remove("credentialStatus");
        let token = jwt::sign_vc_jwt(&credential, &key).expect("signed");
        let jwks = jwt::jwks(&[(&key).into()]);
        let report = report_with(
            token.as_bytes(),
            &[(
                "https://badges.example.org/issuers/kucrl/jwks",
                jwks.clone(),
            )],
        );
        assert!(report.verified(), "{report:#?}");
        assert_eq!(report.kind, "Open Badges 3.0 credential (VC-JWT)");

        let other = JwtKey::generate_es256()
            .with_kid("https://badges.example.org/issuers/kucrl/jwks#es256");
        let forged = jwt::sign_vc_jwt(&credential, &other).expect("signed");
        let report = report_with(
            forged.as_bytes(),
            &[("https://badges.example.org/issuers/kucrl/jwks", jwks)],
        );
        assert_eq!(outcome(&report, "proof"), Outcome::Failed, "{report:#?}");
        let report = report_with(token.as_bytes(), &[]);
        assert_eq!(outcome(&report, "issuer-key"), Outcome::Failed);

        // A token signed by the same key whose payload is something else
        // (its type lacks VerifiableCredential) is not called a credential.
        let mut other_kind = credential.clone();
        other_kind["type"] = serde_json::json!(["LoginToken"]);
        let token = jwt::sign_vc_jwt(&other_kind, &key).expect("signed");
        let report = report_with(
            token.as_bytes(),
            &[(
                "https://badges.example.org/issuers/kucrl/jwks",
                jwt::jwks(&[(&key).into()]),
            )],
        );
        assert!(!report.verified());
        assert_eq!(outcome(&report, "format"), Outcome::Failed, "{report:#?}");
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.reason.contains("carries no Verifiable Credential")),
            "{report:#?}"
        );
    }

    #[test]
    fn open_badges_2_signed_and_hosted_assertions_are_verified() {
        let issuer_id = "https://badges.example.org/ob2/issuers/kucrl";
        let badge_id = "https://badges.example.org/ob2/badges/paraphrasing-1";
        let key_id = "https://badges.example.org/ob2/issuers/kucrl/key";
        let key = JwtKey::generate_rs256().expect("RSA key");
        let mut issuer =
            ob2::Issuer::new(issuer_id, "KU CRL", "https://kucrl.ku.edu", "simpd@ku.edu");
        issuer.public_key = Some(key_id.into());
        let badge = ob2::BadgeClass::new(
            badge_id,
            "Paraphrasing",
            "Professional learning",
            "https://badges.example.org/b.png",
            "Attend",
            issuer_id,
        );
        let recipient = ob2::hashed_email_recipient("ana@example.org", "deadbeef");
        let issued = now() - Duration::days(3);
        let signed = ob2::Assertion::signed(
            "https://badges.example.org/ob2/assertions/1",
            badge_id,
            key_id,
            recipient.clone(),
            issued,
        )
        .to_json()
        .expect("json");
        let token = ob2::sign_assertion(&signed, &key).expect("signed");
        let docs = [
            (issuer_id, issuer.to_json()),
            (badge_id, badge.to_json()),
            (
                key_id,
                ob2::CryptographicKey::for_key(key_id, issuer_id, &key)
                    .expect("key")
                    .to_json(),
            ),
        ];
        let report = report_with(token.as_bytes(), &docs);
        assert!(report.verified(), "{report:#?}");
        assert_eq!(report.kind, "Open Badges 2.0 signed assertion");

        let hosted_id = "https://badges.example.org/ob2/assertions/2";
        let hosted = ob2::Assertion::hosted(hosted_id, badge_id, issuer_id, recipient, issued)
            .to_json()
            .expect("json");
        let mut with_hosted: Vec<(&str, Value)> = docs.to_vec();
        with_hosted.push((hosted_id, hosted.clone()));
        let report = report_with(hosted.to_string().as_bytes(), &with_hosted);
        assert!(report.verified(), "{report:#?}");
        let mut changed = hosted.clone();
        changed["issuedOn"] = Value::String("2020-01-01T00:00:00Z".into());
        let report = report_with(changed.to_string().as_bytes(), &with_hosted);
        assert_eq!(outcome(&report, "proof"), Outcome::Failed);
    }
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever a person uploads, the verifier answers with a report.
        #[test]
        fn arbitrary_bytes_get_a_report(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let issuer = Issuer::new();
            let report = issuer.verify(&bytes);
            prop_assert!(!report.verified());
        }

        /// Credentials with fields replaced by arbitrary JSON never panic
        /// the verifier or the fast path.
        #[test]
        fn mangled_credentials_get_a_report(field in prop::sample::select(vec!["issuer", "credentialSubject", "proof", "validFrom", "@context", "type", "credentialStatus"]), value in arbitrary_json()) {
            let issuer = Issuer::new();
            let mut credential = issuer.credential(None);
            credential[field] = value;
            let _ = cairn_credentials::fast::canonical_nquads(&credential);
            let report = issuer.verify(credential.to_string().as_bytes());
            prop_assert!(!report.checks.is_empty());
        }
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,20}".prop_map(Value::String),
            Just(Value::String("https://www.w3.org/ns/credentials/v2".into())),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z@]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}

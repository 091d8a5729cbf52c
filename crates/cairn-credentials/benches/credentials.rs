//! How fast Cairn signs and verifies Open Badges, single-threaded, on a
//! realistic credential (rubric results, three evidence items, ~4 KB).
//!
//! `cargo bench -p cairn-credentials`; see docs/benchmarks.md for the
//! figures and the comparison with the Digital Bazaar stack in Node.

use cairn_credentials::fast::Auto;
use cairn_credentials::jsonld::GeneralPath;
use cairn_credentials::keys::SigningKey;
use cairn_credentials::ob3::*;
use cairn_credentials::proof::{self, ProofOptions};
use chrono::DateTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The credential the benchmark signs: what an award of a rubric-scored
/// micro-credential with three pieces of public evidence looks like.
pub fn realistic_credential() -> serde_json::Value {
    let mut achievement = Achievement::new(
        "https://badges.example.org/achievements/0b6a2c1e-paraphrasing-fidelity",
        "Paraphrasing Strategy: Fidelity of Implementation",
        "The educator has taught students the Paraphrasing Strategy with fidelity, using the SIM instructional sequence.",
        "Submit a video of instruction, three samples of student work and a reflection; a reviewer scores them against the rubric.",
    );
    achievement.achievement_type = Some("MicroCredential".into());
    achievement.credits_available = Some(2.5);
    achievement.tag = vec![
        "SIM".into(),
        "Learning Strategies".into(),
        "Literacy".into(),
    ];
    achievement.version = Some("3".into());
    achievement.image = Some(Image::new(
        "https://badges.example.org/achievements/0b6a2c1e/image.png",
        Some("Badge".into()),
    ));
    let mut alignment = Alignment::new(
        "Reading comprehension",
        "https://standards.example.org/ela/rc-6-1",
    );
    alignment.target_code = Some("RC.6.1".into());
    alignment.target_framework = Some("State ELA Standards".into());
    achievement.alignment = vec![alignment];
    achievement.result_description = ["Instruction", "Student practice", "Reflection"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let levels = ["Beginning", "Developing", "Proficient", "Exemplary"]
                .iter()
                .enumerate()
                .map(|(j, level)| {
                    let mut l = RubricCriterionLevel::new(
                        format!("https://badges.example.org/rubrics/7/c{i}/l{j}"),
                        *level,
                    );
                    l.points = Some(j.to_string());
                    l
                })
                .collect();
            let mut rd = ResultDescription::rubric_criterion(
                format!("https://badges.example.org/rubrics/7/c{i}"),
                *name,
                levels,
            );
            rd.required_level = Some(format!("https://badges.example.org/rubrics/7/c{i}/l2"));
            rd
        })
        .collect();
    let results = (0..3)
        .map(|i| {
            ResultAchieved::new(
                format!("https://badges.example.org/rubrics/7/c{i}"),
                format!("https://badges.example.org/rubrics/7/c{i}/l3"),
            )
        })
        .collect();
    let mut subject =
        AchievementSubject::hashed_email("ana.lopez@example.org", "b7c1d2e3f4a5", achievement);
    subject.result = results;
    subject.credits_earned = Some(2.5);
    let mut issuer = Profile::new(
        "https://badges.example.org/issuers/kucrl",
        "KU Center for Research on Learning",
    );
    issuer.url = Some("https://kucrl.ku.edu".into());
    issuer.email = Some("simpd@ku.edu".into());
    OpenBadgeCredential {
        id: "https://badges.example.org/awards/4f0f7c53-9f1e-4d3c-b7a1-2c9d0e8f6a11".into(),
        issuer,
        valid_from: DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
        valid_until: Some(DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default()),
        awarded_date: Some(DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()),
        name: "Paraphrasing Strategy: Fidelity of Implementation".into(),
        description: Some("Awarded for teaching the Paraphrasing Strategy with fidelity.".into()),
        image: Some(Image::new(
            "https://badges.example.org/awards/4f0f7c53/image.png",
            None,
        )),
        subject,
        evidence: (1..=3)
            .map(|i| {
                let mut e = Evidence::named(format!("Evidence {i}"));
                e.id = Some(format!(
                    "https://badges.example.org/awards/4f0f7c53/evidence/{i}"
                ));
                e.narrative = Some(
                    "Video of instruction with the class, and notes on adaptations made.".into(),
                );
                e.genre = Some("Video".into());
                e
            })
            .collect(),
        credential_status: Some(CredentialStatus::revocation(
            "https://badges.example.org/status/1",
            94567,
        )),
        endorsement: Vec::new(),
    }
    .to_json()
}

fn signing(c: &mut Criterion) {
    let doc = realistic_credential();
    let key = SigningKey::from_seed(&[7u8; 32]);
    let options = ProofOptions::assertion(
        "https://badges.example.org/issuers/kucrl/keys/1",
        DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
    );
    let signed = proof::sign(&doc, &key, &options, &Auto).expect("signed");
    let public = key.verifying_key();

    let mut group = c.benchmark_group("eddsa-rdfc-2022");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign (fast path)", |b| {
        b.iter(|| proof::sign(black_box(&doc), &key, &options, &Auto).expect("signed"))
    });
    group.bench_function("verify (fast path)", |b| {
        b.iter(|| proof::verify(black_box(&signed), &public, &Auto).expect("verified"))
    });
    group.sample_size(10);
    group.bench_function("sign (general path)", |b| {
        b.iter(|| {
            proof::sign(black_box(&doc), &key, &options, &GeneralPath::default()).expect("signed")
        })
    });
    group.finish();
}

fn vc_jwt(c: &mut Criterion) {
    use cairn_credentials::jwt::{self, JwtKey};
    let doc = realistic_credential();
    let key = JwtKey::generate_rs256()
        .expect("RSA key")
        .with_kid("https://badges.example.org/issuers/kucrl/jwks#rs256");
    let keys = jwt::jwks(&[(&key).into()]);
    let token = jwt::sign_vc_jwt(&doc, &key).expect("signed");
    let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let mut group = c.benchmark_group("vc-jwt RS256");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| jwt::sign_vc_jwt(black_box(&doc), &key).expect("signed"))
    });
    group.bench_function("verify", |b| {
        b.iter(|| jwt::verify_vc_jwt(black_box(&token), &keys, now).expect("verified"))
    });
    group.finish();
}

/// A 50 KB PNG: a header, one data chunk of noise, the end chunk.
fn png_50kb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&128u32.to_be_bytes());
    ihdr.extend_from_slice(&128u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..50_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    chunk(&mut png, b"IDAT", &noise);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn baking(c: &mut Criterion) {
    use cairn_credentials::bake::{self, BadgeVersion, Payload};
    let png = png_50kb();
    let payload = Payload::Json(realistic_credential().to_string());
    let baked = bake::bake_png(&png, BadgeVersion::V3, &payload).expect("baked");
    let mut group = c.benchmark_group("baking a 50 KB PNG");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bake", |b| {
        b.iter(|| bake::bake_png(black_box(&png), BadgeVersion::V3, &payload).expect("baked"))
    });
    group.bench_function("unbake", |b| {
        b.iter(|| bake::unbake(black_box(&baked)).expect("unbaked"))
    });
    group.finish();
}

criterion_group!(benches, signing, vc_jwt, baking);
criterion_main!(benches);

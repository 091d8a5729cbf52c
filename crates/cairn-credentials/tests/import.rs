//! Importing achievements: the Open Badges 2.0 and 3.0 specifications' own
//! examples, hand-written BadgeClasses, Achievements and wrappers, and the
//! documents that must be refused with a message a person understands.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cairn_credentials::import::{
    ImportError, ImportedAchievement, ImportedAlignment, ImportedImage, ImportedRubricLevel,
    MAX_DOCUMENT_BYTES, MAX_ITEMS, MAX_LINE_CHARS, Source, parse_achievement,
    parse_achievement_bytes,
};
use serde_json::{Value, json};

/// A 1×1 PNG.
const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;

fn testdata(path: &str) -> Vec<u8> {
    let full = format!("{}/../../testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn import_file(path: &str) -> ImportedAchievement {
    parse_achievement_bytes(&testdata(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import(doc: &Value) -> ImportedAchievement {
    parse_achievement(doc).unwrap_or_else(|e| panic!("{e}"))
}

fn refuse(doc: &Value) -> ImportError {
    match parse_achievement(doc) {
        Ok(imported) => panic!("accepted: {imported:?}"),
        Err(e) => e,
    }
}

fn refuse_bytes(bytes: &[u8]) -> ImportError {
    match parse_achievement_bytes(bytes) {
        Ok(imported) => panic!("accepted: {imported:?}"),
        Err(e) => e,
    }
}

fn badge_class() -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "BadgeClass",
        "id": "https://badges.example.org/badges/rust-101",
        "name": "Rust 101",
        "description": "Writes safe, idiomatic Rust.",
        "image": "https://badges.example.org/badges/rust-101.png",
        "criteria": "https://badges.example.org/badges/rust-101/criteria",
        "issuer": "https://badges.example.org/issuer"
    })
}

fn achievement() -> Value {
    json!({
        "id": "https://badges.example.org/achievements/sim-2",
        "type": ["Achievement"],
        "name": "Simulation, level 2",
        "description": "Runs a clinical simulation with a team.",
        "criteria": {"narrative": "Lead two simulations, assessed with the rubric."}
    })
}

// ---------------------------------------------------------------------------
// The specifications' examples

#[test]
fn the_ob2_badgeclass_example_is_read_whole() {
    let imported = import_file("ob2/examples/badgeclass.json");
    assert_eq!(imported.source, Source::Ob2BadgeClass);
    assert_eq!(
        imported.id.as_deref(),
        Some("https://example.org/robotics-badge.json")
    );
    assert_eq!(imported.name, "Awesome Robotics Badge");
    assert_eq!(
        imported.description,
        "For doing awesome things with robots that people think is pretty great."
    );
    assert_eq!(
        imported.criteria_url.as_deref(),
        Some("https://example.org/robotics-badge.html")
    );
    assert_eq!(imported.criteria_narrative, None);
    assert_eq!(
        imported.image,
        Some(ImportedImage::Url(
            "https://example.org/robotics-badge.png".into()
        ))
    );
    assert_eq!(imported.tags, ["robots", "awesome"]);
    assert_eq!(imported.issuer_name, None, "the issuer is only a URL");
    assert_eq!(
        imported.alignments,
        [
            ImportedAlignment {
                target_name: "CCSS.ELA-Literacy.RST.11-12.3".into(),
                target_url: "http://www.corestandards.org/ELA-Literacy/RST/11-12/3".into(),
                target_framework: None,
                target_code: Some("CCSS.ELA-Literacy.RST.11-12.3".into()),
                target_description: Some(
                    "Follow precisely a complex multistep procedure when carrying out experiments, taking measurements, or performing technical tasks; analyze the specific results based on explanations in the text.".into()
                ),
            },
            ImportedAlignment {
                target_name: "Problem-Solving".into(),
                target_url:
                    "https://learning.mozilla.org/en-US/web-literacy/skills#problem-solving".into(),
                target_framework: Some("Mozilla 21st Century Skills".into()),
                target_code: None,
                target_description: Some(
                    "Using research, analysis, rapid prototyping, and feedback to formulate a problem and develop, test, and refine the solution/plan.".into()
                ),
            },
        ]
    );
    assert_eq!(imported.achievement_type, None);
    assert_eq!(imported.credits_available, None);
    assert_eq!(imported.rubric, None);
}

#[test]
fn the_ob2_assertion_example_with_an_embedded_badgeclass_gives_the_badgeclass() {
    let imported = import_file("ob2/examples/assertion-embedded-badgeclass.json");
    assert_eq!(imported.source, Source::Ob2BadgeClass);
    assert_eq!(
        imported.id.as_deref(),
        Some("https://example.org/robotics-badge.json")
    );
    assert_eq!(imported.name, "Awesome Robotics Badge");
    assert_eq!(
        imported.issuer_name.as_deref(),
        Some("An Example Badge Issuer")
    );
    assert_eq!(
        imported.criteria_url.as_deref(),
        Some("https://example.org/robotics-badge.html")
    );
}

#[test]
fn the_ob2_hosted_assertion_example_names_its_badge_only_by_url() {
    let error = refuse_bytes(&testdata("ob2/examples/assertion-hosted.json"));
    assert!(
        matches!(
            &error,
            ImportError::OnlyReferenced { container: "Assertion", kind: Source::Ob2BadgeClass, url }
                if url == "https://example.org/robotics-badge.json"
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "this Assertion refers to its BadgeClass only by URL \
         (https://example.org/robotics-badge.json); fetch the BadgeClass from there first \
         and import that document"
    );
}

#[test]
fn the_complete_ob3_credential_example_gives_its_achievement() {
    let imported = import_file("ob3/examples/fullOpenBadge.json");
    assert_eq!(imported.source, Source::Ob3Achievement);
    assert_eq!(
        imported.id.as_deref(),
        Some("https://1edtech.edu/achievements/degree")
    );
    assert_eq!(imported.name, "1EdTech University Degree");
    assert_eq!(
        imported.description,
        "1EdTech University Degree Description"
    );
    assert_eq!(
        imported.criteria_narrative.as_deref(),
        Some("# Degree Requirements\nStudents must complete...")
    );
    assert_eq!(
        imported.criteria_url.as_deref(),
        Some("https://1edtech.edu/achievements/degree")
    );
    assert_eq!(
        imported.image,
        Some(ImportedImage::Url(
            "https://1edtech.edu/achievements/degree/image".into()
        ))
    );
    assert_eq!(imported.tags, ["research", "computer science"]);
    assert_eq!(imported.achievement_type.as_deref(), Some("Degree"));
    assert_eq!(imported.credits_available, Some(36.0));
    assert_eq!(imported.human_code.as_deref(), Some("R1"));
    assert_eq!(imported.field_of_study.as_deref(), Some("Research"));
    assert_eq!(imported.issuer_name.as_deref(), Some("1EdTech University"));

    assert_eq!(imported.alignments.len(), 2);
    assert_eq!(
        imported.alignments[1],
        ImportedAlignment {
            target_name: "1EdTech University Degree".into(),
            target_url:
                "https://credentialengineregistry.org/resources/ce-98cb027b-95ef-4494-908d-6f7790ec6b6b"
                    .into(),
            target_framework: Some("1EdTech University Program and Course Catalog".into()),
            target_code: Some("degree".into()),
            target_description: Some("1EdTech University Degree programs.".into()),
        }
    );

    // Three result descriptions: a letter grade, a rubric criterion and a
    // status. Only the rubric criterion is a rubric.
    let rubric = imported.rubric.expect("a rubric");
    assert_eq!(rubric.criteria.len(), 1);
    let criterion = &rubric.criteria[0];
    assert_eq!(
        criterion.id.as_deref(),
        Some("urn:uuid:a70ddc6a-4c4a-4bd8-8277-cb97c79f40c5")
    );
    assert_eq!(criterion.name, "Final Project Grade");
    assert_eq!(
        criterion.required_level.as_deref(),
        Some("urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a")
    );
    assert_eq!(
        criterion.levels,
        [
            ImportedRubricLevel {
                id: Some("urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a".into()),
                name: "Mastery".into(),
                level: Some("Mastered".into()),
                description: Some("The author demonstrated...".into()),
                points: Some("4".into()),
            },
            ImportedRubricLevel {
                id: Some("urn:uuid:6b84b429-31ee-4dac-9d20-e5c55881f80e".into()),
                name: "Basic".into(),
                level: Some("Basic".into()),
                description: Some("The author demonstrated...".into()),
                points: Some("4".into()),
            },
        ]
    );
}

#[test]
fn the_basic_ob3_credential_examples_give_their_achievements() {
    for path in [
        "ob3/examples/basicOpenBadgeCredential.json",
        "ob3/examples/achievementAlignmentCase.json",
    ] {
        let imported = import_file(path);
        assert_eq!(imported.source, Source::Ob3Achievement, "{path}");
        assert_eq!(imported.rubric, None, "{path}");
        assert_eq!(imported.issuer_name, None, "{path}: no creator");
    }
    let teamwork = import_file("ob3/examples/basicOpenBadgeCredential.json");
    assert_eq!(teamwork.name, "Teamwork");
    assert_eq!(
        teamwork.criteria_narrative.as_deref(),
        Some(
            "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."
        )
    );
    assert_eq!(teamwork.criteria_url, None);
    assert_eq!(teamwork.image, None);

    let case = import_file("ob3/examples/achievementAlignmentCase.json");
    assert_eq!(case.name, "Text analysis");
    assert_eq!(
        case.alignments,
        [ImportedAlignment {
            target_name: "Cite strong and thorough textual evidence to support analysis of what the text says explicitly as well as inferences drawn from the text, including determining where the text leaves matters uncertain".into(),
            target_url: "https://caseregistry.imsglobal.org/uri/74f5bb7d-d7cc-11e8-824f-0242ac160002".into(),
            target_framework: Some("Alabama Course of Study: English Language Arts".into()),
            target_code: Some("74f5bb7d-d7cc-11e8-824f-0242ac160002".into()),
            target_description: None,
        }]
    );
}

#[test]
fn the_signed_credential_of_the_ob3_test_vector_gives_its_achievement() {
    let vector: Value = serde_json::from_slice(&testdata("ob3/canon-vectors/obv3p0/vector.json"))
        .expect("the vector is JSON");
    let imported = import(&vector["signedCredential"]);
    assert_eq!(imported.source, Source::Ob3Achievement);
    assert_eq!(
        imported.id.as_deref(),
        Some("https://example.com/achievements/21st-century-skills/teamwork")
    );
    assert_eq!(imported.name, "Teamwork");
    assert_eq!(
        imported.description,
        "This badge recognizes the development of the capacity to collaborate within a group environment."
    );
}

// ---------------------------------------------------------------------------
// Open Badges 2.0 BadgeClasses

#[test]
fn an_ob2_badgeclass_with_a_criteria_url_and_no_context() {
    let mut doc = badge_class();
    doc.as_object_mut()
        .map(|m| m.remove("@context"))
        .expect("an object");
    let imported = import(&doc);
    assert_eq!(imported.source, Source::Ob2BadgeClass);
    assert_eq!(imported.name, "Rust 101");
    assert_eq!(
        imported.criteria_url.as_deref(),
        Some("https://badges.example.org/badges/rust-101/criteria")
    );
    assert_eq!(imported.criteria_narrative, None);
    assert_eq!(
        imported.image,
        Some(ImportedImage::Url(
            "https://badges.example.org/badges/rust-101.png".into()
        ))
    );
    assert!(imported.tags.is_empty());
    assert!(imported.alignments.is_empty());
    assert_eq!(imported.issuer_name, None);
}

#[test]
fn an_ob2_badgeclass_with_a_criteria_object_alignments_and_tags() {
    let mut doc = badge_class();
    doc["name"] = json!("  Rust 101 \n");
    doc["criteria"] = json!({
        "id": "https://badges.example.org/badges/rust-101/criteria",
        "narrative": "  1. Pass the **exam**.\n2. Review a pull request.  "
    });
    doc["image"] = json!({
        "id": "https://badges.example.org/badges/rust-101.svg",
        "caption": "A crab"
    });
    doc["tags"] = json!(["rust", " Systems ", "RUST", "", "systems", "safety"]);
    doc["alignment"] = json!([
        {
            "targetName": "Programming in Rust",
            "targetUrl": "https://esco.example.eu/skill/rust",
            "targetFramework": "ESCO",
            "targetCode": "S1.2.3",
            "targetDescription": "Writes programs in Rust."
        },
        {"targetName": "Code review", "targetUrl": "https://skills.example.org/review"}
    ]);
    doc["issuer"] = json!({
        "type": "Issuer",
        "id": "https://badges.example.org/issuer",
        "name": " Example Academy ",
        "url": "https://badges.example.org",
        "email": "badges@example.org"
    });
    let imported = import(&doc);
    assert_eq!(imported.name, "Rust 101");
    assert_eq!(
        imported.criteria_narrative.as_deref(),
        Some("1. Pass the **exam**.\n2. Review a pull request.")
    );
    assert_eq!(
        imported.criteria_url.as_deref(),
        Some("https://badges.example.org/badges/rust-101/criteria")
    );
    assert_eq!(
        imported.image,
        Some(ImportedImage::Url(
            "https://badges.example.org/badges/rust-101.svg".into()
        ))
    );
    assert_eq!(imported.tags, ["rust", "Systems", "safety"]);
    assert_eq!(
        imported.alignments,
        [
            ImportedAlignment {
                target_name: "Programming in Rust".into(),
                target_url: "https://esco.example.eu/skill/rust".into(),
                target_framework: Some("ESCO".into()),
                target_code: Some("S1.2.3".into()),
                target_description: Some("Writes programs in Rust.".into()),
            },
            ImportedAlignment {
                target_name: "Code review".into(),
                target_url: "https://skills.example.org/review".into(),
                target_framework: None,
                target_code: None,
                target_description: None,
            },
        ]
    );
    assert_eq!(imported.issuer_name.as_deref(), Some("Example Academy"));
}

#[test]
fn a_single_alignment_or_tag_need_not_be_in_an_array() {
    let mut doc = badge_class();
    doc["tags"] = json!("rust");
    doc["alignment"] = json!({
        "targetName": "Programming in Rust",
        "targetUrl": "https://esco.example.eu/skill/rust"
    });
    let imported = import(&doc);
    assert_eq!(imported.tags, ["rust"]);
    assert_eq!(imported.alignments.len(), 1);
}

#[test]
fn an_ob2_badgeclass_with_a_base64_png_data_uri() {
    let mut doc = badge_class();
    doc["image"] = json!(format!("data:image/png;base64,{PNG_BASE64}"));
    let imported = import(&doc);
    let Some(ImportedImage::Data { media_type, bytes }) = imported.image else {
        panic!("not data: {:?}", imported.image);
    };
    assert_eq!(media_type, "image/png");
    assert_eq!(bytes, STANDARD.decode(PNG_BASE64).expect("base64"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn svg_data_uris_may_be_percent_encoded_or_base64() {
    let percent = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        SVG.replace('<', "%3C")
            .replace('>', "%3E")
            .replace('"', "%22")
            .replace(' ', "%20")
    );
    let base64 = format!("DATA:Image/SVG+XML;base64,{}", STANDARD.encode(SVG));
    let unpadded = format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(SVG).trim_end_matches('=')
    );
    for uri in [percent, base64, unpadded] {
        let mut doc = achievement();
        doc["image"] = json!({"id": uri, "type": "Image"});
        let imported = import(&doc);
        assert_eq!(
            imported.image,
            Some(ImportedImage::Data {
                media_type: "image/svg+xml".into(),
                bytes: SVG.as_bytes().to_vec(),
            }),
            "{uri}"
        );
    }
}

// ---------------------------------------------------------------------------
// Open Badges 3.0 Achievements

#[test]
fn an_ob3_achievement_with_alignments_credits_tags_and_a_rubric() {
    let doc = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "https://badges.example.org/achievements/sim-2",
        "type": "Achievement",
        "name": {"en": "Simulation, level 2", "nl": "Simulatie, niveau 2"},
        "description": {"@value": "Runs a clinical simulation with a team.", "@language": "en"},
        "achievementType": "MicroCredential",
        "criteria": {
            "id": "urn:uuid:6a1b0c1e-8f0e-4f5e-9d55-1d3c3a4d1b2e",
            "narrative": "Lead two simulations, assessed with the rubric."
        },
        "creditsAvailable": 2.5,
        "humanCode": "SIM-2",
        "fieldOfStudy": "Nursing",
        "tag": ["simulation", "teamwork", "Simulation"],
        "creator": {
            "id": "https://badges.example.org/issuer",
            "type": ["Profile"],
            "name": "KU CRL"
        },
        "alignment": [{
            "type": ["Alignment"],
            "targetName": "Teamwork in care",
            "targetUrl": "https://competencies.example.org/teamwork",
            "targetType": "CFItem",
            "targetCode": "T-1"
        }],
        "resultDescription": [
            {
                "id": "https://badges.example.org/achievements/sim-2/rubric/communication",
                "type": ["ResultDescription"],
                "name": "Communication",
                "resultType": "RubricCriterionLevel",
                "requiredLevel": "https://badges.example.org/achievements/sim-2/rubric/communication/2",
                "rubricCriterionLevel": [
                    {
                        "id": "https://badges.example.org/achievements/sim-2/rubric/communication/1",
                        "type": ["RubricCriterionLevel"],
                        "name": "Beginning",
                        "description": "Speaks when asked.",
                        "level": "1",
                        "points": "1"
                    },
                    {
                        "id": "https://badges.example.org/achievements/sim-2/rubric/communication/2",
                        "type": ["RubricCriterionLevel"],
                        "name": "Proficient",
                        "description": "Closes the loop on every instruction.",
                        "level": "2",
                        "points": 3
                    }
                ]
            },
            {
                "id": "https://badges.example.org/achievements/sim-2/grade",
                "type": ["ResultDescription"],
                "name": "Grade",
                "resultType": "LetterGrade",
                "allowedValue": ["A", "B", "C"]
            },
            {
                "id": "https://badges.example.org/achievements/sim-2/rubric/safety",
                "type": ["ResultDescription"],
                "name": "Safety",
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": {
                    "id": "https://badges.example.org/achievements/sim-2/rubric/safety/1",
                    "type": ["RubricCriterionLevel"],
                    "name": "Safe"
                }
            }
        ]
    });
    let imported = import(&doc);
    assert_eq!(imported.source, Source::Ob3Achievement);
    assert_eq!(imported.name, "Simulation, level 2");
    assert_eq!(
        imported.description,
        "Runs a clinical simulation with a team."
    );
    assert_eq!(
        imported.achievement_type.as_deref(),
        Some("MicroCredential")
    );
    assert_eq!(
        imported.criteria_narrative.as_deref(),
        Some("Lead two simulations, assessed with the rubric.")
    );
    assert_eq!(imported.criteria_url, None, "a urn is not a web page");
    assert_eq!(imported.credits_available, Some(2.5));
    assert_eq!(imported.human_code.as_deref(), Some("SIM-2"));
    assert_eq!(imported.field_of_study.as_deref(), Some("Nursing"));
    assert_eq!(imported.tags, ["simulation", "teamwork"]);
    assert_eq!(imported.issuer_name.as_deref(), Some("KU CRL"));
    assert_eq!(
        imported.alignments,
        [ImportedAlignment {
            target_name: "Teamwork in care".into(),
            target_url: "https://competencies.example.org/teamwork".into(),
            target_framework: None,
            target_code: Some("T-1".into()),
            target_description: None,
        }]
    );

    let rubric = imported.rubric.expect("a rubric");
    let names: Vec<&str> = rubric.criteria.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Communication", "Safety"]);
    let communication = &rubric.criteria[0];
    assert_eq!(
        communication.required_level.as_deref(),
        Some("https://badges.example.org/achievements/sim-2/rubric/communication/2")
    );
    assert_eq!(
        communication.levels[0],
        ImportedRubricLevel {
            id: Some("https://badges.example.org/achievements/sim-2/rubric/communication/1".into()),
            name: "Beginning".into(),
            level: Some("1".into()),
            description: Some("Speaks when asked.".into()),
            points: Some("1".into()),
        }
    );
    assert_eq!(communication.levels[1].points.as_deref(), Some("3"));
    let safety = &rubric.criteria[1];
    assert_eq!(safety.required_level, None);
    assert_eq!(safety.levels.len(), 1);
    assert_eq!(safety.levels[0].name, "Safe");
    assert_eq!(safety.levels[0].points, None);
}

#[test]
fn an_ob3_credential_wrapper_gives_its_embedded_achievement() {
    let doc = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:2f1e4a10-3a4f-4c39-9a55-0a3c5e7e8b01",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {"id": "https://badges.example.org/issuer", "type": ["Profile"], "name": "KU CRL"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Simulation, level 2",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": achievement()
        }
    });
    let imported = import(&doc);
    assert_eq!(imported.source, Source::Ob3Achievement);
    assert_eq!(
        imported.id.as_deref(),
        Some("https://badges.example.org/achievements/sim-2")
    );
    assert_eq!(imported.name, "Simulation, level 2");
    assert_eq!(
        imported.issuer_name, None,
        "the credential's issuer is not the achievement's creator"
    );
}

#[test]
fn the_same_document_reads_the_same_from_bytes_with_a_byte_order_mark() {
    let doc = achievement();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec_pretty(&doc).expect("serialised"));
    assert_eq!(
        parse_achievement_bytes(&bytes).expect("imported"),
        import(&doc)
    );
}

// ---------------------------------------------------------------------------
// Refused

#[test]
fn text_that_is_not_json_is_refused() {
    let error = refuse_bytes(b"name: Rust 101");
    assert!(matches!(error, ImportError::NotJson(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("this is not JSON: "),
        "{error}"
    );

    assert_eq!(
        refuse_bytes(b"  \n").to_string(),
        "this is not JSON: the file is empty"
    );
    assert!(
        refuse_bytes(b"eyJhbGciOiJSUzI1NiJ9.eyJ0eXBlIjoiQXNzZXJ0aW9uIn0.c2ln")
            .to_string()
            .contains("signed JWT"),
    );
    let png = STANDARD.decode(PNG_BASE64).expect("base64");
    assert!(refuse_bytes(&png).to_string().contains("PNG image"));
    assert!(
        refuse_bytes(SVG.as_bytes())
            .to_string()
            .contains("XML or SVG")
    );
}

#[test]
fn json_that_is_not_an_object_is_refused() {
    let error = refuse(&json!([badge_class()]));
    assert!(
        matches!(error, ImportError::NotAnObject { found: "array" }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "this is a JSON array, not an Open Badges BadgeClass or Achievement \
         (one JSON object is expected)"
    );
    let error = refuse_bytes(b"\"https://example.org/badge.json\"");
    assert!(
        matches!(error, ImportError::NotAnObject { found: "string" }),
        "{error:?}"
    );
}

#[test]
fn a_document_of_another_type_is_refused() {
    let mut doc = badge_class();
    doc["type"] = json!("Foo");
    assert_eq!(
        refuse(&doc).to_string(),
        "this is not an Open Badges BadgeClass or Achievement (type is \"Foo\")"
    );
    doc["type"] = json!(["VerifiableCredential", "EndorsementCredential"]);
    assert_eq!(
        refuse(&doc).to_string(),
        "this is not an Open Badges BadgeClass or Achievement \
         (type is [\"VerifiableCredential\",\"EndorsementCredential\"])"
    );
    doc.as_object_mut()
        .map(|m| m.remove("type"))
        .expect("an object");
    assert_eq!(
        refuse(&doc).to_string(),
        "this is not an Open Badges BadgeClass or Achievement (it has no type)"
    );
}

#[test]
fn a_badgeclass_or_achievement_without_a_name_is_refused() {
    let mut doc = badge_class();
    doc.as_object_mut()
        .map(|m| m.remove("name"))
        .expect("an object");
    let error = refuse(&doc);
    assert!(
        matches!(&error, ImportError::Missing { document: Source::Ob2BadgeClass, field } if field == "name"),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "the BadgeClass has no name");

    let mut doc = achievement();
    doc["name"] = json!("   ");
    assert_eq!(refuse(&doc).to_string(), "the Achievement has no name");
    doc["name"] = json!(42);
    assert_eq!(
        refuse(&doc).to_string(),
        "the Achievement's name is not text"
    );

    let mut doc = achievement();
    doc["description"] = Value::Null;
    assert_eq!(
        refuse(&doc).to_string(),
        "the Achievement has no description"
    );
}

#[test]
fn a_gif_data_uri_is_refused_naming_its_type() {
    let mut doc = badge_class();
    doc["image"] = json!("data:image/gif;base64,R0lGODlhAQABAAAAACw=");
    let error = refuse(&doc);
    assert!(
        matches!(&error, ImportError::UnsupportedImageType { media_type } if media_type == "image/gif"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "image type image/gif is not supported; use PNG or SVG"
    );
}

#[test]
fn image_data_that_is_not_what_it_claims_or_not_base64_is_refused() {
    let mut doc = badge_class();
    doc["image"] = json!("data:image/png;base64,R0lGODlhAQABAAAAACw=");
    let error = refuse(&doc);
    assert!(matches!(error, ImportError::BadImageData(_)), "{error:?}");
    assert!(error.to_string().contains("not a PNG image"), "{error}");

    doc["image"] = json!("data:image/png;base64,not*base64");
    assert!(matches!(refuse(&doc), ImportError::BadImageData(_)));

    doc["image"] = json!("data:image/png");
    assert!(matches!(refuse(&doc), ImportError::BadImageData(_)));

    doc["image"] = json!("data:,hello");
    assert_eq!(
        refuse(&doc).to_string(),
        "image type text/plain is not supported; use PNG or SVG"
    );
}

#[test]
fn urls_that_are_not_web_addresses_are_refused() {
    let mut doc = badge_class();
    doc["image"] = json!("javascript:alert(1)");
    assert_eq!(
        refuse(&doc).to_string(),
        "the BadgeClass's image is not a web address (http or https): javascript:alert(1)"
    );

    let mut doc = badge_class();
    doc["alignment"] = json!([
        {"targetName": "A", "targetUrl": "https://example.org/a"},
        {"targetName": "B", "targetUrl": "ftp://example.org/b"}
    ]);
    assert_eq!(
        refuse(&doc).to_string(),
        "the BadgeClass's targetUrl in alignment 2 is not a web address (http or https): \
         ftp://example.org/b"
    );

    doc["alignment"] = json!([{"targetName": "A"}]);
    assert_eq!(
        refuse(&doc).to_string(),
        "the BadgeClass has no targetUrl in alignment 1"
    );
}

#[test]
fn a_wrapper_that_names_its_badge_only_by_url_is_refused() {
    let doc = json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/assertions/1",
        "badge": "https://badges.example.org/badges/rust-101",
        "recipient": {"type": "email", "hashed": false, "identity": "ana@example.org"},
        "verification": {"type": "hosted"},
        "issuedOn": "2026-01-01T00:00:00Z"
    });
    let error = refuse(&doc);
    assert!(
        matches!(error, ImportError::OnlyReferenced { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("fetch the BadgeClass"),
        "{error}"
    );

    let doc = json!({
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": "https://badges.example.org/achievements/sim-2"
        }
    });
    assert_eq!(
        refuse(&doc).to_string(),
        "this OpenBadgeCredential refers to its Achievement only by URL \
         (https://badges.example.org/achievements/sim-2); fetch the Achievement from there \
         first and import that document"
    );
}

#[test]
fn a_wrapper_without_an_achievement_or_with_another_type_is_refused() {
    let doc = json!({
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"type": ["AchievementSubject"]}
    });
    assert_eq!(
        refuse(&doc).to_string(),
        "this OpenBadgeCredential has no credentialSubject.achievement, \
         so there is no Achievement in it to import"
    );
    let doc = json!({
        "type": "Assertion",
        "badge": {"type": "Issuer", "name": "Example"}
    });
    assert_eq!(
        refuse(&doc).to_string(),
        "the badge of this Assertion is not a BadgeClass (type is \"Issuer\")"
    );
}

#[test]
fn oversized_documents_and_absurd_values_are_refused() {
    let mut doc = badge_class();
    doc["description"] = json!("x".repeat(MAX_DOCUMENT_BYTES));
    let bytes = serde_json::to_vec(&doc).expect("serialised");
    let error = refuse_bytes(&bytes);
    assert!(
        matches!(error, ImportError::DocumentTooLarge { bytes: n, limit: MAX_DOCUMENT_BYTES } if n == bytes.len()),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("the file is too large"));

    let mut doc = badge_class();
    doc["name"] = json!("n".repeat(MAX_LINE_CHARS + 1));
    assert_eq!(
        refuse(&doc).to_string(),
        format!(
            "the BadgeClass's name is too long ({} characters; at most {MAX_LINE_CHARS} are accepted)",
            MAX_LINE_CHARS + 1
        )
    );

    let mut doc = badge_class();
    doc["tags"] = json!((0..=MAX_ITEMS).map(|n| format!("t{n}")).collect::<Vec<_>>());
    assert!(matches!(refuse(&doc), ImportError::TooMany { .. }));

    let mut doc = achievement();
    doc["creditsAvailable"] = json!(-1);
    assert_eq!(
        refuse(&doc).to_string(),
        "the Achievement's creditsAvailable must be a number from 0 to 10000"
    );
    doc["creditsAvailable"] = json!(1e9);
    assert!(matches!(refuse(&doc), ImportError::Invalid { .. }));

    let mut doc = achievement();
    doc["name"] = json!("Null\u{0}byte");
    assert_eq!(
        refuse(&doc).to_string(),
        "the Achievement's name contains a NUL character"
    );
}

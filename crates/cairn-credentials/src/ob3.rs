//! Open Badges 3.0 documents from typed values: `OpenBadgeCredential`,
//! `Profile`, `Achievement` (with the rubric as `resultDescription`),
//! `AchievementSubject`, `Result`, `Evidence`, `Alignment`.
//!
//! The JSON is what verifiers expect: the contexts in order (VC 2.0, then
//! OB 3.0.3, then 1EdTech's extensions only when a type from it is used),
//! multi-valued properties as arrays, no nulls, no empty arrays, and only
//! properties the contexts define.

use crate::contexts;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// An image with an optional caption.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Image {
    /// The image's URL (or a `data:` URL).
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Image {
    /// An image at `url`.
    pub fn new(url: impl Into<String>, caption: Option<String>) -> Self {
        Self {
            id: url.into(),
            kind: "Image",
            caption,
        }
    }
}

/// An issuer or other party (`Profile`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The organization a department belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_org: Option<Box<Profile>>,
}

impl Profile {
    /// A profile with its required fields.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind: vec!["Profile"],
            name: name.into(),
            ..Self::default()
        }
    }
}

/// What earning requires.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Criteria {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

/// An alignment to a standards framework.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    pub target_name: String,
    pub target_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    /// `ceasn:Competency`, `CFItem`, … (see the OB 3.0 vocabulary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

impl Alignment {
    /// An alignment with its required fields.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            kind: vec!["Alignment"],
            target_name: name.into(),
            target_url: url.into(),
            target_code: None,
            target_framework: None,
            target_description: None,
            target_type: None,
        }
    }
}

/// One performance level of a rubric criterion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RubricCriterionLevel {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<String>,
}

impl RubricCriterionLevel {
    /// A level with its id and name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind: vec!["RubricCriterionLevel"],
            name: name.into(),
            description: None,
            level: None,
            points: None,
        }
    }
}

/// One rubric criterion, as a `ResultDescription` of type
/// `RubricCriterionLevel`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    pub name: String,
    pub result_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rubric_criterion_level: Vec<RubricCriterionLevel>,
    /// The id of the level needed to pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_level: Option<String>,
}

impl ResultDescription {
    /// A rubric criterion with its levels.
    pub fn rubric_criterion(
        id: impl Into<String>,
        name: impl Into<String>,
        levels: Vec<RubricCriterionLevel>,
    ) -> Self {
        Self {
            id: id.into(),
            kind: vec!["ResultDescription"],
            name: name.into(),
            result_type: "RubricCriterionLevel",
            rubric_criterion_level: levels,
            required_level: None,
        }
    }
}

/// A micro-credential definition.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    pub name: String,
    pub description: String,
    pub criteria: Criteria,
    /// `MicroCredential`, `Badge`, `Certificate`, … or `ext:…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Credit hours (or other units) one earns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<Profile>,
    /// The rubric: one entry per criterion.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result_description: Vec<ResultDescription>,
}

impl Achievement {
    /// An achievement with its required fields.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
        criteria_narrative: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            kind: vec!["Achievement"],
            name: name.into(),
            description: description.into(),
            criteria: Criteria {
                id: None,
                narrative: Some(criteria_narrative.into()),
            },
            ..Self::default()
        }
    }
}

/// How the earner is identified without publishing their address.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub identity_type: &'static str,
    pub hashed: bool,
    pub identity_hash: String,
    pub salt: String,
}

impl IdentityObject {
    /// `sha256$` + hex(SHA-256(email + salt)), with the email lower-cased and trimmed.
    pub fn hashed_email(email: &str, salt: &str) -> Self {
        let normalized = email.trim().to_lowercase();
        let hash = Sha256::digest(format!("{normalized}{salt}").as_bytes());
        Self {
            kind: "IdentityObject",
            identity_type: "emailAddress",
            hashed: true,
            identity_hash: format!("sha256${}", hex::encode(hash)),
            salt: salt.to_owned(),
        }
    }

    /// Whether `email` is the address this identifies.
    pub fn matches_email(&self, email: &str) -> bool {
        Self::hashed_email(email, &self.salt).identity_hash == self.identity_hash
    }
}

/// A rubric level reached on one criterion.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultAchieved {
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    /// The `ResultDescription` (criterion) id.
    pub result_description: String,
    /// The `RubricCriterionLevel` id.
    pub achieved_level: String,
}

impl ResultAchieved {
    /// The level reached on a criterion.
    pub fn new(criterion: impl Into<String>, level: impl Into<String>) -> Self {
        Self {
            kind: vec!["Result"],
            result_description: criterion.into(),
            achieved_level: level.into(),
        }
    }
}

/// The earner and what they earned.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    /// A DID of the earner, when they have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    pub achievement: Achievement,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<ResultAchieved>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_earned: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<String>,
}

impl AchievementSubject {
    /// A subject identified by a hashed email address.
    pub fn hashed_email(email: &str, salt: &str, achievement: Achievement) -> Self {
        Self {
            id: None,
            kind: vec!["AchievementSubject"],
            identifier: vec![IdentityObject::hashed_email(email, salt)],
            achievement,
            result: Vec::new(),
            credits_earned: None,
            activity_start_date: None,
            activity_end_date: None,
        }
    }
}

/// Evidence behind an award.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// The public page of the evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl Evidence {
    /// Evidence with a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            kind: vec!["Evidence"],
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// A `BitstringStatusListEntry`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub status_purpose: &'static str,
    pub status_list_index: String,
    pub status_list_credential: String,
}

impl CredentialStatus {
    /// The revocation entry at `index` of the list at `list_url`.
    pub fn revocation(list_url: &str, index: u64) -> Self {
        Self {
            id: format!("{list_url}#{index}"),
            kind: "BitstringStatusListEntry",
            status_purpose: "revocation",
            status_list_index: index.to_string(),
            status_list_credential: list_url.to_owned(),
        }
    }
}

/// An `OpenBadgeCredential`, before signing.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenBadgeCredential {
    pub id: String,
    pub issuer: Profile,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub awarded_date: Option<DateTime<Utc>>,
    pub name: String,
    pub description: Option<String>,
    pub image: Option<Image>,
    pub subject: AchievementSubject,
    pub evidence: Vec<Evidence>,
    pub credential_status: Option<CredentialStatus>,
    /// Signed `EndorsementCredential`s, embedded whole.
    pub endorsement: Vec<Value>,
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl OpenBadgeCredential {
    /// The unsigned JSON-LD document.
    pub fn to_json(&self) -> Value {
        let mut doc = serde_json::Map::new();
        doc.insert(
            "@context".into(),
            serde_json::json!([contexts::VC_V2, contexts::OB_V3]),
        );
        doc.insert("id".into(), Value::String(self.id.clone()));
        doc.insert(
            "type".into(),
            serde_json::json!(["VerifiableCredential", "OpenBadgeCredential"]),
        );
        doc.insert("issuer".into(), to_value(&self.issuer));
        doc.insert(
            "validFrom".into(),
            Value::String(timestamp(self.valid_from)),
        );
        if let Some(until) = self.valid_until {
            doc.insert("validUntil".into(), Value::String(timestamp(until)));
        }
        if let Some(awarded) = self.awarded_date {
            doc.insert("awardedDate".into(), Value::String(timestamp(awarded)));
        }
        doc.insert("name".into(), Value::String(self.name.clone()));
        if let Some(description) = &self.description {
            doc.insert("description".into(), Value::String(description.clone()));
        }
        if let Some(image) = &self.image {
            doc.insert("image".into(), to_value(image));
        }
        doc.insert("credentialSubject".into(), to_value(&self.subject));
        if !self.evidence.is_empty() {
            doc.insert("evidence".into(), to_value(&self.evidence));
        }
        if let Some(status) = &self.credential_status {
            doc.insert("credentialStatus".into(), to_value(status));
        }
        if !self.endorsement.is_empty() {
            doc.insert("endorsement".into(), Value::Array(self.endorsement.clone()));
        }
        Value::Object(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hashed_email_follows_the_specification() {
        let id = IdentityObject::hashed_email(" Ana@Example.org ", "pepper");
        let expected = hex::encode(Sha256::digest(b"ana@example.orgpepper"));
        assert_eq!(id.identity_hash, format!("sha256${expected}"));
        assert!(id.matches_email("ana@example.org"));
        assert!(!id.matches_email("ben@example.org"));
    }

    #[test]
    fn optional_fields_are_left_out_not_null() {
        let achievement = Achievement::new(
            "https://example.org/a/1",
            "Teamwork",
            "Works in teams",
            "Peers nominate",
        );
        let credential = OpenBadgeCredential {
            id: "urn:uuid:1".into(),
            issuer: Profile::new("https://example.org/issuer", "Example"),
            valid_from: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            valid_until: None,
            awarded_date: None,
            name: "Teamwork".into(),
            description: None,
            image: None,
            subject: AchievementSubject::hashed_email("ana@example.org", "s", achievement),
            evidence: Vec::new(),
            credential_status: None,
            endorsement: Vec::new(),
        };
        let json = credential.to_json();
        let text = json.to_string();
        assert!(!text.contains("null"), "{text}");
        assert!(!text.contains("[]"), "{text}");
        assert_eq!(json["@context"][0], contexts::VC_V2);
        assert_eq!(json["@context"][1], contexts::OB_V3);
        assert_eq!(json["credentialSubject"]["type"][0], "AchievementSubject");
        assert_eq!(json["validFrom"], "2023-11-14T22:13:20Z");
    }
}

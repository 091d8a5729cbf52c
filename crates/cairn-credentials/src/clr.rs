//! Comprehensive Learner Record 2.0 (`ClrCredential`): a transcript of a
//! person's credentials — each nested whole, with its own proof — with the
//! catalogue of achievements and how they relate (prerequisites, stacks).
//! And `EndorsementCredential`: a third party's signed support of an
//! achievement or issuer.

use crate::contexts;
use crate::ob3::{Achievement, IdentityObject, Profile};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// How two achievements relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AssociationType {
    ExactMatchOf,
    IsChildOf,
    IsParentOf,
    IsPartOf,
    IsPeerOf,
    IsRelatedTo,
    Precedes,
    ReplacedBy,
}

/// A relation between two achievements of the catalogue, e.g. the source
/// is part of the target stack, or the source precedes (is a prerequisite
/// of) the target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub association_type: AssociationType,
    pub source_id: String,
    pub target_id: String,
}

impl Association {
    /// `source` relates to `target` as `kind` says.
    pub fn new(
        kind: AssociationType,
        source: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        Self {
            kind: "Association",
            association_type: kind,
            source_id: source.into(),
            target_id: target.into(),
        }
    }
}

/// A transcript, before signing.
#[derive(Clone, Debug, PartialEq)]
pub struct ClrCredential {
    pub id: String,
    pub issuer: Profile,
    pub valid_from: DateTime<Utc>,
    pub name: String,
    pub description: Option<String>,
    /// The learner's DID, when they have one.
    pub subject_id: Option<String>,
    /// How the learner is identified (a hashed email).
    pub identifier: Vec<IdentityObject>,
    /// Signed `OpenBadgeCredential`s, nested whole.
    pub credentials: Vec<Value>,
    /// The achievements the credentials are about, and related ones.
    pub achievements: Vec<Achievement>,
    pub associations: Vec<Association>,
    /// True when this is an excerpt of the learner's record.
    pub partial: bool,
}

impl ClrCredential {
    /// The unsigned JSON-LD document.
    pub fn to_json(&self) -> Value {
        let mut subject = Map::new();
        if let Some(id) = &self.subject_id {
            subject.insert("id".into(), json!(id));
        }
        subject.insert("type".into(), json!(["ClrSubject"]));
        if !self.identifier.is_empty() {
            subject.insert("identifier".into(), to_value(&self.identifier));
        }
        subject.insert(
            "verifiableCredential".into(),
            Value::Array(self.credentials.clone()),
        );
        if !self.achievements.is_empty() {
            subject.insert("achievement".into(), to_value(&self.achievements));
        }
        if !self.associations.is_empty() {
            subject.insert("association".into(), to_value(&self.associations));
        }
        let mut doc = Map::new();
        doc.insert(
            "@context".into(),
            json!([contexts::VC_V2, contexts::CLR_V2, contexts::OB_V3]),
        );
        doc.insert("id".into(), json!(self.id));
        doc.insert(
            "type".into(),
            json!(["VerifiableCredential", "ClrCredential"]),
        );
        doc.insert("issuer".into(), to_value(&self.issuer));
        doc.insert("validFrom".into(), json!(timestamp(self.valid_from)));
        doc.insert("name".into(), json!(self.name));
        if let Some(description) = &self.description {
            doc.insert("description".into(), json!(description));
        }
        if self.partial {
            doc.insert("partial".into(), json!(true));
        }
        doc.insert("credentialSubject".into(), Value::Object(subject));
        Value::Object(doc)
    }
}

/// An endorsement, before signing: `issuer` endorses `subject_id` (an
/// achievement's or issuer's id).
#[derive(Clone, Debug, PartialEq)]
pub struct EndorsementCredential {
    pub id: String,
    pub issuer: Profile,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub name: String,
    pub subject_id: String,
    /// What the endorser says, e.g. "accepted for 1 graduate credit hour".
    pub comment: Option<String>,
}

impl EndorsementCredential {
    /// The unsigned JSON-LD document.
    pub fn to_json(&self) -> Value {
        let mut subject = Map::new();
        subject.insert("id".into(), json!(self.subject_id));
        subject.insert("type".into(), json!(["EndorsementSubject"]));
        if let Some(comment) = &self.comment {
            subject.insert("endorsementComment".into(), json!(comment));
        }
        let mut doc = Map::new();
        doc.insert("@context".into(), json!([contexts::VC_V2, contexts::OB_V3]));
        doc.insert("id".into(), json!(self.id));
        doc.insert(
            "type".into(),
            json!(["VerifiableCredential", "EndorsementCredential"]),
        );
        doc.insert("issuer".into(), to_value(&self.issuer));
        doc.insert("validFrom".into(), json!(timestamp(self.valid_from)));
        if let Some(until) = self.valid_until {
            doc.insert("validUntil".into(), json!(timestamp(until)));
        }
        doc.insert("name".into(), json!(self.name));
        doc.insert("credentialSubject".into(), Value::Object(subject));
        Value::Object(doc)
    }
}

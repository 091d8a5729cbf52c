//! Evidence requirements: what a learner must show, of which kinds, how
//! many, and the checklist they tick off.

use crate::FieldErrors;
use crate::organization::parse_name;
use serde::{Deserialize, Serialize};

/// A kind of evidence a requirement accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    File,
    Video,
    Image,
    Document,
    Link,
    Reflection,
    /// Another badge the learner earned.
    Badge,
}

impl EvidenceKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [EvidenceKind; 7] = [
        EvidenceKind::File,
        EvidenceKind::Video,
        EvidenceKind::Image,
        EvidenceKind::Document,
        EvidenceKind::Link,
        EvidenceKind::Reflection,
        EvidenceKind::Badge,
    ];

    /// The stored and typed name.
    pub const fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::File => "file",
            EvidenceKind::Video => "video",
            EvidenceKind::Image => "image",
            EvidenceKind::Document => "document",
            EvidenceKind::Link => "link",
            EvidenceKind::Reflection => "reflection",
            EvidenceKind::Badge => "badge",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Whether evidence of this kind is an uploaded file.
    pub const fn is_file(self) -> bool {
        matches!(
            self,
            EvidenceKind::File | EvidenceKind::Video | EvidenceKind::Image | EvidenceKind::Document
        )
    }
}

/// A validated evidence requirement. Reading one back from JSON checks it
/// again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RequirementParts")]
pub struct EvidenceRequirement {
    pub prompt: String,
    pub guidance: String,
    pub kinds: Vec<EvidenceKind>,
    pub min_count: u32,
    pub checklist: Vec<String>,
}

#[derive(Deserialize)]
struct RequirementParts {
    prompt: String,
    #[serde(default)]
    guidance: String,
    kinds: Vec<EvidenceKind>,
    min_count: u32,
    #[serde(default)]
    checklist: Vec<String>,
}

impl TryFrom<RequirementParts> for EvidenceRequirement {
    type Error = String;
    fn try_from(p: RequirementParts) -> Result<Self, String> {
        let kinds: Vec<&str> = p.kinds.iter().map(|k| k.as_str()).collect();
        let checklist: Vec<&str> = p.checklist.iter().map(String::as_str).collect();
        EvidenceRequirement::parse(
            &p.prompt,
            &p.guidance,
            &kinds,
            &p.min_count.to_string(),
            &checklist,
        )
        .map_err(|e| e.to_string())
    }
}

/// The most items a requirement may ask for.
pub const MAX_MIN_COUNT: u32 = 50;
/// The most checklist items a requirement may have.
pub const MAX_CHECKLIST: usize = 30;

impl EvidenceRequirement {
    /// Checks a requirement as an author typed it.
    pub fn parse(
        prompt: &str,
        guidance: &str,
        kinds: &[&str],
        min_count: &str,
        checklist: &[&str],
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let prompt = errors.check("prompt", parse_name(prompt, 2000));
        let mut parsed = Vec::new();
        for k in kinds.iter().filter(|k| !k.trim().is_empty()) {
            match EvidenceKind::parse(k) {
                Some(kind) if !parsed.contains(&kind) => parsed.push(kind),
                Some(_) => {}
                None => errors.add("kinds", format!("\"{k}\" is not a kind of evidence.")),
            }
        }
        if parsed.is_empty() && errors.for_field("kinds").is_none() {
            errors.add("kinds", "Choose at least one kind of evidence.");
        }
        parsed.sort();
        let min = match min_count.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_MIN_COUNT).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "min_count",
                    format!("Enter a number from 1 to {MAX_MIN_COUNT}."),
                );
                None
            }
        };
        let items: Vec<String> = checklist
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        if items.len() > MAX_CHECKLIST {
            errors.add(
                "checklist",
                format!("A checklist can have at most {MAX_CHECKLIST} items."),
            );
        }
        if items.iter().any(|i| i.chars().count() > 500) {
            errors.add(
                "checklist",
                "Keep each checklist item under 500 characters.",
            );
        }
        if guidance.chars().count() > 10_000 {
            errors.add("guidance", "Keep the guidance under 10,000 characters.");
        }
        match (prompt, min) {
            (Some(prompt), Some(min_count)) if errors.is_empty() => Ok(Self {
                prompt,
                guidance: guidance.trim().to_owned(),
                kinds: parsed,
                min_count,
                checklist: items,
            }),
            _ => Err(errors),
        }
    }

    /// Whether a learner may upload files for this requirement.
    pub fn takes_files(&self) -> bool {
        self.kinds.iter().any(|k| k.is_file())
    }

    /// Where a learner stands on this requirement.
    pub fn progress(&self, items: u32, ticked: usize) -> Progress {
        let ticked = ticked.min(self.checklist.len());
        Progress {
            items,
            required: self.min_count,
            ticked,
            checklist: self.checklist.len(),
            met: items >= self.min_count && ticked == self.checklist.len(),
        }
    }
}

/// A learner's progress on one requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub items: u32,
    pub required: u32,
    pub ticked: usize,
    pub checklist: usize,
    /// Enough items and every checklist item ticked.
    pub met: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirement_is_parsed_and_tracked() {
        let r = EvidenceRequirement::parse(
            "Video of instruction",
            "Ten minutes is enough.",
            &["video", "link", "video"],
            "2",
            &["Students visible only with consent", " "],
        )
        .expect("valid");
        assert_eq!(r.kinds, vec![EvidenceKind::Video, EvidenceKind::Link]);
        assert_eq!(r.checklist.len(), 1);
        assert!(!r.progress(2, 0).met, "the checklist is not ticked");
        assert!(!r.progress(1, 1).met, "one item short");
        assert!(r.progress(3, 1).met);
        assert!(r.takes_files(), "a video is a file");
        let written = EvidenceRequirement::parse("Reflect", "", &["reflection", "link"], "1", &[])
            .expect("valid");
        assert!(!written.takes_files(), "reflections and links are typed in");
    }

    #[test]
    fn every_problem_is_reported() {
        let errors =
            EvidenceRequirement::parse(" ", "", &["hologram"], "0", &[]).expect_err("invalid");
        assert!(errors.for_field("prompt").is_some());
        assert_eq!(
            errors.for_field("kinds"),
            Some("\"hologram\" is not a kind of evidence.")
        );
        assert!(errors.for_field("min_count").is_some());
        let errors = EvidenceRequirement::parse("Prompt", "", &[], "x", &[]).expect_err("invalid");
        assert_eq!(
            errors.for_field("kinds"),
            Some("Choose at least one kind of evidence.")
        );
    }
}

//! Creating a draft micro-credential from an Open Badges 2.0 BadgeClass or
//! an Open Badges 3.0 Achievement.

use crate::accounts::Principal;
use crate::achievements::DetailsForm;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_credentials::import::{
    ImportedAchievement, ImportedImage, ImportedRubric, parse_achievement_bytes,
};
use cairn_domain::achievement::fields::AchievementInput;
use cairn_domain::achievement::rubric::{Criterion, PassingRule, PerformanceLevel, Rubric};
use cairn_store::achievements::Achievement;

/// The draft made, and what a person should review.
#[derive(Clone, Debug)]
pub struct ImportOutcome {
    pub achievement: Achievement,
    pub notes: Vec<String>,
}

fn clip(text: &str, max: usize) -> (String, bool) {
    let text = text.trim();
    if text.chars().count() <= max {
        (text.to_owned(), false)
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        (out, true)
    }
}

/// The first sentence (or the start) of a description, as a summary.
fn summary_of(description: &str) -> String {
    let first = description
        .split_inclusive(['.', '!', '?'])
        .next()
        .unwrap_or(description);
    clip(first, 500).0
}

/// An imported rubric, when every criterion has the same levels.
fn rubric_of(imported: &ImportedRubric, notes: &mut Vec<String>) -> Option<Rubric> {
    let first = imported.criteria.first()?;
    let names: Vec<String> = first
        .levels
        .iter()
        .map(|l| l.level.clone().unwrap_or_else(|| l.name.clone()))
        .collect();
    let same_shape = imported
        .criteria
        .iter()
        .all(|c| c.levels.len() == names.len());
    let points: Option<Vec<Vec<u32>>> = imported
        .criteria
        .iter()
        .map(|c| {
            c.levels
                .iter()
                .map(|l| {
                    l.points
                        .as_deref()
                        .and_then(|p| p.trim().parse::<u32>().ok())
                })
                .collect::<Option<Vec<u32>>>()
        })
        .collect();
    if !same_shape {
        notes.push("The rubric was not imported: its criteria have different levels.".into());
        return None;
    }
    let criteria = imported
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| Criterion {
            name: c.name.clone(),
            description: String::new(),
            descriptors: c
                .levels
                .iter()
                .map(|l| l.description.clone().unwrap_or_else(|| l.name.clone()))
                .collect(),
            points: points.as_ref().map(|p| p[i].clone()),
        })
        .collect();
    let levels = names
        .into_iter()
        .map(|name| PerformanceLevel { name })
        .collect::<Vec<_>>();
    let required = first
        .required_level
        .as_ref()
        .and_then(|id| {
            first
                .levels
                .iter()
                .position(|l| l.id.as_deref() == Some(id.as_str()))
        })
        .unwrap_or(levels.len().saturating_sub(1));
    match Rubric::new(
        levels,
        criteria,
        PassingRule::AllAtLeast { level: required },
    ) {
        Ok(r) => {
            notes.push(
                "Check the rubric's passing rule: every criterion must reach the required level."
                    .into(),
            );
            Some(r)
        }
        Err(e) => {
            notes.push(format!("The rubric was not imported: {e}"));
            None
        }
    }
}

impl App {
    /// Reads a BadgeClass or Achievement JSON document and creates a draft
    /// from it in the organization.
    pub async fn import_achievement(
        &self,
        principal: &Principal,
        org_slug: &str,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<ImportOutcome> {
        let doc: ImportedAchievement = parse_achievement_bytes(bytes)
            .map_err(|e| AppError::invalid("document", format!("{e}.")))?;
        let mut notes = Vec::new();
        let (title, cut) = clip(&doc.name, 200);
        if cut {
            notes.push("The title was shortened to 200 characters.".into());
        }
        let about = if doc.description.trim().is_empty() {
            notes.push(
                "The document has no description; the summary and competency repeat the title."
                    .into(),
            );
            title.clone()
        } else {
            doc.description.clone()
        };
        let summary = summary_of(&about);
        let (competency, _) = clip(&about, 2000);
        notes.push("Review the competency: it was taken from the description.".into());
        let criteria = match (&doc.criteria_narrative, &doc.criteria_url) {
            (Some(n), _) => clip(n, 20_000).0,
            (None, Some(url)) => format!("The criteria are published at {url}."),
            (None, None) => {
                notes.push("The document has no criteria; write them before publishing.".into());
                "To be written.".to_owned()
            }
        };
        let (description, _) = clip(&doc.description, 20_000);
        let tags: Vec<String> = doc
            .tags
            .iter()
            .filter(|t| t.chars().count() < 50)
            .take(20)
            .cloned()
            .collect();
        if tags.len() < doc.tags.len() {
            notes.push("Some tags were left out (at most 20, each under 50 characters).".into());
        }
        let tags = tags.join(", ").replace(",,", ",");
        let alignments: Vec<(&str, &str, &str, &str)> = doc
            .alignments
            .iter()
            .map(|a| {
                (
                    a.target_name.as_str(),
                    a.target_url.as_str(),
                    a.target_framework.as_deref().unwrap_or(""),
                    a.target_code.as_deref().unwrap_or(""),
                )
            })
            .collect();
        let hours = doc
            .credits_available
            .map(|c| format!("{c:.2}"))
            .unwrap_or_default();
        let rubric = doc
            .rubric
            .as_ref()
            .and_then(|r| rubric_of(r, &mut notes))
            .map(|r| (r, None));
        let form = DetailsForm {
            fields: AchievementInput {
                title: &title,
                summary: &summary,
                competency: &competency,
                method: "",
                description: &description,
                criteria: &criteria,
                instructions: "",
                tags: &tags,
                alignments,
                credit_hours: &hours,
                valid_months: "",
                price: "0",
                sponsorable: false,
                requires_confirmation: false,
            },
            slug: "",
            department: None,
            level: None,
        };
        let achievement = self
            .create_achievement_with(principal, org_slug, form, rubric, Vec::new(), meta)
            .await?;
        notes.push("Add the evidence requirements before publishing.".into());
        let achievement = match doc.image {
            Some(ImportedImage::Data { bytes, .. }) => {
                match self
                    .upload_badge_image(principal, achievement.id, &bytes, meta)
                    .await
                {
                    Ok(outcome) => outcome.achievement,
                    Err(e) => {
                        notes.push(format!("The image was not imported: {e}"));
                        achievement
                    }
                }
            }
            Some(ImportedImage::Url(url)) => {
                notes.push(format!(
                    "The image is at {url}; Cairn does not fetch it. Upload it or design one."
                ));
                achievement
            }
            None => achievement,
        };
        Ok(ImportOutcome { achievement, notes })
    }
}

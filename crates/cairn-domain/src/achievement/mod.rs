//! Micro-credentials ("achievements"): their rubric, evidence
//! requirements, prerequisites and life cycle.

pub mod fields;
pub mod ladder;
pub mod prerequisite;
pub mod requirement;
pub mod rubric;
pub mod search;

use thiserror::Error;

/// Where a micro-credential is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AchievementStatus {
    /// Being written; visible to its organization's authors only.
    Draft,
    /// In the catalog; learners can join.
    Published,
    /// Out of the catalog; awards already made stay valid.
    Archived,
}

/// A change of status that is not allowed.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("A {from} micro-credential cannot be {to}.")]
pub struct BadTransition {
    pub from: &'static str,
    pub to: &'static str,
}

impl AchievementStatus {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AchievementStatus::Draft => "draft",
            AchievementStatus::Published => "published",
            AchievementStatus::Archived => "archived",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            AchievementStatus::Draft,
            AchievementStatus::Published,
            AchievementStatus::Archived,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }

    /// Publishing: a draft, or an archived micro-credential brought back.
    pub fn publish(self) -> Result<Self, BadTransition> {
        match self {
            AchievementStatus::Draft | AchievementStatus::Archived => {
                Ok(AchievementStatus::Published)
            }
            AchievementStatus::Published => Err(BadTransition {
                from: "published",
                to: "published again",
            }),
        }
    }

    /// Archiving: only what is published.
    pub fn archive(self) -> Result<Self, BadTransition> {
        match self {
            AchievementStatus::Published => Ok(AchievementStatus::Archived),
            AchievementStatus::Draft => Err(BadTransition {
                from: "draft",
                to: "archived (delete the draft instead)",
            }),
            AchievementStatus::Archived => Err(BadTransition {
                from: "archived",
                to: "archived again",
            }),
        }
    }
}

/// A part of a micro-credential an author can edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Title, summary, description, tags, image, price…: presentation.
    Presentation,
    /// The criteria narrative and earning instructions.
    Criteria,
    Rubric,
    Requirements,
}

/// Whether editing these parts of a micro-credential in `status` makes a
/// new version: changing what earning means on a published
/// micro-credential does, so learners under way keep the version they
/// joined and every award names its version.
pub fn needs_new_version(status: AchievementStatus, changed: &[Part]) -> bool {
    status != AchievementStatus::Draft
        && changed
            .iter()
            .any(|p| matches!(p, Part::Criteria | Part::Rubric | Part::Requirements))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_life_cycle_moves_forward_only_where_it_makes_sense() {
        use AchievementStatus::*;
        assert_eq!(Draft.publish(), Ok(Published));
        assert_eq!(Published.archive(), Ok(Archived));
        assert_eq!(Archived.publish(), Ok(Published));
        assert!(Published.publish().is_err());
        assert!(Draft.archive().is_err());
        for s in [Draft, Published, Archived] {
            assert_eq!(AchievementStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn changing_what_earning_means_after_publishing_makes_a_version() {
        use AchievementStatus::*;
        assert!(!needs_new_version(Draft, &[Part::Rubric]));
        assert!(!needs_new_version(Published, &[Part::Presentation]));
        assert!(needs_new_version(
            Published,
            &[Part::Presentation, Part::Requirements]
        ));
        assert!(needs_new_version(Archived, &[Part::Criteria]));
    }
}

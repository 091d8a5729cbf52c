//! Levels (an organization's ordered scale, e.g. the five SIM levels) and
//! stacks (an ordered path of micro-credentials to a capstone), with where
//! a learner stands on a stack.

use crate::organization::parse_name;
use crate::{AchievementId, FieldErrors};
use std::collections::HashSet;

/// The most steps a level scale may have.
pub const MAX_LEVELS: usize = 20;

/// Checks an organization's level scale, lowest first.
pub fn parse_level_scale(names: &[&str]) -> Result<Vec<String>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut levels: Vec<String> = Vec::new();
    for (i, name) in names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
    {
        match parse_name(name, 100) {
            Ok(name) if levels.iter().any(|l| l.eq_ignore_ascii_case(&name)) => {
                errors.add(&format!("levels[{i}]"), "Two levels have this name.")
            }
            Ok(name) => levels.push(name),
            Err(e) => errors.add(&format!("levels[{i}]"), e.to_string()),
        }
    }
    if levels.is_empty() && errors.is_empty() {
        errors.add("levels", "Name at least one level.");
    }
    if levels.len() > MAX_LEVELS {
        errors.add(
            "levels",
            format!("A scale has at most {MAX_LEVELS} levels."),
        );
    }
    errors.into_result().map(|()| levels)
}

/// Where a micro-credential of a stack stands for one learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Earned,
    /// Not earned, and the next one to work on.
    Next,
    /// Not earned, later on the path.
    Ahead,
}

/// A validated stack: steps in order, the last leading to the capstone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    pub name: String,
    pub steps: Vec<AchievementId>,
    /// The credential the stack leads to (earned when the steps are).
    pub capstone: Option<AchievementId>,
}

impl Stack {
    /// Checks a stack as an author arranged it.
    pub fn new(
        name: &str,
        steps: Vec<AchievementId>,
        capstone: Option<AchievementId>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(name, 200));
        if steps.len() < 2 {
            errors.add("steps", "A stack has at least two micro-credentials.");
        }
        if steps.iter().collect::<HashSet<_>>().len() != steps.len() {
            errors.add("steps", "A micro-credential appears twice in the stack.");
        }
        if capstone.is_some_and(|c| steps.contains(&c)) {
            errors.add("capstone", "The capstone cannot also be a step.");
        }
        match name {
            Some(name) if errors.is_empty() => Ok(Self {
                name,
                steps,
                capstone,
            }),
            _ => Err(errors),
        }
    }

    /// Each step's state for a learner who earned `earned`, in order; the
    /// first step not earned is `Next`.
    pub fn progress(&self, earned: &HashSet<AchievementId>) -> Vec<(AchievementId, StepState)> {
        let mut next_given = false;
        self.steps
            .iter()
            .map(|id| {
                let state = if earned.contains(id) {
                    StepState::Earned
                } else if next_given {
                    StepState::Ahead
                } else {
                    next_given = true;
                    StepState::Next
                };
                (*id, state)
            })
            .collect()
    }

    /// Whether every step is earned.
    pub fn complete(&self, earned: &HashSet<AchievementId>) -> bool {
        self.steps.iter().all(|s| earned.contains(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn a(n: u128) -> AchievementId {
        AchievementId(Uuid::from_u128(n))
    }

    #[test]
    fn the_sim_scale_parses() {
        let levels = parse_level_scale(&[
            "Professional Learning",
            "Fidelity of Implementation",
            "Specialist",
            "Professional Developer",
            "Professional Development Leader",
            "",
        ])
        .expect("valid");
        assert_eq!(levels.len(), 5);
        assert!(parse_level_scale(&["A", "a"]).is_err());
        assert!(parse_level_scale(&[" "]).is_err());
    }

    #[test]
    fn a_learner_sees_earned_next_and_ahead() {
        let stack =
            Stack::new("Leadership", vec![a(1), a(2), a(3), a(4)], Some(a(5))).expect("valid");
        let earned: HashSet<_> = [a(1), a(3)].into_iter().collect();
        assert_eq!(
            stack.progress(&earned),
            vec![
                (a(1), StepState::Earned),
                (a(2), StepState::Next),
                (a(3), StepState::Earned),
                (a(4), StepState::Ahead)
            ]
        );
        assert!(!stack.complete(&earned));
        assert!(stack.complete(&[a(1), a(2), a(3), a(4)].into_iter().collect()));
    }

    #[test]
    fn stacks_are_checked() {
        assert!(
            Stack::new("", vec![a(1)], None)
                .expect_err("invalid")
                .for_field("steps")
                .is_some()
        );
        assert!(Stack::new("S", vec![a(1), a(1)], None).is_err());
        assert!(
            Stack::new("S", vec![a(1), a(2)], Some(a(2)))
                .expect_err("invalid")
                .for_field("capstone")
                .is_some()
        );
    }
}

//! Prerequisites: what must be earned before an award — all of a set, or
//! at least N of a set — and the check that they never form a cycle.

use crate::AchievementId;
use std::collections::{HashMap, HashSet};
use thiserror::Error;

/// One prerequisite rule of an achievement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prerequisite {
    /// Every one of these must be earned.
    AllOf(Vec<AchievementId>),
    /// At least this many of these must be earned.
    AtLeast(usize, Vec<AchievementId>),
}

/// Why a prerequisite rule was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PrerequisiteError {
    #[error("Choose at least one micro-credential.")]
    Empty,
    #[error("The same micro-credential is listed twice.")]
    Duplicate,
    #[error("A micro-credential cannot be its own prerequisite.")]
    ItSelf,
    #[error("Choose how many are needed: between 1 and {0}.")]
    Count(usize),
    /// The rule would make achievements wait on each other forever; the
    /// path names them in order, from the edited one back to itself.
    #[error("This would make a circle of prerequisites.")]
    Cycle(Vec<AchievementId>),
}

impl Prerequisite {
    /// The achievements the rule names.
    pub fn achievements(&self) -> &[AchievementId] {
        match self {
            Prerequisite::AllOf(ids) | Prerequisite::AtLeast(_, ids) => ids,
        }
    }

    /// Checks the rule on its own, for `owner`.
    pub fn validate(&self, owner: AchievementId) -> Result<(), PrerequisiteError> {
        let ids = self.achievements();
        if ids.is_empty() {
            return Err(PrerequisiteError::Empty);
        }
        let unique: HashSet<_> = ids.iter().collect();
        if unique.len() != ids.len() {
            return Err(PrerequisiteError::Duplicate);
        }
        if unique.contains(&owner) {
            return Err(PrerequisiteError::ItSelf);
        }
        if let Prerequisite::AtLeast(n, ids) = self
            && (*n == 0 || *n > ids.len())
        {
            return Err(PrerequisiteError::Count(ids.len()));
        }
        Ok(())
    }

    /// Whether `earned` satisfies the rule.
    pub fn satisfied_by(&self, earned: &HashSet<AchievementId>) -> bool {
        match self {
            Prerequisite::AllOf(ids) => ids.iter().all(|id| earned.contains(id)),
            Prerequisite::AtLeast(n, ids) => {
                ids.iter().filter(|id| earned.contains(id)).count() >= *n
            }
        }
    }

    /// Those named and not yet earned.
    pub fn missing(&self, earned: &HashSet<AchievementId>) -> Vec<AchievementId> {
        self.achievements()
            .iter()
            .filter(|id| !earned.contains(id))
            .copied()
            .collect()
    }
}

/// Checks that giving `owner` the prerequisites `rules` keeps the graph of
/// all prerequisites (`existing`: each achievement's prerequisite ids)
/// free of cycles.
pub fn check_no_cycle(
    owner: AchievementId,
    rules: &[Prerequisite],
    existing: &HashMap<AchievementId, Vec<AchievementId>>,
) -> Result<(), PrerequisiteError> {
    for rule in rules {
        rule.validate(owner)?;
    }
    let direct: Vec<AchievementId> = rules
        .iter()
        .flat_map(|r| r.achievements().iter().copied())
        .collect();
    // Depth-first from each direct prerequisite: reaching `owner` is a cycle.
    let mut stack: Vec<(AchievementId, Vec<AchievementId>)> =
        direct.iter().map(|id| (*id, vec![owner, *id])).collect();
    let mut seen = HashSet::new();
    while let Some((at, path)) = stack.pop() {
        if at == owner {
            return Err(PrerequisiteError::Cycle(path));
        }
        if !seen.insert(at) {
            continue;
        }
        for next in existing.get(&at).into_iter().flatten() {
            let mut longer = path.clone();
            longer.push(*next);
            stack.push((*next, longer));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn a(n: u128) -> AchievementId {
        AchievementId(Uuid::from_u128(n))
    }

    #[test]
    fn all_of_and_at_least() {
        let earned: HashSet<_> = [a(1), a(2)].into_iter().collect();
        assert!(Prerequisite::AllOf(vec![a(1), a(2)]).satisfied_by(&earned));
        assert!(!Prerequisite::AllOf(vec![a(1), a(3)]).satisfied_by(&earned));
        assert!(Prerequisite::AtLeast(2, vec![a(1), a(2), a(3)]).satisfied_by(&earned));
        assert!(!Prerequisite::AtLeast(3, vec![a(1), a(2), a(3)]).satisfied_by(&earned));
        assert_eq!(
            Prerequisite::AllOf(vec![a(1), a(3)]).missing(&earned),
            vec![a(3)]
        );
    }

    #[test]
    fn rules_are_checked() {
        assert_eq!(
            Prerequisite::AllOf(vec![]).validate(a(9)),
            Err(PrerequisiteError::Empty)
        );
        assert_eq!(
            Prerequisite::AllOf(vec![a(1), a(1)]).validate(a(9)),
            Err(PrerequisiteError::Duplicate)
        );
        assert_eq!(
            Prerequisite::AllOf(vec![a(9)]).validate(a(9)),
            Err(PrerequisiteError::ItSelf)
        );
        assert_eq!(
            Prerequisite::AtLeast(3, vec![a(1), a(2)]).validate(a(9)),
            Err(PrerequisiteError::Count(2))
        );
        assert_eq!(
            Prerequisite::AtLeast(0, vec![a(1)]).validate(a(9)),
            Err(PrerequisiteError::Count(1))
        );
    }

    #[test]
    fn cycles_are_refused_with_their_path() {
        // The SIM ladder: 2 needs 1, 3 needs 2.
        let existing: HashMap<_, _> = [(a(2), vec![a(1)]), (a(3), vec![a(2)])]
            .into_iter()
            .collect();
        assert_eq!(
            check_no_cycle(a(4), &[Prerequisite::AllOf(vec![a(3)])], &existing),
            Ok(())
        );
        assert_eq!(
            check_no_cycle(a(1), &[Prerequisite::AllOf(vec![a(3)])], &existing),
            Err(PrerequisiteError::Cycle(vec![a(1), a(3), a(2), a(1)]))
        );
        assert_eq!(
            check_no_cycle(
                a(1),
                &[Prerequisite::AtLeast(1, vec![a(4), a(2)])],
                &existing
            ),
            Err(PrerequisiteError::Cycle(vec![a(1), a(2), a(1)]))
        );
    }
}

//! Rubrics: criteria × performance levels, a descriptor in each cell
//! (and optional points), and the rule that decides whether a set of scores
//! passes.

use crate::FieldErrors;
use serde::{Deserialize, Serialize};

/// One performance level, from lowest to highest in the rubric's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerformanceLevel {
    pub name: String,
}

/// One criterion: what is judged, and a descriptor per level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub description: String,
    /// One descriptor per level, in level order.
    pub descriptors: Vec<String>,
    /// Points per level, in level order, when the rubric uses points.
    pub points: Option<Vec<u32>>,
}

/// How scores pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PassingRule {
    /// Every criterion scored at or above the level with this index.
    AllAtLeast { level: usize },
    /// The points of the scored levels add up to at least this.
    TotalPointsAtLeast { points: u32 },
    /// Both of the above.
    Both { level: usize, points: u32 },
}

/// A validated rubric. Reading one back from JSON checks it again, so a
/// stored or submitted rubric can never skip [`Rubric::new`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RubricParts")]
pub struct Rubric {
    levels: Vec<PerformanceLevel>,
    criteria: Vec<Criterion>,
    rule: PassingRule,
}

#[derive(Deserialize)]
struct RubricParts {
    levels: Vec<PerformanceLevel>,
    criteria: Vec<Criterion>,
    rule: PassingRule,
}

impl TryFrom<RubricParts> for Rubric {
    type Error = String;
    fn try_from(p: RubricParts) -> Result<Self, String> {
        Rubric::new(p.levels, p.criteria, p.rule).map_err(|e| e.to_string())
    }
}

/// One criterion as typed in a form: points as text, empty for none.
#[derive(Clone, Debug, Default)]
pub struct CriterionForm<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub descriptors: Vec<&'a str>,
    pub points: Vec<&'a str>,
}

/// A rubric as typed in a form. `rule` is `all`, `points` or `both`;
/// `rule_level` the index of the required level; `rule_points` a number.
#[derive(Clone, Debug, Default)]
pub struct RubricForm<'a> {
    pub levels: Vec<&'a str>,
    pub criteria: Vec<CriterionForm<'a>>,
    pub rule: &'a str,
    pub rule_level: &'a str,
    pub rule_points: &'a str,
}

impl RubricForm<'_> {
    /// Checks the form into a rubric; blank trailing rows (a form's spare
    /// "add another" row) are ignored, and every problem names its field.
    pub fn parse(&self) -> Result<Rubric, FieldErrors> {
        let mut errors = FieldErrors::new();
        let levels: Vec<PerformanceLevel> = self
            .levels
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .map(|name| PerformanceLevel {
                name: name.to_owned(),
            })
            .collect();
        let mut criteria = Vec::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let blank = c.name.trim().is_empty()
                && c.description.trim().is_empty()
                && c.descriptors.iter().all(|d| d.trim().is_empty())
                && c.points.iter().all(|p| p.trim().is_empty());
            if blank {
                continue;
            }
            let mut descriptors: Vec<String> =
                c.descriptors.iter().map(|d| d.trim().to_owned()).collect();
            descriptors.resize(levels.len(), String::new());
            descriptors.truncate(levels.len());
            let typed: Vec<&str> = c
                .points
                .iter()
                .take(levels.len())
                .map(|p| p.trim())
                .collect();
            let points = if typed.iter().all(|p| p.is_empty()) {
                None
            } else {
                let mut values = Vec::new();
                for (j, p) in typed.iter().enumerate() {
                    match p.parse::<u32>() {
                        Ok(v) if v <= 1000 => values.push(v),
                        _ => errors.add(
                            &format!("criteria[{i}].points[{j}]"),
                            "Enter whole points from 0 to 1000.",
                        ),
                    }
                }
                Some(values)
            };
            criteria.push(Criterion {
                name: c.name.trim().to_owned(),
                description: c.description.trim().to_owned(),
                descriptors,
                points,
            });
        }
        let level = match self.rule_level.trim().parse::<usize>() {
            Ok(l) => Some(l),
            Err(_) if self.rule == "points" => Some(0),
            Err(_) => {
                errors.add("rule_level", "Choose the level every criterion must reach.");
                None
            }
        };
        let points = match self.rule_points.trim().parse::<u32>() {
            Ok(p) => Some(p),
            Err(_) if self.rule == "all" => Some(0),
            Err(_) => {
                errors.add("rule_points", "Enter the total points needed to pass.");
                None
            }
        };
        let rule = match (self.rule, level, points) {
            ("all", Some(level), _) => Some(PassingRule::AllAtLeast { level }),
            ("points", _, Some(points)) => Some(PassingRule::TotalPointsAtLeast { points }),
            ("both", Some(level), Some(points)) => Some(PassingRule::Both { level, points }),
            ("all" | "points" | "both", _, _) => None,
            _ => {
                errors.add("rule", "Choose how a submission passes.");
                None
            }
        };
        let Some(rule) = rule else {
            return Err(errors);
        };
        match Rubric::new(levels, criteria, rule) {
            Ok(r) if errors.is_empty() => Ok(r),
            Ok(_) => Err(errors),
            Err(more) => {
                for e in more.iter() {
                    errors.add(&e.field, e.message.clone());
                }
                Err(errors)
            }
        }
    }
}

/// What scoring against a rubric came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub passed: bool,
    /// The sum of points, when the rubric uses points.
    pub total_points: Option<u32>,
    /// The criteria (by index) scored below the required level.
    pub below_required: Vec<usize>,
}

/// The most criteria and levels a rubric may have.
pub const MAX_CRITERIA: usize = 30;
/// The most performance levels a rubric may have.
pub const MAX_LEVELS: usize = 10;

impl Rubric {
    /// Checks a rubric as an author typed it, reporting every problem with
    /// the field it belongs to (`levels`, `criteria[2].name`, …).
    pub fn new(
        levels: Vec<PerformanceLevel>,
        criteria: Vec<Criterion>,
        rule: PassingRule,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        if levels.len() < 2 {
            errors.add("levels", "A rubric needs at least two performance levels.");
        }
        if levels.len() > MAX_LEVELS {
            errors.add(
                "levels",
                format!("A rubric can have at most {MAX_LEVELS} performance levels."),
            );
        }
        for (i, level) in levels.iter().enumerate() {
            if level.name.trim().is_empty() {
                errors.add(&format!("levels[{i}].name"), "Name this level.");
            } else if levels[..i]
                .iter()
                .any(|l| l.name.trim().eq_ignore_ascii_case(level.name.trim()))
            {
                errors.add(&format!("levels[{i}].name"), "Two levels have this name.");
            }
        }
        if criteria.is_empty() {
            errors.add("criteria", "A rubric needs at least one criterion.");
        }
        if criteria.len() > MAX_CRITERIA {
            errors.add(
                "criteria",
                format!("A rubric can have at most {MAX_CRITERIA} criteria."),
            );
        }
        let uses_points = criteria.first().is_some_and(|c| c.points.is_some());
        for (i, criterion) in criteria.iter().enumerate() {
            if criterion.name.trim().is_empty() {
                errors.add(&format!("criteria[{i}].name"), "Name this criterion.");
            } else if criteria[..i]
                .iter()
                .any(|c| c.name.trim().eq_ignore_ascii_case(criterion.name.trim()))
            {
                errors.add(
                    &format!("criteria[{i}].name"),
                    "Two criteria have this name.",
                );
            }
            if criterion.descriptors.len() != levels.len() {
                errors.add(
                    &format!("criteria[{i}].descriptors"),
                    "Describe what each level looks like for this criterion.",
                );
            } else {
                for (j, d) in criterion.descriptors.iter().enumerate() {
                    if d.trim().is_empty() {
                        errors.add(
                            &format!("criteria[{i}].descriptors[{j}]"),
                            "Describe this level for this criterion.",
                        );
                    }
                }
            }
            match (&criterion.points, uses_points) {
                (Some(_), false) | (None, true) => {
                    errors.add(
                        &format!("criteria[{i}].points"),
                        "Give points for every criterion, or for none.",
                    );
                }
                (Some(points), true) if points.len() != levels.len() => {
                    errors.add(
                        &format!("criteria[{i}].points"),
                        "Give points for each level.",
                    );
                }
                (Some(points), true) if points.windows(2).any(|w| w[0] > w[1]) => {
                    errors.add(
                        &format!("criteria[{i}].points"),
                        "Higher levels cannot be worth fewer points.",
                    );
                }
                _ => {}
            }
        }
        let max_total: u32 = criteria
            .iter()
            .filter_map(|c| c.points.as_ref().and_then(|p| p.last()))
            .sum();
        match rule {
            PassingRule::AllAtLeast { level } | PassingRule::Both { level, .. }
                if level >= levels.len().max(1) =>
            {
                errors.add(
                    "passing_rule",
                    "Choose one of the rubric's levels as the required level.",
                );
            }
            _ => {}
        }
        match rule {
            PassingRule::TotalPointsAtLeast { points } | PassingRule::Both { points, .. } => {
                if !uses_points {
                    errors.add(
                        "passing_rule",
                        "A rule on total points needs points in the rubric.",
                    );
                } else if points == 0 || points > max_total {
                    errors.add(
                        "passing_rule",
                        format!(
                            "Choose a total between 1 and {max_total}, the most points possible."
                        ),
                    );
                }
            }
            PassingRule::AllAtLeast { .. } => {}
        }
        errors.into_result()?;
        Ok(Self {
            levels,
            criteria,
            rule,
        })
    }

    /// The levels, lowest first.
    pub fn levels(&self) -> &[PerformanceLevel] {
        &self.levels
    }

    /// The criteria.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// The passing rule.
    pub fn rule(&self) -> PassingRule {
        self.rule
    }

    /// Scores one level index per criterion, in criterion order. `None`
    /// when the scores do not fit the rubric (wrong count, unknown level).
    pub fn evaluate(&self, scores: &[usize]) -> Option<Evaluation> {
        if scores.len() != self.criteria.len() || scores.iter().any(|s| *s >= self.levels.len()) {
            return None;
        }
        let total_points = self
            .criteria
            .iter()
            .zip(scores)
            .map(|(c, s)| c.points.as_ref().map(|p| p[*s]))
            .sum::<Option<u32>>();
        let required = match self.rule {
            PassingRule::AllAtLeast { level } | PassingRule::Both { level, .. } => Some(level),
            PassingRule::TotalPointsAtLeast { .. } => None,
        };
        let below_required: Vec<usize> = match required {
            Some(level) => scores
                .iter()
                .enumerate()
                .filter(|(_, s)| **s < level)
                .map(|(i, _)| i)
                .collect(),
            None => Vec::new(),
        };
        let points_ok = match self.rule {
            PassingRule::TotalPointsAtLeast { points } | PassingRule::Both { points, .. } => {
                total_points.is_some_and(|t| t >= points)
            }
            PassingRule::AllAtLeast { .. } => true,
        };
        Some(Evaluation {
            passed: below_required.is_empty() && points_ok,
            total_points,
            below_required,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<PerformanceLevel> {
        ["Beginning", "Developing", "Proficient", "Exemplary"]
            .iter()
            .map(|n| PerformanceLevel { name: (*n).into() })
            .collect()
    }

    fn criterion(name: &str, points: Option<Vec<u32>>) -> Criterion {
        Criterion {
            name: name.into(),
            description: String::new(),
            descriptors: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            points,
        }
    }

    #[test]
    fn all_criteria_at_or_above_a_level() {
        let rubric = Rubric::new(
            levels(),
            vec![criterion("Instruction", None), criterion("Practice", None)],
            PassingRule::AllAtLeast { level: 2 },
        )
        .expect("valid");
        assert!(rubric.evaluate(&[2, 3]).expect("fits").passed);
        let failed = rubric.evaluate(&[3, 1]).expect("fits");
        assert!(!failed.passed);
        assert_eq!(failed.below_required, vec![1]);
        assert_eq!(rubric.evaluate(&[2]), None, "one score per criterion");
        assert_eq!(rubric.evaluate(&[2, 4]), None, "an unknown level");
    }

    #[test]
    fn total_points_and_both() {
        let pts = || Some(vec![0, 1, 2, 3]);
        let rubric = Rubric::new(
            levels(),
            vec![criterion("A", pts()), criterion("B", pts())],
            PassingRule::TotalPointsAtLeast { points: 4 },
        )
        .expect("valid");
        assert_eq!(
            rubric.evaluate(&[3, 1]).map(|e| (e.passed, e.total_points)),
            Some((true, Some(4)))
        );
        assert!(!rubric.evaluate(&[1, 2]).expect("fits").passed);
        let both = Rubric::new(
            levels(),
            vec![criterion("A", pts()), criterion("B", pts())],
            PassingRule::Both {
                level: 1,
                points: 4,
            },
        )
        .expect("valid");
        assert!(
            !both.evaluate(&[3, 0]).expect("fits").passed,
            "points reached but one criterion too low"
        );
        assert!(both.evaluate(&[2, 2]).expect("fits").passed);
    }

    #[test]
    fn problems_are_reported_per_field() {
        let mut bad = criterion("", Some(vec![3, 2, 1, 0]));
        bad.descriptors[1] = " ".into();
        let errors = Rubric::new(
            vec![PerformanceLevel {
                name: "Only".into(),
            }],
            vec![bad, criterion("X", None)],
            PassingRule::TotalPointsAtLeast { points: 99 },
        )
        .expect_err("invalid");
        for field in [
            "levels",
            "criteria[0].name",
            "criteria[0].descriptors",
            "criteria[1].points",
        ] {
            assert!(errors.for_field(field).is_some(), "{field}: {errors}");
        }
        let errors = Rubric::new(
            levels(),
            vec![criterion("A", None)],
            PassingRule::AllAtLeast { level: 7 },
        )
        .expect_err("invalid");
        assert!(errors.for_field("passing_rule").is_some());
        let errors = Rubric::new(
            levels(),
            vec![criterion("A", Some(vec![0, 2, 1, 3]))],
            PassingRule::AllAtLeast { level: 1 },
        )
        .expect_err("invalid");
        assert_eq!(
            errors.for_field("criteria[0].points"),
            Some("Higher levels cannot be worth fewer points.")
        );
        let errors = Rubric::new(
            levels(),
            vec![criterion("A", None), criterion("a", None)],
            PassingRule::AllAtLeast { level: 1 },
        )
        .expect_err("invalid");
        assert_eq!(
            errors.for_field("criteria[1].name"),
            Some("Two criteria have this name.")
        );
    }

    #[test]
    fn a_typed_form_becomes_a_rubric_and_blank_spare_rows_are_ignored() {
        let form = RubricForm {
            levels: vec!["Beginning", "Developing", "Proficient", ""],
            criteria: vec![
                CriterionForm {
                    name: "Fidelity",
                    description: "",
                    descriptors: vec!["a", "b", "c", ""],
                    points: vec!["1", "2", "3", ""],
                },
                CriterionForm::default(),
            ],
            rule: "both",
            rule_level: "1",
            rule_points: "2",
        };
        let rubric = form.parse().expect("valid");
        assert_eq!(rubric.levels().len(), 3);
        assert_eq!(rubric.criteria().len(), 1);
        assert_eq!(
            rubric.rule(),
            PassingRule::Both {
                level: 1,
                points: 2
            }
        );

        let bad = RubricForm {
            criteria: vec![CriterionForm {
                name: "Fidelity",
                description: "",
                descriptors: vec!["a", "b", "c"],
                points: vec!["1", "two", "3"],
            }],
            ..form
        };
        let errors = bad.parse().expect_err("bad points");
        assert!(
            errors.for_field("criteria[0].points[1]").is_some(),
            "{errors}"
        );
        let no_rule = RubricForm {
            rule: "",
            ..RubricForm::default()
        };
        assert!(
            no_rule
                .parse()
                .expect_err("no rule")
                .for_field("rule")
                .is_some()
        );
    }
}

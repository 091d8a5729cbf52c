//! The descriptive fields of a micro-credential, as an author types them:
//! checked into a value that cannot hold bad data.

use crate::FieldErrors;
use crate::organization::{parse_name, parse_website};
use serde::{Deserialize, Serialize};

/// How a micro-credential is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Price {
    /// No cost to anyone.
    Free,
    /// The learner pays this many cents (or a sponsor covers it).
    Paid { cents: u32 },
}

/// An alignment to a standards framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    pub name: String,
    pub url: String,
    pub framework: Option<String>,
    pub code: Option<String>,
}

/// The descriptive fields of a micro-credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AchievementFields {
    pub title: String,
    pub summary: String,
    pub competency: String,
    pub method: String,
    pub description: String,
    pub criteria: String,
    pub instructions: String,
    pub tags: Vec<String>,
    pub alignments: Vec<Alignment>,
    /// Credit hours earned, in hundredths (2.5 hours = 250), so sums are exact.
    pub credit_hundredths: u32,
    /// Months an award stays valid; `None` for no expiry.
    pub valid_months: Option<u32>,
    pub price: Price,
    /// Whether a sponsor's seat or code can cover the price (or, when free,
    /// whether sponsors may enrol people).
    #[serde(default)]
    pub sponsorable: bool,
    /// Whether an award waits for the issuer's confirmation with the coach.
    pub requires_confirmation: bool,
}

/// What an author typed.
#[derive(Clone, Debug, Default)]
pub struct AchievementInput<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub competency: &'a str,
    pub method: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub instructions: &'a str,
    /// Comma-separated.
    pub tags: &'a str,
    /// Name, URL, framework, code per alignment.
    pub alignments: Vec<(&'a str, &'a str, &'a str, &'a str)>,
    /// e.g. "2.5"
    pub credit_hours: &'a str,
    /// e.g. "24", or empty for none.
    pub valid_months: &'a str,
    /// e.g. "0", "49.00"
    pub price: &'a str,
    pub sponsorable: bool,
    pub requires_confirmation: bool,
}

fn long_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.add(field, "This is required.");
    }
    if value.chars().count() > max {
        errors.add(field, format!("Use at most {max} characters."));
    }
    value.to_owned()
}

/// Hundredths written with two decimals, as prices are: `4900` → `"49.00"`.
pub fn two_decimals(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// Hundredths written as briefly as they read back, as hours are:
/// `250` → `"2.5"`, `200` → `"2"`, `125` → `"1.25"`.
pub fn brief_decimal(hundredths: u32) -> String {
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    if frac == 0 {
        whole.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    }
}

/// Parses an amount with at most two decimals ("2.5", "49.00") into hundredths.
fn hundredths(text: &str) -> Option<u32> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction: u32 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

impl AchievementFields {
    /// Checks every field, reporting all problems at once.
    pub fn parse(input: &AchievementInput<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", parse_name(input.title, 200));
        let summary = long_text(&mut errors, "summary", input.summary, 500, true);
        let competency = long_text(&mut errors, "competency", input.competency, 2000, true);
        let method = long_text(&mut errors, "method", input.method, 5000, false);
        let description = long_text(&mut errors, "description", input.description, 20_000, false);
        let criteria = long_text(&mut errors, "criteria", input.criteria, 20_000, true);
        let instructions = long_text(
            &mut errors,
            "instructions",
            input.instructions,
            20_000,
            false,
        );
        let mut tags: Vec<String> = Vec::new();
        for tag in input
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if tag.chars().count() > 50 {
                errors.add("tags", "Keep each tag under 50 characters.");
            } else if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                tags.push(tag.to_owned());
            }
        }
        if tags.len() > 20 {
            errors.add("tags", "Use at most 20 tags.");
        }
        let mut alignments = Vec::new();
        for (i, (name, url, framework, code)) in input.alignments.iter().enumerate() {
            if [name, url, framework, code]
                .iter()
                .all(|v| v.trim().is_empty())
            {
                continue;
            }
            let name = errors.check(&format!("alignments[{i}].name"), parse_name(name, 300));
            let url = match parse_website(url) {
                Ok(Some(url)) => Some(url),
                Ok(None) => {
                    errors.add(
                        &format!("alignments[{i}].url"),
                        "Enter the address of the standard.",
                    );
                    None
                }
                Err(e) => {
                    errors.add(&format!("alignments[{i}].url"), e.to_string());
                    None
                }
            };
            let optional = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
            if let (Some(name), Some(url)) = (name, url) {
                alignments.push(Alignment {
                    name,
                    url,
                    framework: optional(framework),
                    code: optional(code),
                });
            }
        }
        let credit_hundredths = match hundredths(input.credit_hours) {
            Some(h) if h <= 100_000 => h,
            _ if input.credit_hours.trim().is_empty() => 0,
            _ => {
                errors.add(
                    "credit_hours",
                    "Enter hours like 2 or 2.5 (at most two decimals, at most 1000).",
                );
                0
            }
        };
        let valid_months = match input.valid_months.trim() {
            "" => None,
            text => {
                match text.parse::<u32>() {
                    Ok(m) if (1..=240).contains(&m) => Some(m),
                    _ => {
                        errors.add("valid_months", "Enter a number of months from 1 to 240, or leave it empty for no expiry.");
                        None
                    }
                }
            }
        };
        let price = match hundredths(if input.price.trim().is_empty() {
            "0"
        } else {
            input.price
        }) {
            Some(0) => Price::Free,
            Some(cents) if cents <= 10_000_000 => Price::Paid { cents },
            _ => {
                errors.add("price", "Enter a price like 0 or 49.00.");
                Price::Free
            }
        };
        match title {
            Some(title) if errors.is_empty() => Ok(Self {
                title,
                summary,
                competency,
                method,
                description,
                criteria,
                instructions,
                tags,
                alignments,
                credit_hundredths,
                valid_months,
                price,
                sponsorable: input.sponsorable,
                requires_confirmation: input.requires_confirmation,
            }),
            _ => Err(errors),
        }
    }

    /// Credit hours as a number, for display and credentials.
    pub fn credit_hours(&self) -> f64 {
        f64::from(self.credit_hundredths) / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AchievementInput<'static> {
        AchievementInput {
            title: "Paraphrasing Strategy: Professional Learning",
            summary: "Learn the Paraphrasing Strategy.",
            competency: "Teaches students to paraphrase paragraphs.",
            criteria: "Attend and reflect.",
            tags: "SIM, literacy, sim ,",
            credit_hours: "2.5",
            price: "",
            ..AchievementInput::default()
        }
    }

    #[test]
    fn a_complete_micro_credential_parses() {
        let fields = AchievementFields::parse(&input()).expect("valid");
        assert_eq!(fields.tags, vec!["SIM", "literacy"]);
        assert_eq!(fields.credit_hundredths, 250);
        assert!((fields.credit_hours() - 2.5).abs() < f64::EPSILON);
        assert_eq!(fields.price, Price::Free);
        assert_eq!(fields.valid_months, None);
    }

    #[test]
    fn amounts_are_exact_and_checked() {
        assert_eq!(hundredths("49.00"), Some(4900));
        assert_eq!(hundredths("0.5"), Some(50));
        assert_eq!(hundredths("3"), Some(300));
        for bad in ["", ".5", "1.234", "-1", "1e3", "one"] {
            assert_eq!(hundredths(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_problem_is_named() {
        let errors = AchievementFields::parse(&AchievementInput {
            title: "",
            credit_hours: "2.555",
            valid_months: "0",
            price: "free",
            alignments: vec![("", "ftp://x", "", "")],
            ..AchievementInput::default()
        })
        .expect_err("invalid");
        for field in [
            "title",
            "summary",
            "competency",
            "criteria",
            "credit_hours",
            "valid_months",
            "price",
            "alignments[0].name",
            "alignments[0].url",
        ] {
            assert!(errors.for_field(field).is_some(), "{field}: {errors}");
        }
    }

    #[test]
    fn amounts_written_out_read_back_the_same() {
        for h in [0, 1, 10, 99, 100, 125, 250, 4900, 100_000] {
            assert_eq!(hundredths(&brief_decimal(h)), Some(h));
            assert_eq!(hundredths(&two_decimals(h)), Some(h));
        }
        assert_eq!(brief_decimal(250), "2.5");
        assert_eq!(two_decimals(4900), "49.00");
    }
}

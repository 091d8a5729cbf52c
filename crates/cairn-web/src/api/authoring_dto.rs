//! What the micro-credential, catalog and library endpoints send and accept,
//! and the conversions between those shapes and the domain's.

use cairn_app::achievements::{AchievementView, StackView};
use cairn_app::catalog::CatalogEntry;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput, Price};
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::requirement::EvidenceRequirement;
use cairn_domain::achievement::rubric::{Criterion, PassingRule, PerformanceLevel, Rubric};
use cairn_domain::{AchievementId, FieldErrors};
use cairn_store::achievements::{Achievement, AchievementVersion, SourcedRequirement};
use cairn_store::levels::Level;
use cairn_store::stacks::StoredStack;
use cairn_store::templates::{Template, TemplateBody};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An amount as JSON sends it: a number (`2.5`) or a string (`"2.5"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Amount {
    Number(serde_json::Number),
    Text(String),
}

impl Amount {
    fn text(&self) -> String {
        match self {
            Amount::Number(n) => n.to_string(),
            Amount::Text(t) => t.clone(),
        }
    }
}

fn amount_text(value: Option<&Amount>) -> String {
    value.map(Amount::text).unwrap_or_default()
}

/// A decimal amount of money or hours from hundredths: `4900` → `"49.00"`.
pub fn decimal(hundredths: u32) -> String {
    cairn_domain::achievement::fields::two_decimals(hundredths)
}

/// Credit hours as a JSON number: `250` → `2.5`.
pub fn hours(hundredths: u32) -> f64 {
    f64::from(hundredths) / 100.0
}

/// Where a micro-credential's page is.
pub fn page_url(org_slug: &str, slug: &str) -> String {
    format!("/orgs/{org_slug}/achievements/{slug}")
}

fn image_url(id: AchievementId, key: Option<&str>, ext: &str) -> Option<String> {
    key.map(|k| {
        let stamp: String = k
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(12)
            .collect();
        format!("/achievements/{id}/image.{ext}?v={stamp}")
    })
}

fn status_name(status: AchievementStatus) -> String {
    status.as_str().to_owned()
}

/// A micro-credential's badge image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageDto {
    /// The PNG (uploaded, or drawn from the SVG).
    pub png_url: Option<String>,
    /// The SVG, for a sanitized upload or a design.
    pub svg_url: Option<String>,
    /// Whether the image was made in the designer.
    pub designed: bool,
}

impl ImageDto {
    pub fn of(a: &Achievement) -> Self {
        Self {
            png_url: image_url(a.id, a.image.png_key.as_deref(), "png"),
            svg_url: image_url(a.id, a.image.svg_key.as_deref(), "svg"),
            designed: a.image.design.is_some(),
        }
    }
}

/// One result of a catalog search.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItemDto {
    pub id: Uuid,
    /// The issuing organization's slug.
    pub organization: String,
    pub organization_name: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The name of its level on the organization's scale.
    pub level: Option<String>,
    /// Credit hours, up to two decimals.
    pub credit_hours: f64,
    /// The price, e.g. `"49.00"`; `"0.00"` when free.
    pub price: String,
    pub free: bool,
    pub image: ImageDto,
    /// The public page.
    pub page_url: String,
}

impl From<CatalogEntry> for CatalogItemDto {
    fn from(e: CatalogEntry) -> Self {
        let a = e.achievement;
        Self {
            id: a.id.0,
            page_url: page_url(&e.organization_slug, &a.slug),
            image: ImageDto::of(&a),
            organization: e.organization_slug,
            organization_name: e.organization_name,
            level: e.level_name,
            credit_hours: hours(a.credit_hundredths),
            price: decimal(a.price_cents),
            free: a.price_cents == 0,
            slug: a.slug,
            title: a.title,
            summary: a.summary,
        }
    }
}

/// A page of catalog results.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogPageDto {
    pub items: Vec<CatalogItemDto>,
    pub total: u64,
    /// From 1.
    pub page: u64,
    pub pages: u64,
    pub per_page: u64,
}

/// A micro-credential in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementSummaryDto {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// draft, published or archived.
    pub status: String,
    /// The current version's number.
    pub version: u32,
    /// Send it back with an edit.
    pub lock_version: u32,
    /// The department's slug.
    pub department: Option<String>,
    /// The level's name.
    pub level: Option<String>,
    pub credit_hours: f64,
    pub price: String,
    pub free: bool,
    pub image: ImageDto,
    pub page_url: String,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl AchievementSummaryDto {
    pub fn new(
        a: Achievement,
        org_slug: &str,
        department: Option<String>,
        level: Option<String>,
    ) -> Self {
        Self {
            id: a.id.0,
            page_url: page_url(org_slug, &a.slug),
            image: ImageDto::of(&a),
            status: status_name(a.status),
            version: a.version_number,
            lock_version: a.lock_version,
            department,
            level,
            credit_hours: hours(a.credit_hundredths),
            price: decimal(a.price_cents),
            free: a.price_cents == 0,
            slug: a.slug,
            title: a.title,
            summary: a.summary,
            updated_at: a.updated_at,
            published_at: a.published_at,
        }
    }
}

/// A short reference to a micro-credential.
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementRefDto {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub status: String,
}

impl From<&Achievement> for AchievementRefDto {
    fn from(a: &Achievement) -> Self {
        Self {
            id: a.id.0,
            slug: a.slug.clone(),
            title: a.title.clone(),
            status: status_name(a.status),
        }
    }
}

/// An alignment to a standards framework.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlignmentDto {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub framework: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

/// A level of a rubric's passing rule: its position (0 for the lowest)
/// or its name.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LevelRefDto {
    Index(usize),
    Name(String),
}

/// How a submission passes.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleDto {
    /// Every criterion reaches at least this level.
    AllAtLeast { level: LevelRefDto },
    /// The points of all criteria add up to at least this.
    TotalPointsAtLeast { points: u32 },
    /// Both of the above.
    Both { level: LevelRefDto, points: u32 },
}

impl From<PassingRule> for RuleDto {
    fn from(rule: PassingRule) -> Self {
        match rule {
            PassingRule::AllAtLeast { level } => RuleDto::AllAtLeast {
                level: LevelRefDto::Index(level),
            },
            PassingRule::TotalPointsAtLeast { points } => RuleDto::TotalPointsAtLeast { points },
            PassingRule::Both { level, points } => RuleDto::Both {
                level: LevelRefDto::Index(level),
                points,
            },
        }
    }
}

/// One criterion of a rubric.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionDto {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// What each level looks like for this criterion, lowest first.
    pub descriptors: Vec<String>,
    /// Points for each level, or `null` for a rubric without points.
    #[serde(default)]
    pub points: Option<Vec<u32>>,
}

/// A rubric.
#[derive(Debug, Serialize, ToSchema)]
pub struct RubricDto {
    /// Performance level names, lowest first.
    pub levels: Vec<String>,
    pub criteria: Vec<CriterionDto>,
    pub rule: RuleDto,
    /// The template it was copied from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<Uuid>,
}

impl RubricDto {
    pub fn new(r: &Rubric, template: Option<Uuid>) -> Self {
        Self {
            levels: r.levels().iter().map(|l| l.name.clone()).collect(),
            criteria: r
                .criteria()
                .iter()
                .map(|c| CriterionDto {
                    name: c.name.clone(),
                    description: c.description.clone(),
                    descriptors: c.descriptors.clone(),
                    points: c.points.clone(),
                })
                .collect(),
            rule: r.rule().into(),
            template_id: template,
        }
    }
}

/// A rubric as a template holds it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RubricBodyDto {
    pub levels: Vec<String>,
    pub criteria: Vec<CriterionDto>,
    pub rule: RuleDto,
}

/// Checks a rubric; problems are named by field (`levels[1].name`,
/// `criteria[0].descriptors`, `rule.level`, …).
pub fn parse_rubric(
    levels: &[String],
    criteria: &[CriterionDto],
    rule: &RuleDto,
) -> Result<Rubric, FieldErrors> {
    let level_index = |level: &LevelRefDto| match level {
        LevelRefDto::Index(i) => Ok(*i),
        LevelRefDto::Name(name) => levels
            .iter()
            .position(|l| l.trim().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                FieldErrors::single(
                    "rule.level",
                    format!("“{name}” is not one of the rubric's levels."),
                )
            }),
    };
    let rule = match rule {
        RuleDto::AllAtLeast { level } => PassingRule::AllAtLeast {
            level: level_index(level)?,
        },
        RuleDto::TotalPointsAtLeast { points } => {
            PassingRule::TotalPointsAtLeast { points: *points }
        }
        RuleDto::Both { level, points } => PassingRule::Both {
            level: level_index(level)?,
            points: *points,
        },
    };
    Rubric::new(
        levels
            .iter()
            .map(|name| PerformanceLevel {
                name: name.trim().to_owned(),
            })
            .collect(),
        criteria
            .iter()
            .map(|c| Criterion {
                name: c.name.trim().to_owned(),
                description: c.description.trim().to_owned(),
                descriptors: c.descriptors.iter().map(|d| d.trim().to_owned()).collect(),
                points: c.points.clone(),
            })
            .collect(),
        rule,
    )
}

/// A new rubric for a micro-credential. Give `levels`, `criteria` and
/// `rule`; or only `template_id` to copy a rubric template of the
/// organization.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RubricInputDto {
    /// The `lock_version` the change starts from.
    pub lock_version: u32,
    /// Performance level names, lowest first.
    #[serde(default)]
    pub levels: Option<Vec<String>>,
    #[serde(default)]
    pub criteria: Option<Vec<CriterionDto>>,
    #[serde(default)]
    pub rule: Option<RuleDto>,
    /// The rubric template it comes from.
    #[serde(default)]
    pub template_id: Option<Uuid>,
}

/// An evidence requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementDto {
    /// What the learner is asked for.
    pub prompt: String,
    pub guidance: String,
    /// Accepted kinds: file, video, image, document, link, reflection, badge.
    pub kinds: Vec<String>,
    /// How many items at least.
    pub min_count: u32,
    pub checklist: Vec<String>,
    /// The template it was copied from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<Uuid>,
}

impl RequirementDto {
    pub fn new(r: &EvidenceRequirement, template: Option<Uuid>) -> Self {
        Self {
            prompt: r.prompt.clone(),
            guidance: r.guidance.clone(),
            kinds: r.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            min_count: r.min_count,
            checklist: r.checklist.clone(),
            template_id: template,
        }
    }
}

impl From<&SourcedRequirement> for RequirementDto {
    fn from(s: &SourcedRequirement) -> Self {
        Self::new(&s.requirement, s.template_id.map(|t| t.0))
    }
}

/// An evidence requirement as a template holds it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementBodyDto {
    pub prompt: String,
    #[serde(default)]
    pub guidance: String,
    pub kinds: Vec<String>,
    pub min_count: u32,
    #[serde(default)]
    pub checklist: Vec<String>,
}

/// Checks a requirement; problems are named `<prefix>prompt`, `<prefix>kinds`, ….
pub fn parse_requirement(
    prompt: &str,
    guidance: &str,
    kinds: &[String],
    min_count: Option<u32>,
    checklist: &[String],
    prefix: &str,
) -> Result<EvidenceRequirement, FieldErrors> {
    let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
    let checklist: Vec<&str> = checklist.iter().map(String::as_str).collect();
    let min = min_count.map(|n| n.to_string()).unwrap_or_default();
    EvidenceRequirement::parse(prompt, guidance, &kinds, &min, &checklist).map_err(|errors| {
        let mut named = FieldErrors::new();
        for e in errors.iter() {
            named.add(&format!("{prefix}{}", e.field), e.message.clone());
        }
        named
    })
}

impl RequirementBodyDto {
    pub fn parse(&self) -> Result<EvidenceRequirement, FieldErrors> {
        parse_requirement(
            &self.prompt,
            &self.guidance,
            &self.kinds,
            Some(self.min_count),
            &self.checklist,
            "body.",
        )
    }
}

/// One requirement of a micro-credential. Give its fields; or only
/// `template_id` to copy a requirement template of the organization.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementInputDto {
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub guidance: Option<String>,
    #[serde(default)]
    pub kinds: Option<Vec<String>>,
    #[serde(default)]
    pub min_count: Option<u32>,
    #[serde(default)]
    pub checklist: Option<Vec<String>>,
    /// The requirement template it comes from.
    #[serde(default)]
    pub template_id: Option<Uuid>,
}

impl RequirementInputDto {
    /// Whether only a template was named.
    pub fn template_only(&self) -> Option<Uuid> {
        self.template_id
            .filter(|_| self.prompt.is_none() && self.kinds.is_none() && self.min_count.is_none())
    }
}

/// The whole list of a micro-credential's requirements, in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementsInputDto {
    /// The `lock_version` the change starts from.
    pub lock_version: u32,
    pub requirements: Vec<RequirementInputDto>,
}

/// Prerequisites: all of a set, or at least `count` of it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrerequisitesInputDto {
    /// `all` or `at_least`.
    pub rule: String,
    /// With `at_least`: how many are needed.
    #[serde(default)]
    pub count: Option<usize>,
    /// The micro-credentials' ids.
    pub achievements: Vec<Uuid>,
}

/// A micro-credential's prerequisites.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrerequisitesDto {
    /// `all` or `at_least`.
    pub rule: String,
    /// With `at_least`: how many are needed.
    pub count: Option<usize>,
    /// Those named (drafts hidden from visitors).
    pub achievements: Vec<AchievementRefDto>,
}

/// A stack a micro-credential belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct StackRefDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub published: bool,
}

/// A micro-credential with everything that defines it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementDto {
    pub id: Uuid,
    /// The issuing organization's slug.
    pub organization: String,
    pub organization_name: String,
    pub slug: String,
    /// draft, published or archived.
    pub status: String,
    /// The number of the version shown (the current one unless asked).
    pub version: u32,
    /// The current version's number.
    pub current_version: u32,
    /// Send it back with an edit; a stale one is refused with 409.
    pub lock_version: u32,
    pub title: String,
    pub summary: String,
    pub competency: String,
    pub method: String,
    pub description: String,
    pub criteria: String,
    pub instructions: String,
    pub tags: Vec<String>,
    pub alignments: Vec<AlignmentDto>,
    pub credit_hours: f64,
    /// Months an award stays valid; `null` for no expiry.
    pub valid_months: Option<u32>,
    /// e.g. `"49.00"`; `"0.00"` when free.
    pub price: String,
    pub free: bool,
    pub sponsorable: bool,
    pub requires_confirmation: bool,
    /// The department's slug.
    pub department: Option<String>,
    /// The level's name.
    pub level: Option<String>,
    pub level_id: Option<Uuid>,
    pub rubric: Option<RubricDto>,
    pub requirements: Vec<RequirementDto>,
    pub prerequisites: Option<PrerequisitesDto>,
    pub stacks: Vec<StackRefDto>,
    pub image: ImageDto,
    /// The designer's settings, when the image was designed.
    pub design: Option<serde_json::Value>,
    pub awards_count: u32,
    /// Whether the caller may edit it.
    pub can_edit: bool,
    pub page_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

fn price_of(fields: &AchievementFields) -> (String, bool) {
    match fields.price {
        Price::Free => (decimal(0), true),
        Price::Paid { cents } => (decimal(cents), false),
    }
}

impl From<AchievementView> for AchievementDto {
    fn from(v: AchievementView) -> Self {
        let a = v.achievement;
        let f = v.version.fields;
        let (price, free) = price_of(&f);
        let prerequisites = v.prerequisite.map(|p| {
            let (rule, count) = match &p {
                Prerequisite::AllOf(_) => ("all", None),
                Prerequisite::AtLeast(n, _) => ("at_least", Some(*n)),
            };
            PrerequisitesDto {
                rule: rule.to_owned(),
                count,
                achievements: v.prerequisite_achievements.iter().map(Into::into).collect(),
            }
        });
        Self {
            id: a.id.0,
            page_url: page_url(&v.organization.slug, &a.slug),
            organization: v.organization.slug,
            organization_name: v.organization.name,
            status: status_name(a.status),
            version: v.version.number,
            current_version: a.version_number,
            lock_version: a.lock_version,
            title: f.title,
            summary: f.summary,
            competency: f.competency,
            method: f.method,
            description: f.description,
            criteria: f.criteria,
            instructions: f.instructions,
            tags: f.tags,
            alignments: f
                .alignments
                .into_iter()
                .map(|al| AlignmentDto {
                    name: al.name,
                    url: al.url,
                    framework: al.framework,
                    code: al.code,
                })
                .collect(),
            credit_hours: hours(f.credit_hundredths),
            valid_months: f.valid_months,
            price,
            free,
            sponsorable: f.sponsorable,
            requires_confirmation: f.requires_confirmation,
            department: v.department.map(|d| d.slug),
            level: v.level.as_ref().map(|l| l.name.clone()),
            level_id: v.level.map(|l| l.id.0),
            rubric: v
                .version
                .rubric
                .as_ref()
                .map(|r| RubricDto::new(r, v.version.rubric_template_id.map(|t| t.0))),
            requirements: v.version.requirements.iter().map(Into::into).collect(),
            prerequisites,
            stacks: v.stacks.iter().map(StackRefDto::from).collect(),
            image: ImageDto::of(&a),
            design: a
                .image
                .design
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
            awards_count: a.awards_count,
            can_edit: v.can_edit,
            slug: a.slug,
            created_at: a.created_at,
            updated_at: a.updated_at,
            published_at: a.published_at,
        }
    }
}

impl From<&StackView> for StackRefDto {
    fn from(s: &StackView) -> Self {
        Self {
            id: s.stack.id.0,
            slug: s.stack.slug.clone(),
            name: s.stack.name.clone(),
            published: s.stack.published,
        }
    }
}

/// A new draft's details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAchievementDto {
    pub title: String,
    /// One or two sentences for the catalog.
    pub summary: String,
    /// What a holder can do.
    pub competency: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub description: String,
    /// What earning takes.
    pub criteria: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub alignments: Vec<AlignmentDto>,
    /// A number or a string, at most two decimals (`2.5`, `"2.50"`).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2.5")]
    pub credit_hours: Option<Amount>,
    /// Months an award stays valid (1–240); omit or `null` for no expiry.
    #[serde(default)]
    #[schema(value_type = Option<u32>)]
    pub valid_months: Option<Amount>,
    /// A number or a string (`49`, `"49.00"`); `0` or omitted for free.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "49.00")]
    pub price: Option<Amount>,
    #[serde(default)]
    pub sponsorable: bool,
    #[serde(default)]
    pub requires_confirmation: bool,
    /// The address in the organization; made from the title when omitted.
    #[serde(default)]
    pub slug: Option<String>,
    /// A department's slug.
    #[serde(default)]
    pub department: Option<String>,
    /// A level of the organization's scale, by id or by name.
    #[serde(default)]
    pub level: Option<String>,
}

/// New details for a micro-credential: every field, as `GET` returns them
/// (omitted optional fields become empty). The slug does not change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementDetailsDto {
    /// The `lock_version` the change starts from.
    pub lock_version: u32,
    pub title: String,
    pub summary: String,
    pub competency: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub description: String,
    pub criteria: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub alignments: Vec<AlignmentDto>,
    /// A number or a string, at most two decimals.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2.5")]
    pub credit_hours: Option<Amount>,
    #[serde(default)]
    #[schema(value_type = Option<u32>)]
    pub valid_months: Option<Amount>,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "49.00")]
    pub price: Option<Amount>,
    #[serde(default)]
    pub sponsorable: bool,
    #[serde(default)]
    pub requires_confirmation: bool,
    /// A department's slug.
    #[serde(default)]
    pub department: Option<String>,
    /// A level of the organization's scale, by id or by name.
    #[serde(default)]
    pub level: Option<String>,
}

/// Details as owned text, ready to lend to the use case.
#[derive(Debug)]
pub struct DetailsText {
    title: String,
    summary: String,
    competency: String,
    method: String,
    description: String,
    criteria: String,
    instructions: String,
    tags: String,
    alignments: Vec<(String, String, String, String)>,
    credit_hours: String,
    valid_months: String,
    price: String,
    sponsorable: bool,
    requires_confirmation: bool,
}

fn tags_text(tags: &[String]) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    for (i, tag) in tags.iter().enumerate() {
        if tag.contains(',') {
            errors.add(&format!("tags[{i}]"), "A tag cannot contain a comma.");
        }
    }
    errors.into_result()?;
    Ok(tags.join(", "))
}

fn alignments_text(list: &[AlignmentDto]) -> Vec<(String, String, String, String)> {
    list.iter()
        .map(|a| {
            (
                a.name.clone(),
                a.url.clone(),
                a.framework.clone().unwrap_or_default(),
                a.code.clone().unwrap_or_default(),
            )
        })
        .collect()
}

impl DetailsText {
    pub fn of_new(d: &NewAchievementDto) -> Result<Self, FieldErrors> {
        Ok(Self {
            title: d.title.clone(),
            summary: d.summary.clone(),
            competency: d.competency.clone(),
            method: d.method.clone(),
            description: d.description.clone(),
            criteria: d.criteria.clone(),
            instructions: d.instructions.clone(),
            tags: tags_text(&d.tags)?,
            alignments: alignments_text(&d.alignments),
            credit_hours: amount_text(d.credit_hours.as_ref()),
            valid_months: amount_text(d.valid_months.as_ref()),
            price: amount_text(d.price.as_ref()),
            sponsorable: d.sponsorable,
            requires_confirmation: d.requires_confirmation,
        })
    }

    pub fn of_edit(d: &AchievementDetailsDto) -> Result<Self, FieldErrors> {
        Ok(Self {
            title: d.title.clone(),
            summary: d.summary.clone(),
            competency: d.competency.clone(),
            method: d.method.clone(),
            description: d.description.clone(),
            criteria: d.criteria.clone(),
            instructions: d.instructions.clone(),
            tags: tags_text(&d.tags)?,
            alignments: alignments_text(&d.alignments),
            credit_hours: amount_text(d.credit_hours.as_ref()),
            valid_months: amount_text(d.valid_months.as_ref()),
            price: amount_text(d.price.as_ref()),
            sponsorable: d.sponsorable,
            requires_confirmation: d.requires_confirmation,
        })
    }

    pub fn input(&self) -> AchievementInput<'_> {
        AchievementInput {
            title: &self.title,
            summary: &self.summary,
            competency: &self.competency,
            method: &self.method,
            description: &self.description,
            criteria: &self.criteria,
            instructions: &self.instructions,
            tags: &self.tags,
            alignments: self
                .alignments
                .iter()
                .map(|(n, u, f, c)| (n.as_str(), u.as_str(), f.as_str(), c.as_str()))
                .collect(),
            credit_hours: &self.credit_hours,
            valid_months: &self.valid_months,
            price: &self.price,
            sponsorable: self.sponsorable,
            requires_confirmation: self.requires_confirmation,
        }
    }
}

/// One version of what earning a micro-credential means.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub number: u32,
    /// Whether it is the current version.
    pub current: bool,
    pub created_at: DateTime<Utc>,
    pub title: String,
    pub criteria: String,
    pub instructions: String,
    pub rubric: Option<RubricDto>,
    pub requirements: Vec<RequirementDto>,
}

impl VersionDto {
    pub fn new(v: &AchievementVersion, current: u32) -> Self {
        Self {
            number: v.number,
            current: v.number == current,
            created_at: v.created_at,
            title: v.fields.title.clone(),
            criteria: v.fields.criteria.clone(),
            instructions: v.fields.instructions.clone(),
            rubric: v
                .rubric
                .as_ref()
                .map(|r| RubricDto::new(r, v.rubric_template_id.map(|t| t.0))),
            requirements: v.requirements.iter().map(Into::into).collect(),
        }
    }
}

/// What an image upload came to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageUploadDto {
    pub achievement: AchievementDto,
    /// What was taken out of an SVG to make it safe ("a <script> element", …).
    pub removed: Vec<String>,
}

/// What an import came to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDto {
    /// The draft made.
    pub achievement: AchievementDto,
    /// What to review before publishing.
    pub notes: Vec<String>,
}

/// A level of an organization's scale.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelDto {
    pub id: Uuid,
    pub name: String,
    /// 0 for the lowest.
    pub position: u32,
}

impl From<Level> for LevelDto {
    fn from(l: Level) -> Self {
        Self {
            id: l.id.0,
            name: l.name,
            position: l.position,
        }
    }
}

/// One row of a new level scale: an existing level (by id) keeps its
/// micro-credentials when renamed; a row without id is a new level.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelInputDto {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub name: String,
}

/// What a template holds: a rubric or an evidence requirement.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TemplateBodyDto {
    Rubric(RubricDto),
    Requirement(RequirementDto),
}

/// A named, reusable rubric or requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateDto {
    pub id: Uuid,
    /// `rubric` or `requirement`.
    pub kind: String,
    pub name: String,
    pub description: String,
    pub body: TemplateBodyDto,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Template> for TemplateDto {
    fn from(t: Template) -> Self {
        let body = match &t.body {
            TemplateBody::Rubric(r) => TemplateBodyDto::Rubric(RubricDto::new(r, None)),
            TemplateBody::Requirement(r) => {
                TemplateBodyDto::Requirement(RequirementDto::new(r, None))
            }
        };
        Self {
            id: t.id.0,
            kind: t.body.kind().to_owned(),
            name: t.name,
            description: t.description,
            body,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// The kind of a template.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKindDto {
    Rubric,
    Requirement,
}

/// A new or changed template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInputDto {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub kind: TemplateKindDto,
    /// For `rubric`: `{levels, criteria, rule}` (as [`RubricBodyDto`]); for
    /// `requirement`: `{prompt, guidance, kinds, min_count, checklist}` (as
    /// [`RequirementBodyDto`]).
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
}

/// A stack of micro-credentials.
#[derive(Debug, Serialize, ToSchema)]
pub struct StackDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// What completing the stack earns.
    pub recognition: String,
    pub published: bool,
    /// The steps' ids, in order.
    pub steps: Vec<Uuid>,
    pub capstone_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredStack> for StackDto {
    fn from(s: StoredStack) -> Self {
        Self {
            id: s.id.0,
            slug: s.slug,
            name: s.name,
            description: s.description,
            recognition: s.recognition,
            published: s.published,
            steps: s.steps.iter().map(|a| a.0).collect(),
            capstone_id: s.capstone_id.map(|c| c.0),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A stack with its micro-credentials.
#[derive(Debug, Serialize, ToSchema)]
pub struct StackDetailDto {
    #[serde(flatten)]
    pub stack: StackDto,
    /// The steps the caller may see, in order.
    pub step_achievements: Vec<AchievementRefDto>,
    pub capstone: Option<AchievementRefDto>,
}

impl From<StackView> for StackDetailDto {
    fn from(v: StackView) -> Self {
        Self {
            step_achievements: v.steps.iter().map(Into::into).collect(),
            capstone: v.capstone.as_ref().map(Into::into),
            stack: v.stack.into(),
        }
    }
}

/// A new or changed stack.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StackInputDto {
    pub name: String,
    /// The address; made from the name for a new stack, kept when omitted on a change.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub recognition: String,
    /// The micro-credentials' ids, in order.
    pub steps: Vec<Uuid>,
    #[serde(default)]
    pub capstone_id: Option<Uuid>,
    #[serde(default)]
    pub published: bool,
}

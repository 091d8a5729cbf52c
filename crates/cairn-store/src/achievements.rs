//! Micro-credentials: the achievement row (what the catalog filters on),
//! its versions (what earning means), tags, prerequisites, and the catalog
//! search.

use crate::entities::{
    achievement, achievement_prerequisite, achievement_tag, achievement_version,
};
use crate::{StoreError, StoreResult};
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::AchievementFields;
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::requirement::EvidenceRequirement;
use cairn_domain::achievement::rubric::Rubric;
use cairn_domain::achievement::search::{search_document, tag_key};
use cairn_domain::{
    AchievementId, AchievementVersionId, DepartmentId, LevelId, OrganizationId, TemplateId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

/// A micro-credential's row: identity, status and the presentation the
/// catalog filters and sorts on. What earning means is in its versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Achievement {
    pub id: AchievementId,
    pub organization_id: OrganizationId,
    pub department_id: Option<DepartmentId>,
    pub level_id: Option<LevelId>,
    pub slug: String,
    pub status: AchievementStatus,
    pub title: String,
    pub summary: String,
    pub credit_hundredths: u32,
    pub price_cents: u32,
    pub sponsorable: bool,
    pub current_version_id: AchievementVersionId,
    pub version_number: u32,
    /// Bumped by every edit; an edit names the one it started from.
    pub lock_version: u32,
    pub image: BadgeImage,
    pub awards_count: u32,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// Where a micro-credential's badge image is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BadgeImage {
    /// The SVG, when the image is a sanitized upload or a design.
    pub svg_key: Option<String>,
    /// The PNG (uploaded, or rendered from the SVG).
    pub png_key: Option<String>,
    /// The designer's parameters (JSON), when made in the designer.
    pub design: Option<String>,
}

impl BadgeImage {
    /// Whether there is any image.
    pub fn is_set(&self) -> bool {
        self.png_key.is_some() || self.svg_key.is_some()
    }
}

impl TryFrom<achievement::Model> for Achievement {
    type Error = StoreError;
    fn try_from(m: achievement::Model) -> StoreResult<Self> {
        let status = AchievementStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("achievement status {}", m.status)))?;
        let current_version_id = m
            .current_version_id
            .map(AchievementVersionId)
            .ok_or_else(|| StoreError::Corrupt(format!("achievement {} has no version", m.id)))?;
        Ok(Self {
            id: AchievementId(m.id),
            organization_id: OrganizationId(m.organization_id),
            department_id: m.department_id.map(DepartmentId),
            level_id: m.level_id.map(LevelId),
            slug: m.slug,
            status,
            title: m.title,
            summary: m.summary,
            credit_hundredths: unsigned(m.credit_hundredths),
            price_cents: unsigned(m.price_cents),
            sponsorable: m.sponsorable,
            current_version_id,
            version_number: unsigned(m.version_number),
            lock_version: unsigned(m.lock_version),
            image: BadgeImage {
                svg_key: m.image_svg_key,
                png_key: m.image_png_key,
                design: m.image_design,
            },
            awards_count: unsigned(m.awards_count),
            created_by: m.created_by.map(UserId),
            created_at: m.created_at,
            updated_at: m.updated_at,
            published_at: m.published_at,
        })
    }
}

fn unsigned(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn signed(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// An evidence requirement and the template it was copied from, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcedRequirement {
    #[serde(flatten)]
    pub requirement: EvidenceRequirement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<TemplateId>,
}

/// What earning means, at one version: the descriptive fields, the rubric
/// and the evidence requirements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AchievementVersion {
    pub id: AchievementVersionId,
    pub achievement_id: AchievementId,
    pub number: u32,
    pub fields: AchievementFields,
    pub rubric: Option<Rubric>,
    pub rubric_template_id: Option<TemplateId>,
    pub requirements: Vec<SourcedRequirement>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

impl TryFrom<achievement_version::Model> for AchievementVersion {
    type Error = StoreError;
    fn try_from(m: achievement_version::Model) -> StoreResult<Self> {
        Ok(Self {
            id: AchievementVersionId(m.id),
            achievement_id: AchievementId(m.achievement_id),
            number: unsigned(m.number),
            fields: serde_json::from_str(&m.fields).map_err(|e| corrupt("version fields", e))?,
            rubric: m
                .rubric
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| corrupt("version rubric", e))?,
            rubric_template_id: m.rubric_template_id.map(TemplateId),
            requirements: serde_json::from_str(&m.requirements)
                .map_err(|e| corrupt("version requirements", e))?,
            created_by: m.created_by.map(UserId),
            created_at: m.created_at,
        })
    }
}

/// The content of a version as written.
#[derive(Clone, Copy, Debug)]
pub struct VersionContent<'a> {
    pub fields: &'a AchievementFields,
    pub rubric: Option<&'a Rubric>,
    pub rubric_template_id: Option<TemplateId>,
    pub requirements: &'a [SourcedRequirement],
}

/// A new micro-credential (always a draft at version 1).
#[derive(Clone, Copy, Debug)]
pub struct NewAchievement<'a> {
    pub id: AchievementId,
    pub version_id: AchievementVersionId,
    pub organization_id: OrganizationId,
    pub department_id: Option<DepartmentId>,
    pub level_id: Option<LevelId>,
    pub slug: &'a str,
    pub content: VersionContent<'a>,
    pub created_by: UserId,
    pub now: DateTime<Utc>,
}

/// How a saved edit lands.
#[derive(Clone, Copy, Debug)]
pub enum VersionWrite {
    /// Overwrite the current version (drafts, presentation-only edits).
    InPlace,
    /// Start a new version with this id; the old one stays as it was.
    New(AchievementVersionId),
}

/// An edit of a micro-credential.
#[derive(Clone, Copy, Debug)]
pub struct AchievementEdit<'a> {
    pub id: AchievementId,
    /// The `lock_version` the author started from.
    pub expected_lock: u32,
    pub department_id: Option<DepartmentId>,
    pub level_id: Option<LevelId>,
    pub content: VersionContent<'a>,
    pub write: VersionWrite,
    pub by: UserId,
    pub now: DateTime<Utc>,
}

/// How prerequisites are stored: the rule and the set.
fn prerequisite_columns(p: Option<&Prerequisite>) -> (Option<String>, Option<i32>) {
    match p {
        None => (None, None),
        Some(Prerequisite::AllOf(_)) => (Some("all".to_owned()), None),
        Some(Prerequisite::AtLeast(count, _)) => (
            Some("at_least".to_owned()),
            Some(i32::try_from(*count).unwrap_or(i32::MAX)),
        ),
    }
}

/// How the catalog is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CatalogSort {
    /// Alphabetical by title.
    #[default]
    Title,
    /// Most recently published first.
    Newest,
    /// Most awarded first.
    Popular,
}

/// A catalog search: every term must appear; every filter given must match.
#[derive(Clone, Debug, Default)]
pub struct CatalogQuery {
    /// Folded terms (see `cairn_domain::achievement::search::query_terms`).
    pub terms: Vec<String>,
    pub organization_id: Option<OrganizationId>,
    pub department_id: Option<DepartmentId>,
    /// A level name, compared without regard to case, across organizations.
    pub level_name: Option<String>,
    pub tag: Option<String>,
    pub min_credit_hundredths: Option<u32>,
    pub max_credit_hundredths: Option<u32>,
    /// `Some(true)`: free only; `Some(false)`: paid only.
    pub free: Option<bool>,
    pub sort: CatalogSort,
    pub offset: u64,
    pub limit: u64,
}

/// One page of catalog results and the total number of matches.
#[derive(Clone, Debug)]
pub struct CatalogPage {
    pub items: Vec<Achievement>,
    pub total: u64,
}

/// Micro-credentials.
#[derive(Debug)]
pub struct Achievements<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Achievements<'_, C> {
    /// Creates a draft with its first version and tags. Run it in a
    /// transaction.
    pub async fn insert(&self, new: NewAchievement<'_>) -> StoreResult<Achievement> {
        let fields = new.content.fields;
        let model = achievement::ActiveModel {
            id: Set(new.id.0),
            organization_id: Set(new.organization_id.0),
            department_id: Set(new.department_id.map(|d| d.0)),
            level_id: Set(new.level_id.map(|l| l.0)),
            slug: Set(new.slug.to_owned()),
            status: Set(AchievementStatus::Draft.as_str().to_owned()),
            title: Set(fields.title.clone()),
            summary: Set(fields.summary.clone()),
            search_text: Set(search_document(fields)),
            credit_hundredths: Set(signed(fields.credit_hundredths)),
            price_cents: Set(signed(price_cents(fields))),
            sponsorable: Set(fields.sponsorable),
            current_version_id: Set(Some(new.version_id.0)),
            version_number: Set(1),
            lock_version: Set(1),
            image_svg_key: Set(None),
            image_png_key: Set(None),
            image_design: Set(None),
            prerequisite_rule: Set(None),
            prerequisite_count: Set(None),
            awards_count: Set(0),
            created_by: Set(Some(new.created_by.0)),
            created_at: Set(new.now),
            updated_at: Set(new.now),
            published_at: Set(None),
        }
        .insert(self.0)
        .await?;
        self.insert_version(
            new.id,
            new.version_id,
            1,
            new.content,
            new.created_by,
            new.now,
        )
        .await?;
        self.replace_tags(new.id, &fields.tags).await?;
        model.try_into()
    }

    async fn insert_version(
        &self,
        achievement_id: AchievementId,
        id: AchievementVersionId,
        number: u32,
        content: VersionContent<'_>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        achievement_version::ActiveModel {
            id: Set(id.0),
            achievement_id: Set(achievement_id.0),
            number: Set(signed(number)),
            fields: Set(to_json(content.fields)),
            rubric: Set(content.rubric.map(to_json)),
            rubric_template_id: Set(content.rubric_template_id.map(|t| t.0)),
            requirements: Set(to_json(&content.requirements)),
            created_by: Set(Some(by.0)),
            created_at: Set(now),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    async fn replace_tags(&self, id: AchievementId, tags: &[String]) -> StoreResult<()> {
        achievement_tag::Entity::delete_many()
            .filter(achievement_tag::Column::AchievementId.eq(id.0))
            .exec(self.0)
            .await?;
        let mut keys: Vec<String> = tags.iter().map(|t| tag_key(t)).collect();
        keys.sort();
        keys.dedup();
        if !keys.is_empty() {
            achievement_tag::Entity::insert_many(keys.into_iter().map(|tag| {
                achievement_tag::ActiveModel {
                    achievement_id: Set(id.0),
                    tag: Set(tag),
                }
            }))
            .exec(self.0)
            .await?;
        }
        Ok(())
    }

    /// Saves an edit if nobody saved another since `expected_lock`;
    /// [`StoreError::Stale`] otherwise. Run it in a transaction.
    pub async fn save(&self, edit: AchievementEdit<'_>) -> StoreResult<Achievement> {
        let current = self.get(edit.id).await?.ok_or(StoreError::NotFound)?;
        if current.lock_version != edit.expected_lock {
            return Err(StoreError::Stale);
        }
        let fields = edit.content.fields;
        let (version_id, version_number) = match edit.write {
            VersionWrite::InPlace => {
                achievement_version::Entity::update_many()
                    .col_expr(
                        achievement_version::Column::Fields,
                        Expr::value(to_json(fields)),
                    )
                    .col_expr(
                        achievement_version::Column::Rubric,
                        Expr::value(edit.content.rubric.map(to_json)),
                    )
                    .col_expr(
                        achievement_version::Column::RubricTemplateId,
                        Expr::value(edit.content.rubric_template_id.map(|t| t.0)),
                    )
                    .col_expr(
                        achievement_version::Column::Requirements,
                        Expr::value(to_json(&edit.content.requirements)),
                    )
                    .filter(achievement_version::Column::Id.eq(current.current_version_id.0))
                    .exec(self.0)
                    .await?;
                (current.current_version_id, current.version_number)
            }
            VersionWrite::New(version_id) => {
                let number = current.version_number + 1;
                self.insert_version(edit.id, version_id, number, edit.content, edit.by, edit.now)
                    .await?;
                (version_id, number)
            }
        };
        let result = achievement::Entity::update_many()
            .col_expr(
                achievement::Column::DepartmentId,
                Expr::value(edit.department_id.map(|d| d.0)),
            )
            .col_expr(
                achievement::Column::LevelId,
                Expr::value(edit.level_id.map(|l| l.0)),
            )
            .col_expr(
                achievement::Column::Title,
                Expr::value(fields.title.clone()),
            )
            .col_expr(
                achievement::Column::Summary,
                Expr::value(fields.summary.clone()),
            )
            .col_expr(
                achievement::Column::SearchText,
                Expr::value(search_document(fields)),
            )
            .col_expr(
                achievement::Column::CreditHundredths,
                Expr::value(signed(fields.credit_hundredths)),
            )
            .col_expr(
                achievement::Column::PriceCents,
                Expr::value(signed(price_cents(fields))),
            )
            .col_expr(
                achievement::Column::Sponsorable,
                Expr::value(fields.sponsorable),
            )
            .col_expr(
                achievement::Column::CurrentVersionId,
                Expr::value(Some(version_id.0)),
            )
            .col_expr(
                achievement::Column::VersionNumber,
                Expr::value(signed(version_number)),
            )
            .col_expr(
                achievement::Column::LockVersion,
                Expr::value(signed(edit.expected_lock + 1)),
            )
            .col_expr(achievement::Column::UpdatedAt, Expr::value(edit.now))
            .filter(achievement::Column::Id.eq(edit.id.0))
            .filter(achievement::Column::LockVersion.eq(signed(edit.expected_lock)))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::Stale);
        }
        self.replace_tags(edit.id, &fields.tags).await?;
        self.get(edit.id).await?.ok_or(StoreError::NotFound)
    }

    /// Moves a micro-credential to `status`, setting `published_at` the
    /// first time it is published.
    pub async fn set_status(
        &self,
        id: AchievementId,
        status: AchievementStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let Some(row) = achievement::Entity::find_by_id(id.0).one(self.0).await? else {
            return Err(StoreError::NotFound);
        };
        let published_at = match (status, row.published_at) {
            (_, Some(at)) => Some(at),
            (AchievementStatus::Published, None) => Some(now),
            _ => None,
        };
        let update = achievement::Entity::update_many()
            .col_expr(
                achievement::Column::Status,
                Expr::value(status.as_str().to_owned()),
            )
            .col_expr(achievement::Column::PublishedAt, Expr::value(published_at))
            .col_expr(achievement::Column::UpdatedAt, Expr::value(now));
        let result = update
            .filter(achievement::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Replaces the badge image references.
    pub async fn set_image(
        &self,
        id: AchievementId,
        image: &BadgeImage,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = achievement::Entity::update_many()
            .col_expr(
                achievement::Column::ImageSvgKey,
                Expr::value(image.svg_key.clone()),
            )
            .col_expr(
                achievement::Column::ImagePngKey,
                Expr::value(image.png_key.clone()),
            )
            .col_expr(
                achievement::Column::ImageDesign,
                Expr::value(image.design.clone()),
            )
            .col_expr(achievement::Column::UpdatedAt, Expr::value(now))
            .filter(achievement::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes a micro-credential (drafts only; the caller checks).
    pub async fn delete(&self, id: AchievementId) -> StoreResult<()> {
        achievement::Entity::delete_by_id(id.0).exec(self.0).await?;
        Ok(())
    }

    /// Counts awards of a micro-credential up (an issue) or down (a
    /// revocation) by `delta`.
    pub async fn count_award(&self, id: AchievementId, delta: i32) -> StoreResult<()> {
        achievement::Entity::update_many()
            .col_expr(
                achievement::Column::AwardsCount,
                Expr::col(achievement::Column::AwardsCount).add(delta),
            )
            .filter(achievement::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// A micro-credential by id.
    pub async fn get(&self, id: AchievementId) -> StoreResult<Option<Achievement>> {
        achievement::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Several micro-credentials by id, in no particular order.
    pub async fn get_many(&self, ids: &[AchievementId]) -> StoreResult<Vec<Achievement>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        achievement::Entity::find()
            .filter(achievement::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// A micro-credential by its organization and slug.
    pub async fn by_slug(
        &self,
        organization_id: OrganizationId,
        slug: &str,
    ) -> StoreResult<Option<Achievement>> {
        achievement::Entity::find()
            .filter(achievement::Column::OrganizationId.eq(organization_id.0))
            .filter(achievement::Column::Slug.eq(slug))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// An organization's micro-credentials in these statuses, by title.
    pub async fn list_for_organization(
        &self,
        organization_id: OrganizationId,
        statuses: &[AchievementStatus],
    ) -> StoreResult<Vec<Achievement>> {
        achievement::Entity::find()
            .filter(achievement::Column::OrganizationId.eq(organization_id.0))
            .filter(achievement::Column::Status.is_in(statuses.iter().map(|s| s.as_str())))
            .order_by_asc(achievement::Column::Title)
            .order_by_asc(achievement::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// One version.
    pub async fn version(
        &self,
        id: AchievementVersionId,
    ) -> StoreResult<Option<AchievementVersion>> {
        achievement_version::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Every version of a micro-credential, oldest first.
    pub async fn versions(&self, id: AchievementId) -> StoreResult<Vec<AchievementVersion>> {
        achievement_version::Entity::find()
            .filter(achievement_version::Column::AchievementId.eq(id.0))
            .order_by_asc(achievement_version::Column::Number)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// The tags of a micro-credential as stored for filtering (lower case).
    pub async fn tags(&self, id: AchievementId) -> StoreResult<Vec<String>> {
        Ok(achievement_tag::Entity::find()
            .filter(achievement_tag::Column::AchievementId.eq(id.0))
            .order_by_asc(achievement_tag::Column::Tag)
            .all(self.0)
            .await?
            .into_iter()
            .map(|t| t.tag)
            .collect())
    }

    /// Sets (or clears) what must be earned first.
    pub async fn set_prerequisites(
        &self,
        id: AchievementId,
        prerequisite: Option<&Prerequisite>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        achievement_prerequisite::Entity::delete_many()
            .filter(achievement_prerequisite::Column::AchievementId.eq(id.0))
            .exec(self.0)
            .await?;
        if let Some(p) = prerequisite {
            let mut required: Vec<_> = p.achievements().to_vec();
            required.sort();
            required.dedup();
            if !required.is_empty() {
                achievement_prerequisite::Entity::insert_many(required.into_iter().map(|r| {
                    achievement_prerequisite::ActiveModel {
                        achievement_id: Set(id.0),
                        required_id: Set(r.0),
                    }
                }))
                .exec(self.0)
                .await?;
            }
        }
        let (rule, count) = prerequisite_columns(prerequisite);
        let result = achievement::Entity::update_many()
            .col_expr(achievement::Column::PrerequisiteRule, Expr::value(rule))
            .col_expr(achievement::Column::PrerequisiteCount, Expr::value(count))
            .col_expr(achievement::Column::UpdatedAt, Expr::value(now))
            .filter(achievement::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// What must be earned before this micro-credential, if anything.
    pub async fn prerequisites(&self, id: AchievementId) -> StoreResult<Option<Prerequisite>> {
        let Some(row) = achievement::Entity::find_by_id(id.0).one(self.0).await? else {
            return Err(StoreError::NotFound);
        };
        let required: Vec<AchievementId> = achievement_prerequisite::Entity::find()
            .filter(achievement_prerequisite::Column::AchievementId.eq(id.0))
            .order_by_asc(achievement_prerequisite::Column::RequiredId)
            .all(self.0)
            .await?
            .into_iter()
            .map(|p| AchievementId(p.required_id))
            .collect();
        Ok(
            match (row.prerequisite_rule.as_deref(), row.prerequisite_count) {
                (None, _) => None,
                (Some("all"), _) => Some(Prerequisite::AllOf(required)),
                (Some("at_least"), Some(count)) => Some(Prerequisite::AtLeast(
                    usize::try_from(count).unwrap_or(0),
                    required,
                )),
                (Some(other), _) => {
                    return Err(StoreError::Corrupt(format!("prerequisite rule {other}")));
                }
            },
        )
    }

    /// Serializes prerequisite changes until the transaction ends, so two
    /// edits checked for cycles at the same time cannot close one together.
    /// SQLite's write transactions are serialized already; PostgreSQL takes
    /// a transaction-scoped advisory lock.
    pub async fn lock_prerequisite_graph(&self) -> StoreResult<()> {
        if self.0.get_database_backend() == sea_orm::DbBackend::Postgres {
            self.0
                .execute_unprepared("SELECT pg_advisory_xact_lock(7242013)")
                .await?;
        }
        Ok(())
    }

    /// Every prerequisite edge (achievement, required), for cycle checks.
    pub async fn prerequisite_edges(&self) -> StoreResult<Vec<(AchievementId, AchievementId)>> {
        Ok(achievement_prerequisite::Entity::find()
            .all(self.0)
            .await?
            .into_iter()
            .map(|p| {
                (
                    AchievementId(p.achievement_id),
                    AchievementId(p.required_id),
                )
            })
            .collect())
    }

    /// The micro-credentials that require this one.
    pub async fn required_by(&self, id: AchievementId) -> StoreResult<Vec<AchievementId>> {
        Ok(achievement_prerequisite::Entity::find()
            .filter(achievement_prerequisite::Column::RequiredId.eq(id.0))
            .all(self.0)
            .await?
            .into_iter()
            .map(|p| AchievementId(p.achievement_id))
            .collect())
    }

    /// Searches published micro-credentials.
    pub async fn search(&self, q: &CatalogQuery) -> StoreResult<CatalogPage> {
        let mut cond = Condition::all()
            .add(achievement::Column::Status.eq(AchievementStatus::Published.as_str()));
        for term in &q.terms {
            cond = cond.add(achievement::Column::SearchText.like(format!("% {term}%")));
        }
        if let Some(org) = q.organization_id {
            cond = cond.add(achievement::Column::OrganizationId.eq(org.0));
        }
        if let Some(dep) = q.department_id {
            cond = cond.add(achievement::Column::DepartmentId.eq(dep.0));
        }
        if let Some(level) = &q.level_name {
            // The few matching levels first: a literal id list plans well on
            // both engines, where a subquery on lower(name) has no statistics.
            let ids: Vec<uuid::Uuid> = crate::entities::level::Entity::find()
                .select_only()
                .column(crate::entities::level::Column::Id)
                .filter(
                    Expr::expr(Func::lower(Expr::col(crate::entities::level::Column::Name)))
                        .eq(level.trim().to_lowercase()),
                )
                .into_tuple()
                .all(self.0)
                .await?;
            if ids.is_empty() {
                return Ok(CatalogPage {
                    items: Vec::new(),
                    total: 0,
                });
            }
            cond = cond.add(achievement::Column::LevelId.is_in(ids));
        }
        if let Some(tag) = &q.tag {
            cond = cond.add(
                achievement::Column::Id.in_subquery(
                    Query::select()
                        .column(achievement_tag::Column::AchievementId)
                        .from(achievement_tag::Entity)
                        .and_where(achievement_tag::Column::Tag.eq(tag_key(tag)))
                        .to_owned(),
                ),
            );
        }
        if let Some(min) = q.min_credit_hundredths {
            cond = cond.add(achievement::Column::CreditHundredths.gte(signed(min)));
        }
        if let Some(max) = q.max_credit_hundredths {
            cond = cond.add(achievement::Column::CreditHundredths.lte(signed(max)));
        }
        match q.free {
            Some(true) => cond = cond.add(achievement::Column::PriceCents.eq(0)),
            Some(false) => cond = cond.add(achievement::Column::PriceCents.gt(0)),
            None => {}
        }
        let select = achievement::Entity::find().filter(cond);
        let total = select.clone().count(self.0).await?;
        let select = match q.sort {
            CatalogSort::Title => select.order_by_asc(achievement::Column::Title),
            CatalogSort::Newest => select.order_by_desc(achievement::Column::PublishedAt),
            CatalogSort::Popular => select
                .order_by_desc(achievement::Column::AwardsCount)
                .order_by_asc(achievement::Column::Title),
        };
        let items = select
            .order_by_asc(achievement::Column::Id)
            .offset(q.offset)
            .limit(q.limit.clamp(1, 100))
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(CatalogPage { items, total })
    }

    /// The most used tags among published micro-credentials, for the
    /// catalog's filter list.
    pub async fn popular_tags(&self, limit: u64) -> StoreResult<Vec<(String, u64)>> {
        let rows: Vec<(String, i64)> = achievement_tag::Entity::find()
            .select_only()
            .column(achievement_tag::Column::Tag)
            .column_as(achievement_tag::Column::AchievementId.count(), "uses")
            .filter(
                achievement_tag::Column::AchievementId.in_subquery(
                    Query::select()
                        .column(achievement::Column::Id)
                        .from(achievement::Entity)
                        .and_where(
                            achievement::Column::Status.eq(AchievementStatus::Published.as_str()),
                        )
                        .to_owned(),
                ),
            )
            .group_by(achievement_tag::Column::Tag)
            .order_by_desc(Expr::col("uses"))
            .order_by_asc(achievement_tag::Column::Tag)
            .limit(limit)
            .into_tuple()
            .all(self.0)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(t, n)| (t, u64::try_from(n).unwrap_or(0)))
            .collect())
    }
}

fn price_cents(fields: &AchievementFields) -> u32 {
    match fields.price {
        cairn_domain::achievement::fields::Price::Free => 0,
        cairn_domain::achievement::fields::Price::Paid { cents } => cents,
    }
}

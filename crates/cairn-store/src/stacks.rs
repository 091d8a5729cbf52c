//! Stacks (pathways): ordered micro-credentials leading to a capstone.

use crate::entities::{stack, stack_item};
use crate::{StoreError, StoreResult};
use cairn_domain::{AchievementId, OrganizationId, StackId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// A stack and its steps in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredStack {
    pub id: StackId,
    pub organization_id: OrganizationId,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Who accepts or recognizes the stack (e.g. a university's credit).
    pub recognition: String,
    pub capstone_id: Option<AchievementId>,
    pub published: bool,
    pub steps: Vec<AchievementId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a stack is made of, as saved.
#[derive(Clone, Copy, Debug)]
pub struct StackContent<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub recognition: &'a str,
    pub capstone_id: Option<AchievementId>,
    pub published: bool,
    pub steps: &'a [AchievementId],
}

/// Stacks.
#[derive(Debug)]
pub struct Stacks<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Stacks<'_, C> {
    /// Creates a stack. Run it in a transaction.
    pub async fn insert(
        &self,
        id: StackId,
        organization_id: OrganizationId,
        content: StackContent<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredStack> {
        stack::ActiveModel {
            id: Set(id.0),
            organization_id: Set(organization_id.0),
            slug: Set(content.slug.to_owned()),
            name: Set(content.name.to_owned()),
            description: Set(content.description.to_owned()),
            recognition: Set(content.recognition.to_owned()),
            capstone_id: Set(content.capstone_id.map(|c| c.0)),
            published: Set(content.published),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.0)
        .await?;
        self.replace_steps(id, content.steps).await?;
        self.get(id).await?.ok_or(StoreError::NotFound)
    }

    /// Replaces a stack's content. Run it in a transaction.
    pub async fn update(
        &self,
        id: StackId,
        content: StackContent<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredStack> {
        let result = stack::Entity::update_many()
            .col_expr(stack::Column::Slug, Expr::value(content.slug.to_owned()))
            .col_expr(stack::Column::Name, Expr::value(content.name.to_owned()))
            .col_expr(
                stack::Column::Description,
                Expr::value(content.description.to_owned()),
            )
            .col_expr(
                stack::Column::Recognition,
                Expr::value(content.recognition.to_owned()),
            )
            .col_expr(
                stack::Column::CapstoneId,
                Expr::value(content.capstone_id.map(|c| c.0)),
            )
            .col_expr(stack::Column::Published, Expr::value(content.published))
            .col_expr(stack::Column::UpdatedAt, Expr::value(now))
            .filter(stack::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.replace_steps(id, content.steps).await?;
        self.get(id).await?.ok_or(StoreError::NotFound)
    }

    async fn replace_steps(&self, id: StackId, steps: &[AchievementId]) -> StoreResult<()> {
        stack_item::Entity::delete_many()
            .filter(stack_item::Column::StackId.eq(id.0))
            .exec(self.0)
            .await?;
        if !steps.is_empty() {
            stack_item::Entity::insert_many(steps.iter().enumerate().map(|(i, a)| {
                stack_item::ActiveModel {
                    stack_id: Set(id.0),
                    position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                    achievement_id: Set(a.0),
                }
            }))
            .exec(self.0)
            .await?;
        }
        Ok(())
    }

    async fn with_steps(&self, m: stack::Model) -> StoreResult<StoredStack> {
        let steps = stack_item::Entity::find()
            .filter(stack_item::Column::StackId.eq(m.id))
            .order_by_asc(stack_item::Column::Position)
            .all(self.0)
            .await?
            .into_iter()
            .map(|i| AchievementId(i.achievement_id))
            .collect();
        Ok(StoredStack {
            id: StackId(m.id),
            organization_id: OrganizationId(m.organization_id),
            slug: m.slug,
            name: m.name,
            description: m.description,
            recognition: m.recognition,
            capstone_id: m.capstone_id.map(AchievementId),
            published: m.published,
            steps,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }

    /// One stack.
    pub async fn get(&self, id: StackId) -> StoreResult<Option<StoredStack>> {
        match stack::Entity::find_by_id(id.0).one(self.0).await? {
            Some(m) => Ok(Some(self.with_steps(m).await?)),
            None => Ok(None),
        }
    }

    /// A stack by organization and slug.
    pub async fn by_slug(
        &self,
        organization_id: OrganizationId,
        slug: &str,
    ) -> StoreResult<Option<StoredStack>> {
        match stack::Entity::find()
            .filter(stack::Column::OrganizationId.eq(organization_id.0))
            .filter(stack::Column::Slug.eq(slug))
            .one(self.0)
            .await?
        {
            Some(m) => Ok(Some(self.with_steps(m).await?)),
            None => Ok(None),
        }
    }

    /// An organization's stacks, by name.
    pub async fn list(&self, organization_id: OrganizationId) -> StoreResult<Vec<StoredStack>> {
        let rows = stack::Entity::find()
            .filter(stack::Column::OrganizationId.eq(organization_id.0))
            .order_by_asc(stack::Column::Name)
            .all(self.0)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            out.push(self.with_steps(m).await?);
        }
        Ok(out)
    }

    /// The stacks a micro-credential is a step or the capstone of.
    pub async fn containing(&self, id: AchievementId) -> StoreResult<Vec<StoredStack>> {
        let mut ids: Vec<uuid::Uuid> = stack_item::Entity::find()
            .filter(stack_item::Column::AchievementId.eq(id.0))
            .all(self.0)
            .await?
            .into_iter()
            .map(|i| i.stack_id)
            .collect();
        ids.extend(
            stack::Entity::find()
                .filter(stack::Column::CapstoneId.eq(id.0))
                .all(self.0)
                .await?
                .into_iter()
                .map(|s| s.id),
        );
        ids.sort();
        ids.dedup();
        let mut out = Vec::new();
        for sid in ids {
            if let Some(s) = self.get(StackId(sid)).await? {
                out.push(s);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Removes a stack.
    pub async fn delete(&self, id: StackId) -> StoreResult<()> {
        stack::Entity::delete_by_id(id.0).exec(self.0).await?;
        Ok(())
    }
}

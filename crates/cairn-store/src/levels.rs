//! An organization's level scale (e.g. the five SIM levels).

use crate::entities::{achievement, level};
use crate::{StoreError, StoreResult};
use cairn_domain::{LevelId, OrganizationId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// One step on the scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub id: LevelId,
    pub organization_id: OrganizationId,
    /// 0 for the first (lowest) level.
    pub position: u32,
    pub name: String,
    pub description: String,
}

impl From<level::Model> for Level {
    fn from(m: level::Model) -> Self {
        Self {
            id: LevelId(m.id),
            organization_id: OrganizationId(m.organization_id),
            position: u32::try_from(m.position).unwrap_or(0),
            name: m.name,
            description: m.description,
        }
    }
}

/// Level scales.
#[derive(Debug)]
pub struct Levels<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Levels<'_, C> {
    /// An organization's levels, lowest first.
    pub async fn list(&self, organization_id: OrganizationId) -> StoreResult<Vec<Level>> {
        Ok(level::Entity::find()
            .filter(level::Column::OrganizationId.eq(organization_id.0))
            .order_by_asc(level::Column::Position)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One level.
    pub async fn get(&self, id: LevelId) -> StoreResult<Option<Level>> {
        Ok(level::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Adds a level.
    pub async fn insert(
        &self,
        id: LevelId,
        organization_id: OrganizationId,
        position: u32,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Level> {
        Ok(level::ActiveModel {
            id: Set(id.0),
            organization_id: Set(organization_id.0),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            name: Set(name.to_owned()),
            description: Set(description.to_owned()),
            created_at: Set(now),
        }
        .insert(self.0)
        .await?
        .into())
    }

    /// Renames or moves a level.
    pub async fn update(
        &self,
        id: LevelId,
        position: u32,
        name: &str,
        description: &str,
    ) -> StoreResult<()> {
        let result = level::Entity::update_many()
            .col_expr(
                level::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(i32::MAX)),
            )
            .col_expr(level::Column::Name, Expr::value(name.to_owned()))
            .col_expr(
                level::Column::Description,
                Expr::value(description.to_owned()),
            )
            .filter(level::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// How many micro-credentials sit at this level.
    pub async fn uses(&self, id: LevelId) -> StoreResult<u64> {
        Ok(achievement::Entity::find()
            .filter(achievement::Column::LevelId.eq(id.0))
            .count(self.0)
            .await?)
    }

    /// Every level name in use by some organization, alphabetically, for
    /// filters that work across organizations.
    pub async fn distinct_names(&self) -> StoreResult<Vec<String>> {
        Ok(level::Entity::find()
            .select_only()
            .column(level::Column::Name)
            .distinct()
            .order_by_asc(level::Column::Name)
            .into_tuple()
            .all(self.0)
            .await?)
    }

    /// Removes a level.
    pub async fn delete(&self, id: LevelId) -> StoreResult<()> {
        level::Entity::delete_by_id(id.0).exec(self.0).await?;
        Ok(())
    }
}

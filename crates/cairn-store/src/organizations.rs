//! Organizations (issuers) and their departments.

use crate::entities::{department, organization};
use crate::{StoreError, StoreResult};
use cairn_domain::organization::{DepartmentInput, OrganizationProfile};
use cairn_domain::{DepartmentId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// An organization and its public profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: OrganizationId,
    pub slug: String,
    pub name: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub description: String,
    pub logo_key: Option<String>,
    pub logo_content_type: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<organization::Model> for Organization {
    fn from(m: organization::Model) -> Self {
        Self {
            id: OrganizationId(m.id),
            slug: m.slug,
            name: m.name,
            website: m.website,
            contact_email: m.contact_email,
            description: m.description,
            logo_key: m.logo_key,
            logo_content_type: m.logo_content_type,
            created_by: m.created_by.map(UserId),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A department or program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    pub id: DepartmentId,
    pub organization_id: OrganizationId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<department::Model> for Department {
    fn from(m: department::Model) -> Self {
        Self {
            id: DepartmentId(m.id),
            organization_id: OrganizationId(m.organization_id),
            slug: m.slug,
            name: m.name,
            description: m.description,
            created_at: m.created_at,
        }
    }
}

/// Organizations and departments.
#[derive(Debug)]
pub struct Organizations<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Organizations<'_, C> {
    /// Creates an organization.
    pub async fn insert(
        &self,
        id: OrganizationId,
        slug: &str,
        profile: &OrganizationProfile,
        created_by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Organization> {
        let model = organization::ActiveModel {
            id: Set(id.0),
            slug: Set(slug.to_owned()),
            name: Set(profile.name.clone()),
            website: Set(profile.website.clone()),
            contact_email: Set(profile
                .contact_email
                .as_ref()
                .map(|e| e.as_str().to_owned())),
            description: Set(profile.description.clone()),
            logo_key: Set(None),
            logo_content_type: Set(None),
            created_by: Set(Some(created_by.0)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.0)
        .await?;
        Ok(model.into())
    }

    /// The organization with this slug.
    pub async fn by_slug(&self, slug: &str) -> StoreResult<Option<Organization>> {
        Ok(organization::Entity::find()
            .filter(organization::Column::Slug.eq(slug))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// The organization with this id.
    pub async fn get(&self, id: OrganizationId) -> StoreResult<Option<Organization>> {
        Ok(organization::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Replaces the public profile.
    pub async fn update_profile(
        &self,
        id: OrganizationId,
        profile: &OrganizationProfile,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = organization::Entity::update_many()
            .col_expr(
                organization::Column::Name,
                Expr::value(profile.name.clone()),
            )
            .col_expr(
                organization::Column::Website,
                Expr::value(profile.website.clone()),
            )
            .col_expr(
                organization::Column::ContactEmail,
                Expr::value(
                    profile
                        .contact_email
                        .as_ref()
                        .map(|e| e.as_str().to_owned()),
                ),
            )
            .col_expr(
                organization::Column::Description,
                Expr::value(profile.description.clone()),
            )
            .col_expr(organization::Column::UpdatedAt, Expr::value(now))
            .filter(organization::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Points the organization at a stored logo.
    pub async fn set_logo(
        &self,
        id: OrganizationId,
        key: Option<&str>,
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        organization::Entity::update_many()
            .col_expr(
                organization::Column::LogoKey,
                Expr::value(key.map(str::to_owned)),
            )
            .col_expr(
                organization::Column::LogoContentType,
                Expr::value(content_type.map(str::to_owned)),
            )
            .col_expr(organization::Column::UpdatedAt, Expr::value(now))
            .filter(organization::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Organizations by name.
    pub async fn list(&self, limit: u64, offset: u64) -> StoreResult<Vec<Organization>> {
        Ok(organization::Entity::find()
            .order_by_asc(organization::Column::Name)
            .limit(limit)
            .offset(offset)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// How many organizations exist.
    pub async fn count(&self) -> StoreResult<u64> {
        Ok(organization::Entity::find().count(self.0).await?)
    }

    /// Adds a department.
    pub async fn insert_department(
        &self,
        id: DepartmentId,
        organization_id: OrganizationId,
        input: &DepartmentInput,
        now: DateTime<Utc>,
    ) -> StoreResult<Department> {
        let model = department::ActiveModel {
            id: Set(id.0),
            organization_id: Set(organization_id.0),
            slug: Set(input.slug.as_str().to_owned()),
            name: Set(input.name.clone()),
            description: Set(input.description.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.0)
        .await?;
        Ok(model.into())
    }

    /// An organization's departments, by name.
    pub async fn departments(
        &self,
        organization_id: OrganizationId,
    ) -> StoreResult<Vec<Department>> {
        Ok(department::Entity::find()
            .filter(department::Column::OrganizationId.eq(organization_id.0))
            .order_by_asc(department::Column::Name)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One department of an organization.
    pub async fn department_by_slug(
        &self,
        organization_id: OrganizationId,
        slug: &str,
    ) -> StoreResult<Option<Department>> {
        Ok(department::Entity::find()
            .filter(department::Column::OrganizationId.eq(organization_id.0))
            .filter(department::Column::Slug.eq(slug))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Renames or re-describes a department.
    pub async fn update_department(
        &self,
        id: DepartmentId,
        input: &DepartmentInput,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = department::Entity::update_many()
            .col_expr(department::Column::Name, Expr::value(input.name.clone()))
            .col_expr(
                department::Column::Slug,
                Expr::value(input.slug.as_str().to_owned()),
            )
            .col_expr(
                department::Column::Description,
                Expr::value(input.description.clone()),
            )
            .col_expr(department::Column::UpdatedAt, Expr::value(now))
            .filter(department::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Removes a department.
    pub async fn delete_department(&self, id: DepartmentId) -> StoreResult<()> {
        let result = department::Entity::delete_by_id(id.0).exec(self.0).await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

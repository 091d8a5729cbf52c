//! An organization's library of rubric and evidence-requirement templates.

use crate::entities::template;
use crate::{StoreError, StoreResult};
use cairn_domain::achievement::requirement::EvidenceRequirement;
use cairn_domain::achievement::rubric::Rubric;
use cairn_domain::{OrganizationId, TemplateId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// What a template holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateBody {
    Rubric(Rubric),
    Requirement(EvidenceRequirement),
}

impl TemplateBody {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            TemplateBody::Rubric(_) => "rubric",
            TemplateBody::Requirement(_) => "requirement",
        }
    }

    fn to_json(&self) -> String {
        match self {
            TemplateBody::Rubric(r) => serde_json::to_string(r),
            TemplateBody::Requirement(r) => serde_json::to_string(r),
        }
        .unwrap_or_else(|_| "null".to_owned())
    }
}

/// A named, reusable rubric or requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub id: TemplateId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub description: String,
    pub body: TemplateBody,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<template::Model> for Template {
    type Error = StoreError;
    fn try_from(m: template::Model) -> StoreResult<Self> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("template {}: {e}", m.id));
        let body = match m.kind.as_str() {
            "rubric" => TemplateBody::Rubric(serde_json::from_str(&m.body).map_err(corrupt)?),
            "requirement" => {
                TemplateBody::Requirement(serde_json::from_str(&m.body).map_err(corrupt)?)
            }
            other => return Err(StoreError::Corrupt(format!("template kind {other}"))),
        };
        Ok(Self {
            id: TemplateId(m.id),
            organization_id: OrganizationId(m.organization_id),
            name: m.name,
            description: m.description,
            body,
            created_by: m.created_by.map(UserId),
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Templates.
#[derive(Debug)]
pub struct Templates<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Templates<'_, C> {
    /// Adds a template.
    pub async fn insert(
        &self,
        id: TemplateId,
        organization_id: OrganizationId,
        (name, description, body): (&str, &str, &TemplateBody),
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Template> {
        template::ActiveModel {
            id: Set(id.0),
            organization_id: Set(organization_id.0),
            kind: Set(body.kind().to_owned()),
            name: Set(name.to_owned()),
            description: Set(description.to_owned()),
            body: Set(body.to_json()),
            created_by: Set(Some(by.0)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.0)
        .await?
        .try_into()
    }

    /// Replaces a template's name, description and content (its kind stays).
    pub async fn update(
        &self,
        id: TemplateId,
        name: &str,
        description: &str,
        body: &TemplateBody,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = template::Entity::update_many()
            .col_expr(template::Column::Name, Expr::value(name.to_owned()))
            .col_expr(
                template::Column::Description,
                Expr::value(description.to_owned()),
            )
            .col_expr(template::Column::Body, Expr::value(body.to_json()))
            .col_expr(template::Column::UpdatedAt, Expr::value(now))
            .filter(template::Column::Id.eq(id.0))
            .filter(template::Column::Kind.eq(body.kind()))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// One template.
    pub async fn get(&self, id: TemplateId) -> StoreResult<Option<Template>> {
        template::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// An organization's templates, rubrics first, by name.
    pub async fn list(&self, organization_id: OrganizationId) -> StoreResult<Vec<Template>> {
        template::Entity::find()
            .filter(template::Column::OrganizationId.eq(organization_id.0))
            .order_by_desc(template::Column::Kind)
            .order_by_asc(template::Column::Name)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Removes a template; micro-credentials made from it keep their copy.
    pub async fn delete(&self, id: TemplateId) -> StoreResult<()> {
        template::Entity::delete_by_id(id.0).exec(self.0).await?;
        Ok(())
    }
}

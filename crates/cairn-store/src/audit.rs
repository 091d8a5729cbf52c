//! The audit log: what happened, by whom, in which organization.

use crate::StoreResult;
use crate::entities::audit_event;
use cairn_domain::{AuditEventId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub organization_id: Option<OrganizationId>,
    pub action: String,
    pub detail: String,
    pub ip: Option<String>,
}

/// The audit log.
#[derive(Debug)]
pub struct Audit<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Audit<'_, C> {
    /// Records an event.
    pub async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        audit_event::ActiveModel {
            id: Set(event.id.0),
            occurred_at: Set(event.occurred_at),
            actor_id: Set(event.actor_id.map(|u| u.0)),
            organization_id: Set(event.organization_id.map(|o| o.0)),
            action: Set(event.action.clone()),
            detail: Set(event.detail.clone()),
            ip: Set(event.ip.clone()),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// The latest events of an organization.
    pub async fn for_organization(
        &self,
        organization_id: OrganizationId,
        limit: u64,
    ) -> StoreResult<Vec<AuditEvent>> {
        self.list(Some(organization_id), None, limit).await
    }

    /// The latest events caused by an account.
    pub async fn by_actor(&self, actor_id: UserId, limit: u64) -> StoreResult<Vec<AuditEvent>> {
        self.list(None, Some(actor_id), limit).await
    }

    async fn list(
        &self,
        org: Option<OrganizationId>,
        actor: Option<UserId>,
        limit: u64,
    ) -> StoreResult<Vec<AuditEvent>> {
        let mut query = audit_event::Entity::find();
        if let Some(org) = org {
            query = query.filter(audit_event::Column::OrganizationId.eq(org.0));
        }
        if let Some(actor) = actor {
            query = query.filter(audit_event::Column::ActorId.eq(actor.0));
        }
        Ok(query
            .order_by_desc(audit_event::Column::OccurredAt)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(|m| AuditEvent {
                id: AuditEventId(m.id),
                occurred_at: m.occurred_at,
                actor_id: m.actor_id.map(UserId),
                organization_id: m.organization_id.map(OrganizationId),
                action: m.action,
                detail: m.detail,
                ip: m.ip,
            })
            .collect())
    }
}

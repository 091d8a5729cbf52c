//! Coach partnerships and the invitations that create them.

use crate::entities::{partnership, partnership_invitation};
use crate::{StoreError, StoreResult};
use cairn_domain::{AchievementId, OrganizationId, PartnershipId, PartnershipInvitationId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// A coach working with a learner, on one micro-credential or in general.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partnership {
    pub id: PartnershipId,
    pub coach_id: UserId,
    pub learner_id: UserId,
    /// `None`: the coach supports all of the learner's micro-credentials.
    pub achievement_id: Option<AchievementId>,
    /// Set when an organization assigned the coach.
    pub assigned_by_organization: Option<OrganizationId>,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<partnership::Model> for Partnership {
    fn from(m: partnership::Model) -> Self {
        Self {
            id: PartnershipId(m.id),
            coach_id: UserId(m.coach_id),
            learner_id: UserId(m.learner_id),
            achievement_id: m.achievement_id.map(AchievementId),
            assigned_by_organization: m.assigned_by_organization.map(OrganizationId),
            created_at: m.created_at,
            ended_at: m.ended_at,
        }
    }
}

/// Who the invitation asks to join: the invitee becomes the coach or the
/// learner of the person who invited them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteeRole {
    Coach,
    Learner,
}

impl InviteeRole {
    pub const fn as_str(self) -> &'static str {
        match self {
            InviteeRole::Coach => "coach",
            InviteeRole::Learner => "learner",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [InviteeRole::Coach, InviteeRole::Learner]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// An emailed invitation to a partnership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnershipInvitation {
    pub id: PartnershipInvitationId,
    pub invited_by: UserId,
    pub email: String,
    pub invitee_role: InviteeRole,
    pub achievement_id: Option<AchievementId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
}

impl TryFrom<partnership_invitation::Model> for PartnershipInvitation {
    type Error = StoreError;
    fn try_from(m: partnership_invitation::Model) -> StoreResult<Self> {
        Ok(Self {
            id: PartnershipInvitationId(m.id),
            invited_by: UserId(m.invited_by),
            email: m.email,
            invitee_role: InviteeRole::parse(&m.invitee_role)
                .ok_or_else(|| StoreError::Corrupt(format!("invitee role {}", m.invitee_role)))?,
            achievement_id: m.achievement_id.map(AchievementId),
            created_at: m.created_at,
            expires_at: m.expires_at,
            accepted_at: m.accepted_at,
            declined_at: m.declined_at,
        })
    }
}

/// Partnerships and their invitations.
#[derive(Debug)]
pub struct Partnerships<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Partnerships<'_, C> {
    /// Starts a partnership.
    pub async fn insert(&self, p: &Partnership) -> StoreResult<()> {
        partnership::ActiveModel {
            id: Set(p.id.0),
            coach_id: Set(p.coach_id.0),
            learner_id: Set(p.learner_id.0),
            achievement_id: Set(p.achievement_id.map(|a| a.0)),
            assigned_by_organization: Set(p.assigned_by_organization.map(|o| o.0)),
            created_at: Set(p.created_at),
            ended_at: Set(None),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// Ends a partnership.
    pub async fn end(&self, id: PartnershipId, now: DateTime<Utc>) -> StoreResult<()> {
        partnership::Entity::update_many()
            .col_expr(partnership::Column::EndedAt, Expr::value(Some(now)))
            .filter(partnership::Column::Id.eq(id.0))
            .filter(partnership::Column::EndedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// The live partnerships a coach has, oldest first.
    pub async fn of_coach(&self, coach: UserId) -> StoreResult<Vec<Partnership>> {
        Ok(partnership::Entity::find()
            .filter(partnership::Column::CoachId.eq(coach.0))
            .filter(partnership::Column::EndedAt.is_null())
            .order_by_asc(partnership::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The live partnerships of a learner, oldest first.
    pub async fn of_learner(&self, learner: UserId) -> StoreResult<Vec<Partnership>> {
        Ok(partnership::Entity::find()
            .filter(partnership::Column::LearnerId.eq(learner.0))
            .filter(partnership::Column::EndedAt.is_null())
            .order_by_asc(partnership::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The coaches of a learner for a micro-credential: those for it and
    /// those for everything.
    pub async fn coaches_for(
        &self,
        learner: UserId,
        achievement: AchievementId,
    ) -> StoreResult<Vec<UserId>> {
        let mut coaches: Vec<UserId> = self
            .for_learner_and_achievement(learner, achievement)
            .await?
            .into_iter()
            .map(|p| p.coach_id)
            .collect();
        coaches.sort();
        coaches.dedup();
        Ok(coaches)
    }

    /// Stores an invitation (only the token's hash).
    pub async fn invite(
        &self,
        invitation: &PartnershipInvitation,
        token_hash: &str,
    ) -> StoreResult<()> {
        partnership_invitation::ActiveModel {
            id: Set(invitation.id.0),
            token_hash: Set(token_hash.to_owned()),
            invited_by: Set(invitation.invited_by.0),
            email: Set(invitation.email.clone()),
            invitee_role: Set(invitation.invitee_role.as_str().to_owned()),
            achievement_id: Set(invitation.achievement_id.map(|a| a.0)),
            created_at: Set(invitation.created_at),
            expires_at: Set(invitation.expires_at),
            accepted_at: Set(None),
            declined_at: Set(None),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// The invitation with this token hash.
    pub async fn invitation_by_hash(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<PartnershipInvitation>> {
        partnership_invitation::Entity::find()
            .filter(partnership_invitation::Column::TokenHash.eq(token_hash))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Marks an invitation answered, once: `false` when it was answered
    /// already.
    pub async fn answer(
        &self,
        id: PartnershipInvitationId,
        accepted: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let column = if accepted {
            partnership_invitation::Column::AcceptedAt
        } else {
            partnership_invitation::Column::DeclinedAt
        };
        let result = partnership_invitation::Entity::update_many()
            .col_expr(column, Expr::value(Some(now)))
            .filter(partnership_invitation::Column::Id.eq(id.0))
            .filter(partnership_invitation::Column::AcceptedAt.is_null())
            .filter(partnership_invitation::Column::DeclinedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Invitations someone sent that nobody answered yet.
    pub async fn waiting_from(&self, user: UserId) -> StoreResult<Vec<PartnershipInvitation>> {
        partnership_invitation::Entity::find()
            .filter(partnership_invitation::Column::InvitedBy.eq(user.0))
            .filter(partnership_invitation::Column::AcceptedAt.is_null())
            .filter(partnership_invitation::Column::DeclinedAt.is_null())
            .order_by_desc(partnership_invitation::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// One partnership, live or ended.
    pub async fn get(&self, id: PartnershipId) -> StoreResult<Option<Partnership>> {
        Ok(partnership::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// The live partnerships that make `coach` a coach of `learner` for a
    /// micro-credential (those for it and those for everything).
    pub async fn for_learner_and_achievement(
        &self,
        learner: UserId,
        achievement: AchievementId,
    ) -> StoreResult<Vec<Partnership>> {
        Ok(partnership::Entity::find()
            .filter(partnership::Column::LearnerId.eq(learner.0))
            .filter(partnership::Column::EndedAt.is_null())
            .filter(
                Condition::any()
                    .add(partnership::Column::AchievementId.is_null())
                    .add(partnership::Column::AchievementId.eq(achievement.0)),
            )
            .order_by_asc(partnership::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

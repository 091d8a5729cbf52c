//! Who belongs to which organization, with which roles, and the
//! invitations that bring people in.

use crate::entities::{invitation, membership, membership_role, organization, user, user_email};
use crate::organizations::Organization;
use crate::{StoreError, StoreResult};
use cairn_domain::role::{Role, RoleSet};
use cairn_domain::{InvitationId, MembershipId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// One member of an organization, as the member list shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub membership_id: MembershipId,
    pub user_id: UserId,
    pub display_name: String,
    pub primary_email: Option<String>,
    pub roles: RoleSet,
    pub joined_at: DateTime<Utc>,
}

/// An invitation to an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub roles: RoleSet,
    pub invited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<invitation::Model> for Invitation {
    type Error = StoreError;
    fn try_from(m: invitation::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: InvitationId(m.id),
            organization_id: OrganizationId(m.organization_id),
            email: m.email,
            roles: parse_roles(m.roles.split(','))?,
            invited_by: m.invited_by.map(UserId),
            created_at: m.created_at,
            expires_at: m.expires_at,
            accepted_at: m.accepted_at,
            revoked_at: m.revoked_at,
        })
    }
}

fn parse_roles<'a>(names: impl IntoIterator<Item = &'a str>) -> StoreResult<RoleSet> {
    RoleSet::parse(names).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn roles_text(roles: RoleSet) -> String {
    roles
        .roles()
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A new invitation.
#[derive(Clone, Debug)]
pub struct NewInvitation<'a> {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: &'a str,
    pub roles: RoleSet,
    pub token_hash: &'a str,
    pub invited_by: UserId,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Memberships and invitations.
#[derive(Debug)]
pub struct Memberships<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Memberships<'_, C> {
    /// Adds a person to an organization with roles. Run it in a transaction:
    /// it writes the membership and one row per role.
    pub async fn add(
        &self,
        id: MembershipId,
        organization_id: OrganizationId,
        user_id: UserId,
        roles: RoleSet,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        membership::ActiveModel {
            id: Set(id.0),
            organization_id: Set(organization_id.0),
            user_id: Set(user_id.0),
            created_at: Set(now),
        }
        .insert(self.0)
        .await?;
        self.insert_roles(id, roles).await
    }

    async fn insert_roles(&self, id: MembershipId, roles: RoleSet) -> StoreResult<()> {
        let rows: Vec<_> = roles
            .roles()
            .into_iter()
            .map(|r| membership_role::ActiveModel {
                membership_id: Set(id.0),
                role: Set(r.as_str().to_owned()),
            })
            .collect();
        if !rows.is_empty() {
            membership_role::Entity::insert_many(rows)
                .exec(self.0)
                .await?;
        }
        Ok(())
    }

    /// The membership id and roles of a person in an organization
    /// (`RoleSet::NONE` when not a member).
    pub async fn roles_of(
        &self,
        organization_id: OrganizationId,
        user_id: UserId,
    ) -> StoreResult<(Option<MembershipId>, RoleSet)> {
        let Some(m) = membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(organization_id.0))
            .filter(membership::Column::UserId.eq(user_id.0))
            .one(self.0)
            .await?
        else {
            return Ok((None, RoleSet::NONE));
        };
        let roles = membership_role::Entity::find()
            .filter(membership_role::Column::MembershipId.eq(m.id))
            .all(self.0)
            .await?;
        let set = parse_roles(roles.iter().map(|r| r.role.as_str()))?;
        Ok((Some(MembershipId(m.id)), set))
    }

    /// Replaces the roles of a membership. Run it in a transaction.
    pub async fn set_roles(&self, id: MembershipId, roles: RoleSet) -> StoreResult<()> {
        membership_role::Entity::delete_many()
            .filter(membership_role::Column::MembershipId.eq(id.0))
            .exec(self.0)
            .await?;
        self.insert_roles(id, roles).await
    }

    /// Removes a membership and its roles.
    pub async fn remove(&self, id: MembershipId) -> StoreResult<()> {
        let result = membership::Entity::delete_by_id(id.0).exec(self.0).await?;
        if result.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// How many administrators an organization has.
    pub async fn count_admins(&self, organization_id: OrganizationId) -> StoreResult<usize> {
        Ok(self
            .list(organization_id)
            .await?
            .iter()
            .filter(|m| m.roles.has(Role::Admin))
            .count())
    }

    /// Everyone in an organization, by name.
    pub async fn list(&self, organization_id: OrganizationId) -> StoreResult<Vec<Member>> {
        let memberships = membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(organization_id.0))
            .all(self.0)
            .await?;
        let membership_ids: Vec<_> = memberships.iter().map(|m| m.id).collect();
        let user_ids: Vec<_> = memberships.iter().map(|m| m.user_id).collect();
        let roles = membership_role::Entity::find()
            .filter(membership_role::Column::MembershipId.is_in(membership_ids))
            .all(self.0)
            .await?;
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(user_ids.clone()))
            .all(self.0)
            .await?;
        let emails = user_email::Entity::find()
            .filter(user_email::Column::UserId.is_in(user_ids))
            .filter(user_email::Column::IsPrimary.eq(true))
            .all(self.0)
            .await?;
        let mut members = memberships
            .into_iter()
            .map(|m| {
                let role_set = parse_roles(
                    roles
                        .iter()
                        .filter(|r| r.membership_id == m.id)
                        .map(|r| r.role.as_str()),
                )?;
                let display_name = users
                    .iter()
                    .find(|u| u.id == m.user_id)
                    .map(|u| u.display_name.clone())
                    .unwrap_or_default();
                Ok(Member {
                    membership_id: MembershipId(m.id),
                    user_id: UserId(m.user_id),
                    display_name,
                    primary_email: emails
                        .iter()
                        .find(|e| e.user_id == m.user_id)
                        .map(|e| e.email.clone()),
                    roles: role_set,
                    joined_at: m.created_at,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        members.sort_by(|a, b| {
            a.display_name
                .to_lowercase()
                .cmp(&b.display_name.to_lowercase())
        });
        Ok(members)
    }

    /// The organizations a person belongs to, with their roles, by name.
    pub async fn organizations_of(
        &self,
        user_id: UserId,
    ) -> StoreResult<Vec<(Organization, RoleSet)>> {
        let memberships = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id.0))
            .all(self.0)
            .await?;
        let org_ids: Vec<_> = memberships.iter().map(|m| m.organization_id).collect();
        let membership_ids: Vec<_> = memberships.iter().map(|m| m.id).collect();
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(org_ids))
            .order_by_asc(organization::Column::Name)
            .all(self.0)
            .await?;
        let roles = membership_role::Entity::find()
            .filter(membership_role::Column::MembershipId.is_in(membership_ids))
            .all(self.0)
            .await?;
        orgs.into_iter()
            .map(|o| {
                let membership_id = memberships
                    .iter()
                    .find(|m| m.organization_id == o.id)
                    .map(|m| m.id);
                let set = parse_roles(
                    roles
                        .iter()
                        .filter(|r| Some(r.membership_id) == membership_id)
                        .map(|r| r.role.as_str()),
                )?;
                Ok((o.into(), set))
            })
            .collect()
    }

    /// Stores an invitation.
    pub async fn invite(&self, new: NewInvitation<'_>) -> StoreResult<Invitation> {
        invitation::ActiveModel {
            id: Set(new.id.0),
            organization_id: Set(new.organization_id.0),
            email: Set(new.email.to_owned()),
            roles: Set(roles_text(new.roles)),
            token_hash: Set(new.token_hash.to_owned()),
            invited_by: Set(Some(new.invited_by.0)),
            created_at: Set(new.now),
            expires_at: Set(new.expires_at),
            accepted_at: Set(None),
            accepted_by: Set(None),
            revoked_at: Set(None),
        }
        .insert(self.0)
        .await?
        .try_into()
    }

    /// The invitation with this token hash.
    pub async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        invitation::Entity::find()
            .filter(invitation::Column::TokenHash.eq(token_hash))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Invitations still waiting for an answer, newest first.
    pub async fn open_invitations(
        &self,
        organization_id: OrganizationId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Invitation>> {
        invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(organization_id.0))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .order_by_desc(invitation::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Marks an invitation accepted; false when it was already answered,
    /// revoked or expired.
    pub async fn accept_invitation(
        &self,
        id: InvitationId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = invitation::Entity::update_many()
            .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
            .col_expr(invitation::Column::AcceptedBy, Expr::value(by.0))
            .filter(invitation::Column::Id.eq(id.0))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Revokes an open invitation of an organization.
    pub async fn revoke_invitation(
        &self,
        organization_id: OrganizationId,
        id: InvitationId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = invitation::Entity::update_many()
            .col_expr(invitation::Column::RevokedAt, Expr::value(now))
            .filter(invitation::Column::Id.eq(id.0))
            .filter(invitation::Column::OrganizationId.eq(organization_id.0))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

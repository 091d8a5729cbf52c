//! Members of an organization: invitations by email (which work for
//! people without an account yet), roles, and leaving.

use crate::accounts::{NewSessionToken, Principal, SignUp, parse_sign_up};
use crate::mail::texts;
use crate::secrets::{hash_token, new_token};
use crate::{App, AppError, AppResult, RequestMeta, passwords};
use cairn_domain::account::EmailAddress;
use cairn_domain::policy::{Action, authorize, ensure_admin_remains};
use cairn_domain::role::{Role, RoleSet};
use cairn_domain::token::invitation_lifetime;
use cairn_domain::{EmailId, InvitationId, MembershipId, UserId};
use cairn_store::Repos;
use cairn_store::memberships::{Invitation, Member, NewInvitation};
use cairn_store::organizations::Organization;
use cairn_store::users::NewUser;

/// An invitation as its recipient sees it.
#[derive(Clone, Debug)]
pub struct InvitationView {
    pub invitation: Invitation,
    pub organization: Organization,
    /// Whether an account already uses the invited address.
    pub account_exists: bool,
}

impl App {
    /// The members of an organization (administrators only).
    pub async fn members(
        &self,
        principal: &Principal,
        slug: &str,
    ) -> AppResult<(Organization, Vec<Member>, Vec<Invitation>)> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ViewMembers { roles })
            .await?;
        let members = self.store().memberships().list(org.id).await?;
        let invitations = self
            .store()
            .memberships()
            .open_invitations(org.id, self.now())
            .await?;
        Ok((org, members, invitations))
    }

    /// Invites someone by email with the given roles.
    pub async fn invite_member(
        &self,
        principal: &Principal,
        slug: &str,
        email: &str,
        roles: &[&str],
        meta: &RequestMeta,
    ) -> AppResult<Invitation> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::InviteMembers { roles })
            .await?;
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        let roles = RoleSet::parse(roles.iter().copied())
            .map_err(|e| AppError::invalid("roles", e.to_string()))?;
        let tx = self.store().begin().await?;
        if let Some(existing) = tx.users().find_email(&email).await?
            && tx
                .memberships()
                .roles_of(org.id, existing.user_id)
                .await?
                .1
                .is_member()
        {
            return Err(AppError::conflict(
                "email",
                "This person is already a member; change their roles in the member list.",
            ));
        }
        let now = self.now();
        if tx
            .memberships()
            .open_invitations(org.id, now)
            .await?
            .iter()
            .any(|i| i.email == email.as_str())
        {
            return Err(AppError::conflict(
                "email",
                "An invitation to this address is already waiting. Revoke it first to send a new one.",
            ));
        }
        let token = new_token();
        let invitation = tx
            .memberships()
            .invite(NewInvitation {
                id: InvitationId(App::new_id()),
                organization_id: org.id,
                email: email.as_str(),
                roles,
                token_hash: &hash_token(&token),
                invited_by: principal.user.id,
                now,
                expires_at: now + invitation_lifetime(),
            })
            .await?;
        let role_names = roles
            .roles()
            .iter()
            .map(|r| r.label().to_lowercase())
            .collect::<Vec<_>>()
            .join(", ");
        let (subject, text) = texts::invitation(
            &principal.user.display_name,
            &org.name,
            &role_names,
            &self.url(&format!("/invitations/{token}")),
        );
        self.enqueue_email(&tx, email.as_str(), &subject, text, None)
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "member.invited",
            serde_json::json!({"roles": role_names}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(invitation)
    }

    /// Revokes an open invitation.
    pub async fn revoke_invitation(
        &self,
        principal: &Principal,
        slug: &str,
        id: InvitationId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::InviteMembers { roles })
            .await?;
        let tx = self.store().begin().await?;
        if !tx
            .memberships()
            .revoke_invitation(org.id, id, self.now())
            .await?
        {
            return Err(AppError::not_found("The invitation"));
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "invitation.revoked",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An open invitation, as its link shows it.
    pub async fn invitation(&self, token: &str) -> AppResult<InvitationView> {
        let invitation = self.open_invitation(self.store(), token).await?;
        let organization = self
            .store()
            .organizations()
            .get(invitation.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let email =
            EmailAddress::parse(&invitation.email).map_err(|e| AppError::Internal(e.into()))?;
        let account_exists = self.store().users().find_email(&email).await?.is_some();
        Ok(InvitationView {
            invitation,
            organization,
            account_exists,
        })
    }

    async fn open_invitation<R: Repos>(&self, repos: &R, token: &str) -> AppResult<Invitation> {
        let invitation = repos
            .memberships()
            .invitation_by_token(&hash_token(token))
            .await?
            .ok_or_else(|| AppError::NotFound("This invitation link is not valid.".into()))?;
        if invitation.revoked_at.is_some() {
            return Err(AppError::NotFound("This invitation was withdrawn.".into()));
        }
        if invitation.accepted_at.is_some() {
            return Err(AppError::NotFound(
                "This invitation has already been accepted.".into(),
            ));
        }
        if invitation.expires_at <= self.now() {
            return Err(AppError::NotFound(
                "This invitation has expired; ask for a new one.".into(),
            ));
        }
        Ok(invitation)
    }

    /// Accepts an invitation into the signed-in account. The invited address
    /// is attached to the account (verified: the link proves it) unless it
    /// belongs to another account, which must accept instead.
    pub async fn accept_invitation(
        &self,
        principal: &Principal,
        token: &str,
        meta: &RequestMeta,
    ) -> AppResult<Organization> {
        let tx = self.store().begin().await?;
        let invitation = self.open_invitation(&tx, token).await?;
        let email =
            EmailAddress::parse(&invitation.email).map_err(|e| AppError::Internal(e.into()))?;
        let now = self.now();
        match tx.users().find_email(&email).await? {
            Some(existing) if existing.user_id != principal.user.id => {
                return Err(AppError::Forbidden(format!(
                    "This invitation was sent to {}, which belongs to another account. Log out and log in with that address to accept it.",
                    invitation.email
                )));
            }
            Some(existing) => tx.users().mark_email_verified(existing.id, now).await?,
            None => {
                tx.users()
                    .add_email(
                        EmailId(App::new_id()),
                        principal.user.id,
                        &email,
                        Some(now),
                        false,
                        now,
                    )
                    .await?;
            }
        }
        self.join(&tx, &invitation, principal.user.id, meta).await?;
        tx.commit().await?;
        self.store()
            .organizations()
            .get(invitation.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))
    }

    /// Creates an account for the invited address and accepts the
    /// invitation with it, signing the person in.
    pub async fn accept_invitation_with_sign_up(
        &self,
        token: &str,
        display_name: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> AppResult<(Organization, NewSessionToken)> {
        let invitation = self.open_invitation(self.store(), token).await?;
        let valid = parse_sign_up(&SignUp {
            display_name,
            email: &invitation.email,
            password,
        })?;
        let hash = passwords::hash(&valid.password).await?;
        let tx = self.store().begin().await?;
        let invitation = self.open_invitation(&tx, token).await?;
        if tx.users().find_email(&valid.email).await?.is_some() {
            return Err(AppError::conflict(
                "email",
                "An account already uses this address. Log in to accept the invitation.",
            ));
        }
        let now = self.now();
        let user = tx
            .users()
            .insert(NewUser {
                id: UserId(App::new_id()),
                display_name: valid.name.as_str(),
                password_hash: Some(&hash),
                platform_admin: false,
                may_create_organizations: self.settings().open_organization_creation,
                now,
            })
            .await?;
        tx.users()
            .add_email(
                EmailId(App::new_id()),
                user.id,
                &valid.email,
                Some(now),
                true,
                now,
            )
            .await?;
        self.audit(
            &tx,
            meta,
            Some(user.id),
            None,
            "account.created",
            serde_json::json!({"via": "invitation"}),
        )
        .await?;
        self.join(&tx, &invitation, user.id, meta).await?;
        let session = self.start_session(&tx, user.id, meta).await?;
        tx.commit().await?;
        let org = self
            .store()
            .organizations()
            .get(invitation.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        Ok((org, session))
    }

    /// Adds the invited roles to the person's membership (creating it).
    async fn join<R: Repos>(
        &self,
        repos: &R,
        invitation: &Invitation,
        user_id: UserId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = self.now();
        if !repos
            .memberships()
            .accept_invitation(invitation.id, user_id, now)
            .await?
        {
            return Err(AppError::NotFound(
                "This invitation is no longer open.".into(),
            ));
        }
        let (membership, current) = repos
            .memberships()
            .roles_of(invitation.organization_id, user_id)
            .await?;
        match membership {
            Some(id) => {
                let merged =
                    RoleSet::of(current.roles().into_iter().chain(invitation.roles.roles()));
                repos.memberships().set_roles(id, merged).await?;
            }
            None => {
                repos
                    .memberships()
                    .add(
                        MembershipId(App::new_id()),
                        invitation.organization_id,
                        user_id,
                        invitation.roles,
                        now,
                    )
                    .await?;
            }
        }
        self.audit(
            repos,
            meta,
            Some(user_id),
            Some(invitation.organization_id),
            "member.joined",
            serde_json::json!({}),
        )
        .await
    }

    /// Replaces a member's roles; an organization keeps at least one administrator.
    pub async fn change_member_roles(
        &self,
        principal: &Principal,
        slug: &str,
        member: UserId,
        roles: &[&str],
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ChangeMemberRoles { roles })
            .await?;
        let roles = RoleSet::parse(roles.iter().copied())
            .map_err(|e| AppError::invalid("roles", e.to_string()))?;
        let tx = self.store().begin().await?;
        let (membership, current) = tx.memberships().roles_of(org.id, member).await?;
        let membership = membership.ok_or_else(|| AppError::not_found("The member"))?;
        let admins = tx.memberships().count_admins(org.id).await?;
        let after =
            admins - usize::from(current.has(Role::Admin)) + usize::from(roles.has(Role::Admin));
        ensure_admin_remains(after).map_err(|e| AppError::invalid("roles", e.to_string()))?;
        tx.memberships().set_roles(membership, roles).await?;
        let names: Vec<_> = roles.roles().iter().map(|r| r.as_str()).collect();
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "member.roles_changed",
            serde_json::json!({"member": member, "roles": names}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member (or lets a member leave); the last administrator stays.
    pub async fn remove_member(
        &self,
        principal: &Principal,
        slug: &str,
        member: UserId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let org = self
            .store()
            .organizations()
            .by_slug(slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let (_, actor_roles) = self
            .store()
            .memberships()
            .roles_of(org.id, principal.user.id)
            .await?;
        authorize(
            &principal.actor,
            Action::RemoveMember {
                roles: actor_roles,
                target: member,
            },
        )?;
        let tx = self.store().begin().await?;
        let (membership, current) = tx.memberships().roles_of(org.id, member).await?;
        let membership = membership.ok_or_else(|| AppError::not_found("The member"))?;
        if current.has(Role::Admin) {
            let admins = tx.memberships().count_admins(org.id).await?;
            ensure_admin_remains(admins - 1).map_err(|e| AppError::Conflict {
                field: None,
                message: e.to_string(),
            })?;
        }
        tx.memberships().remove(membership).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "member.removed",
            serde_json::json!({"member": member}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

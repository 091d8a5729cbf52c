//! The authorization policy: the one place that decides who may do what.
//!
//! Deny by default: [`can`] matches every action explicitly, and each arm
//! states the only conditions under which it is allowed. Use cases call
//! [`authorize`] before every write and every read of private data.

use crate::UserId;
use crate::account::Actor;
use crate::role::{Role, RoleSet};
use thiserror::Error;

/// Something an actor wants to do, with the facts the decision needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Create a new organization.
    CreateOrganization,
    /// See the platform administration pages, approve organization creators.
    ManagePlatform,
    /// See an organization's private settings.
    ViewOrganizationSettings { roles: RoleSet },
    /// Change an organization's public profile or logo.
    UpdateOrganization { roles: RoleSet },
    /// Add, rename or remove departments.
    ManageDepartments { roles: RoleSet },
    /// See who belongs to an organization, with their email addresses.
    ViewMembers { roles: RoleSet },
    /// Invite people by email, or revoke an invitation.
    InviteMembers { roles: RoleSet },
    /// Change someone's roles.
    ChangeMemberRoles { roles: RoleSet },
    /// Remove a member; anyone may remove themselves.
    RemoveMember { roles: RoleSet, target: UserId },
    /// Change an account: emails, password, sessions, API tokens.
    ManageAccount { owner: UserId },
    /// See an organization's drafts and archived micro-credentials, its
    /// templates and stacks in progress.
    ViewDrafts { roles: RoleSet },
    /// Write, version, publish and archive micro-credentials; manage
    /// templates and stacks; upload or design badge images.
    AuthorAchievements { roles: RoleSet },
    /// Change the organization's level scale.
    ManageLevels { roles: RoleSet },
    /// Create and end sponsorships, issue their codes, assign their seats,
    /// see who used them, and record payments.
    ManageSponsorships { roles: RoleSet },
    /// Open the review queue: administrators see the organization's,
    /// reviewers their own.
    OpenReviewQueue { roles: RoleSet },
    /// See the whole review queue, set the review rules and hand a review
    /// to another reviewer.
    ManageReviews { roles: RoleSet },
    /// Assign one of the organization's coaches to a learner, or end such
    /// an assignment.
    AssignCoaches { roles: RoleSet },
    /// Award a micro-credential to many people from a file (which emails
    /// each of them), check such a file, and follow past bulk awards.
    AwardInBulk { roles: RoleSet },
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum Denied {
    #[error("Verify your email address first.")]
    EmailNotVerified,
    #[error("You do not have permission to do this.")]
    NotPermitted,
}

/// Decides whether `actor` may perform `action`.
pub fn authorize(actor: &Actor, action: Action) -> Result<(), Denied> {
    let org_admin = |roles: RoleSet| roles.has(Role::Admin) || actor.platform_admin;
    let allowed = match action {
        Action::CreateOrganization => {
            if !actor.platform_admin && !actor.email_verified {
                return Err(Denied::EmailNotVerified);
            }
            actor.platform_admin || actor.may_create_organizations
        }
        Action::ManagePlatform => actor.platform_admin,
        Action::ViewOrganizationSettings { roles }
        | Action::UpdateOrganization { roles }
        | Action::ManageDepartments { roles }
        | Action::ViewMembers { roles }
        | Action::ChangeMemberRoles { roles } => org_admin(roles),
        Action::InviteMembers { roles } | Action::AwardInBulk { roles } => {
            if org_admin(roles) && !actor.email_verified && !actor.platform_admin {
                return Err(Denied::EmailNotVerified);
            }
            org_admin(roles)
        }
        Action::RemoveMember { roles, target } => {
            org_admin(roles) || (target == actor.user_id && roles.is_member())
        }
        Action::ManageAccount { owner } => owner == actor.user_id,
        Action::ViewDrafts { roles } => {
            org_admin(roles)
                || roles.has(Role::Author)
                || roles.has(Role::Reviewer)
                || roles.has(Role::Coach)
        }
        Action::AuthorAchievements { roles } => {
            let allowed = org_admin(roles) || roles.has(Role::Author);
            if allowed && !actor.email_verified && !actor.platform_admin {
                return Err(Denied::EmailNotVerified);
            }
            allowed
        }
        Action::ManageLevels { roles } => org_admin(roles),
        Action::OpenReviewQueue { roles } => org_admin(roles) || roles.has(Role::Reviewer),
        Action::ManageSponsorships { roles }
        | Action::ManageReviews { roles }
        | Action::AssignCoaches { roles } => org_admin(roles),
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::NotPermitted)
    }
}

/// Whether the action is allowed; for pages deciding what to show.
pub fn can(actor: &Actor, action: Action) -> bool {
    authorize(actor, action).is_ok()
}

/// An organization must keep at least one administrator.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error(
    "An organization needs at least one administrator; make someone else an administrator first."
)]
pub struct LastAdmin;

/// Checks that a change to memberships leaves an administrator in charge.
pub fn ensure_admin_remains(admins_after_change: usize) -> Result<(), LastAdmin> {
    if admins_after_change == 0 {
        Err(LastAdmin)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user(n: u128) -> UserId {
        UserId(Uuid::from_u128(n))
    }

    fn actor() -> Actor {
        Actor {
            user_id: user(1),
            platform_admin: false,
            may_create_organizations: false,
            email_verified: true,
        }
    }

    fn platform_admin() -> Actor {
        Actor {
            platform_admin: true,
            ..actor()
        }
    }

    fn approved() -> Actor {
        Actor {
            may_create_organizations: true,
            ..actor()
        }
    }

    fn admin() -> RoleSet {
        RoleSet::of([Role::Admin])
    }

    fn member() -> RoleSet {
        RoleSet::of([])
    }

    fn every_other_role() -> Vec<RoleSet> {
        vec![
            RoleSet::NONE,
            member(),
            RoleSet::of([Role::Author]),
            RoleSet::of([Role::Reviewer]),
            RoleSet::of([Role::Coach]),
        ]
    }

    #[test]
    fn create_organization_needs_approval_or_platform_admin() {
        assert_eq!(
            authorize(&actor(), Action::CreateOrganization),
            Err(Denied::NotPermitted)
        );
        assert_eq!(authorize(&approved(), Action::CreateOrganization), Ok(()));
        assert_eq!(
            authorize(&platform_admin(), Action::CreateOrganization),
            Ok(())
        );
    }

    #[test]
    fn create_organization_needs_a_verified_email() {
        let unverified = Actor {
            email_verified: false,
            ..approved()
        };
        assert_eq!(
            authorize(&unverified, Action::CreateOrganization),
            Err(Denied::EmailNotVerified)
        );
    }

    #[test]
    fn manage_platform_is_for_platform_admins_only() {
        assert!(!can(&approved(), Action::ManagePlatform));
        assert!(can(&platform_admin(), Action::ManagePlatform));
    }

    fn only_org_admins(make: fn(RoleSet) -> Action) {
        assert!(can(&actor(), make(admin())), "org admin allowed");
        assert!(
            can(&platform_admin(), make(RoleSet::NONE)),
            "platform admin allowed"
        );
        for roles in every_other_role() {
            assert!(!can(&actor(), make(roles)), "{roles:?} refused");
        }
    }

    #[test]
    fn view_organization_settings_is_for_admins() {
        only_org_admins(|roles| Action::ViewOrganizationSettings { roles });
    }

    #[test]
    fn update_organization_is_for_admins() {
        only_org_admins(|roles| Action::UpdateOrganization { roles });
    }

    #[test]
    fn manage_departments_is_for_admins() {
        only_org_admins(|roles| Action::ManageDepartments { roles });
    }

    #[test]
    fn view_members_is_for_admins() {
        only_org_admins(|roles| Action::ViewMembers { roles });
    }

    #[test]
    fn change_member_roles_is_for_admins() {
        only_org_admins(|roles| Action::ChangeMemberRoles { roles });
    }

    #[test]
    fn invite_members_is_for_admins_with_a_verified_email() {
        only_org_admins(|roles| Action::InviteMembers { roles });
        let unverified = Actor {
            email_verified: false,
            ..actor()
        };
        assert_eq!(
            authorize(&unverified, Action::InviteMembers { roles: admin() }),
            Err(Denied::EmailNotVerified)
        );
        assert_eq!(
            authorize(&unverified, Action::InviteMembers { roles: member() }),
            Err(Denied::NotPermitted)
        );
    }

    #[test]
    fn remove_member_is_for_admins_or_the_member_themselves() {
        let other = user(2);
        assert!(can(
            &actor(),
            Action::RemoveMember {
                roles: admin(),
                target: other
            }
        ));
        assert!(can(
            &platform_admin(),
            Action::RemoveMember {
                roles: RoleSet::NONE,
                target: other
            }
        ));
        assert!(can(
            &actor(),
            Action::RemoveMember {
                roles: member(),
                target: user(1)
            }
        ));
        assert!(!can(
            &actor(),
            Action::RemoveMember {
                roles: RoleSet::NONE,
                target: user(1)
            }
        ));
        for roles in every_other_role() {
            assert!(!can(
                &actor(),
                Action::RemoveMember {
                    roles,
                    target: other
                }
            ));
        }
    }

    #[test]
    fn manage_account_is_for_its_owner_only() {
        assert!(can(&actor(), Action::ManageAccount { owner: user(1) }));
        assert!(!can(&actor(), Action::ManageAccount { owner: user(2) }));
        assert!(!can(
            &platform_admin(),
            Action::ManageAccount { owner: user(2) }
        ));
    }

    #[test]
    fn an_organization_keeps_an_admin() {
        assert_eq!(ensure_admin_remains(0), Err(LastAdmin));
        assert_eq!(ensure_admin_remains(1), Ok(()));
    }

    #[test]
    fn authors_and_admins_write_micro_credentials_and_staff_see_drafts() {
        let author = RoleSet::of([Role::Author]);
        let reviewer = RoleSet::of([Role::Reviewer]);
        for roles in [admin(), author] {
            assert!(can(&actor(), Action::AuthorAchievements { roles }));
            assert!(can(&actor(), Action::ViewDrafts { roles }));
        }
        assert!(!can(
            &actor(),
            Action::AuthorAchievements { roles: reviewer }
        ));
        assert!(can(&actor(), Action::ViewDrafts { roles: reviewer }));
        assert!(!can(
            &actor(),
            Action::AuthorAchievements { roles: member() }
        ));
        assert!(!can(&actor(), Action::ViewDrafts { roles: member() }));
        assert!(can(
            &platform_admin(),
            Action::AuthorAchievements { roles: member() }
        ));
        let unverified = Actor {
            email_verified: false,
            ..actor()
        };
        assert_eq!(
            authorize(&unverified, Action::AuthorAchievements { roles: author }),
            Err(Denied::EmailNotVerified)
        );
        assert!(can(&actor(), Action::ManageLevels { roles: admin() }));
        assert!(!can(&actor(), Action::ManageLevels { roles: author }));
    }

    #[test]
    fn manage_sponsorships_is_for_admins() {
        only_org_admins(|roles| Action::ManageSponsorships { roles });
    }

    #[test]
    fn the_review_queue_and_coach_assignments_are_for_admins() {
        only_org_admins(|roles| Action::ManageReviews { roles });
        only_org_admins(|roles| Action::AssignCoaches { roles });
        let open = |roles| can(&actor(), Action::OpenReviewQueue { roles });
        assert!(open(admin()) && open(RoleSet::of([Role::Reviewer])));
        assert!(!open(RoleSet::of([Role::Coach])) && !open(RoleSet::of([Role::Author])));
        assert!(!open(member()) && !open(RoleSet::NONE));
    }

    #[test]
    fn bulk_awards_are_for_admins_with_a_verified_email() {
        only_org_admins(|roles| Action::AwardInBulk { roles });
        let unverified = Actor {
            email_verified: false,
            ..actor()
        };
        assert_eq!(
            authorize(&unverified, Action::AwardInBulk { roles: admin() }),
            Err(Denied::EmailNotVerified)
        );
        assert_eq!(
            authorize(
                &unverified,
                Action::AwardInBulk {
                    roles: RoleSet::of([Role::Author])
                }
            ),
            Err(Denied::NotPermitted)
        );
        let unverified_platform_admin = Actor {
            email_verified: false,
            ..platform_admin()
        };
        assert!(can(
            &unverified_platform_admin,
            Action::AwardInBulk {
                roles: RoleSet::NONE
            }
        ));
    }
}

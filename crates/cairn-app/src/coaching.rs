//! Coach partnerships: a learner invites a coach (or a coach a learner) by
//! email, for one micro-credential or in general; accepting the emailed
//! invitation starts the partnership. The coach's dashboard lists their
//! learners and what waits for the coach.

use crate::accounts::Principal;
use crate::secrets::{hash_token, new_token};
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::account::EmailAddress;
use cairn_domain::enrollment::{Feedback, StateName};
use cairn_domain::policy::{Action, authorize};
use cairn_domain::role::Role;
use cairn_domain::{
    AchievementId, EnrollmentId, OrganizationId, PartnershipId, PartnershipInvitationId, UserId,
};
use cairn_store::Repos;
use cairn_store::achievements::Achievement;
use cairn_store::enrollments::Enrollment;
use cairn_store::partnerships::{InviteeRole, Partnership, PartnershipInvitation};

/// How long a partnership invitation stays open.
pub const INVITATION_DAYS: i64 = 14;

/// An invitation as its page shows it.
#[derive(Clone, Debug)]
pub struct InvitationView {
    pub invitation: PartnershipInvitation,
    pub inviter_name: String,
    pub achievement_title: Option<String>,
    /// Whether it can still be accepted.
    pub open: bool,
}

/// One learner on a coach's dashboard.
#[derive(Clone, Debug)]
pub struct CoachedLearner {
    pub learner_id: UserId,
    pub name: String,
    /// Their enrollments the coach supports, with what waits for the coach.
    pub enrollments: Vec<(Enrollment, Achievement, bool)>,
}

impl App {
    /// Invites someone by email to be the sender's coach (or learner).
    pub async fn invite_partner(
        &self,
        principal: &Principal,
        email: &str,
        role: InviteeRole,
        achievement: Option<AchievementId>,
        meta: &RequestMeta,
    ) -> AppResult<PartnershipInvitation> {
        if !principal.actor.email_verified {
            return Err(AppError::Forbidden(
                "Verify your email address before inviting anyone.".into(),
            ));
        }
        let email =
            EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        if principal
            .primary_email
            .as_ref()
            .is_some_and(|own| own.email.eq_ignore_ascii_case(email.as_str()))
        {
            return Err(AppError::invalid(
                "email",
                "Invite someone other than yourself.",
            ));
        }
        let title = match achievement {
            Some(a) => Some(
                self.store()
                    .achievements()
                    .get(a)
                    .await?
                    .ok_or_else(|| AppError::not_found("The micro-credential"))?
                    .title,
            ),
            None => None,
        };
        let token = new_token();
        let now = self.now();
        let invitation = PartnershipInvitation {
            id: PartnershipInvitationId(App::new_id()),
            invited_by: principal.user.id,
            email: email.as_str().to_owned(),
            invitee_role: role,
            achievement_id: achievement,
            created_at: now,
            expires_at: now + chrono::Duration::days(INVITATION_DAYS),
            accepted_at: None,
            declined_at: None,
        };
        let what = match (role, &title) {
            (InviteeRole::Coach, Some(t)) => format!("to coach them on “{t}”"),
            (InviteeRole::Coach, None) => "to be their coach".to_owned(),
            (InviteeRole::Learner, Some(t)) => format!("to work on “{t}” with them as your coach"),
            (InviteeRole::Learner, None) => "to work with them as your coach".to_owned(),
        };
        let name = &principal.user.display_name;
        let text = format!(
            "Hello,\n\n{name} invites you on Cairn {what}.\nOpen the invitation here (you can create an account on the way):\n\n{}\n\nThe invitation is open for {INVITATION_DAYS} days.\n\n—\nCairn · micro-credentials with evidence behind them\n",
            self.url(&format!("/partners/{token}"))
        );
        let tx = self.store().begin().await?;
        tx.partnerships()
            .invite(&invitation, &hash_token(&token))
            .await?;
        self.enqueue_email(
            &tx,
            email.as_str(),
            &format!("{name} invites you on Cairn"),
            text,
            None,
        )
        .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            "partnership.invited",
            serde_json::json!({"invitation": invitation.id, "role": role.as_str()}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(invitation)
    }

    /// The invitation behind an emailed link.
    pub async fn partner_invitation(&self, token: &str) -> AppResult<InvitationView> {
        let invitation = self
            .store()
            .partnerships()
            .invitation_by_hash(&hash_token(token))
            .await?
            .ok_or_else(|| AppError::not_found("The invitation"))?;
        let inviter_name = self
            .store()
            .users()
            .get(invitation.invited_by)
            .await?
            .map_or_else(|| "Someone".to_owned(), |u| u.display_name);
        let achievement_title = match invitation.achievement_id {
            Some(a) => self.store().achievements().get(a).await?.map(|a| a.title),
            None => None,
        };
        let open = invitation.accepted_at.is_none()
            && invitation.declined_at.is_none()
            && invitation.expires_at > self.now();
        Ok(InvitationView {
            invitation,
            inviter_name,
            achievement_title,
            open,
        })
    }

    /// Accepts (or declines) an invitation; accepting starts the
    /// partnership between the inviter and the signed-in person.
    pub async fn answer_partner_invitation(
        &self,
        principal: &Principal,
        token: &str,
        accept: bool,
        meta: &RequestMeta,
    ) -> AppResult<Option<Partnership>> {
        let view = self.partner_invitation(token).await?;
        if !view.open {
            return Err(AppError::Conflict {
                field: None,
                message: "This invitation was answered already or has expired.".into(),
            });
        }
        let inv = view.invitation;
        if inv.invited_by == principal.user.id {
            return Err(AppError::Conflict {
                field: None,
                message: "This is your own invitation; the person you invited answers it.".into(),
            });
        }
        // The link went to one address: only its owner answers.
        let theirs = self
            .store()
            .users()
            .emails_of(principal.user.id)
            .await?
            .iter()
            .any(|e| e.verified_at.is_some() && e.email.eq_ignore_ascii_case(&inv.email));
        if !theirs {
            return Err(AppError::Forbidden(format!(
                "This invitation was sent to {}. Log in with that address, or add it to your account, to answer it.",
                inv.email
            )));
        }
        let tx = self.store().begin().await?;
        let now = self.now();
        if !tx.partnerships().answer(inv.id, accept, now).await? {
            return Err(AppError::Conflict {
                field: None,
                message: "This invitation was answered already.".into(),
            });
        }
        let partnership = if accept {
            let (coach, learner) = match inv.invitee_role {
                InviteeRole::Coach => (principal.user.id, inv.invited_by),
                InviteeRole::Learner => (inv.invited_by, principal.user.id),
            };
            let p = Partnership {
                id: PartnershipId(App::new_id()),
                coach_id: coach,
                learner_id: learner,
                achievement_id: inv.achievement_id,
                assigned_by_organization: None,
                created_at: now,
                ended_at: None,
            };
            tx.partnerships().insert(&p).await?;
            self.notify(
                &tx,
                inv.invited_by,
                "partnership",
                &format!("{} accepted your invitation.", principal.user.display_name),
                "/coaching",
            )
            .await?;
            Some(p)
        } else {
            None
        };
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            None,
            if accept {
                "partnership.accepted"
            } else {
                "partnership.declined"
            },
            serde_json::json!({"invitation": inv.id}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(partnership)
    }

    /// A coach's learners, their micro-credentials and what waits for the
    /// coach (a feedback request or a coach meeting).
    pub async fn coach_dashboard(&self, principal: &Principal) -> AppResult<Vec<CoachedLearner>> {
        let store = self.store();
        let mut out: Vec<CoachedLearner> = Vec::new();
        for p in store.partnerships().of_coach(principal.user.id).await? {
            let name = store
                .users()
                .get(p.learner_id)
                .await?
                .map_or_else(|| "A learner".to_owned(), |u| u.display_name);
            let mut enrollments = Vec::new();
            for e in store.enrollments().for_learner(p.learner_id).await? {
                if p.achievement_id.is_some_and(|a| a != e.achievement_id) {
                    continue;
                }
                let waiting = e.state.feedback() == Feedback::Requested
                    || e.state.name() == StateName::CoachMeetingRequired;
                if let Some(a) = store.achievements().get(e.achievement_id).await? {
                    enrollments.push((e, a, waiting));
                }
            }
            match out.iter_mut().find(|l| l.learner_id == p.learner_id) {
                Some(l) => {
                    for item in enrollments {
                        if !l.enrollments.iter().any(|(e, _, _)| e.id == item.0.id) {
                            l.enrollments.push(item);
                        }
                    }
                }
                None => out.push(CoachedLearner {
                    learner_id: p.learner_id,
                    name,
                    enrollments,
                }),
            }
        }
        out.sort_by(|a, b| {
            let waiting = |l: &CoachedLearner| l.enrollments.iter().any(|(_, _, w)| *w);
            waiting(b)
                .cmp(&waiting(a))
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Who coaches the learner of one enrollment, and which of the
    /// organization's coaches an administrator could assign.
    pub async fn coach_assignments(
        &self,
        principal: &Principal,
        enrollment: EnrollmentId,
    ) -> AppResult<CoachAssignments> {
        let e = self.enrollment_for_coaching(principal, enrollment).await?;
        let store = self.store();
        let mut current = Vec::new();
        for p in store
            .partnerships()
            .for_learner_and_achievement(e.user_id, e.achievement_id)
            .await?
        {
            let name = store
                .users()
                .get(p.coach_id)
                .await?
                .map_or_else(|| "A coach".to_owned(), |u| u.display_name);
            current.push((p, name));
        }
        let candidates = store
            .memberships()
            .list(e.organization_id)
            .await?
            .into_iter()
            .filter(|m| m.roles.has(Role::Coach) && m.user_id != e.user_id)
            .filter(|m| !current.iter().any(|(p, _)| p.coach_id == m.user_id))
            .map(|m| (m.user_id, m.display_name))
            .collect();
        Ok(CoachAssignments {
            organization_id: e.organization_id,
            current,
            candidates,
        })
    }

    /// An administrator assigns one of the organization's coaches to the
    /// learner of an enrollment, for that micro-credential.
    pub async fn assign_coach(
        &self,
        principal: &Principal,
        enrollment: EnrollmentId,
        coach: UserId,
        meta: &RequestMeta,
    ) -> AppResult<Partnership> {
        let e = self.enrollment_for_coaching(principal, enrollment).await?;
        let store = self.store();
        let (_, roles) = store
            .memberships()
            .roles_of(e.organization_id, coach)
            .await?;
        if !roles.has(Role::Coach) || coach == e.user_id {
            return Err(AppError::invalid(
                "coach",
                "Choose one of the organization's coaches (not the learner).",
            ));
        }
        let tx = store.begin().await?;
        if tx
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?
            .contains(&coach)
        {
            return Err(AppError::Conflict {
                field: Some("coach".into()),
                message: "This coach already works with the learner.".into(),
            });
        }
        if tx.reviews().reviews_enrollment(coach, e.id).await? {
            return Err(AppError::Conflict {
                field: Some("coach".into()),
                message: "This person reviews the learner's submission; a reviewer never coaches the learner they review.".into(),
            });
        }
        let title = tx
            .achievements()
            .get(e.achievement_id)
            .await?
            .map(|a| a.title)
            .unwrap_or_default();
        let p = Partnership {
            id: PartnershipId(App::new_id()),
            coach_id: coach,
            learner_id: e.user_id,
            achievement_id: Some(e.achievement_id),
            assigned_by_organization: Some(e.organization_id),
            created_at: self.now(),
            ended_at: None,
        };
        tx.partnerships().insert(&p).await?;
        let link = format!("/enrollments/{}", e.id);
        let coach_name = tx
            .users()
            .get(coach)
            .await?
            .map_or_else(|| "A coach".to_owned(), |u| u.display_name);
        self.notify(
            &tx,
            coach,
            "coach_assigned",
            &format!("You were asked to coach a learner on “{title}”."),
            &link,
        )
        .await?;
        self.notify(
            &tx,
            e.user_id,
            "coach_assigned",
            &format!("{coach_name} is now your coach for “{title}”."),
            &link,
        )
        .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "partnership.assigned",
            serde_json::json!({"partnership": p.id, "enrollment": e.id, "coach": coach}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(p)
    }

    /// An administrator ends a coach assignment their organization made
    /// (partnerships the learner chose are theirs to keep).
    pub async fn end_coach_assignment(
        &self,
        principal: &Principal,
        partnership: PartnershipId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let store = self.store();
        let p = store
            .partnerships()
            .get(partnership)
            .await?
            .ok_or_else(|| AppError::not_found("The coach assignment"))?;
        let Some(org) = p.assigned_by_organization else {
            return Err(AppError::Forbidden(
                "The learner chose this coach; only an assignment the organization made can be ended here.".into(),
            ));
        };
        let roles = self.roles_in(org, Some(principal)).await?;
        authorize(&principal.actor, Action::AssignCoaches { roles })?;
        if p.ended_at.is_some() {
            return Ok(());
        }
        let tx = store.begin().await?;
        tx.partnerships().end(p.id, self.now()).await?;
        self.notify(
            &tx,
            p.coach_id,
            "coach_unassigned",
            "One of your coaching assignments ended.",
            "/coaching",
        )
        .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org),
            "partnership.ended",
            serde_json::json!({"partnership": p.id}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// An enrollment whose organization the principal may assign coaches in.
    async fn enrollment_for_coaching(
        &self,
        principal: &Principal,
        id: EnrollmentId,
    ) -> AppResult<Enrollment> {
        let e = self
            .store()
            .enrollments()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let roles = self.roles_in(e.organization_id, Some(principal)).await?;
        authorize(&principal.actor, Action::AssignCoaches { roles })?;
        Ok(e)
    }
}

/// The coaches of one enrollment's learner, as an administrator manages
/// them.
#[derive(Clone, Debug)]
pub struct CoachAssignments {
    pub organization_id: OrganizationId,
    /// Live partnerships covering this micro-credential, with the coach's
    /// name.
    pub current: Vec<(Partnership, String)>,
    /// The organization's coaches who could be assigned.
    pub candidates: Vec<(UserId, String)>,
}

//! Coach partnerships: a learner invites a coach (or a coach a learner) by
//! email, for one micro-credential or in general; accepting the emailed
//! invitation starts the partnership. The coach's dashboard lists their
//! learners and what waits for the coach.

use crate::accounts::Principal;
use crate::secrets::{hash_token, new_token};
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::account::EmailAddress;
use cairn_domain::enrollment::{Feedback, StateName};
use cairn_domain::{AchievementId, PartnershipId, PartnershipInvitationId, UserId};
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
}

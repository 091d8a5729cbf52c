//! The review queue and an organization's review rules.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::enrollment::{Decision, ReviewOutcome, ReviewPolicy, State, combine};
use cairn_domain::policy::{Action, authorize, can};
use cairn_domain::role::Role;
use cairn_domain::{EnrollmentId, ReviewId, SubmissionId, UserId};
use cairn_store::enrollments::{Enrollment, Submission};
use cairn_store::organizations::Organization;
use cairn_store::reviews::{Assignment, Review};
use cairn_store::{Repos, Tx};

/// Reviews per queue page.
pub const QUEUE_PAGE: u64 = 50;

/// One open review as the queue lists it.
#[derive(Clone, Debug)]
pub struct QueueItem {
    pub review: Review,
    pub enrollment_id: cairn_domain::EnrollmentId,
    pub title: String,
    pub learner: String,
    pub reviewer: String,
    pub attempt: u32,
}

/// A page of the queue.
#[derive(Clone, Debug)]
pub struct Queue {
    pub organization: Organization,
    pub items: Vec<QueueItem>,
    pub total: u64,
    pub page: u64,
    /// Whether the viewer sees the whole organization's queue.
    pub everyone: bool,
    pub policy: ReviewPolicy,
}

impl App {
    /// The open reviews: an administrator sees the organization's, a
    /// reviewer their own; anyone else is refused.
    pub async fn review_queue(
        &self,
        principal: &Principal,
        org_slug: &str,
        page: u64,
    ) -> AppResult<Queue> {
        let store = self.store();
        let organization = store
            .organizations()
            .by_slug(org_slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let roles = self.roles_in(organization.id, Some(principal)).await?;
        let everyone = can(&principal.actor, Action::ManageReviews { roles });
        authorize(&principal.actor, Action::OpenReviewQueue { roles })?;
        let page = page.max(1);
        let offset = (page - 1).saturating_mul(QUEUE_PAGE);
        let reviewer = (!everyone).then_some(principal.user.id);
        let (rows, total) = store
            .reviews()
            .queue(organization.id, reviewer, offset, QUEUE_PAGE)
            .await?;
        let items = rows
            .into_iter()
            .map(|row| QueueItem {
                enrollment_id: row.enrollment_id,
                title: row.title,
                learner: row.learner,
                reviewer: row.reviewer,
                attempt: row.attempt,
                review: row.review,
            })
            .collect();
        let policy = store.reviews().policy(organization.id).await?;
        Ok(Queue {
            organization,
            items,
            total,
            page,
            everyone,
            policy,
        })
    }

    /// Sets an organization's review rules (administrators).
    pub async fn set_review_policy(
        &self,
        principal: &Principal,
        org_slug: &str,
        two_reviews: bool,
        max_attempts: &str,
        meta: &RequestMeta,
    ) -> AppResult<ReviewPolicy> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::ManageReviews { roles })
            .await?;
        let max_attempts = match max_attempts.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(n) if (1..=20).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::invalid(
                        "max_attempts",
                        "Enter a number of attempts from 1 to 20, or leave it empty for no limit.",
                    ));
                }
            },
        };
        let policy = ReviewPolicy {
            two_reviews,
            max_attempts,
        };
        let tx = self.store().begin().await?;
        tx.reviews().set_policy(org.id, policy).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "review_policy.changed",
            serde_json::json!({"two_reviews": two_reviews, "max_attempts": max_attempts}),
        )
        .await?;
        tx.commit().await?;
        Ok(policy)
    }

    /// The organization's reviewers with their open reviews, for an
    /// administrator handing out work.
    pub async fn reviewer_pool(
        &self,
        principal: &Principal,
        org_slug: &str,
    ) -> AppResult<Vec<PoolMember>> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::ManageReviews { roles })
            .await?;
        let reviewers: Vec<_> = self
            .store()
            .memberships()
            .list(org.id)
            .await?
            .into_iter()
            .filter(|m| m.roles.has(Role::Reviewer))
            .collect();
        let ids: Vec<UserId> = reviewers.iter().map(|m| m.user_id).collect();
        let loads = self.store().reviews().open_counts(&ids).await?;
        Ok(reviewers
            .into_iter()
            .map(|m| PoolMember {
                open: loads
                    .iter()
                    .find(|(u, _)| *u == m.user_id)
                    .map_or(0, |(_, n)| *n),
                user_id: m.user_id,
                name: m.display_name,
            })
            .collect())
    }

    /// Submissions no reviewer holds (nobody was left to assign), for an
    /// administrator to assign by hand.
    pub async fn awaiting_reviewer(
        &self,
        principal: &Principal,
        org_slug: &str,
    ) -> AppResult<Vec<Unassigned>> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::ManageReviews { roles })
            .await?;
        let store = self.store();
        let mut out = Vec::new();
        for e in store
            .enrollments()
            .awaiting_reviewer(org.id, QUEUE_PAGE)
            .await?
        {
            let State::Submitted(sub) = e.state else {
                continue;
            };
            let title = store
                .achievements()
                .get(e.achievement_id)
                .await?
                .map(|a| a.title)
                .unwrap_or_default();
            let learner = store
                .users()
                .get(e.user_id)
                .await?
                .map_or_else(|| "Someone".to_owned(), |u| u.display_name);
            out.push(Unassigned {
                enrollment_id: e.id,
                title,
                learner,
                attempt: sub.attempt,
            });
        }
        Ok(out)
    }

    /// Hands an open review to another reviewer of the organization
    /// (administrators). The new reviewer must not be the learner, one of
    /// their coaches, or already a reviewer of this submission.
    pub async fn reassign_review(
        &self,
        principal: &Principal,
        review_id: ReviewId,
        reviewer: UserId,
        meta: &RequestMeta,
    ) -> AppResult<Review> {
        let store = self.store();
        let review = store
            .reviews()
            .get(review_id)
            .await?
            .ok_or_else(|| AppError::not_found("The review"))?;
        let roles = self
            .roles_in(review.organization_id, Some(principal))
            .await?;
        authorize(&principal.actor, Action::ManageReviews { roles })?;
        if review.completed_at.is_some() {
            return Err(AppError::Conflict {
                field: None,
                message: "This review is complete already; it cannot change hands.".into(),
            });
        }
        if review.reviewer_id == reviewer {
            return Err(AppError::invalid(
                "reviewer",
                "This review is with that reviewer already; choose someone else.",
            ));
        }
        let (e, submission, title) = self.submission_of(review.submission_id).await?;
        let tx = store.begin().await?;
        self.check_reviewer(&tx, &e, &submission, reviewer).await?;
        if !tx
            .reviews()
            .reassign(review.id, reviewer, principal.user.id, self.now())
            .await?
        {
            return Err(AppError::Conflict {
                field: None,
                message: "This review was completed meanwhile; it cannot change hands.".into(),
            });
        }
        let link = format!("/enrollments/{}", e.id);
        self.notify(
            &tx,
            reviewer,
            "review_assigned",
            &format!("A submission of “{title}” is waiting for your review."),
            &link,
        )
        .await?;
        self.notify(
            &tx,
            review.reviewer_id,
            "review_reassigned",
            &format!("Your review of “{title}” was handed to another reviewer."),
            "/notifications",
        )
        .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(review.organization_id),
            "review.reassigned",
            serde_json::json!({
                "review": review.id,
                "from": review.reviewer_id,
                "to": reviewer,
            }),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        store
            .reviews()
            .get(review.id)
            .await?
            .ok_or_else(|| AppError::not_found("The review"))
    }

    /// Gives a submission that waits without a reviewer to one
    /// (administrators); refused when it has all the reviewers its rules
    /// need.
    pub async fn assign_reviewer(
        &self,
        principal: &Principal,
        enrollment_id: EnrollmentId,
        reviewer: UserId,
        meta: &RequestMeta,
    ) -> AppResult<Review> {
        let store = self.store();
        let e = store
            .enrollments()
            .get(enrollment_id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let roles = self.roles_in(e.organization_id, Some(principal)).await?;
        authorize(&principal.actor, Action::ManageReviews { roles })?;
        let State::Submitted(sub) = e.state else {
            return Err(AppError::Conflict {
                field: None,
                message: "Only a submission waiting for review can be given a reviewer.".into(),
            });
        };
        let submission = store
            .enrollments()
            .submissions(e.id)
            .await?
            .into_iter()
            .find(|s| s.attempt == sub.attempt)
            .ok_or_else(|| AppError::not_found("The submission"))?;
        let a = store
            .achievements()
            .get(e.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let policy = store.reviews().policy(e.organization_id).await?;
        let tx = store.begin().await?;
        let reviews = tx.reviews().of_submission(submission.id).await?;
        let decisions: Vec<Decision> = reviews
            .iter()
            .filter(|r| r.completed_at.is_some())
            .filter_map(|r| r.decision)
            .collect();
        let open = reviews.iter().filter(|r| r.completed_at.is_none()).count();
        let wanted = match combine(&decisions, policy) {
            ReviewOutcome::NeedMore(n) => n,
            ReviewOutcome::Decided(_) => 0,
        };
        if open >= wanted {
            return Err(AppError::Conflict {
                field: None,
                message: "This submission has all the reviewers it needs; hand one of its reviews to someone else instead.".into(),
            });
        }
        self.check_reviewer(&tx, &e, &submission, reviewer).await?;
        let review = tx
            .reviews()
            .assign(Assignment {
                id: ReviewId(App::new_id()),
                submission_id: submission.id,
                organization_id: e.organization_id,
                department_id: a.department_id,
                reviewer_id: reviewer,
                assigned_by: Some(principal.user.id),
                now: self.now(),
            })
            .await?;
        self.notify(
            &tx,
            reviewer,
            "review_assigned",
            &format!("A submission of “{}” is waiting for your review.", a.title),
            &format!("/enrollments/{}", e.id),
        )
        .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "review.assigned",
            serde_json::json!({"review": review.id, "enrollment": e.id, "reviewer": reviewer}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(review)
    }

    async fn submission_of(&self, id: SubmissionId) -> AppResult<(Enrollment, Submission, String)> {
        let store = self.store();
        let submission = store
            .enrollments()
            .submission(id)
            .await?
            .ok_or_else(|| AppError::not_found("The submission"))?;
        let e = store
            .enrollments()
            .get(submission.enrollment_id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let title = store
            .achievements()
            .get(e.achievement_id)
            .await?
            .map(|a| a.title)
            .unwrap_or_default();
        Ok((e, submission, title))
    }

    /// Whether `reviewer` may review this submission: a reviewer of the
    /// organization, not the learner, not one of their coaches, not
    /// already reviewing it.
    async fn check_reviewer(
        &self,
        tx: &Tx,
        e: &Enrollment,
        submission: &Submission,
        reviewer: UserId,
    ) -> AppResult<()> {
        let (_, roles) = tx
            .memberships()
            .roles_of(e.organization_id, reviewer)
            .await?;
        let refuse = |why: &str| Err(AppError::invalid("reviewer", why));
        if !roles.has(Role::Reviewer) {
            return refuse("Choose one of the organization's reviewers.");
        }
        if reviewer == e.user_id {
            return refuse("Learners never review their own submission.");
        }
        if tx
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?
            .contains(&reviewer)
        {
            return refuse(
                "This reviewer coaches the learner; choose a reviewer who does not coach them.",
            );
        }
        if tx
            .reviews()
            .of_submission(submission.id)
            .await?
            .iter()
            .any(|r| r.reviewer_id == reviewer)
        {
            return refuse("This reviewer reviews this submission already.");
        }
        Ok(())
    }
}

/// A reviewer in an organization's pool.
#[derive(Clone, Debug)]
pub struct PoolMember {
    pub user_id: UserId,
    pub name: String,
    /// Reviews they have open.
    pub open: usize,
}

/// A submission waiting without a reviewer.
#[derive(Clone, Debug)]
pub struct Unassigned {
    pub enrollment_id: EnrollmentId,
    pub title: String,
    pub learner: String,
    pub attempt: u32,
}

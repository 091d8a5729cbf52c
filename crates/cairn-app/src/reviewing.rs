//! The review queue and an organization's review rules.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::enrollment::ReviewPolicy;
use cairn_domain::policy::{Action, can};
use cairn_domain::role::Role;
use cairn_store::Repos;
use cairn_store::organizations::Organization;
use cairn_store::reviews::Review;

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
        let everyone = can(&principal.actor, Action::ManageLevels { roles });
        if !everyone && !roles.has(Role::Reviewer) {
            return Err(AppError::Forbidden(
                "You do not have permission to do this.".into(),
            ));
        }
        let page = page.max(1);
        let offset = (page - 1).saturating_mul(QUEUE_PAGE);
        let (reviews, total) = if everyone {
            store
                .reviews()
                .open_for_organization(organization.id, None, offset, QUEUE_PAGE)
                .await?
        } else {
            store
                .reviews()
                .open_for_reviewer(principal.user.id, offset, QUEUE_PAGE)
                .await?
        };
        let mut items = Vec::with_capacity(reviews.len());
        for review in reviews {
            let Some(submission) = store.enrollments().submission(review.submission_id).await?
            else {
                continue;
            };
            let Some(e) = store.enrollments().get(submission.enrollment_id).await? else {
                continue;
            };
            if e.organization_id != organization.id {
                continue;
            }
            let title = store
                .achievements()
                .get(e.achievement_id)
                .await?
                .map(|a| a.title)
                .unwrap_or_default();
            let name = |u: Option<cairn_store::users::User>| {
                u.map_or_else(|| "Someone".to_owned(), |u| u.display_name)
            };
            let learner = name(store.users().get(e.user_id).await?);
            let reviewer = name(store.users().get(review.reviewer_id).await?);
            items.push(QueueItem {
                enrollment_id: e.id,
                title,
                learner,
                reviewer,
                attempt: submission.attempt,
                review,
            });
        }
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
            .org_for(principal, org_slug, |roles| Action::ManageLevels { roles })
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
}

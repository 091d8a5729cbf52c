//! Reviews of submissions, the review queue, each organization's review
//! rules, and award requests.

use crate::entities::{award_request, review, review_setting, submission};
use crate::{StoreError, StoreResult};
use cairn_domain::enrollment::{Decision, ReviewPolicy};
use cairn_domain::{
    AwardRequestId, DepartmentId, EnrollmentId, OrganizationId, ReviewId, SubmissionId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

/// A reviewer's score on one rubric criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// The performance level chosen (index into the rubric's levels).
    pub level: usize,
    pub comment: String,
}

/// One reviewer's review of one submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub id: ReviewId,
    pub submission_id: SubmissionId,
    pub organization_id: OrganizationId,
    pub department_id: Option<DepartmentId>,
    pub reviewer_id: UserId,
    pub assigned_by: Option<UserId>,
    pub assigned_at: DateTime<Utc>,
    pub decision: Option<Decision>,
    pub feedback: String,
    /// One per rubric criterion, in order.
    pub scores: Vec<Score>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<review::Model> for Review {
    type Error = StoreError;
    fn try_from(m: review::Model) -> StoreResult<Self> {
        let decision = match m.decision.as_deref() {
            None => None,
            Some(d) => Some(
                Decision::parse(d).ok_or_else(|| StoreError::Corrupt(format!("decision {d}")))?,
            ),
        };
        Ok(Self {
            id: ReviewId(m.id),
            submission_id: SubmissionId(m.submission_id),
            organization_id: OrganizationId(m.organization_id),
            department_id: m.department_id.map(DepartmentId),
            reviewer_id: UserId(m.reviewer_id),
            assigned_by: m.assigned_by.map(UserId),
            assigned_at: m.assigned_at,
            decision,
            feedback: m.feedback,
            scores: serde_json::from_str(&m.scores)
                .map_err(|e| StoreError::Corrupt(format!("scores: {e}")))?,
            completed_at: m.completed_at,
        })
    }
}

/// Where an award request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwardStatus {
    /// Decided, but prerequisites are not all earned yet.
    WaitingForPrerequisites,
    /// Ready to be issued.
    Ready,
    Issued,
}

impl AwardStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            AwardStatus::WaitingForPrerequisites => "waiting_prerequisites",
            AwardStatus::Ready => "ready",
            AwardStatus::Issued => "issued",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            AwardStatus::WaitingForPrerequisites,
            AwardStatus::Ready,
            AwardStatus::Issued,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// A decided award, waiting to become a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardRequest {
    pub id: AwardRequestId,
    pub enrollment_id: EnrollmentId,
    pub submission_id: SubmissionId,
    pub status: AwardStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<award_request::Model> for AwardRequest {
    type Error = StoreError;
    fn try_from(m: award_request::Model) -> StoreResult<Self> {
        Ok(Self {
            id: AwardRequestId(m.id),
            enrollment_id: EnrollmentId(m.enrollment_id),
            submission_id: SubmissionId(m.submission_id),
            status: AwardStatus::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("award status {}", m.status)))?,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// A new review assignment.
#[derive(Clone, Copy, Debug)]
pub struct Assignment {
    pub id: ReviewId,
    pub submission_id: SubmissionId,
    pub organization_id: OrganizationId,
    pub department_id: Option<DepartmentId>,
    pub reviewer_id: UserId,
    pub assigned_by: Option<UserId>,
    pub now: DateTime<Utc>,
}

/// Reviews, the queue, review rules and award requests.
#[derive(Debug)]
pub struct Reviews<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Reviews<'_, C> {
    /// An organization's review rules (the defaults when never set).
    pub async fn policy(&self, org: OrganizationId) -> StoreResult<ReviewPolicy> {
        Ok(review_setting::Entity::find_by_id(org.0)
            .one(self.0)
            .await?
            .map_or_else(ReviewPolicy::default, |m| ReviewPolicy {
                two_reviews: m.two_reviews,
                max_attempts: m.max_attempts.and_then(|n| u32::try_from(n).ok()),
            }))
    }

    /// Replaces an organization's review rules.
    pub async fn set_policy(&self, org: OrganizationId, policy: ReviewPolicy) -> StoreResult<()> {
        review_setting::Entity::delete_by_id(org.0)
            .exec(self.0)
            .await?;
        review_setting::ActiveModel {
            organization_id: Set(org.0),
            two_reviews: Set(policy.two_reviews),
            max_attempts: Set(policy
                .max_attempts
                .map(|n| i32::try_from(n).unwrap_or(i32::MAX))),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// Assigns a reviewer to a submission.
    pub async fn assign(&self, a: Assignment) -> StoreResult<Review> {
        review::ActiveModel {
            id: Set(a.id.0),
            submission_id: Set(a.submission_id.0),
            organization_id: Set(a.organization_id.0),
            department_id: Set(a.department_id.map(|d| d.0)),
            reviewer_id: Set(a.reviewer_id.0),
            assigned_by: Set(a.assigned_by.map(|u| u.0)),
            assigned_at: Set(a.now),
            decision: Set(None),
            feedback: Set(String::new()),
            scores: Set("[]".to_owned()),
            completed_at: Set(None),
        }
        .insert(self.0)
        .await?
        .try_into()
    }

    /// Records a completed review, once: `false` when it was completed
    /// already.
    pub async fn complete(
        &self,
        id: ReviewId,
        decision: Decision,
        scores: &[Score],
        feedback: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let scores = serde_json::to_string(scores)
            .map_err(|e| StoreError::Corrupt(format!("scores: {e}")))?;
        let result = review::Entity::update_many()
            .col_expr(
                review::Column::Decision,
                Expr::value(Some(decision.as_str().to_owned())),
            )
            .col_expr(review::Column::Scores, Expr::value(scores))
            .col_expr(review::Column::Feedback, Expr::value(feedback.to_owned()))
            .col_expr(review::Column::CompletedAt, Expr::value(Some(now)))
            .filter(review::Column::Id.eq(id.0))
            .filter(review::Column::CompletedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// One review.
    pub async fn get(&self, id: ReviewId) -> StoreResult<Option<Review>> {
        review::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// The reviews of a submission, in the order they were assigned.
    pub async fn of_submission(&self, id: SubmissionId) -> StoreResult<Vec<Review>> {
        review::Entity::find()
            .filter(review::Column::SubmissionId.eq(id.0))
            .order_by_asc(review::Column::AssignedAt)
            .order_by_asc(review::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// How many open reviews each of these reviewers has.
    pub async fn open_counts(&self, reviewers: &[UserId]) -> StoreResult<Vec<(UserId, usize)>> {
        let rows: Vec<(uuid::Uuid, i64)> = review::Entity::find()
            .select_only()
            .column(review::Column::ReviewerId)
            .column_as(review::Column::Id.count(), "open")
            .filter(review::Column::ReviewerId.is_in(reviewers.iter().map(|r| r.0)))
            .filter(review::Column::CompletedAt.is_null())
            .group_by(review::Column::ReviewerId)
            .into_tuple()
            .all(self.0)
            .await?;
        Ok(reviewers
            .iter()
            .map(|r| {
                let open = rows
                    .iter()
                    .find(|(u, _)| *u == r.0)
                    .map_or(0, |(_, n)| usize::try_from(*n).unwrap_or(usize::MAX));
                (*r, open)
            })
            .collect())
    }

    /// A page of a reviewer's open reviews, oldest first, and how many
    /// there are.
    pub async fn open_for_reviewer(
        &self,
        reviewer: UserId,
        offset: u64,
        limit: u64,
    ) -> StoreResult<(Vec<Review>, u64)> {
        let select = review::Entity::find()
            .filter(review::Column::ReviewerId.eq(reviewer.0))
            .filter(review::Column::CompletedAt.is_null());
        let total = select.clone().count(self.0).await?;
        let page = select
            .order_by_asc(review::Column::AssignedAt)
            .order_by_asc(review::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((page, total))
    }

    /// A page of an organization's open reviews (optionally one
    /// department's), oldest first, and how many there are.
    pub async fn open_for_organization(
        &self,
        org: OrganizationId,
        department: Option<DepartmentId>,
        offset: u64,
        limit: u64,
    ) -> StoreResult<(Vec<Review>, u64)> {
        let mut select = review::Entity::find()
            .filter(review::Column::OrganizationId.eq(org.0))
            .filter(review::Column::CompletedAt.is_null());
        if let Some(d) = department {
            select = select.filter(review::Column::DepartmentId.eq(d.0));
        }
        let total = select.clone().count(self.0).await?;
        let page = select
            .order_by_asc(review::Column::AssignedAt)
            .order_by_asc(review::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((page, total))
    }

    /// Whether this person reviews (or reviewed) any submission of the
    /// enrollment.
    pub async fn reviews_enrollment(
        &self,
        reviewer: UserId,
        enrollment: EnrollmentId,
    ) -> StoreResult<bool> {
        let submissions: Vec<uuid::Uuid> = submission::Entity::find()
            .select_only()
            .column(submission::Column::Id)
            .filter(submission::Column::EnrollmentId.eq(enrollment.0))
            .into_tuple()
            .all(self.0)
            .await?;
        if submissions.is_empty() {
            return Ok(false);
        }
        Ok(review::Entity::find()
            .filter(review::Column::ReviewerId.eq(reviewer.0))
            .filter(review::Column::SubmissionId.is_in(submissions))
            .count(self.0)
            .await?
            > 0)
    }

    /// Records (or replaces) the award request of an enrollment.
    pub async fn request_award(&self, r: &AwardRequest) -> StoreResult<()> {
        award_request::Entity::delete_many()
            .filter(award_request::Column::EnrollmentId.eq(r.enrollment_id.0))
            .exec(self.0)
            .await?;
        award_request::ActiveModel {
            id: Set(r.id.0),
            enrollment_id: Set(r.enrollment_id.0),
            submission_id: Set(r.submission_id.0),
            status: Set(r.status.as_str().to_owned()),
            created_at: Set(r.created_at),
            updated_at: Set(r.updated_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// The award request of an enrollment, if decided.
    pub async fn award_request(
        &self,
        enrollment: EnrollmentId,
    ) -> StoreResult<Option<AwardRequest>> {
        award_request::Entity::find()
            .filter(award_request::Column::EnrollmentId.eq(enrollment.0))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// One award request.
    pub async fn award_request_by_id(
        &self,
        id: AwardRequestId,
    ) -> StoreResult<Option<AwardRequest>> {
        award_request::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Award requests in a status, oldest first.
    pub async fn award_requests(&self, status: AwardStatus) -> StoreResult<Vec<AwardRequest>> {
        award_request::Entity::find()
            .filter(award_request::Column::Status.eq(status.as_str()))
            .order_by_asc(award_request::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Moves an award request on.
    pub async fn set_award_status(
        &self,
        id: AwardRequestId,
        status: AwardStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        award_request::Entity::update_many()
            .col_expr(
                award_request::Column::Status,
                Expr::value(status.as_str().to_owned()),
            )
            .col_expr(award_request::Column::UpdatedAt, Expr::value(now))
            .filter(award_request::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Hands an open review to another reviewer: `false` when it was
    /// completed meanwhile (and nothing changed).
    pub async fn reassign(
        &self,
        id: ReviewId,
        reviewer: UserId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = review::Entity::update_many()
            .col_expr(review::Column::ReviewerId, Expr::value(reviewer.0))
            .col_expr(review::Column::AssignedBy, Expr::value(Some(by.0)))
            .col_expr(review::Column::AssignedAt, Expr::value(now))
            .filter(review::Column::Id.eq(id.0))
            .filter(review::Column::CompletedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

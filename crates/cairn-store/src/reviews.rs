//! Reviews of submissions, the review queue, each organization's review
//! rules, and award requests.

use crate::entities::{
    achievement, award_request, enrollment, review, review_setting, submission, user,
};
use crate::{StoreError, StoreResult};
use cairn_domain::enrollment::{Decision, ReviewPolicy};
use cairn_domain::{
    AwardRequestId, DepartmentId, EnrollmentId, OrganizationId, ReviewId, SubmissionId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
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

/// One open review as the review queue lists it, with what the list shows
/// of its submission, enrollment, micro-credential and people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    pub review: Review,
    pub enrollment_id: EnrollmentId,
    /// The submission's attempt (1-based).
    pub attempt: u32,
    /// The micro-credential's title.
    pub title: String,
    /// The learner's display name.
    pub learner: String,
    /// The reviewer's display name.
    pub reviewer: String,
}

/// A queue row as the joined query returns it.
#[derive(Debug, FromQueryResult)]
struct QueueModel {
    id: uuid::Uuid,
    submission_id: uuid::Uuid,
    organization_id: uuid::Uuid,
    department_id: Option<uuid::Uuid>,
    reviewer_id: uuid::Uuid,
    assigned_by: Option<uuid::Uuid>,
    assigned_at: DateTime<Utc>,
    decision: Option<String>,
    feedback: String,
    scores: String,
    completed_at: Option<DateTime<Utc>>,
    enrollment_id: uuid::Uuid,
    attempt: i32,
    title: String,
    learner_name: String,
    reviewer_name: String,
}

impl TryFrom<QueueModel> for QueueRow {
    type Error = StoreError;
    fn try_from(m: QueueModel) -> StoreResult<Self> {
        let review = review::Model {
            id: m.id,
            submission_id: m.submission_id,
            organization_id: m.organization_id,
            department_id: m.department_id,
            reviewer_id: m.reviewer_id,
            assigned_by: m.assigned_by,
            assigned_at: m.assigned_at,
            decision: m.decision,
            feedback: m.feedback,
            scores: m.scores,
            completed_at: m.completed_at,
        };
        Ok(Self {
            review: review.try_into()?,
            enrollment_id: EnrollmentId(m.enrollment_id),
            attempt: u32::try_from(m.attempt).unwrap_or(0),
            title: m.title,
            learner: m.learner_name,
            reviewer: m.reviewer_name,
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

    /// A page of an organization's open reviews, oldest first (only
    /// `reviewer`'s when given), each with what the queue shows of it, and
    /// how many there are.
    ///
    /// Two queries whatever the page: the count, and the page itself, where
    /// the page's review ids are picked from the index first and only those
    /// rows are joined to their submission, enrollment, micro-credential,
    /// learner and reviewer.
    pub async fn queue(
        &self,
        org: OrganizationId,
        reviewer: Option<UserId>,
        offset: u64,
        limit: u64,
    ) -> StoreResult<(Vec<QueueRow>, u64)> {
        let mut open = review::Entity::find()
            .filter(review::Column::OrganizationId.eq(org.0))
            .filter(review::Column::CompletedAt.is_null());
        if let Some(r) = reviewer {
            open = open.filter(review::Column::ReviewerId.eq(r.0));
        }
        let total = open.count(self.0).await?;
        if total <= offset || limit == 0 {
            return Ok((Vec::new(), total));
        }

        let mut ids = Query::select();
        ids.column(review::Column::Id)
            .from(review::Entity)
            .and_where(Expr::col(review::Column::OrganizationId).eq(org.0))
            .and_where(Expr::col(review::Column::CompletedAt).is_null());
        if let Some(r) = reviewer {
            ids.and_where(Expr::col(review::Column::ReviewerId).eq(r.0));
        }
        ids.order_by(review::Column::AssignedAt, Order::Asc)
            .order_by(review::Column::Id, Order::Asc)
            .limit(limit)
            .offset(offset);

        let page = Alias::new("queue_page");
        let learner = Alias::new("learner");
        let reviewer_user = Alias::new("reviewer_user");
        let mut select = Query::select();
        select
            .columns([
                (review::Entity, review::Column::Id),
                (review::Entity, review::Column::SubmissionId),
                (review::Entity, review::Column::OrganizationId),
                (review::Entity, review::Column::DepartmentId),
                (review::Entity, review::Column::ReviewerId),
                (review::Entity, review::Column::AssignedBy),
                (review::Entity, review::Column::AssignedAt),
                (review::Entity, review::Column::Decision),
                (review::Entity, review::Column::Feedback),
                (review::Entity, review::Column::Scores),
                (review::Entity, review::Column::CompletedAt),
            ])
            .expr_as(
                Expr::col((enrollment::Entity, enrollment::Column::Id)),
                Alias::new("enrollment_id"),
            )
            .column((submission::Entity, submission::Column::Attempt))
            .column((achievement::Entity, achievement::Column::Title))
            .expr_as(
                Expr::col((learner.clone(), user::Column::DisplayName)),
                Alias::new("learner_name"),
            )
            .expr_as(
                Expr::col((reviewer_user.clone(), user::Column::DisplayName)),
                Alias::new("reviewer_name"),
            )
            .from_subquery(ids, page.clone())
            .inner_join(
                review::Entity,
                Expr::col((review::Entity, review::Column::Id)).equals((page, review::Column::Id)),
            )
            .inner_join(
                submission::Entity,
                Expr::col((submission::Entity, submission::Column::Id))
                    .equals((review::Entity, review::Column::SubmissionId)),
            )
            .inner_join(
                enrollment::Entity,
                Expr::col((enrollment::Entity, enrollment::Column::Id))
                    .equals((submission::Entity, submission::Column::EnrollmentId)),
            )
            .inner_join(
                achievement::Entity,
                Expr::col((achievement::Entity, achievement::Column::Id))
                    .equals((enrollment::Entity, enrollment::Column::AchievementId)),
            )
            .join_as(
                sea_orm::JoinType::InnerJoin,
                user::Entity,
                learner.clone(),
                Expr::col((learner, user::Column::Id))
                    .equals((enrollment::Entity, enrollment::Column::UserId)),
            )
            .join_as(
                sea_orm::JoinType::InnerJoin,
                user::Entity,
                reviewer_user.clone(),
                Expr::col((reviewer_user, user::Column::Id))
                    .equals((review::Entity, review::Column::ReviewerId)),
            )
            .order_by((review::Entity, review::Column::AssignedAt), Order::Asc)
            .order_by((review::Entity, review::Column::Id), Order::Asc);
        let statement = self.0.get_database_backend().build(&select);
        let rows = QueueModel::find_by_statement(statement)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((rows, total))
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

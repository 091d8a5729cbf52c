//! Enrollments and what hangs off them: evidence items, checklist ticks,
//! frozen submissions, comment threads; and people's notifications.

use crate::entities::{
    checklist_tick, comment, enrollment, evidence_item, notification, review, submission,
};
use crate::{StoreError, StoreResult};
use cairn_domain::achievement::requirement::EvidenceKind;
use cairn_domain::enrollment::{Decision, Feedback, State, StateName, Visibility};
use cairn_domain::{
    AchievementId, AchievementVersionId, CommentId, EnrollmentId, EvidenceId, NotificationId,
    OrganizationId, SubmissionId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value}"))
}

fn unsigned(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn signed(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// How an enrollment is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Funding {
    Free,
    Sponsor,
    Payment,
}

impl Funding {
    pub const fn as_str(self) -> &'static str {
        match self {
            Funding::Free => "free",
            Funding::Sponsor => "sponsor",
            Funding::Payment => "payment",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Funding::Free, Funding::Sponsor, Funding::Payment]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// A learner's enrollment in one micro-credential, at one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub id: EnrollmentId,
    pub user_id: UserId,
    pub achievement_id: AchievementId,
    pub version_id: AchievementVersionId,
    pub organization_id: OrganizationId,
    pub state: State,
    pub funding: Funding,
    /// Bumped by every transition; a transition names the one it read.
    pub lock_version: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<enrollment::Model> for Enrollment {
    type Error = StoreError;
    fn try_from(m: enrollment::Model) -> StoreResult<Self> {
        let name = StateName::parse(&m.state).ok_or_else(|| corrupt("state", &m.state))?;
        let feedback =
            Feedback::parse(&m.feedback).ok_or_else(|| corrupt("feedback", &m.feedback))?;
        Ok(Self {
            id: EnrollmentId(m.id),
            user_id: UserId(m.user_id),
            achievement_id: AchievementId(m.achievement_id),
            version_id: AchievementVersionId(m.version_id),
            organization_id: OrganizationId(m.organization_id),
            state: State::from_stored(name, unsigned(m.attempts), feedback),
            funding: Funding::parse(&m.funding).ok_or_else(|| corrupt("funding", &m.funding))?,
            lock_version: unsigned(m.lock_version),
            created_at: m.created_at,
            updated_at: m.updated_at,
            submitted_at: m.submitted_at,
            decided_at: m.decided_at,
        })
    }
}

/// What an evidence item holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceContent {
    /// An uploaded file (document, image, video, or other file).
    File {
        key: String,
        file_name: String,
        media_type: String,
        size_bytes: u64,
        sha256: String,
    },
    Link {
        url: String,
    },
    /// A written reflection, in Markdown.
    Reflection {
        markdown: String,
    },
    /// Another micro-credential the learner earned.
    Badge {
        enrollment_id: EnrollmentId,
    },
}

/// One piece of evidence for one requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub id: EvidenceId,
    pub enrollment_id: EnrollmentId,
    /// Which requirement of the enrollment's version (0-based).
    pub requirement_index: u32,
    /// The kind the learner chose among the requirement's accepted ones.
    pub kind: EvidenceKind,
    pub title: String,
    pub content: EvidenceContent,
    pub visibility: Visibility,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// Visibility and kinds are stored by name; the snapshot JSON uses the same.
mod names {
    use super::*;
    pub(super) fn visibility(v: &str) -> StoreResult<Visibility> {
        Visibility::parse(v).ok_or_else(|| corrupt("visibility", v))
    }
    pub(super) fn kind(k: &str) -> StoreResult<EvidenceKind> {
        EvidenceKind::parse(k).ok_or_else(|| corrupt("evidence kind", k))
    }
}

impl TryFrom<evidence_item::Model> for Evidence {
    type Error = StoreError;
    fn try_from(m: evidence_item::Model) -> StoreResult<Self> {
        let kind = names::kind(&m.kind)?;
        let content = match (kind, m.file_key, m.url, m.body, m.badge_enrollment_id) {
            (_, Some(key), _, _, _) => EvidenceContent::File {
                key,
                file_name: m.file_name.unwrap_or_default(),
                media_type: m.media_type.unwrap_or_default(),
                size_bytes: m
                    .size_bytes
                    .and_then(|s| u64::try_from(s).ok())
                    .unwrap_or(0),
                sha256: m.sha256.unwrap_or_default(),
            },
            (EvidenceKind::Link, _, Some(url), _, _) => EvidenceContent::Link { url },
            (EvidenceKind::Reflection, _, _, Some(markdown), _) => {
                EvidenceContent::Reflection { markdown }
            }
            (EvidenceKind::Badge, _, _, _, Some(e)) => EvidenceContent::Badge {
                enrollment_id: EnrollmentId(e),
            },
            _ => return Err(corrupt("evidence item", &m.id.to_string())),
        };
        Ok(Self {
            id: EvidenceId(m.id),
            enrollment_id: EnrollmentId(m.enrollment_id),
            requirement_index: unsigned(m.requirement_index),
            kind,
            title: m.title,
            content,
            visibility: names::visibility(&m.visibility)?,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// A frozen submission: the evidence and ticks exactly as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub id: SubmissionId,
    pub enrollment_id: EnrollmentId,
    /// 1-based.
    pub attempt: u32,
    pub snapshot: Snapshot,
    pub created_at: DateTime<Utc>,
    pub outcome: Option<Decision>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// What a submission froze.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub evidence: Vec<SnapshotItem>,
    /// (requirement, checklist item) pairs ticked.
    pub ticks: Vec<(u32, u32)>,
}

/// One evidence item as frozen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotItem {
    pub id: EvidenceId,
    pub requirement_index: u32,
    pub kind: String,
    pub title: String,
    pub content: EvidenceContent,
    pub visibility: String,
}

impl TryFrom<submission::Model> for Submission {
    type Error = StoreError;
    fn try_from(m: submission::Model) -> StoreResult<Self> {
        let outcome = match m.outcome.as_deref() {
            None => None,
            Some(o) => Some(Decision::parse(o).ok_or_else(|| corrupt("outcome", o))?),
        };
        Ok(Self {
            id: SubmissionId(m.id),
            enrollment_id: EnrollmentId(m.enrollment_id),
            attempt: unsigned(m.attempt),
            snapshot: serde_json::from_str(&m.snapshot)
                .map_err(|e| StoreError::Corrupt(format!("snapshot: {e}")))?,
            created_at: m.created_at,
            outcome,
            decided_at: m.decided_at,
        })
    }
}

/// A comment on an enrollment, or on one of its evidence items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub enrollment_id: EnrollmentId,
    pub evidence_id: Option<EvidenceId>,
    pub author_id: UserId,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<comment::Model> for Comment {
    fn from(m: comment::Model) -> Self {
        Self {
            id: CommentId(m.id),
            enrollment_id: EnrollmentId(m.enrollment_id),
            evidence_id: m.evidence_id.map(EvidenceId),
            author_id: UserId(m.author_id),
            body: m.body,
            created_at: m.created_at,
        }
    }
}

/// An in-app notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: String,
    pub message: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<notification::Model> for Notification {
    fn from(m: notification::Model) -> Self {
        Self {
            id: NotificationId(m.id),
            user_id: UserId(m.user_id),
            kind: m.kind,
            message: m.message,
            link: m.link,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// A new enrollment.
#[derive(Clone, Copy, Debug)]
pub struct NewEnrollment {
    pub id: EnrollmentId,
    pub user_id: UserId,
    pub achievement_id: AchievementId,
    pub version_id: AchievementVersionId,
    pub organization_id: OrganizationId,
    pub state: State,
    pub funding: Funding,
    pub now: DateTime<Utc>,
}

/// Enrollments and their evidence, submissions and threads.
#[derive(Debug)]
pub struct Enrollments<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Enrollments<'_, C> {
    /// Starts an enrollment.
    pub async fn insert(&self, new: NewEnrollment) -> StoreResult<Enrollment> {
        enrollment::ActiveModel {
            id: Set(new.id.0),
            user_id: Set(new.user_id.0),
            achievement_id: Set(new.achievement_id.0),
            version_id: Set(new.version_id.0),
            organization_id: Set(new.organization_id.0),
            state: Set(new.state.name().as_str().to_owned()),
            attempts: Set(signed(new.state.attempts())),
            feedback: Set(new.state.feedback().as_str().to_owned()),
            funding: Set(new.funding.as_str().to_owned()),
            lock_version: Set(1),
            created_at: Set(new.now),
            updated_at: Set(new.now),
            submitted_at: Set(None),
            decided_at: Set(None),
        }
        .insert(self.0)
        .await?
        .try_into()
    }

    /// One enrollment.
    pub async fn get(&self, id: EnrollmentId) -> StoreResult<Option<Enrollment>> {
        enrollment::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// A learner's enrollment in a micro-credential.
    pub async fn of_learner(
        &self,
        user: UserId,
        achievement: AchievementId,
    ) -> StoreResult<Option<Enrollment>> {
        enrollment::Entity::find()
            .filter(enrollment::Column::UserId.eq(user.0))
            .filter(enrollment::Column::AchievementId.eq(achievement.0))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// A learner's enrollments, most recently active first.
    pub async fn for_learner(&self, user: UserId) -> StoreResult<Vec<Enrollment>> {
        enrollment::Entity::find()
            .filter(enrollment::Column::UserId.eq(user.0))
            .order_by_desc(enrollment::Column::UpdatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Moves an enrollment to `state` if nobody moved it since
    /// `expected_lock` ([`StoreError::Stale`] otherwise), stamping the
    /// submission or decision time when the move is one.
    pub async fn transition(
        &self,
        id: EnrollmentId,
        expected_lock: u32,
        state: State,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut update = enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::State,
                Expr::value(state.name().as_str().to_owned()),
            )
            .col_expr(
                enrollment::Column::Attempts,
                Expr::value(signed(state.attempts())),
            )
            .col_expr(
                enrollment::Column::Feedback,
                Expr::value(state.feedback().as_str().to_owned()),
            )
            .col_expr(
                enrollment::Column::LockVersion,
                Expr::value(signed(expected_lock + 1)),
            )
            .col_expr(enrollment::Column::UpdatedAt, Expr::value(now));
        match state.name() {
            StateName::Submitted => {
                update = update.col_expr(enrollment::Column::SubmittedAt, Expr::value(Some(now)));
            }
            StateName::RevisionRequested
            | StateName::NotYet
            | StateName::AwaitingConfirmation
            | StateName::AwardPending => {
                update = update.col_expr(enrollment::Column::DecidedAt, Expr::value(Some(now)));
            }
            _ => {}
        }
        let result = update
            .filter(enrollment::Column::Id.eq(id.0))
            .filter(enrollment::Column::LockVersion.eq(signed(expected_lock)))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return match self.get(id).await? {
                Some(_) => Err(StoreError::Stale),
                None => Err(StoreError::NotFound),
            };
        }
        Ok(())
    }

    /// An organization's submitted enrollments with no open review (no
    /// reviewer was left to assign, or a disagreement found no third),
    /// oldest submission first, at most `limit`.
    pub async fn awaiting_reviewer(
        &self,
        org: OrganizationId,
        limit: u64,
    ) -> StoreResult<Vec<Enrollment>> {
        let open_review = Query::select()
            .expr(Expr::val(1))
            .from(review::Entity)
            .inner_join(
                submission::Entity,
                Expr::col((submission::Entity, submission::Column::Id))
                    .equals((review::Entity, review::Column::SubmissionId)),
            )
            .and_where(
                Expr::col((submission::Entity, submission::Column::EnrollmentId))
                    .equals((enrollment::Entity, enrollment::Column::Id)),
            )
            .and_where(Expr::col((review::Entity, review::Column::CompletedAt)).is_null())
            .to_owned();
        enrollment::Entity::find()
            .filter(enrollment::Column::OrganizationId.eq(org.0))
            .filter(enrollment::Column::State.eq(StateName::Submitted.as_str()))
            .filter(Expr::exists(open_review).not())
            .order_by_asc(enrollment::Column::SubmittedAt)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Brings back a withdrawn enrollment at the micro-credential's current
    /// version, paid for in a new way, if nobody moved it since
    /// `expected_lock`. Its evidence and earlier submissions stay.
    pub async fn reopen(
        &self,
        id: EnrollmentId,
        expected_lock: u32,
        state: State,
        funding: Funding,
        version: AchievementVersionId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.transition(id, expected_lock, state, now).await?;
        enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::Funding,
                Expr::value(funding.as_str().to_owned()),
            )
            .col_expr(enrollment::Column::VersionId, Expr::value(version.0))
            .filter(enrollment::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Adds an evidence item.
    pub async fn add_evidence(&self, e: &Evidence) -> StoreResult<()> {
        let mut model = evidence_item::ActiveModel {
            id: Set(e.id.0),
            enrollment_id: Set(e.enrollment_id.0),
            requirement_index: Set(signed(e.requirement_index)),
            kind: Set(e.kind.as_str().to_owned()),
            title: Set(e.title.clone()),
            body: Set(None),
            url: Set(None),
            file_key: Set(None),
            file_name: Set(None),
            media_type: Set(None),
            size_bytes: Set(None),
            sha256: Set(None),
            badge_enrollment_id: Set(None),
            visibility: Set(e.visibility.as_str().to_owned()),
            created_at: Set(e.created_at),
            updated_at: Set(e.updated_at),
        };
        match &e.content {
            EvidenceContent::File {
                key,
                file_name,
                media_type,
                size_bytes,
                sha256,
            } => {
                model.file_key = Set(Some(key.clone()));
                model.file_name = Set(Some(file_name.clone()));
                model.media_type = Set(Some(media_type.clone()));
                model.size_bytes = Set(Some(i64::try_from(*size_bytes).unwrap_or(i64::MAX)));
                model.sha256 = Set(Some(sha256.clone()));
            }
            EvidenceContent::Link { url } => model.url = Set(Some(url.clone())),
            EvidenceContent::Reflection { markdown } => model.body = Set(Some(markdown.clone())),
            EvidenceContent::Badge { enrollment_id } => {
                model.badge_enrollment_id = Set(Some(enrollment_id.0));
            }
        }
        model.insert(self.0).await?;
        Ok(())
    }

    /// Changes an item's title, visibility and (for links and reflections)
    /// its text.
    pub async fn update_evidence(
        &self,
        id: EvidenceId,
        title: &str,
        visibility: Visibility,
        text: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let Some(item) = evidence_item::Entity::find_by_id(id.0).one(self.0).await? else {
            return Err(StoreError::NotFound);
        };
        let mut update = evidence_item::Entity::update_many()
            .col_expr(evidence_item::Column::Title, Expr::value(title.to_owned()))
            .col_expr(
                evidence_item::Column::Visibility,
                Expr::value(visibility.as_str().to_owned()),
            )
            .col_expr(evidence_item::Column::UpdatedAt, Expr::value(now));
        if let Some(text) = text {
            let column = if item.url.is_some() {
                evidence_item::Column::Url
            } else {
                evidence_item::Column::Body
            };
            update = update.col_expr(column, Expr::value(Some(text.to_owned())));
        }
        update
            .filter(evidence_item::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Removes an evidence item (the caller decides what happens to its file).
    pub async fn remove_evidence(&self, id: EvidenceId) -> StoreResult<()> {
        evidence_item::Entity::delete_by_id(id.0)
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// One evidence item.
    pub async fn evidence_item(&self, id: EvidenceId) -> StoreResult<Option<Evidence>> {
        evidence_item::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// An enrollment's evidence, by requirement then age.
    pub async fn evidence(&self, id: EnrollmentId) -> StoreResult<Vec<Evidence>> {
        evidence_item::Entity::find()
            .filter(evidence_item::Column::EnrollmentId.eq(id.0))
            .order_by_asc(evidence_item::Column::RequirementIndex)
            .order_by_asc(evidence_item::Column::CreatedAt)
            .order_by_asc(evidence_item::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Ticks or unticks a checklist item.
    pub async fn set_tick(
        &self,
        id: EnrollmentId,
        requirement: u32,
        item: u32,
        ticked: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        checklist_tick::Entity::delete_many()
            .filter(checklist_tick::Column::EnrollmentId.eq(id.0))
            .filter(checklist_tick::Column::RequirementIndex.eq(signed(requirement)))
            .filter(checklist_tick::Column::ItemIndex.eq(signed(item)))
            .exec(self.0)
            .await?;
        if ticked {
            checklist_tick::ActiveModel {
                enrollment_id: Set(id.0),
                requirement_index: Set(signed(requirement)),
                item_index: Set(signed(item)),
                created_at: Set(now),
            }
            .insert(self.0)
            .await?;
        }
        Ok(())
    }

    /// The ticked (requirement, item) pairs.
    pub async fn ticks(&self, id: EnrollmentId) -> StoreResult<Vec<(u32, u32)>> {
        Ok(checklist_tick::Entity::find()
            .filter(checklist_tick::Column::EnrollmentId.eq(id.0))
            .order_by_asc(checklist_tick::Column::RequirementIndex)
            .order_by_asc(checklist_tick::Column::ItemIndex)
            .all(self.0)
            .await?
            .into_iter()
            .map(|t| (unsigned(t.requirement_index), unsigned(t.item_index)))
            .collect())
    }

    /// Freezes the current evidence and ticks as attempt `attempt`.
    pub async fn freeze(
        &self,
        id: SubmissionId,
        enrollment: EnrollmentId,
        attempt: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Submission> {
        let evidence = self.evidence(enrollment).await?;
        let snapshot = Snapshot {
            evidence: evidence
                .into_iter()
                .map(|e| SnapshotItem {
                    id: e.id,
                    requirement_index: e.requirement_index,
                    kind: e.kind.as_str().to_owned(),
                    title: e.title,
                    content: e.content,
                    visibility: e.visibility.as_str().to_owned(),
                })
                .collect(),
            ticks: self.ticks(enrollment).await?,
        };
        let json = serde_json::to_string(&snapshot)
            .map_err(|e| StoreError::Corrupt(format!("snapshot: {e}")))?;
        submission::ActiveModel {
            id: Set(id.0),
            enrollment_id: Set(enrollment.0),
            attempt: Set(signed(attempt)),
            snapshot: Set(json),
            created_at: Set(now),
            outcome: Set(None),
            decided_at: Set(None),
        }
        .insert(self.0)
        .await?
        .try_into()
    }

    /// Records the decision on a submission.
    pub async fn decide_submission(
        &self,
        id: SubmissionId,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        submission::Entity::update_many()
            .col_expr(
                submission::Column::Outcome,
                Expr::value(Some(decision.as_str().to_owned())),
            )
            .col_expr(submission::Column::DecidedAt, Expr::value(Some(now)))
            .filter(submission::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// One submission.
    pub async fn submission(&self, id: SubmissionId) -> StoreResult<Option<Submission>> {
        submission::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Every submission of an enrollment, oldest first.
    pub async fn submissions(&self, id: EnrollmentId) -> StoreResult<Vec<Submission>> {
        submission::Entity::find()
            .filter(submission::Column::EnrollmentId.eq(id.0))
            .order_by_asc(submission::Column::Attempt)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// Whether any submission froze this file, so it must be kept.
    pub async fn file_is_frozen(&self, enrollment: EnrollmentId, key: &str) -> StoreResult<bool> {
        Ok(self.submissions(enrollment).await?.iter().any(|s| {
            s.snapshot
                .evidence
                .iter()
                .any(|e| matches!(&e.content, EvidenceContent::File { key: k, .. } if k == key))
        }))
    }

    /// Adds a comment.
    pub async fn add_comment(&self, c: &Comment) -> StoreResult<()> {
        comment::ActiveModel {
            id: Set(c.id.0),
            enrollment_id: Set(c.enrollment_id.0),
            evidence_id: Set(c.evidence_id.map(|e| e.0)),
            author_id: Set(c.author_id.0),
            body: Set(c.body.clone()),
            created_at: Set(c.created_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// An enrollment's comments (all threads), oldest first.
    pub async fn comments(&self, id: EnrollmentId) -> StoreResult<Vec<Comment>> {
        Ok(comment::Entity::find()
            .filter(comment::Column::EnrollmentId.eq(id.0))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Tells someone about something.
    pub async fn notify(&self, n: &Notification) -> StoreResult<()> {
        notification::ActiveModel {
            id: Set(n.id.0),
            user_id: Set(n.user_id.0),
            kind: Set(n.kind.clone()),
            message: Set(n.message.clone()),
            link: Set(n.link.clone()),
            created_at: Set(n.created_at),
            read_at: Set(None),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// Someone's notifications, newest first.
    pub async fn notifications(&self, user: UserId, limit: u64) -> StoreResult<Vec<Notification>> {
        Ok(notification::Entity::find()
            .filter(notification::Column::UserId.eq(user.0))
            .order_by_desc(notification::Column::CreatedAt)
            .order_by_desc(notification::Column::Id)
            .limit(limit)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// How many notifications someone has not read.
    pub async fn unread(&self, user: UserId) -> StoreResult<u64> {
        Ok(notification::Entity::find()
            .filter(notification::Column::UserId.eq(user.0))
            .filter(notification::Column::ReadAt.is_null())
            .count(self.0)
            .await?)
    }

    /// Marks all of someone's notifications read.
    pub async fn mark_read(&self, user: UserId, now: DateTime<Utc>) -> StoreResult<()> {
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
            .filter(notification::Column::UserId.eq(user.0))
            .filter(notification::Column::ReadAt.is_null())
            .exec(self.0)
            .await?;
        Ok(())
    }
}

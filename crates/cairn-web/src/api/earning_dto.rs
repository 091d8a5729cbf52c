//! What the earning API sends and accepts: enrollments, evidence, the
//! checklist, moves, reviews, comments, notifications, coaching and the
//! review queue.

use super::authoring_dto::{AchievementRefDto, RubricDto};
use super::sponsorships::PaymentDto;
use cairn_app::coaching::CoachedLearner;
use cairn_app::earning::{EnrollmentView, RequirementProgress};
use cairn_app::reviewing::{QUEUE_PAGE, Queue, QueueItem};
use cairn_domain::UserId;
use cairn_domain::enrollment::{Move, Relation, ReviewPolicy};
use cairn_store::achievements::{Achievement, AchievementVersion};
use cairn_store::enrollments::{Comment, Enrollment, Evidence, EvidenceContent, Notification};
use cairn_store::enrollments::{SnapshotItem, Submission};
use cairn_store::partnerships::{Partnership, PartnershipInvitation};
use cairn_store::reviews::Review;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A person, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRefDto {
    pub id: Uuid,
    pub display_name: String,
}

/// An enrollment as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentSummaryDto {
    pub id: Uuid,
    pub achievement: AchievementRefDto,
    /// `pending_payment`, `in_progress`, `submitted`, `revision_requested`,
    /// `not_yet`, `coach_meeting_required`, `awaiting_confirmation`,
    /// `award_pending`, `awarded` or `withdrawn`.
    pub state: String,
    /// The state as people read it.
    pub state_label: String,
    /// Submissions made so far (the current one's number while submitted).
    pub attempts: u32,
    /// While in progress: `none`, `requested` (the coach is asked to look)
    /// or `ready` (the coach marked it ready to submit).
    pub feedback: String,
    /// How it is paid for: `free`, `sponsor` or `payment`.
    pub funding: String,
    /// Name it in every move: a move made on a stale one is refused (409).
    pub lock_version: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl EnrollmentSummaryDto {
    pub fn new(e: &Enrollment, a: &Achievement) -> Self {
        let name = e.state.name();
        Self {
            id: e.id.0,
            achievement: a.into(),
            state: name.as_str().to_owned(),
            state_label: name.label().to_owned(),
            attempts: e.state.attempts(),
            feedback: e.state.feedback().as_str().to_owned(),
            funding: e.funding.as_str().to_owned(),
            lock_version: e.lock_version,
            created_at: e.created_at,
            updated_at: e.updated_at,
            submitted_at: e.submitted_at,
            decided_at: e.decided_at,
        }
    }
}

/// How to pay for joining.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinDto {
    /// `free` (a free micro-credential), `code` (a sponsor code), `seat`
    /// (a seat a sponsor gave you) or `payment` (you pay; the enrollment
    /// waits until the organization records the payment).
    #[schema(example = "code")]
    pub funding: String,
    /// With `code`: the sponsor code (case and dashes do not matter).
    pub code: Option<String>,
    /// With `seat`: the seat's id.
    pub seat: Option<Uuid>,
}

/// A new enrollment, with the payment when you pay yourself.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedDto {
    pub enrollment: EnrollmentDto,
    /// With `payment`: the payment record (pending until the organization
    /// records it as paid).
    pub payment: Option<PaymentDto>,
    /// With `payment`: where to go to pay, when the provider pays online.
    pub next_step: Option<String>,
}

/// A move someone may make now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveDto {
    /// What to send as `move`.
    #[serde(rename = "move")]
    pub name: String,
    /// How people read it.
    pub label: String,
}

impl From<Move> for MoveDto {
    fn from(m: Move) -> Self {
        Self {
            name: m.as_str().to_owned(),
            label: m.label().to_owned(),
        }
    }
}

/// One item of a requirement's checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistItemDto {
    pub index: u32,
    pub text: String,
    pub ticked: bool,
}

/// One evidence requirement with the learner's progress on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementProgressDto {
    /// Its position (0 for the first): name it when adding evidence.
    pub index: u32,
    pub prompt: String,
    pub guidance: String,
    /// Accepted kinds: file, video, image, document, link, reflection, badge.
    pub kinds: Vec<String>,
    /// How many items at least.
    pub min_count: u32,
    /// How many items there are.
    pub items: u32,
    pub checklist: Vec<ChecklistItemDto>,
    /// Whether it has enough items and every checklist item is ticked.
    pub met: bool,
}

impl RequirementProgressDto {
    pub fn new(version: &AchievementVersion, p: &RequirementProgress) -> Self {
        let requirement = version
            .requirements
            .get(p.index as usize)
            .map(|r| &r.requirement);
        Self {
            index: p.index,
            prompt: requirement.map(|r| r.prompt.clone()).unwrap_or_default(),
            guidance: requirement.map(|r| r.guidance.clone()).unwrap_or_default(),
            kinds: requirement
                .map(|r| r.kinds.iter().map(|k| k.as_str().to_owned()).collect())
                .unwrap_or_default(),
            min_count: p.min_count,
            items: p.items,
            checklist: requirement
                .map(|r| {
                    r.checklist
                        .iter()
                        .enumerate()
                        .map(|(i, text)| {
                            let index = u32::try_from(i).unwrap_or(u32::MAX);
                            ChecklistItemDto {
                                index,
                                text: text.clone(),
                                ticked: p.ticked.contains(&index),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            met: p.met,
        }
    }
}

/// An uploaded file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceFileDto {
    /// The file's name as uploaded (without folders).
    pub name: String,
    /// What its content is (told from the bytes, never from the name).
    pub media_type: String,
    pub size_bytes: u64,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// Where a signed-in browser downloads it (with ranges), if allowed to
    /// see it.
    pub url: String,
    /// The same file for API callers (a bearer token or the session).
    pub api_url: String,
}

/// What an evidence item holds; one of `url`, `markdown`,
/// `badge_enrollment_id` or `file` is set.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct EvidenceContentDto {
    /// A link's web address.
    pub url: Option<String>,
    /// A reflection, in Markdown.
    pub markdown: Option<String>,
    /// The reflection as safe HTML.
    pub html: Option<String>,
    /// An earned badge: the enrollment that earned it.
    pub badge_enrollment_id: Option<Uuid>,
    pub file: Option<EvidenceFileDto>,
}

impl EvidenceContentDto {
    pub fn new(id: Uuid, content: &EvidenceContent) -> Self {
        match content {
            EvidenceContent::Link { url } => Self {
                url: Some(url.clone()),
                ..Self::default()
            },
            EvidenceContent::Reflection { markdown } => Self {
                html: Some(cairn_media::markdown::to_safe_html(markdown)),
                markdown: Some(markdown.clone()),
                ..Self::default()
            },
            EvidenceContent::Badge { enrollment_id } => Self {
                badge_enrollment_id: Some(enrollment_id.0),
                ..Self::default()
            },
            EvidenceContent::File {
                file_name,
                media_type,
                size_bytes,
                sha256,
                ..
            } => Self {
                file: Some(EvidenceFileDto {
                    name: file_name.clone(),
                    media_type: media_type.clone(),
                    size_bytes: *size_bytes,
                    sha256: sha256.clone(),
                    url: format!("/evidence/{id}/file"),
                    api_url: format!("/api/v1/evidence/{id}/file"),
                }),
                ..Self::default()
            },
        }
    }
}

/// A piece of evidence for one requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    pub id: Uuid,
    /// The requirement's index.
    pub requirement: u32,
    /// file, video, image, document, link, reflection or badge.
    pub kind: String,
    pub title: String,
    /// `private` (you, your coach and the reviewers), `organization` (also
    /// the issuing organization's staff) or `public` (anyone, on the badge
    /// page, once awarded).
    pub visibility: String,
    #[serde(flatten)]
    pub content: EvidenceContentDto,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Evidence> for EvidenceDto {
    fn from(e: &Evidence) -> Self {
        Self {
            id: e.id.0,
            requirement: e.requirement_index,
            kind: e.kind.as_str().to_owned(),
            title: e.title.clone(),
            visibility: e.visibility.as_str().to_owned(),
            content: EvidenceContentDto::new(e.id.0, &e.content),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// An evidence item as a submission froze it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrozenEvidenceDto {
    pub id: Uuid,
    pub requirement: u32,
    pub kind: String,
    pub title: String,
    pub visibility: String,
    #[serde(flatten)]
    pub content: EvidenceContentDto,
}

impl From<&SnapshotItem> for FrozenEvidenceDto {
    fn from(s: &SnapshotItem) -> Self {
        Self {
            id: s.id.0,
            requirement: s.requirement_index,
            kind: s.kind.clone(),
            title: s.title.clone(),
            visibility: s.visibility.clone(),
            content: EvidenceContentDto::new(s.id.0, &s.content),
        }
    }
}

/// New evidence: a link, a reflection or an earned badge (files are
/// uploaded to `…/files`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvidenceDto {
    /// The requirement's index.
    pub requirement: u32,
    /// `link`, `reflection` or `badge`, among the kinds the requirement accepts.
    #[schema(example = "reflection")]
    pub kind: String,
    /// Made from the kind when omitted; at most 200 characters.
    pub title: Option<String>,
    /// The web address (`link`, http or https), the Markdown (`reflection`),
    /// or the id of your enrollment that earned the badge (`badge`).
    pub text: String,
    /// `private` (the default), `organization` or `public`.
    #[schema(example = "private")]
    pub visibility: Option<String>,
}

/// Changes to an evidence item; omitted fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidencePatchDto {
    pub title: Option<String>,
    /// `private`, `organization` or `public`.
    pub visibility: Option<String>,
    /// A link's new address or a reflection's new Markdown (ignored for
    /// files and badges).
    pub text: Option<String>,
}

/// Where an uploaded file goes. The file itself is the request body.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UploadParams {
    /// The requirement's index.
    pub requirement: Option<String>,
    /// `private` (the default), `organization` or `public`.
    pub visibility: Option<String>,
    /// The file's name, for people (its kind is told from its content).
    pub filename: Option<String>,
    /// Made from the file name when omitted.
    pub title: Option<String>,
}

/// The ticked items of one requirement's checklist; the others are unticked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistDto {
    /// Indexes of the ticked items (0 for the first).
    pub ticked: Vec<u32>,
}

/// A move on an enrollment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInputDto {
    /// `request_feedback`, `submit` or `try_again` (the learner); `ready`
    /// or `meeting_held` (the coach); `confirm` (an administrator of the
    /// issuing organization); `withdraw` (the learner leaves).
    #[serde(rename = "move")]
    #[schema(example = "submit")]
    pub name: String,
    /// The `lock_version` the enrollment had when you read it.
    pub lock_version: u32,
}

/// A comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentDto {
    pub id: Uuid,
    /// The evidence item it is about, or `null` for the enrollment's thread.
    pub evidence_id: Option<Uuid>,
    pub author: PersonRefDto,
    /// Markdown.
    pub body: String,
    /// The body as safe HTML.
    pub html: String,
    pub created_at: DateTime<Utc>,
}

impl CommentDto {
    pub fn new(c: &Comment, author: &str) -> Self {
        Self {
            id: c.id.0,
            evidence_id: c.evidence_id.map(|e| e.0),
            author: PersonRefDto {
                id: c.author_id.0,
                display_name: author.to_owned(),
            },
            html: cairn_media::markdown::to_safe_html(&c.body),
            body: c.body.clone(),
            created_at: c.created_at,
        }
    }
}

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentDto {
    /// Markdown, at most 100,000 characters.
    pub body: String,
}

/// A criterion's score in a review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreDto {
    /// The criterion's name.
    pub criterion: String,
    /// The level chosen: its position among the rubric's levels (0 for the lowest).
    pub level: u32,
    pub level_name: String,
    pub comment: String,
}

fn scores(r: &Review, rubric: Option<&cairn_domain::achievement::rubric::Rubric>) -> Vec<ScoreDto> {
    r.scores
        .iter()
        .enumerate()
        .map(|(i, s)| ScoreDto {
            criterion: rubric
                .and_then(|r| r.criteria().get(i))
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            level: u32::try_from(s.level).unwrap_or(u32::MAX),
            level_name: rubric
                .and_then(|r| r.levels().get(s.level))
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            comment: s.comment.clone(),
        })
        .collect()
}

/// A completed review as the people around the learner see it (reviewers
/// are not named).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSummaryDto {
    pub id: Uuid,
    /// Whether you wrote it.
    pub mine: bool,
    /// `meets`, `revise` or `not_yet`.
    pub decision: Option<String>,
    pub feedback: String,
    pub scores: Vec<ScoreDto>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// One submission (an attempt) and its completed reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDto {
    pub id: Uuid,
    /// 1 for the first.
    pub attempt: u32,
    pub created_at: DateTime<Utc>,
    /// The decision once the reviews settled: `meets`, `revise` or `not_yet`.
    pub outcome: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Completed reviews, for the learner, their coaches, the reviewers and
    /// the organization's administrators; empty for anyone else.
    pub reviews: Vec<ReviewSummaryDto>,
}

/// An enrollment as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentDto {
    #[serde(flatten)]
    pub summary: EnrollmentSummaryDto,
    /// The micro-credential's version this enrollment is earning.
    pub version: u32,
    /// How you stand to it: `learner`, `coach`, `reviewer`,
    /// `organization_admin` or `organization_staff`.
    pub relation: String,
    pub learner: PersonRefDto,
    pub coaches: Vec<PersonRefDto>,
    /// Whether every requirement is met (it can be submitted).
    pub complete: bool,
    pub requirements: Vec<RequirementProgressDto>,
    /// The items you may see.
    pub evidence: Vec<EvidenceDto>,
    /// Every comment, oldest first (`evidence_id` says which item one is about).
    pub comments: Vec<CommentDto>,
    pub submissions: Vec<SubmissionDto>,
    pub rubric: Option<RubricDto>,
    /// The review you are to complete, if any.
    pub my_open_review: Option<Uuid>,
    /// What you can do now.
    pub moves: Vec<MoveDto>,
}

pub(super) fn relation_name(r: Relation) -> &'static str {
    match r {
        Relation::Learner => "learner",
        Relation::Coach => "coach",
        Relation::Reviewer => "reviewer",
        Relation::OrganizationAdmin => "organization_admin",
        Relation::OrganizationStaff => "organization_staff",
        Relation::Stranger => "stranger",
    }
}

impl EnrollmentDto {
    pub fn new(v: &EnrollmentView, viewer: UserId) -> Self {
        let rubric = v.version.rubric.as_ref();
        let see_reviews = matches!(
            v.relation,
            Relation::Learner | Relation::Coach | Relation::Reviewer | Relation::OrganizationAdmin
        );
        let submissions = v
            .submissions
            .iter()
            .map(|(s, reviews)| SubmissionDto {
                id: s.id.0,
                attempt: s.attempt,
                created_at: s.created_at,
                outcome: s.outcome.map(|d| d.as_str().to_owned()),
                decided_at: s.decided_at,
                reviews: reviews
                    .iter()
                    .filter(|r| see_reviews && r.completed_at.is_some())
                    .map(|r| ReviewSummaryDto {
                        id: r.id.0,
                        mine: r.reviewer_id == viewer,
                        decision: r.decision.map(|d| d.as_str().to_owned()),
                        feedback: r.feedback.clone(),
                        scores: scores(r, rubric),
                        completed_at: r.completed_at,
                    })
                    .collect(),
            })
            .collect();
        Self {
            summary: EnrollmentSummaryDto::new(&v.enrollment, &v.achievement),
            version: v.version.number,
            relation: relation_name(v.relation).to_owned(),
            learner: PersonRefDto {
                id: v.enrollment.user_id.0,
                display_name: v.learner_name.clone(),
            },
            coaches: v
                .coaches
                .iter()
                .map(|(id, name)| PersonRefDto {
                    id: id.0,
                    display_name: name.clone(),
                })
                .collect(),
            complete: v.complete(),
            requirements: v
                .progress
                .iter()
                .map(|p| RequirementProgressDto::new(&v.version, p))
                .collect(),
            evidence: v.evidence.iter().map(Into::into).collect(),
            comments: v
                .comments
                .iter()
                .map(|(c, author)| CommentDto::new(c, author))
                .collect(),
            submissions,
            rubric: rubric.map(|r| RubricDto::new(r, v.version.rubric_template_id.map(|t| t.0))),
            my_open_review: v.my_open_review.as_ref().map(|r| r.id.0),
            moves: Move::available(v.enrollment.state, v.relation)
                .into_iter()
                .map(Into::into)
                .collect(),
        }
    }
}

/// A ticked checklist item, as a submission froze it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TickDto {
    pub requirement: u32,
    pub item: u32,
}

/// A review assigned to you, with what it reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    pub id: Uuid,
    pub enrollment_id: Uuid,
    pub submission_id: Uuid,
    /// The submission's attempt number.
    pub attempt: u32,
    pub assigned_at: DateTime<Utc>,
    /// `null` while open.
    pub completed_at: Option<DateTime<Utc>>,
    /// `meets`, `revise` or `not_yet`, once completed.
    pub decision: Option<String>,
    pub feedback: String,
    pub scores: Vec<ScoreDto>,
    /// Score each criterion at one of its levels.
    pub rubric: Option<RubricDto>,
    /// The evidence exactly as submitted.
    pub evidence: Vec<FrozenEvidenceDto>,
    /// The checklist items ticked when submitted.
    pub ticked: Vec<TickDto>,
}

impl ReviewDto {
    pub fn new(v: &EnrollmentView, s: &Submission, r: &Review) -> Self {
        let rubric = v.version.rubric.as_ref();
        Self {
            id: r.id.0,
            enrollment_id: v.enrollment.id.0,
            submission_id: s.id.0,
            attempt: s.attempt,
            assigned_at: r.assigned_at,
            completed_at: r.completed_at,
            decision: r.decision.map(|d| d.as_str().to_owned()),
            feedback: r.feedback.clone(),
            scores: scores(r, rubric),
            rubric: rubric.map(|x| RubricDto::new(x, v.version.rubric_template_id.map(|t| t.0))),
            evidence: s.snapshot.evidence.iter().map(Into::into).collect(),
            ticked: s
                .snapshot
                .ticks
                .iter()
                .map(|(requirement, item)| TickDto {
                    requirement: *requirement,
                    item: *item,
                })
                .collect(),
        }
    }
}

/// One criterion's score.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreInputDto {
    /// The level's position among the rubric's levels (0 for the lowest).
    pub level: u32,
    #[serde(default)]
    pub comment: String,
}

/// A completed review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInputDto {
    /// One per rubric criterion, in the rubric's order.
    #[serde(default)]
    pub scores: Vec<ScoreInputDto>,
    /// What the learner should know; needed unless the decision is `meets`.
    #[serde(default)]
    pub feedback: String,
    /// `meets`, `revise` or `not_yet`.
    #[schema(example = "meets")]
    pub decision: String,
}

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: Uuid,
    /// What it is about: `comment`, `feedback_requested`, `review_assigned`,
    /// `decided`, `confirm`, `confirmed`, `ready`, `submitted`,
    /// `partnership`, `payment`, …
    pub kind: String,
    pub message: String,
    /// The page it is about.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id.0,
            kind: n.kind,
            message: n.message,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

/// Your latest notifications (at most 100), newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationsDto {
    pub items: Vec<NotificationDto>,
    /// How many are unread.
    pub unread: u64,
}

/// How many notifications are unread.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadDto {
    pub unread: u64,
}

/// An invitation to work together.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartnerInvitationDto {
    /// Whom to invite.
    pub email: String,
    /// `coach` (they coach you) or `learner` (you coach them).
    #[schema(example = "coach")]
    pub role: String,
    /// One micro-credential to work on; omit for all.
    pub achievement_id: Option<Uuid>,
}

/// An invitation sent (its secret goes only to the invited address).
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerInvitationDto {
    pub id: Uuid,
    pub email: String,
    /// `coach` or `learner`: what the invited person becomes.
    pub role: String,
    pub achievement_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<PartnershipInvitation> for PartnerInvitationDto {
    fn from(i: PartnershipInvitation) -> Self {
        Self {
            id: i.id.0,
            email: i.email,
            role: i.invitee_role.as_str().to_owned(),
            achievement_id: i.achievement_id.map(|a| a.0),
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

/// An answer to an invitation, by the invited address's owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerAnswerDto {
    /// The token from the emailed link (`/partners/<token>`).
    pub token: String,
    /// `accept` or `decline`.
    #[schema(example = "accept")]
    pub answer: String,
}

/// A coach and a learner working together.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipDto {
    pub id: Uuid,
    pub coach_id: Uuid,
    pub learner_id: Uuid,
    /// The one micro-credential, or `null` for all of the learner's.
    pub achievement_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<Partnership> for PartnershipDto {
    fn from(p: Partnership) -> Self {
        Self {
            id: p.id.0,
            coach_id: p.coach_id.0,
            learner_id: p.learner_id.0,
            achievement_id: p.achievement_id.map(|a| a.0),
            created_at: p.created_at,
        }
    }
}

/// What an answer did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerAnsweredDto {
    pub accepted: bool,
    /// The partnership that starts, when accepted.
    pub partnership: Option<PartnershipDto>,
}

/// One of a learner's enrollments on the coach's dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoachedEnrollmentDto {
    #[serde(flatten)]
    pub enrollment: EnrollmentSummaryDto,
    /// Whether something waits for the coach (a feedback request or a
    /// coach meeting).
    pub waiting_for_coach: bool,
}

/// A learner you coach, with the enrollments you support.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoachedLearnerDto {
    pub learner: PersonRefDto,
    pub enrollments: Vec<CoachedEnrollmentDto>,
}

impl From<CoachedLearner> for CoachedLearnerDto {
    fn from(l: CoachedLearner) -> Self {
        Self {
            learner: PersonRefDto {
                id: l.learner_id.0,
                display_name: l.name,
            },
            enrollments: l
                .enrollments
                .iter()
                .map(|(e, a, waiting)| CoachedEnrollmentDto {
                    enrollment: EnrollmentSummaryDto::new(e, a),
                    waiting_for_coach: *waiting,
                })
                .collect(),
        }
    }
}

/// An organization's review rules.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRulesDto {
    /// Two independent reviews per submission (a third settles a disagreement).
    pub two_reviews: bool,
    /// After this many "not yet" attempts (1–20), a coach meeting comes
    /// before another; `null` for no limit.
    pub max_attempts: Option<u32>,
}

impl From<ReviewPolicy> for ReviewRulesDto {
    fn from(p: ReviewPolicy) -> Self {
        Self {
            two_reviews: p.two_reviews,
            max_attempts: p.max_attempts,
        }
    }
}

/// An open review in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemDto {
    pub review_id: Uuid,
    pub enrollment_id: Uuid,
    pub achievement_title: String,
    pub learner: String,
    pub reviewer: String,
    pub attempt: u32,
    pub assigned_at: DateTime<Utc>,
}

impl From<QueueItem> for QueueItemDto {
    fn from(q: QueueItem) -> Self {
        Self {
            review_id: q.review.id.0,
            enrollment_id: q.enrollment_id.0,
            achievement_title: q.title,
            learner: q.learner,
            reviewer: q.reviewer,
            attempt: q.attempt,
            assigned_at: q.review.assigned_at,
        }
    }
}

/// A page of open reviews: the whole organization's for administrators,
/// your own for reviewers.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueDto {
    pub items: Vec<QueueItemDto>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    /// Whether this is the whole organization's queue.
    pub everyone: bool,
    pub rules: ReviewRulesDto,
}

impl From<Queue> for QueueDto {
    fn from(q: Queue) -> Self {
        Self {
            items: q.items.into_iter().map(Into::into).collect(),
            page: q.page,
            per_page: QUEUE_PAGE,
            total: q.total,
            everyone: q.everyone,
            rules: q.policy.into(),
        }
    }
}

/// Which page of the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct QueueParams {
    /// 1 for the first (the default).
    pub page: Option<u64>,
}

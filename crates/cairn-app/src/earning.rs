//! Earning a micro-credential: joining, evidence, the checklist, asking the
//! coach for feedback, submitting, reviews and their decision, the issuer's
//! confirmation, comment threads and notifications.
//!
//! Every move goes through the domain's state machine
//! (`cairn_domain::enrollment`), names the enrollment's `lock_version` it
//! read (a concurrent move is refused, never merged), and is written with
//! its audit event and notifications in one transaction.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::Price;
use cairn_domain::achievement::requirement::EvidenceKind;
use cairn_domain::enrollment::{
    Decision, Refused, Relation, ReviewOutcome, State, StateName, Visibility, combine,
    pick_reviewer,
};
use cairn_domain::policy::{Action, can};
use cairn_domain::role::Role;
use cairn_domain::sponsorship::NotCovered;
use cairn_domain::{
    AchievementId, AwardRequestId, CommentId, EnrollmentId, EvidenceId, FieldErrors,
    NotificationId, ReviewId, SubmissionId, UserId,
};
use cairn_domain::{PaymentId, SeatId};
use cairn_store::achievements::{Achievement, AchievementVersion};
use cairn_store::enrollments::{
    Comment, Enrollment, Evidence, EvidenceContent, Funding, NewEnrollment, Notification,
    Submission,
};
use cairn_store::reviews::{Assignment, AwardRequest, AwardStatus, Review, Score};
use cairn_store::sponsorships::Redemption;
use cairn_store::{Repos, StoreError, Tx};
use std::collections::HashSet;

/// Longest reflection or comment accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 100_000;
/// Largest evidence file accepted, in bytes (2 GiB).
pub const MAX_UPLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// One requirement's progress for the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementProgress {
    pub index: u32,
    pub items: u32,
    pub min_count: u32,
    pub ticked: Vec<u32>,
    pub checklist_len: u32,
    pub met: bool,
}

/// What joining offers one person.
#[derive(Clone, Debug, Default)]
pub struct JoinOptions {
    /// Their enrollment, unless they never joined or withdrew.
    pub enrollment: Option<EnrollmentId>,
    /// Sponsor seats assigned to them that cover the micro-credential.
    pub seats: Vec<SeatChoice>,
}

/// A sponsor seat someone can join with.
#[derive(Clone, Debug)]
pub struct SeatChoice {
    pub seat: SeatId,
    pub sponsor: String,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An enrollment as its page shows it to one viewer.
#[derive(Clone, Debug)]
pub struct EnrollmentView {
    pub enrollment: Enrollment,
    pub achievement: Achievement,
    pub version: AchievementVersion,
    pub learner_name: String,
    pub relation: Relation,
    /// Only the items this viewer may see.
    pub evidence: Vec<Evidence>,
    pub progress: Vec<RequirementProgress>,
    pub submissions: Vec<(Submission, Vec<Review>)>,
    /// (comment, author name), oldest first.
    pub comments: Vec<(Comment, String)>,
    pub coaches: Vec<(UserId, String)>,
    /// The open review this viewer is to complete, if any.
    pub my_open_review: Option<Review>,
}

impl EnrollmentView {
    /// Whether every requirement meets its minimum and checklist.
    pub fn complete(&self) -> bool {
        self.progress.iter().all(|p| p.met)
    }
}

fn refused(r: Refused) -> AppError {
    AppError::Conflict {
        field: None,
        message: r.to_string(),
    }
}

fn stale() -> AppError {
    AppError::Conflict {
        field: None,
        message: "This changed while you were looking at it. Reload the page and try again.".into(),
    }
}

fn map_store(e: StoreError) -> AppError {
    match e {
        StoreError::Stale => stale(),
        other => other.into(),
    }
}

/// The requirements not met, in words, for a refused submission.
fn unmet(version: &AchievementVersion, progress: &[RequirementProgress]) -> Vec<String> {
    progress
        .iter()
        .filter(|p| !p.met)
        .map(|p| {
            let prompt = version
                .requirements
                .get(p.index as usize)
                .map_or("A requirement", |r| r.requirement.prompt.as_str());
            format!(
                "{prompt}: {} of {} items, {} of {} checklist items",
                p.items,
                p.min_count,
                p.ticked.len(),
                p.checklist_len
            )
        })
        .collect()
}

fn progress_of(
    version: &AchievementVersion,
    evidence: &[Evidence],
    ticks: &[(u32, u32)],
) -> Vec<RequirementProgress> {
    version
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            let items = u32::try_from(
                evidence
                    .iter()
                    .filter(|e| e.requirement_index == index)
                    .count(),
            )
            .unwrap_or(u32::MAX);
            let ticked: Vec<u32> = ticks
                .iter()
                .filter(|(req, _)| *req == index)
                .map(|(_, item)| *item)
                .collect();
            let p = r.requirement.progress(items, ticked.len());
            RequirementProgress {
                index,
                items,
                min_count: r.requirement.min_count,
                checklist_len: u32::try_from(r.requirement.checklist.len()).unwrap_or(u32::MAX),
                ticked,
                met: p.met,
            }
        })
        .collect()
}

impl App {
    /// Joins a published, free micro-credential (paid ones go through a
    /// sponsor code, a seat or a recorded payment).
    pub async fn join_free(
        &self,
        principal: &Principal,
        achievement_id: AchievementId,
        meta: &RequestMeta,
    ) -> AppResult<Enrollment> {
        let a = self.joinable(principal, achievement_id).await?;
        let version = self
            .store()
            .achievements()
            .version(a.current_version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        if version.fields.price != Price::Free {
            return Err(AppError::invalid(
                "funding",
                "This micro-credential is not free: use a sponsor code or seat, or pay for it.",
            ));
        }
        let tx = self.store().begin().await?;
        let enrollment = self
            .start_enrollment(&tx, principal, &a, true, Funding::Free, meta)
            .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(enrollment)
    }

    /// Joins with a sponsor code: the code is used once, the sponsorship
    /// must cover the micro-credential and have a seat left, and the
    /// redemption is recorded for the sponsor's report.
    pub async fn join_with_code(
        &self,
        principal: &Principal,
        achievement_id: AchievementId,
        code: &str,
        meta: &RequestMeta,
    ) -> AppResult<Enrollment> {
        let a = self.joinable(principal, achievement_id).await?;
        if !a.sponsorable {
            return Err(AppError::invalid(
                "code",
                NotCovered::OtherMicroCredential.to_string(),
            ));
        }
        let Some(code) = cairn_domain::sponsorship::normalize_code(code) else {
            return Err(AppError::invalid(
                "code",
                NotCovered::UnknownCode.to_string(),
            ));
        };
        let tx = self.store().begin().await?;
        if let Some(back) = self.resume_sponsored(&tx, principal, &a, meta).await? {
            tx.commit().await?;
            return Ok(back);
        }
        let now = self.now();
        let (found, sponsorship) = tx
            .sponsorships()
            .code(&code)
            .await?
            .filter(|(_, s)| s.organization_id == a.organization_id)
            .ok_or_else(|| AppError::invalid("code", NotCovered::UnknownCode.to_string()))?;
        if found.redeemed_at.is_some() || sponsorship.ended_at.is_some() {
            let why = if found.redeemed_at.is_some() {
                NotCovered::CodeUsed
            } else {
                NotCovered::Expired
            };
            return Err(AppError::invalid("code", why.to_string()));
        }
        let used = u32::try_from(tx.sponsorships().used(sponsorship.id).await?).unwrap_or(u32::MAX);
        sponsorship
            .terms
            .can_cover(a.id, used, now)
            .map_err(|why| AppError::invalid("code", why.to_string()))?;
        if !tx
            .sponsorships()
            .redeem_code(found.id, principal.user.id, now)
            .await?
        {
            return Err(AppError::invalid("code", NotCovered::CodeUsed.to_string()));
        }
        let enrollment = self
            .start_enrollment(&tx, principal, &a, true, Funding::Sponsor, meta)
            .await?;
        tx.sponsorships()
            .record_redemption(&Redemption {
                id: App::new_id(),
                sponsorship_id: sponsorship.id,
                enrollment_id: enrollment.id,
                user_id: principal.user.id,
                achievement_id: a.id,
                code_id: Some(found.id),
                seat_id: None,
                created_at: now,
            })
            .await?;
        tx.commit().await?;
        Ok(enrollment)
    }

    /// Someone who left a micro-credential a sponsor already paid for comes
    /// back on that payment: no new code or seat is used.
    async fn resume_sponsored(
        &self,
        tx: &Tx,
        principal: &Principal,
        a: &Achievement,
        meta: &RequestMeta,
    ) -> AppResult<Option<Enrollment>> {
        let Some(old) = tx.enrollments().of_learner(principal.user.id, a.id).await? else {
            return Ok(None);
        };
        if tx.sponsorships().redemption_of(old.id).await?.is_none() {
            return Ok(None);
        }
        Ok(Some(
            self.start_enrollment(tx, principal, a, true, Funding::Sponsor, meta)
                .await?,
        ))
    }

    /// Joins with a seat a sponsor assigned to the learner.
    pub async fn join_with_seat(
        &self,
        principal: &Principal,
        achievement_id: AchievementId,
        seat: SeatId,
        meta: &RequestMeta,
    ) -> AppResult<Enrollment> {
        let a = self.joinable(principal, achievement_id).await?;
        if !a.sponsorable {
            return Err(AppError::invalid(
                "seat",
                NotCovered::OtherMicroCredential.to_string(),
            ));
        }
        let tx = self.store().begin().await?;
        if let Some(back) = self.resume_sponsored(&tx, principal, &a, meta).await? {
            tx.commit().await?;
            return Ok(back);
        }
        let now = self.now();
        let (seat, sponsorship) = tx
            .sponsorships()
            .open_seats_of(principal.user.id, now)
            .await?
            .into_iter()
            .find(|(s, sp)| s.id == seat && sp.organization_id == a.organization_id)
            .ok_or_else(|| AppError::invalid("seat", "Choose one of your sponsor seats."))?;
        let used = u32::try_from(tx.sponsorships().used(sponsorship.id).await?).unwrap_or(u32::MAX);
        sponsorship
            .terms
            .can_cover(a.id, used, now)
            .map_err(|why| AppError::invalid("seat", why.to_string()))?;
        if !tx.sponsorships().use_seat(seat.id, now).await? {
            return Err(AppError::invalid("seat", "This seat was already used."));
        }
        let enrollment = self
            .start_enrollment(&tx, principal, &a, true, Funding::Sponsor, meta)
            .await?;
        tx.sponsorships()
            .record_redemption(&Redemption {
                id: App::new_id(),
                sponsorship_id: sponsorship.id,
                enrollment_id: enrollment.id,
                user_id: principal.user.id,
                achievement_id: a.id,
                code_id: None,
                seat_id: Some(seat.id),
                created_at: now,
            })
            .await?;
        tx.commit().await?;
        Ok(enrollment)
    }

    /// What the micro-credential's page offers a signed-in person: their
    /// enrollment if they have one, and the sponsor seats they could use
    /// for it.
    pub async fn join_options(
        &self,
        principal: &Principal,
        achievement_id: AchievementId,
    ) -> AppResult<JoinOptions> {
        let store = self.store();
        let a = store
            .achievements()
            .get(achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let enrollment = store
            .enrollments()
            .of_learner(principal.user.id, a.id)
            .await?
            .filter(|e| e.state.name() != StateName::Withdrawn)
            .map(|e| e.id);
        let now = self.now();
        let mut seats = Vec::new();
        if a.sponsorable {
            for (seat, sponsorship) in store
                .sponsorships()
                .open_seats_of(principal.user.id, now)
                .await?
            {
                let covers =
                    sponsorship.terms.covers.is_empty() || sponsorship.terms.covers.contains(&a.id);
                if sponsorship.organization_id == a.organization_id && covers {
                    seats.push(SeatChoice {
                        seat: seat.id,
                        sponsor: sponsorship.terms.name,
                        expires_at: sponsorship.terms.expires_at,
                    });
                }
            }
        }
        Ok(JoinOptions { enrollment, seats })
    }

    /// Joins paying: the enrollment waits until the organization records
    /// the payment (the provider decides how it is collected). Returns the
    /// provider's next step for the learner, if any.
    pub async fn join_paying(
        &self,
        principal: &Principal,
        achievement_id: AchievementId,
        meta: &RequestMeta,
    ) -> AppResult<(Enrollment, Option<String>)> {
        let a = self.joinable(principal, achievement_id).await?;
        let Price::Paid { cents } = self
            .store()
            .achievements()
            .version(a.current_version_id)
            .await?
            .map_or(Price::Free, |v| v.fields.price)
        else {
            return Err(AppError::invalid(
                "funding",
                "This micro-credential is free: join it directly.",
            ));
        };
        let org_slug = self
            .store()
            .organizations()
            .get(a.organization_id)
            .await?
            .map(|o| o.slug)
            .unwrap_or_default();
        let tx = self.store().begin().await?;
        let enrollment = self
            .start_enrollment(&tx, principal, &a, false, Funding::Payment, meta)
            .await?;
        let request = crate::payments::PaymentRequest {
            payment_id: PaymentId(App::new_id()),
            organization_id: a.organization_id,
            enrollment_id: enrollment.id,
            learner_id: principal.user.id,
            description: a.title.clone(),
            amount_cents: cents,
            currency: "USD".into(),
        };
        let (payment, next_step) = self.start_payment(&request).await?;
        tx.payments().insert(&payment).await?;
        for m in tx.memberships().list(a.organization_id).await? {
            if m.roles.has(Role::Admin) {
                self.notify(
                    &tx,
                    m.user_id,
                    "payment",
                    &format!(
                        "{} joined “{}” and will pay; record the payment when it arrives.",
                        principal.user.display_name, a.title
                    ),
                    &format!("/orgs/{org_slug}/payments"),
                )
                .await?;
            }
        }
        tx.commit().await?;
        self.wake_worker();
        Ok((enrollment, next_step))
    }

    /// Checks a learner may join: published, and not joined already.
    pub(crate) async fn joinable(
        &self,
        principal: &Principal,
        id: AchievementId,
    ) -> AppResult<Achievement> {
        if !principal.actor.email_verified {
            return Err(AppError::Forbidden(
                "Verify your email address before joining.".into(),
            ));
        }
        let a = self
            .store()
            .achievements()
            .get(id)
            .await?
            .filter(|a| a.status == AchievementStatus::Published)
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        if let Some(e) = self
            .store()
            .enrollments()
            .of_learner(principal.user.id, id)
            .await?
            && e.state.name() != StateName::Withdrawn
        {
            return Err(AppError::Conflict {
                field: None,
                message: "You have already joined this micro-credential.".into(),
            });
        }
        Ok(a)
    }

    /// Writes a new enrollment in `tx`, or brings back a withdrawn one at
    /// the current version with its attempts still counted.
    pub(crate) async fn start_enrollment(
        &self,
        tx: &Tx,
        principal: &Principal,
        a: &Achievement,
        paid: bool,
        funding: Funding,
        meta: &RequestMeta,
    ) -> AppResult<Enrollment> {
        let now = self.now();
        let already = || AppError::Conflict {
            field: None,
            message: "You have already joined this micro-credential.".into(),
        };
        if let Some(old) = tx.enrollments().of_learner(principal.user.id, a.id).await? {
            if old.state.name() != StateName::Withdrawn {
                return Err(already());
            }
            let attempts = u32::try_from(tx.enrollments().submissions(old.id).await?.len())
                .unwrap_or(u32::MAX);
            tx.enrollments()
                .reopen(
                    old.id,
                    old.lock_version,
                    State::rejoined(paid, attempts),
                    funding,
                    a.current_version_id,
                    now,
                )
                .await
                .map_err(map_store)?;
        } else {
            tx.enrollments()
                .insert(NewEnrollment {
                    id: EnrollmentId(App::new_id()),
                    user_id: principal.user.id,
                    achievement_id: a.id,
                    version_id: a.current_version_id,
                    organization_id: a.organization_id,
                    state: State::joined(paid),
                    funding,
                    now,
                })
                .await
                .map_err(|e| match e {
                    StoreError::Conflict { .. } => already(),
                    other => other.into(),
                })?;
        }
        let enrollment = tx
            .enrollments()
            .of_learner(principal.user.id, a.id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("enrollment vanished")))?;
        self.audit(
            tx,
            meta,
            Some(principal.user.id),
            Some(a.organization_id),
            "enrollment.joined",
            serde_json::json!({"enrollment": enrollment.id, "achievement": a.id, "funding": funding.as_str()}),
        )
        .await?;
        Ok(enrollment)
    }

    /// How `viewer` stands to an enrollment.
    pub(crate) async fn relation(
        &self,
        viewer: Option<&Principal>,
        e: &Enrollment,
    ) -> AppResult<Relation> {
        let Some(p) = viewer else {
            return Ok(Relation::Stranger);
        };
        if p.user.id == e.user_id {
            return Ok(Relation::Learner);
        }
        // A tie to this learner comes before the administrator's seat: an
        // administrator who coaches the learner or reviews their work sees
        // and does what a coach or reviewer does (and leaves the issuer's
        // confirmation to another administrator).
        let store = self.store();
        if store
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?
            .contains(&p.user.id)
        {
            return Ok(Relation::Coach);
        }
        if store.reviews().reviews_enrollment(p.user.id, e.id).await? {
            return Ok(Relation::Reviewer);
        }
        let roles = self.roles_in(e.organization_id, Some(p)).await?;
        if roles.has(Role::Admin) || p.actor.platform_admin {
            return Ok(Relation::OrganizationAdmin);
        }
        if can(&p.actor, Action::ViewDrafts { roles }) {
            return Ok(Relation::OrganizationStaff);
        }
        Ok(Relation::Stranger)
    }

    /// An enrollment as `viewer` may see it; "not found" for anyone with no
    /// tie to it.
    pub async fn enrollment_view(
        &self,
        viewer: &Principal,
        id: EnrollmentId,
    ) -> AppResult<EnrollmentView> {
        let store = self.store();
        let enrollment = store
            .enrollments()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let relation = self.relation(Some(viewer), &enrollment).await?;
        if !relation.may_open() {
            return Err(AppError::not_found("The enrollment"));
        }
        let achievement = store
            .achievements()
            .get(enrollment.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let version = store
            .achievements()
            .version(enrollment.version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let all = store.enrollments().evidence(id).await?;
        let ticks = store.enrollments().ticks(id).await?;
        let progress = progress_of(&version, &all, &ticks);
        let awarded = enrollment.state.name() == StateName::Awarded;
        let evidence: Vec<Evidence> = all
            .into_iter()
            .filter(|e| relation.may_see(e.visibility, awarded))
            .collect();
        let mut submissions = Vec::new();
        let mut my_open_review = None;
        for s in store.enrollments().submissions(id).await? {
            let reviews = store.reviews().of_submission(s.id).await?;
            if let Some(r) = reviews
                .iter()
                .find(|r| r.reviewer_id == viewer.user.id && r.completed_at.is_none())
            {
                my_open_review = Some(r.clone());
            }
            submissions.push((s, reviews));
        }
        let mut names = std::collections::HashMap::new();
        let mut name_of = async |u: UserId| -> AppResult<String> {
            if let Some(n) = names.get(&u) {
                return Ok(Clone::clone(n));
            }
            let n = store
                .users()
                .get(u)
                .await?
                .map_or_else(|| "Someone".to_owned(), |u| u.display_name);
            names.insert(u, n.clone());
            Ok(n)
        };
        let mut comments = Vec::new();
        for c in store.enrollments().comments(id).await? {
            // A comment about an item is as private as the item.
            if c.evidence_id
                .is_some_and(|item| !evidence.iter().any(|e| e.id == item))
            {
                continue;
            }
            let author = name_of(c.author_id).await?;
            comments.push((c, author));
        }
        let mut coaches = Vec::new();
        for c in store
            .partnerships()
            .coaches_for(enrollment.user_id, enrollment.achievement_id)
            .await?
        {
            coaches.push((c, name_of(c).await?));
        }
        let learner_name = name_of(enrollment.user_id).await?;
        Ok(EnrollmentView {
            enrollment,
            achievement,
            version,
            learner_name,
            relation,
            evidence,
            progress,
            submissions,
            comments,
            coaches,
            my_open_review,
        })
    }

    /// Loads an enrollment the learner may still edit, with a fresh check
    /// of its lock.
    async fn editable_enrollment(
        &self,
        principal: &Principal,
        id: EnrollmentId,
    ) -> AppResult<(Enrollment, AchievementVersion)> {
        let e = self
            .store()
            .enrollments()
            .get(id)
            .await?
            .filter(|e| e.user_id == principal.user.id)
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        if !e.state.name().editable() {
            return Err(refused(e.state.refuse()));
        }
        let version = self
            .store()
            .achievements()
            .version(e.version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        Ok((e, version))
    }

    /// Adds a link, a reflection or an earned badge as evidence for one
    /// requirement. Files go through [`App::add_file_evidence`].
    #[expect(clippy::too_many_arguments, reason = "the fields of one form")]
    pub async fn add_evidence(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        requirement: u32,
        kind: EvidenceKind,
        title: &str,
        text: &str,
        visibility: Visibility,
        meta: &RequestMeta,
    ) -> AppResult<Evidence> {
        let (e, version) = self.editable_enrollment(principal, id).await?;
        let req = version
            .requirements
            .get(requirement as usize)
            .ok_or_else(|| AppError::invalid("requirement", "Choose one of the requirements."))?;
        if !req.requirement.kinds.contains(&kind) {
            return Err(AppError::invalid(
                "kind",
                "This requirement does not accept that kind of evidence.",
            ));
        }
        let mut errors = FieldErrors::new();
        let title = title.trim();
        if title.chars().count() > 200 {
            errors.add("title", "Use at most 200 characters.");
        }
        let content = match kind {
            EvidenceKind::Link => match url::Url::parse(text.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {
                    Some(EvidenceContent::Link { url: u.to_string() })
                }
                _ => {
                    errors.add("text", "Enter a web address starting with https://.");
                    None
                }
            },
            EvidenceKind::Reflection => {
                if text.trim().is_empty() {
                    errors.add("text", "Write your reflection.");
                } else if text.len() > MAX_TEXT_BYTES {
                    errors.add("text", "Keep the reflection under 100,000 characters.");
                }
                Some(EvidenceContent::Reflection {
                    markdown: text.trim().to_owned(),
                })
            }
            EvidenceKind::Badge => {
                let earned = uuid::Uuid::parse_str(text.trim()).ok().map(EnrollmentId);
                let mine = match earned {
                    Some(other) => self
                        .store()
                        .enrollments()
                        .get(other)
                        .await?
                        .filter(|o| {
                            o.user_id == principal.user.id && o.state.name() == StateName::Awarded
                        })
                        .map(|o| o.id),
                    None => None,
                };
                if mine.is_none() {
                    errors.add("text", "Choose one of the badges you have earned.");
                }
                mine.map(|enrollment_id| EvidenceContent::Badge { enrollment_id })
            }
            _ => {
                errors.add("kind", "Upload a file for this kind of evidence.");
                None
            }
        };
        let title = if title.is_empty() {
            kind.as_str().to_owned()
        } else {
            title.to_owned()
        };
        let Some(content) = content.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        self.store_evidence(
            principal,
            &e,
            requirement,
            kind,
            title,
            content,
            visibility,
            meta,
        )
        .await
    }

    /// Stores an uploaded file as evidence for one requirement, streaming
    /// it to storage (memory stays flat whatever its size), and accepts it
    /// only when its content (not its name) is a kind the requirement takes.
    #[expect(clippy::too_many_arguments, reason = "the fields of one upload")]
    pub async fn add_file_evidence<S, E>(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        requirement: u32,
        title: &str,
        file_name: &str,
        visibility: Visibility,
        body: S,
        meta: &RequestMeta,
    ) -> AppResult<Evidence>
    where
        S: futures::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        use cairn_media::sniff::Category;
        let (e, version) = self.editable_enrollment(principal, id).await?;
        let req = version
            .requirements
            .get(requirement as usize)
            .ok_or_else(|| AppError::invalid("requirement", "Choose one of the requirements."))?;
        let kinds = &req.requirement.kinds;
        let takes_files = kinds.iter().any(|k| {
            matches!(
                k,
                EvidenceKind::File
                    | EvidenceKind::Video
                    | EvidenceKind::Image
                    | EvidenceKind::Document
            )
        });
        if !takes_files {
            return Err(AppError::invalid(
                "file",
                "This requirement does not take files: add a link or a reflection.",
            ));
        }
        let key = format!("evidence/{}/{}", e.id, App::new_id());
        let stored = self
            .blobs()
            .put_stream(&key, body, MAX_UPLOAD_BYTES)
            .await
            .map_err(|err| match err {
                StoreError::TooLarge { .. } => AppError::invalid(
                    "file",
                    "The file is larger than 2 GB; upload a shorter or compressed version.",
                ),
                StoreError::Upload(_) => AppError::invalid(
                    "file",
                    "The upload was interrupted before the file arrived whole; try again.",
                ),
                other => other.into(),
            })?;
        let sniffed = match cairn_media::sniff::check(&stored.head) {
            Ok(s) => s,
            Err(refusal) => {
                self.blobs().delete(&key).await?;
                return Err(AppError::invalid("file", refusal.to_string()));
            }
        };
        let told = match sniffed.category {
            Category::Image => EvidenceKind::Image,
            Category::Video => EvidenceKind::Video,
            Category::Document => EvidenceKind::Document,
            _ => EvidenceKind::File,
        };
        let kind = if kinds.contains(&told) {
            told
        } else if kinds.contains(&EvidenceKind::File) {
            EvidenceKind::File
        } else {
            self.blobs().delete(&key).await?;
            let wanted: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            return Err(AppError::invalid(
                "file",
                format!(
                    "This file is {} ({}), but this requirement takes: {}.",
                    told.as_str(),
                    sniffed.media_type,
                    wanted.join(", ")
                ),
            ));
        };
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
        let clean_name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
        let clean_name = if clean_name.trim().is_empty() {
            format!("evidence.{}", sniffed.extension)
        } else {
            clean_name
        };
        let title = if title.trim().is_empty() {
            clean_name.clone()
        } else {
            title.trim().chars().take(200).collect()
        };
        let content = EvidenceContent::File {
            key: key.clone(),
            file_name: clean_name,
            media_type: sniffed.media_type.to_owned(),
            size_bytes: stored.size,
            sha256: stored.sha256_hex,
        };
        match self
            .store_evidence(
                principal,
                &e,
                requirement,
                kind,
                title,
                content,
                visibility,
                meta,
            )
            .await
        {
            Ok(item) => Ok(item),
            Err(err) => {
                self.blobs().delete(&key).await?;
                Err(err)
            }
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one private step shared by every kind"
    )]
    pub(crate) async fn store_evidence(
        &self,
        principal: &Principal,
        e: &Enrollment,
        requirement: u32,
        kind: EvidenceKind,
        title: String,
        content: EvidenceContent,
        visibility: Visibility,
        meta: &RequestMeta,
    ) -> AppResult<Evidence> {
        let now = self.now();
        let item = Evidence {
            id: EvidenceId(App::new_id()),
            enrollment_id: e.id,
            requirement_index: requirement,
            kind,
            title,
            content,
            visibility,
            created_at: now,
            updated_at: now,
        };
        let tx = self.store().begin().await?;
        tx.enrollments().add_evidence(&item).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "evidence.added",
            serde_json::json!({"enrollment": e.id, "evidence": item.id, "kind": kind.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Changes an item's title, visibility or text, until submitted.
    pub async fn update_evidence(
        &self,
        principal: &Principal,
        id: EvidenceId,
        title: &str,
        visibility: Visibility,
        text: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let item = self
            .store()
            .enrollments()
            .evidence_item(id)
            .await?
            .ok_or_else(|| AppError::not_found("The evidence"))?;
        let (e, _) = self
            .editable_enrollment(principal, item.enrollment_id)
            .await?;
        if title.trim().is_empty() || title.chars().count() > 200 {
            return Err(AppError::invalid(
                "title",
                "Give it a title of at most 200 characters.",
            ));
        }
        let text = match (&item.content, text) {
            (EvidenceContent::Reflection { .. }, Some(t)) if t.len() > MAX_TEXT_BYTES => {
                return Err(AppError::invalid(
                    "text",
                    "Keep the reflection under 100,000 characters.",
                ));
            }
            (EvidenceContent::Link { .. }, Some(t)) => match url::Url::parse(t.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => Some(u.to_string()),
                _ => {
                    return Err(AppError::invalid(
                        "text",
                        "Enter a web address starting with https://.",
                    ));
                }
            },
            (EvidenceContent::Reflection { .. }, Some(t)) => Some(t.trim().to_owned()),
            _ => None,
        };
        let tx = self.store().begin().await?;
        tx.enrollments()
            .update_evidence(id, title.trim(), visibility, text.as_deref(), self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "evidence.changed",
            serde_json::json!({"evidence": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes an item until submitted; its file goes too unless a
    /// submission froze it.
    pub async fn remove_evidence(
        &self,
        principal: &Principal,
        id: EvidenceId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let item = self
            .store()
            .enrollments()
            .evidence_item(id)
            .await?
            .ok_or_else(|| AppError::not_found("The evidence"))?;
        let (e, _) = self
            .editable_enrollment(principal, item.enrollment_id)
            .await?;
        let tx = self.store().begin().await?;
        tx.enrollments().remove_evidence(id).await?;
        let file = match &item.content {
            EvidenceContent::File { key, .. }
                if !tx.enrollments().file_is_frozen(e.id, key).await? =>
            {
                Some(key.clone())
            }
            _ => None,
        };
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "evidence.removed",
            serde_json::json!({"evidence": id}),
        )
        .await?;
        tx.commit().await?;
        if let Some(key) = file {
            self.blobs().delete(&key).await?;
        }
        Ok(())
    }

    /// Ticks or unticks one checklist item.
    pub async fn tick(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        requirement: u32,
        item: u32,
        ticked: bool,
    ) -> AppResult<()> {
        let (e, version) = self.editable_enrollment(principal, id).await?;
        let exists = version
            .requirements
            .get(requirement as usize)
            .is_some_and(|r| (item as usize) < r.requirement.checklist.len());
        if !exists {
            return Err(AppError::not_found("That checklist item"));
        }
        let tx = self.store().begin().await?;
        tx.enrollments()
            .set_tick(e.id, requirement, item, ticked, self.now())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The learner asks their coaches for an informal look.
    pub async fn request_feedback(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (e, _) = self.editable_enrollment(principal, id).await?;
        let State::InProgress(s) = e.state else {
            return Err(refused(e.state.refuse()));
        };
        let coaches = self
            .store()
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?;
        if coaches.is_empty() {
            return Err(AppError::Conflict {
                field: None,
                message: "Invite a coach first: feedback requests go to your coach.".into(),
            });
        }
        let title = self.title_of(&e).await?;
        let tx = self.store().begin().await?;
        self.record_move(
            &tx,
            principal,
            &e,
            lock,
            s.request_feedback(),
            "enrollment.feedback_requested",
            meta,
        )
        .await?;
        for c in coaches {
            self.notify(
                &tx,
                c,
                "feedback_requested",
                &format!(
                    "{} asks for your feedback on “{title}”.",
                    principal.user.display_name
                ),
                &format!("/enrollments/{id}"),
            )
            .await?;
        }
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// A coach marks the work ready to submit.
    pub async fn mark_ready(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let e = self.tied(principal, id, &[Relation::Coach]).await?;
        let State::InProgress(s) = e.state else {
            return Err(refused(e.state.refuse()));
        };
        let title = self.title_of(&e).await?;
        let tx = self.store().begin().await?;
        self.record_move(
            &tx,
            principal,
            &e,
            lock,
            s.mark_ready(),
            "enrollment.marked_ready",
            meta,
        )
        .await?;
        self.notify(
            &tx,
            e.user_id,
            "ready",
            &format!("Your coach marked “{title}” ready to submit."),
            &format!("/enrollments/{id}"),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// Moves an enrollment in `tx`, refused when someone moved it since
    /// `lock`, and records who did it in the audit log.
    #[expect(clippy::too_many_arguments, reason = "one step shared by every move")]
    async fn record_move(
        &self,
        tx: &Tx,
        principal: &Principal,
        e: &Enrollment,
        lock: u32,
        next: State,
        event: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        tx.enrollments()
            .transition(e.id, lock, next, self.now())
            .await
            .map_err(map_store)?;
        self.audit(
            tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            event,
            serde_json::json!({"enrollment": e.id, "state": next.name().as_str()}),
        )
        .await
    }

    /// Loads an enrollment for someone with one of `ties` to it.
    async fn tied(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        ties: &[Relation],
    ) -> AppResult<Enrollment> {
        let e = self
            .store()
            .enrollments()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let relation = self.relation(Some(principal), &e).await?;
        if !relation.may_open() {
            return Err(AppError::not_found("The enrollment"));
        }
        if !ties.contains(&relation) {
            return Err(AppError::Forbidden(
                "You do not have permission to do this.".into(),
            ));
        }
        Ok(e)
    }

    async fn title_of(&self, e: &Enrollment) -> AppResult<String> {
        Ok(self
            .store()
            .achievements()
            .get(e.achievement_id)
            .await?
            .map_or_else(|| "your micro-credential".to_owned(), |a| a.title))
    }

    /// Freezes the evidence and sends it to review once every requirement
    /// meets its minimum; reviewers are assigned at once.
    pub async fn submit(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<Submission> {
        let (e, version) = self.editable_enrollment(principal, id).await?;
        let store = self.store();
        let evidence = store.enrollments().evidence(id).await?;
        let ticks = store.enrollments().ticks(id).await?;
        let missing = unmet(&version, &progress_of(&version, &evidence, &ticks));
        let next = match e.state {
            State::InProgress(s) => s.submit(missing),
            State::RevisionRequested(s) => s.resubmit(missing),
            other => Err(other.refuse()),
        }
        .map_err(|r| match r {
            Refused::Incomplete(_) => AppError::invalid("submit", r.to_string()),
            other => refused(other),
        })?;
        let State::Submitted(sub) = next else {
            return Err(AppError::Internal(anyhow::anyhow!("submit did not submit")));
        };
        let a = store
            .achievements()
            .get(e.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let policy = store.reviews().policy(e.organization_id).await?;
        let tx = store.begin().await?;
        let now = self.now();
        self.record_move(&tx, principal, &e, lock, next, "enrollment.submitted", meta)
            .await?;
        let submission = tx
            .enrollments()
            .freeze(SubmissionId(App::new_id()), id, sub.attempt, now)
            .await?;
        let wanted = if policy.two_reviews { 2 } else { 1 };
        self.assign_reviewers(&tx, &e, &a, &submission, wanted)
            .await?;
        for c in tx
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?
        {
            self.notify(
                &tx,
                c,
                "submitted",
                &format!(
                    "{} submitted “{}” for review.",
                    principal.user.display_name, a.title
                ),
                &format!("/enrollments/{id}"),
            )
            .await?;
        }
        tx.commit().await?;
        self.wake_worker();
        Ok(submission)
    }

    /// Assigns up to `wanted` reviewers from the organization's reviewers,
    /// least loaded first, never the learner, their coaches or anyone who
    /// already reviews this submission; tells the administrators when
    /// nobody is left to ask.
    async fn assign_reviewers(
        &self,
        tx: &Tx,
        e: &Enrollment,
        a: &Achievement,
        submission: &Submission,
        wanted: usize,
    ) -> AppResult<()> {
        let members = tx.memberships().list(e.organization_id).await?;
        let pool: Vec<UserId> = members
            .iter()
            .filter(|m| m.roles.has(Role::Reviewer))
            .map(|m| m.user_id)
            .collect();
        let mut excluded: HashSet<UserId> = tx
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?
            .into_iter()
            .collect();
        excluded.insert(e.user_id);
        for r in tx.reviews().of_submission(submission.id).await? {
            excluded.insert(r.reviewer_id);
        }
        let mut loads = tx.reviews().open_counts(&pool).await?;
        let mut assigned = 0;
        for _ in 0..wanted {
            let Some(reviewer) = pick_reviewer(&loads, &excluded) else {
                break;
            };
            tx.reviews()
                .assign(Assignment {
                    id: ReviewId(App::new_id()),
                    submission_id: submission.id,
                    organization_id: e.organization_id,
                    department_id: a.department_id,
                    reviewer_id: reviewer,
                    assigned_by: None,
                    now: self.now(),
                })
                .await?;
            excluded.insert(reviewer);
            if let Some(l) = loads.iter_mut().find(|(u, _)| *u == reviewer) {
                l.1 += 1;
            }
            self.notify(
                tx,
                reviewer,
                "review_assigned",
                &format!("A submission of “{}” is waiting for your review.", a.title),
                &format!("/enrollments/{}", e.id),
            )
            .await?;
            assigned += 1;
        }
        if assigned < wanted {
            // Nobody left to ask: the administrators must add a reviewer.
            for m in &members {
                if m.roles.has(Role::Admin) {
                    self.notify(
                        tx,
                        m.user_id,
                        "no_reviewer",
                        &format!(
                            "A submission of “{}” has no reviewer: give a member the reviewer role who does not coach this learner.",
                            a.title
                        ),
                        &format!("/enrollments/{}", e.id),
                    )
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// A reviewer scores each criterion and decides. When the reviews
    /// settle (one, or two that agree, or a third), the enrollment moves on:
    /// back for revision, "not yet", waiting for the issuer's confirmation,
    /// or an award request.
    pub async fn complete_review(
        &self,
        principal: &Principal,
        review_id: ReviewId,
        scores: Vec<Score>,
        feedback: &str,
        decision: Decision,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let store = self.store();
        let review = store
            .reviews()
            .get(review_id)
            .await?
            .filter(|r| r.reviewer_id == principal.user.id)
            .ok_or_else(|| AppError::not_found("The review"))?;
        if review.completed_at.is_some() {
            return Err(AppError::Conflict {
                field: None,
                message: "This review is complete already.".into(),
            });
        }
        let submission = store
            .enrollments()
            .submission(review.submission_id)
            .await?
            .ok_or_else(|| AppError::not_found("The submission"))?;
        let e = store
            .enrollments()
            .get(submission.enrollment_id)
            .await?
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        let version = store
            .achievements()
            .version(e.version_id)
            .await?
            .ok_or_else(|| AppError::not_found("The version"))?;
        let mut errors = FieldErrors::new();
        if let Some(rubric) = &version.rubric {
            if scores.len() != rubric.criteria().len() {
                errors.add("scores", "Score every criterion of the rubric.");
            }
            for (i, s) in scores.iter().enumerate() {
                if s.level >= rubric.levels().len() {
                    errors.add(
                        &format!("scores[{i}]"),
                        "Choose one of the rubric's levels.",
                    );
                }
                if s.comment.len() > 10_000 {
                    errors.add(
                        &format!("scores[{i}]"),
                        "Keep each comment under 10,000 characters.",
                    );
                }
            }
        }
        if feedback.trim().is_empty() && decision != Decision::Meets {
            errors.add("feedback", "Tell the learner what to work on.");
        }
        if feedback.len() > MAX_TEXT_BYTES {
            errors.add("feedback", "Keep the feedback under 100,000 characters.");
        }
        errors.into_result().map_err(AppError::Invalid)?;
        let State::Submitted(sub) = e.state else {
            return Err(refused(e.state.refuse()));
        };
        let a = store
            .achievements()
            .get(e.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let policy = store.reviews().policy(e.organization_id).await?;
        let tx = store.begin().await?;
        let now = self.now();
        if !tx
            .reviews()
            .complete(review_id, decision, &scores, feedback.trim(), now)
            .await?
        {
            return Err(AppError::Conflict {
                field: None,
                message: "This review is complete already.".into(),
            });
        }
        let decisions: Vec<Decision> = tx
            .reviews()
            .of_submission(submission.id)
            .await?
            .iter()
            .filter(|r| r.completed_at.is_some())
            .filter_map(|r| r.decision)
            .collect();
        let link = format!("/enrollments/{}", e.id);
        match combine(&decisions, policy) {
            ReviewOutcome::NeedMore(n) => {
                let open = tx
                    .reviews()
                    .of_submission(submission.id)
                    .await?
                    .iter()
                    .filter(|r| r.completed_at.is_none())
                    .count();
                if open < n {
                    self.assign_reviewers(&tx, &e, &a, &submission, n - open)
                        .await?;
                }
            }
            ReviewOutcome::Decided(final_decision) => {
                let requires = version.fields.requires_confirmation;
                let next = sub.decided(final_decision, requires);
                tx.enrollments()
                    .transition(e.id, e.lock_version, next, now)
                    .await
                    .map_err(map_store)?;
                tx.enrollments()
                    .decide_submission(submission.id, final_decision, now)
                    .await?;
                let message = match next.name() {
                    StateName::RevisionRequested => format!(
                        "Your reviewer asks you to revise “{}”. Their feedback is on the page.",
                        a.title
                    ),
                    StateName::NotYet => format!(
                        "“{}” is not awarded this time. The reviewer's feedback is on the page.",
                        a.title
                    ),
                    StateName::AwaitingConfirmation => format!(
                        "Your evidence for “{}” meets the criteria. The issuer confirms with your coach before the award.",
                        a.title
                    ),
                    _ => format!(
                        "Your evidence for “{}” meets the criteria: the award is on its way.",
                        a.title
                    ),
                };
                self.notify(&tx, e.user_id, "decided", &message, &link)
                    .await?;
                for c in tx
                    .partnerships()
                    .coaches_for(e.user_id, e.achievement_id)
                    .await?
                {
                    self.notify(
                        &tx,
                        c,
                        "decided",
                        &format!("A decision on “{}”: {}.", a.title, final_decision.label()),
                        &link,
                    )
                    .await?;
                }
                if next.name() == StateName::AwaitingConfirmation {
                    for m in tx.memberships().list(e.organization_id).await? {
                        if m.roles.has(Role::Admin) {
                            self.notify(&tx, m.user_id, "confirm", &format!("“{}” meets the criteria and waits for your confirmation with the coach.", a.title), &link).await?;
                        }
                    }
                }
                if next.name() == StateName::AwardPending {
                    self.request_award(&tx, &e, &submission, now).await?;
                }
            }
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "review.completed",
            serde_json::json!({"review": review_id, "decision": decision.as_str()}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// Records the award request, noting whether prerequisites are earned.
    async fn request_award(
        &self,
        tx: &Tx,
        e: &Enrollment,
        submission: &Submission,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        let status = match tx.achievements().prerequisites(e.achievement_id).await? {
            None => AwardStatus::Ready,
            Some(rule) => {
                let mut earned = HashSet::new();
                for other in tx.enrollments().for_learner(e.user_id).await? {
                    if other.state.name() == StateName::Awarded {
                        earned.insert(other.achievement_id);
                    }
                }
                if rule.satisfied_by(&earned) {
                    AwardStatus::Ready
                } else {
                    AwardStatus::WaitingForPrerequisites
                }
            }
        };
        let id = AwardRequestId(App::new_id());
        tx.reviews()
            .request_award(&AwardRequest {
                id,
                enrollment_id: e.id,
                submission_id: submission.id,
                status,
                created_at: now,
                updated_at: now,
            })
            .await?;
        if status == AwardStatus::Ready {
            self.enqueue_issue(tx, id).await?;
        }
        Ok(())
    }

    /// An organization administrator confirms a "meets" decision after
    /// speaking with the coach.
    pub async fn confirm_award(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let e = self
            .tied(principal, id, &[Relation::OrganizationAdmin])
            .await?;
        let State::AwaitingConfirmation(s) = e.state else {
            return Err(refused(e.state.refuse()));
        };
        let submission = self
            .store()
            .enrollments()
            .submissions(id)
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("The submission"))?;
        let title = self.title_of(&e).await?;
        let tx = self.store().begin().await?;
        let now = self.now();
        self.record_move(
            &tx,
            principal,
            &e,
            lock,
            s.confirm(),
            "enrollment.confirmed",
            meta,
        )
        .await?;
        self.request_award(&tx, &e, &submission, now).await?;
        self.notify(
            &tx,
            e.user_id,
            "confirmed",
            &format!("The issuer confirmed your award for “{title}”."),
            &format!("/enrollments/{id}"),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// After "not yet": another attempt, or a coach meeting first.
    pub async fn try_again(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<StateName> {
        let e = self.tied(principal, id, &[Relation::Learner]).await?;
        let State::NotYet(s) = e.state else {
            return Err(refused(e.state.refuse()));
        };
        let policy = self.store().reviews().policy(e.organization_id).await?;
        let next = s.try_again(policy);
        let tx = self.store().begin().await?;
        self.record_move(&tx, principal, &e, lock, next, "enrollment.try_again", meta)
            .await?;
        tx.commit().await?;
        Ok(next.name())
    }

    /// The coach records the meeting that opens another attempt.
    pub async fn coach_meeting_held(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let e = self.tied(principal, id, &[Relation::Coach]).await?;
        let State::CoachMeetingRequired(s) = e.state else {
            return Err(refused(e.state.refuse()));
        };
        let tx = self.store().begin().await?;
        self.record_move(
            &tx,
            principal,
            &e,
            lock,
            s.meeting_held(),
            "enrollment.meeting_held",
            meta,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The learner leaves the micro-credential.
    pub async fn withdraw(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        lock: u32,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let e = self.tied(principal, id, &[Relation::Learner]).await?;
        let next = e.state.withdraw().map_err(refused)?;
        let tx = self.store().begin().await?;
        self.record_move(&tx, principal, &e, lock, next, "enrollment.withdrawn", meta)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes in the enrollment's thread (or an evidence item's), and tells
    /// the others in it.
    pub async fn comment(
        &self,
        principal: &Principal,
        id: EnrollmentId,
        evidence: Option<EvidenceId>,
        body: &str,
        meta: &RequestMeta,
    ) -> AppResult<Comment> {
        let e = self
            .tied(
                principal,
                id,
                &[
                    Relation::Learner,
                    Relation::Coach,
                    Relation::Reviewer,
                    Relation::OrganizationAdmin,
                ],
            )
            .await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("body", "Write your comment."));
        }
        if body.len() > MAX_TEXT_BYTES {
            return Err(AppError::invalid(
                "body",
                "Keep the comment under 100,000 characters.",
            ));
        }
        if let Some(item) = evidence {
            // Only about an item the writer may see.
            let relation = self.relation(Some(principal), &e).await?;
            let awarded = e.state.name() == StateName::Awarded;
            let ok = self
                .store()
                .enrollments()
                .evidence_item(item)
                .await?
                .is_some_and(|i| i.enrollment_id == id && relation.may_see(i.visibility, awarded));
            if !ok {
                return Err(AppError::not_found("The evidence"));
            }
        }
        let title = self.title_of(&e).await?;
        let comment = Comment {
            id: CommentId(App::new_id()),
            enrollment_id: id,
            evidence_id: evidence,
            author_id: principal.user.id,
            body: body.to_owned(),
            created_at: self.now(),
        };
        let tx = self.store().begin().await?;
        tx.enrollments().add_comment(&comment).await?;
        let mut others: HashSet<UserId> = tx
            .partnerships()
            .coaches_for(e.user_id, e.achievement_id)
            .await?
            .into_iter()
            .collect();
        others.insert(e.user_id);
        for s in tx.enrollments().submissions(id).await? {
            for r in tx.reviews().of_submission(s.id).await? {
                others.insert(r.reviewer_id);
            }
        }
        others.remove(&principal.user.id);
        let excerpt = cairn_media::markdown::to_plain_text(body, 140);
        for u in others {
            self.notify(
                &tx,
                u,
                "comment",
                &format!(
                    "{} commented on “{title}”: {excerpt}",
                    principal.user.display_name
                ),
                &format!("/enrollments/{id}#comment-{}", comment.id),
            )
            .await?;
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(e.organization_id),
            "comment.added",
            serde_json::json!({"enrollment": id, "comment": comment.id}),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(comment)
    }

    /// Tells someone, in the app and by email, in the caller's transaction.
    pub(crate) async fn notify(
        &self,
        tx: &Tx,
        user: UserId,
        kind: &str,
        message: &str,
        link: &str,
    ) -> AppResult<()> {
        tx.enrollments()
            .notify(&Notification {
                id: NotificationId(App::new_id()),
                user_id: user,
                kind: kind.to_owned(),
                message: message.to_owned(),
                link: link.to_owned(),
                created_at: self.now(),
                read_at: None,
            })
            .await?;
        if let Some(email) = tx.users().primary_email(user).await?
            && email.verified_at.is_some()
        {
            let text = format!(
                "Hello,\n\n{message}\n\n{}\n\n—\nCairn · micro-credentials with evidence behind them\n",
                self.url(link)
            );
            self.enqueue_email(
                tx,
                &email.email,
                &format!("Cairn: {}", short(message)),
                text,
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// An evidence file, for someone allowed to see it: its storage key,
    /// media type, name and SHA-256. Anyone else gets "not found".
    pub async fn evidence_file(
        &self,
        viewer: Option<&Principal>,
        id: EvidenceId,
    ) -> AppResult<(String, String, String, String)> {
        let hidden = || AppError::not_found("The file");
        let item = self
            .store()
            .enrollments()
            .evidence_item(id)
            .await?
            .ok_or_else(hidden)?;
        let e = self
            .store()
            .enrollments()
            .get(item.enrollment_id)
            .await?
            .ok_or_else(hidden)?;
        let relation = self.relation(viewer, &e).await?;
        if !relation.may_see(item.visibility, false) {
            // Public items open to everyone only through a badge the earner
            // lets others see.
            let shown = e.state.name() == StateName::Awarded
                && self
                    .store()
                    .awards()
                    .of_enrollment(e.id)
                    .await?
                    .is_some_and(|a| a.visibility.open_to_others());
            if !relation.may_see(item.visibility, shown) {
                return Err(hidden());
            }
        }
        match item.content {
            EvidenceContent::File {
                key,
                file_name,
                media_type,
                sha256,
                ..
            } => Ok((key, media_type, file_name, sha256)),
            _ => Err(hidden()),
        }
    }

    /// Someone's notifications, newest first, and how many are unread.
    pub async fn notifications(
        &self,
        principal: &Principal,
    ) -> AppResult<(Vec<Notification>, u64)> {
        let store = self.store();
        Ok((
            store
                .enrollments()
                .notifications(principal.user.id, 100)
                .await?,
            store.enrollments().unread(principal.user.id).await?,
        ))
    }

    /// How many notifications someone has not read.
    pub async fn unread_notifications(&self, principal: &Principal) -> AppResult<u64> {
        Ok(self.store().enrollments().unread(principal.user.id).await?)
    }

    /// Marks someone's notifications read.
    pub async fn mark_notifications_read(&self, principal: &Principal) -> AppResult<()> {
        let tx = self.store().begin().await?;
        tx.enrollments()
            .mark_read(principal.user.id, self.now())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A learner's enrollments with their micro-credentials.
    pub async fn my_enrollments(
        &self,
        principal: &Principal,
    ) -> AppResult<Vec<(Enrollment, Achievement)>> {
        let store = self.store();
        let mut out = Vec::new();
        for e in store.enrollments().for_learner(principal.user.id).await? {
            if let Some(a) = store.achievements().get(e.achievement_id).await? {
                out.push((e, a));
            }
        }
        Ok(out)
    }
}

/// A subject line from a message: its first sentence, at most 80 characters.
fn short(message: &str) -> String {
    let first = message.split(". ").next().unwrap_or(message);
    let mut s: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        s.push('…');
    }
    s
}

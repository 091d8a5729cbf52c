//! The earning workflow of one learner on one micro-credential: a state
//! machine whose transitions exist only on the states they leave from, so an
//! illegal move cannot be written, only refused when a request asks for it.
//!
//! ```text
//!  join ─► PendingPayment ─pay─► InProgress ◄──────────────┐
//!                                  │  ▲ (feedback asked/ready)│
//!                             submit│  └── meeting held ◄── CoachMeetingRequired
//!                                  ▼                          ▲
//!                              Submitted ──revise──► RevisionRequested
//!                                  │ └──not yet──► NotYet ─try again─┘ (or ▲ when out of attempts)
//!                                meets
//!                                  ▼
//!                  AwaitingConfirmation ─confirm─► AwardPending ─issued─► Awarded
//!  any open state ─withdraw─► Withdrawn
//! ```

use crate::UserId;
use std::collections::HashSet;
use thiserror::Error;

/// Whether the coach has been asked for an informal look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Feedback {
    #[default]
    None,
    /// The learner asked the coach to look.
    Requested,
    /// The coach looked and marked the work ready to submit.
    Ready,
}

impl Feedback {
    pub const fn as_str(self) -> &'static str {
        match self {
            Feedback::None => "none",
            Feedback::Requested => "requested",
            Feedback::Ready => "ready",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Feedback::None, Feedback::Requested, Feedback::Ready]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// A reviewer's decision on one submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// The evidence meets the criteria: award.
    Meets,
    /// Back to the learner with feedback, to revise and resubmit.
    Revise,
    /// Not this time.
    NotYet,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Meets, Decision::Revise, Decision::NotYet];
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Meets => "meets",
            Decision::Revise => "revise",
            Decision::NotYet => "not_yet",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }
    /// How people read it.
    pub const fn label(self) -> &'static str {
        match self {
            Decision::Meets => "Meets",
            Decision::Revise => "Revise and resubmit",
            Decision::NotYet => "Not yet",
        }
    }
}

/// An organization's review rules (default: one review, no attempt limit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewPolicy {
    /// One review, or two independent ones (a third breaks a disagreement).
    pub two_reviews: bool,
    /// After this many "not yet" attempts, a coach meeting comes first.
    pub max_attempts: Option<u32>,
}

/// Where the reviews of one submission stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// This many more reviews are needed.
    NeedMore(usize),
    Decided(Decision),
}

/// Combines the decisions made so far on one submission (in the order they
/// were made) under `policy`: one review decides; with two reviews, an
/// agreement decides and a disagreement asks for a third, whose decision
/// settles it (the majority of three, or the third's own when all differ).
pub fn combine(decisions: &[Decision], policy: ReviewPolicy) -> ReviewOutcome {
    if !policy.two_reviews {
        return match decisions.first() {
            Some(d) => ReviewOutcome::Decided(*d),
            None => ReviewOutcome::NeedMore(1),
        };
    }
    match decisions {
        [] => ReviewOutcome::NeedMore(2),
        [_] => ReviewOutcome::NeedMore(1),
        [a, b] if a == b => ReviewOutcome::Decided(*a),
        [_, _] => ReviewOutcome::NeedMore(1),
        [a, b, c, ..] => {
            if a == b || a == c {
                ReviewOutcome::Decided(*a)
            } else if b == c {
                ReviewOutcome::Decided(*b)
            } else {
                ReviewOutcome::Decided(*c)
            }
        }
    }
}

/// Chooses a reviewer for a submission: the one with the fewest open
/// reviews, never someone excluded (the learner, their coaches, or who
/// already reviewed this submission); ties go to the earliest in `pool`
/// order, so the choice is predictable.
pub fn pick_reviewer(pool: &[(UserId, usize)], excluded: &HashSet<UserId>) -> Option<UserId> {
    pool.iter()
        .filter(|(u, _)| !excluded.contains(u))
        .min_by_key(|(_, open)| *open)
        .map(|(u, _)| *u)
}

/// A stored state, as the database keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateName {
    PendingPayment,
    InProgress,
    Submitted,
    RevisionRequested,
    NotYet,
    CoachMeetingRequired,
    AwaitingConfirmation,
    AwardPending,
    Awarded,
    Withdrawn,
}

impl StateName {
    pub const ALL: [StateName; 10] = [
        StateName::PendingPayment,
        StateName::InProgress,
        StateName::Submitted,
        StateName::RevisionRequested,
        StateName::NotYet,
        StateName::CoachMeetingRequired,
        StateName::AwaitingConfirmation,
        StateName::AwardPending,
        StateName::Awarded,
        StateName::Withdrawn,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            StateName::PendingPayment => "pending_payment",
            StateName::InProgress => "in_progress",
            StateName::Submitted => "submitted",
            StateName::RevisionRequested => "revision_requested",
            StateName::NotYet => "not_yet",
            StateName::CoachMeetingRequired => "coach_meeting_required",
            StateName::AwaitingConfirmation => "awaiting_confirmation",
            StateName::AwardPending => "award_pending",
            StateName::Awarded => "awarded",
            StateName::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        StateName::ALL.into_iter().find(|n| n.as_str() == s)
    }
    /// How a learner reads it.
    pub const fn label(self) -> &'static str {
        match self {
            StateName::PendingPayment => "Waiting for payment",
            StateName::InProgress => "In progress",
            StateName::Submitted => "Submitted for review",
            StateName::RevisionRequested => "Revision requested",
            StateName::NotYet => "Not yet",
            StateName::CoachMeetingRequired => "Meet with your coach",
            StateName::AwaitingConfirmation => "Awaiting the issuer's confirmation",
            StateName::AwardPending => "Award on its way",
            StateName::Awarded => "Awarded",
            StateName::Withdrawn => "Withdrawn",
        }
    }
    /// Whether evidence may still change.
    pub const fn editable(self) -> bool {
        matches!(
            self,
            StateName::PendingPayment | StateName::InProgress | StateName::RevisionRequested
        )
    }
}

/// Why a request does not fit the enrollment's state; shown to people.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Refused {
    #[error("This cannot be done while the micro-credential is “{}”.", .0.label())]
    WrongState(StateName),
    #[error("Some requirements are not met yet: {}", .0.join("; "))]
    Incomplete(Vec<String>),
}

/// The enrollment's state, with what each state needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    PendingPayment(PendingPayment),
    InProgress(InProgress),
    Submitted(Submitted),
    RevisionRequested(RevisionRequested),
    NotYet(NotYet),
    CoachMeetingRequired(CoachMeetingRequired),
    AwaitingConfirmation(AwaitingConfirmation),
    AwardPending(AwardPending),
    Awarded,
    Withdrawn,
}

/// Joined (or back after leaving), waiting for the organization to record
/// the payment. `attempts` counts submissions made before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingPayment {
    pub attempts: u32,
}
/// Collecting evidence. `attempts` counts earlier submissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InProgress {
    pub attempts: u32,
    pub feedback: Feedback,
}
/// Frozen and with the reviewers; `attempt` is 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub attempt: u32,
}
/// Back with the learner to revise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevisionRequested {
    pub attempts: u32,
}
/// Decided "not yet".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotYet {
    pub attempts: u32,
}
/// Out of attempts: the coach meets the learner before another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoachMeetingRequired {
    pub attempts: u32,
}
/// "Meets", waiting for the issuer to confirm with the coach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwaitingConfirmation;
/// Decided; the award is requested and waits for prerequisites or issuing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwardPending;

impl State {
    /// The state at joining: free (or already paid) ones start at once.
    pub fn joined(paid_or_free: bool) -> State {
        State::rejoined(paid_or_free, 0)
    }

    /// The state when coming back after leaving, with the submissions made
    /// before counted, so attempts keep their numbers.
    pub fn rejoined(paid_or_free: bool, attempts: u32) -> State {
        if paid_or_free {
            State::InProgress(InProgress {
                attempts,
                feedback: Feedback::None,
            })
        } else {
            State::PendingPayment(PendingPayment { attempts })
        }
    }

    /// Rebuilds a stored state.
    pub fn from_stored(name: StateName, attempts: u32, feedback: Feedback) -> State {
        match name {
            StateName::PendingPayment => State::PendingPayment(PendingPayment { attempts }),
            StateName::InProgress => State::InProgress(InProgress { attempts, feedback }),
            StateName::Submitted => State::Submitted(Submitted {
                attempt: attempts.max(1),
            }),
            StateName::RevisionRequested => {
                State::RevisionRequested(RevisionRequested { attempts })
            }
            StateName::NotYet => State::NotYet(NotYet { attempts }),
            StateName::CoachMeetingRequired => {
                State::CoachMeetingRequired(CoachMeetingRequired { attempts })
            }
            StateName::AwaitingConfirmation => State::AwaitingConfirmation(AwaitingConfirmation),
            StateName::AwardPending => State::AwardPending(AwardPending),
            StateName::Awarded => State::Awarded,
            StateName::Withdrawn => State::Withdrawn,
        }
    }

    pub const fn name(self) -> StateName {
        match self {
            State::PendingPayment(_) => StateName::PendingPayment,
            State::InProgress(_) => StateName::InProgress,
            State::Submitted(_) => StateName::Submitted,
            State::RevisionRequested(_) => StateName::RevisionRequested,
            State::NotYet(_) => StateName::NotYet,
            State::CoachMeetingRequired(_) => StateName::CoachMeetingRequired,
            State::AwaitingConfirmation(_) => StateName::AwaitingConfirmation,
            State::AwardPending(_) => StateName::AwardPending,
            State::Awarded => StateName::Awarded,
            State::Withdrawn => StateName::Withdrawn,
        }
    }

    /// Submissions made so far.
    pub const fn attempts(self) -> u32 {
        match self {
            State::InProgress(s) => s.attempts,
            State::PendingPayment(s) => s.attempts,
            State::Submitted(s) => s.attempt,
            State::RevisionRequested(RevisionRequested { attempts })
            | State::NotYet(NotYet { attempts })
            | State::CoachMeetingRequired(CoachMeetingRequired { attempts }) => attempts,
            _ => 0,
        }
    }

    /// The feedback flag (only meaningful in progress).
    pub const fn feedback(self) -> Feedback {
        match self {
            State::InProgress(s) => s.feedback,
            _ => Feedback::None,
        }
    }

    /// A refusal naming this state.
    pub fn refuse(self) -> Refused {
        Refused::WrongState(self.name())
    }

    /// Leaves the micro-credential; only while nothing is decided.
    pub fn withdraw(self) -> Result<State, Refused> {
        match self {
            State::Awarded | State::AwardPending(_) | State::Withdrawn => Err(self.refuse()),
            _ => Ok(State::Withdrawn),
        }
    }
}

impl PendingPayment {
    /// The organization recorded the payment (or a sponsor covered it).
    pub fn paid(self) -> State {
        State::rejoined(true, self.attempts)
    }
}

impl InProgress {
    pub fn request_feedback(self) -> State {
        State::InProgress(InProgress {
            feedback: Feedback::Requested,
            ..self
        })
    }

    /// The coach marks the work ready (whether or not it was asked).
    pub fn mark_ready(self) -> State {
        State::InProgress(InProgress {
            feedback: Feedback::Ready,
            ..self
        })
    }

    /// Freezes the evidence for review once every requirement is met;
    /// `unmet` names those that are not.
    pub fn submit(self, unmet: Vec<String>) -> Result<State, Refused> {
        submit(self.attempts, unmet)
    }
}

impl RevisionRequested {
    /// The revised evidence goes back to review.
    pub fn resubmit(self, unmet: Vec<String>) -> Result<State, Refused> {
        submit(self.attempts, unmet)
    }
}

fn submit(attempts: u32, unmet: Vec<String>) -> Result<State, Refused> {
    if unmet.is_empty() {
        Ok(State::Submitted(Submitted {
            attempt: attempts + 1,
        }))
    } else {
        Err(Refused::Incomplete(unmet))
    }
}

impl Submitted {
    /// The reviews settled on `decision`; `needs_confirmation` when the
    /// micro-credential wants the issuer to confirm with the coach.
    pub fn decided(self, decision: Decision, needs_confirmation: bool) -> State {
        match decision {
            Decision::Meets if needs_confirmation => {
                State::AwaitingConfirmation(AwaitingConfirmation)
            }
            Decision::Meets => State::AwardPending(AwardPending),
            Decision::Revise => State::RevisionRequested(RevisionRequested {
                attempts: self.attempt,
            }),
            Decision::NotYet => State::NotYet(NotYet {
                attempts: self.attempt,
            }),
        }
    }
}

impl NotYet {
    /// Starts another attempt, or asks for a coach meeting first when the
    /// policy's attempts are used up.
    pub fn try_again(self, policy: ReviewPolicy) -> State {
        match policy.max_attempts {
            Some(max) if self.attempts >= max => {
                State::CoachMeetingRequired(CoachMeetingRequired {
                    attempts: self.attempts,
                })
            }
            _ => State::InProgress(InProgress {
                attempts: self.attempts,
                feedback: Feedback::None,
            }),
        }
    }
}

impl CoachMeetingRequired {
    /// The coach met the learner: another attempt may start.
    pub fn meeting_held(self) -> State {
        State::InProgress(InProgress {
            attempts: self.attempts,
            feedback: Feedback::None,
        })
    }
}

impl AwaitingConfirmation {
    /// The issuer confirmed with the coach.
    pub fn confirm(self) -> State {
        State::AwardPending(AwardPending)
    }
}

impl AwardPending {
    /// The credential was issued.
    pub fn issued(self) -> State {
        State::Awarded
    }
}

/// Who can see an evidence item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Visibility {
    /// The learner, their coach and the reviewers.
    #[default]
    Private,
    /// Also the issuing organization's staff.
    Organization,
    /// Anyone, on the badge page after the award.
    Public,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Private,
        Visibility::Organization,
        Visibility::Public,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Organization => "organization",
            Visibility::Public => "public",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }
    pub const fn label(self) -> &'static str {
        match self {
            Visibility::Private => "Private: me, my coach and the reviewers",
            Visibility::Organization => "The issuing organization",
            Visibility::Public => "Public on my badge page, once awarded",
        }
    }
}

/// How someone stands to one enrollment; the strongest applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// No tie: sees only what is public, once awarded.
    Stranger,
    /// Staff of the issuing organization (author, coach or reviewer there
    /// without a tie to this learner).
    OrganizationStaff,
    /// A reviewer assigned to one of its submissions.
    Reviewer,
    /// The learner's coach (for this micro-credential or in general).
    Coach,
    /// An administrator of the issuing organization.
    OrganizationAdmin,
    /// The learner.
    Learner,
}

impl Relation {
    /// Whether this person may open the enrollment's page at all.
    pub const fn may_open(self) -> bool {
        !matches!(self, Relation::Stranger)
    }

    /// Whether this person may see an evidence item of this visibility;
    /// `awarded` once the credential is issued (public items then show on
    /// the badge page).
    pub const fn may_see(self, visibility: Visibility, awarded: bool) -> bool {
        match self {
            Relation::Learner | Relation::Coach | Relation::Reviewer => true,
            Relation::OrganizationAdmin | Relation::OrganizationStaff => {
                matches!(visibility, Visibility::Organization | Visibility::Public)
            }
            Relation::Stranger => awarded && matches!(visibility, Visibility::Public),
        }
    }

    /// Whether this person may write in the enrollment's threads.
    pub const fn may_comment(self) -> bool {
        matches!(
            self,
            Relation::Learner | Relation::Coach | Relation::Reviewer | Relation::OrganizationAdmin
        )
    }
}

/// Something a person can do to an enrollment from its page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    RequestFeedback,
    Submit,
    MarkReady,
    MeetingHeld,
    Confirm,
    TryAgain,
    Withdraw,
}

impl Move {
    pub const ALL: [Move; 7] = [
        Move::RequestFeedback,
        Move::Submit,
        Move::MarkReady,
        Move::MeetingHeld,
        Move::Confirm,
        Move::TryAgain,
        Move::Withdraw,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Move::RequestFeedback => "request_feedback",
            Move::Submit => "submit",
            Move::MarkReady => "ready",
            Move::MeetingHeld => "meeting_held",
            Move::Confirm => "confirm",
            Move::TryAgain => "try_again",
            Move::Withdraw => "withdraw",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Move::ALL.into_iter().find(|m| m.as_str() == s)
    }
    /// The button's words.
    pub const fn label(self) -> &'static str {
        match self {
            Move::RequestFeedback => "Request feedback from my coach",
            Move::Submit => "Submit for review",
            Move::MarkReady => "Mark ready to submit",
            Move::MeetingHeld => "We met: open another attempt",
            Move::Confirm => "Confirm the award (spoke with the coach)",
            Move::TryAgain => "Start another attempt",
            Move::Withdraw => "Leave",
        }
    }

    /// The moves `relation` can make from `state`: the ones the state
    /// machine has and the use cases allow that person.
    pub fn available(state: State, relation: Relation) -> Vec<Move> {
        let mut moves = Vec::new();
        match (relation, state) {
            (Relation::Learner, State::InProgress(_)) => {
                moves.extend([Move::RequestFeedback, Move::Submit]);
            }
            (Relation::Learner, State::RevisionRequested(_)) => moves.push(Move::Submit),
            (Relation::Learner, State::NotYet(_)) => moves.push(Move::TryAgain),
            (Relation::Coach, State::InProgress(_)) => moves.push(Move::MarkReady),
            (Relation::Coach, State::CoachMeetingRequired(_)) => moves.push(Move::MeetingHeld),
            (Relation::OrganizationAdmin, State::AwaitingConfirmation(_)) => {
                moves.push(Move::Confirm);
            }
            _ => {}
        }
        if relation == Relation::Learner && state.withdraw().is_ok() {
            moves.push(Move::Withdraw);
        }
        moves
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn in_progress() -> InProgress {
        InProgress {
            attempts: 0,
            feedback: Feedback::None,
        }
    }

    #[test]
    fn the_happy_path_needs_confirmation_when_asked() {
        let State::InProgress(s) = State::joined(true) else {
            panic!("free ones start at once")
        };
        let State::InProgress(s) = s.request_feedback() else {
            panic!("still in progress")
        };
        assert_eq!(s.feedback, Feedback::Requested);
        let State::InProgress(s) = s.mark_ready() else {
            panic!("still in progress")
        };
        let State::Submitted(sub) = s.submit(Vec::new()).expect("complete") else {
            panic!("submitted")
        };
        assert_eq!(sub.attempt, 1);
        let State::AwaitingConfirmation(a) = sub.decided(Decision::Meets, true) else {
            panic!("waits for confirmation")
        };
        let State::AwardPending(p) = a.confirm() else {
            panic!("award pending")
        };
        assert_eq!(p.issued(), State::Awarded);
        assert_eq!(
            sub.decided(Decision::Meets, false),
            State::AwardPending(AwardPending)
        );
    }

    #[test]
    fn paid_ones_wait_and_incomplete_work_cannot_be_submitted() {
        let State::PendingPayment(p) = State::joined(false) else {
            panic!("waits for payment")
        };
        assert_eq!(p.paid(), State::InProgress(in_progress()));
        let err = in_progress()
            .submit(vec!["Record a lesson: 0 of 1".into()])
            .expect_err("incomplete");
        assert!(err.to_string().contains("Record a lesson: 0 of 1"));
    }

    #[test]
    fn revisions_keep_counting_attempts_and_attempts_run_out() {
        let sub = Submitted { attempt: 1 };
        let State::RevisionRequested(r) = sub.decided(Decision::Revise, false) else {
            panic!("revise")
        };
        let State::Submitted(second) = r.resubmit(Vec::new()).expect("resubmit") else {
            panic!("submitted again")
        };
        assert_eq!(second.attempt, 2);
        let State::NotYet(n) = second.decided(Decision::NotYet, false) else {
            panic!("not yet")
        };
        let policy = ReviewPolicy {
            two_reviews: false,
            max_attempts: Some(2),
        };
        let State::CoachMeetingRequired(m) = n.try_again(policy) else {
            panic!("out of attempts")
        };
        assert_eq!(
            m.meeting_held(),
            State::InProgress(InProgress {
                attempts: 2,
                feedback: Feedback::None
            })
        );
        assert!(matches!(
            n.try_again(ReviewPolicy::default()),
            State::InProgress(_)
        ));
    }

    #[test]
    fn stored_states_round_trip_and_withdrawal_is_refused_once_decided() {
        for name in StateName::ALL {
            assert_eq!(StateName::parse(name.as_str()), Some(name));
            let state = State::from_stored(name, 2, Feedback::Ready);
            assert_eq!(state.name(), name);
        }
        assert_eq!(
            State::InProgress(in_progress()).withdraw(),
            Ok(State::Withdrawn)
        );
        let refused = State::AwardPending(AwardPending)
            .withdraw()
            .expect_err("decided");
        assert_eq!(
            refused.to_string(),
            "This cannot be done while the micro-credential is “Award on its way”."
        );
        assert!(StateName::InProgress.editable() && !StateName::Submitted.editable());
    }

    #[test]
    fn two_reviews_agree_or_a_third_settles_it() {
        use Decision::*;
        let one = ReviewPolicy::default();
        let two = ReviewPolicy {
            two_reviews: true,
            max_attempts: None,
        };
        assert_eq!(combine(&[], one), ReviewOutcome::NeedMore(1));
        assert_eq!(combine(&[Revise], one), ReviewOutcome::Decided(Revise));
        assert_eq!(combine(&[], two), ReviewOutcome::NeedMore(2));
        assert_eq!(combine(&[Meets], two), ReviewOutcome::NeedMore(1));
        assert_eq!(combine(&[Meets, Meets], two), ReviewOutcome::Decided(Meets));
        assert_eq!(combine(&[Meets, Revise], two), ReviewOutcome::NeedMore(1));
        assert_eq!(
            combine(&[Meets, Revise, Revise], two),
            ReviewOutcome::Decided(Revise)
        );
        assert_eq!(
            combine(&[Meets, Revise, Meets], two),
            ReviewOutcome::Decided(Meets)
        );
        assert_eq!(
            combine(&[Meets, Revise, NotYet], two),
            ReviewOutcome::Decided(NotYet)
        );
    }

    #[test]
    fn reviews_go_to_the_least_loaded_reviewer_who_is_not_the_coach() {
        let u = |n| UserId(Uuid::from_u128(n));
        let pool = [(u(1), 3), (u(2), 1), (u(3), 1)];
        assert_eq!(pick_reviewer(&pool, &HashSet::new()), Some(u(2)));
        assert_eq!(pick_reviewer(&pool, &HashSet::from([u(2)])), Some(u(3)));
        assert_eq!(
            pick_reviewer(&pool, &HashSet::from([u(1), u(2), u(3)])),
            None
        );
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
        }
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Feedback::parse("ready"), Some(Feedback::Ready));
    }

    #[test]
    fn private_evidence_stays_with_the_learner_coach_and_reviewers() {
        use Relation::*;
        use Visibility::*;
        for r in [Learner, Coach, Reviewer] {
            assert!(r.may_see(Private, false) && r.may_comment() && r.may_open());
        }
        for r in [OrganizationAdmin, OrganizationStaff] {
            assert!(!r.may_see(Private, true));
            assert!(r.may_see(Organization, false));
        }
        assert!(!Stranger.may_open());
        assert!(
            !Stranger.may_see(Public, false),
            "public only after the award"
        );
        assert!(Stranger.may_see(Public, true));
        assert!(!Stranger.may_see(Organization, true));
        assert!(!OrganizationStaff.may_comment() && OrganizationAdmin.may_comment());
        assert!(
            Learner > Coach && Coach > Reviewer,
            "the strongest tie wins"
        );
    }

    #[test]
    fn each_person_is_offered_only_the_moves_the_state_allows() {
        use Relation::*;
        let working = State::joined(true);
        assert_eq!(
            Move::available(working, Learner),
            vec![Move::RequestFeedback, Move::Submit, Move::Withdraw]
        );
        assert_eq!(Move::available(working, Coach), vec![Move::MarkReady]);
        assert!(Move::available(working, OrganizationAdmin).is_empty());
        assert_eq!(
            Move::available(State::joined(false), Learner),
            vec![Move::Withdraw],
            "nothing to submit before the payment"
        );
        assert_eq!(
            Move::available(
                State::AwaitingConfirmation(AwaitingConfirmation),
                OrganizationAdmin
            ),
            vec![Move::Confirm]
        );
        assert!(Move::available(State::AwardPending(AwardPending), Learner).is_empty());
        for m in Move::ALL {
            assert_eq!(Move::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn coming_back_keeps_counting_attempts() {
        let State::PendingPayment(p) = State::rejoined(false, 2) else {
            panic!("waits for payment")
        };
        assert_eq!(p.paid().attempts(), 2);
        let State::InProgress(s) = State::rejoined(true, 2) else {
            panic!("in progress")
        };
        let State::Submitted(next) = s.submit(Vec::new()).expect("complete") else {
            panic!("submitted")
        };
        assert_eq!(next.attempt, 3, "attempt numbers never repeat");
        assert_eq!(
            State::from_stored(StateName::PendingPayment, 2, Feedback::None).attempts(),
            2
        );
    }
}

use crate::enrollments::setup;
use crate::{id, t0};
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::enrollment::{Decision, ReviewPolicy, State};
use cairn_domain::organization::{OrganizationProfile, OrganizationProfileInput};
use cairn_domain::{
    AchievementId, AchievementVersionId, AwardRequestId, EnrollmentId, OrganizationId,
    PartnershipId, PartnershipInvitationId, ReviewId, SubmissionId, UserId,
};
use cairn_store::achievements::{NewAchievement, VersionContent};
use cairn_store::enrollments::{Funding, NewEnrollment};
use cairn_store::partnerships::{InviteeRole, Partnership, PartnershipInvitation};
use cairn_store::reviews::{Assignment, AwardRequest, AwardStatus, QueueRow, Review, Score};
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

async fn person(store: &Store, name: &str) -> UserId {
    store
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: name,
            password_hash: None,
            platform_admin: false,
            may_create_organizations: false,
            now: t0(),
        })
        .await
        .expect("user")
        .id
}

#[tokio::test]
async fn partnerships_start_from_invitations_answered_once() {
    each_backend(|store| async move {
        let (learner, achievement, _, _) = setup(&store).await;
        let coach = person(&store, "Caleb Coach").await;
        let invitation = PartnershipInvitation {
            id: PartnershipInvitationId(id()),
            invited_by: learner,
            email: "caleb@example.org".into(),
            invitee_role: InviteeRole::Coach,
            achievement_id: Some(achievement),
            created_at: t0(),
            expires_at: t0() + Duration::days(14),
            accepted_at: None,
            declined_at: None,
        };
        store
            .partnerships()
            .invite(&invitation, &"a".repeat(64))
            .await
            .expect("invite");
        assert_eq!(
            store
                .partnerships()
                .invitation_by_hash(&"a".repeat(64))
                .await
                .expect("get"),
            Some(invitation.clone())
        );
        assert_eq!(
            store
                .partnerships()
                .waiting_from(learner)
                .await
                .expect("waiting")
                .len(),
            1
        );
        assert!(
            store
                .partnerships()
                .answer(invitation.id, true, t0())
                .await
                .expect("accept")
        );
        assert!(
            !store
                .partnerships()
                .answer(invitation.id, false, t0())
                .await
                .expect("twice"),
            "answered once"
        );
        assert!(
            store
                .partnerships()
                .waiting_from(learner)
                .await
                .expect("waiting")
                .is_empty()
        );
        let general = Partnership {
            id: PartnershipId(id()),
            coach_id: coach,
            learner_id: learner,
            achievement_id: None,
            assigned_by_organization: None,
            created_at: t0(),
            ended_at: None,
        };
        store
            .partnerships()
            .insert(&general)
            .await
            .expect("partner");
        store
            .partnerships()
            .insert(&Partnership {
                id: PartnershipId(id()),
                achievement_id: Some(achievement),
                ..general.clone()
            })
            .await
            .expect("partner again");
        assert_eq!(
            store
                .partnerships()
                .coaches_for(learner, achievement)
                .await
                .expect("coaches"),
            vec![coach]
        );
        assert_eq!(
            store
                .partnerships()
                .of_coach(coach)
                .await
                .expect("learners")
                .len(),
            2
        );
        store
            .partnerships()
            .end(general.id, t0())
            .await
            .expect("end");
        assert_eq!(
            store
                .partnerships()
                .of_learner(learner)
                .await
                .expect("coaches")
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn reviews_are_assigned_completed_once_and_queued() {
    each_backend(|store| async move {
        let (learner, achievement, version, org) = setup(&store).await;
        let (rita, ravi) = (person(&store, "Rita").await, person(&store, "Ravi").await);
        assert_eq!(store.reviews().policy(org).await.expect("policy"), ReviewPolicy::default());
        let two = ReviewPolicy { two_reviews: true, max_attempts: Some(3) };
        store.reviews().set_policy(org, two).await.expect("set");
        store.reviews().set_policy(org, two).await.expect("set again");
        assert_eq!(store.reviews().policy(org).await.expect("policy"), two);

        let e = store.enrollments().insert(NewEnrollment { id: EnrollmentId(id()), user_id: learner, achievement_id: achievement, version_id: version, organization_id: org, state: State::joined(true), funding: Funding::Free, now: t0() }).await.expect("enroll");
        let sub = store.enrollments().freeze(SubmissionId(id()), e.id, 1, t0()).await.expect("freeze");
        let assign = |reviewer, n: i64| Assignment { id: ReviewId(id()), submission_id: sub.id, organization_id: org, department_id: None, reviewer_id: reviewer, assigned_by: None, now: t0() + Duration::minutes(n) };
        let first = store.reviews().assign(assign(rita, 0)).await.expect("assign");
        store.reviews().assign(assign(ravi, 1)).await.expect("assign");
        let dup = store.reviews().assign(assign(rita, 2)).await.expect_err("twice");
        assert!(matches!(&dup, StoreError::Conflict { constraint } if constraint == "ux_reviews_submission_reviewer"), "{dup:?}");
        assert_eq!(store.reviews().open_counts(&[rita, ravi, learner]).await.expect("counts"), vec![(rita, 1), (ravi, 1), (learner, 0)]);
        let scores = vec![Score { level: 2, comment: "Every step".into() }];
        assert!(store.reviews().complete(first.id, Decision::Revise, &scores, "Add a second lesson", t0()).await.expect("complete"));
        assert!(!store.reviews().complete(first.id, Decision::Meets, &[], "", t0()).await.expect("twice"), "completed once");
        let done = store.reviews().get(first.id).await.expect("get").expect("exists");
        assert_eq!((done.decision, done.scores, done.feedback.as_str()), (Some(Decision::Revise), scores, "Add a second lesson"));
        assert_eq!(store.reviews().open_for_reviewer(rita, 0, 10).await.expect("queue").1, 0);
        let (queue, total) = store.reviews().open_for_organization(org, None, 0, 10).await.expect("queue");
        assert_eq!((queue.len(), total, queue[0].reviewer_id), (1, 1, ravi));
        assert!(store.reviews().reviews_enrollment(rita, e.id).await.expect("ties"));
        assert!(!store.reviews().reviews_enrollment(learner, e.id).await.expect("ties"));
        assert_eq!(store.reviews().of_submission(sub.id).await.expect("reviews").len(), 2);

        let request = AwardRequest { id: AwardRequestId(id()), enrollment_id: e.id, submission_id: sub.id, status: AwardStatus::WaitingForPrerequisites, created_at: t0(), updated_at: t0() };
        store.reviews().request_award(&request).await.expect("request");
        store.reviews().set_award_status(request.id, AwardStatus::Ready, t0()).await.expect("ready");
        assert_eq!(store.reviews().award_request(e.id).await.expect("get").map(|r| r.status), Some(AwardStatus::Ready));
        assert_eq!(store.reviews().award_requests(AwardStatus::Ready).await.expect("list").len(), 1);
    })
    .await;
}

/// A second organization with one micro-credential, for the queue's
/// organization filter.
async fn other_organization(
    store: &Store,
    creator: UserId,
) -> (OrganizationId, AchievementId, AchievementVersionId) {
    let profile = OrganizationProfile::parse(&OrganizationProfileInput {
        name: "Cooperative",
        website: "",
        contact_email: "",
        description: "",
    })
    .expect("profile");
    let org = store
        .organizations()
        .insert(OrganizationId(id()), "cooperative", &profile, creator, t0())
        .await
        .expect("org")
        .id;
    let fields = AchievementFields::parse(&AchievementInput {
        title: "Restorative Circles",
        summary: "s",
        competency: "c",
        criteria: "k",
        ..AchievementInput::default()
    })
    .expect("fields");
    let version = AchievementVersionId(id());
    let achievement = store
        .achievements()
        .insert(NewAchievement {
            id: AchievementId(id()),
            version_id: version,
            organization_id: org,
            department_id: None,
            level_id: None,
            slug: "circles",
            content: VersionContent {
                fields: &fields,
                rubric: None,
                rubric_template_id: None,
                requirements: &[],
            },
            created_by: creator,
            now: t0(),
        })
        .await
        .expect("achievement")
        .id;
    (org, achievement, version)
}

#[tokio::test]
async fn the_queue_lists_one_organizations_open_reviews_oldest_first_with_names_and_attempts() {
    each_backend(|store| async move {
        let (lena, achievement, version, org) = setup(&store).await;
        let leo = person(&store, "Leo Learner").await;
        let (rita, ravi) = (
            person(&store, "Rita Reviewer").await,
            person(&store, "Ravi Reviewer").await,
        );
        let (other, other_achievement, other_version) = other_organization(&store, lena).await;
        let enroll = |user, achievement, version, organization| NewEnrollment {
            id: EnrollmentId(id()),
            user_id: user,
            achievement_id: achievement,
            version_id: version,
            organization_id: organization,
            state: State::joined(true),
            funding: Funding::Free,
            now: t0(),
        };
        let assign = |submission, organization, reviewer, minutes: i64| Assignment {
            id: ReviewId(id()),
            submission_id: submission,
            organization_id: organization,
            department_id: None,
            reviewer_id: reviewer,
            assigned_by: None,
            now: t0() + Duration::minutes(minutes),
        };
        let reviews = store.reviews();

        // Lena's second attempt, reviewed by both at the same moment; her
        // first was reviewed and decided (that review is closed).
        let lenas = store
            .enrollments()
            .insert(enroll(lena, achievement, version, org))
            .await
            .expect("enroll");
        let first = store
            .enrollments()
            .freeze(SubmissionId(id()), lenas.id, 1, t0())
            .await
            .expect("freeze");
        let closed = reviews
            .assign(assign(first.id, org, rita, 0))
            .await
            .expect("assign");
        assert!(
            reviews
                .complete(closed.id, Decision::Revise, &[], "Add a lesson", t0())
                .await
                .expect("complete")
        );
        let second = store
            .enrollments()
            .freeze(SubmissionId(id()), lenas.id, 2, t0() + Duration::hours(1))
            .await
            .expect("freeze");
        let by_rita = reviews
            .assign(assign(second.id, org, rita, 60))
            .await
            .expect("assign");
        let by_ravi = reviews
            .assign(assign(second.id, org, ravi, 60))
            .await
            .expect("assign");
        // Leo's first attempt, assigned earlier than Lena's second.
        let leos = store
            .enrollments()
            .insert(enroll(leo, achievement, version, org))
            .await
            .expect("enroll");
        let leos_first = store
            .enrollments()
            .freeze(SubmissionId(id()), leos.id, 1, t0())
            .await
            .expect("freeze");
        let leo_by_ravi = reviews
            .assign(assign(leos_first.id, org, ravi, 30))
            .await
            .expect("assign");
        // Rita also reviews in another organization, earliest of all.
        let elsewhere = store
            .enrollments()
            .insert(enroll(leo, other_achievement, other_version, other))
            .await
            .expect("enroll");
        let elsewhere_first = store
            .enrollments()
            .freeze(SubmissionId(id()), elsewhere.id, 1, t0())
            .await
            .expect("freeze");
        let elsewhere_by_rita = reviews
            .assign(assign(elsewhere_first.id, other, rita, -60))
            .await
            .expect("assign");

        let row = |review: &Review,
                   enrollment: EnrollmentId,
                   attempt,
                   title: &str,
                   learner: &str,
                   reviewer: &str| QueueRow {
            review: review.clone(),
            enrollment_id: enrollment,
            attempt,
            title: title.to_owned(),
            learner: learner.to_owned(),
            reviewer: reviewer.to_owned(),
        };
        let leo_row = row(
            &leo_by_ravi,
            leos.id,
            1,
            "Check-In/Check-Out",
            "Leo Learner",
            "Ravi Reviewer",
        );
        let rita_row = row(
            &by_rita,
            lenas.id,
            2,
            "Check-In/Check-Out",
            "Lena Learner",
            "Rita Reviewer",
        );
        let ravi_row = row(
            &by_ravi,
            lenas.id,
            2,
            "Check-In/Check-Out",
            "Lena Learner",
            "Ravi Reviewer",
        );
        // Assigned at the same moment: the review id settles the order.
        let mut same_time = vec![rita_row.clone(), ravi_row.clone()];
        same_time.sort_by_key(|r| r.review.id.0);
        let everything: Vec<QueueRow> = std::iter::once(leo_row.clone()).chain(same_time).collect();

        assert_eq!(
            reviews.queue(org, None, 0, 50).await.expect("queue"),
            (everything.clone(), 3)
        );
        assert_eq!(
            reviews.queue(org, None, 1, 1).await.expect("page 2"),
            (vec![everything[1].clone()], 3)
        );
        assert_eq!(
            reviews.queue(org, None, 2, 50).await.expect("last page"),
            (vec![everything[2].clone()], 3)
        );
        assert_eq!(
            reviews.queue(org, None, 3, 50).await.expect("past the end"),
            (vec![], 3)
        );
        // A reviewer's queue is theirs in this organization only.
        assert_eq!(
            reviews.queue(org, Some(rita), 0, 50).await.expect("rita"),
            (vec![rita_row], 1)
        );
        assert_eq!(
            reviews.queue(org, Some(ravi), 0, 50).await.expect("ravi"),
            (vec![leo_row, ravi_row], 2)
        );
        assert_eq!(
            reviews
                .queue(other, Some(rita), 0, 50)
                .await
                .expect("rita elsewhere"),
            (
                vec![row(
                    &elsewhere_by_rita,
                    elsewhere.id,
                    1,
                    "Restorative Circles",
                    "Leo Learner",
                    "Rita Reviewer"
                )],
                1
            )
        );
        assert_eq!(
            reviews
                .queue(other, Some(ravi), 0, 50)
                .await
                .expect("ravi elsewhere"),
            (vec![], 0)
        );
        assert_eq!(
            reviews
                .queue(org, Some(lena), 0, 50)
                .await
                .expect("not a reviewer"),
            (vec![], 0)
        );

        // Completing a review takes it off the queue.
        assert!(
            reviews
                .complete(by_rita.id, Decision::Meets, &[], "", t0())
                .await
                .expect("complete")
        );
        let (rows, total) = reviews.queue(org, None, 0, 50).await.expect("queue");
        assert_eq!(total, 2);
        assert_eq!(
            rows.iter().map(|r| r.review.id).collect::<Vec<_>>(),
            vec![leo_by_ravi.id, by_ravi.id]
        );
    })
    .await;
}

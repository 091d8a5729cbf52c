use crate::enrollments::setup;
use crate::{id, t0};
use cairn_domain::enrollment::{Decision, ReviewPolicy, State};
use cairn_domain::{
    AwardRequestId, EnrollmentId, PartnershipId, PartnershipInvitationId, ReviewId, SubmissionId,
    UserId,
};
use cairn_store::enrollments::{Funding, NewEnrollment};
use cairn_store::partnerships::{InviteeRole, Partnership, PartnershipInvitation};
use cairn_store::reviews::{Assignment, AwardRequest, AwardStatus, Score};
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

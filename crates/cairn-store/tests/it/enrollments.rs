use crate::{id, t0};
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::achievement::requirement::EvidenceKind;
use cairn_domain::enrollment::{Decision, Feedback, InProgress, State, StateName, Visibility};
use cairn_domain::organization::{OrganizationProfile, OrganizationProfileInput};
use cairn_domain::{
    AchievementId, AchievementVersionId, CommentId, EnrollmentId, EvidenceId, NotificationId,
    OrganizationId, SubmissionId, UserId,
};
use cairn_store::achievements::{NewAchievement, VersionContent};
use cairn_store::enrollments::{
    Comment, Evidence, EvidenceContent, Funding, NewEnrollment, Notification,
};
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

pub async fn setup(store: &Store) -> (UserId, AchievementId, AchievementVersionId, OrganizationId) {
    let user = store
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: "Lena Learner",
            password_hash: None,
            platform_admin: false,
            may_create_organizations: true,
            now: t0(),
        })
        .await
        .expect("user")
        .id;
    let profile = OrganizationProfile::parse(&OrganizationProfileInput {
        name: "District",
        website: "",
        contact_email: "",
        description: "",
    })
    .expect("profile");
    let org = store
        .organizations()
        .insert(OrganizationId(id()), "district", &profile, user, t0())
        .await
        .expect("org")
        .id;
    let fields = AchievementFields::parse(&AchievementInput {
        title: "Check-In/Check-Out",
        summary: "s",
        competency: "c",
        criteria: "k",
        ..AchievementInput::default()
    })
    .expect("fields");
    let version = AchievementVersionId(id());
    let tx = store.begin().await.expect("begin");
    let a = tx
        .achievements()
        .insert(NewAchievement {
            id: AchievementId(id()),
            version_id: version,
            organization_id: org,
            department_id: None,
            level_id: None,
            slug: "cico",
            content: VersionContent {
                fields: &fields,
                rubric: None,
                rubric_template_id: None,
                requirements: &[],
            },
            created_by: user,
            now: t0(),
        })
        .await
        .expect("achievement");
    tx.commit().await.expect("commit");
    (user, a.id, version, org)
}

#[tokio::test]
async fn an_enrollment_moves_by_its_lock_and_freezes_its_evidence() {
    each_backend(|store| async move {
        let (user, achievement, version, org) = setup(&store).await;
        let e = store
            .enrollments()
            .insert(NewEnrollment {
                id: EnrollmentId(id()),
                user_id: user,
                achievement_id: achievement,
                version_id: version,
                organization_id: org,
                state: State::joined(true),
                funding: Funding::Free,
                now: t0(),
            })
            .await
            .expect("enroll");
        assert_eq!((e.state.name(), e.lock_version), (StateName::InProgress, 1));
        let dup = store
            .enrollments()
            .insert(NewEnrollment { id: EnrollmentId(id()), user_id: user, achievement_id: achievement, version_id: version, organization_id: org, state: State::joined(true), funding: Funding::Free, now: t0() })
            .await
            .expect_err("one enrollment per micro-credential");
        assert!(matches!(&dup, StoreError::Conflict { constraint } if constraint == "ux_enrollments_user_achievement"), "{dup:?}");

        let video = Evidence {
            id: EvidenceId(id()),
            enrollment_id: e.id,
            requirement_index: 0,
            kind: EvidenceKind::Video,
            title: "Lesson".into(),
            content: EvidenceContent::File { key: "evidence/x.mp4".into(), file_name: "lesson.mp4".into(), media_type: "video/mp4".into(), size_bytes: 524_288_000, sha256: "ab".repeat(32) },
            visibility: Visibility::Private,
            created_at: t0(),
            updated_at: t0(),
        };
        let reflection = Evidence {
            id: EvidenceId(id()),
            kind: EvidenceKind::Reflection,
            requirement_index: 1,
            title: "What changed".into(),
            content: EvidenceContent::Reflection { markdown: "# Ünïcode <b>".into() },
            ..video.clone()
        };
        store.enrollments().add_evidence(&video).await.expect("video");
        store.enrollments().add_evidence(&reflection).await.expect("reflection");
        store.enrollments().update_evidence(reflection.id, "Reflection", Visibility::Public, Some("Revised"), t0() + Duration::minutes(1)).await.expect("update");
        store.enrollments().set_tick(e.id, 0, 1, true, t0()).await.expect("tick");
        store.enrollments().set_tick(e.id, 0, 1, true, t0()).await.expect("tick twice");
        store.enrollments().set_tick(e.id, 0, 0, true, t0()).await.expect("tick");
        store.enrollments().set_tick(e.id, 0, 0, false, t0()).await.expect("untick");
        assert_eq!(store.enrollments().ticks(e.id).await.expect("ticks"), vec![(0, 1)]);
        let items = store.enrollments().evidence(e.id).await.expect("evidence");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], video);
        assert_eq!(items[1].content, EvidenceContent::Reflection { markdown: "Revised".into() });
        assert_eq!(items[1].visibility, Visibility::Public);

        let State::InProgress(s) = e.state else { panic!("in progress") };
        let submitted = s.submit(Vec::new()).expect("complete");
        let tx = store.begin().await.expect("begin");
        tx.enrollments().transition(e.id, 1, submitted, t0() + Duration::hours(1)).await.expect("submit");
        let frozen = tx.enrollments().freeze(SubmissionId(id()), e.id, 1, t0() + Duration::hours(1)).await.expect("freeze");
        tx.commit().await.expect("commit");
        let stale = store.enrollments().transition(e.id, 1, State::Withdrawn, t0()).await.expect_err("stale");
        assert!(matches!(stale, StoreError::Stale), "{stale:?}");

        // Editing after a submission does not change what was submitted.
        store.enrollments().remove_evidence(video.id).await.expect("remove");
        let subs = store.enrollments().submissions(e.id).await.expect("submissions");
        assert_eq!(subs, vec![frozen.clone()]);
        assert_eq!(subs[0].snapshot.evidence.len(), 2);
        assert_eq!(subs[0].snapshot.ticks, vec![(0, 1)]);
        assert!(store.enrollments().file_is_frozen(e.id, "evidence/x.mp4").await.expect("frozen"));
        assert!(!store.enrollments().file_is_frozen(e.id, "evidence/other.mp4").await.expect("frozen"));
        store.enrollments().decide_submission(frozen.id, Decision::Revise, t0()).await.expect("decide");
        let loaded = store.enrollments().get(e.id).await.expect("get").expect("exists");
        assert_eq!((loaded.state.name(), loaded.state.attempts(), loaded.lock_version), (StateName::Submitted, 1, 2));
        assert_eq!(loaded.submitted_at, Some(t0() + Duration::hours(1)));
        assert_eq!(store.enrollments().submissions(e.id).await.expect("subs")[0].outcome, Some(Decision::Revise));
        assert_eq!(State::InProgress(InProgress { attempts: 0, feedback: Feedback::None }).feedback(), Feedback::None);

        store.enrollments().add_comment(&Comment { id: CommentId(id()), enrollment_id: e.id, evidence_id: Some(reflection.id), author_id: user, body: "Nice".into(), created_at: t0() }).await.expect("comment");
        assert_eq!(store.enrollments().comments(e.id).await.expect("comments").len(), 1);
        store.enrollments().notify(&Notification { id: NotificationId(id()), user_id: user, kind: "comment".into(), message: "A comment".into(), link: "/x".into(), created_at: t0(), read_at: None }).await.expect("notify");
        assert_eq!(store.enrollments().unread(user).await.expect("unread"), 1);
        store.enrollments().mark_read(user, t0()).await.expect("read");
        assert_eq!(store.enrollments().unread(user).await.expect("unread"), 0);
        assert_eq!(store.enrollments().notifications(user, 10).await.expect("list").len(), 1);
        assert_eq!(store.enrollments().for_learner(user).await.expect("mine").len(), 1);
        assert!(store.enrollments().of_learner(user, achievement).await.expect("mine").is_some());
    })
    .await;
}

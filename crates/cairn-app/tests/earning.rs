//! The earning workflow through the use cases, on the demo content: a
//! learner joins, gathers evidence with a coach, submits; a reviewer asks
//! for a revision, then finds it meets the criteria; the award is requested.
//! Runs on SQLite and, with `CAIRN_TEST_POSTGRES_URL`, on PostgreSQL.

use cairn_app::accounts::Principal;
use cairn_app::catalog::CatalogSearch;
use cairn_app::domain::achievement::requirement::EvidenceKind;
use cairn_app::domain::enrollment::{Decision, Relation, StateName, Visibility};
use cairn_app::domain::{PartnershipId, UserId};
use cairn_app::store::Repos;
use cairn_app::store::partnerships::Partnership;
use cairn_app::store::reviews::{AwardStatus, Score};
use cairn_app::{App, AppError, RequestMeta};
use cairn_test_support::earning::{demo_principal as principal, fill_every_requirement};
use cairn_test_support::{TestApp, each_database};

async fn lock(app: &App, p: &Principal, id: cairn_app::domain::EnrollmentId) -> u32 {
    app.enrollment_view(p, id)
        .await
        .expect("view")
        .enrollment
        .lock_version
}

#[tokio::test]
async fn a_learner_earns_a_micro_credential_with_a_coach_and_a_revision() {
    each_database(|_, url| async move {
        let test = TestApp::builder().database_url(&url).start().await;
        let app = &test.app;
        app.load_demo().await.expect("demo");
        let meta = RequestMeta::default();
        let (lena, casey, riley, leo) = (
            principal(app, "lena.learner").await,
            principal(app, "casey.coach").await,
            principal(app, "riley.reviewer").await,
            principal(app, "leo.learner").await,
        );
        let found = app
            .catalog(&CatalogSearch {
                organization: "meadowlark-usd",
                price: "free",
                ..CatalogSearch::default()
            })
            .await
            .expect("catalog");
        let achievement = found
            .entries
            .first()
            .expect("a free district micro-credential")
            .achievement
            .clone();

        let e = app
            .join_free(&lena, achievement.id, &meta)
            .await
            .expect("join");
        assert_eq!(e.state.name(), StateName::InProgress);
        let again = app
            .join_free(&lena, achievement.id, &meta)
            .await
            .expect_err("once");
        assert!(matches!(again, AppError::Conflict { .. }), "{again:?}");

        // Without a coach there is nobody to ask for feedback.
        let refused = app
            .request_feedback(&lena, e.id, e.lock_version, &meta)
            .await
            .expect_err("no coach");
        assert!(
            refused.to_string().contains("Invite a coach first"),
            "{refused}"
        );
        let tx = app.store().begin().await.expect("begin");
        tx.partnerships()
            .insert(&Partnership {
                id: PartnershipId(uuid::Uuid::now_v7()),
                coach_id: casey.user.id,
                learner_id: lena.user.id,
                achievement_id: None,
                assigned_by_organization: None,
                created_at: app.now(),
                ended_at: None,
            })
            .await
            .expect("partner");
        tx.commit().await.expect("commit");

        // A stranger cannot even see the enrollment; the coach can.
        assert!(matches!(
            app.enrollment_view(&leo, e.id).await,
            Err(AppError::NotFound(_))
        ));
        assert_eq!(
            app.enrollment_view(&casey, e.id)
                .await
                .expect("coach view")
                .relation,
            Relation::Coach
        );

        // Submitting before every requirement is met is refused, naming what is missing.
        let view = app.enrollment_view(&lena, e.id).await.expect("view");
        let early = app
            .submit(&lena, e.id, view.enrollment.lock_version, &meta)
            .await
            .expect_err("incomplete");
        assert!(
            early
                .to_string()
                .contains("Some requirements are not met yet"),
            "{early}"
        );

        fill_every_requirement(app, &lena, e.id, Visibility::Private).await;
        let bad = app
            .add_evidence(
                &lena,
                e.id,
                0,
                EvidenceKind::Link,
                "x",
                "javascript:alert(1)",
                Visibility::Private,
                &meta,
            )
            .await;
        assert!(bad.is_err(), "only web links");
        let view = app.enrollment_view(&lena, e.id).await.expect("view");
        let script = futures::stream::iter(vec![Ok::<_, std::io::Error>(
            bytes::Bytes::from_static(b"<svg onload=alert(1)>"),
        )]);
        let svg = app
            .add_file_evidence(
                &lena,
                e.id,
                1,
                "",
                "x.png",
                Visibility::Private,
                script,
                &meta,
            )
            .await
            .expect_err("svg");
        assert!(
            svg.to_string().contains("SVG files are not accepted"),
            "{svg}"
        );
        assert!(
            view.complete(),
            "every requirement met: {:?}",
            view.progress
        );

        app.request_feedback(&lena, e.id, view.enrollment.lock_version, &meta)
            .await
            .expect("feedback");
        app.mark_ready(&casey, e.id, lock(app, &lena, e.id).await, &meta)
            .await
            .expect("ready");
        app.comment(&casey, e.id, None, "Looks ready — submit it.", &meta)
            .await
            .expect("comment");
        assert!(
            app.unread_notifications(&lena).await.expect("unread") >= 2,
            "ready and the comment"
        );

        let first = app
            .submit(&lena, e.id, lock(app, &lena, e.id).await, &meta)
            .await
            .expect("submit");
        assert_eq!(first.attempt, 1);
        let stuck = app
            .add_evidence(
                &lena,
                e.id,
                0,
                EvidenceKind::Link,
                "late",
                "https://example.org",
                Visibility::Private,
                &meta,
            )
            .await
            .expect_err("frozen");
        assert!(
            stuck.to_string().contains("Submitted for review"),
            "{stuck}"
        );

        // The reviewer (never the coach) finds it in their queue and asks for a revision.
        let reviewer_view = app
            .enrollment_view(&riley, e.id)
            .await
            .expect("reviewer view");
        assert_eq!(reviewer_view.relation, Relation::Reviewer);
        let review = reviewer_view.my_open_review.expect("assigned to Riley");
        let criteria = view
            .version
            .rubric
            .as_ref()
            .map_or(0, |r| r.criteria().len());
        let scores = |level| {
            (0..criteria)
                .map(|_| Score {
                    level,
                    comment: "Seen in the lesson".into(),
                })
                .collect::<Vec<_>>()
        };
        let empty = app
            .complete_review(&riley, review.id, scores(0), "", Decision::Revise, &meta)
            .await
            .expect_err("feedback needed");
        assert!(matches!(empty, AppError::Invalid(_)));
        app.complete_review(
            &riley,
            review.id,
            scores(0),
            "Show a second class.",
            Decision::Revise,
            &meta,
        )
        .await
        .expect("revise");
        assert_eq!(
            app.enrollment_view(&lena, e.id)
                .await
                .expect("view")
                .enrollment
                .state
                .name(),
            StateName::RevisionRequested
        );

        // The learner revises and resubmits; the history keeps both attempts.
        app.add_evidence(
            &lena,
            e.id,
            0,
            view.version.requirements[0]
                .requirement
                .kinds
                .iter()
                .copied()
                .find(|k| matches!(k, EvidenceKind::Reflection | EvidenceKind::Link))
                .unwrap_or(EvidenceKind::Link),
            "Second class",
            "https://video.example.org/second",
            Visibility::Organization,
            &meta,
        )
        .await
        .expect("revision evidence");
        let second = app
            .submit(&lena, e.id, lock(app, &lena, e.id).await, &meta)
            .await
            .expect("resubmit");
        assert_eq!(second.attempt, 2);
        let review = app
            .enrollment_view(&riley, e.id)
            .await
            .expect("view")
            .my_open_review
            .expect("assigned again");
        let levels = view.version.rubric.as_ref().map_or(1, |r| r.levels().len());
        app.complete_review(
            &riley,
            review.id,
            scores(levels - 1),
            "Strong work.",
            Decision::Meets,
            &meta,
        )
        .await
        .expect("meets");
        let done = app.enrollment_view(&lena, e.id).await.expect("view");
        assert_eq!(done.enrollment.state.name(), StateName::AwardPending);
        assert_eq!(done.submissions.len(), 2);
        assert_eq!(done.submissions[0].0.outcome, Some(Decision::Revise));
        let request = app
            .store()
            .reviews()
            .award_request(e.id)
            .await
            .expect("request")
            .expect("an award request");
        assert_eq!(request.status, AwardStatus::Ready);
        assert_ne!(
            review.reviewer_id,
            UserId(casey.user.id.0),
            "the coach never reviews"
        );

        // The job queue issues the award: once, signed, verifiable, with the
        // enrollment awarded and the earner told by email, badge attached.
        app.run_pending_jobs().await.expect("jobs");
        let awarded = app.enrollment_view(&lena, e.id).await.expect("view");
        assert_eq!(awarded.enrollment.state.name(), StateName::Awarded);
        let award_id = app
            .issue_request(request.id)
            .await
            .expect("issue again")
            .expect("the award");
        let award = app
            .store()
            .awards()
            .get(award_id)
            .await
            .expect("award")
            .expect("stored");
        assert_eq!(award.user_id, Some(lena.user.id));
        assert_eq!(
            app.store()
                .awards()
                .of_user(lena.user.id)
                .await
                .expect("awards")
                .len(),
            1,
            "issuing twice awards once"
        );
        let report = app.verify_award(award_id).await.expect("report");
        assert!(report.verified(), "{:#?}", report.checks);
        let credential: serde_json::Value = serde_json::from_str(&award.credential).expect("json");
        assert_eq!(
            credential["id"].as_str(),
            Some(app.badge_url(award_id).as_str())
        );
        assert_eq!(
            credential["credentialSubject"]["result"]
                .as_array()
                .map(Vec::len),
            view.version.rubric.as_ref().map(|r| r.criteria().len()),
            "one result per rubric criterion"
        );
        let baked = app
            .blobs()
            .get(award.png_key.as_deref().expect("baked"))
            .await
            .expect("png");
        let unbaked = cairn_app::credentials::bake::unbake(&baked).expect("a baked PNG");
        assert!(unbaked.payload.as_str().contains(&award_id.to_string()));
        let outbox = std::fs::read_dir(test.outbox())
            .expect("outbox")
            .filter_map(Result::ok)
            .filter_map(|f| std::fs::read_to_string(f.path()).ok())
            .find(|m| m.contains("Content-Disposition: attachment"))
            .expect("the award email, with the badge attached");
        assert!(
            outbox.contains("lena.learner@demo.cairn.test")
                && outbox.contains(&format!("{}.png", achievement.slug)),
            "{outbox}"
        );
        assert_eq!(
            app.store()
                .achievements()
                .get(achievement.id)
                .await
                .expect("achievement")
                .expect("stored")
                .awards_count,
            1
        );
        let hosted = app.ob2_assertion(award_id).await.expect("assertion");
        assert_eq!(hosted["verification"]["type"], "hosted");
        assert!(hosted.get("revoked").is_none());

        // Renewal: a new credential under the current version, linked
        // from the old one; asking twice gives the same renewal.
        let dana = principal(app, "dana.director").await;
        let refused = app
            .renew_award(&lena, award_id, &meta)
            .await
            .expect_err("the issuer renews");
        assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
        let renewal = app
            .renew_award(&dana, award_id, &meta)
            .await
            .expect("renew");
        assert_ne!(renewal, award_id);
        assert_eq!(
            app.renew_award(&dana, award_id, &meta)
                .await
                .expect("again"),
            renewal
        );
        let old = app
            .store()
            .awards()
            .get(award_id)
            .await
            .expect("old")
            .expect("kept");
        assert_eq!(old.renewed_by_id, Some(renewal));
        let new = app
            .store()
            .awards()
            .get(renewal)
            .await
            .expect("new")
            .expect("stored");
        assert_eq!(new.renews_id, Some(award_id));
        assert_eq!(new.user_id, Some(lena.user.id));
        assert!(app.verify_award(renewal).await.expect("report").verified());

        // Revocation: administrators only, with a reason; the status list
        // and the hosted assertion say so, and verification fails.
        let refused = app
            .revoke_award(&riley, award_id, "Issued in error", &meta)
            .await
            .expect_err("reviewers do not revoke");
        assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
        let blank = app
            .revoke_award(&dana, award_id, "  ", &meta)
            .await
            .expect_err("a reason is needed");
        assert!(matches!(blank, AppError::Invalid(_)), "{blank:?}");
        app.revoke_award(&dana, award_id, "Issued in error", &meta)
            .await
            .expect("revoke");
        let report = app.verify_award(award_id).await.expect("report");
        assert!(!report.verified());
        assert_eq!(
            report.check("revocation").map(|c| c.outcome),
            Some(cairn_app::credentials::verify::Outcome::Failed),
            "{:#?}",
            report.checks
        );
        let hosted = app.ob2_assertion(award_id).await.expect("assertion");
        assert_eq!(hosted["revoked"], true);
        assert_eq!(hosted["revocationReason"], "Issued in error");
        let again = app
            .revoke_award(&dana, award_id, "Twice", &meta)
            .await
            .expect_err("once");
        assert!(matches!(again, AppError::Conflict { .. }), "{again:?}");
        test.finish().await;
    })
    .await;
}

#[tokio::test]
async fn paid_micro_credentials_are_joined_with_a_code_once_or_by_paying() {
    each_database(|_, url| async move {
        let test = TestApp::builder().database_url(&url).start().await;
        let app = &test.app;
        app.load_demo().await.expect("demo");
        let meta = RequestMeta::default();
        let (lee, leo, lena) = (
            principal(app, "lee.leader").await,
            principal(app, "leo.learner").await,
            principal(app, "lena.learner").await,
        );
        let paid = app
            .catalog(&CatalogSearch {
                organization: "cottonwood-coop",
                price: "paid",
                ..CatalogSearch::default()
            })
            .await
            .expect("catalog");
        let capstone = paid
            .entries
            .iter()
            .map(|e| e.achievement.clone())
            .find(|a| a.sponsorable)
            .expect("a sponsorable paid micro-credential");
        let free_join = app
            .join_free(&leo, capstone.id, &meta)
            .await
            .expect_err("not free");
        assert!(
            free_join.to_string().contains("is not free")
                || matches!(free_join, AppError::Invalid(_))
        );

        let sponsorship = app
            .create_sponsorship(
                &lee,
                "cottonwood-coop",
                cairn_app::sponsorships::SponsorshipInput {
                    name: "Title II grant",
                    seats: "1",
                    expires_on: "",
                    covers: vec![capstone.id],
                },
                &meta,
            )
            .await
            .expect("sponsorship");
        let codes = app
            .generate_sponsor_codes(&lee, "cottonwood-coop", sponsorship.id, 2, &meta)
            .await
            .expect("codes");
        let typed = codes[0].code.to_lowercase();
        let bad = app
            .join_with_code(&leo, capstone.id, "NOPE-NOPE-NOPE", &meta)
            .await
            .expect_err("unknown");
        assert!(bad.to_string().contains("not valid"), "{bad}");
        let e = app
            .join_with_code(&leo, capstone.id, &typed, &meta)
            .await
            .expect("join with a code");
        assert_eq!(
            (e.state.name(), e.funding.as_str()),
            (StateName::InProgress, "sponsor")
        );
        // One seat: the second code cannot pay for another learner.
        let full = app
            .join_with_code(&lena, capstone.id, &codes[1].code, &meta)
            .await
            .expect_err("no seats");
        assert!(full.to_string().contains("no seats left"), "{full}");
        let report = app
            .sponsorship_redemptions(&lee, "cottonwood-coop", sponsorship.id)
            .await
            .expect("report");
        assert_eq!(report.len(), 1);

        // Paying: the enrollment waits for the organization to record it.
        let (waiting, next) = app
            .join_paying(&lena, capstone.id, &meta)
            .await
            .expect("join paying");
        assert_eq!(waiting.state.name(), StateName::PendingPayment);
        assert!(next.is_none(), "manual payments have no online step");
        assert!(
            app.unread_notifications(&lee).await.expect("unread") >= 1,
            "the admin hears of it"
        );
        test.finish().await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_who_left_comes_back_at_the_current_version_with_attempts_counted() {
    each_database(|_, url| async move {
        let test = TestApp::builder().database_url(&url).start().await;
        let app = &test.app;
        app.load_demo().await.expect("demo");
        let meta = RequestMeta::default();
        let lena = principal(app, "lena.learner").await;
        let riley = principal(app, "riley.reviewer").await;
        let found = app
            .catalog(&CatalogSearch {
                organization: "meadowlark-usd",
                price: "free",
                ..CatalogSearch::default()
            })
            .await
            .expect("catalog");
        let achievement = found
            .entries
            .first()
            .expect("a free one")
            .achievement
            .clone();
        let e = app
            .join_free(&lena, achievement.id, &meta)
            .await
            .expect("join");
        fill_every_requirement(app, &lena, e.id, Visibility::Private).await;
        app.submit(&lena, e.id, lock(app, &lena, e.id).await, &meta)
            .await
            .expect("submit");
        let review = app
            .enrollment_view(&riley, e.id)
            .await
            .expect("view")
            .my_open_review
            .expect("assigned");
        let criteria = app
            .enrollment_view(&lena, e.id)
            .await
            .expect("view")
            .version
            .rubric
            .map_or(0, |r| r.criteria().len());
        let scores = (0..criteria)
            .map(|_| Score {
                level: 0,
                comment: String::new(),
            })
            .collect();
        app.complete_review(
            &riley,
            review.id,
            scores,
            "Show more.",
            Decision::Revise,
            &meta,
        )
        .await
        .expect("revise");
        app.withdraw(&lena, e.id, lock(app, &lena, e.id).await, &meta)
            .await
            .expect("leave");
        let back = app
            .join_free(&lena, achievement.id, &meta)
            .await
            .expect("come back");
        assert_eq!(back.id, e.id, "the same enrollment, with its history");
        assert_eq!(back.state.name(), StateName::InProgress);
        assert_eq!(back.state.attempts(), 1, "the first attempt still counts");
        let second = app
            .submit(&lena, e.id, back.lock_version, &meta)
            .await
            .expect("the evidence is still there, and attempt numbers do not collide");
        assert_eq!(second.attempt, 2);
        test.finish().await;
    })
    .await;
}

/// Gives a demo account roles in an organization (or takes them away).
async fn set_roles(
    app: &App,
    org: cairn_app::domain::OrganizationId,
    who: &Principal,
    roles: &[cairn_app::domain::role::Role],
) {
    let roles = cairn_app::domain::role::RoleSet::of(roles.iter().copied());
    let tx = app.store().begin().await.expect("tx");
    match tx
        .memberships()
        .roles_of(org, who.user.id)
        .await
        .expect("roles")
        .0
    {
        Some(id) => tx.memberships().set_roles(id, roles).await.expect("set"),
        None => tx
            .memberships()
            .add(
                cairn_app::domain::MembershipId(uuid::Uuid::new_v4()),
                org,
                who.user.id,
                roles,
                chrono::Utc::now(),
            )
            .await
            .expect("add"),
    }
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn administrators_assign_coaches_hand_reviews_over_and_give_stuck_submissions_a_reviewer() {
    use cairn_app::domain::role::Role;
    each_database(|_, url| async move {
        let test = TestApp::builder().database_url(&url).start().await;
        let app = &test.app;
        app.load_demo().await.expect("demo");
        let meta = RequestMeta::default();
        let [lena, dana, riley, rosa, caleb, nadia, casey] = [
            "lena.learner",
            "dana.director",
            "riley.reviewer",
            "rosa.reviewer",
            "caleb.coach",
            "nadia.reviewer",
            "casey.coach",
        ]
        .map(|who| principal(app, who));
        let (lena, dana, riley, rosa, caleb, nadia, casey) = (
            lena.await,
            dana.await,
            riley.await,
            rosa.await,
            caleb.await,
            nadia.await,
            casey.await,
        );
        let found = app
            .catalog(&CatalogSearch {
                organization: "meadowlark-usd",
                price: "free",
                ..CatalogSearch::default()
            })
            .await
            .expect("catalog");
        let achievement = found.entries[0].achievement.clone();
        let org = achievement.organization_id;
        set_roles(app, org, &rosa, &[Role::Reviewer]).await;
        set_roles(app, org, &caleb, &[Role::Coach, Role::Reviewer]).await;
        app.set_review_policy(&dana, "meadowlark-usd", true, "", &meta)
            .await
            .expect("two reviews");

        assert!(
            app.join_options(&lena, achievement.id)
                .await
                .expect("options")
                .enrollment
                .is_none()
        );
        let e = app
            .join_free(&lena, achievement.id, &meta)
            .await
            .expect("join");
        assert_eq!(
            app.join_options(&lena, achievement.id)
                .await
                .expect("options")
                .enrollment,
            Some(e.id),
            "the page sends her to her work instead of offering to join again"
        );

        // The organization assigns Caleb as Lena's coach.
        let options = app.coach_assignments(&dana, e.id).await.expect("coaches");
        let names: Vec<&str> = options.candidates.iter().map(|(_, n)| n.as_str()).collect();
        assert!(
            names.contains(&"Caleb Coach") && names.contains(&"Casey Coach"),
            "{names:?}"
        );
        assert!(
            !names.contains(&"Riley Reviewer"),
            "only coaches: {names:?}"
        );
        for outsider in [&riley, &casey, &lena] {
            let refused = app
                .assign_coach(outsider, e.id, caleb.user.id, &meta)
                .await
                .expect_err("administrators only");
            assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
        }
        let not_a_coach = app
            .assign_coach(&dana, e.id, rosa.user.id, &meta)
            .await
            .expect_err("a reviewer is not a coach");
        assert!(
            matches!(not_a_coach, AppError::Invalid(_)),
            "{not_a_coach:?}"
        );
        let assigned = app
            .assign_coach(&dana, e.id, caleb.user.id, &meta)
            .await
            .expect("assign");
        assert_eq!(assigned.assigned_by_organization, Some(org));
        assert_eq!(
            app.enrollment_view(&caleb, e.id)
                .await
                .expect("view")
                .relation,
            Relation::Coach
        );
        assert!(
            app.notifications(&lena)
                .await
                .expect("notifications")
                .0
                .iter()
                .any(|n| n.message.contains("Caleb Coach is now your coach"))
        );
        let twice = app
            .assign_coach(&dana, e.id, caleb.user.id, &meta)
            .await
            .expect_err("once");
        assert!(matches!(twice, AppError::Conflict { .. }), "{twice:?}");
        assert!(
            app.coach_dashboard(&caleb)
                .await
                .expect("dashboard")
                .iter()
                .any(|l| l.learner_id == lena.user.id)
        );

        // An administrator who also coaches her is her coach on the page:
        // she sees the private evidence a coach sees.
        set_roles(app, org, &dana, &[Role::Admin, Role::Author, Role::Coach]).await;
        app.assign_coach(&dana, e.id, dana.user.id, &meta)
            .await
            .expect("an administrator coaches too");
        assert_eq!(
            app.enrollment_view(&dana, e.id)
                .await
                .expect("view")
                .relation,
            Relation::Coach
        );

        // Submitted: two reviews go to Riley and Rosa, never to Caleb, who
        // coaches her.
        fill_every_requirement(app, &lena, e.id, Visibility::Private).await;
        assert_eq!(
            app.enrollment_view(&dana, e.id)
                .await
                .expect("view")
                .evidence
                .len(),
            app.enrollment_view(&lena, e.id)
                .await
                .expect("view")
                .evidence
                .len(),
            "the administrator who coaches sees every private item"
        );
        app.submit(&lena, e.id, lock(app, &lena, e.id).await, &meta)
            .await
            .expect("submit");
        let queue = app
            .review_queue(&dana, "meadowlark-usd", 1)
            .await
            .expect("queue");
        let mine: Vec<_> = queue
            .items
            .iter()
            .filter(|i| i.enrollment_id == e.id)
            .map(|i| i.review.clone())
            .collect();
        assert_eq!(mine.len(), 2);
        assert!(mine.iter().all(|r| r.reviewer_id != caleb.user.id));
        let riley_review = mine
            .iter()
            .find(|r| r.reviewer_id == riley.user.id)
            .expect("riley reviews")
            .clone();

        // Handing Riley's review over: not to Rosa (she has the other one),
        // not to Caleb (he coaches Lena), not by Riley; to Nadia once she is
        // a reviewer.
        for (to, why) in [
            (rosa.user.id, "reviews this submission already"),
            (caleb.user.id, "coaches the learner"),
            (nadia.user.id, "Choose one of the organization's reviewers"),
        ] {
            match app.reassign_review(&dana, riley_review.id, to, &meta).await {
                Err(AppError::Invalid(errors)) => {
                    assert!(errors.iter().any(|e| e.message.contains(why)), "{errors:?}")
                }
                other => panic!("expected a refusal ({why}), got {other:?}"),
            }
        }
        let by_reviewer = app
            .reassign_review(&riley, riley_review.id, rosa.user.id, &meta)
            .await
            .expect_err("administrators only");
        assert!(
            matches!(by_reviewer, AppError::Forbidden(_)),
            "{by_reviewer:?}"
        );
        set_roles(app, org, &nadia, &[Role::Reviewer]).await;
        let moved = app
            .reassign_review(&dana, riley_review.id, nadia.user.id, &meta)
            .await
            .expect("reassign");
        assert_eq!(moved.reviewer_id, nadia.user.id);
        assert_eq!(moved.assigned_by, Some(dana.user.id));
        assert!(
            app.enrollment_view(&riley, e.id)
                .await
                .expect("staff view")
                .my_open_review
                .is_none(),
            "Riley no longer holds it"
        );
        assert!(
            app.notifications(&riley)
                .await
                .expect("notifications")
                .0
                .iter()
                .any(|n| n.message.contains("handed to another reviewer"))
        );

        // Riley leaves the reviewers; Nadia and Rosa disagree and nobody is
        // left for the third review but Caleb, who coaches Lena.
        set_roles(app, org, &riley, &[]).await;
        let view = app.enrollment_view(&lena, e.id).await.expect("view");
        let criteria = view
            .version
            .rubric
            .as_ref()
            .map_or(0, |r| r.criteria().len());
        let levels = view.version.rubric.as_ref().map_or(1, |r| r.levels().len());
        let scores = |level| {
            (0..criteria)
                .map(|_| Score {
                    level,
                    comment: "Seen in the lesson".into(),
                })
                .collect::<Vec<_>>()
        };
        app.complete_review(
            &nadia,
            moved.id,
            scores(levels - 1),
            "Strong.",
            Decision::Meets,
            &meta,
        )
        .await
        .expect("nadia");
        let rosa_review = mine
            .iter()
            .find(|r| r.reviewer_id == rosa.user.id)
            .expect("rosa reviews");
        app.complete_review(
            &rosa,
            rosa_review.id,
            scores(0),
            "Show a second class.",
            Decision::Revise,
            &meta,
        )
        .await
        .expect("rosa");
        let waiting = app
            .awaiting_reviewer(&dana, "meadowlark-usd")
            .await
            .expect("waiting");
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].enrollment_id, e.id);
        assert!(
            app.notifications(&dana)
                .await
                .expect("notifications")
                .0
                .iter()
                .any(|n| n.message.contains("has no reviewer"))
        );
        let coach = app
            .assign_reviewer(&dana, e.id, caleb.user.id, &meta)
            .await
            .expect_err("a coach never reviews");
        assert!(matches!(coach, AppError::Invalid(_)), "{coach:?}");
        let ended = app
            .coach_assignments(&dana, e.id)
            .await
            .expect("coaches")
            .current
            .into_iter()
            .find(|(p, _)| p.coach_id == caleb.user.id)
            .expect("caleb")
            .0;
        app.end_coach_assignment(&dana, ended.id, &meta)
            .await
            .expect("end");
        let third = app
            .assign_reviewer(&dana, e.id, caleb.user.id, &meta)
            .await
            .expect("caleb reviews now");
        assert!(
            app.awaiting_reviewer(&dana, "meadowlark-usd")
                .await
                .expect("waiting")
                .is_empty()
        );
        let more = app
            .assign_reviewer(&dana, e.id, riley.user.id, &meta)
            .await
            .expect_err("enough reviewers");
        assert!(matches!(more, AppError::Conflict { .. }), "{more:?}");
        app.complete_review(
            &caleb,
            third.id,
            scores(levels - 1),
            "Agreed.",
            Decision::Meets,
            &meta,
        )
        .await
        .expect("third");
        let done = app.enrollment_view(&lena, e.id).await.expect("view");
        assert!(
            matches!(
                done.enrollment.state.name(),
                StateName::AwardPending | StateName::AwaitingConfirmation
            ),
            "{:?}",
            done.enrollment.state
        );
        test.finish().await;
    })
    .await;
}

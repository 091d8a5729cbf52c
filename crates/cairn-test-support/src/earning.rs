//! Earning on the demo content in a few calls, for tests of what follows
//! an award: evidence for every requirement, and a whole award issued.

use crate::{TestApp, TestClient};
use cairn_app::accounts::Principal;
use cairn_app::catalog::CatalogSearch;
use cairn_app::demo::{DEMO_EMAIL_DOMAIN, DEMO_PASSWORD};
use cairn_app::domain::achievement::requirement::EvidenceKind;
use cairn_app::domain::enrollment::{Decision, StateName, Visibility};
use cairn_app::domain::{AwardId, EnrollmentId};
use cairn_app::store::Repos;
use cairn_app::store::reviews::Score;
use cairn_app::{App, RequestMeta};

/// The words of the public reflection [`demo_award`] writes.
pub const PUBLIC_REFLECTION: &str = "I tried *the routine* with two classes.";
/// The words of the private reflection [`demo_award`] writes.
pub const PRIVATE_REFLECTION: &str = "Only my coach should read this note.";

/// The address of a demo account: `lena.learner` → `lena.learner@demo.cairn.test`.
pub fn demo_email(who: &str) -> String {
    format!("{who}@{DEMO_EMAIL_DOMAIN}")
}

/// A browser (an HTTP client with cookies) logged in to a demo account
/// through the login page.
pub async fn demo_browser(test: &TestApp, who: &str) -> TestClient {
    let client = test.client();
    client
        .submit(
            "/login",
            &[("email", &demo_email(who)), ("password", DEMO_PASSWORD)],
        )
        .await
        .assert_status(200);
    client
}

/// A demo account, signed in.
pub async fn demo_principal(app: &App, who: &str) -> Principal {
    let session = app
        .log_in(&demo_email(who), DEMO_PASSWORD, &RequestMeta::default())
        .await
        .expect("log in");
    app.authenticate_session(&session.token)
        .await
        .expect("session")
        .expect("a principal")
}

/// Evidence for every requirement of an enrollment (a reflection where
/// allowed, else a link, else a small PNG), every checklist item ticked.
/// The first item of each requirement gets `first`, the others are
/// private.
pub async fn fill_every_requirement(
    app: &App,
    learner: &Principal,
    id: EnrollmentId,
    first: Visibility,
) {
    let meta = RequestMeta::default();
    let view = app.enrollment_view(learner, id).await.expect("view");
    for (i, r) in view.version.requirements.iter().enumerate() {
        let index = u32::try_from(i).expect("small");
        for n in 0..r.requirement.min_count {
            let visibility = if n == 0 { first } else { Visibility::Private };
            let (kind, text) = if r.requirement.kinds.contains(&EvidenceKind::Reflection) {
                let text = if visibility == Visibility::Public {
                    PUBLIC_REFLECTION
                } else {
                    PRIVATE_REFLECTION
                };
                (EvidenceKind::Reflection, text.to_owned())
            } else if r.requirement.kinds.contains(&EvidenceKind::Link) {
                (
                    EvidenceKind::Link,
                    format!("https://video.example.org/lesson-{n}"),
                )
            } else {
                let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x06\x00\x00\x00".to_vec();
                let body =
                    futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(png))]);
                let item = app
                    .add_file_evidence(
                        learner,
                        id,
                        index,
                        "Student work",
                        "../../work sample.png",
                        visibility,
                        body,
                        &meta,
                    )
                    .await
                    .expect("file evidence");
                assert_eq!(item.kind, EvidenceKind::Image, "told by content");
                continue;
            };
            app.add_evidence(
                learner, id, index, kind, "Evidence", &text, visibility, &meta,
            )
            .await
            .expect("evidence");
        }
        for item in 0..r.requirement.checklist.len() {
            app.tick(
                learner,
                id,
                index,
                u32::try_from(item).expect("small"),
                true,
            )
            .await
            .expect("tick");
        }
    }
}

/// An award issued on freshly loaded demo content: Lena Learner earns a
/// free Meadowlark micro-credential (public evidence first in each
/// requirement, the rest private), Riley Reviewer finds it meets the
/// criteria, Dana Director confirms when asked, and the job queue issues
/// it.
#[derive(Debug)]
pub struct DemoAward {
    pub award: AwardId,
    pub enrollment: EnrollmentId,
    /// Lena, the earner.
    pub earner: Principal,
    /// Dana, an administrator of the issuing organization.
    pub admin: Principal,
}

/// Loads the demo (into an empty database) and issues one award.
pub async fn demo_award(app: &App) -> DemoAward {
    app.load_demo().await.expect("demo");
    let meta = RequestMeta::default();
    let lena = demo_principal(app, "lena.learner").await;
    let riley = demo_principal(app, "riley.reviewer").await;
    let dana = demo_principal(app, "dana.director").await;
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
    fill_every_requirement(app, &lena, e.id, Visibility::Public).await;
    let lock = app
        .enrollment_view(&lena, e.id)
        .await
        .expect("view")
        .enrollment
        .lock_version;
    app.submit(&lena, e.id, lock, &meta).await.expect("submit");
    let view = app.enrollment_view(&riley, e.id).await.expect("view");
    let review = view.my_open_review.expect("assigned to Riley");
    let rubric = view.version.rubric.as_ref();
    let top = rubric.map_or(0, |r| r.levels().len().saturating_sub(1));
    let scores = (0..rubric.map_or(0, |r| r.criteria().len()))
        .map(|_| Score {
            level: top,
            comment: "Seen in the lesson".into(),
        })
        .collect();
    app.complete_review(
        &riley,
        review.id,
        scores,
        "Strong work.",
        Decision::Meets,
        &meta,
    )
    .await
    .expect("meets");
    let decided = app.enrollment_view(&dana, e.id).await.expect("view");
    if decided.enrollment.state.name() == StateName::AwaitingConfirmation {
        app.confirm_award(&dana, e.id, decided.enrollment.lock_version, &meta)
            .await
            .expect("confirm");
    }
    app.run_pending_jobs().await.expect("jobs");
    let award = app
        .store()
        .awards()
        .of_enrollment(e.id)
        .await
        .expect("award")
        .expect("issued");
    DemoAward {
        award: award.id,
        enrollment: e.id,
        earner: lena,
        admin: dana,
    }
}

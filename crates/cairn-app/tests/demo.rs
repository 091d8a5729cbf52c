//! The demo content, loaded through the use cases into a fresh database
//! (SQLite, and PostgreSQL when `CAIRN_TEST_POSTGRES_URL` is set), looks
//! the way the printed summary says and its log-ins work.

use cairn_app::catalog::CatalogSearch;
use cairn_app::demo::{DEMO_PASSWORD, DemoSummary};
use cairn_app::domain::achievement::AchievementStatus;
use cairn_app::domain::achievement::fields::Price;
use cairn_app::domain::achievement::prerequisite::Prerequisite;
use cairn_app::store::Repos;
use cairn_app::{App, AppError, RequestMeta};
use cairn_test_support::{TestApp, each_database};
use std::collections::BTreeSet;

const CENTER: &str = "lawrence-crl";
const DISTRICT: &str = "meadowlark-usd";
const COOPERATIVE: &str = "cottonwood-coop";

const LADDER: [&str; 5] = [
    "Professional Learning",
    "Fidelity of Implementation",
    "Specialist",
    "Professional Developer",
    "Professional Development Leader",
];

#[tokio::test]
async fn the_demo_loads_once_into_an_empty_database() {
    each_database(|_, url| async move {
        let test = TestApp::builder().database_url(&url).start().await;
        let app = &test.app;
        assert!(app.demo_can_load().await.expect("counts"));
        let summary = app.load_demo().await.expect("the demo loads");

        organizations_and_counts(app, &summary).await;
        the_ladder_is_in_order_with_prerequisites(app).await;
        the_catalog_finds_the_published_micro_credentials(app).await;
        the_district_departments_share_templates(app).await;
        the_cooperative_stack_leads_to_a_capstone(app).await;
        every_printed_log_in_works(app, &summary).await;

        assert!(
            app.admin_setup_link().await.expect("setup link").is_none(),
            "the demo has a platform administrator, so no setup link is printed"
        );
        assert!(!app.demo_can_load().await.expect("counts"));
        let again = app.load_demo().await.expect_err("a second load is refused");
        assert!(
            matches!(&again, AppError::Conflict { message, .. } if message.contains("empty database")),
            "{again:?}"
        );
        let (_, organizations) = app.organizations(1, 100).await.expect("organizations");
        assert_eq!(organizations, 3, "nothing was added by the refused load");
        test.finish().await;
    })
    .await;
}

async fn organizations_and_counts(app: &App, summary: &DemoSummary) {
    let (list, total) = app.organizations(1, 100).await.expect("organizations");
    assert_eq!(total, 3);
    let slugs: BTreeSet<_> = list.iter().map(|o| o.slug.as_str()).collect();
    assert_eq!(slugs, BTreeSet::from([CENTER, COOPERATIVE, DISTRICT]));
    let summarized: Vec<_> = summary
        .organizations
        .iter()
        .map(|o| (o.slug.as_str(), o.achievements))
        .collect();
    assert_eq!(
        summarized,
        [(CENTER, 15), (DISTRICT, 4), (COOPERATIVE, 5)],
        "the summary counts what was loaded"
    );
    assert_eq!(summary.achievements(), 24);
    for org in &summary.organizations {
        let page = app
            .organization_catalog(&org.slug, None)
            .await
            .expect("organization page");
        let published: usize = page
            .groups
            .iter()
            .flat_map(|(_, levels)| levels.iter().map(|(_, list)| list.len()))
            .sum();
        assert_eq!(published, org.achievements, "{} publishes all", org.slug);
    }
}

async fn the_ladder_is_in_order_with_prerequisites(app: &App) {
    let (_, levels) = app.levels(CENTER).await.expect("levels");
    let names: Vec<_> = levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, LADDER);
    for tool in ["paraphrasing", "sentence-writing", "unit-organizer"] {
        let mut previous = None;
        for (rung, level) in [
            "professional-learning",
            "fidelity-of-implementation",
            "specialist",
            "professional-developer",
            "professional-development-leader",
        ]
        .iter()
        .zip(&levels)
        {
            let view = app
                .achievement_view(CENTER, &format!("{tool}-{rung}"), None)
                .await
                .expect("a ladder micro-credential");
            assert_eq!(view.achievement.status, AchievementStatus::Published);
            assert_eq!(view.achievement.level_id, Some(level.id));
            assert!(view.achievement.image.is_set(), "a designed badge");
            let rubric = view.version.rubric.as_ref().expect("a rubric");
            assert!((3..=4).contains(&rubric.criteria().len()));
            assert_eq!(rubric.levels().len(), 4);
            assert_eq!(view.version.requirements.len(), 2);
            assert!(
                view.version
                    .requirements
                    .iter()
                    .all(|r| !r.requirement.checklist.is_empty())
            );
            assert!(!view.version.fields.alignments.is_empty());
            assert!(view.version.fields.credit_hundredths > 0);
            assert_eq!(
                view.prerequisite,
                previous.map(|id| Prerequisite::AllOf(vec![id])),
                "{tool}-{rung} requires the level before it"
            );
            assert_eq!(view.stacks.len(), 1, "on the {tool} ladder stack");
            previous = Some(view.achievement.id);
        }
    }
}

async fn the_catalog_finds_the_published_micro_credentials(app: &App) {
    let found = app
        .catalog(&CatalogSearch {
            q: "paraphrasing",
            ..CatalogSearch::default()
        })
        .await
        .expect("search");
    let titles: BTreeSet<_> = found
        .entries
        .iter()
        .map(|e| e.achievement.title.as_str())
        .collect();
    let expected: BTreeSet<String> = LADDER
        .iter()
        .map(|level| format!("Paraphrasing Strategy: {level}"))
        .collect();
    assert_eq!(
        titles,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert!(
        found
            .entries
            .iter()
            .all(|e| e.organization_slug == CENTER && e.level_name.is_some())
    );
    let everything = app
        .catalog(&CatalogSearch::default())
        .await
        .expect("the whole catalog");
    assert_eq!(everything.total, 24);
    let leadership = app
        .catalog(&CatalogSearch {
            q: "coaching",
            organization: COOPERATIVE,
            ..CatalogSearch::default()
        })
        .await
        .expect("search within an organization");
    assert!(leadership.total >= 2, "{}", leadership.total);
}

async fn the_district_departments_share_templates(app: &App) {
    let view = app.organization(DISTRICT, None).await.expect("district");
    let templates = app
        .store()
        .templates()
        .list(view.organization.id)
        .await
        .expect("templates");
    let kinds: Vec<_> = templates.iter().map(|t| t.body.kind()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "rubric").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "requirement").count(), 2);
    let rubric_template = templates
        .iter()
        .find(|t| t.body.kind() == "rubric")
        .map(|t| t.id);
    let page = app
        .organization_catalog(DISTRICT, None)
        .await
        .expect("district page");
    let mut departments_using = BTreeSet::new();
    for (department, levels) in &page.groups {
        for achievement in levels.iter().flat_map(|(_, list)| list) {
            let view = app
                .achievement_view(DISTRICT, &achievement.slug, None)
                .await
                .expect("micro-credential");
            assert_eq!(view.version.rubric_template_id, rubric_template);
            assert!(view.version.requirements.iter().all(|r| {
                r.template_id
                    .is_some_and(|id| templates.iter().any(|t| t.id == id))
            }));
            departments_using.insert(department.as_ref().map(|d| d.name.clone()));
        }
    }
    assert_eq!(
        departments_using,
        BTreeSet::from([
            Some("Secondary Literacy".to_owned()),
            Some("Special Education".to_owned())
        ])
    );
}

async fn the_cooperative_stack_leads_to_a_capstone(app: &App) {
    let (_, stack) = app
        .stack(COOPERATIVE, "instructional-leadership", None)
        .await
        .expect("the published stack");
    let titles: Vec<_> = stack.steps.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Instructional Coaching Foundations",
            "Data-Driven Coaching Cycles",
            "Facilitating Professional Learning Communities",
            "Leading Adult Learning",
        ]
    );
    let capstone = stack.capstone.expect("a capstone");
    assert!(stack.stack.recognition.contains("Prairie State University"));
    assert!(stack.stack.recognition.contains("graduate credit"));
    let view = app
        .achievement_view(COOPERATIVE, &capstone.slug, None)
        .await
        .expect("capstone");
    assert!(matches!(
        view.version.fields.price,
        Price::Paid { cents } if cents > 0
    ));
    assert!(view.version.fields.sponsorable);
    assert_eq!(
        view.prerequisite,
        Some(Prerequisite::AllOf(
            stack.steps.iter().map(|a| a.id).collect()
        ))
    );
}

async fn every_printed_log_in_works(app: &App, summary: &DemoSummary) {
    assert_eq!(summary.accounts.len(), 12);
    let learner = summary
        .accounts
        .iter()
        .find(|a| a.email == "lena.learner@demo.cairn.test")
        .expect("a demo learner");
    assert!(learner.role.starts_with("Learner"), "{}", learner.role);
    assert!(
        summary
            .accounts
            .iter()
            .any(|a| a.role.contains("Reviewer at ")),
        "reviewers are listed"
    );
    assert!(
        summary
            .accounts
            .iter()
            .any(|a| a.role.contains("Coach at "))
    );
    assert!(
        !format!("{summary:?}").contains(DEMO_PASSWORD),
        "Debug output never shows the password"
    );
    for account in &summary.accounts {
        assert_eq!(account.password, DEMO_PASSWORD);
        let session = app
            .log_in(&account.email, &account.password, &RequestMeta::default())
            .await
            .unwrap_or_else(|e| panic!("{} logs in: {e}", account.email));
        let principal = app
            .authenticate_session(&session.token)
            .await
            .expect("session")
            .expect("a principal");
        assert!(
            principal.actor.email_verified,
            "{} is verified",
            account.email
        );
    }
    assert!(
        app.log_in(
            &learner.email,
            "not-the-demo-password",
            &RequestMeta::default()
        )
        .await
        .is_err()
    );
}

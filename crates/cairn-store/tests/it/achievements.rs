use crate::{id, t0};
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::requirement::EvidenceRequirement;
use cairn_domain::achievement::rubric::{Criterion, PassingRule, PerformanceLevel, Rubric};
use cairn_domain::achievement::search::query_terms;
use cairn_domain::organization::{OrganizationProfile, OrganizationProfileInput};
use cairn_domain::{
    AchievementId, AchievementVersionId, LevelId, OrganizationId, StackId, TemplateId, UserId,
};
use cairn_store::achievements::{
    AchievementEdit, BadgeImage, CatalogQuery, CatalogSort, NewAchievement, SourcedRequirement,
    VersionContent, VersionWrite,
};
use cairn_store::stacks::StackContent;
use cairn_store::templates::TemplateBody;
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

async fn author(store: &Store) -> UserId {
    store
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: "Ada Author",
            password_hash: None,
            platform_admin: false,
            may_create_organizations: true,
            now: t0(),
        })
        .await
        .expect("user")
        .id
}

async fn org(store: &Store, slug: &str, by: UserId) -> OrganizationId {
    let profile = OrganizationProfile::parse(&OrganizationProfileInput {
        name: slug,
        website: "",
        contact_email: "",
        description: "",
    })
    .expect("profile");
    store
        .organizations()
        .insert(OrganizationId(id()), slug, &profile, by, t0())
        .await
        .expect("org")
        .id
}

fn fields(title: &str, tags: &str, hours: &str, price: &str) -> AchievementFields {
    let summary = format!("All about {title}.");
    AchievementFields::parse(&AchievementInput {
        title,
        summary: &summary,
        competency: "Teaching with fidelity",
        criteria: "Teach the routine to a class.",
        tags,
        credit_hours: hours,
        price,
        ..AchievementInput::default()
    })
    .expect("valid fields")
}

fn rubric() -> Rubric {
    Rubric::new(
        vec![
            PerformanceLevel {
                name: "Beginning".into(),
            },
            PerformanceLevel {
                name: "Proficient".into(),
            },
        ],
        vec![Criterion {
            name: "Fidelity".into(),
            description: "Follows the steps".into(),
            descriptors: vec!["Some steps".into(), "Every step".into()],
            points: Some(vec![1, 3]),
        }],
        PassingRule::Both {
            level: 1,
            points: 3,
        },
    )
    .expect("rubric")
}

fn requirement(prompt: &str) -> EvidenceRequirement {
    EvidenceRequirement::parse(
        prompt,
        "Guidance",
        &["video", "reflection"],
        "2",
        &["Shows the class", "Under 10 minutes"],
    )
    .expect("requirement")
}

async fn draft(
    store: &Store,
    org_id: OrganizationId,
    by: UserId,
    slug: &str,
    f: &AchievementFields,
    level: Option<LevelId>,
) -> AchievementId {
    let reqs = vec![SourcedRequirement {
        requirement: requirement("Record a lesson"),
        template_id: None,
    }];
    let r = rubric();
    let tx = store.begin().await.expect("begin");
    let a = tx
        .achievements()
        .insert(NewAchievement {
            id: AchievementId(id()),
            version_id: AchievementVersionId(id()),
            organization_id: org_id,
            department_id: None,
            level_id: level,
            slug,
            content: VersionContent {
                fields: f,
                rubric: Some(&r),
                rubric_template_id: None,
                requirements: &reqs,
            },
            created_by: by,
            now: t0(),
        })
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    a.id
}

#[tokio::test]
async fn a_draft_round_trips_with_its_version_and_tags() {
    each_backend(|store| async move {
        let by = author(&store).await;
        let o = org(&store, "kucrl", by).await;
        let f = fields("Paraphrasing Strategy", "Reading, SIM, reading", "2.5", "0");
        let aid = draft(&store, o, by, "paraphrasing", &f, None).await;
        let a = store.achievements().get(aid).await.expect("get").expect("exists");
        assert_eq!(a.status, AchievementStatus::Draft);
        assert_eq!((a.version_number, a.lock_version, a.credit_hundredths, a.price_cents), (1, 1, 250, 0));
        let v = store.achievements().version(a.current_version_id).await.expect("v").expect("exists");
        assert_eq!(v.fields, f);
        assert_eq!(v.rubric, Some(rubric()));
        assert_eq!(v.requirements[0].requirement, requirement("Record a lesson"));
        assert_eq!(store.achievements().tags(aid).await.expect("tags"), vec!["reading", "sim"]);
        let dup = store.begin().await.expect("begin");
        let err = dup
            .achievements()
            .insert(NewAchievement {
                id: AchievementId(id()),
                version_id: AchievementVersionId(id()),
                organization_id: o,
                department_id: None,
                level_id: None,
                slug: "paraphrasing",
                content: VersionContent { fields: &f, rubric: None, rubric_template_id: None, requirements: &[] },
                created_by: by,
                now: t0(),
            })
            .await
            .expect_err("slug taken");
        assert!(matches!(&err, StoreError::Conflict { constraint } if constraint == "ux_achievements_org_slug"), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn edits_check_the_lock_and_new_versions_keep_the_old() {
    each_backend(|store| async move {
        let by = author(&store).await;
        let o = org(&store, "kucrl", by).await;
        let f = fields("Paraphrasing", "", "1", "0");
        let aid = draft(&store, o, by, "paraphrasing", &f, None).await;
        let first = store
            .achievements()
            .get(aid)
            .await
            .expect("get")
            .expect("exists");
        let renamed = fields("Paraphrasing Strategy", "reading", "1", "0");
        let reqs = vec![SourcedRequirement {
            requirement: requirement("Record two lessons"),
            template_id: None,
        }];
        let edit = |lock, write| AchievementEdit {
            id: aid,
            expected_lock: lock,
            department_id: None,
            level_id: None,
            content: VersionContent {
                fields: &renamed,
                rubric: None,
                rubric_template_id: None,
                requirements: &reqs,
            },
            write,
            by,
            now: t0() + Duration::minutes(5),
        };
        let tx = store.begin().await.expect("begin");
        let saved = tx
            .achievements()
            .save(edit(1, VersionWrite::InPlace))
            .await
            .expect("save");
        tx.commit().await.expect("commit");
        assert_eq!(
            (
                saved.lock_version,
                saved.version_number,
                saved.title.as_str()
            ),
            (2, 1, "Paraphrasing Strategy")
        );
        assert_eq!(saved.current_version_id, first.current_version_id);

        let tx = store.begin().await.expect("begin");
        let stale = tx
            .achievements()
            .save(edit(1, VersionWrite::InPlace))
            .await
            .expect_err("stale");
        assert!(matches!(stale, StoreError::Stale), "{stale:?}");
        drop(tx);

        store
            .achievements()
            .set_status(aid, AchievementStatus::Published, t0())
            .await
            .expect("publish");
        let tx = store.begin().await.expect("begin");
        let v2 = AchievementVersionId(id());
        let saved = tx
            .achievements()
            .save(edit(2, VersionWrite::New(v2)))
            .await
            .expect("save");
        tx.commit().await.expect("commit");
        assert_eq!((saved.version_number, saved.current_version_id), (2, v2));
        let versions = store.achievements().versions(aid).await.expect("versions");
        assert_eq!(
            versions.iter().map(|v| v.number).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert!(
            versions[0].rubric.is_none(),
            "version 1 was edited in place while a draft"
        );
        assert_eq!(
            versions[1].requirements[0].requirement.prompt,
            "Record two lessons"
        );
        let published = store
            .achievements()
            .get(aid)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(published.published_at, Some(t0()));
        store
            .achievements()
            .set_status(aid, AchievementStatus::Archived, t0() + Duration::days(1))
            .await
            .expect("archive");
        store
            .achievements()
            .set_status(aid, AchievementStatus::Published, t0() + Duration::days(2))
            .await
            .expect("again");
        let again = store
            .achievements()
            .get(aid)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(
            again.published_at,
            Some(t0()),
            "first publication date is kept"
        );

        let image = BadgeImage {
            svg_key: Some("badges/a.svg".into()),
            png_key: Some("badges/a.png".into()),
            design: Some("{}".into()),
        };
        store
            .achievements()
            .set_image(aid, &image, t0())
            .await
            .expect("image");
        assert_eq!(
            store
                .achievements()
                .get(aid)
                .await
                .expect("get")
                .expect("exists")
                .image,
            image
        );
    })
    .await;
}

#[tokio::test]
async fn the_catalog_finds_published_micro_credentials_by_text_and_filters() {
    each_backend(|store| async move {
        let by = author(&store).await;
        let ku = org(&store, "kucrl", by).await;
        let coop = org(&store, "coop", by).await;
        let specialist = LevelId(id());
        store
            .levels()
            .insert(specialist, ku, 2, "Specialist", "", t0())
            .await
            .expect("level");
        let a = draft(
            &store,
            ku,
            by,
            "para",
            &fields("Paraphrasing Strategy", "reading, SIM", "2", "0"),
            Some(specialist),
        )
        .await;
        let b = draft(
            &store,
            ku,
            by,
            "sentence",
            &fields("Sentence Writing", "writing", "4", "25"),
            None,
        )
        .await;
        let c = draft(
            &store,
            coop,
            by,
            "lead",
            &fields("Leading Check-In/Check-Out", "leadership", "10", "0"),
            None,
        )
        .await;
        let hidden = draft(
            &store,
            coop,
            by,
            "draft",
            &fields("Paraphrasing Draft", "reading", "1", "0"),
            None,
        )
        .await;
        for (n, x) in [a, b, c].into_iter().enumerate() {
            let n = i64::try_from(n).expect("small");
            store
                .achievements()
                .set_status(x, AchievementStatus::Published, t0() + Duration::hours(n))
                .await
                .expect("publish");
        }
        let search = |q: CatalogQuery| {
            let store = store.clone();
            async move {
                let page = store
                    .achievements()
                    .search(&CatalogQuery { limit: 20, ..q })
                    .await
                    .expect("search");
                (
                    page.total,
                    page.items.into_iter().map(|i| i.id).collect::<Vec<_>>(),
                )
            }
        };
        assert_eq!(search(CatalogQuery::default()).await, (3, vec![c, a, b]));
        assert_eq!(
            search(CatalogQuery {
                terms: query_terms("PARA strat"),
                ..Default::default()
            })
            .await,
            (1, vec![a]),
            "drafts never show"
        );
        assert_eq!(
            search(CatalogQuery {
                terms: query_terms("check out"),
                ..Default::default()
            })
            .await,
            (1, vec![c])
        );
        assert_eq!(
            search(CatalogQuery {
                terms: query_terms("aphrasing"),
                ..Default::default()
            })
            .await,
            (0, vec![]),
            "terms match word starts"
        );
        assert_eq!(
            search(CatalogQuery {
                terms: query_terms("sim"),
                ..Default::default()
            })
            .await,
            (1, vec![a]),
            "tags are searched"
        );
        assert_eq!(
            search(CatalogQuery {
                organization_id: Some(ku),
                ..Default::default()
            })
            .await,
            (2, vec![a, b])
        );
        assert_eq!(
            search(CatalogQuery {
                level_name: Some("SPECIALIST".into()),
                ..Default::default()
            })
            .await,
            (1, vec![a])
        );
        assert_eq!(
            search(CatalogQuery {
                tag: Some("Writing".into()),
                ..Default::default()
            })
            .await,
            (1, vec![b])
        );
        assert_eq!(
            search(CatalogQuery {
                min_credit_hundredths: Some(300),
                max_credit_hundredths: Some(500),
                ..Default::default()
            })
            .await,
            (1, vec![b])
        );
        assert_eq!(
            search(CatalogQuery {
                free: Some(true),
                ..Default::default()
            })
            .await
            .0,
            2
        );
        assert_eq!(
            search(CatalogQuery {
                free: Some(false),
                ..Default::default()
            })
            .await,
            (1, vec![b])
        );
        assert_eq!(
            search(CatalogQuery {
                sort: CatalogSort::Newest,
                ..Default::default()
            })
            .await
            .1,
            vec![c, b, a]
        );
        let page2 = store
            .achievements()
            .search(&CatalogQuery {
                offset: 2,
                limit: 2,
                ..Default::default()
            })
            .await
            .expect("page");
        assert_eq!((page2.total, page2.items.len()), (3, 1));
        let tags = store.achievements().popular_tags(10).await.expect("tags");
        assert_eq!(
            tags.iter().find(|(t, _)| t == "reading").map(|t| t.1),
            Some(1),
            "the draft's tag is not counted"
        );
        assert_eq!(store.levels().uses(specialist).await.expect("uses"), 1);
        store.achievements().delete(hidden).await.expect("delete");
        assert!(
            store
                .achievements()
                .get(hidden)
                .await
                .expect("get")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn prerequisites_templates_stacks_and_levels_round_trip() {
    each_backend(|store| async move {
        let by = author(&store).await;
        let o = org(&store, "coop", by).await;
        let f = fields("Step", "", "1", "0");
        let ids = [
            draft(&store, o, by, "one", &f, None).await,
            draft(&store, o, by, "two", &f, None).await,
            draft(&store, o, by, "three", &f, None).await,
            draft(&store, o, by, "cap", &f, None).await,
        ];
        let rule = Prerequisite::AtLeast(1, vec![ids[0], ids[1]]);
        store.achievements().set_prerequisites(ids[2], Some(&rule), t0()).await.expect("set");
        let back = store.achievements().prerequisites(ids[2]).await.expect("get").expect("some");
        let Prerequisite::AtLeast(1, mut got) = back else { panic!("rule kind") };
        let mut want = vec![ids[0], ids[1]];
        got.sort();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(store.achievements().prerequisite_edges().await.expect("edges").len(), 2);
        assert_eq!(store.achievements().required_by(ids[0]).await.expect("by"), vec![ids[2]]);
        store.achievements().set_prerequisites(ids[2], None, t0()).await.expect("clear");
        assert!(store.achievements().prerequisites(ids[2]).await.expect("get").is_none());

        let t = TemplateId(id());
        store.templates().insert(t, o, ("Fidelity rubric", "Shared", &TemplateBody::Rubric(rubric())), by, t0()).await.expect("template");
        let r = TemplateId(id());
        store.templates().insert(r, o, ("Lesson video", "", &TemplateBody::Requirement(requirement("Film it"))), by, t0()).await.expect("template");
        let dup = store.templates().insert(TemplateId(id()), o, ("Fidelity rubric", "", &TemplateBody::Rubric(rubric())), by, t0()).await.expect_err("dup");
        assert!(matches!(&dup, StoreError::Conflict { constraint } if constraint == "ux_templates_org_kind_name"), "{dup:?}");
        let list = store.templates().list(o).await.expect("list");
        assert_eq!(list.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), vec!["Fidelity rubric", "Lesson video"]);
        assert_eq!(list[1].body, TemplateBody::Requirement(requirement("Film it")));

        let s = StackId(id());
        let tx = store.begin().await.expect("begin");
        tx.stacks()
            .insert(s, o, StackContent { slug: "leadership", name: "Leadership", description: "", recognition: "Accepted by State University", capstone_id: Some(ids[3]), published: true, steps: &ids[..3] }, t0())
            .await
            .expect("stack");
        tx.commit().await.expect("commit");
        let stack = store.stacks().by_slug(o, "leadership").await.expect("get").expect("exists");
        assert_eq!(stack.steps, ids[..3].to_vec());
        assert_eq!(store.stacks().containing(ids[3]).await.expect("containing").len(), 1);
        let tx = store.begin().await.expect("begin");
        tx.stacks()
            .update(s, StackContent { slug: "leadership", name: "Leadership", description: "", recognition: "", capstone_id: None, published: false, steps: &[ids[1], ids[0]] }, t0())
            .await
            .expect("update");
        tx.commit().await.expect("commit");
        assert_eq!(store.stacks().get(s).await.expect("get").expect("exists").steps, vec![ids[1], ids[0]]);
        assert!(store.stacks().containing(ids[3]).await.expect("containing").is_empty());

        let l1 = LevelId(id());
        store.levels().insert(l1, o, 0, "Emerging", "", t0()).await.expect("level");
        store.levels().insert(LevelId(id()), o, 1, "Leading", "", t0()).await.expect("level");
        let dup = store.levels().insert(LevelId(id()), o, 2, "Leading", "", t0()).await.expect_err("dup");
        assert!(matches!(&dup, StoreError::Conflict { constraint } if constraint == "ux_levels_org_name"), "{dup:?}");
        store.levels().update(l1, 5, "Emerging leader", "Starts").await.expect("update");
        let names: Vec<_> = store.levels().list(o).await.expect("list").into_iter().map(|l| l.name).collect();
        assert_eq!(names, vec!["Leading", "Emerging leader"]);
    })
    .await;
}

//! How long the public catalog search takes over 10,000 published
//! micro-credentials (and drafts it must never return), on SQLite and on
//! PostgreSQL: the same `Achievements::search` the web server runs, with
//! the server's default pool, one query at a time.
//!
//! `cargo bench -p cairn-store --bench catalog`; see docs/benchmarks.md for
//! the figures.
//!
//! - `CAIRN_BENCH_CATALOG_SIZE`: published micro-credentials (default 10000;
//!   drafts are a twentieth of that on top).
//! - `CAIRN_BENCH_CATALOG_QUERIES`: timed queries (default 1000, after a
//!   tenth of that as warm-up).
//! - `CAIRN_BENCH_POSTGRES_URL`, else `CAIRN_TEST_POSTGRES_URL`: the
//!   PostgreSQL server to create (and drop) the benchmark's database on;
//!   without either, only SQLite runs.

#![expect(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::achievement::requirement::EvidenceRequirement;
use cairn_domain::achievement::rubric::{Criterion, PassingRule, PerformanceLevel, Rubric};
use cairn_domain::achievement::search::{query_terms, search_document, tag_key};
use cairn_domain::organization::{
    DepartmentInput, OrganizationProfile, OrganizationProfileInput, Slug,
};
use cairn_domain::{
    AchievementId, AchievementVersionId, DepartmentId, LevelId, OrganizationId, UserId,
};
use cairn_store::achievements::{
    CatalogPage, CatalogQuery, CatalogSort, NewAchievement, SourcedRequirement, VersionContent,
};
use cairn_store::users::NewUser;
use cairn_store::{Backend, Repos, Store};
use cairn_test_support::TestDatabase;
use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, Database};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// `database_max_connections` in cairn-cli's default configuration.
const SERVER_POOL: u32 = 10;
/// `cairn_app::catalog::PER_PAGE`.
const PER_PAGE: u64 = 24;
const ORGANIZATIONS: usize = 50;
/// Micro-credentials written per transaction while seeding.
const BATCH: usize = 250;

const STRATEGIES: &[&str] = &[
    "Paraphrasing",
    "Self-Questioning",
    "Visual Imagery",
    "Word Identification",
    "Sentence Writing",
    "Paragraph Writing",
    "Error Monitoring",
    "Test-Taking",
    "Inference",
    "Summarizing",
    "Concept Mastery",
    "Unit Organizer",
    "Framing Routine",
    "Graphic Organizers",
    "Restorative Circles",
    "Check-In/Check-Out",
    "Project-Based Learning",
    "Formative Assessment",
    "Universal Design for Learning",
    "Culturally Responsive Teaching",
    "Socratic Seminar",
    "Think-Pair-Share",
    "Jigsaw Grouping",
    "Reciprocal Teaching",
    "Guided Reading",
    "Writers Workshop",
    "Number Talks",
    "Close Reading",
    "Inquiry Cycles",
    "Peer Tutoring",
    "Station Rotation",
    "Flipped Instruction",
    "Retrieval Practice",
    "Spaced Review",
    "Worked Examples",
    "Exit Tickets",
    "Academic Conversations",
    "Mastery Grading",
];

const SUBJECTS: &[&str] = &[
    "Reading",
    "Writing",
    "Algebra",
    "Geometry",
    "Biology",
    "Chemistry",
    "Physics",
    "World History",
    "Civics",
    "Spanish",
    "Music",
    "Visual Art",
    "Computer Science",
    "Statistics",
    "Economics",
    "Earth Science",
    "Health",
    "Physical Education",
    "Engineering",
    "Literature",
    "Fractions",
    "Phonics",
    "Geography",
    "Environmental Science",
    "Media Literacy",
    "Financial Literacy",
    "Robotics",
    "Anatomy",
];

const ASPECTS: &[&str] = &[
    "Fidelity of Implementation",
    "Professional Learning",
    "Coaching Cycles",
    "Classroom Practice",
    "Foundations",
    "Advanced Practice",
    "Instructional Leadership",
    "Lesson Design",
    "Student Feedback",
    "Progress Monitoring",
];

const VERBS: &[&str] = &[
    "Designs",
    "Teaches",
    "Models",
    "Assesses",
    "Adapts",
    "Facilitates",
    "Coaches",
    "Plans",
    "Evaluates",
    "Differentiates",
    "Integrates",
    "Scaffolds",
    "Monitors",
    "Leads",
];

const AUDIENCES: &[&str] = &[
    "middle school students",
    "high school students",
    "elementary students",
    "English learners",
    "students with disabilities",
    "adult learners",
    "first-year teachers",
    "paraprofessionals",
    "gifted students",
    "multilingual families",
];

const SKILLS: &[&str] = &[
    "explain their reasoning",
    "monitor their own comprehension",
    "organize ideas before writing",
    "set and track learning goals",
    "give one another useful feedback",
    "connect new content to prior knowledge",
    "solve multi-step problems",
    "cite evidence from texts",
];

const EVIDENCE: &[&str] = &[
    "a video of a lesson",
    "three samples of student work",
    "a lesson plan and a reflection",
    "an observation by a coach",
    "pre- and post-assessment data",
];

const TAGS: &[&str] = &[
    "SIM",
    "Literacy",
    "Numeracy",
    "STEM",
    "Special Education",
    "English Learners",
    "Assessment",
    "Classroom Management",
    "PBIS",
    "SEL",
    "Leadership",
    "Coaching",
    "Equity",
    "Technology",
    "Early Childhood",
    "Middle School",
    "High School",
    "Adult Education",
    "Reading",
    "Writing",
    "Mathematics",
    "Science",
    "Social Studies",
    "World Languages",
    "Arts",
    "Health",
    "Instructional Design",
    "Data Literacy",
    "Family Engagement",
    "Mentoring",
    "Inclusion",
    "Trauma-Informed",
    "Restorative Practices",
    "UDL",
    "Project-Based Learning",
    "Online Teaching",
    "Differentiation",
    "Vocabulary",
    "Formative Assessment",
    "Career Readiness",
];

/// Words found in about one summary in 150.
const RARE: &[&str] = &[
    "phenology",
    "etymology",
    "cartography",
    "mycology",
    "typography",
    "oceanography",
    "bookbinding",
    "astronomy",
];

/// A word only drafts use: searching for it must find nothing.
const DRAFT_ONLY: &str = "prelaunch";

const NO_MATCH: &[&str] = &["paraphrazing", "quantum", "xylophone", DRAFT_ONLY];

const PREFIXES: &[&str] = &[
    "para", "assess", "geo", "read", "writ", "chem", "coach", "lit", "scaff", "retriev",
];

const PLACES: &[&str] = &[
    "Lawrence",
    "Topeka",
    "Wichita",
    "Manhattan",
    "Salina",
    "Olathe",
    "Emporia",
    "Hays",
    "Garden City",
    "Dodge City",
    "Pittsburg",
    "Hutchinson",
    "Newton",
    "Leavenworth",
    "Junction City",
    "Liberal",
    "Great Bend",
    "Ottawa",
    "Atchison",
    "Parsons",
    "Coffeyville",
    "Abilene",
    "Winfield",
    "Derby",
    "McPherson",
];

const DEPARTMENTS: &[&str] = &[
    "Literacy",
    "Mathematics",
    "Science",
    "Special Education",
    "Leadership",
    "Early Childhood",
    "Technology",
    "Student Support",
];

const SCALES: &[[&str; 5]] = &[
    [
        "Foundational",
        "Developing",
        "Proficient",
        "Advanced",
        "Expert",
    ],
    ["Level 1", "Level 2", "Level 3", "Level 4", "Level 5"],
    [
        "Awareness",
        "Beginning",
        "Intermediate",
        "Proficient",
        "Mastery",
    ],
];

/// A small, seeded generator, so every run (and both backends) see the
/// same data and the same queries.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index below `n` favouring the low end (the lesser of two draws),
    /// so some tags and words are common and others rare.
    fn skewed_index(&mut self, n: usize) -> usize {
        let a = self.below(n);
        let b = self.below(n);
        a.min(b)
    }

    fn skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.skewed_index(items.len())]
    }
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")),
        Err(_) => default,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile of sorted durations.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn first_word(text: &str) -> String {
    query_terms(text).into_iter().next().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The data set.

struct Organization {
    id: OrganizationId,
    author: UserId,
    levels: Vec<(LevelId, &'static str)>,
    departments: [DepartmentId; 2],
}

/// What the benchmark knows of a published micro-credential, to work out
/// what each query must return.
struct Published {
    id: AchievementId,
    organization_id: OrganizationId,
    department_id: Option<DepartmentId>,
    level_name: Option<String>,
    tags: HashSet<String>,
    credit_hundredths: u32,
    price_cents: u32,
    document: String,
    title: String,
}

struct Catalog {
    organizations: Vec<Organization>,
    published: Vec<Published>,
    drafts: HashSet<AchievementId>,
}

fn rubric() -> Rubric {
    Rubric::new(
        vec![
            PerformanceLevel {
                name: "Beginning".into(),
            },
            PerformanceLevel {
                name: "Developing".into(),
            },
            PerformanceLevel {
                name: "Proficient".into(),
            },
        ],
        vec![
            Criterion {
                name: "Fidelity".into(),
                description: "Follows the steps of the routine".into(),
                descriptors: vec![
                    "Some steps".into(),
                    "Most steps".into(),
                    "Every step".into(),
                ],
                points: Some(vec![1, 2, 3]),
            },
            Criterion {
                name: "Student engagement".into(),
                description: "Students take part in each phase".into(),
                descriptors: vec![
                    "A few students".into(),
                    "Most students".into(),
                    "Every student".into(),
                ],
                points: Some(vec![1, 2, 3]),
            },
        ],
        PassingRule::Both {
            level: 2,
            points: 5,
        },
    )
    .expect("rubric")
}

fn requirements() -> Vec<SourcedRequirement> {
    vec![SourcedRequirement {
        requirement: EvidenceRequirement::parse(
            "Record a lesson",
            "Show the whole routine, from introduction to practice.",
            &["video", "reflection"],
            "2",
            &["Shows the class", "Under 20 minutes"],
        )
        .expect("requirement"),
        template_id: None,
    }]
}

/// The descriptive fields of one generated micro-credential.
fn generate(rng: &mut Rng, draft: bool) -> AchievementFields {
    let strategy = *rng.skewed(STRATEGIES);
    let subject = *rng.skewed(SUBJECTS);
    let aspect = *rng.pick(ASPECTS);
    let audience = *rng.pick(AUDIENCES);
    let title = match rng.below(4) {
        0 => format!("{strategy} in {subject}"),
        1 => format!("{strategy}: {aspect}"),
        2 => format!("{subject} {aspect}: {strategy}"),
        _ => format!("{strategy} for {audience}"),
    };
    let mut summary = format!(
        "{} {} with {audience} in {} classrooms, from planning to reflection.",
        rng.pick(VERBS),
        strategy.to_lowercase(),
        subject.to_lowercase(),
    );
    if rng.below(150) == 0 {
        summary.push_str(&format!(" Includes a {} extension.", rng.pick(RARE)));
    }
    if draft {
        summary.push_str(&format!(" In {DRAFT_ONLY} review."));
    }
    let competency = format!(
        "{} {audience} to {} using {}, and {} the results in {}.",
        rng.pick(VERBS),
        rng.pick(SKILLS),
        strategy.to_lowercase(),
        rng.pick(VERBS).to_lowercase(),
        subject.to_lowercase(),
    );
    let criteria = format!(
        "Submit {}; a reviewer scores it against the rubric.",
        rng.pick(EVIDENCE)
    );
    let mut tags: Vec<&str> = Vec::new();
    for _ in 0..=rng.below(5) {
        let tag = *rng.skewed(TAGS);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let tags = tags.join(", ");
    let half_hours = 1 + rng.skewed_index(80);
    let credit_hours = format!(
        "{}.{}",
        half_hours / 2,
        if half_hours % 2 == 1 { 5 } else { 0 }
    );
    let price = if rng.chance(20) {
        format!("{}.00", [25, 49, 75, 99, 150, 250][rng.below(6)])
    } else {
        "0".to_owned()
    };
    AchievementFields::parse(&AchievementInput {
        title: &title,
        summary: &summary,
        competency: &competency,
        criteria: &criteria,
        tags: &tags,
        credit_hours: &credit_hours,
        price: &price,
        sponsorable: rng.chance(30),
        ..AchievementInput::default()
    })
    .expect("generated fields are valid")
}

async fn seed_organizations(store: &Store, rng: &mut Rng, t0: DateTime<Utc>) -> Vec<Organization> {
    let tx = store.begin().await.expect("begin");
    let mut organizations = Vec::with_capacity(ORGANIZATIONS);
    for i in 0..ORGANIZATIONS {
        let place = PLACES[i % PLACES.len()];
        let name = if i < PLACES.len() {
            format!("{place} Public Schools")
        } else {
            format!("{place} Teaching and Learning Center")
        };
        let author = tx
            .users()
            .insert(NewUser {
                id: UserId(uuid::Uuid::now_v7()),
                display_name: &format!("Author {i}"),
                password_hash: None,
                platform_admin: false,
                may_create_organizations: true,
                now: t0,
            })
            .await
            .expect("user")
            .id;
        let profile = OrganizationProfile::parse(&OrganizationProfileInput {
            name: &name,
            website: "",
            contact_email: "",
            description: "Professional learning for educators.",
        })
        .expect("profile");
        let id = tx
            .organizations()
            .insert(
                OrganizationId(uuid::Uuid::now_v7()),
                &Slug::suggest(&name),
                &profile,
                author,
                t0,
            )
            .await
            .expect("organization")
            .id;
        let scale = SCALES[[0, 0, 1, 2][i % 4]];
        let mut levels = Vec::with_capacity(scale.len());
        for (position, name) in (0u32..).zip(scale) {
            let level = tx
                .levels()
                .insert(LevelId(uuid::Uuid::now_v7()), id, position, name, "", t0)
                .await
                .expect("level");
            levels.push((level.id, name));
        }
        let first = rng.below(DEPARTMENTS.len());
        let second = (first + 1 + rng.below(DEPARTMENTS.len() - 1)) % DEPARTMENTS.len();
        let mut departments = [DepartmentId(uuid::Uuid::nil()); 2];
        for (slot, index) in departments.iter_mut().zip([first, second]) {
            let input = DepartmentInput::parse(DEPARTMENTS[index], "", "").expect("department");
            *slot = tx
                .organizations()
                .insert_department(DepartmentId(uuid::Uuid::now_v7()), id, &input, t0)
                .await
                .expect("department")
                .id;
        }
        organizations.push(Organization {
            id,
            author,
            levels,
            departments,
        });
    }
    tx.commit().await.expect("commit");
    organizations
}

/// Sets how many times a micro-credential was awarded.
async fn set_awards(tx: &impl Repos, id: AchievementId, awards: u32) {
    use sea_orm::sea_query::ExprTrait;
    tx.conn()
        .execute(
            &Query::update()
                .table(Alias::new("achievements"))
                .value(Alias::new("awards_count"), awards)
                .and_where(Expr::col(Alias::new("id")).eq(id.0))
                .to_owned(),
        )
        .await
        .expect("awards count");
}

/// Seeds organizations, `size` published micro-credentials and a twentieth
/// as many drafts, interleaved.
async fn seed(store: &Store, size: usize) -> Catalog {
    let mut rng = Rng(0x00ca_1a10_9000);
    let t0 = Utc
        .with_ymd_and_hms(2023, 1, 2, 9, 0, 0)
        .single()
        .expect("valid date");
    let organizations = seed_organizations(store, &mut rng, t0).await;
    let drafts = (size / 20).max(1);
    let total = size + drafts;
    let rubric = rubric();
    let requirements = requirements();
    let mut catalog = Catalog {
        organizations,
        published: Vec::with_capacity(size),
        drafts: HashSet::with_capacity(drafts),
    };
    // Three years of publishing, spread over the rows.
    let step = Span::minutes(3 * 365 * 24 * 60 / i64::try_from(total).unwrap_or(1).max(1));
    let mut start = 0;
    while start < total {
        let tx = store.begin().await.expect("begin");
        for i in start..(start + BATCH).min(total) {
            let draft = (i * drafts) / total != ((i + 1) * drafts) / total;
            let fields = generate(&mut rng, draft);
            let org = &catalog.organizations[rng.skewed_index(ORGANIZATIONS)];
            let level = rng.chance(85).then(|| *rng.pick(&org.levels));
            let department_id = rng.chance(70).then(|| *rng.pick(&org.departments));
            let created = t0 + step * i32::try_from(i).unwrap_or(i32::MAX);
            let id = AchievementId(uuid::Uuid::now_v7());
            tx.achievements()
                .insert(NewAchievement {
                    id,
                    version_id: AchievementVersionId(uuid::Uuid::now_v7()),
                    organization_id: org.id,
                    department_id,
                    level_id: level.map(|(l, _)| l),
                    slug: &format!("mc-{i}"),
                    content: VersionContent {
                        fields: &fields,
                        rubric: Some(&rubric),
                        rubric_template_id: None,
                        requirements: &requirements,
                    },
                    created_by: org.author,
                    now: created,
                })
                .await
                .expect("insert");
            if draft {
                catalog.drafts.insert(id);
                continue;
            }
            let published_at = created + Span::hours(i64::try_from(rng.below(72)).unwrap_or(0));
            tx.achievements()
                .set_status(id, AchievementStatus::Published, published_at)
                .await
                .expect("publish");
            // Awards are counted by the award flow, which this crate does not
            // have; a long tail like a real catalog's.
            let awards =
                u32::try_from(rng.below(40) * rng.below(40) / (1 + rng.below(8))).unwrap_or(0);
            set_awards(&tx, id, awards).await;
            catalog.published.push(Published {
                id,
                organization_id: org.id,
                department_id,
                level_name: level.map(|(_, name)| name.to_lowercase()),
                tags: fields.tags.iter().map(|t| tag_key(t)).collect(),
                credit_hundredths: fields.credit_hundredths,
                price_cents: match fields.price {
                    cairn_domain::achievement::fields::Price::Free => 0,
                    cairn_domain::achievement::fields::Price::Paid { cents } => cents,
                },
                document: search_document(&fields),
                title: fields.title.clone(),
            });
        }
        tx.commit().await.expect("commit");
        start += BATCH;
    }
    catalog
}

impl Published {
    /// Whether the catalog search should return this one for `q`.
    fn matches(&self, q: &CatalogQuery) -> bool {
        q.terms
            .iter()
            .all(|t| self.document.contains(&format!(" {t}")))
            && q.organization_id.is_none_or(|o| o == self.organization_id)
            && q.department_id
                .is_none_or(|d| Some(d) == self.department_id)
            && q.level_name
                .as_ref()
                .is_none_or(|l| self.level_name.as_deref() == Some(&*l.trim().to_lowercase()))
            && q.tag
                .as_ref()
                .is_none_or(|t| self.tags.contains(&tag_key(t)))
            && q.min_credit_hundredths
                .is_none_or(|m| self.credit_hundredths >= m)
            && q.max_credit_hundredths
                .is_none_or(|m| self.credit_hundredths <= m)
            && q.free.is_none_or(|free| free == (self.price_cents == 0))
    }
}

// ---------------------------------------------------------------------------
// The queries.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Browse,
    CommonWord,
    RareWord,
    SeveralWords,
    Prefix,
    NoMatch,
    Organization,
    Level,
    Tag,
    CreditRange,
    FreeOrPaid,
    TextAndFilters,
    Newest,
    Popular,
    Page5,
}

impl Kind {
    /// Each kind with its share of the mix, in percent.
    const MIX: [(Kind, usize); 15] = [
        (Kind::Browse, 8),
        (Kind::CommonWord, 12),
        (Kind::RareWord, 5),
        (Kind::SeveralWords, 12),
        (Kind::Prefix, 8),
        (Kind::NoMatch, 4),
        (Kind::Organization, 8),
        (Kind::Level, 5),
        (Kind::Tag, 8),
        (Kind::CreditRange, 5),
        (Kind::FreeOrPaid, 4),
        (Kind::TextAndFilters, 10),
        (Kind::Newest, 4),
        (Kind::Popular, 4),
        (Kind::Page5, 3),
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Browse => "browse (no text, page 1)",
            Kind::CommonWord => "1 word, common",
            Kind::RareWord => "1 word, rare",
            Kind::SeveralWords => "2-3 words",
            Kind::Prefix => "word prefix",
            Kind::NoMatch => "no match",
            Kind::Organization => "organization (+ department)",
            Kind::Level => "level filter",
            Kind::Tag => "tag filter",
            Kind::CreditRange => "credit range",
            Kind::FreeOrPaid => "free / paid",
            Kind::TextAndFilters => "text + filters",
            Kind::Newest => "sort newest",
            Kind::Popular => "sort popular",
            Kind::Page5 => "page 5, 1 common word",
        }
    }

    /// Whether every query of this kind must find something (the others
    /// must find something in all, except the no-match queries).
    fn finds_something(self) -> bool {
        matches!(
            self,
            Kind::Browse
                | Kind::CommonWord
                | Kind::SeveralWords
                | Kind::Prefix
                | Kind::Organization
                | Kind::Level
                | Kind::FreeOrPaid
                | Kind::Page5
        )
    }
}

fn common_word(rng: &mut Rng) -> String {
    if rng.chance(50) {
        first_word(rng.skewed::<&str>(STRATEGIES))
    } else {
        first_word(rng.skewed::<&str>(SUBJECTS))
    }
}

fn page(terms: Vec<String>, page: u64) -> CatalogQuery {
    CatalogQuery {
        terms,
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
        ..CatalogQuery::default()
    }
}

fn query(kind: Kind, rng: &mut Rng, catalog: &Catalog) -> CatalogQuery {
    let scale = *rng.pick(SCALES);
    match kind {
        Kind::Browse => page(Vec::new(), 1),
        Kind::CommonWord => page(vec![common_word(rng)], 1),
        Kind::RareWord => page(query_terms(rng.pick::<&str>(RARE)), 1),
        Kind::SeveralWords => {
            let title = &rng.pick(&catalog.published).title;
            let words = query_terms(title);
            let keep = 2 + rng.below(2);
            let skip = rng.below(words.len().saturating_sub(keep) + 1);
            page(words.into_iter().skip(skip).take(keep).collect(), 1)
        }
        Kind::Prefix => page(vec![(*rng.pick(PREFIXES)).to_owned()], 1),
        Kind::NoMatch => page(query_terms(rng.pick::<&str>(NO_MATCH)), 1),
        Kind::Organization => {
            let org = rng.skewed(&catalog.organizations);
            CatalogQuery {
                organization_id: Some(org.id),
                department_id: rng.chance(30).then(|| *rng.pick(&org.departments)),
                ..page(Vec::new(), 1)
            }
        }
        Kind::Level => CatalogQuery {
            level_name: Some((*rng.pick(&scale)).to_owned()),
            ..page(Vec::new(), 1)
        },
        Kind::Tag => CatalogQuery {
            tag: Some((*rng.skewed(TAGS)).to_owned()),
            ..page(Vec::new(), 1)
        },
        Kind::CreditRange => {
            let min = 50 * u32::try_from(rng.below(20)).unwrap_or(0);
            CatalogQuery {
                min_credit_hundredths: Some(min),
                max_credit_hundredths: Some(
                    min + 100 * (1 + u32::try_from(rng.below(10)).unwrap_or(0)),
                ),
                ..page(Vec::new(), 1)
            }
        }
        Kind::FreeOrPaid => CatalogQuery {
            free: Some(rng.chance(50)),
            ..page(Vec::new(), 1)
        },
        Kind::TextAndFilters => {
            let mut q = page(vec![common_word(rng)], 1);
            match rng.below(4) {
                0 => q.tag = Some((*rng.skewed(TAGS)).to_owned()),
                1 => q.level_name = Some((*rng.pick(&scale)).to_owned()),
                2 => q.free = Some(true),
                _ => q.organization_id = Some(rng.skewed(&catalog.organizations).id),
            }
            if rng.chance(30) {
                q.max_credit_hundredths = Some(1000);
            }
            q
        }
        Kind::Newest | Kind::Popular => {
            let terms = if rng.chance(50) {
                Vec::new()
            } else {
                vec![common_word(rng)]
            };
            CatalogQuery {
                sort: if kind == Kind::Newest {
                    CatalogSort::Newest
                } else {
                    CatalogSort::Popular
                },
                ..page(terms, 1)
            }
        }
        Kind::Page5 => page(vec![first_word(rng.pick::<&str>(&STRATEGIES[..4]))], 5),
    }
}

fn mix(rng: &mut Rng, catalog: &Catalog, count: usize) -> Vec<(Kind, CatalogQuery)> {
    let weight: usize = Kind::MIX.iter().map(|(_, w)| w).sum();
    (0..count)
        .map(|_| {
            let mut roll = rng.below(weight);
            let mut kind = Kind::Browse;
            for (k, w) in Kind::MIX {
                if roll < w {
                    kind = k;
                    break;
                }
                roll -= w;
            }
            (kind, query(kind, rng, catalog))
        })
        .collect()
}

/// Checks a page against what the data set says the query must return.
fn check(kind: Kind, q: &CatalogQuery, found: &CatalogPage, catalog: &Catalog) {
    let expected: HashSet<AchievementId> = catalog
        .published
        .iter()
        .filter(|p| p.matches(q))
        .map(|p| p.id)
        .collect();
    assert_eq!(
        found.total,
        u64::try_from(expected.len()).unwrap_or(u64::MAX),
        "{} {q:?}",
        kind.label()
    );
    if kind.finds_something() {
        assert!(found.total > 0, "{} found nothing: {q:?}", kind.label());
    }
    let on_page = found.total.saturating_sub(q.offset).min(q.limit);
    assert_eq!(
        u64::try_from(found.items.len()).unwrap_or(u64::MAX),
        on_page,
        "{} {q:?}",
        kind.label()
    );
    for item in &found.items {
        assert!(!catalog.drafts.contains(&item.id), "a draft was returned");
        assert_eq!(item.status, AchievementStatus::Published);
        assert!(expected.contains(&item.id), "{} {q:?}", kind.label());
    }
}

// ---------------------------------------------------------------------------
// The run.

/// Where the benchmark's database lives and how it goes away.
enum BenchDatabase {
    Sqlite(TestDatabase),
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl BenchDatabase {
    async fn postgres(admin_url: String) -> Self {
        let name = format!("cairn_bench_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to the PostgreSQL server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the benchmark database");
        admin.close().await.expect("close the admin connection");
        let mut url = url::Url::parse(&admin_url).expect("the PostgreSQL URL is a URL");
        url.set_path(&name);
        Self::Postgres {
            admin_url,
            name,
            url: url.to_string(),
        }
    }

    fn url(&self) -> String {
        match self {
            Self::Sqlite(db) => db.url.clone(),
            Self::Postgres { url, .. } => url.clone(),
        }
    }

    async fn drop_database(self) {
        match self {
            Self::Sqlite(db) => db.drop_database().await,
            Self::Postgres {
                admin_url, name, ..
            } => {
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to the PostgreSQL server");
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("drop the benchmark database");
                admin.close().await.expect("close the admin connection");
            }
        }
    }
}

async fn run(label: &'static str, url: String, size: usize, queries: usize) {
    let store = Store::connect(&url, SERVER_POOL)
        .await
        .expect("connect to the benchmark database");
    store.migrate().await.expect("migrate");

    let started = Instant::now();
    let catalog = seed(&store, size).await;
    let seed_time = started.elapsed();
    if store.backend() == Backend::Postgres {
        // What autovacuum does shortly after a bulk load.
        store
            .conn()
            .execute_unprepared("ANALYZE")
            .await
            .expect("analyze");
    }
    // What a running SQLite server gets from `PRAGMA optimize` when pooled
    // connections close, or at its next start.
    store
        .refresh_statistics()
        .await
        .expect("refresh statistics");

    let mut rng = Rng(0x5ea2_c4e5);
    let warm_up = mix(&mut rng, &catalog, (queries / 10).max(1));
    let timed = mix(&mut rng, &catalog, queries);
    for (kind, q) in &warm_up {
        let found = store.achievements().search(q).await.expect("search");
        check(*kind, q, &found, &catalog);
    }
    let mut times: Vec<(Kind, Duration)> = Vec::with_capacity(timed.len());
    let mut pages = Vec::with_capacity(timed.len());
    for (kind, q) in &timed {
        let started = Instant::now();
        let found = store.achievements().search(q).await.expect("search");
        times.push((*kind, started.elapsed()));
        pages.push(found);
    }
    let mut matches: BTreeMap<Kind, (u64, u64)> = BTreeMap::new();
    for ((kind, q), found) in timed.iter().zip(&pages) {
        check(*kind, q, found, &catalog);
        let entry = matches.entry(*kind).or_default();
        entry.0 += found.total;
        entry.1 += 1;
    }
    for (kind, (total, _)) in &matches {
        if *kind != Kind::NoMatch {
            assert!(*total > 0, "no {} query found anything", kind.label());
        }
    }
    store.close().await.expect("close");

    println!(
        "\ncatalog search on {label}: {} published + {} drafts in {ORGANIZATIONS} organizations",
        catalog.published.len(),
        catalog.drafts.len()
    );
    println!(
        "  seed: {:.1} s ({:.2} ms per micro-credential, {BATCH} per transaction)",
        seed_time.as_secs_f64(),
        ms(seed_time) / (catalog.published.len() + catalog.drafts.len()) as f64
    );
    println!(
        "  {} queries after {} warm-up, one at a time, pool of {SERVER_POOL}, {PER_PAGE} per page",
        timed.len(),
        warm_up.len()
    );
    let mut all: Vec<Duration> = times.iter().map(|(_, d)| *d).collect();
    all.sort();
    println!(
        "  overall: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(percentile(&all, 50)),
        ms(percentile(&all, 90)),
        ms(percentile(&all, 99)),
        ms(all.last().copied().unwrap_or_default()),
    );
    let mut by_kind: BTreeMap<Kind, Vec<Duration>> = BTreeMap::new();
    for (kind, d) in times {
        by_kind.entry(kind).or_default().push(d);
    }
    println!(
        "  {:<26} {:>5} {:>9} {:>9} {:>9} {:>9}",
        "kind", "n", "p50 ms", "p99 ms", "max ms", "found"
    );
    for (kind, mut durations) in by_kind {
        durations.sort();
        let (sum, n) = matches.get(&kind).copied().unwrap_or((0, 1));
        println!(
            "  {:<26} {:>5} {:>9.2} {:>9.2} {:>9.2} {:>9.0}",
            kind.label(),
            durations.len(),
            ms(percentile(&durations, 50)),
            ms(percentile(&durations, 99)),
            ms(durations.last().copied().unwrap_or_default()),
            sum as f64 / n.max(1) as f64,
        );
    }
}

/// Runs the benchmark on one database and drops it, even when a check fails.
async fn on(db: BenchDatabase, label: &'static str, size: usize, queries: usize) {
    let outcome = tokio::spawn(run(label, db.url(), size, queries)).await;
    db.drop_database().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the {label} run did not finish: {e}");
    }
}

#[tokio::main]
async fn main() {
    let size = env_number("CAIRN_BENCH_CATALOG_SIZE", 10_000).max(1);
    let queries = env_number("CAIRN_BENCH_CATALOG_QUERIES", 1000).max(1);
    on(
        BenchDatabase::Sqlite(TestDatabase::sqlite()),
        "SQLite",
        size,
        queries,
    )
    .await;
    match std::env::var("CAIRN_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("CAIRN_TEST_POSTGRES_URL"))
    {
        Ok(admin_url) => {
            on(
                BenchDatabase::postgres(admin_url).await,
                "PostgreSQL",
                size,
                queries,
            )
            .await;
        }
        Err(_) => println!(
            "\nnote: neither CAIRN_BENCH_POSTGRES_URL nor CAIRN_TEST_POSTGRES_URL is set; PostgreSQL skipped"
        ),
    }
}

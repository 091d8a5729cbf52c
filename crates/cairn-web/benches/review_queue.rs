//! How long the review-queue page, `GET /orgs/{org}/reviews`, takes with
//! 10,000 submissions waiting for review, on SQLite and on PostgreSQL: the
//! real router on a loopback port, logged in as the organization's
//! administrator and as one reviewer, one request at a time.
//!
//! `cargo bench -p cairn-web --bench review_queue`; see docs/benchmarks.md
//! for the figures.
//!
//! - `CAIRN_BENCH_QUEUE_SUBMISSIONS`: open submissions in the measured
//!   organization (default 10000).
//! - `CAIRN_BENCH_QUEUE_REQUESTS`: timed requests per page (default 500,
//!   after a tenth of that as warm-up).
//! - `CAIRN_BENCH_POSTGRES_URL`, else `CAIRN_TEST_POSTGRES_URL`: the
//!   PostgreSQL server to create (and drop) the benchmark's database on;
//!   without either, only SQLite runs.

#![expect(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHasher};
use cairn_domain::account::EmailAddress;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::achievement::requirement::{EvidenceKind, EvidenceRequirement};
use cairn_domain::achievement::rubric::{Criterion, PassingRule, PerformanceLevel, Rubric};
use cairn_domain::enrollment::{Decision, Feedback, State, StateName, Visibility};
use cairn_domain::organization::{OrganizationProfile, OrganizationProfileInput, Slug};
use cairn_domain::role::{Role, RoleSet};
use cairn_domain::{
    AchievementId, AchievementVersionId, EmailId, EnrollmentId, EvidenceId, MembershipId,
    OrganizationId, ReviewId, SubmissionId, UserId,
};
use cairn_store::achievements::{NewAchievement, SourcedRequirement, VersionContent};
use cairn_store::enrollments::{Evidence, EvidenceContent, Funding, NewEnrollment};
use cairn_store::reviews::{Assignment, Score};
use cairn_store::users::NewUser;
use cairn_store::{Backend, Repos, Store, Tx};
use cairn_test_support::{TestApp, TestClient, TestDatabase};
use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `cairn_app::reviewing::QUEUE_PAGE`.
const PER_PAGE: usize = 50;
/// Reviewers of the measured organization.
const REVIEWERS: usize = 25;
/// Micro-credentials of the measured organization.
const ACHIEVEMENTS: usize = 36;
/// The other organization: its micro-credentials, reviewers (the measured
/// reviewer among them) and open submissions.
const OTHER_ACHIEVEMENTS: usize = 8;
const OTHER_REVIEWERS: usize = 5;
const OTHER_SUBMISSIONS: usize = 1_500;
/// Enrollments of the measured organization that were decided and
/// awarded: their reviews are completed, so the queue must leave them out.
const AWARDED: usize = 1_500;
/// Percent of open submissions that are a second attempt (the first one
/// was sent back for revision, its reviews completed).
const SECOND_ATTEMPTS: usize = 20;
/// Percent of open submissions with two reviewers.
const TWO_REVIEWS: usize = 10;
/// Enrollments written per transaction while seeding.
const BATCH: usize = 250;
const PASSWORD: &str = "bench-review-queue-2026";
const ADMIN_EMAIL: &str = "avery.admin@bench.cairn.test";
const REVIEWER_EMAIL: &str = "riley.reviewer@bench.cairn.test";

const FIRST_NAMES: &[&str] = &[
    "Aaliyah",
    "Aaron",
    "Abigail",
    "Adrian",
    "Aisha",
    "Alejandro",
    "Amara",
    "Andre",
    "Angela",
    "Ava",
    "Benjamin",
    "Bianca",
    "Brandon",
    "Camila",
    "Carlos",
    "Chloe",
    "Daniel",
    "Deja",
    "Diego",
    "Elena",
    "Elijah",
    "Emily",
    "Ethan",
    "Fatima",
    "Gabriel",
    "Grace",
    "Hannah",
    "Hector",
    "Imani",
    "Isaac",
    "Jasmine",
    "Javier",
    "Jordan",
    "Julia",
    "Kayla",
    "Kevin",
    "Leah",
    "Lucas",
    "Maya",
    "Mohammed",
    "Naomi",
    "Nathan",
    "Olivia",
    "Omar",
    "Priya",
    "Rachel",
    "Samuel",
    "Sofia",
    "Tyler",
    "Zoe",
];

const LAST_NAMES: &[&str] = &[
    "Adams",
    "Alvarez",
    "Baker",
    "Bennett",
    "Brooks",
    "Campbell",
    "Chen",
    "Clark",
    "Collins",
    "Cruz",
    "Davis",
    "Diaz",
    "Edwards",
    "Evans",
    "Flores",
    "Foster",
    "Garcia",
    "Gomez",
    "Gray",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Jackson",
    "James",
    "Johnson",
    "Kim",
    "Lee",
    "Lewis",
    "Lopez",
    "Martin",
    "Mendoza",
    "Miller",
    "Mitchell",
    "Moore",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Perez",
    "Phillips",
    "Ramirez",
    "Reed",
    "Reyes",
    "Rivera",
    "Roberts",
    "Sanchez",
    "Scott",
    "Shah",
    "Torres",
    "Walker",
    "Washington",
    "Williams",
    "Wright",
    "Young",
];

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
];

const ASPECTS: &[&str] = &[
    "Foundations",
    "Classroom Practice",
    "Coaching Cycles",
    "Instructional Leadership",
];

/// A small, seeded generator, so every run (and both backends) see the
/// same data.
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

fn seconds(n: usize) -> Span {
    Span::seconds(i64::try_from(n).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------
// The data set.

/// One row the queue page must show, as the seed wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Row {
    enrollment: EnrollmentId,
    title: String,
    learner: String,
    attempt: u32,
    reviewer: String,
}

/// An open review, with what its queue row must say.
struct Open {
    assigned_at: DateTime<Utc>,
    review: ReviewId,
    reviewer: UserId,
    row: Row,
}

struct Person {
    id: UserId,
    name: String,
}

/// What one organization holds.
struct Organization {
    id: OrganizationId,
    slug: String,
    achievements: Vec<(AchievementId, AchievementVersionId, String)>,
    reviewers: Vec<Person>,
    /// Open reviews assigned per reviewer, to keep them balanced the way
    /// the submission flow does (least loaded first).
    load: Vec<usize>,
}

impl Organization {
    /// The least loaded reviewer other than `except`.
    fn least_loaded(&self, except: Option<usize>) -> usize {
        (0..self.reviewers.len())
            .filter(|i| Some(*i) != except)
            .min_by_key(|i| (self.load[*i], *i))
            .unwrap_or(0)
    }
}

/// Everything the checks need.
struct Seeded {
    organization: Organization,
    /// The measured organization's open reviews, in queue order.
    open: Vec<Open>,
    /// The measured reviewer (also a reviewer of the other organization).
    reviewer: UserId,
    /// Open reviews in the other organization, and of those the measured
    /// reviewer's.
    other_open: usize,
    other_open_of_reviewer: usize,
    submissions: usize,
    closed_reviews: usize,
    learners: usize,
    enrollments: usize,
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
                points: None,
            },
            Criterion {
                name: "Student engagement".into(),
                description: "Students take part in each phase".into(),
                descriptors: vec![
                    "A few students".into(),
                    "Most students".into(),
                    "Every student".into(),
                ],
                points: None,
            },
        ],
        PassingRule::AllAtLeast { level: 2 },
    )
    .expect("rubric")
}

fn requirements() -> Vec<SourcedRequirement> {
    vec![SourcedRequirement {
        requirement: EvidenceRequirement::parse(
            "Record a lesson and reflect on it",
            "Show the whole routine, then say what you would change.",
            &["link", "reflection"],
            "2",
            &["Shows the class", "Under 20 minutes"],
        )
        .expect("requirement"),
        template_id: None,
    }]
}

fn password_hash() -> String {
    let salt = SaltString::encode_b64(b"cairn-bench-salt").expect("salt");
    Argon2::default()
        .hash_password(PASSWORD.as_bytes(), &salt)
        .expect("hash the password")
        .to_string()
}

async fn user(
    tx: &Tx,
    name: &str,
    email: Option<&str>,
    hash: Option<&str>,
    at: DateTime<Utc>,
) -> UserId {
    let id = tx
        .users()
        .insert(NewUser {
            id: UserId(uuid::Uuid::now_v7()),
            display_name: name,
            password_hash: hash,
            platform_admin: false,
            may_create_organizations: false,
            now: at,
        })
        .await
        .expect("user")
        .id;
    if let Some(email) = email {
        tx.users()
            .add_email(
                EmailId(uuid::Uuid::now_v7()),
                id,
                &EmailAddress::parse(email).expect("address"),
                Some(at),
                true,
                at,
            )
            .await
            .expect("email");
    }
    id
}

async fn member(tx: &Tx, org: OrganizationId, user: UserId, role: Role, at: DateTime<Utc>) {
    tx.memberships()
        .add(
            MembershipId(uuid::Uuid::now_v7()),
            org,
            user,
            RoleSet::of([role]),
            at,
        )
        .await
        .expect("membership");
}

/// An organization, its reviewers and published micro-credentials. The
/// reviewer `shared`, when given, reviews here too.
#[expect(clippy::too_many_arguments, reason = "one seeding step, called twice")]
async fn organization(
    tx: &Tx,
    rng: &mut Rng,
    name: &str,
    admin: UserId,
    achievements: usize,
    reviewers: usize,
    shared: Option<Person>,
    t0: DateTime<Utc>,
) -> Organization {
    let profile = OrganizationProfile::parse(&OrganizationProfileInput {
        name,
        website: "",
        contact_email: "",
        description: "Professional learning for educators.",
    })
    .expect("profile");
    let slug = Slug::suggest(name);
    let id = tx
        .organizations()
        .insert(
            OrganizationId(uuid::Uuid::now_v7()),
            &slug,
            &profile,
            admin,
            t0,
        )
        .await
        .expect("organization")
        .id;
    member(tx, id, admin, Role::Admin, t0).await;
    let rubric = rubric();
    let requirements = requirements();
    let mut list = Vec::with_capacity(achievements);
    for i in 0..achievements {
        let title = format!(
            "{} {}",
            STRATEGIES[i % STRATEGIES.len()],
            ASPECTS[(i / STRATEGIES.len()) % ASPECTS.len()]
        );
        let fields = AchievementFields::parse(&AchievementInput {
            title: &title,
            summary: "Plans, teaches and reflects on a learning strategy.",
            competency: "Teaches the strategy with fidelity and adapts it to the class.",
            criteria: "Submit a lesson video and a reflection; a reviewer scores them.",
            tags: "SIM, Literacy",
            credit_hours: "2",
            price: "0",
            ..AchievementInput::default()
        })
        .expect("fields");
        let achievement = AchievementId(uuid::Uuid::now_v7());
        let version = AchievementVersionId(uuid::Uuid::now_v7());
        tx.achievements()
            .insert(NewAchievement {
                id: achievement,
                version_id: version,
                organization_id: id,
                department_id: None,
                level_id: None,
                slug: &format!("{}-{i}", Slug::suggest(&title)),
                content: VersionContent {
                    fields: &fields,
                    rubric: Some(&rubric),
                    rubric_template_id: None,
                    requirements: &requirements,
                },
                created_by: admin,
                now: t0,
            })
            .await
            .expect("achievement");
        tx.achievements()
            .set_status(achievement, AchievementStatus::Published, t0)
            .await
            .expect("publish");
        list.push((achievement, version, fields.title.clone()));
    }
    let mut people = Vec::with_capacity(reviewers);
    if let Some(shared) = shared {
        member(tx, id, shared.id, Role::Reviewer, t0).await;
        people.push(shared);
    }
    while people.len() < reviewers {
        let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
        let reviewer = user(tx, &name, None, None, t0).await;
        member(tx, id, reviewer, Role::Reviewer, t0).await;
        people.push(Person { id: reviewer, name });
    }
    Organization {
        id,
        slug,
        achievements: list,
        load: vec![0; people.len()],
        reviewers: people,
    }
}

/// What one enrollment becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Submitted and waiting, on its first or second attempt.
    Open { attempt: u32 },
    /// Decided and awarded: every review completed.
    Awarded,
}

/// Writes one enrollment with its evidence, submissions and reviews.
/// Returns the open reviews it added and how many completed ones.
async fn enrollment(
    tx: &Tx,
    rng: &mut Rng,
    org: &mut Organization,
    learner: &Person,
    achievement: usize,
    fate: Fate,
    submitted: DateTime<Utc>,
) -> (Vec<Open>, usize) {
    let (achievement_id, version_id, title) = org.achievements[achievement].clone();
    let id = EnrollmentId(uuid::Uuid::now_v7());
    let (state, attempts) = match fate {
        Fate::Open { attempt } => (
            State::from_stored(StateName::Submitted, attempt, Feedback::None),
            attempt,
        ),
        Fate::Awarded => (State::from_stored(StateName::Awarded, 1, Feedback::None), 1),
    };
    let joined = submitted - Span::days(20 + i64::try_from(rng.below(40)).unwrap_or(0));
    tx.enrollments()
        .insert(NewEnrollment {
            id,
            user_id: learner.id,
            achievement_id,
            version_id,
            organization_id: org.id,
            state,
            funding: Funding::Free,
            now: joined,
        })
        .await
        .expect("enrollment");
    for (kind, title, content) in [
        (
            EvidenceKind::Link,
            "Lesson video",
            EvidenceContent::Link {
                url: format!("https://video.example.org/lessons/{}", id.0.simple()),
            },
        ),
        (
            EvidenceKind::Reflection,
            "What I noticed",
            EvidenceContent::Reflection {
                markdown: "The students *paraphrased* each paragraph before moving on. \
                           Next time I will model the first step twice and give the \
                           class a checklist, because two groups skipped the \
                           self-check at the end."
                    .to_owned(),
            },
        ),
    ] {
        tx.enrollments()
            .add_evidence(&Evidence {
                id: EvidenceId(uuid::Uuid::now_v7()),
                enrollment_id: id,
                requirement_index: 0,
                kind,
                title: title.to_owned(),
                content,
                visibility: Visibility::Private,
                created_at: joined,
                updated_at: joined,
            })
            .await
            .expect("evidence");
    }
    let scores = [
        Score {
            level: 2,
            comment: "Every step, in order.".into(),
        },
        Score {
            level: 1,
            comment: "Most students took part.".into(),
        },
    ];
    let mut closed = 0;
    // Earlier attempts (and the only one of an awarded enrollment): decided,
    // with their reviews completed.
    let decided = match fate {
        Fate::Open { attempt } => attempt - 1,
        Fate::Awarded => 1,
    };
    for attempt in 1..=decided {
        let at = submitted - Span::days(i64::from(10 * (attempts + 1 - attempt)));
        let submission = tx
            .enrollments()
            .freeze(SubmissionId(uuid::Uuid::now_v7()), id, attempt, at)
            .await
            .expect("submission");
        let decision = if fate == Fate::Awarded {
            Decision::Meets
        } else {
            Decision::Revise
        };
        let reviewer = org.least_loaded(None);
        let review = tx
            .reviews()
            .assign(Assignment {
                id: ReviewId(uuid::Uuid::now_v7()),
                submission_id: submission.id,
                organization_id: org.id,
                department_id: None,
                reviewer_id: org.reviewers[reviewer].id,
                assigned_by: None,
                now: at,
            })
            .await
            .expect("review");
        let done = at + Span::days(3);
        assert!(
            tx.reviews()
                .complete(
                    review.id,
                    decision,
                    &scores,
                    "Thank you; see the rubric.",
                    done
                )
                .await
                .expect("complete")
        );
        tx.enrollments()
            .decide_submission(submission.id, decision, done)
            .await
            .expect("decide");
        closed += 1;
    }
    let Fate::Open { attempt } = fate else {
        return (Vec::new(), closed);
    };
    let submission = tx
        .enrollments()
        .freeze(SubmissionId(uuid::Uuid::now_v7()), id, attempt, submitted)
        .await
        .expect("submission");
    let first = org.least_loaded(None);
    let mut chosen = vec![first];
    if rng.chance(TWO_REVIEWS) {
        chosen.push(org.least_loaded(Some(first)));
    }
    let mut open = Vec::with_capacity(chosen.len());
    for reviewer in chosen {
        org.load[reviewer] += 1;
        let person = &org.reviewers[reviewer];
        let review = tx
            .reviews()
            .assign(Assignment {
                id: ReviewId(uuid::Uuid::now_v7()),
                submission_id: submission.id,
                organization_id: org.id,
                department_id: None,
                reviewer_id: person.id,
                assigned_by: None,
                now: submitted,
            })
            .await
            .expect("review");
        open.push(Open {
            assigned_at: review.assigned_at,
            review: review.id,
            reviewer: person.id,
            row: Row {
                enrollment: id,
                title: title.clone(),
                learner: learner.name.clone(),
                attempt,
                reviewer: person.name.clone(),
            },
        });
    }
    (open, closed)
}

/// Learners who each join two or three micro-credentials of `org` (one
/// when that is all that is left), until `submissions` submissions wait and
/// `awarded` enrollments are done, mixed. Submissions spread over the 90
/// days before `t0`. Returns the open reviews, how many reviews were
/// completed, and how many learners and enrollments were written.
async fn learners(
    store: &Store,
    rng: &mut Rng,
    org: &mut Organization,
    submissions: usize,
    awarded: usize,
    t0: DateTime<Utc>,
) -> (Vec<Open>, usize, usize, usize) {
    let window = 90 * 24 * 3600;
    let mut open = Vec::with_capacity(submissions * 11 / 10);
    let (mut closed, mut learners) = (0, 0);
    let (mut left_open, mut left_awarded) = (submissions, awarded);
    while left_open + left_awarded > 0 {
        let tx = store.begin().await.expect("begin");
        let mut in_batch = 0;
        while in_batch < BATCH && left_open + left_awarded > 0 {
            learners += 1;
            let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
            let person = Person {
                id: user(&tx, &name, None, None, t0 - Span::days(200)).await,
                name,
            };
            let count = (2 + rng.below(2))
                .min(left_open + left_awarded)
                .min(org.achievements.len());
            let mut chosen: Vec<usize> = Vec::with_capacity(count);
            while chosen.len() < count {
                let a = rng.below(org.achievements.len());
                if !chosen.contains(&a) {
                    chosen.push(a);
                }
            }
            for achievement in chosen {
                let fate = if rng.below(left_open + left_awarded) < left_open {
                    left_open -= 1;
                    Fate::Open {
                        attempt: if rng.chance(SECOND_ATTEMPTS) { 2 } else { 1 },
                    }
                } else {
                    left_awarded -= 1;
                    Fate::Awarded
                };
                let submitted = t0 - Span::days(90) + seconds(rng.below(window));
                let (mut added, done) =
                    enrollment(&tx, rng, org, &person, achievement, fate, submitted).await;
                open.append(&mut added);
                closed += done;
                in_batch += 1;
            }
        }
        tx.commit().await.expect("commit");
    }
    (open, closed, learners, submissions + awarded)
}

async fn seed(store: &Store, submissions: usize) -> Seeded {
    let mut rng = Rng(0x0e71_e3a0_9000);
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid date");
    let hash = password_hash();
    let tx = store.begin().await.expect("begin");
    let admin = user(
        &tx,
        "Avery Administrator",
        Some(ADMIN_EMAIL),
        Some(&hash),
        t0,
    )
    .await;
    let other_admin = user(&tx, "Morgan Administrator", None, None, t0).await;
    let reviewer = Person {
        id: user(&tx, "Riley Reviewer", Some(REVIEWER_EMAIL), Some(&hash), t0).await,
        name: "Riley Reviewer".into(),
    };
    let reviewer_id = reviewer.id;
    let mut measured = organization(
        &tx,
        &mut rng,
        "Prairie Valley Unified Schools",
        admin,
        ACHIEVEMENTS,
        REVIEWERS,
        Some(Person {
            id: reviewer.id,
            name: reviewer.name.clone(),
        }),
        t0,
    )
    .await;
    let mut other = organization(
        &tx,
        &mut rng,
        "Riverbend Teaching Collaborative",
        other_admin,
        OTHER_ACHIEVEMENTS,
        OTHER_REVIEWERS,
        Some(reviewer),
        t0,
    )
    .await;
    tx.commit().await.expect("commit");

    let (mut open, closed, people, enrollments) =
        learners(store, &mut rng, &mut measured, submissions, AWARDED, t0).await;
    let (other_open, other_closed, other_people, other_enrollments) =
        learners(store, &mut rng, &mut other, OTHER_SUBMISSIONS, 0, t0).await;
    open.sort_by_key(|o| (o.assigned_at, o.review.0));
    Seeded {
        open,
        reviewer: reviewer_id,
        other_open_of_reviewer: other_open
            .iter()
            .filter(|o| o.reviewer == reviewer_id)
            .count(),
        other_open: other_open.len(),
        submissions,
        closed_reviews: closed + other_closed,
        learners: people + other_people,
        enrollments: enrollments + other_enrollments,
        organization: measured,
    }
}

// ---------------------------------------------------------------------------
// The page and its checks.

/// What a queue page showed: the count it announces and its rows.
fn read_page(html: &str, everyone: bool) -> (u64, Vec<Row>) {
    let marker = "<p role=\"status\">";
    let start = html.find(marker).map(|i| i + marker.len());
    let total = start
        .and_then(|s| html[s..].split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no open-review count on the page:\n{html}"));
    let mut rows = Vec::new();
    for chunk in html.split("<tr><td><a href=\"/enrollments/").skip(1) {
        let (id, rest) = chunk.split_once("#review\">").expect("row link");
        let (title, rest) = rest.split_once("</a></td><td>").expect("title cell");
        let (learner, rest) = rest.split_once("</td><td>").expect("learner cell");
        let (attempt, rest) = rest.split_once("</td><td>").expect("attempt cell");
        let reviewer = if everyone {
            rest.split_once("</td>").expect("reviewer cell").0
        } else {
            ""
        };
        let enrollment = EnrollmentId(uuid::Uuid::parse_str(id).expect("enrollment id"));
        rows.push(Row {
            enrollment,
            title: title.to_owned(),
            learner: learner.to_owned(),
            attempt: attempt.parse().expect("attempt"),
            reviewer: reviewer.to_owned(),
        });
    }
    (total, rows)
}

/// One page to measure and what it must show.
struct Target {
    label: String,
    client: TestClient,
    path: String,
    everyone: bool,
    total: u64,
    rows: Vec<Row>,
}

impl Target {
    fn new(
        label: &str,
        client: &TestClient,
        slug: &str,
        page: usize,
        open: &[&Open],
        everyone: bool,
    ) -> Self {
        let rows = open
            .iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|o| Row {
                reviewer: if everyone {
                    o.row.reviewer.clone()
                } else {
                    String::new()
                },
                ..o.row.clone()
            })
            .collect();
        Self {
            label: label.to_owned(),
            client: client.clone(),
            path: format!("/orgs/{slug}/reviews?page={page}"),
            everyone,
            total: u64::try_from(open.len()).unwrap_or(u64::MAX),
            rows,
        }
    }

    fn check(&self, status: u16, html: &str) {
        assert_eq!(status, 200, "{} answered {status}:\n{html}", self.path);
        let (total, rows) = read_page(html, self.everyone);
        assert_eq!(total, self.total, "{}: the open-review count", self.path);
        assert_eq!(rows.len(), self.rows.len(), "{}: rows listed", self.path);
        assert_eq!(rows, self.rows, "{}: the rows", self.path);
    }
}

struct Measured {
    engine: &'static str,
    label: String,
    rows: usize,
    total: u64,
    times: Vec<Duration>,
}

async fn log_in(app: &TestApp, email: &str) -> TestClient {
    let client = app.client();
    client
        .submit("/login", &[("email", email), ("password", PASSWORD)])
        .await
        .assert_status(200)
        .assert_contains("You are logged in.");
    client
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

async fn run(
    engine: &'static str,
    url: String,
    submissions: usize,
    requests: usize,
) -> (Vec<Measured>, String) {
    let app = TestApp::builder().database_url(&url).start().await;
    let started = Instant::now();
    let seeded = seed(&app.store, submissions).await;
    let seed_time = started.elapsed();
    println!("{engine}: seeded in {:.1} s", seed_time.as_secs_f64());
    if app.store.backend() == Backend::Postgres {
        // What autovacuum does shortly after a bulk load.
        app.store
            .conn()
            .execute_unprepared("ANALYZE")
            .await
            .expect("analyze");
    }
    // What a running SQLite server gets from `PRAGMA optimize` when pooled
    // connections close, or at its next start.
    app.store
        .refresh_statistics()
        .await
        .expect("refresh statistics");

    let admin = log_in(&app, ADMIN_EMAIL).await;
    let reviewer = log_in(&app, REVIEWER_EMAIL).await;
    let slug = seeded.organization.slug.clone();
    let everything: Vec<&Open> = seeded.open.iter().collect();
    let mine: Vec<&Open> = seeded
        .open
        .iter()
        .filter(|o| o.reviewer == seeded.reviewer)
        .collect();
    let last = everything.len().div_ceil(PER_PAGE).max(1);
    let middle = (last / 2).clamp(1, 100);
    let targets = [
        Target::new("administrator, page 1", &admin, &slug, 1, &everything, true),
        Target::new(
            &format!("administrator, page {middle}"),
            &admin,
            &slug,
            middle,
            &everything,
            true,
        ),
        Target::new(
            &format!("administrator, page {last} (last)"),
            &admin,
            &slug,
            last,
            &everything,
            true,
        ),
        Target::new("reviewer, page 1", &reviewer, &slug, 1, &mine, false),
    ];
    let mut results = Vec::with_capacity(targets.len());
    for target in &targets {
        for _ in 0..(requests / 10).max(1) {
            let page = target.client.get(&target.path).await;
            target.check(page.status, &page.text);
        }
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            let started = Instant::now();
            let page = target.client.get(&target.path).await;
            times.push(started.elapsed());
            target.check(page.status, &page.text);
        }
        times.sort();
        println!(
            "{engine}, {}: p50 {:.2} ms, p99 {:.2} ms",
            target.label,
            ms(percentile(&times, 50)),
            ms(percentile(&times, 99))
        );
        results.push(Measured {
            engine,
            label: target.label.clone(),
            rows: target.rows.len(),
            total: target.total,
            times,
        });
    }
    let store = app.store.clone();
    app.finish().await;
    store.close().await.expect("close");

    let summary = format!(
        "{engine}: {} open submissions ({} open reviews, {} reviewers; the measured \
         reviewer has {}) in the measured organization, {} enrollments of {} learners \
         in all, {} completed reviews, and {} open reviews in another organization \
         ({} of them the measured reviewer's); seeded in {:.1} s",
        seeded.submissions,
        seeded.open.len(),
        seeded.organization.reviewers.len(),
        mine.len(),
        seeded.enrollments,
        seeded.learners,
        seeded.closed_reviews,
        seeded.other_open,
        seeded.other_open_of_reviewer,
        seed_time.as_secs_f64(),
    );
    (results, summary)
}

/// Runs the benchmark on one database and drops it, even when a check fails.
async fn on(
    db: BenchDatabase,
    engine: &'static str,
    submissions: usize,
    requests: usize,
) -> (Vec<Measured>, String) {
    let outcome = tokio::spawn(run(engine, db.url(), submissions, requests)).await;
    db.drop_database().await;
    match outcome {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the {engine} run did not finish: {e}"),
    }
}

#[tokio::main]
async fn main() {
    let submissions = env_number("CAIRN_BENCH_QUEUE_SUBMISSIONS", 10_000).max(PER_PAGE);
    let requests = env_number("CAIRN_BENCH_QUEUE_REQUESTS", 500).max(1);
    let mut runs = vec![
        on(
            BenchDatabase::Sqlite(TestDatabase::sqlite()),
            "SQLite",
            submissions,
            requests,
        )
        .await,
    ];
    match std::env::var("CAIRN_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("CAIRN_TEST_POSTGRES_URL"))
    {
        Ok(admin_url) => runs.push(
            on(
                BenchDatabase::postgres(admin_url).await,
                "PostgreSQL",
                submissions,
                requests,
            )
            .await,
        ),
        Err(_) => println!(
            "\nnote: neither CAIRN_BENCH_POSTGRES_URL nor CAIRN_TEST_POSTGRES_URL is set; PostgreSQL skipped"
        ),
    }
    println!(
        "\nreview queue, GET /orgs/{{org}}/reviews: {requests} requests per page, one at a \
         time, after {} warm-up; every answer checked (200, the count, each row)\n",
        (requests / 10).max(1)
    );
    for (_, summary) in &runs {
        println!("- {summary}");
    }
    println!();
    println!("| engine | page | rows | total | p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|---|");
    for m in runs.iter().flat_map(|(m, _)| m) {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            m.engine,
            m.label,
            m.rows,
            m.total,
            ms(percentile(&m.times, 50)),
            ms(percentile(&m.times, 90)),
            ms(percentile(&m.times, 99)),
            ms(m.times.last().copied().unwrap_or_default()),
        );
    }
}

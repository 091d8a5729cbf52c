//! Demo content: three organizations with published micro-credentials,
//! shared templates, a level ladder and stacks, and sample people who can
//! log in, so a newcomer sees a working platform a minute after starting it.
//!
//! Everything goes through the use cases a person would use (create the
//! organization, set its levels, save templates, create, design and publish
//! micro-credentials, set prerequisites, save stacks), so it is validated,
//! audited and written in one transaction per step like real use. Only two
//! things have no use case, because a real person does them by email: an
//! account whose address is already verified, and a membership added without
//! an invitation. [`App::create_verified_account`] and
//! [`App::add_demo_member`] do those with the same checks and audit events.
//!
//! Demo data is only loaded into an empty database (no account and no
//! organization), so it never mixes with real data.

mod cooperative;
mod district;
mod research;

use crate::accounts::{Principal, SignUp, parse_sign_up};
use crate::achievements::DetailsForm;
use crate::{App, AppError, AppResult, RequestMeta, passwords};
use cairn_domain::achievement::fields::AchievementInput;
use cairn_domain::achievement::requirement::EvidenceRequirement;
use cairn_domain::achievement::rubric::{Criterion, PassingRule, PerformanceLevel, Rubric};
use cairn_domain::policy::Action;
use cairn_domain::role::{Role, RoleSet};
use cairn_domain::{DepartmentId, EmailId, LevelId, MembershipId, TemplateId, UserId};
use cairn_media::design::Design;
use cairn_store::Repos;
use cairn_store::achievements::{Achievement, SourcedRequirement};
use cairn_store::organizations::Organization;
use cairn_store::users::NewUser;

/// The password of every demo account. It is printed with the log-in
/// table, so it only ever protects sample data.
pub const DEMO_PASSWORD: &str = "cairn-demo-2026";

/// The domain of every demo address (`.test` is reserved: no mail is
/// ever delivered there).
pub const DEMO_EMAIL_DOMAIN: &str = "demo.cairn.test";

/// What was loaded, for printing.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    pub organizations: Vec<DemoOrganization>,
    /// Every account, in the order the log-in table lists them.
    pub accounts: Vec<DemoAccount>,
}

impl DemoSummary {
    /// Published micro-credentials across the organizations.
    pub fn achievements(&self) -> usize {
        self.organizations.iter().map(|o| o.achievements).sum()
    }
}

/// One organization of the demo, with counts of what it holds.
#[derive(Clone, Debug)]
pub struct DemoOrganization {
    pub name: String,
    pub slug: String,
    /// A line saying what to look at there.
    pub highlight: String,
    pub departments: Vec<String>,
    /// Level names, lowest first (empty when the organization has no scale).
    pub levels: Vec<String>,
    pub achievements: usize,
    pub templates: usize,
    /// Stack slugs.
    pub stacks: Vec<String>,
}

/// One demo log-in.
#[derive(Clone)]
pub struct DemoAccount {
    pub name: String,
    pub email: String,
    pub password: String,
    /// Who this person is on the platform, e.g. "Reviewer at Meadowlark …".
    pub role: String,
}

impl std::fmt::Debug for DemoAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoAccount")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("role", &self.role)
            .finish()
    }
}

/// A micro-credential of the demo, ready to be created, designed and
/// published.
#[derive(Clone, Debug)]
struct Spec {
    slug: String,
    title: String,
    summary: String,
    competency: String,
    method: String,
    description: String,
    criteria: String,
    instructions: String,
    /// Comma-separated.
    tags: String,
    /// Name, URL, framework, code.
    alignments: Vec<(&'static str, &'static str, &'static str, &'static str)>,
    credit_hours: &'static str,
    valid_months: &'static str,
    price: &'static str,
    sponsorable: bool,
    requires_confirmation: bool,
    department: Option<DepartmentId>,
    level: Option<LevelId>,
    rubric: Rubric,
    rubric_template: Option<TemplateId>,
    requirements: Vec<SourcedRequirement>,
    design: Design,
}

/// The people of the demo, created before the organizations.
#[derive(Debug)]
struct Cast {
    platform: Principal,
    ada: Principal,
    rosa: Principal,
    caleb: Principal,
    dana: Principal,
    priya: Principal,
    riley: Principal,
    casey: Principal,
    lee: Principal,
    nadia: Principal,
    lena: Principal,
    leo: Principal,
}

impl Cast {
    /// Everyone, in the order the log-in table lists them.
    fn everyone(&self) -> [&Principal; 12] {
        [
            &self.platform,
            &self.ada,
            &self.rosa,
            &self.caleb,
            &self.dana,
            &self.priya,
            &self.riley,
            &self.casey,
            &self.lee,
            &self.nadia,
            &self.lena,
            &self.leo,
        ]
    }
}

/// Who may do what with a new demo account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    PlatformAdmin,
    /// May create organizations.
    Creator,
    Person,
}

fn demo_email(local: &str) -> String {
    format!("{local}@{DEMO_EMAIL_DOMAIN}")
}

impl App {
    /// Loads the demo content into an empty database and says what was
    /// loaded. Refuses when any account or organization exists already.
    pub async fn load_demo(&self) -> AppResult<DemoSummary> {
        self.ensure_empty_for_demo().await?;
        let meta = RequestMeta {
            ip: None,
            user_agent: Some("cairn demo".to_owned()),
        };
        let cast = self.demo_cast(&meta).await?;
        let organizations = vec![
            research::load(self, &cast, &meta).await?,
            district::load(self, &cast, &meta).await?,
            cooperative::load(self, &cast, &meta).await?,
        ];
        let mut accounts = Vec::new();
        for person in cast.everyone() {
            accounts.push(self.demo_account_line(person).await?);
        }
        Ok(DemoSummary {
            organizations,
            accounts,
        })
    }

    /// Whether demo data can be loaded: no account and no organization yet.
    pub async fn demo_can_load(&self) -> AppResult<bool> {
        let users = self.store().users().count().await?;
        let organizations = self.store().organizations().count().await?;
        Ok(users == 0 && organizations == 0)
    }

    async fn ensure_empty_for_demo(&self) -> AppResult<()> {
        let users = self.store().users().count().await?;
        let organizations = self.store().organizations().count().await?;
        if users > 0 || organizations > 0 {
            return Err(AppError::Conflict {
                field: None,
                message: format!(
                    "Demo data is only loaded into an empty database, and this one already has \
                     {users} account(s) and {organizations} organization(s). Use a new data \
                     folder or an empty database to try the demo."
                ),
            });
        }
        Ok(())
    }

    async fn demo_cast(&self, meta: &RequestMeta) -> AppResult<Cast> {
        let person = |name: &'static str, local: &'static str, standing: Standing| async move {
            self.create_verified_account(name, &demo_email(local), DEMO_PASSWORD, standing, meta)
                .await
        };
        Ok(Cast {
            platform: person("Morgan Admin", "morgan.admin", Standing::PlatformAdmin).await?,
            ada: person("Ada Author", "ada.author", Standing::Creator).await?,
            rosa: person("Rosa Reviewer", "rosa.reviewer", Standing::Person).await?,
            caleb: person("Caleb Coach", "caleb.coach", Standing::Person).await?,
            dana: person("Dana Director", "dana.director", Standing::Creator).await?,
            priya: person("Priya Author", "priya.author", Standing::Person).await?,
            riley: person("Riley Reviewer", "riley.reviewer", Standing::Person).await?,
            casey: person("Casey Coach", "casey.coach", Standing::Person).await?,
            lee: person("Lee Leader", "lee.leader", Standing::Creator).await?,
            nadia: person("Nadia Reviewer", "nadia.reviewer", Standing::Person).await?,
            lena: person("Lena Learner", "lena.learner", Standing::Person).await?,
            leo: person("Leo Learner", "leo.learner", Standing::Person).await?,
        })
    }

    /// Creates an account whose address counts as verified, without
    /// emailing a link: for demo content only, where the addresses are
    /// made up (`.test`) and nobody could click a link. The password is
    /// checked against the policy and stored as an Argon2id hash; the
    /// creation is audited.
    async fn create_verified_account(
        &self,
        display_name: &str,
        email: &str,
        password: &str,
        standing: Standing,
        meta: &RequestMeta,
    ) -> AppResult<Principal> {
        let valid = parse_sign_up(&SignUp {
            display_name,
            email,
            password,
        })?;
        let hash = passwords::hash(&valid.password).await?;
        let tx = self.store().begin().await?;
        if tx.users().find_email(&valid.email).await?.is_some() {
            return Err(AppError::conflict(
                "email",
                "An account already uses this address.",
            ));
        }
        let now = self.now();
        let user = tx
            .users()
            .insert(NewUser {
                id: UserId(App::new_id()),
                display_name: valid.name.as_str(),
                password_hash: Some(&hash),
                platform_admin: standing == Standing::PlatformAdmin,
                may_create_organizations: standing != Standing::Person,
                now,
            })
            .await?;
        tx.users()
            .add_email(
                EmailId(App::new_id()),
                user.id,
                &valid.email,
                Some(now),
                true,
                now,
            )
            .await?;
        self.audit(
            &tx,
            meta,
            Some(user.id),
            None,
            "account.created",
            serde_json::json!({"via": "demo"}),
        )
        .await?;
        tx.commit().await?;
        self.principal(user.id, None, None)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the new demo account is missing")))
    }

    /// Makes `member` a member of the organization with `roles`, as its
    /// administrator `admin` (checked like an invitation), without the
    /// invitation email a real person would answer.
    async fn add_demo_member(
        &self,
        admin: &Principal,
        org_slug: &str,
        member: &Principal,
        roles: &[Role],
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (org, _) = self
            .org_for(admin, org_slug, |roles| Action::InviteMembers { roles })
            .await?;
        let tx = self.store().begin().await?;
        let (membership, current) = tx.memberships().roles_of(org.id, member.user.id).await?;
        let roles = RoleSet::of(current.roles().into_iter().chain(roles.iter().copied()));
        match membership {
            Some(id) => tx.memberships().set_roles(id, roles).await?,
            None => {
                tx.memberships()
                    .add(
                        MembershipId(App::new_id()),
                        org.id,
                        member.user.id,
                        roles,
                        self.now(),
                    )
                    .await?;
            }
        }
        let names: Vec<_> = roles.roles().iter().map(|r| r.as_str()).collect();
        self.audit(
            &tx,
            meta,
            Some(admin.user.id),
            Some(org.id),
            "member.added",
            serde_json::json!({"member": member.user.id, "roles": names, "via": "demo"}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a micro-credential from a spec, designs its badge and
    /// publishes it.
    async fn add_demo_achievement(
        &self,
        author: &Principal,
        org_slug: &str,
        spec: Spec,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let form = DetailsForm {
            fields: AchievementInput {
                title: &spec.title,
                summary: &spec.summary,
                competency: &spec.competency,
                method: &spec.method,
                description: &spec.description,
                criteria: &spec.criteria,
                instructions: &spec.instructions,
                tags: &spec.tags,
                alignments: spec.alignments.clone(),
                credit_hours: spec.credit_hours,
                valid_months: spec.valid_months,
                price: spec.price,
                sponsorable: spec.sponsorable,
                requires_confirmation: spec.requires_confirmation,
            },
            slug: &spec.slug,
            department: spec.department,
            level: spec.level,
        };
        let created = self
            .create_achievement_with(
                author,
                org_slug,
                form,
                Some((spec.rubric.clone(), spec.rubric_template)),
                spec.requirements.clone(),
                meta,
            )
            .await?;
        self.design_badge_image(author, created.id, &spec.design, meta)
            .await?;
        self.publish_achievement(author, created.id, meta).await
    }

    /// A log-in table row: the person's standing and roles, read back
    /// from the store so it says what is really there.
    async fn demo_account_line(&self, person: &Principal) -> AppResult<DemoAccount> {
        let email = person
            .primary_email
            .as_ref()
            .map(|e| e.email.clone())
            .unwrap_or_default();
        let memberships = self.my_organizations(person).await?;
        let role = describe_standing(person.user.platform_admin, &memberships);
        Ok(DemoAccount {
            name: person.user.display_name.clone(),
            email,
            password: DEMO_PASSWORD.to_owned(),
            role,
        })
    }
}

/// "Administrator, author at X; coach at Y and Z", "Platform
/// administrator", or "Learner…" for someone who only belongs (or belongs
/// nowhere).
fn describe_standing(platform_admin: bool, memberships: &[(Organization, RoleSet)]) -> String {
    let mut parts = Vec::new();
    if platform_admin {
        parts.push("Platform administrator".to_owned());
    }
    // Organizations grouped by the same roles, in the order first met.
    let mut staff: Vec<(String, Vec<&str>)> = Vec::new();
    let mut learner_of = Vec::new();
    for (org, roles) in memberships {
        let names: Vec<&str> = roles
            .roles()
            .into_iter()
            .filter(|r| *r != Role::Member)
            .map(Role::label)
            .collect();
        if names.is_empty() {
            learner_of.push(org.name.as_str());
            continue;
        }
        let roles = sentence_case(&names.join(", "));
        match staff.iter_mut().find(|(r, _)| *r == roles) {
            Some((_, orgs)) => orgs.push(&org.name),
            None => staff.push((roles, vec![&org.name])),
        }
    }
    for (roles, orgs) in staff {
        parts.push(format!("{roles} at {}", orgs.join(" and ")));
    }
    if !platform_admin && parts.is_empty() {
        if learner_of.is_empty() {
            parts.push("Learner with no organization".to_owned());
        } else {
            parts.push(format!("Learner, member of {}", learner_of.join(" and ")));
        }
    }
    parts.join("; ")
}

/// The first letter kept, the rest lower-cased ("Administrator, author").
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
        None => String::new(),
    }
}

/// A criterion as the content below writes it: name, what is judged, and
/// a descriptor per performance level, lowest first.
type CriterionText = (&'static str, &'static str, [&'static str; 4]);

/// A rubric with four performance levels, points 1–4 on every criterion;
/// `fill` completes each text (placeholders, or none).
fn four_level_rubric(
    levels: [&str; 4],
    criteria: &[CriterionText],
    rule: PassingRule,
    fill: impl Fn(&str) -> String,
) -> AppResult<Rubric> {
    let levels = levels
        .iter()
        .map(|name| PerformanceLevel {
            name: (*name).to_owned(),
        })
        .collect();
    let criteria = criteria
        .iter()
        .map(|(name, description, descriptors)| Criterion {
            name: fill(name),
            description: fill(description),
            descriptors: descriptors.iter().map(|d| fill(d)).collect(),
            points: Some(vec![1, 2, 3, 4]),
        })
        .collect();
    Ok(Rubric::new(levels, criteria, rule)?)
}

/// An evidence requirement as the content below writes it.
#[derive(Clone, Copy, Debug)]
struct RequirementText {
    prompt: &'static str,
    guidance: &'static str,
    kinds: &'static [&'static str],
    min_count: u32,
    checklist: &'static [&'static str],
}

impl RequirementText {
    /// The requirement, checked like an author's; `fill` completes each
    /// text (placeholders, or none).
    fn build(&self, fill: impl Fn(&str) -> String) -> AppResult<EvidenceRequirement> {
        let checklist: Vec<String> = self.checklist.iter().map(|c| fill(c)).collect();
        let checklist: Vec<&str> = checklist.iter().map(String::as_str).collect();
        Ok(EvidenceRequirement::parse(
            &fill(self.prompt),
            &fill(self.guidance),
            self.kinds,
            &self.min_count.to_string(),
            &checklist,
        )?)
    }
}

/// A requirement written for one micro-credential (no template).
fn own(requirement: EvidenceRequirement) -> SourcedRequirement {
    SourcedRequirement {
        requirement,
        template_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_domain::OrganizationId;
    use chrono::Utc;
    use uuid::Uuid;

    fn org(name: &str) -> Organization {
        Organization {
            id: OrganizationId(Uuid::nil()),
            slug: "x".into(),
            name: name.into(),
            website: None,
            contact_email: None,
            description: String::new(),
            logo_key: None,
            logo_content_type: None,
            created_by: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn standings_read_like_a_sentence() {
        assert_eq!(describe_standing(true, &[]), "Platform administrator");
        assert_eq!(
            describe_standing(false, &[]),
            "Learner with no organization"
        );
        assert_eq!(
            describe_standing(false, &[(org("A"), RoleSet::of([]))]),
            "Learner, member of A"
        );
        assert_eq!(
            describe_standing(
                false,
                &[
                    (org("A"), RoleSet::of([Role::Admin, Role::Author])),
                    (org("B"), RoleSet::of([Role::Coach])),
                ]
            ),
            "Administrator, author at A; Coach at B"
        );
        assert_eq!(
            describe_standing(
                false,
                &[
                    (org("A"), RoleSet::of([Role::Coach])),
                    (org("B"), RoleSet::of([Role::Coach])),
                ]
            ),
            "Coach at A and B"
        );
    }

    #[test]
    fn the_demo_password_meets_the_policy() {
        let email = cairn_domain::account::EmailAddress::parse(&demo_email("ada.author"))
            .expect("a valid address");
        assert!(cairn_domain::account::Password::new(DEMO_PASSWORD, Some(&email)).is_ok());
    }
}

//! Authoring micro-credentials: drafts, edits that version what earning
//! means once published, the life cycle, prerequisites, and the pages that
//! show one.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::achievement::fields::{AchievementFields, AchievementInput};
use cairn_domain::achievement::prerequisite::{Prerequisite, PrerequisiteError, check_no_cycle};
use cairn_domain::achievement::rubric::Rubric;
use cairn_domain::achievement::{AchievementStatus, Part, needs_new_version};
use cairn_domain::organization::Slug;
use cairn_domain::policy::{Action, authorize, can};
use cairn_domain::role::RoleSet;
use cairn_domain::{
    AchievementId, AchievementVersionId, DepartmentId, FieldErrors, LevelId, OrganizationId,
    TemplateId,
};
use cairn_store::achievements::{
    Achievement, AchievementEdit, AchievementVersion, NewAchievement, SourcedRequirement,
    VersionContent, VersionWrite,
};
use cairn_store::levels::Level;
use cairn_store::organizations::{Department, Organization};
use cairn_store::stacks::StoredStack;
use cairn_store::templates::TemplateBody;
use cairn_store::{Repos, StoreError};
use std::collections::HashMap;

/// The details form: descriptive fields plus where the micro-credential
/// sits in its organization.
#[derive(Clone, Debug, Default)]
pub struct DetailsForm<'a> {
    pub fields: AchievementInput<'a>,
    /// Empty: made from the title when creating, kept when editing.
    pub slug: &'a str,
    pub department: Option<DepartmentId>,
    pub level: Option<LevelId>,
}

/// One change an author saves.
#[derive(Clone, Debug)]
pub enum Change<'a> {
    Details(DetailsForm<'a>),
    /// A new rubric (or none), and the template it came from.
    Rubric(Option<Rubric>, Option<TemplateId>),
    /// The whole list of requirements, in order.
    Requirements(Vec<SourcedRequirement>),
}

/// A micro-credential with everything its pages show.
#[derive(Clone, Debug)]
pub struct AchievementView {
    pub organization: Organization,
    pub achievement: Achievement,
    pub version: AchievementVersion,
    pub level: Option<Level>,
    pub department: Option<Department>,
    pub prerequisite: Option<Prerequisite>,
    /// The micro-credentials the prerequisite names, in its order.
    pub prerequisite_achievements: Vec<Achievement>,
    /// Stacks it belongs to, each with its steps and capstone loaded.
    pub stacks: Vec<StackView>,
    /// The viewer's roles in the organization.
    pub roles: RoleSet,
    /// Whether the viewer may edit it.
    pub can_edit: bool,
    /// Whether it can be deleted (rather than archived).
    pub can_delete: bool,
}

/// A stack with its micro-credentials loaded.
#[derive(Clone, Debug)]
pub struct StackView {
    pub stack: StoredStack,
    pub steps: Vec<Achievement>,
    pub capstone: Option<Achievement>,
}

/// What must be in place before publishing.
fn publish_blockers(a: &Achievement, v: &AchievementVersion) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if v.rubric.is_none() {
        errors.add("rubric", "Add a rubric before publishing.");
    }
    if v.requirements.is_empty() {
        errors.add(
            "requirements",
            "Add at least one evidence requirement before publishing.",
        );
    }
    if !a.image.is_set() {
        errors.add(
            "image",
            "Add a badge image (upload one or use the designer) before publishing.",
        );
    }
    errors
}

/// Only a draft that was never published can be deleted; anything that was
/// ever public is archived instead, so links and awards keep working.
fn deletable(a: &Achievement) -> bool {
    a.status == AchievementStatus::Draft && a.published_at.is_none()
}

pub(crate) fn stale() -> AppError {
    AppError::Conflict {
        field: None,
        message: "Someone else saved this micro-credential after you opened it, so your \
                  changes were not saved. Reload to see the current version, then make \
                  your changes again."
            .into(),
    }
}

fn slug_taken() -> AppError {
    AppError::conflict(
        "slug",
        "Another micro-credential of this organization uses this address.",
    )
}

fn map_save_error(err: StoreError) -> AppError {
    match err {
        StoreError::Stale => stale(),
        StoreError::Conflict { constraint } if constraint == "ux_achievements_org_slug" => {
            slug_taken()
        }
        other => other.into(),
    }
}

fn merge(errors: &mut FieldErrors, more: FieldErrors) {
    for e in more.iter() {
        errors.add(&e.field, e.message.clone());
    }
}

impl App {
    /// Loads an organization by slug with the principal's roles.
    async fn org_and_roles(
        &self,
        slug: &str,
        viewer: Option<&Principal>,
    ) -> AppResult<(Organization, RoleSet)> {
        let org = self
            .store()
            .organizations()
            .by_slug(slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let roles = self.roles_in(org.id, viewer).await?;
        Ok((org, roles))
    }

    pub(crate) async fn roles_in(
        &self,
        org: OrganizationId,
        viewer: Option<&Principal>,
    ) -> AppResult<RoleSet> {
        Ok(match viewer {
            Some(p) => self.store().memberships().roles_of(org, p.user.id).await?.1,
            None => RoleSet::NONE,
        })
    }

    /// Loads a micro-credential for an author and checks they may edit it.
    pub(crate) async fn achievement_for_author(
        &self,
        principal: &Principal,
        id: AchievementId,
    ) -> AppResult<(Achievement, RoleSet)> {
        let a = self
            .store()
            .achievements()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let roles = self.roles_in(a.organization_id, Some(principal)).await?;
        if !can(&principal.actor, Action::ViewDrafts { roles })
            && a.status == AchievementStatus::Draft
        {
            return Err(AppError::not_found("The micro-credential"));
        }
        authorize(&principal.actor, Action::AuthorAchievements { roles })?;
        Ok((a, roles))
    }

    async fn check_placement(
        &self,
        org: OrganizationId,
        department: Option<DepartmentId>,
        level: Option<LevelId>,
        errors: &mut FieldErrors,
    ) -> AppResult<()> {
        if let Some(d) = department {
            let ok = self
                .store()
                .organizations()
                .departments(org)
                .await?
                .iter()
                .any(|x| x.id == d);
            if !ok {
                errors.add(
                    "department",
                    "Choose one of the organization's departments.",
                );
            }
        }
        if let Some(l) = level {
            let ok = self
                .store()
                .levels()
                .get(l)
                .await?
                .is_some_and(|x| x.organization_id == org);
            if !ok {
                errors.add("level", "Choose one of the organization's levels.");
            }
        }
        Ok(())
    }

    /// Creates a draft in an organization from the details form.
    pub async fn create_achievement(
        &self,
        principal: &Principal,
        org_slug: &str,
        form: DetailsForm<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        self.create_achievement_with(principal, org_slug, form, None, Vec::new(), meta)
            .await
    }

    /// Creates a draft with a rubric and requirements already in place
    /// (from templates, an import or demo content).
    pub async fn create_achievement_with(
        &self,
        principal: &Principal,
        org_slug: &str,
        form: DetailsForm<'_>,
        rubric: Option<(Rubric, Option<TemplateId>)>,
        requirements: Vec<SourcedRequirement>,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::AuthorAchievements {
                roles,
            })
            .await?;
        let mut errors = FieldErrors::new();
        let fields = match AchievementFields::parse(&form.fields) {
            Ok(f) => Some(f),
            Err(e) => {
                merge(&mut errors, e);
                None
            }
        };
        let typed_slug = !form.slug.trim().is_empty();
        let slug = if typed_slug {
            errors.check("slug", Slug::parse(form.slug))
        } else {
            Slug::parse(&Slug::suggest(form.fields.title)).ok()
        };
        self.check_placement(org.id, form.department, form.level, &mut errors)
            .await?;
        let (Some(fields), true) = (fields, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let base = slug.map_or_else(|| "micro-credential".to_owned(), |s| s.as_str().to_owned());
        let tx = self.store().begin().await?;
        let mut candidate = base.clone();
        let mut n = 1;
        while tx
            .achievements()
            .by_slug(org.id, &candidate)
            .await?
            .is_some()
        {
            if typed_slug {
                return Err(slug_taken());
            }
            n += 1;
            let suffix = format!("-{n}");
            let keep = base.len().min(63 - suffix.len());
            candidate = format!("{}{suffix}", base[..keep].trim_end_matches('-'));
        }
        let (rubric, rubric_template_id) = match rubric {
            Some((r, t)) => (Some(r), t),
            None => (None, None),
        };
        let now = self.now();
        let a = tx
            .achievements()
            .insert(NewAchievement {
                id: AchievementId(App::new_id()),
                version_id: AchievementVersionId(App::new_id()),
                organization_id: org.id,
                department_id: form.department,
                level_id: form.level,
                slug: &candidate,
                content: VersionContent {
                    fields: &fields,
                    rubric: rubric.as_ref(),
                    rubric_template_id,
                    requirements: &requirements,
                },
                created_by: principal.user.id,
                now,
            })
            .await
            .map_err(map_save_error)?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "achievement.created",
            serde_json::json!({"achievement": a.id, "slug": a.slug}),
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Saves one change, if nobody saved another since `expected_lock`.
    /// On a published or archived micro-credential, a change to the
    /// criteria, rubric or requirements makes a new version.
    pub async fn save_achievement(
        &self,
        principal: &Principal,
        id: AchievementId,
        expected_lock: u32,
        change: Change<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        if a.lock_version != expected_lock {
            return Err(stale());
        }
        let current = self
            .store()
            .achievements()
            .version(a.current_version_id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("missing version")))?;
        let mut fields = current.fields.clone();
        let mut rubric = current.rubric.clone();
        let mut rubric_template_id = current.rubric_template_id;
        let mut requirements = current.requirements.clone();
        let mut department = a.department_id;
        let mut level = a.level_id;
        let mut parts = Vec::new();
        match change {
            Change::Details(form) => {
                let mut errors = FieldErrors::new();
                match AchievementFields::parse(&form.fields) {
                    Ok(f) => {
                        if f.criteria != fields.criteria || f.instructions != fields.instructions {
                            parts.push(Part::Criteria);
                        }
                        parts.push(Part::Presentation);
                        fields = f;
                    }
                    Err(e) => merge(&mut errors, e),
                }
                self.check_placement(a.organization_id, form.department, form.level, &mut errors)
                    .await?;
                errors.into_result().map_err(AppError::Invalid)?;
                department = form.department;
                level = form.level;
            }
            Change::Rubric(r, template) => {
                if r.is_none() && a.status != AchievementStatus::Draft {
                    return Err(AppError::invalid(
                        "rubric",
                        "A published micro-credential needs a rubric; edit it instead of removing it.",
                    ));
                }
                parts.push(Part::Rubric);
                rubric = r;
                rubric_template_id = template;
            }
            Change::Requirements(list) => {
                if list.is_empty() && a.status != AchievementStatus::Draft {
                    return Err(AppError::invalid(
                        "requirements",
                        "A published micro-credential needs at least one evidence requirement.",
                    ));
                }
                if list.len() > 30 {
                    return Err(AppError::invalid(
                        "requirements",
                        "A micro-credential can have at most 30 evidence requirements.",
                    ));
                }
                parts.push(Part::Requirements);
                requirements = list;
            }
        }
        let write = if needs_new_version(a.status, &parts) {
            VersionWrite::New(AchievementVersionId(App::new_id()))
        } else {
            VersionWrite::InPlace
        };
        let tx = self.store().begin().await?;
        let saved = tx
            .achievements()
            .save(AchievementEdit {
                id,
                expected_lock,
                department_id: department,
                level_id: level,
                content: VersionContent {
                    fields: &fields,
                    rubric: rubric.as_ref(),
                    rubric_template_id,
                    requirements: &requirements,
                },
                write,
                by: principal.user.id,
                now: self.now(),
            })
            .await
            .map_err(map_save_error)?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(a.organization_id),
            "achievement.edited",
            serde_json::json!({
                "achievement": id,
                "version": saved.version_number,
                "new_version": matches!(write, VersionWrite::New(_)),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Publishes a draft (or brings back an archived one) once it has a
    /// rubric, a requirement and an image.
    pub async fn publish_achievement(
        &self,
        principal: &Principal,
        id: AchievementId,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        let next = a
            .status
            .publish()
            .map_err(|e| AppError::conflict("status", e.to_string()))?;
        let v = self
            .store()
            .achievements()
            .version(a.current_version_id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("missing version")))?;
        publish_blockers(&a, &v)
            .into_result()
            .map_err(AppError::Invalid)?;
        self.set_achievement_status(principal, &a, next, "achievement.published", meta)
            .await
    }

    /// Takes a published micro-credential out of the catalog.
    pub async fn archive_achievement(
        &self,
        principal: &Principal,
        id: AchievementId,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        let next = a
            .status
            .archive()
            .map_err(|e| AppError::conflict("status", e.to_string()))?;
        self.set_achievement_status(principal, &a, next, "achievement.archived", meta)
            .await
    }

    async fn set_achievement_status(
        &self,
        principal: &Principal,
        a: &Achievement,
        next: AchievementStatus,
        event: &str,
        meta: &RequestMeta,
    ) -> AppResult<Achievement> {
        let tx = self.store().begin().await?;
        tx.achievements().set_status(a.id, next, self.now()).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(a.organization_id),
            event,
            serde_json::json!({"achievement": a.id}),
        )
        .await?;
        let saved = tx
            .achievements()
            .get(a.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Deletes a draft that was never published.
    pub async fn delete_achievement(
        &self,
        principal: &Principal,
        id: AchievementId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        if !deletable(&a) {
            return Err(AppError::conflict(
                "status",
                "Only a draft that was never published can be deleted; archive it instead.",
            ));
        }
        if !self
            .store()
            .achievements()
            .required_by(id)
            .await?
            .is_empty()
        {
            return Err(AppError::conflict(
                "status",
                "Other micro-credentials list this one as a prerequisite; remove it there first.",
            ));
        }
        let keys = [a.image.svg_key.clone(), a.image.png_key.clone()];
        let tx = self.store().begin().await?;
        tx.achievements().delete(id).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(a.organization_id),
            "achievement.deleted",
            serde_json::json!({"achievement": id, "slug": a.slug}),
        )
        .await?;
        tx.commit().await?;
        for key in keys.into_iter().flatten() {
            self.blobs().delete(&key).await?;
        }
        Ok(())
    }

    /// Sets or clears the prerequisites, refusing a rule that would make a
    /// circle (the message names the micro-credentials in it).
    pub async fn set_prerequisites(
        &self,
        principal: &Principal,
        id: AchievementId,
        rule: Option<Prerequisite>,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (a, _) = self.achievement_for_author(principal, id).await?;
        let tx = self.store().begin().await?;
        tx.achievements().lock_prerequisite_graph().await?;
        if let Some(rule) = &rule {
            let field_error =
                |e: PrerequisiteError| AppError::invalid("prerequisites", e.to_string());
            rule.validate(id).map_err(field_error)?;
            let named = tx.achievements().get_many(rule.achievements()).await?;
            if named.len() != rule.achievements().len() {
                return Err(AppError::invalid(
                    "prerequisites",
                    "One of the chosen micro-credentials does not exist.",
                ));
            }
            if named.iter().any(|n| {
                n.status == AchievementStatus::Draft && n.organization_id != a.organization_id
            }) {
                return Err(AppError::invalid(
                    "prerequisites",
                    "A micro-credential of another organization must be published before it can be a prerequisite.",
                ));
            }
            let mut graph: HashMap<AchievementId, Vec<AchievementId>> = HashMap::new();
            for (from, to) in tx.achievements().prerequisite_edges().await? {
                if from != id {
                    graph.entry(from).or_default().push(to);
                }
            }
            if let Err(PrerequisiteError::Cycle(path)) =
                check_no_cycle(id, std::slice::from_ref(rule), &graph)
            {
                let all = tx.achievements().get_many(&path).await?;
                let title = |x: &AchievementId| {
                    all.iter()
                        .find(|a| a.id == *x)
                        .map_or_else(|| "?".to_owned(), |a| format!("“{}”", a.title))
                };
                let names: Vec<String> = path.iter().map(title).collect();
                return Err(AppError::invalid(
                    "prerequisites",
                    format!(
                        "This would make a circle of prerequisites: {}. Remove one of them.",
                        names.join(" needs ")
                    ),
                ));
            }
        }
        tx.achievements()
            .set_prerequisites(id, rule.as_ref(), self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(a.organization_id),
            "achievement.prerequisites_changed",
            serde_json::json!({"achievement": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A micro-credential by organization and slug, as its page shows it.
    /// Drafts are visible to the organization's staff only; others get
    /// "not found".
    pub async fn achievement_view(
        &self,
        org_slug: &str,
        slug: &str,
        viewer: Option<&Principal>,
    ) -> AppResult<AchievementView> {
        let (org, roles) = self.org_and_roles(org_slug, viewer).await?;
        let a = self
            .store()
            .achievements()
            .by_slug(org.id, slug)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        self.view_of(org, a, roles, viewer, None).await
    }

    /// The same, by id, optionally at an older version.
    pub async fn achievement_view_by_id(
        &self,
        id: AchievementId,
        version: Option<u32>,
        viewer: Option<&Principal>,
    ) -> AppResult<AchievementView> {
        let a = self
            .store()
            .achievements()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let org = self
            .store()
            .organizations()
            .get(a.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let roles = self.roles_in(org.id, viewer).await?;
        self.view_of(org, a, roles, viewer, version).await
    }

    async fn view_of(
        &self,
        organization: Organization,
        achievement: Achievement,
        roles: RoleSet,
        viewer: Option<&Principal>,
        version: Option<u32>,
    ) -> AppResult<AchievementView> {
        let staff = viewer.is_some_and(|p| can(&p.actor, Action::ViewDrafts { roles }));
        if achievement.status == AchievementStatus::Draft && !staff {
            return Err(AppError::not_found("The micro-credential"));
        }
        let can_edit = viewer.is_some_and(|p| can(&p.actor, Action::AuthorAchievements { roles }));
        let can_delete = can_edit && deletable(&achievement);

        let store = self.store();
        let version = match version {
            None => {
                store
                    .achievements()
                    .version(achievement.current_version_id)
                    .await?
            }
            Some(n) => store
                .achievements()
                .versions(achievement.id)
                .await?
                .into_iter()
                .find(|v| v.number == n),
        }
        .ok_or_else(|| AppError::not_found("That version"))?;
        let level = match achievement.level_id {
            Some(l) => store.levels().get(l).await?,
            None => None,
        };
        let department = match achievement.department_id {
            Some(d) => store
                .organizations()
                .departments(organization.id)
                .await?
                .into_iter()
                .find(|x| x.id == d),
            None => None,
        };
        let prerequisite = store.achievements().prerequisites(achievement.id).await?;
        let prerequisite_achievements = match &prerequisite {
            Some(p) => {
                self.ordered(p.achievements(), staff, organization.id)
                    .await?
            }
            None => Vec::new(),
        };
        let mut stacks = Vec::new();
        for stack in store.stacks().containing(achievement.id).await? {
            if stack.published || staff {
                stacks.push(self.stack_view(stack, staff).await?);
            }
        }
        Ok(AchievementView {
            organization,
            achievement,
            version,
            level,
            department,
            prerequisite,
            prerequisite_achievements,
            stacks,
            roles,
            can_delete,
            can_edit,
        })
    }

    /// Micro-credentials by id in the given order, hiding other
    /// organizations' drafts (and this one's unless `staff`).
    pub(crate) async fn ordered(
        &self,
        ids: &[AchievementId],
        staff: bool,
        org: OrganizationId,
    ) -> AppResult<Vec<Achievement>> {
        let all = self.store().achievements().get_many(ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| all.iter().find(|a| a.id == *id))
            .filter(|a| a.status != AchievementStatus::Draft || (staff && a.organization_id == org))
            .cloned()
            .collect())
    }

    pub(crate) async fn stack_view(&self, stack: StoredStack, staff: bool) -> AppResult<StackView> {
        let steps = self
            .ordered(&stack.steps, staff, stack.organization_id)
            .await?;
        let capstone = match stack.capstone_id {
            Some(c) => self
                .ordered(&[c], staff, stack.organization_id)
                .await?
                .into_iter()
                .next(),
            None => None,
        };
        Ok(StackView {
            stack,
            steps,
            capstone,
        })
    }

    /// Every micro-credential of an organization an author may work on,
    /// drafts included.
    pub async fn authoring_list(
        &self,
        principal: &Principal,
        org_slug: &str,
    ) -> AppResult<(Organization, RoleSet, Vec<Achievement>)> {
        let (org, roles) = self
            .org_for(principal, org_slug, |roles| Action::ViewDrafts { roles })
            .await?;
        let list = self
            .store()
            .achievements()
            .list_for_organization(
                org.id,
                &[
                    AchievementStatus::Draft,
                    AchievementStatus::Published,
                    AchievementStatus::Archived,
                ],
            )
            .await?;
        Ok((org, roles, list))
    }

    /// A template's body, checked to belong to the organization, for
    /// copying into a micro-credential.
    pub async fn template_body(
        &self,
        org: OrganizationId,
        id: TemplateId,
    ) -> AppResult<TemplateBody> {
        self.store()
            .templates()
            .get(id)
            .await?
            .filter(|t| t.organization_id == org)
            .map(|t| t.body)
            .ok_or_else(|| AppError::not_found("The template"))
    }
}

//! An organization's shared authoring library: its level scale, its rubric
//! and requirement templates, and its stacks.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::ladder::{Stack, parse_level_scale};
use cairn_domain::organization::{Slug, parse_name};
use cairn_domain::policy::Action;
use cairn_domain::{AchievementId, FieldErrors, LevelId, StackId, TemplateId};
use cairn_store::Repos;
use cairn_store::levels::Level;
use cairn_store::organizations::Organization;
use cairn_store::stacks::{StackContent, StoredStack};
use cairn_store::templates::{Template, TemplateBody};

/// A stack as an author arranged it.
#[derive(Clone, Debug, Default)]
pub struct StackForm<'a> {
    pub name: &'a str,
    /// Empty: made from the name.
    pub slug: &'a str,
    pub description: &'a str,
    pub recognition: &'a str,
    pub steps: Vec<AchievementId>,
    pub capstone: Option<AchievementId>,
    pub published: bool,
}

impl App {
    /// An organization's level scale, lowest first (public).
    pub async fn levels(&self, org_slug: &str) -> AppResult<(Organization, Vec<Level>)> {
        let org = self
            .store()
            .organizations()
            .by_slug(org_slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let levels = self.store().levels().list(org.id).await?;
        Ok((org, levels))
    }

    /// Replaces the level scale: `names` lowest first. A level keeps its
    /// identity (and its micro-credentials) when its row is renamed; a
    /// level still in use cannot be removed.
    pub async fn set_levels(
        &self,
        principal: &Principal,
        org_slug: &str,
        rows: &[(Option<LevelId>, &str)],
        meta: &RequestMeta,
    ) -> AppResult<Vec<Level>> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::ManageLevels { roles })
            .await?;
        let kept: Vec<(Option<LevelId>, &str)> = rows
            .iter()
            .copied()
            .filter(|(_, n)| !n.trim().is_empty())
            .collect();
        let names: Vec<&str> = kept.iter().map(|(_, n)| *n).collect();
        let names = parse_level_scale(&names).map_err(AppError::Invalid)?;
        let tx = self.store().begin().await?;
        let existing = tx.levels().list(org.id).await?;
        for level in &existing {
            if !kept.iter().any(|(id, _)| *id == Some(level.id)) {
                let uses = tx.levels().uses(level.id).await?;
                if uses > 0 {
                    return Err(AppError::invalid(
                        "levels",
                        format!(
                            "“{}” is the level of {uses} micro-credential(s); move them to another level before removing it.",
                            level.name
                        ),
                    ));
                }
                tx.levels().delete(level.id).await?;
            }
        }
        // Park every kept level on a temporary name first, so renames that
        // swap two names do not trip the uniqueness rule half-way.
        for (id, _) in &kept {
            if let Some(id) = id {
                if !existing.iter().any(|l| l.id == *id) {
                    return Err(AppError::not_found("That level"));
                }
                tx.levels()
                    .update(*id, 0, &format!("\u{1}{id}"), "")
                    .await?;
            }
        }
        let now = self.now();
        for (position, ((id, _), name)) in kept.iter().zip(&names).enumerate() {
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            match id {
                Some(id) => tx.levels().update(*id, position, name, "").await?,
                None => {
                    tx.levels()
                        .insert(LevelId(App::new_id()), org.id, position, name, "", now)
                        .await?;
                }
            }
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "levels.changed",
            serde_json::json!({"levels": names}),
        )
        .await?;
        let levels = tx.levels().list(org.id).await?;
        tx.commit().await?;
        Ok(levels)
    }

    /// An organization's templates (for its staff).
    pub async fn templates(
        &self,
        principal: &Principal,
        org_slug: &str,
    ) -> AppResult<(Organization, Vec<Template>)> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::ViewDrafts { roles })
            .await?;
        let list = self.store().templates().list(org.id).await?;
        Ok((org, list))
    }

    /// Saves a template: a new one when `id` is `None`.
    #[expect(clippy::too_many_arguments, reason = "the fields of one form")]
    pub async fn save_template(
        &self,
        principal: &Principal,
        org_slug: &str,
        id: Option<TemplateId>,
        name: &str,
        description: &str,
        body: TemplateBody,
        meta: &RequestMeta,
    ) -> AppResult<Template> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::AuthorAchievements {
                roles,
            })
            .await?;
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(name, 200));
        if description.chars().count() > 2000 {
            errors.add("description", "Use at most 2000 characters.");
        }
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let conflict = |e: cairn_store::StoreError| match e {
            cairn_store::StoreError::Conflict { .. } => {
                AppError::conflict("name", "Another template of this kind has this name.")
            }
            other => other.into(),
        };
        let tx = self.store().begin().await?;
        let now = self.now();
        let saved_id = match id {
            Some(id) => {
                let existing = tx
                    .templates()
                    .get(id)
                    .await?
                    .filter(|t| t.organization_id == org.id)
                    .ok_or_else(|| AppError::not_found("The template"))?;
                if existing.body.kind() != body.kind() {
                    return Err(AppError::invalid("kind", "A template keeps its kind."));
                }
                tx.templates()
                    .update(id, &name, description.trim(), &body, now)
                    .await
                    .map_err(conflict)?;
                id
            }
            None => {
                tx.templates()
                    .insert(
                        TemplateId(App::new_id()),
                        org.id,
                        (&name, description.trim(), &body),
                        principal.user.id,
                        now,
                    )
                    .await
                    .map_err(conflict)?
                    .id
            }
        };
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "template.saved",
            serde_json::json!({"template": saved_id, "kind": body.kind()}),
        )
        .await?;
        let saved = tx
            .templates()
            .get(saved_id)
            .await?
            .ok_or_else(|| AppError::not_found("The template"))?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Removes a template; micro-credentials made from it keep their copy.
    pub async fn delete_template(
        &self,
        principal: &Principal,
        org_slug: &str,
        id: TemplateId,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::AuthorAchievements {
                roles,
            })
            .await?;
        let tx = self.store().begin().await?;
        tx.templates()
            .get(id)
            .await?
            .filter(|t| t.organization_id == org.id)
            .ok_or_else(|| AppError::not_found("The template"))?;
        tx.templates().delete(id).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "template.deleted",
            serde_json::json!({"template": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a stack: a new one when `id` is `None`. Steps must be this
    /// organization's micro-credentials; a published stack shows only
    /// published ones.
    pub async fn save_stack(
        &self,
        principal: &Principal,
        org_slug: &str,
        id: Option<StackId>,
        form: StackForm<'_>,
        meta: &RequestMeta,
    ) -> AppResult<StoredStack> {
        let (org, _) = self
            .org_for(principal, org_slug, |roles| Action::AuthorAchievements {
                roles,
            })
            .await?;
        let mut errors = match Stack::new(form.name, form.steps.clone(), form.capstone) {
            Ok(_) => FieldErrors::new(),
            Err(e) => e,
        };
        let slug_text = if form.slug.trim().is_empty() {
            Slug::suggest(form.name)
        } else {
            form.slug.to_owned()
        };
        let slug = errors.check("slug", Slug::parse(&slug_text));
        if form.description.chars().count() > 5000 {
            errors.add("description", "Use at most 5000 characters.");
        }
        if form.recognition.chars().count() > 1000 {
            errors.add("recognition", "Use at most 1000 characters.");
        }
        let mut all = form.steps.clone();
        all.extend(form.capstone);
        let found = self.store().achievements().get_many(&all).await?;
        if found.len() != all.len() || found.iter().any(|a| a.organization_id != org.id) {
            errors.add("steps", "Choose micro-credentials of this organization.");
        }
        if form.published
            && found
                .iter()
                .any(|a| a.status != AchievementStatus::Published)
        {
            errors.add(
                "published",
                "Publish every micro-credential of the stack before publishing the stack.",
            );
        }
        let Some(slug) = slug.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let content = StackContent {
            slug: slug.as_str(),
            name: form.name.trim(),
            description: form.description.trim(),
            recognition: form.recognition.trim(),
            capstone_id: form.capstone,
            published: form.published,
            steps: &form.steps,
        };
        let conflict = |e: cairn_store::StoreError| match e {
            cairn_store::StoreError::Conflict { .. } => AppError::conflict(
                "slug",
                "Another stack of this organization uses this address.",
            ),
            other => other.into(),
        };
        let tx = self.store().begin().await?;
        let now = self.now();
        let saved = match id {
            Some(id) => {
                tx.stacks()
                    .get(id)
                    .await?
                    .filter(|s| s.organization_id == org.id)
                    .ok_or_else(|| AppError::not_found("The stack"))?;
                tx.stacks()
                    .update(id, content, now)
                    .await
                    .map_err(conflict)?
            }
            None => tx
                .stacks()
                .insert(StackId(App::new_id()), org.id, content, now)
                .await
                .map_err(conflict)?,
        };
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "stack.saved",
            serde_json::json!({"stack": saved.id}),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// A stack with its micro-credentials, by organization and slug.
    pub async fn stack(
        &self,
        org_slug: &str,
        slug: &str,
        viewer: Option<&Principal>,
    ) -> AppResult<(Organization, crate::achievements::StackView)> {
        let org = self
            .store()
            .organizations()
            .by_slug(org_slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let roles = self.roles_in(org.id, viewer).await?;
        let staff = viewer
            .is_some_and(|p| cairn_domain::policy::can(&p.actor, Action::ViewDrafts { roles }));
        let stack = self
            .store()
            .stacks()
            .by_slug(org.id, slug)
            .await?
            .filter(|s| s.published || staff)
            .ok_or_else(|| AppError::not_found("The stack"))?;
        let view = self.stack_view(stack, staff).await?;
        Ok((org, view))
    }
}

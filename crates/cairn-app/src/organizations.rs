//! Organizations (issuers): creating one, its public profile and logo,
//! and its departments or programs.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::organization::{
    DepartmentInput, OrganizationProfile, OrganizationProfileInput, Slug,
};
use cairn_domain::policy::{Action, authorize};
use cairn_domain::role::{Role, RoleSet};
use cairn_domain::{DepartmentId, FieldErrors, MembershipId, OrganizationId};
use cairn_store::organizations::{Department, Organization};
use cairn_store::{Repos, StoreError};

/// The largest logo accepted, in bytes.
pub const LOGO_MAX_BYTES: usize = 1024 * 1024;
/// The largest logo side accepted, in pixels.
pub const LOGO_MAX_SIDE: usize = 4096;

/// What a person typed to create an organization.
#[derive(Clone, Debug, Default)]
pub struct NewOrganization<'a> {
    pub slug: &'a str,
    pub profile: OrganizationProfileInput<'a>,
}

/// What a person typed for a department; an empty slug is made from the name.
#[derive(Clone, Copy, Debug, Default)]
pub struct DepartmentFields<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
}

/// An organization and what the viewer may do with it.
#[derive(Clone, Debug)]
pub struct OrganizationView {
    pub organization: Organization,
    pub departments: Vec<Department>,
    /// The viewer's roles (`NONE` for visitors and non-members).
    pub roles: RoleSet,
}

impl App {
    /// Creates an organization; its creator becomes its first administrator.
    pub async fn create_organization(
        &self,
        principal: &Principal,
        input: NewOrganization<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Organization> {
        authorize(&principal.actor, Action::CreateOrganization)?;
        let mut errors = FieldErrors::new();
        let slug_text = if input.slug.trim().is_empty() {
            Slug::suggest(input.profile.name)
        } else {
            input.slug.to_owned()
        };
        let slug = errors.check("slug", Slug::parse(&slug_text));
        let profile = match OrganizationProfile::parse(&input.profile) {
            Ok(p) => Some(p),
            Err(e) => {
                for err in e.iter() {
                    errors.add(&err.field, err.message.clone());
                }
                None
            }
        };
        let (Some(slug), Some(profile)) = (slug, profile) else {
            return Err(AppError::Invalid(errors));
        };
        let tx = self.store().begin().await?;
        if tx.organizations().by_slug(slug.as_str()).await?.is_some() {
            return Err(slug_taken());
        }
        let now = self.now();
        let org = tx
            .organizations()
            .insert(
                OrganizationId(App::new_id()),
                slug.as_str(),
                &profile,
                principal.user.id,
                now,
            )
            .await
            .map_err(map_slug_conflict)?;
        tx.memberships()
            .add(
                MembershipId(App::new_id()),
                org.id,
                principal.user.id,
                RoleSet::of([Role::Admin]),
                now,
            )
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "organization.created",
            serde_json::json!({"slug": org.slug}),
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }

    /// An organization by slug, with its departments and the viewer's roles.
    pub async fn organization(
        &self,
        slug: &str,
        viewer: Option<&Principal>,
    ) -> AppResult<OrganizationView> {
        let organization = self
            .store()
            .organizations()
            .by_slug(slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let departments = self
            .store()
            .organizations()
            .departments(organization.id)
            .await?;
        let roles = match viewer {
            Some(p) => {
                self.store()
                    .memberships()
                    .roles_of(organization.id, p.user.id)
                    .await?
                    .1
            }
            None => RoleSet::NONE,
        };
        Ok(OrganizationView {
            organization,
            departments,
            roles,
        })
    }

    /// Organizations, by name, with the total count.
    pub async fn organizations(
        &self,
        page: u64,
        per_page: u64,
    ) -> AppResult<(Vec<Organization>, u64)> {
        let per_page = per_page.clamp(1, 100);
        let list = self
            .store()
            .organizations()
            .list(per_page, page.saturating_sub(1) * per_page)
            .await?;
        Ok((list, self.store().organizations().count().await?))
    }

    /// The organizations the person belongs to, with their roles.
    pub async fn my_organizations(
        &self,
        principal: &Principal,
    ) -> AppResult<Vec<(Organization, RoleSet)>> {
        Ok(self
            .store()
            .memberships()
            .organizations_of(principal.user.id)
            .await?)
    }

    /// Loads an organization and checks that `principal` may do `action` there.
    pub(crate) async fn org_for(
        &self,
        principal: &Principal,
        slug: &str,
        action: fn(RoleSet) -> Action,
    ) -> AppResult<(Organization, RoleSet)> {
        let org = self
            .store()
            .organizations()
            .by_slug(slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let (_, roles) = self
            .store()
            .memberships()
            .roles_of(org.id, principal.user.id)
            .await?;
        authorize(&principal.actor, action(roles))?;
        Ok((org, roles))
    }

    /// Replaces an organization's public profile.
    pub async fn update_organization(
        &self,
        principal: &Principal,
        slug: &str,
        input: OrganizationProfileInput<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Organization> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::UpdateOrganization {
                roles,
            })
            .await?;
        let profile = OrganizationProfile::parse(&input)?;
        let tx = self.store().begin().await?;
        tx.organizations()
            .update_profile(org.id, &profile, self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "organization.updated",
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.store()
            .organizations()
            .get(org.id)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))
    }

    /// Stores a new logo (PNG or JPEG, checked by content, at most 1 MB and
    /// 4096 pixels a side) and drops the old one.
    pub async fn set_organization_logo(
        &self,
        principal: &Principal,
        slug: &str,
        bytes: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::UpdateOrganization {
                roles,
            })
            .await?;
        let content_type = check_logo(bytes)?;
        let extension = if content_type == "image/png" {
            "png"
        } else {
            "jpg"
        };
        let key = format!("logos/{}/{}.{extension}", org.id, App::new_id());
        self.blobs().put(&key, bytes).await?;
        let tx = self.store().begin().await?;
        tx.organizations()
            .set_logo(org.id, Some(&key), Some(content_type), self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "organization.logo_changed",
            serde_json::json!({}),
        )
        .await?;
        if let Err(err) = tx.commit().await {
            self.blobs().delete(&key).await?;
            return Err(err.into());
        }
        if let Some(old) = org.logo_key {
            self.blobs().delete(&old).await?;
        }
        Ok(())
    }

    /// An organization's logo bytes and content type (public).
    pub async fn organization_logo(&self, slug: &str) -> AppResult<(Vec<u8>, String)> {
        let org = self
            .store()
            .organizations()
            .by_slug(slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let (Some(key), Some(content_type)) = (org.logo_key, org.logo_content_type) else {
            return Err(AppError::not_found("The logo"));
        };
        Ok((self.blobs().get(&key).await?, content_type))
    }

    /// Adds a department or program.
    pub async fn add_department(
        &self,
        principal: &Principal,
        slug: &str,
        fields: DepartmentFields<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Department> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ManageDepartments { roles })
            .await?;
        let input = DepartmentInput::parse(fields.name, fields.slug, fields.description)?;
        let tx = self.store().begin().await?;
        if tx
            .organizations()
            .department_by_slug(org.id, input.slug.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::conflict(
                "slug",
                "This organization already has a department with that short name.",
            ));
        }
        let dept = tx
            .organizations()
            .insert_department(DepartmentId(App::new_id()), org.id, &input, self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "department.created",
            serde_json::json!({"slug": dept.slug}),
        )
        .await?;
        tx.commit().await?;
        Ok(dept)
    }

    /// Renames or re-describes a department.
    pub async fn update_department(
        &self,
        principal: &Principal,
        slug: &str,
        dept_slug: &str,
        fields: DepartmentFields<'_>,
        meta: &RequestMeta,
    ) -> AppResult<Department> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ManageDepartments { roles })
            .await?;
        let input = DepartmentInput::parse(fields.name, fields.slug, fields.description)?;
        let tx = self.store().begin().await?;
        let dept = tx
            .organizations()
            .department_by_slug(org.id, dept_slug)
            .await?
            .ok_or_else(|| AppError::not_found("The department"))?;
        if input.slug.as_str() != dept.slug
            && tx
                .organizations()
                .department_by_slug(org.id, input.slug.as_str())
                .await?
                .is_some()
        {
            return Err(AppError::conflict(
                "slug",
                "This organization already has a department with that short name.",
            ));
        }
        tx.organizations()
            .update_department(dept.id, &input, self.now())
            .await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "department.updated",
            serde_json::json!({"slug": input.slug.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(Department {
            slug: input.slug.as_str().to_owned(),
            name: input.name,
            description: input.description,
            ..dept
        })
    }

    /// Removes a department.
    pub async fn remove_department(
        &self,
        principal: &Principal,
        slug: &str,
        dept_slug: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ManageDepartments { roles })
            .await?;
        let tx = self.store().begin().await?;
        let dept = tx
            .organizations()
            .department_by_slug(org.id, dept_slug)
            .await?
            .ok_or_else(|| AppError::not_found("The department"))?;
        tx.organizations().delete_department(dept.id).await?;
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "department.removed",
            serde_json::json!({"slug": dept.slug}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn slug_taken() -> AppError {
    AppError::conflict(
        "slug",
        "This web address is already taken by another organization; choose another.",
    )
}

fn map_slug_conflict(err: StoreError) -> AppError {
    match err {
        StoreError::Conflict { constraint } if constraint == "ux_organizations_slug" => {
            slug_taken()
        }
        other => other.into(),
    }
}

/// Checks a logo by its content; returns its content type.
fn check_logo(bytes: &[u8]) -> AppResult<&'static str> {
    if bytes.is_empty() {
        return Err(AppError::invalid("logo", "Choose an image file."));
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(AppError::invalid(
            "logo",
            "The logo is larger than 1 MB; use a smaller image.",
        ));
    }
    let content_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return Err(AppError::invalid(
            "logo",
            "The logo must be a PNG or JPEG image.",
        ));
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|_| AppError::invalid("logo", "This image file is damaged or incomplete."))?;
    if size.width == 0
        || size.height == 0
        || size.width > LOGO_MAX_SIDE
        || size.height > LOGO_MAX_SIDE
    {
        return Err(AppError::invalid(
            "logo",
            "The logo must be at most 4096 × 4096 pixels.",
        ));
    }
    Ok(content_type)
}

#[cfg(test)]
mod tests {
    use super::check_logo;

    #[test]
    fn logos_are_checked_by_content() {
        assert!(check_logo(b"").is_err());
        assert!(check_logo(b"<svg onload=alert(1)>").is_err());
        assert!(
            check_logo(b"\x89PNG\r\n\x1a\ngarbage").is_err(),
            "a truncated PNG is refused"
        );
    }
}

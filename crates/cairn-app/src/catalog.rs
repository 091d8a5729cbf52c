//! The public catalog: search and filters across organizations, and an
//! organization's micro-credentials by department and level.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult};
use cairn_domain::FieldErrors;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::search::query_terms;
use cairn_domain::policy::{Action, can};
use cairn_domain::{DepartmentId, LevelId, OrganizationId};
use cairn_store::Repos;
use cairn_store::achievements::{Achievement, CatalogQuery, CatalogSort};
use cairn_store::levels::Level;
use cairn_store::organizations::{Department, Organization};
use cairn_store::stacks::StoredStack;
use std::collections::HashMap;

/// Results per catalog page.
pub const PER_PAGE: u64 = 24;

/// What a visitor typed into the catalog's search form (all optional).
#[derive(Clone, Debug, Default)]
pub struct CatalogSearch<'a> {
    pub q: &'a str,
    /// Organization slug.
    pub organization: &'a str,
    /// Department slug (with an organization).
    pub department: &'a str,
    pub level: &'a str,
    pub tag: &'a str,
    pub min_hours: &'a str,
    pub max_hours: &'a str,
    /// `free`, `paid` or empty.
    pub price: &'a str,
    /// `title`, `newest`, `popular` or empty.
    pub sort: &'a str,
    /// 1-based.
    pub page: u64,
}

/// One result with what a card shows.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub achievement: Achievement,
    pub organization_name: String,
    pub organization_slug: String,
    pub level_name: Option<String>,
}

/// A page of results.
#[derive(Clone, Debug)]
pub struct CatalogResults {
    pub entries: Vec<CatalogEntry>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// The organization filtered on, with its departments.
    pub organization: Option<(Organization, Vec<Department>)>,
}

fn hours(text: &str, field: &str, errors: &mut FieldErrors) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(h) if (0.0..=100_000.0).contains(&h) => {
            // Rounded to hundredths, like stored credit hours.
            let hundredths = (h * 100.0).round();
            Some(format!("{hundredths:.0}").parse().unwrap_or(0))
        }
        _ => {
            errors.add(field, "Enter a number of hours, like 2 or 2.5.");
            None
        }
    }
}

/// A level (or none) and its micro-credentials.
pub type LevelGroup = (Option<Level>, Vec<Achievement>);
/// A department (or none) and its micro-credentials by level.
pub type DepartmentGroup = (Option<Department>, Vec<LevelGroup>);

/// An organization's published micro-credentials, grouped for its page.
#[derive(Clone, Debug)]
pub struct OrganizationCatalog {
    pub organization: Organization,
    pub departments: Vec<Department>,
    pub levels: Vec<Level>,
    /// (department or none, [(level or none, micro-credentials)]), in
    /// department name order then level order; empty groups left out.
    pub groups: Vec<DepartmentGroup>,
    pub stacks: Vec<StoredStack>,
    /// Whether the viewer may see the authoring pages.
    pub staff: bool,
    pub can_author: bool,
}

impl App {
    /// Searches published micro-credentials.
    pub async fn catalog(&self, search: &CatalogSearch<'_>) -> AppResult<CatalogResults> {
        let mut errors = FieldErrors::new();
        let min = hours(search.min_hours, "min_hours", &mut errors);
        let max = hours(search.max_hours, "max_hours", &mut errors);
        let free = match search.price {
            "" => None,
            "free" => Some(true),
            "paid" => Some(false),
            _ => {
                errors.add("price", "Choose free or paid.");
                None
            }
        };
        let sort = match search.sort {
            "" | "title" => CatalogSort::Title,
            "newest" => CatalogSort::Newest,
            "popular" => CatalogSort::Popular,
            _ => {
                errors.add("sort", "Sort by title, newest or popular.");
                CatalogSort::Title
            }
        };
        errors.into_result().map_err(AppError::Invalid)?;
        let store = self.store();
        let organization = match search.organization.trim() {
            "" => None,
            slug => Some(
                store
                    .organizations()
                    .by_slug(slug)
                    .await?
                    .ok_or_else(|| AppError::not_found("The organization"))?,
            ),
        };
        let departments = match &organization {
            Some(o) => store.organizations().departments(o.id).await?,
            None => Vec::new(),
        };
        let department_id: Option<DepartmentId> = match search.department.trim() {
            "" => None,
            slug => Some(
                departments
                    .iter()
                    .find(|d| d.slug == slug)
                    .map(|d| d.id)
                    .ok_or_else(|| AppError::not_found("The department"))?,
            ),
        };
        let page = search.page.max(1);
        let query = CatalogQuery {
            terms: query_terms(search.q),
            organization_id: organization.as_ref().map(|o| o.id),
            department_id,
            level_name: Some(search.level.trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            tag: Some(search.tag.trim())
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            min_credit_hundredths: min,
            max_credit_hundredths: max,
            free,
            sort,
            offset: (page - 1).saturating_mul(PER_PAGE),
            limit: PER_PAGE,
        };
        let found = store.achievements().search(&query).await?;
        let entries = self.entries(found.items).await?;
        Ok(CatalogResults {
            entries,
            total: found.total,
            page,
            pages: found.total.div_ceil(PER_PAGE).max(1),
            organization: organization.map(|o| (o, departments)),
        })
    }

    /// Adds organization and level names to micro-credentials.
    pub async fn entries(&self, items: Vec<Achievement>) -> AppResult<Vec<CatalogEntry>> {
        let store = self.store();
        let mut orgs: HashMap<OrganizationId, Organization> = HashMap::new();
        let mut levels: HashMap<LevelId, Option<Level>> = HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        for a in items {
            if !orgs.contains_key(&a.organization_id)
                && let Some(o) = store.organizations().get(a.organization_id).await?
            {
                orgs.insert(o.id, o);
            }
            let level_name = match a.level_id {
                Some(l) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = levels.entry(l) {
                        slot.insert(store.levels().get(l).await?);
                    }
                    levels.get(&l).cloned().flatten().map(|l| l.name)
                }
                None => None,
            };
            let org = orgs.get(&a.organization_id);
            out.push(CatalogEntry {
                organization_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                organization_slug: org.map(|o| o.slug.clone()).unwrap_or_default(),
                level_name,
                achievement: a,
            });
        }
        Ok(out)
    }

    /// The level names used across organizations and the most used tags,
    /// for the catalog's filter choices.
    pub async fn catalog_facets(&self) -> AppResult<(Vec<String>, Vec<(String, u64)>)> {
        let tags = self.store().achievements().popular_tags(30).await?;
        let levels = self.store().levels().distinct_names().await?;
        Ok((levels, tags))
    }

    /// An organization's public page content.
    pub async fn organization_catalog(
        &self,
        org_slug: &str,
        viewer: Option<&Principal>,
    ) -> AppResult<OrganizationCatalog> {
        let store = self.store();
        let organization = store
            .organizations()
            .by_slug(org_slug)
            .await?
            .ok_or_else(|| AppError::not_found("The organization"))?;
        let roles = self.roles_in(organization.id, viewer).await?;
        let staff = viewer.is_some_and(|p| can(&p.actor, Action::ViewDrafts { roles }));
        let can_author =
            viewer.is_some_and(|p| can(&p.actor, Action::AuthorAchievements { roles }));
        let departments = store.organizations().departments(organization.id).await?;
        let levels = store.levels().list(organization.id).await?;
        let list = store
            .achievements()
            .list_for_organization(organization.id, &[AchievementStatus::Published])
            .await?;
        let mut groups = Vec::new();
        let mut department_keys: Vec<Option<&Department>> = departments.iter().map(Some).collect();
        department_keys.push(None);
        for dep in department_keys {
            let in_dep: Vec<&Achievement> = list
                .iter()
                .filter(|a| a.department_id == dep.map(|d| d.id))
                .collect();
            if in_dep.is_empty() {
                continue;
            }
            let mut level_keys: Vec<Option<&Level>> = levels.iter().map(Some).collect();
            level_keys.push(None);
            let mut by_level = Vec::new();
            for level in level_keys {
                let items: Vec<Achievement> = in_dep
                    .iter()
                    .filter(|a| a.level_id == level.map(|l| l.id))
                    .map(|a| (*a).clone())
                    .collect();
                if !items.is_empty() {
                    by_level.push((level.cloned(), items));
                }
            }
            groups.push((dep.cloned(), by_level));
        }
        let stacks = store
            .stacks()
            .list(organization.id)
            .await?
            .into_iter()
            .filter(|s| s.published || staff)
            .collect();
        Ok(OrganizationCatalog {
            organization,
            departments,
            levels,
            groups,
            stacks,
            staff,
            can_author,
        })
    }
}

//! The public side of micro-credentials: the catalog with search and
//! filters, a micro-credential's page, a stack's page, and badge images.

use crate::WebState;
use crate::error::PageError;
use crate::extract::Ctx;
use crate::templates::{PageCtx, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::AppError;
use cairn_app::achievements::{AchievementView, StackView};
use cairn_app::catalog::{CatalogEntry, CatalogResults, CatalogSearch};
use cairn_app::images::ImageFormat;
use cairn_domain::AchievementId;
use cairn_domain::achievement::fields::{brief_decimal, two_decimals};
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::rubric::PassingRule;
use cairn_store::organizations::Organization;
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/catalog", get(catalog))
        .route("/orgs/{org}/achievements/{slug}", get(show))
        .route("/orgs/{org}/stacks/{slug}", get(stack))
        .route("/achievements/{id}", get(by_id))
        .route("/achievements/{id}/image.png", get(image_png))
        .route("/achievements/{id}/image.svg", get(image_svg))
}

/// Credit hours for people: "2.5 hours", "1 hour".
pub(crate) fn hours(hundredths: u32) -> String {
    if hundredths == 100 {
        "1 hour".to_owned()
    } else {
        format!("{} hours", brief_decimal(hundredths))
    }
}

/// A price for people: "Free" or "$49.00".
pub(crate) fn price(cents: u32) -> String {
    if cents == 0 {
        "Free".to_owned()
    } else {
        format!("${}", two_decimals(cents))
    }
}

/// A path-safe image URL that changes when the image does.
pub(crate) fn image_url(id: AchievementId, key: Option<&str>, ext: &str) -> Option<String> {
    key.map(|k| {
        let stamp: String = k
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(12)
            .collect();
        format!("/achievements/{id}/image.{ext}?v={stamp}")
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CatalogParams {
    q: String,
    organization: String,
    department: String,
    level: String,
    tag: String,
    min_hours: String,
    max_hours: String,
    price: String,
    sort: String,
    page: String,
}

struct Card {
    href: String,
    title: String,
    summary: String,
    organization: String,
    organization_href: String,
    level: Option<String>,
    hours: String,
    price: String,
    image: Option<String>,
    earned: u32,
}

impl From<&CatalogEntry> for Card {
    fn from(e: &CatalogEntry) -> Self {
        let a = &e.achievement;
        Self {
            href: format!("/orgs/{}/achievements/{}", e.organization_slug, a.slug),
            title: a.title.clone(),
            summary: a.summary.clone(),
            organization: e.organization_name.clone(),
            organization_href: format!("/orgs/{}", e.organization_slug),
            level: e.level_name.clone(),
            hours: hours(a.credit_hundredths),
            price: price(a.price_cents),
            image: image_url(a.id, a.image.png_key.as_deref(), "png"),
            earned: a.awards_count,
        }
    }
}

#[derive(Template)]
#[template(path = "catalog/list.html")]
struct CatalogPage {
    ctx: PageCtx,
    p: CatalogParams,
    cards: Vec<Card>,
    total: u64,
    page: u64,
    pages: u64,
    levels: Vec<String>,
    tags: Vec<(String, u64)>,
    departments: Vec<(String, String)>,
    organizations: Vec<(String, String)>,
    organization_name: Option<String>,
    error: Option<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
}

fn query_string(p: &CatalogParams, page: u64) -> String {
    let mut pairs: Vec<(&str, String)> = [
        ("q", &p.q),
        ("organization", &p.organization),
        ("department", &p.department),
        ("level", &p.level),
        ("tag", &p.tag),
        ("min_hours", &p.min_hours),
        ("max_hours", &p.max_hours),
        ("price", &p.price),
        ("sort", &p.sort),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect();
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let encoded = serde_html_form::to_string(&pairs).unwrap_or_default();
    if encoded.is_empty() {
        "/catalog".to_owned()
    } else {
        format!("/catalog?{encoded}")
    }
}

async fn catalog(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(p): Query<CatalogParams>,
) -> Result<Response, PageError> {
    let page = p.page.parse::<u64>().ok().filter(|n| *n >= 1).unwrap_or(1);
    let search = CatalogSearch {
        q: &p.q,
        organization: &p.organization,
        department: &p.department,
        level: &p.level,
        tag: &p.tag,
        min_hours: &p.min_hours,
        max_hours: &p.max_hours,
        price: &p.price,
        sort: &p.sort,
        page,
    };
    let (results, error) = match state.app.catalog(&search).await {
        Ok(r) => (r, None),
        Err(AppError::Invalid(errors)) => (
            CatalogResults {
                entries: Vec::new(),
                total: 0,
                page: 1,
                pages: 1,
                organization: None,
            },
            Some(
                errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ),
        Err(e) => return Err(ctx.err(e)),
    };
    let (levels, tags) = state.app.catalog_facets().await.map_err(|e| ctx.err(e))?;
    let organizations = state
        .app
        .organizations(1, 100)
        .await
        .map_err(|e| ctx.err(e))?
        .0
        .into_iter()
        .map(|o| (o.slug, o.name))
        .collect();
    let (organization_name, departments) = match &results.organization {
        Some((o, deps)) => (
            Some(o.name.clone()),
            deps.iter()
                .map(|d| (d.slug.clone(), d.name.clone()))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    let prev_href = (results.page > 1).then(|| query_string(&p, results.page - 1));
    let next_href = (results.page < results.pages).then(|| query_string(&p, results.page + 1));
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        render(&CatalogPage {
            ctx: ctx.page,
            cards: results.entries.iter().map(Card::from).collect(),
            total: results.total,
            page: results.page,
            pages: results.pages,
            levels,
            tags,
            departments,
            organizations,
            organization_name,
            error,
            prev_href,
            next_href,
            p,
        }),
    )
        .into_response())
}

/// One rubric row: criterion, description, and (descriptor, points) per level.
pub(crate) type RubricRow = (String, String, Vec<(String, Option<u32>)>);

/// A rubric as its pages show it.
pub(crate) struct RubricTable {
    pub levels: Vec<String>,
    pub rows: Vec<RubricRow>,
    pub rule: String,
}

pub(crate) fn rubric_table(view: &AchievementView) -> Option<RubricTable> {
    let r = view.version.rubric.as_ref()?;
    let levels: Vec<String> = r.levels().iter().map(|l| l.name.clone()).collect();
    let level_name = |i: usize| levels.get(i).cloned().unwrap_or_default();
    let rule = match r.rule() {
        PassingRule::AllAtLeast { level } => {
            format!("Every criterion at “{}” or above.", level_name(level))
        }
        PassingRule::TotalPointsAtLeast { points } => {
            format!("At least {points} points in total.")
        }
        PassingRule::Both { level, points } => format!(
            "Every criterion at “{}” or above, and at least {points} points in total.",
            level_name(level)
        ),
    };
    let rows = r
        .criteria()
        .iter()
        .map(|c| {
            let cells = c
                .descriptors
                .iter()
                .enumerate()
                .map(|(i, d)| (d.clone(), c.points.as_ref().and_then(|p| p.get(i).copied())))
                .collect();
            (c.name.clone(), c.description.clone(), cells)
        })
        .collect();
    Some(RubricTable { levels, rows, rule })
}

struct StackLine {
    name: String,
    href: String,
    recognition: String,
    steps: Vec<(String, String, bool)>,
    capstone: Option<(String, String)>,
}

fn stack_line(org_slug: &str, s: &StackView, current: Option<AchievementId>) -> StackLine {
    let link = |a: &cairn_store::achievements::Achievement| {
        format!("/orgs/{org_slug}/achievements/{}", a.slug)
    };
    StackLine {
        name: s.stack.name.clone(),
        href: format!("/orgs/{org_slug}/stacks/{}", s.stack.slug),
        recognition: s.stack.recognition.clone(),
        steps: s
            .steps
            .iter()
            .map(|a| (a.title.clone(), link(a), Some(a.id) == current))
            .collect(),
        capstone: s.capstone.as_ref().map(|a| (a.title.clone(), link(a))),
    }
}

#[derive(Template)]
#[template(path = "catalog/show.html")]
struct ShowPage {
    ctx: PageCtx,
    org: Organization,
    v: AchievementView,
    image: Option<String>,
    hours: String,
    price: String,
    status: &'static str,
    rubric: Option<RubricTable>,
    prerequisite_rule: String,
    prerequisites: Vec<(String, String)>,
    stacks: Vec<StackLine>,
    old_version: bool,
    /// The signed-in person's enrollment and sponsor seats.
    join: cairn_app::earning::JoinOptions,
    /// (seat id, label) for the seat choice.
    seats: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VersionParam {
    version: Option<u32>,
}

async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, slug)): Path<(String, String)>,
    Query(q): Query<VersionParam>,
) -> Result<Response, PageError> {
    let mut v = state
        .app
        .achievement_view(&org, &slug, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    if let Some(n) = q.version.filter(|n| *n != v.achievement.version_number) {
        v = state
            .app
            .achievement_view_by_id(v.achievement.id, Some(n), ctx.principal.as_ref())
            .await
            .map_err(|e| ctx.err(e))?;
    }
    let old_version = v.version.number != v.achievement.version_number;
    let prerequisite_rule = match &v.prerequisite {
        Some(Prerequisite::AllOf(_)) => "Earn all of these first:".to_owned(),
        Some(Prerequisite::AtLeast(n, ids)) => {
            format!("Earn at least {n} of these {} first:", ids.len())
        }
        None => String::new(),
    };
    let prerequisites = v
        .prerequisite_achievements
        .iter()
        .map(|a| {
            (
                a.title.clone(),
                // Prerequisites may belong to other organizations.
                format!("/achievements/{}", a.id),
            )
        })
        .collect();
    let stacks = v
        .stacks
        .iter()
        .map(|s| stack_line(&v.organization.slug, s, Some(v.achievement.id)))
        .collect();
    let join = match ctx.principal.as_ref() {
        Some(p) => state
            .app
            .join_options(p, v.achievement.id)
            .await
            .map_err(|e| ctx.err(e))?,
        None => cairn_app::earning::JoinOptions::default(),
    };
    let seats = join
        .seats
        .iter()
        .map(|s| {
            let until = s
                .expires_at
                .map(|d| format!(", until {}", crate::templates::date(d)))
                .unwrap_or_default();
            (s.seat.to_string(), format!("{}{until}", s.sponsor))
        })
        .collect();
    Ok(render(&ShowPage {
        ctx: ctx.page,
        join,
        seats,
        org: v.organization.clone(),
        image: image_url(
            v.achievement.id,
            v.achievement.image.png_key.as_deref(),
            "png",
        ),
        hours: hours(v.version.fields.credit_hundredths),
        price: price(v.achievement.price_cents),
        status: v.achievement.status.as_str(),
        rubric: rubric_table(&v),
        prerequisite_rule,
        prerequisites,
        stacks,
        old_version,
        v,
    }))
}

#[derive(Template)]
#[template(path = "catalog/stack.html")]
struct StackPage {
    ctx: PageCtx,
    org: Organization,
    description: String,
    line: StackLine,
    published: bool,
}

async fn stack(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (organization, view) = state
        .app
        .stack(&org, &slug, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&StackPage {
        ctx: ctx.page,
        line: stack_line(&organization.slug, &view, None),
        description: view.stack.description.clone(),
        published: view.stack.published,
        org: organization,
    }))
}

/// A stable link by id, for pages that list micro-credentials of several
/// organizations.
async fn by_id(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = AchievementId(super::parse_id(&ctx, &id, "The micro-credential")?);
    let v = state
        .app
        .achievement_view_by_id(id, None, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(super::Redirect::to(format!(
        "/orgs/{}/achievements/{}",
        v.organization.slug, v.achievement.slug
    ))
    .into_response_with(&state))
}

async fn image(
    state: &WebState,
    ctx: &Ctx,
    id: &str,
    format: ImageFormat,
) -> Result<Response, PageError> {
    let id = AchievementId(super::parse_id(ctx, id, "The image")?);
    let (bytes, public) = state
        .app
        .badge_image(id, format, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    let content_type = match format {
        ImageFormat::Png => "image/png",
        ImageFormat::Svg => "image/svg+xml",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // A draft's image is for its organization's staff only: no
            // shared cache may keep it.
            (
                header::CACHE_CONTROL,
                if public {
                    "public, max-age=300"
                } else {
                    "private, no-store"
                },
            ),
            (header::CONTENT_DISPOSITION, "inline"),
            // An SVG opened on its own may not run or load anything.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn image_png(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    image(&state, &ctx, &id, ImageFormat::Png).await
}

async fn image_svg(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    image(&state, &ctx, &id, ImageFormat::Svg).await
}

#[cfg(test)]
mod tests {
    use super::{hours, price};

    #[test]
    fn hours_and_prices_read_naturally() {
        assert_eq!(hours(250), "2.5 hours");
        assert_eq!(hours(100), "1 hour");
        assert_eq!(hours(125), "1.25 hours");
        assert_eq!(hours(0), "0 hours");
        assert_eq!(price(0), "Free");
        assert_eq!(price(4900), "$49.00");
    }
}

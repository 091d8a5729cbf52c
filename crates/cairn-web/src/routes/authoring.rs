//! Authoring pages for an organization's staff: the list of its
//! micro-credentials, the editor (details, rubric, requirements,
//! prerequisites, image, designer, life cycle), import, the level scale,
//! templates and stacks. Every form works without JavaScript.

use super::{Redirect, form_errors, form_errors_or_conflict, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfCookie, CsrfForm, Ctx, csrf_ok, form_expired};
use crate::templates::{FormErrors, PageCtx, render};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use cairn_app::AppError;
use cairn_app::achievements::{AchievementView, Change, DetailsForm};
use cairn_app::images::BADGE_MAX_BYTES;
use cairn_app::library::StackForm;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::fields::{AchievementInput, brief_decimal, two_decimals};
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::requirement::{EvidenceKind, EvidenceRequirement};
use cairn_domain::achievement::rubric::{CriterionForm, PassingRule, Rubric, RubricForm};
use cairn_domain::{AchievementId, DepartmentId, FieldErrors, LevelId, StackId, TemplateId};
use cairn_media::design::{BorderWidth, Design, Icon, PALETTE, Shape};
use cairn_store::achievements::{Achievement, SourcedRequirement};
use cairn_store::levels::Level;
use cairn_store::organizations::{Department, Organization};
use cairn_store::templates::{Template as LibraryTemplate, TemplateBody};

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs/{org}/author", get(list))
        .route("/orgs/{org}/author/new", get(new_form).post(create))
        .route(
            "/orgs/{org}/author/import",
            post(import).layer(DefaultBodyLimit::max(1024 * 1024 + 64 * 1024)),
        )
        .route("/orgs/{org}/levels", get(levels_form).post(save_levels))
        .route(
            "/orgs/{org}/templates",
            get(templates).post(new_requirement_template),
        )
        .route("/orgs/{org}/templates/{id}/delete", post(delete_template))
        .route("/orgs/{org}/stacks/new", get(new_stack).post(create_stack))
        .route(
            "/orgs/{org}/stacks/{slug}/edit",
            get(edit_stack).post(update_stack),
        )
        .route("/achievements/{id}/edit", get(editor))
        .route("/achievements/{id}/details", post(save_details))
        .route(
            "/achievements/{id}/rubric",
            get(rubric_form).post(save_rubric),
        )
        .route(
            "/achievements/{id}/requirements",
            get(requirements_form).post(save_requirements),
        )
        .route("/achievements/{id}/prerequisites", post(save_prerequisites))
        .route(
            "/achievements/{id}/image",
            post(upload_image).layer(DefaultBodyLimit::max(BADGE_MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/achievements/{id}/design",
            get(design_form).post(save_design),
        )
        .route("/achievements/{id}/design/preview.svg", get(design_preview))
        .route("/achievements/{id}/publish", post(publish))
        .route("/achievements/{id}/archive", post(archive))
        .route("/achievements/{id}/delete", post(delete))
}

/// A submitted form as name/value pairs, read by the names the domain's
/// field errors use (`criteria[0].name`, `requirements[1].kinds`, …).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
struct Pairs(Vec<(String, String)>);

impl Pairs {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// How many rows `prefix[i]…` the form has (highest index + 1).
    fn rows(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .filter_map(|(k, _)| k.strip_prefix(prefix)?.strip_prefix('['))
            .filter_map(|rest| rest.split(']').next()?.parse::<usize>().ok())
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
            .min(100)
    }
    fn lock(&self) -> u32 {
        self.get("lock_version").parse().unwrap_or(0)
    }
}

fn achievement_id(ctx: &Ctx, id: &str) -> Result<AchievementId, PageError> {
    Ok(AchievementId(parse_id(ctx, id, "The micro-credential")?))
}

// ---------------------------------------------------------------- the list

#[derive(Template)]
#[template(path = "authoring/list.html")]
struct ListPage {
    ctx: PageCtx,
    org: Organization,
    items: Vec<Achievement>,
    can_author: bool,
    can_manage_levels: bool,
    errors: FormErrors,
}

async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &list_page(&state, &ctx, &org, FormErrors::default()).await?,
    ))
}

async fn list_page(
    state: &WebState,
    ctx: &Ctx,
    org: &str,
    errors: FormErrors,
) -> Result<ListPage, PageError> {
    let principal = ctx.require()?;
    let (org, roles, items) = state
        .app
        .authoring_list(principal, org)
        .await
        .map_err(|e| ctx.err(e))?;
    use cairn_domain::policy::{Action, can};
    Ok(ListPage {
        ctx: ctx.page.clone(),
        can_author: can(&principal.actor, Action::AuthorAchievements { roles }),
        can_manage_levels: can(&principal.actor, Action::ManageLevels { roles }),
        org,
        items,
        errors,
    })
}

async fn import(
    State(state): State<WebState>,
    ctx: Ctx,
    Extension(cookie): Extension<CsrfCookie>,
    Path(org): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (csrf, bytes) = read_upload(multipart, "document").await;
    if !csrf_ok(&state, &cookie.0, csrf.as_deref()) {
        return Ok(form_expired());
    }
    let result = match bytes {
        Ok(bytes) => {
            state
                .app
                .import_achievement(principal, &org, &bytes, &ctx.meta)
                .await
        }
        Err(message) => Err(AppError::invalid("document", message)),
    };
    match result {
        Ok(outcome) => Ok(
            Redirect::to(format!("/achievements/{}/edit", outcome.achievement.id))
                .success(format!("Imported as a draft. {}", outcome.notes.join(" ")))
                .into_response_with(&state),
        ),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let page = list_page(&state, &ctx, &org, errors.into()).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// Reads a multipart form with a CSRF field and one file field.
async fn read_upload(
    mut multipart: Multipart,
    file_field: &str,
) -> (Option<String>, Result<Vec<u8>, String>) {
    let mut csrf = None;
    let mut bytes = Err("Choose a file.".to_owned());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                let message = if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "The file is larger than 1 MB; use a smaller one.".to_owned()
                } else {
                    "The upload could not be read; try again.".to_owned()
                };
                return (csrf, Err(message));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "csrf" {
            csrf = field.text().await.ok();
        } else if name == file_field {
            bytes = match field.bytes().await {
                Ok(b) if b.is_empty() => Err("Choose a file.".to_owned()),
                Ok(b) => Ok(b.to_vec()),
                Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    Err("The file is larger than 1 MB; use a smaller one.".to_owned())
                }
                Err(_) => Err("The upload could not be read; try again.".to_owned()),
            };
        }
    }
    (csrf, bytes)
}

// ---------------------------------------------------------- details form

/// The details form's values, as typed.
#[derive(Debug, Default, Clone)]
struct Details {
    title: String,
    slug: String,
    summary: String,
    competency: String,
    method: String,
    description: String,
    criteria: String,
    instructions: String,
    tags: String,
    /// name, url, framework, code
    alignments: Vec<[String; 4]>,
    credit_hours: String,
    valid_months: String,
    price: String,
    sponsorable: bool,
    requires_confirmation: bool,
    department: String,
    level: String,
}

impl Details {
    fn from_pairs(p: &Pairs) -> Self {
        let rows = p.rows("alignments");
        let alignments = (0..rows)
            .map(|i| {
                ["name", "url", "framework", "code"]
                    .map(|f| p.get(&format!("alignments[{i}].{f}")).to_owned())
            })
            .collect();
        Self {
            title: p.get("title").to_owned(),
            slug: p.get("slug").to_owned(),
            summary: p.get("summary").to_owned(),
            competency: p.get("competency").to_owned(),
            method: p.get("method").to_owned(),
            description: p.get("description").to_owned(),
            criteria: p.get("criteria").to_owned(),
            instructions: p.get("instructions").to_owned(),
            tags: p.get("tags").to_owned(),
            alignments,
            credit_hours: p.get("credit_hours").to_owned(),
            valid_months: p.get("valid_months").to_owned(),
            price: p.get("price").to_owned(),
            sponsorable: !p.get("sponsorable").is_empty(),
            requires_confirmation: !p.get("requires_confirmation").is_empty(),
            department: p.get("department").to_owned(),
            level: p.get("level").to_owned(),
        }
    }

    fn from_view(v: &AchievementView) -> Self {
        let f = &v.version.fields;
        Self {
            title: f.title.clone(),
            slug: v.achievement.slug.clone(),
            summary: f.summary.clone(),
            competency: f.competency.clone(),
            method: f.method.clone(),
            description: f.description.clone(),
            criteria: f.criteria.clone(),
            instructions: f.instructions.clone(),
            tags: f.tags.join(", "),
            alignments: f
                .alignments
                .iter()
                .map(|a| {
                    [
                        a.name.clone(),
                        a.url.clone(),
                        a.framework.clone().unwrap_or_default(),
                        a.code.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
            credit_hours: brief_decimal(f.credit_hundredths),
            valid_months: f.valid_months.map(|m| m.to_string()).unwrap_or_default(),
            price: match f.price {
                cairn_domain::achievement::fields::Price::Free => "0".to_owned(),
                cairn_domain::achievement::fields::Price::Paid { cents } => two_decimals(cents),
            },
            sponsorable: f.sponsorable,
            requires_confirmation: f.requires_confirmation,
            department: v
                .department
                .as_ref()
                .map(|d| d.slug.clone())
                .unwrap_or_default(),
            level: v
                .level
                .as_ref()
                .map(|l| l.id.to_string())
                .unwrap_or_default(),
        }
    }

    /// The alignment rows to show: the typed ones plus one spare.
    fn alignment_rows(&self) -> Vec<(usize, [String; 4])> {
        let mut rows = self.alignments.clone();
        rows.push(Default::default());
        rows.into_iter().enumerate().collect()
    }

    fn form<'a>(&'a self, departments: &[Department], errors: &mut FieldErrors) -> DetailsForm<'a> {
        let department = match self.department.as_str() {
            "" => None,
            slug => {
                let found = departments.iter().find(|d| d.slug == slug).map(|d| d.id);
                if found.is_none() {
                    errors.add(
                        "department",
                        "Choose one of the organization's departments.",
                    );
                }
                found
            }
        };
        let level = match self.level.as_str() {
            "" => None,
            id => match uuid::Uuid::parse_str(id) {
                Ok(u) => Some(LevelId(u)),
                Err(_) => {
                    errors.add("level", "Choose one of the organization's levels.");
                    None
                }
            },
        };
        DetailsForm {
            fields: AchievementInput {
                title: &self.title,
                summary: &self.summary,
                competency: &self.competency,
                method: &self.method,
                description: &self.description,
                criteria: &self.criteria,
                instructions: &self.instructions,
                tags: &self.tags,
                alignments: self
                    .alignments
                    .iter()
                    .map(|a| (a[0].as_str(), a[1].as_str(), a[2].as_str(), a[3].as_str()))
                    .collect(),
                credit_hours: &self.credit_hours,
                valid_months: &self.valid_months,
                price: &self.price,
                sponsorable: self.sponsorable,
                requires_confirmation: self.requires_confirmation,
            },
            slug: &self.slug,
            department: department.map(|d: DepartmentId| d),
            level,
        }
    }
}

#[derive(Template)]
#[template(path = "authoring/new.html")]
struct NewPage {
    ctx: PageCtx,
    slug_editable: bool,
    org: Organization,
    d: Details,
    departments: Vec<Department>,
    levels: Vec<Level>,
    errors: FormErrors,
}

async fn new_page(
    state: &WebState,
    ctx: &Ctx,
    org: &str,
    d: Details,
    errors: FormErrors,
) -> Result<NewPage, PageError> {
    let principal = ctx.require()?;
    let (org, _, _) = state
        .app
        .authoring_list(principal, org)
        .await
        .map_err(|e| ctx.err(e))?;
    let departments = state
        .app
        .store()
        .organizations()
        .departments(org.id)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let levels = state
        .app
        .store()
        .levels()
        .list(org.id)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    Ok(NewPage {
        ctx: ctx.page.clone(),
        slug_editable: true,
        org,
        d,
        departments,
        levels,
        errors,
    })
}

use cairn_store::Repos;

async fn new_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let d = Details {
        price: "0".into(),
        ..Details::default()
    };
    Ok(render(
        &new_page(&state, &ctx, &org, d, FormErrors::default()).await?,
    ))
}

async fn create(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let d = Details::from_pairs(&p);
    let departments = state
        .app
        .organization(&org, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?
        .departments;
    let mut errors = FieldErrors::new();
    let form = d.form(&departments, &mut errors);
    let result = if errors.is_empty() {
        state
            .app
            .create_achievement(principal, &org, form, &ctx.meta)
            .await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(a) => Ok(Redirect::to(format!("/achievements/{}/edit", a.id))
            .success("The draft is created. Add its rubric, evidence requirements and badge image, then publish it.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let page = new_page(&state, &ctx, &org, d, errors.into()).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

// --------------------------------------------------------------- editor

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "authoring/edit.html")]
struct EditorPage {
    ctx: PageCtx,
    slug_editable: bool,
    v: AchievementView,
    d: Details,
    departments: Vec<Department>,
    levels: Vec<Level>,
    errors: FormErrors,
    rubric: Option<super::catalog::RubricTable>,
    image: Option<String>,
    /// Micro-credentials that may be prerequisites, with whether chosen.
    candidates: Vec<Choice>,
    prerequisite_rule: String,
    prerequisite_count: String,
    versions: Vec<(u32, String)>,
    /// The names of the templates the rubric and requirements came from.
    rubric_template: Option<String>,
    requirement_templates: Vec<Option<String>>,
}

async fn editor_page(
    state: &WebState,
    ctx: &Ctx,
    id: AchievementId,
    d: Option<Details>,
    errors: FormErrors,
) -> Result<EditorPage, PageError> {
    let v = editable_view(state, ctx, id).await?;
    let store = state.app.store();
    let departments = store
        .organizations()
        .departments(v.organization.id)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let levels = store
        .levels()
        .list(v.organization.id)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let others = store
        .achievements()
        .list_for_organization(
            v.organization.id,
            &[AchievementStatus::Published, AchievementStatus::Draft],
        )
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let chosen: Vec<AchievementId> = v
        .prerequisite
        .as_ref()
        .map(|p| p.achievements().to_vec())
        .unwrap_or_default();
    let mut candidates: Vec<Choice> = others
        .iter()
        .filter(|a| a.id != id)
        .map(|a| Choice {
            value: a.id.to_string(),
            label: format!(
                "{}{}",
                a.title,
                if a.status == AchievementStatus::Draft {
                    " (draft)"
                } else {
                    ""
                }
            ),
            selected: chosen.contains(&a.id),
        })
        .collect();
    // Prerequisites from other organizations stay listed.
    for a in &v.prerequisite_achievements {
        if !candidates.iter().any(|c| c.value == a.id.to_string()) {
            candidates.push(Choice {
                value: a.id.to_string(),
                label: a.title.clone(),
                selected: true,
            });
        }
    }
    let (prerequisite_rule, prerequisite_count) = match &v.prerequisite {
        Some(Prerequisite::AtLeast(n, _)) => ("at_least".to_owned(), n.to_string()),
        Some(Prerequisite::AllOf(_)) => ("all".to_owned(), String::new()),
        None => ("all".to_owned(), String::new()),
    };
    let library = store
        .templates()
        .list(v.organization.id)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let template_name = |t: Option<TemplateId>| {
        t.and_then(|t| library.iter().find(|x| x.id == t).map(|x| x.name.clone()))
    };
    let rubric_template = template_name(v.version.rubric_template_id);
    let requirement_templates = v
        .version
        .requirements
        .iter()
        .map(|r| template_name(r.template_id))
        .collect();
    let versions = store
        .achievements()
        .versions(id)
        .await
        .map_err(|e| ctx.err(e.into()))?
        .into_iter()
        .map(|x| (x.number, crate::templates::date_time(x.created_at)))
        .collect();
    Ok(EditorPage {
        ctx: ctx.page.clone(),
        slug_editable: false,
        d: d.map_or_else(
            || Details::from_view(&v),
            |d| Details {
                slug: v.achievement.slug.clone(),
                ..d
            },
        ),
        rubric: super::catalog::rubric_table(&v),
        image: super::catalog::image_url(
            v.achievement.id,
            v.achievement.image.png_key.as_deref(),
            "png",
        ),
        departments,
        levels,
        errors,
        candidates,
        prerequisite_rule,
        prerequisite_count,
        versions,
        rubric_template,
        requirement_templates,
        v,
    })
}

async fn editor(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = achievement_id(&ctx, &id)?;
    Ok(render(
        &editor_page(&state, &ctx, id, None, FormErrors::default()).await?,
    ))
}

async fn editor_with_errors(
    state: &WebState,
    ctx: &Ctx,
    id: AchievementId,
    d: Option<Details>,
    err: AppError,
) -> Result<Response, PageError> {
    let (status, errors) = form_errors_or_conflict(ctx, err, "lock_version")?;
    let page = editor_page(state, ctx, id, d, errors.into()).await?;
    Ok((status, render(&page)).into_response())
}

async fn save_details(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    let d = Details::from_pairs(&p);
    let v = state
        .app
        .achievement_view_by_id(id, None, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    let departments = state
        .app
        .store()
        .organizations()
        .departments(v.organization.id)
        .await
        .map_err(|e| ctx.err(e.into()))?;
    let mut errors = FieldErrors::new();
    let form = d.form(&departments, &mut errors);
    let result = if errors.is_empty() {
        state
            .app
            .save_achievement(principal, id, p.lock(), Change::Details(form), &ctx.meta)
            .await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(saved) => Ok(Redirect::to(format!("/achievements/{id}/edit"))
            .success(saved_message(&v.achievement, &saved))
            .into_response_with(&state)),
        Err(err) => editor_with_errors(&state, &ctx, id, Some(d), err).await,
    }
}

fn saved_message(before: &Achievement, after: &Achievement) -> String {
    if after.version_number > before.version_number {
        format!(
            "Saved as version {}. People already working on version {} keep theirs.",
            after.version_number, before.version_number
        )
    } else {
        "Saved.".to_owned()
    }
}

// ---------------------------------------------------------------- rubric

/// One rubric row as the form shows it.
struct CriterionRow {
    index: usize,
    name: String,
    description: String,
    descriptors: Vec<String>,
    points: Vec<String>,
}

#[derive(Template)]
#[template(path = "authoring/rubric.html")]
struct RubricPage {
    ctx: PageCtx,
    v: AchievementView,
    lock_version: u32,
    levels: Vec<String>,
    rows: Vec<CriterionRow>,
    rule: String,
    rule_level: String,
    rule_points: String,
    template_id: String,
    templates: Vec<(String, String)>,
    template_name: String,
    errors: FormErrors,
}

impl RubricPage {
    fn level_indexes(&self) -> Vec<usize> {
        (0..self.levels.len()).collect()
    }
}

fn rubric_rows(r: &Rubric) -> (Vec<String>, Vec<CriterionRow>, String, String, String) {
    let levels = r.levels().iter().map(|l| l.name.clone()).collect();
    let rows = r
        .criteria()
        .iter()
        .enumerate()
        .map(|(i, c)| CriterionRow {
            index: i,
            name: c.name.clone(),
            description: c.description.clone(),
            descriptors: c.descriptors.clone(),
            points: c
                .points
                .as_ref()
                .map(|p| p.iter().map(u32::to_string).collect())
                .unwrap_or_else(|| vec![String::new(); c.descriptors.len()]),
        })
        .collect();
    let (rule, level, points) = match r.rule() {
        PassingRule::AllAtLeast { level } => ("all", level.to_string(), String::new()),
        PassingRule::TotalPointsAtLeast { points } => ("points", String::new(), points.to_string()),
        PassingRule::Both { level, points } => ("both", level.to_string(), points.to_string()),
    };
    (levels, rows, rule.to_owned(), level, points)
}

fn rows_from_pairs(p: &Pairs, levels: usize) -> Vec<CriterionRow> {
    (0..p.rows("criteria"))
        .map(|i| CriterionRow {
            index: i,
            name: p.get(&format!("criteria[{i}].name")).to_owned(),
            description: p.get(&format!("criteria[{i}].description")).to_owned(),
            descriptors: (0..levels)
                .map(|j| p.get(&format!("criteria[{i}].descriptors[{j}]")).to_owned())
                .collect(),
            points: (0..levels)
                .map(|j| p.get(&format!("criteria[{i}].points[{j}]")).to_owned())
                .collect(),
        })
        .collect()
}

/// Pads the grid so every row has a cell per level, and adds the spare
/// level/criterion a person asked for.
fn pad(levels: &mut Vec<String>, rows: &mut Vec<CriterionRow>, add: &str) {
    if add == "level" || levels.is_empty() {
        levels.push(String::new());
    }
    if add == "criterion" || rows.is_empty() {
        rows.push(CriterionRow {
            index: rows.len(),
            name: String::new(),
            description: String::new(),
            descriptors: Vec::new(),
            points: Vec::new(),
        });
    }
    for r in rows.iter_mut() {
        r.descriptors.resize(levels.len(), String::new());
        r.points.resize(levels.len(), String::new());
    }
}

async fn rubric_page(
    state: &WebState,
    ctx: &Ctx,
    id: AchievementId,
    from: Option<&Pairs>,
    errors: FieldErrors,
) -> Result<RubricPage, PageError> {
    let principal = ctx.require()?;
    let v = editable_view(state, ctx, id).await?;
    let templates: Vec<LibraryTemplate> = state
        .app
        .templates(principal, &v.organization.slug)
        .await
        .map_err(|e| ctx.err(e))?
        .1;
    let (mut levels, mut rows, rule, rule_level, rule_points, template_id, lock, add) = match from {
        Some(p) => {
            let levels: Vec<String> = (0..p.rows("levels"))
                .map(|i| p.get(&format!("levels[{i}].name")).to_owned())
                .collect();
            let rows = rows_from_pairs(p, levels.len());
            (
                levels,
                rows,
                p.get("rule").to_owned(),
                p.get("rule_level").to_owned(),
                p.get("rule_points").to_owned(),
                p.get("template_id").to_owned(),
                p.lock(),
                p.get("add").to_owned(),
            )
        }
        None => {
            let (levels, rows, rule, l, pts) = match &v.version.rubric {
                Some(r) => rubric_rows(r),
                None => (
                    vec![
                        "Beginning".to_owned(),
                        "Developing".to_owned(),
                        "Proficient".to_owned(),
                        "Exemplary".to_owned(),
                    ],
                    Vec::new(),
                    "all".to_owned(),
                    "2".to_owned(),
                    String::new(),
                ),
            };
            (
                levels,
                rows,
                rule,
                l,
                pts,
                v.version
                    .rubric_template_id
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                v.achievement.lock_version,
                String::new(),
            )
        }
    };
    pad(&mut levels, &mut rows, &add);
    Ok(RubricPage {
        ctx: ctx.page.clone(),
        lock_version: lock,
        levels,
        rows,
        rule,
        rule_level,
        rule_points,
        template_id,
        templates: templates
            .iter()
            .filter(|t| matches!(t.body, TemplateBody::Rubric(_)))
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect(),
        template_name: from
            .map(|p| p.get("template_name").to_owned())
            .unwrap_or_default(),
        errors: errors.into(),
        v,
    })
}

async fn rubric_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = achievement_id(&ctx, &id)?;
    Ok(render(
        &rubric_page(&state, &ctx, id, None, FieldErrors::new()).await?,
    ))
}

fn parse_rubric(p: &Pairs) -> Result<Rubric, FieldErrors> {
    let levels: Vec<&str> = (0..p.rows("levels"))
        .map(|i| p.get(&format!("levels[{i}].name")))
        .collect();
    let level_count = levels.iter().filter(|l| !l.trim().is_empty()).count();
    let names: Vec<String> = (0..p.rows("criteria"))
        .map(|i| format!("criteria[{i}]"))
        .collect();
    let criteria = names
        .iter()
        .map(|prefix| CriterionForm {
            name: p.get(&format!("{prefix}.name")),
            description: p.get(&format!("{prefix}.description")),
            descriptors: (0..level_count)
                .map(|j| p.get(&format!("{prefix}.descriptors[{j}]")))
                .collect(),
            points: (0..level_count)
                .map(|j| p.get(&format!("{prefix}.points[{j}]")))
                .collect(),
        })
        .collect();
    RubricForm {
        levels,
        criteria,
        rule: p.get("rule"),
        rule_level: p.get("rule_level"),
        rule_points: p.get("rule_points"),
    }
    .parse()
}

async fn save_rubric(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    let action = p.get("action");
    if !p.get("add").is_empty() {
        return Ok(render(
            &rubric_page(&state, &ctx, id, Some(&p), FieldErrors::new()).await?,
        ));
    }
    if action == "use_template" {
        let v = state
            .app
            .achievement_view_by_id(id, None, Some(principal))
            .await
            .map_err(|e| ctx.err(e))?;
        let Ok(template) = uuid::Uuid::parse_str(p.get("use_template")).map(TemplateId) else {
            let page = rubric_page(
                &state,
                &ctx,
                id,
                Some(&p),
                FieldErrors::single("use_template", "Choose a template."),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        };
        let body = state
            .app
            .template_body(v.organization.id, template)
            .await
            .map_err(|e| ctx.err(e))?;
        let TemplateBody::Rubric(rubric) = body else {
            return Err(ctx.err(AppError::not_found("The template")));
        };
        return save_rubric_value(&state, &ctx, id, p.lock(), rubric, Some(template), &p).await;
    }
    match parse_rubric(&p) {
        Ok(rubric) if action == "save_template" => {
            let v = state
                .app
                .achievement_view_by_id(id, None, Some(principal))
                .await
                .map_err(|e| ctx.err(e))?;
            match state
                .app
                .save_template(
                    principal,
                    &v.organization.slug,
                    None,
                    p.get("template_name"),
                    "",
                    TemplateBody::Rubric(rubric),
                    &ctx.meta,
                )
                .await
            {
                Ok(t) => Ok(Redirect::to(format!("/achievements/{id}/rubric"))
                    .success(format!(
                        "“{}” is in the organization's templates. Save the rubric here too if you changed it.",
                        t.name
                    ))
                    .into_response_with(&state)),
                Err(err) => {
                    let (status, errors) = form_errors(&ctx, err)?;
                    let errors = rename(errors, "name", "template_name");
                    let page = rubric_page(&state, &ctx, id, Some(&p), errors).await?;
                    Ok((status, render(&page)).into_response())
                }
            }
        }
        Ok(rubric) => {
            let template = uuid::Uuid::parse_str(p.get("template_id"))
                .ok()
                .map(TemplateId);
            save_rubric_value(&state, &ctx, id, p.lock(), rubric, template, &p).await
        }
        Err(errors) => {
            let page = rubric_page(&state, &ctx, id, Some(&p), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

fn rename(errors: FieldErrors, from: &str, to: &str) -> FieldErrors {
    let mut out = FieldErrors::new();
    for e in errors.iter() {
        out.add(
            if e.field == from { to } else { &e.field },
            e.message.clone(),
        );
    }
    out
}

async fn save_rubric_value(
    state: &WebState,
    ctx: &Ctx,
    id: AchievementId,
    lock: u32,
    rubric: Rubric,
    template: Option<TemplateId>,
    p: &Pairs,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let before = state
        .app
        .achievement_view_by_id(id, None, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?
        .achievement;
    match state
        .app
        .save_achievement(
            principal,
            id,
            lock,
            Change::Rubric(Some(rubric), template),
            &ctx.meta,
        )
        .await
    {
        Ok(saved) => Ok(Redirect::to(format!("/achievements/{id}/edit"))
            .success(format!(
                "The rubric is saved. {}",
                saved_message(&before, &saved)
            ))
            .into_response_with(state)),
        Err(err) => {
            let (status, errors) = form_errors_or_conflict(ctx, err, "lock_version")?;
            let page = rubric_page(state, ctx, id, Some(p), errors).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---------------------------------------------------------- requirements

struct RequirementRow {
    index: usize,
    prompt: String,
    guidance: String,
    kinds: Vec<(String, String, bool)>,
    min_count: String,
    checklist: String,
    template_id: String,
}

fn kind_choices(selected: &[&str]) -> Vec<(String, String, bool)> {
    EvidenceKind::ALL
        .iter()
        .map(|k| {
            let label = match k {
                EvidenceKind::File => "File",
                EvidenceKind::Video => "Video",
                EvidenceKind::Image => "Image",
                EvidenceKind::Document => "Document",
                EvidenceKind::Link => "Link",
                EvidenceKind::Reflection => "Written reflection",
                EvidenceKind::Badge => "Another badge",
            };
            (
                k.as_str().to_owned(),
                label.to_owned(),
                selected.contains(&k.as_str()),
            )
        })
        .collect()
}

fn row_of(index: usize, r: &EvidenceRequirement, template: Option<TemplateId>) -> RequirementRow {
    let kinds: Vec<&str> = r.kinds.iter().map(|k| k.as_str()).collect();
    RequirementRow {
        index,
        prompt: r.prompt.clone(),
        guidance: r.guidance.clone(),
        kinds: kind_choices(&kinds),
        min_count: r.min_count.to_string(),
        checklist: r.checklist.join("\n"),
        template_id: template.map(|t| t.to_string()).unwrap_or_default(),
    }
}

fn blank_row(index: usize) -> RequirementRow {
    RequirementRow {
        index,
        prompt: String::new(),
        guidance: String::new(),
        kinds: kind_choices(&[]),
        min_count: "1".to_owned(),
        checklist: String::new(),
        template_id: String::new(),
    }
}

#[derive(Template)]
#[template(path = "authoring/requirements.html")]
struct RequirementsPage {
    ctx: PageCtx,
    v: AchievementView,
    lock_version: u32,
    rows: Vec<RequirementRow>,
    templates: Vec<(String, String)>,
    errors: FormErrors,
}

/// Reads the requirement rows; rows marked for removal and blank spare rows
/// are dropped. Errors are named `requirements[i].field`.
fn parse_requirements(p: &Pairs) -> (Vec<SourcedRequirement>, Vec<usize>, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for i in 0..p.rows("requirements") {
        let f = |name: &str| format!("requirements[{i}].{name}");
        if !p.get(&f("remove")).is_empty() {
            continue;
        }
        let prompt = p.get(&f("prompt"));
        let guidance = p.get(&f("guidance"));
        let checklist_text = p.get(&f("checklist"));
        if prompt.trim().is_empty()
            && guidance.trim().is_empty()
            && checklist_text.trim().is_empty()
        {
            continue;
        }
        kept.push(i);
        let kinds = p.all(&f("kinds"));
        let checklist: Vec<&str> = checklist_text.lines().collect();
        match EvidenceRequirement::parse(
            prompt,
            guidance,
            &kinds,
            p.get(&f("min_count")),
            &checklist,
        ) {
            Ok(requirement) => out.push(SourcedRequirement {
                requirement,
                template_id: uuid::Uuid::parse_str(p.get(&f("template_id")))
                    .ok()
                    .map(TemplateId),
            }),
            Err(e) => {
                for err in e.iter() {
                    errors.add(&f(&err.field), err.message.clone());
                }
            }
        }
    }
    (out, kept, errors)
}

async fn requirements_page(
    state: &WebState,
    ctx: &Ctx,
    id: AchievementId,
    from: Option<&Pairs>,
    extra: Option<(EvidenceRequirement, TemplateId)>,
    errors: FieldErrors,
) -> Result<RequirementsPage, PageError> {
    let principal = ctx.require()?;
    let v = editable_view(state, ctx, id).await?;
    let templates = state
        .app
        .templates(principal, &v.organization.slug)
        .await
        .map_err(|e| ctx.err(e))?
        .1;
    let (mut rows, lock) = match from {
        Some(p) => {
            let rows: Vec<RequirementRow> = (0..p.rows("requirements"))
                .filter(|i| p.get(&format!("requirements[{i}].remove")).is_empty())
                .map(|i| {
                    let f = |name: &str| format!("requirements[{i}].{name}");
                    RequirementRow {
                        index: i,
                        prompt: p.get(&f("prompt")).to_owned(),
                        guidance: p.get(&f("guidance")).to_owned(),
                        kinds: kind_choices(&p.all(&f("kinds"))),
                        min_count: p.get(&f("min_count")).to_owned(),
                        checklist: p.get(&f("checklist")).to_owned(),
                        template_id: p.get(&f("template_id")).to_owned(),
                    }
                })
                .filter(|r| {
                    !(r.prompt.trim().is_empty()
                        && r.guidance.trim().is_empty()
                        && r.checklist.trim().is_empty())
                })
                .collect();
            (rows, p.lock())
        }
        None => (
            v.version
                .requirements
                .iter()
                .enumerate()
                .map(|(i, r)| row_of(i, &r.requirement, r.template_id))
                .collect(),
            v.achievement.lock_version,
        ),
    };
    if let Some((r, t)) = extra {
        rows.push(row_of(0, &r, Some(t)));
    }
    // Errors name the submitted index; keep it when re-showing.
    if from.is_none() || errors.is_empty() {
        for (i, r) in rows.iter_mut().enumerate() {
            r.index = i;
        }
    }
    let next = rows.iter().map(|r| r.index + 1).max().unwrap_or(0);
    rows.push(blank_row(next));
    Ok(RequirementsPage {
        ctx: ctx.page.clone(),
        lock_version: lock,
        rows,
        templates: templates
            .iter()
            .filter(|t| matches!(t.body, TemplateBody::Requirement(_)))
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect(),
        errors: errors.into(),
        v,
    })
}

async fn requirements_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = achievement_id(&ctx, &id)?;
    Ok(render(
        &requirements_page(&state, &ctx, id, None, None, FieldErrors::new()).await?,
    ))
}

async fn save_requirements(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    match p.get("action") {
        "add" => {
            return Ok(render(
                &requirements_page(&state, &ctx, id, Some(&p), None, FieldErrors::new()).await?,
            ));
        }
        "use_template" => {
            let v = state
                .app
                .achievement_view_by_id(id, None, Some(principal))
                .await
                .map_err(|e| ctx.err(e))?;
            let found = match uuid::Uuid::parse_str(p.get("use_template")).map(TemplateId) {
                Ok(t) => match state.app.template_body(v.organization.id, t).await {
                    Ok(TemplateBody::Requirement(r)) => Some((r, t)),
                    _ => None,
                },
                Err(_) => None,
            };
            let errors = if found.is_none() {
                FieldErrors::single("use_template", "Choose a requirement template.")
            } else {
                FieldErrors::new()
            };
            return Ok(render(
                &requirements_page(&state, &ctx, id, Some(&p), found, errors).await?,
            ));
        }
        _ => {}
    }
    let (list, _, errors) = parse_requirements(&p);
    if !errors.is_empty() {
        let page = requirements_page(&state, &ctx, id, Some(&p), None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let before = state
        .app
        .achievement_view_by_id(id, None, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?
        .achievement;
    match state
        .app
        .save_achievement(
            principal,
            id,
            p.lock(),
            Change::Requirements(list),
            &ctx.meta,
        )
        .await
    {
        Ok(saved) => Ok(Redirect::to(format!("/achievements/{id}/edit"))
            .success(format!(
                "The evidence requirements are saved. {}",
                saved_message(&before, &saved)
            ))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors_or_conflict(&ctx, err, "lock_version")?;
            let page = requirements_page(&state, &ctx, id, Some(&p), None, errors).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

// --------------------------------------------------------- prerequisites

async fn save_prerequisites(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    let chosen: Vec<AchievementId> = p
        .all("prerequisites")
        .into_iter()
        .filter_map(|s| uuid::Uuid::parse_str(s).ok().map(AchievementId))
        .collect();
    let rule = if chosen.is_empty() {
        Ok(None)
    } else if p.get("rule") == "at_least" {
        match p.get("count").trim().parse::<usize>() {
            Ok(n) => Ok(Some(Prerequisite::AtLeast(n, chosen))),
            Err(_) => Err(AppError::invalid(
                "count",
                "Enter how many of the chosen micro-credentials are needed.",
            )),
        }
    } else {
        Ok(Some(Prerequisite::AllOf(chosen)))
    };
    let result = match rule {
        Ok(rule) => {
            state
                .app
                .set_prerequisites(principal, id, rule, &ctx.meta)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(format!("/achievements/{id}/edit#prerequisites"))
                .success("The prerequisites are saved.")
                .into_response_with(&state),
        ),
        Err(err) => editor_with_errors(&state, &ctx, id, None, err).await,
    }
}

// ---------------------------------------------------------------- images

async fn upload_image(
    State(state): State<WebState>,
    ctx: Ctx,
    Extension(cookie): Extension<CsrfCookie>,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    let (csrf, bytes) = read_upload(multipart, "image").await;
    if !csrf_ok(&state, &cookie.0, csrf.as_deref()) {
        return Ok(form_expired());
    }
    let result = match bytes {
        Ok(bytes) => {
            state
                .app
                .upload_badge_image(principal, id, &bytes, &ctx.meta)
                .await
        }
        Err(message) => Err(AppError::invalid("image", message)),
    };
    match result {
        Ok(outcome) if outcome.removed.is_empty() => {
            Ok(Redirect::to(format!("/achievements/{id}/edit#image"))
                .success("The badge image is saved.")
                .into_response_with(&state))
        }
        Ok(outcome) => Ok(Redirect::to(format!("/achievements/{id}/edit#image"))
            .info(format!(
                "The badge image is saved. To make it safe we removed: {}.",
                outcome.removed.join("; ")
            ))
            .into_response_with(&state)),
        Err(err) => editor_with_errors(&state, &ctx, id, None, err).await,
    }
}

struct Opt {
    value: String,
    label: String,
    selected: bool,
}

fn options<T: Copy + PartialEq>(
    all: &[T],
    current: T,
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter()
        .map(|x| Opt {
            value: value(*x).to_owned(),
            label: label(*x).to_owned(),
            selected: *x == current,
        })
        .collect()
}

fn colour_options(current: &str) -> Vec<Opt> {
    let mut out: Vec<Opt> = PALETTE
        .iter()
        .map(|(name, c)| Opt {
            value: c.to_string(),
            label: (*name).to_owned(),
            selected: c.to_string() == current,
        })
        .collect();
    if !out.iter().any(|o| o.selected) && !current.is_empty() {
        out.push(Opt {
            value: current.to_owned(),
            label: format!("Custom ({current})"),
            selected: true,
        });
    }
    out
}

#[derive(Template)]
#[template(path = "authoring/design.html")]
struct DesignPage {
    ctx: PageCtx,
    v: AchievementView,
    title: String,
    ribbon: String,
    shapes: Vec<Opt>,
    icons: Vec<Opt>,
    borders: Vec<Opt>,
    fills: Vec<Opt>,
    accents: Vec<Opt>,
    border_colours: Vec<Opt>,
    preview: String,
    errors: FormErrors,
}

fn design_query(d: &Design) -> String {
    let pairs = [
        ("shape", d.shape.as_str().to_owned()),
        ("fill", d.fill.to_string()),
        ("accent", d.accent.to_string()),
        ("border", d.border.width.as_str().to_owned()),
        ("border_colour", d.border.colour.to_string()),
        ("icon", d.icon.as_str().to_owned()),
        ("title", d.title.clone()),
        ("ribbon", d.ribbon.clone().unwrap_or_default()),
    ];
    serde_html_form::to_string(pairs).unwrap_or_default()
}

fn design_page(v: AchievementView, ctx: &Ctx, d: &Design, errors: FieldErrors) -> DesignPage {
    DesignPage {
        ctx: ctx.page.clone(),
        title: d.title.clone(),
        ribbon: d.ribbon.clone().unwrap_or_default(),
        shapes: options(Shape::ALL, d.shape, Shape::as_str, Shape::label),
        icons: options(Icon::ALL, d.icon, Icon::as_str, Icon::label),
        borders: options(
            BorderWidth::ALL,
            d.border.width,
            BorderWidth::as_str,
            BorderWidth::label,
        ),
        fills: colour_options(&d.fill.to_string()),
        accents: colour_options(&d.accent.to_string()),
        border_colours: colour_options(&d.border.colour.to_string()),
        preview: format!(
            "/achievements/{}/design/preview.svg?{}",
            v.achievement.id,
            design_query(d)
        ),
        errors: errors.into(),
        v,
    }
}

async fn editable_view(
    state: &WebState,
    ctx: &Ctx,
    id: AchievementId,
) -> Result<AchievementView, PageError> {
    let principal = ctx.require()?;
    let v = state
        .app
        .achievement_view_by_id(id, None, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    if !v.can_edit {
        return Err(ctx.err(AppError::Forbidden(
            "You do not have permission to do this.".into(),
        )));
    }
    Ok(v)
}

async fn design_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = achievement_id(&ctx, &id)?;
    let v = editable_view(&state, &ctx, id).await?;
    let stored: Option<Design> = v
        .achievement
        .image
        .design
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let design = stored.unwrap_or_else(|| {
        let title: String = v.version.fields.title.chars().take(60).collect();
        Design {
            title,
            ribbon: v.level.as_ref().map(|l| l.name.chars().take(30).collect()),
            ..Design::default()
        }
    });
    Ok(render(&design_page(v, &ctx, &design, FieldErrors::new())))
}

fn design_from(p: &Pairs) -> Result<Design, FieldErrors> {
    Design::from_fields(|k| Some(p.get(k).to_owned()).filter(|v| !v.is_empty())).map_err(|errs| {
        let mut out = FieldErrors::new();
        for e in errs {
            out.add(e.field, e.message);
        }
        out
    })
}

async fn save_design(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    let design = match design_from(&p) {
        Ok(d) => d,
        Err(errors) => {
            let v = editable_view(&state, &ctx, id).await?;
            let fallback = Design {
                title: p.get("title").chars().take(60).collect(),
                ..Design::default()
            };
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&design_page(v, &ctx, &fallback, errors)),
            )
                .into_response());
        }
    };
    if p.get("action") != "save" {
        let v = editable_view(&state, &ctx, id).await?;
        return Ok(render(&design_page(v, &ctx, &design, FieldErrors::new())));
    }
    match state
        .app
        .design_badge_image(principal, id, &design, &ctx.meta)
        .await
    {
        Ok(_) => Ok(Redirect::to(format!("/achievements/{id}/edit#image"))
            .success("The designed badge is saved.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let v = editable_view(&state, &ctx, id).await?;
            Ok((status, render(&design_page(v, &ctx, &design, errors))).into_response())
        }
    }
}

async fn design_preview(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<Pairs>,
) -> Result<Response, PageError> {
    let id = achievement_id(&ctx, &id)?;
    editable_view(&state, &ctx, id).await?;
    let design = design_from(&p).unwrap_or_else(|_| Design {
        title: p.get("title").chars().take(60).collect(),
        ..Design::default()
    });
    let svg = if design.validate().is_ok() {
        design.to_svg()
    } else {
        Design {
            title: "?".into(),
            ..design
        }
        .to_svg()
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, max-age=60"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
        ],
        svg,
    )
        .into_response())
}

// ----------------------------------------------------------- life cycle

async fn publish(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    match state
        .app
        .publish_achievement(principal, id, &ctx.meta)
        .await
    {
        Ok(a) => {
            let org = state
                .app
                .store()
                .organizations()
                .get(a.organization_id)
                .await
                .map_err(|e| ctx.err(e.into()))?
                .map(|o| o.slug)
                .unwrap_or_default();
            Ok(Redirect::to(format!("/orgs/{org}/achievements/{}", a.slug))
                .success("Published: it is in the catalog now.")
                .into_response_with(&state))
        }
        Err(err) => editor_with_errors(&state, &ctx, id, None, err).await,
    }
}

async fn archive(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    match state
        .app
        .archive_achievement(principal, id, &ctx.meta)
        .await
    {
        Ok(_) => Ok(Redirect::to(format!("/achievements/{id}/edit"))
            .success("Archived: it is out of the catalog. Awards already made stay valid.")
            .into_response_with(&state)),
        Err(err) => editor_with_errors(&state, &ctx, id, None, err).await,
    }
}

async fn delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = achievement_id(&ctx, &id)?;
    let v = editable_view(&state, &ctx, id).await?;
    match state.app.delete_achievement(principal, id, &ctx.meta).await {
        Ok(()) => Ok(
            Redirect::to(format!("/orgs/{}/author", v.organization.slug))
                .success("The draft is deleted.")
                .into_response_with(&state),
        ),
        Err(err) => editor_with_errors(&state, &ctx, id, None, err).await,
    }
}

// --------------------------------------------------------------- levels

#[derive(Template)]
#[template(path = "authoring/levels.html")]
struct LevelsPage {
    ctx: PageCtx,
    org: Organization,
    rows: Vec<(usize, String, String)>,
    errors: FormErrors,
}

async fn levels_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .organization(&org, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    cairn_domain::policy::authorize(
        &principal.actor,
        cairn_domain::policy::Action::ManageLevels { roles: view.roles },
    )
    .map_err(|e| ctx.err(e.into()))?;
    let (org, levels) = state.app.levels(&org).await.map_err(|e| ctx.err(e))?;
    let mut rows: Vec<(usize, String, String)> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.id.to_string(), l.name.clone()))
        .collect();
    for _ in 0..2 {
        rows.push((rows.len(), String::new(), String::new()));
    }
    Ok(render(&LevelsPage {
        ctx: ctx.page,
        org,
        rows,
        errors: FormErrors::default(),
    }))
}

async fn save_levels(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let n = p.rows("levels");
    let ids: Vec<Option<LevelId>> = (0..n)
        .map(|i| {
            uuid::Uuid::parse_str(p.get(&format!("levels[{i}].id")))
                .ok()
                .map(LevelId)
        })
        .collect();
    let names: Vec<String> = (0..n)
        .map(|i| p.get(&format!("levels[{i}].name")).to_owned())
        .collect();
    let rows: Vec<(Option<LevelId>, &str)> = ids
        .iter()
        .zip(&names)
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    match state
        .app
        .set_levels(principal, &org, &rows, &ctx.meta)
        .await
    {
        Ok(_) => Ok(Redirect::to(format!("/orgs/{org}/author"))
            .success("The level scale is saved.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let organization = state
                .app
                .organization(&org, Some(principal))
                .await
                .map_err(|e| ctx.err(e))?
                .organization;
            let mut shown: Vec<(usize, String, String)> = (0..n)
                .map(|i| {
                    (
                        i,
                        p.get(&format!("levels[{i}].id")).to_owned(),
                        names[i].clone(),
                    )
                })
                .collect();
            shown.push((n, String::new(), String::new()));
            Ok((
                status,
                render(&LevelsPage {
                    ctx: ctx.page,
                    org: organization,
                    rows: shown,
                    errors: errors.into(),
                }),
            )
                .into_response())
        }
    }
}

// ------------------------------------------------------------ templates

#[derive(Template)]
#[template(path = "authoring/templates.html")]
struct TemplatesPage {
    ctx: PageCtx,
    org: Organization,
    list: Vec<LibraryTemplate>,
    rows: Vec<RequirementRow>,
    template_name: String,
    errors: FormErrors,
}

async fn templates_page(
    state: &WebState,
    ctx: &Ctx,
    org: &str,
    row: Option<RequirementRow>,
    name: String,
    errors: FieldErrors,
) -> Result<TemplatesPage, PageError> {
    let principal = ctx.require()?;
    let (org, list) = state
        .app
        .templates(principal, org)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(TemplatesPage {
        ctx: ctx.page.clone(),
        org,
        list,
        rows: vec![row.unwrap_or_else(|| blank_row(0))],
        template_name: name,
        errors: errors.into(),
    })
}

async fn templates(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &templates_page(&state, &ctx, &org, None, String::new(), FieldErrors::new()).await?,
    ))
}

async fn new_requirement_template(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (list, _, mut errors) = parse_requirements(&p);
    let name = p.get("name").to_owned();
    let result = match list.into_iter().next() {
        Some(r) if errors.is_empty() => {
            state
                .app
                .save_template(
                    principal,
                    &org,
                    None,
                    &name,
                    p.get("description"),
                    TemplateBody::Requirement(r.requirement),
                    &ctx.meta,
                )
                .await
        }
        None if errors.is_empty() => {
            errors.add("requirements[0].prompt", "Write the prompt.");
            Err(AppError::Invalid(errors))
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(t) => Ok(Redirect::to(format!("/orgs/{org}/templates"))
            .success(format!("“{}” is in the templates.", t.name))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let f = |n: &str| format!("requirements[0].{n}");
            let row = RequirementRow {
                index: 0,
                prompt: p.get(&f("prompt")).to_owned(),
                guidance: p.get(&f("guidance")).to_owned(),
                kinds: kind_choices(&p.all(&f("kinds"))),
                min_count: p.get(&f("min_count")).to_owned(),
                checklist: p.get(&f("checklist")).to_owned(),
                template_id: String::new(),
            };
            let page = templates_page(&state, &ctx, &org, Some(row), name, errors).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

async fn delete_template(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = TemplateId(parse_id(&ctx, &id, "The template")?);
    state
        .app
        .delete_template(principal, &org, id, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/orgs/{org}/templates"))
        .success("The template is deleted. Micro-credentials made from it keep their copy.")
        .into_response_with(&state))
}

// --------------------------------------------------------------- stacks

#[derive(Template)]
#[template(path = "authoring/stack.html")]
struct StackEditPage {
    ctx: PageCtx,
    org: Organization,
    action: String,
    stack_name: String,
    slug: String,
    description: String,
    recognition: String,
    published: bool,
    /// One select per step (chosen id or empty), plus spares.
    steps: Vec<(usize, String)>,
    capstone: String,
    choices: Vec<(String, String)>,
    errors: FormErrors,
}

struct StackValues {
    name: String,
    slug: String,
    description: String,
    recognition: String,
    published: bool,
    steps: Vec<String>,
    capstone: String,
}

async fn stack_page(
    state: &WebState,
    ctx: &Ctx,
    org: &str,
    action: String,
    values: StackValues,
    errors: FieldErrors,
) -> Result<StackEditPage, PageError> {
    let principal = ctx.require()?;
    let (org, _, items) = state
        .app
        .authoring_list(principal, org)
        .await
        .map_err(|e| ctx.err(e))?;
    let mut steps: Vec<String> = values.steps.into_iter().filter(|s| !s.is_empty()).collect();
    while steps.len() < 4 {
        steps.push(String::new());
    }
    steps.push(String::new());
    Ok(StackEditPage {
        ctx: ctx.page.clone(),
        org,
        action,
        stack_name: values.name,
        slug: values.slug,
        description: values.description,
        recognition: values.recognition,
        published: values.published,
        steps: steps.into_iter().enumerate().collect(),
        capstone: values.capstone,
        choices: items
            .iter()
            .filter(|a| a.status != AchievementStatus::Archived)
            .map(|a| (a.id.to_string(), a.title.clone()))
            .collect(),
        errors: errors.into(),
    })
}

fn stack_values(p: &Pairs) -> StackValues {
    StackValues {
        name: p.get("name").to_owned(),
        slug: p.get("slug").to_owned(),
        description: p.get("description").to_owned(),
        recognition: p.get("recognition").to_owned(),
        published: !p.get("published").is_empty(),
        steps: p.all("steps").into_iter().map(str::to_owned).collect(),
        capstone: p.get("capstone").to_owned(),
    }
}

async fn new_stack(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let values = StackValues {
        name: String::new(),
        slug: String::new(),
        description: String::new(),
        recognition: String::new(),
        published: false,
        steps: Vec::new(),
        capstone: String::new(),
    };
    let action = format!("/orgs/{org}/stacks/new");
    Ok(render(
        &stack_page(&state, &ctx, &org, action, values, FieldErrors::new()).await?,
    ))
}

async fn edit_stack(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (_, view) = state
        .app
        .stack(&org, &slug, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    let s = view.stack;
    let values = StackValues {
        name: s.name,
        slug: s.slug.clone(),
        description: s.description,
        recognition: s.recognition,
        published: s.published,
        steps: s.steps.iter().map(ToString::to_string).collect(),
        capstone: s.capstone_id.map(|c| c.to_string()).unwrap_or_default(),
    };
    let action = format!("/orgs/{org}/stacks/{}/edit", s.slug);
    Ok(render(
        &stack_page(&state, &ctx, &org, action, values, FieldErrors::new()).await?,
    ))
}

async fn submit_stack(
    state: &WebState,
    ctx: &Ctx,
    org: &str,
    id: Option<StackId>,
    action: String,
    p: &Pairs,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let steps: Vec<AchievementId> = p
        .all("steps")
        .into_iter()
        .filter_map(|s| uuid::Uuid::parse_str(s).ok().map(AchievementId))
        .collect();
    let capstone = uuid::Uuid::parse_str(p.get("capstone"))
        .ok()
        .map(AchievementId);
    let form = StackForm {
        name: p.get("name"),
        slug: p.get("slug"),
        description: p.get("description"),
        recognition: p.get("recognition"),
        steps,
        capstone,
        published: !p.get("published").is_empty(),
    };
    match state
        .app
        .save_stack(principal, org, id, form, &ctx.meta)
        .await
    {
        Ok(s) => Ok(Redirect::to(format!("/orgs/{org}/stacks/{}", s.slug))
            .success("The stack is saved.")
            .into_response_with(state)),
        Err(err) => {
            let (status, errors) = form_errors(ctx, err)?;
            let page = stack_page(state, ctx, org, action, stack_values(p), errors).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

async fn create_stack(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let action = format!("/orgs/{org}/stacks/new");
    submit_stack(&state, &ctx, &org, None, action, &p).await
}

async fn update_stack(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, slug)): Path<(String, String)>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (_, view) = state
        .app
        .stack(&org, &slug, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    let action = format!("/orgs/{org}/stacks/{slug}/edit");
    submit_stack(&state, &ctx, &org, Some(view.stack.id), action, &p).await
}

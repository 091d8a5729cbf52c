//! Organizations: the directory, creating one, the public profile page,
//! and the settings page (profile, logo, departments).

use super::Redirect;
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
use cairn_app::organizations::{DepartmentFields, LOGO_MAX_BYTES, NewOrganization};
use cairn_domain::FieldErrors;
use cairn_domain::organization::OrganizationProfileInput;
use cairn_domain::policy::{Action, can};
use cairn_store::organizations::{Department, Organization};
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs", get(list).post(create))
        .route("/orgs/new", get(new_form))
        .route("/orgs/{slug}", get(show))
        .route("/orgs/{slug}/logo", get(logo))
        .route("/orgs/{slug}/settings", get(settings).post(update))
        .route(
            "/orgs/{slug}/settings/logo",
            post(upload_logo).layer(DefaultBodyLimit::max(LOGO_MAX_BYTES + 64 * 1024)),
        )
        .route("/orgs/{slug}/departments", post(add_department))
        .route("/orgs/{slug}/departments/{dept}", post(update_department))
        .route(
            "/orgs/{slug}/departments/{dept}/remove",
            post(remove_department),
        )
}

const PER_PAGE: u64 = 24;

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    ctx: PageCtx,
    organizations: Vec<Organization>,
    page: u64,
    has_next: bool,
    can_create: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    page: Option<String>,
}

async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let page = q
        .page
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let (organizations, total) = state
        .app
        .organizations(page, PER_PAGE)
        .await
        .map_err(|e| ctx.err(e))?;
    let can_create = ctx
        .principal
        .as_ref()
        .is_some_and(|p| can(&p.actor, Action::CreateOrganization));
    Ok(render(&ListPage {
        ctx: ctx.page,
        organizations,
        page,
        has_next: page * PER_PAGE < total,
        can_create,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProfileForm {
    name: String,
    slug: String,
    website: String,
    contact_email: String,
    description: String,
}

impl ProfileForm {
    fn input(&self) -> OrganizationProfileInput<'_> {
        OrganizationProfileInput {
            name: &self.name,
            website: &self.website,
            contact_email: &self.contact_email,
            description: &self.description,
        }
    }

    fn from_org(org: &Organization) -> Self {
        Self {
            name: org.name.clone(),
            slug: org.slug.clone(),
            website: org.website.clone().unwrap_or_default(),
            contact_email: org.contact_email.clone().unwrap_or_default(),
            description: org.description.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "orgs/new.html")]
struct NewPage {
    ctx: PageCtx,
    form: ProfileForm,
    errors: FormErrors,
}

async fn new_form(ctx: Ctx) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    cairn_domain::policy::authorize(&principal.actor, Action::CreateOrganization)
        .map_err(|e| ctx.err(e.into()))?;
    Ok(render(&NewPage {
        ctx: ctx.page,
        form: ProfileForm::default(),
        errors: FormErrors::default(),
    }))
}

async fn create(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state
        .app
        .create_organization(
            principal,
            NewOrganization {
                slug: &form.slug,
                profile: form.input(),
            },
            &ctx.meta,
        )
        .await
    {
        Ok(org) => Ok(Redirect::to(format!("/orgs/{}/settings", org.slug))
            .success(format!(
                "{} is created. You are its administrator.",
                org.name
            ))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = super::form_errors(&ctx, err)?;
            Ok((
                status,
                render(&NewPage {
                    ctx: ctx.page,
                    form,
                    errors: errors.into(),
                }),
            )
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "orgs/show.html")]
struct ShowPage {
    ctx: PageCtx,
    org: Organization,
    departments: Vec<Department>,
    is_admin: bool,
    /// Whether the viewer has a review queue here.
    reviews: bool,
    catalog: cairn_app::catalog::OrganizationCatalog,
}

impl ShowPage {
    fn hours(&self, hundredths: &u32) -> String {
        super::catalog::hours(*hundredths)
    }
    fn thumb(&self, a: &cairn_store::achievements::Achievement) -> Option<String> {
        super::catalog::image_url(a.id, a.image.png_key.as_deref(), "png")
    }
}

async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let view = state
        .app
        .organization(&slug, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    let is_admin = ctx
        .principal
        .as_ref()
        .is_some_and(|p| can(&p.actor, Action::UpdateOrganization { roles: view.roles }));
    let reviews = ctx
        .principal
        .as_ref()
        .is_some_and(|p| can(&p.actor, Action::OpenReviewQueue { roles: view.roles }));
    let catalog = state
        .app
        .organization_catalog(&slug, ctx.principal.as_ref())
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&ShowPage {
        ctx: ctx.page,
        org: view.organization,
        departments: view.departments,
        is_admin,
        reviews,
        catalog,
    }))
}

async fn logo(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let (bytes, content_type) = state
        .app
        .organization_logo(&slug)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "orgs/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    org: Organization,
    form: ProfileForm,
    departments: Vec<Department>,
    errors: FormErrors,
    dept_name: String,
    dept_slug: String,
    dept_description: String,
}

async fn settings_page(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    form: Option<ProfileForm>,
    errors: FormErrors,
) -> Result<SettingsPage, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .organization(slug, Some(principal))
        .await
        .map_err(|e| ctx.err(e))?;
    cairn_domain::policy::authorize(
        &principal.actor,
        Action::ViewOrganizationSettings { roles: view.roles },
    )
    .map_err(|e| ctx.err(e.into()))?;
    Ok(SettingsPage {
        ctx: ctx.page.clone(),
        form: form.unwrap_or_else(|| ProfileForm::from_org(&view.organization)),
        org: view.organization,
        departments: view.departments,
        errors,
        dept_name: String::new(),
        dept_slug: String::new(),
        dept_description: String::new(),
    })
}

async fn settings(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &settings_page(&state, &ctx, &slug, None, FormErrors::default()).await?,
    ))
}

async fn update(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state
        .app
        .update_organization(principal, &slug, form.input(), &ctx.meta)
        .await
    {
        Ok(org) => Ok(Redirect::to(format!("/orgs/{}/settings", org.slug))
            .success("The profile is saved.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = super::form_errors(&ctx, err)?;
            Ok((
                status,
                render(&settings_page(&state, &ctx, &slug, Some(form), errors.into()).await?),
            )
                .into_response())
        }
    }
}

async fn upload_logo(
    State(state): State<WebState>,
    ctx: Ctx,
    Extension(cookie): Extension<CsrfCookie>,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let mut csrf = None;
    let mut bytes = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                let message = if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "The logo is larger than 1 MB; use a smaller image."
                } else {
                    "The upload was interrupted; please try again."
                };
                return upload_failure(&state, &ctx, &slug, message).await;
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("logo") => match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => {
                    return upload_failure(
                        &state,
                        &ctx,
                        &slug,
                        "The logo is larger than 1 MB; use a smaller image.",
                    )
                    .await;
                }
            },
            _ => {}
        }
    }
    if !csrf_ok(&state, &cookie.0, csrf.as_deref()) {
        return Ok(form_expired());
    }
    match state
        .app
        .set_organization_logo(principal, &slug, &bytes, &ctx.meta)
        .await
    {
        Ok(()) => Ok(Redirect::to(format!("/orgs/{slug}/settings"))
            .success("The logo is saved.")
            .into_response_with(&state)),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&settings_page(&state, &ctx, &slug, None, errors.into()).await?),
        )
            .into_response()),
        Err(err) => Err(ctx.err(err)),
    }
}

async fn upload_failure(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    message: &str,
) -> Result<Response, PageError> {
    let errors = FieldErrors::single("logo", message);
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&settings_page(state, ctx, slug, None, errors.into()).await?),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DepartmentForm {
    #[serde(alias = "dept_name")]
    name: String,
    #[serde(alias = "dept_slug")]
    slug: String,
    #[serde(alias = "dept_description")]
    description: String,
}

impl DepartmentForm {
    fn fields(&self) -> DepartmentFields<'_> {
        DepartmentFields {
            name: &self.name,
            slug: &self.slug,
            description: &self.description,
        }
    }
}

async fn department_failure(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    form: DepartmentForm,
    err: AppError,
) -> Result<Response, PageError> {
    let (status, errors) = super::form_errors(ctx, err)?;
    let errors: FieldErrors = {
        let mut prefixed = FieldErrors::new();
        for e in errors.iter() {
            prefixed.add(&format!("dept_{}", e.field), e.message.clone());
        }
        prefixed
    };
    let mut page = settings_page(state, ctx, slug, None, errors.into()).await?;
    page.dept_name = form.name;
    page.dept_slug = form.slug;
    page.dept_description = form.description;
    Ok((status, render(&page)).into_response())
}

async fn add_department(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DepartmentForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state
        .app
        .add_department(principal, &slug, form.fields(), &ctx.meta)
        .await
    {
        Ok(dept) => Ok(Redirect::to(format!("/orgs/{slug}/settings#departments"))
            .success(format!("{} is added.", dept.name))
            .into_response_with(&state)),
        Err(err) => department_failure(&state, &ctx, &slug, form, err).await,
    }
}

async fn update_department(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, dept)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DepartmentForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state
        .app
        .update_department(principal, &slug, &dept, form.fields(), &ctx.meta)
        .await
    {
        Ok(d) => Ok(Redirect::to(format!("/orgs/{slug}/settings#departments"))
            .success(format!("{} is saved.", d.name))
            .into_response_with(&state)),
        Err(err) => department_failure(&state, &ctx, &slug, form, err).await,
    }
}

async fn remove_department(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, dept)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<DepartmentForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    state
        .app
        .remove_department(principal, &slug, &dept, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/orgs/{slug}/settings#departments"))
        .success("The department is removed.")
        .into_response_with(&state))
}

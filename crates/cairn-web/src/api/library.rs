//! An organization's authoring library under `/api/v1/organizations/{slug}`:
//! its level scale, rubric and requirement templates, and stacks.

use super::achievements::principal;
use super::authoring_dto::{
    LevelDto, LevelInputDto, RequirementBodyDto, RubricBodyDto, StackDetailDto, StackDto,
    StackInputDto, TemplateDto, TemplateInputDto, TemplateKindDto, parse_rubric,
};
use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cairn_app::AppError;
use cairn_app::library::StackForm;
use cairn_domain::{AchievementId, FieldErrors, LevelId, TemplateId};
use cairn_store::templates::TemplateBody;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The level scale, lowest first (public).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/levels", tag = "library", params(("slug" = String, Path)),
    security(()), responses((status = 200, body = [LevelDto]), (status = 404, body = ErrorBody)))]
pub(super) async fn levels(
    State(state): State<WebState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<LevelDto>>, ApiError> {
    let (_, levels) = state.app.levels(&slug).await?;
    Ok(Json(levels.into_iter().map(Into::into).collect()))
}

/// Replaces the level scale (administrators): rows lowest first; a row
/// with an `id` renames that level and keeps its micro-credentials; a
/// level left out is removed, unless it is in use.
#[utoipa::path(put, path = "/api/v1/organizations/{slug}/levels", tag = "library", params(("slug" = String, Path)),
    request_body = [LevelInputDto],
    responses((status = 200, body = [LevelDto]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_levels(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Vec<LevelInputDto>>,
) -> Result<Json<Vec<LevelDto>>, ApiError> {
    let rows: Vec<(Option<LevelId>, &str)> = body
        .iter()
        .map(|r| (r.id.map(LevelId), r.name.as_str()))
        .collect();
    let levels = state
        .app
        .set_levels(&auth.principal, &slug, &rows, &auth.meta)
        .await?;
    Ok(Json(levels.into_iter().map(Into::into).collect()))
}

/// The organization's templates (its staff).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/templates", tag = "library", params(("slug" = String, Path)),
    responses((status = 200, body = [TemplateDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn templates(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<TemplateDto>>, ApiError> {
    let (_, list) = state.app.templates(&auth.principal, &slug).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

fn body_as<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, FieldErrors> {
    serde_json::from_value(value).map_err(|e| {
        FieldErrors::single(
            "body",
            format!("The body does not fit the template's kind: {e}"),
        )
    })
}

fn template_body(input: TemplateInputDto) -> Result<TemplateBody, FieldErrors> {
    match input.kind {
        TemplateKindDto::Rubric => {
            let r: RubricBodyDto = body_as(input.body)?;
            let rubric = parse_rubric(&r.levels, &r.criteria, &r.rule).map_err(|errors| {
                let mut named = FieldErrors::new();
                for e in errors.iter() {
                    named.add(&format!("body.{}", e.field), e.message.clone());
                }
                named
            })?;
            Ok(TemplateBody::Rubric(rubric))
        }
        TemplateKindDto::Requirement => {
            let r: RequirementBodyDto = body_as(input.body)?;
            Ok(TemplateBody::Requirement(r.parse()?))
        }
    }
}

fn template_id(text: &str) -> Result<TemplateId, ApiError> {
    Uuid::parse_str(text)
        .map(TemplateId)
        .map_err(|_| AppError::not_found("The template").into())
}

async fn save_template(
    state: &WebState,
    auth: &ApiAuth,
    slug: &str,
    id: Option<TemplateId>,
    input: TemplateInputDto,
) -> Result<TemplateDto, ApiError> {
    let name = input.name.clone();
    let description = input.description.clone();
    let body = template_body(input).map_err(AppError::Invalid)?;
    let saved = state
        .app
        .save_template(
            &auth.principal,
            slug,
            id,
            &name,
            &description,
            body,
            &auth.meta,
        )
        .await?;
    Ok(saved.into())
}

/// Adds a rubric or requirement template (authors and administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/templates", tag = "library", params(("slug" = String, Path)),
    request_body = TemplateInputDto,
    responses((status = 201, body = TemplateDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn create_template(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<TemplateInputDto>,
) -> Result<(StatusCode, Json<TemplateDto>), ApiError> {
    let saved = save_template(&state, &auth, &slug, None, body).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Changes a template; it keeps its kind. Micro-credentials made from it
/// keep their copy.
#[utoipa::path(put, path = "/api/v1/organizations/{slug}/templates/{id}", tag = "library",
    params(("slug" = String, Path), ("id" = Uuid, Path)), request_body = TemplateInputDto,
    responses((status = 200, body = TemplateDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update_template(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<TemplateInputDto>,
) -> Result<Json<TemplateDto>, ApiError> {
    let id = template_id(&id)?;
    Ok(Json(
        save_template(&state, &auth, &slug, Some(id), body).await?,
    ))
}

/// Removes a template.
#[utoipa::path(delete, path = "/api/v1/organizations/{slug}/templates/{id}", tag = "library",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_template(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = template_id(&id)?;
    state
        .app
        .delete_template(&auth.principal, &slug, id, &auth.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's stacks: published ones, and drafts for its staff.
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/stacks", tag = "library", params(("slug" = String, Path)),
    security((), ("bearer" = [])),
    responses((status = 200, body = [StackDto]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn stacks(
    State(state): State<WebState>,
    auth: Option<ApiAuth>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<StackDto>>, ApiError> {
    let catalog = state
        .app
        .organization_catalog(&slug, principal(auth.as_ref()))
        .await?;
    Ok(Json(catalog.stacks.into_iter().map(Into::into).collect()))
}

fn stack_form<'a>(body: &'a StackInputDto, slug: &'a str) -> StackForm<'a> {
    StackForm {
        name: &body.name,
        slug,
        description: &body.description,
        recognition: &body.recognition,
        steps: body.steps.iter().copied().map(AchievementId).collect(),
        capstone: body.capstone_id.map(AchievementId),
        published: body.published,
    }
}

async fn stack_detail(
    state: &WebState,
    org: &str,
    slug: &str,
    auth: &ApiAuth,
) -> Result<StackDetailDto, ApiError> {
    let (_, view) = state.app.stack(org, slug, Some(&auth.principal)).await?;
    Ok(view.into())
}

/// Adds a stack (authors and administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/stacks", tag = "library", params(("slug" = String, Path)),
    request_body = StackInputDto,
    responses((status = 201, body = StackDetailDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn create_stack(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<StackInputDto>,
) -> Result<(StatusCode, Json<StackDetailDto>), ApiError> {
    let form = stack_form(&body, body.slug.as_deref().unwrap_or_default());
    let saved = state
        .app
        .save_stack(&auth.principal, &slug, None, form, &auth.meta)
        .await?;
    let dto = stack_detail(&state, &slug, &saved.slug, &auth).await?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// One stack with its micro-credentials; drafts for the staff only.
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/stacks/{stack}", tag = "library",
    params(("slug" = String, Path), ("stack" = String, Path)), security((), ("bearer" = [])),
    responses((status = 200, body = StackDetailDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn stack(
    State(state): State<WebState>,
    auth: Option<ApiAuth>,
    Path((slug, stack)): Path<(String, String)>,
) -> Result<Json<StackDetailDto>, ApiError> {
    let (_, view) = state
        .app
        .stack(&slug, &stack, principal(auth.as_ref()))
        .await?;
    Ok(Json(view.into()))
}

/// Replaces a stack (authors and administrators); the slug is kept unless
/// a new one is given.
#[utoipa::path(put, path = "/api/v1/organizations/{slug}/stacks/{stack}", tag = "library",
    params(("slug" = String, Path), ("stack" = String, Path)), request_body = StackInputDto,
    responses((status = 200, body = StackDetailDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update_stack(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, stack)): Path<(String, String)>,
    ApiJson(body): ApiJson<StackInputDto>,
) -> Result<Json<StackDetailDto>, ApiError> {
    let (_, current) = state
        .app
        .stack(&slug, &stack, Some(&auth.principal))
        .await?;
    let form = stack_form(&body, body.slug.as_deref().unwrap_or(&current.stack.slug));
    let saved = state
        .app
        .save_stack(
            &auth.principal,
            &slug,
            Some(current.stack.id),
            form,
            &auth.meta,
        )
        .await?;
    Ok(Json(stack_detail(&state, &slug, &saved.slug, &auth).await?))
}

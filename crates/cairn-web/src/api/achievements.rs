//! `/api/v1/catalog`, `/api/v1/achievements` and an organization's
//! micro-credentials: search, authoring (details, rubric, requirements,
//! prerequisites, life cycle), versions, badge images and import.

use super::authoring_dto::{
    AchievementDetailsDto, AchievementDto, AchievementSummaryDto, CatalogItemDto, CatalogPageDto,
    DetailsText, ImageUploadDto, ImportDto, NewAchievementDto, PrerequisitesInputDto,
    RequirementsInputDto, RubricInputDto, VersionDto, parse_requirement, parse_rubric,
};
use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson, ApiQuery};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use cairn_app::AppError;
use cairn_app::accounts::Principal;
use cairn_app::achievements::{AchievementView, Change, DetailsForm};
use cairn_app::catalog::{CatalogSearch, PER_PAGE};
use cairn_app::images::BADGE_MAX_BYTES;
use cairn_domain::achievement::AchievementStatus;
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::policy::{Action, authorize};
use cairn_domain::{AchievementId, DepartmentId, FieldErrors, LevelId, TemplateId};
use cairn_media::design::Design;
use cairn_store::Repos;
use cairn_store::achievements::SourcedRequirement;
use cairn_store::templates::TemplateBody;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use uuid::Uuid;

/// The largest image or document body accepted (the limit plus room for
/// the request's own framing).
pub(super) const UPLOAD_BODY_LIMIT: usize = BADGE_MAX_BYTES + 64 * 1024;

/// Endpoints that answer visitors too: the caller when there is one. A
/// bearer token that is not valid is still refused.
impl OptionalFromRequestParts<WebState> for ApiAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Option<Self>, Self::Rejection> {
        let sent_token = parts.headers.contains_key(header::AUTHORIZATION);
        match <ApiAuth as FromRequestParts<WebState>>::from_request_parts(parts, state).await {
            Ok(auth) => Ok(Some(auth)),
            Err(e) if !sent_token && e.status == StatusCode::UNAUTHORIZED => Ok(None),
            Err(e) => Err(e),
        }
    }
}

pub(super) fn principal(auth: Option<&ApiAuth>) -> Option<&Principal> {
    auth.map(|a| &a.principal)
}

/// An id from a path; anything else is "not found".
pub(super) fn achievement_id(text: &str) -> Result<AchievementId, ApiError> {
    Uuid::parse_str(text)
        .map(AchievementId)
        .map_err(|_| AppError::not_found("The micro-credential").into())
}

fn invalid(errors: FieldErrors) -> ApiError {
    AppError::Invalid(errors).into()
}

/// Catalog filters; all optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(super) struct CatalogParams {
    /// Words to look for in titles, summaries and tags.
    q: Option<String>,
    /// An organization's slug.
    organization: Option<String>,
    /// A department's slug (with `organization`).
    department: Option<String>,
    /// A level name.
    level: Option<String>,
    tag: Option<String>,
    /// Credit hours at least (e.g. `2` or `2.5`).
    min_hours: Option<String>,
    /// Credit hours at most.
    max_hours: Option<String>,
    /// `free` or `paid`.
    price: Option<String>,
    /// `title` (default), `newest` or `popular`.
    sort: Option<String>,
    /// From 1.
    page: Option<u64>,
}

/// Searches published micro-credentials across organizations (public).
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", params(CatalogParams), security(()),
    responses((status = 200, body = CatalogPageDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn catalog(
    State(state): State<WebState>,
    ApiQuery(params): ApiQuery<CatalogParams>,
) -> Result<Json<CatalogPageDto>, ApiError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (q, organization, department, level, tag) = (
        text(&params.q),
        text(&params.organization),
        text(&params.department),
        text(&params.level),
        text(&params.tag),
    );
    let (min_hours, max_hours, price, sort) = (
        text(&params.min_hours),
        text(&params.max_hours),
        text(&params.price),
        text(&params.sort),
    );
    let results = state
        .app
        .catalog(&CatalogSearch {
            q: &q,
            organization: &organization,
            department: &department,
            level: &level,
            tag: &tag,
            min_hours: &min_hours,
            max_hours: &max_hours,
            price: &price,
            sort: &sort,
            page: params.page.unwrap_or(1),
        })
        .await?;
    Ok(Json(CatalogPageDto {
        items: results
            .entries
            .into_iter()
            .map(CatalogItemDto::from)
            .collect(),
        total: results.total,
        page: results.page,
        pages: results.pages,
        per_page: PER_PAGE,
    }))
}

/// An organization's micro-credentials: every status for its staff,
/// published ones for everyone else.
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/achievements", tag = "micro-credentials",
    params(("slug" = String, Path)), security((), ("bearer" = [])),
    responses((status = 200, body = [AchievementSummaryDto]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<WebState>,
    auth: Option<ApiAuth>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<AchievementSummaryDto>>, ApiError> {
    let org = state.app.organization(&slug, None).await?;
    let staff_list = match &auth {
        Some(auth) => match state.app.authoring_list(&auth.principal, &slug).await {
            Ok((_, _, list)) => Some(list),
            Err(AppError::Forbidden(_)) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let list = match staff_list {
        Some(list) => list,
        None => state
            .app
            .store()
            .achievements()
            .list_for_organization(org.organization.id, &[AchievementStatus::Published])
            .await
            .map_err(AppError::from)?,
    };
    let (_, levels) = state.app.levels(&slug).await?;
    let level_names: HashMap<LevelId, String> =
        levels.into_iter().map(|l| (l.id, l.name)).collect();
    let department_slugs: HashMap<DepartmentId, String> = org
        .departments
        .into_iter()
        .map(|d| (d.id, d.slug))
        .collect();
    Ok(Json(
        list.into_iter()
            .map(|a| {
                let department = a
                    .department_id
                    .and_then(|d| department_slugs.get(&d).cloned());
                let level = a.level_id.and_then(|l| level_names.get(&l).cloned());
                AchievementSummaryDto::new(a, &org.organization.slug, department, level)
            })
            .collect(),
    ))
}

/// Department and level of a details body, as ids. A name that matches
/// nothing becomes an id that matches nothing, so the use case reports it
/// on its field after checking the caller may author.
async fn placement(
    state: &WebState,
    org_slug: &str,
    department: Option<&str>,
    level: Option<&str>,
) -> Result<(Option<DepartmentId>, Option<LevelId>), ApiError> {
    let department = match department.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(wanted) => {
            let org = state.app.organization(org_slug, None).await?;
            Some(
                org.departments
                    .iter()
                    .find(|d| d.slug == wanted)
                    .map_or(DepartmentId(Uuid::nil()), |d| d.id),
            )
        }
    };
    let level = match level.map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(wanted) => {
            let (_, levels) = state.app.levels(org_slug).await?;
            let by_id = Uuid::parse_str(wanted).ok();
            Some(
                levels
                    .iter()
                    .find(|l| Some(l.id.0) == by_id || l.name.eq_ignore_ascii_case(wanted))
                    .map_or(LevelId(Uuid::nil()), |l| l.id),
            )
        }
    };
    Ok((department, level))
}

async fn view(
    state: &WebState,
    id: AchievementId,
    viewer: Option<&Principal>,
) -> Result<AchievementView, ApiError> {
    Ok(state.app.achievement_view_by_id(id, None, viewer).await?)
}

async fn detail(
    state: &WebState,
    id: AchievementId,
    viewer: &Principal,
) -> Result<Json<AchievementDto>, ApiError> {
    Ok(Json(view(state, id, Some(viewer)).await?.into()))
}

/// Creates a draft (authors and administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/achievements", tag = "micro-credentials",
    params(("slug" = String, Path)), request_body = NewAchievementDto,
    responses((status = 201, body = AchievementDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewAchievementDto>,
) -> Result<(StatusCode, Json<AchievementDto>), ApiError> {
    let text = DetailsText::of_new(&body).map_err(invalid)?;
    let (department, level) = placement(
        &state,
        &slug,
        body.department.as_deref(),
        body.level.as_deref(),
    )
    .await?;
    let form = DetailsForm {
        fields: text.input(),
        slug: body.slug.as_deref().unwrap_or_default(),
        department,
        level,
    };
    let created = state
        .app
        .create_achievement(&auth.principal, &slug, form, &auth.meta)
        .await?;
    let dto = detail(&state, created.id, &auth.principal).await?;
    Ok((StatusCode::CREATED, dto))
}

/// Which version to show.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(super) struct VersionParams {
    /// A version number; the current version when omitted.
    version: Option<u32>,
}

/// One micro-credential with its rubric, requirements, prerequisites and
/// stacks. Drafts are shown to the organization's staff only.
#[utoipa::path(get, path = "/api/v1/achievements/{id}", tag = "micro-credentials",
    params(("id" = Uuid, Path), VersionParams), security((), ("bearer" = [])),
    responses((status = 200, body = AchievementDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<WebState>,
    auth: Option<ApiAuth>,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<VersionParams>,
) -> Result<Json<AchievementDto>, ApiError> {
    let id = achievement_id(&id)?;
    let v = state
        .app
        .achievement_view_by_id(id, params.version, principal(auth.as_ref()))
        .await?;
    Ok(Json(v.into()))
}

/// Loads a micro-credential for a change, refusing early (with the
/// policy's reason) who may not edit it, before the body is checked.
async fn editable(state: &WebState, id: &str, auth: &ApiAuth) -> Result<AchievementView, ApiError> {
    let v = view(state, achievement_id(id)?, Some(&auth.principal)).await?;
    if !v.can_edit {
        authorize(
            &auth.principal.actor,
            Action::AuthorAchievements { roles: v.roles },
        )
        .map_err(AppError::from)?;
    }
    Ok(v)
}

/// Replaces the details. On a published micro-credential a change to the
/// criteria or instructions makes a new version.
#[utoipa::path(put, path = "/api/v1/achievements/{id}", tag = "micro-credentials",
    params(("id" = Uuid, Path)), request_body = AchievementDetailsDto,
    responses((status = 200, body = AchievementDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Someone saved a change since `lock_version`", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AchievementDetailsDto>,
) -> Result<Json<AchievementDto>, ApiError> {
    let v = editable(&state, &id, &auth).await?;
    let text = DetailsText::of_edit(&body).map_err(invalid)?;
    let org = v.organization.slug.clone();
    let (department, level) = placement(
        &state,
        &org,
        body.department.as_deref(),
        body.level.as_deref(),
    )
    .await?;
    let form = DetailsForm {
        fields: text.input(),
        slug: "",
        department,
        level,
    };
    let id = v.achievement.id;
    state
        .app
        .save_achievement(
            &auth.principal,
            id,
            body.lock_version,
            Change::Details(form),
            &auth.meta,
        )
        .await?;
    detail(&state, id, &auth.principal).await
}

/// A template's body, checked to belong to the micro-credential's
/// organization; a missing one is reported on `field`.
async fn template(
    state: &WebState,
    v: &AchievementView,
    id: Uuid,
    field: &str,
) -> Result<TemplateBody, ApiError> {
    match state
        .app
        .template_body(v.organization.id, TemplateId(id))
        .await
    {
        Ok(body) => Ok(body),
        Err(AppError::NotFound(_)) => {
            Err(AppError::invalid(field, "There is no such template in this organization.").into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets the rubric, from its parts or from a rubric template.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/rubric", tag = "micro-credentials",
    params(("id" = Uuid, Path)), request_body = RubricInputDto,
    responses((status = 200, body = AchievementDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "Problems named by field: `levels[0].name`, `criteria[1].descriptors`, …", body = ErrorBody)))]
pub(super) async fn set_rubric(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RubricInputDto>,
) -> Result<Json<AchievementDto>, ApiError> {
    let v = editable(&state, &id, &auth).await?;
    let rubric = match (&body.levels, &body.criteria, &body.rule, body.template_id) {
        (None, None, None, Some(t)) => match template(&state, &v, t, "template_id").await? {
            TemplateBody::Rubric(r) => r,
            TemplateBody::Requirement(_) => {
                return Err(AppError::invalid(
                    "template_id",
                    "This template is a requirement, not a rubric.",
                )
                .into());
            }
        },
        (levels, criteria, Some(rule), template_id) => {
            if let Some(t) = template_id {
                template(&state, &v, t, "template_id").await?;
            }
            let empty_levels = Vec::new();
            let empty_criteria = Vec::new();
            parse_rubric(
                levels.as_ref().unwrap_or(&empty_levels),
                criteria.as_ref().unwrap_or(&empty_criteria),
                rule,
            )
            .map_err(invalid)?
        }
        (_, _, None, _) => {
            return Err(AppError::invalid(
                "rule",
                "Choose how a submission passes, or name a rubric template.",
            )
            .into());
        }
    };
    let id = v.achievement.id;
    state
        .app
        .save_achievement(
            &auth.principal,
            id,
            body.lock_version,
            Change::Rubric(Some(rubric), body.template_id.map(TemplateId)),
            &auth.meta,
        )
        .await?;
    detail(&state, id, &auth.principal).await
}

/// Replaces the evidence requirements, in order.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/requirements", tag = "micro-credentials",
    params(("id" = Uuid, Path)), request_body = RequirementsInputDto,
    responses((status = 200, body = AchievementDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "Problems named by field: `requirements[0].kinds`, …", body = ErrorBody)))]
pub(super) async fn set_requirements(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RequirementsInputDto>,
) -> Result<Json<AchievementDto>, ApiError> {
    let v = editable(&state, &id, &auth).await?;
    let mut errors = FieldErrors::new();
    let mut list = Vec::with_capacity(body.requirements.len());
    for (i, r) in body.requirements.iter().enumerate() {
        let prefix = format!("requirements[{i}].");
        if let Some(t) = r.template_only() {
            match template(&state, &v, t, &format!("{prefix}template_id")).await? {
                TemplateBody::Requirement(requirement) => list.push(SourcedRequirement {
                    requirement,
                    template_id: Some(TemplateId(t)),
                }),
                TemplateBody::Rubric(_) => errors.add(
                    &format!("{prefix}template_id"),
                    "This template is a rubric, not a requirement.",
                ),
            }
            continue;
        }
        if let Some(t) = r.template_id {
            template(&state, &v, t, &format!("{prefix}template_id")).await?;
        }
        match parse_requirement(
            r.prompt.as_deref().unwrap_or_default(),
            r.guidance.as_deref().unwrap_or_default(),
            r.kinds.as_deref().unwrap_or_default(),
            r.min_count,
            r.checklist.as_deref().unwrap_or_default(),
            &prefix,
        ) {
            Ok(requirement) => list.push(SourcedRequirement {
                requirement,
                template_id: r.template_id.map(TemplateId),
            }),
            Err(more) => {
                for e in more.iter() {
                    errors.add(&e.field, e.message.clone());
                }
            }
        }
    }
    errors.into_result().map_err(invalid)?;
    let id = v.achievement.id;
    state
        .app
        .save_achievement(
            &auth.principal,
            id,
            body.lock_version,
            Change::Requirements(list),
            &auth.meta,
        )
        .await?;
    detail(&state, id, &auth.principal).await
}

/// Sets the prerequisites, or clears them with `null`. A rule that would
/// make a circle is refused, naming the micro-credentials in it.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/prerequisites", tag = "micro-credentials",
    params(("id" = Uuid, Path)), request_body(content = Option<PrerequisitesInputDto>, description = "The rule, or `null` for none"),
    responses((status = 200, body = AchievementDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_prerequisites(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<PrerequisitesInputDto>>,
) -> Result<Json<AchievementDto>, ApiError> {
    let v = editable(&state, &id, &auth).await?;
    let rule = match body {
        None => None,
        Some(p) => {
            let ids: Vec<AchievementId> = p.achievements.into_iter().map(AchievementId).collect();
            Some(match (p.rule.as_str(), p.count) {
                ("all", None) => Prerequisite::AllOf(ids),
                ("at_least", Some(n)) => Prerequisite::AtLeast(n, ids),
                ("at_least", None) => {
                    return Err(
                        AppError::invalid("count", "Say how many of them are needed.").into(),
                    );
                }
                ("all", Some(_)) => {
                    return Err(AppError::invalid(
                        "count",
                        "A count goes with the rule `at_least`.",
                    )
                    .into());
                }
                _ => {
                    return Err(AppError::invalid("rule", "Choose `all` or `at_least`.").into());
                }
            })
        }
    };
    let id = v.achievement.id;
    state
        .app
        .set_prerequisites(&auth.principal, id, rule, &auth.meta)
        .await?;
    detail(&state, id, &auth.principal).await
}

/// Publishes a draft (or brings back an archived one); it needs a rubric,
/// a requirement and an image.
#[utoipa::path(post, path = "/api/v1/achievements/{id}/publish", tag = "micro-credentials", params(("id" = Uuid, Path)),
    responses((status = 200, body = AchievementDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "What is missing before publishing", body = ErrorBody)))]
pub(super) async fn publish(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<AchievementDto>, ApiError> {
    let id = achievement_id(&id)?;
    state
        .app
        .publish_achievement(&auth.principal, id, &auth.meta)
        .await?;
    detail(&state, id, &auth.principal).await
}

/// Takes a published micro-credential out of the catalog.
#[utoipa::path(post, path = "/api/v1/achievements/{id}/archive", tag = "micro-credentials", params(("id" = Uuid, Path)),
    responses((status = 200, body = AchievementDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn archive(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<AchievementDto>, ApiError> {
    let id = achievement_id(&id)?;
    state
        .app
        .archive_achievement(&auth.principal, id, &auth.meta)
        .await?;
    detail(&state, id, &auth.principal).await
}

/// Deletes a draft that was never published.
#[utoipa::path(delete, path = "/api/v1/achievements/{id}", tag = "micro-credentials", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn remove(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = achievement_id(&id)?;
    state
        .app
        .delete_achievement(&auth.principal, id, &auth.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every version of what earning it means, newest first.
#[utoipa::path(get, path = "/api/v1/achievements/{id}/versions", tag = "micro-credentials",
    params(("id" = Uuid, Path)), security((), ("bearer" = [])),
    responses((status = 200, body = [VersionDto]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn versions(
    State(state): State<WebState>,
    auth: Option<ApiAuth>,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionDto>>, ApiError> {
    let v = view(&state, achievement_id(&id)?, principal(auth.as_ref())).await?;
    let current = v.achievement.version_number;
    let mut list = state
        .app
        .store()
        .achievements()
        .versions(v.achievement.id)
        .await
        .map_err(AppError::from)?;
    list.sort_by_key(|v| std::cmp::Reverse(v.number));
    Ok(Json(
        list.iter().map(|x| VersionDto::new(x, current)).collect(),
    ))
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn too_large(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("The {what} is larger than 1 MB; send a smaller one."),
    )
}

/// Replaces the badge image with a PNG or SVG sent as the body. An SVG is
/// made safe first; `removed` says what was taken out.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/image", tag = "micro-credentials", params(("id" = Uuid, Path)),
    request_body(description = "The image itself, at most 1 MB", content(("image/png"), ("image/svg+xml"))),
    responses((status = 200, body = ImageUploadDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn upload_image(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImageUploadDto>, ApiError> {
    let id = achievement_id(&id)?;
    let png = match media_type(&headers).as_str() {
        "image/png" => true,
        "image/svg+xml" => false,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the image with `Content-Type: image/png` or `image/svg+xml`.",
            ));
        }
    };
    let bytes = body.map_err(|_| too_large("image"))?;
    if bytes.len() > BADGE_MAX_BYTES {
        return Err(too_large("image"));
    }
    if png != bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(AppError::invalid(
            "image",
            if png {
                "The body is not a PNG image."
            } else {
                "The body is a PNG image, not an SVG; send it as image/png."
            },
        )
        .into());
    }
    let outcome = state
        .app
        .upload_badge_image(&auth.principal, id, &bytes, &auth.meta)
        .await?;
    let achievement = detail(&state, outcome.achievement.id, &auth.principal)
        .await?
        .0;
    Ok(Json(ImageUploadDto {
        achievement,
        removed: outcome.removed,
    }))
}

/// Makes the badge image from a design (shape, colours, border, icon,
/// title, ribbon); omitted settings take the designer's defaults.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/design", tag = "micro-credentials", params(("id" = Uuid, Path)),
    request_body(content = Object, description = "The designer's settings: `shape`, `fill`, `accent`, `border` {`width`, `colour`}, `icon`, `title`, `ribbon`", content_type = "application/json"),
    responses((status = 200, body = AchievementDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn design(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Design>,
) -> Result<Json<AchievementDto>, ApiError> {
    let id = achievement_id(&id)?;
    state
        .app
        .design_badge_image(&auth.principal, id, &body, &auth.meta)
        .await?;
    detail(&state, id, &auth.principal).await
}

/// Creates a draft from an Open Badges 2.0 BadgeClass or an Open Badges 3.0
/// Achievement (JSON, at most 1 MB); `notes` say what to review.
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/achievements/import", tag = "micro-credentials",
    params(("slug" = String, Path)),
    request_body(content = Object, description = "The BadgeClass or Achievement document", content_type = "application/json"),
    responses((status = 201, body = ImportDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn import(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportDto>), ApiError> {
    let media = media_type(&headers);
    if !(media == "application/json" || media == "application/ld+json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the document as JSON with `Content-Type: application/json`.",
        ));
    }
    let bytes = body.map_err(|_| too_large("document"))?;
    if bytes.len() > BADGE_MAX_BYTES {
        return Err(too_large("document"));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("The body is not valid JSON: {e}"),
        ));
    }
    let outcome = state
        .app
        .import_achievement(&auth.principal, &slug, &bytes, &auth.meta)
        .await?;
    let achievement = detail(&state, outcome.achievement.id, &auth.principal)
        .await?
        .0;
    Ok((
        StatusCode::CREATED,
        Json(ImportDto {
            achievement,
            notes: outcome.notes,
        }),
    ))
}

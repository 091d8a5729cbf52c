//! `/api/v1/organizations`: organizations, departments, members, invitations.

use super::dto::{
    DepartmentDto, InvitationDto, MembersDto, NewDepartmentDto, NewInvitationDto,
    NewOrganizationDto, OrganizationDetailDto, OrganizationDto, OrganizationPageDto,
    OrganizationPatchDto,
};
use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cairn_app::organizations::{DepartmentFields, NewOrganization};
use cairn_domain::organization::OrganizationProfileInput;
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PageParams {
    /// From 1.
    page: Option<u64>,
    /// 1–100, default 25.
    per_page: Option<u64>,
}

/// Organizations, by name (public).
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", params(PageParams),
    responses((status = 200, body = OrganizationPageDto)))]
pub(super) async fn list(
    State(state): State<WebState>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<OrganizationPageDto>, ApiError> {
    let page = params.page.unwrap_or(1).max(1);
    let per_page = params.per_page.unwrap_or(25).clamp(1, 100);
    let (items, total) = state.app.organizations(page, per_page).await?;
    Ok(Json(OrganizationPageDto {
        items: items.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

/// Creates an organization; the caller becomes its administrator.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = NewOrganizationDto,
    responses((status = 201, body = OrganizationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewOrganizationDto>,
) -> Result<(StatusCode, Json<OrganizationDto>), ApiError> {
    let input = NewOrganization {
        slug: body.slug.as_deref().unwrap_or_default(),
        profile: OrganizationProfileInput {
            name: &body.name,
            website: body.website.as_deref().unwrap_or_default(),
            contact_email: body.contact_email.as_deref().unwrap_or_default(),
            description: body.description.as_deref().unwrap_or_default(),
        },
    };
    let org = state
        .app
        .create_organization(&auth.principal, input, &auth.meta)
        .await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

/// One organization with its departments (public).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}", tag = "organizations", params(("slug" = String, Path)),
    responses((status = 200, body = OrganizationDetailDto), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<WebState>,
    Path(slug): Path<String>,
) -> Result<Json<OrganizationDetailDto>, ApiError> {
    let view = state.app.organization(&slug, None).await?;
    Ok(Json(OrganizationDetailDto {
        organization: view.organization.into(),
        departments: view.departments.into_iter().map(Into::into).collect(),
    }))
}

/// Changes the public profile (administrators).
#[utoipa::path(patch, path = "/api/v1/organizations/{slug}", tag = "organizations", params(("slug" = String, Path)), request_body = OrganizationPatchDto,
    responses((status = 200, body = OrganizationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<OrganizationPatchDto>,
) -> Result<Json<OrganizationDto>, ApiError> {
    let current = state
        .app
        .organization(&slug, Some(&auth.principal))
        .await?
        .organization;
    let name = body.name.unwrap_or(current.name);
    let website = body.website.or(current.website).unwrap_or_default();
    let contact_email = body
        .contact_email
        .or(current.contact_email)
        .unwrap_or_default();
    let description = body.description.unwrap_or(current.description);
    let input = OrganizationProfileInput {
        name: &name,
        website: &website,
        contact_email: &contact_email,
        description: &description,
    };
    let org = state
        .app
        .update_organization(&auth.principal, &slug, input, &auth.meta)
        .await?;
    Ok(Json(org.into()))
}

/// An organization's departments (public).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/departments", tag = "organizations", params(("slug" = String, Path)),
    responses((status = 200, body = [DepartmentDto]), (status = 404, body = ErrorBody)))]
pub(super) async fn departments(
    State(state): State<WebState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<DepartmentDto>>, ApiError> {
    Ok(Json(
        state
            .app
            .organization(&slug, None)
            .await?
            .departments
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Adds a department (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/departments", tag = "organizations", params(("slug" = String, Path)), request_body = NewDepartmentDto,
    responses((status = 201, body = DepartmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_department(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewDepartmentDto>,
) -> Result<(StatusCode, Json<DepartmentDto>), ApiError> {
    let dept = state
        .app
        .add_department(
            &auth.principal,
            &slug,
            DepartmentFields {
                name: &body.name,
                slug: body.slug.as_deref().unwrap_or_default(),
                description: body.description.as_deref().unwrap_or_default(),
            },
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(dept.into())))
}

/// Removes a department (administrators).
#[utoipa::path(delete, path = "/api/v1/organizations/{slug}/departments/{dept}", tag = "organizations",
    params(("slug" = String, Path), ("dept" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn remove_department(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, dept)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .remove_department(&auth.principal, &slug, &dept, &auth.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members and waiting invitations (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/members", tag = "organizations", params(("slug" = String, Path)),
    responses((status = 200, body = MembersDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn members(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
) -> Result<Json<MembersDto>, ApiError> {
    let (_, members, invitations) = state.app.members(&auth.principal, &slug).await?;
    Ok(Json(MembersDto {
        members: members.into_iter().map(Into::into).collect(),
        invitations: invitations.into_iter().map(Into::into).collect(),
    }))
}

/// Invites someone by email (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/invitations", tag = "organizations", params(("slug" = String, Path)), request_body = NewInvitationDto,
    responses((status = 201, body = InvitationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn invite(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewInvitationDto>,
) -> Result<(StatusCode, Json<InvitationDto>), ApiError> {
    let roles: Vec<&str> = body.roles.iter().map(String::as_str).collect();
    let invitation = state
        .app
        .invite_member(&auth.principal, &slug, &body.email, &roles, &auth.meta)
        .await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

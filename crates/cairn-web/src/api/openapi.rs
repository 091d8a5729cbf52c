//! The OpenAPI document, generated from the handlers' annotations.

use super::{dto, me, orgs};
use crate::error::{ErrorBody, ErrorDetail, FieldProblem};
use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn API", description = "Micro-credentials with the evidence behind them. Authenticate with a personal API token: `Authorization: Bearer cairn_…` (create one on your account page). Every error has the shape `{\"error\": {status, code, message, fields?}}`."),
    paths(
        me::show, me::tokens, me::create_token, me::revoke_token,
        orgs::list, orgs::create, orgs::show, orgs::update, orgs::departments, orgs::add_department, orgs::remove_department,
        orgs::members, orgs::invite,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldProblem, dto::MeDto, dto::EmailDto, dto::TokenDto, dto::CreatedTokenDto, dto::NewTokenDto,
        dto::OrganizationDto, dto::OrganizationPageDto, dto::OrganizationDetailDto, dto::NewOrganizationDto, dto::OrganizationPatchDto,
        dto::DepartmentDto, dto::NewDepartmentDto, dto::MemberDto, dto::InvitationDto, dto::MembersDto, dto::NewInvitationDto)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "account", description = "The signed-in account"), (name = "organizations", description = "Issuers, departments and members"))
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// `GET /api/openapi.json`.
pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

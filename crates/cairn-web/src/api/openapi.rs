//! The OpenAPI document, generated from the handlers' annotations.

use super::{achievements, authoring_dto as adto, dto, library, me, orgs, sponsorships as sp};
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
        achievements::catalog, achievements::list, achievements::create, achievements::import, achievements::show, achievements::update,
        achievements::remove, achievements::set_rubric, achievements::set_requirements, achievements::set_prerequisites,
        achievements::publish, achievements::archive, achievements::versions, achievements::upload_image, achievements::design,
        library::levels, library::set_levels, library::templates, library::create_template, library::update_template,
        library::delete_template, library::stacks, library::create_stack, library::stack, library::update_stack,
        sp::list, sp::create, sp::show, sp::end, sp::codes, sp::generate_codes, sp::seats, sp::assign_seat, sp::remove_seat,
        sp::redemptions, sp::payments, sp::record_payment, sp::update_payment,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldProblem, dto::MeDto, dto::EmailDto, dto::TokenDto, dto::CreatedTokenDto, dto::NewTokenDto,
        dto::OrganizationDto, dto::OrganizationPageDto, dto::OrganizationDetailDto, dto::NewOrganizationDto, dto::OrganizationPatchDto,
        dto::DepartmentDto, dto::NewDepartmentDto, dto::MemberDto, dto::InvitationDto, dto::MembersDto, dto::NewInvitationDto,
        adto::CatalogPageDto, adto::CatalogItemDto, adto::ImageDto, adto::AchievementSummaryDto, adto::AchievementRefDto, adto::AchievementDto,
        adto::NewAchievementDto, adto::AchievementDetailsDto, adto::AlignmentDto, adto::RubricDto, adto::RubricInputDto, adto::RubricBodyDto,
        adto::CriterionDto, adto::RuleDto, adto::LevelRefDto, adto::RequirementDto, adto::RequirementInputDto, adto::RequirementsInputDto,
        adto::RequirementBodyDto, adto::PrerequisitesInputDto, adto::PrerequisitesDto, adto::StackRefDto, adto::VersionDto,
        adto::ImageUploadDto, adto::ImportDto, adto::LevelDto, adto::LevelInputDto, adto::TemplateDto, adto::TemplateBodyDto,
        adto::TemplateKindDto, adto::TemplateInputDto, adto::StackDto, adto::StackDetailDto, adto::StackInputDto,
        sp::SponsorshipDto, sp::NewSponsorshipDto, sp::PersonDto, sp::CodeDto, sp::NewCodesDto, sp::SeatDto, sp::NewSeatDto,
        sp::RedemptionDto, sp::PaymentStatusDto, sp::PaymentDto, sp::PaymentRowDto, sp::AwaitingPaymentDto, sp::PaymentsDto,
        sp::NewPaymentDto, sp::PaymentStatusUpdateDto)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "account", description = "The signed-in account"), (name = "organizations", description = "Issuers, departments and members"),
        (name = "catalog", description = "Search published micro-credentials"),
        (name = "micro-credentials", description = "Authoring micro-credentials: details, rubric, evidence requirements, prerequisites, images, life cycle and import"),
        (name = "library", description = "An organization's level scale, templates and stacks"),
        (name = "sponsorships", description = "Sponsorships (codes, seats, the grant report) and payments, for an organization's administrators"))
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

//! The OpenAPI document, generated from the handlers' annotations.

use super::{
    achievements, authoring_dto as adto, backpack as bp, bulk, dto, earning as ea,
    earning_dto as edto, library, me, orgs, sponsorships as sp, verify,
};
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
        ea::join, ea::my_enrollments, ea::show, ea::make_move, ea::add_evidence, ea::update_evidence, ea::remove_evidence,
        ea::upload, ea::evidence_file, ea::checklist, ea::review, ea::complete_review, ea::comments, ea::add_comment, ea::evidence_comments,
        ea::add_evidence_comment, ea::notifications, ea::unread, ea::read_all, ea::coaching, ea::invite_partner,
        ea::answer_partner, ea::queue, ea::rules, ea::set_rules,
        bp::badges, bp::set_visibility, bp::imported, bp::import, bp::import_url, bp::update_imported, bp::remove_imported,
        bp::profile, bp::save_profile, bp::transcript, bp::export,
        verify::verify,
        bulk::start, bulk::show,
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
        sp::NewPaymentDto, sp::PaymentStatusUpdateDto,
        edto::PersonRefDto, edto::EnrollmentSummaryDto, edto::JoinDto, edto::JoinedDto, edto::MoveDto, edto::ChecklistItemDto,
        edto::RequirementProgressDto, edto::EvidenceFileDto, edto::EvidenceContentDto, edto::EvidenceDto, edto::FrozenEvidenceDto,
        edto::NewEvidenceDto, edto::EvidencePatchDto, edto::ChecklistDto, edto::MoveInputDto, edto::CommentDto, edto::NewCommentDto,
        edto::ScoreDto, edto::ReviewSummaryDto, edto::SubmissionDto, edto::EnrollmentDto, edto::TickDto, edto::ReviewDto,
        edto::ScoreInputDto, edto::ReviewInputDto, edto::NotificationDto, edto::NotificationsDto, edto::UnreadDto,
        edto::NewPartnerInvitationDto, edto::PartnerInvitationDto, edto::PartnerAnswerDto, edto::PartnershipDto,
        edto::PartnerAnsweredDto, edto::CoachedEnrollmentDto, edto::CoachedLearnerDto, edto::ReviewRulesDto,
        edto::QueueItemDto, edto::QueueDto,
        bp::BadgeDto, bp::VisibilityDto, bp::ImportCheckDto, bp::ImportedBadgeDto, bp::ImportUrlDto, bp::ShownDto,
        bp::ProfileDto, bp::ProfileInputDto,
        verify::VerifyUrlDto, verify::VerificationDto, verify::CheckDto, verify::OutcomeDto, verify::CredentialSummaryDto,
        bulk::BulkProblemDto, bulk::BulkCheckDto, bulk::BulkRowDto, bulk::BulkImportDto)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "account", description = "The signed-in account"), (name = "organizations", description = "Issuers, departments and members"),
        (name = "catalog", description = "Search published micro-credentials"),
        (name = "micro-credentials", description = "Authoring micro-credentials: details, rubric, evidence requirements, prerequisites, images, life cycle and import"),
        (name = "library", description = "An organization's level scale, templates and stacks"),
        (name = "sponsorships", description = "Sponsorships (codes, seats, the grant report) and payments, for an organization's administrators"),
        (name = "earning", description = "Earning a micro-credential: joining, evidence (links, reflections, badges, files streamed as the request body), the checklist, moves through the workflow (`lock_version` guards each), comments and notifications"),
        (name = "reviews", description = "Reviewing submissions against the rubric; an organization's review queue and review rules"),
        (name = "coaching", description = "Coach partnerships: invitations by email, answers, the coach's dashboard"),
        (name = "backpack", description = "Your backpack: your badges and who sees each, badges imported from elsewhere (verified on import), your public profile, your CLR 2.0 transcript and the export of everything"),
        (name = "verification", description = "Verify any issuer's Open Badges 2.0 or 3.0 credential (no account needed)"),
        (name = "bulk awards", description = "Award a micro-credential to many people from a CSV file, for an organization's administrators: check the file, award, follow the progress"))
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

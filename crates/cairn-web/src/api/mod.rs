//! The JSON API under `/api/v1`, authenticated by a personal API token
//! (`Authorization: Bearer cairn_…`) or the browser session, described by
//! the OpenAPI document at `/api/openapi.json`. Errors share one shape
//! ([`crate::error::ErrorBody`]).

mod achievements;
mod authoring_dto;
mod backpack;
mod bulk;
mod dto;
mod earning;
mod earning_dto;
mod library;
mod me;
mod openapi;
mod orgs;
mod sponsorships;
mod verify;

use crate::WebState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};

pub(crate) fn router() -> Router<WebState> {
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/me", get(me::show))
        .route("/api/v1/me/tokens", get(me::tokens).post(me::create_token))
        .route("/api/v1/me/tokens/{id}", delete(me::revoke_token))
        .route("/api/v1/organizations", get(orgs::list).post(orgs::create))
        .route(
            "/api/v1/organizations/{slug}",
            get(orgs::show).patch(orgs::update),
        )
        .route(
            "/api/v1/organizations/{slug}/departments",
            get(orgs::departments).post(orgs::add_department),
        )
        .route(
            "/api/v1/organizations/{slug}/departments/{dept}",
            delete(orgs::remove_department),
        )
        .route("/api/v1/organizations/{slug}/members", get(orgs::members))
        .route(
            "/api/v1/organizations/{slug}/invitations",
            axum::routing::post(orgs::invite),
        )
        .route("/api/v1/catalog", get(achievements::catalog))
        .route(
            "/api/v1/organizations/{slug}/achievements",
            get(achievements::list).post(achievements::create),
        )
        .route(
            "/api/v1/organizations/{slug}/achievements/import",
            post(achievements::import)
                .layer(DefaultBodyLimit::max(achievements::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards",
            post(bulk::start).layer(DefaultBodyLimit::max(bulk::BODY_LIMIT)),
        )
        .route(
            "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards/{import}",
            get(bulk::show),
        )
        .route(
            "/api/v1/achievements/{id}",
            get(achievements::show)
                .put(achievements::update)
                .delete(achievements::remove),
        )
        .route(
            "/api/v1/achievements/{id}/rubric",
            put(achievements::set_rubric),
        )
        .route(
            "/api/v1/achievements/{id}/requirements",
            put(achievements::set_requirements),
        )
        .route(
            "/api/v1/achievements/{id}/prerequisites",
            put(achievements::set_prerequisites),
        )
        .route(
            "/api/v1/achievements/{id}/publish",
            post(achievements::publish),
        )
        .route(
            "/api/v1/achievements/{id}/archive",
            post(achievements::archive),
        )
        .route(
            "/api/v1/achievements/{id}/versions",
            get(achievements::versions),
        )
        .route(
            "/api/v1/achievements/{id}/image",
            put(achievements::upload_image)
                .layer(DefaultBodyLimit::max(achievements::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/achievements/{id}/design",
            put(achievements::design),
        )
        .route(
            "/api/v1/organizations/{slug}/levels",
            get(library::levels).put(library::set_levels),
        )
        .route(
            "/api/v1/organizations/{slug}/templates",
            get(library::templates).post(library::create_template),
        )
        .route(
            "/api/v1/organizations/{slug}/templates/{id}",
            put(library::update_template).delete(library::delete_template),
        )
        .route(
            "/api/v1/organizations/{slug}/stacks",
            get(library::stacks).post(library::create_stack),
        )
        .route(
            "/api/v1/organizations/{slug}/stacks/{stack}",
            get(library::stack).put(library::update_stack),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships",
            get(sponsorships::list).post(sponsorships::create),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships/{id}",
            get(sponsorships::show),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships/{id}/end",
            post(sponsorships::end),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships/{id}/codes",
            get(sponsorships::codes).post(sponsorships::generate_codes),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships/{id}/seats",
            get(sponsorships::seats).post(sponsorships::assign_seat),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships/{id}/seats/{seat}",
            delete(sponsorships::remove_seat),
        )
        .route(
            "/api/v1/organizations/{slug}/sponsorships/{id}/redemptions",
            get(sponsorships::redemptions),
        )
        .route(
            "/api/v1/organizations/{slug}/payments",
            get(sponsorships::payments).post(sponsorships::record_payment),
        )
        .route(
            "/api/v1/organizations/{slug}/payments/{id}",
            put(sponsorships::update_payment),
        )
        .route(
            "/api/v1/verify",
            post(verify::verify).layer(DefaultBodyLimit::max(verify::BODY_LIMIT)),
        )
        .merge(earning_routes())
        .merge(backpack_routes())
}

/// The caller's backpack: badges and their visibility, imported badges,
/// the public profile, the transcript and the export.
fn backpack_routes() -> Router<WebState> {
    Router::new()
        .route("/api/v1/me/badges", get(backpack::badges))
        .route(
            "/api/v1/me/badges/{id}/visibility",
            put(backpack::set_visibility),
        )
        .route(
            "/api/v1/me/imported-badges",
            get(backpack::imported)
                .post(backpack::import)
                .layer(DefaultBodyLimit::max(backpack::IMPORT_BODY_LIMIT)),
        )
        .route(
            "/api/v1/me/imported-badges/from-url",
            post(backpack::import_url),
        )
        .route(
            "/api/v1/me/imported-badges/{id}",
            patch(backpack::update_imported).delete(backpack::remove_imported),
        )
        .route(
            "/api/v1/me/profile",
            get(backpack::profile).put(backpack::save_profile),
        )
        .route("/api/v1/me/transcript", get(backpack::transcript))
        .route("/api/v1/me/export", get(backpack::export))
}

/// Joining, enrollments, evidence, moves, reviews, comments,
/// notifications, coaching, and the review queue and rules.
fn earning_routes() -> Router<WebState> {
    Router::new()
        .route("/api/v1/achievements/{id}/enrollments", post(earning::join))
        .route("/api/v1/me/enrollments", get(earning::my_enrollments))
        .route("/api/v1/enrollments/{id}", get(earning::show))
        .route("/api/v1/enrollments/{id}/moves", post(earning::make_move))
        .route(
            "/api/v1/enrollments/{id}/evidence",
            post(earning::add_evidence),
        )
        .route(
            "/api/v1/enrollments/{id}/evidence/{item}",
            patch(earning::update_evidence).delete(earning::remove_evidence),
        )
        .route(
            "/api/v1/enrollments/{id}/evidence/{item}/comments",
            get(earning::evidence_comments).post(earning::add_evidence_comment),
        )
        .route(
            "/api/v1/enrollments/{id}/files",
            post(earning::upload).layer(DefaultBodyLimit::max(earning::evidence_body_limit())),
        )
        .route("/api/v1/evidence/{id}/file", get(earning::evidence_file))
        .route(
            "/api/v1/enrollments/{id}/checklist/{requirement}",
            put(earning::checklist),
        )
        .route(
            "/api/v1/enrollments/{id}/comments",
            get(earning::comments).post(earning::add_comment),
        )
        .route(
            "/api/v1/enrollments/{id}/reviews/{review}",
            get(earning::review).post(earning::complete_review),
        )
        .route("/api/v1/me/notifications", get(earning::notifications))
        .route("/api/v1/me/notifications/unread", get(earning::unread))
        .route("/api/v1/me/notifications/read", post(earning::read_all))
        .route("/api/v1/coaching", get(earning::coaching))
        .route(
            "/api/v1/coaching/invitations",
            post(earning::invite_partner),
        )
        .route(
            "/api/v1/coaching/invitations/answer",
            post(earning::answer_partner),
        )
        .route("/api/v1/organizations/{slug}/reviews", get(earning::queue))
        .route(
            "/api/v1/organizations/{slug}/review-rules",
            get(earning::rules).put(earning::set_rules),
        )
}

//! The JSON API under `/api/v1`, authenticated by a personal API token
//! (`Authorization: Bearer cairn_…`) or the browser session, described by
//! the OpenAPI document at `/api/openapi.json`. Errors share one shape
//! ([`crate::error::ErrorBody`]).

mod dto;
mod me;
mod openapi;
mod orgs;

use crate::WebState;
use axum::Router;
use axum::routing::{delete, get};

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
}

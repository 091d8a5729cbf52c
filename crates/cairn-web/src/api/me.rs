//! `/api/v1/me`: the account behind the request and its API tokens.

use super::dto::{CreatedTokenDto, MeDto, NewTokenDto, TokenDto};
use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cairn_app::AppError;
use cairn_domain::ApiTokenId;
use uuid::Uuid;

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<MeDto>, ApiError> {
    let emails = state.app.emails(&auth.principal).await?;
    let user = &auth.principal.user;
    Ok(Json(MeDto {
        id: user.id.0,
        display_name: user.display_name.clone(),
        platform_admin: user.platform_admin,
        may_create_organizations: user.may_create_organizations,
        emails: emails.into_iter().map(Into::into).collect(),
    }))
}

/// The account's API tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "account",
    responses((status = 200, body = [TokenDto]), (status = 401, body = ErrorBody)))]
pub(super) async fn tokens(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<Vec<TokenDto>>, ApiError> {
    Ok(Json(
        state
            .app
            .api_tokens(&auth.principal)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "account", request_body = NewTokenDto,
    responses((status = 201, body = CreatedTokenDto), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_token(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewTokenDto>,
) -> Result<(StatusCode, Json<CreatedTokenDto>), ApiError> {
    let created = state
        .app
        .create_api_token(
            &auth.principal,
            &body.name,
            body.expires_in_days,
            &auth.meta,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenDto {
            token: created.token.into(),
            secret: created.secret,
        }),
    ))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "account", params(("id" = Uuid, Path, description = "The token's id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn revoke_token(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found("The token"))?;
    state
        .app
        .revoke_api_token(&auth.principal, ApiTokenId(id), &auth.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

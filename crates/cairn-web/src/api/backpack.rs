//! `/api/v1/me/badges`, `/api/v1/me/imported-badges`, `/api/v1/me/profile`,
//! `/api/v1/me/transcript` and `/api/v1/me/export`: the caller's backpack —
//! their badges and who sees each, badges imported from elsewhere (sent as
//! the file itself, or by address) with what verification found, the
//! public profile settings, the signed CLR 2.0 transcript, and everything
//! as one ZIP archive.

use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson, ApiQuery};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use cairn_app::AppError;
use cairn_app::awards::HeldAward;
use cairn_app::backpack::{IMPORT_MAX_BYTES, ImportSource, ProfileForm};
use cairn_domain::award::{AwardVisibility, Standing};
use cairn_domain::{AwardId, ImportedBadgeId};
use cairn_store::backpack::{ImportedBadge, Profile};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The largest import body accepted (the limit plus framing).
pub(super) const IMPORT_BODY_LIMIT: usize = IMPORT_MAX_BYTES + 64 * 1024;

/// One of the caller's badges from Cairn.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeDto {
    pub id: Uuid,
    pub title: String,
    pub organization: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// `valid`, `expired` or `revoked`.
    pub standing: String,
    /// Why it was revoked, when it was.
    pub revocation_reason: Option<String>,
    /// `public`, `unlisted` or `private`.
    pub visibility: String,
    /// The badge's page.
    pub url: String,
}

fn badge_dto(state: &WebState, a: &HeldAward) -> BadgeDto {
    let (standing, reason) = match &a.standing {
        Standing::Valid => ("valid", None),
        Standing::Expired { .. } => ("expired", None),
        Standing::Revoked { reason } => ("revoked", Some(reason.clone())),
    };
    BadgeDto {
        id: a.award.id.0,
        title: a.title.clone(),
        organization: a.organization.clone(),
        issued_at: a.award.issued_at,
        expires_at: a.award.expires_at,
        standing: standing.to_owned(),
        revocation_reason: reason,
        visibility: a.award.visibility.as_str().to_owned(),
        url: state.app.badge_url(a.award.id),
    }
}

/// Who sees a badge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisibilityDto {
    /// `public` (on the profile, and to anyone with the link), `unlisted`
    /// (to anyone with the link) or `private` (only you).
    pub visibility: String,
}

/// One check verification made.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportCheckDto {
    /// `format`, `structure`, `issuer-key`, `proof`, `validity`,
    /// `revocation`, …
    pub id: String,
    pub title: String,
    /// `passed`, `failed` or `skipped`.
    pub outcome: String,
    pub reason: String,
}

/// A badge imported from elsewhere, with what verification found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedBadgeDto {
    pub id: Uuid,
    pub name: String,
    pub issuer: String,
    pub issued_at: Option<DateTime<Utc>>,
    /// `png`, `svg`, `json` or `jwt`.
    pub format: String,
    /// True when every check passed on import.
    pub verified: bool,
    /// What the file turned out to be.
    pub kind: String,
    pub checks: Vec<ImportCheckDto>,
    /// Whether it shows on the public profile.
    pub shown: bool,
    /// The address it was imported from.
    pub source_url: Option<String>,
    /// The uploaded file's name.
    pub file_name: Option<String>,
    pub imported_at: DateTime<Utc>,
    /// The credential, as read.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

impl From<&ImportedBadge> for ImportedBadgeDto {
    fn from(b: &ImportedBadge) -> Self {
        Self {
            id: b.id.0,
            name: b.achievement_name.clone(),
            issuer: b.issuer_name.clone(),
            issued_at: b.issued_at,
            format: b.format.as_str().to_owned(),
            verified: b.verified,
            kind: b.kind.clone(),
            checks: b
                .checks
                .iter()
                .map(|c| ImportCheckDto {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    outcome: c.outcome.clone(),
                    reason: c.reason.clone(),
                })
                .collect(),
            shown: b.shown,
            source_url: b.source_url.clone(),
            file_name: b.file_name.clone(),
            imported_at: b.imported_at,
            credential: serde_json::from_str(&b.credential).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// How an uploaded badge is imported. The file itself is the body.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportParams {
    /// `true` (the default) to show it on the public profile once verified.
    pub show: Option<bool>,
    /// The file's name, for people.
    pub filename: Option<String>,
}

/// A badge to import from its address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportUrlDto {
    /// The address of a credential, a baked image or a hosted assertion.
    pub url: String,
    /// `true` (the default) to show it on the public profile once verified.
    pub show: Option<bool>,
}

/// Whether an imported badge shows on the public profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShownDto {
    pub shown: bool,
}

/// The public profile settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileDto {
    pub handle: String,
    pub display_name: String,
    /// Off: the profile's address answers 404.
    pub public: bool,
    /// The profile's address.
    pub url: String,
}

fn profile_dto(state: &WebState, p: &Profile) -> ProfileDto {
    ProfileDto {
        handle: p.handle.clone(),
        display_name: p.display_name.clone(),
        public: p.public,
        url: state.app.url(&format!("/people/{}", p.handle)),
    }
}

/// New public profile settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInputDto {
    /// 3 to 40 lower-case letters, digits and hyphens; unique; not a
    /// reserved word.
    pub handle: String,
    pub display_name: String,
    pub public: bool,
}

fn id_of(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| AppError::not_found(what).into())
}

/// Your badges from Cairn, newest first, revoked and private ones included.
#[utoipa::path(get, path = "/api/v1/me/badges", tag = "backpack",
    responses((status = 200, body = [BadgeDto]), (status = 401, body = ErrorBody)))]
pub(super) async fn badges(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<Vec<BadgeDto>>, ApiError> {
    let awards = state.app.my_awards(&auth.principal).await?;
    Ok(Json(awards.iter().map(|a| badge_dto(&state, a)).collect()))
}

/// Sets who sees one of your badges.
#[utoipa::path(put, path = "/api/v1/me/badges/{id}/visibility", tag = "backpack",
    params(("id" = Uuid, Path)), request_body = VisibilityDto,
    responses((status = 200, body = BadgeDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn set_visibility(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VisibilityDto>,
) -> Result<Json<BadgeDto>, ApiError> {
    let id = AwardId(id_of(&id, "The badge")?);
    let visibility = AwardVisibility::parse(&body.visibility)
        .ok_or_else(|| AppError::invalid("visibility", "Choose public, unlisted or private."))?;
    state
        .app
        .set_badge_visibility(&auth.principal, id, visibility, &auth.meta)
        .await?;
    let awards = state.app.my_awards(&auth.principal).await?;
    let held = awards
        .iter()
        .find(|a| a.award.id == id)
        .ok_or_else(|| AppError::not_found("The badge"))?;
    Ok(Json(badge_dto(&state, held)))
}

/// Your imported badges, newest first.
#[utoipa::path(get, path = "/api/v1/me/imported-badges", tag = "backpack",
    responses((status = 200, body = [ImportedBadgeDto]), (status = 401, body = ErrorBody)))]
pub(super) async fn imported(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<Vec<ImportedBadgeDto>>, ApiError> {
    let badges = state.app.imported_badges(&auth.principal).await?;
    Ok(Json(badges.iter().map(Into::into).collect()))
}

/// Imports a badge earned elsewhere, sent as the body: a baked PNG or SVG,
/// a credential's JSON or a JWT (at most 5 MB). It is verified now and kept
/// with every check's outcome, verified or not (see `verified`, `checks`);
/// anything that is not a credential is refused with 422, a badge already
/// imported with 409.
#[utoipa::path(post, path = "/api/v1/me/imported-badges", tag = "backpack", params(ImportParams),
    request_body(description = "The badge file itself, at most 5 MB",
        content(("image/png"), ("image/svg+xml"), ("application/json"), ("application/jwt"), ("application/octet-stream"))),
    responses((status = 201, body = ImportedBadgeDto), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(super) async fn import(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportedBadgeDto>), ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media.is_empty()
        || media == "multipart/form-data"
        || media == "application/x-www-form-urlencoded"
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the badge file itself as the body, with a Content-Type (image/png, image/svg+xml, application/json, application/jwt), not a form.",
        ));
    }
    let bytes = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The file is larger than 5 MB; no badge is that large.",
        )
    })?;
    let badge = state
        .app
        .import_badge(
            &auth.principal,
            ImportSource::File {
                name: params.filename.as_deref(),
                bytes: &bytes,
            },
            params.show.unwrap_or(true),
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json((&badge).into())))
}

/// Imports a badge from its address (a credential, a baked image or an
/// Open Badges 2.0 hosted assertion), fetched within the verifier's limits.
#[utoipa::path(post, path = "/api/v1/me/imported-badges/from-url", tag = "backpack", request_body = ImportUrlDto,
    responses((status = 201, body = ImportedBadgeDto), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn import_url(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<ImportUrlDto>,
) -> Result<(StatusCode, Json<ImportedBadgeDto>), ApiError> {
    let badge = state
        .app
        .import_badge(
            &auth.principal,
            ImportSource::Url(&body.url),
            body.show.unwrap_or(true),
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json((&badge).into())))
}

/// Shows an imported badge on your public profile, or hides it. Only a
/// verified badge may show (409 otherwise).
#[utoipa::path(patch, path = "/api/v1/me/imported-badges/{id}", tag = "backpack",
    params(("id" = Uuid, Path)), request_body = ShownDto,
    responses((status = 200, body = ImportedBadgeDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(super) async fn update_imported(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShownDto>,
) -> Result<Json<ImportedBadgeDto>, ApiError> {
    let id = ImportedBadgeId(id_of(&id, "The imported badge")?);
    let badge = state
        .app
        .set_imported_badge_shown(&auth.principal, id, body.shown, &auth.meta)
        .await?;
    Ok(Json((&badge).into()))
}

/// Removes an imported badge and its original file.
#[utoipa::path(delete, path = "/api/v1/me/imported-badges/{id}", tag = "backpack",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn remove_imported(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = ImportedBadgeId(id_of(&id, "The imported badge")?);
    state
        .app
        .remove_imported_badge(&auth.principal, id, &auth.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your public profile settings (404 until you save them once).
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "backpack",
    responses((status = 200, body = ProfileDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn profile(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Json<ProfileDto>, ApiError> {
    let p = state
        .app
        .my_profile(&auth.principal)
        .await?
        .ok_or_else(|| AppError::not_found("Your profile"))?;
    Ok(Json(profile_dto(&state, &p)))
}

/// Saves your public profile settings; `public: false` turns the profile
/// off (its address answers 404).
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "backpack", request_body = ProfileInputDto,
    responses((status = 200, body = ProfileDto), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn save_profile(
    State(state): State<WebState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<ProfileInputDto>,
) -> Result<Json<ProfileDto>, ApiError> {
    let p = state
        .app
        .save_profile(
            &auth.principal,
            ProfileForm {
                handle: &body.handle,
                display_name: &body.display_name,
                public: body.public,
            },
            &auth.meta,
        )
        .await?;
    Ok(Json(profile_dto(&state, &p)))
}

/// A CLR 2.0 transcript (`ClrCredential`) of your Cairn badges that stand,
/// each nested with its own proof, signed by the platform's key
/// (`/issuers/platform/keys/1`).
#[utoipa::path(get, path = "/api/v1/me/transcript", tag = "backpack",
    responses((status = 200, description = "The signed ClrCredential", content_type = "application/vc+ld+json"),
        (status = 401, body = ErrorBody)))]
pub(super) async fn transcript(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let doc = state.app.transcript(&auth.principal).await?;
    let mut response = Json(doc).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/vc+ld+json"),
    );
    Ok(response)
}

/// Everything as one ZIP archive: each badge's credential JSON and baked
/// PNG and SVG, imported badges' originals, a README and the transcript.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "backpack",
    responses((status = 200, description = "The archive", content_type = "application/zip"),
        (status = 401, body = ErrorBody)))]
pub(super) async fn export(
    State(state): State<WebState>,
    auth: ApiAuth,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let export = state.app.export_backpack(&auth.principal).await?;
    let disposition = format!("attachment; filename=\"{}\"", export.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        export.bytes,
    )
        .into_response())
}

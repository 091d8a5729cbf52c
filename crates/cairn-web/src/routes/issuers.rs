//! The documents that make awards verifiable, at permanent URLs: an
//! organization's issuer Profile (`/issuers/{org}`), its keys
//! (`/issuers/{org}/keys/{key}`), its JSON Web Key Set
//! (`/issuers/{org}/jwks.json`), its DID document where issuers are named
//! by did:web (`/issuers/{org}/did.json`), status lists (`/status/{list}`), and the
//! Open Badges 2.0 hosted assertion, badge class and issuer (`/ob2/…`).
//! They are public, cacheable for a short while, and readable from any
//! origin.

use super::parse_id;
use crate::WebState;
use crate::error::PageError;
use crate::extract::Ctx;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use cairn_domain::{AchievementId, AwardId, IssuerKeyId, OrganizationId, StatusListId};
use serde_json::Value;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/issuers/{org}", get(profile))
        .route("/issuers/{org}/keys/{key}", get(key))
        .route("/issuers/{org}/jwks.json", get(jwks))
        .route("/issuers/{org}/did.json", get(did_document))
        .route("/status/{list}", get(status_list))
        .route("/ob2/assertions/{id}", get(assertion))
        .route("/ob2/badges/{id}", get(badge_class))
        .route("/ob2/issuers/{org}", get(ob2_issuer))
}

/// How long verifiers may keep a document: keys and profiles change rarely;
/// status lists must show a revocation soon.
const LONG: &str = "public, max-age=300";
const SHORT: &str = "public, max-age=60";

/// A JSON document with the headers every public document carries.
fn document(doc: &Value, content_type: &'static str, cache: &'static str) -> Response {
    let mut response = axum::Json(doc).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// Whether a browser asked for a page rather than a program for data.
fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("text/html") && !accept.contains("json")
}

async fn profile(
    State(state): State<WebState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let org = OrganizationId(parse_id(&ctx, &org, "The issuer")?);
    if wants_html(&headers) {
        let page = state.app.issuer_page(org).await.map_err(|e| ctx.err(e))?;
        return Ok(Redirect::to(&page).into_response());
    }
    let doc = state
        .app
        .issuer_profile(org)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/ld+json", LONG))
}

async fn key(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let org = OrganizationId(parse_id(&ctx, &org, "The issuer")?);
    let key = IssuerKeyId(parse_id(&ctx, &key, "The key")?);
    let doc = state
        .app
        .issuer_key_document(org, key)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/ld+json", LONG))
}

async fn jwks(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let org = OrganizationId(parse_id(&ctx, &org, "The issuer")?);
    let doc = state.app.issuer_jwks(org).await.map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/jwk-set+json", LONG))
}

async fn did_document(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let org = OrganizationId(parse_id(&ctx, &org, "The issuer")?);
    let doc = state
        .app
        .issuer_did_document(org)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/did+ld+json", LONG))
}

async fn status_list(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(list): Path<String>,
) -> Result<Response, PageError> {
    let list = StatusListId(parse_id(&ctx, &list, "The status list")?);
    let doc = state
        .app
        .status_list_credential(list)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/vc+ld+json", SHORT))
}

async fn assertion(
    State(state): State<WebState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = AwardId(parse_id(&ctx, &id, "The assertion")?);
    if wants_html(&headers) {
        return Ok(Redirect::to(&format!("/badges/{id}")).into_response());
    }
    let doc = state.app.ob2_assertion(id).await.map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/ld+json", SHORT))
}

async fn badge_class(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = AchievementId(parse_id(&ctx, &id, "The badge class")?);
    let doc = state
        .app
        .ob2_badge_class(id)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/ld+json", LONG))
}

async fn ob2_issuer(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let org = OrganizationId(parse_id(&ctx, &org, "The issuer")?);
    let doc = state.app.ob2_issuer(org).await.map_err(|e| ctx.err(e))?;
    Ok(document(&doc, "application/ld+json", LONG))
}

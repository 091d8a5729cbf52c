//! `POST /api/v1/verify`: the public verifier for programs. The body is the
//! credential itself (JSON, a JWT, a baked PNG or SVG) with its content
//! type, or `{"url": "…"}` to fetch it; the answer is the report.

use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::request_meta;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use cairn_app::RequestMeta;
use cairn_app::credentials::verify::Outcome;
use cairn_app::verifier::{MAX_UPLOAD_BYTES, Verification, VerifyInput};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The largest body accepted.
pub(super) const BODY_LIMIT: usize = MAX_UPLOAD_BYTES;

/// The address of a credential to fetch and verify.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyUrlDto {
    /// An `https` address: a hosted Open Badges 2.0 assertion, an Open
    /// Badges 3.0 credential, a baked image, or a badge page that answers
    /// `application/ld+json`.
    url: String,
}

/// How a check came out.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum OutcomeDto {
    Passed,
    Failed,
    /// Not applicable, or not possible with what was available.
    Skipped,
}

/// One check of the report.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CheckDto {
    /// A stable identifier: `format`, `structure`, `issuer-key`, `proof`,
    /// `validity`, `revocation`; `fetch` (the credential's address) and
    /// `documents` (a document it names) when something could not be
    /// fetched.
    id: String,
    /// What was checked, for people.
    title: String,
    outcome: OutcomeDto,
    /// Why, for people.
    reason: String,
}

/// What the credential says it is (as written; the checks say whether to
/// trust it).
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CredentialSummaryDto {
    /// The achievement's or badge's name.
    name: Option<String>,
    description: Option<String>,
    issuer_name: Option<String>,
    /// The issuer's id: a URL or a DID.
    issuer_id: Option<String>,
    /// Who it was awarded to, as far as the credential shows it.
    recipient: Option<String>,
    issued: Option<DateTime<Utc>>,
    expires: Option<DateTime<Utc>>,
}

/// The verification report.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct VerificationDto {
    /// True when no check failed and the signature (or hosting) was
    /// confirmed.
    verified: bool,
    /// What the input turned out to be.
    kind: String,
    summary: CredentialSummaryDto,
    checks: Vec<CheckDto>,
    /// The credential as read (for a VC-JWT, its payload's credential).
    #[schema(value_type = Option<Object>)]
    credential: Option<Value>,
}

impl From<Verification> for VerificationDto {
    fn from(v: Verification) -> Self {
        let s = v.summary;
        Self {
            verified: v.report.verified(),
            kind: v.report.kind,
            summary: CredentialSummaryDto {
                name: s.name,
                description: s.description,
                issuer_name: s.issuer_name,
                issuer_id: s.issuer_id,
                recipient: s.recipient,
                issued: s.issued,
                expires: s.expires,
            },
            checks: v
                .report
                .checks
                .into_iter()
                .map(|c| CheckDto {
                    id: c.id.to_owned(),
                    title: c.title.to_owned(),
                    outcome: match c.outcome {
                        Outcome::Passed => OutcomeDto::Passed,
                        Outcome::Failed => OutcomeDto::Failed,
                        Outcome::Skipped => OutcomeDto::Skipped,
                    },
                    reason: c.reason,
                })
                .collect(),
            credential: v.report.credential,
        }
    }
}

/// Who is asking, for the per-address limit (no account needed).
#[derive(Debug)]
pub(super) struct Caller(RequestMeta);

impl FromRequestParts<WebState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(request_meta(
            parts,
            state.settings.trust_proxy_headers,
        )))
    }
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Verifies a credential from any issuer. Send the credential itself as the
/// body with its content type, or `{"url": "…"}` as `application/json` to
/// have Cairn fetch it. Documents the credential names (issuer profile,
/// keys, status lists, Open Badges 2.0 badge class, issuer and revocation
/// list) are fetched over https, at most 1 MB each and 10 in all. A
/// credential that fails verification, or cannot be fetched, is still a
/// `200` report: look at `verified` and the checks.
#[utoipa::path(post, path = "/api/v1/verify", tag = "verification", security(()),
    request_body(description = "The credential (at most 5 MB), or its address",
        content((VerifyUrlDto = "application/json"), ("application/ld+json"), ("application/vc+jwt"), ("text/plain"),
            ("image/png"), ("image/svg+xml"), ("application/octet-stream"))),
    responses((status = 200, body = VerificationDto), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(super) async fn verify(
    State(state): State<WebState>,
    Caller(meta): Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<VerificationDto>, ApiError> {
    let bytes = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The credential is larger than 5 MB; no badge is that large.",
        )
    })?;
    let media = media_type(&headers);
    let address = (media == "application/json")
        .then(|| serde_json::from_slice::<VerifyUrlDto>(&bytes).ok())
        .flatten();
    let input = match address {
        Some(dto) => VerifyInput::Url(dto.url),
        None => VerifyInput::Bytes(bytes.to_vec()),
    };
    let verification = state.app.verify_for_visitor(input, &meta).await?;
    Ok(Json(verification.into()))
}

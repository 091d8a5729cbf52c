//! The one mapping from use-case errors to HTTP: a status and a message a
//! person understands. Internal details are logged, never shown.

use crate::templates::{ErrorPage, PageCtx, render};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use serde::Serialize;

/// The status for each kind of error.
pub(crate) fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The text shown to people (internal errors get a generic sentence).
pub(crate) fn public_message(err: &AppError) -> String {
    match err {
        AppError::Internal(inner) => {
            tracing::error!(error = %format!("{inner:#}"), "internal error");
            "Something went wrong on our side. Please try again; if it keeps happening, tell the administrator.".into()
        }
        AppError::Invalid(fields) => {
            let first = fields
                .iter()
                .next()
                .map(|f| f.message.clone())
                .unwrap_or_default();
            if fields.iter().count() > 1 {
                format!("{first} (and more problems)")
            } else {
                first
            }
        }
        other => other.to_string(),
    }
}

/// An error answered with an HTML page.
#[derive(Debug)]
pub enum PageError {
    /// A use-case error, shown on an error page.
    App(AppError, Box<PageCtx>),
    /// Not signed in: go to the login page, then come back.
    LoginRequired { next: String },
}

impl PageError {
    pub(crate) fn new(err: AppError, ctx: &PageCtx) -> Self {
        PageError::App(err, Box::new(ctx.clone()))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::LoginRequired { next } => {
                let target = format!(
                    "/login?next={}",
                    percent_encoding::utf8_percent_encode(
                        &next,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                );
                Redirect::to(&target).into_response()
            }
            PageError::App(err, ctx) => {
                let status = status_of(&err);
                let title = match status {
                    StatusCode::NOT_FOUND => "Not found",
                    StatusCode::FORBIDDEN => "Not allowed",
                    StatusCode::UNAUTHORIZED => "Please log in",
                    StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
                    StatusCode::CONFLICT => "That clashes with something",
                    StatusCode::UNPROCESSABLE_ENTITY => "Please check what you entered",
                    _ => "Something went wrong",
                };
                let page = ErrorPage {
                    ctx: *ctx,
                    title: title.into(),
                    message: public_message(&err),
                };
                let mut response = (status, render(&page)).into_response();
                if let AppError::RateLimited { retry_after_secs } = err
                    && let Ok(v) = retry_after_secs.to_string().parse()
                {
                    response.headers_mut().insert(http::header::RETRY_AFTER, v);
                }
                response
            }
        }
    }
}

/// The JSON shape of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status.
    pub status: u16,
    /// A stable code: `not_found`, `forbidden`, `unauthenticated`,
    /// `invalid`, `conflict`, `rate_limited`, `bad_request`, `payload_too_large`,
    /// `unsupported_media_type`, `method_not_allowed`, `unavailable`, `internal`.
    pub code: String,
    /// A sentence a person understands.
    pub message: String,
    /// Per-field problems, for `invalid` (and `conflict` when tied to a field).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

/// One problem with one field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) fields: Vec<FieldProblem>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let status = status_of(&err);
        let code = match &err {
            AppError::NotFound(_) => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Unauthenticated(_) => "unauthenticated",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        };
        let fields = match &err {
            AppError::Invalid(fields) => fields
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    message: f.message.clone(),
                })
                .collect(),
            AppError::Conflict {
                field: Some(field),
                message,
            } => vec![FieldProblem {
                field: field.clone(),
                message: message.clone(),
            }],
            _ => Vec::new(),
        };
        let message = match &err {
            AppError::Invalid(_) => "Some fields are not valid.".to_owned(),
            other => public_message(other),
        };
        Self {
            status,
            code,
            message,
            fields,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code.into(),
                message: self.message,
                fields: self.fields,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

//! Extractors: who is asking (from the session cookie or an API token),
//! the page context every template needs, and form bodies whose CSRF token
//! is checked before the handler runs.

use crate::WebState;
use crate::cookies;
use crate::error::{ApiError, PageError};
use crate::templates::{ErrorPage, FlashMessage, NavUser, PageCtx, render};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::accounts::Principal;
use cairn_app::{AppError, RequestMeta};
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// The CSRF cookie value of this request (set by the cookie layer when the
/// browser had none yet).
#[derive(Clone, Debug)]
pub(crate) struct CsrfCookie(pub String);

/// Everything a page handler needs about the request.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub principal: Option<Principal>,
    pub meta: RequestMeta,
    pub page: PageCtx,
}

impl Ctx {
    /// The signed-in person, or a redirect to the login page.
    pub fn require(&self) -> Result<&Principal, PageError> {
        self.principal
            .as_ref()
            .ok_or_else(|| PageError::LoginRequired {
                next: self.page.path.clone(),
            })
    }

    /// Wraps a use-case error for an error page.
    pub fn err(&self, err: AppError) -> PageError {
        PageError::new(err, &self.page)
    }
}

pub(crate) fn request_meta(parts: &Parts, trust_proxy: bool) -> RequestMeta {
    let forwarded = trust_proxy
        .then(|| {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
        })
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned());
    let ip = forwarded.or_else(|| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
    });
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    RequestMeta { ip, user_agent }
}

async fn session_principal(
    state: &WebState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, AppError> {
    match cookies::get(headers, cookies::SESSION) {
        Some(token) if !token.is_empty() => state.app.authenticate_session(&token).await,
        _ => Ok(None),
    }
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let csrf_cookie = parts
            .extensions
            .get::<CsrfCookie>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let flash = cookies::get(&parts.headers, cookies::FLASH)
            .and_then(|v| cookies::read_flash(&state.settings.secret_key, &v))
            .map(|(kind, message)| FlashMessage { kind, message });
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
        let mut page = PageCtx {
            csrf: cookies::csrf_token(&state.settings.secret_key, &csrf_cookie),
            user: None,
            flash,
            path,
        };
        let principal = session_principal(state, &parts.headers)
            .await
            .map_err(|e| PageError::new(e, &page))?;
        let unread = match &principal {
            Some(p) => state
                .app
                .unread_notifications(p)
                .await
                .map_err(|e| PageError::new(e, &page))?,
            None => 0,
        };
        page.user = principal.as_ref().map(|p| NavUser {
            name: p.user.display_name.clone(),
            platform_admin: p.user.platform_admin,
            unverified: !p.actor.email_verified,
            unread,
        });
        Ok(Ctx {
            principal,
            meta: request_meta(parts, state.settings.trust_proxy_headers),
            page,
        })
    }
}

/// A form body, accepted only with a valid CSRF token in its `csrf` field.
#[derive(Debug)]
pub(crate) struct CsrfForm<T>(pub T);

pub(crate) fn form_expired() -> Response {
    let page = ErrorPage {
        ctx: PageCtx::default(),
        title: "This form has expired".into(),
        message:
            "For your security the form could not be sent. Go back, reload the page and try again."
                .into(),
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

/// Whether a submitted CSRF token matches the browser's CSRF cookie.
pub(crate) fn csrf_ok(state: &WebState, cookie: &str, submitted: Option<&str>) -> bool {
    let ok = submitted.is_some_and(|token| {
        !cookie.is_empty() && cookies::csrf_valid(&state.settings.secret_key, cookie, token)
    });
    if !ok {
        tracing::info!("form refused: missing or wrong CSRF token");
    }
    ok
}

impl<T: DeserializeOwned + Send> FromRequest<WebState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send this form as application/x-www-form-urlencoded.",
            )
                .into_response());
        }
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| (StatusCode::PAYLOAD_TOO_LARGE, e.body_text()).into_response())?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).unwrap_or_default();
        let submitted = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        let cookie = parts
            .extensions
            .get::<CsrfCookie>()
            .map(|c| c.0.as_str())
            .unwrap_or_default();
        if !csrf_ok(state, cookie, submitted) {
            return Err(form_expired());
        }
        let value = serde_html_form::from_bytes::<T>(&bytes).map_err(|e| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("The form could not be read: {e}"),
            )
                .into_response()
        })?;
        Ok(CsrfForm(value))
    }
}

/// The caller of an API endpoint: a bearer token or a session cookie.
#[derive(Debug)]
pub(crate) struct ApiAuth {
    pub principal: Principal,
    pub meta: RequestMeta,
}

impl FromRequestParts<WebState> for ApiAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let meta = request_meta(parts, state.settings.trust_proxy_headers);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|v| v.trim().to_owned());
        let principal = match bearer {
            Some(token) => state
                .app
                .authenticate_api_token(&token)
                .await?
                .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "This API token is not valid, has expired or was revoked."))?,
            None => session_principal(state, &parts.headers).await?.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "Authentication required: send a personal API token as `Authorization: Bearer …`, or log in.",
                )
            })?,
        };
        Ok(ApiAuth { principal, meta })
    }
}

/// A JSON body whose problems are answered in the API's error shape.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<WebState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

/// Query parameters whose problems are answered in the API's error shape.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<WebState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("The query parameters are not valid: {}", e.body_text()),
                )
            })
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with `Content-Type: application/json`.",
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("The body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!(
                "The JSON does not have the expected fields: {}",
                e.body_text()
            ),
        ),
        JsonRejection::BytesRejection(_) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        ),
        other => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
    }
}

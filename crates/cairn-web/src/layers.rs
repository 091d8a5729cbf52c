//! Middleware around every route: security headers, the CSRF cookie and
//! flash clearing, refusal of cross-site writes, metrics, body limits,
//! timeouts, panics, request logs, and clean 404/405 answers.

use crate::WebState;
use crate::cookies;
use crate::error::ApiError;
use crate::extract::CsrfCookie;
use crate::templates::{ErrorPage, PageCtx, render};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

pub(crate) fn apply(routes: Router<WebState>, state: WebState) -> Router {
    let max_body = state.settings.max_body_bytes;
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), cookie_layer))
        .layer(middleware::from_fn_with_state(state.clone(), refuse_cross_site_writes))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn(record_metrics))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static(REFERRER_POLICY)))
        .layer(middleware::from_fn(time_limit))
        .layer(CatchPanicLayer::custom(|_| internal_error()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        .layer(middleware::from_fn_with_state(state.clone(), remembered_answers))
        .with_state(state)
}

/// Answers what anonymous visitors were answered a moment ago about a
/// badge straight from memory, before the rest of the stack: a widely
/// shared badge costs little more than a static file. The answer carries
/// the headers the stack would have added (security headers; no CSRF
/// cookie, as the page has no form for a visitor).
async fn remembered_answers(State(state): State<WebState>, req: Request, next: Next) -> Response {
    match crate::routes::remembered_for_visitor(&state, &req) {
        Some(mut response) => {
            security_headers(response.headers_mut());
            metrics::counter!("cairn_http_requests_total", "method" => "GET", "route" => "/badges/{id}", "status" => "200").increment(1);
            response
        }
        None => next.run(req).await,
    }
}

/// The security headers every answer carries (the layers in [`apply`]
/// add the same).
fn security_headers(headers: &mut axum::http::HeaderMap) {
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY),
    );
}

/// How long a request may take, body included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an evidence upload may take: several hundred megabytes over a
/// school's connection can take many minutes.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);

/// Whether a request is an evidence upload (the page's or the API's: the
/// routes that take large bodies).
fn is_upload(path: &str) -> bool {
    (path.starts_with("/enrollments/") || path.starts_with("/api/v1/enrollments/"))
        && path.ends_with("/files")
}

/// Ends a request that takes too long with 408; uploads get longer.
async fn time_limit(req: Request, next: middleware::Next) -> Response {
    let limit = if is_upload(req.uri().path()) {
        UPLOAD_TIMEOUT
    } else {
        REQUEST_TIMEOUT
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

fn wants_json(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

fn html_error(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        ctx: PageCtx::default(),
        title: title.into(),
        message: message.into(),
    };
    (status, render(&page)).into_response()
}

fn internal_error() -> Response {
    tracing::error!("a request handler panicked");
    html_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Something went wrong on our side. Please try again.",
    )
}

async fn not_found(req: Request) -> Response {
    if wants_json(&req) {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("There is no endpoint at {}.", req.uri().path()),
        )
        .into_response()
    } else {
        html_error(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is no page at this address. Check the link, or start again from the home page.",
        )
    }
}

async fn method_not_allowed(req: Request) -> Response {
    let message = format!("{} is not allowed at {}.", req.method(), req.uri().path());
    if wants_json(&req) {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message,
        )
        .into_response()
    } else {
        html_error(StatusCode::METHOD_NOT_ALLOWED, "Not allowed", &message)
    }
}

/// Gives every browser a CSRF cookie, and removes a flash message once shown.
async fn cookie_layer(State(state): State<WebState>, mut req: Request, next: Next) -> Response {
    let secure = state.settings.secure_cookies;
    let existing = cookies::get(req.headers(), cookies::CSRF).filter(|v| v.len() >= 32);
    let had_flash = cookies::get(req.headers(), cookies::FLASH).is_some();
    let csrf = existing.clone().unwrap_or_else(cookies::random_value);
    req.extensions_mut().insert(CsrfCookie(csrf.clone()));
    let mut response = next.run(req).await;
    if existing.is_none() {
        cookies::append(
            response.headers_mut(),
            cookies::set(cookies::CSRF, &csrf, None, secure),
        );
    }
    let sets_flash = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.to_str()
                .is_ok_and(|s| s.starts_with(&format!("{}=", cookies::FLASH)))
        });
    if had_flash && !sets_flash && !response.status().is_redirection() {
        cookies::append(
            response.headers_mut(),
            cookies::clear(cookies::FLASH, secure),
        );
    }
    response
}

/// Refuses state-changing requests that a browser marks as coming from
/// another site (defence in depth beside CSRF tokens and SameSite cookies).
/// A request's `Origin` must be this server as the browser reached it
/// (`Host`) or as configured (`public_url`).
async fn refuse_cross_site_writes(
    State(state): State<WebState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req.headers().contains_key(header::AUTHORIZATION);
    if !safe && !bearer {
        let header_text = |name| {
            req.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        let cross_site =
            header_text(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site");
        let foreign_origin = header_text(header::ORIGIN).is_some_and(|origin| {
            let public = state
                .app
                .settings()
                .public_url
                .origin()
                .ascii_serialization();
            let same_host = url::Url::parse(origin)
                .ok()
                .zip(header_text(header::HOST))
                .is_some_and(|(o, host)| {
                    let authority = match o.port() {
                        Some(port) => format!("{}:{port}", o.host_str().unwrap_or_default()),
                        None => o.host_str().unwrap_or_default().to_owned(),
                    };
                    authority == host
                });
            origin != public && !same_host
        });
        if cross_site || foreign_origin {
            tracing::info!(path = %req.uri().path(), "refused a cross-site write");
            return if wants_json(&req) {
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "Cross-site requests are not allowed.",
                )
                .into_response()
            } else {
                html_error(
                    StatusCode::FORBIDDEN,
                    "Not allowed",
                    "This form was sent from another site and was refused.",
                )
            };
        }
    }
    next.run(req).await
}

/// Counts requests and their durations by route and status.
async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("cairn_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("cairn_http_request_duration_seconds", "method" => method, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_evidence_uploads_get_the_long_time_limit() {
        assert!(super::is_upload("/enrollments/0192/files"));
        assert!(super::is_upload("/api/v1/enrollments/0192/files"));
        assert!(!super::is_upload("/enrollments/0192"));
        assert!(!super::is_upload("/api/v1/enrollments/0192/comments"));
        assert!(!super::is_upload("/orgs/x/settings/logo"));
    }
}

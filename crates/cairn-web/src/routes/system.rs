//! Health, readiness, metrics and the stylesheet.

use crate::WebState;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_store::Repos;
use cairn_store::jobs::JobStatus;

const STYLESHEET: &str = include_str!("../../static/cairn.css");
const DESIGNER_SCRIPT: &str = include_str!("../../static/designer.js");

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_page))
        .route("/static/cairn.css", get(stylesheet))
        .route("/static/designer.js", get(designer_script))
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers and is migrated.
async fn readyz(State(state): State<WebState>) -> Response {
    match state.app.ready().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {}", crate::error::public_message(&err)),
            )
                .into_response()
        }
    }
}

/// Prometheus metrics.
async fn metrics_page(State(state): State<WebState>) -> Response {
    for status in JobStatus::ALL {
        if let Ok(count) = state.app.store().jobs().count(status).await {
            #[expect(clippy::cast_precision_loss, reason = "a job count fits a gauge")]
            metrics::gauge!("cairn_jobs", "status" => status.name()).set(count as f64);
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

async fn designer_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        DESIGNER_SCRIPT,
    )
        .into_response()
}

//! Cairn's HTTP layer: server-rendered pages that work without
//! JavaScript, the JSON API under `/api/v1`, health and metrics. Handlers
//! are thin: extract, call one use case in `cairn-app`, render.
//!
//! Only this crate knows HTTP: statuses, cookies, CSRF, headers.

mod api;
mod cookies;
mod error;
mod extract;
pub mod files;
mod layers;
mod routes;
mod templates;

pub use error::{ApiError, PageError};

use axum::Router;
use cairn_app::App;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};

/// Settings only the web layer needs.
#[derive(Clone)]
pub struct WebSettings {
    /// Mark cookies `Secure` (when Cairn is served over https).
    pub secure_cookies: bool,
    /// The key that signs CSRF tokens and flash messages.
    pub secret_key: Vec<u8>,
    /// Take the client's address from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy_headers: bool,
    /// The largest request body accepted outside upload routes, in bytes.
    pub max_body_bytes: usize,
}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("secure_cookies", &self.secure_cookies)
            .field("secret_key", &"<redacted>")
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// What every handler can reach. Every layer and route clones it for each
/// request, so it is one shared pointer (one counter to bump).
#[derive(Clone, Debug)]
pub struct WebState(Arc<Shared>);

/// What [`WebState`] points to.
#[derive(Debug)]
pub struct Shared {
    pub(crate) app: App,
    pub(crate) settings: WebSettings,
    pub(crate) metrics: PrometheusHandle,
}

impl std::ops::Deref for WebState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The process-wide metrics recorder (installed once, shared by every router).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (several apps in one
            // test process); then this handle still renders our metrics.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Builds the whole HTTP application.
pub fn router(app: App, settings: WebSettings) -> Router {
    let state = WebState(Arc::new(Shared {
        app,
        settings,
        metrics: metrics_handle(),
    }));
    let routes = routes::router().merge(api::router());
    layers::apply(routes, state)
}

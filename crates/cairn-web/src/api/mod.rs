use crate::WebState; use axum::Router; pub(crate) fn router() -> Router<WebState> { Router::new() }

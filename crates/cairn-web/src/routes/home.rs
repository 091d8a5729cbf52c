//! The home page.

use crate::WebState;
use crate::error::PageError;
use crate::extract::Ctx;
use crate::templates::{PageCtx, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use cairn_store::organizations::Organization;

pub(super) fn router() -> Router<WebState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    organizations: Vec<Organization>,
    my_organizations: Vec<(Organization, String)>,
}

async fn home(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let (organizations, _) = state
        .app
        .organizations(1, 12)
        .await
        .map_err(|e| ctx.err(e))?;
    let my_organizations = match &ctx.principal {
        Some(p) => state
            .app
            .my_organizations(p)
            .await
            .map_err(|e| ctx.err(e))?
            .into_iter()
            .map(|(o, roles)| (o, crate::templates::role_labels(roles)))
            .collect(),
        None => Vec::new(),
    };
    Ok(render(&HomePage {
        ctx: ctx.page,
        organizations,
        my_organizations,
    }))
}

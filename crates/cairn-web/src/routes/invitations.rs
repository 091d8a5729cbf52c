//! The page behind an invitation link: accept into the signed-in
//! account, or create an account for the invited address on the spot.

use super::{Redirect, session_cookie};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, render, role_labels};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::members::InvitationView;
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/invitations/{token}", get(show).post(accept))
        .route("/invitations/{token}/signup", post(accept_with_sign_up))
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    ctx: PageCtx,
    token: String,
    organization: String,
    email: String,
    roles: String,
    account_exists: bool,
    signed_in_as: Option<String>,
    errors: FormErrors,
    display_name: String,
}

fn page(
    ctx: &Ctx,
    token: String,
    view: InvitationView,
    errors: FormErrors,
    display_name: String,
) -> InvitationPage {
    InvitationPage {
        ctx: ctx.page.clone(),
        token,
        organization: view.organization.name,
        email: view.invitation.email,
        roles: role_labels(view.invitation.roles),
        account_exists: view.account_exists,
        signed_in_as: ctx.principal.as_ref().map(|p| {
            p.primary_email
                .as_ref()
                .map_or_else(|| p.user.display_name.clone(), |e| e.email.clone())
        }),
        errors,
        display_name,
    }
}

async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let view = state.app.invitation(&token).await.map_err(|e| ctx.err(e))?;
    Ok(render(&page(
        &ctx,
        token,
        view,
        FormErrors::default(),
        String::new(),
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AcceptForm {}

async fn accept(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<AcceptForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let org = state
        .app
        .accept_invitation(principal, &token, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/orgs/{}", org.slug))
        .success(format!("Welcome to {}.", org.name))
        .into_response_with(&state))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignUpForm {
    display_name: String,
    password: String,
}

async fn accept_with_sign_up(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .accept_invitation_with_sign_up(&token, &form.display_name, &form.password, &ctx.meta)
        .await
    {
        Ok((org, session)) => Ok(Redirect::to(format!("/orgs/{}", org.slug))
            .cookie(session_cookie(&state, &session))
            .success(format!("Your account is ready. Welcome to {}.", org.name))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = super::form_errors(&ctx, err)?;
            let view = state.app.invitation(&token).await.map_err(|e| ctx.err(e))?;
            Ok((
                status,
                render(&page(&ctx, token, view, errors.into(), form.display_name)),
            )
                .into_response())
        }
    }
}

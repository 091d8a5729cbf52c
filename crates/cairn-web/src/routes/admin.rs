//! Platform administration: the one-time set-up page that creates the
//! first administrator, and the list of accounts.

use super::auth::TokenQuery;
use super::{Redirect, session_cookie};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, date, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::SignUp;
use cairn_domain::UserId;
use cairn_domain::token::TokenPurpose;
use serde::Deserialize;
use uuid::Uuid;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/admin", get(users))
        .route("/admin/setup", get(setup_form).post(setup))
        .route("/admin/users/{id}/creator", post(set_creator))
}

#[derive(Template)]
#[template(path = "admin/setup.html")]
struct SetupPage {
    ctx: PageCtx,
    token: String,
    display_name: String,
    email: String,
    errors: FormErrors,
}

async fn setup_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    state
        .app
        .check_token(&q.token, TokenPurpose::AdminSetup)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&SetupPage {
        ctx: ctx.page,
        token: q.token,
        display_name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SetupForm {
    token: String,
    display_name: String,
    email: String,
    password: String,
}

async fn setup(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<Response, PageError> {
    let input = SignUp {
        display_name: &form.display_name,
        email: &form.email,
        password: &form.password,
    };
    match state
        .app
        .complete_admin_setup(&form.token, input, &ctx.meta)
        .await
    {
        Ok(session) => Ok(Redirect::to("/admin")
            .cookie(session_cookie(&state, &session))
            .success("You are the platform administrator. Next, create an organization.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = super::form_errors(&ctx, err)?;
            Ok((
                status,
                render(&SetupPage {
                    ctx: ctx.page,
                    token: form.token,
                    display_name: form.display_name,
                    email: form.email,
                    errors: errors.into(),
                }),
            )
                .into_response())
        }
    }
}

struct UserRow {
    id: Uuid,
    name: String,
    email: String,
    joined: String,
    platform_admin: bool,
    creator: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<UserRow>,
    total: u64,
    page: u64,
    has_next: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    page: Option<String>,
}

const PER_PAGE: u64 = 50;

async fn users(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let page = q
        .page
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let (list, total) = state
        .app
        .users(principal, page, PER_PAGE)
        .await
        .map_err(|e| ctx.err(e))?;
    let users = list
        .into_iter()
        .map(|u| UserRow {
            id: u.user.id.0,
            name: u.user.display_name,
            email: u.primary_email.unwrap_or_default(),
            joined: date(u.user.created_at),
            platform_admin: u.user.platform_admin,
            creator: u.user.may_create_organizations,
        })
        .collect();
    Ok(render(&UsersPage {
        ctx: ctx.page,
        users,
        total,
        page,
        has_next: page * PER_PAGE < total,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CreatorForm {
    allowed: String,
}

async fn set_creator(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CreatorForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let user =
        UserId(Uuid::parse_str(&id).map_err(|_| ctx.err(AppError::not_found("The account")))?);
    let allowed = form.allowed == "true";
    state
        .app
        .set_organization_creator(principal, user, allowed, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    let message = if allowed {
        "The account may now create organizations."
    } else {
        "The account may no longer create organizations."
    };
    Ok(Redirect::to("/admin")
        .success(message)
        .into_response_with(&state))
}

//! The account page: name, password, email addresses, sessions and
//! personal API tokens.

use super::Redirect;
use super::auth::{LinkPage, TokenForm, TokenQuery, confirm_link_page};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, date, date_time, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::Principal;
use cairn_domain::token::TokenPurpose;
use cairn_domain::{ApiTokenId, EmailId, SessionId};
use serde::Deserialize;
use uuid::Uuid;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/name", post(rename))
        .route("/account/password", post(change_password))
        .route("/account/emails", post(add_email))
        .route("/account/emails/resend", post(resend_verification))
        .route(
            "/account/emails/confirm",
            get(confirm_email_page).post(confirm_email),
        )
        .route("/account/emails/{id}/primary", post(make_primary))
        .route("/account/emails/{id}/remove", post(remove_email))
        .route("/account/sessions/end-others", post(end_other_sessions))
        .route("/account/sessions/{id}/end", post(end_session))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

struct EmailRow {
    id: Uuid,
    email: String,
    verified: bool,
    primary: bool,
}

struct SessionRow {
    id: Uuid,
    current: bool,
    last_seen: String,
    user_agent: String,
}

struct TokenRow {
    id: Uuid,
    name: String,
    prefix: String,
    created: String,
    last_used: String,
    expires: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageCtx,
    display_name: String,
    emails: Vec<EmailRow>,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    errors: FormErrors,
    form_email: String,
    form_token_name: String,
}

async fn account_page(
    state: &WebState,
    ctx: &Ctx,
    principal: &Principal,
    errors: FormErrors,
    new_token: Option<String>,
) -> Result<AccountPage, PageError> {
    let app = &state.app;
    let emails = app.emails(principal).await.map_err(|e| ctx.err(e))?;
    let sessions = app.sessions(principal).await.map_err(|e| ctx.err(e))?;
    let tokens = app.api_tokens(principal).await.map_err(|e| ctx.err(e))?;
    Ok(AccountPage {
        ctx: ctx.page.clone(),
        display_name: principal.user.display_name.clone(),
        emails: emails
            .into_iter()
            .map(|e| EmailRow {
                id: e.id.0,
                email: e.email,
                verified: e.verified_at.is_some(),
                primary: e.is_primary,
            })
            .collect(),
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                id: s.id.0,
                current: Some(s.id) == principal.session_id,
                last_seen: date_time(s.last_seen_at),
                user_agent: s.user_agent.unwrap_or_else(|| "Unknown browser".into()),
            })
            .collect(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id.0,
                name: t.name,
                prefix: t.token_prefix,
                created: date(t.created_at),
                last_used: t.last_used_at.map_or_else(|| "never".into(), date_time),
                expires: t.expires_at.map_or_else(|| "never".into(), date),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        new_token,
        errors,
        form_email: String::new(),
        form_token_name: String::new(),
    })
}

async fn show(State(state): State<WebState>, ctx: Ctx) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    Ok(render(
        &account_page(&state, &ctx, principal, FormErrors::default(), None).await?,
    ))
}

/// Re-renders the account page with a form's errors, or shows an error page.
async fn form_failure(
    state: &WebState,
    ctx: &Ctx,
    err: AppError,
    fill: impl FnOnce(&mut AccountPage),
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (status, errors) = super::form_errors(ctx, err)?;
    let mut page = account_page(state, ctx, principal, errors.into(), None).await?;
    fill(&mut page);
    Ok((status, render(&page)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NameForm {
    display_name: String,
}

async fn rename(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state.app.rename(principal, &form.display_name).await {
        Ok(()) => Ok(Redirect::to("/account")
            .success("Your name is saved.")
            .into_response_with(&state)),
        Err(err) => form_failure(&state, &ctx, err, |p| p.display_name = form.display_name).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state
        .app
        .change_password(
            principal,
            &form.current_password,
            &form.new_password,
            &ctx.meta,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account")
            .success("Your password is changed. Other devices are logged out.")
            .into_response_with(&state)),
        Err(err) => form_failure(&state, &ctx, err, |_| {}).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmailForm {
    email: String,
}

async fn add_email(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state.app.add_email(principal, &form.email, &ctx.meta).await {
        Ok(()) => Ok(Redirect::to("/account#emails")
            .success(format!(
                "We sent a link to {}. Open it to add the address to your account.",
                form.email.trim()
            ))
            .into_response_with(&state)),
        Err(err) => form_failure(&state, &ctx, err, |p| p.form_email = form.email).await,
    }
}

async fn resend_verification(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state.app.resend_verification(principal).await {
        Ok(()) => Ok(Redirect::to("/account#emails")
            .success("We sent a new verification link.")
            .into_response_with(&state)),
        Err(err) => form_failure(&state, &ctx, err, |_| {}).await,
    }
}

async fn confirm_email_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    confirm_link_page(
        &state,
        ctx,
        q.token,
        &LinkPage {
            purpose: TokenPurpose::AddEmail,
            title: "Add this address to your account",
            message: "Confirm that you want to add this address to your Cairn account.",
            action: "/account/emails/confirm",
            button: "Add the address",
        },
    )
    .await
}

async fn confirm_email(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let added = state
        .app
        .confirm_added_email(&form.token, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    let message = format!("{} is now on your account.", added.email);
    let to = if ctx.principal.is_some() {
        "/account#emails"
    } else {
        "/login"
    };
    Ok(Redirect::to(to).success(message).into_response_with(&state))
}

async fn make_primary(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = EmailId(super::parse_id(&ctx, &id, "The address")?);
    match state.app.make_primary_email(principal, id, &ctx.meta).await {
        Ok(()) => Ok(Redirect::to("/account#emails")
            .success("Your primary address is changed.")
            .into_response_with(&state)),
        Err(err) => form_failure(&state, &ctx, err, |_| {}).await,
    }
}

async fn remove_email(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = EmailId(super::parse_id(&ctx, &id, "The address")?);
    match state.app.remove_email(principal, id, &ctx.meta).await {
        Ok(()) => Ok(Redirect::to("/account#emails")
            .success("The address is removed.")
            .into_response_with(&state)),
        Err(err) => form_failure(&state, &ctx, err, |_| {}).await,
    }
}

async fn end_session(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = SessionId(super::parse_id(&ctx, &id, "The session")?);
    state
        .app
        .end_session(principal, id)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/account#sessions")
        .success("That session is logged out.")
        .into_response_with(&state))
}

async fn end_other_sessions(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let ended = state
        .app
        .end_other_sessions(principal)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/account#sessions")
        .success(format!("Logged out {ended} other session(s)."))
        .into_response_with(&state))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenCreateForm {
    name: String,
    expires_in_days: String,
}

async fn create_token(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<TokenCreateForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let expires = match form.expires_in_days.trim() {
        "" | "never" => Ok(None),
        days => days.parse::<i64>().map(Some).map_err(|_| {
            AppError::invalid("expires_in_days", "Choose a number of days, or no expiry.")
        }),
    };
    let result = match expires {
        Ok(expires) => {
            state
                .app
                .create_api_token(principal, &form.name, expires, &ctx.meta)
                .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(created) => {
            let mut page = account_page(
                &state,
                &ctx,
                principal,
                FormErrors::default(),
                Some(created.secret),
            )
            .await?;
            page.ctx.flash = None;
            Ok(render(&page))
        }
        Err(err) => form_failure(&state, &ctx, err, |p| p.form_token_name = form.name).await,
    }
}

async fn revoke_token(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = ApiTokenId(super::parse_id(&ctx, &id, "The token")?);
    state
        .app
        .revoke_api_token(principal, id, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/account#tokens")
        .success("The token is revoked.")
        .into_response_with(&state))
}

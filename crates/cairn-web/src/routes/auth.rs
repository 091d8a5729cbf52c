//! Sign-up, login and logout, and the pages behind emailed links:
//! address verification, one-time login, password reset.

use super::{Redirect, safe_next, session_cookie};
use crate::WebState;
use crate::cookies;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, MessagePage, PageCtx, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::accounts::SignUp;
use cairn_domain::token::TokenPurpose;
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/signup", get(sign_up_form).post(sign_up))
        .route("/login", get(login_form).post(login))
        .route("/login/link", get(magic_link_page).post(magic_login))
        .route("/login/email", post(request_magic_link))
        .route("/logout", post(logout))
        .route("/verify-email", get(verify_page).post(verify))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignUpPage {
    ctx: PageCtx,
    display_name: String,
    email: String,
    errors: FormErrors,
    open: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignUpForm {
    display_name: String,
    email: String,
    password: String,
}

async fn sign_up_form(State(state): State<WebState>, ctx: Ctx) -> Response {
    if ctx.principal.is_some() {
        return Redirect::to("/account").into_response_with(&state);
    }
    render(&SignUpPage {
        ctx: ctx.page,
        display_name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
        open: state.app.settings().signups_open,
    })
}

async fn sign_up(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, PageError> {
    let input = SignUp {
        display_name: &form.display_name,
        email: &form.email,
        password: &form.password,
    };
    match state.app.sign_up(input, &ctx.meta).await {
        Ok(()) => Ok(render(&MessagePage {
            ctx: ctx.page,
            title: "Check your email".into(),
            message: format!(
                "We sent a message to {}. Open the link in it to verify your address and finish signing up. The link works for 48 hours.",
                form.email.trim()
            ),
            link: None,
        })),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&SignUpPage {
                ctx: ctx.page,
                display_name: form.display_name,
                email: form.email,
                errors: errors.into(),
                open: true,
            }),
        )
            .into_response()),
        Err(err) => Err(ctx.err(err)),
    }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageCtx,
    email: String,
    next: String,
    errors: FormErrors,
    problem: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: String,
}

async fn login_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> Response {
    if ctx.principal.is_some() {
        return Redirect::to(safe_next(q.next.as_deref())).into_response_with(&state);
    }
    render(&LoginPage {
        ctx: ctx.page,
        email: String::new(),
        next: q.next.unwrap_or_default(),
        errors: FormErrors::default(),
        problem: None,
    })
}

async fn login(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .log_in(&form.email, &form.password, &ctx.meta)
        .await
    {
        Ok(session) => Ok(Redirect::to(safe_next(Some(&form.next)))
            .cookie(session_cookie(&state, &session))
            .success("You are logged in.")
            .into_response_with(&state)),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&LoginPage {
                ctx: ctx.page,
                email: form.email,
                next: form.next,
                errors: errors.into(),
                problem: None,
            }),
        )
            .into_response()),
        Err(err @ (AppError::Unauthenticated(_) | AppError::RateLimited { .. })) => {
            let status = crate::error::status_of(&err);
            Ok((
                status,
                render(&LoginPage {
                    ctx: ctx.page,
                    email: form.email,
                    next: form.next,
                    errors: FormErrors::default(),
                    problem: Some(err.to_string()),
                }),
            )
                .into_response())
        }
        Err(err) => Err(ctx.err(err)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmailForm {
    email: String,
}

async fn request_magic_link(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    match state.app.request_magic_link(&form.email, &ctx.meta).await {
        Ok(()) => Ok(render(&MessagePage {
            ctx: ctx.page,
            title: "Check your email".into(),
            message: format!(
                "If an account uses {}, we sent it a link to log in. The link works once, for 15 minutes.",
                form.email.trim()
            ),
            link: None,
        })),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&LoginPage {
                ctx: ctx.page,
                email: form.email,
                next: String::new(),
                errors: errors.into(),
                problem: None,
            }),
        )
            .into_response()),
        Err(err) => Err(ctx.err(err)),
    }
}

async fn logout(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    if let Some(principal) = &ctx.principal {
        state.app.log_out(principal).await.map_err(|e| ctx.err(e))?;
    }
    Ok(Redirect::to("/")
        .cookie(cookies::clear(
            cookies::SESSION,
            state.settings.secure_cookies,
        ))
        .info("You are logged out.")
        .into_response_with(&state))
}

/// The page behind an emailed link: it asks for a click, because mail
/// scanners open links and must not use them up.
#[derive(Template)]
#[template(path = "auth/confirm_link.html")]
pub(crate) struct ConfirmLinkPage {
    pub ctx: PageCtx,
    pub title: String,
    pub message: String,
    pub action: String,
    pub token: String,
    pub button: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TokenQuery {
    pub token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TokenForm {
    pub token: String,
}

/// The words of a page behind an emailed link.
#[derive(Clone, Copy)]
pub(crate) struct LinkPage {
    pub purpose: TokenPurpose,
    pub title: &'static str,
    pub message: &'static str,
    pub action: &'static str,
    pub button: &'static str,
}

pub(crate) async fn confirm_link_page(
    state: &WebState,
    ctx: Ctx,
    token: String,
    page: &LinkPage,
) -> Result<Response, PageError> {
    let LinkPage {
        purpose,
        title,
        message,
        action,
        button,
    } = *page;
    state
        .app
        .check_token(&token, purpose)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&ConfirmLinkPage {
        ctx: ctx.page,
        title: title.into(),
        message: message.into(),
        action: action.into(),
        token,
        button: button.into(),
    }))
}

async fn verify_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    confirm_link_page(
        &state,
        ctx,
        q.token,
        &LinkPage {
            purpose: TokenPurpose::VerifyEmail,
            title: "Verify your email address",
            message: "Confirm that this address is yours.",
            action: "/verify-email",
            button: "Verify my address",
        },
    )
    .await
}

async fn verify(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let session = state
        .app
        .verify_email(&form.token, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/account")
        .cookie(session_cookie(&state, &session))
        .success("Thank you: your email address is verified.")
        .into_response_with(&state))
}

async fn magic_link_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    confirm_link_page(
        &state,
        ctx,
        q.token,
        &LinkPage {
            purpose: TokenPurpose::MagicLogin,
            title: "Log in to Cairn",
            message: "This link logs you in once.",
            action: "/login/link",
            button: "Log in",
        },
    )
    .await
}

async fn magic_login(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let session = state
        .app
        .magic_login(&form.token, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/account")
        .cookie(session_cookie(&state, &session))
        .success("You are logged in.")
        .into_response_with(&state))
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: PageCtx,
    email: String,
    errors: FormErrors,
}

async fn forgot_form(ctx: Ctx) -> Response {
    render(&ForgotPage {
        ctx: ctx.page,
        email: String::new(),
        errors: FormErrors::default(),
    })
}

async fn forgot(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .request_password_reset(&form.email, &ctx.meta)
        .await
    {
        Ok(()) => Ok(render(&MessagePage {
            ctx: ctx.page,
            title: "Check your email".into(),
            message: format!(
                "If an account uses {}, we sent it a link to choose a new password. The link works for one hour.",
                form.email.trim()
            ),
            link: None,
        })),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ForgotPage {
                ctx: ctx.page,
                email: form.email,
                errors: errors.into(),
            }),
        )
            .into_response()),
        Err(err) => Err(ctx.err(err)),
    }
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    ctx: PageCtx,
    token: String,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResetForm {
    token: String,
    password: String,
}

async fn reset_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    state
        .app
        .check_token(&q.token, TokenPurpose::PasswordReset)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(render(&ResetPage {
        ctx: ctx.page,
        token: q.token,
        errors: FormErrors::default(),
    }))
}

async fn reset(
    State(state): State<WebState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .reset_password(&form.token, &form.password, &ctx.meta)
        .await
    {
        Ok(session) => Ok(Redirect::to("/account")
            .cookie(session_cookie(&state, &session))
            .success("Your password is changed, and other devices are logged out.")
            .into_response_with(&state)),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ResetPage {
                ctx: ctx.page,
                token: form.token,
                errors: errors.into(),
            }),
        )
            .into_response()),
        Err(err) => Err(ctx.err(err)),
    }
}

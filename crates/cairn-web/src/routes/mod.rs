//! Pages. Modules mirror URLs: `auth` (sign-up, login, links), `account`,
//! `orgs` (organizations, departments), `members`, `invitations`, `admin`,
//! `catalog` (the catalog, micro-credential and stack pages, badge images),
//! `authoring` (an organization's micro-credentials, levels, templates,
//! stacks), `earning` (joining, enrollments, evidence, reviews, coaching,
//! notifications), `reviews` (the review queue and rules), `badges` (an
//! award's page, downloads, verification, sharing, certificate, privacy and
//! revocation), `issuers` (issuer
//! Profiles, keys, status lists, Open Badges 2.0 documents), `sponsorships`,
//! `payments`, `verifier` (the public verifier: any issuer's credential by
//! file, paste or address), `backpack` (the earner's badges, imports,
//! export, public profile, and the platform's transcript issuer), and
//! `system` (health, metrics, static files).

mod account;
mod admin;
mod auth;
mod authoring;
mod backpack;
mod badges;
pub(crate) use badges::remembered_for_visitor;
mod bulk;
mod catalog;
mod earning;
mod home;
mod invitations;
mod issuers;
mod members;
mod orgs;
mod payments;
mod reviews;
mod sponsorships;
mod system;
mod verifier;

use crate::WebState;
use crate::cookies;
use crate::error::PageError;
use crate::extract::Ctx;
use axum::Router;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::accounts::NewSessionToken;
use cairn_domain::FieldErrors;

pub(crate) fn router() -> Router<WebState> {
    Router::new()
        .merge(home::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(orgs::router())
        .merge(catalog::router())
        .merge(authoring::router())
        .merge(earning::router())
        .merge(backpack::router())
        .merge(reviews::router())
        .merge(badges::router())
        .merge(bulk::router())
        .merge(members::router())
        .merge(sponsorships::router())
        .merge(payments::router())
        .merge(invitations::router())
        .merge(issuers::router())
        .merge(admin::router())
        .merge(verifier::router())
        .merge(system::router())
}

/// The field errors a form shows again with the person's input, or the
/// error page for any other failure.
pub(crate) fn form_errors(
    ctx: &Ctx,
    err: AppError,
) -> Result<(StatusCode, FieldErrors), PageError> {
    match err {
        AppError::Invalid(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors)),
        AppError::Conflict {
            field: Some(field),
            message,
        } => Ok((StatusCode::CONFLICT, FieldErrors::single(&field, message))),
        other => Err(ctx.err(other)),
    }
}

/// Like [`form_errors`], but a conflict that names no field (a record that
/// changed since the form was opened) is shown on the form as `field`
/// rather than as an error page.
pub(crate) fn form_errors_or_conflict(
    ctx: &Ctx,
    err: AppError,
    field: &str,
) -> Result<(StatusCode, FieldErrors), PageError> {
    match err {
        AppError::Conflict {
            field: None,
            message,
        } => Ok((StatusCode::CONFLICT, FieldErrors::single(field, message))),
        other => form_errors(ctx, other),
    }
}

/// An id from a path, or "not found" (a mistyped id names nothing).
pub(crate) fn parse_id(ctx: &Ctx, id: &str, what: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(id).map_err(|_| ctx.err(AppError::not_found(what)))
}

/// A "303 See Other" to `to`, optionally with a flash message and cookies.
pub(crate) struct Redirect {
    to: String,
    flash: Option<(&'static str, String)>,
    cookies: Vec<HeaderValue>,
}

impl Redirect {
    pub fn to(to: impl Into<String>) -> Self {
        Self {
            to: to.into(),
            flash: None,
            cookies: Vec::new(),
        }
    }
    pub fn success(mut self, message: impl Into<String>) -> Self {
        self.flash = Some(("success", message.into()));
        self
    }
    pub fn info(mut self, message: impl Into<String>) -> Self {
        self.flash = Some(("info", message.into()));
        self
    }
    pub fn cookie(mut self, value: HeaderValue) -> Self {
        self.cookies.push(value);
        self
    }
    pub fn into_response_with(self, state: &WebState) -> Response {
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(location) = HeaderValue::from_str(&self.to) {
            response.headers_mut().insert(LOCATION, location);
        }
        if let Some((kind, message)) = self.flash {
            let value = cookies::flash_value(&state.settings.secret_key, kind, &message);
            cookies::append(
                response.headers_mut(),
                cookies::set(
                    cookies::FLASH,
                    &value,
                    Some(60),
                    state.settings.secure_cookies,
                ),
            );
        }
        for c in self.cookies {
            cookies::append(response.headers_mut(), c);
        }
        response
    }
}

/// The cookie that carries a new session.
pub(crate) fn session_cookie(state: &WebState, session: &NewSessionToken) -> HeaderValue {
    let max_age = state.app.settings().session_days * 24 * 3600;
    cookies::set(
        cookies::SESSION,
        &session.token,
        Some(max_age),
        state.settings.secure_cookies,
    )
}

/// Where to go after logging in: a local path only (no open redirects).
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains("://") =>
        {
            n.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_goes_to_local_paths() {
        assert_eq!(safe_next(Some("/orgs/new")), "/orgs/new");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(Some("/\\evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
    }
}

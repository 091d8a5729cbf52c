//! An organization's members: the list with roles, invitations, leaving.

use super::Redirect;
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, RoleOption, date, render, role_labels, role_options};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cairn_app::AppError;
use cairn_domain::role::RoleSet;
use cairn_domain::{InvitationId, UserId};
use cairn_store::organizations::Organization;
use serde::Deserialize;
use uuid::Uuid;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs/{slug}/members", axum::routing::get(show))
        .route("/orgs/{slug}/invitations", post(invite))
        .route("/orgs/{slug}/invitations/{id}/revoke", post(revoke))
        .route("/orgs/{slug}/members/{user}/roles", post(change_roles))
        .route("/orgs/{slug}/members/{user}/remove", post(remove))
}

struct MemberRow {
    user_id: Uuid,
    name: String,
    email: String,
    roles: String,
    options: Vec<RoleOption>,
    joined: String,
    is_self: bool,
}

struct InvitationRow {
    id: Uuid,
    email: String,
    roles: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "orgs/members.html")]
struct MembersPage {
    ctx: PageCtx,
    org: Organization,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    errors: FormErrors,
    invite_email: String,
    invite_roles: Vec<RoleOption>,
}

async fn members_page(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    errors: FormErrors,
    invite_email: String,
    invite_roles: RoleSet,
) -> Result<MembersPage, PageError> {
    let principal = ctx.require()?;
    let (org, members, invitations) = state
        .app
        .members(principal, slug)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(MembersPage {
        ctx: ctx.page.clone(),
        org,
        members: members
            .into_iter()
            .map(|m| MemberRow {
                user_id: m.user_id.0,
                name: m.display_name,
                email: m.primary_email.unwrap_or_default(),
                roles: role_labels(m.roles),
                options: role_options(m.roles),
                joined: date(m.joined_at),
                is_self: m.user_id == principal.user.id,
            })
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id.0,
                email: i.email,
                roles: role_labels(i.roles),
                expires: date(i.expires_at),
            })
            .collect(),
        errors,
        invite_email,
        invite_roles: role_options(invite_roles),
    })
}

async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &members_page(
            &state,
            &ctx,
            &slug,
            FormErrors::default(),
            String::new(),
            RoleSet::NONE,
        )
        .await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InviteForm {
    email: String,
    roles: Vec<String>,
}

async fn invite(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let roles: Vec<&str> = form.roles.iter().map(String::as_str).collect();
    match state
        .app
        .invite_member(principal, &slug, &form.email, &roles, &ctx.meta)
        .await
    {
        Ok(invitation) => Ok(Redirect::to(format!("/orgs/{slug}/members"))
            .success(format!("We sent an invitation to {}.", invitation.email))
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = super::form_errors(&ctx, err)?;
            let selected = RoleSet::parse(roles.iter().copied()).unwrap_or(RoleSet::NONE);
            Ok((
                status,
                render(
                    &members_page(&state, &ctx, &slug, errors.into(), form.email, selected).await?,
                ),
            )
                .into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmptyForm {}

async fn revoke(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = InvitationId(super::parse_id(&ctx, &id, "The invitation")?);
    state
        .app
        .revoke_invitation(principal, &slug, id, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to(format!("/orgs/{slug}/members"))
        .success("The invitation is withdrawn.")
        .into_response_with(&state))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RolesForm {
    roles: Vec<String>,
}

async fn change_roles(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, user)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let user = UserId(super::parse_id(&ctx, &user, "The member")?);
    let roles: Vec<&str> = form.roles.iter().map(String::as_str).collect();
    match state
        .app
        .change_member_roles(principal, &slug, user, &roles, &ctx.meta)
        .await
    {
        Ok(()) => Ok(Redirect::to(format!("/orgs/{slug}/members"))
            .success("The roles are saved.")
            .into_response_with(&state)),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(
                &members_page(
                    &state,
                    &ctx,
                    &slug,
                    errors.into(),
                    String::new(),
                    RoleSet::NONE,
                )
                .await?,
            ),
        )
            .into_response()),
        Err(err) => Err(ctx.err(err)),
    }
}

async fn remove(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, user)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let user = UserId(super::parse_id(&ctx, &user, "The member")?);
    state
        .app
        .remove_member(principal, &slug, user, &ctx.meta)
        .await
        .map_err(|e| ctx.err(e))?;
    if user == principal.user.id {
        return Ok(Redirect::to("/account")
            .success("You left the organization.")
            .into_response_with(&state));
    }
    Ok(Redirect::to(format!("/orgs/{slug}/members"))
        .success("The member is removed.")
        .into_response_with(&state))
}

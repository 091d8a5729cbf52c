//! The review queue: an organization's open reviews (administrators see
//! all of them, hand a review to another reviewer, give a reviewer to a
//! submission that waits without one, and set the review rules; a reviewer
//! sees their own).

use super::{Redirect, form_errors, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::accounts::Principal;
use cairn_app::reviewing::{PoolMember, Queue, Unassigned};
use cairn_domain::{EnrollmentId, ReviewId, UserId};
use serde::Deserialize;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs/{org}/reviews", get(review_queue).post(review_rules))
        .route("/orgs/{org}/reviews/{review}/reassign", post(reassign))
        .route(
            "/orgs/{org}/submissions/{enrollment}/reviewer",
            post(assign),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QueueParams {
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "earning/queue.html")]
struct QueuePage {
    ctx: PageCtx,
    q: Queue,
    /// For administrators: the reviewers to hand work to.
    pool: Vec<PoolMember>,
    /// For administrators: submissions waiting without a reviewer.
    unassigned: Vec<Unassigned>,
    errors: FormErrors,
    max_attempts: String,
}

async fn queue_page(
    state: &WebState,
    ctx: &Ctx,
    principal: &Principal,
    org: &str,
    page: u64,
) -> Result<(Queue, Vec<PoolMember>, Vec<Unassigned>), PageError> {
    let app = &state.app;
    let q = app
        .review_queue(principal, org, page)
        .await
        .map_err(|e| ctx.err(e))?;
    let (pool, unassigned) = if q.everyone {
        (
            app.reviewer_pool(principal, org)
                .await
                .map_err(|e| ctx.err(e))?,
            app.awaiting_reviewer(principal, org)
                .await
                .map_err(|e| ctx.err(e))?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok((q, pool, unassigned))
}

async fn review_queue(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    axum::extract::Query(p): axum::extract::Query<QueueParams>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let (q, pool, unassigned) =
        queue_page(&state, &ctx, principal, &org, p.page.unwrap_or(1)).await?;
    Ok(render(&QueuePage {
        max_attempts: q
            .policy
            .max_attempts
            .map(|n| n.to_string())
            .unwrap_or_default(),
        ctx: ctx.page,
        q,
        pool,
        unassigned,
        errors: FormErrors::default(),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RulesForm {
    two_reviews: String,
    max_attempts: String,
}

async fn review_rules(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(org): Path<String>,
    CsrfForm(f): CsrfForm<RulesForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    match state
        .app
        .set_review_policy(
            principal,
            &org,
            !f.two_reviews.is_empty(),
            &f.max_attempts,
            &ctx.meta,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(format!("/orgs/{org}/reviews"))
            .success("The review rules are saved.")
            .into_response_with(&state)),
        Err(err) => {
            let (status, errors) = form_errors(&ctx, err)?;
            let (q, pool, unassigned) = queue_page(&state, &ctx, principal, &org, 1).await?;
            Ok((
                status,
                render(&QueuePage {
                    ctx: ctx.page,
                    q,
                    pool,
                    unassigned,
                    errors: errors.into(),
                    max_attempts: f.max_attempts,
                }),
            )
                .into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReviewerForm {
    reviewer: String,
}

/// The reviewer a form chose, or the field error a person understands.
fn chosen_reviewer(f: &ReviewerForm) -> Result<UserId, cairn_app::AppError> {
    uuid::Uuid::parse_str(f.reviewer.trim())
        .map(UserId)
        .map_err(|_| cairn_app::AppError::invalid("reviewer", "Choose a reviewer."))
}

/// Back to the queue with what happened.
fn back(
    state: &WebState,
    ctx: &Ctx,
    org: &str,
    outcome: Result<String, cairn_app::AppError>,
) -> Result<Response, PageError> {
    let to = format!("/orgs/{org}/reviews");
    match outcome {
        Ok(message) => Ok(Redirect::to(to).success(message).into_response_with(state)),
        Err(err) => {
            let (_, errors) = form_errors(ctx, err)?;
            let message = errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            Ok(Redirect::to(to).info(message).into_response_with(state))
        }
    }
}

async fn reassign(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, review)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ReviewerForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let review = ReviewId(parse_id(&ctx, &review, "The review")?);
    let outcome = match chosen_reviewer(&f) {
        Ok(reviewer) => state
            .app
            .reassign_review(principal, review, reviewer, &ctx.meta)
            .await
            .map(|_| "The review has a new reviewer, who was notified.".to_owned()),
        Err(e) => Err(e),
    };
    back(&state, &ctx, &org, outcome)
}

async fn assign(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((org, enrollment)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ReviewerForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let enrollment = EnrollmentId(parse_id(&ctx, &enrollment, "The submission")?);
    let outcome = match chosen_reviewer(&f) {
        Ok(reviewer) => state
            .app
            .assign_reviewer(principal, enrollment, reviewer, &ctx.meta)
            .await
            .map(|_| "The submission has a reviewer, who was notified.".to_owned()),
        Err(e) => Err(e),
    };
    back(&state, &ctx, &org, outcome)
}

//! An organization's payments (recorded, and enrollments waiting for one),
//! for its administrators.

use super::{Redirect, form_errors, parse_id};
use crate::WebState;
use crate::error::PageError;
use crate::extract::{CsrfForm, Ctx};
use crate::templates::{FormErrors, PageCtx, date, date_time, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cairn_app::AppError;
use cairn_app::payments::{AwaitingRow, CURRENCY, PaymentRow};
use cairn_domain::sponsorship::PaymentStatus;
use cairn_domain::{EnrollmentId, FieldErrors, PaymentId};
use cairn_store::organizations::Organization;
use serde::Deserialize;
use uuid::Uuid;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/orgs/{slug}/payments", get(payments).post(record_payment))
        .route("/orgs/{slug}/payments/{id}/status", post(payment_status))
}

/// An amount for people: `$49.00`, or `49.00 EUR` in another currency.
fn money(cents: u32, currency: &str) -> String {
    let amount = cairn_domain::achievement::fields::two_decimals(cents);
    if currency == "USD" {
        format!("${amount}")
    } else {
        format!("{amount} {currency}")
    }
}

struct StatusOption {
    code: &'static str,
    text: &'static str,
    selected: bool,
}

fn status_text(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Pending => "Pending",
        PaymentStatus::Paid => "Paid",
        PaymentStatus::Failed => "Failed",
        PaymentStatus::Refunded => "Refunded",
    }
}

fn status_options(selected: Option<PaymentStatus>) -> Vec<StatusOption> {
    PaymentStatus::ALL
        .into_iter()
        .map(|s| StatusOption {
            code: s.as_str(),
            text: status_text(s),
            selected: Some(s) == selected,
        })
        .collect()
}

struct PaymentLine {
    id: Uuid,
    learner: String,
    email: String,
    achievement: String,
    amount: String,
    reference: String,
    provider: String,
    status: &'static str,
    status_code: &'static str,
    enrollment: String,
    updated: String,
    options: Vec<StatusOption>,
}

impl From<PaymentRow> for PaymentLine {
    fn from(r: PaymentRow) -> Self {
        Self {
            id: r.payment.id.0,
            learner: r.learner.display_name,
            email: r.learner.primary_email.unwrap_or_default(),
            achievement: r.achievement_title,
            amount: money(r.payment.amount_cents, &r.payment.currency),
            reference: r.payment.reference,
            provider: r.payment.provider,
            status: status_text(r.payment.status),
            status_code: r.payment.status.as_str(),
            enrollment: r
                .enrollment_state
                .map(|s| s.label().to_owned())
                .unwrap_or_default(),
            updated: date_time(r.payment.updated_at),
            options: status_options(Some(r.payment.status)),
        }
    }
}

struct AwaitingLine {
    enrollment: Uuid,
    learner: String,
    email: String,
    achievement: String,
    price: String,
    joined: String,
}

impl From<AwaitingRow> for AwaitingLine {
    fn from(r: AwaitingRow) -> Self {
        Self {
            enrollment: r.enrollment.id.0,
            learner: r.learner.display_name,
            email: r.learner.primary_email.unwrap_or_default(),
            achievement: r.achievement_title,
            price: money(r.price_cents, CURRENCY),
            joined: date(r.enrollment.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "payments/list.html")]
struct PaymentsPage {
    ctx: PageCtx,
    org: Organization,
    filter: Vec<StatusOption>,
    filtered: bool,
    lines: Vec<PaymentLine>,
    awaiting: Vec<AwaitingLine>,
    record_options: Vec<StatusOption>,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PaymentsQuery {
    status: String,
}

async fn payments_page(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    status: Option<PaymentStatus>,
    errors: FormErrors,
) -> Result<PaymentsPage, PageError> {
    let principal = ctx.require()?;
    let view = state
        .app
        .payments(principal, slug, status)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(PaymentsPage {
        ctx: ctx.page.clone(),
        org: view.organization,
        filter: status_options(status),
        filtered: status.is_some(),
        lines: view.payments.into_iter().map(Into::into).collect(),
        awaiting: view.awaiting.into_iter().map(Into::into).collect(),
        record_options: status_options(Some(PaymentStatus::Paid)),
        errors,
    })
}

async fn payments(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PaymentsQuery>,
) -> Result<Response, PageError> {
    let status = PaymentStatus::parse(q.status.trim());
    Ok(render(
        &payments_page(&state, &ctx, &slug, status, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RecordForm {
    enrollment: String,
    status: String,
    reference: String,
}

async fn payment_failure(
    state: &WebState,
    ctx: &Ctx,
    slug: &str,
    err: AppError,
) -> Result<Response, PageError> {
    let (status, errors) = match err {
        AppError::Conflict {
            field: None,
            message,
        } => (
            StatusCode::CONFLICT,
            FieldErrors::single("payments", message),
        ),
        other => form_errors(ctx, other)?,
    };
    Ok((
        status,
        render(&payments_page(state, ctx, slug, None, errors.into()).await?),
    )
        .into_response())
}

async fn record_payment(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let enrollment = EnrollmentId(parse_id(&ctx, &form.enrollment, "The enrollment")?);
    match state
        .app
        .record_payment(
            principal,
            &slug,
            enrollment,
            &form.status,
            &form.reference,
            &ctx.meta,
        )
        .await
    {
        Ok(p) => Ok(Redirect::to(format!("/orgs/{slug}/payments"))
            .success(format!(
                "The payment {} is recorded as {}.",
                p.reference,
                status_text(p.status).to_lowercase()
            ))
            .into_response_with(&state)),
        Err(err) => payment_failure(&state, &ctx, &slug, err).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusForm {
    status: String,
}

async fn payment_status(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?;
    let id = PaymentId(parse_id(&ctx, &id, "The payment")?);
    match state
        .app
        .set_payment_status(principal, &slug, id, &form.status, &ctx.meta)
        .await
    {
        Ok(p) => Ok(Redirect::to(format!("/orgs/{slug}/payments"))
            .success(format!(
                "The payment {} is now {}.",
                p.reference,
                status_text(p.status).to_lowercase()
            ))
            .into_response_with(&state)),
        Err(err) => payment_failure(&state, &ctx, &slug, err).await,
    }
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_is_shown_in_its_currency() {
        assert_eq!(money(4900, "USD"), "$49.00");
        assert_eq!(money(5, "EUR"), "0.05 EUR");
    }
}

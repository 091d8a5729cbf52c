//! `/api/v1/organizations/{slug}/sponsorships` and `…/payments`: an
//! organization's sponsorships (codes, seats, the grant report) and the
//! payments it records, for its administrators.

use crate::WebState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiAuth, ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cairn_app::AppError;
use cairn_app::payments::{AwaitingRow, PaymentRow};
use cairn_app::sponsorships::{
    CodeRow, RedemptionRow, SeatRow, SponsorshipInput, SponsorshipSummary, show_code,
};
use cairn_domain::sponsorship::PaymentStatus;
use cairn_domain::{AchievementId, EnrollmentId, PaymentId, SeatId, SponsorshipId};
use cairn_store::payments::Payment;
use cairn_store::sponsorships::{Person, SponsorCode, Sponsorship};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A sponsorship: a sponsor paying for seats in some or all of the
/// organization's micro-credentials.
#[derive(Debug, Serialize, ToSchema)]
pub struct SponsorshipDto {
    pub id: Uuid,
    pub name: String,
    /// How many enrollments it pays for.
    pub seats: u32,
    /// How many it paid for so far.
    pub used: u64,
    /// The end of its last day; `null` for no expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// The micro-credentials it pays for; empty for all of them.
    pub covers: Vec<Uuid>,
    /// Whether its codes and seats work now (not ended, not expired).
    pub live: bool,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl SponsorshipDto {
    fn new(s: Sponsorship, used: u64, live: bool) -> Self {
        Self {
            id: s.id.0,
            name: s.terms.name,
            seats: s.terms.seats,
            used,
            expires_at: s.terms.expires_at,
            covers: s.terms.covers.into_iter().map(|a| a.0).collect(),
            live,
            created_at: s.created_at,
            ended_at: s.ended_at,
        }
    }
}

impl From<SponsorshipSummary> for SponsorshipDto {
    fn from(s: SponsorshipSummary) -> Self {
        Self::new(s.sponsorship, s.used, s.live)
    }
}

/// A new sponsorship.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSponsorshipDto {
    pub name: String,
    /// 1–100,000.
    pub seats: u32,
    /// The last day it can be used, `2027-06-30`; omit for no expiry.
    pub expires_on: Option<String>,
    /// Micro-credentials of the organization that accept sponsors; omit or
    /// leave empty for all of them.
    #[serde(default)]
    pub covers: Vec<Uuid>,
}

/// A person named in a sponsorship's lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub display_name: String,
    pub email: Option<String>,
}

impl From<Person> for PersonDto {
    fn from(p: Person) -> Self {
        Self {
            display_name: p.display_name,
            email: p.primary_email,
        }
    }
}

/// A sponsor code.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeDto {
    pub id: Uuid,
    /// As people type it: `XXXX-XXXX-XXXX` (case and dashes do not matter).
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<PersonDto>,
}

impl From<CodeRow> for CodeDto {
    fn from(c: CodeRow) -> Self {
        Self {
            id: c.code.id.0,
            code: c.shown,
            created_at: c.code.created_at,
            redeemed_at: c.code.redeemed_at,
            redeemed_by: c.redeemed_by.map(Into::into),
        }
    }
}

impl From<SponsorCode> for CodeDto {
    fn from(c: SponsorCode) -> Self {
        Self {
            id: c.id.0,
            code: show_code(&c.code),
            created_at: c.created_at,
            redeemed_at: c.redeemed_at,
            redeemed_by: None,
        }
    }
}

/// How many codes to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCodesDto {
    /// 1–1000.
    pub count: u32,
}

/// A seat kept for one person's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatDto {
    pub id: Uuid,
    pub user_id: Uuid,
    pub holder: PersonDto,
    pub assigned_at: DateTime<Utc>,
    /// When they used it to join; `null` while unused.
    pub used_at: Option<DateTime<Utc>>,
}

impl From<SeatRow> for SeatDto {
    fn from(s: SeatRow) -> Self {
        Self {
            id: s.seat.id.0,
            user_id: s.seat.user_id.0,
            holder: s.holder.into(),
            assigned_at: s.seat.assigned_at,
            used_at: s.seat.used_at,
        }
    }
}

/// Whom to give a seat: the (verified) address of their account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSeatDto {
    pub email: String,
}

/// One line of the grant report.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionDto {
    pub id: Uuid,
    pub enrollment_id: Uuid,
    pub user_id: Uuid,
    pub learner: PersonDto,
    pub achievement_id: Uuid,
    pub achievement_title: String,
    /// The code used (`XXXX-XXXX-XXXX`), or `null` when a seat paid.
    pub code: Option<String>,
    pub seat_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<RedemptionRow> for RedemptionDto {
    fn from(r: RedemptionRow) -> Self {
        Self {
            id: r.redemption.id,
            enrollment_id: r.redemption.enrollment_id.0,
            user_id: r.redemption.user_id.0,
            learner: r.learner.into(),
            achievement_id: r.redemption.achievement_id.0,
            achievement_title: r.achievement_title,
            code: r.code,
            seat_id: r.redemption.seat_id.map(|s| s.0),
            created_at: r.redemption.created_at,
        }
    }
}

/// Where a payment stands.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatusDto {
    Pending,
    Paid,
    Failed,
    Refunded,
}

impl From<PaymentStatus> for PaymentStatusDto {
    fn from(s: PaymentStatus) -> Self {
        match s {
            PaymentStatus::Pending => PaymentStatusDto::Pending,
            PaymentStatus::Paid => PaymentStatusDto::Paid,
            PaymentStatus::Failed => PaymentStatusDto::Failed,
            PaymentStatus::Refunded => PaymentStatusDto::Refunded,
        }
    }
}

impl PaymentStatusDto {
    fn domain(self) -> PaymentStatus {
        match self {
            PaymentStatusDto::Pending => PaymentStatus::Pending,
            PaymentStatusDto::Paid => PaymentStatus::Paid,
            PaymentStatusDto::Failed => PaymentStatus::Failed,
            PaymentStatusDto::Refunded => PaymentStatus::Refunded,
        }
    }
}

/// A payment for one enrollment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDto {
    pub id: Uuid,
    pub enrollment_id: Uuid,
    /// `manual`: made outside Cairn and recorded by an administrator.
    pub provider: String,
    pub reference: String,
    pub amount_cents: u32,
    pub currency: String,
    pub status: PaymentStatusDto,
    /// Who last recorded its status.
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Payment> for PaymentDto {
    fn from(p: Payment) -> Self {
        Self {
            id: p.id.0,
            enrollment_id: p.enrollment_id.0,
            provider: p.provider,
            reference: p.reference,
            amount_cents: p.amount_cents,
            currency: p.currency,
            status: p.status.into(),
            recorded_by: p.recorded_by.map(|u| u.0),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A payment in the organization's list, with whom and what it is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRowDto {
    pub payment: PaymentDto,
    pub learner: PersonDto,
    pub achievement_title: String,
    /// The enrollment's state (`pending_payment`, `in_progress`, …).
    pub enrollment_state: Option<String>,
}

impl From<PaymentRow> for PaymentRowDto {
    fn from(r: PaymentRow) -> Self {
        Self {
            payment: r.payment.into(),
            learner: r.learner.into(),
            achievement_title: r.achievement_title,
            enrollment_state: r.enrollment_state.map(|s| s.as_str().to_owned()),
        }
    }
}

/// An enrollment waiting for a payment nobody recorded yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwaitingPaymentDto {
    pub enrollment_id: Uuid,
    pub learner: PersonDto,
    pub achievement_id: Uuid,
    pub achievement_title: String,
    pub price_cents: u32,
    pub joined_at: DateTime<Utc>,
}

impl From<AwaitingRow> for AwaitingPaymentDto {
    fn from(r: AwaitingRow) -> Self {
        Self {
            enrollment_id: r.enrollment.id.0,
            learner: r.learner.into(),
            achievement_id: r.enrollment.achievement_id.0,
            achievement_title: r.achievement_title,
            price_cents: r.price_cents,
            joined_at: r.enrollment.created_at,
        }
    }
}

/// An organization's payments and the enrollments waiting for one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentsDto {
    pub payments: Vec<PaymentRowDto>,
    pub awaiting: Vec<AwaitingPaymentDto>,
}

/// A payment made outside Cairn, recorded for an enrollment that has none.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPaymentDto {
    pub enrollment_id: Uuid,
    pub status: PaymentStatusDto,
    /// An invoice or purchase-order number; one is made when omitted.
    pub reference: Option<String>,
}

/// A payment's new status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentStatusUpdateDto {
    pub status: PaymentStatusDto,
}

/// Filters for the payment list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PaymentFilter {
    /// Only payments in this status.
    status: Option<PaymentStatusDto>,
}

fn sponsorship_id(text: &str) -> Result<SponsorshipId, ApiError> {
    Uuid::parse_str(text)
        .map(SponsorshipId)
        .map_err(|_| AppError::not_found("The sponsorship").into())
}

/// An organization's sponsorships, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/sponsorships", tag = "sponsorships", params(("slug" = String, Path)),
    responses((status = 200, body = [SponsorshipDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<SponsorshipDto>>, ApiError> {
    let view = state.app.sponsorships(&auth.principal, &slug).await?;
    Ok(Json(
        view.sponsorships.into_iter().map(Into::into).collect(),
    ))
}

/// Creates a sponsorship (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/sponsorships", tag = "sponsorships", params(("slug" = String, Path)),
    request_body = NewSponsorshipDto,
    responses((status = 201, body = SponsorshipDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewSponsorshipDto>,
) -> Result<(StatusCode, Json<SponsorshipDto>), ApiError> {
    let seats = body.seats.to_string();
    let input = SponsorshipInput {
        name: &body.name,
        seats: &seats,
        expires_on: body.expires_on.as_deref().unwrap_or_default(),
        covers: body.covers.iter().copied().map(AchievementId).collect(),
    };
    let created = state
        .app
        .create_sponsorship(&auth.principal, &slug, input, &auth.meta)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SponsorshipDto::new(created, 0, true)),
    ))
}

/// One sponsorship (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/sponsorships/{id}", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = SponsorshipDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<SponsorshipDto>, ApiError> {
    let d = state
        .app
        .sponsorship(&auth.principal, &slug, sponsorship_id(&id)?)
        .await?;
    Ok(Json(SponsorshipDto::new(d.sponsorship, d.used, d.live)))
}

/// Ends a sponsorship: its unused codes and seats stop working
/// (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/sponsorships/{id}/end", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = SponsorshipDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn end(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<SponsorshipDto>, ApiError> {
    let id = sponsorship_id(&id)?;
    state
        .app
        .end_sponsorship(&auth.principal, &slug, id, &auth.meta)
        .await?;
    let d = state.app.sponsorship(&auth.principal, &slug, id).await?;
    Ok(Json(SponsorshipDto::new(d.sponsorship, d.used, d.live)))
}

/// A sponsorship's codes, oldest first, with who used each
/// (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/sponsorships/{id}/codes", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = [CodeDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn codes(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<Vec<CodeDto>>, ApiError> {
    let (_, codes) = state
        .app
        .sponsor_codes(&auth.principal, &slug, sponsorship_id(&id)?)
        .await?;
    Ok(Json(codes.into_iter().map(Into::into).collect()))
}

/// Makes new codes for a live sponsorship (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/sponsorships/{id}/codes", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)), request_body = NewCodesDto,
    responses((status = 201, body = [CodeDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn generate_codes(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<NewCodesDto>,
) -> Result<(StatusCode, Json<Vec<CodeDto>>), ApiError> {
    let codes = state
        .app
        .generate_sponsor_codes(
            &auth.principal,
            &slug,
            sponsorship_id(&id)?,
            body.count,
            &auth.meta,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(codes.into_iter().map(Into::into).collect()),
    ))
}

/// A sponsorship's seats, in the order they were assigned (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/sponsorships/{id}/seats", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = [SeatDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn seats(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<Vec<SeatDto>>, ApiError> {
    let d = state
        .app
        .sponsorship(&auth.principal, &slug, sponsorship_id(&id)?)
        .await?;
    Ok(Json(d.seats.into_iter().map(Into::into).collect()))
}

/// Assigns a seat to the person whose account uses this verified address
/// (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/sponsorships/{id}/seats", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)), request_body = NewSeatDto,
    responses((status = 201, body = SeatDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn assign_seat(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<NewSeatDto>,
) -> Result<(StatusCode, Json<SeatDto>), ApiError> {
    let seat = state
        .app
        .assign_seat(
            &auth.principal,
            &slug,
            sponsorship_id(&id)?,
            &body.email,
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(seat.into())))
}

/// Removes a seat nobody used yet (administrators).
#[utoipa::path(delete, path = "/api/v1/organizations/{slug}/sponsorships/{id}/seats/{seat}", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path), ("seat" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn remove_seat(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id, seat)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let seat = Uuid::parse_str(&seat)
        .map(SeatId)
        .map_err(|_| ApiError::from(AppError::not_found("The seat")))?;
    state
        .app
        .remove_seat(
            &auth.principal,
            &slug,
            sponsorship_id(&id)?,
            seat,
            &auth.meta,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The grant report: what a sponsorship paid for, newest first
/// (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/sponsorships/{id}/redemptions", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = [RedemptionDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn redemptions(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<Vec<RedemptionDto>>, ApiError> {
    let rows = state
        .app
        .sponsorship_redemptions(&auth.principal, &slug, sponsorship_id(&id)?)
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// An organization's payments, newest first, and the enrollments waiting
/// for a payment nobody recorded (administrators).
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/payments", tag = "sponsorships",
    params(("slug" = String, Path), PaymentFilter),
    responses((status = 200, body = PaymentsDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn payments(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiQuery(filter): ApiQuery<PaymentFilter>,
) -> Result<Json<PaymentsDto>, ApiError> {
    let view = state
        .app
        .payments(
            &auth.principal,
            &slug,
            filter.status.map(PaymentStatusDto::domain),
        )
        .await?;
    Ok(Json(PaymentsDto {
        payments: view.payments.into_iter().map(Into::into).collect(),
        awaiting: view.awaiting.into_iter().map(Into::into).collect(),
    }))
}

/// Records a payment made outside Cairn for an enrollment that has none,
/// at the micro-credential's price; recorded as paid, it opens an
/// enrollment waiting for payment (administrators).
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/payments", tag = "sponsorships",
    params(("slug" = String, Path)), request_body = NewPaymentDto,
    responses((status = 201, body = PaymentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn record_payment(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewPaymentDto>,
) -> Result<(StatusCode, Json<PaymentDto>), ApiError> {
    let payment = state
        .app
        .record_payment(
            &auth.principal,
            &slug,
            EnrollmentId(body.enrollment_id),
            body.status.domain().as_str(),
            body.reference.as_deref().unwrap_or_default(),
            &auth.meta,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(payment.into())))
}

/// Changes a payment's status; marked paid, it opens an enrollment waiting
/// for payment (administrators).
#[utoipa::path(put, path = "/api/v1/organizations/{slug}/payments/{id}", tag = "sponsorships",
    params(("slug" = String, Path), ("id" = Uuid, Path)), request_body = PaymentStatusUpdateDto,
    responses((status = 200, body = PaymentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update_payment(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<PaymentStatusUpdateDto>,
) -> Result<Json<PaymentDto>, ApiError> {
    let id = Uuid::parse_str(&id)
        .map(PaymentId)
        .map_err(|_| ApiError::from(AppError::not_found("The payment")))?;
    let payment = state
        .app
        .set_payment_status(
            &auth.principal,
            &slug,
            id,
            body.status.domain().as_str(),
            &auth.meta,
        )
        .await?;
    Ok(Json(payment.into()))
}

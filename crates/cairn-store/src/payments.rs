//! Payments an organization records for enrollments in its paid
//! micro-credentials.

use crate::enrollments::Enrollment;
use crate::entities::{enrollment, payment};
use crate::{StoreError, StoreResult};
use cairn_domain::enrollment::StateName;
use cairn_domain::sponsorship::PaymentStatus;
use cairn_domain::{EnrollmentId, OrganizationId, PaymentId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// One payment for one enrollment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub organization_id: OrganizationId,
    pub enrollment_id: EnrollmentId,
    /// The provider that handles it (`manual`, …).
    pub provider: String,
    /// The provider's reference for it.
    pub reference: String,
    pub amount_cents: u32,
    /// ISO 4217, e.g. `USD`.
    pub currency: String,
    pub status: PaymentStatus,
    /// Who last recorded its status (`None` for the provider itself).
    pub recorded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<payment::Model> for Payment {
    type Error = StoreError;
    fn try_from(m: payment::Model) -> StoreResult<Self> {
        Ok(Self {
            id: PaymentId(m.id),
            organization_id: OrganizationId(m.organization_id),
            enrollment_id: EnrollmentId(m.enrollment_id),
            provider: m.provider,
            reference: m.reference,
            amount_cents: u32::try_from(m.amount_cents).unwrap_or(0),
            currency: m.currency,
            status: PaymentStatus::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("payment status {}", m.status)))?,
            recorded_by: m.recorded_by.map(UserId),
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Payments.
#[derive(Debug)]
pub struct Payments<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Payments<'_, C> {
    /// Records a payment.
    pub async fn insert(&self, p: &Payment) -> StoreResult<()> {
        payment::ActiveModel {
            id: Set(p.id.0),
            organization_id: Set(p.organization_id.0),
            enrollment_id: Set(p.enrollment_id.0),
            provider: Set(p.provider.clone()),
            reference: Set(p.reference.clone()),
            amount_cents: Set(i32::try_from(p.amount_cents).unwrap_or(i32::MAX)),
            currency: Set(p.currency.clone()),
            status: Set(p.status.as_str().to_owned()),
            recorded_by: Set(p.recorded_by.map(|u| u.0)),
            created_at: Set(p.created_at),
            updated_at: Set(p.updated_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// One payment.
    pub async fn get(&self, id: PaymentId) -> StoreResult<Option<Payment>> {
        payment::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Changes a payment's status, noting who recorded it.
    pub async fn set_status(
        &self,
        id: PaymentId,
        status: PaymentStatus,
        by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = payment::Entity::update_many()
            .col_expr(
                payment::Column::Status,
                Expr::value(status.as_str().to_owned()),
            )
            .col_expr(payment::Column::RecordedBy, Expr::value(by.map(|u| u.0)))
            .col_expr(payment::Column::UpdatedAt, Expr::value(now))
            .filter(payment::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The payments of one enrollment, newest first.
    pub async fn for_enrollment(&self, enrollment_id: EnrollmentId) -> StoreResult<Vec<Payment>> {
        payment::Entity::find()
            .filter(payment::Column::EnrollmentId.eq(enrollment_id.0))
            .order_by_desc(payment::Column::CreatedAt)
            .order_by_desc(payment::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// An organization's payments, newest first, optionally in one status.
    pub async fn list(
        &self,
        organization_id: OrganizationId,
        status: Option<PaymentStatus>,
    ) -> StoreResult<Vec<Payment>> {
        let mut query =
            payment::Entity::find().filter(payment::Column::OrganizationId.eq(organization_id.0));
        if let Some(status) = status {
            query = query.filter(payment::Column::Status.eq(status.as_str()));
        }
        query
            .order_by_desc(payment::Column::CreatedAt)
            .order_by_desc(payment::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// The enrollments these payments are for (those that still exist).
    pub async fn enrollments(&self, ids: &[EnrollmentId]) -> StoreResult<Vec<Enrollment>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for chunk in ids.chunks(500) {
            found.extend(
                enrollment::Entity::find()
                    .filter(enrollment::Column::Id.is_in(chunk.iter().map(|e| e.0)))
                    .all(self.0)
                    .await?
                    .into_iter()
                    .map(TryInto::try_into)
                    .collect::<StoreResult<Vec<Enrollment>>>()?,
            );
        }
        Ok(found)
    }

    /// An organization's enrollments waiting for a payment, oldest first.
    pub async fn awaiting(&self, organization_id: OrganizationId) -> StoreResult<Vec<Enrollment>> {
        enrollment::Entity::find()
            .filter(enrollment::Column::OrganizationId.eq(organization_id.0))
            .filter(enrollment::Column::State.eq(StateName::PendingPayment.as_str()))
            .order_by_asc(enrollment::Column::CreatedAt)
            .order_by_asc(enrollment::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }
}

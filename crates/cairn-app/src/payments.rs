//! Paying for micro-credentials: the provider interface, the manual
//! provider (the organization marks payments paid when money arrives), and
//! the administrators' payment list and status changes.
//!
//! A payment is started through a [`PaymentProvider`] and stored with the
//! enrollment it pays for. Cairn ships only [`ManualProvider`]. A card
//! processor implements the same trait (its `start` returns the address of
//! its checkout page as `next_step`; its notifications change the status
//! as [`App::set_payment_status`] does), and [`App::payment_provider`] is
//! the one place that chooses the provider.

use crate::accounts::Principal;
use crate::{App, AppError, AppResult, RequestMeta};
use cairn_domain::enrollment::{Relation, State, StateName};
use cairn_domain::policy::Action;
use cairn_domain::sponsorship::PaymentStatus;
use cairn_domain::{EnrollmentId, OrganizationId, PaymentId, UserId};
use cairn_store::achievements::Achievement;
use cairn_store::enrollments::Enrollment;
use cairn_store::organizations::Organization;
use cairn_store::payments::Payment;
use cairn_store::sponsorships::Person;
use cairn_store::{Repos, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The currency prices are set in.
pub const CURRENCY: &str = "USD";

/// The longest reference kept for a payment.
pub const MAX_REFERENCE: usize = 200;

/// What a provider is asked to collect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRequest {
    /// The id the payment will be stored under (also a safe idempotency key).
    pub payment_id: PaymentId,
    pub organization_id: OrganizationId,
    pub enrollment_id: EnrollmentId,
    pub learner_id: UserId,
    /// What is paid for, as the learner sees it.
    pub description: String,
    pub amount_cents: u32,
    /// ISO 4217, e.g. `USD`.
    pub currency: String,
}

/// What a provider answers when a payment starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentStart {
    /// The provider's reference for the payment (shown to the learner and
    /// the organization, matched by the provider's notifications).
    pub reference: String,
    /// Usually `Pending`; `Paid` when the provider settled it at once.
    pub status: PaymentStatus,
    /// An address to send the learner to (a processor's checkout page);
    /// `None` when nothing is done online.
    pub next_step: Option<String>,
}

impl PaymentRequest {
    /// The record to store for this request once `provider` started it.
    pub fn record(&self, provider: &str, start: &PaymentStart, now: DateTime<Utc>) -> Payment {
        Payment {
            id: self.payment_id,
            organization_id: self.organization_id,
            enrollment_id: self.enrollment_id,
            provider: provider.to_owned(),
            reference: start.reference.clone(),
            amount_cents: self.amount_cents,
            currency: self.currency.clone(),
            status: start.status,
            recorded_by: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Something that collects payments.
#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// The name stored with each payment (`manual`, …); at most 32 characters.
    fn name(&self) -> &'static str;
    /// Starts collecting a payment. Called before the transaction that
    /// stores the enrollment and the payment, so a provider may call out.
    async fn start(&self, request: &PaymentRequest) -> AppResult<PaymentStart>;
}

/// Payments made outside Cairn (invoice, purchase order, cheque, transfer):
/// each starts `Pending` with a reference to quote, and an administrator
/// of the organization marks it paid when the money arrives.
#[derive(Clone, Copy, Debug, Default)]
pub struct ManualProvider;

impl ManualProvider {
    /// A short reference a person can read out: `M-` and the payment id's
    /// last twelve hex digits, upper case.
    pub fn reference(id: PaymentId) -> String {
        let hex = id.0.simple().to_string().to_uppercase();
        format!("M-{}", &hex[hex.len() - 12..])
    }
}

#[async_trait::async_trait]
impl PaymentProvider for ManualProvider {
    fn name(&self) -> &'static str {
        "manual"
    }

    async fn start(&self, request: &PaymentRequest) -> AppResult<PaymentStart> {
        Ok(PaymentStart {
            reference: Self::reference(request.payment_id),
            status: PaymentStatus::Pending,
            next_step: None,
        })
    }
}

/// A payment as the organization's list shows it.
#[derive(Clone, Debug)]
pub struct PaymentRow {
    pub payment: Payment,
    pub learner: Person,
    pub achievement_title: String,
    /// Where the enrollment stands (`None` if it is gone).
    pub enrollment_state: Option<StateName>,
}

/// An enrollment waiting for a payment nobody recorded yet.
#[derive(Clone, Debug)]
pub struct AwaitingRow {
    pub enrollment: Enrollment,
    pub learner: Person,
    pub achievement_title: String,
    pub price_cents: u32,
}

/// An organization's payments page.
#[derive(Clone, Debug)]
pub struct PaymentsView {
    pub organization: Organization,
    pub payments: Vec<PaymentRow>,
    pub awaiting: Vec<AwaitingRow>,
}

/// How a person is named when their account is gone.
pub(crate) fn unknown_person() -> Person {
    Person {
        display_name: "Deleted account".to_owned(),
        primary_email: None,
    }
}

fn parse_status(status: &str) -> AppResult<PaymentStatus> {
    PaymentStatus::parse(status.trim())
        .ok_or_else(|| AppError::invalid("status", "Choose pending, paid, failed or refunded."))
}

impl App {
    /// The provider new payments start with.
    pub fn payment_provider(&self) -> &dyn PaymentProvider {
        &ManualProvider
    }

    /// Starts a payment with the provider and returns the record to store
    /// (in the transaction that stores the enrollment) and the provider's
    /// next step for the learner.
    pub async fn start_payment(
        &self,
        request: &PaymentRequest,
    ) -> AppResult<(Payment, Option<String>)> {
        let provider = self.payment_provider();
        let start = provider.start(request).await?;
        Ok((
            request.record(provider.name(), &start, self.now()),
            start.next_step,
        ))
    }

    /// An organization's payments, newest first (optionally in one status),
    /// and the enrollments waiting for a payment nobody recorded
    /// (administrators).
    pub async fn payments(
        &self,
        principal: &Principal,
        slug: &str,
        status: Option<PaymentStatus>,
    ) -> AppResult<PaymentsView> {
        let (organization, _) = self
            .org_for(principal, slug, |roles| Action::ManageSponsorships {
                roles,
            })
            .await?;
        let store = self.store();
        let payments = store.payments().list(organization.id, status).await?;
        let enrollment_ids: Vec<_> = payments.iter().map(|p| p.enrollment_id).collect();
        let enrollments: HashMap<EnrollmentId, Enrollment> = store
            .payments()
            .enrollments(&enrollment_ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut awaiting = Vec::new();
        for e in store.payments().awaiting(organization.id).await? {
            if store.payments().for_enrollment(e.id).await?.is_empty() {
                awaiting.push(e);
            }
        }
        let mut people_ids: Vec<UserId> = enrollments.values().map(|e| e.user_id).collect();
        people_ids.extend(awaiting.iter().map(|e| e.user_id));
        let people = store.sponsorships().people(&people_ids).await?;
        let mut achievement_ids: Vec<_> = enrollments.values().map(|e| e.achievement_id).collect();
        achievement_ids.extend(awaiting.iter().map(|e| e.achievement_id));
        achievement_ids.sort();
        achievement_ids.dedup();
        let achievements: HashMap<_, Achievement> = store
            .achievements()
            .get_many(&achievement_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let person = |id: UserId| people.get(&id).cloned().unwrap_or_else(unknown_person);
        let title = |id| {
            achievements
                .get(&id)
                .map(|a| a.title.clone())
                .unwrap_or_default()
        };
        let payments = payments
            .into_iter()
            .map(|payment| {
                let enrollment = enrollments.get(&payment.enrollment_id);
                PaymentRow {
                    learner: enrollment.map_or_else(unknown_person, |e| person(e.user_id)),
                    achievement_title: enrollment
                        .map(|e| title(e.achievement_id))
                        .unwrap_or_default(),
                    enrollment_state: enrollment.map(|e| e.state.name()),
                    payment,
                }
            })
            .collect();
        let awaiting = awaiting
            .into_iter()
            .map(|enrollment| AwaitingRow {
                learner: person(enrollment.user_id),
                achievement_title: title(enrollment.achievement_id),
                price_cents: achievements
                    .get(&enrollment.achievement_id)
                    .map_or(0, |a| a.price_cents),
                enrollment,
            })
            .collect();
        Ok(PaymentsView {
            organization,
            payments,
            awaiting,
        })
    }

    /// Records a payment made outside Cairn for an enrollment that has none
    /// yet, at the micro-credential's price (administrators). An empty
    /// reference gets a generated one. Recorded as paid, it opens the
    /// enrollment if it was waiting for payment.
    pub async fn record_payment(
        &self,
        principal: &Principal,
        slug: &str,
        enrollment_id: EnrollmentId,
        status: &str,
        reference: &str,
        meta: &RequestMeta,
    ) -> AppResult<Payment> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ManageSponsorships {
                roles,
            })
            .await?;
        let status = parse_status(status)?;
        let reference = reference.trim();
        if reference.chars().count() > MAX_REFERENCE {
            return Err(AppError::invalid(
                "reference",
                format!("Keep the reference to {MAX_REFERENCE} characters."),
            ));
        }
        let tx = self.store().begin().await?;
        let enrollment = tx
            .enrollments()
            .get(enrollment_id)
            .await?
            .filter(|e| e.organization_id == org.id)
            .ok_or_else(|| AppError::not_found("The enrollment"))?;
        if !tx
            .payments()
            .for_enrollment(enrollment.id)
            .await?
            .is_empty()
        {
            return Err(AppError::Conflict {
                field: None,
                message: "A payment is already recorded for this enrollment; change its status in the list instead.".into(),
            });
        }
        let achievement = tx
            .achievements()
            .get(enrollment.achievement_id)
            .await?
            .ok_or_else(|| AppError::not_found("The micro-credential"))?;
        let id = PaymentId(App::new_id());
        let now = self.now();
        let payment = Payment {
            id,
            organization_id: org.id,
            enrollment_id: enrollment.id,
            provider: ManualProvider.name().to_owned(),
            reference: if reference.is_empty() {
                ManualProvider::reference(id)
            } else {
                reference.to_owned()
            },
            amount_cents: achievement.price_cents,
            currency: CURRENCY.to_owned(),
            status,
            recorded_by: Some(principal.user.id),
            created_at: now,
            updated_at: now,
        };
        tx.payments().insert(&payment).await?;
        if status == PaymentStatus::Paid {
            open_if_waiting(&tx, &enrollment, now).await?;
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "payment.recorded",
            serde_json::json!({
                "payment": payment.id,
                "enrollment": enrollment.id,
                "status": status.as_str(),
                "amount_cents": payment.amount_cents,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(payment)
    }

    /// Changes a payment's status (administrators). Marked paid, it opens
    /// the enrollment if it was waiting for payment; a later refund does not
    /// close it again.
    pub async fn set_payment_status(
        &self,
        principal: &Principal,
        slug: &str,
        id: PaymentId,
        status: &str,
        meta: &RequestMeta,
    ) -> AppResult<Payment> {
        let (org, _) = self
            .org_for(principal, slug, |roles| Action::ManageSponsorships {
                roles,
            })
            .await?;
        let status = parse_status(status)?;
        let tx = self.store().begin().await?;
        let payment = tx
            .payments()
            .get(id)
            .await?
            .filter(|p| p.organization_id == org.id)
            .ok_or_else(|| AppError::not_found("The payment"))?;
        let now = self.now();
        tx.payments()
            .set_status(id, status, Some(principal.user.id), now)
            .await?;
        if status == PaymentStatus::Paid
            && let Some(enrollment) = tx.enrollments().get(payment.enrollment_id).await?
        {
            open_if_waiting(&tx, &enrollment, now).await?;
        }
        self.audit(
            &tx,
            meta,
            Some(principal.user.id),
            Some(org.id),
            "payment.status_changed",
            serde_json::json!({
                "payment": id,
                "from": payment.status.as_str(),
                "to": status.as_str(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(Payment {
            status,
            recorded_by: Some(principal.user.id),
            updated_at: now,
            ..payment
        })
    }

    /// The payments of one enrollment, newest first, for its learner and
    /// the organization's administrators; anyone else with a tie to it is
    /// refused, anyone without one gets "not found".
    pub async fn enrollment_payments(
        &self,
        principal: &Principal,
        id: EnrollmentId,
    ) -> AppResult<Vec<Payment>> {
        let hidden = || AppError::not_found("The enrollment");
        let store = self.store();
        let enrollment = store.enrollments().get(id).await?.ok_or_else(hidden)?;
        match self.relation(Some(principal), &enrollment).await? {
            Relation::Learner | Relation::OrganizationAdmin => {
                Ok(store.payments().for_enrollment(id).await?)
            }
            other if other.may_open() => Err(AppError::Forbidden(
                "You do not have permission to do this.".into(),
            )),
            _ => Err(hidden()),
        }
    }
}

/// Moves an enrollment waiting for payment into progress.
async fn open_if_waiting<R: Repos>(
    repos: &R,
    enrollment: &Enrollment,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let State::PendingPayment(waiting) = enrollment.state else {
        return Ok(());
    };
    match repos
        .enrollments()
        .transition(enrollment.id, enrollment.lock_version, waiting.paid(), now)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(AppError::Conflict {
            field: None,
            message:
                "The enrollment changed while the payment was being recorded. Reload and try again."
                    .into(),
        }),
        Err(other) => Err(other.into()),
    }
}

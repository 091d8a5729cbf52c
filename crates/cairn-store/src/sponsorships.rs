//! Sponsorships (a school, district or grant paying for seats), the
//! micro-credentials they cover, their codes, the seats assigned to people,
//! and the redemptions that used them.

use crate::entities::{
    redemption, sponsor_code, sponsor_seat, sponsorship, sponsorship_achievement, user, user_email,
};
use crate::{StoreError, StoreResult};
use cairn_domain::sponsorship::SponsorshipTerms;
use cairn_domain::{
    AchievementId, EnrollmentId, OrganizationId, SeatId, SponsorCodeId, SponsorshipId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// Rows written by one `INSERT` at most (well under both engines' limits on
/// bound parameters).
const BATCH: usize = 500;

/// A sponsorship with its terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sponsorship {
    pub id: SponsorshipId,
    pub organization_id: OrganizationId,
    pub terms: SponsorshipTerms,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Sponsorship {
    /// Whether it can still pay at `now`: not ended and not expired.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && self.terms.expires_at.is_none_or(|end| end >= now)
    }
}

/// One sponsor code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SponsorCode {
    pub id: SponsorCodeId,
    pub sponsorship_id: SponsorshipId,
    /// Normalized: upper case, without dashes.
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<UserId>,
}

impl From<sponsor_code::Model> for SponsorCode {
    fn from(m: sponsor_code::Model) -> Self {
        Self {
            id: SponsorCodeId(m.id),
            sponsorship_id: SponsorshipId(m.sponsorship_id),
            code: m.code,
            created_at: m.created_at,
            redeemed_at: m.redeemed_at,
            redeemed_by: m.redeemed_by.map(UserId),
        }
    }
}

/// A seat assigned to one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    pub id: SeatId,
    pub sponsorship_id: SponsorshipId,
    pub user_id: UserId,
    pub assigned_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl From<sponsor_seat::Model> for Seat {
    fn from(m: sponsor_seat::Model) -> Self {
        Self {
            id: SeatId(m.id),
            sponsorship_id: SponsorshipId(m.sponsorship_id),
            user_id: UserId(m.user_id),
            assigned_at: m.assigned_at,
            used_at: m.used_at,
        }
    }
}

/// A sponsorship paying for one enrollment, through a code or a seat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redemption {
    pub id: uuid::Uuid,
    pub sponsorship_id: SponsorshipId,
    pub enrollment_id: EnrollmentId,
    pub user_id: UserId,
    pub achievement_id: AchievementId,
    pub code_id: Option<SponsorCodeId>,
    pub seat_id: Option<SeatId>,
    pub created_at: DateTime<Utc>,
}

impl From<redemption::Model> for Redemption {
    fn from(m: redemption::Model) -> Self {
        Self {
            id: m.id,
            sponsorship_id: SponsorshipId(m.sponsorship_id),
            enrollment_id: EnrollmentId(m.enrollment_id),
            user_id: UserId(m.user_id),
            achievement_id: AchievementId(m.achievement_id),
            code_id: m.code_id.map(SponsorCodeId),
            seat_id: m.seat_id.map(SeatId),
            created_at: m.created_at,
        }
    }
}

/// A person as a sponsorship's reports name them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub display_name: String,
    pub primary_email: Option<String>,
}

fn seats_column(seats: u32) -> i32 {
    i32::try_from(seats).unwrap_or(i32::MAX)
}

fn sponsorship_from(m: sponsorship::Model, covers: Vec<AchievementId>) -> Sponsorship {
    Sponsorship {
        id: SponsorshipId(m.id),
        organization_id: OrganizationId(m.organization_id),
        terms: SponsorshipTerms {
            name: m.name,
            seats: u32::try_from(m.seats).unwrap_or(0),
            expires_at: m.expires_at,
            covers,
        },
        created_by: m.created_by.map(UserId),
        created_at: m.created_at,
        ended_at: m.ended_at,
    }
}

/// Sponsorships, codes, seats and redemptions.
#[derive(Debug)]
pub struct Sponsorships<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Sponsorships<'_, C> {
    /// Stores a sponsorship and the micro-credentials it covers. Run it in a
    /// transaction: it writes one row per covered micro-credential.
    pub async fn insert(
        &self,
        id: SponsorshipId,
        organization_id: OrganizationId,
        terms: &SponsorshipTerms,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Sponsorship> {
        let model = sponsorship::ActiveModel {
            id: Set(id.0),
            organization_id: Set(organization_id.0),
            name: Set(terms.name.clone()),
            seats: Set(seats_column(terms.seats)),
            expires_at: Set(terms.expires_at),
            created_by: Set(Some(by.0)),
            created_at: Set(now),
            ended_at: Set(None),
        }
        .insert(self.0)
        .await?;
        let mut covers = terms.covers.clone();
        covers.sort();
        covers.dedup();
        for chunk in covers.chunks(BATCH) {
            sponsorship_achievement::Entity::insert_many(chunk.iter().map(|a| {
                sponsorship_achievement::ActiveModel {
                    sponsorship_id: Set(id.0),
                    achievement_id: Set(a.0),
                }
            }))
            .exec(self.0)
            .await?;
        }
        Ok(sponsorship_from(model, covers))
    }

    async fn covers_of(
        &self,
        ids: &[uuid::Uuid],
    ) -> StoreResult<HashMap<uuid::Uuid, Vec<AchievementId>>> {
        let mut covers: HashMap<uuid::Uuid, Vec<AchievementId>> = HashMap::new();
        if ids.is_empty() {
            return Ok(covers);
        }
        let rows = sponsorship_achievement::Entity::find()
            .filter(sponsorship_achievement::Column::SponsorshipId.is_in(ids.iter().copied()))
            .order_by_asc(sponsorship_achievement::Column::AchievementId)
            .all(self.0)
            .await?;
        for row in rows {
            covers
                .entry(row.sponsorship_id)
                .or_default()
                .push(AchievementId(row.achievement_id));
        }
        Ok(covers)
    }

    async fn with_covers(&self, models: Vec<sponsorship::Model>) -> StoreResult<Vec<Sponsorship>> {
        let ids: Vec<_> = models.iter().map(|m| m.id).collect();
        let mut covers = self.covers_of(&ids).await?;
        Ok(models
            .into_iter()
            .map(|m| {
                let c = covers.remove(&m.id).unwrap_or_default();
                sponsorship_from(m, c)
            })
            .collect())
    }

    /// One sponsorship.
    pub async fn get(&self, id: SponsorshipId) -> StoreResult<Option<Sponsorship>> {
        let Some(model) = sponsorship::Entity::find_by_id(id.0).one(self.0).await? else {
            return Ok(None);
        };
        Ok(self.with_covers(vec![model]).await?.pop())
    }

    /// An organization's sponsorships, newest first.
    pub async fn list(&self, organization_id: OrganizationId) -> StoreResult<Vec<Sponsorship>> {
        let models = sponsorship::Entity::find()
            .filter(sponsorship::Column::OrganizationId.eq(organization_id.0))
            .order_by_desc(sponsorship::Column::CreatedAt)
            .order_by_desc(sponsorship::Column::Id)
            .all(self.0)
            .await?;
        self.with_covers(models).await
    }

    /// Ends a sponsorship: nothing more can be redeemed from it. Ending an
    /// ended one keeps its first end.
    pub async fn end(&self, id: SponsorshipId, now: DateTime<Utc>) -> StoreResult<()> {
        let result = sponsorship::Entity::update_many()
            .col_expr(sponsorship::Column::EndedAt, Expr::value(Some(now)))
            .filter(sponsorship::Column::Id.eq(id.0))
            .filter(sponsorship::Column::EndedAt.is_null())
            .exec(self.0)
            .await?;
        if result.rows_affected == 0 && self.get(id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Adds codes (normalized) to a sponsorship. A code already in use
    /// anywhere fails the whole call with a conflict on
    /// `ux_sponsor_codes_code`.
    pub async fn add_codes(
        &self,
        sponsorship_id: SponsorshipId,
        codes: &[(SponsorCodeId, String)],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        for chunk in codes.chunks(BATCH) {
            sponsor_code::Entity::insert_many(chunk.iter().map(|(id, code)| {
                sponsor_code::ActiveModel {
                    id: Set(id.0),
                    sponsorship_id: Set(sponsorship_id.0),
                    code: Set(code.clone()),
                    created_at: Set(now),
                    redeemed_at: Set(None),
                    redeemed_by: Set(None),
                }
            }))
            .exec(self.0)
            .await?;
        }
        Ok(())
    }

    /// Which of these (normalized) codes exist already.
    pub async fn existing_codes(&self, codes: &[String]) -> StoreResult<Vec<String>> {
        let mut found = Vec::new();
        for chunk in codes.chunks(BATCH) {
            found.extend(
                sponsor_code::Entity::find()
                    .filter(sponsor_code::Column::Code.is_in(chunk.iter().cloned()))
                    .all(self.0)
                    .await?
                    .into_iter()
                    .map(|m| m.code),
            );
        }
        Ok(found)
    }

    /// A sponsorship's codes, oldest first.
    pub async fn codes(&self, sponsorship_id: SponsorshipId) -> StoreResult<Vec<SponsorCode>> {
        Ok(sponsor_code::Entity::find()
            .filter(sponsor_code::Column::SponsorshipId.eq(sponsorship_id.0))
            .order_by_asc(sponsor_code::Column::CreatedAt)
            .order_by_asc(sponsor_code::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// A code (normalized, as `normalize_code` makes it) and its sponsorship.
    pub async fn code(&self, code: &str) -> StoreResult<Option<(SponsorCode, Sponsorship)>> {
        let Some(model) = sponsor_code::Entity::find()
            .filter(sponsor_code::Column::Code.eq(code))
            .one(self.0)
            .await?
        else {
            return Ok(None);
        };
        let Some(sponsorship) = self.get(SponsorshipId(model.sponsorship_id)).await? else {
            return Ok(None);
        };
        Ok(Some((model.into(), sponsorship)))
    }

    /// Marks a code used by `user`, only if nobody used it yet; `false` when
    /// someone else got there first (or there is no such code).
    pub async fn redeem_code(
        &self,
        code_id: SponsorCodeId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = sponsor_code::Entity::update_many()
            .col_expr(sponsor_code::Column::RedeemedAt, Expr::value(Some(now)))
            .col_expr(sponsor_code::Column::RedeemedBy, Expr::value(Some(user.0)))
            .filter(sponsor_code::Column::Id.eq(code_id.0))
            .filter(sponsor_code::Column::RedeemedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Assigns a seat to a person; a second seat for the same person in the
    /// same sponsorship is a conflict on `ux_sponsor_seats_sponsorship_user`.
    pub async fn assign_seat(
        &self,
        id: SeatId,
        sponsorship_id: SponsorshipId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Seat> {
        Ok(sponsor_seat::ActiveModel {
            id: Set(id.0),
            sponsorship_id: Set(sponsorship_id.0),
            user_id: Set(user.0),
            assigned_at: Set(now),
            used_at: Set(None),
        }
        .insert(self.0)
        .await?
        .into())
    }

    /// One seat.
    pub async fn seat(&self, id: SeatId) -> StoreResult<Option<Seat>> {
        Ok(sponsor_seat::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// A sponsorship's seats, in the order they were assigned.
    pub async fn seats(&self, sponsorship_id: SponsorshipId) -> StoreResult<Vec<Seat>> {
        Ok(sponsor_seat::Entity::find()
            .filter(sponsor_seat::Column::SponsorshipId.eq(sponsorship_id.0))
            .order_by_asc(sponsor_seat::Column::AssignedAt)
            .order_by_asc(sponsor_seat::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Removes a seat nobody used; `false` when it was used (it stays, for
    /// the report) or does not exist.
    pub async fn remove_seat(&self, id: SeatId) -> StoreResult<bool> {
        let result = sponsor_seat::Entity::delete_many()
            .filter(sponsor_seat::Column::Id.eq(id.0))
            .filter(sponsor_seat::Column::UsedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// A person's unused seats in sponsorships that are neither ended nor
    /// expired at `now`, oldest seat first.
    pub async fn open_seats_of(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Seat, Sponsorship)>> {
        let seats = sponsor_seat::Entity::find()
            .filter(sponsor_seat::Column::UserId.eq(user.0))
            .filter(sponsor_seat::Column::UsedAt.is_null())
            .order_by_asc(sponsor_seat::Column::AssignedAt)
            .order_by_asc(sponsor_seat::Column::Id)
            .all(self.0)
            .await?;
        if seats.is_empty() {
            return Ok(Vec::new());
        }
        let models = sponsorship::Entity::find()
            .filter(sponsorship::Column::Id.is_in(seats.iter().map(|s| s.sponsorship_id)))
            .filter(sponsorship::Column::EndedAt.is_null())
            .filter(
                Condition::any()
                    .add(sponsorship::Column::ExpiresAt.is_null())
                    .add(sponsorship::Column::ExpiresAt.gte(now)),
            )
            .all(self.0)
            .await?;
        let sponsorships = self.with_covers(models).await?;
        Ok(seats
            .into_iter()
            .filter_map(|seat| {
                let s = sponsorships
                    .iter()
                    .find(|s| s.id.0 == seat.sponsorship_id)?
                    .clone();
                Some((seat.into(), s))
            })
            .collect())
    }

    /// Marks a seat used, only if it was not; `false` otherwise.
    pub async fn use_seat(&self, seat_id: SeatId, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = sponsor_seat::Entity::update_many()
            .col_expr(sponsor_seat::Column::UsedAt, Expr::value(Some(now)))
            .filter(sponsor_seat::Column::Id.eq(seat_id.0))
            .filter(sponsor_seat::Column::UsedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// How many enrollments a sponsorship paid for.
    pub async fn used(&self, sponsorship_id: SponsorshipId) -> StoreResult<u64> {
        Ok(redemption::Entity::find()
            .filter(redemption::Column::SponsorshipId.eq(sponsorship_id.0))
            .count(self.0)
            .await?)
    }

    /// Records that a sponsorship paid for an enrollment; one per
    /// enrollment (`ux_redemptions_enrollment`).
    pub async fn record_redemption(&self, r: &Redemption) -> StoreResult<()> {
        redemption::ActiveModel {
            id: Set(r.id),
            sponsorship_id: Set(r.sponsorship_id.0),
            enrollment_id: Set(r.enrollment_id.0),
            user_id: Set(r.user_id.0),
            achievement_id: Set(r.achievement_id.0),
            code_id: Set(r.code_id.map(|c| c.0)),
            seat_id: Set(r.seat_id.map(|s| s.0)),
            created_at: Set(r.created_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// What a sponsorship paid for, newest first.
    pub async fn redemptions(&self, sponsorship_id: SponsorshipId) -> StoreResult<Vec<Redemption>> {
        Ok(redemption::Entity::find()
            .filter(redemption::Column::SponsorshipId.eq(sponsorship_id.0))
            .order_by_desc(redemption::Column::CreatedAt)
            .order_by_desc(redemption::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The redemption that paid for an enrollment, if a sponsorship did.
    pub async fn redemption_of(
        &self,
        enrollment_id: EnrollmentId,
    ) -> StoreResult<Option<Redemption>> {
        Ok(redemption::Entity::find()
            .filter(redemption::Column::EnrollmentId.eq(enrollment_id.0))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// The names and primary addresses of the people seats, codes and
    /// redemptions name (for reports); unknown ids are left out.
    pub async fn people(&self, ids: &[UserId]) -> StoreResult<HashMap<UserId, Person>> {
        let mut ids: Vec<uuid::Uuid> = ids.iter().map(|u| u.0).collect();
        ids.sort();
        ids.dedup();
        let mut people = HashMap::new();
        for chunk in ids.chunks(BATCH) {
            let users = user::Entity::find()
                .filter(user::Column::Id.is_in(chunk.iter().copied()))
                .all(self.0)
                .await?;
            let emails = user_email::Entity::find()
                .filter(user_email::Column::UserId.is_in(chunk.iter().copied()))
                .filter(user_email::Column::IsPrimary.eq(true))
                .all(self.0)
                .await?;
            for u in users {
                let primary_email = emails
                    .iter()
                    .find(|e| e.user_id == u.id)
                    .map(|e| e.email.clone());
                people.insert(
                    UserId(u.id),
                    Person {
                        display_name: u.display_name,
                        primary_email,
                    },
                );
            }
        }
        Ok(people)
    }
}

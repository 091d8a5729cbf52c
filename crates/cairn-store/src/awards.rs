//! Issued credentials, each organization's signing keys (sealed) and its
//! Bitstring status lists.

use crate::entities::{award, issuer_key, status_list};
use crate::{StoreError, StoreResult};
use cairn_domain::award::{AwardSource, AwardVisibility};
use cairn_domain::{
    AchievementId, AchievementVersionId, AwardId, EnrollmentId, IssuerKeyId, OrganizationId,
    StatusListId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// One of an organization's signing keys. The secret stays sealed under
/// the server's key-encryption key; the store never sees it in the clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerKey {
    pub id: IssuerKeyId,
    pub organization_id: OrganizationId,
    /// `Ed25519` (Data Integrity proofs) or `ES256` (VC-JWT).
    pub algorithm: String,
    /// Multibase for Ed25519, a JWK (JSON) for ES256.
    pub public_key: String,
    pub sealed_secret: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl From<issuer_key::Model> for IssuerKey {
    fn from(m: issuer_key::Model) -> Self {
        Self {
            id: IssuerKeyId(m.id),
            organization_id: OrganizationId(m.organization_id),
            algorithm: m.algorithm,
            public_key: m.public_key,
            sealed_secret: m.sealed_secret,
            created_at: m.created_at,
            retired_at: m.retired_at,
        }
    }
}

/// A Bitstring status list: which of its indices are revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusListRow {
    pub id: StatusListId,
    pub organization_id: OrganizationId,
    pub size: u32,
    /// The list as the credential publishes it (`encodedList`).
    pub bits: String,
    /// Hex of the key that shuffles indices, so neighbours in the list are
    /// not neighbours in time.
    pub allocator_key: String,
    /// How many indices were handed out.
    pub next_counter: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<status_list::Model> for StatusListRow {
    fn from(m: status_list::Model) -> Self {
        Self {
            id: StatusListId(m.id),
            organization_id: OrganizationId(m.organization_id),
            size: u32::try_from(m.size).unwrap_or(0),
            bits: m.bits,
            allocator_key: m.allocator_key,
            next_counter: u64::try_from(m.next_counter).unwrap_or(0),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// An issued credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Award {
    pub id: AwardId,
    /// What makes issuing idempotent: `request:<id>`, `bulk:<…>`,
    /// `renewal:<id>`.
    pub issue_key: String,
    pub organization_id: OrganizationId,
    pub achievement_id: AchievementId,
    pub version_id: AchievementVersionId,
    pub user_id: Option<UserId>,
    pub enrollment_id: Option<EnrollmentId>,
    pub recipient_email: String,
    pub recipient_salt: String,
    pub earner_name: String,
    pub source: AwardSource,
    pub issued_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub status_list_id: StatusListId,
    pub status_index: u32,
    /// The signed Open Badges 3.0 credential (JSON).
    pub credential: String,
    pub png_key: Option<String>,
    pub svg_key: Option<String>,
    pub visibility: AwardVisibility,
    pub share_results: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    pub renews_id: Option<AwardId>,
    pub renewed_by_id: Option<AwardId>,
}

impl TryFrom<award::Model> for Award {
    type Error = StoreError;
    fn try_from(m: award::Model) -> StoreResult<Self> {
        Ok(Self {
            id: AwardId(m.id),
            issue_key: m.issue_key,
            organization_id: OrganizationId(m.organization_id),
            achievement_id: AchievementId(m.achievement_id),
            version_id: AchievementVersionId(m.version_id),
            user_id: m.user_id.map(UserId),
            enrollment_id: m.enrollment_id.map(EnrollmentId),
            recipient_email: m.recipient_email,
            recipient_salt: m.recipient_salt,
            earner_name: m.earner_name,
            source: AwardSource::parse(&m.source)
                .ok_or_else(|| StoreError::Corrupt(format!("award source {}", m.source)))?,
            issued_at: m.issued_at,
            expires_at: m.expires_at,
            status_list_id: StatusListId(m.status_list_id),
            status_index: u32::try_from(m.status_index)
                .map_err(|_| StoreError::Corrupt(format!("status index {}", m.status_index)))?,
            credential: m.credential,
            png_key: m.png_key,
            svg_key: m.svg_key,
            visibility: AwardVisibility::parse(&m.visibility)
                .ok_or_else(|| StoreError::Corrupt(format!("visibility {}", m.visibility)))?,
            share_results: m.share_results,
            revoked_at: m.revoked_at,
            revocation_reason: m.revocation_reason,
            renews_id: m.renews_id.map(AwardId),
            renewed_by_id: m.renewed_by_id.map(AwardId),
        })
    }
}

/// Awards, issuer keys and status lists.
#[derive(Debug)]
pub struct Awards<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Awards<'_, C> {
    /// Stores a new signing key.
    pub async fn insert_key(&self, k: &IssuerKey) -> StoreResult<()> {
        issuer_key::ActiveModel {
            id: Set(k.id.0),
            organization_id: Set(k.organization_id.0),
            algorithm: Set(k.algorithm.clone()),
            public_key: Set(k.public_key.clone()),
            sealed_secret: Set(k.sealed_secret.clone()),
            created_at: Set(k.created_at),
            retired_at: Set(k.retired_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// An organization's keys, oldest first (retired ones too: credentials
    /// they signed must still verify).
    pub async fn keys_of(&self, org: OrganizationId) -> StoreResult<Vec<IssuerKey>> {
        Ok(issuer_key::Entity::find()
            .filter(issuer_key::Column::OrganizationId.eq(org.0))
            .order_by_asc(issuer_key::Column::CreatedAt)
            .order_by_asc(issuer_key::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One key.
    pub async fn key(&self, id: IssuerKeyId) -> StoreResult<Option<IssuerKey>> {
        Ok(issuer_key::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Starts a status list.
    pub async fn insert_list(&self, l: &StatusListRow) -> StoreResult<()> {
        status_list::ActiveModel {
            id: Set(l.id.0),
            organization_id: Set(l.organization_id.0),
            size: Set(i32::try_from(l.size).map_err(|_| StoreError::Corrupt("size".into()))?),
            bits: Set(l.bits.clone()),
            allocator_key: Set(l.allocator_key.clone()),
            next_counter: Set(
                i64::try_from(l.next_counter).map_err(|_| StoreError::Corrupt("counter".into()))?
            ),
            created_at: Set(l.created_at),
            updated_at: Set(l.updated_at),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// The organization's newest status list.
    pub async fn current_list(&self, org: OrganizationId) -> StoreResult<Option<StatusListRow>> {
        Ok(status_list::Entity::find()
            .filter(status_list::Column::OrganizationId.eq(org.0))
            .order_by_desc(status_list::Column::CreatedAt)
            .order_by_desc(status_list::Column::Id)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// One status list.
    pub async fn list(&self, id: StatusListId) -> StoreResult<Option<StatusListRow>> {
        Ok(status_list::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Takes the next counter of a list if nobody took it since `seen`:
    /// `false` when someone did (read the list again and retry).
    pub async fn take_counter(
        &self,
        id: StatusListId,
        seen: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let seen = i64::try_from(seen).map_err(|_| StoreError::Corrupt("counter".into()))?;
        let result = status_list::Entity::update_many()
            .col_expr(status_list::Column::NextCounter, Expr::value(seen + 1))
            .col_expr(status_list::Column::UpdatedAt, Expr::value(now))
            .filter(status_list::Column::Id.eq(id.0))
            .filter(status_list::Column::NextCounter.eq(seen))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Replaces a list's bits (after a revocation) if nobody changed them
    /// since `seen` (the `updated_at` read): `false` when someone did.
    pub async fn set_bits(
        &self,
        id: StatusListId,
        bits: &str,
        seen: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = status_list::Entity::update_many()
            .col_expr(status_list::Column::Bits, Expr::value(bits.to_owned()))
            .col_expr(status_list::Column::UpdatedAt, Expr::value(now))
            .filter(status_list::Column::Id.eq(id.0))
            .filter(status_list::Column::UpdatedAt.eq(seen))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Stores an issued award.
    pub async fn insert(&self, a: &Award) -> StoreResult<()> {
        award::ActiveModel {
            id: Set(a.id.0),
            issue_key: Set(a.issue_key.clone()),
            organization_id: Set(a.organization_id.0),
            achievement_id: Set(a.achievement_id.0),
            version_id: Set(a.version_id.0),
            user_id: Set(a.user_id.map(|u| u.0)),
            enrollment_id: Set(a.enrollment_id.map(|e| e.0)),
            recipient_email: Set(a.recipient_email.clone()),
            recipient_salt: Set(a.recipient_salt.clone()),
            earner_name: Set(a.earner_name.clone()),
            source: Set(a.source.as_str().to_owned()),
            issued_at: Set(a.issued_at),
            expires_at: Set(a.expires_at),
            status_list_id: Set(a.status_list_id.0),
            status_index: Set(i32::try_from(a.status_index)
                .map_err(|_| StoreError::Corrupt("status index".into()))?),
            credential: Set(a.credential.clone()),
            png_key: Set(a.png_key.clone()),
            svg_key: Set(a.svg_key.clone()),
            visibility: Set(a.visibility.as_str().to_owned()),
            share_results: Set(a.share_results),
            revoked_at: Set(a.revoked_at),
            revocation_reason: Set(a.revocation_reason.clone()),
            renews_id: Set(a.renews_id.map(|r| r.0)),
            renewed_by_id: Set(a.renewed_by_id.map(|r| r.0)),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// One award.
    pub async fn get(&self, id: AwardId) -> StoreResult<Option<Award>> {
        award::Entity::find_by_id(id.0)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// The award issued under an idempotency key, if any.
    pub async fn by_issue_key(&self, key: &str) -> StoreResult<Option<Award>> {
        award::Entity::find()
            .filter(award::Column::IssueKey.eq(key))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// A person's awards, newest first.
    pub async fn of_user(&self, user: UserId) -> StoreResult<Vec<Award>> {
        award::Entity::find()
            .filter(award::Column::UserId.eq(user.0))
            .order_by_desc(award::Column::IssuedAt)
            .order_by_desc(award::Column::Id)
            .all(self.0)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    /// The award of an enrollment, if issued.
    pub async fn of_enrollment(&self, id: EnrollmentId) -> StoreResult<Option<Award>> {
        award::Entity::find()
            .filter(award::Column::EnrollmentId.eq(id.0))
            .order_by_desc(award::Column::IssuedAt)
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// How many awards of a micro-credential stand (not revoked).
    pub async fn count_for(&self, achievement: AchievementId) -> StoreResult<u64> {
        Ok(award::Entity::find()
            .filter(award::Column::AchievementId.eq(achievement.0))
            .filter(award::Column::RevokedAt.is_null())
            .count(self.0)
            .await?)
    }

    /// The achievements a person holds unrevoked awards of.
    pub async fn earned_by(&self, user: UserId) -> StoreResult<Vec<AchievementId>> {
        let rows: Vec<uuid::Uuid> = award::Entity::find()
            .select_only()
            .column(award::Column::AchievementId)
            .filter(award::Column::UserId.eq(user.0))
            .filter(award::Column::RevokedAt.is_null())
            .into_tuple()
            .all(self.0)
            .await?;
        Ok(rows.into_iter().map(AchievementId).collect())
    }

    /// Marks an award revoked, once: `false` when it was revoked already.
    pub async fn revoke(&self, id: AwardId, reason: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = award::Entity::update_many()
            .col_expr(award::Column::RevokedAt, Expr::value(Some(now)))
            .col_expr(
                award::Column::RevocationReason,
                Expr::value(Some(reason.to_owned())),
            )
            .filter(award::Column::Id.eq(id.0))
            .filter(award::Column::RevokedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Sets who may see an award and whether its rubric results show.
    pub async fn set_privacy(
        &self,
        id: AwardId,
        visibility: AwardVisibility,
        share_results: bool,
    ) -> StoreResult<()> {
        award::Entity::update_many()
            .col_expr(
                award::Column::Visibility,
                Expr::value(visibility.as_str().to_owned()),
            )
            .col_expr(award::Column::ShareResults, Expr::value(share_results))
            .filter(award::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Links an award to the one that renewed it.
    pub async fn set_renewed_by(&self, id: AwardId, by: AwardId) -> StoreResult<()> {
        award::Entity::update_many()
            .col_expr(award::Column::RenewedById, Expr::value(Some(by.0)))
            .filter(award::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }
}

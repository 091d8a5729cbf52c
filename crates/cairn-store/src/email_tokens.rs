//! One-time tokens sent by email. Only a hash of each token is stored, and
//! a token is consumed by a conditional update, so it works once.

use crate::entities::email_token;
use crate::{StoreError, StoreResult};
use cairn_domain::token::TokenPurpose;
use cairn_domain::{EmailTokenId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// A one-time token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailToken {
    pub id: EmailTokenId,
    pub purpose: TokenPurpose,
    pub user_id: Option<UserId>,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl TryFrom<email_token::Model> for EmailToken {
    type Error = StoreError;
    fn try_from(m: email_token::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: EmailTokenId(m.id),
            purpose: TokenPurpose::parse(&m.purpose)
                .ok_or_else(|| StoreError::Corrupt(format!("token purpose {}", m.purpose)))?,
            user_id: m.user_id.map(UserId),
            email: m.email,
            created_at: m.created_at,
            expires_at: m.expires_at,
            used_at: m.used_at,
        })
    }
}

/// A new token.
#[derive(Clone, Debug)]
pub struct NewEmailToken<'a> {
    pub id: EmailTokenId,
    pub token_hash: &'a str,
    pub purpose: TokenPurpose,
    pub user_id: Option<UserId>,
    pub email: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// One-time tokens.
#[derive(Debug)]
pub struct EmailTokens<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> EmailTokens<'_, C> {
    /// Stores a token.
    pub async fn insert(&self, new: NewEmailToken<'_>) -> StoreResult<()> {
        email_token::ActiveModel {
            id: Set(new.id.0),
            token_hash: Set(new.token_hash.to_owned()),
            purpose: Set(new.purpose.as_str().to_owned()),
            user_id: Set(new.user_id.map(|u| u.0)),
            email: Set(new.email.to_owned()),
            created_at: Set(new.now),
            expires_at: Set(new.expires_at),
            used_at: Set(None),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// The token with this hash and purpose, used or not.
    pub async fn find(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
    ) -> StoreResult<Option<EmailToken>> {
        email_token::Entity::find()
            .filter(email_token::Column::TokenHash.eq(token_hash))
            .filter(email_token::Column::Purpose.eq(purpose.as_str()))
            .one(self.0)
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Marks a token used. Returns false when it was already used or has
    /// expired, so that two requests racing with one link cannot both win.
    pub async fn consume(&self, id: EmailTokenId, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = email_token::Entity::update_many()
            .col_expr(email_token::Column::UsedAt, Expr::value(now))
            .filter(email_token::Column::Id.eq(id.0))
            .filter(email_token::Column::UsedAt.is_null())
            .filter(email_token::Column::ExpiresAt.gt(now))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Voids every unused token of one purpose for an account (a new reset
    /// link voids the older ones).
    pub async fn void_for_user(
        &self,
        user_id: UserId,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        email_token::Entity::update_many()
            .col_expr(email_token::Column::UsedAt, Expr::value(now))
            .filter(email_token::Column::UserId.eq(user_id.0))
            .filter(email_token::Column::Purpose.eq(purpose.as_str()))
            .filter(email_token::Column::UsedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Voids every unused token of one purpose (used for the one-time
    /// administrator link, which is replaced at every start).
    pub async fn void_purpose(&self, purpose: TokenPurpose, now: DateTime<Utc>) -> StoreResult<()> {
        email_token::Entity::update_many()
            .col_expr(email_token::Column::UsedAt, Expr::value(now))
            .filter(email_token::Column::Purpose.eq(purpose.as_str()))
            .filter(email_token::Column::UsedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Removes tokens that expired before `before`.
    pub async fn delete_expired(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        Ok(email_token::Entity::delete_many()
            .filter(email_token::Column::ExpiresAt.lt(before))
            .exec(self.0)
            .await?
            .rows_affected)
    }
}

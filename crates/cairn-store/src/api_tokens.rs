//! Personal API tokens. Only a hash of each token is stored; the prefix
//! lets a person recognise a token in the list.

use crate::StoreResult;
use crate::entities::api_token;
use cairn_domain::{ApiTokenId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Condition;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// A personal API token (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub token_prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for ApiToken {
    fn from(m: api_token::Model) -> Self {
        Self {
            id: ApiTokenId(m.id),
            user_id: UserId(m.user_id),
            name: m.name,
            token_prefix: m.token_prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            expires_at: m.expires_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// A new token.
#[derive(Clone, Debug)]
pub struct NewApiToken<'a> {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub token_prefix: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// API tokens.
#[derive(Debug)]
pub struct ApiTokens<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> ApiTokens<'_, C> {
    /// Stores a token.
    pub async fn insert(&self, new: NewApiToken<'_>) -> StoreResult<ApiToken> {
        let model = api_token::ActiveModel {
            id: Set(new.id.0),
            user_id: Set(new.user_id.0),
            name: Set(new.name.to_owned()),
            token_hash: Set(new.token_hash.to_owned()),
            token_prefix: Set(new.token_prefix.to_owned()),
            created_at: Set(new.now),
            last_used_at: Set(None),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
        }
        .insert(self.0)
        .await?;
        Ok(model.into())
    }

    /// The unrevoked, unexpired token with this hash.
    pub async fn find_active(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<ApiToken>> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .filter(
                Condition::any()
                    .add(api_token::Column::ExpiresAt.is_null())
                    .add(api_token::Column::ExpiresAt.gt(now)),
            )
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Records a use.
    pub async fn touch(&self, id: ApiTokenId, now: DateTime<Utc>) -> StoreResult<()> {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// An account's tokens, newest first, revoked ones included.
    pub async fn list_for_user(&self, user_id: UserId) -> StoreResult<Vec<ApiToken>> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user_id.0))
            .order_by_desc(api_token::Column::CreatedAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Revokes a token of an account. Returns false when there was no such
    /// live token.
    pub async fn revoke(
        &self,
        user_id: UserId,
        id: ApiTokenId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(id.0))
            .filter(api_token::Column::UserId.eq(user_id.0))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(self.0)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

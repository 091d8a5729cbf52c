//! Signed-in browser sessions. Only a hash of each session token is stored.

use crate::StoreResult;
use crate::entities::session;
use cairn_domain::{SessionId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// A signed-in browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl From<session::Model> for Session {
    fn from(m: session::Model) -> Self {
        Self {
            id: SessionId(m.id),
            user_id: UserId(m.user_id),
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_seen_at: m.last_seen_at,
            user_agent: m.user_agent,
            ip: m.ip,
        }
    }
}

/// A new session.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    pub id: SessionId,
    pub token_hash: &'a str,
    pub user_id: UserId,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
}

/// Sessions.
#[derive(Debug)]
pub struct Sessions<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> Sessions<'_, C> {
    /// Stores a new session.
    pub async fn insert(&self, new: NewSession<'_>) -> StoreResult<Session> {
        let model = session::ActiveModel {
            id: Set(new.id.0),
            token_hash: Set(new.token_hash.to_owned()),
            user_id: Set(new.user_id.0),
            created_at: Set(new.now),
            expires_at: Set(new.expires_at),
            last_seen_at: Set(new.now),
            user_agent: Set(new.user_agent.map(|s| s.chars().take(500).collect())),
            ip: Set(new.ip.map(str::to_owned)),
        }
        .insert(self.0)
        .await?;
        Ok(model.into())
    }

    /// The live session with this token hash.
    pub async fn find_live(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Session>> {
        Ok(session::Entity::find()
            .filter(session::Column::TokenHash.eq(token_hash))
            .filter(session::Column::ExpiresAt.gt(now))
            .one(self.0)
            .await?
            .map(Into::into))
    }

    /// Records activity and slides the expiry forward.
    pub async fn touch(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
            .filter(session::Column::Id.eq(id.0))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Ends one session of an account.
    pub async fn delete(&self, user_id: UserId, id: SessionId) -> StoreResult<bool> {
        let result = session::Entity::delete_many()
            .filter(session::Column::Id.eq(id.0))
            .filter(session::Column::UserId.eq(user_id.0))
            .exec(self.0)
            .await?;
        Ok(result.rows_affected > 0)
    }

    /// Ends every session of an account except `keep`.
    pub async fn delete_all_for_user(
        &self,
        user_id: UserId,
        keep: Option<SessionId>,
    ) -> StoreResult<u64> {
        let mut query =
            session::Entity::delete_many().filter(session::Column::UserId.eq(user_id.0));
        if let Some(keep) = keep {
            query = query.filter(session::Column::Id.ne(keep.0));
        }
        Ok(query.exec(self.0).await?.rows_affected)
    }

    /// An account's live sessions, most recently used first.
    pub async fn list_for_user(
        &self,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Session>> {
        Ok(session::Entity::find()
            .filter(session::Column::UserId.eq(user_id.0))
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_desc(session::Column::LastSeenAt)
            .all(self.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Removes expired sessions.
    pub async fn delete_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(self.0)
            .await?
            .rows_affected)
    }
}

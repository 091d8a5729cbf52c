//! Counters behind rate limits, kept in the database so that every server
//! behind a load balancer sees the same counts.

use crate::StoreResult;
use crate::entities::rate_limit_hit;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

/// Rate-limit counters.
#[derive(Debug)]
pub struct RateLimits<'a, C>(pub(crate) &'a C);

impl<C: ConnectionTrait> RateLimits<'_, C> {
    /// Counts one event for `key` in `bucket`.
    pub async fn hit(
        &self,
        id: Uuid,
        bucket: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        rate_limit_hit::ActiveModel {
            id: Set(id),
            bucket: Set(bucket.to_owned()),
            key: Set(key.to_owned()),
            occurred_at: Set(now),
        }
        .insert(self.0)
        .await?;
        Ok(())
    }

    /// Events for `key` in `bucket` since `since`.
    pub async fn count_since(
        &self,
        bucket: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Ok(rate_limit_hit::Entity::find()
            .filter(rate_limit_hit::Column::Bucket.eq(bucket))
            .filter(rate_limit_hit::Column::Key.eq(key))
            .filter(rate_limit_hit::Column::OccurredAt.gt(since))
            .count(self.0)
            .await?)
    }

    /// Forgets the events for `key` (after a successful login).
    pub async fn clear(&self, bucket: &str, key: &str) -> StoreResult<()> {
        rate_limit_hit::Entity::delete_many()
            .filter(rate_limit_hit::Column::Bucket.eq(bucket))
            .filter(rate_limit_hit::Column::Key.eq(key))
            .exec(self.0)
            .await?;
        Ok(())
    }

    /// Removes events older than `before`.
    pub async fn prune(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        Ok(rate_limit_hit::Entity::delete_many()
            .filter(rate_limit_hit::Column::OccurredAt.lt(before))
            .exec(self.0)
            .await?
            .rows_affected)
    }
}

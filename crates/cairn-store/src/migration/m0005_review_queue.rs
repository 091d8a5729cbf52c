//! The review queue's indexes: an organization's open reviews and a
//! reviewer's, each in queue order (assigned, then id), so any page of the
//! queue is read from the index alone, however deep.

use super::m0001_foundation::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn drop(table: &'static str, name: &str) -> IndexDropStatement {
    Index::drop().name(name).table(table).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(drop("reviews", "ix_reviews_org_open")).await?;
        m.create_index(index(
            "reviews",
            "ix_reviews_org_queue",
            &["organization_id", "completed_at", "assigned_at", "id"],
            false,
        ))
        .await?;
        // Also what `open_counts` reads (reviewer, then open or not).
        m.drop_index(drop("reviews", "ix_reviews_reviewer_open"))
            .await?;
        m.create_index(index(
            "reviews",
            "ix_reviews_reviewer_queue",
            &[
                "reviewer_id",
                "completed_at",
                "organization_id",
                "assigned_at",
                "id",
            ],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(drop("reviews", "ix_reviews_reviewer_queue"))
            .await?;
        m.create_index(index(
            "reviews",
            "ix_reviews_reviewer_open",
            &["reviewer_id", "completed_at"],
            false,
        ))
        .await?;
        m.drop_index(drop("reviews", "ix_reviews_org_queue"))
            .await?;
        m.create_index(index(
            "reviews",
            "ix_reviews_org_open",
            &["organization_id", "completed_at", "assigned_at"],
            false,
        ))
        .await?;
        Ok(())
    }
}

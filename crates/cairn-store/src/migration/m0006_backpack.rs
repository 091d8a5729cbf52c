//! The backpack: a person's opt-in public profile (a unique handle, the
//! name it shows, on or off) and the badges they imported from elsewhere,
//! each with its original file, what verification found, and whether it
//! shows on the profile.

use super::m0001_foundation::{fk, index, ts, ts_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;

        m.create_table(
            Table::create()
                .table("profiles")
                .col(uuid("user_id").primary_key())
                .col(string_len("handle", 40))
                .col(string_len("display_name", 200))
                .col(boolean("public"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("profiles", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index("profiles", "ux_profiles_handle", &["handle"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("imported_badges")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string_len("format", 16))
                .col(text_null("original_key"))
                .col(text_null("file_name"))
                .col(text_null("source_url"))
                .col(string_len("fingerprint", 64))
                .col(text("credential"))
                .col(boolean("verified"))
                .col(string_len("kind", 200))
                .col(text("report"))
                .col(string_len("issuer_name", 300))
                .col(string_len("achievement_name", 300))
                .col(ts_null("issued_at"))
                .col(boolean("shown"))
                .col(ts("imported_at"))
                .foreign_key(&mut fk("imported_badges", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "imported_badges",
            "ux_imported_badges_user_fingerprint",
            &["user_id", "fingerprint"],
            true,
        ))
        .await?;
        m.create_index(index(
            "imported_badges",
            "ix_imported_badges_user",
            &["user_id", "imported_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["imported_badges", "profiles"] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}

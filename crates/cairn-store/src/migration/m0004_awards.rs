//! Awards: each organization's signing keys (sealed), its Bitstring status
//! lists, and the issued credentials with their privacy, revocation and
//! renewal.

use super::m0001_foundation::{fk, index, ts, ts_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        m.create_table(
            Table::create()
                .table("issuer_keys")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(string_len("algorithm", 16))
                .col(text("public_key"))
                .col(text("sealed_secret"))
                .col(ts("created_at"))
                .col(ts_null("retired_at"))
                .foreign_key(&mut fk(
                    "issuer_keys",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "issuer_keys",
            "ix_issuer_keys_org",
            &["organization_id", "algorithm"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("status_lists")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(integer("size"))
                .col(text("bits"))
                .col(string_len("allocator_key", 64))
                .col(big_integer("next_counter"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "status_lists",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "status_lists",
            "ix_status_lists_org",
            &["organization_id", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("awards")
                .col(pk_uuid("id"))
                .col(string_len("issue_key", 200))
                .col(uuid("organization_id"))
                .col(uuid("achievement_id"))
                .col(uuid("version_id"))
                .col(uuid_null("user_id"))
                .col(uuid_null("enrollment_id"))
                .col(string_len("recipient_email", 320))
                .col(string_len("recipient_salt", 64))
                .col(string_len("earner_name", 200))
                .col(string_len("source", 16))
                .col(ts("issued_at"))
                .col(ts_null("expires_at"))
                .col(uuid("status_list_id"))
                .col(integer("status_index"))
                .col(text("credential"))
                .col(text_null("png_key"))
                .col(text_null("svg_key"))
                .col(string_len("visibility", 16))
                .col(boolean("share_results"))
                .col(ts_null("revoked_at"))
                .col(text_null("revocation_reason"))
                .col(uuid_null("renews_id"))
                .col(uuid_null("renewed_by_id"))
                .foreign_key(&mut fk(
                    "awards",
                    "organization_id",
                    "organizations",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "awards",
                    "achievement_id",
                    "achievements",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "awards",
                    "version_id",
                    "achievement_versions",
                    Restrict,
                ))
                .foreign_key(&mut fk("awards", "user_id", "users", SetNull))
                .foreign_key(&mut fk("awards", "enrollment_id", "enrollments", SetNull))
                .foreign_key(&mut fk(
                    "awards",
                    "status_list_id",
                    "status_lists",
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("awards", "ux_awards_issue_key", &["issue_key"], true))
            .await?;
        m.create_index(index(
            "awards",
            "ux_awards_status_index",
            &["status_list_id", "status_index"],
            true,
        ))
        .await?;
        m.create_index(index(
            "awards",
            "ix_awards_user",
            &["user_id", "issued_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "awards",
            "ix_awards_achievement",
            &["achievement_id", "issued_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "awards",
            "ix_awards_recipient",
            &["recipient_email"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["awards", "status_lists", "issuer_keys"] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}

//! Bulk awards: an administrator's file of people to award one
//! micro-credential, kept as an import with one row per person, each row
//! with where it stands (waiting, issued, skipped as already awarded, or
//! failed with the reason) and the award it became.

use super::m0001_foundation::{fk, index, ts, ts_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        m.create_table(
            Table::create()
                .table("bulk_imports")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(uuid("achievement_id"))
                .col(uuid("version_id"))
                .col(uuid_null("created_by"))
                .col(string_len("channel", 16))
                .col(string_len_null("file_name", 255))
                .col(integer("total_rows"))
                .col(string_len("status", 16))
                .col(ts("created_at"))
                .col(ts_null("finished_at"))
                .foreign_key(&mut fk(
                    "bulk_imports",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "bulk_imports",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "bulk_imports",
                    "version_id",
                    "achievement_versions",
                    Cascade,
                ))
                .foreign_key(&mut fk("bulk_imports", "created_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "bulk_imports",
            "ix_bulk_imports_org",
            &["organization_id", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("bulk_import_rows")
                .col(pk_uuid("id"))
                .col(uuid("import_id"))
                .col(integer("line"))
                .col(string_len("email", 320))
                .col(string_len("name", 200))
                .col(ts("earned_at"))
                .col(text_null("evidence_url"))
                .col(text_null("narrative"))
                .col(string_len("status", 16))
                .col(text_null("message"))
                .col(uuid_null("award_id"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "bulk_import_rows",
                    "import_id",
                    "bulk_imports",
                    Cascade,
                ))
                .foreign_key(&mut fk("bulk_import_rows", "award_id", "awards", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "bulk_import_rows",
            "ux_bulk_import_rows_import_email",
            &["import_id", "email"],
            true,
        ))
        .await?;
        m.create_index(index(
            "bulk_import_rows",
            "ix_bulk_import_rows_status",
            &["import_id", "status", "line"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bulk_import_rows", "bulk_imports"] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}

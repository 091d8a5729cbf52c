//! Micro-credentials: level scales, templates, achievements with their
//! versions, tags and prerequisites, and stacks.

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
                .table("levels")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(integer("position"))
                .col(string_len("name", 100))
                .col(text("description"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "levels",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "levels",
            "ux_levels_org_name",
            &["organization_id", "name"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("templates")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(string_len("kind", 16))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(text("body"))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "templates",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("templates", "created_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "templates",
            "ux_templates_org_kind_name",
            &["organization_id", "kind", "name"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("achievements")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(uuid_null("department_id"))
                .col(uuid_null("level_id"))
                .col(string_len("slug", 120))
                .col(string_len("status", 16))
                .col(string_len("title", 200))
                .col(text("summary"))
                .col(text("search_text"))
                .col(integer("credit_hundredths"))
                .col(integer("price_cents"))
                .col(boolean("sponsorable"))
                .col(uuid_null("current_version_id"))
                .col(integer("version_number"))
                .col(integer("lock_version"))
                .col(string_len_null("image_svg_key", 200))
                .col(string_len_null("image_png_key", 200))
                .col(text_null("image_design"))
                .col(string_len_null("prerequisite_rule", 16))
                .col(integer_null("prerequisite_count"))
                .col(integer("awards_count"))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("published_at"))
                .foreign_key(&mut fk(
                    "achievements",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "achievements",
                    "department_id",
                    "departments",
                    SetNull,
                ))
                .foreign_key(&mut fk("achievements", "level_id", "levels", SetNull))
                .foreign_key(&mut fk("achievements", "created_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "achievements",
            "ux_achievements_org_slug",
            &["organization_id", "slug"],
            true,
        ))
        .await?;
        m.create_index(index(
            "achievements",
            "ix_achievements_status_title",
            &["status", "title"],
            false,
        ))
        .await?;
        // Foreign keys that filters use (and that ON DELETE SET NULL scans).
        m.create_index(index(
            "achievements",
            "ix_achievements_level",
            &["level_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "achievements",
            "ix_achievements_department",
            &["department_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("achievement_versions")
                .col(pk_uuid("id"))
                .col(uuid("achievement_id"))
                .col(integer("number"))
                .col(text("fields"))
                .col(text_null("rubric"))
                .col(uuid_null("rubric_template_id"))
                .col(text("requirements"))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "achievement_versions",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "achievement_versions",
                    "rubric_template_id",
                    "templates",
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    "achievement_versions",
                    "created_by",
                    "users",
                    SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "achievement_versions",
            "ux_achievement_versions_number",
            &["achievement_id", "number"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("achievement_tags")
                .col(uuid("achievement_id"))
                .col(string_len("tag", 50))
                .primary_key(Index::create().col("achievement_id").col("tag"))
                .foreign_key(&mut fk(
                    "achievement_tags",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "achievement_tags",
            "ix_achievement_tags_tag",
            &["tag"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("achievement_prerequisites")
                .col(uuid("achievement_id"))
                .col(uuid("required_id"))
                .primary_key(Index::create().col("achievement_id").col("required_id"))
                .foreign_key(&mut fk(
                    "achievement_prerequisites",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "achievement_prerequisites",
                    "required_id",
                    "achievements",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "achievement_prerequisites",
            "ix_achievement_prerequisites_required",
            &["required_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("stacks")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(string_len("slug", 120))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(text("recognition"))
                .col(uuid_null("capstone_id"))
                .col(boolean("published"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "stacks",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("stacks", "capstone_id", "achievements", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "stacks",
            "ux_stacks_org_slug",
            &["organization_id", "slug"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("stack_items")
                .col(uuid("stack_id"))
                .col(integer("position"))
                .col(uuid("achievement_id"))
                .primary_key(Index::create().col("stack_id").col("position"))
                .foreign_key(&mut fk("stack_items", "stack_id", "stacks", Cascade))
                .foreign_key(&mut fk(
                    "stack_items",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "stack_items",
            "ix_stack_items_achievement",
            &["achievement_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "stack_items",
            "stacks",
            "achievement_prerequisites",
            "achievement_tags",
            "achievement_versions",
            "achievements",
            "templates",
            "levels",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}

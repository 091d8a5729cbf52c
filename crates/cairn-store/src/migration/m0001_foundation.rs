//! Accounts, sessions, one-time tokens, organizations, departments,
//! memberships, invitations, API tokens, the job queue, the audit log and
//! rate-limit counters.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(super) fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(on_delete)
        .take()
}

pub(super) fn index(
    table: &'static str,
    name: &str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

pub(super) fn ts(col: &'static str) -> ColumnDef {
    timestamp_with_time_zone(col)
}

pub(super) fn ts_null(col: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(col)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        m.create_table(
            Table::create()
                .table("users")
                .col(pk_uuid("id"))
                .col(string_len("display_name", 200))
                .col(text_null("password_hash"))
                .col(boolean("platform_admin"))
                .col(boolean("may_create_organizations"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("user_emails")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string_len("email", 320))
                .col(ts_null("verified_at"))
                .col(boolean("is_primary"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("user_emails", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "user_emails",
            "ux_user_emails_email",
            &["email"],
            true,
        ))
        .await?;
        m.create_index(index(
            "user_emails",
            "ix_user_emails_user",
            &["user_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(pk_uuid("id"))
                .col(string_len("token_hash", 64))
                .col(uuid("user_id"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts("last_seen_at"))
                .col(string_len_null("user_agent", 500))
                .col(string_len_null("ip", 64))
                .foreign_key(&mut fk("sessions", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "sessions",
            "ux_sessions_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index("sessions", "ix_sessions_user", &["user_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("email_tokens")
                .col(pk_uuid("id"))
                .col(string_len("token_hash", 64))
                .col(string_len("purpose", 32))
                .col(uuid_null("user_id"))
                .col(string_len("email", 320))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .foreign_key(&mut fk("email_tokens", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "email_tokens",
            "ux_email_tokens_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("organizations")
                .col(pk_uuid("id"))
                .col(string_len("slug", 63))
                .col(string_len("name", 200))
                .col(text_null("website"))
                .col(string_len_null("contact_email", 320))
                .col(text("description"))
                .col(string_len_null("logo_key", 200))
                .col(string_len_null("logo_content_type", 100))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("organizations", "created_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "organizations",
            "ux_organizations_slug",
            &["slug"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("departments")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(string_len("slug", 63))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "departments",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "departments",
            "ux_departments_org_slug",
            &["organization_id", "slug"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("memberships")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(uuid("user_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "memberships",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("memberships", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "memberships",
            "ux_memberships_org_user",
            &["organization_id", "user_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "memberships",
            "ix_memberships_user",
            &["user_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("membership_roles")
                .col(uuid("membership_id"))
                .col(string_len("role", 32))
                .primary_key(Index::create().col("membership_id").col("role"))
                .foreign_key(&mut fk(
                    "membership_roles",
                    "membership_id",
                    "memberships",
                    Cascade,
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("invitations")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(string_len("email", 320))
                .col(string_len("roles", 200))
                .col(string_len("token_hash", 64))
                .col(uuid_null("invited_by"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("accepted_at"))
                .col(uuid_null("accepted_by"))
                .col(ts_null("revoked_at"))
                .foreign_key(&mut fk(
                    "invitations",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("invitations", "invited_by", "users", SetNull))
                .foreign_key(&mut fk("invitations", "accepted_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "invitations",
            "ux_invitations_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            "invitations",
            "ix_invitations_org",
            &["organization_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string_len("name", 100))
                .col(string_len("token_hash", 64))
                .col(string_len("token_prefix", 32))
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("expires_at"))
                .col(ts_null("revoked_at"))
                .foreign_key(&mut fk("api_tokens", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "api_tokens",
            "ux_api_tokens_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            "api_tokens",
            "ix_api_tokens_user",
            &["user_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("jobs")
                .col(pk_uuid("id"))
                .col(string_len("kind", 64))
                .col(json_binary("payload"))
                .col(string_len_null("dedupe_key", 200))
                .col(string_len("status", 16))
                .col(integer("attempts"))
                .col(integer("max_attempts"))
                .col(ts("run_at"))
                .col(ts_null("locked_until"))
                .col(text_null("last_error"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index("jobs", "ux_jobs_dedupe_key", &["dedupe_key"], true))
            .await?;
        m.create_index(index(
            "jobs",
            "ix_jobs_status_run_at",
            &["status", "run_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("audit_events")
                .col(pk_uuid("id"))
                .col(ts("occurred_at"))
                .col(uuid_null("actor_id"))
                .col(uuid_null("organization_id"))
                .col(string_len("action", 64))
                .col(text("detail"))
                .col(string_len_null("ip", 64))
                .take(),
        )
        .await?;
        m.create_index(index(
            "audit_events",
            "ix_audit_events_org",
            &["organization_id", "occurred_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("rate_limit_hits")
                .col(pk_uuid("id"))
                .col(string_len("bucket", 32))
                .col(string_len("key", 128))
                .col(ts("occurred_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "rate_limit_hits",
            "ix_rate_limit_hits_lookup",
            &["bucket", "key", "occurred_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "rate_limit_hits",
            "audit_events",
            "jobs",
            "api_tokens",
            "invitations",
            "membership_roles",
            "memberships",
            "departments",
            "organizations",
            "email_tokens",
            "sessions",
            "user_emails",
            "users",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}

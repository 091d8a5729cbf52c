//! Earning: sponsorships (codes, seats, redemptions), payments,
//! enrollments, coach partnerships and their invitations, evidence and
//! checklist ticks, comments, submissions (frozen snapshots), reviews,
//! award requests, notifications, and each organization's review rules.

use super::m0001_foundation::{fk, index, ts, ts_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(clippy::too_many_lines, reason = "one table after another")]
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        m.create_table(
            Table::create()
                .table("review_settings")
                .col(uuid("organization_id").primary_key())
                .col(boolean("two_reviews"))
                .col(integer_null("max_attempts"))
                .foreign_key(&mut fk(
                    "review_settings",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sponsorships")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(string_len("name", 200))
                .col(integer("seats"))
                .col(ts_null("expires_at"))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .col(ts_null("ended_at"))
                .foreign_key(&mut fk(
                    "sponsorships",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("sponsorships", "created_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "sponsorships",
            "ix_sponsorships_org",
            &["organization_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("sponsorship_achievements")
                .col(uuid("sponsorship_id"))
                .col(uuid("achievement_id"))
                .primary_key(Index::create().col("sponsorship_id").col("achievement_id"))
                .foreign_key(&mut fk(
                    "sponsorship_achievements",
                    "sponsorship_id",
                    "sponsorships",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "sponsorship_achievements",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sponsor_codes")
                .col(pk_uuid("id"))
                .col(uuid("sponsorship_id"))
                .col(string_len("code", 32))
                .col(ts("created_at"))
                .col(ts_null("redeemed_at"))
                .col(uuid_null("redeemed_by"))
                .foreign_key(&mut fk(
                    "sponsor_codes",
                    "sponsorship_id",
                    "sponsorships",
                    Cascade,
                ))
                .foreign_key(&mut fk("sponsor_codes", "redeemed_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "sponsor_codes",
            "ux_sponsor_codes_code",
            &["code"],
            true,
        ))
        .await?;
        m.create_index(index(
            "sponsor_codes",
            "ix_sponsor_codes_sponsorship",
            &["sponsorship_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("sponsor_seats")
                .col(pk_uuid("id"))
                .col(uuid("sponsorship_id"))
                .col(uuid("user_id"))
                .col(ts("assigned_at"))
                .col(ts_null("used_at"))
                .foreign_key(&mut fk(
                    "sponsor_seats",
                    "sponsorship_id",
                    "sponsorships",
                    Cascade,
                ))
                .foreign_key(&mut fk("sponsor_seats", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "sponsor_seats",
            "ux_sponsor_seats_sponsorship_user",
            &["sponsorship_id", "user_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "sponsor_seats",
            "ix_sponsor_seats_user",
            &["user_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("enrollments")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(uuid("achievement_id"))
                .col(uuid("version_id"))
                .col(uuid("organization_id"))
                .col(string_len("state", 32))
                .col(integer("attempts"))
                .col(string_len("feedback", 16))
                .col(string_len("funding", 16))
                .col(integer("lock_version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("submitted_at"))
                .col(ts_null("decided_at"))
                .foreign_key(&mut fk("enrollments", "user_id", "users", Cascade))
                .foreign_key(&mut fk(
                    "enrollments",
                    "achievement_id",
                    "achievements",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "enrollments",
                    "version_id",
                    "achievement_versions",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "enrollments",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "enrollments",
            "ux_enrollments_user_achievement",
            &["user_id", "achievement_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "enrollments",
            "ix_enrollments_org_state",
            &["organization_id", "state"],
            false,
        ))
        .await?;
        m.create_index(index(
            "enrollments",
            "ix_enrollments_achievement",
            &["achievement_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("redemptions")
                .col(pk_uuid("id"))
                .col(uuid("sponsorship_id"))
                .col(uuid("enrollment_id"))
                .col(uuid("user_id"))
                .col(uuid("achievement_id"))
                .col(uuid_null("code_id"))
                .col(uuid_null("seat_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "redemptions",
                    "sponsorship_id",
                    "sponsorships",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "redemptions",
                    "enrollment_id",
                    "enrollments",
                    Cascade,
                ))
                .foreign_key(&mut fk("redemptions", "user_id", "users", Cascade))
                .foreign_key(&mut fk(
                    "redemptions",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .foreign_key(&mut fk("redemptions", "code_id", "sponsor_codes", SetNull))
                .foreign_key(&mut fk("redemptions", "seat_id", "sponsor_seats", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "redemptions",
            "ux_redemptions_enrollment",
            &["enrollment_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "redemptions",
            "ix_redemptions_sponsorship",
            &["sponsorship_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("payments")
                .col(pk_uuid("id"))
                .col(uuid("organization_id"))
                .col(uuid("enrollment_id"))
                .col(string_len("provider", 32))
                .col(string_len("reference", 200))
                .col(integer("amount_cents"))
                .col(string_len("currency", 3))
                .col(string_len("status", 16))
                .col(uuid_null("recorded_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "payments",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("payments", "enrollment_id", "enrollments", Cascade))
                .foreign_key(&mut fk("payments", "recorded_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "payments",
            "ix_payments_enrollment",
            &["enrollment_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("partnerships")
                .col(pk_uuid("id"))
                .col(uuid("coach_id"))
                .col(uuid("learner_id"))
                .col(uuid_null("achievement_id"))
                .col(uuid_null("assigned_by_organization"))
                .col(ts("created_at"))
                .col(ts_null("ended_at"))
                .foreign_key(&mut fk("partnerships", "coach_id", "users", Cascade))
                .foreign_key(&mut fk("partnerships", "learner_id", "users", Cascade))
                .foreign_key(&mut fk(
                    "partnerships",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "partnerships",
                    "assigned_by_organization",
                    "organizations",
                    SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "partnerships",
            "ix_partnerships_coach",
            &["coach_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "partnerships",
            "ix_partnerships_learner",
            &["learner_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("partnership_invitations")
                .col(pk_uuid("id"))
                .col(string_len("token_hash", 64))
                .col(uuid("invited_by"))
                .col(string_len("email", 320))
                .col(string_len("invitee_role", 16))
                .col(uuid_null("achievement_id"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("accepted_at"))
                .col(ts_null("declined_at"))
                .foreign_key(&mut fk(
                    "partnership_invitations",
                    "invited_by",
                    "users",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "partnership_invitations",
                    "achievement_id",
                    "achievements",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "partnership_invitations",
            "ux_partnership_invitations_token_hash",
            &["token_hash"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("evidence_items")
                .col(pk_uuid("id"))
                .col(uuid("enrollment_id"))
                .col(integer("requirement_index"))
                .col(string_len("kind", 16))
                .col(string_len("title", 200))
                .col(text_null("body"))
                .col(text_null("url"))
                .col(string_len_null("file_key", 200))
                .col(string_len_null("file_name", 255))
                .col(string_len_null("media_type", 100))
                .col(big_integer_null("size_bytes"))
                .col(string_len_null("sha256", 64))
                .col(uuid_null("badge_enrollment_id"))
                .col(string_len("visibility", 16))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "evidence_items",
                    "enrollment_id",
                    "enrollments",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "evidence_items",
                    "badge_enrollment_id",
                    "enrollments",
                    SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evidence_items",
            "ix_evidence_items_enrollment",
            &["enrollment_id", "requirement_index"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("checklist_ticks")
                .col(uuid("enrollment_id"))
                .col(integer("requirement_index"))
                .col(integer("item_index"))
                .col(ts("created_at"))
                .primary_key(
                    Index::create()
                        .col("enrollment_id")
                        .col("requirement_index")
                        .col("item_index"),
                )
                .foreign_key(&mut fk(
                    "checklist_ticks",
                    "enrollment_id",
                    "enrollments",
                    Cascade,
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("submissions")
                .col(pk_uuid("id"))
                .col(uuid("enrollment_id"))
                .col(integer("attempt"))
                .col(text("snapshot"))
                .col(ts("created_at"))
                .col(string_len_null("outcome", 16))
                .col(ts_null("decided_at"))
                .foreign_key(&mut fk(
                    "submissions",
                    "enrollment_id",
                    "enrollments",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "submissions",
            "ux_submissions_enrollment_attempt",
            &["enrollment_id", "attempt"],
            true,
        ))
        .await?;
        m.create_index(index(
            "submissions",
            "ix_submissions_outcome",
            &["outcome"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("reviews")
                .col(pk_uuid("id"))
                .col(uuid("submission_id"))
                .col(uuid("organization_id"))
                .col(uuid_null("department_id"))
                .col(uuid("reviewer_id"))
                .col(uuid_null("assigned_by"))
                .col(ts("assigned_at"))
                .col(string_len_null("decision", 16))
                .col(text("feedback"))
                .col(text("scores"))
                .col(ts_null("completed_at"))
                .foreign_key(&mut fk("reviews", "submission_id", "submissions", Cascade))
                .foreign_key(&mut fk(
                    "reviews",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("reviews", "department_id", "departments", SetNull))
                .foreign_key(&mut fk("reviews", "reviewer_id", "users", Cascade))
                .foreign_key(&mut fk("reviews", "assigned_by", "users", SetNull))
                .take(),
        )
        .await?;
        m.create_index(index(
            "reviews",
            "ux_reviews_submission_reviewer",
            &["submission_id", "reviewer_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "reviews",
            "ix_reviews_reviewer_open",
            &["reviewer_id", "completed_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "reviews",
            "ix_reviews_org_open",
            &["organization_id", "completed_at", "assigned_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("comments")
                .col(pk_uuid("id"))
                .col(uuid("enrollment_id"))
                .col(uuid_null("evidence_id"))
                .col(uuid("author_id"))
                .col(text("body"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("comments", "enrollment_id", "enrollments", Cascade))
                .foreign_key(&mut fk(
                    "comments",
                    "evidence_id",
                    "evidence_items",
                    Cascade,
                ))
                .foreign_key(&mut fk("comments", "author_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "comments",
            "ix_comments_enrollment",
            &["enrollment_id", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("award_requests")
                .col(pk_uuid("id"))
                .col(uuid("enrollment_id"))
                .col(uuid("submission_id"))
                .col(string_len("status", 24))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "award_requests",
                    "enrollment_id",
                    "enrollments",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "award_requests",
                    "submission_id",
                    "submissions",
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "award_requests",
            "ux_award_requests_enrollment",
            &["enrollment_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "award_requests",
            "ix_award_requests_status",
            &["status"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("notifications")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string_len("kind", 48))
                .col(text("message"))
                .col(text("link"))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .foreign_key(&mut fk("notifications", "user_id", "users", Cascade))
                .take(),
        )
        .await?;
        m.create_index(index(
            "notifications",
            "ix_notifications_user",
            &["user_id", "read_at", "created_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "notifications",
            "award_requests",
            "comments",
            "reviews",
            "submissions",
            "checklist_ticks",
            "evidence_items",
            "partnership_invitations",
            "partnerships",
            "payments",
            "redemptions",
            "enrollments",
            "sponsor_seats",
            "sponsor_codes",
            "sponsorship_achievements",
            "sponsorships",
            "review_settings",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}

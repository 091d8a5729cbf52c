use sea_orm::{DbErr, SqlErr};
use thiserror::Error;

/// What can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule refused the write; `constraint` names the index,
    /// e.g. `ux_user_emails_email`.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// The row changed since the caller read it (optimistic locking).
    #[error("changed by someone else since it was read")]
    Stale,
    /// The store was configured wrongly.
    #[error("{0}")]
    Config(String),
    /// A stored value could not be read back (a bug or manual edit).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// Blob storage failed.
    #[error("blob storage: {0}")]
    Blob(#[from] std::io::Error),
    /// A streamed blob grew past the limit its writer set; nothing was kept.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The stream a blob was written from failed (an upload cut off or
    /// malformed); nothing was kept.
    #[error("the upload could not be read: {0}")]
    Upload(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A byte range asked for lies outside the blob.
    #[error("range not satisfiable: the blob has {total_len} bytes")]
    RangeNotSatisfiable { total_len: u64 },
    /// Anything else from the database.
    #[error("database: {0}")]
    Database(DbErr),
}

/// A store result.
pub type StoreResult<T> = Result<T, StoreError>;

/// Unique indexes by name, with the `table.column` list SQLite reports in
/// its message instead of the name.
const UNIQUE_INDEXES: &[(&str, &str)] = &[
    ("ux_user_emails_email", "user_emails.email"),
    ("ux_sessions_token_hash", "sessions.token_hash"),
    ("ux_email_tokens_token_hash", "email_tokens.token_hash"),
    ("ux_organizations_slug", "organizations.slug"),
    (
        "ux_departments_org_slug",
        "departments.organization_id, departments.slug",
    ),
    (
        "ux_memberships_org_user",
        "memberships.organization_id, memberships.user_id",
    ),
    ("ux_invitations_token_hash", "invitations.token_hash"),
    ("ux_api_tokens_token_hash", "api_tokens.token_hash"),
    ("ux_jobs_dedupe_key", "jobs.dedupe_key"),
    ("ux_levels_org_name", "levels.organization_id, levels.name"),
    (
        "ux_templates_org_kind_name",
        "templates.organization_id, templates.kind, templates.name",
    ),
    (
        "ux_achievements_org_slug",
        "achievements.organization_id, achievements.slug",
    ),
    (
        "ux_achievement_versions_number",
        "achievement_versions.achievement_id, achievement_versions.number",
    ),
    ("ux_stacks_org_slug", "stacks.organization_id, stacks.slug"),
    ("ux_sponsor_codes_code", "sponsor_codes.code"),
    (
        "ux_sponsor_seats_sponsorship_user",
        "sponsor_seats.sponsorship_id, sponsor_seats.user_id",
    ),
    (
        "ux_enrollments_user_achievement",
        "enrollments.user_id, enrollments.achievement_id",
    ),
    ("ux_redemptions_enrollment", "redemptions.enrollment_id"),
    (
        "ux_partnership_invitations_token_hash",
        "partnership_invitations.token_hash",
    ),
    (
        "ux_submissions_enrollment_attempt",
        "submissions.enrollment_id, submissions.attempt",
    ),
    (
        "ux_reviews_submission_reviewer",
        "reviews.submission_id, reviews.reviewer_id",
    ),
    (
        "ux_award_requests_enrollment",
        "award_requests.enrollment_id",
    ),
    ("ux_awards_issue_key", "awards.issue_key"),
    (
        "ux_bulk_import_rows_import_email",
        "bulk_import_rows.import_id, bulk_import_rows.email",
    ),
    ("ux_profiles_handle", "profiles.handle"),
    (
        "ux_imported_badges_user_fingerprint",
        "imported_badges.user_id, imported_badges.fingerprint",
    ),
];

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => {
                let constraint = UNIQUE_INDEXES
                    .iter()
                    .find(|(name, columns)| message.contains(name) || message.contains(columns))
                    .map_or_else(|| "unknown".to_owned(), |(name, _)| (*name).to_owned());
                StoreError::Conflict { constraint }
            }
            _ => match err {
                DbErr::RecordNotFound(_) => StoreError::NotFound,
                other => StoreError::Database(other),
            },
        }
    }
}

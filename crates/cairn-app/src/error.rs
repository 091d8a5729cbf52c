use cairn_domain::FieldErrors;
use cairn_domain::policy::Denied;
use cairn_store::StoreError;
use thiserror::Error;

/// Everything a use case can answer besides success. The web layer maps
/// each variant to one HTTP status and shows `Display` to people, except
/// for `Internal`, whose detail is only logged.
#[derive(Debug, Error)]
pub enum AppError {
    /// Nothing there (or nothing this person may know about).
    #[error("{0}")]
    NotFound(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Not signed in, or the credentials were wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// Input problems, per field.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The change clashes with existing data (a slug in use, …).
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// Too many attempts; try again after this many seconds.
    #[error("Too many attempts. Please wait {} minutes and try again.", .retry_after_secs.div_ceil(60))]
    RateLimited { retry_after_secs: u64 },
    /// A dependency is not ready (migrations pending, database down).
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an outage; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(#[source] anyhow::Error),
}

/// A use-case result.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A problem with one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldErrors::single(field, message))
    }

    /// A conflict tied to one field.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// A generic "not found" for a kind of thing.
    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} was not found."))
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound("That was not found.".into()),
            StoreError::Conflict { constraint } => AppError::Conflict {
                field: None,
                message: format!("This conflicts with existing data ({constraint})."),
            },
            StoreError::Stale => crate::achievements::stale(),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        AppError::Forbidden(denied.to_string())
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

//! `/api/v1/organizations/{slug}/achievements/{id}/bulk-awards`: an
//! organization's administrators check a CSV file of people, award the
//! micro-credential to them, and follow the award's progress.

use crate::WebState;
use crate::error::{ApiError, ErrorBody, FieldProblem};
use crate::extract::{ApiAuth, ApiQuery};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::bulk::{
    BulkCheck, BulkFile, ImportView, MAX_FILE_BYTES, Problem, Requester, Started,
};
use cairn_domain::BulkImportId;
use cairn_store::bulk::{BulkRow, Channel};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The largest body: the file, with room for nothing else.
pub(super) const BODY_LIMIT: usize = MAX_FILE_BYTES;

/// Whether to check the file only.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DryRun {
    /// `true`: check the file and report, writing nothing. `false`: award
    /// (refused with 422 and the problems when any row has one).
    dry_run: bool,
}

/// A problem found in the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkProblemDto {
    /// The row as a spreadsheet numbers it (the header is row 1); `null`
    /// for the file as a whole.
    pub row: Option<u32>,
    /// `email`, `name`, `date`, `evidence URL` or `narrative`.
    pub column: Option<String>,
    pub message: String,
    /// Whether it stops the award; people who hold the badge already are
    /// not blocking (the award skips them).
    pub blocking: bool,
}

impl From<&Problem> for BulkProblemDto {
    fn from(p: &Problem) -> Self {
        Self {
            row: p.row,
            column: p.column.map(|c| c.label().to_owned()),
            message: p.message.clone(),
            blocking: p.blocking,
        }
    }
}

/// What a check of the file found.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkCheckDto {
    pub achievement: Uuid,
    /// The version that would be awarded.
    pub version: u32,
    /// People in the file.
    pub rows: u32,
    /// People an award would issue the badge to.
    pub to_award: u32,
    /// People who hold it already (skipped).
    pub already_awarded: u32,
    /// Whether the file can be awarded as it is.
    pub ok: bool,
    /// Every problem, the file's first, then by row.
    pub problems: Vec<BulkProblemDto>,
}

impl From<&BulkCheck> for BulkCheckDto {
    fn from(c: &BulkCheck) -> Self {
        Self {
            achievement: c.achievement.id.0,
            version: c.version,
            rows: c.rows,
            to_award: c.to_award,
            already_awarded: c.already,
            ok: c.ok(),
            problems: c.problems.iter().map(BulkProblemDto::from).collect(),
        }
    }
}

/// A row that was skipped or could not be issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkRowDto {
    pub row: u32,
    pub email: String,
    pub name: String,
    /// Why it was skipped or failed.
    pub message: Option<String>,
    /// The award it is (a skipped row names the earlier award when known).
    pub award: Option<Uuid>,
}

impl From<&BulkRow> for BulkRowDto {
    fn from(r: &BulkRow) -> Self {
        Self {
            row: r.line,
            email: r.email.clone(),
            name: r.name.clone(),
            message: r.message.clone(),
            award: r.award_id.map(|a| a.0),
        }
    }
}

/// A bulk award and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkImportDto {
    pub id: Uuid,
    pub achievement: Uuid,
    /// `running` while rows are issued, then `done`.
    pub status: String,
    /// People in the file.
    pub total: u64,
    /// Rows issued, skipped or failed so far.
    pub done: u64,
    pub issued: u64,
    /// People who held the badge already.
    pub skipped: u64,
    pub failed: u64,
    /// Rows waiting to be issued.
    pub pending: u64,
    pub file_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The rows that failed, with the reason (the first 500).
    pub failures: Vec<BulkRowDto>,
    /// The progress page for people.
    pub page: String,
}

fn import_dto(state: &WebState, v: &ImportView) -> BulkImportDto {
    BulkImportDto {
        id: v.import.id.0,
        achievement: v.import.achievement_id.0,
        status: v.import.status.as_str().to_owned(),
        total: v.counts.total(),
        done: v.counts.done(),
        issued: v.counts.issued,
        skipped: v.counts.skipped,
        failed: v.counts.failed,
        pending: v.counts.pending,
        file_name: v.import.file_name.clone(),
        created_at: v.import.created_at,
        finished_at: v.import.finished_at,
        failures: v.failed.iter().map(BulkRowDto::from).collect(),
        page: state.app.url(&format!(
            "/orgs/{}/bulk-awards/{}",
            v.organization.slug, v.import.id
        )),
    }
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn achievement_of(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| AppError::not_found("The micro-credential").into())
}

/// Checks a CSV file of people (`dry_run=true`) or awards the
/// micro-credential to them (`dry_run=false`). The body is the file
/// itself, at most 5 MiB: a header row naming the columns `email`,
/// `name`, `date` (YYYY-MM-DD, the day it was earned) and optionally
/// `evidence URL` and `narrative`, then one row per person. An award is
/// refused with 422 when any row has a problem (each is a field
/// `row N, column`); it is answered 202 with the import, whose rows are
/// then issued in the background. People who hold the badge already are
/// skipped; sending the same file twice awards nobody twice.
#[utoipa::path(post, path = "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards", tag = "bulk awards",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "The micro-credential"), DryRun),
    request_body(description = "The CSV file, UTF-8", content(("text/csv"))),
    responses((status = 200, body = BulkCheckDto, description = "The check (dry run)"),
        (status = 202, body = BulkImportDto, description = "The award started"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Rows with problems, or a micro-credential that is not published")))]
pub(super) async fn start(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<DryRun>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let achievement = achievement_of(&id)?.to_string();
    let media = media_type(&headers);
    if !(media == "text/csv" || media == "application/csv") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the CSV file as the body with `Content-Type: text/csv`.",
        ));
    }
    let bytes = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The file is larger than 5 MiB; split it into smaller files.",
        )
    })?;
    let who = Requester::Person(&auth.principal);
    let app = &state.app;
    if query.dry_run {
        let check = app
            .check_bulk_award(who, &slug, &achievement, &bytes)
            .await?;
        return Ok(Json(BulkCheckDto::from(&check)).into_response());
    }
    let started = app
        .start_bulk_award(
            who,
            &slug,
            &achievement,
            BulkFile {
                bytes: &bytes,
                file_name: None,
            },
            Channel::Api,
            &auth.meta,
        )
        .await?;
    match started {
        Started::Started(import) => {
            let view = app.bulk_import(who, &slug, import.id).await?;
            let location = format!(
                "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards/{}",
                import.id
            );
            Ok((
                StatusCode::ACCEPTED,
                [(header::LOCATION, location)],
                Json(import_dto(&state, &view)),
            )
                .into_response())
        }
        Started::Refused(check) => {
            let mut error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!(
                    "The file has {} problem(s); nobody was awarded. Fix them and send it again (dry_run=true reports them without awarding).",
                    check.errors().count()
                ),
            );
            error.fields = check
                .errors()
                .map(|p| FieldProblem {
                    field: match (p.row, p.column) {
                        (Some(row), Some(column)) => format!("row {row}, {}", column.label()),
                        (Some(row), None) => format!("row {row}"),
                        (None, _) => "file".to_owned(),
                    },
                    message: p.message.clone(),
                })
                .collect();
            Err(error)
        }
    }
}

/// A bulk award's progress: rows done of the total, issued, skipped
/// (already awarded) and failed with the reasons.
#[utoipa::path(get, path = "/api/v1/organizations/{slug}/achievements/{id}/bulk-awards/{import}", tag = "bulk awards",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "The micro-credential"), ("import" = Uuid, Path)),
    responses((status = 200, body = BulkImportDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<WebState>,
    auth: ApiAuth,
    Path((slug, id, import)): Path<(String, String, String)>,
) -> Result<Json<BulkImportDto>, ApiError> {
    let achievement = achievement_of(&id)?;
    let import = Uuid::parse_str(&import)
        .map(BulkImportId)
        .map_err(|_| ApiError::from(AppError::not_found("The bulk award")))?;
    let view = state
        .app
        .bulk_import(Requester::Person(&auth.principal), &slug, import)
        .await?;
    if view.import.achievement_id.0 != achievement {
        return Err(AppError::not_found("The bulk award").into());
    }
    Ok(Json(import_dto(&state, &view)))
}
